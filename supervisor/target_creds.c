/* vigil: acting on the filesystem with a target's credentials. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vigil/target_creds.h"

/* ---- reading /proc/<tid>/status ---- */

/* Open /proc/<tid>/status files, by thread and process instance: a
 * pread of a held one costs half of open, read and close.  Sound: what is
 * kept is the file, not what it says, and every call reads it anew while
 * the thread waits in its syscall.  A held file names the thread by its
 * struct pid: once that thread is gone the read fails (ESRCH) and the
 * path is opened again, so a reused tid is never read through an old
 * file; an exec that gives a thread its leader's tid gives it that struct
 * too, as a new open would.  Used with the supervisor's lock held
 * (generation 0: nothing kept, any thread). */
#define STATUS_FDS 32

static struct status_fd {
  pid_t tid;
  uint64_t generation;
  int fd_plus1; /* 0: none */
} status_fds[STATUS_FDS];

static int
status_open (pid_t tid)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/status", (int) tid);
  return open (path, O_RDONLY | O_CLOEXEC);
}

/* The held file for (tid, generation), opened if need be; *held says it
 * stays open.  -1 with errno. */
static int
status_fd_get (pid_t tid, uint64_t generation, bool fresh, bool *held)
{
  struct status_fd *sl = &status_fds[(unsigned) tid % STATUS_FDS];

  *held = generation != 0;
  if (!*held)
    return status_open (tid);
  if (sl->fd_plus1 && sl->tid == tid && sl->generation == generation && !fresh)
    return sl->fd_plus1 - 1;
  if (sl->fd_plus1)
    close (sl->fd_plus1 - 1);
  sl->fd_plus1 = 0;
  int fd = status_open (tid);
  if (fd >= 0)
    *sl = (struct status_fd) { .tid = tid, .generation = generation, .fd_plus1 = fd + 1 };
  return fd;
}

/* The whole file into buf (grown with malloc past size: with 65536
 * groups it passes 700 KiB).  Returns len, or -1 with errno. */
static ssize_t
status_pread (int fd, char **all, char *buf, size_t size)
{
  size_t len = 0, cap = size;

  *all = buf;
  for (;;)
    {
      if (len + 1 >= cap)
        {
          size_t ncap = cap * 4;
          char *n = *all == buf ? xmalloc (ncap) : xrealloc (*all, ncap);
          if (*all == buf)
            memcpy (n, buf, len);
          *all = n;
          cap = ncap;
        }
      ssize_t n = pread (fd, *all + len, cap - len - 1, (off_t) len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 || (n == 0 && len == 0))
        {
          int e = n == 0 ? ESRCH : errno;
          if (*all != buf)
            free (*all);
          *all = NULL;
          errno = e;
          return -1;
        }
      len += (size_t) n;
      /* The file is generated whole at the first read: a read that did
       * not fill the buffer had it all (and a cut one fails to parse). */
      if (n == 0 || len + 1 < cap)
        break;
    }
  (*all)[len] = '\0';
  return (ssize_t) len;
}

/* tid's status, read now.  Returns a buffer to free (or buf itself), or
 * NULL with errno. */
static char *
read_status (pid_t tid, uint64_t generation, char *buf, size_t size)
{
  char *all = NULL;
  bool held;

  for (int attempt = 0; attempt < 2 && all == NULL; attempt++)
    {
      int fd = status_fd_get (tid, generation, attempt > 0, &held);
      if (fd < 0)
        return NULL;
      ssize_t n = status_pread (fd, &all, buf, size);
      int e = errno;
      if (!held)
        close (fd);
      if (n < 0 && !(held && attempt == 0))
        {
          errno = e;
          return NULL;
        }
    }
  return all;
}

/* "Uid:\treal\teffective\tsaved\tfs" */
static int
four_ids (const char *line, unsigned long out[4])
{
  char *end;
  for (int i = 0; i < 4; i++)
    {
      if (line == NULL)
        return -1;
      out[i] = strtoul (line, &end, 10);
      if (end == line)
        return -1;
      line = end;
    }
  return 0;
}

