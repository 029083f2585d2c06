/* Unit tests: compiling rules and evaluating events (rules_compile.c,
 * rules_eval.c), through the loader, with Falco's semantics. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigil/engine.h"
#include "vigil/event.h"
#include "vigil/evttypes.h"
#include "vigil/rules.h"

#define UPSTREAM "../shared/falco"

struct fixture {
  struct diag_list d;
  struct ruleset *rs;
  struct eval_state *st;
  struct match_set m;
};

static struct ruleset *
compile_yaml (struct fixture *f, const char *yaml)
{
  struct rules_defs defs = { 0 };
  memset (f, 0, sizeof *f);
  rules_load_buffer (&defs, diag_intern (&f->d, "t.yaml"), yaml, strlen (yaml), &f->d);
  f->rs = rules_compile (&defs, NULL, &f->d);
  rules_defs_free (&defs);
  if (f->rs)
    f->st = eval_state_new (f->rs);
  return f->rs;
}

static void
fixture_free (struct fixture *f)
{
  eval_state_free (f->st);
  ruleset_free (f->rs);
  match_set_free (&f->m);
  diag_list_free (&f->d);
}

/* Evaluate one JSON event; returns the number of matches. */
static size_t
eval_json (struct fixture *f, const char *json)
{
  char msg[256];
  struct replay_event *re = replay_event_parse (json, strlen (json), "host", msg, sizeof msg);
  ck_assert_msg (re != NULL, "bad test event: %s", msg);
  eval_state_reset (f->st);
  size_t n = rules_evaluate (f->rs, f->st, replay_event_base (re), &f->m);
  replay_event_free (re);
  return n;
}

static bool
diag_has (const struct diag_list *d, enum diag_severity sev, const char *needle)
{
  for (size_t i = 0; i < d->n; i++)
    if (d->v[i].sev == sev && strstr (d->v[i].msg, needle))
      return true;
  return false;
}

static const struct diag *
diag_find (const struct diag_list *d, const char *needle)
{
  for (size_t i = 0; i < d->n; i++)
    if (strstr (d->v[i].msg, needle))
      return &d->v[i];
  return NULL;
}

#define RULE(name, cond, extra)                                                                    \
  "- rule: " name "\n  desc: d\n  condition: " cond "\n  output: \"o %proc.name\"\n"              \
  "  priority: WARNING\n" extra

START_TEST (test_basic_match_and_index)
{
  struct fixture f;
  ck_assert_ptr_nonnull (compile_yaml (&f, RULE ("shadow", "evt.type=openat and fd.name=/etc/shadow", "")
                                               RULE ("exec", "evt.type=execve and proc.name=sh", "")));
  int openat = evttype_lookup ("openat"), execve = evttype_lookup ("execve");
  ck_assert_uint_eq (f.rs->by_type[openat].n, 1);
  ck_assert_uint_eq (f.rs->by_type[execve].n, 1);
  ck_assert (f.rs->need[openat].needed);
  ck_assert (!f.rs->need[openat].enforce);
  ck_assert (!f.rs->need[evttype_lookup ("connect")].needed);
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"openat\",\"fd.name\":\"/etc/shadow\"}"), 1);
  ck_assert_str_eq (f.m.v[0].rule->name, "shadow");
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"openat\",\"fd.name\":\"/etc/passwd\"}"), 0);
  /* proc.name=sh but the wrong event type: the exec rule is not even evaluated. */
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"openat\",\"proc.name\":\"sh\"}"), 0);
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"execve\",\"proc.name\":\"sh\"}"), 1);
  fixture_free (&f);
}
END_TEST

START_TEST (test_list_defined_after_macro_expands)
{
  struct fixture f;
  ck_assert_ptr_nonnull (compile_yaml (&f, "- macro: is_shell\n  condition: proc.name in (shells)\n"
                                           "- list: shells\n  items: [bash, '\"zsh\"']\n"
                                           "- list: more\n  items: [shells, dash]\n" RULE (
                                               "r", "evt.type=execve and (is_shell or proc.name in (more))", "")));
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"execve\",\"proc.name\":\"bash\"}"), 1);
  /* An item written with quotes inside the YAML value compares unquoted. */
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"execve\",\"proc.name\":\"zsh\"}"), 1);
  /* A list may use the lists defined before it. */
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"execve\",\"proc.name\":\"dash\"}"), 1);
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"execve\",\"proc.name\":\"ls\"}"), 0);
  ck_assert (!diag_has (&f.d, DIAG_WARNING, "'shells' is not used"));
  fixture_free (&f);
}
END_TEST

