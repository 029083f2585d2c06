/* vigil: accepts performed by vigil for the workload.
 *
 * A listening fd looked up in /proc/<tid>/fd and then continued can be
 * swapped (dup2 of another listening socket onto its number) before the
 * kernel looks it up again.  Where a deny or kill rule covers accept,
 * vigil fetches the listening socket from the notifying thread's own fd
 * table (pidfd_getfd), decides on that duplicate (the rules see its
 * family, protocol and server end, as before the syscall), accepts on
 * it on a thread of its own (an accept may block), writes the peer's
 * address back as the kernel would and hands the new socket over with
 * SECCOMP_IOCTL_NOTIF_ADDFD. */
#ifndef VIGIL_EMULATE_ACCEPT_H
#define VIGIL_EMULATE_ACCEPT_H

#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "vigil/rules.h"
#include "vigil/target_creds.h"

struct accept_call {
  int sockfd;
  uint64_t addr;    /* the target's sockaddr buffer, or 0 */
  uint64_t addrlen; /* the target's socklen_t, read and written after the accept */
  int flags;        /* accept4's SOCK_NONBLOCK | SOCK_CLOEXEC */
  pid_t tid;
};

/** Does rs make vigil perform accepts (a deny/kill rule covers accept or
 *  accept4)? */
bool accept_emulation_needed (const struct ruleset *rs);

/** Is nr (native arch) accept or accept4? */
bool accept_call_supported (int nr);

/** Read the call behind req (registers only).  Returns 0, or -EINVAL
 *  for flags accept4 refuses before it looks the fd up. */
int accept_call_read (const struct seccomp_notif *req, struct accept_call *call);

/** The listening socket, from the notifying thread's own fd table:
 *  vigil's fd, or -EBADF, -ESRCH (notification gone), -EPERM (vigil may
 *  not take it). */
int accept_call_fetch (const struct accept_call *call, const struct seccomp_notif *req, int listener);

/** Accept on sock (vigil's fd, taken) on a thread of its own, with creds
 *  (if not NULL) while it accepts, and answer req: the new socket
 *  through ADDFD, the peer's address written back first.  Returns 0, or
 *  -errno if the thread could not be started (sock is then closed). */
int accept_finish_async (int listener, uint64_t id, int sock, const struct accept_call *call,
                         const struct target_creds *creds);

#endif