/* "Groups:\t1 2 3 \n": every one of them. */
static int
parse_groups (const char *line, gid_t **groups)
{
  int n = 0;
  char *end;

  *groups = NULL;
  for (const char *l = line; l; l = end)
    {
      strtoul (l, &end, 10);
      if (end == l)
        break;
      n++;
    }
  if (n == 0)
    return 0;
  *groups = xmalloc ((size_t) n * sizeof **groups);
  n = 0;
  for (const char *l = line; l; l = end)
    {
      unsigned long v = strtoul (l, &end, 10);
      if (end == l)
        break;
      (*groups)[n++] = (gid_t) v;
    }
  return n;
}

static struct stat self_userns;
static int self_userns_known; /* 1 known, -1 failed */
static pthread_once_t self_userns_once = PTHREAD_ONCE_INIT;

static void
self_userns_read (void)
{
  self_userns_known = stat ("/proc/self/ns/user", &self_userns) == 0 ? 1 : -1;
}

/* Whether a thread is in vigil's user namespace, remembered by thread and
 * process instance (stat'ing its ns/user costs half of reading its
 * status).  Sound, unlike a cache of credentials: a thread's namespace
 * changes only through its own unshare(CLONE_NEWUSER) or setns, which
 * the kernel allows only to a process of one thread, and which vigil is
 * notified of (root_change_syscalls) before they run, forgetting
 * everything (target_userns_forget).  Until that thread's syscall has
 * completed no notification can come from it, so nothing refills its
 * entry with the old answer; no other thread shares it (there is none),
 * a thread created later inherits the new namespace, and an exec that
 * gives a thread its leader's tid keeps the process's namespace.  A new
 * namespace from clone(CLONE_NEWUSER) is a new process, so a new entry.
 * Called with the supervisor's lock held (target_walk_begin). */
#define USERNS_SLOTS 256

static struct userns_slot {
  pid_t tid;
  uint64_t generation;
  uint64_t epoch;
  bool same;
} userns_slots[USERNS_SLOTS];
static uint64_t userns_epoch = 1;

void
target_userns_forget (void)
{
  userns_epoch++;
}

/* Is tid in vigil's user namespace?  1, 0, or -1 (errno). */
static int
in_vigil_userns (pid_t tid, uint64_t generation)
{
  char path[64];
  struct stat st;
  struct userns_slot *sl = &userns_slots[(unsigned) tid % USERNS_SLOTS];

  if (generation && sl->epoch == userns_epoch && sl->tid == tid && sl->generation == generation)
    return sl->same;
  pthread_once (&self_userns_once, self_userns_read);
  if (self_userns_known < 0)
    return -1;
  snprintf (path, sizeof path, "/proc/%d/ns/user", (int) tid);
  if (stat (path, &st) < 0)
    return -1;
  bool same = st.st_dev == self_userns.st_dev && st.st_ino == self_userns.st_ino;
  if (generation)
    *sl = (struct userns_slot) { .tid = tid, .generation = generation, .epoch = userns_epoch, .same = same };
  return same;
}

