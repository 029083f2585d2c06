/* vigil: the output channels, as Falco's outputs_*.cpp deliver alerts:
 * stdout, file, syslog, program and http.  Each runs on its own thread
 * (outputs.c), so a channel may wait; it waits with a timeout it reports
 * and resumes, and gives up as soon as outputs_stop says so (abort_fd). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>


#include "vigil/curl_lib.h"
#include "vigil/error.h"
#include "vigil/outputs.h"

#ifndef VIGIL_VERSION
#define VIGIL_VERSION "dev"
#endif

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif

#define SYSLOG_PATH "/dev/log"

extern char **environ;

/* ---- writing to an fd that may not take the data ---- */

/* Where a line stands on a stream: a retried write resumes it rather than
 * repeating its beginning. */
struct stream {
  int fd;
  uint64_t seq;
  size_t off;
};

static int64_t
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until fd takes data: 0, -ETIMEDOUT or -ECANCELED (abort_fd). */
static int
wait_writable (int fd, int timeout_ms, int abort_fd)
{
  struct pollfd p[2] = { { fd, POLLOUT, 0 }, { abort_fd, POLLIN, 0 } };
  int n = poll (p, abort_fd >= 0 ? 2 : 1, timeout_ms);

  if (n < 0)
    return errno == EINTR ? 0 : -errno;
  if (n == 0)
    return -ETIMEDOUT;
  if (abort_fd >= 0 && (p[1].revents & POLLIN))
    return -ECANCELED;
  return 0;
}

/* A write to a pipe whose reader is gone raised SIGPIPE at this thread
 * (blocked there): take it, so it cannot linger. */
static void
consume_sigpipe (void)
{
  sigset_t set;
  struct timespec zero = { 0, 0 };

  sigemptyset (&set);
  sigaddset (&set, SIGPIPE);
  sigtimedwait (&set, NULL, &zero); /* the thread's own comes first */
}

/* Write the rest of line l to s->fd, waiting for room when the fd is
 * non-blocking.  Gives up after timeout_ms without progress.  Returns 0 or
 * a negative errno; s->off says how far it got. */
static int
stream_write (struct stream *s, const struct output_line *l, int timeout_ms, int abort_fd)
{
  if (s->seq != l->seq)
    {
      s->seq = l->seq;
      s->off = 0;
    }
  while (s->off < l->len)
    {
      ssize_t w = write (s->fd, l->text + s->off, l->len - s->off);
      int r;

      if (w > 0)
        {
          s->off += (size_t) w;
          continue;
        }
      if (w == 0)
        return -EIO;
      if (errno == EINTR)
        continue;
      if (errno != EAGAIN)
        {
          if (errno == EPIPE)
            consume_sigpipe ();
          return -errno;
        }
      r = wait_writable (s->fd, timeout_ms, abort_fd);
      if (r < 0)
        return r;
    }
  return 0;
}

/* Start the next line from its beginning (the fd changed). */
static void
stream_restart (struct stream *s)
{
  s->seq = 0;
  s->off = 0;
}

static void
stream_close (struct stream *s)
{
  if (s->fd >= 0)
    close (s->fd);
  s->fd = -1;
}

static struct stream *
stream_new (int fd)
{
  struct stream *s = xcalloc (1, sizeof *s);

  s->fd = fd;
  return s;
}

/* ---- stdout ---- */

/* One write per alert, straight to fd 1: the workload may share that pipe,
 * so vigil never changes its flags; if someone made it non-blocking, wait
 * for room. */
static int
stdout_open (struct output_channel *ch, vigil_error_t *err)
{
  if (fcntl (STDOUT_FILENO, F_GETFL) < 0)
    return vigil_make_error (err, errno, "standard output");
  ch->state = stream_new (STDOUT_FILENO);
  ch->opens++;
  return 0;
}

static int
stdout_write (struct output_channel *ch, const struct output_line *l, vigil_error_t *err)
{
  int r = stream_write (ch->state, l, ch->timeout_ms, ch->abort_fd);

  if (r == -ETIMEDOUT)
    return vigil_make_error (err, 0, "standard output is not being read (waited %d ms)", ch->timeout_ms);
  if (r < 0)
    return vigil_make_error (err, -r, "cannot write to standard output");
  return 0;
}

