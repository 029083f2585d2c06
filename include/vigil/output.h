/* vigil: alert formatting, as Falco prints alerts.
 *
 * A rule's output string is compiled once into literal segments and
 * field references, with libsinsp's syntax: %proc.name, %proc.aname[2],
 * %evt.arg.flags, %proc.env[HOME], a width (%10proc.name pads or cuts the
 * value to 10 bytes) and transformers (%toupper(proc.name)).  A leading
 * '*' is dropped (Falco always prints <NA> for missing values); %% and
 * %(field) are errors, as in libsinsp.  When a rule matches, alert_build
 * captures the message and the typed values of the fields while the event
 * is still valid; rendering as a text line or as Falco's JSON happens
 * later, off the hot path. */
#ifndef VIGIL_OUTPUT_H
#define VIGIL_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/diag.h"
#include "vigil/fields.h"
#include "vigil/ruleset_defs.h"

struct eval_state;
struct event;
struct rule;

struct output_format;

/** Compile an output string.  Unknown fields and malformed %-references are
 *  errors in d at `loc` (offsets within the string are not tracked in the
 *  message; the field is named), every one of them reported.  Surrounding
 *  whitespace is trimmed as Falco's loader does.  Returns NULL on error. */
struct output_format *output_format_compile (const char *text, struct diag_loc loc, struct diag_list *d);

/** The distinct field references of a format, in order of first use (the
 *  compiler assigns their slots).  A transformed reference such as
 *  toupper(proc.name) comes with the plain one, which is what Falco puts
 *  in output_fields. */
struct field_ref **output_format_fields (struct output_format *f, size_t *n);

/** Render a format back with each field as {key}, a width as {10:key} and
 *  transformers as {toupper(proc.name)}, for debugging and tests.  Caller
 *  frees. */
char *output_format_to_string (const struct output_format *f);

void output_format_free (struct output_format *f);

/* One output field's captured value: typed for JSON (Falco prints numbers
 * as numbers, bools as booleans, missing values as null). */
struct alert_field {
  char *key;      /* "proc.aname[2]" */
  bool present;
  enum value_kind kind; /* VK_STR also for a number in a string-typed field (evt.arg.*) */
  char *str;      /* rendered text as in the message (for strings, the string) */
  int64_t i;
  uint64_t u;
  bool b;
  double d;       /* VK_DOUBLE */
  char **items;   /* VK_LIST: the rendered items, a JSON array of strings */
  size_t nitems;
};

struct alert {
  char *rule;
  enum priority priority;
  char *source;
  char *hostname;
  uint64_t ts;       /* ns since the epoch */
  char *message;     /* the rule's output with fields substituted, <NA> for missing */
  char *action;      /* "log", "deny", "kill", "would-deny", "would-kill"; NULL: no "action" key */
  char **tags;       /* sorted, without duplicates (Falco keeps them in a std::set) */
  size_t ntags;
  struct alert_field *fields; /* sorted by key, as Falco's JSON prints them */
  size_t nfields;
  bool internal;     /* raised by vigil itself (alert_internal): source "internal" */
};

/** Capture an alert for `rule` on `ev`: substitutes the output fields
 *  (through eval_field, so values are extracted once per event).  Missing
 *  values print as <NA> and are null in output_fields.  Everything is
 *  copied: the alert outlives the event. */
struct alert *alert_build (const struct rule *rule, struct eval_state *st, struct event *ev,
                           const char *action);

/** An alert that vigil raises itself ("vigil internal: ..."), with the
 *  given output fields (key/value string pairs, NULL-terminated), printed
 *  as Falco prints its internal alerts: source "internal", no tags, and
 *  the fields appended to the text line as ' (k1="v1" k2="v2")'. */
struct alert *alert_internal (const char *rule, enum priority prio, uint64_t ts, const char *hostname,
                              const char *message, const char *const *kv);

void alert_free (struct alert *a);

struct alert_style {
  bool iso8601;              /* time_format_iso_8601 */
  bool json_include_output;  /* json_include_output_property */
  bool json_include_tags;    /* json_include_tags_property */
  bool json_include_message; /* json_include_message_property (Falco's default: false) */
  bool json_omit_output_fields; /* !json_include_output_fields_property (default: included) */
};

/** The text line: "HH:MM:SS.nnnnnnnnn: Priority message" (local time at
 *  the event), or "2024-01-01T12:00:00.123456789+0000: Priority message"
 *  (UTC) with iso8601.  No trailing newline.  Caller frees. */
char *alert_text (const struct alert *a, const struct alert_style *st);

/** Falco's JSON alert plus vigil's "action", keys sorted as Falco's
 *  nlohmann::json prints them: action, hostname, [message], [output],
 *  [output_fields], priority, rule, source, [tags], time.  output_fields
 *  holds the rule's fields (numbers as numbers, missing as null) and
 *  "evt.time" (or "evt.time.iso8601") in nanoseconds, as Falco adds its
 *  prefix's field.  Invalid UTF-8 becomes U+FFFD.  One line, no newline.
 *  Caller frees. */
char *alert_json (const struct alert *a, const struct alert_style *st);

#endif
