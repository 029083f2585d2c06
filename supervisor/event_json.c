/* vigil: replay events, recorded as one JSON object per line keyed by
 * Falco field names:
 *
 *   {"evt.type":"openat","evt.time":1700000000123456789,"proc.name":"cat",
 *    "fd.name":"/etc/shadow","proc.aname[2]":"bash","user.uid":0}
 *
 * A field is looked up under its canonical key ("proc.aname[2]",
 * "evt.arg.flags", "proc.env[HOME]").  Failing that, a field with an
 * argument is looked up in its base field holding an array indexed like
 * Falco ("proc.aname": ["cat","bash","sshd"], where [0] is the process
 * itself and [1] its parent) or an object ("proc.env": {"HOME":"/root"},
 * "evt.arg": {"flags":"O_RDONLY"}); proc.env may also be an array of
 * "NAME=value" strings.  A bare ancestor field (proc.aname) holding such
 * an array gives the list of the ancestors, [1] onwards.
 *
 * "evt.time" is the timestamp: integer nanoseconds since the epoch, or an
 * ISO 8601 string with up to nine decimals and a zone (Z, +hh:mm).  The
 * time fields (evt.time, evt.rawtime, evt.datetime...) are rendered from
 * it as Falco renders them, and evt.hostname from the event's hostname.
 *
 * JSON null marks a value the recorder could not read (VAL_UNREADABLE),
 * an absent key a value the event does not have (VAL_ABSENT), and a value
 * that does not fit the field's type is unreadable too. */
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vigil/arena.h"
#include "vigil/error.h"
#include "vigil/event.h"
#include "vigil/evttypes.h"

/* A recorded line longer than this is refused rather than parsed. */
#define REPLAY_MAX_LINE ((size_t) 64 << 20)

/* Integers of this many digits or more may not survive cJSON's doubles
 * (2^53 has 16 digits): they are quoted before parsing and read back
 * exactly from their text. */
#define LONG_INT_DIGITS 16

#define NS_PER_SEC 1000000000ull

struct replay_event {
  struct event base; /* first: the engine hands back &base */
  cJSON *root;
  bool has_ts;
  struct arena scratch; /* hostname, rendered numbers and times, list items */
};

static enum value_state replay_extract (struct event *ev, const struct field_ref *ref, struct value *out);

static int replay_in_class (struct event *ev, int test);

static const struct event_ops replay_ops = { .extract = replay_extract, .in_class = replay_in_class };


/* ---- parsing ---- */

/* Copy of s with every integer literal of LONG_INT_DIGITS digits or more
 * (outside strings) put in quotes, or NULL when there is none. */
static char *
quote_long_ints (const char *s, size_t len, size_t *outlen)
{
  char *out = NULL;
  size_t o = 0;

  /* Pass 0 only looks; pass 1 (if needed) writes. */
  for (int pass = 0; pass < 2; pass++)
    {
      bool in_str = false, esc = false, found = false;
      for (size_t i = 0; i < len;)
        {
          char c = s[i];
          if (in_str || c == '"')
            {
              if (in_str && esc)
                esc = false;
              else if (in_str && c == '\\')
                esc = true;
              else if (c == '"')
                in_str = !in_str;
              if (out)
                out[o++] = c;
              i++;
              continue;
            }
          if (c != '-' && !isdigit ((unsigned char) c))
            {
              if (out)
                out[o++] = c;
              i++;
              continue;
            }
          size_t j = i + (c == '-'), digits = 0;
          while (j < len && isdigit ((unsigned char) s[j]))
            j++, digits++;
          bool is_float = j < len && (s[j] == '.' || s[j] == 'e' || s[j] == 'E');
          bool quote = digits >= LONG_INT_DIGITS && !is_float;
          found |= quote;
          if (out)
            {
              if (quote)
                out[o++] = '"';
              memcpy (out + o, s + i, j - i);
              o += j - i;
              if (quote)
                out[o++] = '"';
            }
          i = j;
        }
      if (!found)
        return NULL;
      if (out)
        break;
      /* Each quoted literal adds two bytes and has at least 16. */
      out = xmalloc (len + len / 8 + 3);
    }
  *outlen = o;
  return out;
}

static int64_t
days_from_civil (int64_t y, unsigned m, unsigned d)
{
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned) (y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t) doe - 719468;
}

