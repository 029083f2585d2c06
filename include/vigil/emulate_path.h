/* vigil: path syscalls performed by vigil for the workload.
 *
 * unlink, rmdir, mkdir, chmod, chown, rename, link, symlink (and their
 * *at forms, lchown), setxattr and lsetxattr name files by paths in the
 * workload's memory.  Where a deny or
 * kill rule covers one, vigil reads the paths once, walks each as the
 * target would (path_resolve.h), shows the rules the real paths it reached
 * (evt.arg.path and friends: symlinks resolved, as fd.name is for opens),
 * and performs the syscall itself on those very objects with the target's
 * credentials: the parent directory's fd and the last component, or, for
 * a syscall that follows the last symlink, the object itself. */
#ifndef VIGIL_EMULATE_PATH_H
#define VIGIL_EMULATE_PATH_H

#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "vigil/path_resolve.h"
#include "vigil/rules.h"
#include "vigil/xattr_arg.h"

enum path_op { PATH_UNLINK, PATH_MKDIR, PATH_CHMOD, PATH_RENAME, PATH_LINK, PATH_SYMLINK, PATH_SETXATTR, PATH_CHOWN };

/* One path argument: where it is and how it is walked. */
struct path_arg {
  int arg;              /* syscall argument index of the string */
  int dirfd;            /* the target's dirfd, or AT_FDCWD */
  bool follow;          /* the syscall follows a symlink in the last component */
  /* The walk went on to the entry the last component names, without
   * following it (path_call_reach_object): performed on that fd. */
  bool on_entry;
  char path[PATH_MAX];  /* vigil's copy */
};

struct path_call {
  enum path_op op;
  struct path_arg p[2];
  int npaths;
  char target[PATH_MAX]; /* symlink: the link's content, stored as given */
  int target_arg;
  unsigned flags;        /* AT_REMOVEDIR, RENAME_*, AT_SYMLINK_NOFOLLOW... as the kernel takes them */
  mode_t mode;
  struct xattr_arg xattr; /* setxattr: what it sets */
  /* chown: the owner as vigil's user namespace numbers it, or why it
   * cannot be set (-EINVAL: an id the target's namespace does not map),
   * which the kernel says only once the path is found. */
  uint32_t uid, gid;
  int owner_error;
};

/** The fields that read the path arguments of those syscalls (their
 *  keys: Falco's parameter names, and by index), NULL-ended. */
extern const char *const path_call_fields[];

/** Does the call act on the object path argument i names (chmod, chown,
 *  setxattr, link's old path), rather than on that name alone (unlink,
 *  rename, mkdir, symlink, link's new path)? */
bool path_call_acts_on_object (const struct path_call *call, int i);

/** For path argument i of a call that acts on the object without
 *  following the last symlink (fchmodat2's AT_SYMLINK_NOFOLLOW,
 *  lchown, lsetxattr, link): go on from the parent r reached to the entry itself
 *  (O_PATH, not followed), so that the rules decide on the object the call
 *  is then performed on.  Run with the target's credentials taken.
 *  Returns 0 (r is then the entry) or -errno as the lookup failed. */
int path_call_reach_object (struct path_call *call, int i, struct resolved_path *r);

/** Is nr (native arch) a path syscall vigil can perform? */
bool path_call_supported (int nr);

/** Does rs make vigil perform some path syscall (a deny/kill rule covers
 *  it)?  And the evttype of nr, if so. */
bool path_emulation_needed (const struct ruleset *rs);

/** Read the call behind req.  Returns 0, or -errno to answer with, or
 *  -EPERM when the target could not be read. */
int path_call_read (const struct seccomp_notif *req, int listener, struct path_call *call);

/** Release what path_call_read allocated. */
void path_call_release (struct path_call *call);

/** The walk of path argument i. */
void path_call_request (const struct path_call *call, int i, struct resolve_request *rq);

/** Perform the call on the resolved objects (r[i] for p[i]), with the
 *  target's credentials already taken.  Returns the syscall's result
 *  (0) or -errno. */
int path_call_perform (const struct path_call *call, const struct resolved_path *r, mode_t umask_value);

#endif
