/* vigil: fields of a live event, extracted on demand.
 *
 * What vigil cannot obtain is VAL_UNREADABLE, never a guess: log rules
 * then see no value (as in Falco), deny/kill rules fail closed.  This is
 * the first slice: the event itself, the process name and the path of
 * the open family; /proc-backed process, user and container fields come
 * with the process table. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include "vigil/emulate_open.h"
#include "vigil/event_live.h"
#include "vigil/evttypes.h"
#include "vigil/failclosed.h"
#include "vigil/net_addr.h"
#include "vigil/path_resolve.h"
#include "vigil/source_seccomp.h"

/* Falco's limit on strings read from a process. */
#define LIVE_STRING_MAX 4096

/* The event type of a syscall number, cached: libseccomp's lookup walks
 * a table. */
static int
syscall_evttype (uint32_t arch, int nr)
{
  static int cache[1024];
  static bool filled[1024];

  if (nr >= 0 && nr < 1024 && filled[nr])
    return cache[nr];
  char *name = seccomp_syscall_resolve_num_arch (arch, nr);
  int id = name ? evttype_lookup (name) : -1;
  free (name);
  if (nr >= 0 && nr < 1024)
    {
      cache[nr] = id;
      filled[nr] = true;
    }
  return id;
}

static enum value_state
set_str (struct value *out, const char *s, size_t len)
{
  out->kind = VK_STR;
  out->u.s.p = s;
  out->u.s.len = len;
  return VAL_PRESENT;
}

static enum value_state
set_int (struct value *out, int64_t v)
{
  out->kind = VK_INT;
  out->u.i = v;
  return VAL_PRESENT;
}

/* Does req->pid still name the thread the event is about, now?  A
 * pending notification proves it; so does a ptrace stop vigil holds, since
 * a tracee cannot be reaped (nor its pid reused) before its tracer waits. */
static bool
target_unchanged_now (const struct live_event *ev)
{
  return ev->held || seccomp_notif_valid (ev->listener, ev->req->id);
}

/* The same for a read used by this event alone: the answer may prove it
 * (live_event_check_at_answer), which saves an ioctl per event. */
static bool
target_unchanged (struct live_event *ev)
{
  if (ev->check_at_answer && !ev->held)
    {
      ev->unconfirmed = true;
      return true;
    }
  return target_unchanged_now (ev);
}

/* A read of the target failed: when for want of permission, the answer
 * must not rest on what vigil could see (failclosed.h). */
static void
note_failure (struct live_event *ev, int e)
{
  if (failclosed_errno_means_denied (e))
    ev->uninspectable = true;
}

/* ---- the syscalls this file tells apart ----
 *
 * By event type id, looked up once: every field read asks, and a string
 * comparison per question was a measurable part of each event. */
enum {
  LT_OPEN = 1u << 0,      /* open, creat: the path is argument 0 */
  LT_OPENAT = 1u << 1,    /* openat, openat2: the path is argument 1 */
  LT_CREAT = 1u << 2,
  LT_OPENAT2 = 1u << 3,
  LT_BY_HANDLE = 1u << 4, /* open_by_handle_at */
  LT_EXECVE = 1u << 5,
  LT_EXECVEAT = 1u << 6,
  LT_CONNECT = 1u << 7,
  LT_SENDTO = 1u << 8,
  LT_SENDMSG = 1u << 9,
  LT_SENDMMSG = 1u << 10,
  LT_ACCEPT = 1u << 11,   /* accept, accept4 */
  LT_FD_FIRST = 1u << 12, /* argument 0 is an fd the fields describe */
  LT_DUP_TO = 1u << 13,   /* dup2, dup3: the result is argument 1 */
};

static uint16_t live_types[EVTTYPE_MAX];
/* Per type, the registers its parameters are in (bit i: args[i]), from
 * syscall_params: what a decision about it can read of them. */
static uint8_t live_arg_regs[EVTTYPE_MAX];
static void live_arg_regs_init (void);
static pthread_once_t live_types_once = PTHREAD_ONCE_INIT;

static void
live_types_init (void)
{
  static const struct {
    const char *name;
    uint16_t bits;
  } kinds[] = {
    { "open", LT_OPEN },
    { "creat", LT_OPEN | LT_CREAT },
    { "openat", LT_OPENAT },
    { "openat2", LT_OPENAT | LT_OPENAT2 },
    { "open_by_handle_at", LT_BY_HANDLE },
    { "execve", LT_EXECVE },
    { "execveat", LT_EXECVEAT },
    { "connect", LT_CONNECT },
    { "sendto", LT_SENDTO },
    { "sendmsg", LT_SENDMSG },
    { "sendmmsg", LT_SENDMMSG },
    { "accept", LT_ACCEPT | LT_FD_FIRST },
    { "accept4", LT_ACCEPT | LT_FD_FIRST },
    { "dup", LT_FD_FIRST },
    { "dup2", LT_FD_FIRST | LT_DUP_TO },
    { "dup3", LT_FD_FIRST | LT_DUP_TO },
    { "listen", LT_FD_FIRST },
    { "fchmod", LT_FD_FIRST },
    { "fchown", LT_FD_FIRST },
    { "fsetxattr", LT_FD_FIRST },
    { "fcntl", LT_FD_FIRST },
  };
  for (size_t i = 0; i < ARRAY_SIZE (kinds); i++)
    {
      int t = evttype_lookup (kinds[i].name);
      if (t >= 0 && t < EVTTYPE_MAX)
        live_types[t] = kinds[i].bits;
    }
  live_arg_regs_init ();
}

/* Which of the LT_ kinds event type `type` is (the table is filled when
 * the first live source is made: every live event has one). */
static unsigned
live_type (int type)
{
  return type >= 0 && type < EVTTYPE_MAX ? live_types[type] : 0;
}

/* A string argument of the syscall, read from the target's memory and
 * checked to belong to the notifying process. */
static int path_arg (int type);

static enum value_state
read_arg_string (struct live_event *ev, int arg, const char **s, size_t *len)
{
  if (arg >= 0 && arg < 6 && ev->arg_override[arg])
    {
      *s = ev->arg_override[arg];
      *len = strlen (*s);
      return VAL_PRESENT;
    }
  if (ev->open_call && arg == path_arg (ev->base.type))
    {
      *s = ev->open_call->path;
      *len = strlen (ev->open_call->path);
      return VAL_PRESENT;
    }
  /* Read once per event, however many fields need it (fd.name,
   * fd.directory, fd.filename, evt.arg.name), into a buffer of its size. */
  struct live_arg_string *c = &ev->argstr[arg];
  if (!c->read)
    {
      char buf[LIVE_STRING_MAX];
      bool truncated;
      ssize_t n = target_read_string (ev->req->pid, ev->req->data.args[arg], buf, sizeof buf, &truncated);
      if (n < 0)
        note_failure (ev, errno);
      c->read = true;
      c->ok = n >= 0 && target_unchanged (ev);
      if (c->ok)
        {
          c->s = arena_strndup (ev->arena, buf, (size_t) n);
          c->len = (size_t) n;
        }
    }
  if (!c->ok)
    return VAL_UNREADABLE;
  *s = c->s;
  *len = c->len;
  return VAL_PRESENT;
}

/* Lexically normalise an absolute path in place ("//", "/./", "/../"),
 * as libsinsp does when it joins a relative path to the cwd: symlinks are
 * not resolved. */
static size_t
path_normalize (char *p)
{
  char *out = p;
  const char *in = p;

  while (*in)
    {
      while (*in == '/')
        in++;
      const char *end = strchrnul (in, '/');
      size_t n = (size_t) (end - in);
      if (n == 0 || (n == 1 && in[0] == '.'))
        ;
      else if (n == 2 && in[0] == '.' && in[1] == '.')
        {
          while (out > p && *--out != '/')
            ;
        }
      else
        {
          *out++ = '/';
          memmove (out, in, n);
          out += n;
        }
      in = end;
    }
  if (out == p)
    *out++ = '/';
  *out = '\0';
  return (size_t) (out - p);
}

/* Index of the path argument of the open family, -1 for others. */
static int
path_arg (int type)
{
  unsigned k = live_type (type);
  return k & LT_OPEN ? 0 : k & LT_OPENAT ? 1 : -1;
}

/* p made absolute against the target's cwd (AT_FDCWD) or dirfd, and
 * normalised lexically, as Falco's fd.name is (symlinks not resolved). */
static enum value_state
absolute_path (struct live_event *ev, const char *p, size_t len, int dirfd, struct value *out)
{
  char link[64], base[PATH_MAX];

  if (p[0] == '/')
    {
      char *copy = arena_strndup (ev->arena, p, len);
      return set_str (out, copy, path_normalize (copy));
    }
  ev->impure = true; /* the cwd or dirfd decides */
  if (dirfd == AT_FDCWD)
    snprintf (link, sizeof link, "/proc/%u/cwd", ev->req->pid);
  else
    snprintf (link, sizeof link, "/proc/%u/fd/%d", ev->req->pid, dirfd);
  ssize_t n = readlink (link, base, sizeof base - 1);
  if (n < 0)
    note_failure (ev, errno);
  if (n < 0 || !target_unchanged (ev))
    return VAL_UNREADABLE;
  base[n] = '\0';
  char *full = arena_alloc (ev->arena, (size_t) n + len + 2);
  sprintf (full, "%s/%s", base, p);
  return set_str (out, full, path_normalize (full));
}

/* The path the target named, made absolute against its cwd or dirfd (as
 * Falco's fd.name is; symlinks are not resolved). */
static enum value_state
open_path (struct live_event *ev, bool raw, struct value *out)
{
  int arg = path_arg (ev->base.type);
  const char *p;
  size_t len;

  if (arg < 0)
    /* open_by_handle_at opens a file handle, not a path: what it opens
     * cannot be known before it happens. */
    return live_type (ev->base.type) & LT_BY_HANDLE ? VAL_UNREADABLE : VAL_ABSENT;
  if (read_arg_string (ev, arg, &p, &len) != VAL_PRESENT)
    return VAL_UNREADABLE;
  if (raw)
    return set_str (out, p, len);
  if (ev->resolved)
    {
      const char *name = ev->object_name ? ev->object_name : ev->resolved->path;
      return set_str (out, name, strlen (name));
    }
  /* Made absolute once per event (a readlink of the cwd when relative). */
  if (!ev->abs_done)
    {
      ev->abs_done = true;
      ev->abs_state = absolute_path (ev, p, len, arg == 1 ? (int) ev->req->data.args[0] : AT_FDCWD, &ev->abs);
    }
  if (ev->abs_state == VAL_PRESENT)
    *out = ev->abs;
  return ev->abs_state;
}

/* ---- exec: the new program, read from the execve arguments ---- */

/* An exec not yet done: the new program is known only from the syscall's
 * arguments.  After it (a held event), /proc describes it. */
static bool
is_exec (const struct live_event *ev)
{
  return !ev->held && (live_type (ev->base.type) & (LT_EXECVE | LT_EXECVEAT));
}

