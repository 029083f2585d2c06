/* Race a call that names an fd (or an O_PATH open) against vigil's deny
 * rules.
 *
 *   race_fd MODE PHASE DIR N
 *
 * DIR holds (made by the caller): ok and ok2 (allowed files) and
 * locked/secret (the denied file S, mode 0600).  A second thread keeps
 * changing what the fd number (or the path) names while this one makes
 * the call N times.  In the control phase the changes only ever name
 * allowed files; in the race phase they also name S.  Prints
 *   attempts=N done=K denied=D failed=F secret=X
 * where X > 0 means the deny was dodged:
 *   fchmod     fchmod(F, 0777) while F is dup2'ed between ok and S;
 *              X: S's mode changed (checked after every call)
 *   fchmodat2  the same with fchmodat2(F, "", 0777, AT_EMPTY_PATH)
 *   fsetxattr  the same with fsetxattr(F, system.posix_acl_access) of an
 *              ACL equivalent to mode 0777
 *   dup        dup2(F, G) while F flips; X: times G was S
 *   dup-opath  the same with O_PATH fds
 *   fcntl      fcntl(F, F_DUPFD_CLOEXEC, 0) while F flips; X: times the
 *              new fd was S
 *   fcntl-min  fcntl(F, F_DUPFD, 10) while F flips (numbers below 10 are
 *              free: placed onto an exact number); a new fd other than
 *              the lowest free number >= 10 counts as failed
 *   fcntl-low  the same from the lowest free number (every number below
 *              it in use: placed at the lowest free number)
 *   opath      open(path, O_PATH) while the path buffer flips between
 *              ok and S; X: fds that were S (by device and inode), plus
 *              (as root) the times linkat(fd, "", AT_EMPTY_PATH) gave S
 *              a new name
 *   opath-fifo the same, the allowed object being the FIFO DIR/fifo
 * Mode emptypath is no race: it prints what fchmodat2(fd, "", mode,
 * AT_EMPTY_PATH) returns on ok, on an O_PATH fd of ok2, on the cwd
 * (AT_FDCWD) and on S, and the modes they leave.  Mode xattr is no race
 * either: it prints what fsetxattr returns for odd arguments (bad flags,
 * empty or too long names, too big a size, bad fds and pointers...), on
 * ok, and on S.  Mode dupfd is no race: it prints what
 * fcntl(F_DUPFD[_CLOEXEC], min) returns for minimums 0, 1, 10, one with
 * free and used numbers below, the soft limit - 1 and the limit, a bad
 * fd, a full table, and last on S (phase nodump: after turning
 * non-dumpable). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

/* A POSIX ACL with only the base entries, user, group and other rwx:
 * set as system.posix_acl_access, it makes the file's mode 0777. */
static const struct
{
  uint32_t version;
  struct
  {
    uint16_t tag, perm;
    uint32_t id;
  } e[3];
} acl_0777 = { 2, { { 0x01, 7, ~0u }, { 0x04, 7, ~0u }, { 0x20, 7, ~0u } } };

#define RACED_FD 50
#define DUP_TO 60

static const char *dir;
static int race;
static atomic_int stop, flips;
static int fd_ok, fd_ok2, fd_secret;
static char path[512], alt[2][512];
static struct stat secret;
static int dup_min, dup_want; /* fcntl-min, fcntl-low: the minimum, the number due */

static void
die (const char *what)
{
  perror (what);
  exit (2);
}

static bool
is_secret (const struct stat *st)
{
  return st->st_dev == secret.st_dev && st->st_ino == secret.st_ino;
}

/* RACED_FD alternates between ok and (race phase) S, else ok2. */
static void *
dup_thread (void *arg)
{
  (void) arg;
  for (unsigned i = 0; !atomic_load_explicit (&stop, memory_order_relaxed); i++)
    {
      dup2 ((i & 1) ? (race ? fd_secret : fd_ok2) : fd_ok, RACED_FD);
      atomic_store_explicit (&flips, (int) (i & 0xffff) + 1, memory_order_relaxed);
    }
  return NULL;
}

