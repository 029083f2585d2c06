/* vigil: tests of the condition lexer and parser. */
#include <check.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yaml.h>

#include "vigil/cond.h"
#include "vigil/cond_lexer.h"
#include "vigil/error.h"

#define UPSTREAM_DIR "../shared/falco"

/* ---- helpers ---- */

static struct cond_node *
parse_ok (const char *text)
{
  struct cond_parse_error err;
  struct cond_node *n = cond_parse (text, strlen (text), &err);
  ck_assert_msg (n != NULL, "'%s' failed to parse at %zu: %s", text, err.offset, err.msg);
  return n;
}

static void
expect_error (const char *text, size_t offset, const char *msg_part)
{
  struct cond_parse_error err;
  struct cond_node *n = cond_parse (text, strlen (text), &err);
  ck_assert_msg (n == NULL, "'%s' should not parse", text);
  ck_assert_msg (strstr (err.msg, msg_part) != NULL, "'%s': message '%s' lacks '%s'", text, err.msg, msg_part);
  ck_assert_msg (err.offset == offset, "'%s': offset %zu, expected %zu (%s)", text, err.offset, offset, err.msg);
}

static char *
render (const char *text)
{
  struct cond_node *n = parse_ok (text);
  char *s = cond_to_string (n);
  cond_free (n);
  return s;
}

static void
expect_render (const char *text, const char *want)
{
  char *s = render (text);
  ck_assert_msg (strcmp (s, want) == 0, "'%s' rendered as '%s', expected '%s'", text, s, want);
  free (s);
}

static bool
str_eq (const char *a, const char *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return strcmp (a, b) == 0;
}

static bool
field_eq (const struct cond_field *a, const struct cond_field *b)
{
  if (!str_eq (a->name, b->name) || !str_eq (a->arg, b->arg) || a->ntr != b->ntr)
    return false;
  for (int i = 0; i < a->ntr; i++)
    if (a->tr[i] != b->tr[i])
      return false;
  return true;
}

static bool
value_eq (const struct cond_value *a, const struct cond_value *b)
{
  if (a->is_field != b->is_field || a->quoted != b->quoted || !str_eq (a->str, b->str))
    return false;
  return !a->is_field || field_eq (&a->field, &b->field);
}

/* Structural equality, ignoring offsets. */
static bool
tree_eq (const struct cond_node *a, const struct cond_node *b)
{
  if (a->kind != b->kind)
    return false;
  switch (a->kind)
    {
    case COND_AND:
    case COND_OR:
      if (a->u.list.n != b->u.list.n)
        return false;
      for (size_t i = 0; i < a->u.list.n; i++)
        if (!tree_eq (a->u.list.kids[i], b->u.list.kids[i]))
          return false;
      return true;
    case COND_NOT:
      return tree_eq (a->u.kid, b->u.kid);
    case COND_MACRO:
      return str_eq (a->u.ident.name, b->u.ident.name);
    case COND_CMP:
      if (!field_eq (&a->u.cmp.lhs, &b->u.cmp.lhs) || a->u.cmp.op != b->u.cmp.op
          || a->u.cmp.nvals != b->u.cmp.nvals || a->u.cmp.is_list != b->u.cmp.is_list)
        return false;
      for (size_t i = 0; i < a->u.cmp.nvals; i++)
        if (!value_eq (&a->u.cmp.vals[i], &b->u.cmp.vals[i]))
          return false;
      return true;
    }
  return false;
}

/* Render, parse the rendering, and compare trees and renderings. */
static void
check_round_trip_tree (const struct cond_node *n, const char *orig)
{
  struct cond_parse_error err;
  char *s1 = cond_to_string (n);
  struct cond_node *m = cond_parse (s1, strlen (s1), &err);
  ck_assert_msg (m != NULL, "rendering '%s' of '%s' does not parse: %s at %zu", s1, orig, err.msg, err.offset);
  ck_assert_msg (tree_eq (n, m), "'%s' rendered as '%s' gives a different tree", orig, s1);
  char *s2 = cond_to_string (m);
  ck_assert_str_eq (s1, s2);
  free (s1);
  free (s2);
  cond_free (m);
}

static void
check_round_trip (const char *text)
{
  struct cond_node *n = parse_ok (text);
  check_round_trip_tree (n, text);
  cond_free (n);
}

static const struct cond_value *
only_value (const struct cond_node *n)
{
  ck_assert_int_eq (n->kind, COND_CMP);
  ck_assert_uint_eq (n->u.cmp.nvals, 1);
  return &n->u.cmp.vals[0];
}

