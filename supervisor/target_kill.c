/* vigil: killing a workload process (target_kill.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vigil/limits.h"
#include "vigil/procinfo.h"
#include "vigil/source_seccomp.h"
#include "vigil/target_kill.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL /* Linux 6.9 */
#endif
#ifndef PIDFD_SIGNAL_THREAD_GROUP
#define PIDFD_SIGNAL_THREAD_GROUP (1UL << 1)
#endif

static int
pidfd_open (pid_t pid, unsigned flags)
{
  return (int) syscall (SYS_pidfd_open, pid, flags);
}

/* pidfd_open, drawing on the fd reserve when the table is full. */
static int
pidfd_open_reserved (pid_t pid, unsigned flags, bool *took)
{
  int fd = pidfd_open (pid, flags);
  for (int i = 0; fd < 0 && (errno == EMFILE || errno == ENFILE) && i < LIMITS_FD_RESERVE; i++)
    {
      if (!limits_fd_reserve_take ())
        break;
      *took = true;
      fd = pidfd_open (pid, flags);
    }
  return fd;
}

/* Before Linux 6.9: the leader's pidfd, checked to hold tid. */
static int
open_leader_pidfd (pid_t tid, bool *took)
{
  struct procinfo pi;
  char task[64];

  if (procinfo_read (-1, tid, PI_STATUS, &pi) < 0)
    return -1;
  int fd = pidfd_open_reserved (pi.tgid, 0, took);
  if (fd < 0)
    return -1;
  snprintf (task, sizeof task, "/proc/%d/task/%d", (int) pi.tgid, (int) tid);
  if (access (task, F_OK) < 0)
    {
      close (fd);
      errno = ESRCH;
      return -1;
    }
  return fd;
}

/* Every way failed for want of fds, and the tracee holds tid: signal it
 * by number. */
static int
kill_pinned (pid_t tid)
{
  return syscall (SYS_tgkill, tid, tid, SIGKILL) == 0 || kill (tid, SIGKILL) == 0 ? 0 : -errno;
}

int
target_kill (pid_t tid, int listener, uint64_t id)
{
  bool took = false, group = true;
  int ret = 0;

  int pidfd = pidfd_open_reserved (tid, PIDFD_THREAD, &took);
  if (pidfd < 0 && errno == EINVAL)
    {
      group = false; /* a leader's pidfd signals its thread group anyway */
      pidfd = open_leader_pidfd (tid, &took);
    }
  if (pidfd < 0)
    ret = errno == ESRCH || errno == ENOENT ? -ESRCH : -errno;
  else if (listener >= 0 && !seccomp_notif_valid (listener, id))
    ret = -ESRCH;
  else if (syscall (SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, group ? PIDFD_SIGNAL_THREAD_GROUP : 0) < 0)
    ret = errno == ESRCH ? -ESRCH : -errno;
  if (pidfd >= 0)
    close (pidfd);
  else if (listener < 0 && ret != -ESRCH)
    ret = kill_pinned (tid);
  if (took)
    limits_fd_reserve_refill ();
  return ret;
}

struct alert *
target_kill_failed_alert (const char *rule, pid_t tid, int e, uint64_t ts, const char *hostname)
{
  char tids[32], msg[512];

  snprintf (tids, sizeof tids, "%d", (int) tid);
  snprintf (msg, sizeof msg,
            "vigil internal: kill failed: rule '%s' could not kill the process of thread %s (%s); its syscall "
            "was denied with EPERM instead",
            rule, tids, strerror (e));
  const char *kv[] = { "rule", rule, "thread.tid", tids, "reason", strerror (e), "action", "deny", NULL };
  return alert_internal ("vigil internal: kill failed", PRIO_CRITICAL, ts, hostname, msg, kv);
}
