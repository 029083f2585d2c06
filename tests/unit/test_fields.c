/* Unit tests: the field catalogue and field references. */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "vigil/cond.h"
#include "vigil/error.h"
#include "vigil/fields.h"

/* ---- catalogue ---- */

START_TEST (test_catalogue_sane)
{
  size_t n = 0;
  const struct field_def *all = fields_all (&n);

  ck_assert_ptr_nonnull (all);
  ck_assert_uint_gt (n, 250);
  for (size_t i = 0; i < n; i++)
    {
      const struct field_def *d = &all[i];
      ck_assert_msg (d->name && d->name[0], "entry %zu has no name", i);
      ck_assert_msg (d->desc && d->desc[0], "%s has no description", d->name);
      ck_assert_msg ((unsigned) d->type < FT__COUNT, "%s has a bad type", d->name);
      ck_assert_msg (d->argmode <= FARG_ARG, "%s has a bad argmode", d->name);
      ck_assert_msg (d->avail <= FIELD_UNSUPPORTED, "%s has a bad availability", d->name);
      for (const char *p = d->name; *p; p++)
        ck_assert_msg (islower ((unsigned char) *p) || isdigit ((unsigned char) *p) || *p == '.' || *p == '_',
                       "odd character in %s", d->name);
      /* Unique: lookup finds this very entry. */
      ck_assert_msg (fields_lookup (d->name) == d, "%s is listed twice", d->name);
    }
}
END_TEST

static void
expect_def (const char *name, enum field_type t, enum field_argmode am, enum field_avail av)
{
  const struct field_def *d = fields_lookup (name);
  ck_assert_msg (d != NULL, "%s not found", name);
  ck_assert_msg (d->type == t, "%s: type %s, expected %s", name, field_type_name (d->type), field_type_name (t));
  ck_assert_msg (d->argmode == am, "%s: argmode %d, expected %d", name, d->argmode, am);
  ck_assert_msg (d->avail == av, "%s: avail %s, expected %s", name, field_avail_name (d->avail),
                 field_avail_name (av));
}

