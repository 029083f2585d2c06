/* vigil: rule outputs, compiled and substituted as libsinsp's event
 * formatter does (userspace/libsinsp/eventformatter.cpp).
 *
 * A reference is '%', an optional width, then a field or a transformer
 * over a field.  Like libsinsp, the field is the longest prefix of the
 * text that names a known field: "%proc.name." ends before the dot, and
 * "%proc.name[%proc.pid]" is proc.name followed by the literal "[", since
 * proc.name takes no argument. */
#include <arpa/inet.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigil/error.h"
#include "vigil/output.h"
#include "vigil/rules.h"

/* libsinsp pads or cuts a value to a width written as %10proc.name; the
 * cap keeps a hostile rule from asking for gigabytes of spaces. */
#define OUTPUT_MAX_WIDTH 4096
/* Longest field name considered: real ones are far shorter, and the
 * longest-prefix search is quadratic in it. */
#define OUTPUT_MAX_NAME 256

struct out_seg {
  char *text; /* literal text, when field < 0 */
  size_t len;
  long field; /* index in refs */
  unsigned width;
};

struct output_format {
  struct out_seg *segs;
  size_t nsegs, segs_cap;
  struct field_ref **refs; /* distinct, in order of first use */
  bool *in_json;           /* refs[i] goes into output_fields */
  size_t nrefs, refs_cap, json_cap;
};

struct fmt_parser {
  const char *s;
  size_t n;
  struct output_format *f;
  struct diag_list *d;
  struct diag_loc loc;
};

/* ---- lexing, with libsinsp's patterns ---- */

static bool
is_word (int c)
{
  return isalnum (c) || c == '_';
}

/* Length of the longest match of [A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+
 * at s, or 0. */
static size_t
lex_field_name (const char *s, size_t n)
{
  size_t i = 0;
  int parts = 0;

  if (n == 0 || !isalpha ((unsigned char) s[0]))
    return 0;
  while (i < n && is_word ((unsigned char) s[i]))
    i++;
  while (i + 1 < n && s[i] == '.' && isalpha ((unsigned char) s[i + 1]))
    {
      i++;
      while (i < n && is_word ((unsigned char) s[i]))
        i++;
      parts++;
    }
  return parts > 0 ? i : 0;
}

static bool
is_bare_arg_char (int c)
{
  return c != '[' && c != ']' && c != '"' && c != '\'' && !isspace (c);
}

/* A bracketed argument at s ("[2]", "[HOME]", "['a b']").  Returns its
 * length including the brackets and the argument in *arg (malloc'd), or 0
 * when s holds none. */
static size_t
lex_bracket_arg (const char *s, size_t n, char **arg)
{
  size_t i = 1;

  if (n < 3 || s[0] != '[')
    return 0;
  if (s[1] == '"' || s[1] == '\'')
    {
      char q = s[1];
      char *out = xmalloc (n);
      size_t o = 0;
      for (i = 2; i < n && s[i] != q; i++)
        {
          if (s[i] == '\\' && i + 1 < n)
            i++;
          out[o++] = s[i];
        }
      if (i + 1 >= n || s[i + 1] != ']')
        {
          free (out);
          return 0;
        }
      out[o] = '\0';
      *arg = out;
      return i + 2;
    }
  while (i < n && is_bare_arg_char ((unsigned char) s[i]))
    i++;
  if (i == 1 || i >= n || s[i] != ']')
    return 0;
  *arg = xstrndup (s + 1, i - 1);
  return i + 1;
}

/* A transformer call opening at s ("toupper("), as libsinsp spells them:
 * no blank between the name and '('. */
static size_t
lex_transformer (const char *s, size_t n, enum transformer *out)
{
  for (int t = 0; t < TR__COUNT; t++)
    {
      const char *name = transformer_name ((enum transformer) t);
      size_t len = strlen (name);
      if (len < n && memcmp (s, name, len) == 0 && s[len] == '(')
        {
          *out = (enum transformer) t;
          return len + 1;
        }
    }
  return 0;
}

static size_t
skip_blanks (const char *s, size_t i, size_t n)
{
  while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\b' || s[i] == '\r' || s[i] == '\n'))
    i++;
  return i;
}

/* ---- building the format ---- */

static void
add_literal (struct output_format *f, const char *s, size_t len)
{
  if (len == 0)
    return;
  xgrow (&f->segs, &f->segs_cap, f->nsegs, sizeof *f->segs);
  f->segs[f->nsegs++] = (struct out_seg){ .text = xstrndup (s, len), .len = len, .field = -1 };
}

