/* vigil: a live event: one seccomp notification, its fields extracted on
 * demand from the notification, the target's memory and /proc. */
#ifndef VIGIL_EVENT_LIVE_H
#define VIGIL_EVENT_LIVE_H

#include <linux/seccomp.h>

#include "vigil/arena.h"
#include "vigil/event.h"

struct live_event {
  struct event base;
  const struct seccomp_notif *req;
  int listener;        /* to check the notification is still valid after reads */
  uint64_t num;        /* evt.num */
  struct arena *arena; /* storage for extracted strings, reset per event */
};

/** Prepare ev for the notification req. */
void live_event_init (struct live_event *ev, const struct seccomp_notif *req, int listener, uint64_t num,
                      const char *hostname, struct arena *arena);

#endif
