/* vigil: seccomp user notification: building and loading the filter,
 * receiving and answering notifications, reading the target's memory. */
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "vigil/emulate_fd.h"
#include "vigil/emulate_net.h"
#include "vigil/emulate_open.h"
#include "vigil/emulate_path.h"
#include "vigil/procinfo.h"
#include "vigil/source_seccomp.h"
#include "vigil/target_creds.h"

/* Which syscall argument holds a constrained value (x86_64 and the other
 * 64-bit ABIs libseccomp knows order these arguments alike). */
static const struct arg_position {
  const char *syscall;
  const char *arg;
  unsigned index;
} arg_positions[] = {
  { "socket", "domain", 0 }, { "socketpair", "domain", 0 }, { "ptrace", "request", 0 },
  { "open", "flags", 1 },    { "openat", "flags", 2 },      { "clone", "flags", 0 },
  { "unshare", "flags", 0 },  { "fcntl", "cmd", 1 },        { "sendto", "addr", 4 },
};

/* Arguments that are pointers: all 64 bits count. */
static bool
arg_is_pointer (const char *arg)
{
  return strcmp (arg, "addr") == 0;
}

/* io_uring runs syscalls' work outside the filter: it always fails, with
 * ENOSYS so that libraries fall back to plain syscalls. */
static const char *const always_fail[] = { "io_uring_setup", "io_uring_enter", "io_uring_register" };

int
seccomp_arg_index (const char *syscall, const char *arg)
{
  for (size_t i = 0; i < ARRAY_SIZE (arg_positions); i++)
    if (strcmp (arg_positions[i].syscall, syscall) == 0 && strcmp (arg_positions[i].arg, arg) == 0)
      return (int) arg_positions[i].index;
  return -1;
}

/* Notify `nr` only when one of the constraints' values is present.  The
 * arguments are C ints, and the kernel ignores the upper 32 bits of the
 * register: compare the low 32 bits only, or a workload could set high
 * bits to slip past an equality test. */
static int
add_narrowed (scmp_filter_ctx ctx, int nr, unsigned idx, const struct arg_constraint *ac)
{
  int rc = 0;

  if (arg_is_pointer (ac->arg))
    {
      /* Only "non-null" is asked of a pointer: a 64-bit comparison, or a
       * pointer whose low half is zero would pass unseen. */
      struct scmp_arg_cmp cmp = { idx, SCMP_CMP_NE, 0, 0 };
      if (!ac->flags_any || ac->mask != ~0ull)
        return -EINVAL;
      return seccomp_rule_add_array (ctx, SCMP_ACT_NOTIFY, nr, 1, &cmp);
    }
  if (ac->flags_any)
    {
      for (int bit = 0; bit < 32 && rc == 0; bit++)
        if (ac->mask & (1ull << bit))
          {
            struct scmp_arg_cmp cmp = { idx, SCMP_CMP_MASKED_EQ, 1ull << bit, 1ull << bit };
            rc = seccomp_rule_add_array (ctx, SCMP_ACT_NOTIFY, nr, 1, &cmp);
          }
      return rc;
    }
  for (size_t i = 0; i < ac->nvalues && rc == 0; i++)
    {
      struct scmp_arg_cmp cmp = { idx, SCMP_CMP_MASKED_EQ, 0xffffffffull, (uint32_t) ac->values[i] };
      rc = seccomp_rule_add_array (ctx, SCMP_ACT_NOTIFY, nr, 1, &cmp);
    }
  return rc;
}

static int
add_syscall (scmp_filter_ctx ctx, const char *name, const struct evttype_need *need, struct seccomp_program *out,
             vigil_error_t *err)
{
  int nr = seccomp_syscall_resolve_name (name);
  int rc;

  if (nr == __NR_SCMP_ERROR || nr < 0)
    return 0; /* not a syscall of this architecture (socketcall, ...) */
  for (size_t i = 0; i < need->nconstraints; i++)
    {
      int idx = seccomp_arg_index (name, need->constraints[i].arg);
      if (idx < 0)
        continue;
      rc = add_narrowed (ctx, nr, (unsigned) idx, &need->constraints[i]);
      if (rc < 0)
        return vigil_make_error (err, -rc, "seccomp: cannot add a rule for %s", name);
      out->nnotified++;
      out->nnarrowed++;
      return 0;
    }
  rc = seccomp_rule_add (ctx, SCMP_ACT_NOTIFY, nr, 0);
  if (rc < 0)
    return vigil_make_error (err, -rc, "seccomp: cannot add a rule for %s", name);
  out->nnotified++;
  return 0;
}

