/* vigil validate: load rules files and report every problem. */
#include <stdlib.h>

#include "vigil/cli.h"

static const char usage[] = "Usage: vigil validate [-c CONFIG] [-o KEY=VALUE]... FILE...\n"
                            "Load the rules files in order, as `vigil run -r FILE...` would, and report\n"
                            "every error and warning as file:line:col.  Exit 0 when they load.\n";

int
cmd_validate (int argc, char **argv)
{
  struct engine_args args;
  struct engine e;
  int first = cli_parse_engine_args (argc, argv, &args, usage, NULL, NULL, NULL);

  if (first < 0)
    return first == -2 ? 0 : EXIT_USAGE;
  for (int i = first; i < argc; i++)
    {
      args.rules = realloc (args.rules, (args.nrules + 1) * sizeof *args.rules);
      args.rules[args.nrules++] = argv[i];
    }
  if (args.nrules == 0)
    {
      fputs (usage, stderr);
      free (args.rules);
      free (args.opts);
      return EXIT_USAGE;
    }

  int ret = engine_load (&e, &args);
  cli_print_diag (&e);
  /* Loaded: compiled, whether enabled or turned off with `enabled: false`;
   * skipped: left out for a reason the diagnostics give. */
  size_t skipped = e.rs ? e.rs->nskipped : 0;
  size_t loaded = e.rs ? e.rs->nrules - skipped : 0;
  size_t disabled = e.rs ? loaded - e.rs->nenabled : 0;
  printf ("%zu rules loaded", loaded);
  if (disabled)
    printf (" (%zu disabled)", disabled);
  printf (", %zu skipped, %zu warnings", skipped, e.diag.nwarnings);
  if (e.diag.nerrors)
    printf (", %zu errors", e.diag.nerrors);
  putchar ('\n');
  engine_free (&e);
  free (args.rules);
  free (args.opts);
  return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
