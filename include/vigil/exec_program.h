/* vigil: the program an exec really runs, when it is not the file the
 * kernel executed under that file's name: a hard link to a program, or the
 * dynamic loader running one (`ld-linux-x86-64.so.2 /usr/bin/id`).  Deny
 * and kill rules on proc.exepath and proc.name see that program too
 * (exec_verify.c, at the exec stop).  A copy of a program is another
 * file: only rules on its content (issue 12's drift rules) can tell. */
#ifndef VIGIL_EXEC_PROGRAM_H
#define VIGIL_EXEC_PROGRAM_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

struct object_ids;  /* object_ids.h */
struct ruleset;     /* rules.h */
struct eval_state;  /* rules.h */
struct match_set;   /* rules.h */
struct live_event;  /* event_live.h */

#define EXEC_PROGRAM_NAMES 4

struct exec_program {
  char path[PATH_MAX]; /* the loader's program, from the container's root; "" if none */
  bool unknown;        /* the loader runs a program vigil cannot name */
  const char *names[EXEC_PROGRAM_NAMES]; /* paths of ids that name the program's file */
  size_t nnames;
};

/** At the exec stop of pid (ev, a held event the rules saw, m its
 *  matches): evaluate the rules again as an exec of the program that
 *  really runs, under each of its names (ids: the files proc.exepath
 *  literals of deny/kill rules name; may be NULL), and add to m the deny
 *  and kill rules that match so.  A loader's program vigil cannot name
 *  makes proc.exepath and proc.name unknown: a deny/kill rule that then
 *  may hold applies.  ev->program is left as the name alerts show.
 *  Returns whether pid is a loader that will open a program: the name in
 *  its argv was checked, but the file the loader opens by that name is
 *  the program (exec_program_evaluate_file). */
bool exec_program_evaluate (struct object_ids *ids, const struct ruleset *rs, struct eval_state *st,
                            struct live_event *ev, pid_t pid, struct match_set *m, struct match_set *scratch);

/** Is the file fd (opened by a loader) a program, not a library: an ELF
 *  executable, or a shared object that names an interpreter (a PIE)?  A
 *  file vigil cannot read is taken for one. */
bool exec_program_file_is_program (int fd);

/** Evaluate ev (held, m its matches) again as an exec of the program file
 *  fd, under its path from vigil's root and each path of ids that names
 *  it; deny and kill matches are added to m.  fd -1: a program vigil
 *  could not see (proc.exepath and proc.name unknown). */
void exec_program_evaluate_file (struct object_ids *ids, const struct ruleset *rs, struct eval_state *st,
                                 struct live_event *ev, int fd, struct match_set *m, struct match_set *scratch);

#endif