static bool
same_ref (const struct field_ref *a, const struct field_ref *b)
{
  if (strcmp (a->key, b->key) != 0 || a->ntr != b->ntr)
    return false;
  for (int i = 0; i < a->ntr; i++)
    if (a->tr[i] != b->tr[i])
      return false;
  return true;
}

/* Take ownership of r; returns the index of the equal reference already
 * held, or of r. */
static long
add_ref (struct output_format *f, struct field_ref *r, bool in_json)
{
  for (size_t i = 0; i < f->nrefs; i++)
    if (same_ref (f->refs[i], r))
      {
        f->in_json[i] = f->in_json[i] || in_json;
        field_ref_free (r);
        free (r);
        return (long) i;
      }
  xgrow (&f->refs, &f->refs_cap, f->nrefs, sizeof *f->refs);
  xgrow (&f->in_json, &f->json_cap, f->nrefs, sizeof *f->in_json);
  f->refs[f->nrefs] = r;
  f->in_json[f->nrefs] = in_json;
  return (long) f->nrefs++;
}

static void
add_field (struct output_format *f, long idx, unsigned width)
{
  xgrow (&f->segs, &f->segs_cap, f->nsegs, sizeof *f->segs);
  f->segs[f->nsegs++] = (struct out_seg){ .field = idx, .width = width };
}

/* Resolve name[arg] with transformers tr[0..ntr) (innermost first). */
static struct field_ref *
resolve (const char *name, size_t nlen, const char *arg, const enum transformer *tr, int ntr, char *msg,
         size_t msgsz)
{
  struct cond_field cf = { 0 };
  struct field_ref *r = xcalloc (1, sizeof *r);
  int ret;

  cf.name = xstrndup (name, nlen);
  cf.arg = arg ? xstrdup (arg) : NULL;
  for (int i = 0; i < ntr; i++)
    cf.tr[i] = tr[i];
  cf.ntr = ntr;
  ret = field_ref_resolve (&cf, r, msg, msgsz);
  free (cf.name);
  free (cf.arg);
  if (ret < 0)
    {
      field_ref_free (r);
      free (r);
      return NULL;
    }
  return r;
}

