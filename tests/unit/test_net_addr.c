/* Unit tests for net_addr.c: any-addresses become the local address the
 * kernel connects to, a v4-mapped peer shows as IPv4 (as libsinsp shows
 * it), and the socket's binding is read through a pidfd. */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vigil/net_addr.h"

static struct sockaddr_storage
addr (const char *ip, int port)
{
  struct sockaddr_storage ss;
  struct sockaddr_in *in4 = (struct sockaddr_in *) &ss;
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) &ss;

  memset (&ss, 0, sizeof ss);
  if (inet_pton (AF_INET, ip, &in4->sin_addr) == 1)
    {
      in4->sin_family = AF_INET;
      in4->sin_port = htons ((uint16_t) port);
    }
  else
    {
      ck_assert_int_eq (inet_pton (AF_INET6, ip, &in6->sin6_addr), 1);
      in6->sin6_family = AF_INET6;
      in6->sin6_port = htons ((uint16_t) port);
    }
  return ss;
}

static socklen_t
len_of (const struct sockaddr_storage *ss)
{
  return ss->ss_family == AF_INET ? sizeof (struct sockaddr_in) : sizeof (struct sockaddr_in6);
}

/* dst as text with its port, in its own family. */
static const char *
text (const struct sockaddr_storage *ss)
{
  static char buf[INET6_ADDRSTRLEN + 16];
  char ip[INET6_ADDRSTRLEN];
  const void *a = ss->ss_family == AF_INET ? (const void *) &((const struct sockaddr_in *) ss)->sin_addr
                                           : (const void *) &((const struct sockaddr_in6 *) ss)->sin6_addr;
  int port = ntohs (ss->ss_family == AF_INET ? ((const struct sockaddr_in *) ss)->sin_port
                                             : ((const struct sockaddr_in6 *) ss)->sin6_port);
  inet_ntop (ss->ss_family, a, ip, sizeof ip);
  snprintf (buf, sizeof buf, "%s port %d", ip, port);
  return buf;
}

static const char *
reached (const char *dst, const char *local)
{
  struct sockaddr_storage d = addr (dst, 80), l;
  if (local)
    l = addr (local, 0);
  net_addr_reach (&d, local ? &l : NULL);
  return text (&d);
}

START_TEST (test_any_addresses)
{
  struct sockaddr_storage a;

  a = addr ("0.0.0.0", 1);
  ck_assert (net_addr_is_any (&a, len_of (&a)));
  ck_assert (!net_addr_is_any (&a, 8)); /* too short: the kernel says EINVAL */
  a = addr ("::", 1);
  ck_assert (net_addr_is_any (&a, len_of (&a)));
  ck_assert (net_addr_is_any (&a, 24)); /* SIN6_LEN_RFC2133 */
  ck_assert (!net_addr_is_any (&a, 16));
  a = addr ("::ffff:0.0.0.0", 1);
  ck_assert (net_addr_is_any (&a, len_of (&a)));
  a = addr ("::ffff:127.0.0.1", 1);
  ck_assert (!net_addr_is_any (&a, len_of (&a)));
  a = addr ("127.0.0.1", 1);
  ck_assert (!net_addr_is_any (&a, len_of (&a)));
  a = addr ("::1", 1);
  ck_assert (!net_addr_is_any (&a, len_of (&a)));
}
END_TEST

START_TEST (test_reach_as_the_kernel)
{
  /* 0.0.0.0: the bound address, else loopback; the port stays. */
  ck_assert_str_eq (reached ("0.0.0.0", NULL), "127.0.0.1 port 80");
  ck_assert_str_eq (reached ("0.0.0.0", "0.0.0.0"), "127.0.0.1 port 80");
  ck_assert_str_eq (reached ("0.0.0.0", "127.0.0.5"), "127.0.0.5 port 80");
  /* ::ffff:0.0.0.0 is 0.0.0.0 to an IPv6 socket, and stays v4-mapped. */
  ck_assert_str_eq (reached ("::ffff:0.0.0.0", NULL), "::ffff:127.0.0.1 port 80");
  ck_assert_str_eq (reached ("::ffff:0.0.0.0", "::ffff:10.1.2.3"), "::ffff:10.1.2.3 port 80");
  ck_assert_str_eq (reached ("::ffff:0.0.0.0", "::"), "::ffff:127.0.0.1 port 80");
  /* ::: ::1, or ::ffff:127.0.0.1 from a socket bound v4-mapped (a
   * connect, and a UDP send too). */
  ck_assert_str_eq (reached ("::", NULL), "::1 port 80");
  ck_assert_str_eq (reached ("::", "::1"), "::1 port 80");
  ck_assert_str_eq (reached ("::", "::ffff:10.1.2.3"), "::ffff:127.0.0.1 port 80");
  /* Other addresses are what they say. */
  ck_assert_str_eq (reached ("10.0.0.1", "127.0.0.5"), "10.0.0.1 port 80");
  ck_assert_str_eq (reached ("::ffff:127.0.0.1", NULL), "::ffff:127.0.0.1 port 80");
  ck_assert_str_eq (reached ("fe80::1", NULL), "fe80::1 port 80");
}
END_TEST