START_TEST (test_catalogue_entries)
{
  expect_def ("proc.name", FT_CHARBUF, FARG_NONE, FIELD_LIVE);
  expect_def ("proc.aname", FT_CHARBUF, FARG_INDEX, FIELD_LIVE);
  expect_def ("proc.apid", FT_INT64, FARG_INDEX, FIELD_LIVE);
  expect_def ("proc.aexepath", FT_CHARBUF, FARG_INDEX, FIELD_LIVE);
  expect_def ("proc.env", FT_CHARBUF, FARG_KEY, FIELD_LIVE);
  expect_def ("proc.tty", FT_UINT64, FARG_NONE, FIELD_LIVE);
  expect_def ("proc.duration", FT_RELTIME, FARG_NONE, FIELD_LIVE);
  expect_def ("evt.type", FT_CHARBUF, FARG_NONE, FIELD_LIVE);
  expect_def ("evt.arg", FT_CHARBUF, FARG_ARG, FIELD_LIVE);
  expect_def ("evt.rawarg", FT_INT64, FARG_ARG, FIELD_LIVE);
  expect_def ("evt.rawres", FT_INT64, FARG_NONE, FIELD_LIVE);
  expect_def ("evt.is_open_read", FT_BOOL, FARG_NONE, FIELD_LIVE);
  expect_def ("evt.rawtime", FT_ABSTIME, FARG_NONE, FIELD_LIVE);
  expect_def ("evt.cpu", FT_INT64, FARG_NONE, FIELD_UNSUPPORTED);
  expect_def ("evt.buffer", FT_BYTEBUF, FARG_NONE, FIELD_UNSUPPORTED);
  expect_def ("evt.latency", FT_RELTIME, FARG_NONE, FIELD_UNSUPPORTED);
  expect_def ("thread.exectime", FT_RELTIME, FARG_NONE, FIELD_UNSUPPORTED);
  expect_def ("proc.vmsize", FT_UINT64, FARG_NONE, FIELD_UNSUPPORTED);
  expect_def ("fd.sip", FT_IPADDR, FARG_NONE, FIELD_LIVE);
  expect_def ("fd.net", FT_IPNET, FARG_NONE, FIELD_LIVE);
  expect_def ("fd.lport", FT_PORT, FARG_NONE, FIELD_LIVE);
  expect_def ("fd.l4proto", FT_L4PROTO, FARG_NONE, FIELD_LIVE);
  expect_def ("fd.sip.name", FT_CHARBUF, FARG_NONE, FIELD_REPLAY);
  expect_def ("fd.types", FT_CHARBUF, FARG_INDEX, FIELD_REPLAY);
  expect_def ("user.uid", FT_UINT64, FARG_NONE, FIELD_LIVE);
  expect_def ("user.loginuid", FT_INT64, FARG_NONE, FIELD_LIVE);
  expect_def ("group.gid", FT_UINT64, FARG_NONE, FIELD_LIVE);
  expect_def ("thread.cap_effective", FT_CHARBUF, FARG_NONE, FIELD_LIVE);
  expect_def ("container.id", FT_CHARBUF, FARG_NONE, FIELD_LIVE);
  expect_def ("container.privileged", FT_BOOL, FARG_NONE, FIELD_LIVE);
  expect_def ("container.mount.dest", FT_CHARBUF, FARG_KEY_REQ, FIELD_LIVE);
  expect_def ("container.start_ts", FT_ABSTIME, FARG_NONE, FIELD_LIVE);
  expect_def ("k8s.ns.name", FT_CHARBUF, FARG_NONE, FIELD_LIVE);
  expect_def ("k8s.pod.label", FT_CHARBUF, FARG_ARG, FIELD_LIVE);
  expect_def ("fs.path.name", FT_CHARBUF, FARG_NONE, FIELD_REPLAY);
  expect_def ("evt.around", FT_UINT64, FARG_INDEX_REQ, FIELD_UNSUPPORTED);

  ck_assert (fields_lookup ("fd.types")->flags & FIELD_F_LIST);
  ck_assert (!(fields_lookup ("proc.aname")->flags & FIELD_F_LIST));
  ck_assert (fields_lookup ("evt.rawarg")->flags & FIELD_F_NO_TRANSFORMER);
  ck_assert (fields_lookup ("fd.net")->flags & FIELD_F_NO_RHS);
  ck_assert (!(fields_lookup ("fd.name")->flags & (FIELD_F_NO_RHS | FIELD_F_NO_TRANSFORMER)));
}
END_TEST

START_TEST (test_catalogue_misses)
{
  ck_assert_ptr_null (fields_lookup ("proc.nme"));
  ck_assert_ptr_null (fields_lookup ("proc"));
  ck_assert_ptr_null (fields_lookup (""));
  ck_assert_ptr_null (fields_lookup (NULL));
  ck_assert_ptr_null (fields_lookup ("proc.name "));
  ck_assert_ptr_null (fields_lookup ("PROC.NAME"));
  ck_assert_ptr_null (fields_lookup ("proc.aname[2]"));
  ck_assert_ptr_null (fields_lookup ("evt.arg.flags"));
  /* A prefix of a name is not the name. */
  ck_assert_ptr_null (fields_lookup ("proc.nam"));
  ck_assert_ptr_nonnull (fields_lookup ("proc.name"));
}
END_TEST

