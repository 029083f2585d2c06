/* vigil: user and group names as the workload sees them.
 *
 * The files live in the workload's root, which the workload controls: it
 * may plant a symlink, a FIFO or a huge file at /etc/passwd.  So the open
 * never follows a symlink out of that root (openat2 RESOLVE_IN_ROOT, or a
 * component-by-component walk that follows none), never blocks
 * (O_NONBLOCK), accepts only a regular file below a size cap, and a parsed
 * file is reused until its (dev, ino, mtime, size) change. */
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vigil/error.h"
#include "vigil/procinfo.h"

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

#define DEFAULT_MAX_FILE_SIZE (4u << 20)
#define CACHE_SLOTS 4 /* per file kind: a few roots (chroots) at once */

struct ub_entry {
  uint32_t id;   /* uid or gid */
  uint32_t gid;  /* passwd: primary group */
  uint32_t line; /* for "first line wins" among duplicates */
  const char *name, *home, *shell;
};

struct ub_file {
  bool used;
  dev_t dev;
  ino_t ino;
  struct timespec mtim;
  off_t size;
  uint64_t last_used;
  char *buf;
  struct ub_entry *ents;
  size_t n;
};

enum ub_kind { UB_PASSWD, UB_GROUP };

struct userdb {
  size_t max_size;
  uint64_t clock;
  unsigned long parses, hits;
  struct ub_file files[2][CACHE_SLOTS];
};

static bool openat2_missing;

struct userdb *
userdb_new (size_t max_file_size)
{
  struct userdb *db = xcalloc (1, sizeof *db);
  db->max_size = max_file_size ? max_file_size : DEFAULT_MAX_FILE_SIZE;
  return db;
}

static void
drop_file (struct ub_file *f)
{
  free (f->buf);
  free (f->ents);
  memset (f, 0, sizeof *f);
}

void
userdb_free (struct userdb *db)
{
  if (db == NULL)
    return;
  for (int k = 0; k < 2; k++)
    for (int i = 0; i < CACHE_SLOTS; i++)
      drop_file (&db->files[k][i]);
  free (db);
}

void
userdb_stats (const struct userdb *db, unsigned long *parses, unsigned long *hits)
{
  if (parses)
    *parses = db->parses;
  if (hits)
    *hits = db->hits;
}

/* ---- opening below the workload's root ---- */

#define FILE_FLAGS (O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)

/* Without openat2: walk "etc" then the file, following no symlink at all
 * (a symlinked directory fails O_DIRECTORY|O_NOFOLLOW with ENOTDIR). */
static int
open_walk (int rootfd, const char *dir, const char *file)
{
  cleanup_close int dirfd = openat (rootfd, dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  int fd;

  if (dirfd < 0)
    return errno == ENOTDIR ? -ELOOP : -errno;
  fd = openat (dirfd, file, FILE_FLAGS);
  return fd < 0 ? -errno : fd;
}

static int
open_in_root (const char *root, const char *dir, const char *file)
{
  cleanup_close int rootfd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  char rel[64];

  if (rootfd < 0)
    return -errno;
  if (!openat2_missing)
    {
      struct open_how how = {
        .flags = FILE_FLAGS,
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
      };
      long fd;

      snprintf (rel, sizeof rel, "%s/%s", dir, file);
      fd = syscall (SYS_openat2, rootfd, rel, &how, sizeof how);
      if (fd >= 0)
        return (int) fd;
      /* Older kernels lack it; seccomp profiles may answer EPERM. */
      if (errno != ENOSYS && errno != EPERM)
        return -errno;
      openat2_missing = true;
    }
  return open_walk (rootfd, dir, file);
}

/* ---- parsing ---- */

static bool
parse_id (const char *s, uint32_t *out)
{
  uint64_t v = 0;

  if (*s == '\0')
    return false;
  for (; *s; s++)
    {
      if (*s < '0' || *s > '9')
        return false;
      v = v * 10 + (uint64_t) (*s - '0');
      if (v > UINT32_MAX)
        return false;
    }
  *out = (uint32_t) v;
  return true;
}

/* Split a line in place at ':' into at most max fields; returns the count. */
static size_t
split_fields (char *line, char **fields, size_t max)
{
  size_t n = 0;

  fields[n++] = line;
  for (char *p = line; *p && n < max; p++)
    if (*p == ':')
      {
        *p = '\0';
        fields[n++] = p + 1;
      }
  return n;
}

/* Fill one entry from a passwd (7 fields) or group (4 fields) line. */
static bool
parse_line (char *line, enum ub_kind kind, struct ub_entry *e)
{
  char *f[7];
  size_t n;

  /* Comments and NIS "+"/"-" compat lines name nobody. */
  if (line[0] == '\0' || line[0] == '#' || line[0] == '+' || line[0] == '-')
    return false;
  n = split_fields (line, f, kind == UB_PASSWD ? 7 : 4);
  if (n < 3 || f[0][0] == '\0' || !parse_id (f[2], &e->id))
    return false;
  e->name = f[0];
  e->gid = 0;
  e->home = e->shell = "";
  if (kind == UB_PASSWD)
    {
      if (n < 4 || !parse_id (f[3], &e->gid))
        return false;
      e->home = n > 5 ? f[5] : "";
      e->shell = n > 6 ? f[6] : "";
    }
  return true;
}

static int
cmp_entries (const void *a, const void *b)
{
  const struct ub_entry *x = a, *y = b;
  if (x->id != y->id)
    return x->id < y->id ? -1 : 1;
  return x->line < y->line ? -1 : x->line > y->line;
}

static void
parse_file (struct ub_file *f, size_t len, enum ub_kind kind)
{
  size_t cap = 0;
  uint32_t lineno = 0;
  char *p = f->buf, *end = f->buf + len;

  f->n = 0;
  while (p < end)
    {
      char *nl = memchr (p, '\n', (size_t) (end - p));
      struct ub_entry e;

      if (nl)
        *nl = '\0';
      else
        *end = '\0';
      if (parse_line (p, kind, &e))
        {
          e.line = lineno;
          xgrow (&f->ents, &cap, f->n, sizeof *f->ents);
          f->ents[f->n++] = e;
        }
      lineno++;
      p = nl ? nl + 1 : end;
    }
  qsort (f->ents, f->n, sizeof *f->ents, cmp_entries);
}

/* Read the whole file, refusing more than max bytes even if it grew after
 * fstat. */
static int
read_all (int fd, size_t max, char **out, size_t *len)
{
  size_t cap = 0, n = 0;
  char *buf = NULL;

  for (;;)
    {
      ssize_t r;
      xgrow (&buf, &cap, n + 4096 + 1, 1);
      r = read (fd, buf + n, cap - n - 1);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          int e = errno;
          free (buf);
          return -e;
        }
      if (r == 0)
        break;
      n += (size_t) r;
      if (n > max)
        {
          free (buf);
          return -EFBIG;
        }
    }
  *out = buf;
  *len = n;
  return 0;
}

