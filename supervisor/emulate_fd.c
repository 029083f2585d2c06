/* vigil: syscalls that name an fd, performed by vigil on its own duplicate. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vigil/emulate_fd.h"
#include "vigil/evttypes.h"
#include "vigil/fd_place.h"
#include "vigil/path_resolve.h"
#include "vigil/source_seccomp.h"
#include "vigil/userns_ids.h"

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif
#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

/* Where each syscall names its fd and what vigil does with the object:
 * one row per syscall.  path: the path argument of fchmodat2 and
 * fchownat, which makes them fd calls only when it is "" under
 * AT_EMPTY_PATH (-1: none); flags: the argument the kernel checks first
 * (-1: none). */
static const struct fd_shape {
  int nr;
  const char *name;
  enum fd_op op;
  int fd, path, flags;
} shapes[] = {
  { SYS_fchmod, "fchmod", FD_CHMOD, 0, -1, -1 },
  { SYS_fchmodat2, "fchmodat2", FD_CHMOD, 0, 1, 3 },
  { SYS_fchown, "fchown", FD_CHOWN, 0, -1, -1 },
  { SYS_fchownat, "fchownat", FD_CHOWN, 0, 1, 4 },
  { SYS_fsetxattr, "fsetxattr", FD_SETXATTR, 0, -1, -1 },
  { SYS_listen, "listen", FD_LISTEN, 0, -1, -1 },
  { SYS_dup, "dup", FD_DUP, 0, -1, -1 },
  { SYS_dup2, "dup2", FD_DUP, 0, -1, -1 },
  { SYS_dup3, "dup3", FD_DUP, 0, -1, 2 },
  { SYS_fcntl, "fcntl", FD_DUP, 0, -1, -1 },
};

static const struct fd_shape *
shape_of (int nr)
{
  for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
    if (shapes[i].nr == nr)
      return &shapes[i];
  return NULL;
}

bool
fd_call_supported (int nr)
{
  return shape_of (nr) != NULL;
}

bool
fd_emulation_needed (const struct ruleset *rs)
{
  for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
    if (ruleset_enforces (rs, shapes[i].name))
      return true;
  return false;
}

/* The errors the kernel gives before it looks the fd up, in its order. */
static int
check_flags (const struct fd_call *call, unsigned flags)
{
  if ((call->op == FD_CHMOD || call->op == FD_CHOWN) && (flags & ~(unsigned) (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)))
    return -EINVAL;
  if (call->op == FD_DUP && (flags & ~(unsigned) O_CLOEXEC))
    return -EINVAL;
  if (call->op == FD_DUP && (int) call->args[0] == (int) call->args[1] && strcmp (call->name, "dup3") == 0)
    return -EINVAL;
  return 0;
}

/* fcntl duplicates only with F_DUPFD and F_DUPFD_CLOEXEC (from any
 * minimum: dup_from_minimum); its other commands are errno-only. */
static bool
fcntl_emulated (const struct seccomp_notif *req)
{
  unsigned cmd = (unsigned) req->data.args[1];
  return cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC;
}

/* fchmodat2 acts on its dirfd's object only for "" under AT_EMPTY_PATH;
 * any other path is walked (emulate_path.h). */
static int
read_empty_path (const struct seccomp_notif *req, const struct fd_shape *sh, unsigned flags)
{
  char first[2];
  bool truncated;

  if (target_read_string ((pid_t) req->pid, req->data.args[sh->path], first, sizeof first, &truncated) < 0)
    return target_read_errno ();
  return first[0] == '\0' && (flags & AT_EMPTY_PATH) ? 0 : FD_CALL_NOT_PERFORMED;
}

static int
call_read (const struct seccomp_notif *req, int listener, struct fd_call *call)
{
  const struct fd_shape *sh = shape_of (req->data.nr);
  unsigned flags;
  int r;

  memset (call, 0, sizeof *call);
  call->object = -1;
  call->path_arg = -1;
  if (sh == NULL)
    return -ENOSYS;
  if (sh->nr == SYS_fcntl && !fcntl_emulated (req))
    return FD_CALL_NOT_PERFORMED;
  call->op = sh->op;
  call->name = sh->name;
  call->tid = (pid_t) req->pid;
  for (int i = 0; i < 6; i++)
    call->args[i] = req->data.args[i];
  call->fd = (int) req->data.args[sh->fd];
  flags = sh->flags >= 0 ? (unsigned) req->data.args[sh->flags] : 0;
  if ((r = check_flags (call, flags)) < 0)
    return r;
  /* The kernel copies the name and value in before it looks the fd up. */
  if (call->op == FD_SETXATTR && (r = xattr_arg_read (req, &call->xattr)) < 0)
    return r;
  if (sh->path >= 0)
    {
      if ((r = read_empty_path (req, sh, flags)) != 0)
        return r;
      call->path_arg = sh->path;
    }
  if (!seccomp_notif_valid (listener, req->id))
    return -ESRCH;
  return 0;
}

