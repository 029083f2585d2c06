/* vigil: exec verification: check the program that really runs.
 *
 * Arguments read at an execve notification can be raced, and do not say
 * what runs (a script's interpreter, execveat(fd, "", AT_EMPTY_PATH),
 * /proc/self/fd/N).  Where a deny or kill rule covers exec, an exec the
 * pre-exec check lets through is followed:
 *
 *   notification -> PTRACE_SEIZE (TRACEEXEC|EXITKILL) -> continue -> PTRACE_INTERRUPT
 *   PTRACE_EVENT_EXEC stop -> rules again on /proc -> SIGKILL, or PTRACE_DETACH
 *   any other stop (the exec failed, a signal, a group-stop) -> PTRACE_DETACH
 *
 * One stop per exec and no syscall stops.  ptrace and waitpid belong to
 * the supervisor's loop thread: ptrace requests are only accepted from
 * the thread that seized, and tracee stops arrive through the same
 * waitpid as the exits the reaper collects. */
#ifndef VIGIL_EXEC_VERIFY_H
#define VIGIL_EXEC_VERIFY_H

#include <linux/seccomp.h>
#include <stdbool.h>
#include <sys/types.h>

#include "vigil/arena.h"
#include "vigil/engine.h"
#include "vigil/event_live.h"
#include "vigil/output.h"

struct exec_verify;

struct exec_verify_opts {
  const struct engine *engine; /* rules and configuration (mode, rule_matching) */
  struct live_source *src;     /* the process table the supervisor keeps */
  const char *hostname;
  void (*emit) (struct alert *a, void *ctx); /* takes ownership of the alert */
  void *emit_ctx;
};

/** The verifier, or NULL when there is nothing to verify: no deny or kill
 *  rule covers execve or execveat, or monitor mode (nothing is enforced). */
struct exec_verify *exec_verify_new (const struct exec_verify_opts *o);

/** Release the verifier (NULL is fine).  Tracees still held are killed
 *  with the process by PTRACE_O_EXITKILL, not here. */
void exec_verify_free (struct exec_verify *v);

/** Answer an exec notification the pre-exec check let through (action
 *  ACTION_LOG, enforcing mode), when v covers its event type: seize the
 *  thread and continue the exec, to be checked at its exec stop.  When the
 *  thread cannot be seized (Yama, traced already, no permission), the exec
 *  fails with EPERM and an internal alert is raised.  Returns false, with
 *  nothing answered, when v does not apply (v NULL, another event type,
 *  another action): the caller answers as usual.  Otherwise *landed says
 *  whether the notification was still pending when answered. */
bool exec_verify_answer (struct exec_verify *v, int listener, const struct seccomp_notif *req, int evttype,
                         enum action action, bool *landed);

/** Dispatch one waitpid(-1) result (tracees are waited for as with __WALL).  A stop (of a thread v holds)
 *  is handled here and true returned; for an exit, v forgets the thread and
 *  false is returned so the caller reaps as before. */
bool exec_verify_wait_status (struct exec_verify *v, pid_t pid, int status);

#endif
