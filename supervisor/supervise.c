/* vigil: the supervisor loop and the init duties.
 *
 *   start the workload  ->  loop { signal | notification }  ->  its exit status
 *
 * Every notification gets exactly one answer, and the kernel is answered
 * before anything is logged (fapolicyd's rule): alerts are built after the
 * answer and handed to the outputs, which deliver off this loop.
 *
 * Notifications are received by a thread of their own, blocked in
 * SECCOMP_IOCTL_NOTIF_RECV, unless exec verification holds threads with
 * ptrace: a tracee answers only to the thread that seized it, so then the
 * main loop polls the listener beside its signals.  Either way one lock
 * serializes everything that touches the supervisor's state. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <stddef.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <seccomp.h>

#include "vigil/decision_cache.h"
#include "vigil/emulate_accept.h"
#include "vigil/emulate_fd.h"
#include "vigil/emulate_net.h"
#include "vigil/net_addr.h"
#include "vigil/emulate_open.h"
#include "vigil/emulate_path.h"
#include "vigil/entry_watch.h"
#include "vigil/event_live.h"
#include "vigil/evttypes.h"
#include "vigil/exec_verify.h"
#include "vigil/failclosed.h"
#include "vigil/limits.h"
#include "vigil/mount_names.h"
#include "vigil/object_ids.h"
#include "vigil/protect.h"
#include "vigil/signal_guard.h"
#include "vigil/source_seccomp.h"
#include "vigil/supervise.h"
#include "vigil/target_kill.h"

/* Signals that are about the process that raised them, not requests to
 * pass on. */
static bool
signal_is_synchronous (int sig)
{
  return sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL || sig == SIGTRAP || sig == SIGSYS
         || sig == SIGABRT;
}

static bool
signal_is_forwarded (int sig, int reopen)
{
  return sig != SIGKILL && sig != SIGSTOP && sig != SIGCHLD && sig != reopen && !signal_is_synchronous (sig);
}

static int exit_status (int status);

struct supervisor {
  const struct supervise_opts *o;
  struct live_source *src;
  const struct ruleset *rs;
  struct eval_state *st;
  struct match_set m;
  struct arena arena;
  int listener;
  int sigfd;
  pid_t child;
  struct entry_watch entries;
  bool privileged; /* vigil holds capabilities: act with the target's credentials */
  bool emulating_opens;
  bool emulating_connects;
  bool emulating_paths;
  bool emulating_sends;
  bool emulating_fds;
  bool emulating_accepts;
  struct creds_saved self; /* vigil's credentials, when self_known */
  bool self_known;
  struct root_cache *roots;
  int root_change_nr[8]; /* root_change_syscalls, -1 ended */
  uint32_t native_arch;
  struct protect protect;
  struct failclosed *fc;
  struct exec_verify *verify; /* NULL: no deny/kill rule covers exec */
  bool child_exited;
  int child_status;
  int kill_error; /* the last answer's kill failed so: it denied instead */
  struct signal_guard guard;
  bool signal_perform; /* this notification, if allowed, goes through signal_guard_perform */
  pid_t kill_tid;
  uint64_t nevents;
  /* Per type whose deny/kill rules need its flags (enforce_flags): the
   * index of that argument, or -1 (see enforced). */
  int8_t flags_arg[EVTTYPE_MAX];
  bool receiving_thread; /* notifications are received off the main loop */
  struct evttype_set decided_without_memory; /* see find_decided_without_memory */
  struct decision_cache *decisions;          /* see decided_before */
  struct object_ids *objects; /* the files deny/kill rules name, or NULL */
  struct mount_table *mounts;  /* when they compare fd.name otherwise, or NULL */
  struct match_set other_names; /* object_names_evaluate's scratch */
  /* The same for the path arguments of emulated path syscalls. */
  struct object_ids *path_objects;
  struct mount_table *path_mounts;
};

/* Entries of the decision cache: a few hundred bytes each at most, so
 * its memory stays far below the supervisor's budget. */
#define DECISIONS_REMEMBERED 1024

/* The lock the receiving thread and the main loop take turns on.  Static,
 * because the receiving thread can outlive supervise_run: it sits in the
 * kernel until the next notification, and at shutdown the main thread
 * keeps the lock so that notification waits for vigil's exit, when the
 * kernel answers it (ENOSYS) as the listener closes. */
static pthread_mutex_t supervisor_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- starting the workload ----
 *
 * The listener fd must reach vigil although, once the filter is loaded,
 * any syscall of the child may be notified (sendmsg is, under the upstream
 * rules) and would wait for an answer nobody can give yet.  So the child
 * is cloned with CLONE_FILES: the listener appears in the fd table it
 * shares with vigil, at the lowest free number, which vigil computed
 * before the clone.  execve gives the workload a table of its own, and the
 * listener is close-on-exec there. */

/* In the child: only async-signal-safe calls (the parent may have threads). */
static void __attribute__ ((noreturn))
child_exec (const struct supervisor *s, const struct seccomp_program *prog, const sigset_t *oldmask)
{
  const struct supervise_opts *o = s->o;
  vigil_error_t err = NULL;
  const char *what = NULL;

  for (int sig = 1; sig < NSIG; sig++)
    signal (sig, SIG_DFL);
  sigprocmask (SIG_SETMASK, oldmask, NULL);
  if (isatty (STDIN_FILENO))
    {
      /* The workload gets its own process group in the foreground, as tini
       * does, so ^C and ^Z reach it and job control works. */
      setpgid (0, 0);
      signal (SIGTTOU, SIG_IGN);
      tcsetpgrp (STDIN_FILENO, getpgrp ());
      signal (SIGTTOU, SIG_DFL);
    }
  if (limits_restore_in_child () < 0)
    {
      dprintf (STDERR_FILENO, "vigil: cannot restore the workload's fd limit: %s\n", strerror (errno));
      _exit (125);
    }
  if (protect_apply_in_child (&s->protect, &what) < 0)
    {
      dprintf (STDERR_FILENO, "vigil: %s: %s\n", what, strerror (errno));
      _exit (125);
    }
  if (seccomp_program_install (prog, &err) < 0)
    {
      dprintf (STDERR_FILENO, "vigil: %s\n", err->msg);
      _exit (125);
    }
  execvp (o->argv[0], o->argv);
  int e = errno;
  dprintf (STDERR_FILENO, "vigil: cannot execute '%s': %s\n", o->argv[0], strerror (e));
  _exit (e == ENOENT ? 127 : 126);
}

/* The lowest fd number free now: where the kernel will put the listener. */
static int
lowest_free_fd (void)
{
  int fd = fcntl (STDIN_FILENO, F_DUPFD_CLOEXEC, 0);
  if (fd < 0)
    fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  if (fd >= 0)
    close (fd);
  return fd;
}

