/* vigil: opens performed by vigil for the workload. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "vigil/emulate_open.h"
#include "vigil/evttypes.h"
#include "vigil/limits.h"
#include "vigil/source_seccomp.h"

#ifndef FUSE_SUPER_MAGIC
#define FUSE_SUPER_MAGIC 0x65735546
#endif

bool
open_call_supported (int nr)
{
  return nr == SYS_open || nr == SYS_openat || nr == SYS_openat2 || nr == SYS_creat;
}

bool
open_emulation_needed (const struct ruleset *rs)
{
  static const char *const opens[] = { "open", "openat", "openat2", "creat" };
  return ruleset_enforces_any (rs, opens, sizeof opens / sizeof opens[0]);
}

/* The kernel's own flag values (glibc's O_LARGEFILE is 0 on 64-bit). */
#define K_O_LARGEFILE 0100000u
#define K_O_TMPFILE_BIT 020000000u
#define K_O_SYNC_BIT 04000000u
#define VALID_OPEN_FLAGS                                                                                             \
  (O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK | O_DSYNC | K_O_SYNC_BIT | O_ASYNC     \
   | O_DIRECT | K_O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_PATH | K_O_TMPFILE_BIT)
#define O_PATH_FLAGS (O_DIRECTORY | O_NOFOLLOW | O_PATH | O_CLOEXEC)
#define VALID_RESOLVE_FLAGS                                                                                          \
  (RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | RESOLVE_IN_ROOT | RESOLVE_CACHED)
#define WILL_CREATE(flags) ((flags) & (O_CREAT | K_O_TMPFILE_BIT))

/* What open, openat and creat pass on (the kernel's build_open_how):
 * unknown bits dropped, O_PATH keeping only what goes with it, a mode
 * only for a create. */
static void
legacy_how (uint64_t *flags, uint64_t *mode)
{
  *flags &= VALID_OPEN_FLAGS;
  *mode &= 07777;
  if (*flags & O_PATH)
    *flags &= O_PATH_FLAGS;
  if (!WILL_CREATE (*flags))
    *mode = 0;
}

/* The checks of the kernel's build_open_flags, in its order: an open it
 * refuses is refused before the path is even read. */
static int
open_how_check (uint64_t flags, uint64_t mode, uint64_t resolve)
{
  flags &= ~(uint64_t) O_CLOEXEC;
  if (flags & ~(uint64_t) VALID_OPEN_FLAGS)
    return -EINVAL;
  if (resolve & ~(uint64_t) VALID_RESOLVE_FLAGS)
    return -EINVAL;
  if ((resolve & RESOLVE_BENEATH) && (resolve & RESOLVE_IN_ROOT))
    return -EINVAL;
  if (WILL_CREATE (flags) ? (mode & ~(uint64_t) 07777) != 0 : mode != 0)
    return -EINVAL;
  if ((flags & (O_DIRECTORY | O_CREAT)) == (O_DIRECTORY | O_CREAT))
    return -EINVAL;
  if ((flags & K_O_TMPFILE_BIT) && (!(flags & O_DIRECTORY) || (flags & O_ACCMODE) == O_RDONLY))
    return -EINVAL;
  if ((flags & O_PATH) && (flags & ~(uint64_t) O_PATH_FLAGS))
    return -EINVAL;
  if ((resolve & RESOLVE_CACHED) && (flags & (O_TRUNC | O_CREAT | K_O_TMPFILE_BIT)))
    return -EAGAIN;
  return 0;
}

/* openat2's struct, as copy_struct_from_user takes it: a larger one is
 * fine when what vigil does not know of it is zero. */
static int
open_how_read (pid_t pid, uint64_t addr, uint64_t size, struct open_how *how)
{
  unsigned char tail[256];

  if (size < sizeof *how)
    return -EINVAL;
  if (size > 4096)
    return -E2BIG;
  if (target_read (pid, addr, how, sizeof *how) < 0)
    return target_read_errno ();
  for (uint64_t off = sizeof *how; off < size; off += sizeof tail)
    {
      size_t n = (size_t) (size - off < sizeof tail ? size - off : sizeof tail);
      if (target_read (pid, addr + off, tail, n) < 0)
        return target_read_errno ();
      for (size_t i = 0; i < n; i++)
        if (tail[i])
          return -E2BIG;
    }
  return 0;
}

