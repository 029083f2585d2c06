/* vigil: processes that entered the container from outside. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "vigil/entry_watch.h"
#include "vigil/error.h"

int
entry_watch_start (struct entry_watch *w)
{
  memset (w, 0, sizeof *w);
  w->timerfd = -1;
  if (getpid () != 1)
    return 0;
  w->timerfd = timerfd_create (CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (w->timerfd < 0)
    return -errno;
  struct itimerspec every_second = { { 1, 0 }, { 1, 0 } };
  if (timerfd_settime (w->timerfd, 0, &every_second, NULL) < 0)
    {
      int e = errno;
      close (w->timerfd);
      w->timerfd = -1;
      return -e;
    }
  return 0;
}

static bool
seen_before (struct entry_watch *w, pid_t pid, uint64_t start)
{
  for (size_t i = 0; i < w->nseen; i++)
    if (w->seen[i].pid == pid)
      {
        if (w->seen[i].start_time == start)
          return true;
        w->seen[i].start_time = start; /* a recycled pid: a new process */
        return false;
      }
  xgrow (&w->seen, &w->cap, w->nseen, sizeof *w->seen);
  w->seen[w->nseen++] = (struct entry_seen){ pid, start };
  return false;
}

void
entry_watch_scan (struct entry_watch *w, struct procinfo *scratch,
                  void (*report) (const struct procinfo *pi, void *ctx), void *ctx)
{
  uint64_t ticks;
  DIR *d;
  struct dirent *de;

  if (read (w->timerfd, &ticks, sizeof ticks) < 0 || (d = opendir ("/proc")) == NULL)
    return;
  while ((de = readdir (d)) != NULL)
    {
      char *end;
      long pid = strtol (de->d_name, &end, 10);
      if (*end != '\0' || pid <= 1)
        continue;
      scratch->have = 0;
      if (procinfo_read (dirfd (d), (pid_t) pid, PI_STATUS | PI_STAT, scratch) < 0 || scratch->ppid != 0
          || seen_before (w, (pid_t) pid, scratch->start_time))
        continue;
      /* Best effort for the alert's fields; the process may be gone already. */
      procinfo_read (dirfd (d), (pid_t) pid, PI_ARGS | PI_EXE, scratch);
      report (scratch, ctx);
    }
  closedir (d);
}

void
entry_watch_stop (struct entry_watch *w)
{
  if (w->timerfd >= 0)
    close (w->timerfd);
  free (w->seen);
  memset (w, 0, sizeof *w);
  w->timerfd = -1;
}