static int
dup_process (void *arg)
{
  dup_thread (arg);
  return 0;
}

/* The path buffer alternates between two strings. */
static void *
flip_thread (void *arg)
{
  (void) arg;
  for (unsigned i = 0; !atomic_load_explicit (&stop, memory_order_relaxed); i++)
    {
      memcpy (path, alt[i & 1], sizeof path);
      atomic_store_explicit (&flips, (int) (i & 0xffff) + 1, memory_order_relaxed);
    }
  return NULL;
}

static int
call_once (const char *mode, int *bad)
{
  struct stat st;
  int r;

  if (strcmp (mode, "fchmod") == 0)
    return fchmod (RACED_FD, 0777);
  if (strcmp (mode, "fchmodat2") == 0)
    return (int) syscall (SYS_fchmodat2, RACED_FD, "", 0777, AT_EMPTY_PATH);
  if (strcmp (mode, "fsetxattr") == 0)
    return fsetxattr (RACED_FD, "system.posix_acl_access", &acl_0777, sizeof acl_0777, 0);
  if (strcmp (mode, "fcntl") == 0)
    {
      if ((r = fcntl (RACED_FD, F_DUPFD_CLOEXEC, 0)) < 0)
        return -1;
      if (fstat (r, &st) == 0 && is_secret (&st))
        (*bad)++;
      close (r);
      return 0;
    }
  if (strncmp (mode, "fcntl-", 6) == 0)
    {
      if ((r = fcntl (RACED_FD, F_DUPFD, dup_min)) < 0)
        return -1;
      if (fstat (r, &st) == 0 && is_secret (&st))
        (*bad)++;
      close (r);
      errno = EXDEV; /* misplaced */
      return r == dup_want ? 0 : -1;
    }
  if (strncmp (mode, "dup", 3) == 0)
    {
      if ((r = dup2 (RACED_FD, DUP_TO)) >= 0 && fstat (DUP_TO, &st) == 0 && is_secret (&st))
        (*bad)++;
      return r < 0 ? -1 : 0;
    }
  /* opath */
  int fd = open (path, O_PATH | O_CLOEXEC);
  if (fd < 0)
    return -1;
  if (fstat (fd, &st) == 0 && is_secret (&st))
    {
      (*bad)++;
      char leak[600];
      snprintf (leak, sizeof leak, "%s/leak", dir);
      if (geteuid () == 0 && linkat (fd, "", AT_FDCWD, leak, AT_EMPTY_PATH) == 0)
        {
          (*bad)++;
          unlink (leak);
        }
    }
  close (fd);
  return 0;
}

static int
race_calls (const char *mode, long n)
{
  long done = 0, denied = 0, other = 0;
  int bad = 0;
  bool chmods = strncmp (mode, "fchmod", 6) == 0 || strcmp (mode, "fsetxattr") == 0, changed = false;
  pthread_t t;
  struct stat st;

  /* fcntl: a rule on it covers dup2 too (one class), so the dup2s come
   * from a child process sharing the fd table, which the rule exempts by
   * its parent's name. */
  static char stack[1 << 16];
  pid_t child = -1;
  if (strncmp (mode, "fcntl", 5) == 0)
    {
      child = clone (dup_process, stack + sizeof stack, CLONE_VM | CLONE_FILES | SIGCHLD, NULL);
      if (child < 0)
        die ("clone");
    }
  else if (pthread_create (&t, NULL, strncmp (mode, "opath", 5) == 0 ? flip_thread : dup_thread, NULL) != 0)
    die ("pthread_create");
  /* Start once the other side flips: on a loaded machine it may not have
   * run yet, and a race that never raced proves nothing. */
  while (atomic_load (&flips) < 2)
    sched_yield ();
  for (long i = 0; i < n; i++)
    {
      if (call_once (mode, &bad) == 0)
        done++;
      else if (errno == EACCES)
        denied++;
      else
        other++;
      if (chmods && !changed && fstat (fd_secret, &st) == 0 && (st.st_mode & 07777) != 0600)
        changed = true, bad++;
    }
  atomic_store (&stop, 1);
  if (child > 0)
    waitpid (child, NULL, 0);
  else
    pthread_join (t, NULL);
  printf ("attempts=%ld done=%ld denied=%ld failed=%ld secret=%d\n", n, done, denied, other, bad);
  return 0;
}

