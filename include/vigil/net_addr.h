/* vigil: the peer a connect or a send with a destination reaches, as the
 * kernel picks it, and its address as Falco shows it.
 *
 * Rules on fd.sip are about the peer.  Two spellings of an address reach
 * a peer they do not name:
 *  - the any-address (0.0.0.0, ::, ::ffff:0.0.0.0): the kernel connects
 *    to the local host instead: to the socket's bound IPv4 address, else
 *    127.0.0.1 (ip_route_output_key_hash); for ::, to ::1, or to
 *    ::ffff:127.0.0.1 when the socket is bound to a v4-mapped address
 *    (tcp_v6_connect, ip6_datagram_connect, and so do UDP sends);
 *  - a v4-mapped IPv6 address (::ffff:127.0.0.1) reaches the IPv4 host,
 *    and libsinsp types such a connection ipv4 with fd.sip the IPv4
 *    address (is_ipv4_mapped_ipv6 in parsers.cpp).
 * vigil rewrites an any-address to the local address the kernel would
 * pick, decides on that, and passes the kernel that explicit address, so
 * the peer reached is the one decided on even if the socket is bound in
 * between.  Rendering turns a v4-mapped address into IPv4, as Falco does. */
#ifndef VIGIL_NET_ADDR_H
#define VIGIL_NET_ADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "vigil/fields.h"

/** Whether dst (len bytes of it were given) is an IP any-address that the
 *  kernel accepts as a destination (a sockaddr long enough for it). */
bool net_addr_is_any (const struct sockaddr_storage *dst, socklen_t len);

/** Rewrite any-address dst, in its own family (it stays what the workload's
 *  socket accepts), to the local address the kernel reaches.  local is the
 *  socket's own address (getsockname), NULL when unknown or unbound.
 *  Other addresses are left alone. */
void net_addr_reach (struct sockaddr_storage *dst, const struct sockaddr_storage *local);

/** The same for a call of the target: when dst is an any-address, the
 *  socket (the target's fd sockfd, fetched through pidfd, or -1 when it
 *  has none) says what it is bound to; a socket vigil cannot fetch counts
 *  as unbound (the kernel fails the call then). */
void net_addr_reach_target (int pidfd, int sockfd, struct sockaddr_storage *dst, socklen_t len);

/** The IP address and port of ss as Falco shows a peer: a v4-mapped IPv6
 *  address is its IPv4 address.  False when ss is not AF_INET/AF_INET6. */
bool net_addr_peer (const struct sockaddr_storage *ss, struct ipaddr *ip, uint16_t *port);

/** The two ends of an IPv6 socket as libsinsp types it: when both are
 *  v4-mapped (or one is, the other unset), the socket carries IPv4 and
 *  both become IPv4 addresses; returns whether they did.  (libsinsp also
 *  calls a socket with two unset ends IPv4; vigil leaves that one IPv6.) */
bool net_addr_unmap_pair (struct ipaddr *l, struct ipaddr *r);

#endif
