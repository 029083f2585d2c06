/* Unit tests: the seccomp filter built from rules, loaded in a child, and
 * its notifications answered (source_seccomp.c). */
#include <check.h>
#include <sys/prctl.h>
#include <linux/seccomp.h>
#include <linux/filter.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vigil/event_live.h"
#include "vigil/ruleset_defs.h"
#include "vigil/source_seccomp.h"

static struct ruleset *
compile (const char *yaml)
{
  struct rules_defs defs = { 0 };
  struct diag_list d = { 0 };
  rules_load_buffer (&defs, diag_intern (&d, "t.yaml"), yaml, strlen (yaml), &d);
  struct ruleset *rs = rules_compile (&defs, NULL, &d);
  if (rs == NULL)
    diag_print (&d, stderr);
  rules_defs_free (&defs);
  diag_list_free (&d);
  ck_assert_ptr_nonnull (rs);
  return rs;
}

static void
send_fd (int sock, int fd)
{
  char data = 'x';
  struct iovec iov = { &data, 1 };
  union {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
  struct cmsghdr *c = CMSG_FIRSTHDR (&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (c), &fd, sizeof fd);
  if (sendmsg (sock, &msg, 0) < 0)
    _exit (100);
}

static int
recv_fd (int sock)
{
  char data;
  struct iovec iov = { &data, 1 };
  union {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
  if (recvmsg (sock, &msg, MSG_CMSG_CLOEXEC) <= 0)
    return -1;
  int fd;
  memcpy (&fd, CMSG_DATA (CMSG_FIRSTHDR (&msg)), sizeof fd);
  return fd;
}

/* Run body() in a child under the program; the parent answers each
 * notification with answer(path or syscall nr).  Returns the child's exit
 * status. */
struct served {
  int notified;
  int nr[16];
  char path[16][256];
};

/* Start body() in a child under the program: returns the listener, and
 * the child in *pid. */
static int
start_under (const struct seccomp_program *p, int (*body) (void), pid_t *pid)
{
  int sp[2];
  ck_assert_int_eq (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
  *pid = fork ();
  ck_assert_int_ge (*pid, 0);
  if (*pid == 0)
    {
      vigil_error_t err = NULL;
      alarm (20);
      int fd = seccomp_program_install (p, &err);
      if (fd < 0)
        _exit (101);
      send_fd (sp[1], fd);
      close (fd);
      _exit (body ());
    }
  close (sp[1]);
  int fd = recv_fd (sp[0]);
  close (sp[0]);
  ck_assert_int_ge (fd, 0);
  return fd;
}

static int
run_under (const struct seccomp_program *p, int (*body) (void), int (*answer) (const struct seccomp_notif *, const char *),
           struct served *sv)
{
  pid_t pid;
  int fd = start_under (p, body, &pid);

  memset (sv, 0, sizeof *sv);
  for (;;)
    {
      struct seccomp_notif req;
      vigil_error_t err = NULL;
      int status;
      if (waitpid (pid, &status, WNOHANG) == pid)
        {
          close (fd);
          return status;
        }
      /* The child blocks in its syscall until answered, so a receive with
       * the child still alive either returns or fails when it exits. */
      fd_set r;
      FD_ZERO (&r);
      FD_SET (fd, &r);
      struct timeval tv = { 0, 100000 };
      if (select (fd + 1, &r, NULL, NULL, &tv) <= 0)
        continue;
      if (seccomp_notif_receive (fd, &req, &err) < 0)
        {
          vigil_error_release (&err);
          continue;
        }
      char path[256] = "";
      bool trunc;
      if (req.data.nr == SYS_openat)
        target_read_string (req.pid, req.data.args[1], path, sizeof path, &trunc);
      ck_assert (seccomp_notif_valid (fd, req.id));
      if (sv->notified < 16)
        {
          sv->nr[sv->notified] = req.data.nr;
          snprintf (sv->path[sv->notified], sizeof sv->path[0], "%s", path);
        }
      sv->notified++;
      int e = answer (&req, path);
      if (e)
        seccomp_notif_fail (fd, req.id, e);
      else
        seccomp_notif_continue (fd, req.id);
    }
}

static int
deny_hostname (const struct seccomp_notif *req, const char *path)
{
  (void) req;
  return strcmp (path, "/etc/hostname") == 0 ? EACCES : 0;
}

static int
open_two (void)
{
  int a = open ("/etc/passwd", O_RDONLY);
  int b = open ("/etc/hostname", O_RDONLY);
  if (a < 0)
    return 2;
  if (b >= 0 || errno != EACCES)
    return 3;
  return 0;
}

START_TEST (test_openat_notified_and_answered)
{
  struct ruleset *rs = compile ("- rule: r\n  desc: d\n  condition: evt.type=openat and fd.name=/x\n"
                                "  output: o\n  priority: INFO\n");
  struct seccomp_program p;
  vigil_error_t err = NULL;
  ck_assert_int_eq (seccomp_program_build (rs, &p, &err), 0);
  ck_assert_uint_eq (p.nnotified, 1);
  struct served sv;
  int status = run_under (&p, open_two, deny_hostname, &sv);
  ck_assert_msg (WIFEXITED (status) && WEXITSTATUS (status) == 0, "child status %#x", status);
  /* Both opens reached vigil with their paths. */
  bool saw_passwd = false, saw_hostname = false;
  for (int i = 0; i < sv.notified && i < 16; i++)
    {
      ck_assert_int_eq (sv.nr[i], SYS_openat);
      saw_passwd |= strcmp (sv.path[i], "/etc/passwd") == 0;
      saw_hostname |= strcmp (sv.path[i], "/etc/hostname") == 0;
    }
  ck_assert (saw_passwd && saw_hostname);
  seccomp_program_free (&p);
  ruleset_free (rs);
}
END_TEST

static int
answer_allow (const struct seccomp_notif *req, const char *path)
{
  (void) req;
  (void) path;
  return 0;
}

static int
sockets (void)
{
  int u = socket (AF_UNIX, SOCK_STREAM, 0);
  int i = socket (AF_INET, SOCK_STREAM, 0);
  /* High bits the kernel ignores must not hide the domain from the filter. */
  long h = syscall (SYS_socket, (long) AF_INET | (1L << 40), SOCK_STREAM, 0);
  if (u < 0 || i < 0 || h < 0)
    return 2;
  return 0;
}

START_TEST (test_socket_narrowed_by_domain)
{
  struct ruleset *rs = compile ("- rule: r\n  desc: d\n  condition: evt.type=socket and evt.arg.domain=AF_INET\n"
                                "  output: o\n  priority: INFO\n  action: deny\n");
  struct seccomp_program p;
  vigil_error_t err = NULL;
  ck_assert_int_eq (seccomp_program_build (rs, &p, &err), 0);
  ck_assert_uint_eq (p.nnarrowed, 1);
  struct served sv;
  int status = run_under (&p, sockets, answer_allow, &sv);
  ck_assert_msg (WIFEXITED (status) && WEXITSTATUS (status) == 0, "child status %#x", status);
  /* The AF_UNIX socket stayed in the kernel; both AF_INET ones were notified. */
  ck_assert_int_eq (sv.notified, 2);
  ck_assert_int_eq (sv.nr[0], SYS_socket);
  seccomp_program_free (&p);
  ruleset_free (rs);
}
END_TEST

static int
io_uring (void)
{
  char params[120] = { 0 };
  long r = syscall (SYS_io_uring_setup, 4, params);
  return r < 0 && errno == ENOSYS ? 0 : 2;
}

START_TEST (test_io_uring_always_fails)
{
  struct ruleset *rs = compile ("- rule: r\n  desc: d\n  condition: evt.type=openat and fd.name=/x\n"
                                "  output: o\n  priority: INFO\n");
  struct seccomp_program p;
  vigil_error_t err = NULL;
  ck_assert_int_eq (seccomp_program_build (rs, &p, &err), 0);
  struct served sv;
  int status = run_under (&p, io_uring, answer_allow, &sv);
  ck_assert_msg (WIFEXITED (status) && WEXITSTATUS (status) == 0, "child status %#x", status);
  seccomp_program_free (&p);
  ruleset_free (rs);
}
END_TEST

static int
open_hostname (void)
{
  return open ("/etc/hostname", O_RDONLY) >= 0 ? 0 : 2;
}

/* Start open_hostname under p and take its one notification: *pid is the
 * child, the listener is returned. */
static int
first_notification (const struct seccomp_program *p, pid_t *pid, struct seccomp_notif *req)
{
  int fd = start_under (p, open_hostname, pid);
  vigil_error_t err = NULL;

  ck_assert_int_eq (seccomp_notif_receive (fd, req, &err), 0);
  return fd;
}

/* One rule with `condition`, a child under its filter held in its
 * open of /etc/hostname, and a live event for that notification. */
struct held_open {
  struct ruleset *rs;
  struct seccomp_program p;
  struct live_source *src;
  struct eval_state *st;
  struct arena arena;
  struct match_set m;
  struct seccomp_notif req;
  struct live_event ev;
  pid_t pid;
  int listener;
};

static void
held_open_start (struct held_open *h, const char *condition)
{
  static const struct container_identity ci = { 0 };
  char yaml[256];
  vigil_error_t err = NULL;

  memset (h, 0, sizeof *h);
  snprintf (yaml, sizeof yaml, "- rule: r\n  desc: d\n  condition: %s\n  output: o\n  priority: INFO\n", condition);
  h->rs = compile (yaml);
  ck_assert_int_eq (seccomp_program_build (h->rs, &h->p, &err), 0);
  h->src = live_source_new (&ci);
  h->st = eval_state_new (h->rs);
  h->listener = first_notification (&h->p, &h->pid, &h->req);
  live_event_init (&h->ev, h->src, &h->req, h->listener, 1, "h", &h->arena);
}

static size_t
held_open_evaluate (struct held_open *h)
{
  eval_state_reset (h->st);
  return rules_evaluate (h->rs, h->st, &h->ev.base, &h->m);
}

static void
held_open_end (struct held_open *h)
{
  int status;

  close (h->listener);
  waitpid (h->pid, &status, 0);
  match_set_free (&h->m);
  arena_free (&h->arena);
  eval_state_free (h->st);
  live_source_free (h->src);
  seccomp_program_free (&h->p);
  ruleset_free (h->rs);
}

/* Reads checked by the answer (live_event_check_at_answer): what they
 * found may be reported when the answer landed, and not when the
 * notifier was gone by then (its pid could have been reused under the
 * reads), unless nothing was read of it. */
START_TEST (test_reads_checked_by_answer)
{
  static const struct {
    const char *condition;
    bool kill_first, reportable;
  } cases[] = {
    { "evt.type=openat and fd.name=/etc/hostname", false, true },
    { "evt.type=openat and fd.name=/etc/hostname", true, false },
    { "evt.type=openat", true, true }, /* nothing read of the target */
  };

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      struct held_open h;
      int status;

      held_open_start (&h, cases[i].condition);
      live_event_check_at_answer (&h.ev);
      ck_assert_uint_eq (held_open_evaluate (&h), 1);
      if (cases[i].kill_first)
        {
          kill (h.pid, SIGKILL);
          ck_assert_int_eq (waitpid (h.pid, &status, 0), h.pid);
        }
      bool landed = seccomp_notif_continue (h.listener, h.req.id) == 0;
      ck_assert_msg (landed == !cases[i].kill_first, "case %zu", i);
      ck_assert_msg (live_event_answered (&h.ev, landed) == cases[i].reportable, "case %zu", i);
      if (!cases[i].kill_first)
        {
          ck_assert_int_eq (waitpid (h.pid, &status, 0), h.pid);
          ck_assert (WIFEXITED (status) && WEXITSTATUS (status) == 0);
        }
      held_open_end (&h);
    }
}
END_TEST

/* What a decision about an open read (live_event_pure): only fields that
 * follow from the call's registers, its path and the run's constants
 * let it be remembered (decision_cache.h). */
START_TEST (test_pure_decisions)
{
  static const struct {
    const char *condition;
    bool pure, read_path;
  } cases[] = {
    { "evt.type=openat and fd.name=/x", true, true },
    { "evt.type=openat and fd.directory=/x and evt.arg.flags contains O_RDONLY", true, true },
    { "evt.type=openat and evt.hostname=elsewhere", true, false },
    { "evt.type=openat and container.id=x", true, false },
    { "evt.type=openat and proc.name=nobody", false, false },
    { "evt.type=openat and user.uid=12345", false, false },
    { "evt.type=openat and fd.typechar=d", false, true }, /* the file's type can change */
    { "evt.type=openat and evt.num=0", false, false },
  };

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      struct held_open h;
      struct decision_key k;
      bool read_path;

      held_open_start (&h, cases[i].condition);
      ck_assert_uint_eq (held_open_evaluate (&h), 0);
      ck_assert_msg (live_event_pure (&h.ev, &read_path) == cases[i].pure, "case %zu: pure", i);
      ck_assert_msg (read_path == cases[i].read_path, "case %zu: read the path", i);
      ck_assert (live_event_decision_key (&h.ev, &k) && live_event_decision_key_path (&h.ev, &k));
      ck_assert_str_eq (k.path, "/etc/hostname");
      ck_assert_uint_eq (k.args[1], 0); /* the path's address is no part of the call */
      ck_assert_int_eq (seccomp_notif_continue (h.listener, h.req.id), 0);
      held_open_end (&h);
    }
}
END_TEST

START_TEST (test_read_string_bounds)
{
  char buf[16];
  bool trunc;
  static const char s[] = "hello, world, this is long";
  ck_assert_int_eq (target_read_string (getpid (), (uintptr_t) "abc", buf, sizeof buf, &trunc), 3);
  ck_assert_str_eq (buf, "abc");
  ck_assert (!trunc);
  ck_assert_int_eq (target_read_string (getpid (), (uintptr_t) s, buf, sizeof buf, &trunc), 15);
  ck_assert (trunc);
  ck_assert_int_eq (target_read_string (getpid (), 0, buf, sizeof buf, &trunc), -1);
}
END_TEST

/* Whether this kernel gives a seccomp filter a notification listener
 * (tried in a child, which is left with the filter). */
static bool
notification_available (void)
{
  pid_t pid = fork ();
  if (pid == 0)
    {
      struct sock_filter allow = BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
      struct sock_fprog prog = { 1, &allow };
      if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        _exit (1);
      _exit (syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog) < 0);
    }
  int status;
  return pid > 0 && waitpid (pid, &status, 0) == pid && WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

int
main (void)
{
  Suite *s = suite_create ("seccomp");
  TCase *tc = tcase_create ("core");
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_read_string_bounds);
  if (notification_available ())
    {
      tcase_add_test (tc, test_openat_notified_and_answered);
      tcase_add_test (tc, test_socket_narrowed_by_domain);
      tcase_add_test (tc, test_io_uring_always_fails);
      tcase_add_test (tc, test_reads_checked_by_answer);
      tcase_add_test (tc, test_pure_decisions);
    }
  else
    printf ("SKIP: seccomp user notification unavailable: filter, notification and live-event tests not run\n");
  suite_add_tcase (s, tc);
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
