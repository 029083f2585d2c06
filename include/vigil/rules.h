/* vigil: the compiled rule engine.
 *
 *   rules_defs  --rules_compile-->  ruleset  --rules_evaluate(event)-->  matches
 *
 * Rules are compiled once and indexed by event type; an event is only
 * evaluated against the rules that can fire on its type. */
#ifndef VIGIL_RULES_H
#define VIGIL_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/diag.h"
#include "vigil/event.h"
#include "vigil/evttypes.h"
#include "vigil/fields.h"
#include "vigil/ruleset_defs.h"

struct output_format; /* output.h */
struct cnode;         /* compiled condition, rules_eval.c */

/* What the rules are compiled for: which of the parameters vigil's live
 * source cannot read are reported, and how (rule_check_params). */
enum compile_for {
  COMPILE_CHECK,  /* validate, list: a warning (the rules may serve replay) */
  COMPILE_LIVE,   /* run: an error for a deny/kill rule, a warning for log */
  COMPILE_REPLAY, /* replay: recorded events carry them; not reported */
};

struct compile_opts {
  enum priority min_priority; /* rules below are not loaded (Falco's `priority`) */
  enum compile_for target;
};

/* A type a deny/kill rule is enforced on without naming it: a sibling in
 * the syscall class of a type it names (evttypes.h), evaluated for the
 * rule as the type `as` it names. */
struct rule_alias {
  int type;
  int as;
  const struct evtclass_guard *guard; /* NULL: the type always belongs */
  const struct field_ref *guard_ref;  /* evt.rawarg.<guard's argument> */
};

/* A compiled rule. */
struct rule {
  const char *name;
  const char *desc;
  const char *output;
  const char *source;
  enum priority priority;
  enum action action;
  int errno_value;
  char **tags;
  size_t ntags;
  bool enabled;     /* compiled and evaluated */
  const char *skip_reason; /* when !enabled: "disabled", "unsupported field 'x'", ... */
  struct diag_loc loc;
  struct evttype_set types; /* event types the rule can match */
  bool all_types;           /* the condition does not restrict evt.type */
  struct evttype_set enforced; /* types it is evaluated on: `types`, and for a
                                  deny/kill rule the class siblings of those */
  struct rule_alias *aliases;  /* the siblings added, sorted by type */
  size_t naliases;
  bool result_assumed;      /* reads result fields (evt.res, fd.num...) that live
                               supervision evaluates as if the syscall succeeded */
  const char *replay_only_field; /* a field only recorded events carry, or NULL:
                                    the rule cannot fire under live supervision */
  size_t index;             /* position in the ruleset, the order of Falco's rule_matching */
  struct cnode *cond;
  struct output_format *fmt;
};

/* A constraint on one scalar argument, true of every rule on an event type:
 * the event can only match if the argument satisfies it. */
struct arg_constraint {
  const char *arg;     /* "domain", "request", "flags" */
  bool flags_any;      /* match if (arg & mask) != 0, rather than arg in values */
  uint64_t mask;
  int64_t *values;
  size_t nvalues;
};

/* What the event sources must deliver for one event type. */
struct evttype_need {
  bool needed;   /* some enabled rule watches it */
  bool enforce;  /* a deny or kill rule watches it */
  /* When nonzero, deny/kill rules cover it only where its flags argument
   * has one of these bits (it is a class member by a guard: an open that
   * writes is a ptrace when it reaches /proc/<pid>/mem). */
  uint64_t enforce_flags;
  struct arg_constraint *constraints; /* all must hold for any rule to match */
  size_t nconstraints;
};

struct ruleset {
  struct rule *rules;
  size_t nrules;
  size_t nenabled;
  size_t nskipped;
  /* per event type: indexes of enabled rules, in rule order */
  struct {
    uint32_t *idx;
    size_t n;
  } by_type[EVTTYPE_MAX];
  /* rules evaluated on events of a type vigil does not know (replay) */
  struct {
    uint32_t *idx;
    size_t n;
  } untyped;
  struct evttype_need need[EVTTYPE_MAX];
  struct field_ref **slots; /* every distinct field reference, by slot */
  size_t nslots;
  size_t nmemo;             /* macro results memoized per event */
  void *priv;               /* compiler-owned storage */
};

/** Compile loaded definitions.  Adds every error and warning to d;
 *  returns NULL if there was any error. */
struct ruleset *rules_compile (const struct rules_defs *defs, const struct compile_opts *opts,
                               struct diag_list *d);

void ruleset_free (struct ruleset *rs);

/** Does a deny/kill rule cover syscall `type` (by name; false for a
 *  name this build does not know)? */
bool ruleset_enforces (const struct ruleset *rs, const char *type);

/** Does a deny/kill rule cover any of types[0..n)? */
bool ruleset_enforces_any (const struct ruleset *rs, const char *const *types, size_t n);

/* ---- evaluation ---- */

struct rule_match {
  const struct rule *rule;
  bool unknown; /* a deny/kill rule applied because a field could not be read */
  const struct field_ref *unknown_field;
};

struct match_set {
  struct rule_match *v;
  size_t n, cap;
  enum action action;    /* the strongest action among all matches (ACTION_LOG if none) */
  const struct rule *enforcing; /* the rule that supplied that action, or NULL */
};

/** Per-thread evaluation state: the caches of extracted values. */
struct eval_state;
struct eval_state *eval_state_new (const struct ruleset *rs);
void eval_state_free (struct eval_state *st);

/** Evaluate ev against the rules of its event type.  Every matching
 *  enabled rule is added to out (in rule order), whatever rule_matching
 *  says; out->action is the strongest action.  Returns the number of
 *  matches.  Call eval_state_reset first for each new event. */
size_t rules_evaluate (const struct ruleset *rs, struct eval_state *st, struct event *ev,
                       struct match_set *out);

/** Fetch (and cache for this event) the value of a field reference. */
enum value_state eval_field (struct eval_state *st, struct event *ev, const struct field_ref *ref,
                             struct value *out);

/** Start a new event: forget the values cached for the previous one. */
void eval_state_reset (struct eval_state *st);

/** Forget one field's cached value, so the next eval_field extracts it
 *  again (the live source shows assumed results as <NA> in alerts). */
void eval_field_forget (struct eval_state *st, const struct field_ref *ref);

/** Match the same event again, keeping its extracted values but not the
 *  macro results (so the benchmark can time matching alone). */
void eval_state_rematch (struct eval_state *st);

/** Add a match of r (known) to m, keeping m->action the strongest. */
void match_set_add (struct match_set *m, const struct rule *r);

void match_set_free (struct match_set *m);

#endif
