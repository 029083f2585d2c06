/* vigil: where fcntl(F_DUPFD, min) puts its new fd in the target's table
 * (fd_place.h). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/fd_place.h"

int
fd_place_limit (pid_t tid, unsigned long *limit)
{
  char file[64], line[256];
  const char *key = "Max open files";
  int r = -EPERM;

  snprintf (file, sizeof file, "/proc/%d/limits", (int) tid);
  FILE *f = fopen (file, "re");
  if (f == NULL)
    return errno == ENOENT || errno == ESRCH ? -ESRCH : -EPERM;
  while (r < 0 && fgets (line, sizeof line, f) != NULL)
    {
      if (strncmp (line, key, strlen (key)) != 0)
        continue;
      char *p = line + strlen (key), *end;
      p += strspn (p, " ");
      if (strncmp (p, "unlimited", 9) == 0)
        *limit = ULONG_MAX, r = 0;
      else if ((errno = 0, *limit = strtoul (p, &end, 10), errno == 0 && end != p))
        r = 0;
    }
  fclose (f);
  return r;
}

static int
cmp_unsigned (const void *a, const void *b)
{
  unsigned x = *(const unsigned *) a, y = *(const unsigned *) b;
  return x < y ? -1 : x > y;
}

/* The numbers in use in thread tid's table, ascending. */
static int
read_table (pid_t tid, struct fd_place *p)
{
  char dir[64];
  size_t cap = 0;
  struct dirent *e;

  snprintf (dir, sizeof dir, "/proc/%d/fd", (int) tid);
  DIR *d = opendir (dir);
  if (d == NULL)
    return errno == ENOENT || errno == ESRCH ? -ESRCH : -EPERM;
  while ((e = readdir (d)) != NULL)
    {
      char *end;
      unsigned long n = strtoul (e->d_name, &end, 10);
      if (e->d_name[0] < '0' || e->d_name[0] > '9' || *end != '\0' || n > UINT_MAX)
        continue;
      if (p->nused == cap)
        {
          unsigned *more = realloc (p->used, (cap = cap ? 2 * cap : 64) * sizeof *more);
          if (more == NULL)
            {
              closedir (d);
              return -EPERM;
            }
          p->used = more;
        }
      p->used[p->nused++] = (unsigned) n;
    }
  closedir (d);
  qsort (p->used, p->nused, sizeof *p->used, cmp_unsigned);
  return 0;
}

/* The lowest number >= from not in p->used. */
static unsigned long
lowest_free (const struct fd_place *p, unsigned long from)
{
  for (size_t i = 0; i < p->nused; i++)
    if (p->used[i] == from)
      from++;
    else if (p->used[i] > from)
      break;
  return from;
}

int
fd_place_find (pid_t tid, unsigned min, struct fd_place *p)
{
  int r;

  memset (p, 0, sizeof *p);
  /* The kernel's order: the limit first (f_dupfd), then a free number. */
  if ((r = fd_place_limit (tid, &p->limit)) < 0)
    return r;
  if (min >= p->limit)
    return -EINVAL;
  if ((r = read_table (tid, p)) < 0)
    return r;
  size_t below = 0;
  while (below < p->nused && p->used[below] < min)
    below++;
  p->lowest = below == min;
  unsigned long n = lowest_free (p, min);
  if (n >= p->limit)
    return -EMFILE;
  p->n = (unsigned) n;
  return 0;
}

int
fd_place_next (struct fd_place *p)
{
  unsigned long n = lowest_free (p, (unsigned long) p->n + 1);
  if (n >= p->limit)
    return -EMFILE;
  p->n = (unsigned) n;
  return 0;
}

void
fd_place_release (struct fd_place *p)
{
  free (p->used);
  p->used = NULL;
  p->nused = 0;
}
