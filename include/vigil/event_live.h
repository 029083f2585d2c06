/* vigil: a live event: one seccomp notification, its fields extracted on
 * demand from the notification, the target's memory and /proc. */
#ifndef VIGIL_EVENT_LIVE_H
#define VIGIL_EVENT_LIVE_H

#include <linux/seccomp.h>
#include <sys/socket.h>

#include "vigil/arena.h"
#include "vigil/container_id.h"
#include "vigil/decision_cache.h"
#include "vigil/event.h"
#include "vigil/procinfo.h"

struct open_call;     /* emulate_open.h */
struct resolved_path; /* path_resolve.h */

/* What lives across events: the process table, the user database, the
 * container's identity, scratch space for /proc reads. */
struct live_source {
  struct proctable *procs;
  struct userdb *users;
  struct container_identity container; /* borrowed strings */
  struct procinfo pi;
};

/** Create the source; ci's strings must outlive it. */
struct live_source *live_source_new (const struct container_identity *ci);
void live_source_free (struct live_source *src);

/* A string argument read from the target, once per event. */
struct live_arg_string {
  bool read, ok;
  const char *s;
  size_t len;
};

/* Whether the file an exec names exists: a missing one fails the exec,
 * so the event describes no new program. */
enum exec_file {
  EXEC_FILE_UNKNOWN, /* checked when a field needs it */
  EXEC_FILE_EXISTS,
  EXEC_FILE_MISSING,
};

struct live_event {
  struct event base;
  struct live_source *src;
  struct proc_entry *proc; /* the notifier's process, looked up once */
  bool proc_looked;
  int proc_rc;
  unsigned pi_have;        /* PI_* parts of src->pi read for this event */
  bool formatting;         /* building alerts: assumed results show as <NA> */
  enum exec_file exec_file; /* does the file an exec names exist (checked or assumed) */
  bool exec_file_asked;     /* a field depended on it */
  bool uninspectable;      /* a read of the target was refused (EPERM, EACCES, ESRCH):
                              vigil lost sight of it (failclosed.h) */
  bool held;               /* after an exec, the thread held in its ptrace exec stop */
  /* Reads of the target are checked by the answer, not one by one
   * (live_event_check_at_answer); unconfirmed: some read relies on it. */
  bool check_at_answer;
  bool unconfirmed;
  /* A field read so far depends on more than the call's registers, its
   * path and the run's constants (decision_cache.h). */
  bool impure;
  const struct seccomp_notif *req;
  int listener;        /* to check the notification is still valid after reads */
  uint64_t num;        /* evt.num */
  struct arena *arena; /* storage for extracted strings, reset per event */
  /* An emulated open: the call as vigil read it once, and the object its
   * walk reached (NULL when the walk failed).  Rules see exactly these. */
  const struct open_call *open_call;
  const struct resolved_path *resolved;
  /* Another name of the object resolved reached, read as its fd.name
   * instead of resolved->path (deny and kill decide on the object:
   * object_ids.h), or NULL. */
  const char *object_name;
  /* At an exec stop: the program that runs when it is not the file the
   * kernel executed (the dynamic loader's program, or the same file under
   * another name: object_ids.h), read as proc.exepath and proc.name; or
   * NULL.  program_unknown: the loader's program could not be identified
   * (those fields are then unreadable). */
  const char *program;
  bool program_unknown;
  /* The destination as vigil read it once (an emulated connect sets it
   * first; otherwise the first read of it keeps it for the event). */
  const struct sockaddr_storage *sockaddr;
  bool no_sockaddr; /* vigil read the call: it names no destination */
  /* Path arguments as vigil resolved them (an emulated path syscall), by
   * syscall argument index: string arguments read these instead. */
  const char *arg_override[6];
  /* What the walk of each of them reached (whether a rename's new path
   * names a file it replaces). */
  const struct resolved_path *arg_resolved[6];
  /* An emulated call that names an fd: vigil's duplicate of the open file
   * it acts on (emulate_fd.h).  Its fd fields describe this object, not
   * whatever the number names in the target by the time they are read
   * (-1: the fd names nothing, the call fails with EBADF). */
  bool fd_held;
  int fd_object;
  bool fd_unknown; /* with fd_object -1: vigil holds an object it cannot act on,
                      so the call is decided as if no fd field could be read */
  /* Another name of fd_object's object (deny and kill decide on the
   * object: object_ids.h), read as its path (fd.name, fchmod's filename)
   * instead of the duplicate's, or NULL. */
  const char *fd_name;
  /* The syscall's result when it is a fact, not an assumption: vigil saw
   * the failure (an emulated open whose walk failed) or decided it (a
   * deny).  Result fields then show it, as Falco's exit event would. */
  bool res_known;
  int64_t res; /* the raw result: -errno on failure */
  /* What the rules read of the target's memory, read once per event. */
  struct live_arg_string argstr[6];
  bool abs_done; /* abs: the open's path made absolute */
  enum value_state abs_state;
  struct value abs;
};

