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

/** `vigil run [OPTION]... -- COMMAND [ARG]...` */
int cmd_run (int argc, char **argv);

struct option;

/** Parse the options every engine command shares (-r, -c, -o, -h) with
 *  getopt_long; `extra` lists further long options (terminated by a zero
 *  entry, each with a `val` of 256 or more) that the command handles in
 *  on_extra.  Returns the index of the first operand, -1 on a usage error
 *  (message printed), or -2 when --help was printed. */
int cli_parse_engine_args (int argc, char **argv, struct engine_args *args, const char *usage,
                           const struct option *extra, int (*on_extra) (int val, const char *arg, void *ctx),
                           void *ctx);

/** Print load diagnostics to stderr. */
void cli_print_diag (const struct engine *e);

#endif
