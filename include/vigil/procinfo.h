/* vigil: inspecting the workload's processes through /proc.
 *
 * Three layers the live event source uses to supply Falco's proc.*,
 * thread.*, user.* and group.* fields:
 *
 *   procinfo   one bounded read of /proc/<tid>: ids, credentials,
 *              capabilities, args, env, exe, cwd, root, loginuid.  Fixed
 *              buffers, no allocation, O_CLOEXEC, errno-style results.
 *   proctable  the processes seen so far, keyed by (tgid, start time), with
 *              a pidfd each so an exited process leaves the table and a
 *              reused pid never inherits its name or ancestry.
 *   userdb     passwd/group names as the workload sees them (its own root),
 *              opened without following symlinks and cached by
 *              (st_dev, st_ino, st_mtim).
 *
 * The workload is hostile: everything read from it is bounded, and a read
 * that fails because vigil may not look (EACCES) is reported as such so the
 * caller can fail closed instead of evaluating rules on missing data.
 *
 * Error contract (hot path, so no message allocation): a fallible function
 * returns 0 (or a count) on success and a negative errno value on failure:
 *   -ESRCH   the process is gone (exited, reaped, or never existed; ENOENT
 *            on /proc/<tid> is reported as -ESRCH).  Not an attack: the
 *            caller answers the notification and moves on.
 *   -EACCES  vigil may not read it (no CAP_SYS_PTRACE over a workload that
 *            switched uid or became non-dumpable; EPERM is folded in).
 *            The caller fails closed.
 *   other    -EIO, -EINVAL (malformed /proc content), -ELOOP, -EFBIG...
 * procinfo_strstatus() names these for messages. */
#ifndef VIGIL_PROCINFO_H
#define VIGIL_PROCINFO_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Falco's limits (libscap SCAP_MAX_ARGS_SIZE / SCAP_MAX_ENV_SIZE): argv and
 * env are kept up to 4096 bytes including their NUL separators. */
#define PROCINFO_ARGS_MAX 4096
#define PROCINFO_ENV_MAX 4096
#define PROCINFO_PATH_MAX 4096
#define PROCINFO_COMM_MAX 64 /* TASK_COMM_LEN is 16; room for longer kernels */
/* Longest thread.cap_* text: every capability name and a space each. */
#define PROCINFO_CAPS_TEXT_MAX 1024

/* What procinfo_read() fills (a bit mask). */
enum procinfo_what {
  PI_STATUS = 1u << 0,   /* status: Tgid, PPid, Uid/Gid x4, caps, NS* ids */
  PI_STAT = 1u << 1,     /* stat: comm, ppid, pgrp, session, tty, start time */
  PI_ARGS = 1u << 2,     /* cmdline (argv, NUL-separated, argv[0] included) */
  PI_ENV = 1u << 3,      /* environ */
  PI_EXE = 1u << 4,      /* readlink exe; memfd and "(deleted)" detection */
  PI_CWD = 1u << 5,      /* readlink cwd */
  PI_ROOT = 1u << 6,     /* readlink root */
  PI_LOGINUID = 1u << 7, /* loginuid */
  PI_ALL = 0xffu,
};

enum procinfo_id_index { PI_REAL = 0, PI_EFFECTIVE = 1, PI_SAVED = 2, PI_FS = 3 };

/* One thread as /proc shows it.  About 21 KiB: reuse one per event loop
 * rather than putting it on a small stack. */
struct procinfo {
  unsigned have; /* the PI_* bits actually filled */
  pid_t tid;

  /* PI_STATUS */
  pid_t tgid, ppid;
  pid_t vtid, vpid, vpgid, vsid; /* innermost pid namespace (last NS* column) */
  uid_t uid[4];                  /* PI_REAL, PI_EFFECTIVE, PI_SAVED, PI_FS */
  gid_t gid[4];
  uint64_t cap_inheritable, cap_permitted, cap_effective;

  /* PI_STAT (pids as the /proc mount's namespace numbers them) */
  char comm[PROCINFO_COMM_MAX]; /* proc.name */
  pid_t stat_ppid, pgid, sid;
  uint32_t tty;        /* tty_nr: 0 without a controlling terminal (proc.tty) */
  uint64_t start_time; /* clock ticks since boot: identity with the pid */

  /* PI_ARGS: argv[0]\0argv[1]\0...\0, at most PROCINFO_ARGS_MAX bytes and
   * always NUL-terminated.  When longer, the first PROCINFO_ARGS_MAX-1 bytes
   * are kept and a NUL ends them, as Falco's drivers do; args_truncated says
   * so (Falco itself shows no marker in the field). */
  char args[PROCINFO_ARGS_MAX];
  size_t args_len; /* bytes used, final NUL included; 0 when empty */
  bool args_truncated;

  /* PI_ENV, same layout and truncation as args */
  char env[PROCINFO_ENV_MAX];
  size_t env_len;
  bool env_truncated;

  /* PI_EXE: the exe link as the kernel prints it ("/memfd:x (deleted)") */
  char exepath[PROCINFO_PATH_MAX];
  bool exe_from_memfd; /* proc.is_exe_from_memfd: target starts "/memfd:" */
  bool exe_deleted;    /* target ends " (deleted)" */

