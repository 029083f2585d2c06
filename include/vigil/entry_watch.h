/* vigil: noticing processes that entered the container from outside
 * (runc exec, kubectl exec): they are not vigil's descendants and carry
 * no filter.  As PID 1 of its pid namespace every process descends from
 * vigil, except those that joined the namespace: their parent is outside
 * it, so /proc shows them with PPid 0. */
#ifndef VIGIL_ENTRY_WATCH_H
#define VIGIL_ENTRY_WATCH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vigil/procinfo.h"

struct entry_watch {
  int timerfd; /* fires every second; -1 when not watching */
  struct entry_seen {
    pid_t pid;
    uint64_t start_time;
  } *seen;
  size_t nseen, cap;
};

/** Start watching (a one-second timer) when this process is PID 1 of its
 *  pid namespace; otherwise w->timerfd stays -1.  Returns 0 or -errno. */
int entry_watch_start (struct entry_watch *w);

/** Called when the timer fires: every process with PPid 0 other than
 *  PID 1, not reported before, is passed to report once. */
void entry_watch_scan (struct entry_watch *w, struct procinfo *scratch,
                       void (*report) (const struct procinfo *pi, void *ctx), void *ctx);

void entry_watch_stop (struct entry_watch *w);

#endif