/* One pass over the lines: Uid, Gid, Groups, CapEff and Umask. */
static int
parse_status (const char *buf, struct target_creds *c)
{
  unsigned long v[4];
  unsigned seen = 0;

  c->umask = 022;
  for (const char *l = buf; l && *l; l = strchr (l, '\n'), l = l ? l + 1 : NULL)
    {
      if (strncmp (l, "Uid:", 4) == 0 && four_ids (l + 4, v) == 0)
        {
          c->uid = (uid_t) v[0], c->euid = (uid_t) v[1], c->suid = (uid_t) v[2], c->fsuid = (uid_t) v[3];
          seen |= 1;
        }
      else if (strncmp (l, "Gid:", 4) == 0 && four_ids (l + 4, v) == 0)
        {
          c->gid = (gid_t) v[0], c->egid = (gid_t) v[1], c->sgid = (gid_t) v[2], c->fsgid = (gid_t) v[3];
          seen |= 2;
        }
      else if (strncmp (l, "Groups:", 7) == 0)
        {
          c->ngroups = parse_groups (l + 7, &c->groups);
          seen |= 4;
        }
      else if (strncmp (l, "CapEff:", 7) == 0 && sscanf (l + 7, "%" SCNx64, &c->cap_effective) == 1)
        seen |= 8;
      else if (strncmp (l, "Umask:", 6) == 0)
        c->umask = (mode_t) strtoul (l + 6, NULL, 8);
    }
  return seen == 15 ? 0 : -1;
}

int
target_creds_read (pid_t tid, uint64_t generation, struct target_creds *c, vigil_error_t *err)
{
  char small[4096];
  char *buf = read_status (tid, generation, small, sizeof small);
  int rc;

  memset (c, 0, sizeof *c);
  if (buf == NULL)
    return vigil_make_error (err, errno, "/proc/%d/status", (int) tid);
  rc = parse_status (buf, c);
  if (buf != small)
    free (buf);
  if (rc < 0)
    {
      target_creds_release (c);
      return vigil_make_error (err, EIO, "/proc/%d/status: unexpected contents", (int) tid);
    }
  /* Capabilities held in a descendant user namespace are none in vigil's:
   * the kernel limits them to that namespace's objects, which vigil's own
   * thread, outside it, cannot be limited to. */
  if (c->cap_effective != 0)
    {
      /* Not known (a non-dumpable target, seen by a vigil without
       * CAP_SYS_PTRACE): counted as another, which never grants more. */
      c->other_userns = in_vigil_userns (tid, generation) != 1;
      if (c->other_userns)
        c->cap_effective = 0;
    }
  return 0;
}

void
target_creds_copy (struct target_creds *dst, const struct target_creds *src)
{
  *dst = *src;
  if (src->ngroups > 0)
    {
      dst->groups = xmalloc ((size_t) src->ngroups * sizeof *dst->groups);
      memcpy (dst->groups, src->groups, (size_t) src->ngroups * sizeof *dst->groups);
    }
  else
    dst->groups = NULL;
}

void
target_creds_release (struct target_creds *c)
{
  free (c->groups);
  c->groups = NULL;
  c->ngroups = 0;
}

/* ---- the calling thread's credentials ---- */

static int
caps_get (uint32_t eff[2], uint32_t prm[2], uint32_t inh[2])
{
  struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct d[2];
  if (syscall (SYS_capget, &h, d) < 0)
    return -1;
  for (int i = 0; i < 2; i++)
    {
      eff[i] = d[i].effective;
      prm[i] = d[i].permitted;
      inh[i] = d[i].inheritable;
    }
  return 0;
}

static int
caps_set (const uint32_t eff[2], const uint32_t prm[2], const uint32_t inh[2])
{
  struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct d[2];
  for (int i = 0; i < 2; i++)
    {
      d[i].effective = eff[i];
      d[i].permitted = prm[i];
      d[i].inheritable = inh[i];
    }
  return (int) syscall (SYS_capset, &h, d);
}

static uid_t
current_fsuid (void)
{
  return (uid_t) syscall (SYS_setfsuid, (uid_t) -1);
}

static gid_t
current_fsgid (void)
{
  return (gid_t) syscall (SYS_setfsgid, (gid_t) -1);
}

/* setfsuid/setfsgid report failure only through the value read back. */
static int
set_fsuid (uid_t u)
{
  syscall (SYS_setfsuid, u);
  return current_fsuid () == u ? 0 : (errno = EPERM, -1);
}

static int
set_fsgid (gid_t g)
{
  syscall (SYS_setfsgid, g);
  return current_fsgid () == g ? 0 : (errno = EPERM, -1);
}

