/* vigil: keeping the workload's signals away from vigil.
 *
 * When vigil is not PID 1 of its pid namespace, the kernel lets a
 * workload with vigil's uid stop or kill it, and a stopped vigil hangs
 * every notified call.  Signals vigil blocks are harmless (it reads
 * them from its signalfd and passes them on to the workload); those
 * that act at once are not: SIGKILL, SIGSTOP, and the synchronous ones
 * vigil leaves at their default (SIGSEGV, SIGBUS, SIGFPE, SIGILL,
 * SIGTRAP, SIGSYS, SIGABRT).
 *
 * Where the pid is in a register, the filter itself decides, before
 * libseccomp's program (signal_guard_prepend), failing with EPERM:
 *   kill(vigil), tkill(vigil), tgkill(vigil, ..), rt_sigqueueinfo(vigil),
 *   rt_tgsigqueueinfo(vigil, ..), pidfd_open(vigil): any signal;
 *   kill(-1) and kill(-vigil's process group) with a dangerous signal;
 *   fcntl(F_SETSIG) with a dangerous signal (SIGIO to an owner set with
 *   F_SETOWN would carry it to vigil);
 *   setpgid(.., vigil's process group): a workload that left vigil's
 *   group cannot come back to reach it with kill(0).
 * The rest needs vigil to look, and is notified (signal_guard_check):
 *   kill(0, dangerous) while the workload shares vigil's process group
 *   (no tty): denied if the caller is still in vigil's group;
 *   tkill(tid, dangerous) and pidfd_open(tid, PIDFD_THREAD): denied if
 *   tid is one of vigil's threads;
 *   pidfd_send_signal(fd, dangerous): the fd (a pidfd, or a /proc/<pid>
 *   directory) is fetched and looked at, and the signal is sent by vigil
 *   through its own copy (signal_guard_perform), so a racing dup2 cannot
 *   swap the fd. */
#ifndef VIGIL_SIGNAL_GUARD_H
#define VIGIL_SIGNAL_GUARD_H

#include <linux/seccomp.h>
#include <stdbool.h>
#include <sys/types.h>

#include "vigil/error.h"
#include "vigil/source_seccomp.h"

struct signal_guard {
  bool active;      /* vigil is not PID 1: the guard is in the filter */
  pid_t pid;        /* vigil's */
  pid_t pgid;       /* vigil's process group */
  bool shares_pgrp; /* the workload starts in it (no tty) */
};

enum signal_verdict {
  SIGNAL_NOT_GUARDED, /* not the guard's: handled as any notification */
  SIGNAL_ALLOW,       /* notified for the guard, not aimed at vigil: it goes on */
  SIGNAL_DENY,        /* aimed at vigil: fail with EPERM */
  SIGNAL_PERFORM,     /* pidfd_send_signal of a dangerous signal: allowed
                         only through signal_guard_perform */
};

/** Who vigil is; shares_pgrp: whether the workload starts in vigil's
 *  process group. */
void signal_guard_init (struct signal_guard *g, bool shares_pgrp);

/** Put the guard in front of the exported filter (no-op when inactive). */
int signal_guard_prepend (const struct signal_guard *g, struct seccomp_program *p, vigil_error_t *err);

/** What to do with this notification. */
enum signal_verdict signal_guard_check (const struct signal_guard *g, const struct seccomp_notif *req);

/** Perform the pidfd_send_signal of req (SIGNAL_PERFORM) on vigil's own
 *  copy of its fd and answer it: EPERM if the fd names vigil.  as_target:
 *  vigil holds capabilities the target may lack, so the signal is sent
 *  from a thread with the target's credentials. */
void signal_guard_perform (const struct signal_guard *g, int listener, const struct seccomp_notif *req,
                           bool as_target);

#endif
