/* vigil: exec verification (see exec_verify.h for the sequence).
 *
 * How a failed exec is noticed.  A seized thread whose execve succeeds
 * stops at PTRACE_EVENT_EXEC inside the syscall; one whose execve fails
 * returns to user mode with nothing to stop it, still seized.  So right
 * after continuing the notification vigil sends PTRACE_INTERRUPT: the
 * trap it schedules is only taken on the way back to user mode, and any
 * ptrace stop clears it, so
 *   - a successful exec stops once, at the exec event (the pending trap is
 *     cleared by that stop, and by the detach if it came later);
 *   - a failed exec stops once, at the trap, just before the thread runs
 *     user code again; vigil detaches it there.
 * (The notification was already answered when the interrupt is sent, so it
 * cannot cut the notification's wait short.)
 *
 * Signal-delivery-stops and group-stops are also taken only on the way
 * back to user mode, never inside execve: when one is reported for a held
 * thread, no exec event can follow, and vigil detaches, re-injecting the
 * signal (PTRACE_DETACH's data) or leaving the group-stop in place (a
 * thread detached in a group-stop stays stopped, as job control wants).
 * Staying attached with PTRACE_LISTEN would only be needed if an exec
 * event could still come.
 *
 * A thread that execs while another thread of its process is held: the
 * exec'ing thread takes the process's pid (the exec event is reported under
 * it; PTRACE_GETEVENTMSG gives its former tid), and a held former leader
 * is released by the kernel without an exit report, so it is forgotten
 * there. */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vigil/exec_program.h"
#include "vigil/exec_verify.h"
#include "vigil/object_ids.h"
#include "vigil/procinfo.h"
#include "vigil/source_seccomp.h"
#include "vigil/target_kill.h"

/* A thread seized at its exec notification. */
struct held {
  pid_t tid;   /* as notified (a non-leader's tid changes at the exec) */
  int evttype; /* execve or execveat: the event is described again */
  bool stale;  /* the notification was gone when continued: the thread seized
                  may not be the notifier (a reused tid); only let it go */
  /* A dynamic loader followed from syscall stop to syscall stop until
   * it opens its program (see follow_loader). */
  bool loading;
  unsigned stops;
  long nr; /* the syscall at the last entry stop */
};

/* glibc's ptrace is variadic and reads addr and data as pointers. */
static long
ptrace_req (enum __ptrace_request req, pid_t tid, unsigned long data)
{
  return ptrace (req, tid, NULL, (void *) data);
}

struct exec_verify {
  struct exec_verify_opts o;
  const struct ruleset *rs;
  struct evttype_set covered; /* execve, execveat: those a deny/kill rule watches */
  struct eval_state *st;
  struct match_set m;
  struct arena arena;
  struct procinfo *pi; /* for the internal alert */
  struct held *held;
  size_t nheld, cap;
  uint64_t nevents;
  struct object_ids *programs; /* the files proc.exepath literals name, or NULL */
  struct match_set other;      /* exec_program_evaluate's scratch */
};

/* The files deny/kill rules on proc.exepath name, known by identity: a
 * hard link runs the same file (exec_program.h).  Without inotify, by
 * name only. */
static struct object_ids *
track_programs (const struct ruleset *rs)
{
  static const char *const fields[] = { "proc.exepath", NULL };
  const char **paths;
  vigil_error_t err = NULL;

  size_t n = object_ids_collect (rs, fields, &paths, NULL);
  struct object_ids *ids = object_ids_new (paths, n, &err);
  vigil_error_release (&err);
  free (paths);
  return ids;
}

struct exec_verify *
exec_verify_new (const struct exec_verify_opts *o)
{
  const struct ruleset *rs = o->engine->rs;
  struct evttype_set covered = { { 0 } };
  bool any = false;

  if (o->engine->cfg.mode == MODE_MONITOR)
    return NULL;
  for (int i = 0; i < 2; i++)
    {
      int id = evttype_lookup (i == 0 ? "execve" : "execveat");
      if (id >= 0 && rs->need[id].enforce)
        {
          evttype_set_add (&covered, id);
          any = true;
        }
    }
  if (!any)
    return NULL;
  struct exec_verify *v = xcalloc (1, sizeof *v);
  v->o = *o;
  v->rs = rs;
  v->covered = covered;
  v->st = eval_state_new (rs);
  v->pi = xmalloc (sizeof *v->pi);
  v->programs = track_programs (rs);
  return v;
}