static bool
is_leap (int y)
{
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* n decimal digits at *p, advancing it. */
static bool
take_digits (const char **p, int n, int *out)
{
  int v = 0;

  for (int i = 0; i < n; i++)
    {
      if (!isdigit ((unsigned char) (*p)[i]))
        return false;
      v = v * 10 + ((*p)[i] - '0');
    }
  *p += n;
  *out = v;
  return true;
}

static bool
take_char (const char **p, char c)
{
  if (**p != c)
    return false;
  (*p)++;
  return true;
}

/* "2023-11-14T22:13:20.123456789Z" (or a space for T, +hh:mm / +hhmm for
 * Z; no zone means UTC) to nanoseconds since the epoch. */
static bool
parse_iso8601 (const char *s, uint64_t *ns)
{
  static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  int y, mo, d, h, mi, sec, zh = 0, zm = 0, zsign = 0;
  uint64_t frac = 0;
  const char *p = s;

  if (!take_digits (&p, 4, &y) || !take_char (&p, '-') || !take_digits (&p, 2, &mo) || !take_char (&p, '-')
      || !take_digits (&p, 2, &d) || !(take_char (&p, 'T') || take_char (&p, ' '))
      || !take_digits (&p, 2, &h) || !take_char (&p, ':') || !take_digits (&p, 2, &mi)
      || !take_char (&p, ':') || !take_digits (&p, 2, &sec))
    return false;
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && is_leap (y)) || h > 23
      || mi > 59 || sec > 60)
    return false;
  if (take_char (&p, '.'))
    {
      int n = 0;
      for (; isdigit ((unsigned char) *p); p++, n++)
        if (n < 9)
          frac = frac * 10 + (uint64_t) (*p - '0');
      if (n == 0 || n > 9)
        return false;
      for (; n < 9; n++)
        frac *= 10;
    }
  if (*p == '+' || *p == '-')
    {
      zsign = *p++ == '+' ? 1 : -1;
      if (!take_digits (&p, 2, &zh))
        return false;
      take_char (&p, ':');
      if (!take_digits (&p, 2, &zm) || zh > 23 || zm > 59)
        return false;
    }
  else
    take_char (&p, 'Z');
  if (*p != '\0')
    return false;

  int64_t secs = days_from_civil (y, (unsigned) mo, (unsigned) d) * 86400 + h * 3600 + mi * 60 + sec
                 - zsign * (zh * 3600 + zm * 60);
  if (secs < 0)
    return false;
  *ns = (uint64_t) secs * NS_PER_SEC + frac;
  return true;
}

/* A whole string of decimal digits (optionally signed). */
static bool
parse_u64_text (const char *s, uint64_t *out)
{
  char *end;

  if (!isdigit ((unsigned char) s[0]))
    return false;
  errno = 0;
  unsigned long long v = strtoull (s, &end, 10);
  if (errno || *end != '\0')
    return false;
  *out = v;
  return true;
}

static bool
parse_i64_text (const char *s, int64_t *out)
{
  char *end;

  if (!isdigit ((unsigned char) s[0]) && !(s[0] == '-' && isdigit ((unsigned char) s[1])))
    return false;
  errno = 0;
  long long v = strtoll (s, &end, 10);
  if (errno || *end != '\0')
    return false;
  *out = v;
  return true;
}

/* 2^63 and 2^64 as doubles: the exclusive bounds of exact conversions. */
#define TWO_63 9223372036854775808.0
#define TWO_64 18446744073709551616.0

static bool
number_as_u64 (double d, uint64_t *out)
{
  if (!isfinite (d) || d != trunc (d) || d < 0 || d >= TWO_64)
    return false;
  *out = (uint64_t) d;
  return true;
}

static bool
number_as_i64 (double d, int64_t *out)
{
  if (!isfinite (d) || d != trunc (d) || d < -TWO_63 || d >= TWO_63)
    return false;
  *out = (int64_t) d;
  return true;
}

