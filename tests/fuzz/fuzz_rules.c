/* vigil: libFuzzer target for the rules pipeline.
 *
 * Loads the input as a rules file, then loads it a second time on top of
 * the first (so redefinition, append and override meet definitions that
 * exist), checks that every diagnostic is well formed, compiles the
 * result, evaluates a few fixed events against it and renders the alerts,
 * and frees everything. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/event.h"
#include "vigil/output.h"
#include "vigil/rules.h"
#include "vigil/ruleset_defs.h"

static const char *const events[] = {
  "{\"evt.type\":\"openat\",\"evt.time\":1,\"proc.name\":\"cat\",\"fd.name\":\"/etc/shadow\","
  "\"fd.typechar\":\"f\",\"fd.num\":3,\"evt.is_open_read\":true,\"proc.aname\":[\"cat\",\"bash\"],"
  "\"user.uid\":0,\"container.id\":\"abc\"}",
  "{\"evt.type\":\"execve\",\"evt.time\":2,\"proc.name\":\"sh\",\"proc.cmdline\":\"sh -c x\","
  "\"proc.tty\":34816,\"fd.name\":null,\"proc.env\":{\"HOME\":\"/root\"}}",
  "{\"evt.type\":\"connect\",\"evt.time\":3,\"fd.sip\":\"10.0.0.1\",\"fd.sport\":443,\"fd.net\":\"10.0.0.1\"}",
  "{\"evt.type\":\"no_such_event\"}",
};

static void
evaluate (const struct ruleset *rs)
{
  struct eval_state *st = eval_state_new (rs);
  struct match_set m = { 0 };
  struct alert_style style = { .json_include_output = true, .json_include_tags = true };
  char msg[256];

  for (size_t i = 0; i < sizeof events / sizeof events[0]; i++)
    {
      struct replay_event *re = replay_event_parse (events[i], strlen (events[i]), "fuzz", msg, sizeof msg);
      if (re == NULL)
        abort (); /* the fixed events are valid */
      struct event *ev = replay_event_base (re);
      eval_state_reset (st);
      rules_evaluate (rs, st, ev, &m);
      for (size_t k = 0; k < m.n; k++)
        {
          struct alert *a = alert_build (m.v[k].rule, st, ev, "log");
          free (alert_text (a, &style));
          free (alert_json (a, &style));
          alert_free (a);
        }
      replay_event_free (re);
    }
  match_set_free (&m);
  eval_state_free (st);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_defs (const struct rules_defs *defs)
{
  for (size_t i = 0; i < defs->nrules; i++)
    {
      const struct rdef_rule *r = &defs->rules[i];
      if (r->name == NULL || r->cond.s == NULL || r->output == NULL || r->desc == NULL || r->source == NULL)
        abort (); /* a stored rule is complete */
      if (strlen (r->cond.s) > r->cond.len)
        abort ();
      for (size_t e = 0; e < r->nexceptions; e++)
        for (size_t t = 0; t < r->exceptions[e].nvalues; t++)
          if (r->exceptions[e].fields_is_list && r->exceptions[e].values[t].nitems != r->exceptions[e].nfields)
            abort (); /* tuples are validated against the fields */
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct rules_defs defs = { 0 };
  struct diag_list d = { 0 };

  for (int pass = 0; pass < 2; pass++)
    {
      size_t nerrors = d.nerrors;
      int ret = rules_load_buffer (&defs, "fuzz.yaml", (const char *) data, size, &d);
      if ((ret < 0) != (d.nerrors > nerrors))
        abort (); /* -1 exactly when this load added an error */
      check_defs (&defs);
    }
  size_t nerrors = d.nerrors;
  struct ruleset *rs = rules_compile (&defs, NULL, &d);
  if ((rs == NULL) != (d.nerrors > nerrors))
    abort (); /* NULL exactly when compiling found an error */
  if (rs)
    evaluate (rs);
  ruleset_free (rs);
  for (size_t i = 0; i < d.n; i++)
    if (d.v[i].msg == NULL || d.v[i].loc.file == NULL)
      abort ();
  rules_defs_free (&defs);
  diag_list_free (&d);
  return 0;
}