static bool
is_listener (int fd)
{
  char link[64], target[64];
  snprintf (link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink (link, target, sizeof target - 1);
  if (n <= 0)
    return false;
  target[n] = '\0';
  return strcmp (target, "anon_inode:seccomp notify") == 0;
}

static int
start_workload (struct supervisor *s, const struct seccomp_program *prog, const sigset_t *oldmask,
                vigil_error_t *err)
{
  int want = lowest_free_fd ();

  if (want < 0)
    return vigil_make_error (err, errno, "no free file descriptor");
  s->child = (pid_t) syscall (SYS_clone, CLONE_FILES | SIGCHLD, 0, NULL, NULL, 0);
  if (s->child < 0)
    return vigil_make_error (err, errno, "clone");
  if (s->child == 0)
    child_exec (s, prog, oldmask);

  /* Wait for the listener to appear, or for the child to fail first. */
  for (int i = 0;; i++)
    {
      if (is_listener (want))
        {
          s->listener = want;
          break;
        }
      int status;
      if (waitpid (s->child, &status, WNOHANG) == s->child)
        {
          s->child_status = exit_status (status);
          s->child_exited = true;
          return vigil_make_error (err, 0, "the workload could not be started under the seccomp filter");
        }
      if (i > 20000)
        {
          kill (s->child, SIGKILL);
          return vigil_make_error (err, 0, "the seccomp listener did not appear");
        }
      usleep (100);
    }
  seccomp_listener_sync_wakeup (s->listener);
  return 0;
}

/* ---- notifications ---- */

/* Answer as the action says.  Returns whether the notification was still
 * pending when answered (for a kill: when the signal was sent), which
 * proves that the reads before it were the notifier's.  A kill that could
 * not be carried out leaves the call denied, and s->kill_error says why,
 * so that no alert claims it. */
static bool
answer (struct supervisor *s, const struct seccomp_notif *req, enum action action)
{
  bool monitor = s->o->engine->cfg.mode == MODE_MONITOR;

  s->kill_error = 0;
  if ((monitor || action == ACTION_LOG) && s->signal_perform)
    {
      signal_guard_perform (&s->guard, s->listener, req, s->privileged);
      return true;
    }
  if (monitor || action == ACTION_LOG)
    return seccomp_notif_continue (s->listener, req->id) == 0;
  if (action == ACTION_DENY)
    return seccomp_notif_fail (s->listener, req->id, s->m.enforcing->errno_value) == 0;
  int k = target_kill ((pid_t) req->pid, s->listener, req->id);
  bool denied = seccomp_notif_fail (s->listener, req->id, EPERM) == 0;
  if (k == 0)
    return true;
  if (k != -ESRCH)
    {
      s->kill_error = -k;
      s->kill_tid = (pid_t) req->pid;
    }
  return k != -ESRCH && denied;
}

static void
emit_alerts (struct supervisor *s, struct event *ev)
{
  const struct vigil_config *cfg = &s->o->engine->cfg;
  const char *action = engine_action_text (s->kill_error ? ACTION_DENY : s->m.action, cfg->mode);
  size_t n = cfg->rule_matching == RULE_MATCHING_FIRST ? 1 : s->m.n;

  for (size_t i = 0; i < n; i++)
    s->o->emit (alert_build (s->m.v[i].rule, s->st, ev, action), s->o->emit_ctx);
  for (size_t i = 0; i < s->m.n; i++)
    if (s->m.v[i].unknown)
      s->o->emit (engine_alert_unknown (&s->m.v[i], action, ev->ts, ev->hostname), s->o->emit_ctx);
  if (s->kill_error)
    s->o->emit (target_kill_failed_alert (s->m.enforcing->name, s->kill_tid, s->kill_error, ev->ts,
                                          ev->hostname),
                s->o->emit_ctx);
}

static void
prefetch_outputs (struct supervisor *s, struct live_event *ev)
{
  size_t n = s->o->engine->cfg.rule_matching == RULE_MATCHING_FIRST ? 1 : s->m.n;
  struct value v;

  /* Results assumed for the decision are not facts: alerts show <NA>;
   * but a deny is vigil's own answer, shown as Falco would see it fail. */
  ev->formatting = true;
  if (s->m.action == ACTION_DENY && s->o->engine->cfg.mode != MODE_MONITOR)
    live_event_set_result (ev, -(int64_t) s->m.enforcing->errno_value);
  for (size_t i = 0; i < n; i++)
    {
      size_t nf;
      struct field_ref **refs = output_format_fields (s->m.v[i].rule->fmt, &nf);
      for (size_t k = 0; k < nf; k++)
        {
          if (field_is_result (refs[k]->def))
            eval_field_forget (s->st, refs[k]);
          eval_field (s->st, &ev->base, refs[k], &v);
        }
    }
}

static void
watch_root_changes (struct supervisor *s)
{
  size_t n = 0;
  for (size_t i = 0; root_change_syscalls[i] && n + 1 < ARRAY_SIZE (s->root_change_nr); i++)
    {
      int nr = seccomp_syscall_resolve_name (root_change_syscalls[i]);
      if (nr >= 0)
        s->root_change_nr[n++] = nr;
    }
  s->root_change_nr[n] = -1;
}

/* A thread may change a root or its user namespace: the cache of roots
 * goes (root_cache in path_resolve.h), and what target_creds.c remembers
 * of namespaces.  (The filter notifies these only while calls are
 * emulated.)  Returns true when it answered: no rule watches the syscall. */
static bool
note_root_change (struct supervisor *s, const struct seccomp_notif *req, const struct live_event *ev)
{
  bool watched = false;
  for (int i = 0; s->root_change_nr[i] >= 0 && !watched; i++)
    watched = req->data.nr == s->root_change_nr[i];
  if (!watched)
    return false;
  root_cache_disable (s->roots);
  target_userns_forget ();
  if (ev->base.type >= 0 && s->rs->need[ev->base.type].needed)
    return false;
  seccomp_notif_continue (s->listener, req->id);
  return true;
}

/* EPERM (or, monitoring, a note) for a syscall vigil could not see, and
 * "cannot inspect process" once per process. */
static void
fail_uninspectable (struct supervisor *s, const struct seccomp_notif *req, struct live_event *ev)
{
  bool monitor = s->o->engine->cfg.mode == MODE_MONITOR;

  if (monitor)
    seccomp_notif_continue (s->listener, req->id);
  else
    seccomp_notif_fail (s->listener, req->id, EPERM);
  struct alert *a = failclosed_alert (s->fc, req, monitor ? "would-deny" : "deny", ev->base.ts, s->o->hostname);
  if (a)
    s->o->emit (a, s->o->emit_ctx);
}

/* A call vigil performs could not be read (res < 0): answer with the
 * error its own syscall would get, or fail closed where vigil could not
 * see.  Returns true when it answered. */
static bool
answer_unread (struct supervisor *s, const struct seccomp_notif *req, struct live_event *ev, int res)
{
  if (res == -EPERM)
    fail_uninspectable (s, req, ev); /* nothing continues unseen */
  else if (res < 0)
    seccomp_notif_fail (s->listener, req->id, -res);
  return res < 0;
}

static void drop_unknown_matches (struct match_set *m);

/* Evaluate a call vigil will perform, on what its walk reached
 * (walk_res < 0: it reached nothing) and fetch the alerts' fields. */
static void
evaluate_emulated (struct supervisor *s, struct live_event *ev, int walk_res)
{
  eval_state_reset (s->st);
  rules_evaluate (s->rs, s->st, &ev->base, &s->m);
  if (walk_res < 0)
    drop_unknown_matches (&s->m);
  else
    object_names_evaluate (s->objects, s->mounts, s->rs, s->st, ev, &s->m, &s->other_names);
  if (s->m.n)
    prefetch_outputs (s, ev);
}

/* Where each type's flags argument is, for enforced() to read on every
 * notification without a name lookup. */
static void
find_flags_args (struct supervisor *s)
{
  for (int t = 0; t < EVTTYPE_MAX; t++)
    s->flags_arg[t] = -1;
  for (int t = 0; t < (int) evttype_count () && t < EVTTYPE_MAX; t++)
    if (s->rs->need[t].enforce_flags)
      s->flags_arg[t] = (int8_t) seccomp_arg_index (evttype_name (t), "flags");
}

/* Whether a deny/kill rule covers this call: its type is enforced, and
 * where only class members admitted by their flags are (an open that
 * writes may be a ptrace), the flags admit it.  Flags the filter cannot
 * see (openat2's) admit it. */
static bool
enforced (const struct supervisor *s, const struct live_event *ev)
{
  int t = ev->base.type;

  if (t < 0 || !s->rs->need[t].enforce)
    return false;
  int idx = s->flags_arg[t];
  return idx < 0 || ((uint32_t) ev->req->data.args[idx] & s->rs->need[t].enforce_flags) != 0;
}

/* ---- emulated opens ---- */

static bool
emulates_open (const struct supervisor *s, const struct live_event *ev)
{
  return s->emulating_opens && ev->req->data.arch == s->native_arch && open_call_supported (ev->req->data.nr)
         && enforced (s, ev);
}

/* The walk failed, so the open fails whatever the rules say and reaches
 * no object: a deny/kill that applied only because the path could not be
 * read protects nothing, and the workload gets the kernel's own error. */
static void
drop_unknown_matches (struct match_set *m)
{
  size_t keep = 0;

  m->action = ACTION_LOG;
  m->enforcing = NULL;
  for (size_t i = 0; i < m->n; i++)
    {
      if (m->v[i].unknown)
        continue;
      m->v[keep++] = m->v[i];
      if (m->v[i].rule->action > m->action)
        {
          m->action = m->v[i].rule->action;
          m->enforcing = m->v[i].rule;
        }
    }
  m->n = keep;
}

/* Evaluate an open as if its path (and whatever vigil read from memory)
 * were unknown: a deny/kill rule that could match any path applies. */
static void
evaluate_without_path (struct supervisor *s, struct live_event *ev)
{
  const struct open_call *call = ev->open_call;
  const struct resolved_path *r = ev->resolved;

  ev->open_call = NULL;
  ev->resolved = NULL;
  ev->abs_done = false;
  eval_state_reset (s->st);
  target_reads_forbid (true);
  rules_evaluate (s->rs, s->st, &ev->base, &s->m);
  target_reads_forbid (false);
  ev->open_call = call;
  ev->resolved = r;
  ev->abs_done = false;
}

/* An O_PATH open.  ADDFD takes no O_PATH file (fget refuses them), and a
 * continued open walks the path again, which a racing thread may have
 * turned to a denied file: an O_PATH fd on it can be given a new name
 * (linkat AT_EMPTY_PATH) or stat'ed.  So the object the rules saw is
 * handed over opened for reading where the workload could open it so
 * itself (open_finish_readable); otherwise the open is decided without
 * its path, and continued only when no deny/kill rule could apply to
 * any. */
static void
open_path_perform (struct supervisor *s, const struct seccomp_notif *req, struct live_event *ev,
                   const struct resolved_path *r, const struct open_call *call)
{
  int fd = open_finish_readable (r, call);

  if (fd >= 0)
    open_answer_fd (s->listener, req->id, fd, call);
  else if (fd != -EOPNOTSUPP)
    seccomp_notif_fail (s->listener, req->id, -fd);
  else
    {
      evaluate_without_path (s, ev);
      if (s->m.action != ACTION_LOG)
        {
          if (s->m.n)
            prefetch_outputs (s, ev);
          answer (s, req, s->m.action);
          return;
        }
      seccomp_notif_continue (s->listener, req->id);
      evaluate_emulated (s, ev, 0); /* the alerts: of the object it reached */
    }
}

/* The open as the rules allowed it: performed on the object they saw. */
static void
open_perform (struct supervisor *s, const struct seccomp_notif *req, struct resolved_path *r,
              const struct open_call *call, const struct target_creds *creds, mode_t umask_value)
{
  int fd;

  if (open_may_block (r))
    {
      int e = open_finish_async (s->listener, req->id, r, call, creds, umask_value);
      if (e < 0)
        seccomp_notif_fail (s->listener, req->id, -e);
      return;
    }
  fd = open_finish (r, call, umask_value);
  if (fd < 0)
    seccomp_notif_fail (s->listener, req->id, -fd);
  else
    open_answer_fd (s->listener, req->id, fd, call);
}

/* Resolve, decide on the object found, then open it.  Whatever fails
 * answers the workload: with the error its own syscall would have had, or
 * EPERM where vigil could not see (fail closed). */
/* Paths walked as the target would walk them: their handles, what the
 * walks reached, and the credentials the calling thread holds meanwhile. */
struct target_walk {
  struct path_handles h[2];
  struct resolved_path r[2];
  int n;
  pid_t tgid;
  uint64_t generation;
  struct root_cache *roots;
  struct target_creds creds;
  bool same;               /* the target's credentials are vigil's */
  struct creds_saved saved;
};

/* Learn the notifier's credentials, as they are now: it waits in its
 * syscall, so they cannot change until vigil answers (target_creds.h).
 * The notification still pending after the read proves that the tid
 * still named the notifier (an exec by another thread takes the leader's
 * tid only once the leader has left its syscall).  Returns 0, or -EPERM
 * where vigil could not see. */
static int
target_walk_begin (struct supervisor *s, const struct seccomp_notif *req, struct live_event *ev, bool need_umask,
                   struct target_walk *w)
{
  vigil_error_t err = NULL;
  int res = 0;

  memset (w, 0, sizeof *w);
  for (int i = 0; i < 2; i++)
    w->h[i].root = w->h[i].start = w->r[i].fd = -1;
  w->creds.umask = 022;
  w->same = true;
  w->roots = s->roots;
  if (live_event_process (ev, &w->tgid, &w->generation) < 0)
    res = -EPERM;
  else if (s->privileged || need_umask)
    {
      if (target_creds_read ((pid_t) req->pid, w->generation, &w->creds, &err) < 0)
        res = -EPERM;
      else if (!seccomp_notif_valid (s->listener, req->id))
        res = -ESRCH;
      else
        w->same = s->self_known && target_creds_same (&w->creds, &s->self);
    }
  vigil_error_release (&err);
  return res;
}

/* Take the handles a walk of rq starts from.  Before the credentials
 * are switched: those /proc access checks use them, and a target that
 * turned non-dumpable is visible only with vigil's CAP_SYS_PTRACE. */
static int
target_walk_handles (struct target_walk *w, const struct seccomp_notif *req, const struct resolve_request *rq)
{
  return path_handles_open_cached (w->roots, (pid_t) req->pid, w->tgid, w->generation, rq, &w->h[w->n++]);
}

/* Act with the target's credentials on this thread (kept until
 * target_walk_end, so the syscall vigil then performs runs with them
 * too). */
static int
target_walk_assume (struct supervisor *s, struct target_walk *w)
{
  vigil_error_t err = NULL;
  if (!s->privileged || w->same)
    return 0;
  if (target_creds_assume (&w->creds, s->self_known ? &s->self : NULL, &w->saved, &err) < 0)
    {
      vigil_error_release (&err);
      return -EPERM;
    }
  return 0;
}

/* One path: credentials, handles, walk; the rules see what it reached. */
static int
target_walk (struct supervisor *s, const struct seccomp_notif *req, struct live_event *ev,
             const struct resolve_request *rq, bool need_umask, struct target_walk *w)
{
  int res = target_walk_begin (s, req, ev, need_umask, w);
  if (res == 0)
    res = target_walk_handles (w, req, rq);
  if (res == 0)
    res = target_walk_assume (s, w);
  if (res == 0)
    res = path_resolve (&w->h[0], rq, &w->r[0]);
  ev->resolved = res == 0 ? &w->r[0] : NULL;
  return res;
}

static void
target_walk_end (struct target_walk *w)
{
  target_creds_restore (&w->saved);
  target_creds_release (&w->creds);
  for (int i = 0; i < 2; i++)
    {
      path_handles_close (&w->h[i]);
      if (w->r[i].fd >= 0)
        close (w->r[i].fd);
      w->r[i].fd = -1;
    }
}

/* A deny or kill of an emulated call is vigil's act: taken with vigil's
 * own credentials, not the workload's its walk assumed (with those, a
 * kill vigil may not send could reach a process of the same uid). */
static void
answer_decided (struct supervisor *s, const struct seccomp_notif *req, struct target_walk *w)
{
  if (w)
    target_creds_restore (&w->saved);
  answer (s, req, s->m.action);
}

/* The credentials a thread acting for the target must take, or NULL. */
static const struct target_creds *
walk_creds (const struct supervisor *s, const struct target_walk *w)
{
  return s->privileged && !w->same ? &w->creds : NULL;
}

static void
handle_open (struct supervisor *s, const struct seccomp_notif *req, struct live_event *ev)
{
  struct open_call call;
  struct resolve_request rq;
  struct target_walk w;
  int res;

  res = open_call_read (req, s->listener, &call);
  if (answer_unread (s, req, ev, res))
    return;
  ev->open_call = &call;
  open_call_request (&call, &rq);
  bool creates = (call.flags & O_CREAT) || (call.flags & O_TMPFILE) == O_TMPFILE;
  res = target_walk (s, req, ev, &rq, creates, &w);
  if (res < 0)
    live_event_set_result (ev, res); /* the workload's open fails so: open_file_failed */

  evaluate_emulated (s, ev, res);
  if (s->m.action != ACTION_LOG)
    answer_decided (s, req, &w);
  else if (res < 0)
    seccomp_notif_fail (s->listener, req->id, -res);
  else if (call.flags & O_PATH)
    open_path_perform (s, req, ev, &w.r[0], &call);
  else
    open_perform (s, req, &w.r[0], &call, walk_creds (s, &w), w.creds.umask);
  target_walk_end (&w);
  if (s->m.n)
    emit_alerts (s, &ev->base);
}

/* A syscall a deny/kill rule covers, made by a process vigil cannot
 * inspect (before evaluation: the probe; after: a read was refused and
 * nothing denied): failed with EPERM rather than continued unseen.
 * Returns true when it answered. */
static bool
answer_uninspectable (struct supervisor *s, const struct seccomp_notif *req, struct live_event *ev, bool evaluated)
{
  if (!enforced (s, ev))
    return false;
  if (evaluated ? !ev->uninspectable || s->m.action != ACTION_LOG : failclosed_can_inspect (s->listener, req))
    return false;
  fail_uninspectable (s, req, ev);
  return true;
}

/* ---- emulated path syscalls ---- */

static bool
emulates_path (const struct supervisor *s, const struct live_event *ev)
{
  return s->emulating_paths && ev->req->data.arch == s->native_arch && ev->base.type >= 0
         && path_call_supported (ev->req->data.nr) && s->rs->need[ev->base.type].enforce;
}

/* evaluate_emulated for a path syscall: deny and kill rules also see
 * each path argument's other names (object_ids.h). */
static void
evaluate_path (struct supervisor *s, struct live_event *ev, int walk_res, const struct path_call *call,
               const struct resolved_path *r)
{
  struct object_arg args[2];

  eval_state_reset (s->st);
  rules_evaluate (s->rs, s->st, &ev->base, &s->m);
  if (walk_res < 0)
    drop_unknown_matches (&s->m);
  else
    {
      for (int i = 0; i < call->npaths; i++)
        args[i] = (struct object_arg){ &ev->arg_override[call->p[i].arg], &r[i], path_call_acts_on_object (call, i) };
      object_args_evaluate (s->path_objects, s->path_mounts, s->rs, s->st, ev, args, (size_t) call->npaths, &s->m,
                            &s->other_names);
    }
  if (s->m.n)
    prefetch_outputs (s, ev);
}

static void
handle_path (struct supervisor *s, const struct seccomp_notif *req, struct live_event *ev)
{
  struct path_call call;
  struct target_walk w;
  int res = path_call_read (req, s->listener, &call);

  if (answer_unread (s, req, ev, res))
    return;
  struct resolve_request rq[2];
  res = target_walk_begin (s, req, ev, call.op == PATH_MKDIR, &w);
  for (int i = 0; i < call.npaths && res == 0; i++)
    {
      path_call_request (&call, i, &rq[i]);
      res = target_walk_handles (&w, req, &rq[i]);
    }
  if (res == 0)
    res = target_walk_assume (s, &w);
  for (int i = 0; i < call.npaths && res == 0; i++)
    {
      res = path_resolve (&w.h[i], &rq[i], &w.r[i]);
      if (res == 0)
        res = path_call_reach_object (&call, i, &w.r[i]);
      /* The rules see the real path each argument reached. */
      if (res == 0)
        {
          ev->arg_override[call.p[i].arg] = w.r[i].path;
          ev->arg_resolved[call.p[i].arg] = &w.r[i];
        }
    }
  if (call.target_arg >= 0)
    ev->arg_override[call.target_arg] = call.target;
  if (call.op == PATH_SETXATTR)
    ev->arg_override[XATTR_ARG_NAME] = call.xattr.name; /* the name vigil will set */
  if (res < 0)
    live_event_set_result (ev, res);

  evaluate_path (s, ev, res, &call, w.r);
  if (s->m.action != ACTION_LOG)
    answer_decided (s, req, &w);
  else if (res < 0)
    seccomp_notif_fail (s->listener, req->id, -res);
  else if ((res = path_call_perform (&call, w.r, w.creds.umask)) < 0)
    seccomp_notif_fail (s->listener, req->id, -res);
  else
    seccomp_notif_return (s->listener, req->id, 0);
  target_walk_end (&w);
  path_call_release (&call);
  if (s->m.n)
    emit_alerts (s, &ev->base);
}

/* ---- emulated calls that name an fd ---- */

static bool
emulates_fd (const struct supervisor *s, const struct live_event *ev)
{
  return s->emulating_fds && ev->req->data.arch == s->native_arch && fd_call_supported (ev->req->data.nr)
         && enforced (s, ev);
}

/* evaluate_emulated for an fd call, on vigil's duplicate (res < 0: the
 * fetch failed): deny and kill rules also see the object's other names, a
 * path call's object's (object_ids.h): the fd was opened through a hard
 * link, or through a bind mount, of a file a rule names.  Its name is
 * fd.name and what the call's siblings read as their path (fchmod's
 * filename), or the path argument fchmodat2(fd, "") reached. */
static void
evaluate_fd (struct supervisor *s, struct live_event *ev, int res, const struct fd_call *call)
{
  struct resolved_path r;
  /* Literals of path parameters (chmod's filename), then of fd.name; the
   * mounts looked through once. */
  struct mount_table *mounts = s->path_mounts ? s->path_mounts : s->mounts;

  eval_state_reset (s->st);
  rules_evaluate (s->rs, s->st, &ev->base, &s->m);
  if (res < 0)
    drop_unknown_matches (&s->m);
  else if ((s->path_objects || s->objects || mounts) && ev->fd_object >= 0 && fd_call_object (call, &r) == 0)
    {
      struct object_arg arg = { call->path_arg >= 0 ? &ev->arg_override[call->path_arg] : &ev->fd_name, &r, true };
      object_args_evaluate (s->path_objects, mounts, s->rs, s->st, ev, &arg, 1, &s->m, &s->other_names);
      if (s->objects)
        object_args_evaluate (s->objects, NULL, s->rs, s->st, ev, &arg, 1, &s->m, &s->other_names);
    }
  if (s->m.n)
    prefetch_outputs (s, ev);
}

/* Fetch the object, decide on it, act on it.  Returns false when vigil
 * does not perform this call after all (fchmodat2 with a path: a path
 * call; fcntl other than F_DUPFD*: errno-only). */
static bool
handle_fd (struct supervisor *s, const struct seccomp_notif *req, struct live_event *ev)
{
  struct fd_call call;
  struct target_walk w;
  int res = fd_call_read (req, s->listener, &call);

  if (res == FD_CALL_NOT_PERFORMED)
    return false;
  if (answer_unread (s, req, ev, res))
    return true;
  if (call.op == FD_SETXATTR)
    ev->arg_override[XATTR_ARG_NAME] = call.xattr.name; /* the name vigil will set */
  res = target_walk_begin (s, req, ev, false, &w);
  if (res == 0)
    res = fd_call_fetch (&call, req, s->listener);
  if (res == -EPERM)
    fail_uninspectable (s, req, ev); /* no CAP_SYS_PTRACE for this target: never unseen */
  else
    {
      /* An object vigil cannot act on (a dup of an O_PATH fd) is decided
       * as if unknown: continued only when no deny/kill rule could apply
       * to any; the kernel then looks the number up again. */
      bool performable = res < 0 || fd_call_performable (&call);
      ev->fd_held = true; /* -1 when the fetch failed: then no fd field is known */
      ev->fd_object = performable ? call.object : -1;
      ev->fd_unknown = !performable;
      if (call.path_arg >= 0 && call.object >= 0)
        ev->arg_override[call.path_arg] = call.object_path; /* the path reached, as path calls show it */
      if (res < 0)
        live_event_set_result (ev, res);
      evaluate_fd (s, ev, res, &call);
      if (s->m.action != ACTION_LOG)
        answer (s, req, s->m.action);
      else if (res < 0)
        seccomp_notif_fail (s->listener, req->id, -res);
      else if (!performable)
        seccomp_notif_continue (s->listener, req->id);
      /* A dup checks no permission (ADDFD installs the file vigil holds),
       * and an fcntl dup from a minimum reads the thread's fd table,
       * which a non-dumpable target shows only to vigil's CAP_SYS_PTRACE:
       * done with vigil's own credentials. */
      else if (call.op != FD_DUP && target_walk_assume (s, &w) < 0)
        seccomp_notif_fail (s->listener, req->id, EPERM);
      else
        fd_call_perform (&call, s->listener, req->id);
    }
  target_walk_end (&w);
  fd_call_end (&call);
  if (s->m.n && res != -EPERM)
    emit_alerts (s, &ev->base);
  return true;
}

/* ---- emulated connects ---- */

static bool
emulates_connect (const struct supervisor *s, const struct live_event *ev)
{
  return s->emulating_connects && ev->req->data.arch == s->native_arch && connect_call_supported (ev->req->data.nr);
}

/* The connect as the rules allowed it, made by vigil on a thread that
 * takes the target's credentials (an AF_UNIX server sees them in
 * SO_PEERCRED), with the address vigil checked: for a path socket, the
 * very socket file the walk reached. */
static void
connect_perform (struct supervisor *s, const struct seccomp_notif *req, struct live_event *ev,
                 const struct connect_call *call, const struct target_walk *w)
{
  struct connect_call via = *call;
  int sock;

  if (w && w->r[0].fd >= 0)
    {
      struct sockaddr_un *un = (struct sockaddr_un *) &via.addr;
      memset (un, 0, sizeof *un);
      un->sun_family = AF_UNIX;
      snprintf (un->sun_path, sizeof un->sun_path, "/proc/self/fd/%d", w->r[0].fd);
      via.len = (socklen_t) (offsetof (struct sockaddr_un, sun_path) + strlen (un->sun_path) + 1);
    }
  /* From the thread's own fd table: one that unshared it names its own. */
  sock = target_thread_fetch_fd (req, s->listener, call->sockfd);
  if (sock == -EBADF || sock == -ESRCH)
    seccomp_notif_fail (s->listener, req->id, -sock); /* ESRCH: nobody waits for the answer */
  else if (sock < 0)
    fail_uninspectable (s, req, ev); /* no CAP_SYS_PTRACE for this target: never unseen */
  else if ((sock = connect_finish_async (s->listener, req->id, sock, &via, w ? walk_creds (s, w) : NULL,
                                         w ? w->r[0].fd : -1))
           < 0)
    seccomp_notif_fail (s->listener, req->id, -sock);
}

static void
handle_connect (struct supervisor *s, const struct seccomp_notif *req, struct live_event *ev)
{
  struct connect_call call;
  struct target_walk w, *walked = NULL;
  int res = connect_call_read (req, s->listener, &call), walk_res = 0;

  if (answer_unread (s, req, ev, res))
    return;
  /* Decided on, and connected to, the peer the kernel reaches. */
  net_addr_reach_target (live_event_pidfd (ev), call.sockfd, &call.addr, call.len);
  ev->sockaddr = &call.addr;
  const struct sockaddr_un *un = (const struct sockaddr_un *) &call.addr;
  if (call.addr.ss_family == AF_UNIX && call.len > offsetof (struct sockaddr_un, sun_path) && un->sun_path[0])
    {
      /* A path socket: decided on the socket file the path reaches. */
      char path[sizeof un->sun_path + 1];
      size_t n = strnlen (un->sun_path, sizeof un->sun_path);
      memcpy (path, un->sun_path, n);
      path[n] = '\0';
      struct resolve_request rq = { .dirfd = AT_FDCWD, .path = path, .follow_last = true };
      walk_res = target_walk (s, req, ev, &rq, false, &w);
      walked = &w;
    }
  evaluate_emulated (s, ev, walk_res);
  if (s->m.action != ACTION_LOG)
    answer_decided (s, req, walked);
  else if (walk_res < 0)
    seccomp_notif_fail (s->listener, req->id, walk_res == -ENOENT ? ENOENT : -walk_res);
  else
    connect_perform (s, req, ev, &call, walked);
  if (walked)
    target_walk_end (walked);
  if (s->m.n)
    emit_alerts (s, &ev->base);
}

/* ---- emulated accepts ---- */

static bool
emulates_accept (const struct supervisor *s, const struct live_event *ev)
{
  return s->emulating_accepts && ev->req->data.arch == s->native_arch && accept_call_supported (ev->req->data.nr)
         && enforced (s, ev);
}

/* Decided on vigil's duplicate of the listening socket, before the
 * accept (the client end is not known yet), and accepted on that very
 * socket by a job that takes the target's credentials. */
static void
handle_accept (struct supervisor *s, const struct seccomp_notif *req, struct live_event *ev)
{
  struct accept_call call;
  struct target_walk w;
  int sock = -1, res = accept_call_read (req, &call);

  if (answer_unread (s, req, ev, res))
    return;
  res = target_walk_begin (s, req, ev, false, &w);
  if (res == 0)
    res = sock = accept_call_fetch (&call, req, s->listener);
  if (res == -EPERM)
    fail_uninspectable (s, req, ev); /* no CAP_SYS_PTRACE for this target: never unseen */
  else
    {
      ev->fd_held = true; /* -1 when the fetch failed: then no fd field is known */
      ev->fd_object = sock;
      if (res < 0)
        live_event_set_result (ev, res);
      evaluate_emulated (s, ev, res);
      if (s->m.action != ACTION_LOG)
        answer (s, req, s->m.action);
      else if (res < 0)
        seccomp_notif_fail (s->listener, req->id, -res);
      else
        {
          int e = accept_finish_async (s->listener, req->id, sock, &call, walk_creds (s, &w));
          sock = -1; /* the job's, or closed */
          if (e < 0)
            seccomp_notif_fail (s->listener, req->id, -e);
        }
    }
  if (sock >= 0)
    close (sock);
  target_walk_end (&w);
  if (s->m.n && res != -EPERM)
    emit_alerts (s, &ev->base);
}

/* ---- syscalls vigil does not perform ---- */

/* A deny/kill rule covers this syscall, vigil does not perform it, and it
 * is not an exec (verified at the exec stop): whatever vigil read from the
 * workload's memory could change before the kernel reads it.  Such a
 * syscall is decided without memory: a field read from it is unknown, so
 * a deny/kill rule that could match applies (errno-only).  Arguments in
 * registers and /proc facts stay known, so rules on them are exact. */
static void
find_decided_without_memory (struct supervisor *s)
{
  if (s->o->engine->cfg.mode == MODE_MONITOR)
    return;
  int execve = evttype_lookup ("execve"), execveat = evttype_lookup ("execveat");
  for (int t = 0; t < (int) evttype_count (); t++)
    if (s->rs->need[t].enforce && t != execve && t != execveat)
      evttype_set_add (&s->decided_without_memory, t);
}

static bool
decided_without_memory (const struct supervisor *s, const struct live_event *ev)
{
  return ev->base.type >= 0 && evttype_set_has (&s->decided_without_memory, ev->base.type) && enforced (s, ev);
}

static void
evaluate_once (struct supervisor *s, struct live_event *ev)
{
  bool blind = decided_without_memory (s, ev);

  eval_state_reset (s->st);
  target_reads_forbid (blind);
  rules_evaluate (s->rs, s->st, &ev->base, &s->m);
  target_reads_forbid (false);
  if (blind && s->m.action == ACTION_LOG)
    {
      /* Nothing to enforce: the log rules may see the memory. */
      eval_state_reset (s->st);
      rules_evaluate (s->rs, s->st, &ev->base, &s->m);
    }
}

/* Checking that an exec's file exists costs more than the rules (a first
 * lookup in a new process's /proc): evaluate assuming it exists, then
 * missing, and check only when a rule matches either way; evaluate again
 * only when the check says the assumption was wrong. */
static void
evaluate (struct supervisor *s, struct live_event *ev)
{
  enum exec_file assumed = EXEC_FILE_EXISTS;

  live_event_assume_exec_file (ev, assumed);
  evaluate_once (s, ev);
  if (live_event_exec_file_asked (ev) && s->m.n == 0)
    {
      assumed = EXEC_FILE_MISSING;
      live_event_assume_exec_file (ev, assumed);
      evaluate_once (s, ev);
    }
  if (!live_event_exec_file_asked (ev) || s->m.n == 0)
    live_event_assume_exec_file (ev, EXEC_FILE_UNKNOWN); /* the same either way */
  else if (live_event_check_exec_file (ev) != assumed)
    evaluate_once (s, ev);
}

/* ---- decisions that cannot change (decision_cache.h) ---- */

/* Only for log-only types: what an enforced type's call reads is checked
 * differently (emulated, or decided without memory). */
static bool
remembers (const struct supervisor *s, const struct live_event *ev)
{
  return ev->base.type >= 0 && !s->rs->need[ev->base.type].enforce;
}

/* The same call matched no rule before and nothing it was decided on can
 * have changed: there is nothing to evaluate.  Tried without the path
 * first, so that a decision that never read it costs no read. */
static bool
decided_before (struct supervisor *s, struct live_event *ev)
{
  struct decision_key k;

  if (!remembers (s, ev) || !live_event_decision_key (ev, &k))
    return false;
  if (decision_cache_has (s->decisions, &k))
    return true;
  return live_event_decision_key_path (ev, &k) && decision_cache_has (s->decisions, &k);
}

static void
remember_decision (struct supervisor *s, struct live_event *ev)
{
  struct decision_key k;
  bool read_path;

  if (s->m.n == 0 && remembers (s, ev) && live_event_pure (ev, &read_path) && live_event_decision_key (ev, &k)
      && (!read_path || live_event_decision_key_path (ev, &k)))
    decision_cache_add (s->decisions, &k);
}

/* ---- emulated sends ---- */

static bool
emulates_send (const struct supervisor *s, const struct live_event *ev)
{
  return s->emulating_sends && ev->req->data.arch == s->native_arch && ev->base.type >= 0
         && send_call_supported (ev->req->data.nr) && s->rs->need[ev->base.type].enforce;
}

/* A message to an AF_UNIX path names a socket file: walked as the target
 * would walk it (as a connect's path is), so that the rules see the file
 * reached and vigil sends to that very file.  Returns 0, or -errno of the
 * walk. */
static int
send_msg_resolve (struct supervisor *s, struct live_event *ev, struct send_msg *m)
{
  const struct sockaddr_un *un = (const struct sockaddr_un *) &m->addr;
  size_t off = offsetof (struct sockaddr_un, sun_path);

  if (!m->has_addr || un->sun_family != AF_UNIX || m->addrlen <= off || !un->sun_path[0])
    return 0; /* no path: abstract, unnamed, or another family */
  char path[sizeof un->sun_path + 1];
  size_t n = strnlen (un->sun_path, m->addrlen - off < sizeof un->sun_path ? m->addrlen - off : sizeof un->sun_path);
  memcpy (path, un->sun_path, n);
  path[n] = '\0';
  struct resolve_request rq = { .dirfd = AT_FDCWD, .path = path, .follow_last = true };
  struct target_walk w;
  int res = target_walk (s, ev->req, ev, &rq, false, &w);
  if (res == 0)
    {
      /* The rules and the alert see the walk's result after the walk ends. */
      struct resolved_path *keep = arena_alloc (ev->arena, sizeof *keep);
      *keep = w.r[0];
      keep->fd = -1;
      ev->resolved = keep;
      m->via_fd = fcntl (w.r[0].fd, F_DUPFD_CLOEXEC, 0);
      m->via = m->via_fd >= 0;
      res = m->via ? 0 : -errno;
    }
  target_walk_end (&w);
  return res;
}

/* Evaluate each message's destination (sendmmsg names one per message):
 * the first that a deny/kill rule matches decides, else the last.  A path
 * that cannot be walked ends the call at its message: sendmmsg sends the
 * messages before it, a first message fails with the walk's error, which
 * is returned (0 otherwise). */
static int
evaluate_send (struct supervisor *s, struct live_event *ev, struct send_call *call)
{
  for (unsigned i = 0; i < (call->nmsgs ? call->nmsgs : 1); i++)
    {
      struct send_msg *m = call->nmsgs ? &call->msgs[i] : NULL;
      ev->sockaddr = m && m->has_addr ? &m->addr : NULL;
      ev->no_sockaddr = m == NULL || !m->has_addr;
      ev->resolved = NULL;
      int walk_res = m ? send_msg_resolve (s, ev, m) : 0;
      if (walk_res < 0 && i > 0)
        {
          send_call_truncate (call, i);
          return 0;
        }
      eval_state_reset (s->st);
      rules_evaluate (s->rs, s->st, &ev->base, &s->m);
      if (walk_res < 0)
        {
          drop_unknown_matches (&s->m);
          return walk_res;
        }
      if (s->m.action != ACTION_LOG)
        return 0;
    }
  return 0;
}

/* Sent by vigil with the data and destination it checked, from a thread
 * that takes the target's credentials. */
static void
send_perform (struct supervisor *s, const struct seccomp_notif *req, struct live_event *ev, struct send_call *call)
{
  /* The thread's own fd table, for the socket and the fds it passes. */
  int pidfd = target_thread_pidfd (req, s->listener), sock, r;
  struct target_walk w;

  if (pidfd == -ESRCH)
    return; /* the notifier is gone: nobody waits for an answer */
  if (pidfd < 0 || target_walk_begin (s, req, ev, false, &w) < 0)
    {
      if (pidfd >= 0)
        close (pidfd);
      fail_uninspectable (s, req, ev);
      return;
    }
  call->tgid = w.tgid;
  sock = target_fetch_fd (pidfd, call->sockfd);
  if (sock == -EBADF)
    seccomp_notif_fail (s->listener, req->id, EBADF);
  else if (sock < 0)
    fail_uninspectable (s, req, ev);
  else if ((r = send_call_take_fds (call, pidfd)) < 0)
    {
      close (sock);
      seccomp_notif_fail (s->listener, req->id, r == -EBADF ? EBADF : EPERM);
    }
  else if ((r = send_finish_async (s->listener, req->id, sock, call, walk_creds (s, &w))) < 0)
    seccomp_notif_fail (s->listener, req->id, -r);
  target_walk_end (&w);
  close (pidfd);
}

static void
handle_send (struct supervisor *s, const struct seccomp_notif *req, struct live_event *ev)
{
  struct send_call call;
  int res = send_call_read (req, s->listener, &call);

  if (answer_unread (s, req, ev, res))
    {
      send_call_free (&call);
      return;
    }
  /* Decided on, and sent to, the peers the kernel reaches. */
  for (unsigned i = 0; i < call.nmsgs; i++)
    if (call.msgs[i].has_addr)
      net_addr_reach_target (live_event_pidfd (ev), call.sockfd, &call.msgs[i].addr, call.msgs[i].addrlen);
  int walk_res = evaluate_send (s, ev, &call);
  if (s->m.n)
    prefetch_outputs (s, ev);
  if (s->m.action != ACTION_LOG)
    answer (s, req, s->m.action);
  else if (walk_res < 0)
    seccomp_notif_fail (s->listener, req->id, -walk_res);
  else if (res == 1)
    seccomp_notif_continue (s->listener, req->id); /* sendto to the socket's peer: nothing in memory decides */
  else
    send_perform (s, req, ev, &call);
  send_call_free (&call);
  if (s->m.n)
    emit_alerts (s, &ev->base);
}

/* A signal the filter's guard notified (signal_guard.h): aimed at vigil,
 * it fails with EPERM; else, if no rule watches the syscall, it goes on
 * (a pidfd_send_signal through vigil's copy of its fd).  Returns true
 * when it answered. */
static bool
guard_answered (struct supervisor *s, const struct seccomp_notif *req, const struct live_event *ev)
{
  enum signal_verdict v = signal_guard_check (&s->guard, req);

  s->signal_perform = v == SIGNAL_PERFORM;
  if (v == SIGNAL_NOT_GUARDED)
    return false;
  if (v == SIGNAL_DENY)
    {
      seccomp_notif_fail (s->listener, req->id, EPERM);
      return true;
    }
  if (ev->base.type >= 0 && s->rs->need[ev->base.type].needed)
    return false; /* decided by the rules; answer() performs a PERFORM */
  if (v == SIGNAL_PERFORM)
    signal_guard_perform (&s->guard, s->listener, req, s->privileged);
  else
    seccomp_notif_continue (s->listener, req->id); /* notified for the guard only */
  return true;
}

static void
handle_notification (struct supervisor *s, const struct seccomp_notif *req)
{
  struct live_event ev;

  arena_reset (&s->arena);
  live_event_init (&ev, s->src, req, s->listener, ++s->nevents, s->o->hostname, &s->arena);
  if ((s->emulating_opens || s->emulating_paths || s->emulating_connects || s->emulating_sends || s->emulating_fds)
      && note_root_change (s, req, &ev))
    return;
  if (guard_answered (s, req, &ev))
    return;
  if (emulates_open (s, &ev))
    {
      handle_open (s, req, &ev);
      return;
    }
  if (emulates_connect (s, &ev))
    {
      handle_connect (s, req, &ev);
      return;
    }
  if (emulates_fd (s, &ev) && handle_fd (s, req, &ev))
    return;
  if (emulates_accept (s, &ev))
    {
      handle_accept (s, req, &ev);
      return;
    }
  if (emulates_path (s, &ev))
    {
      handle_path (s, req, &ev);
      return;
    }
  if (emulates_send (s, &ev))
    {
      handle_send (s, req, &ev);
      return;
    }
  if (answer_uninspectable (s, req, &ev, false))
    return;
  /* Nothing below acts on what it reads before answering: one check, the
   * answer, covers every read. */
  live_event_check_at_answer (&ev);
  if (decided_before (s, &ev))
    {
      answer (s, req, ACTION_LOG);
      return;
    }
  evaluate (s, &ev);
  if (answer_uninspectable (s, req, &ev, true))
    return;
  if (s->m.n)
    prefetch_outputs (s, &ev);
  /* A verified exec's process is re-read at its exec stop instead. */
  bool landed;
  bool verified = exec_verify_answer (s->verify, s->listener, req, ev.base.type, s->m.action, &landed);
  if (!verified)
    landed = answer (s, req, s->m.action);
  bool reportable = live_event_answered (&ev, landed);
  live_event_after (&ev, !verified && (s->o->engine->cfg.mode == MODE_MONITOR || s->m.action == ACTION_LOG));
  /* Not reportable: the notifier vanished (killed or interrupted; an
   * interrupted syscall is notified again) and its pid may have been
   * reused under the reads: they could describe another process. */
  if (s->m.n && reportable)
    emit_alerts (s, &ev.base);
  remember_decision (s, &ev);
}

/* A bound of limits.h was reached: the calls past it failed with EAGAIN.
 * Said once per episode. */
static void
report_limit_reached (struct supervisor *s)
{
  char what[128], msg[512];
  struct timespec ts;

  if (!limits_episode_began (what, sizeof what))
    return;
  clock_gettime (CLOCK_REALTIME, &ts);
  snprintf (msg, sizeof msg,
            "vigil internal: resource limit reached: %s; syscalls vigil would perform on threads of their own "
            "(blocking opens, connects, sends) fail with EAGAIN until it has room again (at most %zu at once)",
            what, limits_jobs_max ());
  const char *kv[] = { "limit", what, "action", "deny", NULL };
  s->o->emit (alert_internal ("vigil internal: resource limit reached", PRIO_WARNING,
                              (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec, s->o->hostname, msg, kv),
              s->o->emit_ctx);
}

/* Receive one notification and handle it.  Returns false once no
 * filtered process is left (the listener hung up). */
static bool
receive_and_handle (struct supervisor *s, int listener)
{
  struct seccomp_notif req;
  vigil_error_t err = NULL;

  if (seccomp_notif_receive (listener, &req, &err) < 0)
    {
      vigil_error_release (&err); /* ENOENT: the target died first, or every one did */
      struct pollfd p = { listener, POLLIN, 0 };
      return !(poll (&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR | POLLNVAL)));
    }
  pthread_mutex_lock (&supervisor_lock);
  handle_notification (s, &req);
  report_limit_reached (s);
  pthread_mutex_unlock (&supervisor_lock);
  return true;
}

/* The receiving thread: blocked in SECCOMP_IOCTL_NOTIF_RECV, where
 * SYNC_WAKE_UP hands it the notifier's CPU; no poll per notification.  It
 * reads nothing of the supervisor but under the lock (the listener is
 * copied), since the supervisor may be gone when it wakes. */
static void *
receive_notifications (void *arg)
{
  struct supervisor *s = arg;
  int listener = s->listener;

  while (receive_and_handle (s, listener))
    ;
  return NULL;
}

static int
start_receiving_thread (struct supervisor *s, vigil_error_t *err)
{
  int e = emulate_thread_start (receive_notifications, s, 0);
  if (e != 0)
    return vigil_make_error (err, e, "cannot start the notification thread");
  s->receiving_thread = true;
  return 0;
}

/* A process joined the container from outside (runc exec): it carries no
 * filter, so vigil can only say so. */
static void
report_entry (const struct procinfo *pi, void *ctx)
{
  struct supervisor *s = ctx;
  struct timespec ts;
  char pid[32], uid[32], cmdline[PROCINFO_ARGS_MAX + 1];
  cleanup_free char *msg = NULL;

  clock_gettime (CLOCK_REALTIME, &ts);
  snprintf (pid, sizeof pid, "%d", pi->tgid);
  snprintf (uid, sizeof uid, "%u", (unsigned) pi->uid[PI_EFFECTIVE]);
  procinfo_join (pi->args, pi->args_len, 0, cmdline, sizeof cmdline);
  const char *exe = (pi->have & PI_EXE) ? pi->exepath : "<NA>";
  if (asprintf (&msg,
                "Process entered container from outside, without vigil's filter | process=%s pid=%s "
                "proc_exepath=%s command=%s user_uid=%s",
                pi->comm, pid, exe, cmdline, uid)
      < 0)
    return;
  const char *kv[] = { "proc.name", pi->comm, "proc.pid", pid, "proc.exepath", exe, "proc.cmdline", cmdline,
                       "user.uid", uid, NULL };
  s->o->emit (alert_internal ("Process entered container from outside", PRIO_WARNING,
                              (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec, s->o->hostname, msg, kv),
              s->o->emit_ctx);
}

/* ---- signals and children ---- */

static int
exit_status (int status)
{
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return 1;
}

/* Reap every child that exited (as PID 1, orphans are ours too).  Returns
 * true when the workload itself is done, with its status.  Threads held
 * for exec verification report their stops and exits here too: the kernel
 * waits for a tracer's tracees as if __WALL were given (Linux 4.7+), while
 * the program output's clone child, which sends no SIGCHLD, stays out of
 * reach as that channel needs. */
static bool
reap (struct supervisor *s, int *status)
{
  bool done = false;
  int st;
  pid_t pid;

  while ((pid = waitpid (-1, &st, WNOHANG)) > 0)
    {
      if (exec_verify_wait_status (s->verify, pid, st))
        continue; /* a stop of a held thread, handled */
      if (pid == s->child)
        {
          *status = exit_status (st);
          done = true;
        }
    }
  return done;
}

static bool
handle_signal (struct supervisor *s, int *status)
{
  struct signalfd_siginfo si;
  int reopen = s->o->engine->cfg.reopen_signal;

  while (read (s->sigfd, &si, sizeof si) == sizeof si)
    {
      int sig = (int) si.ssi_signo;
      if (sig == SIGCHLD)
        {
          if (reap (s, status))
            return true;
        }
      else if (sig == reopen)
        {
          if (s->o->reopen)
            s->o->reopen (s->o->emit_ctx);
        }
      else if (signal_is_forwarded (sig, reopen))
        kill (s->child, sig);
    }
  return false;
}

static int
block_signals (struct supervisor *s, sigset_t *oldmask, vigil_error_t *err)
{
  sigset_t set;

  sigemptyset (&set);
  for (int sig = 1; sig < NSIG; sig++)
    if (!signal_is_synchronous (sig) && sig != SIGKILL && sig != SIGSTOP)
      sigaddset (&set, sig);
  if (sigprocmask (SIG_BLOCK, &set, oldmask) < 0)
    return vigil_make_error (err, errno, "sigprocmask");
  s->sigfd = signalfd (-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (s->sigfd < 0)
    return vigil_make_error (err, errno, "signalfd");
  return 0;
}

static int
loop (struct supervisor *s)
{
  int status = 1;

  for (;;)
    {
      struct pollfd p[4] = { { s->sigfd, POLLIN, 0 },
                             { s->receiving_thread ? -1 : s->listener, POLLIN, 0 },
                             { proctable_epoll_fd (s->src->procs), POLLIN, 0 },
                             { s->entries.timerfd, POLLIN, 0 } };
      if (poll (p, 4, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          break;
        }
      pthread_mutex_lock (&supervisor_lock);
      bool done = (p[0].revents & POLLIN) && handle_signal (s, &status);
      if (!done && (p[2].revents & POLLIN))
        proctable_reap_exited (s->src->procs);
      if (!done && (p[3].revents & POLLIN))
        entry_watch_scan (&s->entries, &s->src->pi, report_entry, s);
      pthread_mutex_unlock (&supervisor_lock);
      if (done)
        return status;
      if ((p[1].revents & (POLLIN | POLLHUP | POLLERR)) && !receive_and_handle (s, s->listener))
        {
          /* Every filtered process is gone; wait for the workload's status. */
          close (s->listener);
          s->listener = -1;
          for (;;)
            {
              struct pollfd q = { s->sigfd, POLLIN, 0 };
              if (poll (&q, 1, -1) > 0 && handle_signal (s, &status))
                return status;
            }
        }
    }
  return status;
}

/* Deny and kill rules on fd.name decide on the object: track the files
 * their literal paths name (object_ids.h). */
static int
track_objects (struct supervisor *s, vigil_error_t *err)
{
  static const char *const fields[] = { "fd.name", NULL };
  const char **paths;

  if (!s->emulating_opens && !s->emulating_connects && !s->emulating_fds)
    return 0;
  static const char *const dir_fields[] = { "fd.directory", NULL };
  const char **dirs;
  bool others, dir_others;
  size_t n = object_ids_collect (s->rs, fields, &paths, &others);
  s->objects = object_ids_new (paths, n, err);
  free (paths);
  /* fd.directory names no file: any comparison is on the path. */
  others |= object_ids_collect (s->rs, dir_fields, &dirs, &dir_others) > 0 || dir_others;
  free (dirs);
  /* A prefix is decided on the object's paths from the container's root,
   * through the workload's own mounts too (mount_names.h). */
  if (others)
    s->mounts = mount_table_new ();
  return n && !s->objects ? -1 : 0;
}

/* The same for the path arguments of the path syscalls vigil performs:
 * the objects their literals name, and any comparison of them through
 * mounts (an unlink's name is a directory entry, which a bind mount shows
 * under another path whatever the operator). */
static int
track_path_objects (struct supervisor *s, vigil_error_t *err)
{
  const char **paths;
  bool others;

  if (!s->emulating_paths && !s->emulating_fds)
    return 0;
  size_t n = object_ids_collect (s->rs, path_call_fields, &paths, &others);
  s->path_objects = object_ids_new (paths, n, err);
  free (paths);
  if (n || others)
    s->path_mounts = mount_table_new ();
  return n && !s->path_objects ? -1 : 0;
}

/* With any capability, vigil could do for the workload what the workload
 * may not: emulated syscalls must then act with the target's credentials. */
static bool
holds_capabilities (void)
{
  struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct d[2];
  if (syscall (SYS_capget, &h, d) < 0)
    return true;
  return (d[0].permitted | d[1].permitted | d[0].effective | d[1].effective) != 0;
}

/* Which calls vigil performs itself: those a deny/kill rule covers,
 * unless monitoring, where every call is continued. */
static void
plan_emulation (struct supervisor *s)
{
  if (s->o->engine->cfg.mode == MODE_MONITOR)
    return;
  s->emulating_opens = open_emulation_needed (s->rs);
  s->emulating_connects = connect_emulation_needed (s->rs);
  s->emulating_paths = path_emulation_needed (s->rs);
  s->emulating_sends = send_emulation_needed (s->rs);
  s->emulating_fds = fd_emulation_needed (s->rs);
  s->emulating_accepts = accept_emulation_needed (s->rs);
}

int
supervise_run (const struct supervise_opts *o, vigil_error_t *err)
{
  struct supervisor s = { .o = o, .rs = o->engine->rs, .listener = -1, .sigfd = -1, .entries = { .timerfd = -1 } };
  struct seccomp_program prog;
  sigset_t oldmask;
  int ret = -1;

  if (seccomp_program_build (s.rs, &prog, err) < 0)
    return -1;
  /* child_exec gives the workload its own process group on a tty only. */
  signal_guard_init (&s.guard, !isatty (STDIN_FILENO));
  if (signal_guard_prepend (&s.guard, &prog, err) < 0)
    goto out;
  if (protect_prepare (&s.protect, o->keep_caps, err) < 0)
    goto out;
  /* Not PID 1: still reap orphans of the workload, as a subreaper. */
  if (getpid () != 1 && prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
    {
      vigil_make_error (err, errno, "prctl(PR_SET_CHILD_SUBREAPER)");
      goto out;
    }
  if (block_signals (&s, &oldmask, err) < 0)
    goto out;
  if (limits_init (err) < 0)
    goto out;
  s.privileged = holds_capabilities ();
  plan_emulation (&s);
  s.self_known = creds_snapshot (&s.self, NULL) == 0;
  s.roots = root_cache_new ();
  s.decisions = decision_cache_new (DECISIONS_REMEMBERED);
  watch_root_changes (&s);
  find_decided_without_memory (&s);
  find_flags_args (&s);
  s.native_arch = seccomp_arch_native ();
  s.st = eval_state_new (s.rs);
  if (track_objects (&s, err) < 0 || track_path_objects (&s, err) < 0)
    goto out;
  s.fc = failclosed_new ();
  s.src = live_source_new (o->container);
  struct exec_verify_opts vo = { o->engine, s.src, o->hostname, o->emit, o->emit_ctx };
  s.verify = exec_verify_new (&vo);
  entry_watch_start (&s.entries);
  if (start_workload (&s, &prog, &oldmask, err) < 0)
    goto out;
  if (protect_self (err) < 0)
    {
      kill (s.child, SIGKILL);
      goto out;
    }
  seccomp_program_free (&prog);
  /* ptrace ties exec verification to the one thread that also polls. */
  if (!s.verify && start_receiving_thread (&s, err) < 0)
    {
      kill (s.child, SIGKILL);
      goto out;
    }
  ret = loop (&s);
  /* Kept: the receiving thread must not touch what is freed below. */
  pthread_mutex_lock (&supervisor_lock);
out:
  seccomp_program_free (&prog);
  if (s.listener >= 0)
    close (s.listener);
  if (s.sigfd >= 0)
    close (s.sigfd);
  eval_state_free (s.st);
  exec_verify_free (s.verify);
  live_source_free (s.src);
  entry_watch_stop (&s.entries);
  match_set_free (&s.m);
  match_set_free (&s.other_names);
  object_ids_free (s.objects);
  mount_table_free (s.mounts);
  object_ids_free (s.path_objects);
  mount_table_free (s.path_mounts);
  arena_free (&s.arena);
  protect_release (&s.protect);
  failclosed_free (s.fc);
  creds_saved_release (&s.self);
  root_cache_free (s.roots);
  decision_cache_free (s.decisions);
  limits_release ();
  return ret;
}

/* ---- what vigil does with each syscall ---- */

/* Whether an open type whose decisions decided_before may remember
 * reaches vigil. */
static bool
decisions_remembered (const struct ruleset *rs)
{
  for (int t = 0; t < (int) evttype_count (); t++)
    if (rs->need[t].needed && !rs->need[t].enforce && live_type_decisions_remembered (t))
      return true;
  return false;
}

static const char *
handling_of (const struct ruleset *rs, enum vigil_mode mode, int t)
{
  const char *name = evttype_name (t);
  int nr = seccomp_syscall_resolve_name (name);

  if (!rs->need[t].enforce)
    return "continued (log-only): decided, never denied";
  if (mode == MODE_MONITOR)
    return "continued (monitor): deny/kill rules alert would-deny/would-kill";
  if (strcmp (name, "clone3") == 0)
    return "ENOSYS: its flags are in memory; glibc falls back to clone, whose flags the filter sees";
  if (strcmp (name, "execve") == 0 || strcmp (name, "execveat") == 0)
    return "verified: decided before the exec, and again on the program that runs, at its exec stop";
  if (nr >= 0 && open_call_supported (nr))
    return "emulated: vigil walks the path as the target, decides on the object and opens it with the target's "
           "credentials (O_PATH: a readable file or directory is handed over opened for reading; any other "
           "object is decided without its path)";
  if (nr >= 0 && connect_call_supported (nr))
    return "emulated: vigil connects the target's socket with the address it checked";
  if (nr >= 0 && accept_call_supported (nr))
    return "emulated: vigil fetches the listening socket (pidfd_getfd), decides on it (the client end is not "
           "known before the accept), accepts on it and hands the connection over with ADDFD";
  if (nr >= 0 && send_call_supported (nr))
    return "emulated: vigil sends the data and destination it checked (sendto without one: decided on the "
           "socket, continued)";
  if (nr >= 0 && fd_call_supported (nr) && path_call_supported (nr))
    return "emulated: performed by vigil on the objects its walk reached, with the target's credentials; "
           "with \"\" and AT_EMPTY_PATH, on vigil's duplicate of the fd's open file";
  if (nr >= 0 && path_call_supported (nr))
    return "emulated: performed by vigil on the objects its walk reached, with the target's credentials";
  if (strcmp (name, "fcntl") == 0)
    return "emulated for F_DUPFD and F_DUPFD_CLOEXEC: vigil fetches the open file (pidfd_getfd), decides on it "
           "and hands it over with ADDFD at the lowest free number from the minimum, read from the thread's fd "
           "table; other commands errno-only";
  if (nr >= 0 && fd_call_supported (nr))
    return "emulated: vigil fetches the open file behind the fd (pidfd_getfd), decides on it and performs the "
           "call on it with the target's credentials (a dup hands it over with ADDFD)";
  if (strcmp (name, "open_by_handle_at") == 0)
    return "errno-only: a file handle cannot be evaluated; a deny/kill rule on opens applies its errno";
  return "errno-only: decided from registers and /proc without reading memory; a deny/kill rule that needs "
         "memory applies its errno";
}

/* When rule r covers type t only for what a call does (a class member by
 * an event test), say when. */
static const char *
class_test_note (const struct rule *r, int t)
{
  for (size_t i = 0; i < r->naliases; i++)
    if (r->aliases[i].type == t && r->aliases[i].guard)
      switch (r->aliases[i].guard->test)
        {
        case ET_PROC_MEM:
          return ", when it opens /proc/<pid>/mem: any open may reach it";
        case ET_ALWAYS:
        case ET_REPLACES:
          return ", as an unlink of the name it takes away and of the file it replaces";
        case ET_ACL_XATTR:
          return ", when it sets a POSIX ACL";
        case ET_NAMES_PEER:
          return ", when it names a destination";
        case ET_ARG:
          break;
        }
  return "";
}

void
supervise_explain (const struct ruleset *rs, enum vigil_mode mode, FILE *out)
{
  fprintf (out, "Syscalls that reach vigil (mode: %s):\n", mode == MODE_MONITOR ? "monitor" : "enforce");
  for (size_t t = 0, n = evttype_count (); t < n; t++)
    {
      if (!rs->need[t].needed || !evttype_is_syscall ((int) t))
        continue;
      fprintf (out, "  %-18s %s\n", evttype_name ((int) t), handling_of (rs, mode, (int) t));
      if (!rs->need[t].enforce)
        continue;
      fprintf (out, "  %-18s   enforced by:", "");
      for (size_t i = 0; i < rs->by_type[t].n; i++)
        {
          const struct rule *r = &rs->rules[rs->by_type[t].idx[i]];
          if (r->action != ACTION_LOG)
            fprintf (out, " '%s' (%s%s)", r->name, r->action == ACTION_KILL ? "kill" : "deny",
                     class_test_note (r, (int) t));
        }
      fputc ('\n', out);
    }
  if (open_emulation_needed (rs) && mode != MODE_MONITOR)
    {
      fprintf (out, "  %-18s watched: each one invalidates vigil's cache of the target's credentials\n",
               "set*id, capset,");
      fprintf (out, "  %-18s\n", "umask");
    }
  if (seccomp_execs_watched (rs))
    fprintf (out, "  %-18s watched: each one tells vigil's process table that the program changed\n",
             "execve, execveat");
  if (decisions_remembered (rs))
    fprintf (out, "  %-18s log-only: a call that matched nothing is answered from memory when it comes again,\n"
                  "  %-18s if the rules read only its flags, absolute path and the run's constants\n",
             "open, openat, creat", "");
  fprintf (out, "  %-18s ENOSYS always: io_uring would bypass the filter\n", "io_uring_*");
  fprintf (out, "Every other syscall stays in the kernel.\n");
}
