/* vigil: keeping the workload's signals away from vigil (signal_guard.h). */
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vigil/emulate_net.h"
#include "vigil/emulate_open.h"
#include "vigil/procinfo.h"
#include "vigil/signal_guard.h"
#include "vigil/target_creds.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL /* Linux 6.9 */
#endif

/* Signals that act on vigil at once: those it does not block. */
static const int dangerous[] = { SIGKILL, SIGSTOP, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGABRT };

static bool
is_dangerous (int sig)
{
  for (size_t i = 0; i < ARRAY_SIZE (dangerous); i++)
    if (sig == dangerous[i])
      return true;
  return false;
}

void
signal_guard_init (struct signal_guard *g, bool shares_pgrp)
{
  g->pid = getpid ();
  g->pgid = getpgrp ();
  g->active = g->pid != 1; /* PID 1 gets no SIGKILL/SIGSTOP from its namespace */
  g->shares_pgrp = shares_pgrp;
}

/* ---- the filter's prefix ---- */

enum label { L_END, L_DENY, L_NOTIFY, L_KILL, L_TKILL, L_FIRST, L_PIDFD_OPEN, L_FCNTL, L_SETPGID, L_A1_DENY,
             L_A1_NOTIFY, L_COUNT, L_NEXT = -1 };

#define GUARD_MAX 128

/* A small assembler: jumps name labels, resolved once all is emitted. */
struct guard_prog {
  struct sock_filter f[GUARD_MAX];
  int jt[GUARD_MAX], jf[GUARD_MAX];
  int at[L_COUNT];
  size_t n;
};

static void
emit (struct guard_prog *p, uint16_t code, uint32_t k, int jt, int jf)
{
  if (p->n >= GUARD_MAX)
    abort (); /* the guard is a fixed program far below this */
  p->f[p->n] = (struct sock_filter) { code, 0, 0, k };
  p->jt[p->n] = jt;
  p->jf[p->n] = jf;
  p->n++;
}

static void
load (struct guard_prog *p, uint32_t offset)
{
  emit (p, BPF_LD | BPF_W | BPF_ABS, offset, L_NEXT, L_NEXT);
}

/* The low 32 bits of argument i: the kernel reads a pid or a signal as
 * a C int, so the upper bits are the workload's to set and ignored. */
static void
load_arg (struct guard_prog *p, unsigned i)
{
  load (p, (uint32_t) (offsetof (struct seccomp_data, args) + 8 * i));
}

static void
jump_if (struct guard_prog *p, uint32_t value, int target)
{
  emit (p, BPF_JMP | BPF_JEQ | BPF_K, value, target, L_NEXT);
}

static void
jump (struct guard_prog *p, int target)
{
  emit (p, BPF_JMP | BPF_JA, 0, target, L_NEXT);
}

static void
jump_if_dangerous (struct guard_prog *p, int target)
{
  for (size_t i = 0; i < ARRAY_SIZE (dangerous); i++)
    jump_if (p, (uint32_t) dangerous[i], target);
  jump (p, L_END);
}

static void
jump_on_syscall (struct guard_prog *p, const char *name, int target)
{
  int nr = seccomp_syscall_resolve_name (name);
  if (nr >= 0)
    jump_if (p, (uint32_t) nr, target);
}

static void
emit_checks (struct guard_prog *p, const struct signal_guard *g)
{
  uint32_t vigil = (uint32_t) g->pid;

  p->at[L_KILL] = (int) p->n;
  load_arg (p, 0);
  jump_if (p, vigil, L_DENY);
  jump_if (p, (uint32_t) -1, L_A1_DENY);
  jump_if (p, (uint32_t) -g->pgid, L_A1_DENY);
  if (g->shares_pgrp)
    jump_if (p, 0, L_A1_NOTIFY);
  jump (p, L_END);
  p->at[L_TKILL] = (int) p->n;
  load_arg (p, 0);
  jump_if (p, vigil, L_DENY);
  jump (p, L_A1_NOTIFY);
  p->at[L_FIRST] = (int) p->n;
  load_arg (p, 0);
  jump_if (p, vigil, L_DENY);
  jump (p, L_END);
  p->at[L_PIDFD_OPEN] = (int) p->n;
  load_arg (p, 0);
  jump_if (p, vigil, L_DENY);
  load_arg (p, 1);
  emit (p, BPF_JMP | BPF_JSET | BPF_K, PIDFD_THREAD, L_NOTIFY, L_END);
  p->at[L_FCNTL] = (int) p->n;
  load_arg (p, 1);
  emit (p, BPF_JMP | BPF_JEQ | BPF_K, F_SETSIG, L_NEXT, L_END);
  load_arg (p, 2);
  jump_if_dangerous (p, L_DENY);
  p->at[L_SETPGID] = (int) p->n;
  load_arg (p, 1);
  jump_if (p, (uint32_t) g->pgid, L_DENY);
  jump (p, L_END);
  p->at[L_A1_DENY] = (int) p->n;
  load_arg (p, 1);
  jump_if_dangerous (p, L_DENY);
  p->at[L_A1_NOTIFY] = (int) p->n;
  load_arg (p, 1);
  jump_if_dangerous (p, L_NOTIFY);
}

