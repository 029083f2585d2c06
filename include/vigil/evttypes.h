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