/* clone3 keeps its flags in memory, where the filter cannot see them and
 * vigil could only read them racily.  While a deny/kill rule covers
 * namespaces it fails with ENOSYS, as under Docker's default profile, and
 * glibc falls back to clone, whose flags are in a register. */
static int
block_clone3 (scmp_filter_ctx ctx, vigil_error_t *err)
{
  int nr = seccomp_syscall_resolve_name ("clone3");

  if (nr < 0 || nr == __NR_SCMP_ERROR)
    return 0;
  if (seccomp_rule_add (ctx, SCMP_ACT_ERRNO (ENOSYS), nr, 0) < 0)
    return vigil_make_error (err, 0, "seccomp: cannot block clone3");
  return 0;
}

/* libseccomp 2.5 can only export to an fd: go through a memfd. */
static int
export_program (scmp_filter_ctx ctx, struct seccomp_program *out, vigil_error_t *err)
{
  cleanup_close int fd = memfd_create ("vigil-bpf", MFD_CLOEXEC);
  struct stat st;
  int rc;

  if (fd < 0)
    return vigil_make_error (err, errno, "seccomp: memfd_create");
  if ((rc = seccomp_export_bpf (ctx, fd)) < 0)
    return vigil_make_error (err, -rc, "seccomp: cannot export the filter");
  if (fstat (fd, &st) < 0)
    return vigil_make_error (err, errno, "seccomp: fstat");
  if (st.st_size <= 0 || st.st_size % sizeof (struct sock_filter) != 0
      || st.st_size / sizeof (struct sock_filter) > BPF_MAXINSNS)
    return vigil_make_error (err, 0, "seccomp: the filter has %lld bytes, not a BPF program",
                             (long long) st.st_size);
  out->prog.len = (unsigned short) (st.st_size / sizeof (struct sock_filter));
  out->prog.filter = xmalloc ((size_t) st.st_size);
  if (pread (fd, out->prog.filter, (size_t) st.st_size, 0) != st.st_size)
    {
      free (out->prog.filter);
      out->prog.filter = NULL;
      return vigil_make_error (err, errno, "seccomp: cannot read the exported filter");
    }
  return 0;
}

/* Emulated walks start from roots vigil caches until a syscall that
 * may change them (root_cache in path_resolve.h): vigil must see every
 * such syscall.  Credentials are read at each call: their syscalls need
 * no notification. */
static int
watch_root_changes (scmp_filter_ctx ctx, vigil_error_t *err)
{
  for (size_t i = 0; root_change_syscalls[i]; i++)
    {
      int nr = seccomp_syscall_resolve_name (root_change_syscalls[i]);
      if (nr >= 0 && seccomp_rule_add (ctx, SCMP_ACT_NOTIFY, nr, 0) < 0)
        return vigil_make_error (err, 0, "seccomp: cannot watch %s", root_change_syscalls[i]);
    }
  return 0;
}

bool
seccomp_execs_watched (const struct ruleset *rs)
{
  bool any = false, execs = false;
  for (size_t t = 0, n = evttype_count (); t < n; t++)
    if (rs->need[t].needed && evttype_is_syscall ((int) t))
      {
        const char *name = evttype_name ((int) t);
        any = true;
        execs |= strcmp (name, "execve") == 0 || strcmp (name, "execveat") == 0;
      }
  return any && !execs;
}

/* vigil learns of an exec only from its notification: while anything is
 * notified, execs are too (and continued), or proc.name, exepath and
 * cmdline would go on describing the program a process ran before. */
static int
watch_execs (scmp_filter_ctx ctx, vigil_error_t *err)
{
  static const char *const execs[] = { "execve", "execveat" };
  for (size_t i = 0; i < ARRAY_SIZE (execs); i++)
    {
      int nr = seccomp_syscall_resolve_name (execs[i]);
      if (nr >= 0 && seccomp_rule_add (ctx, SCMP_ACT_NOTIFY, nr, 0) < 0)
        return vigil_make_error (err, 0, "seccomp: cannot watch %s", execs[i]);
    }
  return 0;
}

