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
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vigil/event_live.h"
#include "vigil/evttypes.h"
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

/* A string argument of the syscall, read from the target's memory and
 * checked to belong to the notifying process. */
static enum value_state
read_arg_string (struct live_event *ev, int arg, const char **s, size_t *len)
{
  char *buf = arena_alloc (ev->arena, LIVE_STRING_MAX);
  bool truncated;
  ssize_t n = target_read_string (ev->req->pid, ev->req->data.args[arg], buf, LIVE_STRING_MAX, &truncated);

  if (n < 0 || !seccomp_notif_valid (ev->listener, ev->req->id))
    return VAL_UNREADABLE;
  *s = buf;
  *len = (size_t) n;
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
path_arg (const char *type)
{
  if (strcmp (type, "open") == 0 || strcmp (type, "creat") == 0)
    return 0;
  if (strcmp (type, "openat") == 0 || strcmp (type, "openat2") == 0)
    return 1;
  return -1;
}

/* The path the target named, made absolute against its cwd or dirfd (as
 * Falco's fd.name is; symlinks are not resolved). */
static enum value_state
open_path (struct live_event *ev, bool raw, struct value *out)
{
  const char *type = evttype_name (ev->base.type);
  int arg = type ? path_arg (type) : -1;
  const char *p;
  size_t len;

  if (arg < 0)
    return VAL_ABSENT;
  if (read_arg_string (ev, arg, &p, &len) != VAL_PRESENT)
    return VAL_UNREADABLE;
  if (raw)
    return set_str (out, p, len);
  if (p[0] == '/')
    {
      char *copy = arena_strndup (ev->arena, p, len);
      return set_str (out, copy, path_normalize (copy));
    }

  char link[64], base[PATH_MAX];
  int dirfd = arg == 1 ? (int) ev->req->data.args[0] : AT_FDCWD;
  if (dirfd == AT_FDCWD)
    snprintf (link, sizeof link, "/proc/%u/cwd", ev->req->pid);
  else
    snprintf (link, sizeof link, "/proc/%u/fd/%d", ev->req->pid, dirfd);
  ssize_t n = readlink (link, base, sizeof base - 1);
  if (n < 0 || !seccomp_notif_valid (ev->listener, ev->req->id))
    return VAL_UNREADABLE;
  base[n] = '\0';
  size_t total = (size_t) n + 1 + len;
  char *full = arena_alloc (ev->arena, total + 1);
  snprintf (full, total + 1, "%s/%s", base, p);
  return set_str (out, full, path_normalize (full));
}

/* ---- exec: the new program, read from the execve arguments ---- */

static bool
is_exec (const struct live_event *ev)
{
  const char *t = evttype_name (ev->base.type);
  return t && (strcmp (t, "execve") == 0 || strcmp (t, "execveat") == 0);
}

/* argv of an execve, joined with spaces from argv[first] on, at most
 * LIVE_STRING_MAX bytes as Falco reads them. */
static enum value_state
exec_argv_joined (struct live_event *ev, int first, struct value *out)
{
  int argv_arg = strcmp (evttype_name (ev->base.type), "execve") == 0 ? 1 : 2;
  uint64_t argv = ev->req->data.args[argv_arg];
  char *buf = arena_alloc (ev->arena, LIVE_STRING_MAX + 1);
  size_t len = 0;

  for (int i = 0; i < 1024 && len < LIVE_STRING_MAX; i++)
    {
      uint64_t p;
      bool truncated;
      if (target_read (ev->req->pid, argv + 8 * (uint64_t) i, &p, sizeof p) < 0)
        return VAL_UNREADABLE;
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
  if (!seccomp_notif_valid (ev->listener, ev->req->id))
    return VAL_UNREADABLE;
  buf[len] = '\0';
  return set_str (out, buf, len);
}

/* The path being executed (execveat with a dirfd is resolved as opens are). */
static enum value_state
exec_path (struct live_event *ev, struct value *out)
{
  int arg = strcmp (evttype_name (ev->base.type), "execve") == 0 ? 0 : 1;
  const char *p;
  size_t len;

  if (read_arg_string (ev, arg, &p, &len) != VAL_PRESENT)
    return VAL_UNREADABLE;
  if (p[0] == '/' || arg == 1)
    {
      char *copy = arena_strndup (ev->arena, p, len);
      return set_str (out, copy, p[0] == '/' ? path_normalize (copy) : len);
    }
  char link[64], base[PATH_MAX];
  snprintf (link, sizeof link, "/proc/%u/cwd", ev->req->pid);
  ssize_t n = readlink (link, base, sizeof base - 1);
  if (n < 0 || !seccomp_notif_valid (ev->listener, ev->req->id))
    return VAL_UNREADABLE;
  base[n] = '\0';
  char *full = arena_alloc (ev->arena, (size_t) n + len + 2);
  sprintf (full, "%s/%s", base, p);
  return set_str (out, full, path_normalize (full));
}

/* The new program's name, as the kernel will set comm: the file's base
 * name, at most 15 bytes. */
static enum value_state
exec_name (struct live_event *ev, struct value *out)
{
  struct value path;
  if (exec_path (ev, &path) != VAL_PRESENT)
    return VAL_UNREADABLE;
  const char *slash = memrchr (path.u.s.p, '/', path.u.s.len);
  const char *b = slash ? slash + 1 : path.u.s.p;
  size_t n = path.u.s.len - (size_t) (b - path.u.s.p);
  return set_str (out, b, n > 15 ? 15 : n);
}

static enum value_state
exec_cmdline (struct live_event *ev, struct value *out)
{
  struct value name, args;
  if (exec_name (ev, &name) != VAL_PRESENT || exec_argv_joined (ev, 1, &args) != VAL_PRESENT)
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

static enum value_state
proc_comm (struct live_event *ev, struct value *out)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%u/comm", ev->req->pid);
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return VAL_UNREADABLE;
  char *buf = arena_alloc (ev->arena, 64);
  ssize_t n = read (fd, buf, 63);
  close (fd);
  if (n <= 0 || !seccomp_notif_valid (ev->listener, ev->req->id))
    return VAL_UNREADABLE;
  if (buf[n - 1] == '\n')
    n--;
  return set_str (out, buf, (size_t) n);
}

static enum value_state
live_extract (struct event *base, const struct field_ref *ref, struct value *out)
{
  struct live_event *ev = (struct live_event *) base;
  const char *name = ref->def->name;

  if (strcmp (name, "evt.type") == 0 || strcmp (name, "syscall.type") == 0)
    {
      const char *t = evttype_name (base->type);
      return t ? set_str (out, t, strlen (t)) : VAL_UNREADABLE;
    }
  if (strcmp (name, "evt.num") == 0)
    return set_int (out, (int64_t) ev->num);
  if (strcmp (name, "evt.time") == 0 || strcmp (name, "evt.rawtime") == 0)
    return set_int (out, (int64_t) base->ts);
  if (strcmp (name, "evt.hostname") == 0)
    return set_str (out, base->hostname, strlen (base->hostname));
  if (strcmp (name, "thread.tid") == 0)
    return set_int (out, ev->req->pid);
  if (is_exec (ev))
    {
      /* Evaluated before the exec runs: the fields describe the program
       * about to start, as Falco's execve exit event does. */
      if (strcmp (name, "proc.name") == 0)
        return exec_name (ev, out);
      if (strcmp (name, "proc.exepath") == 0)
        return exec_path (ev, out);
      if (strcmp (name, "proc.args") == 0)
        return exec_argv_joined (ev, 1, out);
      if (strcmp (name, "proc.cmdline") == 0)
        return exec_cmdline (ev, out);
    }
  if (strcmp (name, "proc.name") == 0)
    return proc_comm (ev, out);
  if (strcmp (name, "fd.name") == 0)
    return open_path (ev, false, out);
  if (strcmp (name, "fd.nameraw") == 0)
    return open_path (ev, true, out);
  return VAL_UNREADABLE;
}

static const struct event_ops live_ops = { .extract = live_extract };

void
live_event_init (struct live_event *ev, const struct seccomp_notif *req, int listener, uint64_t num,
                 const char *hostname, struct arena *arena)
{
  struct timespec ts;

  clock_gettime (CLOCK_REALTIME, &ts);
  memset (ev, 0, sizeof *ev);
  ev->base.ops = &live_ops;
  ev->base.type = syscall_evttype (req->data.arch, req->data.nr);
  ev->base.ts = (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
  ev->base.hostname = hostname;
  ev->req = req;
  ev->listener = listener;
  ev->num = num;
  ev->arena = arena;
}
