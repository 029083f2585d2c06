/* vigil: tests of the rules-file loader: item kinds, Falco's
 * redefinition/append/override/enabled semantics, exceptions, positions
 * of diagnostics and conditions, the upstream Falco files, and bad input. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vigil/error.h"
#include "vigil/rules.h"
#include "vigil/ruleset_defs.h"

#define UPSTREAM_DIR "../shared/falco"

static int
load (struct rules_defs *defs, struct diag_list *d, const char *text)
{
  return rules_load_buffer (defs, "t.yaml", text, strlen (text), d);
}

/* Index of the first diagnostic mentioning part, or -1. */
static ssize_t
find_diag (const struct diag_list *d, const char *part)
{
  for (size_t i = 0; i < d->n; i++)
    if (strstr (d->v[i].msg, part))
      return (ssize_t) i;
  return -1;
}

/* Some diagnostic of severity sev at line:col mentions part. */
static void
expect_diag (const struct diag_list *d, enum diag_severity sev, int line, int col, const char *part)
{
  ssize_t i = find_diag (d, part);

  if (i < 0)
    {
      diag_print (d, stderr);
      ck_abort_msg ("no diagnostic mentions '%s'", part);
    }
  ck_assert_msg (d->v[i].sev == sev, "'%s' has the wrong severity", d->v[i].msg);
  ck_assert_msg (d->v[i].loc.line == line && d->v[i].loc.col == col, "'%s' at %d:%d, expected %d:%d", d->v[i].msg,
                 d->v[i].loc.line, d->v[i].loc.col, line, col);
}

static void
expect_clean (const struct diag_list *d)
{
  if (d->n)
    diag_print (d, stderr);
  ck_assert_uint_eq (d->n, 0);
}

static const struct rdef_rule *
find_rule (const struct rules_defs *defs, const char *name)
{
  for (size_t i = 0; i < defs->nrules; i++)
    if (strcmp (defs->rules[i].name, name) == 0)
      return &defs->rules[i];
  return NULL;
}

static const struct rdef_macro *
find_macro (const struct rules_defs *defs, const char *name)
{
  for (size_t i = 0; i < defs->nmacros; i++)
    if (strcmp (defs->macros[i].name, name) == 0)
      return &defs->macros[i];
  return NULL;
}

#define RULE_HEAD(name) "- rule: " name "\n  desc: d\n  output: o\n  priority: info\n"

/* ---- names ---- */

START_TEST (test_priority_and_action_names)
{
  enum priority p;
  enum action a;

  ck_assert_int_eq (priority_parse ("info", &p), 0);
  ck_assert_int_eq (p, PRIO_INFORMATIONAL);
  ck_assert_int_eq (priority_parse ("INFORMATIONAL", &p), 0);
  ck_assert_int_eq (p, PRIO_INFORMATIONAL);
  ck_assert_int_eq (priority_parse ("Emergency", &p), 0);
  ck_assert_int_eq (p, PRIO_EMERGENCY);
  ck_assert_int_eq (priority_parse ("warning", &p), 0);
  ck_assert_int_eq (p, PRIO_WARNING);
  ck_assert_int_eq (priority_parse ("DEBUG", &p), 0);
  ck_assert_int_eq (p, PRIO_DEBUG);
  ck_assert_int_eq (priority_parse ("warn", &p), -1);
  ck_assert_int_eq (priority_parse ("", &p), -1);
  ck_assert_str_eq (priority_name (PRIO_INFORMATIONAL), "Informational");
  ck_assert_str_eq (priority_name (PRIO_CRITICAL), "Critical");
  ck_assert_str_eq (priority_name (PRIO_DEBUG), "Debug");
  ck_assert_int_eq (action_parse ("deny", &a), 0);
  ck_assert_int_eq (a, ACTION_DENY);
  ck_assert_int_eq (action_parse ("KILL", &a), 0);
  ck_assert_int_eq (a, ACTION_KILL);
  ck_assert_int_eq (action_parse ("block", &a), -1);
  ck_assert_str_eq (action_name (ACTION_LOG), "log");
  ck_assert (ACTION_LOG < ACTION_DENY && ACTION_DENY < ACTION_KILL);
}
END_TEST

/* ---- item kinds ---- */

START_TEST (test_list)
{
  struct rules_defs defs = { 0 };
  struct diag_list d = { 0 };

  ck_assert_int_eq (load (&defs, &d, "# c\n- list: shells\n  items: [bash, \"z sh\", '']\n- list: none\n  items: []\n"),
                    0);
  expect_clean (&d);
  ck_assert_uint_eq (defs.nlists, 2);
  ck_assert_str_eq (defs.lists[0].name, "shells");
  ck_assert_uint_eq (defs.lists[0].nitems, 3);
  ck_assert_str_eq (defs.lists[0].items[0], "bash");
  ck_assert_str_eq (defs.lists[0].items[1], "z sh");
  ck_assert_str_eq (defs.lists[0].items[2], "");
  ck_assert_int_eq (defs.lists[0].loc.line, 2);
  ck_assert_int_eq (defs.lists[0].loc.col, 3);
  ck_assert_str_eq (defs.lists[0].loc.file, "t.yaml");
  ck_assert_int_eq (defs.lists[0].item_locs[1].line, 3);
  ck_assert_int_eq (defs.lists[0].item_locs[1].col, 17);
  ck_assert_uint_eq (defs.lists[1].nitems, 0);
  rules_defs_free (&defs);
  diag_list_free (&d);
}
END_TEST

START_TEST (test_macro)
{
  struct rules_defs defs = { 0 };
  struct diag_list d = { 0 };

  ck_assert_int_eq (load (&defs, &d, "- macro: spawned\n  condition: evt.type = execve\n"), 0);
  expect_clean (&d);
  ck_assert_uint_eq (defs.nmacros, 1);
  ck_assert_str_eq (defs.macros[0].name, "spawned");
  ck_assert_str_eq (defs.macros[0].cond.s, "evt.type = execve");
  ck_assert_int_eq (defs.macros[0].loc.line, 1);
  rules_defs_free (&defs);
  diag_list_free (&d);
}
END_TEST

START_TEST (test_rule_defaults)
{
  struct rules_defs defs = { 0 };
  struct diag_list d = { 0 };
  const struct rdef_rule *r;

  ck_assert_int_eq (load (&defs, &d,
                          "- rule: Shell\n"
                          "  desc: a shell\n"
                          "  condition: proc.name = bash\n"
                          "  output: \"  shell %proc.name  \"\n"
                          "  priority: WARNING\n"
                          "  tags: [zeta, alpha, zeta]\n"),
                    0);
  expect_clean (&d);
  ck_assert_uint_eq (defs.nrules, 1);
  r = &defs.rules[0];
  ck_assert_str_eq (r->name, "Shell");
  ck_assert_str_eq (r->desc, "a shell");
  ck_assert_str_eq (r->cond.s, "proc.name = bash");
  ck_assert_str_eq (r->output, "shell %proc.name"); /* trimmed, as Falco */
  ck_assert_int_eq (r->output_loc.line, 4);
  ck_assert_int_eq (r->output_loc.col, 14);
  ck_assert_int_eq (r->priority, PRIO_WARNING);
  /* Falco keeps tags in a set: sorted, no repeats */
  ck_assert_uint_eq (r->ntags, 2);
  ck_assert_str_eq (r->tags[0], "alpha");
  ck_assert_str_eq (r->tags[1], "zeta");
  ck_assert (r->enabled);
  ck_assert_str_eq (r->source, "syscall");
  ck_assert_int_eq (r->action, ACTION_LOG);
  ck_assert_int_eq (r->errno_value, EPERM);
  ck_assert (r->warn_evttypes);
  ck_assert (!r->skip_if_unknown_filter);
  ck_assert (r->complete);
  ck_assert_uint_eq (r->nexceptions, 0);
  ck_assert_int_eq (r->loc.line, 1);
  ck_assert_int_eq (r->loc.col, 3);
  rules_defs_free (&defs);
  diag_list_free (&d);
}
END_TEST

