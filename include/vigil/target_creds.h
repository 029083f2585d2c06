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
  bool groups_changed, fsuid_changed, fsgid_changed;
  uint32_t cap_eff[2], cap_prm[2], cap_inh[2];
  bool caps_changed;
};

/** Read tid's filesystem credentials, capabilities and umask from
 *  /proc/<tid>/status.  Returns 0, or -1 with *err (errno ESRCH/EACCES). */
int target_creds_read (pid_t tid, struct target_creds *c, vigil_error_t *err);

/** Make the calling thread act with c's fsuid, fsgid, groups and (lowered)
 *  effective capabilities.  self: what the thread holds now, when known
 *  (saves asking the kernel), or NULL.  On failure nothing stays changed. */
int target_creds_assume (const struct target_creds *c, const struct creds_saved *self, struct creds_saved *saved,
                         vigil_error_t *err);

/** Make the calling thread the target for good (uid, gid, groups and
 *  capabilities, per thread): for a thread that acts once and ends. */
int target_creds_become (const struct target_creds *c, vigil_error_t *err);

/** Undo target_creds_assume (a no-op if nothing was switched). */
void target_creds_restore (struct creds_saved *saved);

/* Credentials change only through the syscalls below (execve cannot
 * raise them under no_new_privs), so while vigil is notified of those,
 * what it read stays true until one of them runs.  Entries are keyed by
 * thread and process instance, so a reused tid never matches. */
struct creds_cache;

/** The syscalls that change what target_creds_read returns, or the
 *  root a path walk starts from (root_cache in path_resolve.h). */
extern const char *const target_creds_syscalls[];

/** Create a cache; it compares targets against vigil's credentials now. */
struct creds_cache *creds_cache_new (void);
void creds_cache_free (struct creds_cache *cc);

/** tid's credentials (process instance `generation`), from the cache or
 *  /proc.  *same says they equal vigil's own (no switch needed). */
int creds_cache_get (struct creds_cache *cc, pid_t tid, uint64_t generation, struct target_creds *out, bool *same,
                     vigil_error_t *err);

/** What the thread that created cc held then (it must not have changed
 *  since, except through assume/restore), or NULL if unknown. */
const struct creds_saved *creds_cache_self (const struct creds_cache *cc);

/** Forget everything: some thread changed its credentials or umask. */
void creds_cache_invalidate (struct creds_cache *cc);

#endif