START_TEST (test_type_names)
{
  ck_assert_str_eq (field_type_name (FT_CHARBUF), "CHARBUF");
  ck_assert_str_eq (field_type_name (FT_UINT64), "UINT64");
  ck_assert_str_eq (field_type_name (FT_IPNET), "IPNET");
  ck_assert_str_eq (field_type_name (FT_DOUBLE), "DOUBLE");
  ck_assert_str_eq (field_type_name ((enum field_type) 999), "UNKNOWN");
  for (int t = 0; t < FT__COUNT; t++)
    ck_assert_ptr_nonnull (field_type_name ((enum field_type) t));

  ck_assert (field_type_is_string (FT_CHARBUF));
  ck_assert (field_type_is_string (FT_FSPATH));
  ck_assert (field_type_is_string (FT_BYTEBUF));
  ck_assert (field_type_is_string (FT_L4PROTO));
  ck_assert (!field_type_is_string (FT_INT64));
  ck_assert (!field_type_is_string (FT_IPADDR));
  ck_assert (field_type_is_numeric (FT_INT64));
  ck_assert (field_type_is_numeric (FT_UINT64));
  ck_assert (field_type_is_numeric (FT_PORT));
  ck_assert (field_type_is_numeric (FT_RELTIME));
  ck_assert (field_type_is_numeric (FT_ABSTIME));
  ck_assert (!field_type_is_numeric (FT_BOOL));
  ck_assert (!field_type_is_numeric (FT_CHARBUF));
  ck_assert (!field_type_is_numeric (FT_IPADDR));

  ck_assert_str_eq (field_avail_name (FIELD_LIVE), "live");
  ck_assert_str_eq (field_avail_name (FIELD_REPLAY), "replay");
  ck_assert_str_eq (field_avail_name (FIELD_UNSUPPORTED), "unsupported");
}
END_TEST

/* ---- resolution ---- */

static struct field_ref
resolve_ok (const char *name, const char *arg)
{
  struct cond_field f = { .name = (char *) name, .arg = (char *) arg };
  struct field_ref r;
  char msg[256] = "";

  ck_assert_msg (field_ref_resolve (&f, &r, msg, sizeof msg) == 0, "%s[%s]: %s", name, arg ? arg : "", msg);
  return r;
}

static void
resolve_err (const char *name, const char *arg, const char *expect)
{
  struct cond_field f = { .name = (char *) name, .arg = (char *) arg };
  struct field_ref r;
  char msg[256] = "";

  ck_assert_msg (field_ref_resolve (&f, &r, msg, sizeof msg) < 0, "%s resolved", name);
  ck_assert_msg (strstr (msg, expect) != NULL, "%s: message '%s' lacks '%s'", name, msg, expect);
  ck_assert_ptr_null (r.key);
  ck_assert_ptr_null (r.arg);
}

START_TEST (test_resolve_plain)
{
  struct field_ref r = resolve_ok ("proc.name", NULL);
  ck_assert_str_eq (r.def->name, "proc.name");
  ck_assert_str_eq (r.key, "proc.name");
  ck_assert_ptr_null (r.arg);
  ck_assert_int_eq (r.index, -1);
  ck_assert_int_eq (r.ntr, 0);
  ck_assert_int_eq (r.type, FT_CHARBUF);
  field_ref_free (&r);
  ck_assert_ptr_null (r.key);
  field_ref_free (&r); /* twice is harmless */
  field_ref_free (NULL);

  r = resolve_ok ("proc.aname", NULL);
  ck_assert_str_eq (r.key, "proc.aname");
  ck_assert_int_eq (r.index, -1);
  field_ref_free (&r);
}
END_TEST

START_TEST (test_resolve_index)
{
  struct field_ref r = resolve_ok ("proc.aname", "2");
  ck_assert_str_eq (r.def->name, "proc.aname");
  ck_assert_str_eq (r.key, "proc.aname[2]");
  ck_assert_str_eq (r.arg, "2");
  ck_assert_int_eq (r.index, 2);
  field_ref_free (&r);

  r = resolve_ok ("proc.aname", "007");
  ck_assert_str_eq (r.key, "proc.aname[7]");
  ck_assert_int_eq (r.index, 7);
  field_ref_free (&r);

  r = resolve_ok ("proc.apid", "0");
  ck_assert_str_eq (r.key, "proc.apid[0]");
  ck_assert_int_eq (r.type, FT_INT64);
  field_ref_free (&r);

  resolve_err ("proc.aname", "x", "field 'proc.aname' takes a numeric argument");
  resolve_err ("proc.aname", "-1", "takes a numeric argument");
  resolve_err ("proc.aname", "", "takes a numeric argument");
  resolve_err ("proc.aname", "2 ", "takes a numeric argument");
  resolve_err ("proc.aname", "99999999999999999999999", "takes a numeric argument");
  resolve_err ("evt.around", NULL, "field 'evt.around' requires an argument");
}
END_TEST