START_TEST (test_rule_all_keys)
{
  struct rules_defs defs = { 0 };
  struct diag_list d = { 0 };
  const struct rdef_rule *r;

  ck_assert_int_eq (load (&defs, &d,
                          RULE_HEAD ("R") "  condition: c\n  enabled: false\n  source: syscall\n"
                                          "  warn_evttypes: no\n  skip-if-unknown-filter: true\n"
                                          "  action: deny\n  errno: EACCES\n"
                          RULE_HEAD ("K") "  condition: c\n  action: kill\n"
                          RULE_HEAD ("N") "  condition: c\n  action: deny\n  errno: 2\n"),
                    0);
  expect_clean (&d);
  r = find_rule (&defs, "R");
  ck_assert (!r->enabled);
  ck_assert (!r->warn_evttypes);
  ck_assert (r->skip_if_unknown_filter);
  ck_assert_int_eq (r->action, ACTION_DENY);
  ck_assert_int_eq (r->errno_value, EACCES);
  ck_assert_int_eq (find_rule (&defs, "K")->action, ACTION_KILL);
  ck_assert_int_eq (find_rule (&defs, "N")->errno_value, ENOENT);
  rules_defs_free (&defs);
  diag_list_free (&d);
}
END_TEST

START_TEST (test_rule_bad_values)
{
  struct rules_defs defs = { 0 };
  struct diag_list d = { 0 };

  ck_assert_int_eq (load (&defs, &d,
                          "- rule: A\n  desc: d\n  output: o\n  priority: loud\n  condition: c\n"
                          "- rule: B\n  desc: d\n  output: o\n  priority: info\n  condition: c\n  action: block\n"
                          "- rule: C\n  desc: d\n  output: o\n  priority: info\n  condition: c\n  action: deny\n"
                          "  errno: EWHAT\n"
                          "- rule: D\n  desc: d\n  output: o\n  priority: info\n  condition: c\n  errno: EPERM\n"
                          "- rule: E\n  desc: d\n  output: o\n  priority: info\n  condition: c\n  errno: 0\n"),
                    -1);
  expect_diag (&d, DIAG_ERROR, 4, 13, "rule 'A': invalid priority 'loud'");
  expect_diag (&d, DIAG_ERROR, 11, 11, "rule 'B': invalid action 'block'");
  expect_diag (&d, DIAG_ERROR, 18, 10, "rule 'C': invalid errno 'EWHAT'");
  expect_diag (&d, DIAG_WARNING, 24, 10, "rule 'D': 'errno' only applies to rules with action 'deny'");
  expect_diag (&d, DIAG_ERROR, 30, 10, "rule 'E': invalid errno '0'");
  ck_assert_uint_eq (d.nerrors, 4);
  /* only D is valid */
  ck_assert_uint_eq (defs.nrules, 1);
  ck_assert_str_eq (defs.rules[0].name, "D");
  rules_defs_free (&defs);
  diag_list_free (&d);
}
END_TEST

START_TEST (test_missing_required_keys)
{
  struct rules_defs defs = { 0 };
  struct diag_list d = { 0 };

  ck_assert_int_eq (load (&defs, &d,
                          "- rule: R\n  desc: d\n  condition: c\n  priority: info\n"
                          "- macro: m\n  append: false\n"
                          "- list: l\n"
                          "- rule: Bare\n"),
                    -1);
  expect_diag (&d, DIAG_ERROR, 1, 3, "rule 'R': missing required key 'output'");
  expect_diag (&d, DIAG_ERROR, 5, 3, "macro 'm': missing required key 'condition'");
  expect_diag (&d, DIAG_ERROR, 7, 3, "list 'l': missing required key 'items'");
  expect_diag (&d, DIAG_ERROR, 8, 3, "rule 'Bare': missing required key 'condition'");
  expect_diag (&d, DIAG_ERROR, 8, 3, "rule 'Bare': missing required key 'priority'");
  ck_assert_uint_eq (d.nerrors, 7); /* Bare lacks four keys */
  ck_assert_uint_eq (defs.nrules + defs.nmacros + defs.nlists, 0);
  rules_defs_free (&defs);
  diag_list_free (&d);
}
END_TEST

START_TEST (test_wrong_types)
{
  struct rules_defs defs = { 0 };
  struct diag_list d = { 0 };

  ck_assert_int_eq (load (&defs, &d,
                          RULE_HEAD ("T") "  condition: c\n  tags: mytag\n"
                          RULE_HEAD ("E") "  condition: c\n  enabled: maybe\n"
                          RULE_HEAD ("C") "  condition: [a, b]\n"
                          RULE_HEAD ("Q") "  condition: \"\"\n"
                          RULE_HEAD ("N") "  condition:\n"
                          "- list: l\n  items: [a, [b]]\n"),
                    -1);
  expect_diag (&d, DIAG_ERROR, 6, 9, "rule 'T': key 'tags' must be a list, not a string");
  expect_diag (&d, DIAG_ERROR, 12, 12, "rule 'E': key 'enabled' must be a boolean (true or false), not 'maybe'");
  expect_diag (&d, DIAG_ERROR, 17, 14, "rule 'C': key 'condition' must be a string, not a sequence");
  expect_diag (&d, DIAG_ERROR, 22, 14, "rule 'Q': key 'condition' is empty");
  expect_diag (&d, DIAG_ERROR, 27, 13, "rule 'N': key 'condition' has no value");
  expect_diag (&d, DIAG_ERROR, 29, 14, "list 'l': the items of 'items' must be strings, found a sequence");
  ck_assert_uint_eq (d.nerrors, 6);
  ck_assert_uint_eq (defs.nrules, 0);
  rules_defs_free (&defs);
  diag_list_free (&d);
}
END_TEST

START_TEST (test_invalid_names)
{
  struct rules_defs defs = { 0 };
  struct diag_list d = { 0 };

  ck_assert_int_eq (load (&defs, &d,
                          "- list: \"my list\"\n  items: []\n"
                          "- macro: 1m\n  condition: c\n"
                          "- macro: ok_Name2\n  condition: c\n"
                          "- list: a.b-c/d\n  items: []\n"),
                    -1);
  expect_diag (&d, DIAG_ERROR, 1, 3, "list 'my list': invalid list name");
  expect_diag (&d, DIAG_ERROR, 3, 3, "macro '1m': invalid macro name");
  ck_assert_uint_eq (d.nerrors, 2);
  ck_assert_uint_eq (defs.nmacros, 1);
  ck_assert_uint_eq (defs.nlists, 1);
  rules_defs_free (&defs);
  diag_list_free (&d);
}
END_TEST

/* ---- redefinition, append ---- */

START_TEST (test_redefinition_keeps_position)
{
  struct rules_defs defs = { 0 };
  struct diag_list d = { 0 };

  ck_assert_int_eq (load (&defs, &d,
                          "- list: a\n  items: [1]\n- list: b\n  items: [2]\n- list: a\n  items: [3, 4]\n"
                          "- macro: m1\n  condition: x\n- macro: m2\n  condition: y\n- macro: m1\n  condition: z\n"
                          RULE_HEAD ("r1") "  condition: x\n" RULE_HEAD ("r2") "  condition: y\n"
                          "- rule: r1\n  desc: new\n  output: o2\n  priority: error\n  condition: z\n"),
                    0);
  expect_clean (&d);
  ck_assert_uint_eq (defs.nlists, 2);
  ck_assert_str_eq (defs.lists[0].name, "a");
  ck_assert_uint_eq (defs.lists[0].nitems, 2);
  ck_assert_str_eq (defs.lists[0].items[0], "3");
  ck_assert_int_eq (defs.lists[0].loc.line, 5);
  ck_assert_str_eq (defs.lists[1].name, "b");
  ck_assert_uint_eq (defs.nmacros, 2);
  ck_assert_str_eq (defs.macros[0].name, "m1");
  ck_assert_str_eq (defs.macros[0].cond.s, "z");
  ck_assert_str_eq (defs.macros[1].name, "m2");
  ck_assert_uint_eq (defs.nrules, 2);
  ck_assert_str_eq (defs.rules[0].name, "r1");
  ck_assert_str_eq (defs.rules[0].desc, "new");
  ck_assert_str_eq (defs.rules[0].cond.s, "z");
  ck_assert_int_eq (defs.rules[0].priority, PRIO_ERROR);
  ck_assert_str_eq (defs.rules[1].name, "r2");
  rules_defs_free (&defs);
  diag_list_free (&d);
}
END_TEST

START_TEST (test_redefinition_across_files)
{
  struct rules_defs defs = { 0 };
  struct diag_list d = { 0 };

  static const char one[] = "- macro: m\n  condition: a\n";

  ck_assert_int_eq (rules_load_buffer (&defs, "one.yaml", one, strlen (one), &d), 0);
  ck_assert_int_eq (load (&defs, &d, "- macro: m\n  condition: b\n  append: true\n"), 0);
  ck_assert_str_eq (defs.macros[0].cond.s, "a b");
  /* the appended part is located in the second file */
  ck_assert_str_eq (loctext_loc (&defs.macros[0].cond, 0).file, "one.yaml");
  ck_assert_str_eq (loctext_loc (&defs.macros[0].cond, 2).file, "t.yaml");
  ck_assert_int_eq (loctext_loc (&defs.macros[0].cond, 2).line, 2);
  ck_assert_int_eq (loctext_loc (&defs.macros[0].cond, 2).col, 14);
  rules_defs_free (&defs);
  diag_list_free (&d);
}
END_TEST

