/* vigil: the alert dispatcher.  outputs_submit appends to a queue under a
 * short mutex and, when the queue was empty, writes an eventfd; the
 * dispatcher thread renders each alert once and gives the line to every
 * channel's queue; each channel's thread writes its queue in order,
 * retrying a failed line with a growing pause.  Queues are rings that grow
 * up to the cap; past it, drops are counted and announced with an internal
 * alert once there is room again. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "vigil/error.h"
#include "vigil/outputs.h"

#define DEFAULT_QUEUE_CAP 100000
#define DEFAULT_TIMEOUT_MS 5000
#define DEFAULT_RETRY_MAX_MS 5000
#define DEFAULT_DRAIN_TIMEOUT_MS 10000
#define FIRST_RETRY_MS 100
#define ABANDON_WAIT_MS 2000 /* after the drain timeout, for aborted waits to end */
#define FAN_OUT_SLICE 256
#define RING_SHRINK 4096     /* an emptied ring larger than this gives its memory back */
#define DROP_RULE "vigil internal: alerts dropped"

/* A rendered alert, shared by the channels' queues. */
struct line {
  atomic_size_t refs;
  bool notice; /* a drop notice: queued even past the cap, so no count is lost */
  struct output_line l;
};

/* A FIFO of pointers that grows by doubling. */
struct ring {
  void **v;
  size_t cap, head, n;
};

struct outputs;

struct channel {
  struct output_channel ch; /* first: output_channel_* find the rest from it */
  struct outputs *o;
  pthread_t thread;
  bool started;             /* a thread was created (it closes the channel) */
  bool running;             /* the thread exists and was not joined */
  pthread_cond_t cond;
  /* Under o->lock: */
  struct ring q;            /* struct line *, oldest first; the head is being written */
  bool reopen, closing;
  uint64_t lost_unannounced;
  uint64_t delivered, lost, failures;
};

struct outputs {
  pthread_mutex_t lock;
  /* Under lock: */
  struct ring submitted; /* struct alert * */
  uint64_t dropped_unannounced;
  uint64_t nsubmitted, ndropped;
  bool stopping;
  bool dispatcher_done;

  int wake_fd;  /* eventfd: alerts, reopen, stop */
  int abort_fd; /* eventfd: readable once outputs_stop gives up waiting */
  atomic_bool reopen_requested;
  atomic_bool aborting;
  atomic_uint_fast64_t next_seq;
  pthread_t dispatcher;
  bool dispatcher_running;

  struct outputs_limits lim;
  struct alert_style style;
  bool json;
  char *hostname;
  struct channel *channels;
  size_t nchannels;
};

/* ---- small pieces ---- */

static void
ring_push (struct ring *r, void *p)
{
  if (r->n == r->cap)
    {
      size_t cap = r->cap ? r->cap * 2 : 64;
      void **v = xmalloc (cap * sizeof *v);
      for (size_t i = 0; i < r->n; i++)
        v[i] = r->v[(r->head + i) % r->cap];
      free (r->v);
      r->v = v;
      r->cap = cap;
      r->head = 0;
    }
  r->v[(r->head + r->n) % r->cap] = p;
  r->n++;
}

static void *
ring_pop (struct ring *r)
{
  void *p;

  if (r->n == 0)
    return NULL;
  p = r->v[r->head];
  r->head = (r->head + 1) % r->cap;
  if (--r->n == 0 && r->cap > RING_SHRINK)
    {
      free (r->v);
      *r = (struct ring){ 0 };
    }
  return p;
}

static void
line_unref (struct line *ln)
{
  if (ln && atomic_fetch_sub (&ln->refs, 1) == 1)
    {
      free ((char *) ln->l.text);
      free (ln);
    }
}

static uint64_t
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_REALTIME, &ts);
  return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}

static struct timespec
deadline_after (clockid_t clock, int ms)
{
  struct timespec ts;

  clock_gettime (clock, &ts);
  ts.tv_sec += ms / 1000;
  ts.tv_nsec += (long) (ms % 1000) * 1000000L;
  if (ts.tv_nsec >= 1000000000L)
    {
      ts.tv_sec++;
      ts.tv_nsec -= 1000000000L;
    }
  return ts;
}

