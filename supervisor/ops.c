/* vigil: the comparison operators of the condition language, with
 * libsinsp's semantics (flt_is_comparable, flt_compare, the `in` set and
 * the pmatch path tree), on length-delimited values.
 *
 * The right side is prepared once: numbers parsed, `in` lists hashed,
 * pmatch paths normalised, regexes compiled with PCRE2's JIT.  Matching
 * allocates nothing (a regex's match data is made once per thread).
 *
 * IP addresses (struct ipaddr) hold network byte order: an AF_INET
 * address in a[0..3], an AF_INET6 address in a[0..15]. */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/error.h"
#include "vigil/ops.h"

/* More items than this in one list is a mistake, not a policy. */
#define MAX_LIST_ITEMS (1u << 28)

/* ---- operator families ---- */

/* What libsinsp's flt_is_comparable groups the types into. */
enum type_class { TC_STRING, TC_BYTES, TC_NUMBER, TC_BOOL, TC_IP, TC_NET, TC_NONE, TC__COUNT };

#define OPBIT(op) (1u << (op))
#define ORDER_OPS (OPBIT (OP_EQ) | OPBIT (OP_NE) | OPBIT (OP_LT) | OPBIT (OP_LE) | OPBIT (OP_GT) | OPBIT (OP_GE))
#define SET_OPS (OPBIT (OP_IN) | OPBIT (OP_INTERSECTS) | OPBIT (OP_EXISTS))

static const unsigned class_ops[TC__COUNT] = {
  [TC_STRING] = ORDER_OPS | SET_OPS | OPBIT (OP_CONTAINS) | OPBIT (OP_ICONTAINS) | OPBIT (OP_STARTSWITH)
                | OPBIT (OP_ENDSWITH) | OPBIT (OP_GLOB) | OPBIT (OP_IGLOB) | OPBIT (OP_PMATCH)
                | OPBIT (OP_REGEX),
  [TC_BYTES] = OPBIT (OP_EQ) | OPBIT (OP_NE) | SET_OPS | OPBIT (OP_CONTAINS) | OPBIT (OP_STARTSWITH)
               | OPBIT (OP_ENDSWITH) | OPBIT (OP_BCONTAINS) | OPBIT (OP_BSTARTSWITH),
  [TC_NUMBER] = ORDER_OPS | SET_OPS,
  [TC_BOOL] = OPBIT (OP_EQ) | OPBIT (OP_NE) | SET_OPS,
  [TC_IP] = OPBIT (OP_EQ) | OPBIT (OP_NE) | SET_OPS,
  [TC_NET] = OPBIT (OP_EQ) | OPBIT (OP_NE) | SET_OPS,
  [TC_NONE] = OPBIT (OP_EXISTS),
};

static const char *const class_desc[TC__COUNT] = {
  [TC_STRING] = "string", [TC_BYTES] = "buffer", [TC_NUMBER] = "numeric", [TC_BOOL] = "boolean",
  [TC_IP] = "ip address",  [TC_NET] = "ip network", [TC_NONE] = "this type of",
};

static const char *
op_spelling (enum cond_op op)
{
  return (unsigned) op < OP__COUNT ? cond_op_name (op) : "?";
}

static enum type_class
type_class_of (enum field_type t)
{
  switch (t)
    {
    case FT_CHARBUF:
    case FT_FSPATH:
    case FT_L4PROTO:
      return TC_STRING;
    case FT_BYTEBUF:
      return TC_BYTES;
    case FT_INT64:
    case FT_UINT64:
    case FT_PORT:
    case FT_RELTIME:
    case FT_ABSTIME:
    case FT_DOUBLE:
      return TC_NUMBER;
    case FT_BOOL:
      return TC_BOOL;
    case FT_IPADDR:
      return TC_IP;
    case FT_IPNET:
      return TC_NET;
    default:
      return TC_NONE;
    }
}

/* libsinsp supports list-valued fields of these types only. */
static bool
list_type_ok (enum field_type t)
{
  switch (t)
    {
    case FT_CHARBUF:
    case FT_UINT64:
    case FT_RELTIME:
    case FT_ABSTIME:
    case FT_BOOL:
    case FT_IPADDR:
    case FT_IPNET:
      return true;
    default:
      return false;
    }
}

bool
op_allowed (enum cond_op op, enum field_type t, bool is_list_field)
{
  if ((unsigned) op >= OP__COUNT)
    return false;
  if (op == OP_EXISTS)
    return true;
  if (is_list_field)
    return list_type_ok (t) && (op == OP_IN || op == OP_INTERSECTS);
  return (class_ops[type_class_of (t)] & OPBIT (op)) != 0;
}

static int
fail_not_allowed (enum cond_op op, enum field_type t, bool is_list_field, char *msg, size_t msgsz)
{
  if (is_list_field && !list_type_ok (t))
    return vigil_msg_error (msg, msgsz, "list filters are not supported for this field type");
  if (is_list_field)
    return vigil_msg_error (msg, msgsz, "'%s' operator not supported for list filters", op_spelling (op));
  return vigil_msg_error (msg, msgsz, "'%s' operator not supported for %s filters", op_spelling (op),
               class_desc[type_class_of (t)]);
}

/* ---- hashing and the byte-string set behind `in` and pmatch ---- */

static inline uint64_t
mix64 (uint64_t x)
{
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  x ^= x >> 33;
  return x;
}

static inline uint64_t
load64 (const uint8_t *p)
{
  uint64_t w;
  memcpy (&w, p, sizeof w);
  return w;
}

static inline uint64_t
load32 (const uint8_t *p)
{
  uint32_t w;
  memcpy (&w, p, sizeof w);
  return w;
}

/* The last word of p[0..n), n > 0, read with fixed-size loads that may
 * overlap: set members are mostly short names and paths, and a byte loop
 * or a variable-length memcpy call cost more than the hash itself.  The
 * length is mixed into the seed, so overlapping reads are unambiguous. */
static inline uint64_t
tail_word (const uint8_t *p, size_t n)
{
  if (n >= 8)
    return load64 (p + n - 8);
  if (n >= 4)
    return load32 (p) << 32 | load32 (p + n - 4);
  return (uint64_t) p[0] << 16 | (uint64_t) p[n / 2] << 8 | p[n - 1];
}

static uint64_t
hash_bytes (const void *data, size_t n)
{
  const uint8_t *p = data;
  uint64_t h = 0x9e3779b97f4a7c15ull ^ n;

  if (n == 0)
    return mix64 (h);
  for (; n > 8; p += 8, n -= 8)
    {
      h = (h ^ load64 (p)) * 0xff51afd7ed558ccdull;
      h ^= h >> 32;
    }
  return mix64 (h ^ tail_word (p, n));
}

/* FNV-1a: pmatch extends a path's hash one component at a time. */
#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull

static inline uint64_t
fnv_step (uint64_t h, const void *data, size_t n)
{
  const uint8_t *p = data;
  for (size_t i = 0; i < n; i++)
    h = (h ^ p[i]) * FNV_PRIME;
  return h;
}

struct bs_entry {
  uint64_t hash;
  const char *p;
  size_t len;
};

/* Open addressing with linear probing; slots hold entry index + 1.
 * Most lookups are misses (proc.name in (shell_binaries) for a node
 * process), so a 256-bit filter on (length, first byte, last byte) answers
 * most of them before any hashing. */