static double
now_seconds (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- structure ---- */

START_TEST (test_precedence)
{
  struct cond_node *n = parse_ok ("a or b and c");
  ck_assert_int_eq (n->kind, COND_OR);
  ck_assert_uint_eq (n->u.list.n, 2);
  ck_assert_int_eq (n->u.list.kids[0]->kind, COND_MACRO);
  ck_assert_str_eq (n->u.list.kids[0]->u.ident.name, "a");
  ck_assert_int_eq (n->u.list.kids[1]->kind, COND_AND);
  cond_free (n);

  n = parse_ok ("not a and b");
  ck_assert_int_eq (n->kind, COND_AND);
  ck_assert_int_eq (n->u.list.kids[0]->kind, COND_NOT);
  ck_assert_str_eq (n->u.list.kids[0]->u.kid->u.ident.name, "a");
  cond_free (n);

  n = parse_ok ("(a or b) and c");
  ck_assert_int_eq (n->kind, COND_AND);
  ck_assert_int_eq (n->u.list.kids[0]->kind, COND_OR);
  cond_free (n);

  n = parse_ok ("not not a");
  ck_assert_int_eq (n->kind, COND_NOT);
  ck_assert_int_eq (n->u.kid->kind, COND_NOT);
  ck_assert_int_eq (n->u.kid->u.kid->kind, COND_MACRO);
  cond_free (n);

  /* not binds tighter than a check's and: only the check is negated. */
  n = parse_ok ("not proc.name = a and b");
  ck_assert_int_eq (n->kind, COND_AND);
  ck_assert_int_eq (n->u.list.kids[0]->kind, COND_NOT);
  ck_assert_int_eq (n->u.list.kids[0]->u.kid->kind, COND_CMP);
  cond_free (n);

  expect_render ("a and b or c and not d", "((a and b) or (c and (not d)))");
  expect_render ("not(a or b)", "(not (a or b))");
  expect_render ("((((a))))", "a");
  expect_render ("a and(b)", "(a and b)");
  expect_render ("not\n\ta", "(not a)");
  /* Keywords are lowercase words; a longer word is a macro name. */
  expect_render ("notx and orange or andy", "((notx and orange) or andy)");
  expect_render ("not.x exists", "not.x exists");
}
END_TEST

START_TEST (test_flatten)
{
  struct cond_node *n = parse_ok ("a and b and c and d");
  ck_assert_int_eq (n->kind, COND_AND);
  ck_assert_uint_eq (n->u.list.n, 4);
  for (size_t i = 0; i < 4; i++)
    ck_assert_int_eq (n->u.list.kids[i]->kind, COND_MACRO);
  cond_free (n);

  n = parse_ok ("a or b or c");
  ck_assert_int_eq (n->kind, COND_OR);
  ck_assert_uint_eq (n->u.list.n, 3);
  cond_free (n);

  /* Parentheses keep their own node, as in libsinsp. */
  n = parse_ok ("(a and b) and c");
  ck_assert_int_eq (n->kind, COND_AND);
  ck_assert_uint_eq (n->u.list.n, 2);
  ck_assert_uint_eq (n->u.list.kids[0]->u.list.n, 2);
  cond_free (n);
}
END_TEST

START_TEST (test_offsets)
{
  const char *text = "  a and  not proc.name = \"x\" or tolower(fd.name) in (b, c)";
  struct cond_node *n = parse_ok (text);
  ck_assert_int_eq (n->kind, COND_OR);
  ck_assert_uint_eq (n->offset, 2);
  struct cond_node *and = n->u.list.kids[0];
  ck_assert_uint_eq (and->offset, 2);
  ck_assert_uint_eq (and->u.list.kids[0]->offset, 2);
  struct cond_node *not = and->u.list.kids[1];
  ck_assert_int_eq (not->kind, COND_NOT);
  ck_assert_uint_eq (not->offset, 9);
  ck_assert_uint_eq (not->u.kid->offset, 13);
  ck_assert_uint_eq (not->u.kid->u.cmp.lhs.offset, 13);
  ck_assert_uint_eq (not->u.kid->u.cmp.vals[0].offset, 25);
  struct cond_node *in = n->u.list.kids[1];
  ck_assert_uint_eq (in->offset, (size_t) (strstr (text, "tolower") - text));
  ck_assert_uint_eq (in->u.cmp.lhs.offset, (size_t) (strstr (text, "fd.name") - text));
  ck_assert_uint_eq (in->u.cmp.vals[1].offset, (size_t) (strstr (text, "c)") - text));
  cond_free (n);
}
END_TEST

/* ---- operators ---- */

START_TEST (test_every_operator)
{
  for (int op = 0; op < OP__COUNT; op++)
    {
      char text[128];
      const char *rhs = "x";
      if (op == OP_EXISTS)
        rhs = "";
      else if (cond_op_takes_list (op))
        rhs = "(a, b)";
      else if (op == OP_LT || op == OP_LE || op == OP_GT || op == OP_GE)
        rhs = "3";
      snprintf (text, sizeof text, "proc.name %s %s", cond_op_name (op), rhs);
      struct cond_node *n = parse_ok (text);
      ck_assert_int_eq (n->kind, COND_CMP);
      ck_assert_msg (n->u.cmp.op == (enum cond_op) op, "'%s' parsed as op %d", text, n->u.cmp.op);
      ck_assert_str_eq (n->u.cmp.lhs.name, "proc.name");
      ck_assert_uint_eq (n->u.cmp.nvals, op == OP_EXISTS ? 0 : cond_op_takes_list (op) ? 2 : 1);
      ck_assert (n->u.cmp.is_list == cond_op_takes_list (op));
      check_round_trip_tree (n, text);
      cond_free (n);
    }
  ck_assert (cond_op_takes_list (OP_IN) && cond_op_takes_list (OP_INTERSECTS) && cond_op_takes_list (OP_PMATCH));
  ck_assert (!cond_op_takes_list (OP_EQ) && !cond_op_takes_list (OP_CONTAINS) && !cond_op_takes_list (OP_EXISTS));
  ck_assert_str_eq (cond_op_name (OP_EQ), "=");
  ck_assert_str_eq (cond_op_name (OP_BSTARTSWITH), "bstartswith");
  ck_assert_str_eq (cond_op_name (OP__COUNT), "?");

  struct cond_node *n = parse_ok ("proc.name == bash");
  ck_assert_int_eq (n->u.cmp.op, OP_EQ);
  cond_free (n);
}
END_TEST

START_TEST (test_operators_without_spaces)
{
  struct cond_node *n = parse_ok ("evt.type=open");
  ck_assert_int_eq (n->u.cmp.op, OP_EQ);
  ck_assert_str_eq (only_value (n)->str, "open");
  cond_free (n);

  n = parse_ok ("fd.num>=0");
  ck_assert_int_eq (n->u.cmp.op, OP_GE);
  ck_assert_str_eq (only_value (n)->str, "0");
  cond_free (n);

  n = parse_ok ("evt.dir=<");
  ck_assert_int_eq (n->u.cmp.op, OP_EQ);
  ck_assert_str_eq (only_value (n)->str, "<");
  ck_assert (!only_value (n)->quoted);
  cond_free (n);

  n = parse_ok ("evt.dir = >");
  ck_assert_str_eq (only_value (n)->str, ">");
  cond_free (n);

  n = parse_ok ("evt.dir!=< and fd.num<3");
  ck_assert_int_eq (n->kind, COND_AND);
  ck_assert_int_eq (n->u.list.kids[0]->u.cmp.op, OP_NE);
  ck_assert_str_eq (only_value (n->u.list.kids[0])->str, "<");
  cond_free (n);

  n = parse_ok ("(evt.dir=>)and(fd.num<=-1)");
  ck_assert_int_eq (n->kind, COND_AND);
  ck_assert_str_eq (only_value (n->u.list.kids[0])->str, ">");
  ck_assert_int_eq (n->u.list.kids[1]->u.cmp.op, OP_LE);
  ck_assert_str_eq (only_value (n->u.list.kids[1])->str, "-1");
  cond_free (n);

  n = parse_ok ("proc.name in(a,b)");
  ck_assert_uint_eq (n->u.cmp.nvals, 2);
  cond_free (n);

  check_round_trip ("evt.dir=<");
  check_round_trip ("evt.dir = >");
}
END_TEST

START_TEST (test_numeric_values)
{
  const char *good[] = { "0", "-1", "+2", "1.5", "10.", "1.0e+3", "2E-1", "0x1F", "0Xff" };
  const char *bad[] = { "abc", "1e5", "1.2.3", "--1", "0x", "\"5\"", "5abc" };
  for (size_t i = 0; i < ARRAY_SIZE (good); i++)
    {
      char text[64];
      snprintf (text, sizeof text, "evt.rawres < %s", good[i]);
      struct cond_node *n = parse_ok (text);
      ck_assert_str_eq (only_value (n)->str, good[i]);
      cond_free (n);
    }
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      char text[64];
      snprintf (text, sizeof text, "evt.rawres >= %s", bad[i]);
      expect_error (text, 14, "expected a number after '>=', found");
    }
  /* Ordering operators also compare against fields. */
  struct cond_node *n = parse_ok ("len(proc.args) > len(proc.cmdline)");
  ck_assert (only_value (n)->is_field);
  ck_assert_int_eq (only_value (n)->field.tr[0], TR_LEN);
  cond_free (n);
}
END_TEST

