/* vigil: acting on the filesystem with a target's credentials.
 *
 * When vigil performs a syscall for the workload (an emulated open), the
 * kernel's permission checks must see the workload, not vigil, or vigil
 * becomes a confused deputy.  The switch is per thread: raw setgroups,
 * setfsuid, setfsgid and capset syscalls (glibc's wrappers change every
 * thread), each skipped when the value already matches, and only the
 * effective capability set is lowered, so everything can be restored. */
#ifndef VIGIL_TARGET_CREDS_H
#define VIGIL_TARGET_CREDS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "vigil/error.h"

#define TARGET_GROUPS_MAX 64

struct target_creds {
  uid_t fsuid;
  gid_t fsgid;
  gid_t groups[TARGET_GROUPS_MAX];
  int ngroups;
  uint64_t cap_effective;
  mode_t umask;
};

/* What a thread had before it assumed a target's credentials. */
struct creds_saved {
  bool switched;
  uid_t fsuid;
  gid_t fsgid;
  gid_t groups[TARGET_GROUPS_MAX];
  int ngroups;
  bool groups_changed;
  uint32_t cap_eff[2], cap_prm[2], cap_inh[2];
  bool caps_changed;
};

/** Read tid's filesystem credentials, capabilities and umask from
 *  /proc/<tid>/status.  Returns 0, or -1 with *err (errno ESRCH/EACCES). */
int target_creds_read (pid_t tid, struct target_creds *c, vigil_error_t *err);

/** Does this thread already act exactly as c would (an unprivileged
 *  vigil supervising its own uid)?  Then no switch is needed. */
bool target_creds_match_self (const struct target_creds *c);

/** Make the calling thread act with c's fsuid, fsgid, groups and (lowered)
 *  effective capabilities.  On failure nothing stays changed. */
int target_creds_assume (const struct target_creds *c, struct creds_saved *saved, vigil_error_t *err);

/** Undo target_creds_assume (a no-op if nothing was switched). */
void target_creds_restore (struct creds_saved *saved);

#endif