static void
eventfd_signal (int fd)
{
  uint64_t one = 1;
  ssize_t r = write (fd, &one, sizeof one);

  (void) r; /* EAGAIN: the counter is already non-zero, which is all we need */
}

static struct channel *
channel_of (const struct output_channel *ch)
{
  return (struct channel *) ((char *) ch - offsetof (struct channel, ch));
}

/* ---- rendering ---- */

static struct line *
render (struct outputs *o, const struct alert *a)
{
  char *s = o->json ? alert_json (a, &o->style) : alert_text (a, &o->style);
  size_t n = strlen (s);
  struct line *ln = xmalloc (sizeof *ln);

  s = xrealloc (s, n + 2);
  s[n] = '\n';
  s[n + 1] = '\0';
  atomic_init (&ln->refs, 1);
  ln->notice = false;
  ln->l = (struct output_line){ .seq = atomic_fetch_add (&o->next_seq, 1) + 1, .priority = a->priority,
                                .text = s, .len = n + 1 };
  return ln;
}

/* "vigil internal: alerts dropped", as Falco's internal alerts. */
static struct line *
render_drop_notice (struct outputs *o, uint64_t n, const char *output)
{
  char count[32], *msg = NULL;
  const char *kv[] = { "n_drops", count, output ? "output" : NULL, output, NULL };
  struct alert *a;
  struct line *ln;

  snprintf (count, sizeof count, "%" PRIu64, n);
  if (output)
    {
      if (asprintf (&msg, "%s. %s alerts were not delivered to the %s output", DROP_RULE, count, output) < 0)
        msg = NULL;
    }
  else if (asprintf (&msg, "%s. %s alerts were dropped: the alert queue was full", DROP_RULE, count) < 0)
    msg = NULL;
  a = alert_internal (DROP_RULE, PRIO_CRITICAL, now_ns (), o->hostname, msg ? msg : DROP_RULE, kv);
  ln = render (o, a);
  ln->notice = true;
  alert_free (a);
  free (msg);
  return ln;
}

/* ---- reporting (stderr, once per distinct reason) ---- */

static void
report (struct output_channel *ch, const char *reason)
{
  if (ch->last_error && strcmp (ch->last_error, reason) == 0)
    return;
  free (ch->last_error);
  ch->last_error = xstrdup (reason);
  fprintf (stderr, "vigil: %s output: %s\n", ch->ops->name, reason);
}

/* A write went through without a warning: the next problem is news
 * again, and a failure is over. */
static void
report_recovery (struct output_channel *ch)
{
  if (ch->failing)
    fprintf (stderr, "vigil: %s output: delivering again\n", ch->ops->name);
  ch->failing = false;
  free (ch->last_error);
  ch->last_error = NULL;
}

void
output_channel_warn (struct output_channel *ch, const char *fmt, ...)
{
  va_list ap;
  char *reason = NULL;

  va_start (ap, fmt);
  if (vasprintf (&reason, fmt, ap) < 0)
    reason = NULL;
  va_end (ap);
  ch->warned = true;
  report (ch, reason ? reason : fmt);
  free (reason);
}

bool
output_channel_aborted (const struct output_channel *ch)
{
  return atomic_load (&channel_of (ch)->o->aborting);
}

/* ---- a channel's thread ---- */

/* Pause before a retry; a reopen or an abort cuts it short.  Returns true
 * when a reopen was asked for meanwhile. */
static bool
retry_pause (struct channel *c, int ms)
{
  struct outputs *o = c->o;
  struct timespec until = deadline_after (CLOCK_MONOTONIC, ms);
  bool reopen;

  pthread_mutex_lock (&o->lock);
  while (!c->reopen && !atomic_load (&o->aborting))
    if (pthread_cond_timedwait (&c->cond, &o->lock, &until) == ETIMEDOUT)
      break;
  reopen = c->reopen;
  c->reopen = false;
  pthread_mutex_unlock (&o->lock);
  return reopen;
}

static void
count_failure (struct channel *c)
{
  pthread_mutex_lock (&c->o->lock);
  c->failures++;
  pthread_mutex_unlock (&c->o->lock);
}

/* Write one line, retrying until it is delivered, refused for good or
 * outputs_stop gives up (then quietly: no report of the aborted attempt).
 * Returns 0 when delivered. */
