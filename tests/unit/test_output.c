/* vigil: tests of output formats (compiling rule outputs) and of alert
 * rendering: Falco's text line and Falco's JSON, byte for byte. */
#include <check.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "vigil/error.h"
#include "vigil/event.h"
#include "vigil/output.h"
#include "vigil/rules.h"
#include "vigil/yamltree.h"

#define UPSTREAM_DIR "../shared/falco"

/* 2024-01-01T12:00:00.123456789Z */
#define TS 1704110400123456789ull

static void
set_tz (const char *tz)
{
  setenv ("TZ", tz, 1);
  tzset ();
}

/* ---- compiling ---- */

static struct diag_loc
test_loc (struct diag_list *d)
{
  return (struct diag_loc){ .file = diag_intern (d, "rules.yaml"), .line = 7, .col = 11 };
}

/* Compile, expect success, and compare the format rendered back. */
static void
expect_format (const char *text, const char *rendered, size_t nfields)
{
  struct diag_list d = { 0 };
  struct output_format *f = output_format_compile (text, test_loc (&d), &d);
  size_t n = 0;

  ck_assert_msg (f != NULL, "'%s' failed: %s", text, d.n ? d.v[0].msg : "(no message)");
  ck_assert_uint_eq (d.n, 0);
  char *s = output_format_to_string (f);
  ck_assert_str_eq (s, rendered);
  output_format_fields (f, &n);
  ck_assert_msg (n == nfields, "'%s': %zu fields, expected %zu", text, n, nfields);
  free (s);
  output_format_free (f);
  diag_list_free (&d);
}

/* Compile, expect failure with nerrors errors, the first naming `part`. */
static void
expect_bad_format (const char *text, const char *part, size_t nerrors)
{
  struct diag_list d = { 0 };
  struct output_format *f = output_format_compile (text, test_loc (&d), &d);

  ck_assert_msg (f == NULL, "'%s' should not compile", text);
  ck_assert_msg (d.nerrors == nerrors, "'%s': %zu errors, expected %zu", text, d.nerrors, nerrors);
  ck_assert_msg (strstr (d.v[0].msg, part) != NULL, "'%s': message '%s' lacks '%s'", text, d.v[0].msg, part);
  ck_assert_str_eq (d.v[0].loc.file, "rules.yaml");
  ck_assert_int_eq (d.v[0].loc.line, 7);
  ck_assert_int_eq (d.v[0].loc.col, 11);
  diag_list_free (&d);
}

START_TEST (test_format_fields)
{
  expect_format ("Shell (user=%user.name pid=%proc.pid)", "Shell (user={user.name} pid={proc.pid})", 2);
  expect_format ("gparent=%proc.aname[2] ggparent=%proc.aname[3]", "gparent={proc.aname[2]} ggparent={proc.aname[3]}",
                 2);
  expect_format ("flags=%evt.arg.flags)", "flags={evt.arg.flags})", 1);
  expect_format ("no fields at all", "no fields at all", 0);
  /* fields with nothing between them */
  expect_format ("%proc.name%proc.pid", "{proc.name}{proc.pid}", 2);
}
END_TEST

START_TEST (test_format_dedupes)
{
  struct diag_list d = { 0 };
  struct output_format *f
      = output_format_compile ("%proc.aname[2] %proc.name %proc.aname[2] %proc.name", test_loc (&d), &d);
  size_t n;
  struct field_ref **refs;

  ck_assert_ptr_nonnull (f);
  refs = output_format_fields (f, &n);
  ck_assert_uint_eq (n, 2);
  ck_assert_str_eq (refs[0]->key, "proc.aname[2]");
  ck_assert_str_eq (refs[1]->key, "proc.name");
  output_format_free (f);
  diag_list_free (&d);
}
END_TEST

