/* vigil: accepts performed by vigil for the workload (emulate_accept.h):
 * the listening socket fetched from the notifying thread, the accept on a
 * bounded job thread, the peer's address written back and the new socket
 * handed over with ADDFD. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>


#include "vigil/emulate_accept.h"
#include "vigil/emulate_open.h"
#include "vigil/evttypes.h"
#include "vigil/limits.h"
#include "vigil/source_seccomp.h"

/* The kernel's "interrupted by a signal: restart if its handler says
 * SA_RESTART, else EINTR" (not in the uapi headers). */
#define ERESTARTSYS 512

/* How often a waiting accept looks whether its notification is still
 * pending (the workload thread may have taken a signal). */
#define ACCEPT_RECHECK_NS (50 * 1000 * 1000L)

bool
accept_emulation_needed (const struct ruleset *rs)
{
  static const char *const accepts[] = { "accept", "accept4" };
  return ruleset_enforces_any (rs, accepts, sizeof accepts / sizeof accepts[0]);
}

bool
accept_call_supported (int nr)
{
  return nr == SYS_accept || nr == SYS_accept4;
}

int
accept_call_read (const struct seccomp_notif *req, struct accept_call *call)
{
  const __u64 *a = req->data.args;

  memset (call, 0, sizeof *call);
  call->sockfd = (int) a[0];
  call->addr = a[1];
  call->addrlen = a[2];
  call->tid = (pid_t) req->pid;
  if (req->data.nr == SYS_accept4)
    {
      /* accept4's first check, before the fd is looked up. */
      if ((int) a[3] & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
        return -EINVAL;
      call->flags = (int) a[3];
    }
  return 0;
}

int
accept_call_fetch (const struct accept_call *call, const struct seccomp_notif *req, int listener)
{
  return target_thread_fetch_fd (req, listener, call->sockfd);
}

struct accept_job {
  int listener;
  uint64_t id;
  int sock;
  struct accept_call call;
  struct target_creds creds;
  bool switch_creds;
  struct sockaddr_storage peer;
  socklen_t peerlen;
};

/* Interrupt this thread periodically, so that a poll or an accept whose
 * notification is gone returns (EINTR) and the job ends instead of taking
 * a connection no thread will receive. */
static int
recheck_timer_start (timer_t *t)
{
  struct sigevent sev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = LIMITS_INTERRUPT_SIGNAL };
  struct itimerspec period = { { 0, ACCEPT_RECHECK_NS }, { 0, ACCEPT_RECHECK_NS } };

  sev._sigev_un._tid = gettid ();
  if (timer_create (CLOCK_MONOTONIC, &sev, t) < 0)
    return -errno;
  timer_settime (*t, 0, &period, NULL);
  return 0;
}

static int64_t
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* When an accept on sock gives up with EAGAIN (SO_RCVTIMEO), or 0: never. */
static int64_t
accept_deadline (int sock)
{
  struct timeval tv = { 0 };
  socklen_t n = sizeof tv;
  if (getsockopt (sock, SOL_SOCKET, SO_RCVTIMEO, &tv, &n) < 0 || (tv.tv_sec == 0 && tv.tv_usec == 0))
    return 0;
  return now_ms () + (int64_t) tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000;
}

/* Does an accept on sock wait?  Only on a listening socket whose open
 * file (shared with the workload's fd) is blocking; on anything else the
 * kernel answers at once (EAGAIN, EINVAL, EOPNOTSUPP, ENOTSOCK). */
static bool
accept_waits (int sock)
{
  int listening = 0;
  socklen_t n = sizeof listening;
  int fl = fcntl (sock, F_GETFL);
  return fl >= 0 && !(fl & O_NONBLOCK) && getsockopt (sock, SOL_SOCKET, SO_ACCEPTCONN, &listening, &n) == 0
         && listening;
}

static uint64_t
status_mask (const char *line, const char *key)
{
  size_t n = strlen (key);
  return strncmp (line, key, n) == 0 ? strtoull (line + n, NULL, 16) : 0;
}

/* Would the kernel have interrupted tid's wait by now?  vigil's filter
 * waits killable once vigil holds the notification: only a signal made
 * fatal on arrival ends that wait, and a caught signal pending first keeps
 * even a later SIGTERM queued (the thread already has a signal pending, so
 * the kernel wakes no one).  So vigil looks: a signal pending for tid, not
 * blocked, whose action is not to ignore it.  A signal pending for the
 * whole process counts only when tid is its only thread: another thread
 * could take it, and tid would return with the restart code and no
 * signal to act on it. */
static bool
signal_would_interrupt (pid_t tid)
{
  const uint64_t ignored_by_default = 1ull << (SIGCHLD - 1) | 1ull << (SIGCONT - 1) | 1ull << (SIGURG - 1)
                                      | 1ull << (SIGWINCH - 1);
  uint64_t own = 0, shared = 0, blocked = 0, ignored = 0, caught = 0;
  long threads = 0;
  char path[64], line[256];

  snprintf (path, sizeof path, "/proc/%d/status", (int) tid);
  FILE *f = fopen (path, "re");
  if (f == NULL)
    return false;
  while (fgets (line, sizeof line, f))
    {
      if (strncmp (line, "Threads:", 8) == 0)
        threads = strtol (line + 8, NULL, 10);
      own |= status_mask (line, "SigPnd:");
      shared |= status_mask (line, "ShdPnd:");
      blocked |= status_mask (line, "SigBlk:");
      ignored |= status_mask (line, "SigIgn:");
      caught |= status_mask (line, "SigCgt:");
    }
  fclose (f);
  uint64_t pending = own | (threads == 1 ? shared : 0);
  return (pending & ~blocked & ~ignored & ~(ignored_by_default & ~caught)) != 0;
}