static void
report (const char *what, int r, const char *file)
{
  struct stat st;
  int e = errno;
  stat (file, &st);
  printf ("%s=%s:%o ", what, r == 0 ? "0" : strerrorname_np (e), st.st_mode & 07777);
}

/* fchmodat2 with "" and AT_EMPTY_PATH, on each kind of fd. */
static int
empty_path (void)
{
  char ok[600], ok2[600], s[600];
  snprintf (ok, sizeof ok, "%s/ok", dir);
  snprintf (ok2, sizeof ok2, "%s/ok2", dir);
  snprintf (s, sizeof s, "%s/locked/secret", dir);
  int opath = open (ok2, O_PATH | O_CLOEXEC);
  if (opath < 0)
    die ("open ok2");
  report ("file", (int) syscall (SYS_fchmodat2, fd_ok, "", 0640, AT_EMPTY_PATH), ok);
  report ("opath", (int) syscall (SYS_fchmodat2, opath, "", 0604, AT_EMPTY_PATH), ok2);
  report ("noflag", (int) syscall (SYS_fchmodat2, fd_ok, "", 0600, 0), ok);
  report ("badflag", (int) syscall (SYS_fchmodat2, fd_ok, "", 0600, AT_EMPTY_PATH | 0x8000), ok);
  report ("badfd", (int) syscall (SYS_fchmodat2, 999, "", 0600, AT_EMPTY_PATH), ok);
  if (chdir (dir) < 0)
    die ("chdir");
  report ("cwd", (int) syscall (SYS_fchmodat2, AT_FDCWD, "", 0751, AT_EMPTY_PATH), dir);
  report ("fchmod_opath", fchmod (opath, 0600), ok2);
  report ("secret", (int) syscall (SYS_fchmodat2, fd_secret, "", 0777, AT_EMPTY_PATH), s);
  printf ("\n");
  return 0;
}

/* fsetxattr's odd arguments, natively or under vigil: the same results. */
static int
xattr_cases (void)
{
  static char big[65537];
  char s[600], longname[257], maxname[256];
  int opath = open (dir, O_PATH | O_CLOEXEC);

  snprintf (s, sizeof s, "%s/locked/secret", dir);
  memset (longname, 'a', sizeof longname - 1);
  longname[sizeof longname - 1] = '\0';
  memcpy (longname, "user.", 5);
  memcpy (maxname, longname, 255); /* the longest name, 255 bytes */
  maxname[255] = '\0';
  /* Through a variable: the compiler would see the bad pointers. */
  const char *volatile bad = (const char *) 8;
#define X(what, call) report (what, call, s)
  X ("badflags", fsetxattr (fd_ok, "user.t", "v", 1, 8));
  X ("badfd_badflags", fsetxattr (999, "user.t", "v", 1, 8));
  X ("empty", fsetxattr (fd_ok, "", "v", 1, 0));
  X ("badfd_empty", fsetxattr (999, "", "v", 1, 0));
  X ("long", fsetxattr (fd_ok, longname, "v", 1, 0));
  X ("max", fsetxattr (fd_ok, maxname, "v", 1, 0));
  X ("toobig", fsetxattr (fd_ok, "user.t", big, sizeof big, 0));
  X ("badname", fsetxattr (fd_ok, bad, "v", 1, 0));
  X ("badvalue", fsetxattr (fd_ok, "user.t", bad, 1, 0));
  X ("badfd", fsetxattr (999, "user.t", "v", 1, 0));
  X ("opath", fsetxattr (opath, "user.t", "v", 1, 0));
  X ("user", fsetxattr (fd_ok, "user.t", "v", 1, 0));
  X ("create_exists", fsetxattr (fd_ok, "user.t", "w", 1, XATTR_CREATE));
  X ("replace_missing", fsetxattr (fd_ok, "user.u", "v", 1, XATTR_REPLACE));
  X ("empty_value", fsetxattr (fd_ok, "user.e", NULL, 0, 0));
  X ("unknown_ns", fsetxattr (fd_ok, "nope.t", "v", 1, 0));
  X ("bad_acl", fsetxattr (fd_ok, "system.posix_acl_access", "v", 1, 0));
  char ok[600];
  snprintf (ok, sizeof ok, "%s/ok", dir);
  report ("acl", fsetxattr (fd_ok, "system.posix_acl_access", &acl_0777, sizeof acl_0777, 0), ok);
  char v[8] = "";
  printf ("read=%zd:%s ", fgetxattr (fd_ok, "user.t", v, sizeof v - 1), v);
  X ("secret", fsetxattr (fd_secret, "system.posix_acl_access", &acl_0777, sizeof acl_0777, 0));
#undef X
  printf ("\n");
  return 0;
}