/* argv of an execve, joined with spaces from argv[first] on, at most
 * LIVE_STRING_MAX bytes as Falco reads them. */
static enum value_state
exec_argv_joined (struct live_event *ev, int first, struct value *out)
{
  int argv_arg = live_type (ev->base.type) & LT_EXECVE ? 1 : 2;
  uint64_t argv = ev->req->data.args[argv_arg];
  char *buf = arena_alloc (ev->arena, LIVE_STRING_MAX + 1);
  size_t len = 0;

  for (int i = 0; i < 1024 && len < LIVE_STRING_MAX; i++)
    {
      uint64_t p;
      bool truncated;
      if (target_read (ev->req->pid, argv + 8 * (uint64_t) i, &p, sizeof p) < 0)
        {
          note_failure (ev, errno);
          return VAL_UNREADABLE;
        }
      if (p == 0)
        break;
      if (i < first)
        continue;
      if (len)
        buf[len++] = ' ';
      ssize_t n = target_read_string (ev->req->pid, p, buf + len, LIVE_STRING_MAX + 1 - len, &truncated);
      if (n < 0)
        return VAL_UNREADABLE;
      len += (size_t) n;
    }
  if (!target_unchanged (ev))
    return VAL_UNREADABLE;
  buf[len] = '\0';
  return set_str (out, buf, len);
}

/* argv[0] of the program about to run (proc.exe). */
static enum value_state
exec_argv0 (struct live_event *ev, struct value *out)
{
  int argv_arg = live_type (ev->base.type) & LT_EXECVE ? 1 : 2;
  char *buf = arena_alloc (ev->arena, LIVE_STRING_MAX);
  uint64_t p;
  bool truncated;

  if (target_read (ev->req->pid, ev->req->data.args[argv_arg], &p, sizeof p) < 0)
    {
      note_failure (ev, errno);
      return VAL_UNREADABLE;
    }
  if (p == 0)
    return VAL_ABSENT;
  ssize_t n = target_read_string (ev->req->pid, p, buf, LIVE_STRING_MAX, &truncated);
  if (n < 0 || !target_unchanged (ev))
    return VAL_UNREADABLE;
  return set_str (out, buf, (size_t) n);
}

/* Does the file about to be executed exist, as the target sees its tree?
 * An exec of a missing file fails and changes nothing: execvp's PATH search
 * tries several before the real one, and Falco sees no new program for
 * those.  (Resolved in the target's root; the exec itself is checked
 * again where a deny/kill rule needs certainty.) */
static bool
exec_target_exists (struct live_event *ev, const char *path)
{
  char root[64];
  snprintf (root, sizeof root, "/proc/%u/root", ev->req->pid);
  int rootfd = open (root, O_PATH | O_CLOEXEC);
  if (rootfd < 0)
    return true; /* cannot tell: do not hide the exec */
  struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
  int fd = (int) syscall (SYS_openat2, rootfd, path, &how, sizeof how);
  int e = errno;
  close (rootfd);
  if (fd >= 0)
    close (fd);
  return fd >= 0 || (e != ENOENT && e != ENOTDIR);
}

static enum value_state exec_path_raw (struct live_event *ev, struct value *out);

/* The path being executed, or absent when the file does not exist. */
static enum value_state
exec_path (struct live_event *ev, struct value *out)
{
  enum value_state st = exec_path_raw (ev, out);
  if (st != VAL_PRESENT || out->u.s.p[0] != '/')
    return st;
  if (ev->exec_file == EXEC_FILE_UNKNOWN)
    ev->exec_file = exec_target_exists (ev, out->u.s.p) ? EXEC_FILE_EXISTS : EXEC_FILE_MISSING;
  ev->exec_file_asked = true;
  return ev->exec_file == EXEC_FILE_MISSING ? VAL_ABSENT : VAL_PRESENT;
}

/* The path being executed (execveat with a dirfd is resolved as opens are). */
static enum value_state
exec_path_raw (struct live_event *ev, struct value *out)
{
  int arg = live_type (ev->base.type) & LT_EXECVE ? 0 : 1;
  const char *p;
  size_t len;

  if (read_arg_string (ev, arg, &p, &len) != VAL_PRESENT)
    return VAL_UNREADABLE;
  if (len == 0)
    return set_str (out, p, len); /* execveat(fd, "", AT_EMPTY_PATH): the fd itself */
  return absolute_path (ev, p, len, arg == 1 ? (int) ev->req->data.args[0] : AT_FDCWD, out);
}

/* The new program's name, as the kernel will set comm: the file's base
 * name, at most 15 bytes. */
static enum value_state
exec_name (struct live_event *ev, struct value *out)
{
  struct value path;
  enum value_state st = exec_path (ev, &path);
  if (st != VAL_PRESENT)
    return st;
  const char *slash = memrchr (path.u.s.p, '/', path.u.s.len);
  const char *b = slash ? slash + 1 : path.u.s.p;
  size_t n = path.u.s.len - (size_t) (b - path.u.s.p);
  return set_str (out, b, n > 15 ? 15 : n);
}

static enum value_state
exec_cmdline (struct live_event *ev, struct value *out)
{
  struct value name, args;
  enum value_state st = exec_name (ev, &name);
  if (st != VAL_PRESENT)
    return st;
  if (exec_argv_joined (ev, 1, &args) != VAL_PRESENT)
    return VAL_UNREADABLE;
  size_t n = name.u.s.len + (args.u.s.len ? 1 + args.u.s.len : 0);
  char *buf = arena_alloc (ev->arena, n + 1);
  memcpy (buf, name.u.s.p, name.u.s.len);
  if (args.u.s.len)
    {
      buf[name.u.s.len] = ' ';
      memcpy (buf + name.u.s.len + 1, args.u.s.p, args.u.s.len);
    }
  buf[n] = '\0';
  return set_str (out, buf, n);
}

/* ---- the process: table entry, ancestry, /proc ---- */

static struct proc_entry *
live_proc (struct live_event *ev)
{
  if (!ev->proc_looked)
    {
      ev->proc_looked = true;
      ev->proc_rc = proctable_lookup (ev->src->procs, (pid_t) ev->req->pid, &ev->proc);
      /* What was read from /proc must be the notifier's; a cached entry,
       * known alive, is its process whatever happened to the thread. */
      if (ev->proc_rc < 0 || (!proctable_last_lookup_cached (ev->src->procs) && !target_unchanged_now (ev)))
        ev->proc = NULL;
    }
  return ev->proc;
}

int
live_event_process (struct live_event *ev, pid_t *tgid, uint64_t *generation)
{
  struct proc_entry *e = live_proc (ev);
  if (e == NULL)
    return -1;
  *tgid = e->pid;
  *generation = e->generation;
  return 0;
}

int
live_event_pidfd (struct live_event *ev)
{
  struct proc_entry *e = live_proc (ev);
  return e ? e->pidfd : -1;
}

/* /proc/<tid>/status and friends, read once per event when a field needs
 * them: uid, caps and loginuid change without exec. */
static const struct procinfo *
live_procinfo (struct live_event *ev, unsigned what)
{
  struct procinfo *pi = &ev->src->pi;

  if ((ev->pi_have & what) == what)
    return pi;
  if (ev->pi_have == 0)
    pi->have = 0;
  int rc = procinfo_read (-1, (pid_t) ev->req->pid, what & ~ev->pi_have, pi);
  if (rc < 0)
    note_failure (ev, -rc);
  if (rc < 0 || !target_unchanged (ev))
    return NULL;
  ev->pi_have |= what;
  return pi;
}

/* proctable pointers stay valid only until the next lookup. */
static void
live_proc_relookup (struct live_event *ev)
{
  ev->proc_looked = false;
  ev->proc = NULL;
}

static enum value_state
str_or_unreadable (struct value *out, const char *s)
{
  return s ? set_str (out, s, strlen (s)) : VAL_UNREADABLE;
}

/* proc.name and proc.exepath of the program an exec stop names another
 * way (ev->program). */
static enum value_state
held_program_field (struct live_event *ev, const char *what, struct value *out)
{
  if (ev->program_unknown)
    return VAL_UNREADABLE;
  if (strcmp (what, "exepath") == 0)
    return set_str (out, ev->program, strlen (ev->program));
  const char *slash = strrchr (ev->program, '/');
  const char *b = slash ? slash + 1 : ev->program;
  size_t n = strlen (b);
  return set_str (out, b, n > 15 ? 15 : n);
}

/* The ancestor N levels up; for an exec, level 0 is the program about to
 * run and the ancestors are the caller's. */
static enum value_state
ancestor_field (struct live_event *ev, const char *what, long n, struct value *out)
{
  if (n == 0 && ev->held && (ev->program || ev->program_unknown)
      && (strcmp (what, "name") == 0 || strcmp (what, "exepath") == 0))
    return held_program_field (ev, what, out);
  if (n == 0 && is_exec (ev))
    {
      if (strcmp (what, "name") == 0)
        return exec_name (ev, out);
      if (strcmp (what, "exepath") == 0)
        return exec_path (ev, out);
      if (strcmp (what, "cmdline") == 0)
        return exec_cmdline (ev, out);
    }
  struct proc_entry *e = live_proc (ev);
  if (e == NULL)
    return VAL_UNREADABLE;
  struct proc_entry *a = proctable_ancestor (ev->src->procs, e, (unsigned) n);
  if (a == NULL)
    return VAL_ABSENT;
  if (strcmp (what, "name") == 0)
    return set_str (out, a->comm, strlen (a->comm));
  if (strcmp (what, "exepath") == 0)
    return str_or_unreadable (out, a->exepath);
  if (strcmp (what, "exe") == 0)
    return str_or_unreadable (out, a->exe);
  if (strcmp (what, "cmdline") == 0)
    return str_or_unreadable (out, a->cmdline);
  if (strcmp (what, "args") == 0)
    return str_or_unreadable (out, a->args);
  if (strcmp (what, "pid") == 0)
    return set_int (out, a->pid);
  return VAL_UNREADABLE;
}

/* proc.aname and friends without an index: every ancestor, for "some
 * ancestor is" comparisons. */
static enum value_state
ancestors_list (struct live_event *ev, const char *what, struct value *out)
{
  struct proc_entry *e = live_proc (ev);
  if (e == NULL)
    return VAL_UNREADABLE;
  unsigned max = proctable_max_depth (ev->src->procs);
  struct value *items = arena_alloc (ev->arena, max * sizeof *items);
  size_t n = 0;
  for (unsigned d = 1; d <= max; d++)
    {
      if (proctable_ancestor (ev->src->procs, e, d) == NULL)
        break;
      if (ancestor_field (ev, what, d, &items[n]) == VAL_PRESENT)
        n++;
    }
  out->kind = VK_LIST;
  out->u.list.items = items;
  out->u.list.n = n;
  return VAL_PRESENT;
}

