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
                       const struct option *extra, int (*on_extra) (int val, const char *arg, void *ctx), void *ctx)
{
  static const struct option common[] = {
    { "rules", required_argument, NULL, 'r' },
    { "config", required_argument, NULL, 'c' },
    { "option", required_argument, NULL, 'o' },
    { "help", no_argument, NULL, 'h' },
  };
  struct option longopts[32];
  size_t n = 0;
  int c;

  for (size_t i = 0; i < ARRAY_SIZE (common); i++)
    longopts[n++] = common[i];
  for (; extra && extra->name && n < ARRAY_SIZE (longopts) - 1; extra++)
    longopts[n++] = *extra;
  longopts[n] = (struct option){ NULL, 0, NULL, 0 };

  memset (args, 0, sizeof *args);
  optind = 1;
  opterr = 1;
  /* "+": stop at the first operand, so `run -- cmd -r x` keeps cmd's options. */
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
      default:
        if (c >= 256 && on_extra && on_extra (c, optarg, ctx) == 0)
          break;
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
