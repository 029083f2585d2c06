/* vigil: user and group ids as a workload in a user namespace of its own
 * passes them, numbered as vigil's namespace numbers them.
 *
 * A chown that vigil performs for the target runs in vigil's user
 * namespace; the kernel would have read the ids in the target's. */
#ifndef VIGIL_USERNS_IDS_H
#define VIGIL_USERNS_IDS_H

#include <stdint.h>
#include <sys/types.h>

/** uid and gid as thread tid passed them (-1: no change, kept), mapped
 *  through /proc/<tid>/{uid,gid}_map into *u and *g.  Returns 0, -EINVAL
 *  where one has no mapping (the kernel's answer), or -EPERM when the
 *  maps cannot be read. */
int userns_map_owner (pid_t tid, unsigned long uid, unsigned long gid, uint32_t *u, uint32_t *g);

#endif