static void
stdout_reopen (struct output_channel *ch)
{
  (void) ch;
}

static void
stdout_close (struct output_channel *ch)
{
  free (ch->state); /* fd 1 is not ours to close */
  ch->state = NULL;
}

const struct output_channel_ops output_stdout_ops = {
  .name = "stdout",
  .open = stdout_open,
  .write = stdout_write,
  .reopen = stdout_reopen,
  .close = stdout_close,
};

/* ---- file ---- */

struct file_state {
  struct stream s;
  dev_t dev;
  ino_t ino;
};

/* Append, as Falco's std::ofstream(app) (mode 0666 less the umask).
 * O_NONBLOCK only for the open, so that a FIFO without a reader fails
 * instead of hanging. */
static int
file_open_target (struct output_channel *ch, struct file_state *f, vigil_error_t *err)
{
  struct stat st;
  int fd = open (ch->target, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0666);
  int flags;

  if (fd < 0)
    return vigil_make_error (err, errno, "cannot open %s", ch->target);
  flags = fcntl (fd, F_GETFL);
  if (fstat (fd, &st) < 0 || flags < 0 || fcntl (fd, F_SETFL, flags & ~O_NONBLOCK) < 0)
    {
      int e = errno;
      close (fd);
      return vigil_make_error (err, e, "cannot open %s", ch->target);
    }
  if (S_ISDIR (st.st_mode))
    {
      close (fd);
      return vigil_make_error (err, EISDIR, "cannot open %s", ch->target);
    }
  f->s.fd = fd;
  f->dev = st.st_dev;
  f->ino = st.st_ino;
  ch->opens++;
  return 0;
}

/* logrotate's rename-and-create (or a plain removal) leaves the kept fd on
 * the old file: follow the name when it names another inode or nothing. */
static void
file_follow_rotation (struct output_channel *ch, struct file_state *f)
{
  struct stat st;

  if (f->s.fd < 0)
    return;
  if (stat (ch->target, &st) == 0 ? (st.st_dev != f->dev || st.st_ino != f->ino) : errno == ENOENT)
    stream_close (&f->s);
}

static int
file_open (struct output_channel *ch, vigil_error_t *err)
{
  struct file_state *f = xcalloc (1, sizeof *f);

  f->s.fd = -1;
  ch->state = f;
  if (ch->target == NULL || ch->target[0] == '\0')
    return vigil_make_error (err, 0, "no filename given (file_output.filename)");
  if (file_open_target (ch, f, err) < 0)
    return -1;
  if (!ch->keep_alive)
    stream_close (&f->s);
  return 0;
}

static int
file_write (struct output_channel *ch, const struct output_line *l, vigil_error_t *err)
{
  struct file_state *f = ch->state;
  int r;

  file_follow_rotation (ch, f);
  if (f->s.fd < 0 && file_open_target (ch, f, err) < 0)
    return -1;
  r = stream_write (&f->s, l, ch->timeout_ms, ch->abort_fd);
  if (r < 0)
    {
      stream_close (&f->s);
      if (r == -ETIMEDOUT)
        return vigil_make_error (err, 0, "%s is not being read (waited %d ms)", ch->target, ch->timeout_ms);
      return vigil_make_error (err, -r, "cannot write to %s", ch->target);
    }
  if (!ch->keep_alive)
    stream_close (&f->s);
  return 0;
}

/* The next alert opens the file by its name again. */
static void
file_reopen (struct output_channel *ch)
{
  struct file_state *f = ch->state;

  stream_close (&f->s);
}

static void
file_close (struct output_channel *ch)
{
  struct file_state *f = ch->state;

  if (f)
    stream_close (&f->s);
  free (f);
  ch->state = NULL;
}

const struct output_channel_ops output_file_ops = {
  .name = "file",
  .open = file_open,
  .write = file_write,
  .reopen = file_reopen,
  .close = file_close,
};

/* ---- syslog ---- */