int
fd_call_read (const struct seccomp_notif *req, int listener, struct fd_call *call)
{
  int r = call_read (req, listener, call);
  if (r < 0)
    xattr_arg_release (&call->xattr);
  return r;
}

/* fchmodat2(AT_FDCWD, "", AT_EMPTY_PATH) acts on the cwd. */
static int
fetch_cwd (const struct seccomp_notif *req, int listener)
{
  char link[64];
  snprintf (link, sizeof link, "/proc/%u/cwd", req->pid);
  int obj = open (link, O_PATH | O_CLOEXEC);
  int e = errno;
  if (obj >= 0 && !seccomp_notif_valid (listener, req->id))
    {
      close (obj);
      return -ESRCH;
    }
  return obj >= 0 ? obj : e == ENOENT || e == ESRCH ? -ESRCH : -EPERM;
}

int
fd_call_fetch (struct fd_call *call, const struct seccomp_notif *req, int listener)
{
  int obj = call->path_arg >= 0 && call->fd == AT_FDCWD ? fetch_cwd (req, listener)
                                                        : target_thread_fetch_fd (req, listener, call->fd);
  if (obj < 0)
    return obj;
  call->object = obj;
  if (call->path_arg >= 0)
    {
      ssize_t n = self_fd_readlink (obj, call->object_path, sizeof call->object_path - 1);
      if (n < 0)
        return -EPERM;
      call->object_path[n] = '\0';
    }
  return 0;
}

int
fd_call_object (const struct fd_call *call, struct resolved_path *r)
{
  memset (r, 0, sizeof *r);
  r->fd = call->object;
  ssize_t n = call->object >= 0 ? self_fd_readlink (call->object, r->path, sizeof r->path - 1) : -1;
  if (n <= 0 || r->path[0] != '/' || fstat (call->object, &r->st) < 0)
    return -1;
  r->path[n] = '\0';
  return 0;
}

static int
addfd (int listener, struct seccomp_notif_addfd *add)
{
  int r;
  while ((r = ioctl (listener, SECCOMP_IOCTL_NOTIF_ADDFD, add)) < 0 && errno == EINTR)
    ;
  return r < 0 ? -errno : r;
}

/* fcntl(fd, F_DUPFD[_CLOEXEC], min > 0) hands vigil's duplicate (the
 * object the rules decided on) over at the number the kernel would give:
 * the lowest free number >= min (fd_place.h), by a plain ADDFD when every
 * number below min is in use, else by ADDFD with SETFD onto it.
 *
 * What differs from the kernel, which finds and takes the number under
 * the table's lock, is only when other threads sharing the table change
 * it between vigil's read of /proc/<tid>/fd and the ADDFD:
 * - a thread that installs a file at n meanwhile (an open, socket, pipe
 *   or accept vigil does not perform, an open vigil finishes on a thread
 *   of its own, a dup2 onto n vigil does not see):
 *   SETFD replaces it, so that thread's file is closed and its number
 *   names vigil's duplicate; natively the fcntl would have taken a higher
 *   number.  A number still being installed (reserved, no file yet) is
 *   EBUSY: vigil moves on to the next free one, as the kernel would.
 * - a thread that closes a number below min meanwhile, on the plain ADDFD
 *   path: the new fd gets that number, below min.
 * Neither gives anything away.  Whatever the interleaving, the file
 * installed is vigil's duplicate, which the rules decided on; only its
 * number is in question, and the decision did not depend on it: result
 * fields (evt.rawres, fd.num) are evaluated before the call with the new
 * fd assumed 0 (result_field in event_live.c), so a rule on stdin matched
 * already, even where a racing close lets the file land below min.  A
 * file a racing thread loses is closed, not handed to anyone, and every
 * later call naming that number is decided again on the object then
 * behind it.  dup2/dup3 onto n under the same rules are performed by
 * vigil itself, one notification after the other, so they are ordered
 * as the kernel would order them. */