int
seccomp_program_build (const struct ruleset *rs, struct seccomp_program *out, vigil_error_t *err)
{
  scmp_filter_ctx ctx = seccomp_init (SCMP_ACT_ALLOW);
  int ret = -1;

  memset (out, 0, sizeof *out);
  if (ctx == NULL)
    return vigil_make_error (err, ENOMEM, "seccomp: cannot create a filter");
  if (seccomp_attr_set (ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) < 0
      || seccomp_attr_set (ctx, SCMP_FLTATR_CTL_NNP, 0) < 0)
    {
      vigil_make_error (err, 0, "seccomp: cannot set the filter's attributes");
      goto out;
    }
  for (size_t i = 0; i < ARRAY_SIZE (always_fail); i++)
    {
      int nr = seccomp_syscall_resolve_name (always_fail[i]);
      if (nr >= 0 && seccomp_rule_add (ctx, SCMP_ACT_ERRNO (ENOSYS), nr, 0) < 0)
        {
          vigil_make_error (err, 0, "seccomp: cannot block %s", always_fail[i]);
          goto out;
        }
    }
  int clone3 = evttype_lookup ("clone3");
  if (clone3 >= 0 && rs->need[clone3].enforce && block_clone3 (ctx, err) < 0)
    goto out;
  if ((open_emulation_needed (rs) || path_emulation_needed (rs) || connect_emulation_needed (rs)
       || send_emulation_needed (rs) || fd_emulation_needed (rs))
      && watch_root_changes (ctx, err) < 0)
    goto out;
  if (seccomp_execs_watched (rs) && watch_execs (ctx, err) < 0)
    goto out;
  for (size_t t = 0, n = evttype_count (); t < n; t++)
    if (rs->need[t].needed && evttype_is_syscall ((int) t) && !(rs->need[t].enforce && (int) t == clone3)
        && add_syscall (ctx, evttype_name ((int) t), &rs->need[t], out, err) < 0)
      goto out;
  ret = export_program (ctx, out, err);
out:
  seccomp_release (ctx);
  return ret;
}

void
seccomp_program_free (struct seccomp_program *p)
{
  free (p->prog.filter);
  memset (p, 0, sizeof *p);
}

int
seccomp_program_install (const struct seccomp_program *p, vigil_error_t *err)
{
  unsigned long flags = SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
  int fd;

  /* Unprivileged filters need no_new_privs; vigil sets it always, so a
   * setuid binary cannot run with a filter it did not expect. */
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return vigil_make_error (err, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
  fd = (int) syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &p->prog);
  if (fd < 0 && errno == EINVAL)
    {
      /* Kernels before 5.19 lack WAIT_KILLABLE_RECV. */
      flags &= ~(unsigned long) SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
      fd = (int) syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &p->prog);
    }
  if (fd < 0)
    return vigil_make_error (err, errno, "cannot install the seccomp filter");
  if (fcntl (fd, F_SETFD, FD_CLOEXEC) < 0)
    {
      close (fd);
      return vigil_make_error (err, errno, "fcntl(FD_CLOEXEC) on the seccomp listener");
    }
  return fd;
}

int
seccomp_listener_sync_wakeup (int fd)
{
  return ioctl (fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP, 0) == 0 ? 1 : 0;
}

int
seccomp_notif_receive (int fd, struct seccomp_notif *req, vigil_error_t *err)
{
  for (;;)
    {
      memset (req, 0, sizeof *req);
      if (ioctl (fd, SECCOMP_IOCTL_NOTIF_RECV, req) == 0)
        return 0;
      if (errno == EINTR)
        continue;
      int e = errno;
      vigil_make_error (err, e, "seccomp: receiving a notification");
      errno = e;
      return -1;
    }
}

