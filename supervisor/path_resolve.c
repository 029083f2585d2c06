/* vigil: resolving a path as the kernel would for the workload.
 *
 * Two walks.  The fast one is a single openat2(O_PATH) with
 * RESOLVE_NO_MAGICLINKS, used when the target shares vigil's root: the
 * kernel then walks exactly as it would for the target, except where the
 * walk depends on who walks (procfs).  So a result on procfs, a magic link
 * (ELOOP) or a create sends the request to the slow walk, which goes one
 * component at a time and reads every symlink itself. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vigil/error.h"
#include "vigil/path_resolve.h"

#define MAX_SYMLINKS 40
#define PROC_ROOT_INO 1

static int
openat2_path (int dirfd, const char *path, int flags, uint64_t resolve)
{
  struct open_how how = { .flags = (uint64_t) (O_PATH | O_CLOEXEC | flags), .mode = 0, .resolve = resolve };
  int fd = (int) syscall (SYS_openat2, dirfd, path, &how, sizeof how);
  return fd < 0 ? -errno : fd;
}

static long
fs_type (int fd)
{
  struct statfs sf;
  return fstatfs (fd, &sf) == 0 ? (long) sf.f_type : -1;
}

/* A mount's filesystem never changes, and a unique mount id (statx,
 * Linux 6.8) is never reused: the type is remembered per mount, so the
 * common open costs one statx, not fstat and fstatfs.  A device number
 * would not do as the key: an unmounted tmpfs's anonymous device number
 * can come back as a procfs's. */
#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x00004000U
#endif

static long
fs_type_of_mount (int fd, uint64_t mnt_id)
{
  static __thread struct {
    uint64_t mnt_id;
    long type;
  } seen[8];
  static __thread unsigned next;

  for (unsigned i = 0; i < ARRAY_SIZE (seen); i++)
    if (seen[i].type > 0 && seen[i].mnt_id == mnt_id)
      return seen[i].type;
  long type = fs_type (fd);
  if (type > 0)
    {
      seen[next % ARRAY_SIZE (seen)].mnt_id = mnt_id;
      seen[next % ARRAY_SIZE (seen)].type = type;
      next++;
    }
  return type;
}

static void
stat_from_statx (const struct statx *x, struct stat *st)
{
  memset (st, 0, sizeof *st);
  st->st_dev = makedev (x->stx_dev_major, x->stx_dev_minor);
  st->st_ino = x->stx_ino;
  st->st_mode = x->stx_mode;
  st->st_nlink = x->stx_nlink;
  st->st_uid = x->stx_uid;
  st->st_gid = x->stx_gid;
  st->st_rdev = makedev (x->stx_rdev_major, x->stx_rdev_minor);
  st->st_size = (off_t) x->stx_size;
  st->st_blksize = (blksize_t) x->stx_blksize;
  st->st_blocks = (blkcnt_t) x->stx_blocks;
  st->st_atim = (struct timespec){ x->stx_atime.tv_sec, x->stx_atime.tv_nsec };
  st->st_mtim = (struct timespec){ x->stx_mtime.tv_sec, x->stx_mtime.tv_nsec };
  st->st_ctim = (struct timespec){ x->stx_ctime.tv_sec, x->stx_ctime.tv_nsec };
}

/* fstat(fd), and the type of the filesystem fd is on.  0 or -errno. */
static int
fd_stat (int fd, struct stat *st, long *type)
{
  struct statx x;

  if (statx (fd, "", AT_EMPTY_PATH | AT_STATX_SYNC_AS_STAT, STATX_BASIC_STATS | STATX_MNT_ID_UNIQUE, &x) == 0)
    {
      stat_from_statx (&x, st);
      *type = (x.stx_mask & STATX_MNT_ID_UNIQUE) ? fs_type_of_mount (fd, x.stx_mnt_id) : fs_type (fd);
      return 0;
    }
  if (fstat (fd, st) < 0)
    return -errno;
  *type = fs_type (fd);
  return 0;
}