static int
deliver (struct channel *c, const struct output_line *l)
{
  struct output_channel *ch = &c->ch;
  int pause = FIRST_RETRY_MS;

  for (;;)
    {
      vigil_error_t err = NULL;
      int r;

      ch->warned = false;
      r = ch->ops->write (ch, l, &err);
      if (r == 0)
        {
          if (!ch->warned)
            report_recovery (ch);
          return 0;
        }
      count_failure (c);
      if (!atomic_load (&c->o->aborting))
        {
          ch->failing = true;
          report (ch, err ? err->msg : "delivery failed");
        }
      vigil_error_release (&err);
      if (r == -2 || atomic_load (&c->o->aborting))
        return -1;
      if (retry_pause (c, pause))
        ch->ops->reopen (ch);
      if (atomic_load (&c->o->aborting))
        return -1;
      pause = pause * 2 > c->o->lim.retry_max_ms ? c->o->lim.retry_max_ms : pause * 2;
    }
}

/* Once the queue has room again, say how many alerts this channel lost;
 * one attempt, the count stays if it fails.  Called with the lock held. */
static void
announce_losses (struct channel *c)
{
  struct outputs *o = c->o;
  uint64_t n = c->lost_unannounced;
  struct line *ln;
  vigil_error_t err = NULL;
  int r;

  if (n == 0 || c->q.n > o->lim.queue_cap / 2 || c->ch.failing)
    return;
  c->lost_unannounced = 0;
  pthread_mutex_unlock (&o->lock);
  ln = render_drop_notice (o, n, c->ch.ops->name);
  r = c->ch.ops->write (&c->ch, &ln->l, &err);
  vigil_error_release (&err);
  line_unref (ln);
  pthread_mutex_lock (&o->lock);
  if (r == 0)
    c->delivered++;
  else
    c->lost_unannounced += n;
}

/* The channel's thread ends (ready for outputs_stop's join): what is still
 * queued is reported lost. */
static void
channel_finish (struct channel *c)
{
  struct outputs *o = c->o;
  size_t left = 0;
  struct line *ln;

  while ((ln = ring_pop (&c->q)) != NULL)
    {
      line_unref (ln);
      left++;
    }
  c->lost += left;
  pthread_mutex_unlock (&o->lock);
  if (left)
    fprintf (stderr, "vigil: %s output: %zu alerts not delivered\n", c->ch.ops->name, left);
  c->ch.ops->close (&c->ch);
}

static void *
channel_main (void *arg)
{
  struct channel *c = arg;
  struct outputs *o = c->o;

  pthread_mutex_lock (&o->lock);
  for (;;)
    {
      struct line *ln;
      int r;

      while (c->q.n == 0 && !c->reopen && !c->closing && !atomic_load (&o->aborting))
        pthread_cond_wait (&c->cond, &o->lock);
      if (atomic_load (&o->aborting))
        break;
      if (c->reopen)
        {
          c->reopen = false;
          pthread_mutex_unlock (&o->lock);
          c->ch.ops->reopen (&c->ch);
          pthread_mutex_lock (&o->lock);
          continue;
        }
      if (c->q.n == 0)
        break; /* closing, and everything is written */
      ln = c->q.v[c->q.head];
      pthread_mutex_unlock (&o->lock);
      r = deliver (c, &ln->l);
      pthread_mutex_lock (&o->lock);
      if (r < 0 && atomic_load (&o->aborting))
        break; /* the line stays queued: channel_finish counts it */
      ring_pop (&c->q);
      if (r == 0)
        c->delivered++;
      else
        {
          c->lost++;
          c->lost_unannounced++;
        }
      line_unref (ln);
      announce_losses (c);
    }
  channel_finish (c);
  return NULL;
}

/* ---- the dispatcher ---- */

/* Give rendered lines to every channel (the lock is held). */
static void
fan_out (struct outputs *o, struct line **lines, size_t n)
{
  for (size_t k = 0; k < o->nchannels; k++)
    {
      struct channel *c = &o->channels[k];
      for (size_t i = 0; i < n; i++)
        if (c->q.n >= o->lim.queue_cap && !lines[i]->notice)
          {
            c->lost++;
            c->lost_unannounced++;
          }
        else
          {
            atomic_fetch_add (&lines[i]->refs, 1);
            ring_push (&c->q, lines[i]);
          }
      pthread_cond_signal (&c->cond);
    }
}