/* ---- lists ---- */

START_TEST (test_lists)
{
  struct cond_node *n = parse_ok ("proc.name in ()");
  ck_assert (n->u.cmp.is_list);
  ck_assert_uint_eq (n->u.cmp.nvals, 0);
  cond_free (n);

  n = parse_ok ("proc.name in (  \n )");
  ck_assert (n->u.cmp.is_list);
  ck_assert_uint_eq (n->u.cmp.nvals, 0);
  cond_free (n);

  n = parse_ok ("proc.name in (bash,\n   sh ,\"z sh\",  'k\\'sh'\n\t, /usr/bin/x, 10.0.0.0/8)");
  ck_assert_uint_eq (n->u.cmp.nvals, 6);
  const char *want[] = { "bash", "sh", "z sh", "k'sh", "/usr/bin/x", "10.0.0.0/8" };
  const bool quoted[] = { false, false, true, true, false, false };
  for (size_t i = 0; i < 6; i++)
    {
      ck_assert_str_eq (n->u.cmp.vals[i].str, want[i]);
      ck_assert (n->u.cmp.vals[i].quoted == quoted[i]);
      ck_assert (!n->u.cmp.vals[i].is_field);
    }
  check_round_trip_tree (n, "list");
  cond_free (n);

  /* A list name without parentheses (libsinsp accepts an identifier). */
  n = parse_ok ("proc.name in shell_binaries");
  ck_assert (!n->u.cmp.is_list);
  ck_assert_str_eq (only_value (n)->str, "shell_binaries");
  ck_assert (!only_value (n)->quoted);
  cond_free (n);

  /* A list whose only item names a list, as upstream pmatch uses. */
  n = parse_ok ("fd.name pmatch (repository_directories)");
  ck_assert (n->u.cmp.is_list);
  ck_assert_str_eq (only_value (n)->str, "repository_directories");
  cond_free (n);

  n = parse_ok ("proc.args intersects (\"-V\", \"\")");
  ck_assert_uint_eq (n->u.cmp.nvals, 2);
  ck_assert_str_eq (n->u.cmp.vals[1].str, "");
  ck_assert (n->u.cmp.vals[1].quoted);
  cond_free (n);

  check_round_trip ("proc.name in ()");
  check_round_trip ("proc.name in (a, \"b c\", '', \"x,y\", \"(p)\")");
  check_round_trip ("proc.name in shell_binaries");

  expect_error ("proc.name in (a b)", 16, "expected ',' or ')' after 'a', found 'b'");
  expect_error ("proc.name in (a,)", 16, "expected a list item after ',', found ')'");
  expect_error ("proc.name in (a", 15, "found end of condition");
  expect_error ("proc.name in (,a)", 14, "expected a list item after '(', found ','");
  expect_error ("proc.name in \"a\"", 13, "expected a list after 'in'");
  expect_error ("proc.name in /bin/sh", 13, "expected a list after 'in', found '/bin/sh'");
  expect_error ("proc.name = (a)", 12, "expected a value after '=', found '('");
}
END_TEST