static bool
fd_on_procfs (int fd)
{
  struct statfs sf;
  return fstatfs (fd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
}

/* vigil's own root never changes: stat it once. */
static int
vigil_root (struct stat *st)
{
  static struct stat root;
  static int known; /* 0 not yet, 1 known, -1 failed */
  if (known == 0)
    known = stat ("/", &root) == 0 ? 1 : -1;
  *st = root;
  return known > 0 ? 0 : -1;
}

/* ---- roots, cached ---- */

#define ROOT_CACHE_SLOTS 128

struct root_slot {
  pid_t tid;
  uint64_t generation;
  int fd;
  bool same_root;
};

const char *const root_change_syscalls[] = { "chroot", "pivot_root", "setns", "unshare", NULL };

struct root_cache {
  bool disabled;
  struct root_slot slot[ROOT_CACHE_SLOTS];
};

struct root_cache *
root_cache_new (void)
{
  struct root_cache *rc = xcalloc (1, sizeof *rc);
  for (size_t i = 0; i < ROOT_CACHE_SLOTS; i++)
    rc->slot[i].fd = -1;
  return rc;
}

static void
root_cache_empty (struct root_cache *rc)
{
  for (size_t i = 0; rc && i < ROOT_CACHE_SLOTS; i++)
    {
      if (rc->slot[i].fd >= 0)
        close (rc->slot[i].fd);
      rc->slot[i].fd = -1;
      rc->slot[i].tid = 0;
    }
}

void
root_cache_disable (struct root_cache *rc)
{
  root_cache_empty (rc);
  if (rc)
    rc->disabled = true;
}

void
root_cache_free (struct root_cache *rc)
{
  root_cache_empty (rc);
  free (rc);
}

/* Open tid's root: its fd and whether it is vigil's. */
static int
open_root (pid_t tid, bool *same)
{
  char link[64];
  struct stat mine, theirs;

  snprintf (link, sizeof link, "/proc/%d/root", (int) tid);
  int fd = open (link, O_PATH | O_CLOEXEC);
  if (fd < 0)
    return errno == ENOENT ? -ESRCH : -errno;
  *same = fstat (fd, &theirs) == 0 && vigil_root (&mine) == 0 && mine.st_dev == theirs.st_dev
          && mine.st_ino == theirs.st_ino;
  return fd;
}

/* The cwd or dirfd a relative path starts from. */
static int
open_start (pid_t tid, const struct resolve_request *rq, struct path_handles *h)
{
  char link[64];

  if (rq->path[0] == '/' && !(rq->resolve & RESOLVE_IN_ROOT))
    return 0;
  if (rq->dirfd == AT_FDCWD)
    snprintf (link, sizeof link, "/proc/%d/cwd", (int) tid);
  else
    snprintf (link, sizeof link, "/proc/%d/fd/%d", (int) tid, rq->dirfd);
  h->start = open (link, O_PATH | O_CLOEXEC);
  if (h->start < 0)
    {
      int e = errno;
      path_handles_close (h);
      return rq->dirfd != AT_FDCWD && e == ENOENT ? -EBADF : -e;
    }
  return 0;
}

int
path_handles_open_cached (struct root_cache *rc, pid_t tid, pid_t tgid, uint64_t generation,
                          const struct resolve_request *rq, struct path_handles *h)
{
  memset (h, 0, sizeof *h);
  h->tid = tid;
  h->tgid = tgid;
  h->root = h->start = -1;
  if (rc == NULL || rc->disabled)
    {
      h->root = open_root (tid, &h->same_root);
      if (h->root < 0)
        return h->root;
    }
  else
    {
      struct root_slot *sl = &rc->slot[(unsigned) tid % ROOT_CACHE_SLOTS];
      if (sl->fd < 0 || sl->tid != tid || sl->generation != generation)
        {
          bool same;
          int fd = open_root (tid, &same);
          if (fd < 0)
            return fd;
          if (sl->fd >= 0)
            close (sl->fd);
          *sl = (struct root_slot) { .tid = tid, .generation = generation, .fd = fd, .same_root = same };
        }
      h->root = sl->fd;
      h->same_root = sl->same_root;
      h->root_borrowed = true;
    }
  return open_start (tid, rq, h);
}

int
path_handles_open (pid_t tid, pid_t tgid, const struct resolve_request *rq, struct path_handles *h)
{
  return path_handles_open_cached (NULL, tid, tgid, 0, rq, h);
}

void
path_handles_close (struct path_handles *h)
{
  if (h->root >= 0 && !h->root_borrowed)
    close (h->root);
  if (h->start >= 0)
    close (h->start);
  h->root = h->start = -1;
}

/* ---- the slow walk ---- */

struct walk {
  const struct path_handles *h;
  const struct resolve_request *rq;
  int cur;
  char rest[2 * PATH_MAX]; /* what is left to walk */
  int links;
};

static void
walk_set (struct walk *w, int fd)
{
  if (w->cur >= 0 && w->cur != w->h->root && w->cur != w->h->start)
    close (w->cur);
  w->cur = fd;
}

static bool
is_root (const struct walk *w)
{
  struct stat a, b;
  return fstat (w->cur, &a) == 0 && fstat (w->h->root, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static bool
is_procfs_root (int fd)
{
  struct stat st;
  return fd_on_procfs (fd) && fstat (fd, &st) == 0 && st.st_ino == PROC_ROOT_INO;
}

static bool
all_digits (const char *s)
{
  if (!*s)
    return false;
  for (; *s; s++)
    if (*s < '0' || *s > '9')
      return false;
  return true;
}

/* Does the pid directory `name` in the procfs root `proc` belong to vigil
 * (its thread group or one of its threads)?  Asked of that procfs, whose
 * pid namespace may not be vigil's. */
static bool
is_vigil_pid (int proc, const char *name)
{
  char self[32], task[96];
  ssize_t n = readlinkat (proc, "self", self, sizeof self - 1);
  if (n <= 0)
    return false;
  self[n] = '\0';
  if (strcmp (self, name) == 0)
    return true;
  snprintf (task, sizeof task, "%s/task/%s", self, name);
  return faccessat (proc, task, F_OK, AT_EACCESS | AT_SYMLINK_NOFOLLOW) == 0;
}

/* ---- vigil's own fds, by their /proc entries ---- */

static int self_fd_dir = -1;
static pthread_once_t self_fd_dir_once = PTHREAD_ONCE_INIT;

/* /proc/self was resolved when the handle was taken: a forked child
 * would read its parent's table through it. */
static void
self_fd_dir_reopen_in_child (void)
{
  if (self_fd_dir < 0)
    return;
  close (self_fd_dir);
  self_fd_dir = open ("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
}

/* Any thread may ask first, with the target's credentials assumed: the
 * kernel lets a process read its own fd directory whatever they are. */
static void
self_fd_dir_open (void)
{
  self_fd_dir = open ("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
  pthread_atfork (NULL, NULL, self_fd_dir_reopen_in_child);
}

static int
self_fd_name (int fd, char *name, size_t size)
{
  pthread_once (&self_fd_dir_once, self_fd_dir_open);
  if (self_fd_dir < 0)
    {
      errno = ENOENT;
      return -1;
    }
  snprintf (name, size, "%d", fd);
  return 0;
}

ssize_t
self_fd_readlink (int fd, char *buf, size_t size)
{
  char name[16];
  if (self_fd_name (fd, name, sizeof name) < 0)
    return -1;
  return readlinkat (self_fd_dir, name, buf, size);
}

int
self_fd_reopen (int fd, int flags, mode_t mode)
{
  char name[16];
  if (self_fd_name (fd, name, sizeof name) < 0)
    return -1;
  return openat (self_fd_dir, name, flags, mode);
}

/* Is fd at or below the /proc/<pid> directory of vigil (on any procfs
 * mount)?  Then *rest is the path below it.  Decided from where fd really
 * is, so no dirfd, cwd or magic link leads around it. */
static bool
in_vigil_proc (int fd, char *rest, size_t size)
{
  char path[PATH_MAX];
  ssize_t n = self_fd_readlink (fd, path, sizeof path - 1);
  if (n <= 0 || path[0] != '/')
    return false;
  path[n] = '\0';
  for (char *p = path + 1; *p; p = strchrnul (p, '/'), p += *p == '/')
    {
      char *end = strchrnul (p, '/');
      char save = *end, name[32];
      if ((size_t) (end - p) >= sizeof name)
        continue;
      memcpy (name, p, (size_t) (end - p));
      name[end - p] = '\0';
      if (!all_digits (name))
        continue;
      p[-1] = '\0';
      int proc = open (p - 1 == path ? "/" : path, O_PATH | O_CLOEXEC | O_DIRECTORY);
      p[-1] = '/';
      bool mine = proc >= 0 && is_procfs_root (proc) && is_vigil_pid (proc, name);
      if (proc >= 0)
        close (proc);
      if (mine)
        {
          *end = save;
          snprintf (rest, size, "%s", *end ? end + 1 : "");
          return true;
        }
    }
  return false;
}

/* Put `front` before what is left to walk. */
static int
walk_prepend (struct walk *w, const char *front)
{
  size_t f = strlen (front), r = strlen (w->rest);
  if (f + 1 + r + 1 > sizeof w->rest)
    return -ENAMETOOLONG;
  memmove (w->rest + f + 1, w->rest, r + 1);
  memcpy (w->rest, front, f);
  w->rest[f] = '/';
  if (r == 0)
    w->rest[f] = '\0';
  return 0;
}

/* Pop the next component of w->rest into c; false when none is left. */
static bool
next_component (struct walk *w, char *c, size_t size, bool *last)
{
  char *p = w->rest;
  while (*p == '/')
    p++;
  if (!*p)
    return false;
  char *end = strchrnul (p, '/');
  size_t n = (size_t) (end - p);
  if (n >= size)
    n = size - 1;
  memcpy (c, p, n);
  c[n] = '\0';
  while (*end == '/')
    end++;
  *last = *end == '\0';
  memmove (w->rest, end, strlen (end) + 1);
  return true;
}

/* A symlink at c in w->cur: read it as the target would. */
static int
follow_symlink (struct walk *w, const char *c, int linkfd)
{
  char target[PATH_MAX];
  bool procfs = fd_on_procfs (w->cur);

  if (++w->links > MAX_SYMLINKS)
    return -ELOOP;
  if (w->rq->resolve & (RESOLVE_NO_SYMLINKS))
    return -ELOOP;
  if (procfs && is_procfs_root (w->cur) && (strcmp (c, "self") == 0 || strcmp (c, "thread-self") == 0))
    {
      /* Names the walker: the target, not vigil. */
      if (c[0] == 's')
        snprintf (target, sizeof target, "%d", (int) w->h->tgid);
      else
        snprintf (target, sizeof target, "%d/task/%d", (int) w->h->tgid, (int) w->h->tid);
      return walk_prepend (w, target);
    }
  if (procfs && !is_procfs_root (w->cur))
    {
      /* A magic link (fd/N, cwd, root, exe, ns/...): follow it in the
       * kernel, from the entry of the process that owns it, never
       * vigil's own. */
      char rest[PATH_MAX];
      if (in_vigil_proc (w->cur, rest, sizeof rest))
        return -EACCES;
      if (w->rq->resolve & RESOLVE_NO_MAGICLINKS)
        return -ELOOP;
      int fd = openat (w->cur, c, O_PATH | O_CLOEXEC);
      if (fd < 0)
        return -errno;
      walk_set (w, fd);
      return 1;
    }
  ssize_t n = readlinkat (linkfd, "", target, sizeof target - 1);
  if (n < 0)
    return -errno;
  target[n] = '\0';
  if (target[0] == '/')
    {
      if (w->rq->resolve & RESOLVE_BENEATH)
        return -EXDEV;
      walk_set (w, w->h->root);
    }
  return walk_prepend (w, target);
}

/* One step: enter component c of w->cur.  Returns 0 when walked, 1 when a
 * magic link put w->cur on its target, -errno on failure, and ENOENT with
 * *missing for a last component that does not exist. */
static int
step (struct walk *w, const char *c, bool last, bool *missing)
{
  bool follow = !last || w->rq->follow_last;

  if (strcmp (c, ".") == 0)
    return 0;
  if (strcmp (c, "..") == 0)
    {
      if (is_root (w))
        return 0;
      if (w->rq->resolve & RESOLVE_BENEATH)
        return -EXDEV;
      int fd = openat2_path (w->cur, "..", 0, RESOLVE_NO_SYMLINKS);
      if (fd < 0)
        return fd;
      walk_set (w, fd);
      return 0;
    }
  int fd = openat2_path (w->cur, c, O_NOFOLLOW, RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
  if (fd == -ENOENT && last && w->rq->parent_if_missing)
    {
      *missing = true;
      return -ENOENT;
    }
  if (fd < 0)
    return fd;
  struct stat st;
  if (fstat (fd, &st) < 0)
    {
      int e = -errno;
      close (fd);
      return e;
    }
  if (S_ISLNK (st.st_mode) && follow)
    {
      int r = follow_symlink (w, c, fd);
      close (fd);
      return r;
    }
  if (!last && !S_ISDIR (st.st_mode))
    {
      close (fd);
      return -ENOTDIR;
    }
  walk_set (w, fd);
  return 0;
}

/* Of vigil's own /proc entries, the workload may read what the kernel
 * shows any process: the directory and its status files. */
static bool
vigil_entry_allowed (const char *rest)
{
  static const char *const ok[] = { "", "stat", "status", "statm", "cmdline", "comm" };
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
    if (strcmp (rest, ok[i]) == 0)
      return true;
  return false;
}

static int
walk_slow (const struct path_handles *h, const struct resolve_request *rq, struct resolved_path *out)
{
  struct walk w = { .h = h, .rq = rq, .cur = -1 };
  char c[NAME_MAX + 1];
  bool last = true, missing = false;
  int r = 0;

  if (strlen (rq->path) >= PATH_MAX)
    return -ENAMETOOLONG;
  strcpy (w.rest, rq->path);
  if (rq->path[0] == '/' && (rq->resolve & RESOLVE_BENEATH))
    return -EXDEV;
  w.cur = rq->path[0] == '/' ? h->root : h->start;
  while (next_component (&w, c, sizeof c, &last))
    {
      r = step (&w, c, last, &missing);
      if (r == -ENOENT && missing)
        {
          snprintf (out->name, sizeof out->name, "%s", c);
          r = 0;
          break;
        }
      if (r < 0)
        break;
    }
  if (r < 0)
    {
      walk_set (&w, -1);
      return r;
    }
  out->missing = missing;
  out->fd = w.cur == h->root || w.cur == h->start ? fcntl (w.cur, F_DUPFD_CLOEXEC, 0) : w.cur;
  return out->fd < 0 ? -errno : 0;
}

/* ---- the result ---- */

/* path + "/" + name, within size. */
static void
append_name (char *path, size_t size, const char *name)
{
  size_t len = strlen (path);
  snprintf (path + len, size - len, "%s%s", len && path[len - 1] == '/' ? "" : "/", name);
}

/* The path of fd as the target sees it: vigil's view, less the target's
 * root when that is not vigil's (kept in container_path). */
static void
describe (const struct path_handles *h, struct resolved_path *out)
{
  char link[64], root[PATH_MAX];
  ssize_t n = self_fd_readlink (out->fd, out->path, sizeof out->path - 1);
  out->path[n > 0 ? n : 0] = '\0';
  if (!h->same_root && out->path[0] == '/')
    {
      memcpy (out->container_path, out->path, (size_t) n + 1);
      snprintf (link, sizeof link, "/proc/%d/root", (int) h->tid);
      ssize_t r = readlink (link, root, sizeof root - 1);
      if (r > 1 && strncmp (out->path, root, (size_t) r) == 0 && (out->path[r] == '/' || out->path[r] == '\0'))
        memmove (out->path, out->path + r, strlen (out->path + r) + 1);
      if (!out->path[0])
        strcpy (out->path, "/");
    }
  if (out->missing)
    {
      append_name (out->path, sizeof out->path, out->name);
      if (out->container_path[0])
        append_name (out->container_path, sizeof out->container_path, out->name);
    }
}

/* A last component that is not a name ("." (1), ".." (2), the root (3)):
 * each syscall fails in its own way (emulate_path.c) once the walk got
 * there; out is the directory the whole path names. */
static int
resolve_dots (const struct path_handles *h, const struct resolve_request *rq, const char *path, int dots,
              struct resolved_path *out)
{
  struct resolve_request whole = *rq;
  whole.path = path;
  whole.follow_last = true;
  whole.parent_always = whole.parent_if_missing = false;
  int r = path_resolve (h, &whole, out);
  if (r == 0)
    out->dots = dots;
  return r;
}

/* unlink, rename and the like act on a name in a directory: walk to the
 * directory (following everything on the way) and keep the last
 * component as it was given. */
static int
resolve_parent (const struct path_handles *h, const struct resolve_request *rq, struct resolved_path *out)
{
  char dir[PATH_MAX];
  size_t n = strlen (rq->path);

  if (n >= sizeof dir)
    return -ENAMETOOLONG;
  memcpy (dir, rq->path, n + 1);
  while (n > 1 && dir[n - 1] == '/')
    dir[--n] = '\0'; /* "dir/" names dir (rmdir, rename of a directory) */
  bool trailing = n < strlen (rq->path);
  char *slash = strrchr (dir, '/');
  const char *name = slash ? slash + 1 : dir;
  if (strlen (name) > NAME_MAX)
    return -ENAMETOOLONG;
  if (!*name || strcmp (name, ".") == 0 || strcmp (name, "..") == 0)
    return resolve_dots (h, rq, dir, !*name ? 3 : name[1] ? 2 : 1, out);
  snprintf (out->name, sizeof out->name, "%s", name);
  if (slash == dir)
    dir[1] = '\0';
  else if (slash)
    *slash = '\0';
  else
    strcpy (dir, ".");
  struct resolve_request up = *rq;
  up.path = dir;
  up.follow_last = true;
  up.parent_always = false;
  up.parent_if_missing = false;
  char keep[NAME_MAX + 1];
  memcpy (keep, out->name, sizeof keep);
  int r = path_resolve (h, &up, out);
  if (r < 0)
    return r;
  if (!S_ISDIR (out->st.st_mode))
    {
      close (out->fd);
      out->fd = -1;
      return -ENOTDIR;
    }
  memcpy (out->name, keep, sizeof keep);
  out->missing = true;
  out->trailing_slash = trailing;
  append_name (out->path, sizeof out->path, out->name);
  if (out->container_path[0])
    append_name (out->container_path, sizeof out->container_path, out->name);
  return 0;
}

/* One openat2 as vigil, which is right unless procfs is reached (its
 * self and magic links would be vigil's).  Sets out->fd, st and fs_type;
 * -ELOOP asks for the walk as the target. */
static int
walk_fast (const struct path_handles *h, const struct resolve_request *rq, struct resolved_path *out)
{
  bool abs = rq->path[0] == '/';
  if (abs && (rq->resolve & RESOLVE_BENEATH))
    return -EXDEV;
  int start = abs ? h->root : h->start, oflags = rq->follow_last ? 0 : O_NOFOLLOW;
  uint64_t resolve = RESOLVE_NO_MAGICLINKS | rq->resolve | (abs ? RESOLVE_IN_ROOT : 0);
  int fd = openat2_path (start, rq->path, oflags, resolve);
  if (fd < 0 && fd != -ELOOP && !(resolve & RESOLVE_NO_SYMLINKS))
    {
      /* A failure is the target's own unless a symlink led there: one
       * (/proc/self) may have named vigil's entries, where the target's
       * path (/proc/self/task/<its tid>) does not exist. */
      int again = openat2_path (start, rq->path, oflags, resolve | RESOLVE_NO_SYMLINKS);
      if (again >= 0)
        close (again);
      if (again >= 0 || again == -ELOOP)
        return -ELOOP;
    }
  if (fd < 0)
    return fd;
  int e = fd_stat (fd, &out->st, &out->fs_type);
  if (e < 0 || out->fs_type == PROC_SUPER_MAGIC)
    {
      close (fd);
      return e < 0 ? e : -ELOOP;
    }
  out->fd = fd;
  return 0;
}

int
path_resolve (const struct path_handles *h, const struct resolve_request *rq, struct resolved_path *out)
{
  int r = -ELOOP;
  struct path_handles scoped;

  /* RESOLVE_IN_ROOT: the dirfd is the root of the walk, for absolute
   * paths, absolute symlinks and "..". */
  if ((rq->resolve & RESOLVE_IN_ROOT) && h->start >= 0)
    {
      scoped = *h;
      scoped.root = h->start;
      h = &scoped;
    }

  if (rq->parent_always)
    {
      memset (out, 0, sizeof *out);
      out->fd = -1;
      return resolve_parent (h, rq, out);
    }

  memset (out, 0, sizeof *out);
  out->fd = -1;
  if (rq->empty_path && !rq->path[0])
    {
      /* The object itself, as the handle vigil took of it: opened with
       * vigil's credentials, not the target's (linkat checks that). */
      out->fd = h->start >= 0 ? fcntl (h->start, F_DUPFD_CLOEXEC, 0) : -1;
      r = out->fd < 0 ? -EBADF : fd_stat (out->fd, &out->st, &out->fs_type);
    }
  else if (h->same_root && !rq->parent_if_missing)
    r = walk_fast (h, rq, out);
  if (r == -ELOOP)
    {
      if ((rq->resolve & RESOLVE_NO_XDEV) && !h->same_root)
        return -EXDEV; /* not emulated: refuse rather than guess */
      r = walk_slow (h, rq, out);
      if (r < 0)
        return r;
      r = fd_stat (out->fd, &out->st, &out->fs_type);
      if (r < 0)
        {
          close (out->fd);
          out->fd = -1;
          return r;
        }
    }
  else if (r < 0)
    {
      if (out->fd >= 0)
        close (out->fd);
      out->fd = -1;
      return r;
    }
  out->on_procfs = out->fs_type == PROC_SUPER_MAGIC;
  char rest[PATH_MAX];
  if (out->on_procfs && in_vigil_proc (out->fd, rest, sizeof rest) && (out->missing || !vigil_entry_allowed (rest)))
    {
      close (out->fd);
      out->fd = -1;
      return -EACCES;
    }
  describe (h, out);
  return 0;
}
