/* vigil: tests of the configuration: falco.yaml keys, vigil's own keys,
 * positions of errors and warnings, and -o overrides. */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigil/config.h"
#include "vigil/error.h"
#include "vigil/output.h"

#define UPSTREAM_DIR "../shared/falco"

static int
load (struct vigil_config *c, struct diag_list *d, const char *text)
{
  return config_load_buffer (c, "vigil.yaml", text, strlen (text), d);
}

/* The i-th diagnostic is of severity sev, at line:col, and mentions part. */
static void
expect_diag (const struct diag_list *d, size_t i, enum diag_severity sev, int line, int col, const char *part)
{
  ck_assert_msg (i < d->n, "diagnostic %zu missing (%zu in all)", i, d->n);
  ck_assert_msg (d->v[i].sev == sev, "diagnostic %zu '%s' has the wrong severity", i, d->v[i].msg);
  ck_assert_msg (strstr (d->v[i].msg, part) != NULL, "'%s' lacks '%s'", d->v[i].msg, part);
  ck_assert_int_eq (d->v[i].loc.line, line);
  ck_assert_int_eq (d->v[i].loc.col, col);
}

START_TEST (test_defaults)
{
  struct vigil_config c;

  config_init (&c);
  ck_assert_uint_eq (c.nrules_files, 0);
  ck_assert_int_eq (c.priority, PRIO_DEBUG);
  ck_assert (!c.json_output);
  ck_assert (c.json_include_output_property);
  ck_assert (c.json_include_tags_property);
  ck_assert (!c.json_include_message_property);
  ck_assert (c.json_include_output_fields_property);
  ck_assert (!c.time_format_iso_8601);
  ck_assert (c.stdout_output);
  ck_assert (!c.file_output.enabled);
  ck_assert_ptr_null (c.file_output.filename);
  ck_assert (!c.syslog_output);
  ck_assert (!c.program_output.enabled);
  ck_assert (!c.http_output.enabled);
  ck_assert_int_eq (c.rule_matching, RULE_MATCHING_FIRST);
  ck_assert_str_eq (c.log_level, "info");
  ck_assert_int_eq (c.mode, MODE_ENFORCE);
  ck_assert_ptr_null (c.hostname);
  ck_assert_int_eq (c.reopen_signal, SIGRTMAX);
  config_free (&c);
}
END_TEST

START_TEST (test_every_key)
{
  struct vigil_config c;
  struct diag_list d = { 0 };
  struct alert_style st;

  config_init (&c);
  ck_assert_int_eq (load (&c, &d,
                          "rules_files:\n"
                          "  - /etc/vigil/rules.yaml\n"
                          "  - /etc/vigil/rules.d\n"
                          "priority: warning\n"
                          "json_output: true\n"
                          "json_include_output_property: false\n"
                          "json_include_tags_property: no\n"
                          "json_include_message_property: yes\n"
                          "json_include_output_fields_property: off\n"
                          "time_format_iso_8601: True\n"
                          "stdout_output:\n  enabled: false\n"
                          "syslog_output: {enabled: true}\n"
                          "file_output:\n  enabled: true\n  keep_alive: true\n  filename: /var/log/vigil.txt\n"
                          "program_output:\n  enabled: true\n  keep_alive: false\n"
                          "  program: \"jq '{text: .output}' | curl -d @- https://example.invalid\"\n"
                          "http_output:\n  enabled: true\n  url: http://127.0.0.1:2801/\n  user_agent: x\n"
                          "rule_matching: all\n"
                          "log_level: debug\n"
                          "mode: monitor\n"
                          "hostname: web-1\n"
                          "reopen_signal: SIGHUP\n"),
                    0);
  ck_assert_uint_eq (d.n, 0);
  ck_assert_uint_eq (c.nrules_files, 2);
  ck_assert_str_eq (c.rules_files[0], "/etc/vigil/rules.yaml");
  ck_assert_str_eq (c.rules_files[1], "/etc/vigil/rules.d");
  ck_assert_int_eq (c.priority, PRIO_WARNING);
  ck_assert (c.json_output);
  ck_assert (!c.json_include_output_property);
  ck_assert (!c.json_include_tags_property);
  ck_assert (c.json_include_message_property);
  ck_assert (!c.json_include_output_fields_property);
  ck_assert (c.time_format_iso_8601);
  ck_assert (!c.stdout_output);
  ck_assert (c.syslog_output);
  ck_assert (c.file_output.enabled);
  ck_assert (c.file_output.keep_alive);
  ck_assert_str_eq (c.file_output.filename, "/var/log/vigil.txt");
  ck_assert (c.program_output.enabled);
  ck_assert (!c.program_output.keep_alive);
  ck_assert_str_eq (c.program_output.program, "jq '{text: .output}' | curl -d @- https://example.invalid");
  ck_assert (c.http_output.enabled);
  ck_assert_str_eq (c.http_output.url, "http://127.0.0.1:2801/");
  ck_assert_int_eq (c.rule_matching, RULE_MATCHING_ALL);
  ck_assert_str_eq (c.log_level, "debug");
  ck_assert_int_eq (c.mode, MODE_MONITOR);
  ck_assert_str_eq (c.hostname, "web-1");
  ck_assert_int_eq (c.reopen_signal, SIGHUP);

  config_alert_style (&c, &st);
  ck_assert (st.iso8601);
  ck_assert (!st.json_include_output);
  ck_assert (!st.json_include_tags);
  ck_assert (st.json_include_message);
  ck_assert (st.json_omit_output_fields);

  /* a later file overrides; its rules_files replaces the list */
  ck_assert_int_eq (load (&c, &d, "rules_files: /other.yaml\npriority: INFO\nmode: enforce\n"), 0);
  ck_assert_uint_eq (c.nrules_files, 1);
  ck_assert_str_eq (c.rules_files[0], "/other.yaml");
  ck_assert_int_eq (c.priority, PRIO_INFORMATIONAL);
  ck_assert_int_eq (c.mode, MODE_ENFORCE);
  config_free (&c);
  diag_list_free (&d);
}
END_TEST

