/* vigil: the commands.  Each takes the arguments after its name and
 * returns the process exit status. */
#ifndef VIGIL_CLI_H
#define VIGIL_CLI_H

#include <stdio.h>

#include "vigil/engine.h"

/* Exit statuses of vigil's own commands. */
#define EXIT_USAGE 2

/** `vigil validate FILE...` */
int cmd_validate (int argc, char **argv);
/** `vigil list [-r FILE]... [-c CONFIG] [-o KEY=VALUE]... [--fields]` */
int cmd_list (int argc, char **argv);
/** `vigil replay [-r FILE]... [-c CONFIG] [-o KEY=VALUE]... [EVENTS|-]` */
int cmd_replay (int argc, char **argv);

/** Parse the options every engine command shares (-r, -c, -o, -h) with
 *  getopt_long; `extra` lists further long options the command handles
 *  itself through on_extra.  Returns the index of the first operand, -1
 *  on a usage error (message printed), or -2 when --help was printed. */
int cli_parse_engine_args (int argc, char **argv, struct engine_args *args, const char *usage,
                           const char *extra_long, int (*on_extra) (const char *name, void *ctx),
                           void *ctx);

/** Print load diagnostics to stderr. */
void cli_print_diag (const struct engine *e);

#endif
