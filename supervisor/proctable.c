/* vigil: the workload's processes, keyed by (tgid, start time).
 *
 * A notification names a thread; the table maps it to its process once
 * (reading /proc/<tid>/status) and then answers from memory.  Each process
 * holds a pidfd: it becomes readable at exit, the entry is dropped, and a
 * later process that reuses the pid is resolved afresh, so it never
 * inherits a stale name or ancestry.  Parent links carry the parent's
 * generation and are checked against start times, so a parent pid taken
 * over by a younger process ends the ancestry instead of lying about it. */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vigil/error.h"
#include "vigil/procinfo.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

/* Entries hold up to ~8 KiB of args each: 1024 keeps the worst case near
 * the supervisor's memory budget; past it the least recently used go. */
#define DEFAULT_MAX_ENTRIES 1024
#define DEFAULT_MAX_DEPTH 32
#define REAP_BATCH 64
#define EXEC_BITS_PIDS (1u << 22) /* PID_MAX_LIMIT on 64-bit */
#define EXEC_BITS_SIZE (EXEC_BITS_PIDS / 8)

/* A thread that is not its process's leader, mapped to the process. */
struct thread_link {
  pid_t tid;
  pid_t tgid;
  uint64_t generation; /* of the process entry when linked */
  struct thread_link *next;
};

struct proctable {
  int proc_dirfd; /* -1: "/proc" */
  int epfd;
  size_t max_entries;
  size_t count;
  unsigned max_depth;
  size_t nbuckets; /* power of two */
  struct proc_entry **buckets;
  struct thread_link **tbuckets;
  size_t tcount;
  uint64_t next_generation;
  uint64_t tick; /* one per lookup: entries used since are not evicted */
  bool no_pidfd; /* the kernel lacks pidfd_open */
  bool last_lookup_cached; /* the last lookup read nothing of its thread */
  struct proc_entry *graveyard; /* dropped, freed at the next lookup or reap */
  /* Pids that exec'd while vigil had no entry for them, one bit each
   * (mapped on first use; untouched pages cost nothing): such a process
   * is read from /proc when first resolved, never given its parent's
   * identity.  A bit left by a process that exited only makes its pid's
   * next owner be read from /proc, which is always right. */
  uint8_t *exec_bits;
  struct procinfo pi;
  char scratch[PROCINFO_ARGS_MAX + PROCINFO_COMM_MAX + 2];
};

static size_t
bucket_of (const struct proctable *t, pid_t pid)
{
  return ((uint32_t) pid * 2654435761u) & (t->nbuckets - 1);
}

static struct proc_entry *
find_entry (const struct proctable *t, pid_t pid)
{
  for (struct proc_entry *e = t->buckets[bucket_of (t, pid)]; e; e = e->hnext)
    if (e->pid == pid)
      return e;
  return NULL;
}

static void
clear_identity (struct proc_entry *e)
{
  free (e->exepath);
  free (e->exe);
  free (e->cmdline);
  e->exepath = e->exe = e->cmdline = NULL;
  e->args = NULL;
}

static void
destroy_entry (struct proc_entry *e)
{
  if (e->pidfd >= 0)
    close (e->pidfd); /* also leaves the epoll set */
  clear_identity (e);
  free (e);
}

/* Take e out of the table.  It is freed only at the next lookup or reap,
 * so pointers the caller got during this event stay valid. */
static void
retire_entry (struct proctable *t, struct proc_entry *e)
{
  struct proc_entry **pp = &t->buckets[bucket_of (t, e->pid)];

  while (*pp && *pp != e)
    pp = &(*pp)->hnext;
  if (*pp)
    *pp = e->hnext;
  if (e->pidfd >= 0)
    close (e->pidfd);
  e->pidfd = -1;
  e->hnext = t->graveyard;
  t->graveyard = e;
  t->count--;
}

static void
free_graveyard (struct proctable *t)
{
  while (t->graveyard)
    {
      struct proc_entry *e = t->graveyard;
      t->graveyard = e->hnext;
      destroy_entry (e);
    }
}

