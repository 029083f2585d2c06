/* vigil: acting on the filesystem with a target's credentials.
 *
 * When vigil performs a syscall for the workload (an emulated open), the
 * kernel's permission checks must see the workload, not vigil, or vigil
 * becomes a confused deputy.  The checks made at the call use the
 * filesystem ids, the groups and the capabilities; the checks made later
 * on the file use the opener's whole credentials, kept in the file
 * (f_cred: writing a uid_map checks its euid and egid).  So the thread
 * that acts takes the target's real, effective, saved and filesystem
 * ids, all its groups and (lowered) effective capabilities, with raw
 * per-thread syscalls (glibc's wrappers change every thread).  It keeps
 * its permitted set (PR_SET_KEEPCAPS), so everything can be restored.
 *
 * Credentials are read from /proc/<tid>/status at each call, never
 * cached: the calling thread is blocked in its syscall, so what is read
 * is what the kernel would check, whereas a remembered value goes stale
 * at an exec, a capset or a setuid that vigil cannot see complete.  What
 * is kept is sound (target_creds.c says why): the status files of recent
 * threads, held open and read anew, and whether a thread is in vigil's
 * user namespace. */
#ifndef VIGIL_TARGET_CREDS_H
#define VIGIL_TARGET_CREDS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "vigil/error.h"

struct target_creds {
  uid_t uid, euid, suid, fsuid;
  gid_t gid, egid, sgid, fsgid;
  gid_t *groups; /* every supplementary group (malloc'd) */
  int ngroups;
  /* The effective capabilities as they count in vigil's user namespace:
   * none for a target in another (a descendant) one. */
  uint64_t cap_effective;
  bool other_userns;
  mode_t umask;
};

/* What a thread held before it assumed a target's credentials. */
struct creds_saved {
  bool switched;
  uid_t uid, euid, suid, fsuid;
  gid_t gid, egid, sgid, fsgid;
  gid_t *groups;
  int ngroups;
  bool groups_owned; /* groups was allocated for this copy */
  int keepcaps;
  uint32_t cap_eff[2], cap_prm[2], cap_inh[2];
  bool groups_changed, gids_changed, uids_changed, caps_changed;
};

/** Read tid's credentials, capabilities and umask from /proc/<tid>/status
 *  (and its user namespace when it holds capabilities), while tid waits
 *  in a notified syscall.  generation: tid's process instance, under
 *  which the status file stays open and the namespace is remembered
 *  (only with the supervisor's lock held), or 0: nothing kept.  Returns
 *  0, or -1 with *err (errno ESRCH/EACCES).  Release with
 *  target_creds_release. */
int target_creds_read (pid_t tid, uint64_t generation, struct target_creds *c, vigil_error_t *err);

/** Some thread may be changing its user namespace (unshare, setns):
 *  forget what target_creds_read remembered of them. */
void target_userns_forget (void);

/** A copy of src that owns its groups. */
void target_creds_copy (struct target_creds *dst, const struct target_creds *src);

void target_creds_release (struct target_creds *c);

/** What the calling thread holds now (every group).  Returns 0 or -1
 *  with *err.  Release with creds_saved_release. */
int creds_snapshot (struct creds_saved *s, vigil_error_t *err);

void creds_saved_release (struct creds_saved *s);

/** Do c's credentials equal self's, so that acting as self is acting as
 *  the target (the target may hold fewer capabilities, never more)? */
bool target_creds_same (const struct target_creds *c, const struct creds_saved *self);

/** Make the calling thread act with c's ids, groups and (lowered)
 *  effective capabilities.  self: what the thread holds now, when known
 *  (saves asking the kernel; borrowed), or NULL.  On failure nothing
 *  stays changed. */
int target_creds_assume (const struct target_creds *c, const struct creds_saved *self, struct creds_saved *saved,
                         vigil_error_t *err);

/** Make the calling thread the target for good (ids, groups and
 *  capabilities, per thread): for a thread that acts once and ends. */
int target_creds_become (const struct target_creds *c, vigil_error_t *err);

/** Undo target_creds_assume (a no-op if nothing was switched). */
void target_creds_restore (struct creds_saved *saved);

#endif