/* Falco's priorities are syslog's levels, emergency to debug. */
static const int syslog_levels[] = {
  [PRIO_EMERGENCY] = LOG_EMERG,   [PRIO_ALERT] = LOG_ALERT,   [PRIO_CRITICAL] = LOG_CRIT,
  [PRIO_ERROR] = LOG_ERR,         [PRIO_WARNING] = LOG_WARNING, [PRIO_NOTICE] = LOG_NOTICE,
  [PRIO_INFORMATIONAL] = LOG_INFO, [PRIO_DEBUG] = LOG_DEBUG,
};

/* syslog(3) drops messages silently when nothing listens at /dev/log: make
 * sure something does before promising a syslog output. */
static int
syslog_probe (vigil_error_t *err)
{
  static const int types[] = { SOCK_DGRAM, SOCK_STREAM };
  struct sockaddr_un sun = { .sun_family = AF_UNIX, .sun_path = SYSLOG_PATH };
  int e = 0;

  for (size_t i = 0; i < ARRAY_SIZE (types); i++)
    {
      int fd = socket (AF_UNIX, types[i] | SOCK_CLOEXEC, 0);
      if (fd < 0)
        return vigil_make_error (err, errno, "socket");
      if (connect (fd, (struct sockaddr *) &sun, sizeof sun) == 0)
        {
          close (fd);
          return 0;
        }
      e = errno;
      close (fd);
      if (e != EPROTOTYPE)
        break;
    }
  return vigil_make_error (err, e, "cannot connect to %s", SYSLOG_PATH);
}

static int
syslog_open (struct output_channel *ch, vigil_error_t *err)
{
  if (syslog_probe (err) < 0)
    return -1;
  openlog ("vigil", LOG_PID | LOG_NDELAY, LOG_USER);
  ch->opens++;
  return 0;
}

/* As Falco: the line without its newline, at the alert's priority. */
static int
syslog_write (struct output_channel *ch, const struct output_line *l, vigil_error_t *err)
{
  size_t n = l->len > 0 ? l->len - 1 : 0;
  int level = (unsigned) l->priority < ARRAY_SIZE (syslog_levels) ? syslog_levels[l->priority] : LOG_NOTICE;

  (void) ch;
  (void) err;
  syslog (LOG_USER | level, "%.*s", n > INT_MAX ? INT_MAX : (int) n, l->text);
  return 0;
}

static void
syslog_reopen (struct output_channel *ch)
{
  closelog ();
  openlog ("vigil", LOG_PID | LOG_NDELAY, LOG_USER);
  ch->opens++;
}

static void
syslog_close (struct output_channel *ch)
{
  (void) ch;
  closelog ();
}

const struct output_channel_ops output_syslog_ops = {
  .name = "syslog",
  .open = syslog_open,
  .write = syslog_write,
  .reopen = syslog_reopen,
  .close = syslog_close,
};

/* ---- program ---- */

struct program_state {
  struct stream s; /* the write end of the program's stdin */
  pid_t pid;       /* the running program (keep_alive or mid-line), 0 if none */
  int pidfd;
  pid_t *waiting;  /* one-shot programs that had not exited yet */
  size_t nwaiting, waiting_cap;
};

/* The child side: a clean signal state (exec keeps the mask and ignored
 * signals; vigil's threads block everything), the pipe as stdin, and
 * Falco's popen: /bin/sh -c PROGRAM.  Only syscalls here: the parent has
 * other threads. */