static enum value_state
proc_field (struct live_event *ev, const struct field_ref *ref, const char *f, struct value *out)
{
  /* Process and ancestry fields through the table. */
  static const struct { const char *field, *what; int level; } ancestry[] = {
    { "name", "name", 0 },     { "exepath", "exepath", 0 }, { "exe", "exe", 0 },
    { "cmdline", "cmdline", 0 }, { "args", "args", 0 },       { "pid", "pid", 0 },
    { "pname", "name", 1 },    { "pexepath", "exepath", 1 }, { "pexe", "exe", 1 },
    { "pcmdline", "cmdline", 1 }, { "ppid", "pid", 1 },
    { "aname", "name", -1 },   { "aexepath", "exepath", -1 }, { "aexe", "exe", -1 },
    { "acmdline", "cmdline", -1 }, { "apid", "pid", -1 },
  };
  for (size_t i = 0; i < ARRAY_SIZE (ancestry); i++)
    if (strcmp (f, ancestry[i].field) == 0)
      {
        if (ancestry[i].level >= 0)
          {
            if (is_exec (ev) && ancestry[i].level == 0 && strcmp (f, "args") == 0)
              return exec_argv_joined (ev, 1, out);
            if (is_exec (ev) && ancestry[i].level == 0 && strcmp (f, "exe") == 0)
              return exec_argv0 (ev, out);
            return ancestor_field (ev, ancestry[i].what, ancestry[i].level, out);
          }
        return ref->index >= 0 ? ancestor_field (ev, ancestry[i].what, ref->index, out)
                               : ancestors_list (ev, ancestry[i].what, out);
      }

  struct proc_entry *e = live_proc (ev);
  if (strcmp (f, "vpid") == 0)
    return e ? set_int (out, e->vpid) : VAL_UNREADABLE;
  if (strcmp (f, "sid") == 0)
    return e ? set_int (out, e->sid) : VAL_UNREADABLE;
  if (strcmp (f, "vpgid") == 0)
    return e ? set_int (out, e->vpgid) : VAL_UNREADABLE;
  if (strcmp (f, "tty") == 0)
    return e ? set_int (out, e->tty) : VAL_UNREADABLE;
  if (strcmp (f, "sname") == 0 || strcmp (f, "vpgid.name") == 0)
    {
      struct proc_entry *leader;
      pid_t want = f[0] == 's' ? (e ? e->sid : 0) : (e ? e->vpgid : 0);
      if (e == NULL || proctable_lookup (ev->src->procs, want, &leader) < 0)
        return VAL_UNREADABLE;
      char *copy = arena_strndup (ev->arena, leader->comm, strlen (leader->comm));
      live_proc_relookup (ev);
      return set_str (out, copy, strlen (copy));
    }
  if (strcmp (f, "duration") == 0)
    {
      if (e == NULL)
        return VAL_UNREADABLE;
      uint64_t start = procinfo_start_to_epoch_ns (e->start_time);
      return set_int (out, (int64_t) (ev->base.ts > start ? ev->base.ts - start : 0));
    }
  if (strcmp (f, "is_exe_from_memfd") == 0)
    {
      out->kind = VK_BOOL;
      out->u.b = e && e->exe_from_memfd;
      return e ? VAL_PRESENT : VAL_UNREADABLE;
    }
  if (strcmp (f, "cwd") == 0)
    {
      const struct procinfo *pi = live_procinfo (ev, PI_CWD);
      return pi ? set_str (out, arena_strndup (ev->arena, pi->cwd, strlen (pi->cwd)), strlen (pi->cwd))
                : VAL_UNREADABLE;
    }
  if (strcmp (f, "env") == 0)
    {
      const struct procinfo *pi = live_procinfo (ev, PI_ENV);
      if (pi == NULL)
        return VAL_UNREADABLE;
      size_t klen = ref->arg ? strlen (ref->arg) : 0;
      for (size_t off = 0; off < pi->env_len;)
        {
          const char *var = pi->env + off;
          size_t vlen = strnlen (var, pi->env_len - off);
          if (ref->arg == NULL)
            ; /* whole environment: joined below */
          else if (vlen > klen && memcmp (var, ref->arg, klen) == 0 && var[klen] == '=')
            {
              char *v = arena_strndup (ev->arena, var + klen + 1, vlen - klen - 1);
              return set_str (out, v, vlen - klen - 1);
            }
          off += vlen + 1;
        }
      if (ref->arg)
        return VAL_ABSENT;
      char *all = arena_alloc (ev->arena, pi->env_len + 1);
      size_t n = procinfo_join (pi->env, pi->env_len, 0, all, pi->env_len + 1);
      return set_str (out, all, n);
    }
  return VAL_UNREADABLE;
}

/* ---- user, group, capabilities ---- */

static enum value_state
user_field (struct live_event *ev, const char *f, struct value *out)
{
  const struct procinfo *pi = live_procinfo (ev, PI_STATUS | (strncmp (f, "login", 5) == 0 ? PI_LOGINUID : 0));
  if (pi == NULL)
    return VAL_UNREADABLE;
  if (strcmp (f, "uid") == 0)
    return set_int (out, pi->uid[PI_EFFECTIVE]);
  if (strcmp (f, "loginuid") == 0)
    return set_int (out, pi->loginuid);

  uid_t uid = strcmp (f, "loginname") == 0 ? (uid_t) pi->loginuid : pi->uid[PI_EFFECTIVE];
  if (strcmp (f, "loginname") == 0 && pi->loginuid < 0)
    return VAL_ABSENT;
  char root[64];
  snprintf (root, sizeof root, "/proc/%u/root", ev->req->pid);
  struct userdb_user u;
  int rc = userdb_get_user (ev->src->users, root, uid, &u);
  if (rc < 0)
    return VAL_UNREADABLE;
  if (rc == 0)
    return VAL_ABSENT;
  const char *v = strcmp (f, "homedir") == 0 ? u.homedir : strcmp (f, "shell") == 0 ? u.shell : u.name;
  return set_str (out, arena_strndup (ev->arena, v, strlen (v)), strlen (v));
}

static enum value_state
group_field (struct live_event *ev, const char *f, struct value *out)
{
  const struct procinfo *pi = live_procinfo (ev, PI_STATUS);
  if (pi == NULL)
    return VAL_UNREADABLE;
  if (strcmp (f, "gid") == 0)
    return set_int (out, pi->gid[PI_EFFECTIVE]);
  char root[64];
  snprintf (root, sizeof root, "/proc/%u/root", ev->req->pid);
  struct userdb_group g;
  int rc = userdb_get_group (ev->src->users, root, pi->gid[PI_EFFECTIVE], &g);
  if (rc < 0)
    return VAL_UNREADABLE;
  if (rc == 0)
    return VAL_ABSENT;
  return set_str (out, arena_strndup (ev->arena, g.name, strlen (g.name)), strlen (g.name));
}

static enum value_state
caps_field (struct live_event *ev, const char *f, struct value *out)
{
  const struct procinfo *pi = live_procinfo (ev, PI_STATUS);
  if (pi == NULL)
    return VAL_UNREADABLE;
  uint64_t caps = strcmp (f, "cap_effective") == 0   ? pi->cap_effective
                  : strcmp (f, "cap_permitted") == 0 ? pi->cap_permitted
                                                     : pi->cap_inheritable;
  char *buf = arena_alloc (ev->arena, PROCINFO_CAPS_TEXT_MAX);
  int n = procinfo_caps_text (caps, buf, PROCINFO_CAPS_TEXT_MAX);
  return n < 0 ? VAL_UNREADABLE : set_str (out, buf, strlen (buf));
}

/* ---- the container ---- */

static enum value_state
container_field (struct live_event *ev, const char *f, struct value *out)
{
  const struct container_identity *ci = &ev->src->container;
  const char *v = NULL;

  if (strcmp (f, "container.id") == 0)
    v = ci->id;
  else if (strcmp (f, "container.full_id") == 0)
    v = ci->full_id;
  else if (strcmp (f, "container.name") == 0)
    v = ci->name;
  else if (strcmp (f, "container.type") == 0)
    v = ci->type;
  else if (strcmp (f, "container.image") == 0)
    v = ci->image;
  else if (strcmp (f, "container.image.repository") == 0 || strcmp (f, "container.image.tag") == 0)
    {
      if (ci->image == NULL)
        return VAL_ABSENT;
      /* repository:tag, where a ':' before the last '/' is a registry port. */
      const char *slash = strrchr (ci->image, '/');
      const char *colon = strrchr (slash ? slash : ci->image, ':');
      size_t rlen = colon ? (size_t) (colon - ci->image) : strlen (ci->image);
      if (f[16] == 'r')
        return set_str (out, ci->image, rlen);
      return colon ? set_str (out, colon + 1, strlen (colon + 1)) : set_str (out, "latest", 6);
    }
  else if (strcmp (f, "k8s.pod.name") == 0)
    v = ci->k8s_pod_name;
  else if (strcmp (f, "k8s.ns.name") == 0)
    v = ci->k8s_ns_name;
  else if (strcmp (f, "k8s.pod.uid") == 0)
    v = ci->k8s_pod_uid;
  else if (strcmp (f, "k8s.pod.ip") == 0)
    v = ci->k8s_pod_ip;
  else
    return VAL_UNREADABLE;
  return v ? set_str (out, v, strlen (v)) : VAL_ABSENT;
}

/* ---- network: the destination of connect, sendto, sendmsg ---- */

/* The head of struct msghdr: where the destination is. */
struct msg_name_head {
  uint64_t name;
  uint32_t namelen;
};

/* sendmmsg sends each message of its vector to its own destination: one
 * destination stands for all only when every message names the same
 * bytes (-1 otherwise, or when the vector cannot be read). */
static int
sendmmsg_sockaddr (struct live_event *ev, uint64_t *addr, uint64_t *len)
{
  const __u64 *a = ev->req->data.args;
  unsigned vlen = (unsigned) a[2] > 1024 ? 1024 : (unsigned) a[2]; /* the kernel's UIO_MAXIOV */
  struct sockaddr_storage first, other;
  struct msg_name_head h;

  if (vlen == 0)
    return 0;
  for (unsigned i = 0; i < vlen; i++)
    {
      /* struct mmsghdr is a msghdr (56 bytes on 64-bit ABIs) and a length. */
      if (target_read (ev->req->pid, a[1] + 64 * (uint64_t) i, &h, sizeof h) < 0)
        return -1;
      if (i == 0)
        {
          *addr = h.name;
          *len = h.namelen;
          if (h.name && (h.namelen > sizeof first || target_read (ev->req->pid, h.name, &first, h.namelen) < 0))
            return -1;
          continue;
        }
      if ((h.name == 0) != (*addr == 0) || h.namelen != *len)
        return -1;
      if (h.name && (target_read (ev->req->pid, h.name, &other, h.namelen) < 0 || memcmp (&first, &other, h.namelen) != 0))
        return -1;
    }
  return *addr != 0;
}

/* Where the destination sockaddr lives for this syscall: 1, 0 if none,
 * -1 if vigil cannot tell. */