static void
dup_from_minimum (const struct fd_call *call, int listener, uint64_t id, struct seccomp_notif_addfd *add)
{
  struct fd_place p;
  int r = fd_place_find (call->tid, (unsigned) call->args[2], &p);

  if (r == 0 && !p.lowest)
    {
      add->flags |= SECCOMP_ADDFD_FLAG_SETFD;
      add->newfd = p.n;
    }
  while (r == 0 && (r = addfd (listener, add)) == -EBUSY && !p.lowest && (r = fd_place_next (&p)) == 0)
    add->newfd = p.n;
  fd_place_release (&p);
  /* SETFD past a limit lowered meanwhile is EBADF (replace_fd); the
   * kernel's fcntl would find no number: EMFILE. */
  if (r == -EBADF)
    r = -EMFILE;
  if (r < 0 && r != -ENOENT && r != -ESRCH) /* ENOENT, ESRCH: the target is gone */
    seccomp_notif_fail (listener, id, -r);
}

/* Hand the duplicate over: the dup's own result. */
static void
dup_answer (const struct fd_call *call, int listener, uint64_t id)
{
  bool to_number = strcmp (call->name, "dup2") == 0 || strcmp (call->name, "dup3") == 0;
  bool fcntl_dup = strcmp (call->name, "fcntl") == 0;
  bool cloexec = strcmp (call->name, "dup3") == 0 ? (call->args[2] & O_CLOEXEC) != 0
                                                  : fcntl_dup && call->args[1] == F_DUPFD_CLOEXEC;
  struct seccomp_notif_addfd add = {
    .id = id,
    .flags = SECCOMP_ADDFD_FLAG_SEND | (to_number ? SECCOMP_ADDFD_FLAG_SETFD : 0),
    .srcfd = (uint32_t) call->object,
    .newfd = to_number ? (uint32_t) call->args[1] : 0,
    .newfd_flags = cloexec ? O_CLOEXEC : 0,
  };
  unsigned long limit;

  /* dup2 onto itself changes nothing: the fd is valid, it is the answer. */
  if (strcmp (call->name, "dup2") == 0 && (int) call->args[1] == call->fd)
    {
      seccomp_notif_return (listener, id, call->fd);
      return;
    }
  if (fcntl_dup && (unsigned) call->args[2] > 0)
    {
      dup_from_minimum (call, listener, id, &add);
      return;
    }
  int r = addfd (listener, &add);
  /* fcntl from 0 under a limit of 0 is EINVAL, not EMFILE (f_dupfd). */
  if (r == -EMFILE && fcntl_dup && fd_place_limit (call->tid, &limit) == 0 && limit == 0)
    r = -EINVAL;
  if (r < 0 && r != -ENOENT) /* ENOENT: the target is gone */
    seccomp_notif_fail (listener, id, -r);
}

bool
fd_call_performable (const struct fd_call *call)
{
  if (call->op != FD_DUP || (strcmp (call->name, "dup2") == 0 && (int) call->args[1] == call->fd))
    return true;
  int fl = fcntl (call->object, F_GETFL);
  return fl >= 0 && !(fl & O_PATH);
}

void
fd_call_perform (const struct fd_call *call, int listener, uint64_t id)
{
  const unsigned long *a = call->args;
  int rc = -1;

  switch (call->op)
    {
    case FD_CHMOD:
      if (call->path_arg >= 0)
        rc = (int) syscall (SYS_fchmodat2, call->object, "", (mode_t) a[2], (unsigned) a[3]);
      else
        rc = fchmod (call->object, (mode_t) a[1]);
      break;
    case FD_CHOWN:
      {
        /* fchownat(fd, "", uid, gid, AT_EMPTY_PATH), or fchown(fd, uid, gid) */
        const unsigned long *ids = call->path_arg >= 0 ? &a[2] : &a[1];
        uint32_t uid, gid;
        int e = userns_map_owner (call->tid, ids[0], ids[1], &uid, &gid);
        if (e < 0)
          {
            seccomp_notif_fail (listener, id, -e);
            return;
          }
        if (call->path_arg >= 0)
          rc = fchownat (call->object, "", uid, gid, (int) a[4]);
        else
          rc = fchown (call->object, uid, gid);
      }
      break;
    case FD_LISTEN:
      rc = listen (call->object, (int) a[1]);
      break;
    case FD_SETXATTR:
      if ((rc = xattr_arg_set (&call->xattr, call->object, NULL, false)) < 0)
        {
          seccomp_notif_fail (listener, id, -rc);
          return;
        }
      break;
    case FD_DUP:
      dup_answer (call, listener, id);
      return;
    }
  if (rc < 0)
    seccomp_notif_fail (listener, id, errno);
  else
    seccomp_notif_return (listener, id, rc);
}

void
fd_call_end (struct fd_call *call)
{
  if (call->object >= 0)
    close (call->object);
  call->object = -1;
  xattr_arg_release (&call->xattr);
}