/* ---- fields ---- */

START_TEST (test_field_names)
{
  static const struct
  {
    const char *text, *name, *arg;
  } cases[] = {
    { "proc.name = x", "proc.name", NULL },
    { "evt.arg.flags contains O_CREAT", "evt.arg.flags", NULL },
    { "proc.aname[2] = x", "proc.aname", "2" },
    { "proc.env[HOME] = x", "proc.env", "HOME" },
    { "evt.arg[0] = x", "evt.arg", "0" },
    { "proc.env[\"A B\"] = x", "proc.env", "A B" },
    { "proc.env['x]y'] = x", "proc.env", "x]y" },
    { "json.value[/user/name] = x", "json.value", "/user/name" },
    { "k8s.ns.name = x", "k8s.ns.name", NULL },
    { "container.image.repository = x", "container.image.repository", NULL },
    { "fd.sip.name = x", "fd.sip.name", NULL },
    { "k8s.pod.label_x2.y_3 = x", "k8s.pod.label_x2.y_3", NULL },
    { "proc.aname[2]=x", "proc.aname", "2" },
  };
  for (size_t i = 0; i < ARRAY_SIZE (cases); i++)
    {
      struct cond_node *n = parse_ok (cases[i].text);
      ck_assert_str_eq (n->u.cmp.lhs.name, cases[i].name);
      if (cases[i].arg)
        ck_assert_str_eq (n->u.cmp.lhs.arg, cases[i].arg);
      else
        ck_assert_ptr_null (n->u.cmp.lhs.arg);
      ck_assert_int_eq (n->u.cmp.lhs.ntr, 0);
      ck_assert_uint_eq (n->u.cmp.lhs.offset, 0);
      check_round_trip_tree (n, cases[i].text);
      cond_free (n);
    }
  expect_error ("proc.env[] = x", 9, "expected a field argument after '[', found ']'");
  expect_error ("proc.env[HOME = x", 14, "expected ']' after 'HOME', found '='");
  expect_error ("proc.env [HOME] = x", 9, "expected an operator after 'proc.env', found '['");
  expect_error ("proc.name. = x", 9, "expected an operator after 'proc.name', found '.'");
  expect_error ("proc.aname[2]", 13, "expected an operator after 'proc.aname[2]', found end of condition");
}
END_TEST

START_TEST (test_transformers)
{
  struct cond_node *n = parse_ok ("tolower(proc.name) = bash");
  ck_assert_int_eq (n->u.cmp.lhs.ntr, 1);
  ck_assert_int_eq (n->u.cmp.lhs.tr[0], TR_TOLOWER);
  ck_assert_str_eq (n->u.cmp.lhs.name, "proc.name");
  ck_assert_uint_eq (n->u.cmp.lhs.offset, 8);
  ck_assert_uint_eq (n->offset, 0);
  cond_free (n);

  /* tr[0] is the innermost. */
  n = parse_ok ("toupper( basename(fd.name[1]) ) startswith X");
  ck_assert_int_eq (n->u.cmp.lhs.ntr, 2);
  ck_assert_int_eq (n->u.cmp.lhs.tr[0], TR_BASENAME);
  ck_assert_int_eq (n->u.cmp.lhs.tr[1], TR_TOUPPER);
  ck_assert_str_eq (n->u.cmp.lhs.arg, "1");
  cond_free (n);

  n = parse_ok ("len(proc.args) > 10");
  ck_assert_int_eq (n->u.cmp.lhs.tr[0], TR_LEN);
  ck_assert_int_eq (n->u.cmp.op, OP_GT);
  cond_free (n);

  n = parse_ok ("b64(evt.arg.data) contains x");
  ck_assert_int_eq (n->u.cmp.lhs.tr[0], TR_B64);
  cond_free (n);

  n = parse_ok ("proc.name = val(proc.pname)");
  ck_assert (only_value (n)->is_field);
  ck_assert_ptr_null (only_value (n)->str);
  ck_assert_str_eq (only_value (n)->field.name, "proc.pname");
  ck_assert_int_eq (only_value (n)->field.ntr, 0);
  ck_assert_uint_eq (only_value (n)->offset, 12);
  ck_assert_uint_eq (only_value (n)->field.offset, 16);
  cond_free (n);

  n = parse_ok ("proc.name = val( proc.aname[3] )");
  ck_assert_str_eq (only_value (n)->field.arg, "3");
  cond_free (n);

  n = parse_ok ("tolower(proc.name) = tolower(proc.pname)");
  ck_assert (only_value (n)->is_field);
  ck_assert_int_eq (only_value (n)->field.ntr, 1);
  cond_free (n);

  n = parse_ok ("proc.name in val(proc.pname)");
  ck_assert (!n->u.cmp.is_list);
  ck_assert (only_value (n)->is_field);
  cond_free (n);

  ck_assert_str_eq (transformer_name (TR_TOLOWER), "tolower");
  ck_assert_str_eq (transformer_name (TR_LEN), "len");
  ck_assert_str_eq (transformer_name (TR__COUNT), "?");

  check_round_trip ("toupper(basename(fd.name)) = X");
  check_round_trip ("proc.name = val(proc.pname)");
  check_round_trip ("proc.name != toupper(b64(proc.pname))");
  check_round_trip ("tolower(toupper(b64(basename(fd.name)))) exists");

  /* A transformer name without '(' right after it is a macro name. */
  expect_error ("tolower (proc.name) = x", 8, "expected 'and', 'or' or end of condition after 'tolower', found '('");
  expect_error ("tolower(proc.name = x", 18, "expected ')' closing 'tolower(' after 'proc.name', found '='");
  expect_error ("tolower(toupper(b64(basename(len(fd.name))))) > 1", 29, "more than 4 nested transformers");
  expect_error ("tolower(x) = 1", 8, "expected a field or a transformer after '(', found 'x'");
  expect_error ("val(proc.name) = x", 0, "val() is only allowed on the right side");
  expect_error ("proc.name = val(tolower(proc.pname))", 16, "expected a field after '(', found 'tolower'");
  expect_error ("proc.name = val(proc.pname", 26, "expected ')' closing 'val(' after 'proc.pname'");
  expect_error ("proc.name = tolower(x)", 20, "expected a field or a transformer after '(', found 'x'");
}
END_TEST