START_TEST (test_macro_append_joins_without_parentheses)
{
  struct fixture f;
  /* "proc.name=a or proc.name=b and fd.name=x" is a or (b and x). */
  ck_assert_ptr_nonnull (compile_yaml (&f, "- macro: m\n  condition: proc.name=a or proc.name=b\n"
                                           "- macro: m\n  condition: and fd.name=x\n  append: true\n" RULE (
                                               "r", "evt.type=openat and (m)", "")));
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"openat\",\"proc.name\":\"a\",\"fd.name\":\"y\"}"), 1);
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"openat\",\"proc.name\":\"b\",\"fd.name\":\"y\"}"), 0);
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"openat\",\"proc.name\":\"b\",\"fd.name\":\"x\"}"), 1);
  fixture_free (&f);
}
END_TEST

START_TEST (test_exceptions)
{
  struct fixture f;
  ck_assert_ptr_nonnull (compile_yaml (
      &f, RULE ("r", "evt.type=openat and fd.name startswith /etc",
                "  exceptions:\n"
                "    - name: known\n      fields: [proc.name, fd.name]\n      comps: [=, in]\n"
                "      values:\n        - [cat, [/etc/hosts, /etc/resolv.conf]]\n"
                "    - name: procs\n      fields: proc.name\n      values: [ls, stat]\n")));
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"openat\",\"proc.name\":\"cat\",\"fd.name\":\"/etc/hosts\"}"), 0);
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"openat\",\"proc.name\":\"cat\",\"fd.name\":\"/etc/shadow\"}"), 1);
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"openat\",\"proc.name\":\"ls\",\"fd.name\":\"/etc/shadow\"}"), 0);
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"openat\",\"proc.name\":\"vi\",\"fd.name\":\"/etc/hosts\"}"), 1);
  fixture_free (&f);
}
END_TEST

START_TEST (test_missing_values_two_valued_for_log)
{
  struct fixture f;
  ck_assert_ptr_nonnull (compile_yaml (&f, RULE ("eq", "evt.type=openat and fd.name=/etc/shadow", "")
                                               RULE ("ne", "evt.type=openat and fd.name!=/etc/shadow", "")
                                               RULE ("not", "evt.type=openat and not fd.name=/etc/shadow", "")
                                               RULE ("ex", "evt.type=openat and fd.name exists", "")));
  /* Falco: with no value every comparison is false (even != and exists), `not` of it true. */
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"openat\"}"), 1);
  ck_assert_str_eq (f.m.v[0].rule->name, "not");
  /* An unreadable value (null) behaves the same for log rules. */
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"openat\",\"fd.name\":null}"), 1);
  ck_assert_str_eq (f.m.v[0].rule->name, "not");
  ck_assert (!f.m.v[0].unknown);
  fixture_free (&f);
}
END_TEST

START_TEST (test_three_valued_for_deny)
{
  struct fixture f;
  ck_assert_ptr_nonnull (compile_yaml (
      &f, RULE ("deny shadow", "evt.type=openat and fd.name=/etc/shadow", "  action: deny\n")
              RULE ("deny not tmp", "evt.type=openat and not fd.name startswith /tmp", "  action: deny\n")));
  /* Unreadable: the comparison is unknown and the deny applies, naming the field. */
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"openat\",\"fd.name\":null}"), 2);
  ck_assert (f.m.v[0].unknown);
  ck_assert_str_eq (f.m.v[0].unknown_field->key, "fd.name");
  ck_assert_int_eq (f.m.action, ACTION_DENY);
  /* Absent (the event has no such value) stays false: no fail-closed there. */
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"openat\"}"), 1);
  ck_assert_str_eq (f.m.v[0].rule->name, "deny not tmp");
  ck_assert (!f.m.v[0].unknown);
  /* Known values decide normally. */
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"openat\",\"fd.name\":\"/tmp/x\"}"), 0);
  fixture_free (&f);
}
END_TEST