static bool
groups_equal (const gid_t *a, int na, const gid_t *b, int nb)
{
  return na == nb && (na == 0 || memcmp (a, b, (size_t) na * sizeof *a) == 0);
}

int
creds_snapshot (struct creds_saved *s, vigil_error_t *err)
{
  memset (s, 0, sizeof *s);
  if (caps_get (s->cap_eff, s->cap_prm, s->cap_inh) < 0)
    return vigil_make_error (err, errno, "capget");
  if (syscall (SYS_getresuid, &s->uid, &s->euid, &s->suid) < 0
      || syscall (SYS_getresgid, &s->gid, &s->egid, &s->sgid) < 0)
    return vigil_make_error (err, errno, "getresuid");
  s->fsuid = current_fsuid ();
  s->fsgid = current_fsgid ();
  s->keepcaps = prctl (PR_GET_KEEPCAPS, 0, 0, 0, 0) > 0;
  /* Every group: the count can change only through this thread. */
  int n = (int) syscall (SYS_getgroups, 0, NULL);
  if (n < 0)
    return vigil_make_error (err, errno, "getgroups");
  s->groups = n ? xmalloc ((size_t) n * sizeof *s->groups) : NULL;
  s->groups_owned = true;
  s->ngroups = n ? (int) syscall (SYS_getgroups, n, s->groups) : 0;
  if (s->ngroups < 0)
    {
      int e = errno;
      creds_saved_release (s);
      return vigil_make_error (err, e, "getgroups");
    }
  return 0;
}

void
creds_saved_release (struct creds_saved *s)
{
  if (s->groups_owned)
    free (s->groups);
  s->groups = NULL;
  s->ngroups = 0;
  s->groups_owned = false;
}

static bool
uids_equal (const struct target_creds *c, const struct creds_saved *s)
{
  return c->uid == s->uid && c->euid == s->euid && c->suid == s->suid && c->fsuid == s->fsuid;
}

static bool
gids_equal (const struct target_creds *c, const struct creds_saved *s)
{
  return c->gid == s->gid && c->egid == s->egid && c->sgid == s->sgid && c->fsgid == s->fsgid;
}

bool
target_creds_same (const struct target_creds *c, const struct creds_saved *self)
{
  if (self == NULL)
    return false;
  uint64_t eff = (uint64_t) self->cap_eff[1] << 32 | self->cap_eff[0];
  return !c->other_userns && uids_equal (c, self) && gids_equal (c, self)
         && groups_equal (c->groups, c->ngroups, self->groups, self->ngroups) && (eff & ~c->cap_effective) == 0;
}

/* The ids, in the order the capabilities allow: groups and gids while
 * CAP_SETGID is effective, then the uids (which may clear it). */