int
open_call_read (const struct seccomp_notif *req, int listener, struct open_call *call)
{
  const __u64 *a = req->data.args;
  int nr = req->data.nr;
  uint64_t path_addr, mode;
  bool truncated;
  int r;

  memset (call, 0, sizeof *call);
  call->dirfd = AT_FDCWD;
  if (nr == SYS_open || nr == SYS_creat)
    {
      path_addr = a[0];
      call->flags = nr == SYS_creat ? (uint64_t) (O_CREAT | O_WRONLY | O_TRUNC) : (uint32_t) a[1];
      mode = (uint32_t) (nr == SYS_creat ? a[1] : a[2]);
    }
  else
    {
      call->dirfd = (int) a[0];
      path_addr = a[1];
      call->flags = (uint32_t) a[2];
      mode = (uint32_t) a[3];
    }
  if (nr == SYS_openat2)
    {
      struct open_how how;
      if ((r = open_how_read ((pid_t) req->pid, a[2], a[3], &how)) < 0)
        return r;
      call->flags = how.flags;
      mode = how.mode;
      call->resolve = how.resolve;
    }
  else
    legacy_how (&call->flags, &mode);
  if ((r = open_how_check (call->flags, mode, call->resolve)) < 0)
    return r;
  call->mode = (mode_t) mode;
  if (target_read_string ((pid_t) req->pid, path_addr, call->path, sizeof call->path, &truncated) < 0)
    return target_read_errno ();
  if (truncated)
    return -ENAMETOOLONG;
  if (!seccomp_notif_valid (listener, req->id))
    return -ESRCH;
  if (call->path[0] == '\0')
    return -ENOENT;
  return 0;
}

/* A create of "name/" fails once the walk reaches name's directory (the
 * kernel's open_last_lookups); "." and ".." are not names. */
static bool
creates_with_trailing_slash (const struct open_call *call)
{
  size_t n = strlen (call->path);
  if (!(call->flags & O_CREAT) || n < 2 || call->path[n - 1] != '/')
    return false;
  while (n > 1 && call->path[n - 1] == '/')
    n--;
  size_t start = n;
  while (start > 0 && call->path[start - 1] != '/')
    start--;
  size_t len = n - start;
  return len > 0 && !(len == 1 && call->path[start] == '.')
         && !(len == 2 && call->path[start] == '.' && call->path[start + 1] == '.');
}

void
open_call_request (const struct open_call *call, struct resolve_request *rq)
{
  bool excl_create = (call->flags & O_CREAT) && (call->flags & O_EXCL);

  rq->dirfd = call->dirfd;
  rq->path = call->path;
  rq->follow_last = !(call->flags & O_NOFOLLOW) && !excl_create;
  rq->parent_if_missing = (call->flags & O_CREAT) != 0;
  /* Walked to the directory only: the open then fails (open_finish). */
  rq->parent_always = creates_with_trailing_slash (call);
  rq->resolve = call->resolve;
}

bool
open_may_block (const struct resolved_path *r)
{
  if (r->missing || S_ISREG (r->st.st_mode) || S_ISDIR (r->st.st_mode) || S_ISLNK (r->st.st_mode))
    return r->fs_type == FUSE_SUPER_MAGIC;
  if (S_ISCHR (r->st.st_mode))
    {
      /* mem devices (null, zero, urandom), /dev/tty, ptmx and ptys open
       * at once; a serial line may wait for its carrier. */
      unsigned maj = major (r->st.st_rdev);
      return !(maj == 1 || maj == 5 || (maj >= 136 && maj <= 143));
    }
  return true; /* FIFOs, and whatever else */
}