struct byteset {
  struct bs_entry *e;
  size_t n;
  uint32_t *slots;
  size_t mask;
  size_t minlen, maxlen;
  uint64_t filter[4];
};

static inline unsigned
filter_bit (const uint8_t *p, size_t n)
{
  uint32_t x = n == 0 ? 0 : (uint32_t) p[0] | (uint32_t) p[n - 1] << 8 | (uint32_t) (n & 0xff) << 16;
  return (x * 0x9e3779b1u) >> 24;
}

static void
byteset_init (struct byteset *s, size_t expected)
{
  size_t cap = 16;

  while (cap < expected * 2)
    cap *= 2;
  s->slots = xcalloc (cap, sizeof *s->slots);
  s->mask = cap - 1;
  s->e = xmalloc ((expected ? expected : 1) * sizeof *s->e);
  s->n = 0;
  s->minlen = SIZE_MAX;
  s->maxlen = 0;
  memset (s->filter, 0, sizeof s->filter);
}

static void
byteset_free (struct byteset *s)
{
  free (s->e);
  free (s->slots);
}

/* Add p[0..len) unless present; the set keeps the pointer, not a copy. */
static void
byteset_add (struct byteset *s, const char *p, size_t len, uint64_t h)
{
  size_t i = h & s->mask;

  for (; s->slots[i] != 0; i = (i + 1) & s->mask)
    {
      const struct bs_entry *e = &s->e[s->slots[i] - 1];
      if (e->hash == h && e->len == len && memcmp (e->p, p, len) == 0)
        return;
    }
  s->e[s->n] = (struct bs_entry){ .hash = h, .p = p, .len = len };
  s->slots[i] = (uint32_t) ++s->n;
  unsigned bit = filter_bit ((const uint8_t *) p, len);
  s->filter[bit / 64] |= 1ull << (bit % 64);
  if (len < s->minlen)
    s->minlen = len;
  if (len > s->maxlen)
    s->maxlen = len;
}

/* Whether p[0..len) can be in s: most lookups end here, so this part is
 * inlined in its callers and the probing is not. */
static inline bool
byteset_may_have (const struct byteset *s, const void *p, size_t len)
{
  unsigned bit = filter_bit (p, len);

  return len >= s->minlen && len <= s->maxlen && (s->filter[bit / 64] >> (bit % 64) & 1);
}

static __attribute__ ((noinline)) bool
byteset_probe (const struct byteset *s, const void *p, size_t len)
{
  uint64_t h = hash_bytes (p, len);

  for (size_t i = h & s->mask; s->slots[i] != 0; i = (i + 1) & s->mask)
    {
      const struct bs_entry *e = &s->e[s->slots[i] - 1];
      if (e->hash == h && e->len == len && memcmp (e->p, p, len) == 0)
        return true;
    }
  return false;
}

static inline bool
byteset_has (const struct byteset *s, const void *p, size_t len)
{
  return byteset_may_have (s, p, len) && byteset_probe (s, p, len);
}

/* ---- numbers ---- */

enum num_kind { N_INT, N_UINT, N_DBL };

struct num {
  enum num_kind k;
  union {
    int64_t i;
    uint64_t u;
    double d;
  } v;
};

static bool
value_num (const struct value *v, struct num *out)
{
  switch (v->kind)
    {
    case VK_INT:
      *out = (struct num){ .k = N_INT, .v.i = v->u.i };
      return true;
    case VK_UINT:
      *out = (struct num){ .k = N_UINT, .v.u = v->u.u };
      return true;
    case VK_DOUBLE:
      *out = (struct num){ .k = N_DBL, .v.d = v->u.d };
      return true;
    case VK_BOOL:
      *out = (struct num){ .k = N_UINT, .v.u = v->u.b };
      return true;
    default:
      return false;
    }
}

static long double
num_ld (struct num a)
{
  switch (a.k)
    {
    case N_INT:
      return (long double) a.v.i;
    case N_UINT:
      return (long double) a.v.u;
    default:
      return a.v.d;
    }
}

/* Three-way comparison, exact across signedness; 2 when unordered (NaN). */
static int
num_cmp (struct num a, struct num b)
{
  if (a.k == N_DBL || b.k == N_DBL)
    {
      long double x = num_ld (a), y = num_ld (b);
      if (x < y)
        return -1;
      if (x > y)
        return 1;
      return x == y ? 0 : 2;
    }

  bool aneg = a.k == N_INT && a.v.i < 0, bneg = b.k == N_INT && b.v.i < 0;
  if (aneg != bneg)
    return aneg ? -1 : 1;
  if (aneg)
    return a.v.i < b.v.i ? -1 : a.v.i > b.v.i;

  uint64_t x = a.k == N_INT ? (uint64_t) a.v.i : a.v.u;
  uint64_t y = b.k == N_INT ? (uint64_t) b.v.i : b.v.u;
  return x < y ? -1 : x > y;
}

/* A boolean field's value: VK_BOOL, or a number read as C truth. */
static bool
value_truth (const struct value *v)
{
  struct num n;
  return value_num (v, &n) && num_cmp (n, (struct num){ .k = N_UINT, .v.u = 0 }) != 0;
}

/* Whether a three-way result satisfies an ordering operator. */
static bool
cmp_holds (enum cond_op op, int c)
{
  switch (op)
    {
    case OP_EQ:
    case OP_IN:
    case OP_INTERSECTS:
      return c == 0;
    case OP_NE:
      return c != 0;
    case OP_LT:
      return c == -1;
    case OP_LE:
      return c == -1 || c == 0;
    case OP_GT:
      return c == 1;
    case OP_GE:
      return c == 1 || c == 0;
    default:
      return false;
    }
}

static int
digit_value (char c, int base)
{
  int d;

  if (c >= '0' && c <= '9')
    d = c - '0';
  else if (c >= 'a' && c <= 'f')
    d = c - 'a' + 10;
  else if (c >= 'A' && c <= 'F')
    d = c - 'A' + 10;
  else
    return -1;
  return d < base ? d : -1;
}

/* An integer literal: leading blanks (as sscanf allows), a sign, then
 * decimal digits or 0x and hex digits.  Returns -1 for text that is no
 * number, -2 for one that does not fit 64 bits. */
static int
parse_integer (const char *s, struct num *out)
{
  bool neg = false;
  int base = 10;
  uint64_t mag = 0;

  while (isspace ((unsigned char) *s))
    s++;
  if (*s == '+' || *s == '-')
    neg = *s++ == '-';
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
    {
      base = 16;
      s += 2;
    }
  if (*s == '\0')
    return -1;
  for (; *s; s++)
    {
      int d = digit_value (*s, base);
      if (d < 0)
        return -1;
      if (mag > (UINT64_MAX - (uint64_t) d) / (uint64_t) base)
        return -2;
      mag = mag * (uint64_t) base + (uint64_t) d;
    }
  if (!neg)
    {
      *out = (struct num){ .k = N_UINT, .v.u = mag };
      return 0;
    }
  if (mag > (uint64_t) INT64_MAX + 1)
    return -2;
  *out = (struct num){ .k = N_INT, .v.i = mag == (uint64_t) INT64_MAX + 1 ? INT64_MIN : -(int64_t) mag };
  return 0;
}