struct proctable *
proctable_new (int proc_dirfd, size_t max_entries, unsigned max_depth)
{
  struct proctable *t = xcalloc (1, sizeof *t);

  t->proc_dirfd = proc_dirfd;
  t->max_entries = max_entries ? max_entries : DEFAULT_MAX_ENTRIES;
  t->max_depth = max_depth ? max_depth : DEFAULT_MAX_DEPTH;
  for (t->nbuckets = 64; t->nbuckets < t->max_entries * 2; t->nbuckets *= 2)
    ;
  t->buckets = xcalloc (t->nbuckets, sizeof *t->buckets);
  t->tbuckets = xcalloc (t->nbuckets, sizeof *t->tbuckets);
  t->epfd = epoll_create1 (EPOLL_CLOEXEC);
  return t;
}

static void
clear_threads (struct proctable *t)
{
  for (size_t i = 0; i < t->nbuckets; i++)
    while (t->tbuckets[i])
      {
        struct thread_link *l = t->tbuckets[i];
        t->tbuckets[i] = l->next;
        free (l);
      }
  t->tcount = 0;
}

void
proctable_free (struct proctable *t)
{
  if (t == NULL)
    return;
  for (size_t i = 0; i < t->nbuckets; i++)
    while (t->buckets[i])
      retire_entry (t, t->buckets[i]);
  free_graveyard (t);
  clear_threads (t);
  free (t->buckets);
  free (t->tbuckets);
  if (t->epfd >= 0)
    close (t->epfd);
  if (t->exec_bits)
    munmap (t->exec_bits, EXEC_BITS_SIZE);
  free (t);
}

size_t
proctable_count (const struct proctable *t)
{
  return t->count;
}

unsigned
proctable_max_depth (const struct proctable *t)
{
  return t->max_depth;
}

int
proctable_epoll_fd (const struct proctable *t)
{
  return t->epfd;
}

/* ---- liveness ---- */

static int
read_proc (struct proctable *t, pid_t pid, unsigned what)
{
  return procinfo_read (t->proc_dirfd, pid, what, &t->pi);
}

static bool
pidfd_exited (int pidfd)
{
  struct pollfd p = { .fd = pidfd, .events = POLLIN };
  return poll (&p, 1, 0) > 0;
}

/* Without pidfds, the start time read again tells a live process from a
 * successor that took its pid. */
static bool
entry_alive (struct proctable *t, struct proc_entry *e)
{
  if (e->pidfd >= 0)
    return !pidfd_exited (e->pidfd);
  return read_proc (t, e->pid, PI_STAT) == 0 && t->pi.start_time == e->start_time;
}

static int
open_pidfd (struct proctable *t, pid_t pid)
{
  long fd;

  if (t->no_pidfd)
    return -1;
  fd = syscall (SYS_pidfd_open, pid, 0);
  if (fd < 0 && errno == ENOSYS)
    t->no_pidfd = true;
  if (fd < 0)
    return errno == ENOSYS ? -1 : -ESRCH;
  return (int) fd; /* close-on-exec: pidfd_open always sets it */
}

/* ---- identity: name, exe, args ---- */

/* Set exe, cmdline and args from a NUL-separated argv (Falco: proc.exe is
 * argv[0], proc.cmdline is the name and every argument joined by spaces). */
static void
set_args (struct proctable *t, struct proc_entry *e, const char *args, size_t len, bool truncated)
{
  const char *a = args ? args : "";
  size_t n = args ? len : 0;
  size_t clen = strlen (e->comm);
  size_t a0 = strnlen (a, n);
  bool has_args = a0 + 1 < n; /* anything after argv[0], even "" */
  size_t alen = has_args ? procinfo_join (a, n, 1, t->scratch, sizeof t->scratch) : 0;
  char *buf = xmalloc (clen + 1 + alen + 1);

  /* One buffer "name args": cmdline is all of it, args its tail.  With no
   * name Falco leaves cmdline empty, and the args are still there. */
  memcpy (buf, e->comm, clen);
  buf[clen] = has_args && clen > 0 ? ' ' : '\0';
  memcpy (buf + clen + 1, t->scratch, alen);
  buf[clen + 1 + alen] = '\0';
  free (e->exe);
  free (e->cmdline);
  e->exe = xstrndup (a, a0);
  e->cmdline = buf;
  e->args = buf + clen + 1;
  e->args_truncated = truncated;
  e->args_unreadable = false;
}