/* A field ends where libsinsp's longest known prefix ends. */
START_TEST (test_format_token_end)
{
  expect_format ("opened %fd.name.", "opened {fd.name}.", 1);
  expect_format ("(%fd.name)", "({fd.name})", 1);
  expect_format ("%proc.name: x", "{proc.name}: x", 1);
  expect_format ("%proc.name-%proc.pid", "{proc.name}-{proc.pid}", 2);
  /* proc.name takes no argument: the bracket is text */
  expect_format ("p=%proc.name[%proc.pid]", "p={proc.name}[{proc.pid}]", 2);
  /* a known field followed by more name: the longest known prefix */
  expect_format ("%proc.name.suffix", "{proc.name}.suffix", 1);
  /* an unclosed bracket is text */
  expect_format ("%proc.aname[2 x", "{proc.aname}[2 x", 1);
  expect_format ("%proc.env[HOME] %proc.env['PATH']", "{proc.env[HOME]} {proc.env[PATH]}", 2);
}
END_TEST

START_TEST (test_format_star_trim_width)
{
  /* Falco trims the output and drops a leading '*' */
  expect_format ("  *Shell %proc.name  \n", "Shell {proc.name}", 1);
  expect_format ("*", "", 0);
  /* libsinsp's %Nfield pads or cuts to N bytes */
  expect_format ("[%10proc.name]", "[{10:proc.name}]", 1);
}
END_TEST

START_TEST (test_format_transformers)
{
  struct diag_list d = { 0 };
  struct output_format *f;
  struct field_ref **refs;
  size_t n;

  expect_format ("%toupper(proc.name) %tolower( toupper(proc.name) )",
                 "{toupper(proc.name)} {tolower(toupper(proc.name))}", 3);
  /* the plain field is what Falco puts in output_fields */
  f = output_format_compile ("x=%toupper(proc.name)", test_loc (&d), &d);
  ck_assert_ptr_nonnull (f);
  refs = output_format_fields (f, &n);
  ck_assert_uint_eq (n, 2);
  ck_assert_str_eq (refs[0]->key, "proc.name");
  ck_assert_int_eq (refs[0]->ntr, 0);
  ck_assert_str_eq (refs[1]->key, "proc.name");
  ck_assert_int_eq (refs[1]->ntr, 1);
  ck_assert_int_eq (refs[1]->tr[0], TR_TOUPPER);
  output_format_free (f);
  diag_list_free (&d);
}
END_TEST

START_TEST (test_format_errors)
{
  expect_bad_format ("x=%proc.nme", "proc.nme", 1);
  expect_bad_format ("100%", "lone '%'", 1);
  expect_bad_format ("100%% sure", "'%%", 1);
  expect_bad_format ("a % b", "field name", 1);
  expect_bad_format ("%(proc.name)", "'%(proc.name)'", 1);
  expect_bad_format ("x=%5", "width", 1);
  expect_bad_format ("x=%99999proc.name", "width", 1);
  expect_bad_format ("%foo", "'%foo'", 1);
  expect_bad_format ("%toupper(proc.name", "missing ')'", 1);
  expect_bad_format ("%toupper(nofield)", "expected a field", 1);
  expect_bad_format ("%join(proc.name)", "join", 1);
  expect_bad_format ("%toupper(tolower(toupper(tolower(toupper(proc.name)))))", "nested", 1);
  expect_bad_format ("  \n ", "empty", 1);
  /* every problem is reported */
  expect_bad_format ("%nope.x and %also.bad and %proc.name", "nope.x", 2);
}
END_TEST

/* A hostile output neither crashes nor takes long. */
START_TEST (test_format_hostile)
{
  size_t n = 200000;
  char *big = xmalloc (n + 1);
  struct diag_list d = { 0 };
  struct output_format *f;

  for (size_t i = 0; i < n; i++)
    big[i] = i % 2 ? 'a' : '.';
  big[0] = '%';
  big[n] = '\0';
  f = output_format_compile (big, test_loc (&d), &d);
  ck_assert_ptr_null (f);
  diag_list_free (&d);

  memset (big, '%', n);
  f = output_format_compile (big, test_loc (&d), &d);
  ck_assert_ptr_null (f);
  ck_assert_uint_gt (d.nerrors, 0);
  diag_list_free (&d);

  for (size_t i = 0; i < n; i++)
    big[i] = "(proc.name)"[i % 11];
  memcpy (big, "%toupper(", 9);
  f = output_format_compile (big, test_loc (&d), &d);
  ck_assert_ptr_null (f);
  diag_list_free (&d);
  free (big);
}
END_TEST

