/* vigil: path syscalls performed by vigil for the workload. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vigil/emulate_open.h"
#include "vigil/emulate_path.h"
#include "vigil/error.h"
#include "vigil/evttypes.h"
#include "vigil/source_seccomp.h"
#include "vigil/userns_ids.h"

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif
#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

/* How each syscall names its paths: argument of the string, of its dirfd
 * (-1: AT_FDCWD), of the flags and the mode (-1: none). */
static const struct path_shape {
  int nr;
  const char *name;
  enum path_op op;
  int path[2], dirfd[2];
  int flags, mode, target;
  unsigned fixed_flags;
} shapes[] = {
  { SYS_unlink, "unlink", PATH_UNLINK, { 0, -1 }, { -1, -1 }, -1, -1, -1, 0 },
  { SYS_rmdir, "rmdir", PATH_UNLINK, { 0, -1 }, { -1, -1 }, -1, -1, -1, AT_REMOVEDIR },
  { SYS_unlinkat, "unlinkat", PATH_UNLINK, { 1, -1 }, { 0, -1 }, 2, -1, -1, 0 },
  { SYS_mkdir, "mkdir", PATH_MKDIR, { 0, -1 }, { -1, -1 }, -1, 1, -1, 0 },
  { SYS_mkdirat, "mkdirat", PATH_MKDIR, { 1, -1 }, { 0, -1 }, -1, 2, -1, 0 },
  { SYS_chmod, "chmod", PATH_CHMOD, { 0, -1 }, { -1, -1 }, -1, 1, -1, 0 },
  { SYS_fchmodat, "fchmodat", PATH_CHMOD, { 1, -1 }, { 0, -1 }, -1, 2, -1, 0 },
  { SYS_fchmodat2, "fchmodat2", PATH_CHMOD, { 1, -1 }, { 0, -1 }, 3, 2, -1, 0 },
  { SYS_rename, "rename", PATH_RENAME, { 0, 1 }, { -1, -1 }, -1, -1, -1, 0 },
  { SYS_renameat, "renameat", PATH_RENAME, { 1, 3 }, { 0, 2 }, -1, -1, -1, 0 },
  { SYS_renameat2, "renameat2", PATH_RENAME, { 1, 3 }, { 0, 2 }, 4, -1, -1, 0 },
  { SYS_link, "link", PATH_LINK, { 0, 1 }, { -1, -1 }, -1, -1, -1, 0 },
  { SYS_linkat, "linkat", PATH_LINK, { 1, 3 }, { 0, 2 }, 4, -1, -1, 0 },
  { SYS_symlink, "symlink", PATH_SYMLINK, { 1, -1 }, { -1, -1 }, -1, -1, 0, 0 },
  { SYS_symlinkat, "symlinkat", PATH_SYMLINK, { 2, -1 }, { 1, -1 }, -1, -1, 0, 0 },
  /* The xattr flags (XATTR_CREATE, XATTR_REPLACE) do not overlap
   * AT_SYMLINK_NOFOLLOW, which says lsetxattr's walk. */
  { SYS_setxattr, "setxattr", PATH_SETXATTR, { 0, -1 }, { -1, -1 }, 4, -1, -1, 0 },
  { SYS_lsetxattr, "lsetxattr", PATH_SETXATTR, { 0, -1 }, { -1, -1 }, 4, -1, -1, AT_SYMLINK_NOFOLLOW },
  /* The uid and gid follow the path (chown_read). */
  { SYS_chown, "chown", PATH_CHOWN, { 0, -1 }, { -1, -1 }, -1, -1, -1, 0 },
  { SYS_lchown, "lchown", PATH_CHOWN, { 0, -1 }, { -1, -1 }, -1, -1, -1, AT_SYMLINK_NOFOLLOW },
  { SYS_fchownat, "fchownat", PATH_CHOWN, { 1, -1 }, { 0, -1 }, 4, -1, -1, 0 },
};

static const struct path_shape *
shape_of (int nr)
{
  for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
    if (shapes[i].nr == nr)
      return &shapes[i];
  return NULL;
}

const char *const path_call_fields[] = {
  "evt.arg.path",    "evt.arg.filename", "evt.arg.name", "evt.arg.oldpath", "evt.arg.newpath",
  "evt.arg.linkpath", "evt.arg.pathname", "evt.arg[0]",   "evt.arg[1]",      "evt.arg[2]",
  "evt.arg[3]",      NULL,
};

/* A chmod, a chown or a setxattr changes the object whichever name reached it, and
 * a link gives the object its old path names one more name.  An unlink or
 * a rename takes one name away (the object keeps its other hard links),
 * and mkdir, symlink and link's new path make a name. */