START_TEST (test_legacy_rules_file)
{
  struct vigil_config c;
  struct diag_list d = { 0 };

  config_init (&c);
  ck_assert_int_eq (load (&c, &d, "rules_file:\n  - /a.yaml\n  - /b.yaml\n"), 0);
  ck_assert_uint_eq (c.nrules_files, 2);
  ck_assert_str_eq (c.rules_files[1], "/b.yaml");
  /* with both, Falco reads rules_files */
  ck_assert_int_eq (load (&c, &d, "rules_file: [/old.yaml]\nrules_files: [/new.yaml]\n"), 0);
  ck_assert_uint_eq (c.nrules_files, 1);
  ck_assert_str_eq (c.rules_files[0], "/new.yaml");
  ck_assert_int_eq (load (&c, &d, "rules_files: []\n"), 0);
  ck_assert_uint_eq (c.nrules_files, 0);
  ck_assert_uint_eq (d.n, 0);
  config_free (&c);
  diag_list_free (&d);
}
END_TEST

START_TEST (test_wrong_types)
{
  struct vigil_config c;
  struct diag_list d = { 0 };

  config_init (&c);
  ck_assert_int_eq (load (&c, &d,
                          "json_output: maybe\n"                /* 1 */
                          "priority: loud\n"                    /* 2 */
                          "file_output:\n"                      /* 3 */
                          "  enabled: [1]\n"                    /* 4 */
                          "  filename: {a: b}\n"                /* 5 */
                          "stdout_output: yes\n"                /* 6 */
                          "rule_matching: some\n"               /* 7 */
                          "mode: audit\n"                       /* 8 */
                          "reopen_signal: SIGKILL\n"            /* 9 */
                          "rules_files:\n  - {path: x}\n"       /* 10, 11 */
                          "log_level: chatty\n"                 /* 12 */
                          "time_format_iso_8601:\n"             /* 13 */
                          "hostname: [a]\n"),                   /* 14 */
                    -1);
  expect_diag (&d, 0, DIAG_ERROR, 1, 14, "json_output: expected a boolean, found 'maybe'");
  expect_diag (&d, 1, DIAG_ERROR, 2, 11, "priority: expected a priority");
  expect_diag (&d, 2, DIAG_ERROR, 4, 12, "file_output.enabled: expected a boolean, found a sequence");
  expect_diag (&d, 3, DIAG_ERROR, 5, 13, "file_output.filename: expected a string, found a mapping");
  expect_diag (&d, 4, DIAG_ERROR, 6, 16, "stdout_output: expected a mapping, found 'yes'");
  expect_diag (&d, 5, DIAG_ERROR, 7, 16, "rule_matching: expected 'first' or 'all', found 'some'");
  expect_diag (&d, 6, DIAG_ERROR, 8, 7, "mode: expected 'enforce' or 'monitor', found 'audit'");
  expect_diag (&d, 7, DIAG_ERROR, 9, 16, "reopen_signal: expected a catchable signal");
  expect_diag (&d, 8, DIAG_ERROR, 11, 5, "rules_files: expected a rules file or directory path, found a mapping");
  expect_diag (&d, 9, DIAG_ERROR, 12, 12, "log_level: expected a log level");
  expect_diag (&d, 10, DIAG_ERROR, 13, 22, "time_format_iso_8601: expected a boolean, found an empty value");
  expect_diag (&d, 11, DIAG_ERROR, 14, 11, "hostname: expected a string, found a sequence");
  ck_assert_uint_eq (d.n, 12);
  /* nothing was set from the bad values */
  ck_assert (!c.json_output);
  ck_assert_int_eq (c.priority, PRIO_DEBUG);
  ck_assert_int_eq (c.mode, MODE_ENFORCE);
  config_free (&c);
  diag_list_free (&d);
}
END_TEST