/** Prepare ev for the notification req. */
void live_event_init (struct live_event *ev, struct live_source *src, const struct seccomp_notif *req, int listener,
                      uint64_t num, const char *hostname, struct arena *arena);

/** Let the notification's answer, not an ID_VALID per read, prove that
 *  what ev read of the target was the notifier's: NOTIF_SEND fails once
 *  the notification is gone, and while it is pending the notifier's pid
 *  cannot be reused.  Only for a caller that acts on nothing it read
 *  before answering (it continues or fails the syscall; a kill checks for
 *  itself), and that passes the answer's outcome to
 *  live_event_answered.  Reads whose results outlive the event (the
 *  process table) are still checked at once. */
void live_event_check_at_answer (struct live_event *ev);

/** The answer to ev's notification was sent (landed: it was still
 *  pending).  Returns whether what ev read may be reported: false when a
 *  read waited for the answer's check and the answer did not land.  Later
 *  reads are checked one by one again. */
bool live_event_answered (struct live_event *ev, bool landed);

/** Make ev's fields take `f` for whether the file its exec names exists
 *  (EXEC_FILE_UNKNOWN: check when asked, a walk in the target's root that
 *  costs more than evaluating the rules for a new process), and forget
 *  whether a field asked.  An evaluation under each assumption that
 *  matches no rule either way needs no check. */
void live_event_assume_exec_file (struct live_event *ev, enum exec_file f);

/** Whether a field depended on the exec's file since the last
 *  live_event_assume_exec_file. */
bool live_event_exec_file_asked (const struct live_event *ev);

/** Look up whether the file ev's exec names exists, and make ev's fields
 *  take the answer (EXEC_FILE_UNKNOWN when the exec names no absolute
 *  path vigil could read). */
enum exec_file live_event_check_exec_file (struct live_event *ev);

/** Whether decisions about calls of event type `type` may be remembered
 *  (decision_cache.h): opens whose flags are in their registers. */
bool live_type_decisions_remembered (int type);

/** The call as a decision about it can be remembered (decision_cache.h):
 *  the registers of ev's syscall, with no path.  Returns false for an
 *  event of a type live_type_decisions_remembered refuses. */
bool live_event_decision_key (const struct live_event *ev, struct decision_key *k);

/** Add to k the path ev's call names, read once for the event
 *  (NUL-terminated, valid while ev is).  Returns false when it cannot be
 *  read or is relative (its meaning depends on the cwd). */
bool live_event_decision_key_path (struct live_event *ev, struct decision_key *k);

/** Whether the evaluation since live_event_init read only what a
 *  remembered decision may rest on (decision_cache.h), and whether it
 *  read the path (which then belongs in the key). */
bool live_event_pure (const struct live_event *ev, bool *read_path);

/** The notifier's thread group id and process instance (the process
 *  table's generation, never reused).  Returns 0, or -1 when it is gone. */
int live_event_process (struct live_event *ev, pid_t *tgid, uint64_t *generation);

/** The notifier's pidfd (owned by the process table), or -1. */
int live_event_pidfd (struct live_event *ev);

/** Prepare ev, an event of type evttype (execve, execveat), for an exec
 *  that has happened, its thread held by vigil in the PTRACE_EVENT_EXEC
 *  stop.  req is made up by the caller (pid: the thread's tid now; it must
 *  outlive ev).  No notification is checked (the stop keeps the pid from
 *  being reused), and process fields describe the program that really
 *  runs, as /proc shows it. */
void live_event_init_held (struct live_event *ev, struct live_source *src, const struct seccomp_notif *req, int evttype,
                           uint64_t num, const char *hostname, struct arena *arena);
/** Record the syscall's result as known (res: the raw value, -errno on
 *  failure): evt.res, evt.rawres, evt.failed and fd.num show it in rules
 *  evaluated afterwards and in alerts. */
void live_event_set_result (struct live_event *ev, int64_t res);

/** Whether `vigil run` can read parameter ref (evt.arg.NAME, evt.rawarg.NAME,
 *  evt.arg[N]) of events of type `type` (as the type a rule names; class
 *  siblings map theirs onto it).  Parameters it cannot read are absent. */
bool live_param_supplied (int type, const struct field_ref *ref);

/** After the answer: keep the process table true (an exec let through). */
void live_event_after (struct live_event *ev, bool continued);

#endif