void
exec_verify_free (struct exec_verify *v)
{
  if (v == NULL)
    return;
  eval_state_free (v->st);
  match_set_free (&v->m);
  match_set_free (&v->other);
  object_ids_free (v->programs);
  arena_free (&v->arena);
  free (v->pi);
  free (v->held);
  free (v);
}

/* ---- the threads held ---- */

static struct held *
find_held (struct exec_verify *v, pid_t tid)
{
  for (size_t i = 0; i < v->nheld; i++)
    if (v->held[i].tid == tid)
      return &v->held[i];
  return NULL;
}

static struct held *
add_held (struct exec_verify *v, pid_t tid)
{
  if (v->nheld == v->cap)
    {
      v->cap = v->cap ? 2 * v->cap : 16;
      v->held = xrealloc (v->held, v->cap * sizeof *v->held);
    }
  struct held *h = &v->held[v->nheld++];
  memset (h, 0, sizeof *h);
  h->tid = tid;
  return h;
}

static void
forget (struct exec_verify *v, pid_t tid)
{
  struct held *h = find_held (v, tid);
  if (h)
    *h = v->held[--v->nheld];
}

/* ---- at the notification ---- */

static uint64_t
now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_REALTIME, &ts);
  return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}

/* The exec was failed because its thread could not be seized: say why. */
static void
alert_not_seized (struct exec_verify *v, pid_t tid, int e)
{
  char pid[32], tids[32], msg[512];
  const char *comm = "<NA>";

  snprintf (pid, sizeof pid, "<NA>");
  if (procinfo_read (-1, tid, PI_STATUS | PI_STAT, v->pi) == 0)
    {
      comm = v->pi->comm;
      snprintf (pid, sizeof pid, "%d", (int) v->pi->tgid);
    }
  snprintf (tids, sizeof tids, "%d", (int) tid);
  snprintf (msg, sizeof msg,
            "vigil internal: exec not verifiable: the process cannot be traced to check the program it runs (%s), "
            "its exec is denied | process=%s pid=%s tid=%s",
            strerror (e), comm, pid, tids);
  const char *kv[] = { "proc.name", comm, "proc.pid", pid, "thread.tid", tids, "reason", strerror (e), NULL };
  v->o.emit (alert_internal ("vigil internal: exec not verifiable", PRIO_WARNING, now_ns (), v->o.hostname, msg, kv),
             v->o.emit_ctx);
}

bool
exec_verify_answer (struct exec_verify *v, int listener, const struct seccomp_notif *req, int evttype,
                    enum action action, bool *landed)
{
  if (v == NULL || action != ACTION_LOG || evttype < 0 || !evttype_set_has (&v->covered, evttype))
    return false;
  pid_t tid = (pid_t) req->pid;
  struct held *h = find_held (v, tid);

  /* Held already: an earlier exec of this thread failed and its stop is
   * still to come.  It stays seized with the same options; the stop that
   * comes first (this exec's event, or the trap) settles both. */
  if (h == NULL)
    {
      if (ptrace_req (PTRACE_SEIZE, tid, PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL) < 0)
        {
          int e = errno;
          *landed = seccomp_notif_fail (listener, req->id, EPERM) == 0;
          if (e != ESRCH) /* ESRCH: the thread is gone already */
            alert_not_seized (v, tid, e);
          return true;
        }
      h = add_held (v, tid);
    }
  h->evttype = evttype;
  /* Continued while seized, so the exec cannot finish unseen.  If the
   * notification is gone (the notifier died), the tid seized may already
   * name another thread: it is let go at its first stop, unjudged. */
  h->stale = seccomp_notif_continue (listener, req->id) < 0;
  *landed = !h->stale;
  ptrace_req (PTRACE_INTERRUPT, tid, 0);
  return true;
}

/* ---- at the exec stop ---- */

/* Output fields are read before the kill: a dead process has no /proc. */
static void
prefetch_outputs (struct exec_verify *v, struct event *ev)
{
  struct value val;

  for (size_t i = 0; i < v->m.n; i++)
    {
      size_t nf;
      struct field_ref **refs = output_format_fields (v->m.v[i].rule->fmt, &nf);
      for (size_t k = 0; k < nf; k++)
        eval_field (v->st, ev, refs[k], &val);
    }
}

/* Alerts of the deny and kill rules that matched the program that runs
 * (log rules spoke at the notification already). */