/* A port: digits, or a service name as libsinsp resolves it. */
static int
parse_port (const char *s, struct num *out, char *msg, size_t msgsz)
{
  uint64_t port = 0;

  if (*s != '\0' && strspn (s, "0123456789") != strlen (s))
    {
      struct servent *se = getservbyname (s, NULL);
      if (se == NULL)
        return vigil_msg_error (msg, msgsz, "unrecognized protocol '%s'", s);
      port = ntohs ((uint16_t) se->s_port);
    }
  else
    for (const char *d = s; *d; d++)
      {
        port = port * 10 + (uint64_t) (*d - '0');
        if (port > 65535)
          return vigil_msg_error (msg, msgsz, "port '%s' is out of range", s);
      }
  *out = (struct num){ .k = N_UINT, .v.u = port };
  return 0;
}

static int
parse_number (enum field_type t, const char *s, struct num *out, char *msg, size_t msgsz)
{
  if (t == FT_PORT)
    return parse_port (s, out, msg, msgsz);
  if (t == FT_DOUBLE)
    {
      char *end;
      double d = strtod (s, &end);
      if (end == s || *end != '\0')
        return vigil_msg_error (msg, msgsz, "'%s' is not a valid number", s);
      *out = (struct num){ .k = N_DBL, .v.d = d };
      return 0;
    }

  int r = parse_integer (s, out);
  if (r == -2)
    return vigil_msg_error (msg, msgsz, "'%s' is out of range", s);
  if (r < 0)
    return vigil_msg_error (msg, msgsz, "'%s' is not a valid number", s);
  return 0;
}

static int
parse_bool (const char *s, bool *out, char *msg, size_t msgsz)
{
  if (strcmp (s, "true") == 0)
    *out = true;
  else if (strcmp (s, "false") == 0)
    *out = false;
  else
    return vigil_msg_error (msg, msgsz, "unrecognized boolean value '%s'", s);
  return 0;
}

/* ---- IP addresses and networks ---- */

static size_t
ip_len (int family)
{
  return family == AF_INET6 ? 16 : 4;
}

static bool
ip_equal (const struct ipaddr *a, const struct ipaddr *b)
{
  return a->family == b->family && memcmp (a->a, b->a, ip_len (a->family)) == 0;
}

static int
parse_ipaddr_text (const char *s, size_t len, struct ipaddr *out)
{
  char buf[INET6_ADDRSTRLEN + 1];

  if (len >= sizeof buf)
    return -1;
  memcpy (buf, s, len);
  buf[len] = '\0';
  memset (out, 0, sizeof *out);
  if (inet_pton (AF_INET, buf, out->a) == 1)
    out->family = AF_INET;
  else if (inet_pton (AF_INET6, buf, out->a) == 1)
    out->family = AF_INET6;
  else
    return -1;
  return 0;
}

int
cidr_parse (const char *s, struct ipaddr *addr, int *prefix)
{
  const char *slash = strchr (s, '/');
  size_t alen = slash ? (size_t) (slash - s) : strlen (s);

  if (parse_ipaddr_text (s, alen, addr) < 0)
    return -1;

  int max = addr->family == AF_INET6 ? 128 : 32;
  if (slash == NULL)
    {
      *prefix = max;
      return 0;
    }

  const char *m = slash + 1;
  int bits = 0;
  if (*m == '\0' || strlen (m) > 3 || strspn (m, "0123456789") != strlen (m))
    return -1;
  for (; *m; m++)
    bits = bits * 10 + (*m - '0');
  if (bits > max)
    return -1;
  *prefix = bits;
  return 0;
}

bool
cidr_contains (const struct ipaddr *net, int prefix, const struct ipaddr *ip)
{
  if (net->family != ip->family || prefix < 0 || prefix > (int) ip_len (net->family) * 8)
    return false;

  size_t whole = (size_t) prefix / 8;
  unsigned rest = (unsigned) prefix % 8;
  if (memcmp (net->a, ip->a, whole) != 0)
    return false;
  if (rest == 0)
    return true;
  uint8_t mask = (uint8_t) (0xff << (8 - rest));
  return (net->a[whole] & mask) == (ip->a[whole] & mask);
}

/* As libsinsp reads the right side of an IPADDR field: a dotted address
 * is IPv4, anything else IPv6. */
static int
parse_ipaddr (const char *s, struct ipaddr *out, char *msg, size_t msgsz)
{
  bool dotted = strchr (s, '.') != NULL;

  if (parse_ipaddr_text (s, strlen (s), out) < 0 || (out->family == AF_INET) != dotted)
    return vigil_msg_error (msg, msgsz, "unrecognized IP%s address '%s'", dotted ? "v4" : "v6", s);
  return 0;
}

struct cidr {
  struct ipaddr addr;
  int prefix;
};

/* As libsinsp reads an IPNET right side: "addr/bits" only, and an IPv6
 * network of at least one bit. */
static int
parse_ipnet (const char *s, struct cidr *out, char *msg, size_t msgsz)
{
  bool dotted = strchr (s, '.') != NULL;

  if (strchr (s, '/') == NULL)
    return vigil_msg_error (msg, msgsz, "unrecognized IP network '%s' (expected address/bits)", s);
  if (cidr_parse (s, &out->addr, &out->prefix) < 0 || (out->addr.family == AF_INET) != dotted)
    return vigil_msg_error (msg, msgsz, "unrecognized IP network '%s'", s);
  if (out->addr.family == AF_INET6 && out->prefix == 0)
    return vigil_msg_error (msg, msgsz, "invalid v6 netmask in '%s'", s);
  return 0;
}

/* ---- glob ---- */

static inline unsigned char
ascii_lower (unsigned char c)
{
  return c >= 'A' && c <= 'Z' ? (unsigned char) (c + 32) : c;
}

static inline unsigned char
ascii_upper (unsigned char c)
{
  return c >= 'a' && c <= 'z' ? (unsigned char) (c - 32) : c;
}

static bool
char_class_has (const char *name, size_t len, unsigned char c)
{
  static const struct {
    const char *name;
    int (*fn) (int);
  } classes[] = {
    { "alnum", isalnum }, { "alpha", isalpha }, { "blank", isblank }, { "cntrl", iscntrl },
    { "digit", isdigit }, { "graph", isgraph }, { "lower", islower }, { "print", isprint },
    { "punct", ispunct }, { "space", isspace }, { "upper", isupper }, { "xdigit", isxdigit },
  };

  for (size_t i = 0; i < ARRAY_SIZE (classes); i++)
    if (strlen (classes[i].name) == len && memcmp (classes[i].name, name, len) == 0)
      return classes[i].fn (c) != 0;
  return false;
}

/* One bracket-expression member at pat[*q] (the caller saw q < plen): a
 * [:class:], a range or a character.  Sets *hit when c is in it. */
static void
bracket_member (const char *pat, size_t plen, size_t *q, unsigned char c, bool icase, bool *hit)
{
  size_t k = *q;

  if (pat[k] == '[' && k + 1 < plen && pat[k + 1] == ':')
    {
      const char *end = memmem (pat + k + 2, plen - k - 2, ":]", 2);
      if (end != NULL)
        {
          const char *name = pat + k + 2;
          size_t nlen = (size_t) (end - name);
          if (char_class_has (name, nlen, c)
              || (icase && (char_class_has (name, nlen, ascii_lower (c))
                            || char_class_has (name, nlen, ascii_upper (c)))))
            *hit = true;
          *q = (size_t) (end - pat) + 2;
          return;
        }
    }

  unsigned char lo = (unsigned char) pat[k];
  if (lo == '\\' && k + 1 < plen)
    lo = (unsigned char) pat[++k];
  k++;
  unsigned char hi = lo;
  if (k + 1 < plen && pat[k] == '-' && pat[k + 1] != ']')
    {
      k++;
      if (pat[k] == '\\' && k + 1 < plen)
        k++;
      hi = (unsigned char) pat[k++];
    }
  if ((c >= lo && c <= hi)
      || (icase && ((ascii_lower (c) >= lo && ascii_lower (c) <= hi)
                    || (ascii_upper (c) >= lo && ascii_upper (c) <= hi))))
    *hit = true;
  *q = k;
}

