/* Unit tests for the workload-inspection layer: procinfo.c (reading
 * /proc/<tid>), proctable.c (processes, ancestry, pidfd exits) and
 * userdb.c (passwd/group below the workload's root). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <stdarg.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vigil/error.h"
#include "vigil/procinfo.h"

static char self_argv0[PATH_MAX];
static struct procinfo pi; /* large: keep it off the stack */

/* ---- helpers ---- */

/* snprintf for paths, failing the test instead of truncating. */
static void __attribute__ ((format (printf, 3, 4)))
pathf (char *buf, size_t size, const char *fmt, ...)
{
  va_list ap;
  int n;

  va_start (ap, fmt);
  n = vsnprintf (buf, size, fmt, ap);
  va_end (ap);
  ck_assert (n >= 0 && (size_t) n < size);
}

static void
sleep_ms (int ms)
{
  struct timespec ts = { ms / 1000, (long) (ms % 1000) * 1000000L };
  nanosleep (&ts, NULL);
}

/* Wait until /proc/<pid>/comm reads `comm` (the child has exec'd). */
static bool
wait_comm (pid_t pid, const char *comm)
{
  char path[64], buf[64];

  snprintf (path, sizeof path, "/proc/%d/comm", (int) pid);
  for (int i = 0; i < 500; i++)
    {
      FILE *f = fopen (path, "re");
      if (f)
        {
          bool same = fgets (buf, sizeof buf, f) && strncmp (buf, comm, strlen (comm)) == 0
                      && buf[strlen (comm)] == '\n';
          fclose (f);
          if (same)
            return true;
        }
      sleep_ms (10);
    }
  return false;
}

/* Start `sh -c script sh extra` with the given environment; its stdin is a
 * pipe whose write end is returned in *stdin_w (closing it ends `read`),
 * its stdout a pipe read through *stdout_r (or inherited if NULL). */
static pid_t
spawn_sh (const char *script, const char *extra, char *const envp[], int *stdin_w, int *stdout_r)
{
  int in[2], out[2];
  pid_t pid;

  ck_assert_int_eq (pipe2 (in, O_CLOEXEC), 0);
  ck_assert_int_eq (pipe2 (out, O_CLOEXEC), 0);
  pid = fork ();
  ck_assert_int_ge (pid, 0);
  if (pid == 0)
    {
      char *argv[] = { "/bin/sh", "-c", (char *) script, "sh", (char *) extra, NULL };
      dup2 (in[0], 0);
      if (stdout_r)
        dup2 (out[1], 1);
      execve ("/bin/sh", argv, envp);
      _exit (127);
    }
  close (in[0]);
  close (out[1]);
  *stdin_w = in[1];
  if (stdout_r)
    *stdout_r = out[0];
  else
    close (out[0]);
  return pid;
}

static void
finish_child (pid_t pid, int stdin_w)
{
  int status;
  if (stdin_w >= 0)
    close (stdin_w);
  kill (pid, SIGKILL);
  waitpid (pid, &status, 0);
}

/* A pid that existed and is now gone. */
static pid_t
gone_pid (void)
{
  pid_t pid = fork ();
  if (pid == 0)
    _exit (0);
  waitpid (pid, NULL, 0);
  return pid;
}

static void
read_link_or_fail (const char *path, char *buf, size_t size)
{
  ssize_t n = readlink (path, buf, size - 1);
  ck_assert_int_gt (n, 0);
  buf[n] = '\0';
}

/* ---- procinfo ---- */

START_TEST (test_self)
{
  char exe[PATH_MAX], cwd[PATH_MAX], comm[64];
  FILE *f;

  ck_assert_int_eq (procinfo_read (-1, getpid (), PI_ALL, &pi), 0);
  ck_assert_uint_eq (pi.have, PI_ALL);
  ck_assert_int_eq (pi.tgid, getpid ());
  ck_assert_int_eq (pi.ppid, getppid ());
  ck_assert_int_eq (pi.stat_ppid, getppid ());
  ck_assert_int_eq (pi.vpid, getpid ()); /* the test runs in vigil's pid namespace */
  ck_assert_int_eq (pi.sid, getsid (0));
  ck_assert_int_eq (pi.pgid, getpgrp ());

  uid_t r, e, s;
  gid_t gr, ge, gs;
  getresuid (&r, &e, &s);
  getresgid (&gr, &ge, &gs);
  ck_assert_uint_eq (pi.uid[PI_REAL], r);
  ck_assert_uint_eq (pi.uid[PI_EFFECTIVE], e);
  ck_assert_uint_eq (pi.uid[PI_SAVED], s);
  ck_assert_uint_eq (pi.uid[PI_FS], e);
  ck_assert_uint_eq (pi.gid[PI_REAL], gr);
  ck_assert_uint_eq (pi.gid[PI_EFFECTIVE], ge);
  ck_assert_uint_eq (pi.gid[PI_SAVED], gs);

  f = fopen ("/proc/self/comm", "re");
  ck_assert_ptr_nonnull (fgets (comm, sizeof comm, f));
  fclose (f);
  comm[strcspn (comm, "\n")] = '\0';
  ck_assert_str_eq (pi.comm, comm);

  read_link_or_fail ("/proc/self/exe", exe, sizeof exe);
  ck_assert_str_eq (pi.exepath, exe);
  ck_assert (!pi.exe_from_memfd);
  ck_assert (!pi.exe_deleted);
  ck_assert_ptr_nonnull (getcwd (cwd, sizeof cwd));
  ck_assert_str_eq (pi.cwd, cwd);
  ck_assert_str_eq (pi.root, "/");
  ck_assert_str_eq (pi.args, self_argv0); /* argv[0] first */
  ck_assert (!pi.args_truncated);
  ck_assert_uint_gt (pi.env_len, 0);
  ck_assert_int_eq (pi.env[pi.env_len - 1], '\0');
  ck_assert_uint_gt (pi.start_time, 0);
  ck_assert (pi.loginuid >= -1);

  /* Capabilities agree with libcap's view of this process. */
  cap_t caps = cap_get_proc ();
  for (int bit = 0; bit < 41; bit++)
    {
      cap_flag_value_t v;
      if (cap_get_flag (caps, bit, CAP_EFFECTIVE, &v) == 0)
        ck_assert_int_eq (!!(pi.cap_effective & (UINT64_C (1) << bit)), v == CAP_SET);
      if (cap_get_flag (caps, bit, CAP_PERMITTED, &v) == 0)
        ck_assert_int_eq (!!(pi.cap_permitted & (UINT64_C (1) << bit)), v == CAP_SET);
    }
  cap_free (caps);

  /* The process started in the last day and not in the future. */
  uint64_t start = procinfo_start_to_epoch_ns (pi.start_time);
  struct timespec now;
  clock_gettime (CLOCK_REALTIME, &now);
  uint64_t now_ns = (uint64_t) now.tv_sec * 1000000000u + (uint64_t) now.tv_nsec;
  ck_assert_uint_le (start, now_ns + 1000000000u);
  ck_assert_uint_ge (start, now_ns - 86400ull * 1000000000u);
}
END_TEST

