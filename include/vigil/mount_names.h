/* vigil: an object's paths from the container's root when the workload
 * reached it through a mount of its own.
 *
 * Inside a user and mount namespace, the workload can bind-mount a
 * directory elsewhere and reach its files under names no rule gives;
 * inside a chroot, a bind mount does the same in vigil's namespace.  The
 * object's mount (statx) is looked up in vigil's mount table, or else in
 * the target's (/proc/<tid>/mountinfo): its root in the filesystem plus
 * the path below its mount point is the object's path in the filesystem,
 * and each of vigil's mounts of that filesystem that shows it gives a name
 * from the container's root.  vigil's table is read again only when the
 * mount table's poll says it changed; the target's is read when an object
 * is on a mount vigil does not have (so only for workloads in a mount
 * namespace of their own). */
#ifndef VIGIL_MOUNT_NAMES_H
#define VIGIL_MOUNT_NAMES_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

struct resolved_path; /* path_resolve.h */

struct mount_table;

struct mount_table *mount_table_new (void);
void mount_table_free (struct mount_table *t);

/** The names from the container's root, other than r's own, of the
 *  object thread tid reached (r): up to max into names, their number
 *  returned (0 when its mount is one of vigil's of a whole filesystem). */
size_t mount_names (struct mount_table *t, pid_t tid, const struct resolved_path *r, char (*names)[PATH_MAX],
                    size_t max);

#endif