static void
emit_alerts (struct exec_verify *v, struct event *ev, bool killed)
{
  const struct vigil_config *cfg = &v->o.engine->cfg;
  const char *action = engine_action_text (killed ? ACTION_KILL : ACTION_DENY, cfg->mode);

  for (size_t i = 0; i < v->m.n; i++)
    {
      if (v->m.v[i].rule->action == ACTION_LOG)
        continue;
      v->o.emit (alert_build (v->m.v[i].rule, v->st, ev, action), v->o.emit_ctx);
      if (v->m.v[i].unknown)
        v->o.emit (engine_alert_unknown (&v->m.v[i], action, ev->ts, ev->hostname), v->o.emit_ctx);
      if (cfg->rule_matching == RULE_MATCHING_FIRST)
        break;
    }
}

/* The thread is held in its exec stop, so its pid cannot be recycled
 * (target_kill needs no notification to check), and it dies without
 * running an instruction of the new program. */
static int
kill_held (pid_t pid)
{
  return target_kill (pid, -1, 0);
}

/* A matched deny/kill at the exec stop: the alerts say what happened.
 * Not killed, the thread stays stopped before its first instruction and
 * dies with vigil (PTRACE_O_EXITKILL). */
static void
kill_and_report (struct exec_verify *v, struct event *ev, pid_t pid)
{
  prefetch_outputs (v, ev);
  int k = kill_held (pid);
  emit_alerts (v, ev, k == 0 || k == -ESRCH);
  if (k < 0 && k != -ESRCH)
    v->o.emit (target_kill_failed_alert (v->m.enforcing->name, pid, -k, ev->ts, v->o.hostname), v->o.emit_ctx);
}

/* The new program of process pid, as /proc shows it: an entry holding the
 * old program (or one inherited from the parent) is marked, so that the
 * lookup re-reads it, and an unknown process is read once, whole. */
static void
refresh_process (struct exec_verify *v, pid_t pid)
{
  struct proc_entry *e;
  proctable_note_exec (v->o.src->procs, pid);
  proctable_lookup_leader (v->o.src->procs, pid, &e);
}

/* ---- a loader, until it opens its program ----
 *
 * The program a loader runs was named in its argv, checked at the exec
 * stop; but the loader opens it by that name later, and the workload can
 * rename another file into the name meanwhile.  So a loader is followed
 * with PTRACE_SYSCALL: the first program file (not a library, see
 * exec_program_file_is_program) it opens is judged as the exec, on the
 * very fd the loader got, and the loader is let go (or killed) there.
 * Signals are delivered on the way; a loader that makes more syscalls
 * than any loader needs before its program is killed: vigil stops
 * following only at a decision. */
#define LOADER_STOPS_MAX 4096

static bool
follow_loader_start (struct exec_verify *v, pid_t pid, int evttype)
{
  if (ptrace_req (PTRACE_SETOPTIONS, pid, PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL | PTRACE_O_TRACESYSGOOD) < 0
      || ptrace_req (PTRACE_SYSCALL, pid, 0) < 0)
    {
      kill_held (pid); /* it cannot be followed: it does not run unjudged */
      return true;
    }
  struct held *h = add_held (v, pid);
  h->evttype = evttype;
  h->loading = true;
  h->nr = -1;
  return true;
}

/* A loader made more syscalls than loaders make before their program. */
static void
alert_loader_killed (struct exec_verify *v, pid_t pid)
{
  char pids[32], msg[256];

  snprintf (pids, sizeof pids, "%d", (int) pid);
  snprintf (msg, sizeof msg,
            "vigil internal: a dynamic loader made %d syscalls without opening a program: killed | pid=%s",
            LOADER_STOPS_MAX, pids);
  const char *kv[] = { "proc.pid", pids, NULL };
  v->o.emit (alert_internal ("vigil internal: loader killed", PRIO_WARNING, now_ns (), v->o.hostname, msg, kv),
             v->o.emit_ctx);
}

static bool
is_open_syscall (long nr)
{
  return nr == SYS_open || nr == SYS_openat || nr == SYS_openat2;
}

/* The loader pid opened fd: is it its program, and may it run?  Returns
 * false when it is no program (a library, the cache): follow on. */