START_TEST (test_append)
{
  struct rules_defs defs = { 0 };
  struct diag_list d = { 0 };
  const struct rdef_rule *r;

  ck_assert_int_eq (load (&defs, &d,
                          "- list: l\n  items: [a]\n- list: l\n  items: [b, c]\n  append: true\n"
                          "- macro: m\n  condition: x or y\n- macro: m\n  condition: or z\n  append: true\n"
                          RULE_HEAD ("r") "  condition: evt.type = open\n"
                          "- rule: r\n  condition: and proc.name = cat\n  output: ignored\n  append: true\n"),
                    0);
  ck_assert_uint_eq (defs.lists[0].nitems, 3);
  ck_assert_str_eq (defs.lists[0].items[2], "c");
  ck_assert_int_eq (defs.lists[0].item_locs[2].line, 4);
  ck_assert_str_eq (defs.macros[0].cond.s, "x or y or z"); /* one space, no parentheses */
  r = find_rule (&defs, "r");
  ck_assert_str_eq (r->cond.s, "evt.type = open and proc.name = cat");
  ck_assert_str_eq (r->output, "o"); /* legacy append only touches condition and exceptions */
  expect_diag (&d, DIAG_WARNING, 3, 3, "list 'l': 'append' key is deprecated");
  expect_diag (&d, DIAG_WARNING, 18, 3, "rule 'r': key 'output' is ignored with 'append: true'");
  ck_assert_uint_eq (d.nerrors, 0);
  rules_defs_free (&defs);
  diag_list_free (&d);
}
END_TEST

START_TEST (test_append_without_definition)
{
  struct rules_defs defs = { 0 };
  struct diag_list d = { 0 };

  ck_assert_int_eq (load (&defs, &d,
                          "- list: l\n  items: [b]\n  append: true\n"
                          "- macro: m\n  condition: z\n  append: true\n"
                          "- rule: r\n  condition: z\n  append: true\n"
                          "- rule: s\n  desc: d\n  override:\n    desc: replace\n"
                          "- rule: t\n  append: true\n"),
                    -1);
  expect_diag (&d, DIAG_ERROR, 1, 3, "list 'l': uses 'append'");
  expect_diag (&d, DIAG_ERROR, 4, 3, "macro 'm': uses 'append'");
  expect_diag (&d, DIAG_ERROR, 7, 3, "rule 'r': uses 'append' or 'override: <key>: append' but no rule by that name");
  expect_diag (&d, DIAG_ERROR, 10, 3, "rule 's': uses 'override: <key>: replace' but no rule by that name");
  expect_diag (&d, DIAG_ERROR, 14, 3, "rule 't': appended rule must have exceptions or condition property");
  ck_assert_uint_eq (d.nerrors, 5);
  rules_defs_free (&defs);
  diag_list_free (&d);
}
END_TEST

START_TEST (test_failed_definition_not_repeated)
{
  struct rules_defs defs = { 0 };
  struct diag_list d = { 0 };

  /* The broken definition is reported once; the append that needs it is
   * not reported again. */
  ck_assert_int_eq (load (&defs, &d,
                          "- macro: m\n  condition: [x]\n- macro: m\n  condition: y\n  append: true\n"
                          "- rule: r\n  desc: d\n  condition: c\n  priority: nope\n  output: o\n"
                          "- rule: r\n  enabled: false\n"
                          RULE_HEAD ("ok") "  condition: fine\n"),
                    -1);
  ck_assert_uint_eq (d.nerrors, 2);
  ck_assert_uint_eq (defs.nmacros, 0);
  ck_assert_uint_eq (defs.nrules, 1); /* items after errors still load */
  ck_assert_str_eq (defs.rules[0].name, "ok");
  rules_defs_free (&defs);
  diag_list_free (&d);
}
END_TEST

START_TEST (test_enabled_toggle)
{
  struct rules_defs defs = { 0 };
  struct diag_list d = { 0 };

  ck_assert_int_eq (load (&defs, &d, RULE_HEAD ("r") "  condition: c\n- rule: r\n  enabled: false\n"), 0);
  ck_assert (!defs.rules[0].enabled);
  ck_assert_uint_eq (defs.nrules, 1);
  ck_assert_str_eq (defs.rules[0].cond.s, "c");
  expect_diag (&d, DIAG_WARNING, 6, 3, "standalone 'enabled' key usage is deprecated");
  ck_assert_int_eq (load (&defs, &d, "- rule: r\n  enabled: true\n  tags: [x]\n"), 0);
  ck_assert (defs.rules[0].enabled);
  ck_assert_uint_eq (defs.rules[0].ntags, 0);
  expect_diag (&d, DIAG_WARNING, 3, 3, "key 'tags' is ignored in an item that only sets 'enabled'");
  ck_assert_int_eq (load (&defs, &d, "- rule: nope\n  enabled: false\n"), -1);
  expect_diag (&d, DIAG_ERROR, 1, 3, "rule 'nope': has 'enabled' key but no rule by that name");
  rules_defs_free (&defs);
  diag_list_free (&d);
}
END_TEST

/* ---- override ---- */

START_TEST (test_override_append_replace)
{
  struct rules_defs defs = { 0 };
  struct diag_list d = { 0 };
  const struct rdef_rule *r;

  ck_assert_int_eq (load (&defs, &d,
                          "- list: l\n  items: [a]\n"
                          "- list: l\n  items: [b]\n  override:\n    items: append\n"
                          "- list: k\n  items: [a]\n"
                          "- list: k\n  items: [z]\n  override:\n    items: replace\n"
                          "- macro: m\n  condition: a\n"
                          "- macro: m\n  condition: and b\n  override:\n    condition: append\n"
                          "- rule: r\n  desc: d1\n  condition: c1\n  output: o1\n  priority: info\n  tags: [t2]\n"
                          "- rule: r\n  condition: and c2\n  output: more\n  desc: d2\n  tags: [t1, t2]\n"
                          "  priority: critical\n  enabled: false\n  action: deny\n"
                          "  override:\n    condition: append\n    output: append\n    desc: append\n"
                          "    tags: append\n    priority: replace\n    enabled: replace\n    action: replace\n"),
                    0);
  ck_assert_uint_eq (d.nerrors, 0);
  ck_assert_uint_eq (defs.lists[0].nitems, 2);
  ck_assert_str_eq (defs.lists[0].items[1], "b");
  ck_assert_uint_eq (defs.lists[1].nitems, 1);
  ck_assert_str_eq (defs.lists[1].items[0], "z");
  ck_assert_str_eq (defs.macros[0].cond.s, "a and b");
  r = find_rule (&defs, "r");
  ck_assert_str_eq (r->cond.s, "c1 and c2");
  ck_assert_str_eq (r->output, "o1 more");
  ck_assert_str_eq (r->desc, "d1 d2");
  ck_assert_uint_eq (r->ntags, 2);
  ck_assert_str_eq (r->tags[0], "t1");
  ck_assert_str_eq (r->tags[1], "t2");
  ck_assert_int_eq (r->priority, PRIO_CRITICAL);
  ck_assert (!r->enabled);
  ck_assert_int_eq (r->action, ACTION_DENY);

  ck_assert_int_eq (load (&defs, &d,
                          "- rule: r\n  condition: new\n  output: \" o3 \"\n  desc: d3\n  tags: [x]\n"
                          "  warn_evttypes: false\n  skip-if-unknown-filter: true\n  errno: EACCES\n"
                          "  override:\n    condition: replace\n    output: replace\n    desc: replace\n"
                          "    tags: replace\n    warn_evttypes: replace\n    skip-if-unknown-filter: replace\n"
                          "    errno: replace\n"),
                    0);
  r = find_rule (&defs, "r");
  ck_assert_str_eq (r->cond.s, "new");
  ck_assert_str_eq (r->output, " o3 ");
  ck_assert_str_eq (r->desc, "d3");
  ck_assert_uint_eq (r->ntags, 1);
  ck_assert (!r->warn_evttypes);
  ck_assert (r->skip_if_unknown_filter);
  ck_assert_int_eq (r->errno_value, EACCES);
  ck_assert_int_eq (r->loc.line, 19); /* an update keeps the definition's location */
  ck_assert_uint_eq (defs.nrules, 1);
  rules_defs_free (&defs);
  diag_list_free (&d);
}
END_TEST