/* A bracket expression starting at pat[p] == '['.  Returns its length in
 * the pattern, or 0 when it has no closing ']' (then '[' is literal). */
static size_t
bracket_match (const char *pat, size_t plen, size_t p, unsigned char c, bool icase, bool *hit)
{
  size_t q = p + 1;
  bool neg = false, in = false;

  if (q < plen && (pat[q] == '!' || pat[q] == '^'))
    {
      neg = true;
      q++;
    }
  for (bool first = true;; first = false)
    {
      if (q >= plen)
        return 0;
      if (pat[q] == ']' && !first)
        break;
      bracket_member (pat, plen, &q, c, icase, &in);
    }
  *hit = in != neg;
  return q + 1 - p;
}

/* Does pattern position p match character c?  *adv gets the pattern
 * length consumed. */
static bool
glob_one (const char *pat, size_t plen, size_t p, unsigned char c, bool icase, size_t *adv)
{
  unsigned char pc = (unsigned char) pat[p];

  *adv = 1;
  if (pc == '?')
    return true;
  if (pc == '[')
    {
      bool hit = false;
      size_t n = bracket_match (pat, plen, p, c, icase, &hit);
      if (n > 0)
        {
          *adv = n;
          return hit;
        }
    }
  else if (pc == '\\' && p + 1 < plen)
    {
      *adv = 2;
      pc = (unsigned char) pat[p + 1];
    }
  return icase ? ascii_lower (pc) == ascii_lower (c) : pc == c;
}

static inline bool
glob_special (char c)
{
  return c == '*' || c == '?' || c == '[' || c == '\\';
}

/* Where a '*' that resumes at pattern position p can next stop: at the
 * next occurrence of the literal that follows it.  slen if none. */
static size_t
star_next (const char *pat, size_t plen, size_t p, const char *s, size_t slen, size_t i, bool icase)
{
  if (icase || p >= plen || glob_special (pat[p]) || i >= slen)
    return i;

  const char *q = memchr (s + i, pat[p], slen - i);
  return q ? (size_t) (q - s) : slen;
}

/* fnmatch(3) with no flags (or FNM_CASEFOLD), on a counted pattern and
 * subject.  Backtracks only to the last '*': O(|pat| * |s|) at worst. */
static bool
glob_match_n (const char *pat, size_t plen, const char *s, size_t slen, bool icase)
{
  size_t p = 0, i = 0, star_p = SIZE_MAX, star_i = 0, adv;

  while (i < slen)
    {
      if (p < plen && pat[p] == '*')
        {
          while (p < plen && pat[p] == '*')
            p++;
          if (p == plen)
            return true; /* a trailing '*' takes the rest, '/' included */
          star_p = p;
          star_i = i = star_next (pat, plen, p, s, slen, i, icase);
          continue;
        }
      if (p < plen && !glob_special (pat[p]))
        {
          unsigned char pc = (unsigned char) pat[p], c = (unsigned char) s[i];
          if (pc == c || (icase && ascii_lower (pc) == ascii_lower (c)))
            {
              p++;
              i++;
              continue;
            }
        }
      else if (p < plen && glob_one (pat, plen, p, (unsigned char) s[i], icase, &adv))
        {
          p += adv;
          i++;
          continue;
        }
      if (star_p == SIZE_MAX)
        return false;
      p = star_p;
      i = star_i = star_next (pat, plen, p, s, slen, star_i + 1, icase);
    }
  while (p < plen && pat[p] == '*')
    p++;
  return p == plen;
}

bool
glob_match (const char *pat, const char *s, size_t slen, bool icase)
{
  return glob_match_n (pat, strlen (pat), s ? s : "", slen, icase);
}

/* ---- pmatch ---- */

/* The next non-empty '/'-separated component of s[*i..n). */
static bool
next_component (const char *s, size_t n, size_t *i, const char **comp, size_t *clen)
{
  size_t k = *i;

  while (k < n && s[k] == '/')
    k++;
  if (k == n)
    {
      *i = k;
      return false;
    }

  const char *slash = memchr (s + k, '/', n - k);
  size_t end = slash ? (size_t) (slash - s) : n;
  *comp = s + k;
  *clen = end - k;
  *i = end;
  return true;
}

static bool
has_glob_chars (const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (s[i] == '*' || s[i] == '?' || s[i] == '[')
      return true;
  return false;
}

bool
path_prefix_match (const char *prefix, size_t plen, const char *s, size_t slen)
{
  size_t pi = 0, si = 0;
  const char *pc, *sc;
  size_t pcl, scl;

  if (s == NULL)
    s = "";
  while (next_component (prefix, plen, &pi, &pc, &pcl))
    {
      if (!next_component (s, slen, &si, &sc, &scl))
        return false;
      if (has_glob_chars (pc, pcl) ? !glob_match_n (pc, pcl, sc, scl, false)
                                   : pcl != scl || memcmp (pc, sc, pcl) != 0)
        return false;
    }
  return true;
}

/* The paths of a pmatch: literal ones normalised to "/a/b" (the root to
 * "") in a set hashed with FNV-1a, the few with wildcards in a list. */
struct pathset {
  struct byteset exact;
  char *pool;
  const char **globs;
  size_t nglobs;
};

/* "a//b/" -> "/a/b" into out (room for strlen (s) + 1). */
static size_t
normalize_path (const char *s, char *out, uint64_t *hash)
{
  size_t i = 0, n = strlen (s), k = 0, clen;
  const char *c;
  uint64_t h = FNV_OFFSET;

  while (next_component (s, n, &i, &c, &clen))
    {
      out[k++] = '/';
      memcpy (out + k, c, clen);
      k += clen;
      h = fnv_step (fnv_step (h, "/", 1), c, clen);
    }
  *hash = h;
  return k;
}

/* Is s[0..end), normalised, exactly the normalised path e[0..elen)? */
static bool
norm_equal (const char *e, size_t elen, const char *s, size_t end)
{
  size_t k = 0, i = 0, clen;
  const char *c;

  while (next_component (s, end, &i, &c, &clen))
    {
      if (k + 1 + clen > elen || e[k] != '/' || memcmp (e + k + 1, c, clen) != 0)
        return false;
      k += 1 + clen;
    }
  return k == elen;
}

static bool
pathset_probe (const struct byteset *set, uint64_t h, size_t len, const char *s, size_t end)
{
  for (size_t i = h & set->mask; set->slots[i] != 0; i = (i + 1) & set->mask)
    {
      const struct bs_entry *e = &set->e[set->slots[i] - 1];
      if (e->hash == h && e->len == len && norm_equal (e->p, e->len, s, end))
        return true;
    }
  return false;
}

/* Is some literal path a component-wise prefix of s?  Looks up each of
 * s's prefixes, extending the hash by one component at a time. */
