/* vigil: libFuzzer target for the rules-file loader.
 *
 * Loads the input as a rules file, then loads it a second time on top of
 * the first (so redefinition, append and override meet definitions that
 * exist), checks that every diagnostic is well formed, and frees
 * everything. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/ruleset_defs.h"

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
  for (size_t i = 0; i < d.n; i++)
    if (d.v[i].msg == NULL || d.v[i].loc.file == NULL)
      abort ();
  rules_defs_free (&defs);
  diag_list_free (&d);
  return 0;
}
