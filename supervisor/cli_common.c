/* vigil: option parsing shared by the engine commands. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/cli.h"
#include "vigil/error.h"

static void
push (const char ***v, size_t *n, const char *s)
{
  *v = xrealloc (*v, (*n + 1) * sizeof **v);
  (*v)[(*n)++] = s;
}

int
cli_parse_engine_args (int argc, char **argv, struct engine_args *args, const char *usage,
                       const char *extra_long, int (*on_extra) (const char *name, void *ctx), void *ctx)
{
  struct option longopts[] = {
    { "rules", required_argument, NULL, 'r' },
    { "config", required_argument, NULL, 'c' },
    { "option", required_argument, NULL, 'o' },
    { "help", no_argument, NULL, 'h' },
    { extra_long ? extra_long : "", no_argument, NULL, 'x' },
    { NULL, 0, NULL, 0 },
  };
  int c;

  if (extra_long == NULL)
    longopts[4] = (struct option){ NULL, 0, NULL, 0 };
  memset (args, 0, sizeof *args);
  optind = 1;
  opterr = 1;
  while ((c = getopt_long (argc, argv, "+r:c:o:h", longopts, NULL)) != -1)
    switch (c)
      {
      case 'r':
        push (&args->rules, &args->nrules, optarg);
        break;
      case 'c':
        args->config = optarg;
        break;
      case 'o':
        push (&args->opts, &args->nopts, optarg);
        break;
      case 'h':
        fputs (usage, stdout);
        return -2;
      case 'x':
        if (on_extra && on_extra (extra_long, ctx) == 0)
          break;
        /* fall through */
      default:
        fputs (usage, stderr);
        return -1;
      }
  return optind;
}

void
cli_print_diag (const struct engine *e)
{
  diag_print (&e->diag, stderr);
}