static const char *
upstream_dir (void)
{
  const char *env = getenv ("VIGIL_UPSTREAM_DIR");
  return env ? env : UPSTREAM_DIR;
}

static char *
read_whole (const char *path, size_t *len)
{
  FILE *f = fopen (path, "r");
  char *buf;
  long n;

  ck_assert_ptr_nonnull (f);
  fseek (f, 0, SEEK_END);
  n = ftell (f);
  fseek (f, 0, SEEK_SET);
  buf = xmalloc ((size_t) n + 1);
  *len = fread (buf, 1, (size_t) n, f);
  buf[*len] = '\0';
  fclose (f);
  return buf;
}

static void
compile_upstream_file (const char *path, size_t *ok, size_t *failed)
{
  struct diag_list d = { 0 };
  struct ydoc y;
  size_t len;
  char *buf = read_whole (path, &len);
  yaml_node_t *root;

  ck_assert_int_eq (ydoc_load (&y, diag_intern (&d, path), buf, len, &d), 0);
  root = ydoc_root (&y);
  if (root && root->type == YAML_SEQUENCE_NODE) /* falco.yaml is no rules file */
    for (size_t i = 0; i < ynode_count (root); i++)
      {
        yaml_node_t *item = yseq_item (&y, root, i);
        yaml_node_t *out = ymap_get (&y, item, "output", NULL);
        if (ynode_str (out) == NULL)
          continue;
        struct output_format *f = output_format_compile (ynode_str (out), ynode_loc (&y, out), &d);
        if (f)
          (*ok)++;
        else
          (*failed)++;
        output_format_free (f);
      }
  diag_print (&d, stdout);
  ydoc_free (&y);
  diag_list_free (&d);
  free (buf);
}

START_TEST (test_upstream_outputs)
{
  char pattern[4096];
  glob_t g;
  size_t ok = 0, failed = 0;

  snprintf (pattern, sizeof pattern, "%s/*.yaml", upstream_dir ());
  if (glob (pattern, 0, NULL, &g) != 0)
    {
      printf ("SKIP: upstream Falco rules not found\n");
      return;
    }
  for (size_t i = 0; i < g.gl_pathc; i++)
    compile_upstream_file (g.gl_pathv[i], &ok, &failed);
  globfree (&g);
  printf ("upstream outputs: %zu compiled, %zu failed\n", ok, failed);
  ck_assert_uint_eq (failed, 0);
  ck_assert_uint_gt (ok, 80);
}
END_TEST

/* ---- rendering ---- */

static void
add_field (struct alert *a, const char *key, enum value_kind kind, const char *str)
{
  a->fields = xrealloc (a->fields, (a->nfields + 1) * sizeof *a->fields);
  a->fields[a->nfields++] = (struct alert_field){ .key = xstrdup (key), .present = str != NULL, .kind = kind,
                                                  .str = str ? xstrdup (str) : NULL };
}

/* An alert as alert_build leaves it: fields sorted by key, tags sorted. */
static struct alert *
make_alert (void)
{
  struct alert *a = xcalloc (1, sizeof *a);

  a->rule = xstrdup ("Shell in container");
  a->priority = PRIO_WARNING;
  a->source = xstrdup ("syscall");
  a->hostname = xstrdup ("node-1");
  a->ts = TS;
  a->message = xstrdup ("Shell spawned (user=root pid=1234)");
  a->action = xstrdup ("deny");
  a->tags = xcalloc (2, sizeof *a->tags);
  a->tags[a->ntags++] = xstrdup ("container");
  a->tags[a->ntags++] = xstrdup ("shell");
  add_field (a, "container.id", VK_STR, NULL);
  add_field (a, "evt.arg.flags", VK_STR, "O_RDONLY");
  add_field (a, "fd.num", VK_UINT, "3");
  a->fields[a->nfields - 1].u = 3;
  add_field (a, "fd.types", VK_LIST, "(file,ipv4)");
  a->fields[a->nfields - 1].items = xcalloc (2, sizeof (char *));
  a->fields[a->nfields - 1].items[0] = xstrdup ("file");
  a->fields[a->nfields - 1].items[1] = xstrdup ("ipv4");
  a->fields[a->nfields - 1].nitems = 2;
  add_field (a, "proc.aname[2]", VK_STR, "sshd");
  add_field (a, "proc.is_exe_writable", VK_BOOL, "true");
  a->fields[a->nfields - 1].b = true;
  add_field (a, "proc.name", VK_STR, "bash");
  add_field (a, "proc.pid", VK_INT, "1234");
  a->fields[a->nfields - 1].i = 1234;
  add_field (a, "user.loginuid", VK_INT, "-1");
  a->fields[a->nfields - 1].i = -1;
  return a;
}

