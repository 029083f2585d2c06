/* vigil: event types (Falco's event names, syscalls by name) and the
 * symbolic constants of scalar syscall arguments. */
#ifndef VIGIL_EVTTYPES_H
#define VIGIL_EVTTYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Upper bound of event type ids, so sets can be fixed-size bitsets. */
#define EVTTYPE_MAX 1024

struct evttype_set {
  uint64_t bits[EVTTYPE_MAX / 64];
};

/** Id of a Falco event type name ("openat", "execve", "procexit"), or -1. */
int evttype_lookup (const char *name);
/** Name of an id, or NULL. */
const char *evttype_name (int id);
/** Number of known event types: ids are 0 .. count-1. */
size_t evttype_count (void);
/** True if the event type is a system call (as opposed to Falco's
 *  internal events such as "container" or "procexit"). */
bool evttype_is_syscall (int id);

static inline void
evttype_set_add (struct evttype_set *s, int id)
{
  s->bits[id / 64] |= 1ull << (id % 64);
}
static inline bool
evttype_set_has (const struct evttype_set *s, int id)
{
  return (s->bits[id / 64] >> (id % 64)) & 1;
}
/** Every known event type. */
void evttype_set_fill (struct evttype_set *s);
void evttype_set_union (struct evttype_set *dst, const struct evttype_set *src);
void evttype_set_intersect (struct evttype_set *dst, const struct evttype_set *src);
/** dst = all known types minus dst. */
void evttype_set_complement (struct evttype_set *dst);
size_t evttype_set_count (const struct evttype_set *s);
bool evttype_set_is_full (const struct evttype_set *s);

/* ---- syscall classes ----
 *
 * Syscalls that do the same thing: a deny/kill rule on one member is
 * enforced on all of them (opens, chmods, sends, dups, namespaces, mounts,
 * ptrace, connects: every call that reaches a new peer).  A member the
 * rule does not name is evaluated for the rule as the sibling it names
 * (the event presents itself as that type), each parameter of the
 * sibling taken from the member by name (evtclass_arg). */

/** Number of classes: they are numbered from 0. */
int evtclass_count (void);

/** Whether event type id is a member of class cls (a syscall may be a
 *  member of several: an open of /proc/<pid>/mem is also a ptrace). */
bool evtclass_has (int id, int cls);

/** Whether a rule naming `id` is about class cls, so that it is enforced
 *  on the whole class: a rule on opens is no rule on ptrace, although an
 *  open may be one. */
bool evtclass_named_by (int id, int cls);

/** Add every member of class cls to s. */
void evtclass_members (int cls, struct evttype_set *s);

/** The sibling member `id` of class cls presents itself as for a rule
 *  naming the types in named: the first member of cls (in the class's
 *  order) named, or -1. */
int evtclass_presented_as (int id, int cls, const struct evttype_set *named);

/* Some members belong to their class only for some values of one scalar
 * argument (clone with CLONE_NEW* flags, fcntl with F_DUPFD*), others for
 * what the call reaches or names in memory (an open of /proc/<pid>/mem is
 * a ptrace, a rename over a file an unlink of it, a setxattr of an ACL a
 * chmod).  A member the class is not named by joins it only through such
 * an event test: a rule on opens is no rule on ptrace. */
enum evtclass_test {
  ET_ARG,       /* the scalar argument `arg` decides (flags_any / values) */
  ET_ALWAYS,    /* every call is a member (rename takes oldpath's name away) */
  ET_PROC_MEM,  /* it opens a process's memory, /proc/<pid>/mem */
  ET_REPLACES,  /* a rename whose new path names a file it replaces or exchanges */
  ET_ACL_XATTR, /* a setxattr of system.posix_acl_access or _default */
  ET_NAMES_PEER, /* a send that names a destination (a new peer: a connect);
                    `arg` still narrows the filter (a non-null address) */
};

struct evtclass_guard {
  const char *arg;     /* as in evt.rawarg.ARG; NULL: the filter cannot narrow */
  bool flags_any;      /* (arg & mask) != 0, else arg in values */
  uint64_t mask;
  int64_t values[2];
  size_t nvalues;
  enum evtclass_test test; /* not ET_ARG: the event decides (event_ops.in_class) */
  int view;            /* which of the member's presentations this is: a rename
                          is an unlink of its old path (0) and of its new (1) */
};

/** Whether path names a process's memory where procfs is mounted at
 *  /proc: /proc/<pid>/mem or /proc/<pid>/task/<tid>/mem (what a recorded
 *  event or an unresolved path can tell). */
bool evtclass_proc_mem_path (const char *path);

/** Whether an extended attribute's name is one of the POSIX ACLs, whose
 *  setting changes a file's permissions as chmod does. */
bool evtclass_acl_xattr_name (const char *name);

/** The guard of member `id` of class cls, or NULL when it always belongs. */
const struct evtclass_guard *evtclass_guard (int id, int cls);

/** Every way member `id` belongs to class cls (a rename is an unlink of
 *  each of its two paths): up to max guards (NULL: always) into out.
 *  Returns how many. */
size_t evtclass_guards (int id, int cls, const struct evtclass_guard **out, size_t max);

/** Whether value v of the guarded argument makes the event a member. */
bool evtclass_guard_holds (const struct evtclass_guard *g, int64_t v);

/* Where a member takes a parameter its presented sibling has. */
enum evtclass_how {
  EC_SAME,    /* its own parameter of that name (absent from it: unobtainable) */
  EC_RENAMED, /* its own parameter `name` (setns's nstype for unshare's flags) */
  EC_CONST,   /* a constant (creat's flags are O_WRONLY|O_CREAT|O_TRUNC) */
  EC_FD_PATH, /* the path of its fd parameter `name` (fchmod's filename) */
  EC_NONE,    /* it has no such thing (open_by_handle_at's path): unobtainable */
};

struct evtclass_arg {
  enum evtclass_how how;
  const char *name;
  int64_t value;
};

/** How member `id`, in presentation `view` (evtclass_guard.view), supplies
 *  parameter `param` of the sibling it is presented as. */
void evtclass_arg (int id, int view, const char *param, struct evtclass_arg *out);

/** Value of a symbolic constant of a syscall argument as Falco renders it:
 *  argconst_lookup("domain", "AF_INET") = 2, ("request", "PTRACE_ATTACH")
 *  = 16, ("flags", "O_WRONLY") = 1, ("flags", "O_CREAT") = 0100.  Returns
 *  -1 if unknown.  *is_flag is set when the argument is a bit set. */
int argconst_lookup (const char *arg, const char *sym, int64_t *out, bool *is_flag);

/** Render `value` of argument `arg` as Falco prints it: a symbol
 *  (AF_PACKET), or flags joined with '|' (O_WRONLY|O_CREAT); `prefix`
 *  ("O_", "CLONE_" or NULL) picks a family in a shared table.  Falls back
 *  to decimal.  Returns the length written (truncated to size-1). */
size_t argconst_render (const char *arg, const char *prefix, int64_t value, char *buf, size_t size);

#endif
