/* Ways to reach a peer that a connect rule is about (attack_net.sh):
 *   net_attack HOW ADDR PORT
 * HOW is connect, tfo (sendto MSG_FASTOPEN on a TCP socket), tfomsg
 * (sendmsg MSG_FASTOPEN), udp (sendto with an address), udpmsg (sendmsg
 * with msg_name), mmsg (sendmmsg: first to the port after PORT, then to
 * PORT), udpconn (sendto without an address on a UDP socket connected to
 * ADDR:PORT: not a new peer), bindany (connect 0.0.0.0 or :: from a
 * socket bound to ADDR), ia32 (connect through int 0x80), x32 (connect
 * through the x32 ABI), udphigh (udp with the address at 0x200000000, a
 * pointer whose low 32 bits are zero).  ADDR is an IPv4 or IPv6 literal, or an AF_UNIX
 * path (then PORT is ignored, and mmsg's first message goes to ADDR.ok);
 * the socket's family is ADDR's.  Prints "ok" or the errno's name. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static socklen_t
parse (const char *addr, int port, struct sockaddr_storage *ss)
{
  struct sockaddr_in *in4 = (struct sockaddr_in *) ss;
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) ss;

  memset (ss, 0, sizeof *ss);
  if (addr[0] == '/')
    {
      struct sockaddr_un *un = (struct sockaddr_un *) ss;
      un->sun_family = AF_UNIX;
      snprintf (un->sun_path, sizeof un->sun_path, "%s%s", addr, port < 0 ? ".ok" : "");
      return (socklen_t) (offsetof (struct sockaddr_un, sun_path) + strlen (un->sun_path) + 1);
    }
  if (inet_pton (AF_INET, addr, &in4->sin_addr) == 1)
    {
      in4->sin_family = AF_INET;
      in4->sin_port = htons ((uint16_t) port);
      return sizeof *in4;
    }
  if (inet_pton (AF_INET6, addr, &in6->sin6_addr) == 1)
    {
      in6->sin6_family = AF_INET6;
      in6->sin6_port = htons ((uint16_t) port);
      return sizeof *in6;
    }
  fprintf (stderr, "bad address %s\n", addr);
  exit (2);
}

static int
report (long r)
{
  if (r < 0)
    {
      const char *name = strerrorname_np (errno);
      printf ("%s\n", name ? name : "error");
      return 1;
    }
  printf ("ok\n");
  return 0;
}

/* connect (362 on i386) through the 32-bit entry: its sockaddr must lie
 * below 4 GiB. */
static long
ia32_connect (int s, const struct sockaddr_storage *ss, socklen_t len)
{
  void *low = mmap (NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
  long ret;

  if (low == MAP_FAILED)
    return -1;
  memcpy (low, ss, len);
  __asm__ volatile ("int $0x80" : "=a"(ret) : "a"(362L), "b"((long) s), "c"(low), "d"((long) len) : "memory");
  if (ret < 0)
    {
      errno = (int) -ret;
      return -1;
    }
  return ret;
}

int
main (int argc, char **argv)
{
  static char data[] = "net_attack\n";
  struct sockaddr_storage ss, other;
  struct iovec iov = { data, sizeof data - 1 };

  if (argc != 4)
    {
      fprintf (stderr, "usage: net_attack HOW ADDR PORT\n");
      return 2;
    }
  const char *how = argv[1];
  int port = atoi (argv[3]);
  socklen_t len = parse (argv[2], port, &ss);
  bool dgram = strncmp (how, "udp", 3) == 0 || strcmp (how, "mmsg") == 0 || argv[2][0] == '/';
  int s = socket (ss.ss_family, dgram ? SOCK_DGRAM : SOCK_STREAM, 0);
  struct msghdr m = { .msg_name = &ss, .msg_namelen = len, .msg_iov = &iov, .msg_iovlen = 1 };

  if (s < 0)
    return report (-1);
  if (strcmp (how, "connect") == 0)
    return report (connect (s, (struct sockaddr *) &ss, len));
  if (strcmp (how, "ia32") == 0)
    return report (ia32_connect (s, &ss, len));
  if (strcmp (how, "x32") == 0)
    return report (syscall (0x40000000L | 42 /* x32 connect */, s, &ss, len));
  if (strcmp (how, "tfo") == 0)
    return report (sendto (s, data, sizeof data - 1, MSG_FASTOPEN, (struct sockaddr *) &ss, len));
  if (strcmp (how, "tfomsg") == 0)
    return report (sendmsg (s, &m, MSG_FASTOPEN));
  if (strcmp (how, "udp") == 0)
    return report (sendto (s, data, sizeof data - 1, 0, (struct sockaddr *) &ss, len));
  if (strcmp (how, "udphigh") == 0)
    {
      void *high = mmap ((void *) 0x200000000UL, 4096, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
      if (high != (void *) 0x200000000UL)
        return report (-1);
      memcpy (high, &ss, len);
      return report (sendto (s, data, sizeof data - 1, 0, (struct sockaddr *) high, len));
    }
  if (strcmp (how, "udpmsg") == 0)
    return report (sendmsg (s, &m, 0));
  if (strcmp (how, "mmsg") == 0)
    {
      socklen_t olen = parse (argv[2], argv[2][0] == '/' ? -1 : port + 1, &other);
      struct mmsghdr v[2] = { { .msg_hdr = m }, { .msg_hdr = m } };
      v[0].msg_hdr.msg_name = &other;
      v[0].msg_hdr.msg_namelen = olen;
      int n = sendmmsg (s, v, 2, 0);
      if (n >= 0)
        printf ("sent %d ", n);
      return report (n == 2 ? 0 : -1);
    }
  if (strcmp (how, "udpconn") == 0)
    {
      /* The connect goes to ADDR:PORT: the caller passes an allowed peer. */
      if (connect (s, (struct sockaddr *) &ss, len) < 0)
        return report (-1);
      return report (sendto (s, data, sizeof data - 1, 0, NULL, 0));
    }
  if (strcmp (how, "bindany") == 0)
    {
      /* Bound to ADDR, connected to the any-address of its family. */
      struct sockaddr_storage any;
      socklen_t alen = parse (ss.ss_family == AF_INET ? "0.0.0.0" : "::", port, &any);
      ((struct sockaddr_in *) &ss)->sin_port = 0; /* sin6_port is at the same offset */
      if (bind (s, (struct sockaddr *) &ss, len) < 0)
        return report (-1);
      return report (connect (s, (struct sockaddr *) &any, alen));
    }
  fprintf (stderr, "unknown HOW %s\n", how);
  return 2;
}