/* ---- values ---- */

START_TEST (test_bare_values)
{
  const char *vals[] = { "/usr/bin/x", "E", "-1", "O_CREAT", "1.2.3.4", "10.0.0.0/8", "*.sh",
                         "<", ">", "a[1]", "!x", "~/.ssh", "x:y", "caf\xc3\xa9", "and", "#x" };
  for (size_t i = 0; i < ARRAY_SIZE (vals); i++)
    {
      char text[64];
      snprintf (text, sizeof text, "fd.name = %s", vals[i]);
      struct cond_node *n = parse_ok (text);
      ck_assert_str_eq (only_value (n)->str, vals[i]);
      ck_assert (!only_value (n)->quoted);
      ck_assert (!only_value (n)->is_field);
      check_round_trip_tree (n, text);
      cond_free (n);
    }
  /* A bare value ends at a blank, ( ) , = or a quote. */
  expect_error ("fd.name = a=b", 11, "expected 'and', 'or' or end of condition after 'a', found '='");
  expect_error ("fd.name = a\"b\"", 11, "found '\"b\"'");
}
END_TEST

START_TEST (test_quoted_values)
{
  static const struct
  {
    const char *text, *value;
  } cases[] = {
    { "fd.name = 'f'", "f" },
    { "fd.name = \"\"", "" },
    { "fd.name = \"a b\"", "a b" },
    { "fd.name = \"a\\\"b\"", "a\"b" },
    { "fd.name = 'it\\'s'", "it's" },
    { "fd.name = \"it's\"", "it's" },
    { "fd.name = '\"'", "\"" },
    { "fd.name = \"\\\\\"", "\\" },
    { "fd.name = \"\\/\"", "/" },
    { "fd.name = \"\\t\\n\\r\\b\\f\"", "\t\n\r\b\f" },
    { "fd.name = \"\\ \"", "\\" }, /* libsinsp's legacy "\ " */
    { "fd.name = \"x = (a, b) and y\"", "x = (a, b) and y" },
    { "fd.name = \"multi\nline\"", "multi\nline" },
  };
  for (size_t i = 0; i < ARRAY_SIZE (cases); i++)
    {
      struct cond_node *n = parse_ok (cases[i].text);
      ck_assert_str_eq (only_value (n)->str, cases[i].value);
      ck_assert (only_value (n)->quoted);
      ck_assert_uint_eq (only_value (n)->offset, 10);
      check_round_trip_tree (n, cases[i].text);
      cond_free (n);
    }
  expect_error ("fd.name = \"abc", 10, "unterminated string");
  expect_error ("fd.name = 'abc\\'", 10, "unterminated string");
  expect_error ("fd.name = \"abc\\", 10, "unterminated string");
  expect_error ("fd.name = \"a\\qb\"", 12, "unsupported escape sequence '\\q'");
  expect_error ("fd.name = \"a\\x41\"", 12, "unsupported escape sequence '\\x'");
  expect_error ("fd.name = 'a\\\"b'", 12, "invalid \\\" escape in a '-quoted string");
  expect_error ("fd.name = \"a\\'b\"", 12, "invalid \\' escape in a \"-quoted string");
}
END_TEST

START_TEST (test_nul_bytes)
{
  struct cond_parse_error err;
  static const char in_string[] = "fd.name = \"a\0b\"";
  static const char bare[] = "fd.name = a\0";
  static const char expr[] = "a and \0";

  ck_assert_ptr_null (cond_parse (in_string, sizeof in_string - 1, &err));
  ck_assert_uint_eq (err.offset, 12);
  ck_assert_ptr_nonnull (strstr (err.msg, "NUL"));
  ck_assert_ptr_null (cond_parse (bare, sizeof bare - 1, &err));
  ck_assert_uint_eq (err.offset, 11);
  ck_assert_ptr_null (cond_parse (expr, sizeof expr - 1, &err));
  ck_assert_uint_eq (err.offset, 6);
  ck_assert_ptr_nonnull (strstr (err.msg, "NUL"));
  /* The length bounds the text, not a terminator. */
  struct cond_node *n = cond_parse ("a and b", 1, &err);
  ck_assert_int_eq (n->kind, COND_MACRO);
  cond_free (n);
}
END_TEST