static const struct alert_style falco_defaults = { .json_include_output = true, .json_include_tags = true };

static void
expect_text (const struct alert *a, const struct alert_style *st, const char *expected)
{
  char *s = alert_text (a, st);
  ck_assert_str_eq (s, expected);
  free (s);
}

static void
expect_json (const struct alert *a, const struct alert_style *st, const char *expected)
{
  char *s = alert_json (a, st);
  cJSON *parsed = cJSON_Parse (s);

  ck_assert_str_eq (s, expected);
  ck_assert_msg (parsed != NULL, "not JSON: %s", s);
  ck_assert_ptr_null (strchr (s, '\n'));
  cJSON_Delete (parsed);
  free (s);
}

START_TEST (test_text_line)
{
  struct alert *a = make_alert ();
  struct alert_style iso = { .iso8601 = true };

  set_tz ("UTC");
  expect_text (a, &falco_defaults, "12:00:00.123456789: Warning Shell spawned (user=root pid=1234)");
  expect_text (a, &iso, "2024-01-01T12:00:00.123456789+0000: Warning Shell spawned (user=root pid=1234)");
  /* local time for the short form; ISO 8601 is always UTC */
  set_tz ("EST5");
  expect_text (a, &falco_defaults, "07:00:00.123456789: Warning Shell spawned (user=root pid=1234)");
  expect_text (a, &iso, "2024-01-01T12:00:00.123456789+0000: Warning Shell spawned (user=root pid=1234)");
  set_tz ("UTC");
  a->priority = PRIO_INFORMATIONAL;
  a->ts = 5; /* nanoseconds are zero-padded */
  expect_text (a, &falco_defaults, "00:00:00.000000005: Informational Shell spawned (user=root pid=1234)");
  a->priority = PRIO_CRITICAL;
  expect_text (a, &falco_defaults, "00:00:00.000000005: Critical Shell spawned (user=root pid=1234)");
  alert_free (a);
}
END_TEST

START_TEST (test_json_exact)
{
  struct alert *a = make_alert ();

  set_tz ("UTC");
  expect_json (a, &falco_defaults,
               "{\"action\":\"deny\",\"hostname\":\"node-1\","
               "\"output\":\"12:00:00.123456789: Warning Shell spawned (user=root pid=1234)\","
               "\"output_fields\":{\"container.id\":null,\"evt.arg.flags\":\"O_RDONLY\","
               "\"evt.time\":1704110400123456789,\"fd.num\":3,\"fd.types\":[\"file\",\"ipv4\"],"
               "\"proc.aname[2]\":\"sshd\",\"proc.is_exe_writable\":true,\"proc.name\":\"bash\","
               "\"proc.pid\":1234,\"user.loginuid\":-1},"
               "\"priority\":\"Warning\",\"rule\":\"Shell in container\",\"source\":\"syscall\","
               "\"tags\":[\"container\",\"shell\"],\"time\":\"2024-01-01T12:00:00.123456789Z\"}");
  alert_free (a);
}
END_TEST