START_TEST (test_override_errors)
{
  struct rules_defs defs = { 0 };
  struct diag_list d = { 0 };

  ck_assert_int_eq (load (&defs, &d, RULE_HEAD ("r") "  condition: c\n"), 0);
  ck_assert_int_eq (load (&defs, &d,
                          /* desc present but not listed under override */
                          "- rule: r\n  condition: a\n  desc: x\n  override:\n    condition: append\n"
                          /* output listed but not present */
                          "- rule: r\n  condition: a\n  override:\n    condition: append\n    output: replace\n"
                          /* append and override together */
                          "- rule: r\n  condition: a\n  append: true\n  override:\n    condition: append\n"
                          /* an operation a key does not allow */
                          "- rule: r\n  priority: info\n  override:\n    priority: append\n"
                          "- rule: r\n  source: x\n  override:\n    source: replace\n"
                          "- rule: r\n  condition: a\n  override:\n    condition: merge\n"
                          /* no previous definition */
                          "- rule: q\n  condition: a\n  override:\n    condition: append\n"
                          "- macro: mm\n  condition: a\n  override:\n    condition: append\n"),
                    -1);
  expect_diag (&d, DIAG_ERROR, 3, 3, "rule 'r': unexpected key 'desc': no corresponding entry under 'override'");
  expect_diag (&d, DIAG_ERROR, 10, 5, "rule 'r': a replace override for 'output' was specified but 'output' is not");
  expect_diag (&d, DIAG_ERROR, 11, 3, "rule 'r': keys 'override' and 'append: true' cannot be used together");
  expect_diag (&d, DIAG_ERROR, 19, 5, "rule 'r': key 'priority' cannot be appended to, use 'replace' instead");
  expect_diag (&d, DIAG_ERROR, 23, 5, "rule 'r': key 'source' cannot be replaced");
  expect_diag (&d, DIAG_ERROR, 27, 16, "rule 'r': invalid override operation for key 'condition': 'merge'");
  expect_diag (&d, DIAG_ERROR, 28, 3, "rule 'q': uses 'append' or 'override: <key>: append' but no rule");
  expect_diag (&d, DIAG_ERROR, 32, 3, "macro 'mm': uses 'append'");
  ck_assert_uint_eq (d.nerrors, 8);
  /* nothing changed */
  ck_assert_str_eq (defs.rules[0].cond.s, "c");
  ck_assert_int_eq (defs.rules[0].priority, PRIO_INFORMATIONAL);
  rules_defs_free (&defs);
  diag_list_free (&d);
}
END_TEST

/* ---- exceptions ---- */

START_TEST (test_exceptions_parse)
{
  struct rules_defs defs = { 0 };
  struct diag_list d = { 0 };
  const struct rdef_rule *r;
  const struct rdef_exception *e;

  ck_assert_int_eq (load (&defs, &d,
                          RULE_HEAD ("r") "  condition: c\n"
                          "  exceptions:\n"
                          "    - name: pairs\n"
                          "      fields: [proc.name, fd.name]\n"
                          "      values:\n"
                          "        - [bash, /etc/x]\n"
                          "        - [\"sh\", [a, 'b c']]\n"
                          "    - name: ops\n"
                          "      fields: [proc.name, fd.directory]\n"
                          "      comps: [startswith, in]\n"
                          "      values: [[x, shell_dirs]]\n"
                          "    - name: single\n"
                          "      fields: proc.pname\n"
                          "      values: [sshd, 'cron', shells]\n"
                          "    - name: empty\n"
                          "      fields: proc.name\n"
                          "      comps: pmatch\n"),
                    0);
  expect_clean (&d);
  r = &defs.rules[0];
  ck_assert_uint_eq (r->nexceptions, 4);

  e = &r->exceptions[0];
  ck_assert_str_eq (e->name, "pairs");
  ck_assert_int_eq (e->loc.line, 7);
  ck_assert_int_eq (e->loc.col, 7);
  ck_assert (e->fields_is_list);
  ck_assert_uint_eq (e->nfields, 2);
  ck_assert_str_eq (e->fields[1], "fd.name");
  ck_assert_str_eq (e->comps[0], "="); /* default per field */
  ck_assert_str_eq (e->comps[1], "=");
  ck_assert_uint_eq (e->nvalues, 2);
  ck_assert_uint_eq (e->values[0].nitems, 2);
  ck_assert (!e->values[0].items[0].is_list);
  ck_assert_str_eq (e->values[0].items[1].strs[0], "/etc/x");
  ck_assert (!e->values[0].items[0].quoted[0]);
  ck_assert_int_eq (e->values[1].loc.line, 11);
  ck_assert_int_eq (e->values[1].loc.col, 11);
  ck_assert (e->values[1].items[0].quoted[0]); /* "sh" */
  ck_assert (e->values[1].items[1].is_list);
  ck_assert_uint_eq (e->values[1].items[1].n, 2);
  ck_assert_str_eq (e->values[1].items[1].strs[1], "b c");
  ck_assert (!e->values[1].items[1].quoted[0]);
  ck_assert (e->values[1].items[1].quoted[1]);

  e = &r->exceptions[1];
  ck_assert_str_eq (e->comps[0], "startswith");
  ck_assert_str_eq (e->comps[1], "in");
  ck_assert_str_eq (e->values[0].items[1].strs[0], "shell_dirs");
  ck_assert (!e->values[0].items[1].is_list);

  e = &r->exceptions[2];
  ck_assert (!e->fields_is_list);
  ck_assert_uint_eq (e->nfields, 1);
  ck_assert_str_eq (e->fields[0], "proc.pname");
  ck_assert_str_eq (e->comps[0], "in"); /* default for a single field */
  ck_assert_uint_eq (e->nvalues, 1);
  ck_assert_uint_eq (e->values[0].nitems, 1);
  ck_assert (e->values[0].items[0].is_list);
  ck_assert_uint_eq (e->values[0].items[0].n, 3);
  ck_assert_str_eq (e->values[0].items[0].strs[2], "shells");
  ck_assert (e->values[0].items[0].quoted[1]);
  ck_assert (!e->values[0].items[0].quoted[2]);

  e = &r->exceptions[3];
  ck_assert_str_eq (e->comps[0], "pmatch");
  ck_assert_uint_eq (e->nvalues, 0);
  rules_defs_free (&defs);
  diag_list_free (&d);
}
END_TEST

START_TEST (test_exceptions_errors)
{
  struct rules_defs defs = { 0 };
  struct diag_list d = { 0 };

  ck_assert_int_eq (load (&defs, &d,
                          RULE_HEAD ("r") "  condition: c\n"
                          "  exceptions:\n"
                          "    - name: a\n"
                          "      fields: [f1, f2]\n"
                          "      values: [[x, y], [z]]\n"
                          "    - name: b\n"
                          "      fields: [f1, f2]\n"
                          "      comps: [=]\n"
                          "    - name: c\n"
                          "      fields: [f1]\n"
                          "      comps: [like]\n"
                          "    - name: d\n"
                          "      fields: f1\n"
                          "      comps: '='\n"
                          "    - name: a\n"
                          "      fields: [f1]\n"
                          "    - name: e\n"
                          "      values: [[x]]\n"
                          "    - name: f\n"
                          "      fields: f1\n"
                          "      values: [[x]]\n"
                          "    - name: g\n"
                          "      fields: [f1]\n"
                          "      values: x\n"
                          "    - just a string\n"
                          RULE_HEAD ("s") "  condition: c\n  exceptions: {name: x}\n"),
                    -1);
  expect_diag (&d, DIAG_ERROR, 9, 24, "exception 'a': fields and values lists must have equal length");
  expect_diag (&d, DIAG_ERROR, 12, 14, "exception 'b': fields and comps lists must have equal length");
  expect_diag (&d, DIAG_ERROR, 15, 15, "exception 'c': 'like' is not a supported comparison operator");
  expect_diag (&d, DIAG_ERROR, 18, 14, "exception 'd': when fields is a single value, comps must be one of");
  expect_diag (&d, DIAG_ERROR, 19, 13, "rule 'r': exception names must be unique within a rule; 'a' is repeated");
  expect_diag (&d, DIAG_ERROR, 21, 7, "exception 'e': missing required key 'fields'");
  expect_diag (&d, DIAG_ERROR, 25, 16, "exception 'f': with a single field, 'values' must be a list of strings");
  expect_diag (&d, DIAG_ERROR, 28, 15, "exception 'g': key 'values' must be a list, not a string");
  expect_diag (&d, DIAG_ERROR, 29, 7, "rule 'r': each exception must be a mapping");
  expect_diag (&d, DIAG_ERROR, 35, 15, "rule 's': key 'exceptions' must be a list, not a mapping");
  ck_assert_uint_eq (defs.nrules, 0);
  rules_defs_free (&defs);
  diag_list_free (&d);
}
END_TEST

