/* vigil: which program an exec really runs, for deny and kill rules.
 *
 * At the exec stop /proc/<pid>/exe is the file the kernel executed.  Two
 * ways make that not the program a rule names: the file is the program
 * under another name (a hard link), or it is the dynamic loader, run as
 * `ld-linux-x86-64.so.2 [options] PROGRAM args`, which maps PROGRAM itself
 * once it runs.  The first is an identity (object_ids.h); the second is
 * recognised from the ELF file (a shared object with a SONAME and no
 * interpreter: a loader, whatever its name or copy), and PROGRAM is read
 * from the new process's argv, which nothing can change while the thread
 * is held (the process has no other thread and its memory is its own),
 * then resolved from the target's root and cwd.  The rules are evaluated
 * again as an exec of that program; only deny and kill matches count. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vigil/event_live.h"
#include "vigil/exec_program.h"
#include "vigil/object_ids.h"
#include "vigil/path_resolve.h"
#include "vigil/rules.h"

/* Enough of argv for the loader's options and its program. */
#define ARGV_READ (16 * 1024)

/* Is the ELF file fd a shared object with a SONAME?  Returns 1, 0, or -1
 * when it is no 64-bit ELF shared object; *interp: it names an
 * interpreter (PT_INTERP).  Two reads: the headers, then the dynamic
 * section (only for a shared object without an interpreter). */
static int
elf_has_dynamic_soname (int fd, bool *interp)
{
  union {
    Elf64_Ehdr eh;
    unsigned char b[4096];
  } h;
  Elf64_Dyn dyn[256];
  Elf64_Off dyn_off = 0;
  Elf64_Xword dyn_size = 0;

  *interp = false;
  ssize_t n = pread (fd, &h, sizeof h, 0);
  if (n < (ssize_t) sizeof h.eh || memcmp (h.eh.e_ident, ELFMAG, SELFMAG) != 0 || h.eh.e_ident[EI_CLASS] != ELFCLASS64
      || h.eh.e_type != ET_DYN || h.eh.e_phentsize != sizeof (Elf64_Phdr) || h.eh.e_phoff > (Elf64_Off) n
      || h.eh.e_phnum > ((size_t) n - h.eh.e_phoff) / sizeof (Elf64_Phdr))
    return -1;
  for (unsigned i = 0; i < h.eh.e_phnum; i++)
    {
      Elf64_Phdr ph;
      memcpy (&ph, h.b + h.eh.e_phoff + i * sizeof ph, sizeof ph);
      if (ph.p_type == PT_INTERP)
        *interp = true;
      if (ph.p_type == PT_DYNAMIC)
        {
          dyn_off = ph.p_offset;
          dyn_size = ph.p_filesz;
        }
    }
  if (*interp || dyn_size == 0)
    return 0;
  n = pread (fd, dyn, dyn_size < sizeof dyn ? dyn_size : sizeof dyn, (off_t) dyn_off);
  for (ssize_t i = 0; n > 0 && i < n / (ssize_t) sizeof *dyn && dyn[i].d_tag != DT_NULL; i++)
    if (dyn[i].d_tag == DT_SONAME)
      return 1;
  return 0;
}

/* A dynamic loader: a shared object (it has a SONAME) that needs no
 * interpreter.  A static-pie program has no SONAME. */
static bool
is_loader (int exe_fd)
{
  bool interp;
  return elf_has_dynamic_soname (exe_fd, &interp) == 1 && !interp;
}

/* glibc's ld.so options before the program, and whether each takes a value. */
static const struct {
  const char *name;
  bool value;
} loader_options[] = {
  { "--library-path", true }, { "--preload", true },     { "--audit", true },
  { "--argv0", true },        { "--inhibit-rpath", true }, { "--glibc-hwcaps-prepend", true },
  { "--glibc-hwcaps-mask", true }, { "--inhibit-cache", false },
};

/* The program the loader will run, from its argv (args, n bytes of NUL
 * separated strings).  Returns it, "" when the loader runs none (--list,
 * --verify, --help...: nothing is executed), or NULL when there is one
 * vigil cannot name (no slash: the loader searches its library path). */
