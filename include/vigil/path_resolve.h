/* vigil: resolving a path as the kernel would for the workload.
 *
 * An emulated syscall must act on the object the workload's own syscall
 * would reach, and vigil decides on that object, never on the string
 * alone.  The walk starts at the target's root, cwd or dirfd (handles
 * taken from /proc/<tid>), so it sees the target's mounts and chroot.
 * /proc/self and /proc/thread-self name the walker: they are read as the
 * target's; magic links (fd/N, cwd, root, exe) are followed from the
 * target's /proc entries; and the workload never reaches vigil's own
 * /proc entries (only their world-readable status files). */
#ifndef VIGIL_PATH_RESOLVE_H
#define VIGIL_PATH_RESOLVE_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Where a walk may start, taken from /proc/<tid> with vigil's own
 * credentials (those access checks use the filesystem credentials). */
struct path_handles {
  pid_t tid, tgid;
  int root;       /* O_PATH of the target's root */
  int start;      /* O_PATH of the cwd or dirfd, or -1 for an absolute path */
  bool same_root; /* the target's root is vigil's: the fast walk applies */
  bool root_borrowed; /* root belongs to a root_cache: not closed here */
};

/* The roots of recent targets, by thread and process instance: opening
 * /proc/<tid>/root for every walk costs as much as the walk.  A root
 * changes only through root_change_syscalls (notified while walks are
 * emulated), but vigil sees each one before it happens, not when: a walk
 * by another thread in between would cache the old root, and chroot and
 * pivot_root change other processes' roots too.  So the first of those
 * syscalls turns the cache off for good: workloads that never change
 * their root keep it, and the others pay one open per walk. */
struct root_cache;

/* The syscalls that change a root (the workload's filter notifies them). */
extern const char *const root_change_syscalls[];

struct root_cache *root_cache_new (void);
void root_cache_free (struct root_cache *rc);
/** A root may be changing: forget every root and cache none from now on. */
void root_cache_disable (struct root_cache *rc);

struct resolve_request {
  int dirfd;          /* the target's dirfd, or AT_FDCWD */
  const char *path;   /* vigil's copy of the string */
  bool follow_last;   /* follow a symlink in the last component */
  bool parent_if_missing; /* O_CREAT: a missing last component yields its parent */
  bool parent_always; /* unlink, rename...: walk to the parent, name the last component */
  bool empty_path;    /* AT_EMPTY_PATH: "" names the dirfd's (or cwd's) own object */
  uint64_t resolve;   /* RESOLVE_* the target asked for (openat2) */
};

struct resolved_path {
  int fd;                  /* O_PATH: the object, or its parent when missing */
  bool missing;            /* the last component does not exist (or was not looked up) */
  char name[NAME_MAX + 1]; /* when missing: the component in fd */
  char path[PATH_MAX];     /* the object's path as the target sees it */
  /* Its path from vigil's root (the container's), when the target's root
   * is another (a chroot): "" when it is path.  Deny and kill rules also
   * see this name (object_ids.h), and alerts show it. */
  char container_path[PATH_MAX];
  struct stat st;          /* of fd */
  long fs_type;             /* statfs f_type of fd */
  bool on_procfs;
  /* parent_always only: the last component was not a name, but "." (1),
   * ".." (2) or the root (3), and fd is the directory the whole path
   * names; or it was a name followed by a slash. */
  int dots;
  bool trailing_slash;
};

/** Take the walk's starting handles for rq.  Returns 0 or -errno (EBADF
 *  for a dirfd the target does not hold, ESRCH when it is gone). */
int path_handles_open (pid_t tid, pid_t tgid, const struct resolve_request *rq, struct path_handles *h);

/** The same, taking the root from rc (NULL: none) for process instance
 *  `generation` of tid. */
int path_handles_open_cached (struct root_cache *rc, pid_t tid, pid_t tgid, uint64_t generation,
                              const struct resolve_request *rq, struct path_handles *h);

void path_handles_close (struct path_handles *h);

/** Resolve rq from h with the calling thread's credentials (the target's,
 *  see target_creds.h).  Returns 0 with out->fd open, or -errno as the
 *  workload's syscall would fail (ENOENT, ENOTDIR, ELOOP, EACCES...). */
int path_resolve (const struct path_handles *h, const struct resolve_request *rq, struct resolved_path *out);

/** readlink(2) of vigil's /proc/self/fd/<fd>: the path of the object fd
 *  refers to.  Through a handle on that directory taken once, so each call
 *  walks one component, not four. */
ssize_t self_fd_readlink (int fd, char *buf, size_t size);

/** Open the object fd refers to anew with flags, as opening
 *  /proc/self/fd/<fd> does (an O_PATH fd becomes a readable one).  Returns
 *  the new fd or -1 (errno). */
int self_fd_reopen (int fd, int flags, mode_t mode);

#endif
