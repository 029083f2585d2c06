/* vigil: an object's paths from the container's root when the workload
 * reached it through a mount of its own (see mount_names.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "vigil/error.h"
#include "vigil/mount_names.h"
#include "vigil/path_resolve.h"

struct mount {
  unsigned id;
  dev_t dev;
  char *root;  /* the directory of the filesystem mounted */
  char *point; /* where, from the reader's root */
};

struct mount_table {
  int fd; /* vigil's /proc/self/mountinfo: POLLPRI when a mount changed */
  struct mount *v;
  size_t n, cap;
};

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void
unescape (char *s)
{
  char *o = s;
  for (const char *i = s; *i; i++)
    if (i[0] == '\\' && i[1] >= '0' && i[1] <= '3' && i[2] >= '0' && i[2] <= '7' && i[3] >= '0' && i[3] <= '7')
      {
        *o++ = (char) ((i[1] - '0') * 64 + (i[2] - '0') * 8 + (i[3] - '0'));
        i += 3;
      }
    else
      *o++ = *i;
  *o = '\0';
}

static void
table_clear (struct mount_table *t)
{
  for (size_t i = 0; i < t->n; i++)
    {
      free (t->v[i].root);
      free (t->v[i].point);
    }
  t->n = 0;
}

/* Read a mountinfo file into t (its lines: id parent major:minor root point ...). */
static int
table_read (struct mount_table *t, const char *file)
{
  FILE *f = fopen (file, "re");
  char line[2 * PATH_MAX + 256];

  table_clear (t);
  if (f == NULL)
    return -errno;
  while (fgets (line, sizeof line, f))
    {
      unsigned id, parent, major, minor;
      char root[PATH_MAX], point[PATH_MAX];
      if (sscanf (line, "%u %u %u:%u %4095s %4095s", &id, &parent, &major, &minor, root, point) != 6)
        continue;
      unescape (root);
      unescape (point);
      xgrow (&t->v, &t->cap, t->n, sizeof *t->v);
      t->v[t->n++] = (struct mount){ .id = id, .dev = makedev (major, minor), .root = xstrdup (root),
                                     .point = xstrdup (point) };
    }
  fclose (f);
  return 0;
}

struct mount_table *
mount_table_new (void)
{
  struct mount_table *t = xcalloc (1, sizeof *t);
  t->fd = open ("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
  table_read (t, "/proc/self/mountinfo");
  return t;
}

void
mount_table_free (struct mount_table *t)
{
  if (t == NULL)
    return;
  table_clear (t);
  free (t->v);
  if (t->fd >= 0)
    close (t->fd);
  free (t);
}

/* Read vigil's mounts again when they changed (one poll). */
static void
table_refresh (struct mount_table *t)
{
  struct pollfd p = { t->fd, POLLPRI, 0 };
  if (t->fd < 0 || (poll (&p, 1, 0) > 0 && (p.revents & (POLLPRI | POLLERR))))
    table_read (t, "/proc/self/mountinfo");
}

static const struct mount *
find_mount (const struct mount_table *t, unsigned id)
{
  for (size_t i = 0; i < t->n; i++)
    if (t->v[i].id == id)
      return &t->v[i];
  return NULL;
}

/* Is `prefix` a whole-component prefix of path?  Then *rest: what follows. */
static bool
path_under (const char *path, const char *prefix, const char **rest)
{
  size_t n = strcmp (prefix, "/") == 0 ? 0 : strlen (prefix);
  if (strncmp (path, prefix, n) != 0 || (path[n] != '/' && path[n] != '\0'))
    return false;
  *rest = path + n;
  return true;
}

/* point + rest, as one path. */
static void
join (char *out, size_t size, const char *point, const char *rest)
{
  snprintf (out, size, "%s%s", strcmp (point, "/") == 0 && rest[0] ? "" : point, rest);
}

size_t
mount_names (struct mount_table *t, pid_t tid, const struct resolved_path *r, char (*names)[PATH_MAX], size_t max)
{
  int fd = r->fd;
  /* Mount points of vigil's table are from vigil's root. */
  const char *path = r->container_path[0] ? r->container_path : r->path;
  struct statx x;
  char file[64], fs_path[PATH_MAX];
  const char *rest;
  size_t n = 0;

  if (statx (fd, "", AT_EMPTY_PATH | AT_STATX_SYNC_AS_STAT, STATX_MNT_ID, &x) < 0 || !(x.stx_mask & STATX_MNT_ID))
    return 0;
  table_refresh (t);
  const struct mount *m = find_mount (t, (unsigned) x.stx_mnt_id);
  if (m && strcmp (m->root, "/") == 0)
    return 0; /* a mount of vigil's own, of a whole filesystem: path is the name */
  struct mount_table theirs = { .fd = -1 };
  if (m == NULL)
    {
      /* A mount of the target's own namespace: its mount points are
       * shown from its root, as path is. */
      snprintf (file, sizeof file, "/proc/%d/mountinfo", (int) tid);
      if (table_read (&theirs, file) < 0 || (m = find_mount (&theirs, (unsigned) x.stx_mnt_id)) == NULL)
        goto out;
      path = r->path;
    }
  /* The object's path in its filesystem, then under each of vigil's
   * mounts of that filesystem that shows it. */
  if (!path_under (path, m->point, &rest))
    goto out;
  join (fs_path, sizeof fs_path, m->root, rest);
  for (size_t i = 0; i < t->n && n < max; i++)
    if (t->v[i].dev == m->dev && path_under (fs_path, t->v[i].root, &rest))
      {
        join (names[n], PATH_MAX, t->v[i].point, rest);
        if (names[n][0] == '\0')
          strcpy (names[n], "/");
        if (strcmp (names[n], r->path) != 0 && strcmp (names[n], path) != 0)
          n++;
      }
out:
  table_clear (&theirs);
  free (theirs.v);
  return n;
}