static int
sockaddr_arg (struct live_event *ev, uint64_t *addr, uint64_t *len)
{
  unsigned k = live_type (ev->base.type);
  const __u64 *a = ev->req->data.args;

  if (ev->no_sockaddr || !(k & (LT_CONNECT | LT_SENDTO | LT_SENDMSG | LT_SENDMMSG)))
    return 0;
  if (ev->sockaddr)
    {
      *addr = 1; /* read already: read_sockaddr returns the copy */
      *len = sizeof *ev->sockaddr;
      return 1;
    }
  if (k & LT_CONNECT)
    {
      *addr = a[1];
      *len = a[2];
      return 1;
    }
  if (k & LT_SENDTO)
    {
      *addr = a[4];
      *len = a[5];
      return *addr != 0;
    }
  if (k & LT_SENDMSG)
    {
      struct msg_name_head hdr;
      if (target_read (ev->req->pid, a[1], &hdr, sizeof hdr) < 0)
        return -1;
      *addr = hdr.name;
      *len = hdr.namelen;
      return *addr != 0;
    }
  if (k & LT_SENDMMSG)
    return sendmmsg_sockaddr (ev, addr, len);
  return 0;
}

/* The destination as vigil read it; -1 unreadable, 0 none, 1 read. */
static int
read_sockaddr (struct live_event *ev, struct sockaddr_storage *ss)
{
  uint64_t addr, len;
  int r = sockaddr_arg (ev, &addr, &len);

  if (r <= 0)
    return r;
  if (ev->sockaddr)
    {
      *ss = *ev->sockaddr;
      return 1;
    }
  memset (ss, 0, sizeof *ss);
  if (len > sizeof *ss)
    len = sizeof *ss;
  if (len < sizeof (sa_family_t) || target_read (ev->req->pid, addr, ss, len) < 0)
    {
      note_failure (ev, errno);
      return -1;
    }
  if (!target_unchanged (ev))
    return -1;
  /* The peer the kernel will reach (0.0.0.0 is the local host). */
  net_addr_reach_target (live_event_pidfd (ev), (int) ev->req->data.args[0], ss, (socklen_t) len);
  /* Every field of this event sees the same destination. */
  struct sockaddr_storage *keep = arena_alloc (ev->arena, sizeof *keep);
  *keep = *ss;
  ev->sockaddr = keep;
  return 1;
}

/* fd.* of a connection being made: the server is the destination; the
 * local end does not exist yet, so its fields are unreadable. */
static enum value_state
net_field (struct live_event *ev, const char *f, struct value *out)
{
  struct sockaddr_storage ss;
  int r = read_sockaddr (ev, &ss);

  if (r == 0)
    return VAL_ABSENT;
  if (r < 0)
    return VAL_UNREADABLE;
  struct ipaddr ip;
  uint16_t port;
  bool is_ip = net_addr_peer (&ss, &ip, &port), unix_ = ss.ss_family == AF_UNIX;
  /* As libsinsp types it: a v4-mapped peer is an ipv4 connection. */
  bool v4 = is_ip && ip.family == AF_INET, v6 = is_ip && ip.family == AF_INET6;

  if (strcmp (f, "fd.typechar") == 0)
    return v4 ? set_str (out, "4", 1) : v6 ? set_str (out, "6", 1) : unix_ ? set_str (out, "u", 1) : VAL_ABSENT;
  if (strcmp (f, "fd.type") == 0)
    return v4 ? set_str (out, "ipv4", 4) : v6 ? set_str (out, "ipv6", 4) : unix_ ? set_str (out, "unix", 4) : VAL_ABSENT;
  if (strcmp (f, "fd.sockfamily") == 0)
    return v4 || v6 ? set_str (out, "ip", 2) : unix_ ? set_str (out, "unix", 4) : VAL_ABSENT;
  if (unix_ && ev->resolved && strcmp (f, "fd.name") == 0)
    {
      const char *name = ev->object_name ? ev->object_name : ev->resolved->path;
      return set_str (out, name, strlen (name));
    }
  if (unix_ && (strcmp (f, "fd.name") == 0 || strcmp (f, "fd.nameraw") == 0))
    {
      const char *path = ((const struct sockaddr_un *) &ss)->sun_path;
      size_t n = strnlen (path, sizeof ((struct sockaddr_un *) 0)->sun_path);
      return set_str (out, arena_strndup (ev->arena, path, n), n);
    }
  if (!v4 && !v6)
    return VAL_ABSENT;
  if (strcmp (f, "fd.sip") == 0 || strcmp (f, "fd.rip") == 0 || strcmp (f, "fd.net") == 0
      || strcmp (f, "fd.snet") == 0 || strcmp (f, "fd.rnet") == 0)
    {
      out->kind = VK_IP;
      out->u.ip = ip;
      return VAL_PRESENT;
    }
  if (strcmp (f, "fd.sport") == 0 || strcmp (f, "fd.rport") == 0 || strcmp (f, "fd.port") == 0)
    return set_int (out, port);
  return VAL_UNREADABLE;
}

/* ---- files of the open family ---- */

/* ---- an fd the syscall names (dup*, listen, accept*, fchmod) ---- */

/* Which argument is an existing fd of the target, -1 for none. */
static int
fd_arg (int type)
{
  return live_type (type) & LT_FD_FIRST ? 0 : -1;
}

/* Eight hex digits, as /proc/net/tcp prints each 32-bit word. */
static uint32_t
hex_word (const char *p)
{
  char word[9];
  memcpy (word, p, 8);
  word[8] = '\0';
  return (uint32_t) strtoul (word, NULL, 16);
}

/* Find a socket inode in /proc/<pid>/net/<table>: its local and remote
 * addresses as the kernel prints them (hex, network order per 32 bits). */
static bool
socket_lookup (pid_t pid, const char *table, unsigned long ino, struct ipaddr *l, int *lport, struct ipaddr *r,
               int *rport)
{
  char path[64], line[512];
  snprintf (path, sizeof path, "/proc/%d/net/%s", pid, table);
  FILE *f = fopen (path, "re");
  bool v6 = strchr (table, '6') != NULL, found = false;

  if (f == NULL)
    return false;
  while (!found && fgets (line, sizeof line, f))
    {
      char la[40], ra[40];
      unsigned long inode;
      if (sscanf (line, "%*d: %39[0-9A-Fa-f]:%x %39[0-9A-Fa-f]:%x %*x %*x:%*x %*x:%*x %*x %*u %*u %lu", la,
                  (unsigned *) lport, ra, (unsigned *) rport, &inode)
              != 5
          || inode != ino)
        continue;
      const char *src[2] = { la, ra };
      struct ipaddr *dst[2] = { l, r };
      for (int k = 0; k < 2; k++)
        {
          memset (dst[k], 0, sizeof *dst[k]);
          dst[k]->family = v6 ? AF_INET6 : AF_INET;
          for (int w = 0; w < (v6 ? 4 : 1); w++)
            {
              uint32_t word = hex_word (src[k] + 8 * w);
              memcpy (dst[k]->a + 4 * w, &word, 4); /* the kernel printed host-order words */
            }
        }
      found = true;
    }
  fclose (f);
  return found;
}

static const char *const socket_tables[] = { "tcp", "udp", "tcp6", "udp6" };

/* Which of socket_tables lists socket inode ino of the target, with its
 * addresses (ARRAY_SIZE (socket_tables): none). */
static size_t
proc_socket_lookup (struct live_event *ev, unsigned long ino, struct ipaddr *la, int *lport, struct ipaddr *ra,
                    int *rport)
{
  size_t t = 0;
  for (; t < ARRAY_SIZE (socket_tables); t++)
    if (socket_lookup ((pid_t) ev->req->pid, socket_tables[t], ino, la, lport, ra, rport))
      break;
  return t;
}

static void
ipaddr_of (const struct sockaddr_storage *ss, struct ipaddr *ip, int *port)
{
  memset (ip, 0, sizeof *ip);
  ip->family = ss->ss_family == AF_INET6 ? AF_INET6 : AF_INET;
  *port = 0;
  if (ss->ss_family == AF_INET)
    {
      const struct sockaddr_in *in4 = (const struct sockaddr_in *) ss;
      memcpy (ip->a, &in4->sin_addr, 4);
      *port = ntohs (in4->sin_port);
    }
  else if (ss->ss_family == AF_INET6)
    {
      const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *) ss;
      memcpy (ip->a, &in6->sin6_addr, 16);
      *port = ntohs (in6->sin6_port);
    }
}

/* The same for a socket vigil holds (an emulated fd call): asked of the
 * socket itself, so a bound socket that is not yet listening, which no
 * table lists, has its local address too. */
