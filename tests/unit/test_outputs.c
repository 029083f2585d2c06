/* vigil: tests of alert delivery, each channel against a real receiver: a
 * file (kept open or not, rotated by rename, reopened on the signal), a
 * program, an HTTP server on 127.0.0.1 (answering, refusing, hanging),
 * syslog through a socket bound at /dev/log in a private mount namespace,
 * stdout; plus a submit that never blocks while a channel is stuck, and
 * drop accounting. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vigil/config.h"
#include "vigil/error.h"
#include "vigil/output.h"
#include "vigil/outputs.h"

/* 2024-01-01T12:00:00.123456789Z */
#define TS 1704110400123456789ull

static char tmpdir[64];

static void
setup_tmp (void)
{
  strcpy (tmpdir, "/tmp/vigil-outputs-XXXXXX");
  ck_assert (mkdtemp (tmpdir) != NULL);
  setenv ("TZ", "UTC", 1);
  tzset ();
}

static void
teardown_tmp (void)
{
  char cmd[128];

  snprintf (cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system (cmd) != 0)
    fprintf (stderr, "could not remove %s\n", tmpdir);
}

static char *
tmp_path (const char *name)
{
  char *p = NULL;

  ck_assert (asprintf (&p, "%s/%s", tmpdir, name) > 0);
  return p;
}

static int64_t
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- alerts and configurations ---- */

static struct alert *
make_alert (int i, enum priority prio)
{
  struct alert *a = xcalloc (1, sizeof *a);
  char msg[64];

  snprintf (msg, sizeof msg, "alert %d", i);
  a->rule = xstrdup ("Test rule");
  a->priority = prio;
  a->source = xstrdup ("syscall");
  a->hostname = xstrdup ("testhost");
  a->ts = TS + (uint64_t) i;
  a->message = xstrdup (msg);
  a->action = xstrdup ("log");
  return a;
}

/* What a channel receives for make_alert (i), without the newline. */
static char *
expected_line (const struct vigil_config *cfg, int i, enum priority prio)
{
  struct alert_style st;
  struct alert *a = make_alert (i, prio);
  char *s;

  config_alert_style (cfg, &st);
  s = cfg->json_output ? alert_json (a, &st) : alert_text (a, &st);
  alert_free (a);
  return s;
}

static void
quiet_config (struct vigil_config *cfg)
{
  config_init (cfg);
  cfg->stdout_output = false;
}

static void
use_file (struct vigil_config *cfg, const char *path, bool keep_alive)
{
  cfg->file_output.enabled = true;
  cfg->file_output.filename = xstrdup (path);
  cfg->file_output.keep_alive = keep_alive;
}

static void
use_program (struct vigil_config *cfg, const char *program, bool keep_alive)
{
  cfg->program_output.enabled = true;
  cfg->program_output.program = xstrdup (program);
  cfg->program_output.keep_alive = keep_alive;
}

static struct outputs_limits
test_limits (int timeout_ms)
{
  struct outputs_limits l;

  outputs_limits_default (&l);
  l.timeout_ms = timeout_ms;
  l.retry_max_ms = 400;
  return l;
}

static struct outputs *
start (const struct vigil_config *cfg, const struct outputs_limits *lim)
{
  struct outputs *o = NULL;
  vigil_error_t err = NULL;
  int r = outputs_start_with (&o, cfg, lim, &err);

  ck_assert_msg (r == 0, "outputs_start: %s", err ? err->msg : "?");
  ck_assert (o != NULL);
  return o;
}

static void
submit_range (struct outputs *o, int from, int to, enum priority prio)
{
  for (int i = from; i <= to; i++)
    outputs_submit (o, make_alert (i, prio));
}

static struct output_channel_stats
channel_stats (struct outputs *o, const char *name)
{
  struct output_channel_stats st;

  ck_assert_msg (outputs_channel_stats (o, name, &st) == 0, "no %s channel", name);
  return st;
}

/* Wait (at most ms) until the channel delivered n alerts. */
static bool
wait_delivered (struct outputs *o, const char *name, uint64_t n, int ms)
{
  int64_t until = now_ms () + ms;

  while (channel_stats (o, name).delivered < n)
    {
      if (now_ms () > until)
        return false;
      usleep (10000);
    }
  return true;
}

/* ---- reading results ---- */

static char *
read_all (const char *path)
{
  FILE *f = fopen (path, "r");
  char *buf = NULL;
  size_t len = 0;
  FILE *m = open_memstream (&buf, &len);
  char tmp[4096];
  size_t n;

  ck_assert (m != NULL);
  if (f)
    {
      while ((n = fread (tmp, 1, sizeof tmp, f)) > 0)
        fwrite (tmp, 1, n, m);
      fclose (f);
    }
  fclose (m);
  return buf;
}

/* The file holds exactly the lines of alerts from..to, in order. */
static void
expect_file_alerts (const char *path, const struct vigil_config *cfg, int from, int to)
{
  char *text = read_all (path);
  char *p = text;

  for (int i = from; i <= to; i++)
    {
      char *want = expected_line (cfg, i, PRIO_WARNING);
      char *nl = strchr (p, '\n');
      ck_assert_msg (nl != NULL, "%s: line for alert %d missing", path, i);
      *nl = '\0';
      ck_assert_msg (strcmp (p, want) == 0, "%s: alert %d: got '%s', want '%s'", path, i, p, want);
      p = nl + 1;
      free (want);
    }
  ck_assert_msg (*p == '\0', "%s: unexpected extra content '%s'", path, p);
  free (text);
}

static int
count_substr (const char *text, const char *needle)
{
  int n = 0;

  for (const char *p = text; (p = strstr (p, needle)) != NULL; p += strlen (needle))
    n++;
  return n;
}

/* stderr into a file for the test's duration (Check runs each test in its
 * own process, but restore anyway). */
struct capture {
  int saved;
  char *path;
};