START_TEST (test_unknown_keys)
{
  struct vigil_config c;
  struct diag_list d = { 0 };

  config_init (&c);
  /* Falco's keys that vigil does not use are silent, whatever they hold */
  ck_assert_int_eq (load (&c, &d,
                          "webserver:\n  enabled: true\n  listen_port: 8765\n"
                          "engine: {kind: modern_ebpf}\n"
                          "plugins: [{name: container}]\n"
                          "append_output:\n  - suggested_output: true\n"
                          "http_output: {user_agent: x, insecure: true}\n"),
                    0);
  ck_assert_uint_eq (d.n, 0);
  /* anything else warns, at the key, and is not an error */
  ck_assert_int_eq (load (&c, &d,
                          "json_ouptut: true\n"
                          "file_output:\n"
                          "  enabled: true\n"
                          "  filname: /x\n"),
                    0);
  ck_assert_uint_eq (d.nerrors, 0);
  ck_assert_uint_eq (d.nwarnings, 2);
  expect_diag (&d, 0, DIAG_WARNING, 1, 1, "unknown key 'json_ouptut'");
  expect_diag (&d, 1, DIAG_WARNING, 4, 3, "unknown key 'file_output.filname'");
  ck_assert (c.file_output.enabled);
  config_free (&c);
  diag_list_free (&d);
}
END_TEST

START_TEST (test_bad_documents)
{
  struct vigil_config c;
  struct diag_list d = { 0 };

  config_init (&c);
  ck_assert_int_eq (load (&c, &d, "- a\n- b\n"), -1);
  expect_diag (&d, 0, DIAG_ERROR, 1, 1, "expected a mapping of settings, found a sequence");
  diag_list_free (&d);
  ck_assert_int_eq (load (&c, &d, "json_output: [true\n"), -1);
  ck_assert_str_eq (d.v[0].loc.file, "vigil.yaml");
  ck_assert_ptr_nonnull (strstr (d.v[0].msg, "YAML"));
  diag_list_free (&d);
  ck_assert_int_eq (load (&c, &d, "? [a, b]\n: 1\n"), -1);
  expect_diag (&d, 0, DIAG_ERROR, 1, 3, "expected a setting name, found a sequence");
  diag_list_free (&d);
  /* an empty file sets nothing */
  ck_assert_int_eq (load (&c, &d, ""), 0);
  ck_assert_int_eq (load (&c, &d, "# only a comment\n"), 0);
  ck_assert_uint_eq (d.n, 0);
  config_free (&c);
  diag_list_free (&d);
}
END_TEST

static const char *
upstream_dir (void)
{
  const char *env = getenv ("VIGIL_UPSTREAM_DIR");
  return env ? env : UPSTREAM_DIR;
}

