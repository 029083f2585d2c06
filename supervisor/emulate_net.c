/* vigil: connects performed by vigil for the workload. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/un.h>
#include <signal.h>
#include <stdint.h>
#include <sys/uio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vigil/emulate_net.h"
#include "vigil/emulate_open.h"
#include "vigil/evttypes.h"
#include "vigil/source_seccomp.h"

bool
connect_emulation_needed (const struct ruleset *rs)
{
  return ruleset_enforces (rs, "connect");
}

bool
connect_call_supported (int nr)
{
  return nr == SYS_connect;
}

int
connect_call_read (const struct seccomp_notif *req, int listener, struct connect_call *call)
{
  uint64_t len = req->data.args[2];

  memset (call, 0, sizeof *call);
  call->sockfd = (int) req->data.args[0];
  if (len < sizeof (sa_family_t) || len > sizeof call->addr)
    return -EINVAL;
  call->len = (socklen_t) len;
  if (target_read ((pid_t) req->pid, req->data.args[1], &call->addr, len) < 0)
    return target_read_errno ();
  if (!seccomp_notif_valid (listener, req->id))
    return -ESRCH;
  return 0;
}

int
target_fetch_fd (int pidfd, int fd)
{
  int mine = (int) syscall (SYS_pidfd_getfd, pidfd, fd, 0);
  return mine < 0 ? -errno : mine;
}

struct connect_job {
  int listener;
  uint64_t id;
  int sock;
  int keep_fd;
  struct connect_call call;
  struct target_creds creds;
  bool switch_creds;
};

static void *
connect_job_run (void *arg)
{
  struct connect_job *j = arg;
  vigil_error_t err = NULL;
  int r;

  /* This thread acts for the target and then ends: it takes the
   * credentials for good, uid and gid included (a server reads them). */
  if (j->switch_creds && target_creds_become (&j->creds, &err) < 0)
    {
      vigil_error_release (&err);
      seccomp_notif_fail (j->listener, j->id, EPERM);
      goto out;
    }
  while ((r = connect (j->sock, (const struct sockaddr *) &j->call.addr, j->call.len)) < 0 && errno == EINTR
         && seccomp_notif_valid (j->listener, j->id))
    ;
  if (r == 0)
    seccomp_notif_return (j->listener, j->id, 0);
  else
    seccomp_notif_fail (j->listener, j->id, errno);
out:
  close (j->sock);
  if (j->keep_fd >= 0)
    close (j->keep_fd);
  target_creds_release (&j->creds);
  free (j);
  return NULL;
}

int
connect_finish_async (int listener, uint64_t id, int sock, const struct connect_call *call,
                      const struct target_creds *creds, int keep_fd)
{
  struct connect_job *j = xcalloc (1, sizeof *j);
  int e;

  j->listener = listener;
  j->id = id;
  j->sock = sock;
  j->call = *call;
  j->keep_fd = -1;
  j->switch_creds = creds != NULL;
  if (creds)
    target_creds_copy (&j->creds, creds);
  if (keep_fd >= 0)
    {
      /* The caller closes its fd when it returns: the thread names its own. */
      struct sockaddr_un *un = (struct sockaddr_un *) &j->call.addr;
      j->keep_fd = fcntl (keep_fd, F_DUPFD_CLOEXEC, 0);
      if (j->keep_fd < 0)
        {
          e = errno;
          close (sock);
          target_creds_release (&j->creds);
          free (j);
          return -e;
        }
      snprintf (un->sun_path, sizeof un->sun_path, "/proc/self/fd/%d", j->keep_fd);
      j->call.len = (socklen_t) (offsetof (struct sockaddr_un, sun_path) + strlen (un->sun_path) + 1);
    }
  e = emulate_job_start (connect_job_run, j, EMULATE_STACK, listener, id, 0);
  if (e != 0)
    {
      close (sock);
      if (j->keep_fd >= 0)
        close (j->keep_fd);
      target_creds_release (&j->creds);
      free (j);
      return -e;
    }
  return 0;
}

/* ---- sends ---- */

#define SEND_DATA_MAX (4u << 20) /* a longer send is sent in part, as a stream may be */
#define SEND_MSGS_MAX 64u        /* sendmmsg may send fewer than asked */

bool
send_emulation_needed (const struct ruleset *rs)
{
  static const char *const sends[] = { "sendto", "sendmsg", "sendmmsg" };
  return ruleset_enforces_any (rs, sends, sizeof sends / sizeof sends[0]);
}

bool
send_call_supported (int nr)
{
  return nr == SYS_sendto || nr == SYS_sendmsg || nr == SYS_sendmmsg;
}

static int
read_name (pid_t pid, uint64_t name, uint64_t namelen, struct send_msg *m)
{
  if (name == 0)
    return 0;
  if (namelen > sizeof m->addr)
    return -EINVAL;
  if (target_read (pid, name, &m->addr, namelen) < 0)
    return target_read_errno ();
  m->addrlen = (socklen_t) namelen;
  m->has_addr = true;
  return 0;
}