START_TEST (test_resolve_key)
{
  struct field_ref r = resolve_ok ("proc.env", "HOME");
  ck_assert_str_eq (r.key, "proc.env[HOME]");
  ck_assert_str_eq (r.arg, "HOME");
  ck_assert_int_eq (r.index, -1);
  field_ref_free (&r);

  r = resolve_ok ("proc.env", NULL);
  ck_assert_str_eq (r.key, "proc.env");
  field_ref_free (&r);

  r = resolve_ok ("container.mount.dest", "/proc*");
  ck_assert_str_eq (r.key, "container.mount.dest[/proc*]");
  ck_assert_int_eq (r.index, -1);
  field_ref_free (&r);

  r = resolve_ok ("container.mount.dest", "0");
  ck_assert_int_eq (r.index, 0);
  ck_assert_str_eq (r.key, "container.mount.dest[0]");
  field_ref_free (&r);

  resolve_err ("container.mount.dest", NULL, "field 'container.mount.dest' requires an argument");
  resolve_err ("proc.env", "", "empty argument");
  resolve_err ("proc.name", "1", "field 'proc.name' does not take an argument");
}
END_TEST

START_TEST (test_resolve_dotted)
{
  struct field_ref r = resolve_ok ("evt.arg.flags", NULL);
  ck_assert_str_eq (r.def->name, "evt.arg");
  ck_assert_str_eq (r.arg, "flags");
  ck_assert_str_eq (r.key, "evt.arg.flags");
  ck_assert_int_eq (r.index, -1);
  ck_assert_int_eq (r.type, FT_CHARBUF);
  field_ref_free (&r);

  r = resolve_ok ("evt.arg", "0");
  ck_assert_str_eq (r.key, "evt.arg[0]");
  ck_assert_int_eq (r.index, 0);
  field_ref_free (&r);

  r = resolve_ok ("evt.rawarg.fd", NULL);
  ck_assert_str_eq (r.def->name, "evt.rawarg");
  ck_assert_str_eq (r.key, "evt.rawarg.fd");
  ck_assert_int_eq (r.type, FT_INT64);
  field_ref_free (&r);
  r = resolve_ok ("evt.rawarg.flags", NULL);
  ck_assert_int_eq (r.type, FT_UINT64);
  field_ref_free (&r);
  r = resolve_ok ("evt.rawarg.name", NULL);
  ck_assert_int_eq (r.type, FT_FSPATH);
  field_ref_free (&r);
  r = resolve_ok ("evt.rawarg.res", NULL);
  ck_assert_int_eq (r.type, FT_INT64);
  field_ref_free (&r);
  r = resolve_ok ("evt.rawarg.no_such_param", NULL);
  ck_assert_int_eq (r.type, FT_CHARBUF);
  field_ref_free (&r);

  r = resolve_ok ("k8s.pod.label.app.kubernetes.io/name", NULL);
  ck_assert_str_eq (r.def->name, "k8s.pod.label");
  ck_assert_str_eq (r.arg, "app.kubernetes.io/name");
  ck_assert_str_eq (r.key, "k8s.pod.label.app.kubernetes.io/name");
  field_ref_free (&r);
  r = resolve_ok ("k8s.pod.label", "app");
  ck_assert_str_eq (r.key, "k8s.pod.label.app");
  field_ref_free (&r);

  r = resolve_ok ("evt.type.is.open", NULL);
  ck_assert_str_eq (r.def->name, "evt.type.is");
  ck_assert_str_eq (r.arg, "open");
  field_ref_free (&r);
  r = resolve_ok ("thread.cgroup.cpuacct", NULL);
  ck_assert_str_eq (r.def->name, "thread.cgroup");
  field_ref_free (&r);
  /* An exact name wins over a dotted argument. */
  r = resolve_ok ("evt.abspath.src", NULL);
  ck_assert_str_eq (r.def->name, "evt.abspath.src");
  field_ref_free (&r);
  r = resolve_ok ("thread.cgroups", NULL);
  ck_assert_str_eq (r.def->name, "thread.cgroups");
  field_ref_free (&r);

  resolve_err ("evt.arg", NULL, "field 'evt.arg' requires an argument");
  resolve_err ("evt.arg.", NULL, "requires an argument after the dot");
  resolve_err ("evt.arg.flags", "1", "second argument");
  resolve_err ("evt.arg", "flags", "takes a numeric argument in brackets");
  resolve_err ("evt.rawarg", "1", "takes its argument after a dot");
  resolve_err ("proc.name.foo", NULL, "unknown field 'proc.name.foo'");
  resolve_err ("evt.type.isnt", NULL, "unknown field");
}
END_TEST

