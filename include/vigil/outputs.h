/* vigil: alert delivery to Falco's output channels, off the notification
 * loop.
 *
 * outputs_submit only queues the alert: it never blocks, never formats and
 * never does I/O, so the seccomp notification loop can call it after
 * answering the kernel.  A dispatcher thread renders each alert once (text
 * line or JSON, as json_output says) and hands the line to every enabled
 * channel; each channel has its own thread and queue, so a channel that
 * hangs (an HTTP server that never answers, a program that does not read,
 * a stdout pipe nobody drains) delays only itself.  A failing channel
 * reports on stderr ("vigil: file output: <reason>", once per distinct
 * reason until it works again) and retries the same alert with a growing
 * pause.  Nothing is dropped silently: a queue that reaches its cap counts
 * what it drops and, once there is room again, delivers a
 * "vigil internal: alerts dropped" alert saying how many (Falco's
 * "Falco internal: ..." convention).
 *
 * Every fd vigil keeps is close-on-exec.  Programs of program_output are
 * children that send no SIGCHLD (clone exit signal 0): a waitpid (-1, ...)
 * without __WALL in the supervisor's reaper leaves them to this module,
 * which reaps them itself. */
#ifndef VIGIL_OUTPUTS_H
#define VIGIL_OUTPUTS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/config.h"
#include "vigil/error.h"
#include "vigil/output.h"
#include "vigil/ruleset_defs.h"

struct outputs;

struct outputs_limits {
  size_t queue_cap;     /* alerts a queue (the submit queue, each channel's) holds
                           before it counts drops; default 100000 */
  int timeout_ms;       /* one HTTP request, a program that does not read or
                           does not exit; default 5000 */
  int retry_max_ms;     /* longest pause between retries of a failing
                           channel (the first is 100 ms); default 5000 */
  int drain_timeout_ms; /* how long outputs_stop waits for slow channels;
                           default 10000 */
};

/** The defaults above. */
void outputs_limits_default (struct outputs_limits *l);

/** Open the channels cfg enables (stdout_output, file_output,
 *  syslog_output, program_output, http_output) and start delivering.  A
 *  channel that cannot be opened (a file that cannot be created, no
 *  /dev/log to connect to, a program that cannot be started, a malformed
 *  URL) is an error: nothing is started and -1 is returned with *err
 *  ("file output: cannot open /x/y.log: No such file or directory").
 *  cfg is only read during the call. */
int outputs_start (struct outputs **out, const struct vigil_config *cfg, vigil_error_t *err);

/** outputs_start with explicit limits (NULL: the defaults). */
int outputs_start_with (struct outputs **out, const struct vigil_config *cfg, const struct outputs_limits *lim,
                        vigil_error_t *err);

/** Queue an alert for delivery and take ownership of it.  Returns at once:
 *  no I/O, no formatting, at most a short mutex and one eventfd write.
 *  Safe from any thread (not from a signal handler).  NULL alerts are
 *  ignored; with o NULL the alert is freed. */
void outputs_submit (struct outputs *o, struct alert *a);

/** Ask every channel to reopen its target (the reopen signal): the file
 *  channel reopens its file, a kept-alive program is restarted, syslog
 *  reconnects.  Async-signal-safe: sets a flag and writes an eventfd. */
void outputs_reopen (struct outputs *o);

/** Deliver everything submitted so far, close the channels and free o.
 *  Waits at most drain_timeout_ms for slow channels, then abandons what
 *  they still hold (reporting how many alerts on stderr); if a channel is
 *  stuck in a write that cannot be interrupted, its memory is left
 *  allocated rather than freed under it.  Safe on NULL. */
void outputs_stop (struct outputs *o);

struct outputs_stats {
  uint64_t submitted; /* alerts given to outputs_submit */
  uint64_t dropped;   /* dropped because the submit queue was full */
};

struct output_channel_stats {
  uint64_t delivered; /* alerts written (internal drop notices included) */
  uint64_t lost;      /* dropped (queue full) or given up on */
  uint64_t failures;  /* failed attempts, retried or not */
  uint64_t opens;     /* times the target was opened: the file, a program started */
};

/** Counters, readable at any time. */
void outputs_get_stats (struct outputs *o, struct outputs_stats *st);

/** A channel's counters by name ("stdout", "file", "syslog", "program",
 *  "http"); -1 if that channel is not enabled. */
int outputs_channel_stats (struct outputs *o, const char *name, struct output_channel_stats *st);

/* ---- the channel interface, between outputs.c and output_channels.c ---- */

/* One rendered alert, as every channel receives it. */
struct output_line {
  uint64_t seq;           /* distinct for every line: a retried write resumes a partial one */
  enum priority priority; /* the alert's, for syslog */
  const char *text;       /* the line, ending with '\n' (and a NUL after it) */
  size_t len;             /* bytes in text, the '\n' included */
};

struct output_channel_ops;

/* What a channel's functions see: its settings and its own state.  Only
 * the channel's thread touches it after open. */
struct output_channel {
  const struct output_channel_ops *ops;
  char *target;           /* file name, program or URL; NULL for stdout and syslog */
  bool keep_alive;        /* file_output/program_output.keep_alive */
  bool json;              /* lines are JSON (the HTTP Content-Type) */
  int timeout_ms;
  int abort_fd;           /* readable once outputs_stop gives up waiting: stop any wait */
  void *state;            /* the channel's own */
  /* outputs.c's: */
  char *last_error;       /* the reason last reported, until it works again */
  bool failing;           /* last_error is a failure, not a warning */
  bool warned;            /* output_channel_warn was called during this write */
  _Atomic uint64_t opens; /* the channel counts each time it opens its target */
};

/* A channel, crun style: a name and what to do.  write returns 0 when the
 * line was delivered, -1 with *err when it may be retried (the channel
 * drops whatever connection it had, if that is what failed), -2 with *err
 * when this line can never be delivered (an HTTP 4xx answer): it is lost
 * and the next line is tried. */
struct output_channel_ops {
  const char *name;
  int (*open) (struct output_channel *ch, vigil_error_t *err);
  int (*write) (struct output_channel *ch, const struct output_line *l, vigil_error_t *err);
  void (*reopen) (struct output_channel *ch);
  void (*close) (struct output_channel *ch);
};

extern const struct output_channel_ops output_stdout_ops;
extern const struct output_channel_ops output_file_ops;
extern const struct output_channel_ops output_syslog_ops;
extern const struct output_channel_ops output_program_ops;
extern const struct output_channel_ops output_http_ops;

/** Report a problem that did not prevent delivery (a program that exited
 *  with a non-zero status), rate limited as errors are:
 *  "vigil: program output: <reason>" on stderr. */
void output_channel_warn (struct output_channel *ch, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

/** True once outputs_stop has given up waiting: abandon any wait. */
bool output_channel_aborted (const struct output_channel *ch);

#endif