/* struct msghdr as the 64-bit kernel reads it. */
struct msghdr64 {
  uint64_t name;
  uint32_t namelen, pad0;
  uint64_t iov, iovlen, control, controllen;
  uint32_t flags, pad1;
};

static int
read_msghdr (pid_t pid, uint64_t addr, struct send_msg *m)
{
  struct msghdr64 h;
  int r;

  if (target_read (pid, addr, &h, sizeof h) < 0)
    return target_read_errno ();
  if ((r = read_name (pid, h.name, h.namelen, m)) < 0)
    return r;
  if (h.iovlen > 1024)
    return -EMSGSIZE;
  struct iovec *iov = xcalloc (h.iovlen ? h.iovlen : 1, sizeof *iov);
  if (h.iovlen && target_read (pid, h.iov, iov, h.iovlen * sizeof *iov) < 0)
    {
      free (iov);
      return target_read_errno ();
    }
  size_t total = 0;
  for (uint64_t i = 0; i < h.iovlen; i++)
    total += iov[i].iov_len < SEND_DATA_MAX ? iov[i].iov_len : SEND_DATA_MAX;
  if (total > SEND_DATA_MAX)
    total = SEND_DATA_MAX;
  m->data = xmalloc (total ? total : 1);
  for (uint64_t i = 0; i < h.iovlen && m->len < total; i++)
    {
      size_t n = iov[i].iov_len < total - m->len ? iov[i].iov_len : total - m->len;
      if (n && target_read (pid, (uint64_t) (uintptr_t) iov[i].iov_base, m->data + m->len, n) < 0)
        {
          free (iov);
          return target_read_errno ();
        }
      m->len += n;
    }
  free (iov);
  if (h.controllen)
    {
      if (h.controllen > 65536)
        return -ENOBUFS;
      m->control = xmalloc (h.controllen);
      m->controllen = h.controllen;
      if (target_read (pid, h.control, m->control, h.controllen) < 0)
        return target_read_errno ();
    }
  return 0;
}

int
send_call_read (const struct seccomp_notif *req, int listener, struct send_call *call)
{
  const __u64 *a = req->data.args;
  pid_t pid = (pid_t) req->pid;
  int r = 0;

  memset (call, 0, sizeof *call);
  call->nr = req->data.nr;
  call->sockfd = (int) a[0];
  call->tid = pid;
  if (call->nr == SYS_sendto)
    {
      if (a[4] == 0)
        return 1; /* no destination in memory: decided on the socket, continued */
      call->flags = (unsigned) a[3];
      call->msgs = xcalloc (1, sizeof *call->msgs);
      call->nmsgs = 1;
      size_t len = a[2] < SEND_DATA_MAX ? a[2] : SEND_DATA_MAX;
      call->msgs[0].data = xmalloc (len ? len : 1);
      call->msgs[0].len = len;
      if ((r = read_name (pid, a[4], a[5], &call->msgs[0])) == 0 && len
          && target_read (pid, a[1], call->msgs[0].data, len) < 0)
        r = target_read_errno ();
    }
  else if (call->nr == SYS_sendmsg)
    {
      call->flags = (unsigned) a[2];
      call->msgs = xcalloc (1, sizeof *call->msgs);
      call->nmsgs = 1;
      r = read_msghdr (pid, a[1], &call->msgs[0]);
    }
  else
    {
      call->flags = (unsigned) a[3];
      call->vec = a[1];
      call->nmsgs = (unsigned) a[2] < SEND_MSGS_MAX ? (unsigned) a[2] : SEND_MSGS_MAX;
      call->msgs = xcalloc (call->nmsgs ? call->nmsgs : 1, sizeof *call->msgs);
      /* struct mmsghdr: a msghdr and the length sent, 64 bytes. */
      for (unsigned i = 0; i < call->nmsgs && r == 0; i++)
        r = read_msghdr (pid, a[1] + 64 * (uint64_t) i, &call->msgs[i]);
    }
  if (r == 0 && !seccomp_notif_valid (listener, req->id))
    r = -ESRCH;
  return r;
}

/* Each SCM_RIGHTS fd of msg: fetched as vigil's own (fetch), or closed
 * if it is vigil's (!fetch); marked -1 once not vigil's. */
