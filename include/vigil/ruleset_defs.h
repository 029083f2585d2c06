/* vigil: the rules files as loaded, before compilation.
 *
 * rules_load_* reads YAML items into these definitions, applying Falco's
 * redefinition, append, override and enabled semantics in file order;
 * rules_compile turns the result into an executable ruleset. */
#ifndef VIGIL_RULESET_DEFS_H
#define VIGIL_RULESET_DEFS_H

#include <stdbool.h>
#include <stddef.h>

#include "vigil/diag.h"

enum priority {
  PRIO_EMERGENCY,
  PRIO_ALERT,
  PRIO_CRITICAL,
  PRIO_ERROR,
  PRIO_WARNING,
  PRIO_NOTICE,
  PRIO_INFORMATIONAL,
  PRIO_DEBUG,
};
/** Case-insensitive; "info" is informational.  -1 if unknown. */
int priority_parse (const char *s, enum priority *out);
/** "Emergency", ..., "Informational", "Debug" as Falco prints them. */
const char *priority_name (enum priority p);

enum action { ACTION_LOG, ACTION_DENY, ACTION_KILL }; /* ordered by strength */
int action_parse (const char *s, enum action *out);
const char *action_name (enum action a);

struct rdef_list {
  char *name;
  struct diag_loc loc;
  char **items; /* as written; names of other lists are expanded by the compiler */
  struct diag_loc *item_locs;
  size_t nitems;
};

struct rdef_macro {
  char *name;
  struct diag_loc loc;
  struct loctext cond;
};

/* One element of an exception value tuple: a scalar, or a YAML
 * sequence (a list operand for in/pmatch/intersects). */
struct rdef_exc_item {
  char **strs;
  bool *quoted; /* the scalar was quoted: never taken as a list name */
  size_t n;
  bool is_list;
};

struct rdef_exc_tuple {
  struct rdef_exc_item *items; /* one per field */
  size_t nitems;
  struct diag_loc loc;
};

/* An exception: fields, comparison operators, and value tuples. */
struct rdef_exception {
  char *name;
  struct diag_loc loc;
  char **fields;          /* one entry when fields was a single string */
  size_t nfields;
  bool fields_is_list;    /* `fields: [a, b]` rather than `fields: a` */
  char **comps;           /* nfields entries (defaults filled in: "=", or "in" when !fields_is_list) */
  struct rdef_exc_tuple *values; /* for !fields_is_list: one tuple, one list item of all values */
  size_t nvalues;
};

struct rdef_rule {
  char *name;
  struct diag_loc loc;
  char *desc;
  struct loctext cond;
  char *output;
  struct diag_loc output_loc;
  enum priority priority;
  char **tags;
  size_t ntags;
  bool enabled;
  char *source;          /* "syscall" unless given */
  struct rdef_exception *exceptions;
  size_t nexceptions;
  enum action action;
  int errno_value;       /* for deny; EPERM by default */
  bool warn_evttypes;
  bool skip_if_unknown_filter;
  bool complete;         /* has condition/output/priority (not only an `enabled` toggle) */
};

struct rules_defs {
  struct rdef_list *lists;
  size_t nlists, lists_cap;
  struct rdef_macro *macros;
  size_t nmacros, macros_cap;
  struct rdef_rule *rules;
  size_t nrules, rules_cap;
  /* required_engine_version seen (as text), informational */
  char *required_engine_version;
};

/** Read one rules file's text (name used in diagnostics) into defs,
 *  applying it on top of what earlier files defined.  Every problem is
 *  added to d; returns -1 if any error was found in this file. */
int rules_load_buffer (struct rules_defs *defs, const char *name, const char *buf, size_t len,
                       struct diag_list *d);

/** Read a file from disk and load it (an unreadable file is an error in d). */
int rules_load_file (struct rules_defs *defs, const char *path, struct diag_list *d);

void rules_defs_free (struct rules_defs *defs);

#endif
