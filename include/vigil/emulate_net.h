/* vigil: connects performed by vigil for the workload.
 *
 * A destination read from the workload's memory and then continued can be
 * swapped by another thread before the kernel reads it.  Where a deny or
 * kill rule covers connect, vigil fetches the socket (pidfd_getfd),
 * decides on its own copy of the address and connects with that copy, on
 * a thread of its own (a connect may block), then answers with the real
 * result.  The thread takes the target's credentials first, so an AF_UNIX
 * server sees them (SO_PEERCRED; its pid is vigil's, though). */
#ifndef VIGIL_EMULATE_NET_H
#define VIGIL_EMULATE_NET_H

#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "vigil/rules.h"
#include "vigil/target_creds.h"

struct connect_call {
  int sockfd;
  struct sockaddr_storage addr; /* vigil's copy: what the rules and the connect see */
  socklen_t len;
};

/** Does rs make vigil emulate connects (a deny/kill rule covers connect)? */
bool connect_emulation_needed (const struct ruleset *rs);

/** Is nr (native arch) a connect? */
bool connect_call_supported (int nr);

/** Read the call behind req.  Returns 0, or -errno to answer with
 *  (EFAULT, EINVAL), or -EPERM when the target could not be read. */
int connect_call_read (const struct seccomp_notif *req, int listener, struct connect_call *call);

/** Fetch the target's fd `fd` through its pidfd: vigil's own fd for the
 *  same open file, or -errno. */
int target_fetch_fd (int pidfd, int fd);

/** Connect sock (vigil's fd, taken) to call's address on a thread of its
 *  own, which takes creds for good first (if not NULL), and answer req
 *  with the result.  keep_fd (or -1) is an fd the address names
 *  (/proc/self/fd/N): duplicated for the thread.  Returns 0, or -errno if
 *  the thread could not be started (sock is then closed). */
int connect_finish_async (int listener, uint64_t id, int sock, const struct connect_call *call,
                          const struct target_creds *creds, int keep_fd);

/* ---- sends ---- */

/* One message as vigil copied it: what the rules see and what is sent. */
struct send_msg {
  struct sockaddr_storage addr;
  socklen_t addrlen;
  bool has_addr;        /* a destination of its own (else the socket's peer) */
  unsigned char *data;  /* the payload, gathered from the iovecs (owned) */
  size_t len;
  unsigned char *control; /* ancillary data, SCM_RIGHTS fds made vigil's (owned) */
  size_t controllen;
  bool via;             /* an AF_UNIX path vigil walked: sent to the socket */
  int via_fd;           /* file it reached, vigil's O_PATH fd (owned) */
};

struct send_call {
  int nr;
  int sockfd;
  unsigned flags;
  pid_t tid, tgid;
  struct send_msg *msgs; /* one, or sendmmsg's vector (owned) */
  unsigned nmsgs;
  uint64_t vec;          /* sendmmsg: the target's vector, where msg_len is written back */
};

/** Does rs make vigil perform sends (a deny/kill rule covers one)? */
bool send_emulation_needed (const struct ruleset *rs);

/** Is nr (native arch) sendto, sendmsg or sendmmsg? */
bool send_call_supported (int nr);

/** Read the call behind req (sendto without a destination is not read:
 *  returns 1, nothing in memory decides it).  Returns 0, 1, or -errno
 *  to answer with, -EPERM when the target could not be read. */
int send_call_read (const struct seccomp_notif *req, int listener, struct send_call *call);

/** Make the fds passed with SCM_RIGHTS vigil's own (pidfd_getfd).  On
 *  failure (-errno) none stays open in vigil. */
int send_call_take_fds (struct send_call *call, int pidfd);

/** Close the passed fds that are vigil's (after take_fds), e.g. when the
 *  send is refused. */
void send_call_close_fds (struct send_call *call);

void send_call_free (struct send_call *call);

/** Keep the first n messages only (sendmmsg sends those before a message
 *  that fails). */
void send_call_truncate (struct send_call *call, unsigned n);

/** Send on sock (vigil's fd, taken) from a thread of its own, which takes
 *  creds for good first (if not NULL), and answer req with the result.
 *  Takes call's storage.  Returns 0, or -errno (sock closed). */
int send_finish_async (int listener, uint64_t id, int sock, struct send_call *call,
                       const struct target_creds *creds);

#endif