static bool
pathset_match_exact (const struct byteset *set, const char *s, size_t n)
{
  uint64_t h = FNV_OFFSET;
  size_t len = 0, i = 0, clen;
  const char *c;

  if (set->n == 0)
    return false;
  if (set->minlen == 0 && pathset_probe (set, h, 0, s, 0))
    return true;
  while (next_component (s, n, &i, &c, &clen))
    {
      len += 1 + clen;
      if (len > set->maxlen)
        return false;
      h = fnv_step (fnv_step (h, "/", 1), c, clen);
      if (len >= set->minlen && pathset_probe (set, h, len, s, i))
        return true;
    }
  return false;
}

static bool
pathset_match (const struct pathset *ps, const char *s, size_t n)
{
  if (pathset_match_exact (&ps->exact, s, n))
    return true;
  for (size_t i = 0; i < ps->nglobs; i++)
    if (path_prefix_match (ps->globs[i], strlen (ps->globs[i]), s, n))
      return true;
  return false;
}

static void
pathset_build (struct pathset *ps, const char *const *paths, size_t n)
{
  size_t total = 0;

  /* A relative path gains its leading '/'. */
  for (size_t i = 0; i < n; i++)
    total += strlen (paths[i]) + 2;
  ps->pool = xmalloc (total + 1);
  ps->globs = xcalloc (n ? n : 1, sizeof *ps->globs);
  ps->nglobs = 0;
  byteset_init (&ps->exact, n);

  size_t off = 0;
  for (size_t i = 0; i < n; i++)
    {
      size_t len = strlen (paths[i]);
      if (has_glob_chars (paths[i], len))
        {
          ps->globs[ps->nglobs++] = paths[i];
          continue;
        }
      uint64_t h;
      size_t nlen = normalize_path (paths[i], ps->pool + off, &h);
      byteset_add (&ps->exact, ps->pool + off, nlen, h);
      off += nlen + 1;
    }
}

static void
pathset_free (struct pathset *ps)
{
  byteset_free (&ps->exact);
  free (ps->pool);
  free (ps->globs);
}

/* ---- regex ---- */

struct regex {
  pcre2_code *code;
  pcre2_match_context *mctx;
};

static __thread pcre2_match_data *tls_match_data;

static int
regex_compile (struct regex *re, const char *pat, char *msg, size_t msgsz)
{
  int errcode;
  PCRE2_SIZE erroff;
  /* Whole-string match, as Falco's RE2 ANCHOR_BOTH; UTF-8 like RE2, but
   * a subject that is not valid UTF-8 simply fails to match there. */
  uint32_t opts = PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;

  re->code = pcre2_compile ((PCRE2_SPTR) pat, PCRE2_ZERO_TERMINATED, opts, &errcode, &erroff, NULL);
  if (re->code == NULL)
    {
      PCRE2_UCHAR buf[256];
      if (pcre2_get_error_message (errcode, buf, sizeof buf) < 0)
        snprintf ((char *) buf, sizeof buf, "error %d", errcode);
      return vigil_msg_error (msg, msgsz, "invalid regex pattern '%s': %s at offset %zu", pat, (char *) buf,
                   (size_t) erroff);
    }
  /* Without JIT support the interpreter runs the same pattern. */
  (void) pcre2_jit_compile (re->code, PCRE2_JIT_COMPLETE);
  re->mctx = pcre2_match_context_create (NULL);
  if (re->mctx == NULL)
    {
      fprintf (stderr, "vigil: out of memory (regex match context)\n");
      abort ();
    }
  pcre2_set_match_limit (re->mctx, REGEX_MATCH_LIMIT);
  pcre2_set_depth_limit (re->mctx, REGEX_DEPTH_LIMIT);
  return 0;
}

static enum tri
regex_match (const struct regex *re, const char *s, size_t len)
{
  if (tls_match_data == NULL)
    {
      /* One pair is enough: only whether it matched is asked. */
      tls_match_data = pcre2_match_data_create (1, NULL);
      if (tls_match_data == NULL)
        return TRI_UNKNOWN;
    }

  int rc = pcre2_match (re->code, (PCRE2_SPTR) (s ? s : ""), len, 0, 0, tls_match_data, re->mctx);
  if (rc >= 0)
    return TRI_TRUE;
  switch (rc)
    {
    case PCRE2_ERROR_MATCHLIMIT:
    case PCRE2_ERROR_DEPTHLIMIT:
    case PCRE2_ERROR_HEAPLIMIT:
    case PCRE2_ERROR_JIT_STACKLIMIT:
      return TRI_UNKNOWN;
    default:
      return TRI_FALSE;
    }
}

static void
regex_free (struct regex *re)
{
  pcre2_match_context_free (re->mctx);
  pcre2_code_free (re->code);
}

/* ---- operands ---- */

enum operand_kind {
  OK_TRUE,  /* exists */
  OK_STR,   /* one string or byte string */
  OK_NUM,
  OK_BOOL,
  OK_IP,
  OK_NETS,  /* IPNET: =, != and in against CIDRs */
  OK_SET,   /* in / intersects */
  OK_PATHS, /* pmatch */
  OK_REGEX,
};

/* How a string value is matched, decided once when the operand is
 * prepared, so the common comparisons take one dispatch. */
enum str_matcher {
  SM_FALSE,    /* the operand takes no strings (numbers, addresses) */
  SM_TRUE,     /* exists */
  SM_EQ,       /* = */
  SM_NE,
  SM_PREFIX,   /* startswith, bstartswith */
  SM_SUFFIX,   /* endswith */
  SM_CONTAINS, /* contains, bcontains */
  SM_SET,      /* in, intersects */
  SM_OTHER,    /* the rest, by operand kind and operator */
};

struct operand {
  enum str_matcher sm;
  enum operand_kind kind;
  enum cond_op op;
  enum field_type type;
  enum type_class tc;
  char **strs; /* the right side as given, for operand_strings */
  size_t nstrs;
  char *strpool;
  union {
    struct {
      char *p; /* NUL-terminated copy (lowercased for icontains, decoded for b*) */
      size_t len;
    } str;
    struct num num;
    bool b;
    struct ipaddr ip;
    struct {
      struct cidr *v;
      size_t n;
    } nets;
    struct {
      struct byteset set;
      uint8_t *keys; /* fixed-size keys for non-string types */
    } set;
    struct pathset paths;
    struct regex re;
  } u;
};

const char *const *
operand_strings (const struct operand *o, size_t *n)
{
  *n = o ? o->nstrs : 0;
  return o ? (const char *const *) o->strs : NULL;
}

/* Keep the right side's text: one pool, one pointer per item. */
static void
keep_strings (struct operand *o, const char *const *strs, size_t n)
{
  size_t total = 0;

  for (size_t i = 0; i < n; i++)
    total += strlen (strs[i]) + 1;
  o->strpool = xmalloc (total + 1);
  o->strs = xcalloc (n + 1, sizeof *o->strs);
  o->nstrs = n;
  for (size_t i = 0, off = 0; i < n; i++)
    {
      size_t len = strlen (strs[i]);
      o->strs[i] = memcpy (o->strpool + off, strs[i], len + 1);
      off += len + 1;
    }
}

/* Set keys for the non-string types, so one byte-string set serves all:
 * integers as sign + magnitude (exact across INT64/UINT64), doubles as
 * their bits, booleans as one byte, addresses as family + 16 bytes. */
#define KEY_MAX 17