static bool
judge_loaded (struct exec_verify *v, struct held *h, pid_t pid, long fdnum)
{
  char link[64];
  snprintf (link, sizeof link, "/proc/%d/fd/%ld", (int) pid, fdnum);
  int fd = open (link, O_PATH | O_CLOEXEC);
  if (fd >= 0 && !exec_program_file_is_program (fd))
    {
      close (fd);
      return false;
    }
  int evttype = h->evttype;
  forget (v, pid);
  arena_reset (&v->arena);
  struct seccomp_notif req = { .pid = (__u32) pid };
  struct live_event ev;
  live_event_init_held (&ev, v->o.src, &req, evttype, ++v->nevents, v->o.hostname, &v->arena);
  eval_state_reset (v->st);
  rules_evaluate (v->rs, v->st, &ev.base, &v->m);
  exec_program_evaluate_file (v->programs, v->rs, v->st, &ev, fd, &v->m, &v->other);
  if (fd >= 0)
    close (fd);
  if (v->m.action == ACTION_LOG)
    {
      ptrace_req (PTRACE_DETACH, pid, 0);
      return true;
    }
  kill_and_report (v, &ev.base, pid);
  return true;
}

/* A stop of a loader being followed. */
static void
follow_loader (struct exec_verify *v, struct held *h, pid_t pid, int status)
{
  int sig = WSTOPSIG (status), event = status >> 16;

  if (++h->stops > LOADER_STOPS_MAX)
    {
      forget (v, pid);
      kill_held (pid);
      alert_loader_killed (v, pid);
      return;
    }
  if (sig == (SIGTRAP | 0x80))
    {
      struct __ptrace_syscall_info info;
      if (ptrace (PTRACE_GET_SYSCALL_INFO, pid, (void *) sizeof info, &info) > 0)
        {
          if (info.op == PTRACE_SYSCALL_INFO_ENTRY)
            h->nr = info.arch == AUDIT_ARCH_X86_64 ? (long) info.entry.nr : -1;
          else if (info.op == PTRACE_SYSCALL_INFO_EXIT && is_open_syscall (h->nr) && !info.exit.is_error
                   && judge_loaded (v, h, pid, (long) info.exit.rval))
            return;
        }
      ptrace_req (PTRACE_SYSCALL, pid, 0);
      return;
    }
  /* A group-stop or an interrupt (event stops) resumes; a signal is
   * delivered. */
  ptrace_req (PTRACE_SYSCALL, pid, event == 0 ? (unsigned long) sig : 0);
}

static void
at_exec (struct exec_verify *v, pid_t pid)
{
  unsigned long former = (unsigned long) pid;

  ptrace (PTRACE_GETEVENTMSG, pid, NULL, &former);
  struct held *h = find_held (v, (pid_t) former);
  /* A thread not seized here would still be checked, as an execve. */
  int evttype = h ? h->evttype : evttype_lookup ("execve");
  bool stale = h && h->stale;
  if (h)
    forget (v, (pid_t) former);
  if ((pid_t) former != pid)
    forget (v, pid); /* the former leader, released without an exit report */
  if (stale)
    {
      ptrace_req (PTRACE_DETACH, pid, 0);
      return;
    }

  refresh_process (v, pid);
  arena_reset (&v->arena);
  struct seccomp_notif req = { .pid = (__u32) pid };
  struct live_event ev;
  live_event_init_held (&ev, v->o.src, &req, evttype, ++v->nevents, v->o.hostname, &v->arena);
  eval_state_reset (v->st);
  rules_evaluate (v->rs, v->st, &ev.base, &v->m);
  bool loads = exec_program_evaluate (v->programs, v->rs, v->st, &ev, pid, &v->m, &v->other);
  if (v->m.action == ACTION_LOG)
    {
      if (!loads || !follow_loader_start (v, pid, evttype))
        ptrace_req (PTRACE_DETACH, pid, 0);
      return;
    }
  kill_and_report (v, &ev.base, pid);
}

bool
exec_verify_wait_status (struct exec_verify *v, pid_t pid, int status)
{
  if (!WIFSTOPPED (status))
    {
      if (v)
        forget (v, pid);
      return false;
    }
  if (v == NULL)
    return true; /* nothing is traced without a verifier; not an exit either */
  int event = status >> 16;
  if (event == PTRACE_EVENT_EXEC)
    {
      at_exec (v, pid);
      return true;
    }
  struct held *h = find_held (v, pid);
  if (h && h->loading)
    {
      follow_loader (v, h, pid, status);
      return true;
    }
  /* Any other stop is on the way back to user mode: the exec failed or
   * never ran.  A signal-delivery-stop (event 0) gets its signal back. */
  ptrace_req (PTRACE_DETACH, pid, event == 0 ? (unsigned long) WSTOPSIG (status) : 0);
  forget (v, pid);
  return true;
}
