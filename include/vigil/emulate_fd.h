/* vigil: syscalls that name an fd, performed by vigil on its own duplicate.
 *
 * fchmod, fchown, fsetxattr, listen, dup, dup2, dup3, fcntl(F_DUPFD*)
 * and fchmodat2, fchownat(fd, "", AT_EMPTY_PATH) act on the object behind an fd
 * number.  Deciding on
 * /proc/<tid>/fd/N and then letting the call run can be raced: another
 * thread dup2s a different file onto N in between.  So where a deny or
 * kill rule covers one of them, vigil fetches the very open file with
 * pidfd_getfd (from the notifying thread's own fd table), shows the rules
 * that object (fd.name and friends), and performs the call on it with the
 * target's credentials (fsetxattr: the name and value it read once, the
 * name being what the rules saw); a dup hands the duplicate over with
 * SECCOMP_IOCTL_NOTIF_ADDFD (an fcntl dup from a minimum at the number the
 * kernel would give: fd_place.h).  One row per syscall says where its fd is and
 * what is done with it. */
#ifndef VIGIL_EMULATE_FD_H
#define VIGIL_EMULATE_FD_H

#include <limits.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <sys/types.h>

#include "vigil/path_resolve.h"
#include "vigil/rules.h"
#include "vigil/xattr_arg.h"

enum fd_op { FD_CHMOD, FD_CHOWN, FD_LISTEN, FD_DUP, FD_SETXATTR };

struct fd_call {
  enum fd_op op;
  const char *name;   /* the syscall's */
  pid_t tid;          /* the notifying thread */
  int fd;             /* the target's fd number (AT_FDCWD: its cwd) */
  int path_arg;       /* fchmodat2, fchownat: the argument of its "" path, else -1 */
  unsigned long args[6];
  int object;         /* vigil's duplicate of the target's open file, or -1 */
  char object_path[PATH_MAX]; /* fchmodat2, fchownat: the object's path, which the rules see */
  struct xattr_arg xattr;     /* fsetxattr: what it sets, read once */
};

/* fd_call_read: not a call vigil performs after all (fchmodat2 with a
 * path: a path call; fcntl other than F_DUPFD*: errno-only). */
#define FD_CALL_NOT_PERFORMED 1

/** Is nr (native arch) a call vigil can perform on an fd? */
bool fd_call_supported (int nr);

/** Does rs make vigil perform some fd call (a deny/kill rule covers it)? */
bool fd_emulation_needed (const struct ruleset *rs);

/** Read the call behind req.  Returns 0, FD_CALL_NOT_PERFORMED, or -errno to answer with (-EPERM: the
 *  target could not be read). */
int fd_call_read (const struct seccomp_notif *req, int listener, struct fd_call *call);

/** Fetch the object the call acts on into call->object: from the fd
 *  table of thread req->pid itself, checked to be the notifier's.
 *  Returns 0, or -errno as the target's own call would fail (EBADF), or
 *  -EPERM where vigil may not look (no CAP_SYS_PTRACE over it). */
int fd_call_fetch (struct fd_call *call, const struct seccomp_notif *req, int listener);

/** The object fd_call_fetch took, described as a walk's result (its
 *  path from vigil's root, its identity; call->object stays its fd) for
 *  the second look at its names (object_ids.h).  Returns 0, or -1 when
 *  it has no path a rule could give (a socket, a pipe). */
int fd_call_object (const struct fd_call *call, struct resolved_path *r);

/** Whether vigil can perform the call on call->object: ADDFD does not
 *  pass O_PATH files, and no other way puts this very file in the
 *  target's table, so a dup of one cannot be performed. */
bool fd_call_performable (const struct fd_call *call);

/** Perform the call on call->object with the calling thread's (the
 *  target's) credentials, and answer the notification with its result. */
void fd_call_perform (const struct fd_call *call, int listener, uint64_t id);

/** Release what fd_call_fetch took. */
void fd_call_end (struct fd_call *call);

#endif