static void
set_exepath (struct proc_entry *e, const char *exepath)
{
  char *copy = exepath ? xstrdup (exepath) : NULL; /* exepath may be e's own */

  free (e->exepath);
  e->exepath = copy;
  e->exe_from_memfd = copy && strncmp (copy, "/memfd:", 7) == 0;
  e->exe_unreadable = copy == NULL;
}

/* Read exe and args of a process whose dir is open; EACCES leaves the part
 * marked unreadable (the caller fails closed if a rule needs it). */
static int
read_identity (struct proctable *t, struct proc_entry *e, int dirfd)
{
  int rc = procinfo_read_at (dirfd, e->pid, PI_EXE, &t->pi);

  if (rc == 0)
    set_exepath (e, t->pi.exepath);
  else if (rc == -EACCES)
    set_exepath (e, NULL);
  else
    return rc;
  rc = procinfo_read_at (dirfd, e->pid, PI_ARGS, &t->pi);
  if (rc == 0)
    set_args (t, e, t->pi.args, t->pi.args_len, t->pi.args_truncated);
  else if (rc == -EACCES)
    {
      free (e->exe);
      free (e->cmdline);
      e->exe = e->cmdline = NULL;
      e->args = NULL;
      e->args_unreadable = true;
    }
  else
    return rc;
  return 0;
}

