/* vigil: bounded reads of /proc/<tid> for the workload's fields.
 *
 * Runs once per notified syscall that needs process data, so it allocates
 * nothing, opens every file O_CLOEXEC relative to one fd on /proc/<tid>,
 * reads each with a fixed cap and parses without sscanf on untrusted
 * lengths.  See procinfo.h for the result codes. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <time.h>
#include <unistd.h>

#include "vigil/error.h"
#include "vigil/procinfo.h"

/* /proc/<tid>/status is ~1.5 KiB, but its Groups line may list 65536
 * groups: read it as a stream of lines and never more than this. */
#define STATUS_READ_LIMIT (1u << 20)
#define STAT_BUF 2048

/* Map an errno from /proc to the header's contract. */
static int
proc_status (int e)
{
  switch (e)
    {
    case ENOENT:
    case ESRCH:
      return -ESRCH;
    case EACCES:
    case EPERM:
      return -EACCES;
    case 0:
      return -EIO;
    default:
      return -e;
    }
}

const char *
procinfo_strstatus (int rc)
{
  switch (rc)
    {
    case 0:
      return "ok";
    case -ESRCH:
    case -ENOENT:
      return "process gone";
    case -EACCES:
    case -EPERM:
      return "permission denied (vigil cannot inspect the process)";
    case -EINVAL:
      return "malformed /proc data";
    case -ELOOP:
      return "refused to follow a symbolic link";
    case -EFBIG:
      return "file too large";
    default:
      return rc < 0 ? strerror (-rc) : "ok";
    }
}

