/* vigil: the extended attribute a setxattr-family call sets, read once
 * from the target and set by vigil (xattr_arg.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "vigil/error.h"
#include "vigil/source_seccomp.h"
#include "vigil/xattr_arg.h"

#define XATTR_FLAGS (XATTR_CREATE | XATTR_REPLACE)
#define XATTR_VALUE_MAX 65536 /* XATTR_SIZE_MAX */

/* Whether pid is in vigil's user namespace.  One that is not holds its
 * capabilities relative to its own (all of them, after unshare -U), and
 * the kernel reads an ACL's ids and a file capability's root in the
 * caller's namespace: what vigil would do with them is not what the
 * kernel would have done for the workload.  Unknown: not the same. */
static bool
same_user_ns (pid_t pid)
{
  char link[64], theirs[64], ours[64];
  ssize_t a, b;

  snprintf (link, sizeof link, "/proc/%d/ns/user", (int) pid);
  a = readlink (link, theirs, sizeof theirs);
  b = readlink ("/proc/self/ns/user", ours, sizeof ours);
  return a > 0 && a == b && memcmp (theirs, ours, (size_t) a) == 0;
}

int
xattr_arg_read (const struct seccomp_notif *req, struct xattr_arg *x)
{
  const __u64 *a = req->data.args;
  bool truncated;

  memset (x, 0, sizeof *x);
  if ((unsigned) a[4] & ~(unsigned) XATTR_FLAGS)
    return -EINVAL;
  x->flags = (unsigned) a[4];
  x->foreign_userns = !same_user_ns ((pid_t) req->pid);
  ssize_t n = target_read_string ((pid_t) req->pid, a[XATTR_ARG_NAME], x->name, sizeof x->name, &truncated);
  if (n < 0)
    return target_read_errno ();
  if (truncated && (size_t) n < sizeof x->name - 1)
    return -EFAULT; /* unreadable memory before the name's end */
  if (n == 0 || n > XATTR_NAME_MAX)
    return -ERANGE;
  x->size = (size_t) a[3];
  if (x->size > XATTR_VALUE_MAX)
    return -E2BIG;
  if (x->size == 0)
    return 0;
  x->value = xmalloc (x->size);
  if (target_read ((pid_t) req->pid, a[2], x->value, x->size) < 0)
    return target_read_errno ();
  return 0;
}

void
xattr_arg_release (struct xattr_arg *x)
{
  free (x->value);
  x->value = NULL;
}

int
xattr_arg_set (const struct xattr_arg *x, int fd, const char *path, bool follow)
{
  int rc;

  /* Never grant what the kernel would refuse (a file capability valid
   * outside the workload's namespace, trusted.* without CAP_SYS_ADMIN
   * there): refused, as by a process without the capabilities. */
  if (x->foreign_userns)
    return -EPERM;
  if (path == NULL)
    rc = fsetxattr (fd, x->name, x->value, x->size, (int) x->flags);
  else if (follow)
    rc = setxattr (path, x->name, x->value, x->size, (int) x->flags);
  else
    rc = lsetxattr (path, x->name, x->value, x->size, (int) x->flags);
  return rc < 0 ? -errno : 0;
}