/* One fcntl dup: the new number (less base, if >= 0) and "e" for
 * FD_CLOEXEC, or the error. */
static void
show_dup (const char *what, int fd, int cmd, int min, int base)
{
  int r = fcntl (fd, cmd, min);
  if (r < 0)
    {
      printf ("%s=%s ", what, strerrorname_np (errno));
      return;
    }
  int fl = fcntl (r, F_GETFD);
  printf ("%s=%d%s ", what, base >= 0 ? r - base : r, fl >= 0 && (fl & FD_CLOEXEC) ? "e" : "");
  close (r);
}

/* By fstat: a rule on fcntl may deny F_GETFD on S. */
static bool
in_use (int fd)
{
  struct stat st;
  return fstat (fd, &st) == 0;
}

static int
lowest_free (int i)
{
  while (in_use (i))
    i++;
  return i;
}

/* A thread with an fd table of its own, in which 12 is used (free in
 * the process's): its fcntl(F_DUPFD, 12) is 13. */
static void *
own_table_thread (void *arg)
{
  (void) arg;
  if (unshare (CLONE_FILES) < 0 || dup2 (fd_ok, 12) < 0)
    die ("unshare");
  show_dup ("thread12", fd_ok, F_DUPFD, 12, -1);
  return NULL;
}