START_TEST (test_strongest_action_wins)
{
  struct fixture f;
  ck_assert_ptr_nonnull (compile_yaml (&f, RULE ("log first", "evt.type=openat and fd.name=/s", "")
                                               RULE ("kill", "evt.type=openat and fd.name=/s", "  action: kill\n")
                                               RULE ("deny", "evt.type=openat and fd.name=/s", "  action: deny\n  errno: EACCES\n")));
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"openat\",\"fd.name\":\"/s\"}"), 3);
  ck_assert_str_eq (f.m.v[0].rule->name, "log first");
  ck_assert_int_eq (f.m.action, ACTION_KILL);
  ck_assert_str_eq (f.m.enforcing->name, "kill");
  ck_assert_int_eq (f.rs->rules[2].errno_value, EACCES);
  ck_assert_int_eq (f.rs->rules[0].errno_value, EPERM);
  ck_assert (f.rs->need[evttype_lookup ("openat")].enforce);
  fixture_free (&f);
}
END_TEST

START_TEST (test_deny_must_name_evttype)
{
  struct fixture f;
  ck_assert_ptr_null (compile_yaml (&f, RULE ("d", "proc.name=sh", "  action: deny\n")));
  ck_assert (diag_has (&f.d, DIAG_ERROR, "a deny/kill rule must name evt.type"));
  fixture_free (&f);

  /* A log rule on every type only warns, and is evaluated on every event. */
  ck_assert_ptr_nonnull (compile_yaml (&f, RULE ("l", "proc.name=sh", "")));
  ck_assert (diag_has (&f.d, DIAG_WARNING, "matches every event type"));
  ck_assert (f.rs->rules[0].all_types);
  ck_assert (!f.rs->need[evttype_lookup ("execve")].needed);
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"execve\",\"proc.name\":\"sh\"}"), 1);
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"no_such_type\",\"proc.name\":\"sh\"}"), 1);
  fixture_free (&f);
}
END_TEST

START_TEST (test_not_evttype_is_complement)
{
  struct fixture f;
  ck_assert_ptr_nonnull (compile_yaml (&f, RULE ("r", "evt.type in (open, openat) and not evt.type=open", "")));
  ck_assert (evttype_set_has (&f.rs->rules[0].types, evttype_lookup ("openat")));
  ck_assert (!evttype_set_has (&f.rs->rules[0].types, evttype_lookup ("open")));
  ck_assert_uint_eq (evttype_set_count (&f.rs->rules[0].types), 1);
  fixture_free (&f);
}
END_TEST

START_TEST (test_errors_with_locations)
{
  struct fixture f;
  const char *yaml = "- macro: a\n  condition: b\n"      /* lines 1-2 */
                     "- macro: b\n  condition: a\n"      /* lines 3-4 */
                     "- rule: cyc\n  desc: d\n  condition: evt.type=open and a\n  output: o\n  priority: INFO\n"
                     "- rule: undef\n  desc: d\n  condition: >\n    evt.type=open and\n    nosuch\n"
                     "  output: o\n  priority: INFO\n"
                     "- rule: field\n  desc: d\n  condition: evt.type=open and proc.nme=x\n  output: o\n  priority: INFO\n"
                     "- rule: op\n  desc: d\n  condition: evt.type=open and user.uid contains 0\n  output: o\n  priority: INFO\n"
                     "- rule: re\n  desc: d\n  condition: evt.type=open and proc.name regex \"(\"\n  output: o\n  priority: INFO\n";
  ck_assert_ptr_null (compile_yaml (&f, yaml));
  ck_assert (diag_has (&f.d, DIAG_ERROR, "cyclic"));
  const struct diag *u = diag_find (&f.d, "undefined macro 'nosuch'");
  ck_assert_ptr_nonnull (u);
  ck_assert_int_eq (u->loc.line, 14);
  ck_assert_int_eq (u->loc.col, 5);
  const struct diag *fe = diag_find (&f.d, "proc.nme");
  ck_assert_ptr_nonnull (fe);
  ck_assert_int_eq (fe->loc.line, 19);
  ck_assert_int_eq (fe->loc.col, 32);
  ck_assert (diag_has (&f.d, DIAG_ERROR, "contains"));
  ck_assert_ptr_nonnull (diag_find (&f.d, "user.uid"));
  ck_assert_ptr_nonnull (diag_find (&f.d, "proc.name:"));
  ck_assert_uint_ge (f.d.nerrors, 5);
  fixture_free (&f);
}
END_TEST