static int
open_pid_dir (struct proctable *t, pid_t pid)
{
  char name[32];
  int fd;

  snprintf (name, sizeof name, t->proc_dirfd >= 0 ? "%d" : "/proc/%d", (int) pid);
  fd = openat (t->proc_dirfd >= 0 ? t->proc_dirfd : AT_FDCWD, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return errno == EACCES || errno == EPERM ? -EACCES : -ESRCH;
  return fd;
}

int
proctable_refresh (struct proctable *t, struct proc_entry *e)
{
  cleanup_close int dirfd = open_pid_dir (t, e->pid);
  int rc;

  if (dirfd < 0)
    return dirfd;
  rc = procinfo_read_at (dirfd, e->pid, PI_STAT, &t->pi);
  if (rc < 0)
    return rc;
  if (t->pi.start_time != e->start_time)
    return -ESRCH; /* the pid now belongs to another process */
  memcpy (e->comm, t->pi.comm, sizeof e->comm);
  rc = read_identity (t, e, dirfd);
  if (rc == 0)
    e->exec_pending = false;
  return rc;
}

void
proctable_mark_exec (struct proc_entry *e)
{
  e->exec_pending = true;
}

void
proctable_exec (struct proctable *t, struct proc_entry *e, const char *comm, const char *exepath,
                const char *args, size_t args_len)
{
  if (comm == NULL)
    {
      /* The kernel names the task after the basename, cut to 15 bytes. */
      const char *slash = exepath ? strrchr (exepath, '/') : NULL;
      comm = slash ? slash + 1 : (exepath ? exepath : "");
      snprintf (e->comm, 16, "%s", comm);
    }
  else if (comm != e->comm)
    snprintf (e->comm, sizeof e->comm, "%s", comm);
  set_exepath (e, exepath);
  set_args (t, e, args, args_len, args_len >= PROCINFO_ARGS_MAX);
  e->exec_pending = false;
}

/* ---- eviction and insertion ---- */

/* Make room by dropping the least recently used entry not touched by the
 * current lookup; false when every entry is in use. */
static bool
evict_one (struct proctable *t)
{
  struct proc_entry *oldest = NULL;

  for (size_t i = 0; i < t->nbuckets; i++)
    for (struct proc_entry *e = t->buckets[i]; e; e = e->hnext)
      if (e->last_used < t->tick && (oldest == NULL || e->last_used < oldest->last_used))
        oldest = e;
  if (oldest == NULL)
    return false;
  retire_entry (t, oldest);
  return true;
}

static void
insert_entry (struct proctable *t, struct proc_entry *e)
{
  size_t b = bucket_of (t, e->pid);

  e->hnext = t->buckets[b];
  t->buckets[b] = e;
  t->count++;
  if (e->pidfd >= 0 && t->epfd >= 0)
    {
      struct epoll_event ev = { .events = EPOLLIN, .data.ptr = e };
      epoll_ctl (t->epfd, EPOLL_CTL_ADD, e->pidfd, &ev);
    }
}

/* Is p the parent e links to?  By generation once linked; before that,
 * a parent cannot be younger than its child (else the pid was reused). */
static bool
is_parent (const struct proc_entry *e, const struct proc_entry *p)
{
  if (p == e)
    return false;
  if (e->parent_generation)
    return p->generation == e->parent_generation;
  return p->start_time <= e->start_time;
}

static void
link_parent (struct proctable *t, struct proc_entry *e, struct proc_entry *p)
{
  e->parent_generation = p->generation;
  p->last_used = t->tick;
}

/* The parent entry if it is already known, alive and e's parent. */
static struct proc_entry *
known_parent (struct proctable *t, struct proc_entry *e)
{
  struct proc_entry *p = e->ppid > 0 ? find_entry (t, e->ppid) : NULL;

  if (p == NULL || !is_parent (e, p) || !entry_alive (t, p))
    return NULL;
  link_parent (t, e, p);
  return p;
}

static void
inherit_identity (struct proc_entry *e, const struct proc_entry *p)
{
  e->exepath = p->exepath ? xstrdup (p->exepath) : NULL;
  e->exe = p->exe ? xstrdup (p->exe) : NULL;
  if (p->cmdline)
    {
      e->cmdline = xstrdup (p->cmdline);
      e->args = e->cmdline + (p->args - p->cmdline);
    }
  e->exe_from_memfd = p->exe_from_memfd;
  e->args_truncated = p->args_truncated;
  e->exe_unreadable = p->exe_unreadable;
  e->args_unreadable = p->args_unreadable;
}

static struct thread_link **find_thread (struct proctable *t, pid_t tid);

/* Did pid exec while unknown?  Clears the mark: the entry about to be
 * built reads what the exec made. */
static bool
exec_bit_take (struct proctable *t, pid_t pid)
{
  if (t->exec_bits == NULL || pid <= 0 || (unsigned) pid >= EXEC_BITS_PIDS)
    return false;
  uint8_t bit = (uint8_t) (1u << (pid % 8));
  bool set = t->exec_bits[pid / 8] & bit;
  if (set)
    t->exec_bits[pid / 8] &= (uint8_t) ~bit;
  return set;
}

void
proctable_note_exec (struct proctable *t, pid_t tid)
{
  struct proc_entry *e = find_entry (t, tid);
  struct thread_link *l = *find_thread (t, tid);

  if (e)
    proctable_mark_exec (e);
  if (l && (e = find_entry (t, l->tgid)) != NULL && e->generation == l->generation)
    proctable_mark_exec (e);
  if (tid <= 0 || (unsigned) tid >= EXEC_BITS_PIDS)
    return;
  if (t->exec_bits == NULL)
    {
      void *m = mmap (NULL, EXEC_BITS_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                      -1, 0);
      if (m == MAP_FAILED)
        {
          /* Without the marks, resolve now as a lookup would, and mark. */
          if (proctable_lookup (t, tid, &e) == 0)
            proctable_mark_exec (e);
          return;
        }
      t->exec_bits = m;
    }
  t->exec_bits[tid / 8] |= (uint8_t) (1u << (tid % 8));
}

/* Fill a new entry for process `pid` from /proc.  The pidfd is opened
 * first and checked last: while it reports no exit, the pid cannot have
 * been reused, so what was read belongs to the process it names. */
static int
build_entry (struct proctable *t, pid_t pid, struct proc_entry *e)
{
  cleanup_close int dirfd = -1;
  int rc;

  e->pid = pid;
  e->pidfd = open_pidfd (t, pid);
  if (e->pidfd == -ESRCH)
    return -ESRCH;
  dirfd = open_pid_dir (t, pid);
  if (dirfd < 0)
    return dirfd;
  rc = procinfo_read_at (dirfd, pid, PI_STATUS | PI_STAT, &t->pi);
  if (rc < 0)
    return rc;
  if (t->pi.tgid != pid)
    return -ESRCH; /* not a process leader (raced with a thread's pid) */
  e->ppid = t->pi.ppid;
  e->vpid = t->pi.vpid;
  e->sid = t->pi.vsid ? t->pi.vsid : t->pi.sid;
  e->vpgid = t->pi.vpgid ? t->pi.vpgid : t->pi.pgid;
  e->tty = t->pi.tty;
  e->start_time = t->pi.start_time;
  memcpy (e->comm, t->pi.comm, sizeof e->comm);
  e->generation = ++t->next_generation;
  e->last_used = t->tick;

  struct proc_entry *parent = known_parent (t, e);
  bool execd = exec_bit_take (t, pid);
  if (parent && !execd && strcmp (parent->comm, e->comm) == 0)
    inherit_identity (e, parent); /* a fork shares them; exec updates later */
  else if ((rc = read_identity (t, e, dirfd)) < 0)
    return rc;
  if (e->pidfd >= 0 && pidfd_exited (e->pidfd))
    return -ESRCH;
  return 0;
}

/* Add process `pid` (a thread-group leader) to the table. */
static int
resolve_process (struct proctable *t, pid_t pid, struct proc_entry **out)
{
  struct proc_entry *e;
  int rc;

  if (t->count >= t->max_entries && !evict_one (t))
    return -ENOSPC;
  e = xcalloc (1, sizeof *e);
  rc = build_entry (t, pid, e);
  if (rc < 0)
    {
      destroy_entry (e);
      return rc;
    }
  insert_entry (t, e);
  *out = e;
  return 0;
}

/* ---- threads ---- */

static struct thread_link **
find_thread (struct proctable *t, pid_t tid)
{
  struct thread_link **pp = &t->tbuckets[bucket_of (t, tid)];
  while (*pp && (*pp)->tid != tid)
    pp = &(*pp)->next;
  return pp;
}

static void
link_thread (struct proctable *t, pid_t tid, const struct proc_entry *e)
{
  struct thread_link **pp = find_thread (t, tid);
  struct thread_link *l = *pp;

  if (l == NULL)
    {
      /* The links are only a cache: when full, start over. */
      if (t->tcount >= t->max_entries * 4)
        {
          clear_threads (t);
          pp = find_thread (t, tid);
        }
      l = xcalloc (1, sizeof *l);
      l->tid = tid;
      *pp = l;
      t->tcount++;
    }
  l->tgid = e->pid;
  l->generation = e->generation;
}

static void
unlink_thread (struct proctable *t, struct thread_link **pp)
{
  struct thread_link *l = *pp;
  *pp = l->next;
  free (l);
  t->tcount--;
}

/* Does /proc/<tgid>/task/<tid> exist?  A thread that exited and whose tid
 * was reused elsewhere no longer appears below its old process. */
static bool
thread_in_process (struct proctable *t, pid_t tgid, pid_t tid)
{
  char path[64];

  snprintf (path, sizeof path, t->proc_dirfd >= 0 ? "%d/task/%d" : "/proc/%d/task/%d", (int) tgid, (int) tid);
  return faccessat (t->proc_dirfd >= 0 ? t->proc_dirfd : AT_FDCWD, path, F_OK, AT_EACCESS) == 0;
}

static struct proc_entry *
lookup_linked_thread (struct proctable *t, pid_t tid)
{
  struct thread_link **pp = find_thread (t, tid);
  struct proc_entry *e;

  if (*pp == NULL)
    return NULL;
  e = find_entry (t, (*pp)->tgid);
  if (e && e->generation == (*pp)->generation && entry_alive (t, e) && thread_in_process (t, e->pid, tid))
    return e;
  unlink_thread (t, pp);
  return NULL;
}

/* ---- lookup ---- */

static int
finish_lookup (struct proctable *t, struct proc_entry *e, struct proc_entry **out)
{
  int rc;

  e->last_used = t->tick;
  if (e->exec_pending)
    {
      rc = proctable_refresh (t, e);
      if (rc < 0)
        return rc;
    }
  *out = e;
  return 0;
}

/* A known process entry for pid, dropped first if its process exited. */
static struct proc_entry *
live_entry (struct proctable *t, pid_t pid)
{
  struct proc_entry *e = find_entry (t, pid);

  if (e && !entry_alive (t, e))
    {
      retire_entry (t, e);
      e = NULL;
    }
  return e;
}

/* The start of every lookup: the entry tid already has, or NULL. */
static struct proc_entry *
lookup_begin (struct proctable *t, pid_t tid)
{
  struct proc_entry *e;

  t->tick++;
  free_graveyard (t);
  t->last_lookup_cached = false;
  if ((e = live_entry (t, tid)) != NULL || (e = lookup_linked_thread (t, tid)) != NULL)
    t->last_lookup_cached = !e->exec_pending;
  return e;
}

int
proctable_lookup (struct proctable *t, pid_t tid, struct proc_entry **out)
{
  struct proc_entry *e;
  pid_t tgid;
  int rc;

  *out = NULL;
  if (tid <= 0)
    return -ESRCH;
  if ((e = lookup_begin (t, tid)) != NULL)
    return finish_lookup (t, e, out);

  rc = read_proc (t, tid, PI_STATUS);
  if (rc < 0)
    return rc;
  tgid = t->pi.tgid;
  if (tgid != tid && (e = live_entry (t, tgid)) == NULL)
    {
      rc = resolve_process (t, tgid, &e);
      if (rc < 0)
        return rc;
    }
  if (tgid == tid)
    {
      rc = resolve_process (t, tid, &e);
      if (rc < 0)
        return rc;
      return finish_lookup (t, e, out);
    }
  link_thread (t, tid, e);
  return finish_lookup (t, e, out);
}

int
proctable_lookup_leader (struct proctable *t, pid_t pid, struct proc_entry **out)
{
  struct proc_entry *e;

  *out = NULL;
  if (pid <= 0)
    return -ESRCH;
  if ((e = lookup_begin (t, pid)) != NULL)
    return finish_lookup (t, e, out);
  /* No status read to learn the thread group: the entry's own read checks
   * pid leads one, and a pid that does not is looked up as any tid. */
  int rc = resolve_process (t, pid, &e);
  if (rc == -ESRCH)
    return proctable_lookup (t, pid, out);
  if (rc < 0)
    return rc;
  return finish_lookup (t, e, out);
}

bool
proctable_last_lookup_cached (const struct proctable *t)
{
  return t->last_lookup_cached;
}

/* ---- ancestry ---- */

/* e's parent, resolving it from /proc if needed.  A dead parent entry is
 * dropped (its generation with it); when the pid is held by some other
 * process, the kernel has reparented e: read its PPid again, once. */
static struct proc_entry *
parent_of (struct proctable *t, struct proc_entry *e)
{
  for (int attempt = 0; attempt < 2; attempt++)
    {
      struct proc_entry *p;

      if (e->ppid <= 0 || e->ppid == e->pid)
        return NULL;
      p = find_entry (t, e->ppid);
      if (p && !entry_alive (t, p))
        {
          retire_entry (t, p);
          p = NULL;
        }
      if (p == NULL)
        {
          e->parent_generation = 0; /* whatever it linked to has left */
          if (resolve_process (t, e->ppid, &p) < 0)
            p = NULL;
        }
      if (p && is_parent (e, p))
        {
          link_parent (t, e, p);
          return p;
        }
      if (attempt > 0 || read_proc (t, e->pid, PI_STATUS | PI_STAT) < 0
          || t->pi.start_time != e->start_time || t->pi.ppid == e->ppid)
        return NULL;
      e->ppid = t->pi.ppid;
      e->parent_generation = 0;
    }
  return NULL;
}

struct proc_entry *
proctable_ancestor (struct proctable *t, struct proc_entry *e, unsigned depth)
{
  if (e == NULL || depth > t->max_depth)
    return NULL;
  for (unsigned i = 0; i < depth && e; i++)
    {
      e = parent_of (t, e);
      /* An ancestor that exec'd since it was read shows its new program;
       * one that cannot be re-read ends the chain rather than showing
       * the old name. */
      if (e && e->exec_pending && proctable_refresh (t, e) < 0)
        return NULL;
    }
  return e;
}

/* ---- reaping ---- */

size_t
proctable_reap_exited (struct proctable *t)
{
  struct epoll_event evs[REAP_BATCH];
  size_t reaped = 0;
  int n;

  free_graveyard (t);
  if (t->epfd >= 0)
    do
      {
        n = epoll_wait (t->epfd, evs, REAP_BATCH, 0);
        for (int i = 0; i < n; i++)
          {
            retire_entry (t, evs[i].data.ptr);
            reaped++;
          }
      }
    while (n == REAP_BATCH);
  if (t->no_pidfd)
    for (size_t i = 0; i < t->nbuckets; i++)
      for (struct proc_entry *e = t->buckets[i], *next; e; e = next)
        {
          next = e->hnext;
          if (!entry_alive (t, e))
            {
              retire_entry (t, e);
              reaped++;
            }
        }
  return reaped;
}