START_TEST (test_resolve_unknown)
{
  char msg[64];
  struct field_ref r;
  struct cond_field f = { .name = "proc.nme" };

  resolve_err ("proc.nme", NULL, "unknown field 'proc.nme'");
  resolve_err ("nothing", NULL, "unknown field 'nothing'");
  resolve_err ("", NULL, "empty field name");
  ck_assert_int_lt (field_ref_resolve (NULL, &r, msg, sizeof msg), 0);
  /* No room for a message is fine, and a short buffer is truncated. */
  ck_assert_int_lt (field_ref_resolve (&f, &r, NULL, 0), 0);
  ck_assert_int_lt (field_ref_resolve (&f, &r, msg, 8), 0);
  ck_assert_uint_eq (strlen (msg), 7);
}
END_TEST

static struct field_ref
resolve_tr (const char *name, const enum transformer *tr, int ntr, int *rc, char *msg, size_t msgsz)
{
  struct cond_field f = { .name = (char *) name, .ntr = ntr };
  struct field_ref r;

  for (int i = 0; i < ntr && i < COND_MAX_TRANSFORMERS; i++)
    f.tr[i] = tr[i];
  *rc = field_ref_resolve (&f, &r, msg, msgsz);
  return r;
}

START_TEST (test_resolve_transformers)
{
  char msg[256];
  int rc;
  struct field_ref r;

  r = resolve_tr ("proc.name", (enum transformer[]){ TR_TOLOWER }, 1, &rc, msg, sizeof msg);
  ck_assert_int_eq (rc, 0);
  ck_assert_int_eq (r.ntr, 1);
  ck_assert_int_eq (r.tr[0], TR_TOLOWER);
  ck_assert_int_eq (r.type, FT_CHARBUF);
  ck_assert_str_eq (r.key, "proc.name"); /* transformers are not part of the key */
  field_ref_free (&r);

  r = resolve_tr ("fd.name", (enum transformer[]){ TR_BASENAME, TR_TOUPPER }, 2, &rc, msg, sizeof msg);
  ck_assert_int_eq (rc, 0);
  ck_assert_int_eq (r.ntr, 2);
  ck_assert_int_eq (r.type, FT_CHARBUF);
  field_ref_free (&r);

  r = resolve_tr ("proc.cmdline", (enum transformer[]){ TR_LEN }, 1, &rc, msg, sizeof msg);
  ck_assert_int_eq (rc, 0);
  ck_assert_int_eq (r.type, FT_INT64);
  field_ref_free (&r);

  r = resolve_tr ("proc.pid", (enum transformer[]){ TR_TOLOWER }, 1, &rc, msg, sizeof msg);
  ck_assert_int_lt (rc, 0);
  ck_assert_msg (strstr (msg, "tolower") && strstr (msg, "proc.pid") && strstr (msg, "INT64"), "%s", msg);

  /* len gives a number, which tolower does not take. */
  r = resolve_tr ("proc.name", (enum transformer[]){ TR_LEN, TR_TOLOWER }, 2, &rc, msg, sizeof msg);
  ck_assert_int_lt (rc, 0);

  r = resolve_tr ("evt.rawarg.name", (enum transformer[]){ TR_TOLOWER }, 1, &rc, msg, sizeof msg);
  ck_assert_int_lt (rc, 0);
  ck_assert_msg (strstr (msg, "does not accept transformers"), "%s", msg);

  r = resolve_tr ("fd.net", (enum transformer[]){ TR_LEN }, 1, &rc, msg, sizeof msg);
  ck_assert_int_lt (rc, 0);

  r = resolve_tr ("proc.name", (enum transformer[COND_MAX_TRANSFORMERS]){ TR_TOLOWER }, COND_MAX_TRANSFORMERS + 1, &rc, msg,
                  sizeof msg);
  ck_assert_int_lt (rc, 0);
  r = resolve_tr ("proc.name", (enum transformer[]){ (enum transformer) 77 }, 1, &rc, msg, sizeof msg);
  ck_assert_int_lt (rc, 0);
}
END_TEST