START_TEST (test_falco_yaml)
{
  struct vigil_config c;
  struct diag_list d = { 0 };
  char path[4096];

  snprintf (path, sizeof path, "%s/falco.yaml", upstream_dir ());
  if (access (path, R_OK) != 0)
    {
      printf ("SKIP: upstream falco.yaml not found\n");
      return;
    }
  config_init (&c);
  ck_assert_int_eq (config_load_file (&c, path, &d), 0);
  diag_print (&d, stdout);
  ck_assert_uint_eq (d.nerrors, 0);
  ck_assert_uint_eq (d.nwarnings, 0);
  /* what falco.yaml says */
  ck_assert_uint_eq (c.nrules_files, 3);
  ck_assert_str_eq (c.rules_files[0], "/etc/falco/falco_rules.yaml");
  ck_assert_int_eq (c.priority, PRIO_DEBUG);
  ck_assert (!c.json_output);
  ck_assert (c.stdout_output);
  ck_assert (c.syslog_output);
  ck_assert (!c.file_output.enabled);
  ck_assert_str_eq (c.file_output.filename, "./events.txt");
  ck_assert_str_eq (c.http_output.url, "");
  ck_assert_int_eq (c.rule_matching, RULE_MATCHING_FIRST);
  ck_assert_str_eq (c.log_level, "info");
  config_free (&c);
  diag_list_free (&d);
}
END_TEST

START_TEST (test_load_file)
{
  struct vigil_config c;
  struct diag_list d = { 0 };
  char path[] = "/tmp/vigil-config-XXXXXX";
  int fd = mkstemp (path);
  const char *text = "json_output: true\nfile_output:\n  enabled: maybe\n";

  ck_assert_int_ge (fd, 0);
  ck_assert_int_eq (write (fd, text, strlen (text)), (ssize_t) strlen (text));
  close (fd);
  config_init (&c);
  ck_assert_int_eq (config_load_file (&c, path, &d), -1);
  ck_assert (c.json_output);
  ck_assert_str_eq (d.v[0].loc.file, path);
  expect_diag (&d, 0, DIAG_ERROR, 3, 12, "file_output.enabled: expected a boolean, found 'maybe'");
  unlink (path);
  diag_list_free (&d);
  ck_assert_int_eq (config_load_file (&c, "/nonexistent/vigil.yaml", &d), -1);
  ck_assert_ptr_nonnull (strstr (d.v[0].msg, "cannot open"));
  config_free (&c);
  diag_list_free (&d);
}
END_TEST

START_TEST (test_options)
{
  struct vigil_config c;
  struct diag_list d = { 0 };

  config_init (&c);
  ck_assert_int_eq (config_set_option (&c, "json_output=true", &d), 0);
  ck_assert_int_eq (config_set_option (&c, "file_output.enabled=yes", &d), 0);
  ck_assert_int_eq (config_set_option (&c, "file_output.filename=/tmp/a=b.txt", &d), 0);
  ck_assert_int_eq (config_set_option (&c, "program_output.program=jq '{text: .output}' | cat", &d), 0);
  ck_assert_int_eq (config_set_option (&c, "priority=error", &d), 0);
  ck_assert_int_eq (config_set_option (&c, "mode=monitor", &d), 0);
  ck_assert_int_eq (config_set_option (&c, "hostname=", &d), 0);
  ck_assert_int_eq (config_set_option (&c, "reopen_signal=SIGRTMAX-1", &d), 0);
  ck_assert_uint_eq (d.n, 0);
  ck_assert (c.json_output);
  ck_assert (c.file_output.enabled);
  ck_assert_str_eq (c.file_output.filename, "/tmp/a=b.txt");
  ck_assert_str_eq (c.program_output.program, "jq '{text: .output}' | cat");
  ck_assert_int_eq (c.priority, PRIO_ERROR);
  ck_assert_int_eq (c.mode, MODE_MONITOR);
  ck_assert_str_eq (c.hostname, "");
  ck_assert_int_eq (c.reopen_signal, SIGRTMAX - 1);

  /* rules_files appends, after what a file set */
  ck_assert_int_eq (load (&c, &d, "rules_files: [/etc/a.yaml]\n"), 0);
  ck_assert_int_eq (config_set_option (&c, "rules_files=/b.yaml", &d), 0);
  ck_assert_int_eq (config_set_option (&c, "rules_files[]=/c.yaml", &d), 0);
  ck_assert_uint_eq (c.nrules_files, 3);
  ck_assert_str_eq (c.rules_files[0], "/etc/a.yaml");
  ck_assert_str_eq (c.rules_files[1], "/b.yaml");
  ck_assert_str_eq (c.rules_files[2], "/c.yaml");

  /* a Falco key that vigil ignores only warns */
  ck_assert_int_eq (config_set_option (&c, "engine.kind=kmod", &d), 0);
  ck_assert_int_eq (config_set_option (&c, "http_output.insecure=true", &d), 0);
  ck_assert_uint_eq (d.nerrors, 0);
  ck_assert_uint_eq (d.nwarnings, 2);
  ck_assert_ptr_nonnull (strstr (d.v[0].msg, "'engine.kind' is a Falco setting"));
  ck_assert_str_eq (d.v[0].loc.file, "-o");
  config_free (&c);
  diag_list_free (&d);
}
END_TEST