static void
passed_fds_each (struct send_msg *msg, int pidfd, bool fetch, int *err)
{
  struct msghdr m = { .msg_control = msg->control, .msg_controllen = msg->controllen };
  for (struct cmsghdr *c = CMSG_FIRSTHDR (&m); c; c = CMSG_NXTHDR (&m, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      {
        int *fds = (int *) CMSG_DATA (c);
        for (size_t k = 0; k < (c->cmsg_len - CMSG_LEN (0)) / sizeof (int); k++)
          {
            int mine = fetch && *err == 0 ? target_fetch_fd (pidfd, fds[k]) : -1;
            if (fetch && *err == 0 && mine < 0)
              *err = mine; /* the rest stay the workload's numbers: marked, never closed */
            if (!fetch && fds[k] >= 0)
              close (fds[k]);
            fds[k] = fetch ? mine : -1;
          }
      }
}

static void
send_msg_free (struct send_msg *m)
{
  free (m->data);
  free (m->control);
  if (m->via)
    close (m->via_fd);
  m->data = m->control = NULL;
  m->via = false;
}

void
send_call_close_fds (struct send_call *call)
{
  int none = 0;
  for (unsigned i = 0; i < call->nmsgs; i++)
    passed_fds_each (&call->msgs[i], -1, false, &none);
}

int
send_call_take_fds (struct send_call *call, int pidfd)
{
  int err = 0;
  for (unsigned i = 0; i < call->nmsgs; i++)
    passed_fds_each (&call->msgs[i], pidfd, true, &err);
  if (err < 0)
    send_call_close_fds (call); /* none of those fetched may stay open in vigil */
  return err;
}

void
send_call_free (struct send_call *call)
{
  for (unsigned i = 0; i < call->nmsgs; i++)
    send_msg_free (&call->msgs[i]);
  free (call->msgs);
  call->msgs = NULL;
  call->nmsgs = 0;
}

void
send_call_truncate (struct send_call *call, unsigned n)
{
  for (unsigned i = n; i < call->nmsgs; i++)
    send_msg_free (&call->msgs[i]);
  if (n < call->nmsgs)
    call->nmsgs = n;
}

struct send_job {
  int listener;
  uint64_t id;
  int sock;
  struct send_call call;
  struct target_creds creds;
  bool switch_creds;
};

static void *
send_job_run (void *arg)
{
  struct send_job *j = arg;
  struct send_call *c = &j->call;
  vigil_error_t err = NULL;
  unsigned sent = 0;
  ssize_t n = -1, first = 0;
  int e = 0;

  if (j->switch_creds && target_creds_become (&j->creds, &err) < 0)
    {
      vigil_error_release (&err);
      seccomp_notif_fail (j->listener, j->id, EPERM);
      goto out;
    }
  for (unsigned i = 0; i < c->nmsgs; i++)
    {
      struct send_msg *m = &c->msgs[i];
      struct iovec iov = { m->data, m->len };
      struct msghdr h = { .msg_name = m->has_addr ? &m->addr : NULL, .msg_namelen = m->has_addr ? m->addrlen : 0,
                          .msg_iov = &iov, .msg_iovlen = 1, .msg_control = m->control,
                          .msg_controllen = m->controllen };
      struct sockaddr_un via = { .sun_family = AF_UNIX };
      if (m->via)
        {
          /* The very socket file the rules were evaluated on. */
          snprintf (via.sun_path, sizeof via.sun_path, "/proc/self/fd/%d", m->via_fd);
          h.msg_name = &via;
          h.msg_namelen = (socklen_t) (offsetof (struct sockaddr_un, sun_path) + strlen (via.sun_path) + 1);
        }
      /* MSG_NOSIGNAL: a SIGPIPE is the target's, raised below. */
      while ((n = sendmsg (j->sock, &h, (int) (c->flags | MSG_NOSIGNAL))) < 0 && errno == EINTR
             && seccomp_notif_valid (j->listener, j->id))
        ;
      if (n < 0)
        {
          e = errno;
          break;
        }
      if (i == 0)
        first = n;
      if (c->nr == SYS_sendmmsg)
        {
          /* As the kernel does: each message's msg_len, in the target. */
          uint32_t len32 = (uint32_t) n;
          struct iovec local = { &len32, sizeof len32 };
          struct iovec remote = { (void *) (uintptr_t) (c->vec + 64 * (uint64_t) i + 56), sizeof len32 };
          process_vm_writev (c->tid, &local, 1, &remote, 1, 0);
        }
      sent++;
    }
  if (e == EPIPE && !(c->flags & MSG_NOSIGNAL))
    syscall (SYS_tgkill, c->tgid, c->tid, SIGPIPE);
  if (c->nr == SYS_sendmmsg && sent > 0)
    seccomp_notif_return (j->listener, j->id, sent);
  else if (e)
    seccomp_notif_fail (j->listener, j->id, e);
  else
    seccomp_notif_return (j->listener, j->id, c->nr == SYS_sendmmsg ? 0 : first);
out:
  send_call_close_fds (c);
  send_call_free (c);
  close (j->sock);
  target_creds_release (&j->creds);
  free (j);
  return NULL;
}

int
send_finish_async (int listener, uint64_t id, int sock, struct send_call *call, const struct target_creds *creds)
{
  struct send_job *j = xcalloc (1, sizeof *j);
  int e;

  j->listener = listener;
  j->id = id;
  j->sock = sock;
  j->call = *call;
  j->switch_creds = creds != NULL;
  if (creds)
    target_creds_copy (&j->creds, creds);
  size_t bytes = 0;
  for (unsigned i = 0; i < call->nmsgs; i++)
    bytes += call->msgs[i].len + call->msgs[i].controllen;
  e = emulate_job_start (send_job_run, j, EMULATE_STACK, listener, id, bytes);
  if (e != 0)
    {
      close (sock);
      send_call_close_fds (call); /* refused: the passed fds vigil holds go too */
      target_creds_release (&j->creds);
      free (j);
      return -e;
    }
  memset (call, 0, sizeof *call); /* the thread owns it now */
  return 0;
}