static int
parse_time (const cJSON *t, struct replay_event *re, char *msg, size_t msgsz)
{
  uint64_t ns;

  if (t == NULL || cJSON_IsNull (t))
    return 0;
  if (cJSON_IsNumber (t) && number_as_u64 (t->valuedouble, &ns))
    ;
  else if (!cJSON_IsString (t) || !(parse_u64_text (t->valuestring, &ns) || parse_iso8601 (t->valuestring, &ns)))
    return vigil_msg_error (msg, msgsz, "\"evt.time\" is neither nanoseconds since the epoch nor an ISO 8601 time");
  re->base.ts = ns;
  re->has_ts = true;
  return 0;
}

static bool
only_space (const char *p, const char *end)
{
  for (; p < end; p++)
    if (!isspace ((unsigned char) *p))
      return false;
  return true;
}

static cJSON *
parse_object (const char *line, size_t len, char *msg, size_t msgsz)
{
  size_t qlen = 0;
  cleanup_free char *quoted = quote_long_ints (line, len, &qlen);
  const char *src = quoted ? quoted : line;
  size_t slen = quoted ? qlen : len;
  const char *end = NULL;
  cJSON *root;

  if (only_space (line, line + len))
    {
      vigil_msg_error (msg, msgsz, "empty line");
      return NULL;
    }
  root = cJSON_ParseWithLengthOpts (src, slen, &end, false);
  if (root == NULL)
    {
      size_t off = end && end >= src && end <= src + slen ? (size_t) (end - src) : 0;
      vigil_msg_error (msg, msgsz, "invalid JSON near byte %zu", off);
      return NULL;
    }
  if (end && !only_space (end, src + slen))
    {
      vigil_msg_error (msg, msgsz, "unexpected text after the JSON value at byte %zu", (size_t) (end - src));
      cJSON_Delete (root);
      return NULL;
    }
  if (!cJSON_IsObject (root))
    {
      vigil_msg_error (msg, msgsz, "the line is not a JSON object");
      cJSON_Delete (root);
      return NULL;
    }
  return root;
}

struct replay_event *
replay_event_parse (const char *line, size_t len, const char *default_hostname, char *msg, size_t msgsz)
{
  struct replay_event *re;
  const cJSON *type, *host;
  cJSON *root;

  if (line == NULL)
    {
      vigil_msg_error (msg, msgsz, "no line");
      return NULL;
    }
  if (len > REPLAY_MAX_LINE)
    {
      vigil_msg_error (msg, msgsz, "line too long (%zu bytes, at most %zu)", len, REPLAY_MAX_LINE);
      return NULL;
    }
  /* cJSON would take a NUL inside a string as its end. */
  if (memchr (line, '\0', len))
    {
      vigil_msg_error (msg, msgsz, "the line contains a NUL byte");
      return NULL;
    }
  root = parse_object (line, len, msg, msgsz);
  if (root == NULL)
    return NULL;
  type = cJSON_GetObjectItemCaseSensitive (root, "evt.type");
  if (type == NULL || !cJSON_IsString (type))
    {
      vigil_msg_error (msg, msgsz, type ? "\"evt.type\" is not a string" : "the event has no \"evt.type\"");
      cJSON_Delete (root);
      return NULL;
    }

  re = xcalloc (1, sizeof *re);
  re->root = root;
  re->base.ops = &replay_ops;
  re->base.type = evttype_lookup (type->valuestring);
  if (parse_time (cJSON_GetObjectItemCaseSensitive (root, "evt.time"), re, msg, msgsz) < 0)
    {
      replay_event_free (re);
      return NULL;
    }
  host = cJSON_GetObjectItemCaseSensitive (root, "evt.hostname");
  const char *h = cJSON_IsString (host) ? host->valuestring : default_hostname ? default_hostname : "";
  re->base.hostname = arena_strndup (&re->scratch, h, strlen (h));
  return re;
}

struct event *
replay_event_base (struct replay_event *re)
{
  return re ? &re->base : NULL;
}

void
replay_event_free (struct replay_event *re)
{
  if (re == NULL)
    return;
  cJSON_Delete (re->root);
  arena_free (&re->scratch);
  free (re);
}

/* ---- extraction: fields computed from the timestamp ---- */

enum synth {
  SYNTH_NONE,
  SYNTH_TIME,
  SYNTH_TIME_S,
  SYNTH_TIME_ISO,
  SYNTH_DATETIME,
  SYNTH_DATETIME_S,
  SYNTH_RAWTIME,
  SYNTH_RAWTIME_S,
  SYNTH_RAWTIME_NS,
  SYNTH_HOSTNAME,
};

