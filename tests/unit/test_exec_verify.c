/* Unit tests: when exec verification applies (exec_verify.c), and the
 * event it re-evaluates, which describes a process from /proc rather than
 * the syscall's arguments (event_live.c, held events).  The ptrace
 * sequence itself is exercised end to end by tests/e2e/exec_verify.sh. */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vigil/exec_verify.h"
#include "vigil/ruleset_defs.h"

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

static const char kill_sleep[] = "- rule: Kill sleep\n"
                                 "  desc: d\n"
                                 "  condition: evt.type = execve and proc.name = sleep and proc.cmdline = \"sleep 30\"\n"
                                 "    and proc.exepath endswith /sleep and proc.exe = sleep\n"
                                 "  output: o\n"
                                 "  priority: CRITICAL\n"
                                 "  action: kill\n";

static void
drop_alert (struct alert *a, void *ctx)
{
  (void) ctx;
  alert_free (a);
}

/* A verifier for rules `yaml` in `mode`, or NULL. */
static struct exec_verify *
verifier (const char *yaml, enum vigil_mode mode, struct engine *e, struct live_source **src)
{
  static const struct container_identity ci = { 0 };
  memset (e, 0, sizeof *e);
  e->rs = compile (yaml);
  e->cfg.mode = mode;
  *src = live_source_new (&ci);
  struct exec_verify_opts o = { e, *src, "h", drop_alert, NULL };
  return exec_verify_new (&o);
}

START_TEST (test_applies_only_to_enforced_exec)
{
  static const char *const cases[][2] = {
    { kill_sleep, "yes" },
    { "- rule: r\n  desc: d\n  condition: evt.type = execveat and proc.name = x\n  output: o\n  priority: ERROR\n"
      "  action: deny\n",
      "yes" },
    { "- rule: r\n  desc: d\n  condition: evt.type = execve and proc.name = x\n  output: o\n  priority: ERROR\n", "no" },
    { "- rule: r\n  desc: d\n  condition: evt.type = openat and fd.name = /x\n  output: o\n  priority: ERROR\n"
      "  action: deny\n",
      "no" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    for (int mode = MODE_ENFORCE; mode <= MODE_MONITOR; mode++)
      {
        struct engine e;
        struct live_source *src;
        struct exec_verify *v = verifier (cases[i][0], (enum vigil_mode) mode, &e, &src);
        bool want = strcmp (cases[i][1], "yes") == 0 && mode == MODE_ENFORCE;
        ck_assert_msg ((v != NULL) == want, "case %zu mode %d", i, mode);
        exec_verify_free (v);
        live_source_free (src);
        ruleset_free (e.rs);
      }
}
END_TEST

/* Answers nothing where it does not apply: another action, another type,
 * no verifier.  (Nothing is seized: the notification is not real.) */
START_TEST (test_answer_declines)
{
  struct engine e;
  struct live_source *src;
  struct exec_verify *v = verifier (kill_sleep, MODE_ENFORCE, &e, &src);
  struct seccomp_notif req = { .pid = (__u32) getpid () };
  bool landed;

  ck_assert_ptr_nonnull (v);
  ck_assert (!exec_verify_answer (v, -1, &req, evttype_lookup ("execve"), ACTION_DENY, &landed));
  ck_assert (!exec_verify_answer (v, -1, &req, evttype_lookup ("execve"), ACTION_KILL, &landed));
  ck_assert (!exec_verify_answer (v, -1, &req, evttype_lookup ("openat"), ACTION_LOG, &landed));
  /* execveat does what execve does: the rule on execve covers it. */
  ck_assert (e.rs->need[evttype_lookup ("execveat")].enforce);
  ck_assert (!exec_verify_answer (NULL, -1, &req, evttype_lookup ("execve"), ACTION_LOG, &landed));
  /* Exits are the reaper's; stops without a verifier are not exits. */
  ck_assert (!exec_verify_wait_status (v, 12345, 0));
  ck_assert (exec_verify_wait_status (NULL, 12345, 0x137f));
  exec_verify_free (v);
  live_source_free (src);
  ruleset_free (e.rs);
}
END_TEST

/* A held event names a process that has exec'd: its fields come from
 * /proc (the syscall's arguments are zero here, unreadable as memory). */
START_TEST (test_held_event_reads_the_new_program)
{
  pid_t child = fork ();
  if (child == 0)
    {
      execlp ("sleep", "sleep", "30", (char *) NULL);
      _exit (127);
    }
  ck_assert_int_gt (child, 0);
  char link[64], exe[4096] = "";
  snprintf (link, sizeof link, "/proc/%d/exe", (int) child);
  for (int i = 0; i < 500; i++)
    {
      ssize_t n = readlink (link, exe, sizeof exe - 1);
      exe[n > 0 ? n : 0] = '\0';
      if (n > 6 && strcmp (exe + n - 6, "/sleep") == 0)
        break;
      nanosleep (&(struct timespec){ 0, 10000000 }, NULL);
    }
  ck_assert_msg (strstr (exe, "sleep") != NULL, "the child did not exec sleep: %s", exe);

  static const struct container_identity ci = { 0 };
  struct ruleset *rs = compile (kill_sleep);
  struct live_source *src = live_source_new (&ci);
  struct eval_state *st = eval_state_new (rs);
  struct match_set m = { 0 };
  struct arena arena = { 0 };
  struct seccomp_notif req = { .pid = (__u32) child };
  struct live_event ev;

  live_event_init_held (&ev, src, &req, evttype_lookup ("execve"), 1, "h", &arena);
  eval_state_reset (st);
  rules_evaluate (rs, st, &ev.base, &m);
  ck_assert_int_eq (m.n, 1);
  ck_assert_int_eq (m.action, ACTION_KILL);
  ck_assert (!m.v[0].unknown);

  kill (child, SIGKILL);
  waitpid (child, NULL, 0);
  match_set_free (&m);
  arena_free (&arena);
  eval_state_free (st);
  live_source_free (src);
  ruleset_free (rs);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("exec_verify");
  TCase *tc = tcase_create ("core");
  tcase_add_test (tc, test_applies_only_to_enforced_exec);
  tcase_add_test (tc, test_answer_declines);
  tcase_add_test (tc, test_held_event_reads_the_new_program);
  suite_add_tcase (s, tc);
  SRunner *r = srunner_create (s);
  srunner_run_all (r, CK_NORMAL);
  int failed = srunner_ntests_failed (r);
  srunner_free (r);
  return failed ? 1 : 0;
}