static size_t
held_socket_lookup (int fd, struct ipaddr *la, int *lport, struct ipaddr *ra, int *rport)
{
  struct sockaddr_storage l = { 0 }, r = { 0 };
  socklen_t llen = sizeof l, rlen = sizeof r;
  int domain, proto;
  socklen_t n = sizeof domain;

  if (getsockopt (fd, SOL_SOCKET, SO_DOMAIN, &domain, &n) < 0 || (domain != AF_INET && domain != AF_INET6))
    return ARRAY_SIZE (socket_tables);
  n = sizeof proto;
  if (getsockopt (fd, SOL_SOCKET, SO_PROTOCOL, &proto, &n) < 0 || (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
      || getsockname (fd, (struct sockaddr *) &l, &llen) < 0)
    return ARRAY_SIZE (socket_tables);
  if (getpeername (fd, (struct sockaddr *) &r, &rlen) < 0)
    r.ss_family = l.ss_family; /* not connected: the tables show a zero peer */
  ipaddr_of (&l, la, lport);
  ipaddr_of (&r, ra, rport);
  return (domain == AF_INET6 ? 2 : 0) + (proto == IPPROTO_UDP ? 1 : 0);
}

static enum value_state
fd_table_field (struct live_event *ev, int fdarg, const char *f, struct value *out)
{
  char link[64], target[PATH_MAX];
  int fd = (int) ev->req->data.args[fdarg];
  ssize_t n;

  if (ev->fd_held && ev->fd_object < 0)
    return ev->fd_unknown ? VAL_UNREADABLE : VAL_ABSENT;
  if (ev->fd_held && ev->fd_name)
    n = (ssize_t) snprintf (target, sizeof target, "%s", ev->fd_name);
  else if (ev->fd_held)
    n = self_fd_readlink (ev->fd_object, target, sizeof target - 1);
  else
    {
      snprintf (link, sizeof link, "/proc/%u/fd/%d", ev->req->pid, fd);
      n = readlink (link, target, sizeof target - 1);
    }

  if (n < 0)
    {
      note_failure (ev, errno);
      return errno == ENOENT ? VAL_ABSENT : VAL_UNREADABLE;
    }
  target[n] = '\0';
  unsigned long ino;
  if (sscanf (target, "socket:[%lu]", &ino) != 1)
    {
      /* A file or another kind of object: its path is the name. */
      if (strcmp (f, "fd.name") == 0)
        return set_str (out, arena_strndup (ev->arena, target, (size_t) n), (size_t) n);
      if (strcmp (f, "fd.typechar") == 0 || strcmp (f, "fd.type") == 0)
        {
          bool file = target[0] == '/';
          if (f[7] == 'c')
            return set_str (out, file ? "f" : "o", 1);
          return file ? set_str (out, "file", 4) : set_str (out, "other", 5);
        }
      return VAL_ABSENT;
    }
  struct ipaddr la, ra;
  int lport, rport;
  size_t t = ev->fd_held ? held_socket_lookup (ev->fd_object, &la, &lport, &ra, &rport)
                         : proc_socket_lookup (ev, ino, &la, &lport, &ra, &rport);
  if (!ev->fd_held && !target_unchanged (ev))
    return VAL_UNREADABLE;
  if (t == ARRAY_SIZE (socket_tables))
    {
      /* Not an IP socket vigil can find: unix, netlink... */
      if (strcmp (f, "fd.typechar") == 0)
        return set_str (out, "u", 1);
      if (strcmp (f, "fd.type") == 0)
        return set_str (out, "unix", 4);
      return VAL_UNREADABLE;
    }
  /* An IPv6 socket carrying IPv4 (v4-mapped ends) is ipv4, as libsinsp has it. */
  bool v6 = t >= 2 && !net_addr_unmap_pair (&la, &ra);
  if (strcmp (f, "fd.typechar") == 0)
    return set_str (out, v6 ? "6" : "4", 1);
  if (strcmp (f, "fd.type") == 0)
    return set_str (out, v6 ? "ipv6" : "ipv4", 4);
  if (strcmp (f, "fd.l4proto") == 0)
    return set_str (out, t % 2 ? "udp" : "tcp", 3);
  if (strcmp (f, "fd.sockfamily") == 0)
    return set_str (out, "ip", 2);
  const struct ipaddr *ip = NULL;
  if (strcmp (f, "fd.lip") == 0 || strcmp (f, "fd.lnet") == 0)
    ip = &la;
  else if (strcmp (f, "fd.rip") == 0 || strcmp (f, "fd.rnet") == 0)
    ip = &ra;
  if (ip)
    {
      out->kind = VK_IP;
      out->u.ip = *ip;
      return VAL_PRESENT;
    }
  if (strcmp (f, "fd.lport") == 0)
    return set_int (out, lport);
  if (strcmp (f, "fd.rport") == 0)
    return set_int (out, rport);
  return VAL_UNREADABLE;
}

/* fd.* of accept: Falco shows the accepted connection, whose fd and peer
 * exist only once the syscall returns.  Before it, the listening socket
 * tells the family, the protocol and the server end (vigil's host is the
 * server): its port, and its address unless it listens on every address. */
/* Is f an address, port or network of a socket's ends? */
static bool
ip_end_field (const char *f)
{
  static const char *const ends[] = { "fd.sip",  "fd.cip",  "fd.lip",  "fd.rip",  "fd.sport", "fd.cport",
                                      "fd.lport", "fd.rport", "fd.snet", "fd.cnet", "fd.lnet",  "fd.rnet" };
  for (size_t i = 0; i < ARRAY_SIZE (ends); i++)
    if (strcmp (f, ends[i]) == 0)
      return true;
  return false;
}

/* Does vigil's fd name an IP socket, or may it (the question failed)? */
static bool
held_may_be_ip (int fd)
{
  int domain;
  socklen_t n = sizeof domain;
  if (getsockopt (fd, SOL_SOCKET, SO_DOMAIN, &domain, &n) < 0)
    return errno != ENOTSOCK;
  return domain == AF_INET || domain == AF_INET6;
}

static enum value_state
accept_field (struct live_event *ev, const char *f, struct value *out)
{
  static const char *const from_listener[] = { "fd.typechar", "fd.type", "fd.l4proto", "fd.sockfamily", "fd.lport" };

  /* A listener vigil holds that is no IP socket (unix, netlink) has no IP
   * end: those fields have no value, as Falco shows a unix socket's, and a
   * rule on them does not match (it used to apply blind). */
  if (ev->fd_held && ev->fd_object >= 0 && ip_end_field (f) && !held_may_be_ip (ev->fd_object))
    return VAL_ABSENT;

  for (size_t i = 0; i < ARRAY_SIZE (from_listener); i++)
    if (strcmp (f, from_listener[i]) == 0)
      return fd_table_field (ev, 0, f, out);
  if (strcmp (f, "fd.sport") == 0)
    return fd_table_field (ev, 0, "fd.lport", out);
  if (strcmp (f, "fd.sip") == 0 || strcmp (f, "fd.lip") == 0 || strcmp (f, "fd.snet") == 0
      || strcmp (f, "fd.lnet") == 0)
    {
      static const uint8_t any[16];
      enum value_state st = fd_table_field (ev, 0, "fd.lip", out);
      if (st == VAL_PRESENT && memcmp (out->u.ip.a, any, out->u.ip.family == AF_INET ? 4 : 16) == 0)
        return VAL_UNREADABLE; /* 0.0.0.0 or ::: the connection's address is not known yet */
      return st;
    }
  return VAL_UNREADABLE; /* the client end and the new fd: after the syscall */
}

static enum value_state
fd_field (struct live_event *ev, const char *f, struct value *out)
{
  struct value path;
  uint64_t a, l;
  int fdarg = fd_arg (ev->base.type);

  if (sockaddr_arg (ev, &a, &l) != 0)
    return net_field (ev, f, out);
  if (live_type (ev->base.type) & LT_ACCEPT)
    return accept_field (ev, f, out);
  if (fdarg >= 0)
    return fd_table_field (ev, fdarg, f, out);

  if (strcmp (f, "fd.name") == 0)
    return open_path (ev, false, out);
  if (strcmp (f, "fd.nameraw") == 0)
    return open_path (ev, true, out);
  enum value_state s = open_path (ev, false, &path);
  if (s != VAL_PRESENT)
    return s;
  const char *slash = memrchr (path.u.s.p, '/', path.u.s.len);
  if (strcmp (f, "fd.directory") == 0)
    return set_str (out, path.u.s.p, slash == path.u.s.p ? 1 : (size_t) (slash - path.u.s.p));
  if (strcmp (f, "fd.filename") == 0)
    return set_str (out, slash + 1, path.u.s.len - (size_t) (slash + 1 - path.u.s.p));
  if (strcmp (f, "fd.typechar") == 0 || strcmp (f, "fd.type") == 0)
    {
      /* What the open will give: a directory, or a file (existing or to be
       * created).  Looked up as the target sees the tree. */
      struct stat st;
      bool dir;
      if (ev->resolved)
        dir = !ev->resolved->missing && S_ISDIR (ev->resolved->st.st_mode);
      else
        {
          char *where = arena_alloc (ev->arena, path.u.s.len + 32);
          sprintf (where, "/proc/%u/root%s", ev->req->pid, path.u.s.p);
          dir = stat (where, &st) == 0 && S_ISDIR (st.st_mode);
        }
      if (f[3] == 't' && f[7] == 'c')
        return set_str (out, dir ? "d" : "f", 1);
      return dir ? set_str (out, "directory", 9) : set_str (out, "file", 4);
    }
  return VAL_UNREADABLE;
}

/* The flags of an open, as vigil read them once or from the registers
 * (VAL_ABSENT: the event is no open). */
static enum value_state
open_flags_of (struct live_event *ev, int64_t *flags)
{
  unsigned k = live_type (ev->base.type);

  if (!(k & (LT_OPEN | LT_OPENAT | LT_BY_HANDLE)))
    return VAL_ABSENT;
  if (ev->open_call)
    *flags = (int64_t) ev->open_call->flags;
  else if (k & LT_BY_HANDLE)
    *flags = (int64_t) (uint32_t) ev->req->data.args[2];
  else if (k & LT_CREAT)
    *flags = O_CREAT | O_WRONLY | O_TRUNC;
  else if (k & LT_OPENAT2)
    {
      uint64_t how[3];
      if (target_read (ev->req->pid, ev->req->data.args[2], how, sizeof how) < 0
          || !target_unchanged (ev))
        return VAL_UNREADABLE;
      *flags = (int64_t) how[0];
    }
  else
    *flags = (int64_t) (uint32_t) ev->req->data.args[k & LT_OPEN ? 1 : 2];
  return VAL_PRESENT;
}

static enum value_state
open_flags_field (struct live_event *ev, const char *f, struct value *out)
{
  int64_t flags;
  enum value_state s = open_flags_of (ev, &flags);

  if (s != VAL_PRESENT)
    return s;
  int acc = (int) (flags & O_ACCMODE);
  out->kind = VK_BOOL;
  if (strcmp (f, "evt.is_open_read") == 0)
    out->u.b = acc == O_RDONLY || acc == O_RDWR;
  else if (strcmp (f, "evt.is_open_write") == 0)
    out->u.b = acc == O_WRONLY || acc == O_RDWR;
  else if (strcmp (f, "evt.is_open_exec") == 0)
    out->u.b = false; /* O_EXEC does not exist on Linux: an open never executes */
  else if (strcmp (f, "evt.is_open_create") == 0)
    out->u.b = (flags & O_CREAT) != 0;
  else
    return VAL_UNREADABLE;
  return VAL_PRESENT;
}

/* ---- syscall arguments: evt.arg.NAME and evt.arg[N], as Falco names
 * and renders the parameters of each event ---- */

enum param_kind {
  P_STR, P_INT, P_FD, P_DOMAIN, P_REQUEST, P_OPEN_FLAGS, P_CLONE_FLAGS, P_MODE, P_CMD,
  P_CLONE3_FLAGS, P_BPF_CMD, P_FSCONFIG_CMD, P_FSCONFIG_VALUE, P_UFFD_FLAGS,
};

/* Parameters kept in memory: openat2's struct open_how, by 64-bit word. */
#define HOW_WORD(n) (0x100u + (n))

struct param {
  const char *name;
  unsigned arg; /* syscall argument index */
  enum param_kind kind;
};

static const struct syscall_params {
  const char *type;
  struct param p[5];
} syscall_params[] = {
  { "open", { { "name", 0, P_STR }, { "flags", 1, P_OPEN_FLAGS }, { "mode", 2, P_MODE } } },
  { "openat", { { "dirfd", 0, P_FD }, { "name", 1, P_STR }, { "flags", 2, P_OPEN_FLAGS }, { "mode", 3, P_MODE } } },
  { "openat2",
    { { "dirfd", 0, P_FD }, { "name", 1, P_STR }, { "flags", HOW_WORD (0), P_OPEN_FLAGS }, { "mode", HOW_WORD (1), P_MODE } } },
  { "open_by_handle_at", { { "mountfd", 0, P_FD }, { "flags", 2, P_OPEN_FLAGS } } },
  { "creat", { { "name", 0, P_STR }, { "mode", 1, P_MODE } } },
  { "symlink", { { "target", 0, P_STR }, { "linkpath", 1, P_STR } } },
  { "symlinkat", { { "target", 0, P_STR }, { "linkdirfd", 1, P_FD }, { "linkpath", 2, P_STR } } },
  { "link", { { "oldpath", 0, P_STR }, { "newpath", 1, P_STR } } },
  { "linkat", { { "olddir", 0, P_FD }, { "oldpath", 1, P_STR }, { "newdir", 2, P_FD }, { "newpath", 3, P_STR } } },
  { "unlink", { { "path", 0, P_STR } } },
  { "unlinkat", { { "dirfd", 0, P_FD }, { "name", 1, P_STR }, { "flags", 2, P_INT } } },
  { "rename", { { "oldpath", 0, P_STR }, { "newpath", 1, P_STR } } },
  { "renameat", { { "olddirfd", 0, P_FD }, { "oldpath", 1, P_STR }, { "newdirfd", 2, P_FD }, { "newpath", 3, P_STR } } },
  { "renameat2", { { "olddirfd", 0, P_FD }, { "oldpath", 1, P_STR }, { "newdirfd", 2, P_FD }, { "newpath", 3, P_STR } } },
  { "mkdir", { { "path", 0, P_STR }, { "mode", 1, P_MODE } } },
  { "mkdirat", { { "dirfd", 0, P_FD }, { "path", 1, P_STR }, { "mode", 2, P_MODE } } },
  { "rmdir", { { "path", 0, P_STR } } },
  { "chmod", { { "filename", 0, P_STR }, { "mode", 1, P_MODE } } },
  { "fchmod", { { "fd", 0, P_FD }, { "mode", 1, P_MODE } } },
  { "fchmodat", { { "dirfd", 0, P_FD }, { "filename", 1, P_STR }, { "mode", 2, P_MODE } } },
  { "fchmodat2", { { "dirfd", 0, P_FD }, { "filename", 1, P_STR }, { "mode", 2, P_MODE }, { "flags", 3, P_INT } } },
  { "socket", { { "domain", 0, P_DOMAIN }, { "type", 1, P_INT }, { "proto", 2, P_INT } } },
  { "ptrace", { { "request", 0, P_REQUEST }, { "pid", 1, P_INT } } },
  { "process_vm_writev", { { "pid", 0, P_INT } } },
  { "clone", { { "flags", 0, P_CLONE_FLAGS } } },
  { "fcntl", { { "fd", 0, P_FD }, { "cmd", 1, P_CMD } } },
  { "setuid", { { "uid", 0, P_INT } } },
  { "setgid", { { "gid", 0, P_INT } } },
  { "unshare", { { "flags", 0, P_CLONE_FLAGS } } },
  { "setns", { { "fd", 0, P_FD }, { "nstype", 1, P_CLONE_FLAGS } } },
  { "memfd_create", { { "name", 0, P_STR }, { "flags", 1, P_INT } } },
  { "dup", { { "fd", 0, P_FD } } },
  { "dup2", { { "oldfd", 0, P_FD }, { "newfd", 1, P_FD } } },
  { "dup3", { { "oldfd", 0, P_FD }, { "newfd", 1, P_FD }, { "flags", 2, P_INT } } },
  { "finit_module", { { "fd", 0, P_FD }, { "uargs", 1, P_STR }, { "flags", 2, P_INT } } },
  { "init_module", { { "length", 1, P_INT }, { "uargs", 2, P_STR } } },
  { "clone3", { { "flags", 0, P_CLONE3_FLAGS } } },
  { "bpf", { { "cmd", 0, P_BPF_CMD } } },
  { "userfaultfd", { { "flags", 0, P_UFFD_FLAGS } } },
  /* The new mount API, with the kernel's parameter names (Falco has
   * events of its own only for fsconfig, whose names these are). */
  { "open_tree", { { "dfd", 0, P_FD }, { "filename", 1, P_STR }, { "flags", 2, P_INT } } },
  { "move_mount",
    { { "from_dfd", 0, P_FD }, { "from_pathname", 1, P_STR }, { "to_dfd", 2, P_FD }, { "to_pathname", 3, P_STR },
      { "flags", 4, P_INT } } },
  { "fsopen", { { "fs_name", 0, P_STR }, { "flags", 1, P_INT } } },
  { "fsmount", { { "fd", 0, P_FD }, { "flags", 1, P_INT }, { "attr_flags", 2, P_INT } } },
  { "fsconfig",
    { { "fd", 0, P_FD }, { "cmd", 1, P_FSCONFIG_CMD }, { "key", 2, P_STR }, { "value_charbuf", 3, P_FSCONFIG_VALUE },
      { "aux", 4, P_INT } } },
  { "mount_setattr", { { "dfd", 0, P_FD }, { "path", 1, P_STR }, { "flags", 2, P_INT } } },
  { "mount", { { "dev", 0, P_STR }, { "dir", 1, P_STR }, { "type", 2, P_STR } } },
  { "umount2", { { "name", 0, P_STR }, { "flags", 1, P_INT } } },
  { "umount", { { "name", 0, P_STR } } },
  { "process_vm_readv", { { "pid", 0, P_INT } } },
  { "pidfd_getfd", { { "pid_fd", 0, P_FD }, { "target_fd", 1, P_INT }, { "flags", 2, P_INT } } },
  { "chown", { { "path", 0, P_STR }, { "uid", 1, P_INT }, { "gid", 2, P_INT } } },
  { "lchown", { { "path", 0, P_STR }, { "uid", 1, P_INT }, { "gid", 2, P_INT } } },
  { "fchown", { { "fd", 0, P_FD }, { "uid", 1, P_INT }, { "gid", 2, P_INT } } },
  { "fchownat",
    { { "dirfd", 0, P_FD }, { "pathname", 1, P_STR }, { "uid", 2, P_INT }, { "gid", 3, P_INT }, { "flags", 4, P_INT } } },
  /* No events in Falco: the kernel's names. */
  { "setxattr", { { "path", 0, P_STR }, { "name", 1, P_STR }, { "flags", 4, P_INT } } },
  { "lsetxattr", { { "path", 0, P_STR }, { "name", 1, P_STR }, { "flags", 4, P_INT } } },
  { "fsetxattr", { { "fd", 0, P_FD }, { "name", 1, P_STR }, { "flags", 4, P_INT } } },
};

static void
live_arg_regs_init (void)
{
  for (size_t i = 0; i < ARRAY_SIZE (syscall_params); i++)
    {
      int t = evttype_lookup (syscall_params[i].type);
      const struct param *p = syscall_params[i].p;
      for (size_t k = 0; t >= 0 && t < EVTTYPE_MAX && k < ARRAY_SIZE (syscall_params[i].p) && p[k].name; k++)
        if (p[k].arg < 6)
          live_arg_regs[t] |= (uint8_t) (1u << p[k].arg);
    }
}

/* Events whose parameter list in Falco is not the syscall's (clone's flags
 * are its 16th parameter; the mount API has none): evt.arg.NAME is
 * answered, evt.arg[N] is not. */
static bool
params_named_only (const char *type)
{
  static const char *const named_only[] = { "clone",   "clone3",        "userfaultfd", "open_tree", "move_mount",
                                            "fsopen",  "fsmount",       "fsconfig",    "mount_setattr", "setxattr",
                                            "lsetxattr", "fsetxattr" };
  for (size_t i = 0; i < ARRAY_SIZE (named_only); i++)
    if (strcmp (type, named_only[i]) == 0)
      return true;
  return false;
}

static const struct param *
find_param (const char *type, const struct field_ref *ref)
{
  for (size_t i = 0; i < ARRAY_SIZE (syscall_params); i++)
    {
      if (strcmp (syscall_params[i].type, type) != 0)
        continue;
      const struct param *p = syscall_params[i].p;
      if (ref->arg == NULL && params_named_only (type))
        return NULL;
      for (size_t k = 0; k < ARRAY_SIZE (syscall_params[i].p) && p[k].name; k++)
        if (ref->arg ? strcmp (p[k].name, ref->arg) == 0 : (long) k == ref->index)
          return &p[k];
      return NULL;
    }
  return NULL;
}

/* Which parameters live supervision can read is exactly what find_param
 * finds: arg_field answers every other one absent. */
bool
live_param_supplied (int type, const struct field_ref *ref)
{
  const char *name = evttype_name (type);

  return name && find_param (name, ref) != NULL;
}

/* clone3's flags: the first member of its struct clone_args (args[0],
 * of size args[1]), where the filter cannot see them. */
static enum value_state
clone3_flags (struct live_event *ev, int64_t *v)
{
  uint64_t flags;

  if (ev->req->data.args[1] < sizeof flags)
    return VAL_ABSENT;
  if (target_read (ev->req->pid, ev->req->data.args[0], &flags, sizeof flags) < 0)
    {
      note_failure (ev, errno);
      return VAL_UNREADABLE;
    }
  if (!target_unchanged (ev))
    return VAL_UNREADABLE;
  *v = (int64_t) flags;
  return VAL_PRESENT;
}

/* Parameters Falco renders with names of their own. */
static enum value_state
more_arg_field (struct live_event *ev, const struct param *p, int64_t v, bool raw, char *buf, size_t size,
                struct value *out)
{
  const __u64 *a = ev->req->data.args;

  switch (p->kind)
    {
    case P_CLONE3_FLAGS: /* v read by clone3_flags: 64 bits */
      return raw ? set_int (out, v) : set_str (out, buf, argconst_render ("flags", "CLONE_", v, buf, size));
    case P_BPF_CMD:
      return raw ? set_int (out, (int) v) : set_str (out, buf, argconst_render ("cmd", "BPF_", (int) v, buf, size));
    case P_FSCONFIG_CMD:
      return raw ? set_int (out, (int) v)
                 : set_str (out, buf, argconst_render ("cmd", "FSCONFIG_", (int) v, buf, size));
    case P_FSCONFIG_VALUE:
      {
        /* A string only for the commands that pass one. */
        unsigned cmd = (unsigned) a[1];
        const char *str;
        size_t len;
        if ((cmd != 1 && cmd != 3 && cmd != 4) || v == 0)
          return VAL_ABSENT;
        if (read_arg_string (ev, (int) p->arg, &str, &len) != VAL_PRESENT)
          return VAL_UNREADABLE;
        return set_str (out, str, len);
      }
    case P_UFFD_FLAGS:
      {
        /* userfaultfd takes O_CLOEXEC, O_NONBLOCK and UFFD_USER_MODE_ONLY. */
        unsigned f = (unsigned) v;
        size_t n = 0;
        if (raw)
          return set_int (out, (int) f);
        buf[0] = '\0';
        if (f & O_CLOEXEC)
          n += (size_t) snprintf (buf + n, size - n, "%sO_CLOEXEC", n ? "|" : "");
        if (f & O_NONBLOCK)
          n += (size_t) snprintf (buf + n, size - n, "%sO_NONBLOCK", n ? "|" : "");
        if (f & 1)
          n += (size_t) snprintf (buf + n, size - n, "%sUFFD_USER_MODE_ONLY", n ? "|" : "");
        return n ? set_str (out, buf, n) : set_str (out, "0", 1);
      }
    default:
      return VAL_UNREADABLE;
    }
}

static const struct param *
find_param_named (const char *type, const char *name)
{
  struct field_ref by_name = { .arg = (char *) name, .index = -1 };
  return find_param (type, &by_name);
}

/* The raw value of parameter p of the syscall (one of its registers, or
 * a word of openat2's open_how). */
static enum value_state
param_raw (struct live_event *ev, const struct param *p, int64_t *v)
{
  if (p->kind == P_CLONE3_FLAGS)
    return clone3_flags (ev, v);
  if (p->arg < HOW_WORD (0))
    {
      *v = (int64_t) ev->req->data.args[p->arg];
      return VAL_PRESENT;
    }
  uint64_t how[3];
  if (target_read (ev->req->pid, ev->req->data.args[2], how, sizeof how) < 0)
    {
      note_failure (ev, errno);
      return VAL_UNREADABLE;
    }
  if (!target_unchanged (ev))
    return VAL_UNREADABLE;
  *v = (int64_t) how[p->arg - HOW_WORD (0)];
  return VAL_PRESENT;
}

/* A value rendered as Falco prints parameter p (or raw). */
static enum value_state
param_render (struct live_event *ev, const struct param *p, int64_t v, bool raw, struct value *out)
{
  char *buf = arena_alloc (ev->arena, 512);

  switch (p->kind)
    {
    case P_STR:
      return VAL_UNREADABLE; /* strings are read, never rendered from a number */
    case P_INT:
    case P_FD:
      v = (int64_t) (int) v; /* C ints: the high half of the register is ignored */
      if (raw)
        return set_int (out, v);
      return set_str (out, buf, (size_t) snprintf (buf, 512, "%lld", (long long) v));
    case P_DOMAIN:
      return raw ? set_int (out, (int) v) : set_str (out, buf, argconst_render ("domain", "AF_", (int) v, buf, 512));
    case P_REQUEST:
      return raw ? set_int (out, v) : set_str (out, buf, argconst_render ("request", "PTRACE_", v, buf, 512));
    case P_OPEN_FLAGS:
      return raw ? set_int (out, (int) v)
                 : set_str (out, buf, argconst_render ("flags", "O_", (uint32_t) v, buf, 512));
    case P_CLONE_FLAGS:
      return raw ? set_int (out, (int) v)
                 : set_str (out, buf, argconst_render ("flags", "CLONE_", (uint32_t) v, buf, 512));
    case P_MODE:
      return raw ? set_int (out, (int) v)
                 : set_str (out, buf, (size_t) snprintf (buf, 512, "%#o", (unsigned) (v & 07777)));
    case P_CMD:
      return raw ? set_int (out, (int) v) : set_str (out, buf, argconst_render ("cmd", "F_", (int) v, buf, 512));
    case P_CLONE3_FLAGS:
    case P_BPF_CMD:
    case P_FSCONFIG_CMD:
    case P_FSCONFIG_VALUE:
    case P_UFFD_FLAGS:
      return more_arg_field (ev, p, v, raw, buf, 512, out);
    }
  return VAL_UNREADABLE;
}

/* Parameter `src` of the syscall, shown as parameter `as` of the type the
 * event presents itself as (the same one outside class aliasing). */
static enum value_state
param_value (struct live_event *ev, const struct param *src, const struct param *as, bool raw, struct value *out)
{
  int64_t v;

  if (src->kind == P_STR)
    {
      const char *str;
      size_t len;
      if (ev->req->data.args[src->arg] == 0)
        return VAL_ABSENT;
      if (read_arg_string (ev, (int) src->arg, &str, &len) != VAL_PRESENT)
        return VAL_UNREADABLE;
      return set_str (out, str, len);
    }
  enum value_state st = param_raw (ev, src, &v);
  return st == VAL_PRESENT ? param_render (ev, as, v, raw, out) : st;
}

/* A parameter of the sibling the event is presented as, taken from the
 * syscall made (evtclass_arg): what it cannot supply is unreadable, so a
 * deny/kill rule that needs it applies. */
static enum value_state
aliased_arg_field (struct live_event *ev, const struct param *as, bool raw, struct value *out)
{
  const char *type = evttype_name (ev->base.type);
  struct evtclass_arg a;
  const struct param *src;

  evtclass_arg (ev->base.type, ev->base.alias_view, as->name, &a);
  switch (a.how)
    {
    case EC_CONST:
      return param_render (ev, as, a.value, raw, out);
    case EC_FD_PATH:
      src = find_param_named (type, a.name);
      if (src == NULL)
        return VAL_UNREADABLE;
      return fd_table_field (ev, (int) src->arg, "fd.name", out) == VAL_PRESENT ? VAL_PRESENT : VAL_UNREADABLE;
    case EC_SAME:
    case EC_RENAMED:
      src = find_param_named (type, a.name);
      return src ? param_value (ev, src, as, raw, out) : VAL_UNREADABLE;
    default:
      return VAL_UNREADABLE;
    }
}

static enum value_state
arg_field (struct live_event *ev, const struct field_ref *ref, bool raw, struct value *out)
{
  const char *type = evttype_name (event_presented_type (&ev->base));
  const struct param *p = type ? find_param (type, ref) : NULL;

  if (p == NULL)
    return VAL_ABSENT;
  if (ev->base.aliased)
    return aliased_arg_field (ev, p, raw, out);
  return param_value (ev, p, p, raw, out);
}

/* A result vigil knows: as Falco's exit event shows it (a failed open's
 * fd.num is -1, evt.res the errno's name, as the rules' open_file_failed
 * macro expects). */
static enum value_state
known_result_field (struct live_event *ev, const char *f, struct value *out)
{
  bool failed = ev->res < 0;

  if (strcmp (f, "evt.res") == 0)
    {
      if (!failed)
        return set_str (out, "SUCCESS", 7);
      const char *name = strerrorname_np ((int) -ev->res);
      char *buf = arena_alloc (ev->arena, 24);
      size_t n = name ? (size_t) snprintf (buf, 24, "%s", name)
                      : (size_t) snprintf (buf, 24, "%lld", (long long) ev->res);
      return set_str (out, buf, n);
    }
  if (strcmp (f, "evt.failed") == 0)
    {
      out->kind = VK_BOOL;
      out->u.b = failed;
      return VAL_PRESENT;
    }
  if (strcmp (f, "fd.num") == 0)
    return set_int (out, failed ? -1 : ev->res);
  return set_int (out, ev->res);
}

void
live_event_set_result (struct live_event *ev, int64_t res)
{
  ev->res_known = true;
  ev->res = res;
}

/* Result fields of a syscall vigil lets continue: evaluated as if it
 * succeeded (the rules' open_read macro asks fd.num>=0), shown as <NA>. */
static enum value_state
result_field (struct live_event *ev, const char *f, struct value *out)
{
  if (ev->res_known)
    return known_result_field (ev, f, out);
  if (ev->formatting)
    return VAL_ABSENT;
  if (strcmp (f, "evt.res") == 0)
    return set_str (out, "SUCCESS", 7);
  if (strcmp (f, "evt.failed") == 0)
    {
      out->kind = VK_BOOL;
      out->u.b = false;
      return VAL_PRESENT;
    }
  if (live_type (ev->base.type) & LT_DUP_TO)
    return set_int (out, (int64_t) (int) ev->req->data.args[1]);
  /* A non-negative number: success, with the real value unknown yet. */
  return set_int (out, 0);
}

/* The families of fields live_extract knows, in the order it tells them
 * apart by name. */
enum live_family {
  LF_UNREADABLE, LF_TYPE, LF_NUM, LF_TIME, LF_HOSTNAME, LF_DIR, LF_TID, LF_RESULT, LF_OPEN_FLAGS, LF_ARG,
  LF_RAWARG, LF_PROC, LF_USER, LF_GROUP, LF_CAPS, LF_CONTAINER, LF_FD,
};

static enum live_family
live_family_of (const struct field_def *def)
{
  const char *name = def->name;

  if (strcmp (name, "evt.type") == 0 || strcmp (name, "syscall.type") == 0)
    return LF_TYPE;
  if (strcmp (name, "evt.num") == 0)
    return LF_NUM;
  if (strcmp (name, "evt.time") == 0 || strcmp (name, "evt.rawtime") == 0)
    return LF_TIME;
  if (strcmp (name, "evt.hostname") == 0)
    return LF_HOSTNAME;
  if (strcmp (name, "evt.dir") == 0)
    return LF_DIR;
  if (strcmp (name, "thread.tid") == 0)
    return LF_TID;
  if (field_is_result (def))
    return LF_RESULT;
  if (strncmp (name, "evt.is_open_", 12) == 0)
    return LF_OPEN_FLAGS;
  if (strcmp (name, "evt.arg") == 0)
    return LF_ARG;
  if (strcmp (name, "evt.rawarg") == 0)
    return LF_RAWARG;
  if (strncmp (name, "proc.", 5) == 0)
    return LF_PROC;
  if (strncmp (name, "user.", 5) == 0)
    return LF_USER;
  if (strncmp (name, "group.", 6) == 0)
    return LF_GROUP;
  if (strncmp (name, "thread.cap_", 11) == 0)
    return LF_CAPS;
  if (strncmp (name, "container.", 10) == 0 || strncmp (name, "k8s.", 4) == 0)
    return LF_CONTAINER;
  if (strncmp (name, "fd.", 3) == 0)
    return LF_FD;
  return LF_UNREADABLE;
}

/* Whether a field's value follows from the syscall's registers, the path
 * it names (absolute_path marks a relative one) and the run's constants,
 * on the events decision_cache.h takes: opens with their flags in
 * registers.  The process, its user and capabilities, the file's type,
 * time and numbering can all change from one same call to the next. */
static bool
live_family_pure (enum live_family f, const char *name)
{
  switch (f)
    {
    case LF_UNREADABLE:
    case LF_TYPE:
    case LF_HOSTNAME:
    case LF_DIR:
    case LF_RESULT: /* assumed for a call that continues */
    case LF_OPEN_FLAGS:
    case LF_ARG:
    case LF_RAWARG:
    case LF_CONTAINER:
      return true;
    case LF_FD:
      return strcmp (name, "fd.name") == 0 || strcmp (name, "fd.nameraw") == 0 || strcmp (name, "fd.directory") == 0
             || strcmp (name, "fd.filename") == 0;
    default:
      return false;
    }
}

/* What the hot path needs to know of a field, by its index in the
 * catalogue, worked out at the first extraction: no names are compared
 * to find where a field comes from. */
struct live_field {
  uint8_t family; /* enum live_family */
  bool pure;      /* live_family_pure */
};

static struct live_field *live_fields;
static const struct field_def *live_catalog;
static size_t live_catalog_n;

static struct live_field
live_field_of (const struct field_def *def)
{
  if (live_fields == NULL)
    {
      const struct field_def *all = fields_all (&live_catalog_n);
      struct live_field *v = xcalloc (live_catalog_n ? live_catalog_n : 1, sizeof *v);
      for (size_t i = 0; i < live_catalog_n; i++)
        {
          v[i].family = (uint8_t) live_family_of (&all[i]);
          v[i].pure = live_family_pure ((enum live_family) v[i].family, all[i].name);
        }
      live_catalog = all;
      live_fields = v;
    }
  size_t i = (size_t) (def - live_catalog);
  if (def >= live_catalog && i < live_catalog_n)
    return live_fields[i];
  enum live_family f = live_family_of (def);
  return (struct live_field){ (uint8_t) f, live_family_pure (f, def->name) };
}

static enum value_state
live_extract_value (struct event *base, const struct field_ref *ref, enum live_family family, struct value *out)
{
  struct live_event *ev = (struct live_event *) base;
  const char *name = ref->def->name;

  switch (family)
    {
    case LF_TYPE:
      {
        const char *t = evttype_name (event_presented_type (base));
        return t ? set_str (out, t, strlen (t)) : VAL_UNREADABLE;
      }
    case LF_NUM:
      return set_int (out, (int64_t) ev->num);
    case LF_TIME:
      return set_int (out, (int64_t) base->ts);
    case LF_HOSTNAME:
      return set_str (out, base->hostname, strlen (base->hostname));
    case LF_DIR:
      return set_str (out, "<", 1);
    case LF_TID:
      return set_int (out, ev->req->pid);
    case LF_RESULT:
      return result_field (ev, name, out);
    case LF_OPEN_FLAGS:
      return open_flags_field (ev, name, out);
    case LF_ARG:
    case LF_RAWARG:
      return arg_field (ev, ref, family == LF_RAWARG, out);
    case LF_PROC:
      return proc_field (ev, ref, name + 5, out);
    case LF_USER:
      return user_field (ev, name + 5, out);
    case LF_GROUP:
      return group_field (ev, name + 6, out);
    case LF_CAPS:
      return caps_field (ev, name + 7, out);
    case LF_CONTAINER:
      return container_field (ev, name, out);
    case LF_FD:
      return fd_field (ev, name, out);
    case LF_UNREADABLE:
      break;
    }
  return VAL_UNREADABLE;
}

/* Whether the open reaches a process's memory: decided on the object its
 * walk reached where vigil performs the open (a procfs file named mem is
 * one, wherever procfs is mounted), else on the path.  An O_PATH open
 * reads nothing; reopening it comes back here. */
static int
live_opens_proc_mem (struct live_event *ev)
{
  struct value v;
  int64_t flags;
  enum value_state s = open_flags_of (ev, &flags);

  if (s != VAL_PRESENT)
    return s == VAL_ABSENT ? 0 : -1;
  if (flags & O_PATH)
    return 0;
  if (ev->resolved)
    {
      const char *slash = strrchr (ev->resolved->path, '/');
      return ev->resolved->on_procfs && !ev->resolved->missing && slash && strcmp (slash + 1, "mem") == 0;
    }
  if (fd_field (ev, "fd.name", &v) != VAL_PRESENT)
    return -1;
  char path[PATH_MAX];
  snprintf (path, sizeof path, "%.*s", (int) v.u.s.len, v.u.s.p);
  return evtclass_proc_mem_path (path);
}

/* Whether a rename's new path names an object it replaces (or, with
 * RENAME_EXCHANGE, renames): the walk vigil made says where vigil performs
 * it; otherwise the tree is looked at as the target sees it. */
static int
live_rename_replaces (struct live_event *ev)
{
  const char *type = evttype_name (ev->base.type);
  const struct param *np = type ? find_param_named (type, "newpath") : NULL;
  const struct param *dp = type ? find_param_named (type, "newdirfd") : NULL;
  const struct param *fp = type ? find_param_named (type, "flags") : NULL;

  if (np == NULL)
    return 0;
  if (fp && (ev->req->data.args[fp->arg] & 1 /* RENAME_NOREPLACE */))
    return 0; /* it fails with EEXIST rather than replace anything */
  struct stat st;
  int rc;
  const struct resolved_path *walked = ev->arg_resolved[np->arg];
  if (walked)
    /* The directory the walk reached, with the name the rename will use. */
    rc = fstatat (walked->fd, walked->name, &st, AT_SYMLINK_NOFOLLOW);
  else
    {
      const char *p;
      size_t len;
      struct value abs;
      char where[PATH_MAX + 32];
      if (read_arg_string (ev, (int) np->arg, &p, &len) != VAL_PRESENT
          || absolute_path (ev, p, len, dp ? (int) ev->req->data.args[dp->arg] : AT_FDCWD, &abs) != VAL_PRESENT)
        return -1;
      snprintf (where, sizeof where, "/proc/%u/root%.*s", ev->req->pid, (int) abs.u.s.len, abs.u.s.p);
      rc = fstatat (AT_FDCWD, where, &st, AT_SYMLINK_NOFOLLOW);
    }
  if (rc == 0)
    return 1;
  return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
}

/* Whether a setxattr sets a POSIX ACL (a chmod): by its name, read from
 * memory where vigil performs it or logs it; blind, unknown. */
static int
live_sets_acl (struct live_event *ev)
{
  const char *type = evttype_name (ev->base.type);
  const struct param *np = type ? find_param_named (type, "name") : NULL;
  const char *name;
  size_t len;

  if (np == NULL)
    return 0;
  if (read_arg_string (ev, (int) np->arg, &name, &len) != VAL_PRESENT)
    return -1;
  return evtclass_acl_xattr_name (name);
}

/* Whether a send names its destination, so that it reaches a peer of its
 * own (a connect rule's class guard): where vigil performs the send, each
 * message's destination as vigil read it. */
static int
live_names_peer (struct live_event *ev)
{
  uint64_t addr, len;

  return sockaddr_arg (ev, &addr, &len);
}

static int
live_in_class (struct event *base, int test)
{
  struct live_event *ev = (struct live_event *) base;

  ev->impure = true; /* a class guard: no decision is remembered on it */
  switch (test)
    {
    case ET_PROC_MEM:
      return live_opens_proc_mem (ev);
    case ET_REPLACES:
      return live_rename_replaces (ev);
    case ET_ACL_XATTR:
      return live_sets_acl (ev);
    case ET_NAMES_PEER:
      return live_names_peer (ev);
    default:
      return -1;
    }
}

/* Every field a rule reads: its value, and whether a remembered decision
 * could rest on it. */
static enum value_state
live_extract (struct event *base, const struct field_ref *ref, struct value *out)
{
  struct live_event *ev = (struct live_event *) base;
  struct live_field f = live_field_of (ref->def);

  if (base->aliased || !f.pure)
    ev->impure = true;
  return live_extract_value (base, ref, (enum live_family) f.family, out);
}

static const struct event_ops live_ops = { .extract = live_extract, .in_class = live_in_class };

struct live_source *
live_source_new (const struct container_identity *ci)
{
  struct live_source *src = xcalloc (1, sizeof *src);
  pthread_once (&live_types_once, live_types_init);
  src->procs = proctable_new (-1, 0, 0);
  src->users = userdb_new (0);
  src->container = *ci;
  return src;
}

void
live_source_free (struct live_source *src)
{
  if (src == NULL)
    return;
  proctable_free (src->procs);
  userdb_free (src->users);
  free (src);
}

void
live_event_init (struct live_event *ev, struct live_source *src, const struct seccomp_notif *req, int listener,
                 uint64_t num, const char *hostname, struct arena *arena)
{
  struct timespec ts;

  clock_gettime (CLOCK_REALTIME, &ts);
  memset (ev, 0, sizeof *ev);
  ev->base.ops = &live_ops;
  ev->base.type = syscall_evttype (req->data.arch, req->data.nr);
  ev->base.ts = (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
  ev->base.hostname = hostname;
  ev->src = src;
  ev->req = req;
  ev->listener = listener;
  ev->num = num;
  ev->arena = arena;
}

void
live_event_init_held (struct live_event *ev, struct live_source *src, const struct seccomp_notif *req, int evttype,
                      uint64_t num, const char *hostname, struct arena *arena)
{
  live_event_init (ev, src, req, -1, num, hostname, arena);
  ev->base.type = evttype;
  ev->held = true;
}

void
live_event_assume_exec_file (struct live_event *ev, enum exec_file f)
{
  ev->exec_file = f;
  ev->exec_file_asked = false;
}

bool
live_event_exec_file_asked (const struct live_event *ev)
{
  return ev->exec_file_asked;
}

enum exec_file
live_event_check_exec_file (struct live_event *ev)
{
  struct value path;

  ev->exec_file = EXEC_FILE_UNKNOWN;
  exec_path (ev, &path); /* looks the file up */
  return ev->exec_file;
}

/* live_type_decisions_remembered, once the tables are filled. */
static bool
decisions_remembered (int type)
{
  unsigned t = live_type (type);

  /* openat2's flags are in memory; open_by_handle_at names no path. */
  return (t & (LT_OPEN | LT_OPENAT)) && !(t & LT_OPENAT2);
}

bool
live_type_decisions_remembered (int type)
{
  pthread_once (&live_types_once, live_types_init);
  return decisions_remembered (type);
}

bool
live_event_decision_key (const struct live_event *ev, struct decision_key *k)
{
  int type = ev->base.type;

  if (!decisions_remembered (type))
    return false;
  /* The registers the syscall has parameters in (the others hold
   * whatever was left in them), but the path's address. */
  memset (k, 0, sizeof *k);
  k->arch = ev->req->data.arch;
  k->nr = ev->req->data.nr;
  for (int i = 0; i < 6; i++)
    if (live_arg_regs[type] & (1u << i) && i != path_arg (type))
      k->args[i] = ev->req->data.args[i];
  return true;
}

bool
live_event_decision_key_path (struct live_event *ev, struct decision_key *k)
{
  const char *p;
  size_t len;

  if (read_arg_string (ev, path_arg (ev->base.type), &p, &len) != VAL_PRESENT || p[0] != '/')
    return false;
  k->path = p;
  k->path_len = len;
  return true;
}

bool
live_event_pure (const struct live_event *ev, bool *read_path)
{
  int arg = path_arg (ev->base.type);
  *read_path = arg >= 0 && ev->argstr[arg].read;
  return !ev->impure && !ev->uninspectable;
}

void
live_event_check_at_answer (struct live_event *ev)
{
  ev->check_at_answer = true;
}

bool
live_event_answered (struct live_event *ev, bool landed)
{
  ev->check_at_answer = false;
  return landed || !ev->unconfirmed;
}

void
live_event_after (struct live_event *ev, bool continued)
{
  /* A continued execve changes the process: re-read it at next sight.
   * Nothing is read now (the notification was answered): a known entry
   * is marked, an unknown process will be read from /proc. */
  if (continued && is_exec (ev))
    proctable_note_exec (ev->src->procs, (pid_t) ev->req->pid);
}