static const struct {
  const char *name;
  enum synth s;
} synth_fields[] = {
  { "evt.time", SYNTH_TIME },           { "evt.time.s", SYNTH_TIME_S },
  { "evt.time.iso8601", SYNTH_TIME_ISO }, { "evt.outputtime", SYNTH_TIME },
  { "evt.datetime", SYNTH_DATETIME },   { "evt.datetime.s", SYNTH_DATETIME_S },
  { "evt.rawtime", SYNTH_RAWTIME },     { "evt.rawtime.s", SYNTH_RAWTIME_S },
  { "evt.rawtime.ns", SYNTH_RAWTIME_NS }, { "evt.hostname", SYNTH_HOSTNAME },
};

static enum synth
synth_of (const struct field_def *def)
{
  if (strncmp (def->name, "evt.", 4) != 0)
    return SYNTH_NONE;
  for (size_t i = 0; i < ARRAY_SIZE (synth_fields); i++)
    if (strcmp (def->name, synth_fields[i].name) == 0)
      return synth_fields[i].s;
  return SYNTH_NONE;
}

static void
set_str (struct value *out, const char *p, size_t len)
{
  out->kind = VK_STR;
  out->u.s.p = p;
  out->u.s.len = len;
}

static void
set_uint (struct value *out, uint64_t u)
{
  out->kind = VK_UINT;
  out->u.u = u;
}

/* As libsinsp's ts_to_string and ts_to_iso_8601 print them: local time
 * for evt.time and evt.datetime, UTC for the ISO form. */
