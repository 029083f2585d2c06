/* vigil: ids from a workload's user namespace into vigil's (userns_ids.h). */
#include <errno.h>
#include <stdio.h>

#include "vigil/userns_ids.h"

/* A uid or gid as the target passed it, in its user namespace, as vigil's
 * namespace numbers it (/proc/<tid>/{uid,gid}_map, read from here, says
 * so).  -1 (no change) stays.  Returns 0, or -EINVAL where it has no
 * mapping (the kernel's answer). */
static int
map_id (pid_t tid, const char *map, unsigned long id, uint32_t *out)
{
  char path[64];
  unsigned long inside, outside, count;
  int r = -EINVAL;

  *out = (uint32_t) id;
  if ((uint32_t) id == (uint32_t) -1)
    return 0;
  snprintf (path, sizeof path, "/proc/%d/%s", (int) tid, map);
  FILE *f = fopen (path, "re");
  if (f == NULL)
    return -EPERM;
  while (r < 0 && fscanf (f, "%lu %lu %lu", &inside, &outside, &count) == 3)
    if ((uint32_t) id >= inside && (uint32_t) id - inside < count)
      {
        *out = (uint32_t) (outside + ((uint32_t) id - inside));
        r = 0;
      }
  fclose (f);
  return r;
}

int
userns_map_owner (pid_t tid, unsigned long uid, unsigned long gid, uint32_t *u, uint32_t *g)
{
  int e = map_id (tid, "uid_map", uid, u);
  return e < 0 ? e : map_id (tid, "gid_map", gid, g);
}
