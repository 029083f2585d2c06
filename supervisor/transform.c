/* vigil: field transformers, as libsinsp's: tolower, toupper, b64,
 * basename and len.  String results live in the per-event arena. */
#include <stdint.h>
#include <string.h>

#include "vigil/ops.h"

int
transform_result_type (enum transformer t, enum field_type in)
{
  bool text = in == FT_CHARBUF || in == FT_L4PROTO;

  switch (t)
    {
    case TR_TOLOWER:
    case TR_TOUPPER:
    case TR_BASENAME:
      return text || in == FT_FSPATH ? (int) in : -1;
    case TR_B64:
      return text || in == FT_BYTEBUF ? (int) in : -1;
    case TR_LEN:
      return text || in == FT_FSPATH || in == FT_BYTEBUF ? FT_INT64 : -1;
    default:
      return -1;
    }
}

/* libsinsp hands transformers the text without trailing NULs. */
static size_t
trim_nuls (const char *p, size_t n)
{
  while (n > 0 && p[n - 1] == '\0')
    n--;
  return n;
}

static void
set_str (struct value *out, const char *p, size_t len)
{
  out->kind = VK_STR;
  out->u.s.p = p;
  out->u.s.len = len;
}

static void
map_case (const char *p, size_t n, bool upper, struct arena *a, struct value *out)
{
  char *r = arena_alloc (a, n + 1);

  for (size_t i = 0; i < n; i++)
    {
      unsigned char c = (unsigned char) p[i];
      if (upper && c >= 'a' && c <= 'z')
        c = (unsigned char) (c - 32);
      else if (!upper && c >= 'A' && c <= 'Z')
        c = (unsigned char) (c + 32);
      r[i] = (char) c;
    }
  r[n] = '\0';
  set_str (out, r, n);
}

/* The text after the last '/': "" for "/" and for "a/b/". */
static void
base_name (const char *p, size_t n, struct value *out)
{
  const char *slash = memrchr (p, '/', n);
  size_t start = slash ? (size_t) (slash - p) + 1 : 0;

  set_str (out, p + start, n - start);
}

static int
b64_digit (unsigned char c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

/* Standard base64 with optional '=' padding, as libsinsp's
 * decodeWithoutPadding: a lone trailing sextet, a stray character or
 * nonzero unused bits make the input invalid. */
static int
b64_decode (const char *p, size_t n, struct arena *a, struct value *out)
{
  if (n == 0)
    {
      set_str (out, arena_strndup (a, "", 0), 0);
      return 0;
    }
  if (p[n - 1] == '=')
    n -= (n > 1 && p[n - 2] == '=') ? 2 : 1;
  if (n == 0 || n % 4 == 1)
    return -1;

  char *r = arena_alloc (a, n / 4 * 3 + 3);
  size_t k = 0;
  uint32_t acc = 0;
  unsigned bits = 0;
  for (size_t i = 0; i < n; i++)
    {
      int d = b64_digit ((unsigned char) p[i]);
      if (d < 0)
        return -1;
      acc = (acc << 6) | (uint32_t) d;
      bits += 6;
      if (bits >= 8)
        {
          bits -= 8;
          r[k++] = (char) (acc >> bits);
          acc &= (1u << bits) - 1;
        }
    }
  if (acc != 0)
    return -1;
  r[k] = '\0';
  set_str (out, r, k);
  return 0;
}

/* A string transformer on one string value. */
static int
transform_str (enum transformer t, const struct value *in, struct value *out, struct arena *a)
{
  if (in->kind != VK_STR)
    return -1;

  const char *p = in->u.s.p ? in->u.s.p : "";
  size_t n = trim_nuls (p, in->u.s.len);
  switch (t)
    {
    case TR_TOLOWER:
    case TR_TOUPPER:
      map_case (p, n, t == TR_TOUPPER, a, out);
      return 0;
    case TR_BASENAME:
      base_name (p, n, out);
      return 0;
    case TR_B64:
      return b64_decode (p, n, a, out);
    default:
      return -1;
    }
}

/* len: a string's bytes or a list's items, as an integer. */
static int
transform_len (const struct value *in, struct value *out)
{
  uint64_t n;

  if (in->kind == VK_LIST)
    n = in->u.list.n;
  else if (in->kind == VK_STR)
    n = in->u.s.len;
  else
    return -1;
  out->kind = VK_INT;
  out->u.i = (int64_t) n;
  return 0;
}

int
transform_apply (enum transformer t, const struct value *in, struct value *out, struct arena *a)
{
  /* in and out may be the same value. */
  struct value v = *in;

  if (t == TR_LEN)
    return transform_len (&v, out);
  if (v.kind != VK_LIST)
    return transform_str (t, &v, out, a);

  struct value *items = NULL;
  if (v.u.list.n > 0)
    items = arena_alloc (a, v.u.list.n * sizeof *items);
  for (size_t i = 0; i < v.u.list.n; i++)
    if (transform_str (t, &v.u.list.items[i], &items[i], a) < 0)
      return -1;
  out->kind = VK_LIST;
  out->u.list.items = items;
  out->u.list.n = v.u.list.n;
  return 0;
}