START_TEST (test_exceptions_append)
{
  struct rules_defs defs = { 0 };
  struct diag_list d = { 0 };
  const struct rdef_rule *r;

  ck_assert_int_eq (load (&defs, &d,
                          RULE_HEAD ("r") "  condition: c\n"
                          "  exceptions:\n"
                          "    - name: pairs\n"
                          "      fields: [proc.name, fd.name]\n"
                          "      values: [[a, b]]\n"
                          "    - name: single\n"
                          "      fields: proc.name\n"
                          "      values: [x]\n"
                          "- rule: r\n"
                          "  exceptions:\n"
                          "    - name: pairs\n"
                          "      values: [[c, d], [e, [f, g]]]\n"
                          "    - name: single\n"
                          "      values: [y, z]\n"
                          "    - name: fresh\n"
                          "      fields: [proc.pname]\n"
                          "      comps: [endswith]\n"
                          "      values: [[h]]\n"
                          "  override:\n"
                          "    exceptions: append\n"
                          "- rule: r\n"
                          "  condition: and more\n"
                          "  exceptions:\n"
                          "    - name: single\n"
                          "      values: [w]\n"
                          "  append: true\n"),
                    0);
  ck_assert_uint_eq (d.nerrors, 0);
  r = &defs.rules[0];
  ck_assert_str_eq (r->cond.s, "c and more");
  ck_assert_uint_eq (r->nexceptions, 3);
  ck_assert_uint_eq (r->exceptions[0].nvalues, 3);
  ck_assert_str_eq (r->exceptions[0].values[2].items[1].strs[1], "g");
  ck_assert_int_eq (r->exceptions[0].values[1].loc.line, 16);
  ck_assert_uint_eq (r->exceptions[1].nvalues, 1);
  ck_assert_uint_eq (r->exceptions[1].values[0].items[0].n, 4);
  ck_assert_str_eq (r->exceptions[1].values[0].items[0].strs[3], "w");
  ck_assert_str_eq (r->exceptions[2].name, "fresh");
  ck_assert_str_eq (r->exceptions[2].comps[0], "endswith");

  /* errors: fields on an existing exception, a new one without values,
   * values that do not fit the existing fields; nothing changes. */
  ck_assert_int_eq (load (&defs, &d,
                          "- rule: r\n"
                          "  condition: and never\n"
                          "  exceptions:\n"
                          "    - name: pairs\n"
                          "      fields: [x, y]\n"
                          "      values: [[1, 2]]\n"
                          "    - name: new\n"
                          "      fields: [x]\n"
                          "    - name: single\n"
                          "      values: [[1]]\n"
                          "  override:\n"
                          "    exceptions: append\n"
                          "    condition: append\n"),
                    -1);
  expect_diag (&d, DIAG_ERROR, 5, 15, "exception 'pairs': can not append exception fields to existing exception");
  expect_diag (&d, DIAG_WARNING, 7, 7, "exception 'new': overriding/appending exception with no values");
  expect_diag (&d, DIAG_ERROR, 7, 7, "exception 'new': a new exception must have values");
  expect_diag (&d, DIAG_ERROR, 10, 16, "exception 'single': with a single field");
  ck_assert_str_eq (r->cond.s, "c and more");
  ck_assert_uint_eq (r->nexceptions, 3);
  ck_assert_uint_eq (r->exceptions[0].nvalues, 3);

  /* replace: the new list of exceptions, complete, replaces the old */
  ck_assert_int_eq (load (&defs, &d,
                          "- rule: r\n  exceptions:\n    - name: only\n      fields: [a]\n      values: [[b]]\n"
                          "  override:\n    exceptions: replace\n"),
                    0);
  ck_assert_uint_eq (r->nexceptions, 1);
  ck_assert_str_eq (r->exceptions[0].name, "only");
  rules_defs_free (&defs);
  diag_list_free (&d);
}
END_TEST

/* ---- other items and file-level problems ---- */

START_TEST (test_unknown_key_and_item)
{
  struct rules_defs defs = { 0 };
  struct diag_list d = { 0 };

  ck_assert_int_eq (load (&defs, &d,
                          RULE_HEAD ("r") "  condition: c\n  colour: red\n  desc: twice\n  capture: true\n"
                          "- list: l\n  items: []\n  extra: 1\n"),
                    0);
  expect_diag (&d, DIAG_WARNING, 6, 3, "rule 'r': unknown key 'colour' in a rule (ignored)");
  expect_diag (&d, DIAG_WARNING, 7, 3, "rule 'r': key 'desc' appears twice in a rule; the first is used");
  expect_diag (&d, DIAG_WARNING, 8, 3, "rule 'r': key 'capture' is ignored: vigil does not record captures");
  expect_diag (&d, DIAG_WARNING, 11, 3, "list 'l': unknown key 'extra'");
  ck_assert_str_eq (defs.rules[0].desc, "d");

  ck_assert_int_eq (load (&defs, &d, "- rules: x\n- 42\n- [a]\n-\n- {}\n- list: after\n  items: [z]\n"), -1);
  expect_diag (&d, DIAG_ERROR, 1, 3, "unknown item 'rules'");
  expect_diag (&d, DIAG_ERROR, 2, 3, "unexpected string: each item of a rules file must be a mapping");
  expect_diag (&d, DIAG_ERROR, 3, 3, "unexpected sequence");
  expect_diag (&d, DIAG_ERROR, 5, 3, "empty item");
  ck_assert_uint_eq (d.nerrors, 4); /* the empty "-" is skipped, as by Falco */
  ck_assert_uint_eq (defs.nlists, 2);
  rules_defs_free (&defs);
  diag_list_free (&d);
}
END_TEST

START_TEST (test_top_level)
{
  struct rules_defs defs = { 0 };
  struct diag_list d = { 0 };

  ck_assert_int_eq (load (&defs, &d, ""), 0);
  ck_assert_int_eq (load (&defs, &d, "# only a comment\n"), 0);
  ck_assert_int_eq (load (&defs, &d, "---\n...\n"), 0);
  ck_assert_int_eq (load (&defs, &d, "[]\n"), 0);
  expect_clean (&d);
  ck_assert_int_eq (load (&defs, &d, "rule: x\ndesc: y\n"), -1);
  expect_diag (&d, DIAG_ERROR, 1, 1, "rules content must be a list of items");
  ck_assert_int_eq (load (&defs, &d, "just text\n"), -1);
  ck_assert_uint_eq (d.nerrors, 2);
  /* ydoc_load reads one document: a second one with content is an error,
   * never dropped silently; empty ones are harmless */
  ck_assert_int_eq (load (&defs, &d, "---\n- list: a\n  items: []\n---\n- list: b\n  items: []\n"), -1);
  expect_diag (&d, DIAG_ERROR, 5, 1, "a second YAML document");
  ck_assert_int_eq (load (&defs, &d, "---\n---\n- list: c\n  items: []\n"), -1);
  ck_assert_uint_eq (d.nerrors, 4);
  ck_assert_int_eq (load (&defs, &d, "---\n- list: d\n  items: []\n...\n---\n...\n"), 0);
  ck_assert_uint_eq (defs.nlists, 1);
  ck_assert_uint_eq (defs.nrules + defs.nmacros, 0);
  rules_defs_free (&defs);
  diag_list_free (&d);
}
END_TEST