static size_t
num_key (enum field_type t, struct num n, uint8_t *k)
{
  if (t == FT_DOUBLE)
    {
      double d = n.k == N_DBL ? n.v.d : (double) num_ld (n);
      if (d == 0)
        d = 0; /* -0 == 0 */
      memcpy (k, &d, sizeof d);
      return sizeof d;
    }
  if (n.k == N_DBL)
    return 0; /* integral doubles are turned into integers by the caller */

  bool neg = n.k == N_INT && n.v.i < 0;
  uint64_t mag = neg ? (uint64_t) (-(n.v.i + 1)) + 1 : n.k == N_INT ? (uint64_t) n.v.i : n.v.u;
  k[0] = neg;
  memcpy (k + 1, &mag, sizeof mag);
  return 1 + sizeof mag;
}

static size_t
ip_key (const struct ipaddr *ip, uint8_t *k)
{
  memset (k, 0, KEY_MAX);
  k[0] = ip->family == AF_INET6 ? 6 : 4;
  memcpy (k + 1, ip->a, ip_len (ip->family));
  return KEY_MAX;
}

/* A double field value against an integer set: only whole numbers in
 * 64-bit range can be members. */
static bool
integral_num (struct num *n)
{
  if (n->k != N_DBL)
    return true;

  double d = n->v.d;
  if (d >= -9223372036854775808.0 && d < 0 && (double) (int64_t) d == d)
    *n = (struct num){ .k = N_INT, .v.i = (int64_t) d };
  else if (d >= 0 && d < 18446744073709551616.0 && (double) (uint64_t) d == d)
    *n = (struct num){ .k = N_UINT, .v.u = (uint64_t) d };
  else
    return false;
  return true;
}

/* The set key of a runtime value; 0 when it cannot be a member. */
static size_t
value_key (const struct operand *o, const struct value *v, uint8_t *k)
{
  struct num n;

  switch (o->tc)
    {
    case TC_NUMBER:
      if (!value_num (v, &n) || (o->type != FT_DOUBLE && !integral_num (&n)))
        return 0;
      return num_key (o->type, n, k);
    case TC_BOOL:
      if (!value_num (v, &n))
        return 0;
      k[0] = value_truth (v);
      return 1;
    case TC_IP:
      return v->kind == VK_IP ? ip_key (&v->u.ip, k) : 0;
    default:
      return 0;
    }
}

/* Parse a literal of a non-string type into its set key. */
static int
literal_key (struct operand *o, const char *s, uint8_t *k, size_t *klen, char *msg, size_t msgsz)
{
  struct num n;
  struct ipaddr ip;
  bool b = false;

  switch (o->tc)
    {
    case TC_NUMBER:
      if (parse_number (o->type, s, &n, msg, msgsz) < 0)
        return -1;
      *klen = num_key (o->type, n, k);
      return 0;
    case TC_BOOL:
      if (parse_bool (s, &b, msg, msgsz) < 0)
        return -1;
      k[0] = b;
      *klen = 1;
      return 0;
    case TC_IP:
      if (parse_ipaddr (s, &ip, msg, msgsz) < 0)
        return -1;
      *klen = ip_key (&ip, k);
      return 0;
    default:
      return vigil_msg_error (msg, msgsz, "'%s' operator not supported for %s filters", op_spelling (o->op),
                   class_desc[o->tc]);
    }
}

static int
prepare_set (struct operand *o, char msg[], size_t msgsz)
{
  size_t n = o->nstrs;
  bool by_text = o->tc == TC_STRING || o->tc == TC_BYTES;

  o->kind = OK_SET;
  byteset_init (&o->u.set.set, n);
  if (by_text)
    {
      for (size_t i = 0; i < n; i++)
        byteset_add (&o->u.set.set, o->strs[i], strlen (o->strs[i]),
                     hash_bytes (o->strs[i], strlen (o->strs[i])));
      return 0;
    }

  o->u.set.keys = xmalloc ((n ? n : 1) * KEY_MAX);
  for (size_t i = 0; i < n; i++)
    {
      uint8_t *k = o->u.set.keys + i * KEY_MAX;
      size_t klen = 0;
      if (literal_key (o, o->strs[i], k, &klen, msg, msgsz) < 0)
        return -1;
      byteset_add (&o->u.set.set, (const char *) k, klen, hash_bytes (k, klen));
    }
  return 0;
}

static int
prepare_nets (struct operand *o, char *msg, size_t msgsz)
{
  o->kind = OK_NETS;
  o->u.nets.v = xcalloc (o->nstrs ? o->nstrs : 1, sizeof *o->u.nets.v);
  for (size_t i = 0; i < o->nstrs; i++)
    {
      if (parse_ipnet (o->strs[i], &o->u.nets.v[i], msg, msgsz) < 0)
        return -1;
      o->u.nets.n++;
    }
  return 0;
}

static int
hex_value (char c)
{
  return digit_value (c, 16);
}

/* bcontains/bstartswith take their bytes as hex, as libsinsp does. */
static int
prepare_hex (struct operand *o, const char *s, char *msg, size_t msgsz)
{
  size_t len = strlen (s);

  if (len % 2 != 0)
    return vigil_msg_error (msg, msgsz, "'%s': %s takes an even number of hex digits", s, op_spelling (o->op));
  o->u.str.p = xmalloc (len / 2 + 1);
  o->u.str.len = len / 2;
  for (size_t i = 0; i < len; i += 2)
    {
      int hi = hex_value (s[i]), lo = hex_value (s[i + 1]);
      if (hi < 0 || lo < 0)
        return vigil_msg_error (msg, msgsz, "'%s': %s takes a hex string", s, op_spelling (o->op));
      o->u.str.p[i / 2] = (char) (hi << 4 | lo);
    }
  o->u.str.p[len / 2] = '\0';
  return 0;
}

static int
prepare_string (struct operand *o, const char *s, char *msg, size_t msgsz)
{
  o->kind = OK_STR;
  if (o->op == OP_BCONTAINS || o->op == OP_BSTARTSWITH)
    return prepare_hex (o, s, msg, msgsz);
  o->u.str.len = strlen (s);
  o->u.str.p = xstrdup (s);
  if (o->op == OP_ICONTAINS)
    for (size_t i = 0; i < o->u.str.len; i++)
      o->u.str.p[i] = (char) ascii_lower ((unsigned char) o->u.str.p[i]);
  return 0;
}

static int
prepare_scalar (struct operand *o, char *msg, size_t msgsz)
{
  const char *s = o->strs[0];

  switch (o->tc)
    {
    case TC_STRING:
    case TC_BYTES:
      return prepare_string (o, s, msg, msgsz);
    case TC_NUMBER:
      o->kind = OK_NUM;
      return parse_number (o->type, s, &o->u.num, msg, msgsz);
    case TC_BOOL:
      o->kind = OK_BOOL;
      return parse_bool (s, &o->u.b, msg, msgsz);
    case TC_IP:
      o->kind = OK_IP;
      return parse_ipaddr (s, &o->u.ip, msg, msgsz);
    case TC_NET:
      return prepare_nets (o, msg, msgsz);
    default:
      return vigil_msg_error (msg, msgsz, "'%s' operator not supported for %s filters", op_spelling (o->op),
                   class_desc[o->tc]);
    }
}