  char cwd[PROCINFO_PATH_MAX];  /* PI_CWD */
  char root[PROCINFO_PATH_MAX]; /* PI_ROOT */
  int64_t loginuid;             /* PI_LOGINUID: -1 when unset (4294967295) */
};

/** Read the parts `what` of /proc/<tid> (under `proc_dirfd`, an fd on a proc
 *  mount, or -1 for "/proc") into *pi.  All files are read relative to one
 *  fd on /proc/<tid>, so a pid recycled half-way fails with -ESRCH rather
 *  than mixing two processes.  Returns 0, or a negative errno as described
 *  at the top of this header; pi->have says what was filled (on failure,
 *  the parts read before it).  PI_ARGS and PI_ENV make the kernel copy
 *  pages of the workload's memory: a workload that maps those pages from
 *  a file it serves itself (FUSE) can make that read wait on it. */
int procinfo_read (int proc_dirfd, pid_t tid, unsigned what, struct procinfo *pi);

/** Same, relative to an fd already open on /proc/<tid> (O_PATH is enough).
 *  pi->have is reset first, as in procinfo_read(). */
int procinfo_read_at (int tid_dirfd, pid_t tid, unsigned what, struct procinfo *pi);

/** True when rc (a negative errno from this header) means "process gone". */
static inline bool
procinfo_is_gone (int rc)
{
  return rc == -ESRCH || rc == -ENOENT;
}

/** A short name for a result code: "process gone", "permission denied"... */
const char *procinfo_strstatus (int rc);

/** Render a capability mask as Falco's thread.cap_* fields do: upper-case
 *  names (libcap's cap_to_name, e.g. "CAP_CHOWN CAP_KILL") in bit order,
 *  separated by single spaces, bits libcap cannot name left out; "" for 0.
 *  Writes at most bufsz bytes (NUL included); returns the text length, or
 *  -ERANGE when it did not fit (the buffer then holds a truncated prefix).
 *  PROCINFO_CAPS_TEXT_MAX is always enough. */
int procinfo_caps_text (uint64_t caps, char *buf, size_t bufsz);

/** Append one string to a NUL-separated argv/env buffer with Falco's
 *  truncation: the buffer holds at most cap bytes, NULs included; a string
 *  that does not fit is cut so that the buffer ends in a NUL at cap.
 *  Returns false once truncated (further strings are dropped).  For the
 *  live source, which reads execve's argv from the workload's memory. */
bool procinfo_argbuf_add (char *buf, size_t *len, size_t cap, const char *s, size_t n);

/** Join a NUL-separated buffer (args_len bytes as above) with single spaces,
 *  skipping the first `skip` strings: skip=1 gives Falco's proc.args from
 *  pi->args.  Writes at most outsz bytes (always NUL-terminated); returns the
 *  length written. */
size_t procinfo_join (const char *buf, size_t len, size_t skip, char *out, size_t outsz);

/** Convert a /proc start time (clock ticks since boot) to nanoseconds since
 *  the epoch, for proc.duration and friends. */
uint64_t procinfo_start_to_epoch_ns (uint64_t start_ticks);

/* ---- process table ---- */

/* A process (thread group) of the workload.  Strings are owned by the
 * table.  Pointers to entries stay valid until the next proctable_lookup(),
 * proctable_reap_exited() or proctable_free(): entries touched by the
 * current lookup and its ancestry walk are never evicted in between. */
struct proc_entry {
  pid_t pid;           /* tgid (proc.pid) */
  pid_t ppid;          /* parent's tgid as last read (proc.ppid) */
  pid_t vpid;          /* proc.vpid */
  pid_t sid, vpgid;    /* proc.sid, proc.vpgid */
  uint32_t tty;        /* proc.tty */
  uint64_t start_time; /* clock ticks since boot; with pid, the identity */
  uint64_t generation; /* unique per entry ever created; never reused */
  uint64_t parent_generation; /* generation of the parent when linked, or 0 */
  int pidfd;                  /* pidfd_open(pid, 0), O_CLOEXEC; -1 if unsupported */

  char comm[PROCINFO_COMM_MAX]; /* proc.name */
  char *exepath;                /* proc.exepath; NULL when unreadable */
  char *exe;                    /* proc.exe (argv[0]); NULL when unreadable */
  char *cmdline;                /* proc.cmdline: comm, a space, the args */
  const char *args;             /* proc.args: points into cmdline (or "") */
  bool exe_from_memfd;
  bool args_truncated;
  bool exe_unreadable;  /* exe link gave EACCES: exepath is NULL */
  bool args_unreadable; /* cmdline gave EACCES: exe/cmdline/args are NULL */
  bool exec_pending;    /* re-read comm/exe/cmdline at the next lookup */

  /* private to proctable.c */
  uint64_t last_used;
  struct proc_entry *hnext;
};

struct proctable;

/** Create a table of at most max_entries processes (0: 1024; when full, the
 *  least recently used entry goes), walking at most max_depth ancestors
 *  (0: 32).  proc_dirfd: an fd on a proc mount of vigil's own pid
 *  namespace (pidfd_open numbers pids there), or -1 for "/proc"; not
 *  closed by the table.  Never returns NULL. */