/* fcntl(F_DUPFD[_CLOEXEC], min), natively or under vigil: the same results. */
static int
dupfd_cases (void)
{
  struct rlimit rl, small;
  if (getrlimit (RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur < 128)
    die ("getrlimit");
  int soft = (int) rl.rlim_cur;
  for (int min = 0; min <= 10; min += min ? 9 : 1)
    {
      char what[16];
      snprintf (what, sizeof what, "m%d", min);
      show_dup (what, fd_ok, F_DUPFD, min, -1);
      snprintf (what, sizeof what, "c%d", min);
      show_dup (what, fd_ok, F_DUPFD_CLOEXEC, min, -1);
    }
  /* 20, 21 and 23 used, 22 free; below 20 some free. */
  if (dup2 (fd_ok, 20) < 0 || dup2 (fd_ok, 21) < 0 || dup2 (fd_ok, 23) < 0)
    die ("dup2");
  show_dup ("m20", fd_ok, F_DUPFD, 20, -1);
  show_dup ("m22", fd_ok, F_DUPFD, 22, -1);
  show_dup ("c23", fd_ok, F_DUPFD_CLOEXEC, 23, -1);
  close (20), close (21), close (23);
  int low = lowest_free (0);
  show_dup ("low", fd_ok, F_DUPFD, low, low);
  show_dup ("lowc", fd_ok, F_DUPFD_CLOEXEC, low, low);
  show_dup ("limit-1", fd_ok, F_DUPFD, soft - 1, soft - 1);
  show_dup ("limit", fd_ok, F_DUPFD, soft, -1);
  show_dup ("limitc", fd_ok, F_DUPFD_CLOEXEC, soft, -1);
  show_dup ("negative", fd_ok, F_DUPFD, -1, -1);
  show_dup ("badfd", 999, F_DUPFD, 10, -1);
  show_dup ("badfd_limit", 999, F_DUPFD, soft, -1);
  pthread_t t;
  if (in_use (12) || pthread_create (&t, NULL, own_table_thread, NULL) != 0 || pthread_join (t, NULL) != 0)
    die ("own table thread");
  show_dup ("process12", fd_ok, F_DUPFD, 12, -1);
  /* A full table under a limit of 64 (RACED_FD, 50, stays). */
  small = (struct rlimit){ 64, rl.rlim_max };
  if (setrlimit (RLIMIT_NOFILE, &small) < 0)
    die ("setrlimit");
  for (int i = 0; i < 64; i++)
    if (!in_use (i) && dup2 (fd_ok, i) < 0)
      die ("dup2 fill");
  show_dup ("full0", fd_ok, F_DUPFD, 0, -1);
  show_dup ("full10", fd_ok, F_DUPFD, 10, -1);
  show_dup ("full63", fd_ok, F_DUPFD_CLOEXEC, 63, -1);
  show_dup ("full64", fd_ok, F_DUPFD, 64, -1);
  close (40);
  show_dup ("hole10", fd_ok, F_DUPFD, 10, -1);
  show_dup ("hole41", fd_ok, F_DUPFD, 41, -1);
  close (8), close (40);
  show_dup ("holes9", fd_ok, F_DUPFD_CLOEXEC, 9, -1);
  show_dup ("holes40", fd_ok, F_DUPFD, 40, -1);
  show_dup ("holes41", fd_ok, F_DUPFD, 41, -1);
  show_dup ("secret", fd_secret, F_DUPFD, 10, -1);
  printf ("\n");
  return 0;
}

int
main (int argc, char **argv)
{
  char buf[600];

  if (argc != 5)
    {
      fprintf (stderr, "usage: %s fchmod|fchmodat2|fsetxattr|dup|dup-opath|fcntl|fcntl-min|fcntl-low|opath|opath-fifo|emptypath|xattr|dupfd control|race DIR N\n", argv[0]);
      return 2;
    }
  const char *mode = argv[1];
  race = strcmp (argv[2], "race") == 0;
  dir = argv[3];
  snprintf (buf, sizeof buf, "%s/locked/secret", dir);
  if (stat (buf, &secret) < 0)
    die ("stat secret");
  if (strncmp (mode, "opath", 5) == 0)
    {
      /* opath-fifo: the allowed object has no readable stand-in. */
      snprintf (alt[0], sizeof alt[0], "%s/%s", dir, strcmp (mode, "opath") == 0 ? "ok" : "fifo");
      snprintf (alt[1], sizeof alt[1], race ? "%s/locked/secret" : "%s/ok2", dir);
      memcpy (path, alt[0], sizeof path);
      return race_calls (mode, atol (argv[4]));
    }
  /* No rule of the fd modes covers opens: S is opened like the others. */
  int how = (strcmp (mode, "dup-opath") == 0 ? O_PATH : O_RDONLY) | O_CLOEXEC;
  fd_secret = open (buf, how);
  snprintf (buf, sizeof buf, "%s/ok", dir);
  fd_ok = open (buf, how);
  snprintf (buf, sizeof buf, "%s/ok2", dir);
  fd_ok2 = open (buf, how);
  if (fd_secret < 0 || fd_ok < 0 || fd_ok2 < 0 || dup2 (fd_ok, RACED_FD) < 0)
    die ("open files");
  if (strcmp (mode, "emptypath") == 0)
    return empty_path ();
  if (strcmp (mode, "xattr") == 0)
    return xattr_cases ();
  /* Phase nodump: as a program that turned non-dumpable (its /proc/<tid>/fd
   * is then readable only with CAP_SYS_PTRACE). */
  if (strcmp (mode, "dupfd") == 0 && strcmp (argv[2], "nodump") == 0 && prctl (PR_SET_DUMPABLE, 0) < 0)
    die ("prctl");
  if (strcmp (mode, "dupfd") == 0)
    return dupfd_cases ();
  dup_min = strcmp (mode, "fcntl-low") == 0 ? lowest_free (0) : 10;
  dup_want = lowest_free (dup_min);
  return race_calls (mode, atol (argv[4]));
}