static const char *
loader_argument (const char *args, size_t n, bool truncated)
{
  const char *end = args + n, *a = args + strnlen (args, n) + 1; /* after argv[0] */

  while (a < end)
    {
      bool known = false, value = false;
      for (size_t i = 0; i < sizeof loader_options / sizeof loader_options[0]; i++)
        if (strcmp (a, loader_options[i].name) == 0)
          {
            known = true;
            value = loader_options[i].value;
          }
      if (!known)
        break;
      a += strnlen (a, (size_t) (end - a)) + 1;
      if (value && a < end)
        a += strnlen (a, (size_t) (end - a)) + 1;
    }
  if (a >= end && truncated)
    return NULL;
  if (a >= end || strncmp (a, "--", 2) == 0)
    return ""; /* only options: a listing, a verification, help */
  return strchr (a, '/') ? a : NULL;
}

/* Read /proc/<pid>/cmdline into buf; returns its length or -1. */
static ssize_t
read_argv (pid_t pid, char *buf, size_t size)
{
  char p[64];
  snprintf (p, sizeof p, "/proc/%d/cmdline", (int) pid);
  int fd = open (p, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  ssize_t n = read (fd, buf, size - 1);
  close (fd);
  if (n >= 0)
    buf[n] = '\0';
  return n;
}

/* Resolve path as process pid would, from its root and cwd. */
static int
resolve_in_target (pid_t pid, const char *path, struct resolved_path *r)
{
  struct resolve_request rq = { .dirfd = AT_FDCWD, .path = path, .follow_last = true };
  struct path_handles h;
  int e = path_handles_open (pid, pid, &rq, &h);
  if (e == 0)
    {
      e = path_resolve (&h, &rq, r);
      path_handles_close (&h);
    }
  return e;
}

/* Fill prog from the exec stop of pid.  Returns false when the file
 * executed is the program itself under its own name. */
static bool
find_program (struct object_ids *ids, pid_t pid, struct exec_program *prog, bool *loads)
{
  char link[64];
  struct stat st;

  memset (prog, 0, sizeof *prog);
  snprintf (link, sizeof link, "/proc/%d/exe", (int) pid);
  int fd = open (link, O_PATH | O_CLOEXEC);
  if (fd < 0 || fstat (fd, &st) < 0)
    {
      if (fd >= 0)
        close (fd);
      return false;
    }
  /* A file vigil cannot read (mode --x, an unprivileged vigil) could be a
   * loader: it is judged by its argv alone, and where that names no
   * program, the program is unknown.  A loader vigil knows is followed to
   * the file it opens (exec_verify.c), whatever its argv says. */
  int rfd = self_fd_reopen (fd, O_RDONLY | O_CLOEXEC, 0);
  bool known_loader = rfd >= 0 && is_loader (rfd);
  if (rfd >= 0)
    close (rfd);
  close (fd);
  if (known_loader || rfd < 0)
    {
      char *args = malloc (ARGV_READ);
      ssize_t n = args ? read_argv (pid, args, ARGV_READ) : -1;
      const char *a = n > 0 ? loader_argument (args, (size_t) n, n == ARGV_READ - 1) : NULL;
      struct resolved_path *r = malloc (sizeof *r);
      if (a && *a && r && resolve_in_target (pid, a, r) == 0)
        {
          snprintf (prog->path, sizeof prog->path, "%s", r->container_path[0] ? r->container_path : r->path);
          st = r->st;
          close (r->fd);
        }
      else
        prog->unknown = !a && !known_loader;
      bool named = a != NULL, runs = !a || *a;
      free (r);
      free (args);
      if (!runs)
        return false; /* the loader runs nothing */
      *loads = known_loader;
      if (!named)
        return prog->unknown;
    }
  prog->nnames = ids ? object_ids_names (ids, st.st_dev, st.st_ino, prog->names, EXEC_PROGRAM_NAMES) : 0;
  return prog->path[0] || prog->nnames;
}

static bool
add_enforcing (struct match_set *m, const struct match_set *scratch, bool take_unknown)
{
  bool added = false;

  for (size_t i = 0; i < scratch->n; i++)
    {
      const struct rule_match *s = &scratch->v[i];
      bool have = false;
      if ((s->unknown && !take_unknown) || s->rule->action == ACTION_LOG)
        continue;
      for (size_t k = 0; k < m->n && !have; k++)
        have = m->v[k].rule == s->rule;
      if (!have)
        {
          match_set_add (m, s->rule);
          added = true;
        }
    }
  return added;
}

/* Evaluate ev as an exec of `program` (NULL: one vigil cannot name). */
static void
evaluate_as (const struct ruleset *rs, struct eval_state *st, struct live_event *ev, const char *program,
             struct match_set *m, struct match_set *scratch)
{
  ev->program = program;
  ev->program_unknown = program == NULL;
  eval_state_reset (st);
  rules_evaluate (rs, st, &ev->base, scratch);
  add_enforcing (m, scratch, program == NULL);
}

bool
exec_program_evaluate (struct object_ids *ids, const struct ruleset *rs, struct eval_state *st,
                       struct live_event *ev, pid_t pid, struct match_set *m, struct match_set *scratch)
{
  struct exec_program prog;
  const char *decided = NULL;
  bool loads = false;

  if (m->action == ACTION_KILL || !find_program (ids, pid, &prog, &loads))
    return loads;
  const char *path = prog.path[0] ? arena_strndup (ev->arena, prog.path, strlen (prog.path)) : NULL;
  if (prog.unknown)
    evaluate_as (rs, st, ev, NULL, m, scratch);
  for (size_t i = 0; i <= prog.nnames && m->action != ACTION_KILL; i++)
    {
      const char *name = i == 0 ? path : prog.names[i - 1];
      const struct rule *before = m->enforcing;
      if (name)
        evaluate_as (rs, st, ev, name, m, scratch);
      if (m->enforcing != before)
        decided = name;
    }
  /* Alerts name the program that runs, as the rule that decided saw it. */
  ev->program = decided ? decided : path;
  ev->program_unknown = false;
  eval_state_reset (st);
  return loads;
}

bool
exec_program_file_is_program (int fd)
{
  int rfd = self_fd_reopen (fd, O_RDONLY | O_CLOEXEC, 0);
  if (rfd < 0)
    return true; /* vigil cannot tell: it is judged as one */
  Elf64_Ehdr eh;
  bool interp, program = false;
  if (pread (rfd, &eh, sizeof eh, 0) == (ssize_t) sizeof eh && memcmp (eh.e_ident, ELFMAG, SELFMAG) == 0)
    program = eh.e_type == ET_EXEC || (elf_has_dynamic_soname (rfd, &interp) >= 0 && interp);
  close (rfd);
  return program;
}

void
exec_program_evaluate_file (struct object_ids *ids, const struct ruleset *rs, struct eval_state *st,
                            struct live_event *ev, int fd, struct match_set *m, struct match_set *scratch)
{
  char path[PATH_MAX];
  struct stat sb;
  const char *names[EXEC_PROGRAM_NAMES];
  const char *decided = NULL;

  if (fd < 0)
    {
      evaluate_as (rs, st, ev, NULL, m, scratch);
      return;
    }
  ssize_t n = self_fd_readlink (fd, path, sizeof path - 1);
  path[n > 0 ? n : 0] = '\0';
  size_t k = ids && fstat (fd, &sb) == 0 ? object_ids_names (ids, sb.st_dev, sb.st_ino, names, EXEC_PROGRAM_NAMES) : 0;
  const char *copy = arena_strndup (ev->arena, path, strlen (path));
  for (size_t i = 0; i <= k && m->action != ACTION_KILL; i++)
    {
      const char *name = i == 0 ? copy : names[i - 1];
      const struct rule *before = m->enforcing;
      evaluate_as (rs, st, ev, name, m, scratch);
      if (m->enforcing != before)
        decided = name;
    }
  ev->program = decided ? decided : copy;
  ev->program_unknown = false;
  eval_state_reset (st);
}
