/* vigil: the objects that deny and kill rules name.
 *
 * A rule on `fd.name = /srv/secret` is about a file, but a name is not the
 * file: a hard link, a chroot or a bind mount (in a user and mount
 * namespace of the workload's own) reaches the same object under another
 * name.  So for deny and kill rules vigil decides on the object too.  The
 * literal paths those rules compare fd.name with (`=`, `in`) are resolved
 * to device and inode numbers in vigil's root, the container's; an object
 * an emulated open reached that has the identity of one of them is also
 * evaluated under that name, and a chrooted target's object under its
 * path from the container's root.  The same holds for the path arguments
 * of the path syscalls vigil performs (`evt.arg.filename` of a chmod...)
 * where the call acts on the object: chmod, setxattr, link's old path.
 * Log rules keep Falco's semantics: they see only the name the walk took.
 *
 * The identities are kept current without a stat per open: inotify
 * watches every directory on the way to each literal path (a rename or
 * unlink of any component, or of the file, is an event), and the mount
 * table's poll says when a mount changed what a path names.  Each lookup
 * polls both (one syscall); only after a change are the paths stat'ed
 * again. */
#ifndef VIGIL_OBJECT_IDS_H
#define VIGIL_OBJECT_IDS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "vigil/error.h"

struct ruleset;     /* rules.h */
struct eval_state;  /* rules.h */
struct match_set;   /* rules.h */
struct live_event;  /* event_live.h */
struct mount_table; /* mount_names.h */
struct resolved_path; /* path_resolve.h */

struct object_ids;

/** The literal absolute paths that the enabled deny and kill rules of rs
 *  compare one of `fields` (NULL-ended, by key: "fd.name",
 *  "evt.arg.path") with by `=` or `in`, each once.  Returns their number;
 *  *out (NULL when none) is freed with free(), its strings borrowed from
 *  rs.  *others (if not NULL): whether those rules also compare the
 *  fields otherwise (startswith, glob...). */
size_t object_ids_collect (const struct ruleset *rs, const char *const *fields, const char ***out, bool *others);

/** Track the objects that paths[0..n) name.  NULL when n is 0.  Returns
 *  NULL with *err set when vigil cannot watch them (inotify). */
struct object_ids *object_ids_new (const char *const *paths, size_t n, vigil_error_t *err);
void object_ids_free (struct object_ids *o);

/** The tracked paths that name the object (dev, ino) now: up to max of
 *  them in names[], their number returned. */
size_t object_ids_names (struct object_ids *o, dev_t dev, ino_t ino, const char **names, size_t max);

/** How often o stat'ed its paths (once at the start, then after changes). */
unsigned long object_ids_reads (const struct object_ids *o);

/** After the rules saw ev, an emulated open, under the name its walk took
 *  (m holds the matches): evaluate them again under each other name of
 *  the object (its path from the container's root when the target is
 *  chrooted; through mounts, when mounts is not NULL; and each path of
 *  ids that names it, when ids is not NULL), and add to m the deny and
 *  kill rules that match so.  ev->object_name is then the name alerts
 *  show: the one that decided, or the path from the container's root.
 *  scratch is a match set to evaluate into. */
void object_names_evaluate (struct object_ids *ids, struct mount_table *mounts, const struct ruleset *rs,
                            struct eval_state *st, struct live_event *ev, struct match_set *m,
                            struct match_set *scratch);

/* A path argument of a path syscall vigil performs (emulate_path.h), or
 * the object of an fd call it performs (emulate_fd.h). */
struct object_arg {
  /* What the rules read as its name (ev->arg_override[i] of a path
   * argument, ev->fd_name of an fd's object): NULL reads the walk's. */
  const char **slot;
  const struct resolved_path *r; /* what its walk reached (an fd: the duplicate) */
  /* The call acts on the object (chmod, setxattr, link's old path), not
   * on the name alone (unlink, rename, mkdir...). */
  bool object;
};

/** The same second look for a path syscall vigil performs, after the
 *  rules saw its arguments under the names the walks took (and for the
 *  object of an fd call, which acts on the object): each of
 *  args[0..nargs) is evaluated again (through its slot) under its
 *  path from the container's root, its paths through mounts (mounts not
 *  NULL) and, where it names the object, each path of ids that names
 *  that object.  A name is a directory entry: unlinking or renaming a
 *  hard link leaves the object and its other names as they were, so
 *  those calls get the entry's other paths (chroot, mounts) only.  The
 *  argument then reads as the name that decided, or the path from the
 *  container's root. */
void object_args_evaluate (struct object_ids *ids, struct mount_table *mounts, const struct ruleset *rs,
                           struct eval_state *st, struct live_event *ev, const struct object_arg *args,
                           size_t nargs, struct match_set *m, struct match_set *scratch);

#endif
