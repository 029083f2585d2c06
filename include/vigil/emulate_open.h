/* vigil: opens performed by vigil for the workload.
 *
 * Where a deny or kill rule covers opens, continuing the syscall after the
 * check would let the workload change the path between the check and the
 * kernel's walk.  So vigil resolves the path itself (path_resolve.h),
 * decides on the object it found, opens that object with the requested
 * flags and the target's credentials, and hands the fd over with
 * SECCOMP_IOCTL_NOTIF_ADDFD: the result is real and nothing the workload
 * changes afterwards matters. */
#ifndef VIGIL_EMULATE_OPEN_H
#define VIGIL_EMULATE_OPEN_H

#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "vigil/path_resolve.h"
#include "vigil/rules.h"
#include "vigil/target_creds.h"

/* One open-family call, as read from the notification and the target. */
struct open_call {
  int dirfd;
  char path[PATH_MAX]; /* vigil's copy: what the rules and the walk see */
  uint64_t flags;
  mode_t mode;
  uint64_t resolve;
};

/** Is nr (native arch) an open that vigil can emulate? */
bool open_call_supported (int nr);

/** Read the call behind req.  Returns 0, or -errno to answer the
 *  workload with (EFAULT for a bad pointer, EINVAL/E2BIG for a bad
 *  open_how), or -EPERM when the target could not be read. */
int open_call_read (const struct seccomp_notif *req, int listener, struct open_call *call);

/** The resolution request for call. */
void open_call_request (const struct open_call *call, struct resolve_request *rq);

/** Could opening r with call's flags block (a FIFO, a tty, FUSE)? */
bool open_may_block (const struct resolved_path *r);

/** For an O_PATH open (ADDFD refuses O_PATH files): the resolved object
 *  opened for reading, where it is a directory, or a regular file outside
 *  procfs, that the calling thread (with the target's credentials) may
 *  read.  Returns vigil's fd, -errno as the workload's open fails
 *  (ENOENT, ENOTDIR), or -EOPNOTSUPP when there is no such stand-in. */
int open_finish_readable (const struct resolved_path *r, const struct open_call *call);

/** Open the resolved object with the call's flags; for a missing one,
 *  create it in its parent with umask applied.  Returns vigil's fd or
 *  -errno.  Runs with the target's credentials already assumed. */
int open_finish (const struct resolved_path *r, const struct open_call *call, mode_t umask_value);

/** Answer req with fd installed in the target (closes fd). */
int open_answer_fd (int listener, uint64_t id, int fd, const struct open_call *call);

/** Finish the open on a thread of its own, which assumes creds (if not
 *  NULL), answers the notification and frees everything.  Takes r->fd.
 *  Returns 0, or -errno if the thread could not be started. */
int open_finish_async (int listener, uint64_t id, struct resolved_path *r, const struct open_call *call,
                       const struct target_creds *creds, mode_t umask_value);

/** Start fn(arg) on a detached thread, with a stack of stack_size bytes
 *  (0: the default), e.g. EMULATE_STACK for a syscall vigil performs that
 *  may block.  The thread holds one of the job slots limits.h bounds
 *  until fn returns.  Returns 0 or a positive errno: EAGAIN when a bound
 *  is reached, which the caller gives the workload. */
int emulate_thread_start (void *(*fn) (void *), void *arg, size_t stack_size);

/** The same, for a job that answers notification id of listener and
 *  holds bytes of memory until it ends (counted against limits.h's
 *  budget): once that notification is gone, the job may be interrupted
 *  (its syscall returns EINTR) when its slot is needed; a job that retries
 *  on EINTR stops once seccomp_notif_valid says the notification is gone. */
int emulate_job_start (void *(*fn) (void *), void *arg, size_t stack_size, int listener, uint64_t id,
                       size_t bytes);

/* What a thread that performs one syscall needs. */
#define EMULATE_STACK (64 * 1024)

/** vigil's own umask (the kernel applies it to what vigil creates). */
mode_t vigil_umask (void);

/** Does rs make vigil emulate opens (a deny/kill rule covers one)? */
bool open_emulation_needed (const struct ruleset *rs);

#endif