START_TEST (test_unsupported_field)
{
  struct fixture f;
  const struct field_def *cpu = fields_lookup ("evt.cpu");
  ck_assert_ptr_nonnull (cpu);
  ck_assert_int_eq (cpu->avail, FIELD_UNSUPPORTED);
  ck_assert_ptr_nonnull (compile_yaml (&f, RULE ("l", "evt.type=openat and evt.cpu=1", "")));
  ck_assert (diag_has (&f.d, DIAG_WARNING, "evt.cpu"));
  ck_assert (!f.rs->rules[0].enabled);
  ck_assert_uint_eq (f.rs->nskipped, 1);
  fixture_free (&f);
  ck_assert_ptr_null (compile_yaml (&f, RULE ("d", "evt.type=openat and evt.cpu=1", "  action: kill\n")));
  ck_assert (diag_has (&f.d, DIAG_ERROR, "cannot supply"));
  fixture_free (&f);
}
END_TEST

START_TEST (test_skip_if_unknown_filter)
{
  struct fixture f;
  ck_assert_ptr_nonnull (compile_yaml (&f, RULE ("s", "evt.type=openat and fd.nosuch=1", "  skip-if-unknown-filter: true\n")));
  ck_assert (diag_has (&f.d, DIAG_WARNING, "skipped"));
  ck_assert (!f.rs->rules[0].enabled);
  fixture_free (&f);
}
END_TEST

START_TEST (test_seccomp_constraints)
{
  struct fixture f;
  ck_assert_ptr_nonnull (compile_yaml (
      &f, RULE ("sock", "evt.type=socket and evt.arg.domain in (AF_INET, AF_INET6)", "  action: deny\n")
              RULE ("sock2", "evt.type=socket and evt.arg.domain=AF_PACKET", "")
              RULE ("creat", "evt.type=openat and evt.arg.flags contains O_CREAT", "  action: deny\n")
              RULE ("open any", "evt.type=open and fd.name=/x", "")));
  const struct evttype_need *s = &f.rs->need[evttype_lookup ("socket")];
  ck_assert (s->needed && s->enforce);
  ck_assert_uint_eq (s->nconstraints, 1);
  ck_assert_str_eq (s->constraints[0].arg, "domain");
  ck_assert (!s->constraints[0].flags_any);
  ck_assert_uint_eq (s->constraints[0].nvalues, 3);
  const struct evttype_need *o = &f.rs->need[evttype_lookup ("openat")];
  ck_assert_uint_eq (o->nconstraints, 1);
  ck_assert (o->constraints[0].flags_any);
  ck_assert_uint_eq (o->constraints[0].mask, 0100);
  ck_assert_uint_eq (f.rs->need[evttype_lookup ("open")].nconstraints, 0);
  fixture_free (&f);
}
END_TEST


/* ---- syscall classes: a deny/kill rule holds on its syscall's siblings ---- */

static const struct rule *
rule_named (const struct ruleset *rs, const char *name)
{
  for (size_t i = 0; i < rs->nrules; i++)
    if (strcmp (rs->rules[i].name, name) == 0)
      return &rs->rules[i];
  return NULL;
}

