/* vigil: which peer a connect or a send reaches, and how Falco shows its
 * address (net_addr.h says why). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vigil/net_addr.h"

/* libsinsp's is_ipv4_mapped_ipv6 without its all-zero case: :: reaches
 * ::1 and is rewritten before it is shown. */
static bool
v4_mapped (const struct in6_addr *a)
{
  return IN6_IS_ADDR_V4MAPPED (a);
}

bool
net_addr_is_any (const struct sockaddr_storage *dst, socklen_t len)
{
  const struct sockaddr_in *in4 = (const struct sockaddr_in *) dst;
  const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *) dst;

  if (dst->ss_family == AF_INET)
    return len >= sizeof *in4 && in4->sin_addr.s_addr == htonl (INADDR_ANY);
  if (dst->ss_family == AF_INET6 && len >= offsetof (struct sockaddr_in6, sin6_scope_id))
    return IN6_IS_ADDR_UNSPECIFIED (&in6->sin6_addr)
           || (v4_mapped (&in6->sin6_addr) && in6->sin6_addr.s6_addr32[3] == htonl (INADDR_ANY));
  return false;
}

/* The IPv4 address the socket is bound to (0 if none): an AF_INET
 * address, or the IPv4 part of a v4-mapped one. */
static uint32_t
bound_v4 (const struct sockaddr_storage *local)
{
  if (local && local->ss_family == AF_INET)
    return ((const struct sockaddr_in *) local)->sin_addr.s_addr;
  if (local && local->ss_family == AF_INET6 && v4_mapped (&((const struct sockaddr_in6 *) local)->sin6_addr))
    return ((const struct sockaddr_in6 *) local)->sin6_addr.s6_addr32[3];
  return htonl (INADDR_ANY);
}

/* An IPv4 destination of 0.0.0.0: the route lookup makes it the source,
 * the bound address or else 127.0.0.1. */
static uint32_t
reach_v4 (const struct sockaddr_storage *local)
{
  uint32_t bound = bound_v4 (local);
  return bound != htonl (INADDR_ANY) ? bound : htonl (INADDR_LOOPBACK);
}

void
net_addr_reach (struct sockaddr_storage *dst, const struct sockaddr_storage *local)
{
  struct sockaddr_in *in4 = (struct sockaddr_in *) dst;
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) dst;

  if (dst->ss_family == AF_INET && in4->sin_addr.s_addr == htonl (INADDR_ANY))
    in4->sin_addr.s_addr = reach_v4 (local);
  else if (dst->ss_family == AF_INET6 && v4_mapped (&in6->sin6_addr)
           && in6->sin6_addr.s6_addr32[3] == htonl (INADDR_ANY))
    in6->sin6_addr.s6_addr32[3] = reach_v4 (local);
  else if (dst->ss_family == AF_INET6 && IN6_IS_ADDR_UNSPECIFIED (&in6->sin6_addr))
    {
      bool mapped_local = local && local->ss_family == AF_INET6
                          && v4_mapped (&((const struct sockaddr_in6 *) local)->sin6_addr);
      if (mapped_local)
        {
          in6->sin6_addr.s6_addr32[2] = htonl (0xffff);
          in6->sin6_addr.s6_addr32[3] = htonl (INADDR_LOOPBACK);
        }
      else
        in6->sin6_addr = in6addr_loopback;
    }
}

void
net_addr_reach_target (int pidfd, int sockfd, struct sockaddr_storage *dst, socklen_t len)
{
  struct sockaddr_storage local;
  socklen_t llen = sizeof local;
  bool bound = false;

  if (!net_addr_is_any (dst, len))
    return;
  int sock = pidfd >= 0 ? (int) syscall (SYS_pidfd_getfd, pidfd, sockfd, 0) : -1;
  if (sock >= 0)
    {
      memset (&local, 0, sizeof local);
      bound = getsockname (sock, (struct sockaddr *) &local, &llen) == 0;
      close (sock);
    }
  net_addr_reach (dst, bound ? &local : NULL);
}

static bool
ip_v4_mapped (const struct ipaddr *ip)
{
  return ip->family == AF_INET6 && v4_mapped ((const struct in6_addr *) ip->a);
}

static bool
ip_unset (const struct ipaddr *ip)
{
  return ip->family == AF_INET6 && IN6_IS_ADDR_UNSPECIFIED ((const struct in6_addr *) ip->a);
}

bool
net_addr_unmap_pair (struct ipaddr *l, struct ipaddr *r)
{
  if (!(ip_v4_mapped (l) || ip_unset (l)) || !(ip_v4_mapped (r) || ip_unset (r)) || (ip_unset (l) && ip_unset (r)))
    return false;
  struct ipaddr *ends[2] = { l, r };
  for (int k = 0; k < 2; k++)
    {
      uint8_t v4[4];
      memcpy (v4, ends[k]->a + 12, 4); /* 0.0.0.0 for an unset end */
      memset (ends[k], 0, sizeof *ends[k]);
      ends[k]->family = AF_INET;
      memcpy (ends[k]->a, v4, 4);
    }
  return true;
}

bool
net_addr_peer (const struct sockaddr_storage *ss, struct ipaddr *ip, uint16_t *port)
{
  const struct sockaddr_in *in4 = (const struct sockaddr_in *) ss;
  const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *) ss;

  memset (ip, 0, sizeof *ip);
  if (ss->ss_family == AF_INET)
    {
      ip->family = AF_INET;
      memcpy (ip->a, &in4->sin_addr, 4);
      *port = ntohs (in4->sin_port);
      return true;
    }
  if (ss->ss_family != AF_INET6)
    return false;
  *port = ntohs (in6->sin6_port);
  if (v4_mapped (&in6->sin6_addr))
    {
      ip->family = AF_INET;
      memcpy (ip->a, &in6->sin6_addr.s6_addr32[3], 4);
    }
  else
    {
      ip->family = AF_INET6;
      memcpy (ip->a, &in6->sin6_addr, 16);
    }
  return true;
}