static void
expect_bad_option (const char *kv, const char *part)
{
  struct vigil_config c;
  struct diag_list d = { 0 };

  config_init (&c);
  ck_assert_msg (config_set_option (&c, kv, &d) == -1, "-o %s should fail", kv);
  ck_assert_uint_eq (d.nerrors, 1);
  ck_assert_msg (strstr (d.v[0].msg, part) != NULL, "-o %s: '%s' lacks '%s'", kv, d.v[0].msg, part);
  ck_assert_str_eq (d.v[0].loc.file, "-o");
  /* the defaults are untouched */
  ck_assert (!c.json_output);
  ck_assert_uint_eq (c.nrules_files, 0);
  config_free (&c);
  diag_list_free (&d);
}

START_TEST (test_bad_options)
{
  expect_bad_option ("json_output", "expected KEY=VALUE");
  expect_bad_option ("=true", "expected KEY=VALUE");
  expect_bad_option ("json_output=maybe", "json_output: expected a boolean, found 'maybe'");
  expect_bad_option ("json_output=", "json_output: expected a boolean, found an empty value");
  expect_bad_option ("json_ouptut=true", "unknown key 'json_ouptut'");
  expect_bad_option ("file_output.nope=1", "unknown key 'file_output.nope'");
  expect_bad_option ("json_output.enabled=true", "unknown key 'json_output.enabled'");
  expect_bad_option ("file_output=true", "file_output: set its keys one by one");
  expect_bad_option ("json_output[]=true", "'[]' appends to a list");
  expect_bad_option ("priority=loud", "priority: expected a priority");
  expect_bad_option ("rule_matching=First", "rule_matching: expected 'first' or 'all'");
  expect_bad_option ("reopen_signal=SIGSTOP", "reopen_signal");
  expect_bad_option ("rules_files=", "rules_files: expected a rules file or directory path");
}
END_TEST

START_TEST (test_signals)
{
  int s = 0;

  ck_assert_int_eq (config_parse_signal ("SIGHUP", &s), 0);
  ck_assert_int_eq (s, SIGHUP);
  ck_assert_int_eq (config_parse_signal ("usr1", &s), 0);
  ck_assert_int_eq (s, SIGUSR1);
  ck_assert_int_eq (config_parse_signal ("SIGRTMAX", &s), 0);
  ck_assert_int_eq (s, SIGRTMAX);
  ck_assert_int_eq (config_parse_signal ("RTMIN+2", &s), 0);
  ck_assert_int_eq (s, SIGRTMIN + 2);
  ck_assert_int_eq (config_parse_signal ("10", &s), 0);
  ck_assert_int_eq (s, 10);
  ck_assert_int_eq (config_parse_signal ("SIGKILL", &s), -1);
  ck_assert_int_eq (config_parse_signal ("9", &s), -1);
  ck_assert_int_eq (config_parse_signal ("0", &s), -1);
  ck_assert_int_eq (config_parse_signal ("99999999999999999999", &s), -1);
  ck_assert_int_eq (config_parse_signal ("SIGRTMAX+1", &s), -1);
  ck_assert_int_eq (config_parse_signal ("SIGRTMIN+999", &s), -1);
  ck_assert_int_eq (config_parse_signal ("SIGFOO", &s), -1);
  ck_assert_int_eq (config_parse_signal ("", &s), -1);
}
END_TEST

static Suite *
config_suite (void)
{
  Suite *s = suite_create ("config");
  TCase *tc = tcase_create ("config");

  tcase_add_test (tc, test_defaults);
  tcase_add_test (tc, test_every_key);
  tcase_add_test (tc, test_legacy_rules_file);
  tcase_add_test (tc, test_wrong_types);
  tcase_add_test (tc, test_unknown_keys);
  tcase_add_test (tc, test_bad_documents);
  tcase_add_test (tc, test_falco_yaml);
  tcase_add_test (tc, test_load_file);
  tcase_add_test (tc, test_options);
  tcase_add_test (tc, test_bad_options);
  tcase_add_test (tc, test_signals);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (config_suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
