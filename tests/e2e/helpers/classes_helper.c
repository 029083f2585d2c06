/* Workload for tests/e2e/attack_classes.sh: each mode makes the syscalls
 * that dodge a deny rule naming only one member of a syscall class, and
 * prints "<what> ok" or "<what> <ERRNO>" for each. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif
#ifndef SYS_finit_module
#define SYS_finit_module 313
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

static void enter_userns (void);

static void
report (const char *what, long rc)
{
  if (rc < 0)
    printf ("%s %s\n", what, strerrorname_np (errno));
  else
    printf ("%s ok\n", what);
  fflush (stdout);
}

/* A POSIX ACL equivalent to mode 0777 (user, group and other rwx):
 * setting it as system.posix_acl_access makes the file 0777. */
static const struct
{
  uint32_t version;
  struct
  {
    uint16_t tag, perm;
    uint32_t id;
  } e[3];
} acl_0777 = { 2, { { 0x01, 7, ~0u }, { 0x04, 7, ~0u }, { 0x20, 7, ~0u } } };

static int
xattrs (const char *path)
{
  report ("setxattr_acl", setxattr (path, "system.posix_acl_access", &acl_0777, sizeof acl_0777, 0));
  report ("lsetxattr_acl", lsetxattr (path, "system.posix_acl_access", &acl_0777, sizeof acl_0777, 0));
  int fd = open (path, O_RDONLY);
  report ("fsetxattr_acl", fd < 0 ? -1 : fsetxattr (fd, "system.posix_acl_access", &acl_0777, sizeof acl_0777, 0));
  struct stat st;
  if (stat (path, &st) == 0)
    printf ("mode %o\n", (unsigned) (st.st_mode & 07777));
  return 0;
}

/* setxattr's odd cases, whose results must be the kernel's under vigil:
 * file exists, link is a symlink to it, missing does not exist. */
static int
xattr_odd (const char *file, const char *link, const char *missing)
{
  char long_name[300];
  static char big[65537];

  memset (long_name, 'a', sizeof long_name - 1);
  long_name[sizeof long_name - 1] = '\0';
  memcpy (long_name, "user.", 5);
  report ("user", setxattr (file, "user.note", "x", 1, 0));
  report ("user_create_again", setxattr (file, "user.note", "y", 1, XATTR_CREATE));
  report ("user_replace_missing", setxattr (file, "user.other", "y", 1, XATTR_REPLACE));
  report ("bad_flags", setxattr (file, "user.note", "x", 1, 4));
  report ("empty_name", setxattr (file, "", "x", 1, 0));
  report ("long_name", setxattr (file, long_name, "x", 1, 0));
  report ("no_namespace", setxattr (file, "note", "x", 1, 0));
  report ("too_big", setxattr (file, "user.note", big, sizeof big, 0));
  report ("bad_value", syscall (SYS_setxattr, file, "user.note", (void *) 8, 4, 0));
  report ("bad_name", syscall (SYS_setxattr, file, (const char *) 8, "x", 1, 0));
  report ("missing", setxattr (missing, "user.note", "x", 1, 0));
  report ("empty_path", setxattr ("", "user.note", "x", 1, 0));
  report ("via_link", setxattr (link, "user.via", "x", 1, 0));
  report ("l_on_link", lsetxattr (link, "user.note", "x", 1, 0));
  report ("l_on_file", lsetxattr (file, "user.l", "", 0, 0));
  report ("trusted", setxattr (file, "trusted.note", "x", 1, 0));
  char got[8] = "";
  report ("read_back", getxattr (file, "user.via", got, sizeof got));
  return 0;
}

/* From a user namespace of its own, where it holds CAP_SETFCAP, give
 * file a capability (CAP_SETUID): the kernel records it as valid in that
 * namespace only (a v3 capability with its root). */
static int
setcap_userns (const char *file)
{
  struct
  {
    uint32_t magic;
    struct
    {
      uint32_t permitted, inheritable;
    } data[2];
  } cap = { 0x02000001 /* VFS_CAP_REVISION_2 | VFS_CAP_FLAGS_EFFECTIVE */, { { 1u << 7, 0 }, { 0, 0 } } };

  enter_userns ();
  report ("setcap", setxattr (file, "security.capability", &cap, sizeof cap, 0));
  return 0;
}

/* The revision of file's capability, as seen from outside. */
static int
capmagic (const char *file)
{
  uint32_t magic = 0;
  ssize_t n = getxattr (file, "security.capability", &magic, sizeof magic);
  if (n < 0)
    printf ("capmagic none\n");
  else
    printf ("capmagic %08x\n", magic);
  return 0;
}

/* A child to read: it waits to be killed. */
static pid_t
child_waiting (void)
{
  pid_t c = fork ();
  if (c == 0)
    {
      pause ();
      _exit (0);
    }
  return c;
}

static volatile int secret = 42;

static int
peek (void)
{
  char path[64];
  int got = 0;
  pid_t c = child_waiting ();
  struct iovec local = { &got, sizeof got }, remote = { (void *) &secret, sizeof secret };

  report ("process_vm_readv", process_vm_readv (c, &local, 1, &remote, 1, 0));
  snprintf (path, sizeof path, "/proc/%d/mem", (int) c);
  int fd = open (path, O_RDONLY);
  report ("child_mem_rdonly", fd);
  if (fd >= 0 && pread (fd, &got, sizeof got, (off_t) (uintptr_t) &secret) == sizeof got)
    printf ("peeked %d\n", got);
  report ("self_mem_rdonly", open ("/proc/self/mem", O_RDONLY));
  int pidfd = (int) syscall (SYS_pidfd_open, c, 0);
  report ("pidfd_getfd", pidfd < 0 ? -1 : syscall (SYS_pidfd_getfd, pidfd, 1, 0));
  report ("status_rdonly", open ("/proc/self/status", O_RDONLY));
  kill (c, SIGKILL);
  waitpid (c, NULL, 0);
  return 0;
}

