/* vigil: an event as the rule engine sees it.  Event sources (replay of
 * recorded JSON, the live supervisor) implement extract(); the engine
 * calls it lazily, once per field per event. */
#ifndef VIGIL_EVENT_H
#define VIGIL_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "vigil/fields.h"

struct event;

struct event_ops {
  /** Extract ref's value (ignoring ref->tr: the engine applies transformers).
   *  Storage behind *out must stay valid until the event is finished. */
  enum value_state (*extract) (struct event *ev, const struct field_ref *ref, struct value *out);
  /** Whether the event passes a class membership test the event decides
   *  (enum evtclass_test: it opens /proc/<pid>/mem, its rename replaces a
   *  file, it sets an ACL): 1, 0, or -1 when that cannot be known.
   *  NULL: -1. */
  int (*in_class) (struct event *ev, int test);
};

struct event {
  const struct event_ops *ops;
  int type;             /* event type id (evttypes.h), -1 when unknown */
  uint64_t ts;          /* nanoseconds since the epoch */
  const char *hostname; /* as the alert should print it */
  /* Set by the evaluator while a deny/kill rule that names a sibling of
   * the event's syscall class is evaluated (evttypes.h): the event then
   * presents itself as that sibling, `alias`, to evt.type and evt.arg, in
   * presentation `alias_view` (evtclass_guard.view: which of a rename's
   * paths is the unlink's). */
  bool aliased;
  int alias;
  int alias_view;
};

/** The type rules see: the sibling while aliased, else the event's own. */
static inline int
event_presented_type (const struct event *ev)
{
  return ev->aliased ? ev->alias : ev->type;
}

/* ---- replay: events recorded as one JSON object per line ---- */

struct replay_event; /* event_json.c */

/** Parse one JSON line keyed by Falco field names.  Returns NULL with a
 *  message in msg when the line is no JSON object or lacks "evt.type".
 *  JSON null marks a value vigil could not read (VAL_UNREADABLE); an
 *  absent key is VAL_ABSENT.  default_hostname is used when the line has
 *  no "evt.hostname". */
struct replay_event *replay_event_parse (const char *line, size_t len, const char *default_hostname,
                                         char *msg, size_t msgsz);
struct event *replay_event_base (struct replay_event *re);
void replay_event_free (struct replay_event *re);

#endif