START_TEST (test_class_widening)
{
  struct fixture f;
  ck_assert_ptr_nonnull (compile_yaml (&f, RULE ("deny opens", "evt.type=openat and fd.name startswith /sec/",
                                                 "  action: deny\n")
                                               RULE ("log opens", "evt.type=openat and fd.name=/x", "")));
  const struct rule *d = rule_named (f.rs, "deny opens"), *l = rule_named (f.rs, "log opens");
  static const char *const siblings[] = { "creat", "open", "openat2", "open_by_handle_at" };
  ck_assert_uint_eq (evttype_set_count (&d->types), 1);
  for (size_t i = 0; i < ARRAY_SIZE (siblings); i++)
    {
      int t = evttype_lookup (siblings[i]);
      ck_assert_msg (evttype_set_has (&d->enforced, t), "%s not enforced", siblings[i]);
      ck_assert (f.rs->need[t].enforce);
    }
  ck_assert_uint_eq (d->naliases, 4);
  ck_assert_int_eq (d->aliases[0].as, evttype_lookup ("openat"));
  /* A log rule is only about what it names. */
  ck_assert_uint_eq (evttype_set_count (&l->enforced), 1);
  ck_assert_uint_eq (l->naliases, 0);
  ck_assert (diag_has (&f.d, DIAG_WARNING,
                       "rule 'deny opens' is also enforced on creat, open, open_by_handle_at, openat2"));
  ck_assert (!diag_has (&f.d, DIAG_WARNING, "rule 'log opens' is also enforced"));
  fixture_free (&f);
}
END_TEST

START_TEST (test_class_sibling_presented_as_named)
{
  struct fixture f;
  ck_assert_ptr_nonnull (compile_yaml (
      &f, RULE ("no create", "evt.type=openat and evt.arg.flags contains O_CREAT and fd.name startswith /sec/",
                "  action: deny\n") RULE ("creat seen", "evt.type=creat and evt.arg.name startswith /sec/", "")
              RULE ("raw flags", "evt.type=openat and evt.rawarg.flags=577 and evt.rawarg.dirfd=-100",
                    "  action: kill\n")));
  /* creat presents itself as openat: flags O_WRONLY|O_CREAT|O_TRUNC, dirfd AT_FDCWD. */
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"creat\",\"fd.name\":\"/sec/a\",\"evt.arg.name\":\"/sec/a\"}"),
                     3);
  ck_assert_str_eq (f.m.v[0].rule->name, "no create");
  ck_assert (!f.m.v[0].unknown);
  /* The log rule, evaluated after, sees the syscall as it is. */
  ck_assert_str_eq (f.m.v[1].rule->name, "creat seen");
  ck_assert_int_eq (f.m.action, ACTION_KILL);
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"creat\",\"fd.name\":\"/other\"}"), 1);
  ck_assert_str_eq (f.m.v[0].rule->name, "raw flags");
  /* openat itself is evaluated as before. */
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"openat\",\"fd.name\":\"/sec/a\",\"evt.arg.flags\":\"O_RDONLY\"}"),
                     0);
  fixture_free (&f);
}
END_TEST

START_TEST (test_class_unobtainable_applies_deny)
{
  struct fixture f;
  ck_assert_ptr_nonnull (compile_yaml (
      &f, RULE ("names", "evt.type=openat and evt.arg.name startswith /sec/", "  action: deny\n")
              RULE ("ptrace", "evt.type=ptrace and evt.arg.request=PTRACE_POKEDATA", "  action: deny\n")));
  /* open_by_handle_at has no path: the rule cannot be decided, so it applies. */
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"open_by_handle_at\",\"evt.arg.flags\":\"O_RDONLY\"}"), 1);
  ck_assert (f.m.v[0].unknown);
  ck_assert_int_eq (f.m.action, ACTION_DENY);
  /* Nor does process_vm_writev say which ptrace request it amounts to. */
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"process_vm_writev\",\"evt.arg.pid\":\"12\"}"), 1);
  ck_assert (f.m.v[0].unknown);
  ck_assert_str_eq (f.m.v[0].rule->name, "ptrace");
  fixture_free (&f);
}
END_TEST