static int
check_arity (enum cond_op op, size_t n, bool is_list, char *msg, size_t msgsz)
{
  if (n > MAX_LIST_ITEMS)
    return vigil_msg_error (msg, msgsz, "list of %zu items is too long", n);
  if (op == OP_EXISTS)
    return n == 0 ? 0 : vigil_msg_error (msg, msgsz, "'exists' takes no value");
  if (op == OP_IN || op == OP_INTERSECTS || op == OP_PMATCH)
    return 0;
  if (n != 1 || is_list)
    return vigil_msg_error (msg, msgsz, "'%s' takes a single value, not a list", op_spelling (op));
  return 0;
}

static int
prepare_by_op (struct operand *o, char *msg, size_t msgsz)
{
  switch (o->op)
    {
    case OP_EXISTS:
      o->kind = OK_TRUE;
      return 0;
    case OP_IN:
    case OP_INTERSECTS:
      return o->tc == TC_NET ? prepare_nets (o, msg, msgsz) : prepare_set (o, msg, msgsz);
    case OP_PMATCH:
      o->kind = OK_PATHS;
      pathset_build (&o->u.paths, (const char *const *) o->strs, o->nstrs);
      return 0;
    case OP_REGEX:
      if (regex_compile (&o->u.re, o->strs[0], msg, msgsz) < 0)
        return -1;
      o->kind = OK_REGEX;
      return 0;
    default:
      return prepare_scalar (o, msg, msgsz);
    }
}

static enum str_matcher
str_matcher_of (const struct operand *o)
{
  switch (o->kind)
    {
    case OK_TRUE:
      return SM_TRUE;
    case OK_STR:
      switch (o->op)
        {
        case OP_EQ:
          return SM_EQ;
        case OP_NE:
          return SM_NE;
        case OP_STARTSWITH:
        case OP_BSTARTSWITH:
          return SM_PREFIX;
        case OP_ENDSWITH:
          return SM_SUFFIX;
        case OP_CONTAINS:
        case OP_BCONTAINS:
          return SM_CONTAINS;
        default:
          return SM_OTHER;
        }
    case OK_SET:
      return o->tc == TC_STRING || o->tc == TC_BYTES ? SM_SET : SM_FALSE;
    case OK_PATHS:
    case OK_REGEX:
      return SM_OTHER;
    default:
      return SM_FALSE;
    }
}

int
operand_prepare (enum cond_op op, enum field_type lhs_type, bool lhs_is_list, const char *const *strs,
                 size_t n, bool is_list, struct operand **out, char *msg, size_t msgsz)
{
  *out = NULL;
  if (!op_allowed (op, lhs_type, lhs_is_list))
    return fail_not_allowed (op, lhs_type, lhs_is_list, msg, msgsz);
  if (check_arity (op, n, is_list, msg, msgsz) < 0)
    return -1;

  struct operand *o = xcalloc (1, sizeof *o);
  o->op = op;
  o->type = lhs_type;
  o->tc = type_class_of (lhs_type);
  o->kind = OK_TRUE;
  keep_strings (o, strs, n);
  if (prepare_by_op (o, msg, msgsz) < 0)
    {
      operand_free (o);
      return -1;
    }
  o->sm = str_matcher_of (o);
  *out = o;
  return 0;
}

void
operand_free (struct operand *o)
{
  if (o == NULL)
    return;
  switch (o->kind)
    {
    case OK_STR:
      free (o->u.str.p);
      break;
    case OK_NETS:
      free (o->u.nets.v);
      break;
    case OK_SET:
      byteset_free (&o->u.set.set);
      free (o->u.set.keys);
      break;
    case OK_PATHS:
      pathset_free (&o->u.paths);
      break;
    case OK_REGEX:
      regex_free (&o->u.re);
      break;
    default:
      break;
    }
  free (o->strs);
  free (o->strpool);
  free (o);
}

/* ---- matching ---- */

static inline enum tri
tri_of (bool b)
{
  return b ? TRI_TRUE : TRI_FALSE;
}

/* Byte order, as strcmp orders NUL-free strings. */
static int
bytes_cmp (const char *a, size_t alen, const char *b, size_t blen)
{
  int c = memcmp (a, b, alen < blen ? alen : blen);

  if (c != 0)
    return c < 0 ? -1 : 1;
  return alen < blen ? -1 : alen > blen;
}

/* The first of bytes a or b in h[0..n), or NULL. */
static const char *
find_either (const char *h, size_t n, unsigned char a, unsigned char b)
{
  const char *x = memchr (h, a, n);

  if (a == b)
    return x;
  const char *y = memchr (h, b, x ? (size_t) (x - h) : n);
  return y ? y : x;
}

/* strcasestr on counted strings (ASCII case folding, as in the C locale).
 * Candidates are found with memchr, which is vectorised. */
static bool
icontains (const char *h, size_t hlen, const char *needle, size_t nlen)
{
  if (nlen == 0)
    return true;

  unsigned char lo = ascii_lower ((unsigned char) needle[0]), up = ascii_upper (lo);
  const char *end = h + hlen;
  for (const char *c = h; (size_t) (end - c) >= nlen; c++)
    {
      c = find_either (c, (size_t) (end - c) - nlen + 1, lo, up);
      if (c == NULL)
        return false;
      size_t k = 1;
      while (k < nlen && ascii_lower ((unsigned char) c[k]) == ascii_lower ((unsigned char) needle[k]))
        k++;
      if (k == nlen)
        return true;
    }
  return false;
}

/* Equal byte strings of length n.  Most comparisons in rules fail, and
 * mostly on the first byte: test it inline before calling memcmp. */
static inline bool
bytes_eq (const char *a, const char *b, size_t n)
{
  return n == 0 || (a[0] == b[0] && memcmp (a + 1, b + 1, n - 1) == 0);
}

/* Subjects up to this long are searched with memchr and memcmp (at most
 * this many memcmp calls); longer ones with memmem, which is linear. */
#define SHORT_HAYSTACK 256

/* memmem, faster on the short subjects of rules (command lines, paths):
 * glibc's memmem builds a 256-entry shift table on every call, which costs
 * more than the whole search of a short string. */
static bool
contains (const char *h, size_t hlen, const char *needle, size_t nlen)
{
  if (hlen > SHORT_HAYSTACK)
    return memmem (h, hlen, needle, nlen) != NULL;
  if (nlen == 0)
    return true;

  const char *end = h + hlen;
  for (const char *c = h; (size_t) (end - c) >= nlen; c++)
    {
      c = memchr (c, needle[0], (size_t) (end - c) - nlen + 1);
      if (c == NULL)
        return false;
      if (memcmp (c + 1, needle + 1, nlen - 1) == 0)
        return true;
    }
  return false;
}

static inline bool
starts_with (const char *s, size_t n, const char *p, size_t plen)
{
  return plen <= n && bytes_eq (s, p, plen);
}

static inline bool
ends_with (const char *s, size_t n, const char *p, size_t plen)
{
  return plen <= n && bytes_eq (s + n - plen, p, plen);
}

/* A string operator with right side r[0..rlen): the needle, prefix or
 * pattern. */