/* ---- parsing text ---- */

static void
parse_ok (const char *text, const char *key, const char *def)
{
  struct field_ref r;
  char msg[256] = "";

  ck_assert_msg (field_ref_parse (text, strlen (text), &r, msg, sizeof msg) == 0, "%s: %s", text, msg);
  ck_assert_str_eq (r.key, key);
  ck_assert_str_eq (r.def->name, def);
  field_ref_free (&r);
}

static void
parse_err (const char *text, size_t len, const char *expect)
{
  struct field_ref r;
  char msg[256] = "";

  ck_assert_msg (field_ref_parse (text, len, &r, msg, sizeof msg) < 0, "%s parsed", text);
  ck_assert_msg (strstr (msg, expect), "%s: '%s' lacks '%s'", text, msg, expect);
  ck_assert_ptr_null (r.key);
}

START_TEST (test_parse)
{
  struct field_ref r;
  char msg[128];

  parse_ok ("proc.name", "proc.name", "proc.name");
  parse_ok ("proc.aname[2]", "proc.aname[2]", "proc.aname");
  parse_ok ("evt.arg.flags", "evt.arg.flags", "evt.arg");
  parse_ok ("evt.arg[1]", "evt.arg[1]", "evt.arg");
  parse_ok ("proc.env[HOME]", "proc.env[HOME]", "proc.env");
  parse_ok ("container.mount.dest[/var/run/docker.sock]", "container.mount.dest[/var/run/docker.sock]",
            "container.mount.dest");
  parse_ok ("k8s.pod.label[app]", "k8s.pod.label.app", "k8s.pod.label");

  /* The length bounds the text: no NUL needed. */
  const char *s = "proc.aname[3] and more";
  ck_assert_int_eq (field_ref_parse (s, 13, &r, msg, sizeof msg), 0);
  ck_assert_str_eq (r.key, "proc.aname[3]");
  ck_assert_int_eq (r.index, 3);
  field_ref_free (&r);

  parse_err ("proc.aname[2", 12, "missing ']'");
  parse_err ("proc.aname[2]x", 14, "missing ']'");
  parse_err ("", 0, "empty field name");
  parse_err ("[2]", 3, "empty field name");
  parse_err ("proc.nme", 8, "unknown field 'proc.nme'");
  parse_err ("proc.name[1]", 12, "does not take an argument");
  parse_err ("proc\0name", 9, "NUL");
  parse_err (NULL, 0, "empty field name");
}
END_TEST

/* ---- every field of the upstream rules files ---- */

static const char *const rules_files[] = { "falco_rules.yaml", "falco-incubating_rules.yaml",
                                           "falco-sandbox_rules.yaml" };

struct found {
  char **v;
  size_t n, cap;
};

static void
found_add (struct found *f, const char *s, size_t n)
{
  for (size_t i = 0; i < f->n; i++)
    if (strlen (f->v[i]) == n && strncmp (f->v[i], s, n) == 0)
      return;
  xgrow (&f->v, &f->cap, f->n, sizeof *f->v);
  f->v[f->n++] = xstrndup (s, n);
}

