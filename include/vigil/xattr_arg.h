/* vigil: the extended attribute a setxattr, lsetxattr or fsetxattr sets.
 *
 * Where vigil performs one of them (the chmod class covers ACLs), it
 * reads the name and the value from the target once, checked in the
 * kernel's order, shows the rules that name, and sets that very value
 * itself: the target cannot change them in between.  The three calls put
 * the name, value, size and flags in the same arguments (1 to 4). */
#ifndef VIGIL_XATTR_ARG_H
#define VIGIL_XATTR_ARG_H

#include <linux/limits.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>

/* The syscall argument that holds the name (the rules read it there). */
#define XATTR_ARG_NAME 1

struct xattr_arg {
  unsigned flags;      /* XATTR_CREATE, XATTR_REPLACE */
  bool foreign_userns; /* the target is in a user namespace not vigil's: not performed */
  char name[XATTR_NAME_MAX + 2]; /* one more byte: a longer name is an error */
  void *value;         /* malloc'ed, size bytes (NULL when size is 0) */
  size_t size;
};

/** Read the name and value of the call behind req into x, checked as the
 *  kernel checks them: flags (EINVAL), then the name (ERANGE when empty
 *  or longer than 255 bytes), then the size (E2BIG beyond 64 KiB).
 *  Returns 0 or -errno to answer with (-EPERM: the target could not be
 *  read).  xattr_arg_release frees it either way. */
int xattr_arg_read (const struct seccomp_notif *req, struct xattr_arg *x);

void xattr_arg_release (struct xattr_arg *x);

/** Set x: on fd itself when path is NULL (fsetxattr), else on path,
 *  following a last symlink when follow (setxattr) or not (lsetxattr).
 *  With the target's credentials already taken.  A target in another
 *  user namespace is refused (EPERM): vigil's capabilities are not
 *  valid there the way the kernel would read the value's ids.  Returns
 *  0 or -errno. */
int xattr_arg_set (const struct xattr_arg *x, int fd, const char *path, bool follow);

#endif