static int
assume_ids (const struct target_creds *c, struct creds_saved *s)
{
  if (!groups_equal (s->groups, s->ngroups, c->groups, c->ngroups))
    {
      if (syscall (SYS_setgroups, (size_t) c->ngroups, c->groups) < 0)
        return -1;
      s->groups_changed = true;
    }
  if (!gids_equal (c, s))
    {
      s->gids_changed = true;
      /* setresgid sets the fsgid to the egid. */
      if (syscall (SYS_setresgid, c->gid, c->egid, c->sgid) < 0 || (c->fsgid != c->egid && set_fsgid (c->fsgid) < 0))
        return -1;
    }
  if (!uids_equal (c, s))
    {
      s->uids_changed = true;
      /* Leaving uid 0 would clear the permitted set: keep it to return. */
      if (!s->keepcaps && prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        return -1;
      if (syscall (SYS_setresuid, c->uid, c->euid, c->suid) < 0 || (c->fsuid != c->euid && set_fsuid (c->fsuid) < 0))
        return -1;
    }
  return 0;
}

int
target_creds_assume (const struct target_creds *c, const struct creds_saved *self, struct creds_saved *s,
                     vigil_error_t *err)
{
  if (self)
    {
      *s = *self;
      s->groups_owned = false;
    }
  else if (creds_snapshot (s, err) < 0)
    return -1;
  s->groups_changed = s->gids_changed = s->uids_changed = s->caps_changed = false;
  s->switched = true;
  errno = 0;
  if (assume_ids (c, s) < 0)
    goto fail;
  /* The id changes may have cleared capabilities (setuid fixups): set
   * exactly the target's, never more than vigil's. */
  uint32_t eff[2] = { s->cap_eff[0] & (uint32_t) c->cap_effective, s->cap_eff[1] & (uint32_t) (c->cap_effective >> 32) };
  if (s->uids_changed || eff[0] != s->cap_eff[0] || eff[1] != s->cap_eff[1])
    {
      s->caps_changed = true;
      if (caps_set (eff, s->cap_prm, s->cap_inh) < 0)
        goto fail;
    }
  return 0;
fail:
  {
    int e = errno ? errno : EPERM;
    target_creds_restore (s);
    return vigil_make_error (err, e, "cannot act with the target's credentials");
  }
}

void
target_creds_restore (struct creds_saved *s)
{
  if (!s->switched)
    return;
  /* Capabilities first: the ids below need CAP_SETUID and CAP_SETGID. */
  if (s->caps_changed || s->uids_changed)
    caps_set (s->cap_eff, s->cap_prm, s->cap_inh);
  if (s->uids_changed)
    {
      syscall (SYS_setresuid, s->uid, s->euid, s->suid);
      if (s->fsuid != s->euid)
        syscall (SYS_setfsuid, s->fsuid);
      if (!s->keepcaps)
        prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0);
    }
  if (s->gids_changed)
    {
      syscall (SYS_setresgid, s->gid, s->egid, s->sgid);
      if (s->fsgid != s->egid)
        syscall (SYS_setfsgid, s->fsgid);
    }
  if (s->groups_changed)
    syscall (SYS_setgroups, (size_t) s->ngroups, s->groups);
  /* Returning to uid 0 raised capabilities again; make the sets exactly
   * what they were. */
  if (s->uids_changed)
    caps_set (s->cap_eff, s->cap_prm, s->cap_inh);
  s->switched = false;
  creds_saved_release (s);
}

int
target_creds_become (const struct target_creds *c, vigil_error_t *err)
{
  struct creds_saved now;

  /* The thread may have been started by one that had assumed the
   * target's credentials (it then holds them already, with no capability
   * to set them again): change only what differs. */
  if (creds_snapshot (&now, err) < 0)
    return -1;
  int rc = 0;
  if (!groups_equal (now.groups, now.ngroups, c->groups, c->ngroups)
      && syscall (SYS_setgroups, (size_t) c->ngroups, c->groups) < 0)
    rc = -1;
  if (rc == 0 && !gids_equal (c, &now)
      && (syscall (SYS_setresgid, c->gid, c->egid, c->sgid) < 0 || set_fsgid (c->fsgid) < 0))
    rc = -1;
  if (rc == 0 && !uids_equal (c, &now)
      && (prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0 || syscall (SYS_setresuid, c->uid, c->euid, c->suid) < 0
          || set_fsuid (c->fsuid) < 0))
    rc = -1;
  int e = errno;
  creds_saved_release (&now);
  if (rc < 0)
    return vigil_make_error (err, e, "cannot take the target's credentials");
  /* Keep exactly the target's effective capabilities that vigil had. */
  uint32_t keep[2] = { now.cap_eff[0] & (uint32_t) c->cap_effective, now.cap_eff[1] & (uint32_t) (c->cap_effective >> 32) };
  uint32_t none[2] = { 0, 0 };
  if (caps_set (keep, keep, none) < 0 || prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return vigil_make_error (err, errno, "capset");
  return 0;
}