START_TEST (test_proc_dirfd_and_parts)
{
  int procfd = open ("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
  ck_assert_int_ge (procfd, 0);
  ck_assert_int_eq (procinfo_read (procfd, getpid (), PI_STATUS | PI_LOGINUID, &pi), 0);
  ck_assert_uint_eq (pi.have, PI_STATUS | PI_LOGINUID);
  ck_assert_int_eq (pi.tgid, getpid ());

  /* loginuid: 4294967295 means unset, -1. */
  FILE *f = fopen ("/proc/self/loginuid", "re");
  if (f)
    {
      unsigned long v;
      ck_assert_int_eq (fscanf (f, "%lu", &v), 1);
      fclose (f);
      ck_assert_int_eq (pi.loginuid, v == 4294967295ul ? -1 : (int64_t) v);
    }
  close (procfd);
}
END_TEST

/* A thread reads as itself: its own tid, the process's tgid. */
static void *
thread_body (void *arg)
{
  pid_t *tid = arg;
  *tid = (pid_t) syscall (SYS_gettid);
  return NULL;
}

static pthread_barrier_t thread_barrier;

static void *
parked_thread (void *arg)
{
  pid_t *tid = arg;
  *tid = (pid_t) syscall (SYS_gettid);
  pthread_barrier_wait (&thread_barrier); /* tid published */
  pthread_barrier_wait (&thread_barrier); /* test done */
  return NULL;
}

START_TEST (test_thread)
{
  pthread_t th;
  pid_t tid = 0;

  pthread_barrier_init (&thread_barrier, NULL, 2);
  pthread_create (&th, NULL, parked_thread, &tid);
  pthread_barrier_wait (&thread_barrier);
  ck_assert_int_eq (procinfo_read (-1, tid, PI_STATUS | PI_STAT, &pi), 0);
  ck_assert_int_eq (pi.tid, tid);
  ck_assert_int_eq (pi.tgid, getpid ());
  ck_assert_int_eq (pi.vtid, tid);
  pthread_barrier_wait (&thread_barrier);
  pthread_join (th, NULL);
  pthread_barrier_destroy (&thread_barrier);
  (void) thread_body;
}
END_TEST

START_TEST (test_child_args_env_truncation)
{
  static char longarg[5000], longenv[5100];
  char *envp[] = { longenv, "SHORT=1", NULL };
  char exe[PATH_MAX], joined[PROCINFO_ARGS_MAX + 64];
  int in_w;
  pid_t pid;

  memset (longarg, 'a', sizeof longarg - 1);
  snprintf (longenv, sizeof longenv, "BIG=");
  memset (longenv + 4, 'e', sizeof longenv - 5);
  pid = spawn_sh ("read x", longarg, envp, &in_w, NULL);
  ck_assert (wait_comm (pid, "sh"));

  ck_assert_int_eq (procinfo_read (-1, pid, PI_ALL, &pi), 0);
  ck_assert_int_eq (pi.ppid, getpid ());
  ck_assert_str_eq (pi.comm, "sh");
  ck_assert_ptr_nonnull (realpath ("/bin/sh", exe));
  ck_assert_str_eq (pi.exepath, exe);

  /* argv: "/bin/sh" "-c" "read x" "sh" then 4096-1-22 'a's and a NUL. */
  static const char head[] = "/bin/sh\0-c\0read x\0sh\0";
  ck_assert (pi.args_truncated);
  ck_assert_uint_eq (pi.args_len, PROCINFO_ARGS_MAX);
  ck_assert_int_eq (memcmp (pi.args, head, sizeof head - 1), 0);
  ck_assert_int_eq (pi.args[PROCINFO_ARGS_MAX - 1], '\0');
  for (size_t i = sizeof head - 1; i < PROCINFO_ARGS_MAX - 1; i++)
    ck_assert_int_eq (pi.args[i], 'a');

  /* proc.args: without argv[0], joined by spaces. */
  size_t n = procinfo_join (pi.args, pi.args_len, 1, joined, sizeof joined);
  ck_assert_int_eq (strncmp (joined, "-c read x sh aaaa", 17), 0);
  ck_assert_uint_eq (n, 2 + 1 + 6 + 1 + 2 + 1 + (PROCINFO_ARGS_MAX - 1 - (sizeof head - 1)));

  /* env: cut at 4096 too; the short variable came after and is lost. */
  ck_assert (pi.env_truncated);
  ck_assert_uint_eq (pi.env_len, PROCINFO_ENV_MAX);
  ck_assert_int_eq (strncmp (pi.env, "BIG=eee", 7), 0);
  ck_assert_int_eq (pi.env[PROCINFO_ENV_MAX - 1], '\0');
  ck_assert_uint_eq (strlen (pi.env), PROCINFO_ENV_MAX - 1);

  /* Gone after exit: the contract's -ESRCH. */
  finish_child (pid, in_w);
  int rc = procinfo_read (-1, pid, PI_STATUS, &pi);
  ck_assert_int_eq (rc, -ESRCH);
  ck_assert (procinfo_is_gone (rc));
}
END_TEST

START_TEST (test_child_short_env)
{
  char *envp[] = { "A=1", "B=2", NULL };
  int in_w;
  pid_t pid = spawn_sh ("read x", "arg", envp, &in_w, NULL);

  ck_assert (wait_comm (pid, "sh"));
  ck_assert_int_eq (procinfo_read (-1, pid, PI_ENV | PI_ARGS, &pi), 0);
  ck_assert (!pi.env_truncated);
  ck_assert_uint_eq (pi.env_len, 8);
  ck_assert_int_eq (memcmp (pi.env, "A=1\0B=2\0", 8), 0);
  ck_assert (!pi.args_truncated);
  ck_assert_uint_eq (pi.args_len, sizeof "/bin/sh\0-c\0read x\0sh\0arg");
  finish_child (pid, in_w);
}
END_TEST

START_TEST (test_gone)
{
  pid_t pid = gone_pid ();
  int procfd = open ("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);

  for (unsigned part = PI_STATUS; part <= PI_LOGINUID; part <<= 1)
    {
      ck_assert_int_eq (procinfo_read (-1, pid, part, &pi), -ESRCH);
      ck_assert_int_eq (procinfo_read (procfd, pid, part, &pi), -ESRCH);
    }
  ck_assert_int_eq (procinfo_read (-1, 0, PI_STATUS, &pi), -ESRCH);
  ck_assert_int_eq (procinfo_read (-1, -5, PI_STATUS, &pi), -ESRCH);
  ck_assert_str_eq (procinfo_strstatus (-ESRCH), "process gone");
  close (procfd);
}
END_TEST

/* A zombie still has a status but no exe: reading its exe says gone. */
START_TEST (test_zombie)
{
  pid_t pid = fork ();
  if (pid == 0)
    _exit (0);
  for (int i = 0; i < 200; i++)
    {
      if (procinfo_read (-1, pid, PI_EXE, &pi) == -ESRCH)
        break;
      sleep_ms (5);
    }
  ck_assert_int_eq (procinfo_read (-1, pid, PI_EXE, &pi), -ESRCH);
  ck_assert_int_eq (procinfo_read (-1, pid, PI_STATUS, &pi), 0);
  waitpid (pid, NULL, 0);
}
END_TEST

START_TEST (test_memfd_exe)
{
  int src = open ("/bin/sleep", O_RDONLY | O_CLOEXEC);
  int mfd = (int) syscall (SYS_memfd_create, "vigil-test", 0);
  char buf[65536];
  ssize_t n;
  pid_t pid;

  ck_assert_int_ge (src, 0);
  if (mfd < 0)
    {
      printf ("SKIP: memfd_create unavailable: %s\n", strerror (errno));
      close (src);
      return;
    }
  while ((n = read (src, buf, sizeof buf)) > 0)
    ck_assert_int_eq (write (mfd, buf, (size_t) n), n);
  close (src);
  pid = fork ();
  if (pid == 0)
    {
      char *argv[] = { "sleep", "30", NULL };
      char *envp[] = { NULL };
      fexecve (mfd, argv, envp);
      _exit (127);
    }
  close (mfd);
  /* comm of an fexecve'd program is the fd number; wait for exec by exe. */
  for (int i = 0; i < 500; i++)
    {
      if (procinfo_read (-1, pid, PI_EXE, &pi) == 0 && pi.exe_from_memfd)
        break;
      sleep_ms (10);
    }
  ck_assert_int_eq (procinfo_read (-1, pid, PI_EXE | PI_ARGS, &pi), 0);
  ck_assert_str_eq (pi.exepath, "/memfd:vigil-test (deleted)");
  ck_assert (pi.exe_from_memfd);
  ck_assert (pi.exe_deleted);
  ck_assert_str_eq (pi.args, "sleep");
  finish_child (pid, -1);
}
END_TEST

/* Without ptrace rights over a process of another uid, environ and exe are
 * refused: -EACCES, which the caller treats as "fail closed". */
START_TEST (test_cannot_read)
{
  pid_t target = getpid ();
  pid_t reader;
  int status;

  if (getuid () != 0)
    {
      /* Unprivileged: pid 1 belongs to root (or to another user). */
      struct stat st;
      if (stat ("/proc/1", &st) < 0 || st.st_uid == getuid ())
        {
          printf ("SKIP: no process of another user to read\n");
          return;
        }
      ck_assert_int_eq (procinfo_read (-1, 1, PI_ENV, &pi), -EACCES);
      ck_assert_int_eq (procinfo_read (-1, 1, PI_EXE, &pi), -EACCES);
      return;
    }
  reader = fork ();
  if (reader == 0)
    {
      static struct procinfo cpi;
      if (setgroups (0, NULL) < 0 || setgid (65534) < 0 || setuid (65534) < 0)
        _exit (10);
      if (procinfo_read (-1, target, PI_STATUS | PI_STAT | PI_ARGS, &cpi) != 0)
        _exit (11);
      if (procinfo_read (-1, target, PI_ENV, &cpi) != -EACCES)
        _exit (12);
      if (procinfo_read (-1, target, PI_EXE, &cpi) != -EACCES)
        _exit (13);
      if (procinfo_read (-1, target, PI_CWD, &cpi) != -EACCES)
        _exit (14);
      _exit (0);
    }
  waitpid (reader, &status, 0);
  ck_assert (WIFEXITED (status));
  ck_assert_int_eq (WEXITSTATUS (status), 0);
  ck_assert_str_eq (procinfo_strstatus (-EACCES), "permission denied (vigil cannot inspect the process)");
}
END_TEST

START_TEST (test_caps_text)
{
  char buf[PROCINFO_CAPS_TEXT_MAX];
  char small[12];

  ck_assert_int_eq (procinfo_caps_text (0, buf, sizeof buf), 0);
  ck_assert_str_eq (buf, "");
  ck_assert_int_eq (procinfo_caps_text ((1u << 0) | (1u << 5), buf, sizeof buf), 18);
  ck_assert_str_eq (buf, "CAP_CHOWN CAP_KILL");
  ck_assert_int_gt (procinfo_caps_text ((UINT64_C (1) << 41) - 1, buf, sizeof buf), 0);
  ck_assert_int_eq (strncmp (buf, "CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH ", 47), 0);
  ck_assert_ptr_nonnull (strstr (buf, " CAP_SYS_ADMIN CAP_SYS_BOOT "));
  ck_assert_int_eq (strcmp (buf + strlen (buf) - 30, "CAP_BPF CAP_CHECKPOINT_RESTORE"), 0);
  /* Every capability fits with room to spare. */
  ck_assert_int_lt (procinfo_caps_text (UINT64_MAX, buf, sizeof buf), PROCINFO_CAPS_TEXT_MAX - 100);
  /* Bits libcap cannot name are left out, as Falco leaves them out. */
  ck_assert_int_eq (procinfo_caps_text (UINT64_C (1) << 63, buf, sizeof buf), 0);
  ck_assert_int_eq (procinfo_caps_text ((UINT64_C (1) << 63) | (1u << 7), buf, sizeof buf), 10);
  ck_assert_str_eq (buf, "CAP_SETUID");
  ck_assert_int_eq (procinfo_caps_text ((1u << 0) | (1u << 5), small, sizeof small), -ERANGE);
  ck_assert_int_eq (procinfo_caps_text (1, buf, 0), -ERANGE);
}
END_TEST

START_TEST (test_argbuf_and_join)
{
  char buf[16], out[64];
  size_t len = 0;

  ck_assert (procinfo_argbuf_add (buf, &len, sizeof buf, "abc", 3));
  ck_assert_uint_eq (len, 4);
  ck_assert (!procinfo_argbuf_add (buf, &len, sizeof buf, "0123456789abcdef", 16));
  ck_assert_uint_eq (len, 16);
  ck_assert_int_eq (memcmp (buf, "abc\0" "0123456789a\0", 16), 0);
  ck_assert (!procinfo_argbuf_add (buf, &len, sizeof buf, "x", 1));
  ck_assert_uint_eq (len, 16);

  /* Exactly full: not truncated. */
  len = 0;
  ck_assert (procinfo_argbuf_add (buf, &len, sizeof buf, "0123456789abcde", 15));
  ck_assert_uint_eq (len, 16);

  ck_assert_uint_eq (procinfo_join ("a\0\0b\0", 5, 0, out, sizeof out), 4);
  ck_assert_str_eq (out, "a  b");
  ck_assert_uint_eq (procinfo_join ("a\0\0b\0", 5, 1, out, sizeof out), 2);
  ck_assert_str_eq (out, " b");
  ck_assert_uint_eq (procinfo_join ("ls\0", 3, 1, out, sizeof out), 0);
  ck_assert_str_eq (out, "");
  ck_assert_uint_eq (procinfo_join ("ls\0-l\0/tmp\0", 12, 0, out, 6), 5);
  ck_assert_str_eq (out, "ls -l");
  /* A buffer without final NUL still ends its last string. */
  ck_assert_uint_eq (procinfo_join ("ab\0cd", 5, 0, out, sizeof out), 5);
  ck_assert_str_eq (out, "ab cd");
}
END_TEST

/* ---- descriptors ---- */

static int
count_fds (void)
{
  char path[64];
  int n = 0;

  for (int fd = 0; fd < 1024; fd++)
    {
      snprintf (path, sizeof path, "/proc/self/fd/%d", fd);
      if (access (path, F_OK) == 0)
        n++;
    }
  return n;
}

/* Success and failure paths alike close what they open. */
START_TEST (test_no_fd_leak)
{
  int before = count_fds ();
  struct userdb *db = userdb_new (64);
  struct userdb_user u;
  struct proctable *t = proctable_new (-1, 0, 0);
  struct proc_entry *e;
  pid_t gone = gone_pid ();

  for (int i = 0; i < 3; i++)
    {
      ck_assert_int_eq (procinfo_read (-1, getpid (), PI_ALL, &pi), 0);
      ck_assert_int_eq (procinfo_read (-1, gone, PI_ALL, &pi), -ESRCH);
      userdb_get_user (db, "/proc/self/root", 0, &u); /* -EFBIG or found */
      ck_assert_int_lt (userdb_get_user (db, "/nonexistent", 0, &u), 0);
      ck_assert_int_eq (proctable_lookup (t, getpid (), &e), 0);
      ck_assert_int_eq (proctable_lookup (t, gone, &e), -ESRCH);
    }
  ck_assert_int_eq (count_fds (), before + 2); /* the table's epoll fd and our pidfd */
  proctable_free (t);
  userdb_free (db);
  ck_assert_int_eq (count_fds (), before);
}
END_TEST

/* ---- proctable ---- */

START_TEST (test_table_self)
{
  struct proctable *t = proctable_new (-1, 0, 0);
  struct proc_entry *e, *again;
  char exe[PATH_MAX];

  ck_assert_int_eq (proctable_lookup (t, getpid (), &e), 0);
  ck_assert (!proctable_last_lookup_cached (t)); /* read from /proc */
  ck_assert_int_eq (e->pid, getpid ());
  ck_assert_int_eq (e->ppid, getppid ());
  read_link_or_fail ("/proc/self/exe", exe, sizeof exe);
  ck_assert_str_eq (e->exepath, exe);
  ck_assert_str_eq (e->exe, self_argv0);
  ck_assert_str_eq (e->cmdline, e->comm); /* no arguments */
  ck_assert_str_eq (e->args, "");
  ck_assert_int_ge (e->pidfd, 0);
  ck_assert_int_eq (fcntl (e->pidfd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  ck_assert_int_eq (fcntl (proctable_epoll_fd (t), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  uint64_t gen = e->generation;

  ck_assert_int_eq (proctable_lookup (t, getpid (), &again), 0);
  ck_assert (proctable_last_lookup_cached (t));
  ck_assert_ptr_eq (again, e);
  ck_assert_uint_eq (again->generation, gen);
  ck_assert_ptr_eq (proctable_ancestor (t, e, 0), e);
  ck_assert_int_eq (proctable_lookup (t, gone_pid (), &again), -ESRCH);
  ck_assert (!proctable_last_lookup_cached (t));
  ck_assert_ptr_null (again);
  proctable_free (t);
}
END_TEST

/* sh -c 'sleep 30 & echo $!; read x' : the test, sh, sleep. */
START_TEST (test_table_ancestry)
{
  struct proctable *t = proctable_new (-1, 0, 8);
  struct proc_entry *e, *p, *gp;
  char line[32], exe[PATH_MAX];
  int in_w, out_r;
  pid_t sh = spawn_sh ("sleep 30 & echo $!; read x", NULL, NULL, &in_w, &out_r);
  ssize_t n = read (out_r, line, sizeof line - 1);
  pid_t sleeper;

  ck_assert_int_gt (n, 0);
  line[n] = '\0';
  sleeper = (pid_t) atoi (line);
  ck_assert (wait_comm (sleeper, "sleep"));

  /* Grandchild first: its parent and grandparent come from /proc. */
  ck_assert_int_eq (proctable_lookup (t, sleeper, &e), 0);
  ck_assert_str_eq (e->comm, "sleep");
  ck_assert_str_eq (e->exe, "sleep");
  ck_assert_str_eq (e->cmdline, "sleep 30");
  ck_assert_str_eq (e->args, "30");
  ck_assert_int_eq (e->ppid, sh);

  p = proctable_ancestor (t, e, 1);
  ck_assert_ptr_nonnull (p);
  ck_assert_int_eq (p->pid, sh);
  ck_assert_str_eq (p->comm, "sh");
  ck_assert_str_eq (p->exe, "/bin/sh");
  ck_assert_ptr_nonnull (realpath ("/bin/sh", exe));
  ck_assert_str_eq (p->exepath, exe);
  ck_assert_str_eq (p->cmdline, "sh -c sleep 30 & echo $!; read x sh");
  ck_assert_uint_eq (e->parent_generation, p->generation);

  gp = proctable_ancestor (t, e, 2);
  ck_assert_ptr_nonnull (gp);
  ck_assert_int_eq (gp->pid, getpid ());
  ck_assert_ptr_eq (proctable_ancestor (t, p, 1), gp);
  ck_assert_uint_eq (proctable_count (t), 3);

  /* The walk is bounded. */
  ck_assert_ptr_null (proctable_ancestor (t, e, proctable_max_depth (t) + 1));
  for (unsigned d = 3; d <= proctable_max_depth (t); d++)
    if (proctable_ancestor (t, e, d) == NULL)
      break;

  finish_child (sleeper, -1);
  finish_child (sh, in_w);
  close (out_r);
  proctable_free (t);
}
END_TEST

/* A fork (no exec) inherits its parent's name, exe and args. */
START_TEST (test_table_fork_inherits)
{
  struct proctable *t = proctable_new (-1, 0, 0);
  struct proc_entry *me, *child;
  int go[2];
  pid_t pid;

  ck_assert_int_eq (proctable_lookup (t, getpid (), &me), 0);
  ck_assert_int_eq (pipe2 (go, O_CLOEXEC), 0);
  pid = fork ();
  if (pid == 0)
    {
      char c;
      close (go[1]);
      if (read (go[0], &c, 1) == 1)
        {
          char *argv[] = { "sleep", "30", NULL };
          execv ("/bin/sleep", argv);
        }
      pause ();
      _exit (0);
    }
  close (go[0]);
  ck_assert_int_eq (proctable_lookup (t, pid, &child), 0);
  ck_assert_str_eq (child->comm, me->comm);
  ck_assert_str_eq (child->exepath, me->exepath);
  ck_assert_str_eq (child->cmdline, me->cmdline);
  ck_assert_ptr_ne (child->cmdline, me->cmdline);
  ck_assert_int_eq (proctable_ancestor (t, child, 1)->pid, getpid ());

  /* exec: marked, then re-read at the next lookup. */
  proctable_mark_exec (child);
  ck_assert_int_eq (write (go[1], "x", 1), 1);
  ck_assert (wait_comm (pid, "sleep"));
  ck_assert_int_eq (proctable_lookup (t, pid, &child), 0);
  ck_assert_str_eq (child->comm, "sleep");
  ck_assert_str_eq (child->cmdline, "sleep 30");
  ck_assert (!child->exec_pending);
  finish_child (pid, go[1]);
  proctable_free (t);
}
END_TEST

START_TEST (test_table_exec)
{
  struct proctable *t = proctable_new (-1, 0, 0);
  struct proc_entry *e;
  static const char args[] = "foo\0-x\0\0y";

  ck_assert_int_eq (proctable_lookup (t, getpid (), &e), 0);
  proctable_exec (t, e, NULL, "/usr/bin/foo", args, sizeof args);
  ck_assert_str_eq (e->comm, "foo");
  ck_assert_str_eq (e->exepath, "/usr/bin/foo");
  ck_assert_str_eq (e->exe, "foo");
  ck_assert_str_eq (e->cmdline, "foo -x  y");
  ck_assert_str_eq (e->args, "-x  y");
  ck_assert (!e->exe_from_memfd);

  /* The kernel's comm is the basename cut to 15 bytes. */
  proctable_exec (t, e, NULL, "/memfd:a-very-long-program-name (deleted)", "x", 2);
  ck_assert_str_eq (e->comm, "memfd:a-very-lo");
  ck_assert (e->exe_from_memfd);
  ck_assert_str_eq (e->cmdline, "memfd:a-very-lo");
  ck_assert_str_eq (e->args, "");

  /* The entry's own strings may be passed back. */
  proctable_exec (t, e, e->comm, e->exepath, "y\0", 2);
  ck_assert_str_eq (e->comm, "memfd:a-very-lo");
  ck_assert_str_eq (e->exepath, "/memfd:a-very-long-program-name (deleted)");
  ck_assert_str_eq (e->exe, "y");

  /* No name: Falco's cmdline is empty, the args remain. */
  proctable_exec (t, e, "", "/bin/x", "x\0a\0", 4);
  ck_assert_str_eq (e->cmdline, "");
  ck_assert_str_eq (e->args, "a");
  proctable_free (t);
}
END_TEST

/* A pid taken over by another process must not keep the old entry: with
 * the pidfd out of the way, the start time tells them apart. */
START_TEST (test_table_pid_reuse)
{
  struct proctable *t = proctable_new (-1, 0, 0);
  struct proc_entry *e, *c, *fresh;
  int in_w, out_r;
  char line[32];
  pid_t sh = spawn_sh ("sleep 30 & echo $!; read x", NULL, NULL, &in_w, &out_r);
  ssize_t n = read (out_r, line, sizeof line - 1);
  pid_t sleeper;

  ck_assert_int_gt (n, 0);
  line[n] = '\0';
  sleeper = (pid_t) atoi (line);
  ck_assert (wait_comm (sleeper, "sleep"));

  ck_assert_int_eq (proctable_lookup (t, sleeper, &e), 0);
  c = proctable_ancestor (t, e, 1);
  ck_assert_ptr_nonnull (c);
  uint64_t old_gen = c->generation;

  /* Pretend sh's pid now belongs to a stranger who started later. */
  close (c->pidfd);
  c->pidfd = -1;
  c->start_time += 1000;
  snprintf (c->comm, sizeof c->comm, "stale");

  ck_assert_int_eq (proctable_lookup (t, sleeper, &e), 0);
  fresh = proctable_ancestor (t, e, 1);
  ck_assert_ptr_nonnull (fresh);
  ck_assert_int_eq (fresh->pid, sh);
  ck_assert_str_eq (fresh->comm, "sh");
  ck_assert_uint_ne (fresh->generation, old_gen);
  ck_assert_uint_eq (e->parent_generation, fresh->generation);

  /* Same for a direct lookup of the pid. */
  close (fresh->pidfd);
  fresh->pidfd = -1;
  fresh->start_time -= 1;
  snprintf (fresh->comm, sizeof fresh->comm, "stale");
  old_gen = fresh->generation;
  ck_assert_int_eq (proctable_lookup (t, sh, &c), 0);
  ck_assert_str_eq (c->comm, "sh");
  ck_assert_uint_ne (c->generation, old_gen);

  /* A parent younger than its child is a reused pid: the chain ends. */
  c->start_time = e->start_time + 1000;
  e->parent_generation = 0;
  ck_assert_int_eq (proctable_lookup (t, sleeper, &e), 0);
  ck_assert_ptr_null (proctable_ancestor (t, e, 1));

  finish_child (sleeper, -1);
  finish_child (sh, in_w);
  close (out_r);
  proctable_free (t);
}
END_TEST

START_TEST (test_table_exit_removes)
{
  struct proctable *t = proctable_new (-1, 0, 0);
  struct proc_entry *e;
  struct pollfd pfd;
  pid_t pid = fork ();

  if (pid == 0)
    {
      pause ();
      _exit (0);
    }
  ck_assert_int_eq (proctable_lookup (t, pid, &e), 0);
  ck_assert_uint_eq (proctable_count (t), 1);
  ck_assert_uint_eq (proctable_reap_exited (t), 0);

  kill (pid, SIGKILL);
  pfd = (struct pollfd){ .fd = proctable_epoll_fd (t), .events = POLLIN };
  ck_assert_int_eq (poll (&pfd, 1, 5000), 1); /* readable before the zombie is reaped */
  ck_assert_uint_eq (proctable_reap_exited (t), 1);
  ck_assert_uint_eq (proctable_count (t), 0);
  ck_assert_int_eq (poll (&pfd, 1, 0), 0);
  waitpid (pid, NULL, 0);
  ck_assert_int_eq (proctable_lookup (t, pid, &e), -ESRCH);
  ck_assert_uint_eq (proctable_count (t), 0);
  proctable_free (t);
}
END_TEST

/* An exited process is never returned, even before reap. */
START_TEST (test_table_exit_without_reap)
{
  struct proctable *t = proctable_new (-1, 0, 0);
  struct proc_entry *e;
  pid_t pid = fork ();

  if (pid == 0)
    {
      pause ();
      _exit (0);
    }
  ck_assert_int_eq (proctable_lookup (t, pid, &e), 0);
  kill (pid, SIGKILL);
  waitpid (pid, NULL, 0);
  ck_assert_int_eq (proctable_lookup (t, pid, &e), -ESRCH);
  proctable_free (t);
}
END_TEST

START_TEST (test_table_threads)
{
  struct proctable *t = proctable_new (-1, 0, 0);
  struct proc_entry *e;
  pthread_t th;
  pid_t tid = 0;

  pthread_barrier_init (&thread_barrier, NULL, 2);
  pthread_create (&th, NULL, parked_thread, &tid);
  pthread_barrier_wait (&thread_barrier);
  ck_assert_int_eq (proctable_lookup (t, tid, &e), 0);
  ck_assert (!proctable_last_lookup_cached (t));
  ck_assert_int_eq (e->pid, getpid ());
  ck_assert_int_eq (proctable_lookup (t, tid, &e), 0); /* from the thread link */
  ck_assert (proctable_last_lookup_cached (t));
  ck_assert_int_eq (e->pid, getpid ());
  ck_assert_uint_eq (proctable_count (t), 1);
  pthread_barrier_wait (&thread_barrier);
  pthread_join (th, NULL);
  pthread_barrier_destroy (&thread_barrier);
  /* The thread is gone: its link must not answer for it. */
  ck_assert_int_eq (proctable_lookup (t, tid, &e), -ESRCH);
  proctable_free (t);
}
END_TEST

START_TEST (test_table_bounded)
{
  struct proctable *t = proctable_new (-1, 2, 3);
  struct proc_entry *e;
  pid_t kids[4];

  for (int i = 0; i < 4; i++)
    {
      kids[i] = fork ();
      if (kids[i] == 0)
        {
          pause ();
          _exit (0);
        }
      ck_assert_int_eq (proctable_lookup (t, kids[i], &e), 0);
      ck_assert_int_eq (e->pid, kids[i]);
      ck_assert_uint_le (proctable_count (t), 2);
    }
  ck_assert_uint_eq (proctable_max_depth (t), 3);
  ck_assert_ptr_null (proctable_ancestor (t, e, 4));
  for (int i = 0; i < 4; i++)
    finish_child (kids[i], -1);
  proctable_free (t);
}
END_TEST

/* ---- userdb ---- */

static char tmproot[PATH_MAX];

static void
write_file (const char *dir, const char *rel, const char *text)
{
  char path[PATH_MAX];
  FILE *f;

  pathf (path, sizeof path, "%s/%s", dir, rel);
  f = fopen (path, "we");
  ck_assert_ptr_nonnull (f);
  fputs (text, f);
  fclose (f);
}

static const char *
make_root (const char *name)
{
  static char path[PATH_MAX];
  char etc[PATH_MAX];

  pathf (path, sizeof path, "%s/%s", tmproot, name);
  mkdir (path, 0755);
  pathf (etc, sizeof etc, "%s/etc", path);
  mkdir (etc, 0755);
  return path;
}

static void
setup_tmproot (void)
{
  pathf (tmproot, sizeof tmproot, "%s/vigil-userdb-XXXXXX", getenv ("TMPDIR") ? getenv ("TMPDIR") : "/tmp");
  ck_assert_ptr_nonnull (mkdtemp (tmproot));
}

static void
teardown_tmproot (void)
{
  char cmd[PATH_MAX + 16];
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", tmproot);
  if (system (cmd) != 0)
    fprintf (stderr, "could not remove %s\n", tmproot);
}

static const char passwd_text[] = "root:x:0:0:root:/root:/bin/bash\n"
                                  "# a comment\n"
                                  "alice:x:1000:1000:Alice:/home/alice:/bin/sh\n"
                                  "alice2:x:1000:1000::/home/dup:/bin/false\n"
                                  "+nisuser::::::\n"
                                  "garbage line without colons\n"
                                  "big:x:99999999999:1:::\n"
                                  ":x:5:5::/:/bin/sh\n"
                                  "bob:x:1001:1001\n"
                                  "carol:x:1002:1002:Carol:/home/carol:/bin/zsh"; /* no final newline */

START_TEST (test_userdb_lookup)
{
  const char *root = make_root ("r1");
  struct userdb *db = userdb_new (0);
  struct userdb_user u;
  struct userdb_group g;

  write_file (root, "etc/passwd", passwd_text);
  write_file (root, "etc/group", "root:x:0:\nstaff:x:50:alice,bob\nwheel:x:10\n");

  ck_assert_int_eq (userdb_get_user (db, root, 0, &u), 1);
  ck_assert_str_eq (u.name, "root");
  ck_assert_str_eq (u.homedir, "/root");
  ck_assert_str_eq (u.shell, "/bin/bash");
  ck_assert_uint_eq (u.gid, 0);
  ck_assert_int_eq (userdb_get_user (db, root, 1000, &u), 1);
  ck_assert_str_eq (u.name, "alice"); /* the first line wins */
  ck_assert_str_eq (u.homedir, "/home/alice");
  ck_assert_int_eq (userdb_get_user (db, root, 1001, &u), 1);
  ck_assert_str_eq (u.name, "bob");
  ck_assert_str_eq (u.homedir, "");
  ck_assert_str_eq (u.shell, "");
  ck_assert_int_eq (userdb_get_user (db, root, 1002, &u), 1);
  ck_assert_str_eq (u.shell, "/bin/zsh");
  ck_assert_int_eq (userdb_get_user (db, root, 5, &u), 0);    /* empty name */
  ck_assert_int_eq (userdb_get_user (db, root, 4242, &u), 0); /* nobody */

  ck_assert_int_eq (userdb_get_group (db, root, 50, &g), 1);
  ck_assert_str_eq (g.name, "staff");
  ck_assert_int_eq (userdb_get_group (db, root, 10, &g), 1);
  ck_assert_str_eq (g.name, "wheel");
  ck_assert_int_eq (userdb_get_group (db, root, 7, &g), 0);

  /* The real root, through the magic link as the live source uses it. */
  if (userdb_get_user (db, "/proc/self/root", 0, &u) == 1)
    ck_assert_str_eq (u.name, "root");
  userdb_free (db);
}
END_TEST

START_TEST (test_userdb_cache)
{
  const char *root = make_root ("r2");
  struct userdb *db = userdb_new (0);
  struct userdb_user u;
  unsigned long parses, hits;
  char path[PATH_MAX];
  struct timespec times[2] = { { 0, UTIME_OMIT }, { 1000000000, 0 } };

  write_file (root, "etc/passwd", "app:x:100:100::/srv:/bin/sh\n");
  pathf (path, sizeof path, "%s/etc/passwd", root);
  ck_assert_int_eq (utimensat (AT_FDCWD, path, times, 0), 0);
  ck_assert_int_eq (userdb_get_user (db, root, 100, &u), 1);
  ck_assert_int_eq (userdb_get_user (db, root, 100, &u), 1);
  ck_assert_int_eq (userdb_get_user (db, root, 101, &u), 0);
  userdb_stats (db, &parses, &hits);
  ck_assert_uint_eq (parses, 1);
  ck_assert_uint_eq (hits, 2);

  /* Same size, new content, new mtime: parsed again. */
  write_file (root, "etc/passwd", "web:x:100:100::/srv:/bin/sh\n");
  times[1].tv_sec = 1000000001;
  ck_assert_int_eq (utimensat (AT_FDCWD, path, times, 0), 0);
  ck_assert_int_eq (userdb_get_user (db, root, 100, &u), 1);
  ck_assert_str_eq (u.name, "web");
  userdb_stats (db, &parses, &hits);
  ck_assert_uint_eq (parses, 2);
  ck_assert_uint_eq (hits, 2);

  /* A second root is cached beside the first. */
  const char *other = make_root ("r2b");
  write_file (other, "etc/passwd", "svc:x:100:100::/:/bin/false\n");
  ck_assert_int_eq (userdb_get_user (db, other, 100, &u), 1);
  ck_assert_str_eq (u.name, "svc");
  ck_assert_int_eq (userdb_get_user (db, make_root ("r2"), 100, &u), 1);
  ck_assert_str_eq (u.name, "web");
  userdb_stats (db, &parses, &hits);
  ck_assert_uint_eq (parses, 3);
  ck_assert_uint_eq (hits, 3);
  userdb_free (db);
}
END_TEST

START_TEST (test_userdb_symlinks)
{
  char outside[PATH_MAX], link[PATH_MAX], outside_etc[PATH_MAX];
  const char *root;
  struct userdb *db = userdb_new (0);
  struct userdb_user u;
  int rc;

  /* A file outside every root vigil would read. */
  pathf (outside, sizeof outside, "%s/outside-passwd", tmproot);
  write_file (tmproot, "outside-passwd", "evil:x:0:0::/:/bin/sh\n");

  /* /etc/passwd -> absolute path outside: refused. */
  root = make_root ("abs");
  pathf (link, sizeof link, "%s/etc/passwd", root);
  ck_assert_int_eq (symlink (outside, link), 0);
  ck_assert_int_eq (userdb_get_user (db, root, 0, &u), -ELOOP);

  /* /etc/passwd -> ../../outside-passwd: refused. */
  root = make_root ("rel");
  pathf (link, sizeof link, "%s/etc/passwd", root);
  ck_assert_int_eq (symlink ("../../outside-passwd", link), 0);
  ck_assert_int_eq (userdb_get_user (db, root, 0, &u), -ELOOP);

  /* /etc -> a directory outside: never read from there (openat2 keeps
   * the jump inside the root, the fallback follows no link). */
  pathf (outside_etc, sizeof outside_etc, "%s/outside-etc", tmproot);
  mkdir (outside_etc, 0755);
  write_file (outside_etc, "passwd", "evil:x:0:0::/:/bin/sh\n");
  pathf (link, sizeof link, "%s/etcdir", tmproot);
  mkdir (link, 0755);
  pathf (link, sizeof link, "%s/etcdir/etc", tmproot);
  ck_assert_int_eq (symlink (outside_etc, link), 0);
  pathf (link, sizeof link, "%s/etcdir", tmproot);
  rc = userdb_get_user (db, link, 0, &u);
  ck_assert_int_lt (rc, 0);
  ck_assert (rc == -ENOENT || rc == -ELOOP);
  userdb_free (db);
}
END_TEST

START_TEST (test_userdb_hostile_files)
{
  struct userdb *db = userdb_new (1024);
  struct userdb_user u;
  struct userdb_group g;
  char path[PATH_MAX];
  const char *root;
  static char big[2000];

  /* Over the size cap. */
  root = make_root ("big");
  memset (big, 'x', sizeof big - 1);
  write_file (root, "etc/passwd", big);
  ck_assert_int_eq (userdb_get_user (db, root, 0, &u), -EFBIG);

  /* A FIFO: refused at once, without blocking on the open. */
  root = make_root ("fifo");
  pathf (path, sizeof path, "%s/etc/passwd", root);
  ck_assert_int_eq (mkfifo (path, 0644), 0);
  ck_assert_int_eq (userdb_get_user (db, root, 0, &u), -EINVAL);

  /* A directory. */
  root = make_root ("dir");
  pathf (path, sizeof path, "%s/etc/group", root);
  ck_assert_int_eq (mkdir (path, 0755), 0);
  ck_assert_int_eq (userdb_get_group (db, root, 0, &g), -EINVAL);

  /* Missing. */
  root = make_root ("none");
  ck_assert_int_eq (userdb_get_user (db, root, 0, &u), -ENOENT);
  ck_assert_int_eq (userdb_get_user (db, "/nonexistent-root", 0, &u), -ENOENT);

  /* Binary junk parses without crashing and finds nothing. */
  root = make_root ("junk");
  pathf (path, sizeof path, "%s/etc/passwd", root);
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  static const char junk[] = "a\0b:x:1:1\n::::::::::::::::\n\n\n:::\nz:x:2:2:\0:\0:\n";
  ck_assert_int_eq (write (fd, junk, sizeof junk - 1), (ssize_t) sizeof junk - 1);
  close (fd);
  ck_assert_int_eq (userdb_get_user (db, root, 1, &u), 0);
  ck_assert_int_eq (userdb_get_user (db, root, 2, &u), 1);
  ck_assert_str_eq (u.name, "z");
  userdb_free (db);
}
END_TEST

/* Kernels before 5.6 (and some seccomp profiles) have no openat2: in a
 * child where it fails with ENOSYS, the component walk must give the same
 * answers and still follow no symlink. */
static int
deny_openat2 (void)
{
  struct sock_filter filter[] = {
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, SYS_openat2, 0, 1),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = { .len = ARRAY_SIZE (filter), .filter = filter };

  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return -1;
  return prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

START_TEST (test_userdb_without_openat2)
{
  char outside[PATH_MAX], link[PATH_MAX];
  const char *good = make_root ("fb-good");
  char goodcopy[PATH_MAX];
  int status;
  pid_t pid;

  write_file (good, "etc/passwd", "app:x:7:7::/app:/bin/sh\n");
  pathf (goodcopy, sizeof goodcopy, "%s", good);
  pathf (outside, sizeof outside, "%s/fb-outside", tmproot);
  mkdir (outside, 0755);
  write_file (outside, "passwd", "evil:x:0:0::/:/bin/sh\n");
  const char *bad = make_root ("fb-linkfile");
  pathf (link, sizeof link, "%s/etc/passwd", bad);
  ck_assert_int_eq (symlink ("/fb-outside/passwd", link), 0);
  char badfile[PATH_MAX];
  pathf (badfile, sizeof badfile, "%s", bad);
  pathf (link, sizeof link, "%s/fb-linkdir", tmproot);
  mkdir (link, 0755);
  pathf (link, sizeof link, "%s/fb-linkdir/etc", tmproot);
  ck_assert_int_eq (symlink (outside, link), 0);
  pathf (link, sizeof link, "%s/fb-linkdir", tmproot);

  pid = fork ();
  if (pid == 0)
    {
      struct userdb *db = userdb_new (0);
      struct userdb_user u;
      if (deny_openat2 () < 0)
        _exit (20);
      if (userdb_get_user (db, goodcopy, 7, &u) != 1 || strcmp (u.name, "app") != 0)
        _exit (21);
      if (userdb_get_user (db, badfile, 0, &u) != -ELOOP)
        _exit (22);
      if (userdb_get_user (db, link, 0, &u) != -ELOOP)
        _exit (23);
      userdb_free (db);
      _exit (0);
    }
  waitpid (pid, &status, 0);
  ck_assert (WIFEXITED (status));
  ck_assert_int_eq (WEXITSTATUS (status), 0);
}
END_TEST

static Suite *
procinfo_suite (void)
{
  Suite *s = suite_create ("procinfo");
  TCase *tc = tcase_create ("procinfo");

  tcase_set_timeout (tc, 30);
  tcase_add_test (tc, test_self);
  tcase_add_test (tc, test_proc_dirfd_and_parts);
  tcase_add_test (tc, test_thread);
  tcase_add_test (tc, test_child_args_env_truncation);
  tcase_add_test (tc, test_child_short_env);
  tcase_add_test (tc, test_gone);
  tcase_add_test (tc, test_zombie);
  tcase_add_test (tc, test_memfd_exe);
  tcase_add_test (tc, test_cannot_read);
  tcase_add_test (tc, test_caps_text);
  tcase_add_test (tc, test_argbuf_and_join);
  tcase_add_test (tc, test_no_fd_leak);
  suite_add_tcase (s, tc);

  tc = tcase_create ("proctable");
  tcase_set_timeout (tc, 30);
  tcase_add_test (tc, test_table_self);
  tcase_add_test (tc, test_table_ancestry);
  tcase_add_test (tc, test_table_fork_inherits);
  tcase_add_test (tc, test_table_exec);
  tcase_add_test (tc, test_table_pid_reuse);
  tcase_add_test (tc, test_table_exit_removes);
  tcase_add_test (tc, test_table_exit_without_reap);
  tcase_add_test (tc, test_table_threads);
  tcase_add_test (tc, test_table_bounded);
  suite_add_tcase (s, tc);

  tc = tcase_create ("userdb");
  tcase_set_timeout (tc, 30);
  tcase_add_checked_fixture (tc, setup_tmproot, teardown_tmproot);
  tcase_add_test (tc, test_userdb_lookup);
  tcase_add_test (tc, test_userdb_cache);
  tcase_add_test (tc, test_userdb_symlinks);
  tcase_add_test (tc, test_userdb_hostile_files);
  tcase_add_test (tc, test_userdb_without_openat2);
  suite_add_tcase (s, tc);
  return s;
}

int
main (int argc, char **argv)
{
  (void) argc;
  snprintf (self_argv0, sizeof self_argv0, "%s", argv[0]);
  SRunner *sr = srunner_create (procinfo_suite ());
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