/* vigil's own umask, which the kernel applies to what vigil creates: read
 * once from /proc (umask(2) cannot be read without changing it). */
static mode_t process_umask_value = 022;
static pthread_once_t process_umask_once = PTHREAD_ONCE_INIT;

static void
process_umask_read (void)
{
  char buf[4096];
  int fd = open ("/proc/self/status", O_RDONLY | O_CLOEXEC);
  ssize_t n = fd >= 0 ? read (fd, buf, sizeof buf - 1) : -1;
  if (fd >= 0)
    close (fd);
  if (n <= 0)
    return;
  buf[n] = '\0';
  const char *u = strstr (buf, "\nUmask:");
  if (u)
    process_umask_value = (mode_t) strtoul (u + 7, NULL, 8);
}

static mode_t
process_umask (void)
{
  pthread_once (&process_umask_once, process_umask_read);
  return process_umask_value;
}

mode_t
vigil_umask (void)
{
  return process_umask ();
}

/* ADDFD does not pass O_PATH files.  A readable regular file or
 * directory is handed over opened for reading instead: what the workload
 * could open itself, decided by the rules on the very same object.  Anything else (a device or FIFO, whose open acts; a symlink; a
 * file it may not read; a procfs file, whose open checks vigil, not the
 * workload) has no such stand-in. */
int
open_finish_readable (const struct resolved_path *r, const struct open_call *call)
{
  if (r->missing)
    return -ENOENT; /* O_PATH drops O_CREAT */
  if ((call->flags & O_DIRECTORY) && !S_ISDIR (r->st.st_mode))
    return -ENOTDIR;
  bool dir = S_ISDIR (r->st.st_mode);
  if (!(dir || S_ISREG (r->st.st_mode)) || (r->on_procfs && !dir) || open_may_block (r))
    return -EOPNOTSUPP;
  int fd = self_fd_reopen (r->fd, O_RDONLY | O_NOCTTY | O_CLOEXEC | (dir ? O_DIRECTORY : 0), 0);
  return fd >= 0 ? fd : -EOPNOTSUPP;
}

int
open_finish (const struct resolved_path *r, const struct open_call *call, mode_t umask_value)
{
  int flags = (int) call->flags;
  int fd;

  if (creates_with_trailing_slash (call))
    return -EISDIR;
  if (r->missing)
    {
      /* The target's umask is applied by hand: a thread of vigil cannot
       * count on an umask of its own (Docker's profile refuses
       * unshare(CLONE_FS)).  O_EXCL says vigil created the file, so the
       * mode may be corrected; O_NOFOLLOW, that no symlink planted since
       * the walk is followed. */
      mode_t want = call->mode & 07777 & ~umask_value;
      fd = openat (r->fd, r->name, flags | O_EXCL | O_CLOEXEC, want); /* O_EXCL follows no symlink */
      if (fd < 0 && errno == EEXIST && !(flags & O_EXCL))
        fd = openat (r->fd, r->name, (flags & ~O_CREAT) | O_NOFOLLOW | O_CLOEXEC);
      else if (fd >= 0 && (want & process_umask ()) != 0)
        fchmod (fd, want);
      return fd < 0 ? -errno : fd;
    }
  if ((flags & O_CREAT) && (flags & O_EXCL))
    return -EEXIST;
  if (S_ISLNK (r->st.st_mode))
    return -ELOOP;
  if ((flags & O_DIRECTORY) && !S_ISDIR (r->st.st_mode))
    return -ENOTDIR;
  /* Reopen the very object the rules saw, through vigil's own fd. */
  fd = self_fd_reopen (r->fd, (flags & ~(O_CREAT | O_EXCL | O_NOFOLLOW)) | O_CLOEXEC, call->mode & 07777 & ~umask_value);
  if (fd >= 0 && (flags & O_TMPFILE) == O_TMPFILE && ((call->mode & 07777 & ~umask_value) & process_umask ()) != 0)
    fchmod (fd, call->mode & 07777 & ~umask_value);
  return fd < 0 ? -errno : fd;
}