START_TEST (test_plugin_requirements)
{
  struct rules_defs defs = { 0 };
  struct diag_list d = { 0 };

  ck_assert_int_eq (load (&defs, &d,
                          "- required_plugin_versions:\n"
                          "    - name: container\n"
                          "      version: 0.4.0\n"
                          "    - name: k8saudit-eks\n"
                          "      version: 0.1.0\n"
                          "      alternatives:\n"
                          "        - name: container\n"
                          "          version: 1.0.0\n"),
                    0);
  expect_clean (&d);
  ck_assert_int_eq (load (&defs, &d,
                          "- required_plugin_versions:\n"
                          "    - name: k8saudit\n"
                          "      version: 0.1.0\n"
                          "    - name: json\n"
                          "      version: latest\n"
                          "    - name: cloudtrail\n"
                          "- required_plugin_versions: container\n"
                          "- required_plugin_versions:\n"
                          "    - name: a\n"
                          "      version: 1.0.0\n"
                          "      alternatives: [{name: container, version: 1.0.0}, {name: a, version: 2.0.0}]\n"),
                    -1);
  expect_diag (&d, DIAG_ERROR, 2, 7, "rules require plugin 'k8saudit' which vigil does not provide");
  expect_diag (&d, DIAG_ERROR, 5, 16, "invalid required version 'latest' for plugin 'json'");
  expect_diag (&d, DIAG_ERROR, 6, 7, "missing required key 'version'");
  expect_diag (&d, DIAG_ERROR, 7, 29, "required_plugin_versions: the value must be a list");
  expect_diag (&d, DIAG_ERROR, 11, 57, "defined multiple alternative version requirements for plugin 'a'");
  ck_assert_uint_eq (d.nerrors, 5);
  rules_defs_free (&defs);
  diag_list_free (&d);
}
END_TEST

START_TEST (test_engine_version)
{
  struct rules_defs defs = { 0 };
  struct diag_list d = { 0 };

  ck_assert_int_eq (load (&defs, &d, "- required_engine_version: 0.26.0\n"), 0);
  ck_assert_str_eq (defs.required_engine_version, "0.26.0");
  ck_assert_int_eq (load (&defs, &d, "- required_engine_version: 30\n"), 0); /* 30 is 0.30.0 */
  ck_assert_str_eq (defs.required_engine_version, "30");
  ck_assert_int_eq (load (&defs, &d, "- required_engine_version: 0.10.1\n"), 0); /* lower: kept the highest */
  ck_assert_str_eq (defs.required_engine_version, "30");
  expect_clean (&d);
  ck_assert_int_eq (load (&defs, &d, "- required_engine_version: banana\n- required_engine_version: 1.2\n"), -1);
  expect_diag (&d, DIAG_ERROR, 1, 28, "unable to parse engine version 'banana'");
  expect_diag (&d, DIAG_ERROR, 2, 28, "unable to parse engine version '1.2'");
  rules_defs_free (&defs);
  diag_list_free (&d);
}
END_TEST

START_TEST (test_redefined_source)
{
  struct rules_defs defs = { 0 };
  struct diag_list d = { 0 };

  ck_assert_int_eq (load (&defs, &d, RULE_HEAD ("r") "  condition: c\n" RULE_HEAD ("r") "  condition: c\n"
                                     "  source: k8s_audit\n"),
                    -1);
  expect_diag (&d, DIAG_ERROR, 6, 3, "rule 'r': rule has been re-defined with a different source");
  rules_defs_free (&defs);
  diag_list_free (&d);
}
END_TEST

/* ---- condition locations ---- */

START_TEST (test_condition_locations)
{
  struct rules_defs defs = { 0 };
  struct diag_list d = { 0 };
  const struct rdef_macro *m;
  const struct rdef_rule *r;
  struct diag_loc l;
  const char *p;

  ck_assert_int_eq (load (&defs, &d,
                          "- macro: folded\n"
                          "  condition: >\n"
                          "    evt.type = open\n"
                          "      and proc.name = cat\n"
                          "- macro: quoted\n"
                          "  condition: \"fd.name = '/etc'\"\n"
                          RULE_HEAD ("r") "  condition: (folded)\n"
                          "- rule: r\n"
                          "  condition:   and quoted\n"
                          "  override: {condition: append}\n"),
                    0);
  ck_assert_uint_eq (d.nerrors, 0);
  m = find_macro (&defs, "folded");
  p = strstr (m->cond.s, "and");
  ck_assert_ptr_nonnull (p);
  l = loctext_loc (&m->cond, 0);
  ck_assert_int_eq (l.line, 3);
  ck_assert_int_eq (l.col, 5);
  l = loctext_loc (&m->cond, (size_t) (p - m->cond.s));
  ck_assert_int_eq (l.line, 4);
  ck_assert_int_eq (l.col, 7);
  m = find_macro (&defs, "quoted");
  p = strstr (m->cond.s, "/etc");
  l = loctext_loc (&m->cond, (size_t) (p - m->cond.s));
  ck_assert_int_eq (l.line, 6);
  ck_assert_int_eq (l.col, 26);
  r = find_rule (&defs, "r");
  ck_assert_str_eq (r->cond.s, "(folded) and quoted");
  p = strstr (r->cond.s, "quoted");
  l = loctext_loc (&r->cond, (size_t) (p - r->cond.s));
  ck_assert_int_eq (l.line, 13);
  ck_assert_int_eq (l.col, 20);
  ck_assert_int_eq (loctext_loc (&r->cond, 0).line, 11);
  rules_defs_free (&defs);
  diag_list_free (&d);
}
END_TEST

/* ---- parameters no matched event has (rules that silently never apply) ---- */

/* Load and compile text; the diagnostics in *d, the ruleset returned. */
static struct ruleset *
compile_text (struct diag_list *d, const char *text)
{
  struct rules_defs defs = { 0 };
  ck_assert_int_eq (load (&defs, d, text), 0);
  struct ruleset *rs = rules_compile (&defs, NULL, d);
  rules_defs_free (&defs);
  return rs;
}

START_TEST (test_params_never_true)
{
  struct diag_list d = { 0 };

  /* unlink's parameter is path: a deny rule on name never applies, an
   * error at the field; every such field is reported, in the macro where
   * it is written; a log rule only warns. */
  ck_assert_ptr_null (compile_text (&d, "- macro: named\n"
                                        "  condition: evt.arg.name startswith /etc\n"
                                        RULE_HEAD ("deny unlink") "  action: deny\n"
                                        "  condition: evt.type = unlink and (named or evt.rawarg.flags = 1)\n"
                                        RULE_HEAD ("log unlink")
                                        "  condition: evt.type=unlink and evt.arg[5] = x\n"));
  expect_diag (&d, DIAG_ERROR, 2, 14, "rule 'deny unlink': evt.arg.name is never true: no event of type unlink");
  expect_diag (&d, DIAG_ERROR, 8, 46, "rule 'deny unlink': evt.rawarg.flags is never true");
  expect_diag (&d, DIAG_WARNING, 13, 34, "rule 'log unlink': evt.arg[5] is never true: no event of type unlink "
                                         "has a parameter numbered 5");
  ck_assert_uint_eq (d.nerrors, 2);
  diag_list_free (&d);

  /* Each branch of an or is checked against its own types; parameters
   * some type has, types vigil knows no parameters of (setxattr: Falco
   * shows it as the generic syscall), and rules on every type pass. */
  struct ruleset *rs = compile_text (
      &d, RULE_HEAD ("branches") "  action: deny\n"
          "  condition: (evt.type = unlink and evt.arg.path = /x) or (evt.type = unlinkat and evt.arg.name = /x)\n"
          RULE_HEAD ("either") "  action: kill\n"
          "  condition: evt.type in (unlink, unlinkat) and evt.arg.name = /x and evt.arg[1] = /x\n"
          RULE_HEAD ("generic") "  action: deny\n"
          "  condition: evt.type = setxattr and evt.arg.whatever = x\n"
          RULE_HEAD ("no types") "  condition: evt.arg.name = x\n"
          RULE_HEAD ("negated") "  action: deny\n"
          "  condition: evt.type = unlinkat and not (evt.type = unlink and evt.arg.path = /x)\n");
  ck_assert_ptr_nonnull (rs);
  ck_assert_uint_eq (d.nerrors, 0);
  ck_assert_int_eq (find_diag (&d, "never true"), -1);
  ruleset_free (rs);
  diag_list_free (&d);

  /* The branch of unlink asks for unlinkat's name: an error, although
   * the rule's whole set has it. */
  ck_assert_ptr_null (compile_text (
      &d, RULE_HEAD ("crossed") "  action: deny\n"
          "  condition: (evt.type = unlink and evt.arg.name = /x) or (evt.type = unlinkat and evt.arg.name = /y)\n"));
  expect_diag (&d, DIAG_ERROR, 6, 37, "rule 'crossed': evt.arg.name is never true: no event of type unlink has");
  ck_assert_uint_eq (d.nerrors, 1);
  diag_list_free (&d);
}
END_TEST

static struct ruleset *
compile_text_for (struct diag_list *d, const char *text, enum compile_for target)
{
  struct rules_defs defs = { 0 };
  struct compile_opts opts = { .min_priority = PRIO_DEBUG, .target = target };
  ck_assert_int_eq (load (&defs, d, text), 0);
  struct ruleset *rs = rules_compile (&defs, &opts, d);
  rules_defs_free (&defs);
  return rs;
}