/* ---- errors ---- */

START_TEST (test_errors)
{
  static const struct
  {
    const char *text;
    size_t offset;
    const char *msg;
  } cases[] = {
    { "proc.name contains )", 19, "expected a value after 'contains', found ')'" },
    { "proc.name contains", 18, "expected a value after 'contains', found end of condition" },
    { "proc.name startwith x", 10, "unknown operator 'startwith'" },
    { "proc.name containsx", 10, "unknown operator 'containsx'" },
    { "proc.name and x", 10, "expected an operator after 'proc.name', found 'and'" },
    { "proc.name ! = x", 10, "expected an operator after 'proc.name', found '!'" },
    { "proc.name == == x", 13, "expected a value after '==', found '='" },
    { "proc.name = \"abc", 12, "unterminated string" },
    { "", 0, "expected a field, a macro name, 'not' or '(', found end of condition" },
    { "   \n ", 5, "found end of condition" },
    { "a and", 5, "expected a field, a macro name, 'not' or '(' after 'and', found end of condition" },
    { "a and or b", 6, "after 'and', found 'or'" },
    { "not", 3, "after 'not', found end of condition" },
    { "a b", 2, "expected 'and', 'or' or end of condition after 'a', found 'b'" },
    { "a or b)", 6, "expected 'and', 'or' or end of condition after 'b', found ')'" },
    { "(a or b", 7, "expected 'and', 'or' or ')' after 'b', found end of condition" },
    { ")", 0, "found ')'" },
    { "1 = 1", 0, "found '1'" },
    { "\"a\" = b", 0, "found '\"a\"'" },
    { "a = 1", 0, "found the macro name 'a'" },
    { "a in (b)", 0, "found the macro name 'a'" },
    { "proc.name = a b", 14, "after 'a', found 'b'" },
    { "proc.name exists x", 17, "after 'exists', found 'x'" },
    { "proc.name = 1 andy", 14, "found 'andy'" },
    { "a and $x", 6, "found '$x'" },
  };
  for (size_t i = 0; i < ARRAY_SIZE (cases); i++)
    expect_error (cases[i].text, cases[i].offset, cases[i].msg);

  /* Long tokens are shortened in messages; the error struct never overflows. */
  char *big = xmalloc (5000);
  memset (big, 'x', 4999);
  big[4999] = '\0';
  memcpy (big, "a ", 2);
  struct cond_parse_error err;
  ck_assert_ptr_null (cond_parse (big, strlen (big), &err));
  ck_assert_uint_eq (err.offset, 2);
  ck_assert_ptr_nonnull (strstr (err.msg, "...'"));
  ck_assert_uint_lt (strlen (err.msg), sizeof err.msg);
  free (big);

  /* NULL error pointer is allowed. */
  ck_assert_ptr_null (cond_parse ("a b", 3, NULL));
}
END_TEST

/* ---- limits ---- */

static char *
repeat (const char *unit, size_t count, const char *tail)
{
  size_t ul = strlen (unit), tl = strlen (tail);
  char *s = xmalloc (ul * count + tl + 1);
  for (size_t i = 0; i < count; i++)
    memcpy (s + i * ul, unit, ul);
  memcpy (s + ul * count, tail, tl + 1);
  return s;
}

static void
expect_depth (const char *open, const char *mid, const char *close, size_t count, bool ok, size_t err_offset)
{
  char *head = repeat (open, count, mid);
  char *tail = repeat (close, count, "");
  size_t hl = strlen (head), tl = strlen (tail);
  char *text = xmalloc (hl + tl + 1);
  struct cond_parse_error err;

  memcpy (text, head, hl);
  memcpy (text + hl, tail, tl + 1);
  struct cond_node *n = cond_parse (text, hl + tl, &err);
  if (ok)
    ck_assert_msg (n != NULL, "%zu x '%s' failed: %s", count, open, err.msg);
  else
    {
      ck_assert_msg (n == NULL, "%zu x '%s' parsed", count, open);
      ck_assert_str_eq (err.msg, "nesting deeper than 256");
      ck_assert_uint_eq (err.offset, err_offset);
    }
  cond_free (n);
  free (head);
  free (tail);
  free (text);
}

START_TEST (test_depth_limit)
{
  expect_depth ("(", "a", ")", COND_MAX_DEPTH, true, 0);
  expect_depth ("(", "a", ")", COND_MAX_DEPTH + 1, false, COND_MAX_DEPTH);
  expect_depth ("not ", "a", "", COND_MAX_DEPTH, true, 0);
  expect_depth ("not ", "a", "", COND_MAX_DEPTH + 1, false, 4 * COND_MAX_DEPTH);
  /* Each "(not " is two levels. */
  expect_depth ("(not ", "a", ")", COND_MAX_DEPTH / 2, true, 0);
  expect_depth ("(not ", "a", ")", COND_MAX_DEPTH / 2 + 1, false, 5 * (COND_MAX_DEPTH / 2));

  /* Transformers count too: 254 parentheses + 2 transformers is the limit. */
  char *ok = repeat ("(", COND_MAX_DEPTH - 2, "toupper(tolower(proc.name)) = x");
  struct cond_parse_error err;
  struct cond_node *n = cond_parse (ok, strlen (ok), &err);
  ck_assert_ptr_null (n); /* unbalanced on purpose: fails at the end, not on depth */
  ck_assert_ptr_null (strstr (err.msg, "nesting"));
  free (ok);
  char *deep = repeat ("(", COND_MAX_DEPTH - 1, "toupper(tolower(proc.name)) = x");
  ck_assert_ptr_null (cond_parse (deep, strlen (deep), &err));
  ck_assert_str_eq (err.msg, "nesting deeper than 256");
  ck_assert_uint_eq (err.offset, COND_MAX_DEPTH - 1 + strlen ("toupper("));
  free (deep);
}
END_TEST