static void
emit_guard (struct guard_prog *p, const struct signal_guard *g)
{
  load (p, offsetof (struct seccomp_data, arch));
  emit (p, BPF_JMP | BPF_JEQ | BPF_K, seccomp_arch_native (), L_NEXT, L_END);
  load (p, offsetof (struct seccomp_data, nr));
  jump_on_syscall (p, "kill", L_KILL);
  jump_on_syscall (p, "tkill", L_TKILL);
  jump_on_syscall (p, "tgkill", L_FIRST);
  jump_on_syscall (p, "rt_sigqueueinfo", L_FIRST);
  jump_on_syscall (p, "rt_tgsigqueueinfo", L_FIRST);
  jump_on_syscall (p, "pidfd_open", L_PIDFD_OPEN);
  jump_on_syscall (p, "pidfd_send_signal", L_A1_NOTIFY);
  jump_on_syscall (p, "fcntl", L_FCNTL);
  jump_on_syscall (p, "setpgid", L_SETPGID);
  jump (p, L_END);
  emit_checks (p, g);
  p->at[L_DENY] = (int) p->n;
  emit (p, BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA), L_NEXT, L_NEXT);
  p->at[L_NOTIFY] = (int) p->n;
  emit (p, BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF, L_NEXT, L_NEXT);
  p->at[L_END] = (int) p->n; /* libseccomp's program starts here */
}

/* Offsets from the instruction after each jump to its label. */
static void
resolve (struct guard_prog *p)
{
  for (size_t i = 0; i < p->n; i++)
    {
      struct sock_filter *f = &p->f[i];
      if (BPF_CLASS (f->code) != BPF_JMP)
        continue;
      if (BPF_OP (f->code) == BPF_JA)
        f->k = (uint32_t) (p->at[p->jt[i]] - (int) i - 1);
      else
        {
          f->jt = p->jt[i] == L_NEXT ? 0 : (uint8_t) (p->at[p->jt[i]] - (int) i - 1);
          f->jf = p->jf[i] == L_NEXT ? 0 : (uint8_t) (p->at[p->jf[i]] - (int) i - 1);
        }
    }
}

int
signal_guard_prepend (const struct signal_guard *g, struct seccomp_program *p, vigil_error_t *err)
{
  struct guard_prog gp = { .n = 0 };

  if (!g->active)
    return 0;
  emit_guard (&gp, g);
  resolve (&gp);
  size_t total = gp.n + p->prog.len;
  if (total > BPF_MAXINSNS)
    return vigil_make_error (err, 0, "seccomp: the filter and its signal guard exceed %d instructions", BPF_MAXINSNS);
  struct sock_filter *f = xmalloc (total * sizeof *f);
  memcpy (f, gp.f, gp.n * sizeof *f);
  memcpy (f + gp.n, p->prog.filter, p->prog.len * sizeof *f);
  free (p->prog.filter);
  p->prog.filter = f;
  p->prog.len = (unsigned short) total;
  return 0;
}

/* ---- what the filter notifies ---- */

static bool
is_vigil_thread (const struct signal_guard *g, pid_t tid)
{
  char task[64];

  if (tid == g->pid)
    return true;
  if (tid <= 0)
    return false;
  snprintf (task, sizeof task, "/proc/self/task/%d", (int) tid);
  return access (task, F_OK) == 0;
}

enum signal_verdict
signal_guard_check (const struct signal_guard *g, const struct seccomp_notif *req)
{
  const __u64 *a = req->data.args;
  int nr = req->data.nr;

  if (!g->active || req->data.arch != seccomp_arch_native ())
    return SIGNAL_NOT_GUARDED;
  if (nr == SYS_kill && (int) a[0] == 0 && is_dangerous ((int) a[1]) && g->shares_pgrp)
    /* Leaving vigil's group is the caller's own act, and coming back is
     * denied in the filter: what getpgid says holds when the kill runs. */
    return getpgid ((pid_t) req->pid) == g->pgid ? SIGNAL_DENY : SIGNAL_ALLOW;
  if (nr == SYS_tkill && is_dangerous ((int) a[1]))
    return is_vigil_thread (g, (pid_t) a[0]) ? SIGNAL_DENY : SIGNAL_ALLOW;
  if (nr == SYS_pidfd_open && (a[1] & PIDFD_THREAD))
    return is_vigil_thread (g, (pid_t) a[0]) ? SIGNAL_DENY : SIGNAL_ALLOW;
  if (nr == SYS_pidfd_send_signal && is_dangerous ((int) a[1]))
    return SIGNAL_PERFORM;
  return SIGNAL_NOT_GUARDED;
}