START_TEST (test_class_guards)
{
  struct fixture f;
  ck_assert_ptr_nonnull (compile_yaml (
      &f, RULE ("ns", "evt.type=unshare and evt.arg.flags contains CLONE_NEWNS", "  action: deny\n")
              RULE ("dup0", "evt.type=dup and evt.rawarg.fd=0", "  action: deny\n")));
  /* A clone without CLONE_NEW* flags is no namespace operation. */
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"clone\",\"evt.rawarg.flags\":17,\"evt.arg.flags\":\"0\"}"), 0);
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"clone\",\"evt.rawarg.flags\":131089,"
                                    "\"evt.arg.flags\":\"CLONE_NEWNS\"}"),
                     1);
  /* setns's nstype is unshare's flags. */
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"setns\",\"evt.arg.nstype\":\"CLONE_NEWNS\"}"), 1);
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"setns\",\"evt.arg.nstype\":\"CLONE_NEWNET\"}"), 0);
  /* fcntl is a dup only with F_DUPFD or F_DUPFD_CLOEXEC; its fd is dup's. */
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"fcntl\",\"evt.rawarg.cmd\":1,\"evt.rawarg.fd\":0}"), 0);
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"fcntl\",\"evt.rawarg.cmd\":1030,\"evt.rawarg.fd\":0}"), 1);
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"dup2\",\"evt.rawarg.oldfd\":0}"), 1);

  /* The filter: clone notified for CLONE_NEW* only, fcntl for F_DUPFD*,
   * clone3 enforced (the seccomp source answers it ENOSYS). */
  const struct evttype_need *c = &f.rs->need[evttype_lookup ("clone")];
  ck_assert (c->enforce);
  ck_assert_uint_eq (c->nconstraints, 1);
  ck_assert (c->constraints[0].flags_any);
  ck_assert_uint_eq (c->constraints[0].mask, 0x7e020000);
  const struct evttype_need *fc = &f.rs->need[evttype_lookup ("fcntl")];
  ck_assert_uint_eq (fc->nconstraints, 1);
  ck_assert_str_eq (fc->constraints[0].arg, "cmd");
  ck_assert_uint_eq (fc->constraints[0].nvalues, 2);
  ck_assert (f.rs->need[evttype_lookup ("clone3")].enforce);
  fixture_free (&f);
}
END_TEST

/* An open of /proc/<pid>/mem is a ptrace (it peeks or pokes the same
 * memory): the ptrace rule covers it, and only it. */
START_TEST (test_class_proc_mem_is_ptrace)
{
  struct fixture f;
  ck_assert_ptr_nonnull (compile_yaml (
      &f, RULE ("poke", "evt.type=ptrace and evt.arg.request=PTRACE_POKEDATA", "  action: deny\n")
              RULE ("opens or ptrace", "evt.type in (open, ptrace) and proc.name=evil", "  action: kill\n")));
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"openat\",\"fd.name\":\"/proc/12/mem\","
                                    "\"evt.arg.flags\":\"O_RDWR\",\"proc.name\":\"x\"}"),
                     1);
  ck_assert_str_eq (f.m.v[0].rule->name, "poke");
  ck_assert (f.m.v[0].unknown); /* which request an open amounts to is unknowable */
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"openat\",\"fd.name\":\"/proc/12/task/13/mem\","
                                    "\"evt.rawarg.flags\":1,\"proc.name\":\"x\"}"),
                     1);
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"creat\",\"fd.name\":\"/proc/self/mem\",\"proc.name\":\"x\"}"),
                     1);
  /* A read peeks: as much a ptrace. */
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"openat\",\"fd.name\":\"/proc/12/mem\","
                                    "\"evt.arg.flags\":\"O_RDONLY\",\"proc.name\":\"x\"}"),
                     1);
  /* Other files, O_PATH: no ptrace. */
  static const char *const not_ptrace[] = {
    "\"fd.name\":\"/proc/12/status\",\"evt.arg.flags\":\"O_RDWR\"",
    "\"fd.name\":\"/tmp/proc/12/mem\",\"evt.arg.flags\":\"O_WRONLY\"",
    "\"fd.name\":\"/proc/12/mem\",\"evt.rawarg.flags\":2097154",
  };
  for (size_t i = 0; i < sizeof not_ptrace / sizeof not_ptrace[0]; i++)
    {
      char json[256];
      snprintf (json, sizeof json, "{\"evt.type\":\"openat\",%s,\"proc.name\":\"x\"}", not_ptrace[i]);
      ck_assert_msg (eval_json (&f, json) == 0, "case %zu", i);
    }
  /* Unknown object: the deny applies. */
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"openat\",\"evt.arg.flags\":\"O_RDWR\",\"proc.name\":\"x\"}"), 1);
  /* A rule naming open and ptrace sees an openat both ways: as an open
   * for its proc.name, which matches whatever the file. */
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"openat\",\"fd.name\":\"/etc/passwd\","
                                    "\"evt.arg.flags\":\"O_RDONLY\",\"proc.name\":\"evil\"}"),
                     1);
  ck_assert_str_eq (f.m.v[0].rule->name, "opens or ptrace");
  ck_assert (!f.m.v[0].unknown);

  const struct evttype_need *o = &f.rs->need[evttype_lookup ("openat")];
  ck_assert (o->enforce);
  ck_assert_uint_eq (o->enforce_flags, 0); /* the open rule covers every openat */
  fixture_free (&f);

  ck_assert_ptr_nonnull (
      compile_yaml (&f, RULE ("poke", "evt.type=ptrace and evt.arg.request=PTRACE_POKEDATA", "  action: deny\n")));
  /* Any open may reach /proc/<pid>/mem (through a symlink, a dirfd): the
   * filter notifies them all. */
  o = &f.rs->need[evttype_lookup ("openat")];
  ck_assert (o->enforce);
  ck_assert_uint_eq (o->enforce_flags, 0);
  ck_assert_uint_eq (o->nconstraints, 0);
  ck_assert (!f.rs->need[evttype_lookup ("open_by_handle_at")].needed); /* procfs gives no handles */
  ck_assert (diag_has (&f.d, DIAG_WARNING, "process_vm_writev and opens of /proc/<pid>/mem,"));
  fixture_free (&f);
}
END_TEST