START_TEST (test_peer_as_falco_shows_it)
{
  struct sockaddr_storage a;
  struct ipaddr ip;
  uint16_t port;
  const uint8_t lo4[4] = { 127, 0, 0, 1 };

  a = addr ("::ffff:127.0.0.1", 8080);
  ck_assert (net_addr_peer (&a, &ip, &port));
  ck_assert_int_eq (ip.family, AF_INET);
  ck_assert_mem_eq (ip.a, lo4, 4);
  ck_assert_int_eq (port, 8080);
  a = addr ("127.0.0.1", 53);
  ck_assert (net_addr_peer (&a, &ip, &port));
  ck_assert_int_eq (ip.family, AF_INET);
  ck_assert_mem_eq (ip.a, lo4, 4);
  ck_assert_int_eq (port, 53);
  a = addr ("::1", 22);
  ck_assert (net_addr_peer (&a, &ip, &port));
  ck_assert_int_eq (ip.family, AF_INET6);
  ck_assert_mem_eq (ip.a, &in6addr_loopback, 16);
  memset (&a, 0, sizeof a);
  a.ss_family = AF_UNIX;
  ck_assert (!net_addr_peer (&a, &ip, &port));
}
END_TEST

static struct ipaddr
ip6 (const char *text6)
{
  struct ipaddr ip = { .family = AF_INET6 };
  ck_assert_int_eq (inet_pton (AF_INET6, text6, ip.a), 1);
  return ip;
}

/* The ends of an IPv6 socket from /proc/net/tcp6: IPv4 when they carry it. */
START_TEST (test_unmap_pair)
{
  const uint8_t lo4[4] = { 127, 0, 0, 1 }, zero[4] = { 0 };
  struct ipaddr l = ip6 ("::ffff:127.0.0.1"), r = ip6 ("::ffff:127.0.0.1");

  ck_assert (net_addr_unmap_pair (&l, &r));
  ck_assert_int_eq (l.family, AF_INET);
  ck_assert_int_eq (r.family, AF_INET);
  ck_assert_mem_eq (l.a, lo4, 4);
  ck_assert_mem_eq (r.a, lo4, 4);
  l = ip6 ("::ffff:127.0.0.1"), r = ip6 ("::"); /* bound, not connected */
  ck_assert (net_addr_unmap_pair (&l, &r));
  ck_assert_int_eq (r.family, AF_INET);
  ck_assert_mem_eq (r.a, zero, 4);
  l = ip6 ("::"), r = ip6 ("::"); /* a listener on [::]: left IPv6 */
  ck_assert (!net_addr_unmap_pair (&l, &r));
  ck_assert_int_eq (l.family, AF_INET6);
  l = ip6 ("::1"), r = ip6 ("::ffff:127.0.0.1");
  ck_assert (!net_addr_unmap_pair (&l, &r));
  ck_assert_int_eq (r.family, AF_INET6);
}
END_TEST

/* The binding comes from the socket itself, fetched through a pidfd (this
 * process plays the target). */
START_TEST (test_reach_target_reads_the_socket)
{
  int pidfd = (int) syscall (SYS_pidfd_open, getpid (), 0);
  int s = socket (AF_INET, SOCK_STREAM, 0);
  struct sockaddr_storage d, b = addr ("127.0.0.5", 0);

  ck_assert_int_ge (pidfd, 0);
  ck_assert_int_ge (s, 0);
  d = addr ("0.0.0.0", 80);
  net_addr_reach_target (pidfd, s, &d, len_of (&d));
  ck_assert_str_eq (text (&d), "127.0.0.1 port 80");
  ck_assert_int_eq (bind (s, (struct sockaddr *) &b, sizeof (struct sockaddr_in)), 0);
  d = addr ("0.0.0.0", 80);
  net_addr_reach_target (pidfd, s, &d, len_of (&d));
  ck_assert_str_eq (text (&d), "127.0.0.5 port 80");
  /* No such fd: the kernel would fail the call; vigil assumes unbound. */
  d = addr ("0.0.0.0", 80);
  net_addr_reach_target (pidfd, 1000, &d, len_of (&d));
  ck_assert_str_eq (text (&d), "127.0.0.1 port 80");
  close (s);
  close (pidfd);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("net_addr");
  TCase *tc = tcase_create ("addresses");
  tcase_add_test (tc, test_any_addresses);
  tcase_add_test (tc, test_reach_as_the_kernel);
  tcase_add_test (tc, test_peer_as_falco_shows_it);
  tcase_add_test (tc, test_unmap_pair);
  tcase_add_test (tc, test_reach_target_reads_the_socket);
  suite_add_tcase (s, tc);
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
