/* Workload for tests/e2e/attack_pathobj.sh: one path syscall per run,
 * printing "<op> ok" or "<op> <ERRNO>".  Each names a file by a path the
 * caller chose (a hard link, an in-chroot name, a bind-mounted one).  The
 * f* ops open the path (read-only) and act on the fd: fchmod, fchown to
 * the caller's own ids, fchmodat2(fd, "", AT_EMPTY_PATH), fsetxattr. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
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

/* "user.aaa...": the longest name an attribute may have, 255 bytes. */
static const char *
longest_name (void)
{
  static char name[256];
  memset (name, 'a', 255);
  memcpy (name, "user.", 5);
  return name;
}

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
  if (strcmp (op, "setxattr_max") == 0)
    return setxattr (a, longest_name (), "v", 1, 0);
  if (strcmp (op, "lsetxattr_acl") == 0)
    return lsetxattr (a, "system.posix_acl_access", &acl_0600, sizeof acl_0600, 0);
  if (strcmp (op, "fchmod") == 0 || strcmp (op, "fchmod_empty") == 0 || strcmp (op, "fchown") == 0
      || strncmp (op, "fsetxattr", 9) == 0)
    {
      int fd = open (a, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        return -1;
      if (strcmp (op, "fchmod") == 0)
        return fchmod (fd, mode);
      if (strcmp (op, "fchmod_empty") == 0)
        return syscall (SYS_fchmodat2, fd, "", mode, AT_EMPTY_PATH);
      if (strcmp (op, "fchown") == 0)
        return fchown (fd, getuid (), getgid ());
      if (strcmp (op, "fsetxattr_acl") == 0)
        return fsetxattr (fd, "system.posix_acl_access", &acl_0600, sizeof acl_0600, 0);
      if (strcmp (op, "fsetxattr_max") == 0)
        return fsetxattr (fd, longest_name (), "v", 1, 0);
    }
  /* chown PATH UID GID [FLAGS]: -1 keeps; fchownat's flags in hex */
  uid_t uid = (uid_t) strtol (b, NULL, 10);
  gid_t gid = (gid_t) strtol (argc > 4 ? argv[4] : "-1", NULL, 10);
  if (strcmp (op, "chown") == 0)
    return chown (a, uid, gid);
  if (strcmp (op, "lchown") == 0)
    return lchown (a, uid, gid);
  if (strcmp (op, "fchownat") == 0)
    return fchownat (AT_FDCWD, a, uid, gid, (int) strtol (argc > 5 ? argv[5] : "0", NULL, 16));
  if (strcmp (op, "fchownat_fd") == 0)
    {
      int fd = open (a, O_PATH | O_NOFOLLOW | O_CLOEXEC);
      return fd < 0 ? -1 : fchownat (fd, "", uid, gid, AT_EMPTY_PATH);
    }
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

/* DIR holds `n` (an allowed file) and `hl` (a hard link of the protected
 * file prot), or the other way round.  A child swaps the two names without end while OP (a call that
 * does not follow the last symlink) names DIR/n `tries` times: a vigil
 * that decided on what `n` was and then acted on the name again would
 * sometimes change the protected file.  Prints "<op> ok=N denied=M
 * linked=K", K the new links made to the protected file (-1: its owner
 * changed, race_chown and race_lchown give it to 4321). */
static int
race (const char *op, const char *dir, int tries, const char *protected)
{
  char n[4096], hl[4096], made[4096];
  int ok = 0, denied = 0, linked = 0;
  struct stat prot, st;

  snprintf (n, sizeof n, "%s/n", dir);
  snprintf (hl, sizeof hl, "%s/hl", dir);
  snprintf (made, sizeof made, "%s/made", dir);
  if (stat (protected, &prot) < 0)
    return 1;
  /* The child says when it swapped once: a race that never raced
   * would prove nothing. */
  int started[2];
  char c;
  if (pipe (started) < 0)
    return 1;
  pid_t child = fork ();
  if (child == 0)
    for (bool told = false;;)
      if (syscall (SYS_renameat2, AT_FDCWD, n, AT_FDCWD, hl, RENAME_EXCHANGE) == 0 && !told)
        told = write (started[1], "s", 1) == 1;
  if (child < 0 || read (started[0], &c, 1) != 1)
    return 1;
  for (int i = 0; i < tries; i++)
    {
      long rc;
      if (strcmp (op, "race_fchmodat2") == 0)
        rc = syscall (SYS_fchmodat2, AT_FDCWD, n, 0600, AT_SYMLINK_NOFOLLOW);
      else if (strcmp (op, "race_lchown") == 0)
        rc = lchown (n, 4321, 4321);
      else if (strcmp (op, "race_chown") == 0)
        rc = chown (n, 4321, 4321);
      else if (strcmp (op, "race_lsetxattr") == 0)
        rc = lsetxattr (n, "system.posix_acl_access", &acl_0600, sizeof acl_0600, 0);
      else
        {
          rc = linkat (AT_FDCWD, n, AT_FDCWD, made, 0);
          if (rc == 0 && stat (made, &st) == 0 && st.st_ino == prot.st_ino)
            linked++;
          if (rc == 0)
            unlink (made);
        }
      if (rc == 0)
        ok++;
      else
        denied++;
    }
  kill (child, SIGKILL);
  waitpid (child, NULL, 0);
  if (stat (protected, &st) == 0 && st.st_uid != prot.st_uid)
    linked = -1; /* a chown reached it */
  printf ("%s ok=%d denied=%d linked=%d\n", op, ok, denied, linked);
  return 0;
}

int
main (int argc, char **argv)
{
  if (argc == 5 && strncmp (argv[1], "race_", 5) == 0)
    return race (argv[1], argv[2], atoi (argv[3]), argv[4]);
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