/* Queue rendered lines and drop the dispatcher's references. */
static void
queue_lines (struct outputs *o, struct line **lines, size_t n)
{
  pthread_mutex_lock (&o->lock);
  fan_out (o, lines, n);
  pthread_mutex_unlock (&o->lock);
  for (size_t i = 0; i < n; i++)
    line_unref (lines[i]);
}

/* Render a batch outside the lock and queue it, a slice at a time: the
 * first lines go out while the rest render, and outputs_submit never
 * waits long for the lock. */
static void
dispatch (struct outputs *o, struct ring *batch, uint64_t dropped)
{
  struct line *lines[FAN_OUT_SLICE];
  struct alert *a;
  size_t k = 0;

  while ((a = ring_pop (batch)) != NULL)
    {
      if (o->nchannels)
        lines[k++] = render (o, a);
      alert_free (a);
      if (k == FAN_OUT_SLICE)
        {
          queue_lines (o, lines, k);
          k = 0;
        }
    }
  if (dropped && o->nchannels)
    lines[k++] = render_drop_notice (o, dropped, NULL);
  queue_lines (o, lines, k);
}

static void
wait_wake (struct outputs *o)
{
  struct pollfd p = { o->wake_fd, POLLIN, 0 };
  uint64_t v;
  ssize_t r;

  while (poll (&p, 1, -1) < 0 && errno == EINTR)
    ;
  r = read (o->wake_fd, &v, sizeof v);
  (void) r;
}

static void *
dispatcher_main (void *arg)
{
  struct outputs *o = arg;

  for (;;)
    {
      struct ring batch;
      uint64_t dropped;
      bool stop;

      wait_wake (o);
      pthread_mutex_lock (&o->lock);
      if (atomic_exchange (&o->reopen_requested, false))
        for (size_t k = 0; k < o->nchannels; k++)
          {
            o->channels[k].reopen = true;
            pthread_cond_signal (&o->channels[k].cond);
          }
      batch = o->submitted;
      o->submitted = (struct ring){ 0 };
      dropped = o->dropped_unannounced;
      o->dropped_unannounced = 0;
      stop = o->stopping;
      pthread_mutex_unlock (&o->lock);

      dispatch (o, &batch, dropped);
      free (batch.v);

      if (stop)
        {
          pthread_mutex_lock (&o->lock);
          bool idle = o->submitted.n == 0 && o->dropped_unannounced == 0;
          if (idle)
            {
              o->dispatcher_done = true;
              for (size_t k = 0; k < o->nchannels; k++)
                {
                  o->channels[k].closing = true;
                  pthread_cond_signal (&o->channels[k].cond);
                }
            }
          pthread_mutex_unlock (&o->lock);
          if (idle)
            return NULL;
          eventfd_signal (o->wake_fd); /* more came in: go round again */
        }
    }
}

/* ---- the public side ---- */

void
outputs_limits_default (struct outputs_limits *l)
{
  l->queue_cap = DEFAULT_QUEUE_CAP;
  l->timeout_ms = DEFAULT_TIMEOUT_MS;
  l->retry_max_ms = DEFAULT_RETRY_MAX_MS;
  l->drain_timeout_ms = DEFAULT_DRAIN_TIMEOUT_MS;
}

void
outputs_submit (struct outputs *o, struct alert *a)
{
  bool wake;

  if (a == NULL)
    return;
  if (o == NULL)
    {
      alert_free (a);
      return;
    }
  pthread_mutex_lock (&o->lock);
  o->nsubmitted++;
  if (o->submitted.n >= o->lim.queue_cap || o->dispatcher_done)
    {
      o->ndropped++;
      o->dropped_unannounced++;
      pthread_mutex_unlock (&o->lock);
      alert_free (a);
      return;
    }
  wake = o->submitted.n == 0;
  ring_push (&o->submitted, a);
  pthread_mutex_unlock (&o->lock);
  if (wake)
    eventfd_signal (o->wake_fd);
}

void
outputs_reopen (struct outputs *o)
{
  int saved = errno;

  if (o == NULL)
    return;
  atomic_store (&o->reopen_requested, true);
  eventfd_signal (o->wake_fd);
  errno = saved;
}