static struct capture
capture_stderr (void)
{
  struct capture c = { dup (STDERR_FILENO), tmp_path ("stderr.txt") };
  int fd = open (c.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

  ck_assert (fd >= 0 && c.saved >= 0);
  dup2 (fd, STDERR_FILENO);
  close (fd);
  return c;
}

static char *
end_capture (struct capture *c)
{
  char *text;

  dup2 (c->saved, STDERR_FILENO);
  close (c->saved);
  text = read_all (c->path);
  free (c->path);
  return text;
}

/* ---- file ---- */

START_TEST (test_file_keep_alive)
{
  struct vigil_config cfg;
  char *path = tmp_path ("alerts.log");
  struct outputs_limits lim = test_limits (2000);
  struct outputs *o;

  quiet_config (&cfg);
  use_file (&cfg, path, true);
  o = start (&cfg, &lim);
  submit_range (o, 1, 200, PRIO_WARNING);
  ck_assert (wait_delivered (o, "file", 200, 10000));
  ck_assert_uint_eq (channel_stats (o, "file").opens, 1);
  ck_assert_uint_eq (channel_stats (o, "file").lost, 0);
  outputs_stop (o);
  expect_file_alerts (path, &cfg, 1, 200);
  free (path);
  config_free (&cfg);
}
END_TEST

START_TEST (test_file_open_per_alert)
{
  struct vigil_config cfg;
  char *path = tmp_path ("alerts.log");
  struct outputs_limits lim = test_limits (2000);
  struct outputs *o;

  quiet_config (&cfg);
  cfg.json_output = true;
  use_file (&cfg, path, false);
  o = start (&cfg, &lim);
  submit_range (o, 1, 20, PRIO_WARNING);
  ck_assert (wait_delivered (o, "file", 20, 10000));
  /* the check at start, then one open per alert, as Falco without keep_alive */
  ck_assert_uint_eq (channel_stats (o, "file").opens, 21);
  outputs_stop (o);
  expect_file_alerts (path, &cfg, 1, 20);
  free (path);
  config_free (&cfg);
}
END_TEST

/* logrotate without copytruncate: rename, then a new file by the old name
 * (or none yet): later alerts land in the new file. */
START_TEST (test_file_rotation)
{
  struct vigil_config cfg;
  char *path = tmp_path ("alerts.log"), *rotated = tmp_path ("alerts.log.1");
  struct outputs_limits lim = test_limits (2000);
  struct outputs *o;
  int fd;

  quiet_config (&cfg);
  use_file (&cfg, path, true);
  o = start (&cfg, &lim);
  submit_range (o, 1, 5, PRIO_WARNING);
  ck_assert (wait_delivered (o, "file", 5, 10000));
  ck_assert_int_eq (rename (path, rotated), 0);
  fd = open (path, O_WRONLY | O_CREAT | O_EXCL, 0600); /* logrotate's create */
  ck_assert (fd >= 0);
  close (fd);
  submit_range (o, 6, 10, PRIO_WARNING);
  ck_assert (wait_delivered (o, "file", 10, 10000));
  /* renamed away with nothing created: the file is created again */
  ck_assert_int_eq (rename (path, rotated), 0);
  submit_range (o, 11, 12, PRIO_WARNING);
  outputs_stop (o);
  expect_file_alerts (rotated, &cfg, 6, 10);
  expect_file_alerts (path, &cfg, 11, 12);
  free (path);
  free (rotated);
  config_free (&cfg);
}
END_TEST

static struct outputs *signal_target;

static void
on_reopen_signal (int sig)
{
  (void) sig;
  outputs_reopen (signal_target);
}

/* The reopen signal, through a real handler: the file is opened again and
 * a kept-alive program is restarted (its stdin ends, a new one starts). */
START_TEST (test_reopen_signal)
{
  struct vigil_config cfg;
  char *path = tmp_path ("alerts.log"), *prog_out = tmp_path ("program.txt"), *prog = NULL;
  struct outputs_limits lim = test_limits (2000);
  struct sigaction sa = { .sa_handler = on_reopen_signal };
  char *text;

  ck_assert (asprintf (&prog, "cat >> '%s'; echo END >> '%s'", prog_out, prog_out) > 0);
  quiet_config (&cfg);
  use_file (&cfg, path, true);
  use_program (&cfg, prog, true);
  signal_target = start (&cfg, &lim);
  sigemptyset (&sa.sa_mask);
  ck_assert_int_eq (sigaction (SIGUSR2, &sa, NULL), 0);
  submit_range (signal_target, 1, 1, PRIO_WARNING);
  ck_assert (wait_delivered (signal_target, "file", 1, 10000));
  ck_assert (wait_delivered (signal_target, "program", 1, 10000));
  ck_assert_int_eq (raise (SIGUSR2), 0);
  submit_range (signal_target, 2, 2, PRIO_WARNING);
  ck_assert (wait_delivered (signal_target, "file", 2, 10000));
  ck_assert (wait_delivered (signal_target, "program", 2, 10000));
  ck_assert_uint_eq (channel_stats (signal_target, "file").opens, 2);
  ck_assert_uint_eq (channel_stats (signal_target, "program").opens, 2);
  outputs_stop (signal_target);
  signal (SIGUSR2, SIG_DFL);
  expect_file_alerts (path, &cfg, 1, 2);
  text = read_all (prog_out);
  {
    char *l1 = expected_line (&cfg, 1, PRIO_WARNING), *l2 = expected_line (&cfg, 2, PRIO_WARNING), *want = NULL;
    ck_assert (asprintf (&want, "%s\nEND\n%s\nEND\n", l1, l2) > 0);
    ck_assert_str_eq (text, want);
    free (l1);
    free (l2);
    free (want);
  }
  free (text);
  free (prog);
  free (path);
  free (prog_out);
  config_free (&cfg);
}
END_TEST

/* ---- program ---- */

static void
program_case (bool keep_alive, int n)
{
  struct vigil_config cfg;
  char *out = tmp_path ("program.txt"), *prog = NULL;
  struct outputs_limits lim = test_limits (5000);
  struct outputs *o;

  ck_assert (asprintf (&prog, "cat >> '%s'", out) > 0);
  quiet_config (&cfg);
  use_program (&cfg, prog, keep_alive);
  o = start (&cfg, &lim);
  submit_range (o, 1, n, PRIO_WARNING);
  ck_assert (wait_delivered (o, "program", (uint64_t) n, 20000));
  ck_assert_uint_eq (channel_stats (o, "program").opens, keep_alive ? 1 : (uint64_t) n);
  outputs_stop (o); /* a kept-alive cat sees EOF and is reaped here */
  expect_file_alerts (out, &cfg, 1, n);
  free (prog);
  free (out);
  config_free (&cfg);
}

START_TEST (test_program_keep_alive)
{
  program_case (true, 300);
}
END_TEST

START_TEST (test_program_per_alert)
{
  program_case (false, 8);
}
END_TEST

/* The program's exit status is reported, once, and delivery goes on. */
START_TEST (test_program_failing_status)
{
  struct vigil_config cfg;
  char *out = tmp_path ("program.txt"), *prog = NULL, *errs;
  struct outputs_limits lim = test_limits (5000);
  struct outputs *o;
  struct capture cap = capture_stderr ();

  ck_assert (asprintf (&prog, "cat >> '%s'; exit 3", out) > 0);
  quiet_config (&cfg);
  use_program (&cfg, prog, false);
  o = start (&cfg, &lim);
  submit_range (o, 1, 3, PRIO_WARNING);
  ck_assert (wait_delivered (o, "program", 3, 20000));
  outputs_stop (o);
  errs = end_capture (&cap);
  ck_assert_int_eq (count_substr (errs, "vigil: program output: the program exited with status 3\n"), 1);
  ck_assert_int_eq (count_substr (errs, "delivering again"), 0); /* a warning is no failure */
  expect_file_alerts (out, &cfg, 1, 3);
  free (errs);
  free (prog);
  free (out);
  config_free (&cfg);
}
END_TEST

static bool
process_is_zombie (pid_t pid)
{
  char path[64], *stat, *p;
  bool z;

  snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  stat = read_all (path);
  p = strrchr (stat, ')');
  z = p && p[1] == ' ' && p[2] == 'Z';
  free (stat);
  return z;
}

/* A kept-alive program that exits: the write fails, the failure and the
 * status are reported once, a new program gets the whole alert. */
START_TEST (test_program_restarted)
{
  struct vigil_config cfg;
  char *out = tmp_path ("program.txt"), *pidfile = tmp_path ("pid"), *prog = NULL, *errs, *text;
  struct outputs_limits lim = test_limits (5000);
  struct outputs *o;
  struct capture cap = capture_stderr ();
  int64_t until = now_ms () + 10000;
  pid_t pid = 0;

  ck_assert (asprintf (&prog, "echo $$ > '%s'; read line; echo \"$line\" >> '%s'; exit 5", pidfile, out) > 0);
  quiet_config (&cfg);
  use_program (&cfg, prog, true);
  o = start (&cfg, &lim);
  submit_range (o, 1, 1, PRIO_WARNING);
  /* wait until the first program read its line and is gone */
  while (now_ms () < until)
    {
      text = read_all (pidfile);
      pid = atoi (text);
      free (text);
      text = read_all (out);
      bool done = pid > 0 && strchr (text, '\n') != NULL && process_is_zombie (pid);
      free (text);
      if (done)
        break;
      usleep (10000);
    }
  ck_assert_msg (pid > 0 && process_is_zombie (pid), "the first program did not end");
  submit_range (o, 2, 2, PRIO_WARNING);
  ck_assert (wait_delivered (o, "program", 2, 10000));
  ck_assert_uint_eq (channel_stats (o, "program").opens, 2);
  ck_assert_uint_eq (channel_stats (o, "program").failures, 1);
  outputs_stop (o);
  errs = end_capture (&cap);
  expect_file_alerts (out, &cfg, 1, 2);
  ck_assert_int_eq (count_substr (errs, "vigil: program output: the program stopped reading its input: it exited "
                                        "with status 5\n"),
                    1);
  ck_assert_int_eq (count_substr (errs, "vigil: program output: delivering again\n"), 1);
  ck_assert (!process_is_zombie (pid)); /* reaped */
  free (errs);
  free (prog);
  free (pidfile);
  free (out);
  config_free (&cfg);
}
END_TEST

/* A program that does not read while its pipe is full: submit still
 * returns at once, the file channel gets everything meanwhile, and the
 * program gets everything, in order, once it starts reading. */
START_TEST (test_stuck_program_does_not_block)
{
  struct vigil_config cfg;
  char *out = tmp_path ("program.txt"), *go = tmp_path ("go"), *file = tmp_path ("alerts.log"), *prog = NULL;
  struct outputs_limits lim = test_limits (300);
  struct outputs *o;
  struct capture cap = capture_stderr ();
  const int n = 10000;
  int64_t t0, elapsed;
  char *errs;
  int fd;

  ck_assert (asprintf (&prog, "while [ ! -e '%s' ]; do sleep 0.05; done; exec cat >> '%s'", go, out) > 0);
  quiet_config (&cfg);
  use_file (&cfg, file, true);
  use_program (&cfg, prog, true);
  o = start (&cfg, &lim);
  t0 = now_ms ();
  submit_range (o, 1, n, PRIO_WARNING);
  elapsed = now_ms () - t0;
  ck_assert_msg (elapsed < 3000, "submitting %d alerts took %" PRId64 " ms", n, elapsed);
  ck_assert (wait_delivered (o, "file", (uint64_t) n, 30000));
  ck_assert_msg (channel_stats (o, "program").delivered < (uint64_t) n, "the program was not stuck");
  {
    int64_t until = now_ms () + 10000;
    while (channel_stats (o, "program").failures == 0 && now_ms () < until)
      usleep (10000);
  }
  ck_assert_uint_ge (channel_stats (o, "program").failures, 1); /* its timeout passed */
  fd = open (go, O_WRONLY | O_CREAT, 0600);
  ck_assert (fd >= 0);
  close (fd);
  ck_assert (wait_delivered (o, "program", (uint64_t) n, 30000));
  ck_assert_uint_eq (channel_stats (o, "program").lost, 0);
  outputs_stop (o);
  errs = end_capture (&cap);
  expect_file_alerts (file, &cfg, 1, n);
  expect_file_alerts (out, &cfg, 1, n);
  /* reported once, however long it lasted */
  ck_assert_int_eq (count_substr (errs, "vigil: program output: the program has not read its input for 300 ms\n"), 1);
  ck_assert_int_eq (count_substr (errs, "vigil: program output: delivering again\n"), 1);
  free (errs);
  free (prog);
  free (out);
  free (go);
  free (file);
  config_free (&cfg);
}
END_TEST

/* ---- drops ---- */

static long
sum_n_drops (const char *text)
{
  long sum = 0;

  for (const char *p = text; (p = strstr (p, "n_drops=\"")) != NULL;)
    {
      p += strlen ("n_drops=\"");
      sum += strtol (p, NULL, 10);
    }
  return sum;
}

/* A small cap and a stuck program: the program's queue drops, counts, and
 * says so in a "vigil internal: alerts dropped" alert once it has room. */
START_TEST (test_drops_announced)
{
  struct vigil_config cfg;
  char *out = tmp_path ("program.txt"), *go = tmp_path ("go"), *prog = NULL, *text;
  struct outputs_limits lim = test_limits (300);
  struct output_channel_stats st;
  struct outputs_stats ost;
  struct outputs *o;
  struct capture cap = capture_stderr ();
  const int n = 5000;
  int fd, alerts;

  lim.queue_cap = 100;
  ck_assert (asprintf (&prog, "while [ ! -e '%s' ]; do sleep 0.05; done; exec cat >> '%s'", go, out) > 0);
  quiet_config (&cfg);
  use_program (&cfg, prog, true);
  o = start (&cfg, &lim);
  for (int i = 1; i <= n; i++)
    {
      outputs_submit (o, make_alert (i, PRIO_WARNING));
      if (i % 100 == 0)
        usleep (1000); /* let the dispatcher keep the submit queue short */
    }
  usleep (200000);
  fd = open (go, O_WRONLY | O_CREAT, 0600);
  ck_assert (fd >= 0);
  close (fd);
  outputs_get_stats (o, &ost);
  ck_assert_uint_eq (ost.submitted, (uint64_t) n);
  /* wait until every alert is accounted for in what the program wrote */
  {
    int64_t until = now_ms () + 30000;
    for (;;)
      {
        text = read_all (out);
        alerts = count_substr (text, ": Warning alert ");
        if (alerts + sum_n_drops (text) >= n || now_ms () > until)
          break;
        free (text);
        usleep (20000);
      }
  }
  st = channel_stats (o, "program");
  outputs_get_stats (o, &ost);
  outputs_stop (o);
  free (end_capture (&cap));
  ck_assert_msg (st.lost > 0, "nothing was dropped");
  ck_assert_int_ge (count_substr (text, ": Critical vigil internal: alerts dropped. "), 1);
  ck_assert (strstr (text, " alerts were not delivered to the program output (n_drops=\"") != NULL);
  ck_assert (strstr (text, "output=\"program\")") != NULL);
  /* every alert is either delivered or counted in a notice, once */
  ck_assert_int_eq ((long) alerts + sum_n_drops (text), n);
  ck_assert_uint_eq (st.lost + ost.dropped, (uint64_t) sum_n_drops (text));
  free (text);
  free (prog);
  free (out);
  free (go);
  config_free (&cfg);
}
END_TEST

/* A tiny submit queue: whatever the dispatcher could not take in time is
 * dropped, counted, and announced; nothing vanishes. */
START_TEST (test_submit_queue_accounting)
{
  struct vigil_config cfg;
  char *file = tmp_path ("alerts.log"), *text;
  struct outputs_limits lim = test_limits (2000);
  struct outputs *o;
  const int n = 20000;

  lim.queue_cap = 4;
  quiet_config (&cfg);
  use_file (&cfg, file, true);
  o = start (&cfg, &lim);
  submit_range (o, 1, n, PRIO_WARNING);
  usleep (300000);
  outputs_submit (o, make_alert (n + 1, PRIO_WARNING)); /* room again: the notice follows */
  outputs_stop (o);
  text = read_all (file);
  {
    long alerts = count_substr (text, ": Warning alert ");
    ck_assert_int_eq (alerts + sum_n_drops (text), n + 1);
  }
  free (text);
  free (file);
  config_free (&cfg);
}
END_TEST

/* ---- HTTP ---- */

struct http_request {
  char *headers;
  char *body;
};

struct http_server {
  int lfd;
  int port;
  int status;       /* answered to every request; 0: never answer */
  pthread_t thread;
  atomic_bool quit;
  pthread_mutex_t m;
  struct http_request req[64];
  int nreq;
  int connections;
};

static ssize_t
find_header_end (const char *buf, size_t len)
{
  for (size_t i = 0; i + 3 < len; i++)
    if (memcmp (buf + i, "\r\n\r\n", 4) == 0)
      return (ssize_t) (i + 4);
  return -1;
}

static size_t
content_length (const char *headers)
{
  for (const char *p = headers; (p = strchr (p, '\n')) != NULL;)
    {
      p++;
      if (strncasecmp (p, "Content-Length:", 15) == 0)
        return (size_t) strtoul (p + 15, NULL, 10);
    }
  return 0;
}

/* Serve one connection: record each request, answer (or not). */
static void
serve_connection (struct http_server *s, int fd)
{
  char buf[65536];
  size_t len = 0;

  while (!atomic_load (&s->quit))
    {
      struct pollfd p = { fd, POLLIN, 0 };
      ssize_t hdr, r;
      if (poll (&p, 1, 50) <= 0)
        continue;
      r = read (fd, buf + len, sizeof buf - len);
      if (r <= 0)
        return;
      len += (size_t) r;
      while ((hdr = find_header_end (buf, len)) > 0)
        {
          char *headers = strndup (buf, (size_t) hdr);
          size_t body = content_length (headers);
          if ((size_t) hdr + body > len)
            {
              free (headers);
              break;
            }
          pthread_mutex_lock (&s->m);
          if (s->nreq < 64)
            s->req[s->nreq++] = (struct http_request){ headers, strndup (buf + hdr, body) };
          else
            free (headers);
          pthread_mutex_unlock (&s->m);
          memmove (buf, buf + hdr + body, len - (size_t) hdr - body);
          len -= (size_t) hdr + body;
          if (s->status)
            {
              char answer[128];
              int n = snprintf (answer, sizeof answer, "HTTP/1.1 %d X\r\nContent-Length: 0\r\n\r\n", s->status);
              if (write (fd, answer, (size_t) n) != n)
                return;
            }
        }
    }
}

static void *
http_server_main (void *arg)
{
  struct http_server *s = arg;

  while (!atomic_load (&s->quit))
    {
      struct pollfd p = { s->lfd, POLLIN, 0 };
      int fd;
      if (poll (&p, 1, 50) <= 0)
        continue;
      fd = accept4 (s->lfd, NULL, NULL, SOCK_CLOEXEC);
      if (fd < 0)
        continue;
      pthread_mutex_lock (&s->m);
      s->connections++;
      pthread_mutex_unlock (&s->m);
      serve_connection (s, fd);
      close (fd);
    }
  return NULL;
}

static void
http_server_start (struct http_server *s, int status)
{
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t sl = sizeof sin;

  memset (s, 0, sizeof *s);
  s->status = status;
  pthread_mutex_init (&s->m, NULL);
  s->lfd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ck_assert (s->lfd >= 0);
  ck_assert_int_eq (bind (s->lfd, (struct sockaddr *) &sin, sizeof sin), 0);
  ck_assert_int_eq (listen (s->lfd, 16), 0);
  ck_assert_int_eq (getsockname (s->lfd, (struct sockaddr *) &sin, &sl), 0);
  s->port = ntohs (sin.sin_port);
  ck_assert_int_eq (pthread_create (&s->thread, NULL, http_server_main, s), 0);
}

/* Stop serving; what was recorded can be read after this. */
static void
http_server_stop (struct http_server *s)
{
  atomic_store (&s->quit, true);
  pthread_join (s->thread, NULL);
  close (s->lfd);
}

static void
http_server_free (struct http_server *s)
{
  for (int i = 0; i < s->nreq; i++)
    {
      free (s->req[i].headers);
      free (s->req[i].body);
    }
}

static void
use_http (struct vigil_config *cfg, const struct http_server *s)
{
  cfg->http_output.enabled = true;
  ck_assert (asprintf (&cfg->http_output.url, "http://127.0.0.1:%d/alerts", s->port) > 0);
}

static void
http_case (bool json)
{
  struct vigil_config cfg;
  struct http_server srv;
  struct outputs_limits lim = test_limits (5000);
  struct outputs *o;

  http_server_start (&srv, 200);
  quiet_config (&cfg);
  cfg.json_output = json;
  use_http (&cfg, &srv);
  o = start (&cfg, &lim);
  submit_range (o, 1, 3, PRIO_WARNING);
  ck_assert (wait_delivered (o, "http", 3, 10000));
  outputs_stop (o);
  http_server_stop (&srv);
  ck_assert_int_eq (srv.nreq, 3);
  ck_assert_int_eq (srv.connections, 1); /* the easy handle keeps its connection */
  for (int i = 0; i < 3; i++)
    {
      char *want = expected_line (&cfg, i + 1, PRIO_WARNING);
      ck_assert_msg (strncmp (srv.req[i].headers, "POST /alerts HTTP/1.1\r\n", 23) == 0, "%s", srv.req[i].headers);
      ck_assert (strcasestr (srv.req[i].headers, json ? "\r\nContent-Type: application/json\r\n"
                                                      : "\r\nContent-Type: text/plain\r\n")
                 != NULL);
      ck_assert (strcasestr (srv.req[i].headers, "\r\nUser-Agent: vigil/") != NULL);
      ck_assert_str_eq (srv.req[i].body, want);
      free (want);
    }
  http_server_free (&srv);
  config_free (&cfg);
}

START_TEST (test_http_json)
{
  http_case (true);
}
END_TEST

START_TEST (test_http_text)
{
  http_case (false);
}
END_TEST

/* A 4xx answer will not change on retry: the alert is lost (and said so),
 * the next one is tried. */
START_TEST (test_http_refused)
{
  struct vigil_config cfg;
  struct http_server srv;
  struct outputs_limits lim = test_limits (5000);
  struct output_channel_stats st;
  struct outputs *o;
  struct capture cap = capture_stderr ();
  char *errs;

  http_server_start (&srv, 400);
  quiet_config (&cfg);
  cfg.json_output = true;
  use_http (&cfg, &srv);
  o = start (&cfg, &lim);
  submit_range (o, 1, 2, PRIO_WARNING);
  {
    int64_t until = now_ms () + 10000;
    do
      {
        st = channel_stats (o, "http");
        usleep (10000);
      }
    while (st.lost < 2 && now_ms () < until);
  }
  outputs_stop (o);
  http_server_stop (&srv);
  errs = end_capture (&cap);
  ck_assert_uint_eq (st.lost, 2);
  ck_assert_uint_eq (st.failures, 2);
  ck_assert_int_eq (srv.nreq, 2);
  ck_assert_int_eq (count_substr (errs, "vigil: http output: the server refused the alert (HTTP 400)\n"), 1);
  free (errs);
  http_server_free (&srv);
  config_free (&cfg);
}
END_TEST

/* A server that accepts and never answers: the timeout keeps the other
 * channels going, the failure is reported once, and outputs_stop gives up
 * after its drain timeout, counting what it abandoned. */
START_TEST (test_http_hanging_server)
{
  struct vigil_config cfg;
  struct http_server srv;
  char *file = tmp_path ("alerts.log"), *errs;
  struct outputs_limits lim = test_limits (300);
  struct output_channel_stats st;
  struct outputs *o;
  struct capture cap = capture_stderr ();
  int64_t t0;

  lim.drain_timeout_ms = 1500;
  http_server_start (&srv, 0);
  quiet_config (&cfg);
  use_file (&cfg, file, true);
  use_http (&cfg, &srv);
  o = start (&cfg, &lim);
  submit_range (o, 1, 3, PRIO_WARNING);
  ck_assert (wait_delivered (o, "file", 3, 10000));
  usleep (1000000); /* several timeouts and retries */
  st = channel_stats (o, "http");
  ck_assert_uint_eq (st.delivered, 0);
  ck_assert_uint_ge (st.failures, 2);
  t0 = now_ms ();
  outputs_stop (o);
  http_server_stop (&srv);
  ck_assert_msg (now_ms () - t0 < 10000, "outputs_stop took %" PRId64 " ms", now_ms () - t0);
  errs = end_capture (&cap);
  ck_assert_int_eq (count_substr (errs, "vigil: http output: POST failed: Timeout was reached\n"), 1);
  ck_assert_int_eq (count_substr (errs, "vigil: http output: "), 2); /* nothing about the abort itself */
  ck_assert_int_eq (count_substr (errs, "vigil: http output: 3 alerts not delivered\n"), 1);
  expect_file_alerts (file, &cfg, 1, 3);
  ck_assert_int_ge (srv.nreq, 2);
  free (errs);
  free (file);
  http_server_free (&srv);
  config_free (&cfg);
}
END_TEST

/* A server that is down at first and comes back: the alert is retried
 * and delivered, and the recovery is reported. */
START_TEST (test_http_retry_until_up)
{
  struct vigil_config cfg;
  struct http_server srv;
  struct outputs_limits lim = test_limits (2000);
  struct outputs *o;
  struct capture cap = capture_stderr ();
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  int one = 1;
  char *errs;

  http_server_start (&srv, 200);
  /* close the listener: connections are refused until a new one binds the port */
  atomic_store (&srv.quit, true);
  pthread_join (srv.thread, NULL);
  close (srv.lfd);
  quiet_config (&cfg);
  cfg.json_output = true;
  use_http (&cfg, &srv);
  o = start (&cfg, &lim);
  submit_range (o, 1, 1, PRIO_WARNING);
  usleep (500000);
  ck_assert_uint_ge (channel_stats (o, "http").failures, 1);
  srv.lfd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  setsockopt (srv.lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sin.sin_port = htons ((uint16_t) srv.port);
  ck_assert_int_eq (bind (srv.lfd, (struct sockaddr *) &sin, sizeof sin), 0);
  ck_assert_int_eq (listen (srv.lfd, 16), 0);
  atomic_store (&srv.quit, false);
  ck_assert_int_eq (pthread_create (&srv.thread, NULL, http_server_main, &srv), 0);
  ck_assert (wait_delivered (o, "http", 1, 10000));
  outputs_stop (o);
  http_server_stop (&srv);
  errs = end_capture (&cap);
  ck_assert_int_eq (count_substr (errs, "vigil: http output: POST failed: Couldn't connect to server\n"), 1);
  ck_assert_int_eq (count_substr (errs, "vigil: http output: delivering again\n"), 1);
  ck_assert_int_eq (srv.nreq, 1);
  free (errs);
  http_server_free (&srv);
  config_free (&cfg);
}
END_TEST

/* ---- syslog, through /dev/log in a private mount namespace ---- */

static void
child_fail (int pipefd, const char *fmt, const char *arg)
{
  char msg[512];
  int n = snprintf (msg, sizeof msg, fmt, arg ? arg : "");

  if (write (pipefd, msg, (size_t) n) < 0)
    _exit (3);
  _exit (1);
}

/* In the child: a tmpfs over /dev, a datagram socket at /dev/log, alerts
 * sent there by the syslog channel.  Writes "SKIP: ..." or an error to
 * pipefd and exits non-zero on failure. */
static void
syslog_child (int pipefd)
{
  struct sockaddr_un sun = { .sun_family = AF_UNIX, .sun_path = "/dev/log" };
  struct vigil_config cfg;
  struct outputs_limits lim = test_limits (2000);
  struct outputs *o = NULL;
  vigil_error_t err = NULL;
  char buf[4096];
  char *want[2];
  int fd;

  if (unshare (CLONE_NEWNS) < 0)
    child_fail (pipefd, "SKIP: unshare(CLONE_NEWNS): %s", strerror (errno));
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    child_fail (pipefd, "SKIP: making / private: %s", strerror (errno));
  if (mount ("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755") < 0)
    child_fail (pipefd, "SKIP: tmpfs on /dev: %s", strerror (errno));

  quiet_config (&cfg);
  cfg.syslog_output = true;
  /* nothing at /dev/log yet: refusing to start beats losing alerts */
  if (outputs_start_with (&o, &cfg, &lim, &err) == 0)
    child_fail (pipefd, "syslog output started without /dev/log%s", NULL);
  if (strcmp (err->msg, "syslog output: cannot connect to /dev/log: No such file or directory") != 0)
    child_fail (pipefd, "unexpected error: %s", err->msg);
  vigil_error_release (&err);

  fd = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || bind (fd, (struct sockaddr *) &sun, sizeof sun) < 0)
    child_fail (pipefd, "binding /dev/log: %s", strerror (errno));
  if (outputs_start_with (&o, &cfg, &lim, &err) < 0)
    child_fail (pipefd, "outputs_start: %s", err->msg);
  outputs_submit (o, make_alert (1, PRIO_WARNING));
  outputs_submit (o, make_alert (2, PRIO_CRITICAL));
  outputs_stop (o);

  want[0] = expected_line (&cfg, 1, PRIO_WARNING);
  want[1] = expected_line (&cfg, 2, PRIO_CRITICAL);
  for (int i = 0; i < 2; i++)
    {
      /* "<PRI>Mmm dd hh:mm:ss vigil[pid]: line": LOG_USER (8) + level */
      char prefix[16], tail[1024];
      ssize_t n = recv (fd, buf, sizeof buf - 1, MSG_DONTWAIT);
      if (n <= 0)
        child_fail (pipefd, "message %s missing", i ? "2" : "1");
      buf[n] = '\0';
      snprintf (prefix, sizeof prefix, "<%d>", 8 + (i == 0 ? 4 : 2));
      snprintf (tail, sizeof tail, "vigil[%d]: %s", (int) getpid (), want[i]);
      if (strncmp (buf, prefix, strlen (prefix)) != 0)
        child_fail (pipefd, "wrong priority: %s", buf);
      if (strlen (buf) < strlen (tail) || strcmp (buf + strlen (buf) - strlen (tail), tail) != 0)
        child_fail (pipefd, "wrong message: %s", buf);
    }
  _exit (0);
}

START_TEST (test_syslog)
{
  int p[2], status;
  char msg[512] = "";
  ssize_t n;
  pid_t pid;

  if (geteuid () != 0)
    {
      printf ("SKIP: syslog test needs root (a mount namespace with /dev/log)\n");
      return;
    }
  ck_assert_int_eq (pipe2 (p, O_CLOEXEC), 0);
  pid = fork ();
  ck_assert (pid >= 0);
  if (pid == 0)
    {
      close (p[0]);
      syslog_child (p[1]);
    }
  close (p[1]);
  n = read (p[0], msg, sizeof msg - 1);
  msg[n > 0 ? n : 0] = '\0';
  close (p[0]);
  ck_assert_int_eq (waitpid (pid, &status, 0), pid);
  if (strncmp (msg, "SKIP: ", 6) == 0)
    {
      printf ("%s\n", msg);
      return;
    }
  ck_assert_msg (WIFEXITED (status) && WEXITSTATUS (status) == 0, "syslog child: %s", msg);
}
END_TEST

/* ---- stdout ---- */

START_TEST (test_stdout)
{
  struct vigil_config cfg;
  char *path = tmp_path ("stdout.txt");
  struct outputs_limits lim = test_limits (2000);
  struct outputs *o;
  int saved = dup (STDOUT_FILENO), fd = open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

  ck_assert (saved >= 0 && fd >= 0);
  fflush (stdout);
  dup2 (fd, STDOUT_FILENO);
  close (fd);
  config_init (&cfg); /* stdout_output is on by default */
  o = start (&cfg, &lim);
  submit_range (o, 1, 50, PRIO_WARNING);
  outputs_stop (o);
  dup2 (saved, STDOUT_FILENO);
  close (saved);
  expect_file_alerts (path, &cfg, 1, 50);
  free (path);
  config_free (&cfg);
}
END_TEST

/* ---- start errors and fds ---- */

static void
expect_start_error (struct vigil_config *cfg, const char *msg)
{
  struct outputs *o = (struct outputs *) 1;
  vigil_error_t err = NULL;

  ck_assert_int_eq (outputs_start (&o, cfg, &err), -1);
  ck_assert (o == NULL);
  ck_assert (err != NULL);
  ck_assert_str_eq (err->msg, msg);
  vigil_error_release (&err);
}

START_TEST (test_start_errors)
{
  struct vigil_config cfg;

  quiet_config (&cfg);
  use_file (&cfg, "/nonexistent-dir/vigil/alerts.log", true);
  expect_start_error (&cfg, "file output: cannot open /nonexistent-dir/vigil/alerts.log: No such file or directory");
  config_free (&cfg);

  quiet_config (&cfg);
  cfg.file_output.enabled = true;
  expect_start_error (&cfg, "file output: no filename given (file_output.filename)");
  config_free (&cfg);

  quiet_config (&cfg);
  use_file (&cfg, "/tmp", true);
  expect_start_error (&cfg, "file output: cannot open /tmp: Is a directory");
  config_free (&cfg);

  quiet_config (&cfg);
  cfg.program_output.enabled = true;
  expect_start_error (&cfg, "program output: no program given (program_output.program)");
  config_free (&cfg);

  quiet_config (&cfg);
  cfg.http_output.enabled = true;
  cfg.http_output.url = xstrdup ("ftp://127.0.0.1/x");
  expect_start_error (&cfg, "http output: invalid URL 'ftp://127.0.0.1/x': only http and https are supported");
  config_free (&cfg);

  quiet_config (&cfg);
  cfg.http_output.enabled = true;
  cfg.http_output.url = xstrdup ("http://[::1");
  {
    struct outputs *o = NULL;
    vigil_error_t err = NULL;
    ck_assert_int_eq (outputs_start (&o, &cfg, &err), -1);
    ck_assert_msg (strncmp (err->msg, "http output: invalid URL 'http://[::1': ", 40) == 0, "%s", err->msg);
    vigil_error_release (&err);
  }
  config_free (&cfg);
}
END_TEST

/* A quoted URL, as Falco accepts it. */
START_TEST (test_http_quoted_url)
{
  struct vigil_config cfg;
  struct http_server srv;
  struct outputs_limits lim = test_limits (5000);
  struct outputs *o;

  http_server_start (&srv, 200);
  quiet_config (&cfg);
  cfg.http_output.enabled = true;
  ck_assert (asprintf (&cfg.http_output.url, "\"http://127.0.0.1:%d/q\"", srv.port) > 0);
  o = start (&cfg, &lim);
  submit_range (o, 1, 1, PRIO_WARNING);
  ck_assert (wait_delivered (o, "http", 1, 10000));
  outputs_stop (o);
  http_server_stop (&srv);
  ck_assert_int_eq (srv.nreq, 1);
  ck_assert (strncmp (srv.req[0].headers, "POST /q HTTP/1.1\r\n", 18) == 0);
  http_server_free (&srv);
  config_free (&cfg);
}
END_TEST

static bool fd_open_before[1024];

static void
note_fds (bool *open_fds)
{
  for (int fd = 0; fd < 1024; fd++)
    open_fds[fd] = fcntl (fd, F_GETFD) >= 0;
}

/* Every fd the outputs hold is close-on-exec, and a program sees only 0-2
 * of them (the test's own inherited fds aside). */
START_TEST (test_fds_cloexec)
{
  struct vigil_config cfg;
  struct http_server srv;
  char *file = tmp_path ("alerts.log"), *fds = tmp_path ("fds.txt"), *prog = NULL, *text, *line;
  struct outputs_limits lim = test_limits (5000);
  struct outputs *o;
  int leaked = 0;

  note_fds (fd_open_before);
  http_server_start (&srv, 200);
  /* No redirection on ls itself: dash saves the shell's stdout at fd 10
   * while it sets one up, and ls would list that. */
  ck_assert (asprintf (&prog, "exec > '%s'; ls -1 /proc/$$/fd; cat > /dev/null", fds) > 0);
  quiet_config (&cfg);
  use_file (&cfg, file, true);
  use_program (&cfg, prog, true);
  use_http (&cfg, &srv);
  o = start (&cfg, &lim);
  submit_range (o, 1, 2, PRIO_WARNING);
  ck_assert (wait_delivered (o, "http", 2, 10000));
  ck_assert (wait_delivered (o, "file", 2, 10000));
  for (int fd = 0; fd < 1024; fd++)
    {
      int flags = fcntl (fd, F_GETFD);
      if (flags >= 0 && !fd_open_before[fd] && fd != srv.lfd && !(flags & FD_CLOEXEC))
        {
          char l[64], t[256] = "";
          snprintf (l, sizeof l, "/proc/self/fd/%d", fd);
          if (readlink (l, t, sizeof t - 1) < 0) t[0] = 0;
          fprintf (stderr, "fd %d is not close-on-exec: %s\n", fd, t);
          leaked++;
        }
    }
  ck_assert_int_eq (leaked, 0);
  outputs_stop (o);
  http_server_stop (&srv);
  /* the shell's fds: 0-2, those the test process itself passes on, and
   * none of the outputs' */
  text = read_all (fds);
  for (char *save = NULL, *p = text; (line = strtok_r (p, "\n", &save)) != NULL; p = NULL)
    {
      int fd = atoi (line);
      bool inherited = fd < 1024 && fd_open_before[fd] && !(fcntl (fd, F_GETFD) & FD_CLOEXEC);
      ck_assert_msg (fd <= 2 || inherited, "the program holds fd %d", fd);
    }
  free (text);
  free (prog);
  free (file);
  free (fds);
  http_server_free (&srv);
  config_free (&cfg);
}
END_TEST

START_TEST (test_no_channels)
{
  struct vigil_config cfg;
  struct outputs_stats st;
  struct outputs *o;

  quiet_config (&cfg);
  o = start (&cfg, NULL);
  submit_range (o, 1, 10, PRIO_WARNING);
  outputs_submit (o, NULL);
  outputs_get_stats (o, &st);
  ck_assert_uint_eq (st.submitted, 10);
  ck_assert_int_eq (outputs_channel_stats (o, "file", &(struct output_channel_stats){ 0 }), -1);
  outputs_stop (o);
  outputs_stop (NULL);
  outputs_submit (NULL, make_alert (1, PRIO_WARNING)); /* freed, not leaked */
  config_free (&cfg);
}
END_TEST

static Suite *
outputs_suite (void)
{
  Suite *s = suite_create ("outputs");
  TCase *tc = tcase_create ("channels");

  tcase_add_checked_fixture (tc, setup_tmp, teardown_tmp);
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_file_keep_alive);
  tcase_add_test (tc, test_file_open_per_alert);
  tcase_add_test (tc, test_file_rotation);
  tcase_add_test (tc, test_reopen_signal);
  tcase_add_test (tc, test_program_keep_alive);
  tcase_add_test (tc, test_program_per_alert);
  tcase_add_test (tc, test_program_failing_status);
  tcase_add_test (tc, test_program_restarted);
  tcase_add_test (tc, test_http_json);
  tcase_add_test (tc, test_http_text);
  tcase_add_test (tc, test_http_refused);
  tcase_add_test (tc, test_http_hanging_server);
  tcase_add_test (tc, test_http_retry_until_up);
  tcase_add_test (tc, test_http_quoted_url);
  tcase_add_test (tc, test_syslog);
  tcase_add_test (tc, test_stdout);
  tcase_add_test (tc, test_start_errors);
  tcase_add_test (tc, test_fds_cloexec);
  tcase_add_test (tc, test_no_channels);
  suite_add_tcase (s, tc);

  tc = tcase_create ("queues");
  tcase_add_checked_fixture (tc, setup_tmp, teardown_tmp);
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_stuck_program_does_not_block);
  tcase_add_test (tc, test_drops_announced);
  tcase_add_test (tc, test_submit_queue_accounting);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (outputs_suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
