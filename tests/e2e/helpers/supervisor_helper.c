/* Attacks on vigil's supervisor loop, run as the workload by
 * tests/e2e/attack_supervisor.sh.  Each mode prints what happened, one
 * fact a line; a process a kill rule hits prints nothing more.
 *
 *   thread_open PATH       a worker thread opens PATH; the main thread waits
 *   reuid_open PATH        become uid 65534, then open PATH
 *   fifo_flood DIR N OK KILL
 *                          N threads open N FIFOs without writers; then an
 *                          open of OK, then of KILL (a kill rule)
 *   fifo_flood_exec DIR N PROG
 *                          the same, then exec PROG (a kill rule)
 *   fifo_orphans DIR N     a child blocks N opens of FIFOs and is killed;
 *                          then an open of a FIFO that gets a writer
 *   scm_leak N OK          N sendmsg passing a good fd then a bad one
 *                          (EBADF); then an open of OK
 *   signals DENIED [all]   every way to stop or kill vigil (its parent),
 *                          each followed by an open of DENIED that vigil
 *                          must still answer (a deny rule: EACCES); "all"
 *                          adds kill(-1), only ever inside a pid namespace */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *
errname (int e)
{
  switch (e)
    {
    case 0: return "ok";
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case EAGAIN: return "EAGAIN";
    case ENOENT: return "ENOENT";
    case EINTR: return "EINTR";
    case ENFILE: return "ENFILE";
    case EMFILE: return "EMFILE";
    case EBADF: return "EBADF";
    default: return strerror (e);
    }
}

static void
say (const char *what, int e)
{
  printf ("%s %s\n", what, errname (e));
  fflush (stdout);
}

static int
try_open (const char *path)
{
  int fd = open (path, O_RDONLY);
  if (fd < 0)
    return errno;
  close (fd);
  return 0;
}

static void *
open_in_thread (void *arg)
{
  say ("thread_open", try_open (arg));
  return NULL;
}

static int
thread_open (const char *path)
{
  pthread_t t;
  if (pthread_create (&t, NULL, open_in_thread, (void *) path) != 0)
    return 1;
  pthread_join (t, NULL);
  say ("alive", 0);
  return 0;
}

static int
reuid_open (const char *path)
{
  if (setresuid (65534, 65534, 65534) < 0)
    {
      say ("setresuid", errno);
      return 1;
    }
  say ("reuid_open", try_open (path));
  say ("alive", 0);
  return 0;
}

static atomic_int started, returned, eagain;

static void *
open_fifo (void *arg)
{
  atomic_fetch_add (&started, 1);
  int e = try_open (arg);
  if (e == EAGAIN)
    atomic_fetch_add (&eagain, 1);
  atomic_fetch_add (&returned, 1);
  return NULL;
}

/* N threads blocked (or refused) in opens of FIFOs without writers. */
static int
flood (const char *dir, int n)
{
  pthread_attr_t attr;
  pthread_attr_init (&attr);
  pthread_attr_setstacksize (&attr, 64 * 1024);
  for (int i = 0; i < n; i++)
    {
      char *p;
      pthread_t t;
      if (asprintf (&p, "%s/fifo%d", dir, i) < 0 || (mkfifo (p, 0666) < 0 && errno != EEXIST))
        return -1;
      if (pthread_create (&t, &attr, open_fifo, p) != 0)
        return -1;
    }
  /* Until every thread is in its open and the refused ones are back. */
  for (int i = 0; i < 100 && atomic_load (&started) < n; i++)
    usleep (50000);
  int before = -1;
  for (int i = 0; i < 40 && atomic_load (&returned) != before; i++)
    {
      before = atomic_load (&returned);
      usleep (100000);
    }
  printf ("flood started %d returned %d eagain %d\n", atomic_load (&started), atomic_load (&returned),
          atomic_load (&eagain));
  fflush (stdout);
  return 0;
}

/* vigil's jobs for a killed process's opens must not keep their slots. */
static int
fifo_orphans (const char *dir, int n)
{
  int p[2];
  char c, *fifo;
  if (pipe (p) < 0 || asprintf (&fifo, "%s/with-writer", dir) < 0 || mkfifo (fifo, 0666) < 0)
    return 1;
  pid_t child = fork ();
  if (child == 0)
    {
      flood (dir, n);
      write (p[1], "x", 1);
      pause ();
      _exit (0);
    }
  if (read (p[0], &c, 1) != 1)
    return 1;
  kill (child, SIGKILL);
  waitpid (child, NULL, 0);
  pid_t writer = fork ();
  if (writer == 0)
    {
      usleep (300000);
      int fd = open (fifo, O_WRONLY);
      _exit (fd < 0);
    }
  alarm (20);
  say ("open_after_orphans", try_open (fifo));
  waitpid (writer, NULL, 0);
  return 0;
}