struct proctable *proctable_new (int proc_dirfd, size_t max_entries, unsigned max_depth);
void proctable_free (struct proctable *t);

/** Find the process of thread `tid`, resolving it from /proc the first time
 *  (its parent's name/exe/args are inherited when the parent is known and
 *  the names agree, as a fork shares them; otherwise read from /proc).
 *  A known entry whose pidfd says it exited is dropped, never returned.
 *  Returns 0 with *out set, or a negative errno (-ESRCH gone, -EACCES). */
int proctable_lookup (struct proctable *t, pid_t tid, struct proc_entry **out);

/** proctable_lookup() for a pid known to lead its thread group (a thread
 *  held at its exec stop): an unknown one is built with one read of its
 *  status, not two. */
int proctable_lookup_leader (struct proctable *t, pid_t pid, struct proc_entry **out);

/** Whether the last proctable_lookup() answered from the table alone: an
 *  entry known alive (pidfd, or start time) and its thread link checked,
 *  nothing read from /proc about the thread.  Such an answer needs no
 *  check that the thread is still the one asked about. */
bool proctable_last_lookup_cached (const struct proctable *t);

/** The ancestor `depth` levels up (0: e itself, 1: its parent...), for
 *  proc.aname[N], aexe, aexepath, apid, pname, pcmdline...  Parents not yet
 *  in the table are read from /proc; a parent pid now held by a process
 *  younger than the child (a reused pid) ends the chain, as do pid 0, the
 *  depth limit and unreadable parents.  Returns NULL past the end. */
struct proc_entry *proctable_ancestor (struct proctable *t, struct proc_entry *e, unsigned depth);

/** The maximum ancestry depth given to proctable_new(). */
unsigned proctable_max_depth (const struct proctable *t);

/** Record an exec: new name (NULL: the basename of exepath, cut to 15
 *  bytes as the kernel does), exe path (NULL: unknown, marked unreadable),
 *  and argv as a NUL-separated buffer (procinfo's args format; argv[0]
 *  first; args_len >= PROCINFO_ARGS_MAX marks it truncated). */
void proctable_exec (struct proctable *t, struct proc_entry *e, const char *comm, const char *exepath,
                     const char *args, size_t args_len);

/** Mark e so its name, exe and args are re-read from /proc at its next
 *  lookup (after an execve vigil let continue). */
void proctable_mark_exec (struct proc_entry *e);

/** Thread `tid` exec'd (a notification vigil let continue, already
 *  answered): its process's entry, if any, is re-read at its next lookup;
 *  a process without an entry is read from /proc when first resolved
 *  instead of inheriting its parent's identity.  Reads nothing now. */
void proctable_note_exec (struct proctable *t, pid_t tid);

/** Re-read name, exe and args of e from /proc now.  0 or negative errno. */
int proctable_refresh (struct proctable *t, struct proc_entry *e);

/** An epoll fd (O_CLOEXEC) that becomes readable when some process in the
 *  table exits; add it to the event loop and call proctable_reap_exited(). */
int proctable_epoll_fd (const struct proctable *t);

/** Drop every entry whose process has exited.  Returns how many. */
size_t proctable_reap_exited (struct proctable *t);

/** Number of processes in the table. */
size_t proctable_count (const struct proctable *t);

/* ---- passwd / group as the workload sees them ---- */

struct userdb_user {
  uid_t uid;
  gid_t gid;
  const char *name;    /* user.name */
  const char *homedir; /* user.homedir */
  const char *shell;   /* user.shell */
};

struct userdb_group {
  gid_t gid;
  const char *name; /* group.name */
};

struct userdb;

/** A cache of parsed passwd/group files.  max_file_size: larger files are
 *  refused with -EFBIG (0: 4 MiB).  Never returns NULL. */
struct userdb *userdb_new (size_t max_file_size);
void userdb_free (struct userdb *db);

/** Look uid up in <root>/etc/passwd, root being e.g. "/proc/<tid>/root".
 *  The file is opened with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)
 *  below root where the kernel has it (else one component at a time, no
 *  symlink followed), O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, must be a
 *  regular file within the size cap, and is parsed again only when its
 *  (st_dev, st_ino, st_mtim, st_size) change.  The first line with the uid
 *  wins, as getpwuid does.  Returns 1 found (strings valid until the next
 *  userdb call), 0 not found, or a negative errno (-ELOOP for a symlinked
 *  file, -EFBIG, -EINVAL not a regular file, -EACCES, -ENOENT...).  Falco
 *  shows "<NA>" for a user it cannot name ("root" and "/root" for uid 0). */
int userdb_get_user (struct userdb *db, const char *root, uid_t uid, struct userdb_user *out);

/** Same for gid in <root>/etc/group. */
int userdb_get_group (struct userdb *db, const char *root, gid_t gid, struct userdb_group *out);

/** Counters for tests and the status log: files parsed, cache hits. */
void userdb_stats (const struct userdb *db, unsigned long *parses, unsigned long *hits);

#endif