static int
parse_error (struct fmt_parser *p, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

static int
parse_error (struct fmt_parser *p, const char *fmt, ...)
{
  va_list ap;
  char *msg = NULL;

  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  va_end (ap);
  diag_error (p->d, p->loc, "output: %s", msg ? msg : "invalid field reference");
  free (msg);
  return -1;
}

/* How much of the text after a '%' to quote in a message. */
static int
quote_len (const char *s, size_t n)
{
  size_t i = 0;
  while (i < n && i < 24 && s[i] != '\n')
    i++;
  return (int) i;
}

/* A plain field at s[j..]: the longest prefix that names a field, as
 * libsinsp finds it by retrying ever shorter prefixes. */
static int
parse_field (struct fmt_parser *p, size_t j, unsigned width, size_t *end)
{
  const char *s = p->s + j;
  size_t n = p->n - j;
  size_t nlen = lex_field_name (s, n);
  char first_msg[256] = "";
  char msg[256];
  char *arg = NULL;
  struct field_ref *r;

  if (nlen == 0)
    return parse_error (p, "'%%' must be followed by a field name such as %%proc.name, found '%%%.*s'",
                        quote_len (s, n), s);
  if (nlen > OUTPUT_MAX_NAME)
    return parse_error (p, "field name '%.*s...' is too long", 32, s);

  size_t alen = lex_bracket_arg (s + nlen, n - nlen, &arg);
  if (alen > 0)
    {
      r = resolve (s, nlen, arg, NULL, 0, first_msg, sizeof first_msg);
      free (arg);
      if (r)
        {
          add_field (p->f, add_ref (p->f, r, true), width);
          *end = j + nlen + alen;
          return 0;
        }
    }
  for (size_t len = nlen; len > 0; len--)
    {
      if (lex_field_name (s, len) != len)
        continue;
      r = resolve (s, len, NULL, NULL, 0, msg, sizeof msg);
      if (r)
        {
          add_field (p->f, add_ref (p->f, r, true), width);
          *end = j + len;
          return 0;
        }
      if (first_msg[0] == '\0')
        snprintf (first_msg, sizeof first_msg, "%s", msg);
    }
  return parse_error (p, "%s", first_msg);
}

/* A transformer chain at s[j..], "toupper( tolower(proc.name) )".  The
 * transformed reference renders the message; the plain field goes into
 * output_fields, as libsinsp does by default. */
static int
parse_transformed (struct fmt_parser *p, size_t j, unsigned width, size_t *end)
{
  const char *s = p->s;
  size_t n = p->n, k = j, tlen, nlen, alen = 0;
  enum transformer outer[COND_MAX_TRANSFORMERS], tr[COND_MAX_TRANSFORMERS], t;
  int depth = 0;
  char msg[256];
  char *arg = NULL;

  while ((tlen = lex_transformer (s + k, n - k, &t)) > 0)
    {
      if (depth == COND_MAX_TRANSFORMERS)
        return parse_error (p, "more than %d nested transformers", COND_MAX_TRANSFORMERS);
      outer[depth++] = t;
      k = skip_blanks (s, k + tlen, n);
    }
  nlen = lex_field_name (s + k, n - k);
  if (nlen == 0)
    return parse_error (p, "expected a field inside %s(), found '%.*s'", transformer_name (outer[depth - 1]),
                        quote_len (s + k, n - k), s + k);
  if (k + nlen < n && s[k + nlen] == '[')
    {
      alen = lex_bracket_arg (s + k + nlen, n - k - nlen, &arg);
      if (alen == 0)
        return parse_error (p, "malformed argument after '%.*s'", (int) nlen, s + k);
    }
  size_t name_at = k;
  k += nlen + alen;
  for (int i = 0; i < depth; i++)
    {
      k = skip_blanks (s, k, n);
      if (k >= n || s[k] != ')')
        {
          free (arg);
          return parse_error (p, "missing ')' closing %s(", transformer_name (outer[depth - 1 - i]));
        }
      k++;
    }
  for (int i = 0; i < depth; i++)
    tr[i] = outer[depth - 1 - i];

  struct field_ref *r = resolve (s + name_at, nlen, arg, tr, depth, msg, sizeof msg);
  struct field_ref *base = r ? resolve (s + name_at, nlen, arg, NULL, 0, msg, sizeof msg) : NULL;
  free (arg);
  if (r == NULL || base == NULL)
    {
      if (r)
        {
          field_ref_free (r);
          free (r);
        }
      return parse_error (p, "%s", msg);
    }
  add_ref (p->f, base, true);
  add_field (p->f, add_ref (p->f, r, false), width);
  *end = k;
  return 0;
}

/* The reference whose '%' is at s[pct]; *end receives where literal text
 * resumes (also on error, when more than the '%' is to be skipped). */
static int
parse_reference (struct fmt_parser *p, size_t pct, size_t *end)
{
  const char *s = p->s;
  size_t n = p->n, j = pct + 1;
  unsigned long width = 0;
  enum transformer t;

  if (j == n)
    return parse_error (p, "the output ends with a lone '%%'");
  if (s[j] == '%')
    {
      *end = j + 1;
      return parse_error (p, "'%%%%' is no escape in Falco's output format: libsinsp rejects it");
    }
  while (j < n && isdigit ((unsigned char) s[j]))
    {
      width = width * 10 + (unsigned long) (s[j++] - '0');
      if (width > OUTPUT_MAX_WIDTH)
        return parse_error (p, "field width after '%%' is larger than %d", OUTPUT_MAX_WIDTH);
    }
  if (j == n)
    return parse_error (p, "the output ends with a field width and no field");
  if (strncmp (s + j, "join(", 5) == 0)
    return parse_error (p, "transformer 'join' is not supported by vigil");
  if (lex_transformer (s + j, n - j, &t) > 0)
    return parse_transformed (p, j, (unsigned) width, end);
  return parse_field (p, j, (unsigned) width, end);
}

struct output_format *
output_format_compile (const char *text, struct diag_loc loc, struct diag_list *d)
{
  struct output_format *f = xcalloc (1, sizeof *f);
  struct fmt_parser p = { .f = f, .d = d, .loc = loc };
  size_t lit = 0, i = 0;
  int errors = 0;

  /* Falco's loader trims the output; a leading '*' (print <NA> for missing
   * values) is what Falco always does anyway. */
  if (text == NULL)
    text = "";
  while (isspace ((unsigned char) *text))
    text++;
  p.n = strlen (text);
  while (p.n > 0 && isspace ((unsigned char) text[p.n - 1]))
    p.n--;
  if (p.n == 0)
    {
      diag_error (d, loc, "output: the output is empty");
      output_format_free (f);
      return NULL;
    }
  if (text[0] == '*')
    {
      text++;
      p.n--;
    }
  p.s = text;

  while (i < p.n)
    {
      size_t end;
      if (text[i] != '%')
        {
          i++;
          continue;
        }
      add_literal (f, text + lit, i - lit);
      end = i + 1; /* where to resume after an error */
      if (parse_reference (&p, i, &end) < 0)
        errors++;
      i = lit = end;
    }
  add_literal (f, text + lit, p.n - lit);
  if (errors)
    {
      output_format_free (f);
      return NULL;
    }
  return f;
}

struct field_ref **
output_format_fields (struct output_format *f, size_t *n)
{
  *n = f->nrefs;
  return f->refs;
}

void
output_format_free (struct output_format *f)
{
  if (f == NULL)
    return;
  for (size_t i = 0; i < f->nsegs; i++)
    free (f->segs[i].text);
  for (size_t i = 0; i < f->nrefs; i++)
    {
      field_ref_free (f->refs[i]);
      free (f->refs[i]);
    }
  free (f->segs);
  free (f->refs);
  free (f->in_json);
  free (f);
}

static FILE *
memstream (char **buf, size_t *len)
{
  FILE *m = open_memstream (buf, len);
  if (m == NULL)
    {
      fprintf (stderr, "vigil: out of memory (open_memstream)\n");
      abort ();
    }
  return m;
}

char *
output_format_to_string (const struct output_format *f)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *m = memstream (&buf, &len);

  for (size_t i = 0; i < f->nsegs; i++)
    {
      const struct out_seg *sg = &f->segs[i];
      const struct field_ref *r;

      if (sg->field < 0)
        {
          fwrite (sg->text, 1, sg->len, m);
          continue;
        }
      r = f->refs[sg->field];
      fputc ('{', m);
      if (sg->width)
        fprintf (m, "%u:", sg->width);
      for (int t = r->ntr - 1; t >= 0; t--)
        fprintf (m, "%s(", transformer_name (r->tr[t]));
      fputs (r->key, m);
      for (int t = 0; t < r->ntr; t++)
        fputc (')', m);
      fputc ('}', m);
    }
  fclose (m);
  return buf;
}

