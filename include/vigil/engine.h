/* vigil: the rule engine as the commands use it: configuration, rules
 * files (or the built-in default policy), compiled ruleset. */
#ifndef VIGIL_ENGINE_H
#define VIGIL_ENGINE_H

#include <stddef.h>

#include "vigil/config.h"
#include "vigil/diag.h"
#include "vigil/error.h"
#include "vigil/output.h"
#include "vigil/rules.h"

struct engine {
  struct vigil_config cfg;
  struct rules_defs defs;
  struct ruleset *rs;
  struct diag_list diag; /* every error and warning found while loading */
};

/* What the command line said. */
struct engine_args {
  const char **rules; /* -r, in order */
  size_t nrules;
  const char *config; /* -c */
  const char **opts;  /* -o KEY=VALUE, in order */
  size_t nopts;
  enum compile_for target; /* the command that loads them */
};

/** Load the configuration, then the rules files (-r, else the config's
 *  rules_files, else the built-in default policy), and compile them.
 *  Diagnostics go to e->diag for the caller to print; returns -1 when any
 *  of them is an error. */
int engine_load (struct engine *e, const struct engine_args *args);

void engine_free (struct engine *e);

/** What vigil did about an event, as alerts say it: "log", "deny",
 *  "kill", or "would-deny"/"would-kill" in monitor mode. */
const char *engine_action_text (enum action a, enum vigil_mode mode);

/** The internal alert raised when a deny/kill rule applied because a field
 *  could not be read ("vigil internal: unknown field"). */
struct alert *engine_alert_unknown (const struct rule_match *m, const char *action, uint64_t ts,
                                    const char *hostname);

/** The built-in default policy (policies/default.yaml). */
const char *engine_default_policy (size_t *len);

/** Name under which the built-in policy appears in diagnostics. */
#define ENGINE_DEFAULT_POLICY_NAME "<built-in>/default.yaml"

#endif