/* A rename is an unlink of the name it takes away and of the file its new
 * path names: a rule on unlink sees it once as each, with unlink's path
 * taken from oldpath, then newpath (a record does not say whether newpath
 * existed: fail closed).  A rule on rename is no rule on unlink. */
START_TEST (test_class_rename_is_unlink)
{
  struct fixture f;
  ck_assert_ptr_nonnull (compile_yaml (
      &f, RULE ("keep", "evt.type=unlink and evt.arg.path startswith /etc/", "  action: deny\n")
              RULE ("renames", "evt.type=renameat2 and evt.arg.newpath=/nowhere", "  action: deny\n")));
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"rename\",\"evt.arg.oldpath\":\"/etc/x\","
                                    "\"evt.arg.newpath\":\"/tmp/x\"}"),
                     1);
  ck_assert_str_eq (f.m.v[0].rule->name, "keep");
  ck_assert (!f.m.v[0].unknown);
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"renameat2\",\"evt.arg.oldpath\":\"/tmp/y\","
                                    "\"evt.arg.newpath\":\"/etc/x\"}"),
                     1);
  ck_assert_str_eq (f.m.v[0].rule->name, "keep");
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"renameat\",\"evt.arg.oldpath\":\"/tmp/y\","
                                    "\"evt.arg.newpath\":\"/tmp/z\"}"),
                     0);
  /* rename and renameat are renameat2's siblings; unlink is not one. */
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"rename\",\"evt.arg.oldpath\":\"/tmp/y\","
                                    "\"evt.arg.newpath\":\"/nowhere\"}"),
                     1);
  ck_assert_str_eq (f.m.v[0].rule->name, "renames");
  ck_assert_uint_eq (eval_json (&f, "{\"evt.type\":\"unlink\",\"evt.arg.path\":\"/nowhere\"}"), 0);
  ck_assert (diag_has (&f.d, DIAG_WARNING, "rule 'keep' is also enforced on rename, renameat, renameat2, rmdir, "
                                           "unlinkat,"));
  fixture_free (&f);
}
END_TEST

START_TEST (test_result_fields_marked)
{
  struct fixture f;
  ck_assert_ptr_nonnull (compile_yaml (&f, "- macro: ok\n  condition: fd.num>=0\n" RULE ("r", "evt.type=openat and ok", "")
                                               RULE ("s", "evt.type=openat and fd.name=/x", "")));
  ck_assert (f.rs->rules[0].result_assumed);
  ck_assert (!f.rs->rules[1].result_assumed);
  fixture_free (&f);
}
END_TEST

