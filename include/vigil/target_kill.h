/* vigil: killing a workload process, the one way every kill rule kills.
 *
 * The notifying thread is known by its thread id, which may be any
 * thread of its process.  The whole thread group is killed through a
 * pidfd, so a recycled id can never be hit: the pidfd is opened first,
 * then checked to still name the notifier (its notification is still
 * pending), then signalled.  On kernels before 6.9 (no PIDFD_THREAD) the
 * thread group leader's pidfd is opened, the leader found in
 * /proc/<tid>/status and checked, once opened, to hold the thread.
 *
 * A table full of fds does not stop a kill: the fd reserve of limits.h
 * is drawn on. */
#ifndef VIGIL_TARGET_KILL_H
#define VIGIL_TARGET_KILL_H

#include <stdint.h>
#include <sys/types.h>

#include "vigil/output.h"

/** SIGKILL the process of thread tid.  With listener >= 0, only while
 *  notification id is pending; with listener < 0 the caller guarantees
 *  that tid cannot be recycled meanwhile (a stopped tracee).  Returns 0
 *  when the signal was sent, -ESRCH when the target is gone (the
 *  notification too), or another -errno when vigil could not kill. */
int target_kill (pid_t tid, int listener, uint64_t id);

/** "vigil internal: kill failed": rule's kill could not be carried out
 *  (error e) on thread tid; the syscall was denied instead. */
struct alert *target_kill_failed_alert (const char *rule, pid_t tid, int e, uint64_t ts, const char *hostname);

#endif