/* Rules reading parameters Falco's events have but vigil's live source
 * does not read (openat's fd is a result; execve's are not read; the
 * evt.arg[N] form is not answered live). */
static const char live_lacks[]
    = RULE_HEAD ("deny fd") "  action: deny\n"
      "  condition: evt.type in (open, openat) and evt.arg.fd = 3\n"
      RULE_HEAD ("kill exec") "  action: kill\n"
      "  condition: evt.type = execve and evt.arg.filename = /x\n"
      RULE_HEAD ("log index") "  condition: evt.type = unlink and evt.arg[0] = /x\n"
      RULE_HEAD ("live ok") "  action: deny\n"
      "  condition: evt.type in (execve, openat) and evt.arg.name = /x and evt.arg.flags contains O_CREAT\n";

START_TEST (test_params_never_true_live)
{
  struct diag_list d = { 0 };

  /* vigil run: deny/kill rules on them are errors at the field, each one
   * (the ruleset does not load); a log rule warns; a rule where some type
   * has it passes. */
  ck_assert_ptr_null (compile_text_for (&d, live_lacks, COMPILE_LIVE));
  expect_diag (&d, DIAG_ERROR, 6, 45, "rule 'deny fd': evt.arg.fd is never true under vigil run: vigil cannot read "
                                      "parameter fd of open, openat live");
  expect_diag (&d, DIAG_ERROR, 12, 36, "rule 'kill exec': evt.arg.filename is never true under vigil run");
  expect_diag (&d, DIAG_WARNING, 17, 36, "rule 'log index': evt.arg[0] is never true under vigil run: vigil cannot "
                                         "read parameter number 0 of unlink live");
  ck_assert_uint_eq (d.nerrors, 2);
  ck_assert_int_eq (find_diag (&d, "'live ok': evt.arg"), -1);
  diag_list_free (&d);

  /* validate: warnings (the rules may serve replay), nothing skipped. */
  struct ruleset *rs = compile_text_for (&d, live_lacks, COMPILE_CHECK);
  ck_assert_uint_eq (d.nerrors, 0);
  ck_assert_uint_eq (rs->nskipped, 0);
  expect_diag (&d, DIAG_WARNING, 6, 45, "rule 'deny fd': evt.arg.fd is not available to vigil run (it cannot read "
                                        "parameter fd of open, openat live): vigil run refuses this deny/kill rule");
  expect_diag (&d, DIAG_WARNING, 17, 36, "rule 'log index': evt.arg[0] is not available to vigil run");
  ck_assert_int_eq (find_diag (&d, "'live ok': evt.arg"), -1);
  ruleset_free (rs);
  diag_list_free (&d);

  /* replay reads recorded events, which carry them. */
  rs = compile_text_for (&d, live_lacks, COMPILE_REPLAY);
  ck_assert_uint_eq (d.nerrors, 0);
  ck_assert_int_eq (find_diag (&d, "vigil run"), -1);
  ruleset_free (rs);
  diag_list_free (&d);
}
END_TEST

/* ---- files ---- */

static char *
upstream (const char *name)
{
  char *path = NULL;
  if (asprintf (&path, "%s/%s", UPSTREAM_DIR, name) < 0)
    abort ();
  return path;
}

START_TEST (test_upstream_files)
{
  static const char *const files[] = { "falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml" };
  struct rules_defs all = { 0 };
  struct diag_list dall = { 0 };

  for (size_t i = 0; i < ARRAY_SIZE (files); i++)
    {
      char *path = upstream (files[i]);
      if (access (path, R_OK) != 0)
        {
          free (path);
          fprintf (stderr, "SKIP: upstream Falco rules not found in %s\n", UPSTREAM_DIR);
          return;
        }
      free (path);
    }
  for (size_t i = 0; i < ARRAY_SIZE (files); i++)
    {
      struct rules_defs defs = { 0 };
      struct diag_list d = { 0 };
      char *path = upstream (files[i]);
      ck_assert_int_eq (rules_load_file (&defs, path, &d), 0);
      expect_clean (&d);
      ck_assert_uint_gt (defs.nrules, 0);
      ck_assert_uint_gt (defs.nmacros, 0);
      ck_assert_ptr_nonnull (defs.required_engine_version);
      for (size_t k = 0; k < defs.nrules; k++)
        {
          ck_assert (defs.rules[k].complete);
          ck_assert_str_eq (defs.rules[k].loc.file, path);
          ck_assert_ptr_nonnull (defs.rules[k].cond.s);
        }
      ck_assert_int_eq (rules_load_file (&all, path, &dall), 0);
      free (path);
      rules_defs_free (&defs);
      diag_list_free (&d);
    }
  expect_clean (&dall);
  /* macros shared by the three files are redefined in place */
  for (size_t i = 0; i < all.nmacros; i++)
    for (size_t j = i + 1; j < all.nmacros; j++)
      ck_assert_str_ne (all.macros[i].name, all.macros[j].name);
  ck_assert_ptr_nonnull (find_rule (&all, "Terminal shell in container"));
  ck_assert_ptr_nonnull (find_macro (&all, "open_write"));
  rules_defs_free (&all);
  diag_list_free (&dall);
}
END_TEST

START_TEST (test_load_file_errors)
{
  struct rules_defs defs = { 0 };
  struct diag_list d = { 0 };
  char path[] = "/tmp/vigil-test-load-XXXXXX";
  int fd = mkstemp (path);
  static const char text[] = "- list: l\n  items: [a]\n- macro: 9\n  condition: x\n";

  ck_assert_int_ge (fd, 0);
  ck_assert_int_eq (write (fd, text, sizeof text - 1), (ssize_t) sizeof text - 1);
  close (fd);
  ck_assert_int_eq (rules_load_file (&defs, path, &d), -1);
  ck_assert_uint_eq (defs.nlists, 1);
  ck_assert_str_eq (defs.lists[0].loc.file, path);
  expect_diag (&d, DIAG_ERROR, 3, 3, "macro '9': invalid macro name");
  ck_assert_str_eq (d.v[0].loc.file, path);
  unlink (path);

  ck_assert_int_eq (rules_load_file (&defs, "/nonexistent/rules.yaml", &d), -1);
  expect_diag (&d, DIAG_ERROR, 0, 0, "cannot open rules file: No such file or directory");
  ck_assert_int_eq (rules_load_file (&defs, "/tmp", &d), -1);
  expect_diag (&d, DIAG_ERROR, 0, 0, "is a directory");
  rules_defs_free (&defs);
  diag_list_free (&d);
}
END_TEST

/* ---- bad input ---- */

START_TEST (test_garbage)
{
  static const char binary[] = "\x7f" "ELF\x02\x01\x01\x00\x00\xff\xfe- rule: \x01\x02";
  static const char *const texts[] = {
    "- rule: r\n  desc: [unterminated\n",
    "- list: l\n  items: [a, b\n",
    "- macro: m\n  condition: \"open\n",
    "- rule: x\n\tdesc: tab\n",
    "- &a [*a]\n",
    "- rule: &r {rule: *r, desc: *r, output: *r, priority: *r, condition: *r, exceptions: [*r]}\n",
    "- list: &l {list: *l, items: *l}\n",
    "- rule: r\n  desc: d\n  output: o\n  priority: info\n  condition: c\n"
    "  exceptions: &e [{name: x, fields: [a], values: [*e]}]\n",
    "- rule: r\n  desc: d\n  output: o\n  priority: info\n  condition: c\n"
    "  exceptions: [{name: x, fields: [a], values: &v [[*v]]}]\n",
    "- rule: r\n  override: &o {condition: *o}\n",
    "- rule: r\n  desc: d\n  output: o\n  priority: info\n  condition: c\n"
    "  exceptions: [{name: x, fields: [a, b], values: {a: b}}]\n",
    "%YAML 1.1\n%TAG ! tag:x,2000:\n--- !x\n- !x {list: !x a, items: !x []}\n",
    "- {? [a, b] : c, list: l, items: []}\n",
    "- list: \"a\\0b\"\n  items: [\"c\\0d\"]\n",
    "- rule: r\n  desc: d\n  output: o\n  priority: info\n  condition: \"x\\0y\"\n",
  };
  struct rules_defs defs = { 0 };
  struct diag_list d = { 0 };

  ck_assert_int_eq (rules_load_buffer (&defs, "bin", binary, sizeof binary - 1, &d), -1);
  ck_assert_uint_ge (d.nerrors, 1);
  for (size_t i = 0; i < ARRAY_SIZE (texts); i++)
    {
      size_t before = d.nerrors;
      int ret = load (&defs, &d, texts[i]);
      ck_assert_msg ((ret < 0) == (d.nerrors > before), "text %zu: return value and errors disagree", i);
      if (i < 11)
        ck_assert_msg (ret == -1, "text %zu loaded without error", i);
    }
  rules_defs_free (&defs);
  diag_list_free (&d);
}
END_TEST

