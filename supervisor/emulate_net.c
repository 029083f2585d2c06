/* vigil: connects performed by vigil for the workload. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/un.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vigil/emulate_net.h"
#include "vigil/evttypes.h"
#include "vigil/source_seccomp.h"

bool
connect_emulation_needed (const struct ruleset *rs)
{
  int t = evttype_lookup ("connect");
  return t >= 0 && rs->need[t].enforce;
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
    return errno == EFAULT ? -EFAULT : -EPERM;
  if (!seccomp_notif_valid (listener, req->id))
    return -ESRCH;
  return 0;
}

int
connect_fetch_socket (int pidfd, const struct connect_call *call)
{
  int fd = (int) syscall (SYS_pidfd_getfd, pidfd, call->sockfd, 0);
  return fd < 0 ? -errno : fd;
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
  while ((r = connect (j->sock, (const struct sockaddr *) &j->call.addr, j->call.len)) < 0 && errno == EINTR)
    ;
  if (r == 0)
    seccomp_notif_return (j->listener, j->id, 0);
  else
    seccomp_notif_fail (j->listener, j->id, errno);
out:
  close (j->sock);
  if (j->keep_fd >= 0)
    close (j->keep_fd);
  free (j);
  return NULL;
}

int
connect_finish_async (int listener, uint64_t id, int sock, const struct connect_call *call,
                      const struct target_creds *creds, int keep_fd)
{
  struct connect_job *j = xcalloc (1, sizeof *j);
  pthread_attr_t attr;
  pthread_t t;
  int e;

  j->listener = listener;
  j->id = id;
  j->sock = sock;
  j->call = *call;
  j->keep_fd = -1;
  j->switch_creds = creds != NULL;
  if (creds)
    j->creds = *creds;
  if (keep_fd >= 0)
    {
      /* The caller closes its fd when it returns: the thread names its own. */
      struct sockaddr_un *un = (struct sockaddr_un *) &j->call.addr;
      j->keep_fd = fcntl (keep_fd, F_DUPFD_CLOEXEC, 0);
      if (j->keep_fd < 0)
        {
          e = errno;
          close (sock);
          free (j);
          return -e;
        }
      snprintf (un->sun_path, sizeof un->sun_path, "/proc/self/fd/%d", j->keep_fd);
      j->call.len = (socklen_t) (offsetof (struct sockaddr_un, sun_path) + strlen (un->sun_path) + 1);
    }
  pthread_attr_init (&attr);
  pthread_attr_setdetachstate (&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize (&attr, 64 * 1024);
  e = pthread_create (&t, &attr, connect_job_run, j);
  pthread_attr_destroy (&attr);
  if (e != 0)
    {
      close (sock);
      if (j->keep_fd >= 0)
        close (j->keep_fd);
      free (j);
      return -e;
    }
  return 0;
}
