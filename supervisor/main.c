/* vigil: Falco's rules, enforced from inside the container.
 *
 * main() only dispatches: every command lives in its own cmd_*.c. */
#include <stdio.h>
#include <string.h>

#include "vigil/cli.h"

static const char usage[] =
    "Usage: vigil COMMAND [OPTION]... [ARG]...\n"
    "Evaluate Falco rules against what a workload does.\n"
    "\n"
    "Commands:\n"
    "  validate FILE...        check rules files; report every problem as file:line:col\n"
    "  list [-r FILE]...       show the rules, their actions and the event types they watch\n"
    "  replay [-r FILE]... [EVENTS.jsonl|-]\n"
    "                          evaluate recorded events and print alerts as Falco does\n"
    "  run [-r FILE]... -- COMMAND [ARG]...\n"
    "                          run COMMAND under seccomp user notification, enforcing the rules\n"
    "\n"
    "Options:\n"
    "  -h, --help              show this help (or a command's: vigil COMMAND --help)\n"
    "  -V, --version           show the version\n"
    "\n"
    "With no -r, vigil uses its built-in default policy.\n";

static const struct command {
  const char *name;
  int (*fn) (int argc, char **argv);
} commands[] = {
  { "validate", cmd_validate },
  { "list", cmd_list },
  { "replay", cmd_replay },
  { "run", cmd_run },
};

int
main (int argc, char **argv)
{
  if (argc < 2)
    {
      fputs (usage, stderr);
      return EXIT_USAGE;
    }
  if (strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "--help") == 0)
    {
      fputs (usage, stdout);
      return 0;
    }
  if (strcmp (argv[1], "-V") == 0 || strcmp (argv[1], "--version") == 0)
    {
      printf ("vigil %s\n", VIGIL_VERSION);
      return 0;
    }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return commands[i].fn (argc - 1, argv + 1);
  fprintf (stderr, "vigil: unknown command '%s'\n\n%s", argv[1], usage);
  return EXIT_USAGE;
}