bool
seccomp_notif_valid (int fd, uint64_t id)
{
  return ioctl (fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

static int
notif_send (int fd, uint64_t id, int error, uint32_t flags)
{
  struct seccomp_notif_resp resp = { .id = id, .val = 0, .error = error, .flags = flags };

  while (ioctl (fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0)
    if (errno != EINTR)
      return -1; /* ENOENT: the target died or was interrupted; nothing to answer */
  return 0;
}

int
seccomp_notif_continue (int fd, uint64_t id)
{
  return notif_send (fd, id, 0, SECCOMP_USER_NOTIF_FLAG_CONTINUE);
}

int
seccomp_notif_return (int fd, uint64_t id, int64_t val)
{
  struct seccomp_notif_resp resp = { .id = id, .val = val, .error = 0, .flags = 0 };

  while (ioctl (fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0)
    if (errno != EINTR)
      return -1;
  return 0;
}

int
seccomp_notif_fail (int fd, uint64_t id, int e)
{
  return notif_send (fd, id, -e, 0);
}

static __thread bool reads_forbidden;

void
target_reads_forbid (bool on)
{
  reads_forbidden = on;
}

int
target_read_errno (void)
{
  return errno == EFAULT ? -EFAULT : -EPERM;
}

int
target_read (pid_t pid, uint64_t addr, void *buf, size_t len)
{
  if (reads_forbidden)
    {
      errno = ENODATA;
      return -1;
    }
  struct iovec local = { buf, len };
  struct iovec remote = { (void *) (uintptr_t) addr, len };
  ssize_t n = process_vm_readv (pid, &local, 1, &remote, 1, 0);

  if (n == (ssize_t) len)
    return 0;
  if (n >= 0)
    errno = EFAULT;
  return -1;
}

/* The page size, asked of the system once (sysconf on every string read
 * showed in profiles). */
static size_t
page_size (void)
{
  static size_t page;
  size_t p = __atomic_load_n (&page, __ATOMIC_RELAXED);
  if (p == 0)
    {
      p = (size_t) sysconf (_SC_PAGESIZE);
      __atomic_store_n (&page, p, __ATOMIC_RELAXED);
    }
  return p;
}

ssize_t
target_read_string (pid_t pid, uint64_t addr, char *buf, size_t size, bool *truncated)
{
  if (reads_forbidden)
    {
      errno = ENODATA;
      return -1;
    }
  size_t page = page_size (), got = 0;

  *truncated = false;
  if (size == 0)
    return -1;
  while (got < size - 1)
    {
      /* Never cross a page boundary in one read: the next page may be
       * unmapped although the string ends before it. */
      uint64_t at = addr + got;
      size_t chunk = page - (size_t) (at % page);
      /* Most strings are short paths: try a small read first rather than
       * copy the rest of the page on every event. */
      if (got == 0 && chunk > 256)
        chunk = 256;
      if (chunk > size - 1 - got)
        chunk = size - 1 - got;
      if (target_read (pid, at, buf + got, chunk) < 0)
        {
          if (got == 0)
            return -1;
          break;
        }
      char *nul = memchr (buf + got, '\0', chunk);
      if (nul)
        return nul - buf;
      got += chunk;
    }
  /* No NUL within the buffer, or before unreadable memory. */
  buf[got] = '\0';
  *truncated = true;
  return (ssize_t) got;
}

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL /* Linux 6.9 */
#endif

int
target_thread_pidfd (const struct seccomp_notif *req, int listener)
{
  struct procinfo pi;
  int pidfd = (int) syscall (SYS_pidfd_open, req->pid, PIDFD_THREAD);

  if (pidfd < 0 && errno == EINVAL && procinfo_read (-1, (pid_t) req->pid, PI_STATUS, &pi) == 0)
    pidfd = (int) syscall (SYS_pidfd_open, pi.tgid, 0);
  if (pidfd < 0)
    return errno == ESRCH || errno == ENOENT ? -ESRCH : -EPERM;
  /* Still pending: the tid the pidfd was opened on is the notifier. */
  if (!seccomp_notif_valid (listener, req->id))
    {
      close (pidfd);
      return -ESRCH;
    }
  return pidfd;
}

int
target_thread_fetch_fd (const struct seccomp_notif *req, int listener, int fd)
{
  int pidfd = target_thread_pidfd (req, listener);
  if (pidfd < 0)
    return pidfd;
  int mine = (int) syscall (SYS_pidfd_getfd, pidfd, fd, 0);
  int e = errno;
  close (pidfd);
  if (mine >= 0)
    return mine;
  return e == EBADF || e == ESRCH ? -e : -EPERM;
}