#define HUGE_INPUT (10u << 20)

START_TEST (test_huge_inputs)
{
  struct cond_parse_error err;
  double t0;

  /* 10 MB of '(' and of 'not ': fail cleanly on depth. */
  char *parens = repeat ("(", HUGE_INPUT, "");
  ck_assert_ptr_null (cond_parse (parens, HUGE_INPUT, &err));
  ck_assert_str_eq (err.msg, "nesting deeper than 256");
  free (parens);
  char *nots = repeat ("not ", HUGE_INPUT / 4, "");
  ck_assert_ptr_null (cond_parse (nots, strlen (nots), &err));
  ck_assert_str_eq (err.msg, "nesting deeper than 256");
  free (nots);

  /* 10 MB flat: one n-ary node, linear time. */
  char *flat = repeat ("a or ", HUGE_INPUT / 5, "a");
  t0 = now_seconds ();
  struct cond_node *n = parse_ok (flat);
  ck_assert_int_eq (n->kind, COND_OR);
  ck_assert_uint_eq (n->u.list.n, HUGE_INPUT / 5 + 1);
  char *s = cond_to_string (n);
  ck_assert_uint_eq (strlen (s), strlen (flat) + 2);
  printf ("10 MB flat condition: parsed and rendered in %.3f s\n", now_seconds () - t0);
  free (s);
  cond_free (n);
  free (flat);

  /* A 10 MB list and a 10 MB string. */
  char *list = repeat ("x, ", HUGE_INPUT / 3, "y)");
  memcpy (list, "fd.name in (", 12);
  t0 = now_seconds ();
  n = parse_ok (list);
  ck_assert_uint_eq (n->u.cmp.nvals, HUGE_INPUT / 3 - 3);
  printf ("10 MB list: parsed in %.3f s\n", now_seconds () - t0);
  cond_free (n);
  free (list);

  char *str = repeat ("\\\\", HUGE_INPUT / 2, "\"");
  memcpy (str, "fd.name  = \"", 12);
  n = parse_ok (str);
  ck_assert_uint_eq (strlen (only_value (n)->str), HUGE_INPUT / 2 - 6);
  cond_free (n);
  str[HUGE_INPUT] = '\0'; /* drop the closing quote */
  ck_assert_ptr_null (cond_parse (str, HUGE_INPUT, &err));
  ck_assert_str_eq (err.msg, "unterminated string");
  ck_assert_uint_eq (err.offset, 11);
  free (str);
}
END_TEST

/* ---- round trip ---- */

START_TEST (test_round_trip)
{
  static const char *const conds[] = {
    "a",
    "a and b or not c",
    "not not not a",
    "(a or b) and (c or (d and e))",
    "evt.type in (open, openat, openat2) and evt.is_open_write=true and fd.typechar='f' and fd.num>=0",
    "spawned_process and proc.name in (shell_binaries) and not proc.pname in (\"x y\", 'z')",
    "proc.env[\"weird key\"] = \"va\\\"lue\" and proc.aname[2] exists",
    "fd.name glob '/proc/*/mem' or fd.name iglob \"*.SH\" or fd.name regex \"^/a\\\\.b$\"",
    "evt.buffer bcontains cafebabe and evt.buffer bstartswith 7f454c46",
    "tolower(proc.name) = val(proc.pname) and len(proc.args) > 10",
    "proc.cmdline contains \"\\t\\n\\r\\b\\f\"",
    "evt.dir = < and evt.dir = >",
    "k8s.ns.name = \"\" and container.image.repository endswith /x",
  };
  for (size_t i = 0; i < ARRAY_SIZE (conds); i++)
    check_round_trip (conds[i]);

  /* A hand-built tree with an unquoted value that needs quotes. */
  struct cond_node *n = xcalloc (1, sizeof *n);
  n->kind = COND_CMP;
  n->u.cmp.lhs.name = xstrdup ("proc.name");
  n->u.cmp.lhs.arg = xstrdup ("a]b");
  n->u.cmp.op = OP_EQ;
  n->u.cmp.vals = xcalloc (1, sizeof *n->u.cmp.vals);
  n->u.cmp.nvals = 1;
  n->u.cmp.vals[0].str = xstrdup ("a b");
  char *s = cond_to_string (n);
  ck_assert_str_eq (s, "proc.name[\"a]b\"] = \"a b\"");
  free (s);
  cond_free (n);

  s = cond_to_string (NULL);
  ck_assert_str_eq (s, "");
  free (s);
}
END_TEST

/* ---- lexer ---- */