START_TEST (test_json_styles)
{
  struct alert *a = make_alert ();
  struct alert_style st = { .iso8601 = true, .json_include_message = true, .json_include_tags = false,
                            .json_include_output = true, .json_omit_output_fields = true };

  set_tz ("UTC");
  expect_json (a, &st,
               "{\"action\":\"deny\",\"hostname\":\"node-1\",\"message\":\"Shell spawned (user=root pid=1234)\","
               "\"output\":\"2024-01-01T12:00:00.123456789+0000: Warning Shell spawned (user=root pid=1234)\","
               "\"priority\":\"Warning\",\"rule\":\"Shell in container\",\"source\":\"syscall\","
               "\"time\":\"2024-01-01T12:00:00.123456789Z\"}");

  /* no fields, no tags, no action: output_fields still holds the time,
   * under the key of the prefix Falco uses */
  for (size_t i = 0; i < a->nfields; i++)
    {
      free (a->fields[i].key);
      free (a->fields[i].str);
      for (size_t j = 0; j < a->fields[i].nitems; j++)
        free (a->fields[i].items[j]);
      free (a->fields[i].items);
    }
  a->nfields = 0;
  for (size_t i = 0; i < a->ntags; i++)
    free (a->tags[i]);
  a->ntags = 0;
  free (a->action);
  a->action = NULL;
  struct alert_style iso = { .iso8601 = true, .json_include_tags = true };
  expect_json (a, &iso,
               "{\"hostname\":\"node-1\",\"output_fields\":{\"evt.time.iso8601\":1704110400123456789},"
               "\"priority\":\"Warning\",\"rule\":\"Shell in container\",\"source\":\"syscall\","
               "\"tags\":[],\"time\":\"2024-01-01T12:00:00.123456789Z\"}");
  alert_free (a);
}
END_TEST

/* A rule that prints %evt.time itself gets one key, with Falco's value. */
START_TEST (test_json_time_field_once)
{
  struct alert *a = make_alert ();
  struct alert_style st = { 0 };
  char *s;

  for (size_t i = 0; i < a->nfields; i++)
    if (strcmp (a->fields[i].key, "evt.arg.flags") == 0)
      {
        free (a->fields[i].key);
        a->fields[i].key = xstrdup ("evt.time");
      }
  s = alert_json (a, &st);
  ck_assert_ptr_nonnull (strstr (s, "\"evt.time\":1704110400123456789,\"fd.num\""));
  ck_assert_ptr_null (strstr (strstr (s, "\"evt.time\"") + 1, "\"evt.time\""));
  free (s);
  alert_free (a);
}
END_TEST

START_TEST (test_json_numbers)
{
  struct alert *a = xcalloc (1, sizeof *a);
  struct alert_style st = { 0 };
  char *s;

  a->rule = xstrdup ("r");
  a->source = xstrdup ("syscall");
  a->message = xstrdup ("m");
  a->ts = UINT64_C (9223372036854775807);
  add_field (a, "a.big", VK_UINT, "18446744073709551615");
  a->fields[0].u = UINT64_MAX;
  add_field (a, "b.neg", VK_INT, "-9223372036854775808");
  a->fields[1].i = INT64_MIN;
  add_field (a, "c.half", VK_DOUBLE, "1.5");
  a->fields[2].d = 1.5;
  add_field (a, "d.two", VK_DOUBLE, "2.0");
  a->fields[3].d = 2.0;
  add_field (a, "e.ip", VK_IP, "10.0.0.1");
  s = alert_json (a, &st);
  ck_assert_ptr_nonnull (strstr (s, "\"output_fields\":{\"a.big\":18446744073709551615,"
                                    "\"b.neg\":-9223372036854775808,\"c.half\":1.5,\"d.two\":2.0,"
                                    "\"e.ip\":\"10.0.0.1\",\"evt.time\":9223372036854775807}"));
  free (s);
  alert_free (a);
}
END_TEST