void
outputs_get_stats (struct outputs *o, struct outputs_stats *st)
{
  pthread_mutex_lock (&o->lock);
  st->submitted = o->nsubmitted;
  st->dropped = o->ndropped;
  pthread_mutex_unlock (&o->lock);
}

int
outputs_channel_stats (struct outputs *o, const char *name, struct output_channel_stats *st)
{
  for (size_t k = 0; k < o->nchannels; k++)
    {
      struct channel *c = &o->channels[k];
      if (strcmp (c->ch.ops->name, name) != 0)
        continue;
      pthread_mutex_lock (&o->lock);
      st->delivered = c->delivered;
      st->lost = c->lost;
      st->failures = c->failures;
      pthread_mutex_unlock (&o->lock);
      st->opens = atomic_load (&c->ch.opens);
      return 0;
    }
  return -1;
}

static void
add_channel (struct outputs *o, const struct output_channel_ops *ops, const char *target, bool keep_alive)
{
  struct channel *c = &o->channels[o->nchannels++];
  pthread_condattr_t attr;

  c->o = o;
  c->ch.ops = ops;
  c->ch.target = target ? xstrdup (target) : NULL;
  c->ch.keep_alive = keep_alive;
  c->ch.json = o->json;
  c->ch.timeout_ms = o->lim.timeout_ms;
  c->ch.abort_fd = o->abort_fd;
  pthread_condattr_init (&attr);
  pthread_condattr_setclock (&attr, CLOCK_MONOTONIC);
  pthread_cond_init (&c->cond, &attr);
  pthread_condattr_destroy (&attr);
}

static void
add_channels (struct outputs *o, const struct vigil_config *cfg)
{
  o->channels = xcalloc (5, sizeof *o->channels);
  if (cfg->stdout_output)
    add_channel (o, &output_stdout_ops, NULL, true);
  if (cfg->file_output.enabled)
    add_channel (o, &output_file_ops, cfg->file_output.filename, cfg->file_output.keep_alive);
  if (cfg->syslog_output)
    add_channel (o, &output_syslog_ops, NULL, true);
  if (cfg->program_output.enabled)
    add_channel (o, &output_program_ops, cfg->program_output.program, cfg->program_output.keep_alive);
  if (cfg->http_output.enabled)
    add_channel (o, &output_http_ops, cfg->http_output.url, true);
}

static void
free_outputs (struct outputs *o)
{
  struct alert *a;

  while ((a = ring_pop (&o->submitted)) != NULL)
    alert_free (a);
  free (o->submitted.v);
  for (size_t k = 0; k < o->nchannels; k++)
    {
      struct channel *c = &o->channels[k];
      struct line *ln;
      while ((ln = ring_pop (&c->q)) != NULL)
        line_unref (ln);
      free (c->q.v);
      free (c->ch.target);
      free (c->ch.last_error);
      pthread_cond_destroy (&c->cond);
    }
  free (o->channels);
  if (o->wake_fd >= 0)
    close (o->wake_fd);
  if (o->abort_fd >= 0)
    close (o->abort_fd);
  free (o->hostname);
  pthread_mutex_destroy (&o->lock);
  free (o);
}

static int
open_channels (struct outputs *o, vigil_error_t *err)
{
  for (size_t k = 0; k < o->nchannels; k++)
    {
      struct output_channel *ch = &o->channels[k].ch;
      vigil_error_t e = NULL;
      if (ch->ops->open (ch, &e) < 0)
        {
          vigil_make_error (err, 0, "%s output: %s", ch->ops->name, e ? e->msg : "cannot open");
          vigil_error_release (&e);
          for (size_t i = 0; i <= k; i++)
            o->channels[i].ch.ops->close (&o->channels[i].ch);
          return -1;
        }
    }
  return 0;
}

/* The threads take no signal: those are the supervisor's (signalfd). */
static int
start_threads (struct outputs *o, vigil_error_t *err)
{
  sigset_t all, old;
  int r = 0;

  sigfillset (&all);
  pthread_sigmask (SIG_SETMASK, &all, &old);
  for (size_t k = 0; k < o->nchannels && r == 0; k++)
    {
      struct channel *c = &o->channels[k];
      r = pthread_create (&c->thread, NULL, channel_main, c);
      c->started = c->running = r == 0;
    }
  if (r == 0)
    {
      r = pthread_create (&o->dispatcher, NULL, dispatcher_main, o);
      o->dispatcher_running = r == 0;
    }
  pthread_sigmask (SIG_SETMASK, &old, NULL);
  if (r != 0)
    return vigil_make_error (err, r, "outputs: cannot start a thread");
  return 0;
}

