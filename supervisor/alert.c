/* vigil: rendering alerts as Falco prints them: the text line of
 * falco_formats::format_event and the JSON object Falco builds with
 * nlohmann::json (keys sorted, compact, invalid UTF-8 replaced). */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "vigil/error.h"
#include "vigil/output.h"

#define NS_PER_SEC 1000000000ull

/* ---- time ---- */

/* libsinsp's %evt.time: "HH:MM:SS.nnnnnnnnn" in local time.  (libsinsp
 * applies the UTC offset of the current moment; the event's own offset is
 * used here, which only differs for events replayed across a DST change.) */
static void
time_local (uint64_t ts, char *buf, size_t sz)
{
  time_t sec = (time_t) (ts / NS_PER_SEC);
  struct tm tm;

  if (localtime_r (&sec, &tm) == NULL)
    memset (&tm, 0, sizeof tm);
  snprintf (buf, sz, "%02d:%02d:%02d.%09u", tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned) (ts % NS_PER_SEC));
}

/* libsinsp's %evt.time.iso8601 ("...+0000", always UTC) or, with zulu,
 * the "time" of Falco's JSON ("...Z"). */
static void
time_iso (uint64_t ts, bool zulu, char *buf, size_t sz)
{
  time_t sec = (time_t) (ts / NS_PER_SEC);
  struct tm tm;
  char date[32];

  if (gmtime_r (&sec, &tm) == NULL || strftime (date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
    snprintf (date, sizeof date, "YYYY-MM-DDTHH:MM:SS");
  snprintf (buf, sz, "%s.%09u%s", date, (unsigned) (ts % NS_PER_SEC), zulu ? "Z" : "+0000");
}

/* ---- UTF-8, as nlohmann's dump(error_handler_t::replace) cleans it ---- */

/* Length of the well-formed UTF-8 sequence at s, or 0 with *bad set to
 * the length of its maximal invalid prefix (at least 1), which becomes
 * one U+FFFD. */
static size_t
utf8_seq (const unsigned char *s, size_t n, size_t *bad)
{
  unsigned char c = s[0], lo = 0x80, hi = 0xBF;
  size_t need;

  if (c < 0x80)
    return 1;
  if (c >= 0xC2 && c <= 0xDF)
    need = 1;
  else if (c == 0xE0)
    need = 2, lo = 0xA0;
  else if (c == 0xED)
    need = 2, hi = 0x9F;
  else if (c >= 0xE1 && c <= 0xEF)
    need = 2;
  else if (c == 0xF0)
    need = 3, lo = 0x90;
  else if (c == 0xF4)
    need = 3, hi = 0x8F;
  else if (c >= 0xF1 && c <= 0xF3)
    need = 3;
  else
    {
      *bad = 1;
      return 0;
    }
  for (size_t k = 1; k <= need; k++)
    {
      unsigned char l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
      if (k >= n || s[k] < l || s[k] > h)
        {
          *bad = k;
          return 0;
        }
    }
  return need + 1;
}

/* s with invalid UTF-8 replaced by U+FFFD; caller frees. */
static char *
utf8_clean (const char *s)
{
  const unsigned char *u = (const unsigned char *) (s ? s : "");
  size_t n = strlen ((const char *) u), o = 0;
  char *out = xmalloc (n * 3 + 1);

  for (size_t i = 0; i < n;)
    {
      size_t bad = 0, len = utf8_seq (u + i, n - i, &bad);
      if (len > 0)
        {
          memcpy (out + o, u + i, len);
          o += len;
          i += len;
        }
      else
        {
          memcpy (out + o, "\xEF\xBF\xBD", 3);
          o += 3;
          i += bad;
        }
    }
  out[o] = '\0';
  return out;
}

/* ---- JSON through cJSON ---- */

static void *
jcheck (void *p)
{
  if (p == NULL)
    {
      fprintf (stderr, "vigil: out of memory (cJSON)\n");
      abort ();
    }
  return p;
}

static cJSON *
jstr (const char *s)
{
  cleanup_free char *clean = utf8_clean (s);
  return jcheck (cJSON_CreateString (clean));
}

static void
jadd (cJSON *obj, const char *key, cJSON *item)
{
  cleanup_free char *clean = utf8_clean (key);
  if (!cJSON_AddItemToObject (obj, clean, item))
    jcheck (NULL);
}

/* Numbers are written as raw text: cJSON holds them as doubles, which
 * would round nanosecond timestamps. */
static cJSON *
jraw_fmt (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

static cJSON *
jraw_fmt (const char *fmt, ...)
{
  char buf[64];
  va_list ap;

  va_start (ap, fmt);
  vsnprintf (buf, sizeof buf, fmt, ap);
  va_end (ap);
  return jcheck (cJSON_CreateRaw (buf));
}

/* A double as nlohmann prints one: the shortest text that reads back the
 * same, with ".0" on integral values; null when not finite. */
static cJSON *
jdouble (double d)
{
  char buf[64];

  if (!isfinite (d))
    return jcheck (cJSON_CreateNull ());
  for (int prec = 15; prec <= 17; prec++)
    {
      snprintf (buf, sizeof buf, "%.*g", prec, d);
      if (strtod (buf, NULL) == d)
        break;
    }
  if (strpbrk (buf, ".e") == NULL)
    strcat (buf, ".0");
  return jcheck (cJSON_CreateRaw (buf));
}

static cJSON *
jfield (const struct alert_field *f)
{
  cJSON *arr;

  if (!f->present)
    return jcheck (cJSON_CreateNull ());
  switch (f->kind)
    {
    case VK_INT:
      return jraw_fmt ("%" PRId64, f->i);
    case VK_UINT:
      return jraw_fmt ("%" PRIu64, f->u);
    case VK_BOOL:
      return jcheck (cJSON_CreateBool (f->b));
    case VK_DOUBLE:
      return jdouble (f->d);
    case VK_LIST:
      arr = jcheck (cJSON_CreateArray ());
      for (size_t i = 0; i < f->nitems; i++)
        if (!cJSON_AddItemToArray (arr, jstr (f->items[i])))
          jcheck (NULL);
      return arr;
    case VK_STR:
    case VK_IP:
      break;
    }
  return jstr (f->str);
}

/* output_fields: the rule's fields and, as Falco merges in its prefix's
 * field, the event time in nanoseconds under the prefix's key. */
static cJSON *
joutput_fields (const struct alert *a, const struct alert_style *st)
{
  cJSON *obj = jcheck (cJSON_CreateObject ());
  const char *tkey = st->iso8601 ? "evt.time.iso8601" : "evt.time";
  bool time_added = a->internal;

  for (size_t i = 0; i < a->nfields; i++)
    {
      int c = strcmp (a->fields[i].key, tkey);
      if (!time_added && c >= 0)
        {
          jadd (obj, tkey, jraw_fmt ("%" PRId64, (int64_t) a->ts));
          time_added = true;
          if (c == 0)
            continue;
        }
      jadd (obj, a->fields[i].key, jfield (&a->fields[i]));
    }
  if (!time_added)
    jadd (obj, tkey, jraw_fmt ("%" PRId64, (int64_t) a->ts));
  return obj;
}

static char *
jprint (cJSON *root)
{
  char *s = jcheck (cJSON_PrintUnformatted (root));
  char *out = xstrdup (s);

  cJSON_free (s);
  cJSON_Delete (root);
  return out;
}

/* ---- alerts ---- */

static void
free_field (struct alert_field *f)
{
  free (f->key);
  free (f->str);
  for (size_t i = 0; i < f->nitems; i++)
    free (f->items[i]);
  free (f->items);
}

void
alert_free (struct alert *a)
{
  if (a == NULL)
    return;
  free (a->rule);
  free (a->source);
  free (a->hostname);
  free (a->message);
  free (a->action);
  for (size_t i = 0; i < a->ntags; i++)
    free (a->tags[i]);
  free (a->tags);
  for (size_t i = 0; i < a->nfields; i++)
    free_field (&a->fields[i]);
  free (a->fields);
  free (a);
}

/* Insert keeping the fields sorted; a repeated key keeps its last value,
 * as assigning into a JSON object does. */
static void
insert_field (struct alert *a, const char *key, const char *value)
{
  size_t i = 0;

  while (i < a->nfields && strcmp (a->fields[i].key, key) < 0)
    i++;
  if (i < a->nfields && strcmp (a->fields[i].key, key) == 0)
    {
      free (a->fields[i].str);
      a->fields[i].str = xstrdup (value);
      return;
    }
  memmove (&a->fields[i + 1], &a->fields[i], (a->nfields - i) * sizeof *a->fields);
  a->fields[i] = (struct alert_field){ .key = xstrdup (key), .present = true, .kind = VK_STR,
                                       .str = xstrdup (value) };
  a->nfields++;
}

struct alert *
alert_internal (const char *rule, enum priority prio, uint64_t ts, const char *hostname, const char *message,
                const char *const *kv)
{
  struct alert *a = xcalloc (1, sizeof *a);
  size_t n = 0;

  a->rule = xstrdup (rule ? rule : "");
  a->priority = prio;
  a->source = xstrdup ("internal");
  a->hostname = xstrdup (hostname ? hostname : "");
  a->ts = ts;
  a->message = xstrdup (message ? message : "");
  a->internal = true;
  while (kv && kv[n] && kv[n + 1])
    n += 2;
  a->fields = xcalloc (n / 2 + 1, sizeof *a->fields);
  for (size_t i = 0; i < n; i += 2)
    insert_field (a, kv[i], kv[i + 1]);
  return a;
}

/* Falco's internal alerts end with their fields: ' (k1="v1" k2=2)'. */
static void
print_internal_fields (FILE *m, const struct alert *a)
{
  fputs (" (", m);
  for (size_t i = 0; i < a->nfields; i++)
    {
      cJSON *v = jfield (&a->fields[i]);
      char *s = jprint (v);
      fprintf (m, "%s%s=%s", i ? " " : "", a->fields[i].key, s);
      free (s);
    }
  fputc (')', m);
}

char *
alert_text (const struct alert *a, const struct alert_style *st)
{
  char when[64];
  char *buf = NULL;
  size_t len = 0;
  FILE *m = open_memstream (&buf, &len);

  jcheck (m);
  /* Falco prints its internal alerts' time with %evt.time whatever
   * time_format_iso_8601 says. */
  if (st->iso8601 && !a->internal)
    time_iso (a->ts, false, when, sizeof when);
  else
    time_local (a->ts, when, sizeof when);
  fprintf (m, "%s: %s %s", when, priority_name (a->priority), a->message ? a->message : "");
  if (a->internal)
    print_internal_fields (m, a);
  fclose (m);
  return buf;
}

static cJSON *
jtags (const struct alert *a)
{
  cJSON *arr = jcheck (cJSON_CreateArray ());
  for (size_t i = 0; i < a->ntags; i++)
    if (!cJSON_AddItemToArray (arr, jstr (a->tags[i])))
      jcheck (NULL);
  return arr;
}

char *
alert_json (const struct alert *a, const struct alert_style *st)
{
  cJSON *root = jcheck (cJSON_CreateObject ());
  char when[64];

  /* In key order, as nlohmann::json's std::map sorts them. */
  if (a->action)
    jadd (root, "action", jstr (a->action));
  jadd (root, "hostname", jstr (a->hostname));
  if (st->json_include_message && !a->internal)
    jadd (root, "message", jstr (a->message));
  if (a->internal)
    jadd (root, "output", jstr (a->message));
  else if (st->json_include_output)
    {
      cleanup_free char *line = alert_text (a, st);
      jadd (root, "output", jstr (line));
    }
  if (a->internal || !st->json_omit_output_fields)
    jadd (root, "output_fields", joutput_fields (a, st));
  jadd (root, "priority", jstr (priority_name (a->priority)));
  jadd (root, "rule", jstr (a->rule));
  jadd (root, "source", jstr (a->source));
  if (st->json_include_tags && !a->internal)
    jadd (root, "tags", jtags (a));
  time_iso (a->ts, true, when, sizeof when);
  jadd (root, "time", jstr (when));
  return jprint (root);
}