/* Escapes as nlohmann's dump; invalid UTF-8 replaced per maximal subpart. */
START_TEST (test_json_strings)
{
  static const struct {
    const char *in, *out;
  } cases[] = {
    { "ordinary", "ordinary" },
    { "caf\xc3\xa9_\xe2\x98\x83_\xf0\x9f\x98\x80", "caf\xc3\xa9_\xe2\x98\x83_\xf0\x9f\x98\x80" },
    { "a\xffz", "a\xef\xbf\xbdz" },
    { "a\x80z", "a\xef\xbf\xbdz" },
    { "a\xe2\x82", "a\xef\xbf\xbd" },
    { "a\xc0\xafz", "a\xef\xbf\xbd\xef\xbf\xbdz" },
    { "a\xed\xa0\x80z", "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdz" },
    { "a\xf4\x90\x80\x80z", "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdz" },
    { "a\xe2(\xa1z", "a\xef\xbf\xbd(\xef\xbf\xbdz" },
    { "q\"b\\s/", "q\\\"b\\\\s/" },
    { "t\tn\nr\r", "t\\tn\\nr\\r" },
    { "c\x01\x1f\x7f", "c\\u0001\\u001f\x7f" },
  };

  for (size_t i = 0; i < ARRAY_SIZE (cases); i++)
    {
      struct alert *a = alert_internal ("r", PRIO_ERROR, 0, cases[i].in, "m", NULL);
      struct alert_style st = { 0 };
      char *s = alert_json (a, &st), *want = NULL;
      ck_assert_int_ge (asprintf (&want, "{\"hostname\":\"%s\",", cases[i].out), 0);
      ck_assert_msg (strncmp (s, want, strlen (want)) == 0, "case %zu: %s", i, s);
      free (want);
      free (s);
      alert_free (a);
    }
}
END_TEST

START_TEST (test_internal_alert)
{
  const char *kv[] = { "rule", "Read sensitive file", "field", "fd.name", "action", "deny", NULL };
  struct alert *a = alert_internal ("vigil internal: unknown field", PRIO_WARNING, TS, "node-1",
                                    "vigil internal: field fd.name could not be read", kv);
  struct alert_style iso = { .iso8601 = true, .json_include_tags = true, .json_include_output = false };

  set_tz ("UTC");
  ck_assert (a->internal);
  ck_assert_str_eq (a->source, "internal");
  /* Falco's internal alerts: fields in key order, values as JSON, and the
   * short time whatever time_format_iso_8601 says */
  expect_text (a, &iso,
               "12:00:00.123456789: Warning vigil internal: field fd.name could not be read "
               "(action=\"deny\" field=\"fd.name\" rule=\"Read sensitive file\")");
  expect_json (a, &iso,
               "{\"hostname\":\"node-1\",\"output\":\"vigil internal: field fd.name could not be read\","
               "\"output_fields\":{\"action\":\"deny\",\"field\":\"fd.name\",\"rule\":\"Read sensitive file\"},"
               "\"priority\":\"Warning\",\"rule\":\"vigil internal: unknown field\",\"source\":\"internal\","
               "\"time\":\"2024-01-01T12:00:00.123456789Z\"}");
  alert_free (a);

  /* no fields; a repeated key keeps its last value */
  const char *dup[] = { "k", "1", "k", "2", NULL };
  a = alert_internal ("r", PRIO_CRITICAL, TS, "h", "msg", dup);
  expect_text (a, &falco_defaults, "12:00:00.123456789: Critical msg (k=\"2\")");
  alert_free (a);
  a = alert_internal ("r", PRIO_CRITICAL, TS, NULL, "msg", NULL);
  expect_text (a, &falco_defaults, "12:00:00.123456789: Critical msg ()");
  alert_free (a);
}
END_TEST

/* ---- alert_build, through the real compiler, evaluator and replay events ---- */

static struct ruleset *
compile_rule (const char *cond, const char *output, char **tags, size_t ntags, struct diag_list *d)
{
  struct rules_defs defs = { 0 };
  struct rdef_rule *r = xcalloc (1, sizeof *r);
  struct compile_opts opts = { .min_priority = PRIO_DEBUG };
  struct diag_loc loc = { .file = diag_intern (d, "test.yaml"), .line = 1, .col = 1 };
  struct ruleset *rs;

  r->name = xstrdup ("Shell in container");
  r->loc = loc;
  r->desc = xstrdup ("a shell");
  loctext_from_plain (&r->cond, cond, loc);
  r->output = xstrdup (output);
  r->output_loc = loc;
  r->priority = PRIO_WARNING;
  r->tags = tags;
  r->ntags = ntags;
  r->enabled = true;
  r->source = xstrdup ("syscall");
  r->action = ACTION_LOG;
  r->complete = true;
  defs.rules = r;
  defs.nrules = defs.rules_cap = 1;
  rs = rules_compile (&defs, &opts, d);
  free (r->name);
  free (r->desc);
  loctext_free (&r->cond);
  free (r->output);
  free (r->source);
  free (r);
  return rs;
}