bool
path_call_acts_on_object (const struct path_call *call, int i)
{
  switch (call->op)
    {
    case PATH_CHMOD:
    case PATH_CHOWN:
    case PATH_SETXATTR:
      return true;
    case PATH_LINK:
      return i == 0;
    default:
      return false;
    }
}

int
path_call_reach_object (struct path_call *call, int i, struct resolved_path *r)
{
  struct stat st;

  if (!r->missing || !path_call_acts_on_object (call, i))
    return 0;
  /* The name is looked up once: what the rules see is what is changed,
   * whatever the directory holds by then. */
  int fd = openat (r->fd, r->name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  if (fstat (fd, &st) < 0)
    {
      int e = -errno;
      close (fd);
      return e;
    }
  close (r->fd);
  r->fd = fd;
  r->st = st;
  r->missing = false;
  call->p[i].on_entry = true;
  return 0;
}

bool
path_call_supported (int nr)
{
  return shape_of (nr) != NULL;
}

bool
path_emulation_needed (const struct ruleset *rs)
{
  for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
    if (ruleset_enforces (rs, shapes[i].name))
      return true;
  return false;
}

static int
read_path (const struct seccomp_notif *req, int arg, char *buf)
{
  bool truncated;
  if (target_read_string ((pid_t) req->pid, req->data.args[arg], buf, PATH_MAX, &truncated) < 0)
    return target_read_errno ();
  if (truncated)
    return -ENAMETOOLONG;
  return 0;
}

/* chown's flags (fchownat's) before anything else, as the kernel; its
 * ids, which follow the path argument, as vigil's namespace numbers them. */
static int
chown_read (const struct seccomp_notif *req, const struct path_shape *sh, struct path_call *call)
{
  const __u64 *ids = &req->data.args[sh->path[0] + 1];

  if (call->flags & ~(unsigned) (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
    return -EINVAL;
  call->owner_error = userns_map_owner ((pid_t) req->pid, ids[0], ids[1], &call->uid, &call->gid);
  return 0;
}

void
path_call_release (struct path_call *call)
{
  xattr_arg_release (&call->xattr);
}

/* The flags each syscall accepts; others fail before the path is read. */
static int
flags_check (int nr, unsigned flags)
{
  unsigned valid = ~0u;
  if (nr == SYS_unlinkat)
    valid = AT_REMOVEDIR;
  else if (nr == SYS_fchmodat2)
    valid = AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH;
  else if (nr == SYS_linkat)
    valid = AT_SYMLINK_FOLLOW | AT_EMPTY_PATH;
  return (flags & ~valid) ? -EINVAL : 0;
}

/* Does path end in a way that names a directory: a trailing slash (the
 * kernel then follows a symlink there, and fails with ENOTDIR on anything
 * else), "." or ".." (never a symlink)?  Then not following the last
 * component is following it, and the walk goes to the object itself. */
static bool
names_directory (const char *path)
{
  size_t len = strlen (path);
  const char *last = memrchr (path, '/', len);

  last = last ? last + 1 : path;
  return (len > 0 && path[len - 1] == '/') || strcmp (last, ".") == 0 || strcmp (last, "..") == 0;
}

static int
call_read (const struct seccomp_notif *req, int listener, struct path_call *call)
{
  const struct path_shape *sh = shape_of (req->data.nr);
  const __u64 *a = req->data.args;
  int r;

  memset (call, 0, sizeof *call);
  if (sh == NULL)
    return -ENOSYS;
  call->op = sh->op;
  call->flags = sh->fixed_flags | (sh->flags >= 0 ? (unsigned) a[sh->flags] : 0);
  call->mode = sh->mode >= 0 ? (mode_t) a[sh->mode] : 0;
  call->target_arg = sh->target;
  if ((r = flags_check (sh->nr, sh->flags >= 0 ? (unsigned) a[sh->flags] : 0)) < 0)
    return r;
  if (call->op == PATH_SETXATTR && (r = xattr_arg_read (req, &call->xattr)) < 0)
    return r;
  if (call->op == PATH_CHOWN && (r = chown_read (req, sh, call)) < 0)
    return r;
  for (int i = 0; i < 2 && sh->path[i] >= 0; i++)
    {
      struct path_arg *p = &call->p[call->npaths++];
      p->arg = sh->path[i];
      p->dirfd = sh->dirfd[i] >= 0 ? (int) a[sh->dirfd[i]] : AT_FDCWD;
      if ((r = read_path (req, p->arg, p->path)) < 0)
        return r;
      if (!p->path[0] && !(call->op == PATH_LINK && i == 0 && (call->flags & AT_EMPTY_PATH)))
        return -ENOENT;
    }
  /* The last symlink is followed by chmod (not fchmodat2's
   * AT_SYMLINK_NOFOLLOW) and by linkat's AT_SYMLINK_FOLLOW: then the
   * object itself is walked to, not its parent. */
  if (call->op == PATH_CHMOD || call->op == PATH_CHOWN || call->op == PATH_SETXATTR)
    call->p[0].follow = !(call->flags & AT_SYMLINK_NOFOLLOW);
  if (call->op == PATH_LINK)
    call->p[0].follow = (call->flags & AT_SYMLINK_FOLLOW) != 0;
  if (path_call_acts_on_object (call, 0) && names_directory (call->p[0].path))
    call->p[0].follow = true;
  if (sh->target >= 0 && (r = read_path (req, sh->target, call->target)) < 0)
    return r;
  if (!seccomp_notif_valid (listener, req->id))
    return -ESRCH;
  return 0;
}

int
path_call_read (const struct seccomp_notif *req, int listener, struct path_call *call)
{
  int r = call_read (req, listener, call);
  if (r < 0)
    path_call_release (call);
  return r;
}

void
path_call_request (const struct path_call *call, int i, struct resolve_request *rq)
{
  memset (rq, 0, sizeof *rq);
  rq->dirfd = call->p[i].dirfd;
  rq->path = call->p[i].path;
  rq->follow_last = call->p[i].follow;
  rq->parent_always = !call->p[i].follow;
  if (call->op == PATH_LINK && i == 0 && (call->flags & AT_EMPTY_PATH) && !call->p[0].path[0])
    {
      rq->empty_path = true; /* linkat(fd, "", ...): fd's object */
      rq->parent_always = false;
    }
}

/* "/proc/self/fd/N": the object itself, for syscalls that follow it. */
static const char *
self_fd (int fd, char *buf, size_t size)
{
  snprintf (buf, size, "/proc/self/fd/%d", fd);
  return buf;
}

/* setxattr on the object the walk reached, or lsetxattr on the name in
 * the directory it reached (the symlink itself, if it is one). */
static int
xattr_perform (const struct path_call *call, const struct resolved_path *r)
{
  char via[64 + NAME_MAX];

  /* /proc/self/fd/N of an entry not followed is that entry, a symlink
   * too: as lsetxattr's. */
  if (call->p[0].follow || call->p[0].on_entry)
    return xattr_arg_set (&call->xattr, -1, self_fd (r->fd, via, sizeof via), true);
  snprintf (via, sizeof via, "/proc/self/fd/%d/%s", r->fd, r->name);
  return xattr_arg_set (&call->xattr, -1, via, false);
}

/* chown of the object the walk reached (or the entry, not followed). */
static int
chown_perform (const struct path_call *call, const struct resolved_path *r)
{
  struct statvfs vfs;
  int rc;

  /* The kernel refuses a read-only mount before it looks at the ids. */
  if (call->owner_error < 0)
    return fstatvfs (r->fd, &vfs) == 0 && (vfs.f_flag & ST_RDONLY) ? -EROFS : call->owner_error;
  if (call->p[0].follow || call->p[0].on_entry)
    rc = fchownat (r->fd, "", call->uid, call->gid, AT_EMPTY_PATH);
  else
    rc = fchownat (r->fd, r->name, call->uid, call->gid, AT_SYMLINK_NOFOLLOW);
  return rc < 0 ? -errno : 0;
}

/* What the name, unlooked-up by the walk, is: 0 missing, else its type. */
static mode_t
name_type (const struct resolved_path *r, bool follow)
{
  struct stat st;
  return fstatat (r->fd, r->name, &st, follow ? 0 : AT_SYMLINK_NOFOLLOW) == 0 ? st.st_mode & S_IFMT : 0;
}

/* A new name ("." or "name/") for mkdir, symlink and link's second path:
 * filename_create refuses it. */
static int
new_name_error (const struct resolved_path *r, bool dir)
{
  if (r->dots)
    return -EEXIST;
  if (r->trailing_slash && !dir)
    return name_type (r, false) ? -EEXIST : -ENOENT;
  return 0;
}

static int
unlink_error (const struct path_call *call, const struct resolved_path *r)
{
  static const int rmdir_dots[] = { 0, -EINVAL, -ENOTEMPTY, -EBUSY };
  if (call->flags & AT_REMOVEDIR)
    return r->dots ? rmdir_dots[r->dots] : 0;
  if (r->dots)
    return -EISDIR;
  if (!r->trailing_slash)
    return 0;
  mode_t t = name_type (r, false);
  return !t ? -ENOENT : t == S_IFDIR ? -EISDIR : -ENOTDIR;
}

static int
rename_error (const struct path_call *call, const struct resolved_path *r)
{
  if (r[0].dots || r[1].dots)
    return r[0].dots || !(call->flags & RENAME_NOREPLACE) ? -EBUSY : -EEXIST;
  mode_t old = name_type (&r[0], false), new = name_type (&r[1], false);
  if (!old)
    return 0; /* renameat2 says ENOENT */
  if (old != S_IFDIR && (r[0].trailing_slash || (!(call->flags & RENAME_EXCHANGE) && r[1].trailing_slash)))
    return -ENOTDIR;
  if ((call->flags & RENAME_EXCHANGE) && new && new != S_IFDIR && r[1].trailing_slash)
    return -ENOTDIR;
  return 0;
}

/* link's new path: a first path ending in "/", "." or ".." is walked to
 * the object (names_directory). */
static int
link_error (const struct resolved_path *r)
{
  return new_name_error (&r[1], false);
}

/* The kernel's answers when a last component is "." or ".." (or the
 * root), or a name with a trailing slash, where the walk to the parent
 * succeeded: 0 when the call goes ahead. */
static int
last_component_error (const struct path_call *call, const struct resolved_path *r)
{
  switch (call->op)
    {
    case PATH_UNLINK:
      return unlink_error (call, r);
    case PATH_MKDIR:
      return new_name_error (&r[0], true);
    case PATH_SYMLINK:
      return new_name_error (&r[0], false);
    case PATH_RENAME:
      return rename_error (call, r);
    case PATH_LINK:
      return link_error (r);
    case PATH_CHMOD:
    case PATH_CHOWN:
    case PATH_SETXATTR:
      return 0; /* they act on the object, which the walk reached */
    }
  return 0;
}

int
path_call_perform (const struct path_call *call, const struct resolved_path *r, mode_t umask_value)
{
  char via[64];
  int rc = last_component_error (call, r);

  if (rc < 0)
    return rc;
  rc = -1;

  switch (call->op)
    {
    case PATH_UNLINK:
      rc = unlinkat (r[0].fd, r[0].name, (int) (call->flags & AT_REMOVEDIR));
      break;
    case PATH_MKDIR:
      rc = mkdirat (r[0].fd, r[0].name, call->mode & 07777 & ~umask_value);
      if (rc == 0 && (call->mode & 07777 & ~umask_value & vigil_umask ()) != 0)
        {
          /* vigil's own umask took bits the target's would not have. */
          int d = openat (r[0].fd, r[0].name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          if (d >= 0)
            {
              fchmod (d, call->mode & 07777 & ~umask_value);
              close (d);
            }
        }
      break;
    case PATH_CHMOD:
      if (call->p[0].follow || call->p[0].on_entry)
        rc = chmod (self_fd (r[0].fd, via, sizeof via), call->mode);
      else
        rc = (int) syscall (SYS_fchmodat2, r[0].fd, r[0].name, call->mode, AT_SYMLINK_NOFOLLOW);
      break;
    case PATH_RENAME:
      rc = (int) syscall (SYS_renameat2, r[0].fd, r[0].name, r[1].fd, r[1].name, call->flags);
      break;
    case PATH_LINK:
      /* AT_EMPTY_PATH through vigil's own handle on the object: the kernel
       * allows it to a caller with CAP_DAC_READ_SEARCH, or with the very
       * credentials that opened it (never the target's here: it may then
       * refuse what the kernel would allow, never the reverse). */
      if (!call->p[0].path[0])
        rc = linkat (r[0].fd, "", r[1].fd, r[1].name, AT_EMPTY_PATH);
      else if (call->p[0].follow || call->p[0].on_entry)
        rc = linkat (AT_FDCWD, self_fd (r[0].fd, via, sizeof via), r[1].fd, r[1].name, AT_SYMLINK_FOLLOW);
      else
        rc = linkat (r[0].fd, r[0].name, r[1].fd, r[1].name, 0);
      break;
    case PATH_SYMLINK:
      rc = symlinkat (call->target, r[0].fd, r[0].name);
      break;
    case PATH_SETXATTR:
      return xattr_perform (call, &r[0]);
    case PATH_CHOWN:
      return chown_perform (call, &r[0]);
    }
  return rc < 0 ? -errno : 0;
}