static enum value_state
synth_time (struct replay_event *re, enum synth s, struct value *out)
{
  time_t secs = (time_t) (re->base.ts / NS_PER_SEC);
  unsigned ns = (unsigned) (re->base.ts % NS_PER_SEC);
  char *buf = arena_alloc (&re->scratch, 64);
  struct tm tm;
  int n;

  if ((s == SYNTH_TIME_ISO ? gmtime_r (&secs, &tm) : localtime_r (&secs, &tm)) == NULL)
    return VAL_UNREADABLE;
  switch (s)
    {
    case SYNTH_TIME:
      n = snprintf (buf, 64, "%02d:%02d:%02d.%09u", tm.tm_hour, tm.tm_min, tm.tm_sec, ns);
      break;
    case SYNTH_TIME_S:
      n = snprintf (buf, 64, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
      break;
    case SYNTH_TIME_ISO:
      n = snprintf (buf, 64, "%04d-%02d-%02dT%02d:%02d:%02d.%09uZ", tm.tm_year + 1900, tm.tm_mon + 1,
                    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ns);
      break;
    case SYNTH_DATETIME:
      n = snprintf (buf, 64, "%04d-%02d-%02d %02d:%02d:%02d.%09u", tm.tm_year + 1900, tm.tm_mon + 1,
                    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ns);
      break;
    default:
      n = snprintf (buf, 64, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                    tm.tm_hour, tm.tm_min, tm.tm_sec);
      break;
    }
  if (n < 0 || n >= 64)
    return VAL_UNREADABLE;
  set_str (out, buf, (size_t) n);
  return VAL_PRESENT;
}

/* VAL_ABSENT here means "not synthesized": look in the JSON instead. */
static enum value_state
synth_value (struct replay_event *re, enum synth s, struct value *out)
{
  if (s == SYNTH_HOSTNAME)
    {
      set_str (out, re->base.hostname, strlen (re->base.hostname));
      return VAL_PRESENT;
    }
  if (!re->has_ts)
    return VAL_ABSENT;
  switch (s)
    {
    case SYNTH_RAWTIME:
      set_uint (out, re->base.ts);
      return VAL_PRESENT;
    case SYNTH_RAWTIME_S:
      set_uint (out, re->base.ts / NS_PER_SEC);
      return VAL_PRESENT;
    case SYNTH_RAWTIME_NS:
      set_uint (out, re->base.ts % NS_PER_SEC);
      return VAL_PRESENT;
    default:
      return synth_time (re, s, out);
    }
}

/* ---- extraction: conversion of JSON values ---- */

static const char *
render_number (struct replay_event *re, double d)
{
  char *buf = arena_alloc (&re->scratch, 32);
  int64_t i;

  if (number_as_i64 (d, &i))
    snprintf (buf, 32, "%" PRId64, i);
  else
    snprintf (buf, 32, "%.17g", d);
  return buf;
}

static enum value_state
convert_string (struct replay_event *re, const cJSON *j, struct value *out)
{
  const char *s;

  if (cJSON_IsString (j))
    s = j->valuestring;
  else if (cJSON_IsNumber (j))
    s = render_number (re, j->valuedouble);
  else if (cJSON_IsBool (j))
    s = cJSON_IsTrue (j) ? "true" : "false";
  else
    return VAL_UNREADABLE;
  set_str (out, s, strlen (s));
  return VAL_PRESENT;
}

static enum value_state
convert_int (const cJSON *j, struct value *out)
{
  int64_t i;

  if (cJSON_IsNumber (j) ? !number_as_i64 (j->valuedouble, &i)
                         : !(cJSON_IsString (j) && parse_i64_text (j->valuestring, &i)))
    return VAL_UNREADABLE;
  out->kind = VK_INT;
  out->u.i = i;
  return VAL_PRESENT;
}

static enum value_state
convert_uint (const cJSON *j, enum field_type t, struct value *out)
{
  uint64_t u;
  bool ok;

  if (cJSON_IsNumber (j))
    ok = number_as_u64 (j->valuedouble, &u);
  else if (cJSON_IsString (j))
    ok = parse_u64_text (j->valuestring, &u) || (t == FT_ABSTIME && parse_iso8601 (j->valuestring, &u));
  else
    ok = false;
  if (!ok || (t == FT_PORT && u > 65535))
    return VAL_UNREADABLE;
  set_uint (out, u);
  return VAL_PRESENT;
}

static enum value_state
convert_bool (const cJSON *j, struct value *out)
{
  out->kind = VK_BOOL;
  if (cJSON_IsBool (j))
    out->u.b = cJSON_IsTrue (j);
  else if (cJSON_IsString (j) && strcmp (j->valuestring, "true") == 0)
    out->u.b = true;
  else if (cJSON_IsString (j) && strcmp (j->valuestring, "false") == 0)
    out->u.b = false;
  else
    return VAL_UNREADABLE;
  return VAL_PRESENT;
}

static enum value_state
convert_ip (const cJSON *j, struct value *out)
{
  if (!cJSON_IsString (j))
    return VAL_UNREADABLE;
  out->kind = VK_IP;
  memset (&out->u.ip, 0, sizeof out->u.ip);
  if (inet_pton (AF_INET, j->valuestring, out->u.ip.a) == 1)
    out->u.ip.family = AF_INET;
  else if (inet_pton (AF_INET6, j->valuestring, out->u.ip.a) == 1)
    out->u.ip.family = AF_INET6;
  else
    return VAL_UNREADABLE;
  return VAL_PRESENT;
}

static enum value_state
convert_double (const cJSON *j, struct value *out)
{
  double d;

  if (cJSON_IsNumber (j))
    d = j->valuedouble;
  else if (cJSON_IsString (j) && j->valuestring[0] != '\0')
    {
      char *end;
      errno = 0;
      d = strtod (j->valuestring, &end);
      if (errno || *end != '\0' || isspace ((unsigned char) j->valuestring[0]))
        return VAL_UNREADABLE;
    }
  else
    return VAL_UNREADABLE;
  if (!isfinite (d))
    return VAL_UNREADABLE;
  out->kind = VK_DOUBLE;
  out->u.d = d;
  return VAL_PRESENT;
}

static enum value_state
convert_scalar (struct replay_event *re, const cJSON *j, enum field_type t, struct value *out)
{
  if (cJSON_IsNull (j))
    return VAL_UNREADABLE;
  switch (t)
    {
    case FT_CHARBUF:
    case FT_FSPATH:
    case FT_BYTEBUF:
    case FT_L4PROTO:
      return convert_string (re, j, out);
    case FT_INT64:
      return convert_int (j, out);
    case FT_UINT64:
    case FT_PORT:
    case FT_RELTIME:
    case FT_ABSTIME:
      return convert_uint (j, t, out);
    case FT_BOOL:
      return convert_bool (j, out);
    case FT_IPADDR:
    case FT_IPNET:
      return convert_ip (j, out);
    case FT_DOUBLE:
      return convert_double (j, out);
    case FT__COUNT:
      break;
    }
  return VAL_UNREADABLE;
}

/* A list of the items of array j from position `from` on, or of the
 * single value j. */
static enum value_state
convert_list (struct replay_event *re, const cJSON *j, int from, enum field_type t, struct value *out)
{
  struct value *items;
  size_t n = 0;

  if (cJSON_IsNull (j))
    return VAL_UNREADABLE;
  if (!cJSON_IsArray (j))
    {
      items = arena_alloc (&re->scratch, sizeof *items);
      if (convert_scalar (re, j, t, &items[0]) != VAL_PRESENT)
        return VAL_UNREADABLE;
      n = 1;
    }
  else
    {
      int size = cJSON_GetArraySize (j);
      int i = 0;
      items = arena_alloc (&re->scratch, sizeof *items * (size_t) (size > from ? size - from : 1));
      for (const cJSON *it = j->child; it; it = it->next, i++)
        {
          if (i < from)
            continue;
          if (convert_scalar (re, it, t, &items[n]) != VAL_PRESENT)
            return VAL_UNREADABLE;
          n++;
        }
    }
  out->kind = VK_LIST;
  out->u.list.items = items;
  out->u.list.n = n;
  return VAL_PRESENT;
}

/* ---- extraction: lookup ---- */

/* proc.env[NAME] in an array of "NAME=value" strings. */
static enum value_state
env_from_array (const cJSON *arr, const char *name, struct value *out)
{
  size_t n = strlen (name);

  for (const cJSON *it = arr->child; it; it = it->next)
    {
      if (!cJSON_IsString (it))
        continue;
      const char *s = it->valuestring;
      if (strncmp (s, name, n) == 0 && s[n] == '=')
        {
          set_str (out, s + n + 1, strlen (s + n + 1));
          return VAL_PRESENT;
        }
    }
  return VAL_ABSENT;
}

/* The value of a field with an argument, from its base field holding an
 * array or an object.  *found is NULL (and the state final) when the
 * value came out directly or there is none. */
static enum value_state
lookup_in_base (const struct replay_event *re, const struct field_ref *ref, struct value *out,
                const cJSON **found)
{
  const cJSON *base;

  *found = NULL;
  /* fd.types[N] is the type of FD N, not item N of fd.types. */
  if (ref->arg == NULL || (ref->def->flags & FIELD_F_LIST))
    return VAL_ABSENT;
  base = cJSON_GetObjectItemCaseSensitive (re->root, ref->def->name);
  if (base == NULL)
    return VAL_ABSENT;
  if (cJSON_IsNull (base))
    return VAL_UNREADABLE;
  if (cJSON_IsObject (base))
    *found = cJSON_GetObjectItemCaseSensitive (base, ref->arg);
  else if (cJSON_IsArray (base) && ref->def->argmode == FARG_KEY && ref->index < 0)
    return env_from_array (base, ref->arg, out);
  else if (cJSON_IsArray (base) && ref->index >= 0 && ref->index < INT_MAX)
    *found = cJSON_GetArrayItem (base, (int) ref->index);
  return VAL_ABSENT;
}

/* The type of the value extract() hands out: transformers come later. */
static enum field_type
base_type (const struct field_ref *ref)
{
  /* evt.rawarg's type depends on its argument and takes no transformer. */
  return ref->ntr == 0 ? ref->type : ref->def->type;
}

/* A bare ancestor field (proc.aname without index): the ancestors. */
static bool
is_ancestor_list (const struct field_ref *ref)
{
  return ref->def->argmode == FARG_INDEX && ref->arg == NULL && !(ref->def->flags & FIELD_F_LIST);
}

/* A recorded event presented as a class sibling (evttypes.h): evt.type
 * is the sibling's, and each of its parameters is looked up under the name
 * the recorded syscall gives it.  Returns VAL_PRESENT with *out, another
 * state, or -1 to look `*lookup` up as recorded. */
static int
replay_aliased (struct replay_event *re, const struct field_ref *ref, struct value *out, struct field_ref *lookup)
{
  const char *name = ref->def->name;
  bool raw = strcmp (name, "evt.rawarg") == 0;

  if (strcmp (name, "evt.type") == 0 || strcmp (name, "syscall.type") == 0)
    {
      const char *t = evttype_name (re->base.alias);
      set_str (out, t, strlen (t));
      return VAL_PRESENT;
    }
  if ((!raw && strcmp (name, "evt.arg") != 0) || ref->arg == NULL)
    return -1;
  struct evtclass_arg a;
  evtclass_arg (re->base.type, re->base.alias_view, ref->arg, &a);
  switch (a.how)
    {
    case EC_NONE:
      return VAL_UNREADABLE;
    case EC_CONST:
      if (raw)
        {
          out->kind = VK_INT;
          out->u.i = a.value;
          return VAL_PRESENT;
        }
      char *buf = arena_alloc (&re->scratch, 256);
      size_t n = argconst_render (ref->arg, strcmp (ref->arg, "flags") == 0 ? "O_" : NULL, a.value, buf, 256);
      set_str (out, buf, n);
      return VAL_PRESENT;
    case EC_FD_PATH:
      lookup->key = (char *) "fd.name";
      return -1;
    default:
      {
        char *key = arena_alloc (&re->scratch, strlen (name) + strlen (a.name) + 2);
        sprintf (key, "%s.%s", name, a.name);
        /* A parameter the recorded syscall does not have (an openat asked
         * for ptrace's request) is unknown, as live. */
        if (!cJSON_GetObjectItemCaseSensitive (re->root, key))
          return VAL_UNREADABLE;
        lookup->key = key;
        lookup->arg = (char *) a.name;
        return -1;
      }
    }
}

static enum value_state
replay_extract (struct event *ev, const struct field_ref *ref, struct value *out)
{
  struct replay_event *re = (struct replay_event *) ev;
  enum field_type t = base_type (ref);
  const cJSON *j;
  enum synth s = synth_of (ref->def);
  struct field_ref lookup;

  if (ev->aliased)
    {
      lookup = *ref;
      int st = replay_aliased (re, ref, out, &lookup);
      if (st >= 0)
        return (enum value_state) st;
      ref = &lookup;
    }

  if (s != SYNTH_NONE)
    {
      enum value_state st = synth_value (re, s, out);
      if (st != VAL_ABSENT)
        return st;
    }
  j = cJSON_GetObjectItemCaseSensitive (re->root, ref->key);
  if (j == NULL)
    {
      enum value_state st = lookup_in_base (re, ref, out, &j);
      if (j == NULL)
        return st;
    }
  if (cJSON_IsNull (j))
    return VAL_UNREADABLE;
  if (ref->def->flags & FIELD_F_LIST)
    return convert_list (re, j, 0, t, out);
  if (cJSON_IsArray (j) && is_ancestor_list (ref))
    return convert_list (re, j, 1, t, out);
  return convert_scalar (re, j, t, out);
}

/* A recorded open reads or writes a process's memory when fd.name is
 * /proc/<pid>/mem (an O_PATH open does neither). */
static int
replay_opens_proc_mem (struct replay_event *re)
{
  const cJSON *raw = cJSON_GetObjectItemCaseSensitive (re->root, "evt.rawarg.flags");
  const cJSON *flags = cJSON_GetObjectItemCaseSensitive (re->root, "evt.arg.flags");
  const cJSON *name = cJSON_GetObjectItemCaseSensitive (re->root, "fd.name");

  if ((cJSON_IsNumber (raw) && ((int64_t) raw->valuedouble & 010000000 /* O_PATH */))
      || (cJSON_IsString (flags) && strstr (flags->valuestring, "O_PATH")))
    return 0;
  if (!cJSON_IsString (name))
    return -1;
  return evtclass_proc_mem_path (name->valuestring);
}

/* Class tests a record can answer: a rename's record does not say whether
 * its new path named a file, so that is unknown. */
static int
replay_in_class (struct event *ev, int test)
{
  struct replay_event *re = (struct replay_event *) ev;
  const cJSON *name = cJSON_GetObjectItemCaseSensitive (re->root, "evt.arg.name");

  switch (test)
    {
    case ET_PROC_MEM:
      return replay_opens_proc_mem (re);
    case ET_ACL_XATTR:
      return cJSON_IsString (name) ? evtclass_acl_xattr_name (name->valuestring) : -1;
    default:
      return -1;
    }
}