/* ---- capturing an alert ---- */

/* A value as libsinsp's rawval_to_string prints it; lists as "(a,b)". */
static void
print_value (FILE *m, const struct value *v, int depth)
{
  char ip[INET6_ADDRSTRLEN];
  const char *nul;

  switch (v->kind)
    {
    case VK_STR:
      /* A C string in libsinsp: it ends at the first NUL. */
      nul = v->u.s.p ? memchr (v->u.s.p, '\0', v->u.s.len) : NULL;
      if (v->u.s.p)
        fwrite (v->u.s.p, 1, nul ? (size_t) (nul - v->u.s.p) : v->u.s.len, m);
      break;
    case VK_INT:
      fprintf (m, "%" PRId64, v->u.i);
      break;
    case VK_UINT:
      fprintf (m, "%" PRIu64, v->u.u);
      break;
    case VK_BOOL:
      fputs (v->u.b ? "true" : "false", m);
      break;
    case VK_DOUBLE:
      fprintf (m, "%.1f", v->u.d);
      break;
    case VK_IP:
      if (inet_ntop (v->u.ip.family, v->u.ip.a, ip, sizeof ip) == NULL)
        snprintf (ip, sizeof ip, "<NA>");
      fputs (ip, m);
      break;
    case VK_LIST:
      fputc ('(', m);
      for (size_t i = 0; depth == 0 && i < v->u.list.n; i++)
        {
          if (i > 0)
            fputc (',', m);
          print_value (m, &v->u.list.items[i], depth + 1);
        }
      fputc (')', m);
      break;
    }
}

static char *
value_text (const struct value *v)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *m = memstream (&buf, &len);

  print_value (m, v, 0);
  fclose (m);
  return buf;
}

/* Falco's JSON follows the field's type: a string-typed field (evt.arg.*
 * is the formatted argument) is a JSON string whatever the value. */
static bool
json_as_string (enum field_type t)
{
  return field_type_is_string (t) || t == FT_IPADDR || t == FT_IPNET;
}