int
open_answer_fd (int listener, uint64_t id, int fd, const struct open_call *call)
{
  struct seccomp_notif_addfd add = {
    .id = id,
    .flags = SECCOMP_ADDFD_FLAG_SEND,
    .srcfd = (uint32_t) fd,
    .newfd = 0,
    .newfd_flags = (call->flags & O_CLOEXEC) ? O_CLOEXEC : 0,
  };
  int r;

  while ((r = ioctl (listener, SECCOMP_IOCTL_NOTIF_ADDFD, &add)) < 0 && errno == EINTR)
    ;
  int e = errno;
  close (fd);
  if (r >= 0)
    return 0;
  if (e == ENOENT)
    return -e; /* the target went away: nothing to answer */
  /* EMFILE: the target's table is full, which is the answer. */
  seccomp_notif_fail (listener, id, e);
  return 0;
}

/* ---- blocking opens, on a thread of their own ---- */

/* A job's thread: its slot among the jobs in flight (limits.h) is given
 * back when it ends. */
struct job_start {
  void *(*fn) (void *);
  void *arg;
  int slot;
};

static void *
job_run (void *arg)
{
  struct job_start js = *(struct job_start *) arg;
  free (arg);
  limits_job_running (js.slot);
  void *ret = js.fn (js.arg);
  limits_job_end (js.slot);
  return ret;
}

int
emulate_job_start (void *(*fn) (void *), void *arg, size_t stack_size, int listener, uint64_t id, size_t bytes)
{
  pthread_attr_t attr;
  pthread_t t;

  int slot = limits_job_begin (listener, id, bytes);
  if (slot < 0)
    return -slot;
  struct job_start *js = xmalloc (sizeof *js);
  js->fn = fn;
  js->arg = arg;
  js->slot = slot;
  pthread_attr_init (&attr);
  pthread_attr_setdetachstate (&attr, PTHREAD_CREATE_DETACHED);
  if (stack_size)
    pthread_attr_setstacksize (&attr, stack_size);
  int e = pthread_create (&t, &attr, job_run, js);
  pthread_attr_destroy (&attr);
  if (e != 0)
    {
      free (js);
      limits_job_failed (slot, e);
    }
  return e;
}

int
emulate_thread_start (void *(*fn) (void *), void *arg, size_t stack_size)
{
  return emulate_job_start (fn, arg, stack_size, -1, 0, 0);
}

struct open_job {
  int listener;
  uint64_t id;
  struct resolved_path r;
  struct open_call call;
  struct target_creds creds;
  bool switch_creds;
};

static void *
open_job_run (void *arg)
{
  struct open_job *j = arg;
  struct creds_saved saved = { 0 };
  vigil_error_t err = NULL;
  int fd = -EPERM;

  if (!j->switch_creds || target_creds_assume (&j->creds, NULL, &saved, &err) == 0)
    {
      fd = open_finish (&j->r, &j->call, j->creds.umask);
      target_creds_restore (&saved);
    }
  vigil_error_release (&err);
  if (fd >= 0)
    open_answer_fd (j->listener, j->id, fd, &j->call);
  else
    seccomp_notif_fail (j->listener, j->id, -fd);
  close (j->r.fd);
  target_creds_release (&j->creds);
  free (j);
  return NULL;
}

int
open_finish_async (int listener, uint64_t id, struct resolved_path *r, const struct open_call *call,
                   const struct target_creds *creds, mode_t umask_value)
{
  struct open_job *j = xcalloc (1, sizeof *j);
  int e;

  j->listener = listener;
  j->id = id;
  j->r = *r;
  j->call = *call;
  j->switch_creds = creds != NULL;
  if (creds)
    target_creds_copy (&j->creds, creds);
  j->creds.umask = umask_value;
  e = emulate_job_start (open_job_run, j, EMULATE_STACK, listener, id, 0);
  if (e != 0)
    {
      target_creds_release (&j->creds);
      free (j);
      return -e;
    }
  r->fd = -1;
  return 0;
}