/* A send that fails on its second passed fd must not leave the first
 * one open in vigil. */
static int
scm_leak (int n, const char *ok)
{
  int sv[2], e = 0;
  if (socketpair (AF_UNIX, SOCK_DGRAM, 0, sv) < 0)
    return 1;
  union {
    char buf[2 * CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  for (int i = 0; i < n; i++)
    {
      char byte = 'x';
      struct iovec iov = { &byte, 1 };
      struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
      memset (u.buf, 0, sizeof u.buf);
      struct cmsghdr *c = CMSG_FIRSTHDR (&m);
      int fds[2] = { 0, 9999 };
      for (int k = 0; k < 2; k++, c = CMSG_NXTHDR (&m, c))
        {
          c->cmsg_level = SOL_SOCKET;
          c->cmsg_type = SCM_RIGHTS;
          c->cmsg_len = CMSG_LEN (sizeof (int));
          memcpy (CMSG_DATA (c), &fds[k], sizeof (int));
        }
      if (sendmsg (sv[0], &m, 0) >= 0)
        e = -1;
      else if (e == 0)
        e = errno;
    }
  say ("scm_sends", e);
  say ("open_ok", try_open (ok));
  return 0;
}

/* ---- signals ---- */

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

static pid_t vigil;
static const char *denied;

/* vigil must still answer: a denied open gets EACCES, within seconds. */
static void
probe (const char *after)
{
  char what[128];
  alarm (10);
  snprintf (what, sizeof what, "probe_after_%s", after);
  say (what, try_open (denied));
  alarm (0);
}

/* An attack's result; if it went through, vigil is let go again. */
static void
attack (const char *what, long r)
{
  int e = r < 0 ? errno : 0;
  say (what, e);
  if (e == 0)
    kill (vigil, SIGCONT);
  probe (what);
}

/* A thread of vigil other than its main one.  /proc/<vigil>/task cannot
 * be listed (vigil is not dumpable), but a thread's own status can be
 * read: its tid is near vigil's pid. */
static pid_t
other_thread (pid_t pid)
{
  char path[64], buf[4096];
  for (pid_t t = pid + 1; t < pid + 2000; t++)
    {
      snprintf (path, sizeof path, "/proc/%d/status", (int) t);
      int fd = open (path, O_RDONLY);
      if (fd < 0)
        continue;
      ssize_t n = read (fd, buf, sizeof buf - 1);
      close (fd);
      buf[n > 0 ? n : 0] = '\0';
      const char *tg = strstr (buf, "\nTgid:");
      if (tg && atoi (tg + 7) == pid)
        return t;
    }
  return 0;
}

/* The workload's signals to its own processes still work. */
static void
own_children (void)
{
  int st;
  pid_t c = fork ();
  if (c == 0)
    {
      pause ();
      _exit (0);
    }
  say ("child_kill", kill (c, SIGKILL) < 0 ? errno : 0);
  waitpid (c, &st, 0);
  say ("child_killed", WIFSIGNALED (st) && WTERMSIG (st) == SIGKILL ? 0 : ECHILD);
  c = fork ();
  if (c == 0)
    {
      pause ();
      _exit (0);
    }
  int fd = (int) syscall (SYS_pidfd_open, c, 0);
  say ("child_pidfd_kill", fd < 0 || syscall (SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0) < 0 ? errno : 0);
  waitpid (c, &st, 0);
  say ("child_pidfd_killed", WIFSIGNALED (st) && WTERMSIG (st) == SIGKILL ? 0 : ECHILD);
  c = fork ();
  if (c == 0)
    {
      /* In a group of its own, kill(0) reaches only itself. */
      setpgid (0, 0);
      kill (0, SIGKILL);
      _exit (0);
    }
  waitpid (c, &st, 0);
  say ("own_group_kill0", WIFSIGNALED (st) && WTERMSIG (st) == SIGKILL ? 0 : ECHILD);
}

static int
signals (const char *path, bool all)
{
  siginfo_t info;
  denied = path;
  vigil = getppid ();
  pid_t pg = getpgid (vigil), t = other_thread (vigil);
  printf ("vigil %d pgid %d thread %d self_pgid %d\n", (int) vigil, (int) pg, (int) t, (int) getpgrp ());
  memset (&info, 0, sizeof info);
  info.si_code = SI_QUEUE;
  info.si_pid = getpid ();
  info.si_uid = getuid ();
  probe ("start");
  attack ("kill_stop", kill (vigil, SIGSTOP));
  attack ("kill_segv", kill (vigil, SIGSEGV));
  attack ("tgkill_stop", syscall (SYS_tgkill, vigil, vigil, SIGSTOP));
  attack ("tkill_stop", syscall (SYS_tkill, vigil, SIGSTOP));
  attack ("tgkill_thread_stop", t ? syscall (SYS_tgkill, vigil, t, SIGSTOP) : -1);
  attack ("tkill_thread_stop", t ? syscall (SYS_tkill, t, SIGSTOP) : -1);
  attack ("rt_sigqueueinfo_stop", syscall (SYS_rt_sigqueueinfo, vigil, SIGSTOP, &info));
  attack ("rt_tgsigqueueinfo_stop", syscall (SYS_rt_tgsigqueueinfo, vigil, vigil, SIGSTOP, &info));
  long fd = syscall (SYS_pidfd_open, vigil, 0);
  attack ("pidfd_open", fd);
  if (fd >= 0)
    attack ("pidfd_stop", syscall (SYS_pidfd_send_signal, fd, SIGSTOP, NULL, 0));
  fd = t ? syscall (SYS_pidfd_open, t, PIDFD_THREAD) : -1;
  attack ("pidfd_open_thread", fd);
  if (fd >= 0)
    attack ("pidfd_thread_stop", syscall (SYS_pidfd_send_signal, fd, SIGSTOP, NULL, 0));
  char proc[64];
  snprintf (proc, sizeof proc, "/proc/%d", (int) vigil);
  fd = open (proc, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  say ("open_proc_dir", fd < 0 ? errno : 0);
  if (fd >= 0)
    attack ("procfd_stop", syscall (SYS_pidfd_send_signal, fd, SIGSTOP, NULL, 0));
  int p[2];
  if (pipe (p) == 0)
    say ("fcntl_setsig_kill", fcntl (p[0], F_SETSIG, SIGKILL) < 0 ? errno : 0);
  pid_t c = fork ();
  if (c == 0)
    {
      /* Out of vigil's group, and back in to reach it with kill(0). */
      setpgid (0, 0);
      say ("setpgid_into_vigil_group", setpgid (0, pg) < 0 ? errno : 0);
      _exit (0);
    }
  waitpid (c, NULL, 0);
  own_children ();
  /* In vigil's group (no tty), kill(0) and kill(-group) would stop this
   * helper too: nothing could let vigil go again, so timeout decides. */
  if (getpgrp () == pg)
    attack ("kill0_stop", kill (0, SIGSTOP));
  attack ("killpg_stop", kill (-pg, SIGSTOP));
  if (all)
    {
      long r = kill (-1, SIGSTOP);
      if (r == 0)
        kill (-1, SIGCONT);
      attack ("killall_stop", r);
      attack ("killall_kill", kill (-1, SIGKILL));
    }
  attack ("kill_kill", kill (vigil, SIGKILL));
  say ("done", 0);
  return 0;
}

int
main (int argc, char **argv)
{
  if (argc == 4 && strcmp (argv[1], "scm_leak") == 0)
    return scm_leak (atoi (argv[2]), argv[3]);
  if (argc == 4 && strcmp (argv[1], "fifo_orphans") == 0)
    return fifo_orphans (argv[2], atoi (argv[3]));
  if ((argc == 3 || argc == 4) && strcmp (argv[1], "signals") == 0)
    return signals (argv[2], argc == 4 && strcmp (argv[3], "all") == 0);
  if (argc == 3 && strcmp (argv[1], "thread_open") == 0)
    return thread_open (argv[2]);
  if (argc == 3 && strcmp (argv[1], "reuid_open") == 0)
    return reuid_open (argv[2]);
  if (argc == 6 && strcmp (argv[1], "fifo_flood") == 0)
    {
      if (flood (argv[2], atoi (argv[3])) < 0)
        return 1;
      say ("open_ok", try_open (argv[4]));
      say ("open_kill", try_open (argv[5]));
      say ("alive", 0);
      return 0;
    }
  if (argc == 5 && strcmp (argv[1], "fifo_flood_exec") == 0)
    {
      if (flood (argv[2], atoi (argv[3])) < 0)
        return 1;
      say ("open_ok", try_open ("/etc/hostname"));
      execl (argv[4], argv[4], (char *) NULL);
      say ("exec", errno);
      say ("alive", 0);
      return 0;
    }
  fprintf (stderr, "usage: see the comment at the top\n");
  return 2;
}