static void __attribute__ ((noreturn))
program_child (int rfd, const char *program)
{
  uint64_t none = 0;
  char *argv[] = { (char *) "sh", (char *) "-c", (char *) program, NULL };

  syscall (SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, sizeof none);
  for (int sig = 1; sig < NSIG; sig++)
    {
      struct sigaction sa;
      if (sigaction (sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
        {
          sa.sa_handler = SIG_DFL;
          sigaction (sig, &sa, NULL);
        }
    }
  if (rfd == STDIN_FILENO)
    fcntl (rfd, F_SETFD, 0);
  else if (dup2 (rfd, STDIN_FILENO) < 0)
    _exit (127);
  /* vigil's fds are close-on-exec; the ones it inherited (those the user
   * passed to the workload) are not the program's business either. */
  syscall (SYS_close_range, 3U, ~0U, 0U);
  execve ("/bin/sh", argv, environ);
  _exit (127);
}

/* Start the program with a pipe to its stdin.  It is a clone child with
 * no exit signal: it sends no SIGCHLD, and the supervisor's reaper
 * (waitpid (-1) without __WALL) cannot take it, so its pid stays ours
 * until this channel reaps it. */
static int
program_spawn (struct output_channel *ch, struct program_state *p, vigil_error_t *err)
{
  int fds[2];
  pid_t pid;
  int flags;

  if (pipe2 (fds, O_CLOEXEC) < 0)
    return vigil_make_error (err, errno, "pipe");
  pid = (pid_t) syscall (SYS_clone, 0UL, NULL, NULL, NULL, NULL);
  if (pid < 0)
    {
      int e = errno;
      close (fds[0]);
      close (fds[1]);
      return vigil_make_error (err, e, "cannot start the program");
    }
  if (pid == 0)
    program_child (fds[0], ch->target);
  close (fds[0]);
  flags = fcntl (fds[1], F_GETFL);
  if (flags >= 0)
    fcntl (fds[1], F_SETFL, flags | O_NONBLOCK);
  p->s.fd = fds[1];
  p->pid = pid;
  p->pidfd = (int) syscall (SYS_pidfd_open, pid, 0);
  stream_restart (&p->s);
  ch->opens++;
  return 0;
}

/* Reap pid, waiting up to timeout_ms.  1 with *status when reaped, 0 when
 * it still runs, -1 when it is not ours any more (ECHILD). */
static int
program_reap (pid_t pid, int pidfd, int timeout_ms, int abort_fd, int *status)
{
  int64_t deadline = now_ms () + timeout_ms;

  for (;;)
    {
      pid_t r = waitpid (pid, status, WNOHANG | __WALL);
      int64_t left = deadline - now_ms ();
      struct pollfd p[2] = { { pidfd, POLLIN, 0 }, { abort_fd, POLLIN, 0 } };

      if (r == pid)
        return 1;
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return -1;
      if (left <= 0)
        return 0;
      if (pidfd >= 0)
        poll (p, 2, (int) left);
      else
        poll (&p[1], 1, left < 10 ? (int) left : 10);
      if (abort_fd >= 0 && (p[1].revents & POLLIN))
        return 0;
    }
}

/* How the program ended, for a message ("" for a clean exit). */
static void
describe_end (int r, int status, int timeout_ms, char *buf, size_t n)
{
  buf[0] = '\0';
  if (r == 0)
    snprintf (buf, n, "did not exit within %d ms of its input's end", timeout_ms);
  else if (r > 0 && WIFEXITED (status) && WEXITSTATUS (status) != 0)
    snprintf (buf, n, "exited with status %d", WEXITSTATUS (status));
  else if (r > 0 && WIFSIGNALED (status))
    snprintf (buf, n, "was killed by signal %d", WTERMSIG (status));
}

/* Close the program's stdin and wait (bounded) for it to exit, as Falco's
 * pclose; one that does not exit in time is reaped later.  `how` says how
 * it ended (see describe_end). */
static void
program_finish (struct output_channel *ch, struct program_state *p, char *how, size_t n)
{
  int status = 0;
  int r;

  how[0] = '\0';
  stream_close (&p->s);
  if (p->pid <= 0)
    return;
  r = program_reap (p->pid, p->pidfd, ch->timeout_ms, ch->abort_fd, &status);
  describe_end (r, status, ch->timeout_ms, how, n);
  if (r == 0)
    {
      xgrow (&p->waiting, &p->waiting_cap, p->nwaiting, sizeof *p->waiting);
      p->waiting[p->nwaiting++] = p->pid;
    }
  if (p->pidfd >= 0)
    close (p->pidfd);
  p->pidfd = -1;
  p->pid = 0;
}

/* program_finish, reporting anything but a clean exit as a warning. */
static void
program_end (struct output_channel *ch, struct program_state *p)
{
  char how[128];

  program_finish (ch, p, how, sizeof how);
  if (how[0])
    output_channel_warn (ch, "the program %s", how);
}

/* Reap the late one-shot programs that have exited by now. */
static void
program_reap_waiting (struct program_state *p, int timeout_ms, int abort_fd)
{
  size_t kept = 0;

  for (size_t i = 0; i < p->nwaiting; i++)
    {
      int status;
      if (program_reap (p->waiting[i], -1, timeout_ms, abort_fd, &status) == 0)
        p->waiting[kept++] = p->waiting[i];
    }
  p->nwaiting = kept;
}

static int
program_open (struct output_channel *ch, vigil_error_t *err)
{
  struct program_state *p = xcalloc (1, sizeof *p);

  p->s.fd = -1;
  p->pidfd = -1;
  ch->state = p;
  if (ch->target == NULL || ch->target[0] == '\0')
    return vigil_make_error (err, 0, "no program given (program_output.program)");
  if (access ("/bin/sh", X_OK) < 0)
    return vigil_make_error (err, errno, "cannot run /bin/sh");
  if (ch->keep_alive)
    return program_spawn (ch, p, err);
  return 0;
}

static int
program_write (struct output_channel *ch, const struct output_line *l, vigil_error_t *err)
{
  struct program_state *p = ch->state;
  int r;

  if (p->nwaiting)
    program_reap_waiting (p, 0, ch->abort_fd);
  if (p->s.fd < 0 && program_spawn (ch, p, err) < 0)
    return -1;
  r = stream_write (&p->s, l, ch->timeout_ms, ch->abort_fd);
  if (r == -ETIMEDOUT)
    return vigil_make_error (err, 0, "the program has not read its input for %d ms", ch->timeout_ms);
  if (r < 0)
    {
      /* It exited (or broke its pipe): a new one gets the whole line. */
      char how[128];
      program_finish (ch, p, how, sizeof how);
      stream_restart (&p->s);
      if (r == -EPIPE)
        return vigil_make_error (err, 0, "the program stopped reading its input%s%s", how[0] ? ": it " : "", how);
      return vigil_make_error (err, -r, "cannot write to the program");
    }
  if (!ch->keep_alive)
    program_end (ch, p);
  return 0;
}

/* Falco restarts the program: end this one; the next alert starts another. */
static void
program_reopen (struct output_channel *ch)
{
  struct program_state *p = ch->state;

  if (p->s.fd >= 0)
    program_end (ch, p);
}

static void
program_close (struct output_channel *ch)
{
  struct program_state *p = ch->state;

  if (p == NULL)
    return;
  program_end (ch, p);
  program_reap_waiting (p, ch->timeout_ms, ch->abort_fd);
  free (p->waiting);
  free (p);
  ch->state = NULL;
}

const struct output_channel_ops output_program_ops = {
  .name = "program",
  .open = program_open,
  .write = program_write,
  .reopen = program_reopen,
  .close = program_close,
};

/* ---- http ---- */

struct http_state {
  CURLM *multi; /* holds the connection between alerts */
  const struct curl_lib *lib;
  CURL *curl;
  struct curl_slist *headers;
};

/* The fds open without FD_CLOEXEC, from /proc/self/fd; NULL if unknown. */
static int *
inheritable_fds (size_t *n)
{
  DIR *d = opendir ("/proc/self/fd");
  struct dirent *e;
  int *v = NULL;
  size_t cap = 0;

  *n = 0;
  if (d == NULL)
    return NULL;
  while ((e = readdir (d)) != NULL)
    {
      int fd = atoi (e->d_name), flags;
      if (e->d_name[0] == '.' || fd == dirfd (d))
        continue;
      flags = fcntl (fd, F_GETFD);
      if (flags < 0 || (flags & FD_CLOEXEC))
        continue;
      xgrow (&v, &cap, *n, sizeof *v);
      v[(*n)++] = fd;
    }
  closedir (d);
  return v ? v : xcalloc (1, sizeof *v);
}

/* libcurl 7.x creates a multi handle's wake-up socketpair without
 * close-on-exec: mark what curl_multi_init opened.  (outputs_start runs
 * before vigil starts anything that should inherit an fd.) */
static CURLM *
multi_init_cloexec (const struct curl_lib *lib)
{
  size_t nbefore, nafter;
  int *before = inheritable_fds (&nbefore);
  CURLM *m = lib->multi_init ();
  int *after = inheritable_fds (&nafter);

  for (size_t i = 0; before && after && i < nafter; i++)
    {
      bool old = false;
      for (size_t j = 0; j < nbefore && !old; j++)
        old = before[j] == after[i];
      if (!old)
        fcntl (after[i], F_SETFD, FD_CLOEXEC);
    }
  free (before);
  free (after);
  return m;
}

static size_t
http_discard (char *data, size_t size, size_t nmemb, void *ctx)
{
  (void) data;
  (void) ctx;
  return size * nmemb;
}

/* libcurl's sockets are not close-on-exec by default: vigil's must be. */
static curl_socket_t
http_socket (void *ctx, curlsocktype purpose, struct curl_sockaddr *addr)
{
  (void) ctx;
  (void) purpose;
  return socket (addr->family, addr->socktype | SOCK_CLOEXEC, addr->protocol);
}

/* Abandon a transfer once outputs_stop gives up waiting. */
static int
http_progress (void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
  (void) dltotal;
  (void) dlnow;
  (void) ultotal;
  (void) ulnow;
  return output_channel_aborted (ctx) ? 1 : 0;
}

/* Falco removes quotes around the URL; only http and https are allowed. */
static int
http_check_url (const struct curl_lib *lib, char *url, vigil_error_t *err)
{
  size_t n = strlen (url);
  CURLU *u;
  char *scheme = NULL;
  CURLUcode rc;
  int ret = 0;

  if (n >= 2 && (url[0] == '"' || url[0] == '\'') && url[n - 1] == url[0])
    {
      memmove (url, url + 1, n - 2);
      url[n - 2] = '\0';
    }
  u = lib->url ();
  if (u == NULL)
    return vigil_make_error (err, ENOMEM, "curl_url");
  rc = lib->url_set (u, CURLUPART_URL, url, 0);
  if (rc == CURLUE_OK)
    rc = lib->url_get (u, CURLUPART_SCHEME, &scheme, 0);
  if (rc != CURLUE_OK)
    ret = vigil_make_error (err, 0, "invalid URL '%s': %s", url, lib->url_strerror (rc));
  else if (strcasecmp (scheme, "http") != 0 && strcasecmp (scheme, "https") != 0)
    ret = vigil_make_error (err, 0, "invalid URL '%s': only http and https are supported", url);
  lib->free (scheme);
  lib->url_cleanup (u);
  return ret;
}

static int
http_setup (struct output_channel *ch, struct http_state *h)
{
  CURLcode rc = CURLE_OK;

#define SET(opt, val) \
  do \
    if (rc == CURLE_OK) \
      rc = h->lib->easy_setopt (h->curl, opt, val); \
  while (0)
  SET (CURLOPT_URL, ch->target);
  SET (CURLOPT_HTTPHEADER, h->headers);
  SET (CURLOPT_USERAGENT, "vigil/" VIGIL_VERSION);
  SET (CURLOPT_NOSIGNAL, 1L);
  SET (CURLOPT_TIMEOUT_MS, (long) ch->timeout_ms);
  SET (CURLOPT_CONNECTTIMEOUT_MS, (long) ch->timeout_ms);
  SET (CURLOPT_POST, 1L);
  SET (CURLOPT_WRITEFUNCTION, http_discard);
  SET (CURLOPT_OPENSOCKETFUNCTION, http_socket);
  SET (CURLOPT_NOPROGRESS, 0L);
  SET (CURLOPT_XFERINFOFUNCTION, http_progress);
  SET (CURLOPT_XFERINFODATA, ch);
#if LIBCURL_VERSION_NUM >= 0x075500
  SET (CURLOPT_PROTOCOLS_STR, "http,https");
#endif
#undef SET
  return rc == CURLE_OK ? 0 : -1;
}

/* As Falco's output_http::init: one easy handle, its connection reused
 * (kept by our multi handle), Content-Type by json_output.  "Expect:" keeps libcurl from
 * waiting for a 100-continue that webhooks seldom send. */
static int
http_open (struct output_channel *ch, vigil_error_t *err)
{
  struct http_state *h = xcalloc (1, sizeof *h);

  ch->state = h;
  if (ch->target == NULL || ch->target[0] == '\0')
    return vigil_make_error (err, 0, "no URL given (http_output.url)");
  h->lib = curl_lib_load (err);
  if (h->lib == NULL || http_check_url (h->lib, ch->target, err) < 0)
    return -1;
  h->multi = multi_init_cloexec (h->lib);
  h->curl = h->lib->easy_init ();
  if (h->multi == NULL || h->curl == NULL)
    return vigil_make_error (err, 0, "libcurl failed to initialize");
  h->headers = h->lib->slist_append (NULL, ch->json ? "Content-Type: application/json" : "Content-Type: text/plain");
  if (h->headers)
    h->headers = h->lib->slist_append (h->headers, "Expect:");
  if (h->headers == NULL || http_setup (ch, h) < 0)
    return vigil_make_error (err, 0, "libcurl refused the options");
  ch->opens++;
  return 0;
}

/* curl_easy_perform, through the multi handle (CURLOPT_TIMEOUT_MS bounds
 * it; the progress callback ends it on abort). */
static CURLcode
http_perform (struct http_state *h)
{
  CURLcode rc = CURLE_OK;
  CURLMsg *msg;
  int running = 1, left;

  if (h->lib->multi_add_handle (h->multi, h->curl) != CURLM_OK)
    return CURLE_FAILED_INIT;
  while (running)
    {
      if (h->lib->multi_perform (h->multi, &running) != CURLM_OK)
        {
          rc = CURLE_FAILED_INIT;
          break;
        }
      if (running && h->lib->multi_poll (h->multi, NULL, 0, 1000, NULL) != CURLM_OK)
        {
          rc = CURLE_FAILED_INIT;
          break;
        }
    }
  while ((msg = h->lib->multi_info_read (h->multi, &left)) != NULL)
    if (msg->msg == CURLMSG_DONE && msg->easy_handle == h->curl)
      rc = msg->data.result;
  h->lib->multi_remove_handle (h->multi, h->curl);
  return rc;
}

/* POST the line without its newline, as Falco posts msg.  Messages name
 * the failure, not the URL (it may carry credentials). */
static int
http_write (struct output_channel *ch, const struct output_line *l, vigil_error_t *err)
{
  struct http_state *h = ch->state;
  long code = 0;
  CURLcode rc;

  h->lib->easy_setopt (h->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) (l->len > 0 ? l->len - 1 : 0));
  h->lib->easy_setopt (h->curl, CURLOPT_POSTFIELDS, l->text);
  rc = http_perform (h);
  if (rc != CURLE_OK)
    return vigil_make_error (err, 0, "POST failed: %s", h->lib->easy_strerror (rc));
  h->lib->easy_getinfo (h->curl, CURLINFO_RESPONSE_CODE, &code);
  if (code >= 400 && code < 500 && code != 408 && code != 429)
    {
      vigil_make_error (err, 0, "the server refused the alert (HTTP %ld)", code);
      return -2;
    }
  if (code >= 400)
    return vigil_make_error (err, 0, "the server answered HTTP %ld", code);
  return 0;
}

static void
http_reopen (struct output_channel *ch)
{
  (void) ch;
}

static void
http_close (struct output_channel *ch)
{
  struct http_state *h = ch->state;

  if (h == NULL)
    return;
  if (h->lib)
    {
      if (h->curl)
        h->lib->easy_cleanup (h->curl);
      if (h->multi)
        h->lib->multi_cleanup (h->multi);
      h->lib->slist_free_all (h->headers);
    }
  free (h);
  ch->state = NULL;
}

const struct output_channel_ops output_http_ops = {
  .name = "http",
  .open = http_open,
  .write = http_write,
  .reopen = http_reopen,
  .close = http_close,
};