/* Which process (or thread) vigil's copy of a pidfd_send_signal fd names:
 * a pidfd says so in its fdinfo; a /proc/<pid> directory in its name.
 * 0 when it names none (the kernel will refuse it with EBADF). */
static pid_t
fd_target (int fd)
{
  char path[64], buf[4096];
  struct stat st;

  if (fstat (fd, &st) < 0)
    return 0;
  if (S_ISDIR (st.st_mode))
    {
      snprintf (path, sizeof path, "/proc/self/fd/%d", fd);
      ssize_t n = readlink (path, buf, sizeof buf - 1);
      if (n <= 0)
        return 0;
      buf[n] = '\0';
      const char *last = strrchr (buf, '/');
      return last ? (pid_t) atoi (last + 1) : 0;
    }
  snprintf (path, sizeof path, "/proc/self/fdinfo/%d", fd);
  int info = open (path, O_RDONLY | O_CLOEXEC);
  ssize_t n = info >= 0 ? read (info, buf, sizeof buf - 1) : -1;
  if (info >= 0)
    close (info);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  const char *pid = strstr (buf, "\nPid:");
  return pid ? (pid_t) atoi (pid + 5) : 0;
}

/* The notifier's fd, as vigil's own copy: >= 0, or -errno to answer. */
static int
fetch_fd (const struct seccomp_notif *req, int listener, int fd)
{
  int mine = target_thread_fetch_fd (req, listener, fd);
  if (mine == -EBADF)
    return -EBADF;
  return mine < 0 ? -EPERM : mine; /* not inspectable: fail closed */
}

struct signal_job {
  int listener;
  uint64_t id;
  int fd;
  int sig;
  bool has_info;
  siginfo_t info;
  unsigned flags;
  bool as_target;
  struct target_creds creds;
};

static void *
signal_job_run (void *arg)
{
  struct signal_job *j = arg;
  vigil_error_t err = NULL;

  if (j->as_target && target_creds_become (&j->creds, &err) < 0)
    {
      vigil_error_release (&err);
      seccomp_notif_fail (j->listener, j->id, EPERM);
    }
  else if (syscall (SYS_pidfd_send_signal, j->fd, j->sig, j->has_info ? &j->info : NULL, j->flags) == 0)
    seccomp_notif_return (j->listener, j->id, 0);
  else
    seccomp_notif_fail (j->listener, j->id, errno);
  close (j->fd);
  target_creds_release (&j->creds);
  free (j);
  return NULL;
}

/* Everything the signal needs, read while the notification is pending:
 * 0, or the errno to answer. */
static int
signal_job_prepare (const struct signal_guard *g, int listener, const struct seccomp_notif *req,
                    struct signal_job *j)
{
  const __u64 *a = req->data.args;
  vigil_error_t err = NULL;

  j->fd = fetch_fd (req, listener, (int) a[0]);
  if (j->fd < 0)
    return -j->fd;
  if (is_vigil_thread (g, fd_target (j->fd)))
    return EPERM;
  j->has_info = a[2] != 0;
  if (j->has_info && target_read ((pid_t) req->pid, a[2], &j->info, sizeof j->info) < 0)
    return -target_read_errno ();
  if (j->as_target && target_creds_read ((pid_t) req->pid, 0, &j->creds, &err) < 0)
    {
      vigil_error_release (&err);
      return EPERM;
    }
  return seccomp_notif_valid (listener, req->id) ? 0 : ESRCH;
}

void
signal_guard_perform (const struct signal_guard *g, int listener, const struct seccomp_notif *req, bool as_target)
{
  struct signal_job *j = xcalloc (1, sizeof *j);

  j->listener = listener;
  j->id = req->id;
  j->sig = (int) req->data.args[1];
  j->flags = (unsigned) req->data.args[3];
  j->as_target = as_target;
  int e = signal_job_prepare (g, listener, req, j);
  if (e == 0 && !as_target)
    {
      signal_job_run (j); /* vigil's credentials are the workload's: no thread needed */
      return;
    }
  if (e == 0)
    e = emulate_job_start (signal_job_run, j, EMULATE_STACK, listener, req->id, 0);
  if (e == 0)
    return;
  if (e != ESRCH)
    seccomp_notif_fail (listener, req->id, e);
  if (j->fd >= 0)
    close (j->fd);
  target_creds_release (&j->creds);
  free (j);
}