START_TEST (test_lexer_modes)
{
  struct cond_lexer lx;
  const char *text = "evt.dir=< x";
  struct cond_token t;

  cond_lexer_init (&lx, text, strlen (text));
  t = cond_lex_next (&lx, LEX_EXPR);
  ck_assert_int_eq (t.kind, TOK_WORD);
  ck_assert (t.dotted);
  ck_assert (cond_tok_is (&lx, &t, "evt.dir"));
  t = cond_lex_peek (&lx, LEX_EXPR);
  ck_assert_int_eq (t.kind, TOK_OPSYM);
  ck_assert_uint_eq (t.len, 1); /* "=<" is no operator */
  cond_lex_next (&lx, LEX_EXPR);
  t = cond_lex_next (&lx, LEX_VALUE);
  ck_assert_int_eq (t.kind, TOK_BARE);
  ck_assert (cond_tok_is (&lx, &t, "<"));
  t = cond_lex_next (&lx, LEX_EXPR);
  ck_assert_int_eq (t.kind, TOK_WORD);
  ck_assert (!t.dotted);
  t = cond_lex_next (&lx, LEX_EXPR);
  ck_assert_int_eq (t.kind, TOK_EOF);
  ck_assert_uint_eq (t.offset, strlen (text));

  ck_assert (cond_lex_is_number ("-1.5e+10", 8));
  ck_assert (!cond_lex_is_number ("", 0));
  ck_assert (!cond_lex_is_number ("+", 1));
  ck_assert (cond_lex_is_bare_value_char ('<') && !cond_lex_is_bare_value_char ('='));
  ck_assert (cond_lex_is_bare_arg_char (')') && !cond_lex_is_bare_arg_char (']'));

  char buf[16];
  cond_lexer_init (&lx, "\"abcdefghijklmnop\x01\"", 19);
  t = cond_lex_next (&lx, LEX_VALUE);
  ck_assert_int_eq (t.kind, TOK_STRING);
  cond_tok_describe (&lx, &t, buf, sizeof buf);
  ck_assert_uint_lt (strlen (buf), sizeof buf);
  ck_assert_int_eq (buf[0], '\'');
}
END_TEST

/* ---- upstream rules ---- */

static void
parse_upstream_item (yaml_document_t *doc, yaml_node_t *item, const char *file, size_t *parsed, size_t *failed)
{
  const char *cond = NULL, *name = "?";

  if (item->type != YAML_MAPPING_NODE)
    return;
  for (yaml_node_pair_t *p = item->data.mapping.pairs.start; p < item->data.mapping.pairs.top; p++)
    {
      yaml_node_t *k = yaml_document_get_node (doc, p->key), *v = yaml_document_get_node (doc, p->value);
      if (k->type != YAML_SCALAR_NODE || v->type != YAML_SCALAR_NODE)
        continue;
      if (strcmp ((char *) k->data.scalar.value, "condition") == 0)
        cond = (const char *) v->data.scalar.value;
      else if (strcmp ((char *) k->data.scalar.value, "rule") == 0 || strcmp ((char *) k->data.scalar.value, "macro") == 0)
        name = (const char *) v->data.scalar.value;
    }
  if (cond == NULL)
    return;
  struct cond_parse_error err;
  struct cond_node *n = cond_parse (cond, strlen (cond), &err);
  if (n == NULL)
    {
      fprintf (stderr, "%s: %s: offset %zu: %s\n", file, name, err.offset, err.msg);
      (*failed)++;
      return;
    }
  check_round_trip_tree (n, cond);
  cond_free (n);
  (*parsed)++;
}

static void
parse_upstream_file (const char *file, size_t *parsed, size_t *failed)
{
  FILE *f = fopen (file, "rb");
  yaml_parser_t parser;
  yaml_document_t doc;

  ck_assert_ptr_nonnull (f);
  ck_assert (yaml_parser_initialize (&parser));
  yaml_parser_set_input_file (&parser, f);
  ck_assert_msg (yaml_parser_load (&parser, &doc), "%s: YAML error", file);
  yaml_node_t *root = yaml_document_get_root_node (&doc);
  if (root && root->type == YAML_SEQUENCE_NODE)
    for (yaml_node_item_t *i = root->data.sequence.items.start; i < root->data.sequence.items.top; i++)
      parse_upstream_item (&doc, yaml_document_get_node (&doc, *i), file, parsed, failed);
  yaml_document_delete (&doc);
  yaml_parser_delete (&parser);
  fclose (f);
}

START_TEST (test_upstream_conditions)
{
  glob_t g;
  size_t parsed = 0, failed = 0;

  if (glob (UPSTREAM_DIR "/*.yaml", 0, NULL, &g) != 0)
    {
      printf ("SKIP: upstream Falco rules not found\n");
      return;
    }
  for (size_t i = 0; i < g.gl_pathc; i++)
    parse_upstream_file (g.gl_pathv[i], &parsed, &failed);
  globfree (&g);
  printf ("upstream conditions: %zu parsed, %zu failed\n", parsed, failed);
  ck_assert_uint_eq (failed, 0);
  ck_assert_uint_gt (parsed, 300);
}
END_TEST

static Suite *
cond_suite (void)
{
  Suite *s = suite_create ("cond");
  TCase *tc = tcase_create ("parser");

  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_precedence);
  tcase_add_test (tc, test_flatten);
  tcase_add_test (tc, test_offsets);
  tcase_add_test (tc, test_every_operator);
  tcase_add_test (tc, test_operators_without_spaces);
  tcase_add_test (tc, test_numeric_values);
  tcase_add_test (tc, test_lists);
  tcase_add_test (tc, test_field_names);
  tcase_add_test (tc, test_transformers);
  tcase_add_test (tc, test_bare_values);
  tcase_add_test (tc, test_quoted_values);
  tcase_add_test (tc, test_nul_bytes);
  tcase_add_test (tc, test_errors);
  tcase_add_test (tc, test_depth_limit);
  tcase_add_test (tc, test_huge_inputs);
  tcase_add_test (tc, test_round_trip);
  tcase_add_test (tc, test_lexer_modes);
  tcase_add_test (tc, test_upstream_conditions);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (cond_suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