static int
open_in (int dirfd, const char *name)
{
  int fd = openat (dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  return fd < 0 ? proc_status (errno) : fd;
}

static ssize_t
read_retry (int fd, char *buf, size_t n)
{
  ssize_t r;
  do
    r = read (fd, buf, n);
  while (r < 0 && errno == EINTR);
  return r;
}

/* Read up to cap bytes of a file; *more is set when the file had more. */
static int
read_capped (int dirfd, const char *name, char *buf, size_t cap, size_t *len, bool *more)
{
  cleanup_close int fd = open_in (dirfd, name);
  size_t got = 0;
  char extra;

  if (fd < 0)
    return fd;
  while (got < cap)
    {
      ssize_t r = read_retry (fd, buf + got, cap - got);
      if (r < 0)
        return proc_status (errno);
      if (r == 0)
        break;
      got += (size_t) r;
    }
  *more = false;
  if (got == cap)
    {
      ssize_t r = read_retry (fd, &extra, 1);
      if (r < 0)
        return proc_status (errno);
      *more = r > 0;
    }
  *len = got;
  return 0;
}

/* ---- number parsing over [p, end) ---- */

static const char *
skip_blanks (const char *p, const char *end)
{
  while (p < end && (*p == ' ' || *p == '\t'))
    p++;
  return p;
}

/* Parse an unsigned number in base 10 or 16; NULL when there is none or it
 * overflows. */
static const char *
parse_u64 (const char *p, const char *end, int base, uint64_t *out)
{
  uint64_t v = 0;
  const char *start = p;

  for (; p < end; p++)
    {
      unsigned d;
      if (*p >= '0' && *p <= '9')
        d = (unsigned) (*p - '0');
      else if (base == 16 && *p >= 'a' && *p <= 'f')
        d = (unsigned) (*p - 'a' + 10);
      else if (base == 16 && *p >= 'A' && *p <= 'F')
        d = (unsigned) (*p - 'A' + 10);
      else
        break;
      if (v > (UINT64_MAX - d) / (unsigned) base)
        return NULL;
      v = v * (unsigned) base + d;
    }
  if (p == start)
    return NULL;
  *out = v;
  return p;
}

static const char *
parse_i64 (const char *p, const char *end, int64_t *out)
{
  bool neg = p < end && *p == '-';
  uint64_t u;

  p = parse_u64 (neg ? p + 1 : p, end, 10, &u);
  if (p == NULL || u > (uint64_t) INT64_MAX)
    return NULL;
  *out = neg ? -(int64_t) u : (int64_t) u;
  return p;
}

/* Parse up to n blank-separated numbers; returns how many were parsed. */
static size_t
parse_columns (const char *p, const char *end, int base, uint64_t *vals, size_t n)
{
  size_t i = 0;

  for (p = skip_blanks (p, end); i < n && p < end; p = skip_blanks (p, end))
    {
      p = parse_u64 (p, end, base, &vals[i]);
      if (p == NULL)
        break;
      i++;
    }
  return i;
}

/* The last of the blank-separated numbers (NSpid and friends list one per
 * nested pid namespace, innermost last). */
static bool
parse_last_column (const char *p, const char *end, uint64_t *out)
{
  uint64_t v;
  bool any = false;

  for (p = skip_blanks (p, end); p < end; p = skip_blanks (p, end))
    {
      p = parse_u64 (p, end, 10, &v);
      if (p == NULL)
        break;
      *out = v;
      any = true;
    }
  return any;
}

/* ---- status ---- */

enum status_seen {
  SEEN_TGID = 1 << 0,
  SEEN_PPID = 1 << 1,
  SEEN_UID = 1 << 2,
  SEEN_GID = 1 << 3,
  SEEN_CAPINH = 1 << 4,
  SEEN_CAPPRM = 1 << 5,
  SEEN_CAPEFF = 1 << 6,
  SEEN_NSTGID = 1 << 7,
  SEEN_NSPID = 1 << 8,
  SEEN_NSPGID = 1 << 9,
  SEEN_NSSID = 1 << 10,
  SEEN_REQUIRED = SEEN_TGID | SEEN_PPID | SEEN_UID | SEEN_GID,
  SEEN_ALL = (1 << 11) - 1,
};

static bool
key_is (const char *line, size_t keylen, const char *key)
{
  return strlen (key) == keylen && memcmp (line, key, keylen) == 0;
}

static bool
status_ids (const char *p, const char *end, uint32_t *ids)
{
  uint64_t v[4];
  if (parse_columns (p, end, 10, v, 4) != 4)
    return false;
  for (int i = 0; i < 4; i++)
    ids[i] = (uint32_t) v[i];
  return true;
}

static bool
status_one (const char *p, const char *end, int base, uint64_t *out)
{
  return parse_columns (p, end, base, out, 1) == 1;
}

/* Apply one "Key:\tvalues" line; returns the SEEN_ bit, 0 to ignore, -1
 * when a line we need is malformed. */
static int
status_line (const char *line, const char *end, struct procinfo *pi)
{
  const char *colon = memchr (line, ':', (size_t) (end - line));
  const char *v;
  size_t klen;
  uint64_t n;

  if (colon == NULL)
    return 0;
  klen = (size_t) (colon - line);
  v = colon + 1;
#define ONE(key, base, bit, dst)                \
  if (key_is (line, klen, key))                 \
    {                                           \
      if (!status_one (v, end, base, &n))       \
        return -1;                              \
      dst = n;                                  \
      return bit;                               \
    }
#define LAST(key, bit, dst)                     \
  if (key_is (line, klen, key))                 \
    {                                           \
      if (!parse_last_column (v, end, &n))      \
        return -1;                              \
      dst = (pid_t) n;                          \
      return bit;                               \
    }
  ONE ("Tgid", 10, SEEN_TGID, pi->tgid);
  ONE ("PPid", 10, SEEN_PPID, pi->ppid);
  ONE ("CapInh", 16, SEEN_CAPINH, pi->cap_inheritable);
  ONE ("CapPrm", 16, SEEN_CAPPRM, pi->cap_permitted);
  ONE ("CapEff", 16, SEEN_CAPEFF, pi->cap_effective);
  LAST ("NStgid", SEEN_NSTGID, pi->vpid);
  LAST ("NSpid", SEEN_NSPID, pi->vtid);
  LAST ("NSpgid", SEEN_NSPGID, pi->vpgid);
  LAST ("NSsid", SEEN_NSSID, pi->vsid);
#undef ONE
#undef LAST
  if (key_is (line, klen, "Uid"))
    return status_ids (v, end, pi->uid) ? SEEN_UID : -1;
  if (key_is (line, klen, "Gid"))
    return status_ids (v, end, pi->gid) ? SEEN_GID : -1;
  return 0;
}

/* Feed complete lines of buf[0..len) to status_line; returns the bytes
 * consumed (a trailing partial line is left for the next read). */
static size_t
status_lines (const char *buf, size_t len, bool final, unsigned *seen, struct procinfo *pi, int *bad)
{
  size_t off = 0;

  while (off < len)
    {
      const char *nl = memchr (buf + off, '\n', len - off);
      const char *end = nl ? nl : buf + len;
      int bit;

      if (nl == NULL && !final)
        break;
      bit = status_line (buf + off, end, pi);
      if (bit < 0)
        *bad = 1;
      else
        *seen |= (unsigned) bit;
      off = (size_t) (end - buf) + (nl ? 1 : 0);
    }
  return off;
}

static int
read_status (int dirfd, struct procinfo *pi)
{
  cleanup_close int fd = open_in (dirfd, "status");
  char buf[4096];
  size_t have = 0, total = 0;
  unsigned seen = 0;
  int bad = 0;
  bool skipping = false; /* inside a line longer than buf (Groups) */

  if (fd < 0)
    return fd;
  while (total < STATUS_READ_LIMIT && (seen & SEEN_ALL) != SEEN_ALL)
    {
      ssize_t r = read_retry (fd, buf + have, sizeof buf - have);
      size_t used;

      if (r < 0)
        return proc_status (errno);
      total += (size_t) r;
      have += (size_t) r;
      if (skipping)
        {
          char *nl = memchr (buf, '\n', have);
          size_t drop = nl ? (size_t) (nl - buf) + 1 : have;
          memmove (buf, buf + drop, have - drop);
          have -= drop;
          skipping = nl == NULL;
        }
      used = status_lines (buf, have, r == 0, &seen, pi, &bad);
      memmove (buf, buf + used, have - used);
      have -= used;
      if (r == 0)
        break;
      if (have == sizeof buf)
        {
          /* A line longer than the buffer: nothing we need is that long. */
          have = 0;
          skipping = true;
        }
    }
  if (bad || (seen & SEEN_REQUIRED) != SEEN_REQUIRED)
    return -EINVAL;
  /* Kernels before 4.1 have no NS* lines: the ids are the global ones. */
  if (!(seen & SEEN_NSTGID))
    pi->vpid = pi->tgid;
  if (!(seen & SEEN_NSPID))
    pi->vtid = pi->tid;
  if (!(seen & SEEN_NSPGID))
    pi->vpgid = 0;
  if (!(seen & SEEN_NSSID))
    pi->vsid = 0;
  pi->have |= PI_STATUS;
  return 0;
}

/* ---- stat ---- */

/* The fields after "pid (comm) ": state is field 3, starttime field 22. */
enum { STAT_STATE = 3, STAT_PPID = 4, STAT_PGRP = 5, STAT_SESSION = 6, STAT_TTY = 7, STAT_STARTTIME = 22 };

static int
parse_stat (const char *buf, size_t len, struct procinfo *pi)
{
  const char *end = buf + len;
  const char *open = memchr (buf, '(', len);
  const char *close = NULL, *p;
  int64_t v;

  for (const char *q = end; q > buf; q--)
    if (q[-1] == ')')
      {
        close = q - 1;
        break;
      }
  if (open == NULL || close == NULL || close < open)
    return -EINVAL;
  size_t clen = (size_t) (close - open - 1);
  if (clen >= sizeof pi->comm)
    clen = sizeof pi->comm - 1;
  memcpy (pi->comm, open + 1, clen);
  pi->comm[clen] = '\0';

  p = close + 1;
  for (int field = STAT_STATE; field <= STAT_STARTTIME; field++)
    {
      p = skip_blanks (p, end);
      if (p >= end)
        return -EINVAL;
      if (field == STAT_STATE)
        {
          p++;
          continue;
        }
      p = parse_i64 (p, end, &v);
      if (p == NULL)
        return -EINVAL;
      switch (field)
        {
        case STAT_PPID:
          pi->stat_ppid = (pid_t) v;
          break;
        case STAT_PGRP:
          pi->pgid = (pid_t) v;
          break;
        case STAT_SESSION:
          pi->sid = (pid_t) v;
          break;
        case STAT_TTY:
          pi->tty = (uint32_t) v;
          break;
        case STAT_STARTTIME:
          pi->start_time = (uint64_t) v;
          break;
        default:
          break;
        }
    }
  return 0;
}

static int
read_stat (int dirfd, struct procinfo *pi)
{
  char buf[STAT_BUF];
  size_t len;
  bool more;
  int rc = read_capped (dirfd, "stat", buf, sizeof buf, &len, &more);

  if (rc < 0)
    return rc;
  rc = parse_stat (buf, len, pi);
  if (rc == 0)
    pi->have |= PI_STAT;
  return rc;
}

/* ---- argv / env ---- */

/* Give a NUL-separated buffer Falco's shape: when the source was longer
 * than cap, the last byte becomes the terminator; otherwise make sure it
 * ends in a NUL (setproctitle may leave none). */
static void
seal_strings (char *buf, size_t cap, size_t *len, bool truncated)
{
  if (truncated)
    {
      buf[cap - 1] = '\0';
      *len = cap;
      return;
    }
  if (*len == 0)
    {
      buf[0] = '\0';
      return;
    }
  if (buf[*len - 1] != '\0')
    {
      if (*len == cap)
        buf[cap - 1] = '\0';
      else
        buf[(*len)++] = '\0';
    }
}

static int
read_strings (int dirfd, const char *name, char *buf, size_t cap, size_t *len, bool *truncated)
{
  int rc = read_capped (dirfd, name, buf, cap, len, truncated);
  if (rc < 0)
    return rc;
  seal_strings (buf, cap, len, *truncated);
  return 0;
}

bool
procinfo_argbuf_add (char *buf, size_t *len, size_t cap, const char *s, size_t n)
{
  if (cap == 0)
    return false;
  if (*len >= cap)
    return false;
  if (*len + n + 1 <= cap)
    {
      memcpy (buf + *len, s, n);
      *len += n;
      buf[(*len)++] = '\0';
      return true;
    }
  size_t room = cap - *len - 1;
  memcpy (buf + *len, s, room);
  buf[cap - 1] = '\0';
  *len = cap;
  return false;
}

size_t
procinfo_join (const char *buf, size_t len, size_t skip, char *out, size_t outsz)
{
  size_t o = 0, off = 0, idx = 0;
  bool first = true;

  if (outsz == 0)
    return 0;
  /* Falco joins every argument with one space, empty ones included. */
  while (off < len)
    {
      const char *s = buf + off;
      const char *nul = memchr (s, '\0', len - off);
      size_t slen = nul ? (size_t) (nul - s) : len - off;

      off += slen + 1;
      if (idx++ < skip)
        continue;
      if (!first && o + 1 < outsz)
        out[o++] = ' ';
      first = false;
      size_t n = slen < outsz - 1 - o ? slen : outsz - 1 - o;
      memcpy (out + o, s, n);
      o += n;
    }
  out[o] = '\0';
  return o;
}

/* ---- links and loginuid ---- */

static int
read_link (int dirfd, const char *name, char *buf, size_t size)
{
  ssize_t n = readlinkat (dirfd, name, buf, size - 1);
  if (n < 0)
    return proc_status (errno);
  buf[n] = '\0';
  return 0;
}

static bool
has_suffix (const char *s, const char *suffix)
{
  size_t n = strlen (s), m = strlen (suffix);
  return n >= m && memcmp (s + n - m, suffix, m) == 0;
}

static int
read_exe (int dirfd, struct procinfo *pi)
{
  int rc = read_link (dirfd, "exe", pi->exepath, sizeof pi->exepath);
  if (rc < 0)
    return rc;
  pi->exe_from_memfd = strncmp (pi->exepath, "/memfd:", 7) == 0;
  pi->exe_deleted = has_suffix (pi->exepath, " (deleted)");
  pi->have |= PI_EXE;
  return 0;
}

static int
read_loginuid (int dirfd, struct procinfo *pi)
{
  cleanup_close int fd = openat (dirfd, "loginuid", O_RDONLY | O_CLOEXEC | O_NOCTTY);
  char buf[32];
  ssize_t n;
  uint64_t v = UINT32_MAX;

  /* No file without CONFIG_AUDIT: the same "unset" Falco records.  A gone
   * process answers ESRCH through the directory fd, not ENOENT. */
  if (fd < 0 && errno != ENOENT)
    return proc_status (errno);
  if (fd >= 0)
    {
      n = read_retry (fd, buf, sizeof buf);
      if (n < 0)
        return proc_status (errno);
      if ((size_t) n == sizeof buf || parse_u64 (buf, buf + n, 10, &v) == NULL || v > UINT32_MAX)
        return -EINVAL;
    }
  pi->loginuid = v == UINT32_MAX ? -1 : (int64_t) v;
  pi->have |= PI_LOGINUID;
  return 0;
}

/* ---- entry points ---- */

static int
read_part (int dirfd, unsigned part, struct procinfo *pi)
{
  int rc;

  switch (part)
    {
    case PI_STATUS:
      return read_status (dirfd, pi);
    case PI_STAT:
      return read_stat (dirfd, pi);
    case PI_ARGS:
      rc = read_strings (dirfd, "cmdline", pi->args, sizeof pi->args, &pi->args_len, &pi->args_truncated);
      break;
    case PI_ENV:
      rc = read_strings (dirfd, "environ", pi->env, sizeof pi->env, &pi->env_len, &pi->env_truncated);
      break;
    case PI_EXE:
      return read_exe (dirfd, pi);
    case PI_CWD:
      rc = read_link (dirfd, "cwd", pi->cwd, sizeof pi->cwd);
      break;
    case PI_ROOT:
      rc = read_link (dirfd, "root", pi->root, sizeof pi->root);
      break;
    case PI_LOGINUID:
      return read_loginuid (dirfd, pi);
    default:
      return 0;
    }
  if (rc == 0)
    pi->have |= part;
  return rc;
}

int
procinfo_read_at (int tid_dirfd, pid_t tid, unsigned what, struct procinfo *pi)
{
  pi->have = 0;
  pi->tid = tid;
  for (unsigned part = 1; part <= PI_LOGINUID; part <<= 1)
    if (what & part)
      {
        int rc = read_part (tid_dirfd, part, pi);
        if (rc < 0)
          return rc;
      }
  return 0;
}

int
procinfo_read (int proc_dirfd, pid_t tid, unsigned what, struct procinfo *pi)
{
  char name[32];
  int dirfd;
  int rc;

  pi->have = 0;
  pi->tid = tid;
  if (tid <= 0)
    return -ESRCH;
  if (proc_dirfd >= 0)
    snprintf (name, sizeof name, "%d", (int) tid);
  else
    snprintf (name, sizeof name, "/proc/%d", (int) tid);
  dirfd = openat (proc_dirfd >= 0 ? proc_dirfd : AT_FDCWD, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    return proc_status (errno);
  rc = procinfo_read_at (dirfd, tid, what, pi);
  close (dirfd);
  return rc;
}

/* ---- capabilities ---- */

static char cap_names[64][32];
static unsigned char cap_name_len[64];
static pthread_once_t cap_names_once = PTHREAD_ONCE_INIT;

/* libcap names the capabilities it knows ("cap_chown") and prints others
 * as their number; Falco prints only known ones, upper-case. */
static void
cap_names_init (void)
{
  for (int i = 0; i < 64; i++)
    {
      char *n = cap_to_name ((cap_value_t) i);
      cap_names[i][0] = '\0';
      if (n && !isdigit ((unsigned char) n[0]))
        {
          size_t j;
          for (j = 0; n[j] && j < sizeof cap_names[i] - 1; j++)
            cap_names[i][j] = (char) toupper ((unsigned char) n[j]);
          cap_names[i][j] = '\0';
          cap_name_len[i] = (unsigned char) j;
        }
      cap_free (n);
    }
}

int
procinfo_caps_text (uint64_t caps, char *buf, size_t bufsz)
{
  size_t o = 0;

  if (bufsz == 0)
    return -ERANGE;
  pthread_once (&cap_names_once, cap_names_init);
  buf[0] = '\0';
  for (int i = 0; i < 64; i++)
    {
      const char *n = cap_names[i];
      size_t len = cap_name_len[i];

      if (!(caps & (UINT64_C (1) << i)) || len == 0)
        continue;
      if (o + (o > 0) + len + 1 > bufsz)
        return -ERANGE;
      if (o > 0)
        buf[o++] = ' ';
      memcpy (buf + o, n, len + 1);
      o += len;
    }
  return (int) o;
}

/* ---- time ---- */

static uint64_t boot_epoch_ns;
static uint64_t ns_per_tick;
static pthread_once_t boot_once = PTHREAD_ONCE_INIT;

/* The epoch time of boot: CLOCK_REALTIME minus CLOCK_BOOTTIME, which is
 * what /proc start times count from. */
static void
boot_init (void)
{
  struct timespec real, boot;
  long hz = sysconf (_SC_CLK_TCK);

  clock_gettime (CLOCK_REALTIME, &real);
  clock_gettime (CLOCK_BOOTTIME, &boot);
  boot_epoch_ns = ((uint64_t) real.tv_sec * 1000000000u + (uint64_t) real.tv_nsec)
                  - ((uint64_t) boot.tv_sec * 1000000000u + (uint64_t) boot.tv_nsec);
  ns_per_tick = 1000000000u / (uint64_t) (hz > 0 ? hz : 100);
}

uint64_t
procinfo_start_to_epoch_ns (uint64_t start_ticks)
{
  pthread_once (&boot_once, boot_init);
  return boot_epoch_ns + start_ticks * ns_per_tick;
}