static void
write_file (const char *path, const char *text)
{
  int fd = open (path, O_WRONLY);
  if (fd >= 0)
    {
      if (write (fd, text, strlen (text)) < 0)
        perror (path);
      close (fd);
    }
}

/* Into a user and mount namespace of its own, as root there. */
static void
enter_userns (void)
{
  char map[64];
  uid_t uid = getuid ();
  gid_t gid = getgid ();

  report ("unshare", unshare (CLONE_NEWUSER | CLONE_NEWNS));
  write_file ("/proc/self/setgroups", "deny");
  snprintf (map, sizeof map, "0 %u 1", (unsigned) uid);
  write_file ("/proc/self/uid_map", map);
  snprintf (map, sizeof map, "0 %u 1", (unsigned) gid);
  write_file ("/proc/self/gid_map", map);
}

/* Mount changes other than mount(2) on dir, a mount point set up by the
 * test, from a user and mount namespace of the workload's own, where it
 * holds CAP_SYS_ADMIN (vigil's workload has none outside). */
static int
mounts (const char *dir)
{
  enter_userns ();
  struct
  {
    uint64_t set, clr, propagation, userns;
  } attr = { 1 /* MOUNT_ATTR_RDONLY */, 0, 0, 0 };
  report ("mount_setattr", syscall (SYS_mount_setattr, AT_FDCWD, dir, 0, &attr, sizeof attr));
  report ("umount2", umount2 (dir, MNT_DETACH));
  return 0;
}

int
main (int argc, char **argv)
{
  const char *mode = argc > 1 ? argv[1] : "";
  const char *a1 = argc > 2 ? argv[2] : "", *a2 = argc > 3 ? argv[3] : "";

  if (strcmp (mode, "rename") == 0)
    report ("rename", rename (a1, a2));
  else if (strcmp (mode, "renameat") == 0)
    report ("renameat", renameat (AT_FDCWD, a1, AT_FDCWD, a2));
  else if (strcmp (mode, "exchange") == 0)
    report ("exchange", renameat2 (AT_FDCWD, a1, AT_FDCWD, a2, RENAME_EXCHANGE));
  else if (strcmp (mode, "unlink") == 0)
    report ("unlink", unlink (a1));
  else if (strcmp (mode, "unlinkat") == 0)
    report ("unlinkat", unlinkat (AT_FDCWD, a1, 0));
  else if (strcmp (mode, "renameat2") == 0)
    report ("renameat2", renameat2 (AT_FDCWD, a1, AT_FDCWD, a2, 0));
  else if (strcmp (mode, "rmdir_at") == 0)
    report ("rmdir_at", unlinkat (AT_FDCWD, a1, AT_REMOVEDIR));
  else if (strcmp (mode, "linkat") == 0)
    report ("linkat", linkat (AT_FDCWD, a1, AT_FDCWD, a2, 0));
  else if (strcmp (mode, "symlinkat") == 0)
    report ("symlinkat", symlinkat (a1, AT_FDCWD, a2));
  else if (strcmp (mode, "mkdirat") == 0)
    report ("mkdirat", mkdirat (AT_FDCWD, a1, 0755));
  else if (strcmp (mode, "chowns") == 0)
    {
      int fd = open (a1, O_RDONLY);
      report ("fchownat", fchownat (AT_FDCWD, a1, getuid (), getgid (), 0));
      report ("lchown", lchown (a1, getuid (), getgid ()));
      report ("fchown", fd < 0 ? -1 : fchown (fd, getuid (), getgid ()));
    }
  else if (strcmp (mode, "finit_module") == 0)
    {
      int fd = open (a1, O_RDONLY);
      report ("finit_module", fd < 0 ? -1 : syscall (SYS_finit_module, fd, "", 0));
    }
  else if (strcmp (mode, "execveat") == 0)
    {
      char *args[] = { (char *) a1, NULL }, *env[] = { NULL };
      report ("execveat", syscall (SYS_execveat, AT_FDCWD, a1, args, env, 0));
    }
  else if (strcmp (mode, "chmod") == 0)
    report ("chmod", chmod (a1, 0777));
  else if (strcmp (mode, "setxattr_user") == 0)
    report ("setxattr_user", setxattr (a1, "user.note", "x", 1, 0));
  else if (strcmp (mode, "xattrs") == 0)
    return xattrs (a1);
  else if (strcmp (mode, "xattr_odd") == 0)
    return xattr_odd (a1, a2, argc > 4 ? argv[4] : "");
  else if (strcmp (mode, "peek") == 0)
    return peek ();
  else if (strcmp (mode, "setcap_userns") == 0)
    return setcap_userns (a1);
  else if (strcmp (mode, "capmagic") == 0)
    return capmagic (a1);
  else if (strcmp (mode, "mounts") == 0)
    return mounts (a1);
  else
    {
      fprintf (stderr, "usage: classes_helper MODE ARGS (%s %s)\n", a1, a2);
      return 2;
    }
  return 0;
}