/* Wait for a connection while the notification is pending (poll wakes
 * every waiter, so a job whose notification is gone sees it before it
 * accepts), then accept it.  The new fd, or -errno; -ESRCH: the
 * notification is gone; -ERESTARTSYS: a signal would have interrupted
 * the kernel's wait (the target's return delivers it, and restarts the
 * call or fails it with EINTR as its handler says). */
static int
accept_take (struct accept_job *j)
{
  bool wait = accept_waits (j->sock);
  int64_t deadline = wait ? accept_deadline (j->sock) : 0;
  int flags = SOCK_CLOEXEC | (j->call.flags & SOCK_NONBLOCK);

  for (;;)
    {
      if (!seccomp_notif_valid (j->listener, j->id))
        return -ESRCH;
      if (wait && signal_would_interrupt (j->call.tid))
        return -ERESTARTSYS;
      if (wait)
        {
          int64_t left = deadline ? deadline - now_ms () : -1;
          if (deadline && left <= 0)
            return -EAGAIN;
          struct pollfd p = { .fd = j->sock, .events = POLLIN };
          int r = poll (&p, 1, left > 0 && left < 1000 * 1000 ? (int) left : -1);
          if (r < 0 && errno != EINTR)
            return -errno;
          if (r <= 0 || !seccomp_notif_valid (j->listener, j->id))
            continue;
        }
      j->peerlen = sizeof j->peer;
      int fd = accept4 (j->sock, (struct sockaddr *) &j->peer, &j->peerlen, flags);
      if (fd >= 0)
        return fd;
      /* Another accept took the connection: wait again. */
      if (errno == EINTR || (wait && errno == EAGAIN))
        continue;
      return -errno;
    }
}

static int
target_write (pid_t pid, uint64_t addr, const void *buf, size_t len)
{
  struct iovec local = { (void *) buf, len };
  struct iovec remote = { (void *) (uintptr_t) addr, len };
  ssize_t n = process_vm_writev (pid, &local, 1, &remote, 1, 0);
  if (n == (ssize_t) len)
    return 0;
  return n >= 0 || errno == EFAULT ? -EFAULT : -EPERM;
}

/* As the kernel's move_addr_to_user: *addrlen read, the full length
 * written back, then at most *addrlen bytes of the address.  A failure
 * here loses the connection, as it does in the kernel. */
static int
peer_write_back (const struct accept_job *j)
{
  const struct accept_call *c = &j->call;
  int32_t len, klen = (int32_t) j->peerlen;
  int r;

  if (c->addr == 0)
    return 0;
  if (target_read (c->tid, c->addrlen, &len, sizeof len) < 0)
    return target_read_errno ();
  if (len > klen)
    len = klen;
  if (len >= 0 && (r = target_write (c->tid, c->addrlen, &klen, sizeof klen)) < 0)
    return r;
  if (len < 0)
    return -EINVAL;
  return len ? target_write (c->tid, c->addr, &j->peer, (size_t) len) : 0;
}

/* The new socket, at the lowest free number of the target, as the
 * syscall's result. */
static void
accept_answer_fd (const struct accept_job *j, int fd)
{
  struct seccomp_notif_addfd add = {
    .id = j->id,
    .flags = SECCOMP_ADDFD_FLAG_SEND,
    .srcfd = (uint32_t) fd,
    .newfd_flags = (j->call.flags & SOCK_CLOEXEC) ? O_CLOEXEC : 0,
  };
  int r;

  while ((r = ioctl (j->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &add)) < 0 && errno == EINTR
         && seccomp_notif_valid (j->listener, j->id))
    ;
  /* EMFILE: the target's table is full, which is the answer (the
   * connection is lost, where the kernel would have refused first). */
  if (r < 0 && errno != ENOENT)
    seccomp_notif_fail (j->listener, j->id, errno);
}

static void *
accept_job_run (void *arg)
{
  struct accept_job *j = arg;
  struct creds_saved saved = { 0 };
  vigil_error_t err = NULL;
  timer_t timer;
  int fd = -EPERM;

  /* The new socket is made with the target's credentials (its owner);
   * the address is written back with vigil's (a target that turned
   * non-dumpable is reachable only with vigil's CAP_SYS_PTRACE). */
  if (j->switch_creds && target_creds_assume (&j->creds, NULL, &saved, &err) < 0)
    vigil_error_release (&err);
  else if ((fd = recheck_timer_start (&timer)) == 0)
    {
      fd = accept_take (j);
      timer_delete (timer);
    }
  target_creds_restore (&saved);
  if (fd >= 0)
    {
      int r = peer_write_back (j);
      if (r < 0)
        seccomp_notif_fail (j->listener, j->id, -r);
      else
        accept_answer_fd (j, fd);
      close (fd);
    }
  else if (fd != -ESRCH)
    seccomp_notif_fail (j->listener, j->id, -fd);
  close (j->sock);
  target_creds_release (&j->creds);
  free (j);
  return NULL;
}

int
accept_finish_async (int listener, uint64_t id, int sock, const struct accept_call *call,
                     const struct target_creds *creds)
{
  struct accept_job *j = xcalloc (1, sizeof *j);

  j->listener = listener;
  j->id = id;
  j->sock = sock;
  j->call = *call;
  j->switch_creds = creds != NULL;
  if (creds)
    target_creds_copy (&j->creds, creds);
  int e = emulate_job_start (accept_job_run, j, EMULATE_STACK, listener, id, 0);
  if (e != 0)
    {
      close (sock);
      target_creds_release (&j->creds);
      free (j);
      return -e;
    }
  return 0;
}