START_TEST (test_deep_nesting)
{
  struct rules_defs defs = { 0 };
  struct diag_list d = { 0 };
  size_t depth = 100000;
  char *text = xmalloc (2 * depth + 16);
  char *p = text;
  time_t t0 = time (NULL);

  p += sprintf (p, "- list: l\n  items: ");
  memset (p, '[', depth);
  p[depth] = '\0';
  ck_assert_int_eq (load (&defs, &d, text), -1);
  expect_diag (&d, DIAG_ERROR, 2, 264, "YAML nested more than 256 levels deep");
  /* block nesting too */
  p = text;
  for (size_t i = 0; i < 5000; i++)
    p += sprintf (p, "- ");
  sprintf (p, "x\n");
  ck_assert_int_eq (load (&defs, &d, text), -1);
  ck_assert_uint_eq (d.nerrors, 2);
  ck_assert_int_le (time (NULL) - t0, 10);
  free (text);
  rules_defs_free (&defs);
  diag_list_free (&d);
}
END_TEST

START_TEST (test_alias_bomb)
{
  /* Each level repeats the previous one ten times: fully expanded it
   * would be 10^9 values.  It must stop quickly with an error. */
  static const char text[]
      = "- rule: r\n  desc: d\n  output: o\n  priority: info\n  condition: c\n"
        "  exceptions:\n"
        "    - name: e\n"
        "      fields: [a, b]\n"
        "      values: [&t0 [x, [1,2,3,4,5,6,7,8,9,0]]]\n"
        "- {list: l1, items: []}\n"
        "- &a1 {macro: m, condition: &c aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}\n"
        "- rule: r\n"
        "  exceptions:\n"
        "    - name: e\n"
        "      values: [*t0, *t0, *t0, *t0, *t0, *t0, *t0, *t0, *t0, *t0]\n"
        "  override: {exceptions: append}\n"
        "- &r2\n"
        "  rule: r\n"
        "  condition: *c\n"
        "  override: {condition: append}\n"
        "- &l2 [*r2, *r2, *r2, *r2, *r2, *r2, *r2, *r2, *r2, *r2]\n";
  struct rules_defs defs = { 0 };
  struct diag_list d = { 0 };
  struct rules_defs defs2 = { 0 };
  size_t n = 1 << 20;
  char *big = xmalloc (n * 6 + 4096);
  char *p = big;
  time_t t0 = time (NULL);

  /* first: aliases that stay small load fine */
  ck_assert_int_eq (load (&defs, &d, text), -1); /* a sequence item ("- &l2 [...]") is an error */
  ck_assert_uint_eq (defs.rules[0].exceptions[0].nvalues, 11);

  /* then: one macro appended to itself through a million aliases of an
   * item whose condition is large */
  p += sprintf (p, "- macro: m\n  condition: x\n- &a\n  macro: m\n  condition: &c \"");
  memset (p, 'y', 4000);
  p += 4000;
  p += sprintf (p, "\"\n  append: true\n");
  for (size_t i = 0; i < n; i++)
    p += sprintf (p, "- *a\n");
  ck_assert_int_eq (rules_load_buffer (&defs2, "bomb", big, (size_t) (p - big), &d), -1);
  ck_assert_int_ge (find_diag (&d, "expands to too much data"), 0);
  ck_assert_int_le (time (NULL) - t0, 60);
  free (big);
  rules_defs_free (&defs);
  rules_defs_free (&defs2);
  diag_list_free (&d);
}
END_TEST

START_TEST (test_million_items)
{
  struct rules_defs defs = { 0 };
  struct diag_list d = { 0 };
  size_t n = 1000000;
  char *text = xmalloc (n * 16 + 64);
  char *p = text;
  time_t t0 = time (NULL);

  p += sprintf (p, "- list: big\n  items:\n");
  for (size_t i = 0; i < n; i++)
    p += sprintf (p, "    - i%zu\n", i);
  ck_assert_int_eq (rules_load_buffer (&defs, "big", text, (size_t) (p - text), &d), 0);
  ck_assert_uint_eq (defs.lists[0].nitems, n);
  ck_assert_str_eq (defs.lists[0].items[n - 1], "i999999");
  ck_assert_int_eq (defs.lists[0].item_locs[n - 1].line, (int) n + 2);
  ck_assert_int_le (time (NULL) - t0, 60);
  free (text);
  rules_defs_free (&defs);
  diag_list_free (&d);
}
END_TEST

START_TEST (test_too_many_problems)
{
  struct rules_defs defs = { 0 };
  struct diag_list d = { 0 };
  size_t n = 20000;
  char *text = xmalloc (n * 32 + 256);
  char *p = text;

  /* errors: loading stops after a thousand */
  for (size_t i = 0; i < n; i++)
    p += sprintf (p, "- list: l%zu\n", i);
  ck_assert_int_eq (rules_load_buffer (&defs, "errs", text, (size_t) (p - text), &d), -1);
  ck_assert_uint_eq (d.nerrors, 1001);
  ck_assert_str_eq (d.v[d.n - 1].msg, "too many errors; stopped loading this file here");
  diag_list_free (&d);

  /* warnings: the rest are counted */
  p = text + sprintf (text, RULE_HEAD ("r") "  condition: c\n");
  for (size_t i = 0; i < n; i++)
    p += sprintf (p, "  k%zu: v\n", i);
  ck_assert_int_eq (rules_load_buffer (&defs, "warns", text, (size_t) (p - text), &d), 0);
  ck_assert_uint_eq (d.nwarnings, 10001);
  ck_assert_str_eq (d.v[d.n - 1].msg, "10000 more warnings not shown");
  ck_assert_uint_eq (defs.nrules, 1);
  free (text);
  rules_defs_free (&defs);
  diag_list_free (&d);
}
END_TEST

static Suite *
load_suite (void)
{
  Suite *s = suite_create ("rules_load");
  TCase *tc = tcase_create ("items");
  TCase *tu = tcase_create ("update");
  TCase *te = tcase_create ("exceptions");
  TCase *tf = tcase_create ("files");
  TCase *tb = tcase_create ("bad_input");

  tcase_add_test (tc, test_priority_and_action_names);
  tcase_add_test (tc, test_list);
  tcase_add_test (tc, test_macro);
  tcase_add_test (tc, test_rule_defaults);
  tcase_add_test (tc, test_rule_all_keys);
  tcase_add_test (tc, test_rule_bad_values);
  tcase_add_test (tc, test_missing_required_keys);
  tcase_add_test (tc, test_wrong_types);
  tcase_add_test (tc, test_invalid_names);
  tcase_add_test (tc, test_unknown_key_and_item);
  tcase_add_test (tc, test_top_level);
  tcase_add_test (tc, test_plugin_requirements);
  tcase_add_test (tc, test_engine_version);
  tcase_add_test (tc, test_condition_locations);
  tcase_add_test (tc, test_params_never_true);
  tcase_add_test (tc, test_params_never_true_live);
  suite_add_tcase (s, tc);

  tcase_add_test (tu, test_redefinition_keeps_position);
  tcase_add_test (tu, test_redefinition_across_files);
  tcase_add_test (tu, test_append);
  tcase_add_test (tu, test_append_without_definition);
  tcase_add_test (tu, test_failed_definition_not_repeated);
  tcase_add_test (tu, test_enabled_toggle);
  tcase_add_test (tu, test_override_append_replace);
  tcase_add_test (tu, test_override_errors);
  tcase_add_test (tu, test_redefined_source);
  suite_add_tcase (s, tu);

  tcase_add_test (te, test_exceptions_parse);
  tcase_add_test (te, test_exceptions_errors);
  tcase_add_test (te, test_exceptions_append);
  suite_add_tcase (s, te);

  tcase_add_test (tf, test_upstream_files);
  tcase_add_test (tf, test_load_file_errors);
  suite_add_tcase (s, tf);

  tcase_set_timeout (tb, 180);
  tcase_add_test (tb, test_garbage);
  tcase_add_test (tb, test_deep_nesting);
  tcase_add_test (tb, test_alias_bomb);
  tcase_add_test (tb, test_million_items);
  tcase_add_test (tb, test_too_many_problems);
  suite_add_tcase (s, tb);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (load_suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
