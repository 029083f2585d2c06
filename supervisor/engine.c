/* vigil: configuration + rules files -> compiled ruleset. */
#include <stdio.h>
#include <string.h>

#include "vigil/engine.h"

extern const char vigil_default_policy[];
extern const char vigil_default_policy_end[];

const char *
engine_default_policy (size_t *len)
{
  *len = (size_t) (vigil_default_policy_end - vigil_default_policy);
  return vigil_default_policy;
}

static int
engine_load_config (struct engine *e, const struct engine_args *args)
{
  int ret = 0;

  config_init (&e->cfg);
  if (args->config && config_load_file (&e->cfg, args->config, &e->diag) < 0)
    ret = -1;
  for (size_t i = 0; i < args->nopts; i++)
    if (config_set_option (&e->cfg, args->opts[i], &e->diag) < 0)
      ret = -1;
  return ret;
}

static void
engine_load_rules (struct engine *e, const struct engine_args *args)
{
  if (args->nrules)
    for (size_t i = 0; i < args->nrules; i++)
      rules_load_file (&e->defs, args->rules[i], &e->diag);
  else if (e->cfg.nrules_files)
    for (size_t i = 0; i < e->cfg.nrules_files; i++)
      rules_load_file (&e->defs, e->cfg.rules_files[i], &e->diag);
  else
    {
      size_t len;
      const char *buf = engine_default_policy (&len);
      rules_load_buffer (&e->defs, diag_intern (&e->diag, ENGINE_DEFAULT_POLICY_NAME), buf, len, &e->diag);
    }
}

int
engine_load (struct engine *e, const struct engine_args *args)
{
  memset (e, 0, sizeof *e);
  if (engine_load_config (e, args) < 0)
    return -1;
  engine_load_rules (e, args);
  /* Compile even after load errors, so every problem is reported at once. */
  struct compile_opts opts = { .min_priority = e->cfg.priority, .target = args->target };
  e->rs = rules_compile (&e->defs, &opts, &e->diag);
  return e->diag.nerrors ? -1 : 0;
}

void
engine_free (struct engine *e)
{
  ruleset_free (e->rs);
  rules_defs_free (&e->defs);
  config_free (&e->cfg);
  diag_list_free (&e->diag);
}

const char *
engine_action_text (enum action a, enum vigil_mode mode)
{
  switch (a)
    {
    case ACTION_DENY:
      return mode == MODE_MONITOR ? "would-deny" : "deny";
    case ACTION_KILL:
      return mode == MODE_MONITOR ? "would-kill" : "kill";
    default:
      return "log";
    }
}

struct alert *
engine_alert_unknown (const struct rule_match *m, const char *action, uint64_t ts, const char *hostname)
{
  char msg[512];
  const char *field = m->unknown_field ? m->unknown_field->key : "?";

  snprintf (msg, sizeof msg, "vigil internal: rule '%s' applied %s: field %s could not be read", m->rule->name,
            action_name (m->rule->action), field);
  const char *kv[] = { "rule", m->rule->name, "field", field, "action", action, NULL };
  return alert_internal ("vigil internal: unknown field", PRIO_WARNING, ts, hostname, msg, kv);
}