/* ---- cache ---- */

static bool
same_file (const struct ub_file *f, const struct stat *st)
{
  return f->used && f->dev == st->st_dev && f->ino == st->st_ino && f->size == st->st_size
         && f->mtim.tv_sec == st->st_mtim.tv_sec && f->mtim.tv_nsec == st->st_mtim.tv_nsec;
}

static struct ub_file *
victim_slot (struct userdb *db, enum ub_kind kind)
{
  struct ub_file *v = &db->files[kind][0];
  for (int i = 0; i < CACHE_SLOTS; i++)
    {
      struct ub_file *f = &db->files[kind][i];
      if (!f->used)
        return f;
      if (f->last_used < v->last_used)
        v = f;
    }
  return v;
}

/* The parsed file <root>/etc/<passwd|group>, from the cache when unchanged. */
static int
load (struct userdb *db, const char *root, enum ub_kind kind, struct ub_file **out)
{
  cleanup_close int fd = open_in_root (root, "etc", kind == UB_PASSWD ? "passwd" : "group");
  struct stat st;
  struct ub_file *f;
  char *buf = NULL;
  size_t len = 0;
  int rc;

  if (fd < 0)
    return fd;
  if (fstat (fd, &st) < 0)
    return -errno;
  if (!S_ISREG (st.st_mode))
    return -EINVAL;
  if ((size_t) st.st_size > db->max_size)
    return -EFBIG;
  db->clock++;
  for (int i = 0; i < CACHE_SLOTS; i++)
    if (same_file (&db->files[kind][i], &st))
      {
        f = &db->files[kind][i];
        f->last_used = db->clock;
        db->hits++;
        *out = f;
        return 0;
      }
  rc = read_all (fd, db->max_size, &buf, &len);
  if (rc < 0)
    return rc;
  f = victim_slot (db, kind);
  drop_file (f);
  f->used = true;
  f->dev = st.st_dev;
  f->ino = st.st_ino;
  f->mtim = st.st_mtim;
  f->size = st.st_size;
  f->last_used = db->clock;
  f->buf = buf;
  parse_file (f, len, kind);
  db->parses++;
  *out = f;
  return 0;
}

/* The first entry (lowest line) with this id, or NULL. */
static const struct ub_entry *
find_id (const struct ub_file *f, uint32_t id)
{
  size_t lo = 0, hi = f->n;

  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      if (f->ents[mid].id < id)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo < f->n && f->ents[lo].id == id ? &f->ents[lo] : NULL;
}

int
userdb_get_user (struct userdb *db, const char *root, uid_t uid, struct userdb_user *out)
{
  struct ub_file *f;
  const struct ub_entry *e;
  int rc = load (db, root, UB_PASSWD, &f);

  if (rc < 0)
    return rc;
  e = find_id (f, (uint32_t) uid);
  if (e == NULL)
    return 0;
  out->uid = e->id;
  out->gid = e->gid;
  out->name = e->name;
  out->homedir = e->home;
  out->shell = e->shell;
  return 1;
}

int
userdb_get_group (struct userdb *db, const char *root, gid_t gid, struct userdb_group *out)
{
  struct ub_file *f;
  const struct ub_entry *e;
  int rc = load (db, root, UB_GROUP, &f);

  if (rc < 0)
    return rc;
  e = find_id (f, (uint32_t) gid);
  if (e == NULL)
    return 0;
  out->gid = e->id;
  out->name = e->name;
  return 1;
}