static const char *const classes[]
    = { "evt.", "proc.", "fd.", "user.", "group.", "container.", "k8s.", "thread.", "syscall.", "fs.path.",
        "fdlist.", "syslog." };

static bool
has_class_prefix (const char *s, size_t n)
{
  for (size_t i = 0; i < ARRAY_SIZE (classes); i++)
    if (n > strlen (classes[i]) && strncmp (s, classes[i], strlen (classes[i])) == 0)
      return true;
  return false;
}

static bool
is_operator_word (const char *s, size_t n)
{
  static const char *const ops[] = { "contains", "icontains", "startswith", "endswith", "glob", "iglob",
                                     "in", "intersects", "pmatch", "exists", "regex", "bcontains",
                                     "bstartswith" };
  for (size_t i = 0; i < ARRAY_SIZE (ops); i++)
    if (strlen (ops[i]) == n && strncmp (s, ops[i], n) == 0)
      return true;
  return false;
}

static bool
is_word_char (char c)
{
  return c && !isspace ((unsigned char) c) && !strchr ("()=<>!,\"'", c);
}

/* Fields of a condition: class-prefixed words followed by an operator. */
static void
scan_condition (const char *s, struct found *f)
{
  size_t i = 0, n = strlen (s);

  while (i < n)
    {
      if (s[i] == '"' || s[i] == '\'')
        {
          char q = s[i++];
          while (i < n && s[i] != q)
            i++;
          i++;
          continue;
        }
      if (!is_word_char (s[i]))
        {
          i++;
          continue;
        }
      size_t start = i;
      while (i < n && is_word_char (s[i]))
        i++;
      if (!has_class_prefix (s + start, i - start))
        continue;
      size_t j = i;
      while (j < n && isspace ((unsigned char) s[j]))
        j++;
      size_t k = j;
      while (k < n && isalpha ((unsigned char) s[k]))
        k++;
      if (j < n && (strchr ("=<>!", s[j]) || is_operator_word (s + j, k - j)))
        found_add (f, s + start, i - start);
    }
}

/* Fields of an output: %name and %(name). */
static void
scan_output (const char *s, struct found *f)
{
  for (const char *p = strchr (s, '%'); p; p = strchr (p + 1, '%'))
    {
      const char *q = p + 1;
      bool paren = *q == '(';
      q += paren;
      const char *e = q;
      while (*e && (isalnum ((unsigned char) *e) || strchr ("._[]/*-", *e)) && !(paren && *e == ')'))
        e++;
      /* A trailing dot ends the sentence, not the field. */
      while (e > q && e[-1] == '.')
        e--;
      if (has_class_prefix (q, (size_t) (e - q)))
        found_add (f, q, (size_t) (e - q));
    }
}

