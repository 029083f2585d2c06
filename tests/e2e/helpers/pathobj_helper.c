/* Workload for tests/e2e/attack_pathobj.sh: one path syscall per run,
 * printing "<op> ok" or "<op> <ERRNO>".  Each names a file by a path the
 * caller chose (a hard link, an in-chroot name, a bind-mounted one). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

/* A POSIX ACL equivalent to mode 0600 (user rw, group and other
 * nothing): setting it as system.posix_acl_access makes the file 0600. */
static const struct
{
  uint32_t version;
  struct
  {
    uint16_t tag, perm;
    uint32_t id;
  } e[3];
} acl_0600 = { 2, { { 0x01, 6, ~0u }, { 0x04, 0, ~0u }, { 0x20, 0, ~0u } } };

static long
run (int argc, char **argv)
{
  const char *op = argv[1], *a = argv[2], *b = argc > 3 ? argv[3] : "";
  mode_t mode = (mode_t) strtoul (b, NULL, 8);

  if (strcmp (op, "chmod") == 0)
    return chmod (a, mode);
  if (strcmp (op, "fchmodat") == 0)
    return syscall (SYS_fchmodat, AT_FDCWD, a, mode);
  if (strcmp (op, "fchmodat2") == 0)
    return syscall (SYS_fchmodat2, AT_FDCWD, a, mode, 0);
  if (strcmp (op, "fchmodat2_nofollow") == 0)
    return syscall (SYS_fchmodat2, AT_FDCWD, a, mode, AT_SYMLINK_NOFOLLOW);
  if (strcmp (op, "setxattr_acl") == 0)
    return setxattr (a, "system.posix_acl_access", &acl_0600, sizeof acl_0600, 0);
  if (strcmp (op, "lsetxattr_acl") == 0)
    return lsetxattr (a, "system.posix_acl_access", &acl_0600, sizeof acl_0600, 0);
  if (strcmp (op, "link") == 0)
    return linkat (AT_FDCWD, a, AT_FDCWD, b, 0);
  if (strcmp (op, "link_follow") == 0)
    return linkat (AT_FDCWD, a, AT_FDCWD, b, AT_SYMLINK_FOLLOW);
  if (strcmp (op, "unlink") == 0)
    return unlink (a);
  if (strcmp (op, "rename") == 0)
    return rename (a, b);
  errno = EINVAL;
  return -1;
}

int
main (int argc, char **argv)
{
  if (argc < 3)
    {
      fprintf (stderr, "usage: %s OP PATH [MODE|PATH]\n", argv[0]);
      return 2;
    }
  if (run (argc, argv) < 0)
    printf ("%s %s\n", argv[1], strerrorname_np (errno));
  else
    printf ("%s ok\n", argv[1]);
  return 0;
}