static char *
default_hostname (const struct vigil_config *cfg)
{
  char buf[256];

  if (cfg->hostname)
    return xstrdup (cfg->hostname);
  if (gethostname (buf, sizeof buf) < 0)
    return xstrdup ("");
  buf[sizeof buf - 1] = '\0';
  return xstrdup (buf);
}

int
outputs_start_with (struct outputs **out, const struct vigil_config *cfg, const struct outputs_limits *lim,
                    vigil_error_t *err)
{
  struct outputs *o = xcalloc (1, sizeof *o);

  *out = NULL;
  pthread_mutex_init (&o->lock, NULL);
  if (lim)
    o->lim = *lim;
  else
    outputs_limits_default (&o->lim);
  if (o->lim.queue_cap == 0)
    o->lim.queue_cap = 1;
  if (o->lim.retry_max_ms < FIRST_RETRY_MS)
    o->lim.retry_max_ms = FIRST_RETRY_MS;
  config_alert_style (cfg, &o->style);
  o->json = cfg->json_output;
  o->hostname = default_hostname (cfg);
  o->wake_fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  o->abort_fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (o->wake_fd < 0 || o->abort_fd < 0)
    {
      vigil_make_error (err, errno, "outputs: eventfd");
      free_outputs (o);
      return -1;
    }
  add_channels (o, cfg);
  if (open_channels (o, err) < 0)
    {
      free_outputs (o);
      return -1;
    }
  if (start_threads (o, err) < 0)
    {
      outputs_stop (o);
      return -1;
    }
  *out = o;
  return 0;
}

int
outputs_start (struct outputs **out, const struct vigil_config *cfg, vigil_error_t *err)
{
  return outputs_start_with (out, cfg, NULL, err);
}

/* Join the channel threads that end before `until`; true if all did. */
static bool
join_channels (struct outputs *o, struct timespec until)
{
  bool all = true;

  for (size_t k = 0; k < o->nchannels; k++)
    {
      struct channel *c = &o->channels[k];
      if (c->running && pthread_timedjoin_np (c->thread, NULL, &until) == 0)
        c->running = false;
      all = all && !c->running;
    }
  return all;
}

void
outputs_stop (struct outputs *o)
{
  if (o == NULL)
    return;
  pthread_mutex_lock (&o->lock);
  o->stopping = true;
  if (!o->dispatcher_running)
    {
      /* start failed half-way: no dispatcher will tell the channels */
      o->dispatcher_done = true;
      for (size_t k = 0; k < o->nchannels; k++)
        o->channels[k].closing = true;
    }
  for (size_t k = 0; k < o->nchannels; k++)
    pthread_cond_signal (&o->channels[k].cond);
  pthread_mutex_unlock (&o->lock);
  eventfd_signal (o->wake_fd);
  if (o->dispatcher_running)
    pthread_join (o->dispatcher, NULL);

  if (!join_channels (o, deadline_after (CLOCK_REALTIME, o->lim.drain_timeout_ms)))
    {
      atomic_store (&o->aborting, true);
      eventfd_signal (o->abort_fd);
      pthread_mutex_lock (&o->lock);
      for (size_t k = 0; k < o->nchannels; k++)
        pthread_cond_signal (&o->channels[k].cond);
      pthread_mutex_unlock (&o->lock);
      if (!join_channels (o, deadline_after (CLOCK_REALTIME, ABANDON_WAIT_MS)))
        {
          /* A write that cannot be interrupted (a blocking stdout): leave
           * the thread its memory. */
          fprintf (stderr, "vigil: outputs: a channel is stuck in a write; leaving it\n");
          return;
        }
    }
  for (size_t k = 0; k < o->nchannels; k++)
    if (!o->channels[k].started)
      o->channels[k].ch.ops->close (&o->channels[k].ch); /* no thread closed it */
  free_outputs (o);
}