static int
scan_rules_file (const char *path, struct found *f)
{
  FILE *fp = fopen (path, "r");
  yaml_parser_t parser;
  yaml_event_t ev;
  char *key = NULL;
  bool expect_key = false, done = false;
  int depth_is_map[256] = { 0 };
  bool next_is_key[256] = { 0 };
  int depth = 0;

  if (fp == NULL)
    return -1;
  yaml_parser_initialize (&parser);
  yaml_parser_set_input_file (&parser, fp);
  while (!done)
    {
      if (!yaml_parser_parse (&parser, &ev))
        {
          yaml_parser_delete (&parser);
          fclose (fp);
          free (key);
          return -1;
        }
      switch (ev.type)
        {
        case YAML_MAPPING_START_EVENT:
        case YAML_SEQUENCE_START_EVENT:
          if (depth > 0 && depth_is_map[depth - 1])
            next_is_key[depth - 1] = true; /* the collection was a value */
          ck_assert_int_lt (depth, 255);
          depth_is_map[depth] = ev.type == YAML_MAPPING_START_EVENT;
          next_is_key[depth] = true;
          depth++;
          break;
        case YAML_MAPPING_END_EVENT:
        case YAML_SEQUENCE_END_EVENT:
          depth--;
          break;
        case YAML_SCALAR_EVENT:
          {
            const char *v = (const char *) ev.data.scalar.value;
            expect_key = depth > 0 && depth_is_map[depth - 1] && next_is_key[depth - 1];
            if (expect_key)
              {
                free (key);
                key = xstrdup (v);
                next_is_key[depth - 1] = false;
              }
            else
              {
                if (depth > 0 && depth_is_map[depth - 1])
                  next_is_key[depth - 1] = true;
                if (key && strcmp (key, "condition") == 0)
                  scan_condition (v, f);
                else if (key && strcmp (key, "output") == 0)
                  scan_output (v, f);
              }
          }
          break;
        case YAML_ALIAS_EVENT:
          if (depth > 0 && depth_is_map[depth - 1])
            next_is_key[depth - 1] = true;
          break;
        case YAML_STREAM_END_EVENT:
          done = true;
          break;
        default:
          break;
        }
      yaml_event_delete (&ev);
    }
  yaml_parser_delete (&parser);
  fclose (fp);
  free (key);
  return 0;
}

static bool
found_has (const struct found *f, const char *s)
{
  for (size_t i = 0; i < f->n; i++)
    if (strcmp (f->v[i], s) == 0)
      return true;
  return false;
}

START_TEST (test_upstream_fields)
{
  const char *dir = getenv ("VIGIL_FALCO_RULES_DIR");
  struct found f = { 0 };
  int nfiles = 0;

  if (dir == NULL)
    dir = "../shared/falco";
  for (size_t i = 0; i < ARRAY_SIZE (rules_files); i++)
    {
      char path[4096];
      snprintf (path, sizeof path, "%s/%s", dir, rules_files[i]);
      if (scan_rules_file (path, &f) == 0)
        nfiles++;
    }
  if (nfiles == 0)
    {
      printf ("SKIP: upstream Falco rules not found\n");
      return;
    }

  /* The scan found what the files are known to use. */
  ck_assert_uint_gt (f.n, 80);
  ck_assert (found_has (&f, "proc.aname[2]"));
  ck_assert (found_has (&f, "evt.arg.flags"));
  ck_assert (found_has (&f, "container.mount.dest[/proc*]"));
  ck_assert (found_has (&f, "fd.sip.name"));
  ck_assert (found_has (&f, "proc.exe_ino.ctime_duration_proc_start"));

  for (size_t i = 0; i < f.n; i++)
    {
      struct field_ref r;
      char msg[256] = "";
      int rc = field_ref_parse (f.v[i], strlen (f.v[i]), &r, msg, sizeof msg);
      ck_assert_msg (rc == 0, "upstream field %s: %s", f.v[i], msg);
      /* The canonical key is how the rules write it. */
      ck_assert_msg (strcmp (r.key, f.v[i]) == 0, "%s became %s", f.v[i], r.key);
      field_ref_free (&r);
      free (f.v[i]);
    }
  free (f.v);
}
END_TEST

static Suite *
fields_suite (void)
{
  Suite *s = suite_create ("fields");
  TCase *tc = tcase_create ("catalogue");
  tcase_add_test (tc, test_catalogue_sane);
  tcase_add_test (tc, test_catalogue_entries);
  tcase_add_test (tc, test_catalogue_misses);
  tcase_add_test (tc, test_type_names);
  suite_add_tcase (s, tc);

  tc = tcase_create ("resolve");
  tcase_add_test (tc, test_resolve_plain);
  tcase_add_test (tc, test_resolve_index);
  tcase_add_test (tc, test_resolve_key);
  tcase_add_test (tc, test_resolve_dotted);
  tcase_add_test (tc, test_resolve_unknown);
  tcase_add_test (tc, test_resolve_transformers);
  tcase_add_test (tc, test_parse);
  suite_add_tcase (s, tc);

  tc = tcase_create ("upstream");
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_upstream_fields);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (fields_suite ());
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