START_TEST (test_regex_limit_applies_deny)
{
  struct fixture f;
  ck_assert_ptr_nonnull (compile_yaml (&f, RULE ("d", "evt.type=openat and fd.name regex \"(a+)+$\"", "  action: deny\n")
                                               RULE ("l", "evt.type=openat and fd.name regex \"(a+)+$\"", "")));
  char ev[8192];
  int n = snprintf (ev, sizeof ev, "{\"evt.type\":\"openat\",\"fd.name\":\"");
  memset (ev + n, 'a', 5000);
  strcpy (ev + n + 5000, "b\"}");
  ck_assert_uint_eq (eval_json (&f, ev), 1);
  ck_assert_str_eq (f.m.v[0].rule->name, "d");
  ck_assert (f.m.v[0].unknown);
  fixture_free (&f);
}
END_TEST

static bool
upstream_present (void)
{
  if (access (UPSTREAM "/falco_rules.yaml", R_OK) == 0)
    return true;
  printf ("SKIP: upstream Falco rules not found\n");
  return false;
}

START_TEST (test_upstream_rules_compile)
{
  static const char *const files[] = { UPSTREAM "/falco_rules.yaml", UPSTREAM "/falco-incubating_rules.yaml",
                                       UPSTREAM "/falco-sandbox_rules.yaml" };
  if (!upstream_present ())
    return;
  struct rules_defs defs = { 0 };
  struct diag_list d = { 0 };
  for (size_t i = 0; i < 3; i++)
    rules_load_file (&defs, files[i], &d);
  struct ruleset *rs = rules_compile (&defs, NULL, &d);
  if (d.nerrors)
    diag_print (&d, stderr);
  ck_assert_uint_eq (d.nerrors, 0);
  ck_assert_ptr_nonnull (rs);
  ck_assert_uint_ge (rs->nenabled, 25);
  /* Every enabled rule of the upstream files names its event types. */
  for (size_t i = 0; i < rs->nrules; i++)
    if (rs->rules[i].enabled)
      ck_assert_msg (!rs->rules[i].all_types, "%s matches every type", rs->rules[i].name);
  ruleset_free (rs);
  rules_defs_free (&defs);
  diag_list_free (&d);
}
END_TEST

START_TEST (test_default_policy_compiles)
{
  struct engine e;
  struct engine_args args = { 0 };
  ck_assert_int_eq (engine_load (&e, &args), 0);
  ck_assert_uint_ge (e.rs->nenabled, 5);
  engine_free (&e);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("engine");
  TCase *tc = tcase_create ("core");
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_basic_match_and_index);
  tcase_add_test (tc, test_list_defined_after_macro_expands);
  tcase_add_test (tc, test_macro_append_joins_without_parentheses);
  tcase_add_test (tc, test_exceptions);
  tcase_add_test (tc, test_missing_values_two_valued_for_log);
  tcase_add_test (tc, test_three_valued_for_deny);
  tcase_add_test (tc, test_strongest_action_wins);
  tcase_add_test (tc, test_deny_must_name_evttype);
  tcase_add_test (tc, test_not_evttype_is_complement);
  tcase_add_test (tc, test_errors_with_locations);
  tcase_add_test (tc, test_unsupported_field);
  tcase_add_test (tc, test_skip_if_unknown_filter);
  tcase_add_test (tc, test_seccomp_constraints);
  tcase_add_test (tc, test_result_fields_marked);
  tcase_add_test (tc, test_class_widening);
  tcase_add_test (tc, test_class_sibling_presented_as_named);
  tcase_add_test (tc, test_class_unobtainable_applies_deny);
  tcase_add_test (tc, test_class_guards);
  tcase_add_test (tc, test_class_proc_mem_is_ptrace);
  tcase_add_test (tc, test_class_rename_is_unlink);
  tcase_add_test (tc, test_regex_limit_applies_deny);
  tcase_add_test (tc, test_upstream_rules_compile);
  tcase_add_test (tc, test_default_policy_compiles);
  suite_add_tcase (s, tc);
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