static void
capture_field (struct alert_field *af, const struct field_ref *ref, const struct value *v, const char *text)
{
  af->key = xstrdup (ref->key);
  af->present = v != NULL;
  if (v == NULL)
    return;
  af->str = xstrdup (text);
  af->kind = v->kind;
  if (v->kind != VK_LIST && json_as_string (ref->type))
    {
      af->kind = VK_STR;
      return;
    }
  switch (v->kind)
    {
    case VK_INT:
      af->i = v->u.i;
      break;
    case VK_UINT:
      af->u = v->u.u;
      break;
    case VK_BOOL:
      af->b = v->u.b;
      break;
    case VK_DOUBLE:
      af->d = v->u.d;
      break;
    case VK_LIST:
      af->items = xcalloc (v->u.list.n, sizeof *af->items);
      af->nitems = v->u.list.n;
      for (size_t i = 0; i < v->u.list.n; i++)
        af->items[i] = value_text (&v->u.list.items[i]);
      break;
    case VK_STR:
    case VK_IP:
      break;
    }
}

static int
cmp_fields (const void *a, const void *b)
{
  return strcmp (((const struct alert_field *) a)->key, ((const struct alert_field *) b)->key);
}

static int
cmp_strs (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Tags sorted and without duplicates, as Falco's std::set holds them. */
static void
copy_tags (struct alert *a, char *const *tags, size_t n)
{
  if (n == 0)
    return;
  a->tags = xcalloc (n, sizeof *a->tags);
  for (size_t i = 0; i < n; i++)
    a->tags[i] = xstrdup (tags[i]);
  qsort (a->tags, n, sizeof *a->tags, cmp_strs);
  a->ntags = 0;
  for (size_t i = 0; i < n; i++)
    {
      if (a->ntags > 0 && strcmp (a->tags[a->ntags - 1], a->tags[i]) == 0)
        free (a->tags[i]);
      else
        a->tags[a->ntags++] = a->tags[i];
    }
}

static char *
local_hostname (void)
{
  char buf[256];
  if (gethostname (buf, sizeof buf) < 0)
    return xstrdup ("");
  buf[sizeof buf - 1] = '\0';
  return xstrdup (buf);
}

static void
print_message (FILE *m, const struct output_format *f, char *const *texts)
{
  for (size_t i = 0; i < f->nsegs; i++)
    {
      const struct out_seg *sg = &f->segs[i];
      const char *t;
      size_t len;

      if (sg->field < 0)
        {
          fwrite (sg->text, 1, sg->len, m);
          continue;
        }
      t = texts[sg->field] ? texts[sg->field] : "<NA>";
      len = strlen (t);
      if (sg->width == 0)
        fwrite (t, 1, len, m);
      else
        fprintf (m, "%-*.*s", (int) sg->width, (int) sg->width, t);
    }
}

struct alert *
alert_build (const struct rule *rule, struct eval_state *st, struct event *ev, const char *action)
{
  struct alert *a = xcalloc (1, sizeof *a);
  const struct output_format *f = rule->fmt;
  char **texts;
  char *msg = NULL;
  size_t msglen = 0;

  a->rule = xstrdup (rule->name ? rule->name : "");
  a->priority = rule->priority;
  a->source = xstrdup (rule->source ? rule->source : "syscall");
  a->hostname = ev->hostname ? xstrdup (ev->hostname) : local_hostname ();
  a->ts = ev->ts;
  a->action = action ? xstrdup (action) : NULL;
  copy_tags (a, rule->tags, rule->ntags);
  if (f == NULL)
    {
      a->message = xstrdup (rule->output ? rule->output : "");
      return a;
    }

  texts = xcalloc (f->nrefs, sizeof *texts);
  a->fields = xcalloc (f->nrefs, sizeof *a->fields);
  for (size_t i = 0; i < f->nrefs; i++)
    {
      struct value v;
      bool present = eval_field (st, ev, f->refs[i], &v) == VAL_PRESENT;
      if (present)
        texts[i] = value_text (&v);
      if (f->in_json[i])
        capture_field (&a->fields[a->nfields++], f->refs[i], present ? &v : NULL, texts[i]);
    }
  qsort (a->fields, a->nfields, sizeof *a->fields, cmp_fields);

  FILE *m = memstream (&msg, &msglen);
  print_message (m, f, texts);
  fclose (m);
  a->message = msg;
  for (size_t i = 0; i < f->nrefs; i++)
    free (texts[i]);
  free (texts);
  return a;
}