static inline bool
str_op (enum cond_op op, const char *s, size_t n, const char *r, size_t rlen)
{
  switch (op)
    {
    case OP_EQ:
    case OP_IN:
    case OP_INTERSECTS:
      return n == rlen && bytes_eq (s, r, n);
    case OP_NE:
      return n != rlen || !bytes_eq (s, r, n);
    case OP_LT:
    case OP_LE:
    case OP_GT:
    case OP_GE:
      return cmp_holds (op, bytes_cmp (s, n, r, rlen));
    case OP_CONTAINS:
    case OP_BCONTAINS:
      return contains (s, n, r, rlen);
    case OP_ICONTAINS:
      return icontains (s, n, r, rlen);
    case OP_STARTSWITH:
    case OP_BSTARTSWITH:
      return starts_with (s, n, r, rlen);
    case OP_ENDSWITH:
      return ends_with (s, n, r, rlen);
    case OP_GLOB:
    case OP_IGLOB:
      return glob_match_n (r, rlen, s, n, op == OP_IGLOB);
    case OP_PMATCH:
      return path_prefix_match (r, rlen, s, n);
    default:
      return false;
    }
}

static bool
nets_match (const struct operand *o, const struct ipaddr *ip)
{
  bool in = false;

  for (size_t i = 0; i < o->u.nets.n && !in; i++)
    in = cidr_contains (&o->u.nets.v[i].addr, o->u.nets.v[i].prefix, ip);
  return o->op == OP_NE ? !in : in;
}

static inline bool
set_by_text (const struct operand *o)
{
  return o->tc == TC_STRING || o->tc == TC_BYTES;
}

/* The string matches of sm == SM_OTHER: less common, and dearer anyway.
 * Out of line, so that str_match needs no stack frame. */
static __attribute__ ((noinline)) enum tri
str_match_other (const struct operand *o, const char *s, size_t n)
{
  switch (o->kind)
    {
    case OK_STR:
      return tri_of (str_op (o->op, s, n, o->u.str.p, o->u.str.len));
    case OK_PATHS:
      return tri_of (pathset_match (&o->u.paths, s, n));
    case OK_REGEX:
      return regex_match (&o->u.re, s, n);
    default:
      return TRI_FALSE;
    }
}

/* A string value s[0..n) against the operand.  Most comparisons in rules
 * are of this kind and fail early, so the usual ones are answered here
 * with one dispatch. */
static inline __attribute__ ((always_inline)) enum tri
str_match (const struct operand *o, const char *s, size_t n)
{
  switch (o->sm)
    {
    case SM_FALSE:
      return TRI_FALSE;
    case SM_TRUE:
      return TRI_TRUE;
    case SM_EQ:
      return tri_of (n == o->u.str.len && bytes_eq (s, o->u.str.p, n));
    case SM_NE:
      return tri_of (n != o->u.str.len || !bytes_eq (s, o->u.str.p, n));
    case SM_PREFIX:
      return tri_of (starts_with (s, n, o->u.str.p, o->u.str.len));
    case SM_SUFFIX:
      return tri_of (ends_with (s, n, o->u.str.p, o->u.str.len));
    case SM_CONTAINS:
      return tri_of (contains (s, n, o->u.str.p, o->u.str.len));
    case SM_SET:
      return tri_of (byteset_has (&o->u.set.set, s, n));
    default:
      return str_match_other (o, s, n);
    }
}

/* One scalar value against the operand. */
static enum tri
scalar_match (const struct operand *o, const struct value *v)
{
  struct num n;
  uint8_t k[KEY_MAX];
  size_t klen;

  if (v->kind == VK_STR)
    return str_match (o, v->u.s.p ? v->u.s.p : "", v->u.s.len);
  switch (o->kind)
    {
    case OK_TRUE:
      return TRI_TRUE;
    case OK_NUM:
      return tri_of (value_num (v, &n) && cmp_holds (o->op, num_cmp (n, o->u.num)));
    case OK_BOOL:
      return tri_of (value_num (v, &n) && (value_truth (v) == o->u.b) == (o->op != OP_NE));
    case OK_IP:
      return tri_of (v->kind == VK_IP && ip_equal (&v->u.ip, &o->u.ip) == (o->op != OP_NE));
    case OK_NETS:
      return tri_of (v->kind == VK_IP && nets_match (o, &v->u.ip));
    case OK_SET:
      klen = set_by_text (o) ? 0 : value_key (o, v, k);
      return tri_of (klen > 0 && byteset_has (&o->u.set.set, k, klen));
    default:
      return TRI_FALSE; /* string operators on a value that is no string */
    }
}

/* A list value: `in` wants every item in the set, `intersects` one. */
static enum tri
list_match (const struct operand *o, const struct value *v)
{
  bool all = o->op == OP_IN;

  if (o->op != OP_IN && o->op != OP_INTERSECTS)
    return TRI_FALSE;
  for (size_t i = 0; i < v->u.list.n; i++)
    if ((scalar_match (o, &v->u.list.items[i]) == TRI_TRUE) != all)
      return tri_of (!all);
  return tri_of (all);
}

/* Values other than strings: kept out of operand_match, whose string
 * path stays small. */
static __attribute__ ((noinline)) enum tri
value_match (const struct operand *o, const struct value *v)
{
  if (o->kind == OK_TRUE)
    return TRI_TRUE;
  if (v->kind == VK_LIST)
    return list_match (o, v);
  return scalar_match (o, v);
}

enum tri
operand_match (const struct operand *o, const struct value *v)
{
  if (v->kind == VK_STR)
    return str_match (o, v->u.s.p ? v->u.s.p : "", v->u.s.len);
  return value_match (o, v);
}

/* ---- two runtime values ---- */

/* `a op b` for two scalars of one kind; b is the pattern or needle. */
static bool
values_cmp (enum cond_op op, const struct value *a, const struct value *b)
{
  struct num x, y;
  bool eq;

  if (a->kind == VK_STR || b->kind == VK_STR)
    return a->kind == b->kind
           && str_op (op, a->u.s.p ? a->u.s.p : "", a->u.s.len, b->u.s.p ? b->u.s.p : "", b->u.s.len);
  if (a->kind == VK_IP || b->kind == VK_IP || a->kind == VK_BOOL || b->kind == VK_BOOL)
    {
      if (a->kind != b->kind)
        return false;
      eq = a->kind == VK_IP ? ip_equal (&a->u.ip, &b->u.ip) : a->u.b == b->u.b;
      return op == OP_NE ? !eq : op == OP_EQ && eq;
    }
  return value_num (a, &x) && value_num (b, &y) && cmp_holds (op, num_cmp (x, y));
}

/* Is scalar a equal to rhs, or to one of its items? */
static bool
value_in (const struct value *a, const struct value *rhs)
{
  if (rhs->kind != VK_LIST)
    return values_cmp (OP_EQ, a, rhs);
  for (size_t i = 0; i < rhs->u.list.n; i++)
    if (values_cmp (OP_EQ, a, &rhs->u.list.items[i]))
      return true;
  return false;
}

enum tri
op_match_values (enum cond_op op, const struct value *lhs, const struct value *rhs)
{
  if (op == OP_EXISTS)
    return TRI_TRUE;
  if (op == OP_IN || op == OP_INTERSECTS)
    {
      bool all = op == OP_IN;
      if (lhs->kind != VK_LIST)
        return tri_of (value_in (lhs, rhs));
      for (size_t i = 0; i < lhs->u.list.n; i++)
        if (value_in (&lhs->u.list.items[i], rhs) != all)
          return tri_of (!all);
      return tri_of (all);
    }
  /* libsinsp refuses a field on the right of regex (and pmatch, which
   * this still answers with the field as the one prefix). */
  if (lhs->kind == VK_LIST || rhs->kind == VK_LIST || op == OP_REGEX)
    return TRI_FALSE;
  return tri_of (values_cmp (op, lhs, rhs));
}