START_TEST (test_alert_build)
{
  char *tags[] = { "shell", "container", "shell" };
  struct diag_list d = { 0 };
  struct ruleset *rs
      = compile_rule ("evt.type = execve and proc.name = bash",
                      "Shell %proc.name (pid=%proc.pid gp=%proc.aname[2] user=%user.name fd=%fd.name "
                      "up=%toupper(proc.name) flags=%evt.arg.flags [%6proc.name])",
                      tags, ARRAY_SIZE (tags), &d);
  const char *line = "{\"evt.type\":\"execve\",\"evt.time\":1704110400123456789,\"proc.name\":\"bash\","
                     "\"proc.pid\":1234,\"proc.aname[2]\":\"sshd\",\"user.name\":null,"
                     "\"evt.arg.flags\":\"O_RDONLY\"}";
  char msg[256];
  struct replay_event *re;
  struct eval_state *st;
  struct match_set m = { 0 };
  struct alert *a;

  diag_print (&d, stdout);
  ck_assert_ptr_nonnull (rs);
  re = replay_event_parse (line, strlen (line), "node-1", msg, sizeof msg);
  ck_assert_msg (re != NULL, "%s", msg);
  st = eval_state_new (rs);
  ck_assert_uint_eq (rules_evaluate (rs, st, replay_event_base (re), &m), 1);
  a = alert_build (m.v[0].rule, st, replay_event_base (re), "log");
  /* the alert owns its memory: the event and the evaluation state go first */
  replay_event_free (re);
  eval_state_free (st);

  set_tz ("UTC");
  expect_text (a, &falco_defaults,
               "12:00:00.123456789: Warning Shell bash (pid=1234 gp=sshd user=<NA> fd=<NA> up=BASH "
               "flags=O_RDONLY [bash  ])");
  expect_json (a, &falco_defaults,
               "{\"action\":\"log\",\"hostname\":\"node-1\","
               "\"output\":\"12:00:00.123456789: Warning Shell bash (pid=1234 gp=sshd user=<NA> fd=<NA> up=BASH "
               "flags=O_RDONLY [bash  ])\","
               "\"output_fields\":{\"evt.arg.flags\":\"O_RDONLY\",\"evt.time\":1704110400123456789,"
               "\"fd.name\":null,\"proc.aname[2]\":\"sshd\",\"proc.name\":\"bash\",\"proc.pid\":1234,"
               "\"user.name\":null},"
               "\"priority\":\"Warning\",\"rule\":\"Shell in container\",\"source\":\"syscall\","
               "\"tags\":[\"container\",\"shell\"],\"time\":\"2024-01-01T12:00:00.123456789Z\"}");
  alert_free (a);
  match_set_free (&m);
  ruleset_free (rs);
  diag_list_free (&d);
}
END_TEST

static Suite *
output_suite (void)
{
  Suite *s = suite_create ("output");
  TCase *tc = tcase_create ("format");

  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_format_fields);
  tcase_add_test (tc, test_format_dedupes);
  tcase_add_test (tc, test_format_token_end);
  tcase_add_test (tc, test_format_star_trim_width);
  tcase_add_test (tc, test_format_transformers);
  tcase_add_test (tc, test_format_errors);
  tcase_add_test (tc, test_format_hostile);
  tcase_add_test (tc, test_upstream_outputs);
  suite_add_tcase (s, tc);

  tc = tcase_create ("render");
  tcase_add_test (tc, test_text_line);
  tcase_add_test (tc, test_json_exact);
  tcase_add_test (tc, test_json_styles);
  tcase_add_test (tc, test_json_time_field_once);
  tcase_add_test (tc, test_json_numbers);
  tcase_add_test (tc, test_json_strings);
  tcase_add_test (tc, test_internal_alert);
  tcase_add_test (tc, test_alert_build);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (output_suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
