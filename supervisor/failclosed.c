/* vigil: fail closed on a process vigil cannot inspect (failclosed.h). */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>

#include "vigil/error.h"
#include "vigil/failclosed.h"
#include "vigil/procinfo.h"
#include "vigil/source_seccomp.h"

/* Processes alerted on, by tgid and start time (a recycled pid is a new
 * process).  A ring: the oldest is forgotten first, so an endless stream
 * of short-lived processes costs bounded memory. */
#define FAILCLOSED_REMEMBERED 1024

struct failclosed {
  struct {
    pid_t tgid;
    uint64_t start;
  } seen[FAILCLOSED_REMEMBERED];
  size_t n, next;
  struct procinfo pi;
};

struct failclosed *
failclosed_new (void)
{
  return xcalloc (1, sizeof (struct failclosed));
}

void
failclosed_free (struct failclosed *fc)
{
  free (fc);
}

bool
failclosed_errno_means_denied (int e)
{
  return e == EPERM || e == EACCES || e == ESRCH;
}

bool
failclosed_can_inspect (int listener, const struct seccomp_notif *req)
{
  unsigned char byte;

  if (target_read (req->pid, req->data.instruction_pointer, &byte, 1) == 0)
    return true;
  return !failclosed_errno_means_denied (errno) || !seccomp_notif_valid (listener, req->id);
}

/* Was this process alerted on already?  Remembers it if not. */
static bool
seen_before (struct failclosed *fc, pid_t tgid, uint64_t start)
{
  for (size_t i = 0; i < fc->n; i++)
    if (fc->seen[i].tgid == tgid && fc->seen[i].start == start)
      return true;
  fc->seen[fc->next].tgid = tgid;
  fc->seen[fc->next].start = start;
  fc->next = (fc->next + 1) % FAILCLOSED_REMEMBERED;
  if (fc->n < FAILCLOSED_REMEMBERED)
    fc->n++;
  return false;
}

struct alert *
failclosed_alert (struct failclosed *fc, const struct seccomp_notif *req, const char *action, uint64_t ts,
                  const char *hostname)
{
  /* status and stat stay readable when memory is not. */
  pid_t tgid = (pid_t) req->pid;
  uint64_t start = 0;
  char comm[PROCINFO_COMM_MAX] = "<NA>", uid[32] = "<NA>", pid[32], msg[512];

  if (procinfo_read (-1, (pid_t) req->pid, PI_STATUS | PI_STAT, &fc->pi) == 0)
    {
      tgid = fc->pi.tgid;
      start = fc->pi.start_time;
      snprintf (comm, sizeof comm, "%s", fc->pi.comm);
      snprintf (uid, sizeof uid, "%u", (unsigned) fc->pi.uid[PI_EFFECTIVE]);
      if (tgid != (pid_t) req->pid && procinfo_read (-1, tgid, PI_STAT, &fc->pi) == 0)
        start = fc->pi.start_time;
    }
  if (seen_before (fc, tgid, start))
    return NULL;

  char *name = seccomp_syscall_resolve_num_arch (req->data.arch, req->data.nr);
  const char *syscall = name ? name : "?";
  snprintf (pid, sizeof pid, "%d", (int) tgid);
  snprintf (msg, sizeof msg,
            "vigil internal: cannot inspect process %s (pid=%s uid=%s): it switched uid or is not dumpable and "
            "vigil lacks CAP_SYS_PTRACE; every syscall a deny/kill rule covers fails with EPERM (first: %s)",
            comm, pid, uid, syscall);
  const char *kv[] = { "proc.name", comm, "proc.pid", pid, "user.uid", uid, "syscall", syscall, "action", action,
                       NULL };
  struct alert *a = alert_internal ("vigil internal: cannot inspect process", PRIO_WARNING, ts, hostname, msg, kv);
  free (name);
  return a;
}
