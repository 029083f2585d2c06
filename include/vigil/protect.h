/* vigil: keeping the workload away from vigil.
 *
 * The workload starts without CAP_SYS_PTRACE and CAP_SYS_ADMIN in any
 * capability set (bounding, permitted, effective, inheritable, ambient),
 * so it can neither trace vigil nor leave its namespaces; vigil makes
 * itself non-dumpable once the workload runs, so a workload with vigil's
 * uid cannot open /proc/<vigil>/mem or attach to it either.  As PID 1 of
 * a pid namespace, vigil receives no SIGKILL or SIGSTOP from inside;
 * otherwise the filter keeps the workload's signals away (signal_guard.h). */
#ifndef VIGIL_PROTECT_H
#define VIGIL_PROTECT_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/capability.h>

#include "vigil/error.h"

/* The capability changes the workload starts with, prepared before the
 * clone so that the child only makes system calls. */
struct protect {
  bool keep;         /* --keep-caps: change nothing */
  cap_t caps;        /* vigil's sets without the dropped capabilities */
  bool drop_bound;   /* the bounding set must lose them (and can) */
};

/** Prepare the drop.  Fails when a dropped capability could come back to
 *  the workload and vigil cannot remove it from the bounding set (root
 *  without CAP_SETPCAP): the caller says --keep-caps to accept that. */
int protect_prepare (struct protect *p, bool keep_caps, vigil_error_t *err);

/** In the child, before the seccomp filter and exec: only system calls.
 *  Returns 0, or -1 with errno and *what naming the step that failed. */
int protect_apply_in_child (const struct protect *p, const char **what);

void protect_release (struct protect *p);

/** Once the workload runs: vigil becomes non-dumpable. */
int protect_self (vigil_error_t *err);

/** Start-up notes: whether vigil holds CAP_SYS_PTRACE (without it, a
 *  process that switches uid or turns non-dumpable cannot be inspected,
 *  and its covered syscalls are denied), and whether the workload can
 *  reach vigil (vigil is not PID 1 of its pid namespace). */
void protect_log_startup (FILE *f);

#endif
