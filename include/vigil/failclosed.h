/* vigil: failing closed on a process vigil cannot inspect.
 *
 * Without CAP_SYS_PTRACE, vigil cannot read the memory or the /proc
 * entries of a process that switched to another uid or made itself
 * non-dumpable.  Every syscall a deny/kill rule covers is then failed
 * with EPERM, never continued unseen, and the internal alert "vigil
 * internal: cannot inspect process" is raised once per process. */
#ifndef VIGIL_FAILCLOSED_H
#define VIGIL_FAILCLOSED_H

#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "vigil/output.h"

struct failclosed;

struct failclosed *failclosed_new (void);
void failclosed_free (struct failclosed *fc);

/** Can vigil read the notifying thread's memory (and so its /proc
 *  entries)?  One read of a byte at its instruction pointer, which is
 *  always mapped; a failure counts only while the notification is still
 *  pending (else the target is merely gone). */
bool failclosed_can_inspect (int listener, const struct seccomp_notif *req);

/** Whether a read of the target failed for want of permission (errno
 *  EPERM, EACCES, or ESRCH for a thread that still exists). */
bool failclosed_errno_means_denied (int e);

/** The alert for a process vigil could not inspect, or NULL when one was
 *  raised for that process already. */
struct alert *failclosed_alert (struct failclosed *fc, const struct seccomp_notif *req, const char *action,
                                uint64_t ts, const char *hostname);

#endif
