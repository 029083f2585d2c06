/* vigil: the rules-file loader.
 *
 * Reads the items of a Falco rules file (lists, macros, rules and the
 * required_* items) into struct rules_defs, applying each in file order
 * with the semantics of Falco's rule loader: the reader decodes an item
 * (rule_loader_reader.cpp), the collector applies it to what earlier items
 * and files defined (rule_loader_collector.cpp): redefinition in place,
 * `append: true`, `override: {key: append|replace}` and the standalone
 * `enabled` toggle.
 *
 * Unlike Falco, which stops at the first error of a file, every item is
 * checked and every problem reported; an item with an error changes
 * nothing.  Messages say "rule 'X': ..." at the item or value they are
 * about; some keep Falco's wording where a user might search for it.
 *
 * Bad input is bounded: the YAML nesting depth is checked before the
 * document is built (libyaml slows down quadratically with depth), only
 * the shapes a rules file can have are walked (so a YAML alias that makes
 * a node contain itself is never followed far), and a work budget stops
 * aliases that repeat a large node many times (billion laughs). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "vigil/error.h"
#include "vigil/ruleset_defs.h"
#include "vigil/yamltree.h"

#define RULES_FILE_MAX_SIZE ((size_t) 64 << 20)
#define YAML_MAX_DEPTH 256

/* Work budget, in units of roughly one byte copied: a floor plus a
 * multiple of the file size, far above what any real rules file needs
 * (falco_rules.yaml uses about 1% of its budget). */
#define WORK_FLOOR ((size_t) 32 << 20)
#define WORK_PER_INPUT_BYTE 16
/* A byte of condition text also carries its location (struct diag_loc). */
#define LOCTEXT_BYTE_COST (1 + sizeof (struct diag_loc))
/* Past this many errors a file is not worth reading further; past this
 * many warnings, the rest are only counted. */
#define MAX_ERRORS 1000
#define MAX_WARNINGS 10000

/* ---- a name -> index map, for redefinitions in files of any size ---- */

struct name_slot {
  const char *name; /* borrowed from the definition, or owned (see owned) */
  size_t idx;
};

struct name_index {
  struct name_slot *slots;
  size_t cap, n;
  bool owned; /* names are copies, freed with the index */
};

static uint64_t
name_hash (const char *s)
{
  uint64_t h = 1469598103934665603ULL; /* FNV-1a */
  for (; *s; s++)
    {
      h ^= (unsigned char) *s;
      h *= 1099511628211ULL;
    }
  return h;
}

static struct name_slot *
nindex_slot (const struct name_index *x, const char *name)
{
  size_t mask = x->cap - 1;
  for (size_t i = name_hash (name) & mask;; i = (i + 1) & mask)
    if (x->slots[i].name == NULL || strcmp (x->slots[i].name, name) == 0)
      return &x->slots[i];
}

static void
nindex_rehash (struct name_index *x)
{
  struct name_slot *old = x->slots;
  size_t oldcap = x->cap;

  x->cap = oldcap ? oldcap * 2 : 64;
  x->slots = xcalloc (x->cap, sizeof *x->slots);
  for (size_t i = 0; i < oldcap; i++)
    if (old[i].name)
      *nindex_slot (x, old[i].name) = old[i];
  free (old);
}

static void
nindex_put (struct name_index *x, const char *name, size_t idx)
{
  struct name_slot *s;

  if ((x->n + 1) * 2 > x->cap)
    nindex_rehash (x);
  s = nindex_slot (x, name);
  if (s->name == NULL)
    {
      x->n++;
      s->name = x->owned ? xstrdup (name) : name;
    }
  s->idx = idx;
}

static bool
nindex_get (const struct name_index *x, const char *name, size_t *idx)
{
  struct name_slot *s;

  if (x->cap == 0)
    return false;
  s = nindex_slot (x, name);
  if (s->name == NULL)
    return false;
  if (idx)
    *idx = s->idx;
  return true;
}

static void
nindex_free (struct name_index *x)
{
  if (x->owned)
    for (size_t i = 0; i < x->cap; i++)
      free ((char *) x->slots[i].name);
  free (x->slots);
  x->slots = NULL;
  x->cap = x->n = 0;
}

/* ---- freeing definitions ---- */

static void
strv_free (char **v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free (v[i]);
  free (v);
}

static void
exc_item_free (struct rdef_exc_item *it)
{
  strv_free (it->strs, it->n);
  free (it->quoted);
}

static void
exc_tuple_free (struct rdef_exc_tuple *t)
{
  for (size_t i = 0; i < t->nitems; i++)
    exc_item_free (&t->items[i]);
  free (t->items);
}

static void
exception_free (struct rdef_exception *e)
{
  free (e->name);
  strv_free (e->fields, e->nfields);
  strv_free (e->comps, e->comps ? e->nfields : 0);
  for (size_t i = 0; i < e->nvalues; i++)
    exc_tuple_free (&e->values[i]);
  free (e->values);
  memset (e, 0, sizeof *e);
}

static void
exceptions_free (struct rdef_exception *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    exception_free (&v[i]);
  free (v);
}

static void
list_free (struct rdef_list *l)
{
  free (l->name);
  strv_free (l->items, l->nitems);
  free (l->item_locs);
}

static void
macro_free (struct rdef_macro *m)
{
  free (m->name);
  loctext_free (&m->cond);
}

/* Everything but the name, which the name index may point at. */
static void
rule_free_contents (struct rdef_rule *r)
{
  free (r->desc);
  loctext_free (&r->cond);
  free (r->output);
  strv_free (r->tags, r->ntags);
  free (r->source);
  exceptions_free (r->exceptions, r->nexceptions);
}

void
rules_defs_free (struct rules_defs *defs)
{
  for (size_t i = 0; i < defs->nlists; i++)
    list_free (&defs->lists[i]);
  for (size_t i = 0; i < defs->nmacros; i++)
    macro_free (&defs->macros[i]);
  for (size_t i = 0; i < defs->nrules; i++)
    {
      rule_free_contents (&defs->rules[i]);
      free (defs->rules[i].name);
    }
  free (defs->lists);
  free (defs->macros);
  free (defs->rules);
  free (defs->required_engine_version);
  memset (defs, 0, sizeof *defs);
}

/* ---- the loader and its items ---- */

enum item_kind { K_LIST, K_MACRO, K_RULE, K_ENGINE, K_PLUGINS };

static const char *const item_kind_names[] = {
  [K_LIST] = "list",
  [K_MACRO] = "macro",
  [K_RULE] = "rule",
  [K_ENGINE] = "required_engine_version",
  [K_PLUGINS] = "required_plugin_versions",
};

struct loader {
  struct rules_defs *defs;
  struct ydoc y;
  struct diag_list *d;
  struct name_index lists, macros, rules;
  /* Names whose item had an error: later items that need the definition
   * are skipped quietly rather than repeating the same problem. */
  struct name_index failed[3];
  size_t budget;
  bool over_budget; /* out of budget or of patience (MAX_ERRORS): stop */
  size_t nerrors_start, nwarnings_start, warnings_dropped;
};

struct item {
  struct loader *ld;
  yaml_node_t *node;
  struct diag_loc loc;
  enum item_kind kind;
  const char *name; /* NULL until decoded */
  size_t nerrors_before;
};

static void item_diag (struct item *it, enum diag_severity sev, struct diag_loc loc, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));

static void
item_diag (struct item *it, enum diag_severity sev, struct diag_loc loc, const char *fmt, ...)
{
  struct diag_list *d = it->ld->d;
  va_list ap;
  char *msg = NULL;

  if (sev == DIAG_WARNING && d->nwarnings - it->ld->nwarnings_start >= MAX_WARNINGS)
    {
      it->ld->warnings_dropped++;
      return;
    }
  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  va_end (ap);
  if (it->name)
    diag_add (it->ld->d, sev, loc, "%s '%s': %s", item_kind_names[it->kind], it->name, msg ? msg : "?");
  else
    diag_add (it->ld->d, sev, loc, "%s: %s", item_kind_names[it->kind], msg ? msg : "?");
  free (msg);
}

#define item_error(it, loc, ...) item_diag ((it), DIAG_ERROR, (loc), __VA_ARGS__)
#define item_warn(it, loc, ...) item_diag ((it), DIAG_WARNING, (loc), __VA_ARGS__)

static void
item_start (struct item *it, struct loader *ld, yaml_node_t *n, enum item_kind kind)
{
  *it = (struct item){ .ld = ld, .node = n, .loc = ynode_loc (&ld->y, n), .kind = kind,
                       .nerrors_before = ld->d->nerrors };
}

static bool
item_failed (const struct item *it)
{
  return it->ld->d->nerrors > it->nerrors_before;
}

static struct diag_loc
nloc (struct item *it, const yaml_node_t *n)
{
  return ynode_loc (&it->ld->y, n);
}

/* Spend work units; false (after one error) once the budget is gone or
 * the file has too many errors to go on. */
static bool
charge (struct loader *ld, size_t units, struct diag_loc loc)
{
  if (ld->over_budget)
    return false;
  if (ld->d->nerrors - ld->nerrors_start >= MAX_ERRORS)
    {
      ld->over_budget = true;
      diag_error (ld->d, loc, "too many errors; stopped loading this file here");
      return false;
    }
  if (units <= ld->budget)
    {
      ld->budget -= units;
      return true;
    }
  ld->over_budget = true;
  ld->budget = 0;
  diag_error (ld->d, loc,
              "the rules file expands to too much data (YAML aliases repeating large nodes?); "
              "stopped loading here");
  return false;
}

/* Remember that the item for `name` failed, and whether a later item's
 * missing-definition error would only echo it. */
static void
item_poison (struct item *it)
{
  if (it->name && it->kind <= K_RULE)
    nindex_put (&it->ld->failed[it->kind], it->name, 0);
}

static bool
item_poisoned (struct item *it)
{
  return it->name && it->kind <= K_RULE && nindex_get (&it->ld->failed[it->kind], it->name, NULL);
}

/* ---- decoding values ---- */

/* yaml-cpp's (and so Falco's) null: an empty or ~/null plain scalar. */
static bool
ynode_is_null (const yaml_node_t *n)
{
  const char *s;

  if (n == NULL)
    return true;
  if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
    return false;
  s = ynode_str (n);
  return *s == '\0' || strcmp (s, "~") == 0 || strcmp (s, "null") == 0 || strcmp (s, "Null") == 0
         || strcmp (s, "NULL") == 0;
}

static bool
ynode_quoted (const yaml_node_t *n)
{
  return n->type == YAML_SCALAR_NODE && n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
}

/* Outcome of decoding an optional value. */
enum got { GOT_NONE, GOT_OK, GOT_ERR };

/* A scalar usable as text: non-null, non-empty (as Falco requires), and
 * without NUL bytes (which would silently cut it short).  `what` names
 * the value in messages ("key 'output'", "an item of 'tags'"). */
static bool
check_text (struct item *it, const yaml_node_t *v, const char *what)
{
  if (ynode_is_null (v))
    {
      item_error (it, nloc (it, v), "%s has no value", what);
      return false;
    }
  if (v->type != YAML_SCALAR_NODE)
    {
      item_error (it, nloc (it, v), "%s must be a string, not %s", what, ynode_kind_name (v));
      return false;
    }
  if (v->data.scalar.length == 0)
    {
      item_error (it, nloc (it, v), "%s is empty", what);
      return false;
    }
  if (strlen (ynode_str (v)) != v->data.scalar.length)
    {
      item_error (it, nloc (it, v), "%s contains a NUL character", what);
      return false;
    }
  return charge (it->ld, v->data.scalar.length + 1, nloc (it, v));
}

static enum got
get_string (struct item *it, yaml_node_t *map, const char *key, bool required, const char **out,
            yaml_node_t **node_out)
{
  yaml_node_t *v = ymap_get (&it->ld->y, map, key, NULL);
  char what[64];

  if (v == NULL)
    {
      if (!required)
        return GOT_NONE;
      item_error (it, nloc (it, map), "missing required key '%s'", key);
      return GOT_ERR;
    }
  if (node_out)
    *node_out = v;
  snprintf (what, sizeof what, "key '%s'", key);
  if (!check_text (it, v, what))
    return GOT_ERR;
  *out = ynode_str (v);
  return GOT_OK;
}

static enum got
get_bool (struct item *it, yaml_node_t *map, const char *key, bool *out)
{
  yaml_node_t *v = ymap_get (&it->ld->y, map, key, NULL);

  if (v == NULL)
    return GOT_NONE;
  if (ynode_is_null (v))
    {
      item_error (it, nloc (it, v), "key '%s' has no value (expected true or false)", key);
      return GOT_ERR;
    }
  if (ynode_bool (v, out) < 0)
    {
      if (v->type == YAML_SCALAR_NODE)
        item_error (it, nloc (it, v), "key '%s' must be a boolean (true or false), not '%s'", key, ynode_str (v));
      else
        item_error (it, nloc (it, v), "key '%s' must be a boolean (true or false), not %s", key,
                    ynode_kind_name (v));
      return GOT_ERR;
    }
  return GOT_OK;
}

/* A sequence of strings (a list's items, a rule's tags).  Empty strings
 * are allowed, as in Falco; nulls and nested collections are not. */
static enum got
get_string_list (struct item *it, yaml_node_t *map, const char *key, bool required, char ***out,
                 struct diag_loc **locs_out, size_t *n_out)
{
  yaml_node_t *v = ymap_get (&it->ld->y, map, key, NULL);
  size_t n;
  char **strs;

  *out = NULL;
  *n_out = 0;
  if (locs_out)
    *locs_out = NULL;
  if (v == NULL)
    {
      if (!required)
        return GOT_NONE;
      item_error (it, nloc (it, map), "missing required key '%s'", key);
      return GOT_ERR;
    }
  if (v->type != YAML_SEQUENCE_NODE)
    {
      item_error (it, nloc (it, v), "key '%s' must be a list, not %s", key,
                  ynode_is_null (v) ? "empty" : ynode_kind_name (v));
      return GOT_ERR;
    }
  n = ynode_count (v);
  strs = xcalloc (n, sizeof *strs);
  if (locs_out)
    *locs_out = xcalloc (n, sizeof **locs_out);
  for (size_t i = 0; i < n; i++)
    {
      yaml_node_t *e = yseq_item (&it->ld->y, v, i);
      bool bad = ynode_is_null (e) || e->type != YAML_SCALAR_NODE
                 || strlen (ynode_str (e)) != e->data.scalar.length;
      if (bad)
        item_error (it, nloc (it, e), "the items of '%s' must be strings, found %s", key,
                    ynode_is_null (e) ? "an empty item" : e->type != YAML_SCALAR_NODE ? ynode_kind_name (e)
                                                                                      : "a NUL character");
      if (bad || !charge (it->ld, e->data.scalar.length + 1, nloc (it, e)))
        {
          strv_free (strs, i);
          if (locs_out)
            {
              free (*locs_out);
              *locs_out = NULL;
            }
          return GOT_ERR;
        }
      strs[i] = xstrndup (ynode_str (e), e->data.scalar.length);
      if (locs_out)
        (*locs_out)[i] = nloc (it, e);
    }
  *out = strs;
  *n_out = n;
  return GOT_OK;
}

/* Warn about keys the item kind does not know, and about a known key
 * written twice (libyaml keeps both; the first is used). */
static void
check_keys (struct item *it, yaml_node_t *map, const char *const *known, size_t nknown, const char *what)
{
  uint64_t seen = 0;

  for (size_t i = 0, n = ynode_count (map); i < n; i++)
    {
      yaml_node_t *k, *v;
      const char *ks;
      size_t j;

      ymap_pair (&it->ld->y, map, i, &k, &v);
      if (!charge (it->ld, 1, nloc (it, k)))
        return;
      ks = ynode_str (k);
      if (ks == NULL)
        {
          item_warn (it, nloc (it, k), "ignoring a key of %s that is %s", what, ynode_kind_name (k));
          continue;
        }
      for (j = 0; j < nknown && strcmp (ks, known[j]) != 0; j++)
        ;
      if (j == nknown)
        item_warn (it, nloc (it, k), "unknown key '%s' in %s (ignored)", ks, what);
      else if (seen & ((uint64_t) 1 << j))
        item_warn (it, nloc (it, k), "key '%s' appears twice in %s; the first is used", ks, what);
      else
        seen |= (uint64_t) 1 << j;
    }
}

/* Trimmed copy, as Falco trims a rule's output. */
static char *
strdup_trimmed (const char *s, size_t *lead)
{
  size_t b = 0, e = strlen (s);

  while (b < e && isspace ((unsigned char) s[b]))
    b++;
  while (e > b && isspace ((unsigned char) s[e - 1]))
    e--;
  if (lead)
    *lead = b;
  return xstrndup (s + b, e - b);
}

/* ---- names, versions, errno ---- */

/* Falco's list names: [^()"'[:space:]=,]+ (a bare string of the filter syntax). */
static bool
valid_list_name (const char *s)
{
  if (*s == '\0')
    return false;
  for (; *s; s++)
    if (strchr ("()\"'=,", *s) || isspace ((unsigned char) *s))
      return false;
  return true;
}

/* Falco's macro names: [a-zA-Z]+[a-zA-Z0-9_]* (an identifier). */
static bool
valid_macro_name (const char *s)
{
  if (!isalpha ((unsigned char) *s))
    return false;
  for (s++; *s; s++)
    if (!isalnum ((unsigned char) *s) && *s != '_')
      return false;
  return true;
}

struct semver {
  unsigned long major, minor, patch;
};

static bool
parse_uint (const char **p, unsigned long *out)
{
  char *end;

  if (!isdigit ((unsigned char) **p))
    return false;
  errno = 0;
  *out = strtoul (*p, &end, 10);
  if (errno || *out > UINT32_MAX)
    return false;
  *p = end;
  return true;
}

/* "x.y.z", optionally followed by a -prerelease or +build suffix. */
static bool
parse_semver (const char *s, struct semver *v)
{
  if (!parse_uint (&s, &v->major) || *s++ != '.' || !parse_uint (&s, &v->minor) || *s++ != '.'
      || !parse_uint (&s, &v->patch))
    return false;
  return *s == '\0' || ((*s == '-' || *s == '+') && s[1] != '\0');
}

/* required_engine_version: a number N (engine version 0.N.0) or semver. */
static bool
parse_engine_version (const char *s, struct semver *v)
{
  const char *p = s;
  unsigned long n;

  if (parse_uint (&p, &n) && *p == '\0')
    {
      *v = (struct semver){ 0, n, 0 };
      return true;
    }
  return parse_semver (s, v);
}

static int
semver_cmp (const struct semver *a, const struct semver *b)
{
  if (a->major != b->major)
    return a->major < b->major ? -1 : 1;
  if (a->minor != b->minor)
    return a->minor < b->minor ? -1 : 1;
  if (a->patch != b->patch)
    return a->patch < b->patch ? -1 : 1;
  return 0;
}

#define ERRNO_NAME(e) { #e, e }
static const struct {
  const char *name;
  int value;
} errno_names[] = {
  ERRNO_NAME (EPERM),        ERRNO_NAME (ENOENT),       ERRNO_NAME (ESRCH),
  ERRNO_NAME (EINTR),        ERRNO_NAME (EIO),          ERRNO_NAME (ENXIO),
  ERRNO_NAME (E2BIG),        ERRNO_NAME (ENOEXEC),      ERRNO_NAME (EBADF),
  ERRNO_NAME (ECHILD),       ERRNO_NAME (EAGAIN),       ERRNO_NAME (ENOMEM),
  ERRNO_NAME (EACCES),       ERRNO_NAME (EFAULT),       ERRNO_NAME (EBUSY),
  ERRNO_NAME (EEXIST),       ERRNO_NAME (EXDEV),        ERRNO_NAME (ENODEV),
  ERRNO_NAME (ENOTDIR),      ERRNO_NAME (EISDIR),       ERRNO_NAME (EINVAL),
  ERRNO_NAME (ENFILE),       ERRNO_NAME (EMFILE),       ERRNO_NAME (ENOTTY),
  ERRNO_NAME (ETXTBSY),      ERRNO_NAME (EFBIG),        ERRNO_NAME (ENOSPC),
  ERRNO_NAME (ESPIPE),       ERRNO_NAME (EROFS),        ERRNO_NAME (EMLINK),
  ERRNO_NAME (EPIPE),        ERRNO_NAME (ERANGE),       ERRNO_NAME (ENAMETOOLONG),
  ERRNO_NAME (ENOSYS),       ERRNO_NAME (ENOTEMPTY),    ERRNO_NAME (ELOOP),
  ERRNO_NAME (EWOULDBLOCK),  ERRNO_NAME (ENOTSOCK),     ERRNO_NAME (EPROTOTYPE),
  ERRNO_NAME (ENOPROTOOPT),  ERRNO_NAME (EPROTONOSUPPORT), ERRNO_NAME (EOPNOTSUPP),
  ERRNO_NAME (ENOTSUP),      ERRNO_NAME (EAFNOSUPPORT), ERRNO_NAME (EADDRINUSE),
  ERRNO_NAME (EADDRNOTAVAIL), ERRNO_NAME (ENETDOWN),    ERRNO_NAME (ENETUNREACH),
  ERRNO_NAME (ECONNABORTED), ERRNO_NAME (ECONNRESET),   ERRNO_NAME (ENOBUFS),
  ERRNO_NAME (EISCONN),      ERRNO_NAME (ENOTCONN),     ERRNO_NAME (ETIMEDOUT),
  ERRNO_NAME (ECONNREFUSED), ERRNO_NAME (EHOSTUNREACH), ERRNO_NAME (EALREADY),
  ERRNO_NAME (EINPROGRESS),  ERRNO_NAME (EDQUOT),       ERRNO_NAME (ENOLCK),
  ERRNO_NAME (EOVERFLOW),    ERRNO_NAME (ECANCELED),    ERRNO_NAME (EOWNERDEAD),
  ERRNO_NAME (ENOTRECOVERABLE), ERRNO_NAME (ENOKEY),    ERRNO_NAME (EKEYREVOKED),
};

/* An errno name (case-insensitive) or a number 1..4095 (the kernel's MAX_ERRNO). */
static int
errno_parse (const char *s, int *out)
{
  const char *p = s;
  unsigned long n;

  for (size_t i = 0; i < ARRAY_SIZE (errno_names); i++)
    if (strcasecmp (s, errno_names[i].name) == 0)
      {
        *out = errno_names[i].value;
        return 0;
      }
  if (parse_uint (&p, &n) && *p == '\0' && n >= 1 && n <= 4095)
    {
      *out = (int) n;
      return 0;
    }
  return -1;
}

/* libsinsp's comparison operators (Falco validates exception comps against them). */
static bool
comp_supported (const char *s)
{
  static const char *const ops[] = {
    "=",          "==",     "!=",     "<",         ">",      "<=",     ">=",    "contains",
    "icontains",  "bcontains", "startswith", "bstartswith", "endswith", "glob", "iglob", "in",
    "intersects", "pmatch", "exists", "regex",
  };
  for (size_t i = 0; i < ARRAY_SIZE (ops); i++)
    if (strcmp (s, ops[i]) == 0)
      return true;
  return false;
}

/* ---- override ---- */

enum ovr { OVR_NONE, OVR_APPEND, OVR_REPLACE };

struct key_rule {
  const char *name;
  bool appendable, replaceable;
};

/* Decode `override: {key: append|replace}` into ops[] (indexed like keys[]).
 * Returns how many keys are overridden. */
static size_t
decode_overrides (struct item *it, const struct key_rule *keys, size_t nkeys, enum ovr *ops, yaml_node_t **key_nodes)
{
  yaml_node_t *o = ymap_get (&it->ld->y, it->node, "override", NULL);
  size_t count = 0;

  for (size_t k = 0; k < nkeys; k++)
    {
      ops[k] = OVR_NONE;
      key_nodes[k] = NULL;
    }
  if (ynode_is_null (o))
    return 0;
  if (o->type != YAML_MAPPING_NODE)
    {
      item_error (it, nloc (it, o), "key 'override' must be a mapping of keys to 'append' or 'replace', not %s",
                  ynode_kind_name (o));
      return 0;
    }
  for (size_t i = 0, n = ynode_count (o); i < n; i++)
    {
      yaml_node_t *kn, *vn;
      const char *key, *op;
      size_t k;

      ymap_pair (&it->ld->y, o, i, &kn, &vn);
      if (!charge (it->ld, 1, nloc (it, kn)))
        break;
      key = ynode_str (kn);
      op = ynode_str (vn);
      if (key == NULL)
        {
          item_error (it, nloc (it, kn), "the keys under 'override' must be strings, not %s", ynode_kind_name (kn));
          continue;
        }
      for (k = 0; k < nkeys && strcmp (key, keys[k].name) != 0; k++)
        ;
      if (op && strcmp (op, "append") == 0)
        {
          if (k == nkeys || !keys[k].appendable)
            item_error (it, nloc (it, kn), "key '%s' cannot be appended to%s", key,
                        k < nkeys && keys[k].replaceable ? ", use 'replace' instead" : "");
          else if (ops[k] != OVR_NONE)
            item_error (it, nloc (it, kn), "key '%s' appears twice under 'override'", key);
          else
            {
              ops[k] = OVR_APPEND;
              key_nodes[k] = kn;
              count++;
            }
        }
      else if (op && strcmp (op, "replace") == 0)
        {
          if (k == nkeys || !keys[k].replaceable)
            item_error (it, nloc (it, kn), "key '%s' cannot be replaced", key);
          else if (ops[k] != OVR_NONE)
            item_error (it, nloc (it, kn), "key '%s' appears twice under 'override'", key);
          else
            {
              ops[k] = OVR_REPLACE;
              key_nodes[k] = kn;
              count++;
            }
        }
      else
        {
          bool a = k < nkeys && keys[k].appendable, r = k < nkeys && keys[k].replaceable;
          item_error (it, nloc (it, vn), "invalid override operation for key '%s': '%s' (allowed: %s)", key,
                      op ? op : ynode_kind_name (vn),
                      a && r ? "append, replace" : a ? "append" : r ? "replace" : "none");
        }
    }
  return count;
}

static const char *const override_append_warning
    = "'append' key is deprecated. Add an 'append' entry (e.g. 'condition: append') under 'override' instead.";
static const char *const override_and_append_error
    = "keys 'override' and 'append: true' cannot be used together. Add an 'append' entry (e.g. "
      "'condition: append') under 'override' instead.";

/* ---- lists ---- */

static const char *const list_keys[] = { "list", "items", "append", "override" };
static const struct key_rule list_override_keys[] = { { "items", true, true } };

static void
list_store (struct loader *ld, struct item *it, char **items, struct diag_loc *locs, size_t n)
{
  struct rules_defs *defs = ld->defs;
  size_t idx;

  if (nindex_get (&ld->lists, it->name, &idx))
    {
      /* Redefinition: replaced where it stands, as Falco keeps its index. */
      struct rdef_list *l = &defs->lists[idx];
      strv_free (l->items, l->nitems);
      free (l->item_locs);
      l->loc = it->loc;
      l->items = items;
      l->item_locs = locs;
      l->nitems = n;
      return;
    }
  xgrow (&defs->lists, &defs->lists_cap, defs->nlists, sizeof *defs->lists);
  defs->lists[defs->nlists] = (struct rdef_list){
    .name = xstrdup (it->name), .loc = it->loc, .items = items, .item_locs = locs, .nitems = n
  };
  nindex_put (&ld->lists, defs->lists[defs->nlists].name, defs->nlists);
  defs->nlists++;
}

static bool
list_append (struct loader *ld, struct item *it, char **items, struct diag_loc *locs, size_t n)
{
  struct rdef_list *l;
  size_t idx;

  if (!nindex_get (&ld->lists, it->name, &idx))
    {
      if (!item_poisoned (it))
        item_error (it, it->loc, "uses 'append' (or 'override: items: append') but no list by that name is "
                                 "defined earlier");
      strv_free (items, n);
      free (locs);
      return false;
    }
  l = &ld->defs->lists[idx];
  charge (ld, l->nitems + n, it->loc);
  l->items = xrealloc (l->items, (l->nitems + n + 1) * sizeof *l->items);
  l->item_locs = xrealloc (l->item_locs, (l->nitems + n + 1) * sizeof *l->item_locs);
  memcpy (l->items + l->nitems, items, n * sizeof *items);
  memcpy (l->item_locs + l->nitems, locs, n * sizeof *locs);
  l->nitems += n;
  free (items);
  free (locs);
  return true;
}

static void
load_list (struct loader *ld, yaml_node_t *n)
{
  struct item it;
  const char *name;
  bool append = false;
  char **items = NULL;
  struct diag_loc *locs = NULL;
  size_t nitems = 0;
  enum ovr op;
  yaml_node_t *op_key;

  item_start (&it, ld, n, K_LIST);
  if (get_string (&it, n, "list", true, &name, NULL) != GOT_OK)
    return;
  it.name = name;
  check_keys (&it, n, list_keys, ARRAY_SIZE (list_keys), "a list");
  if (!valid_list_name (name))
    item_error (&it, it.loc,
                "invalid list name: it must not contain spaces, quotes, parentheses, '=' or ',' "
                "(Falco's [^()\"'[:space:]=,]+)");
  get_string_list (&it, n, "items", true, &items, &locs, &nitems);
  if (get_bool (&it, n, "append", &append) == GOT_OK && append)
    item_warn (&it, it.loc, "%s", override_append_warning);
  if (decode_overrides (&it, list_override_keys, 1, &op, &op_key) && append)
    item_error (&it, it.loc, "%s", override_and_append_error);
  if (item_failed (&it))
    {
      strv_free (items, nitems);
      free (locs);
      item_poison (&it);
      return;
    }
  if (append || op == OVR_APPEND)
    list_append (ld, &it, items, locs, nitems);
  else
    list_store (ld, &it, items, locs, nitems);
}

/* ---- macros ---- */

static const char *const macro_keys[] = { "macro", "condition", "append", "override" };
static const struct key_rule macro_override_keys[] = { { "condition", true, true } };

/* The located text of a scalar, paid for. */
static bool
get_loctext (struct item *it, yaml_node_t *v, struct loctext *lt)
{
  if (!charge (it->ld, v->data.scalar.length * LOCTEXT_BYTE_COST, nloc (it, v)))
    return false;
  ynode_loctext (&it->ld->y, v, lt);
  return true;
}

/* prev += " " + add, as Falco joins appended conditions (no parentheses). */
static bool
loctext_join (struct item *it, struct loctext *prev, const struct loctext *add)
{
  /* realloc may copy the whole text: charge for the result, so that many
   * appends of an aliased condition cannot run quadratically unbounded. */
  if (!charge (it->ld, (prev->len + add->len + 1) * LOCTEXT_BYTE_COST, it->loc))
    return false;
  loctext_append (prev, " ", add);
  return true;
}

static void
macro_store (struct loader *ld, struct item *it, struct loctext *cond, bool append)
{
  struct rules_defs *defs = ld->defs;
  size_t idx;

  if (nindex_get (&ld->macros, it->name, &idx))
    {
      struct rdef_macro *m = &defs->macros[idx];
      if (append)
        {
          loctext_join (it, &m->cond, cond);
          loctext_free (cond);
          return;
        }
      loctext_free (&m->cond);
      m->cond = *cond;
      m->loc = it->loc;
      return;
    }
  if (append)
    {
      if (!item_poisoned (it))
        item_error (it, it->loc, "uses 'append' (or 'override: condition: append') but no macro by that name is "
                                 "defined earlier");
      loctext_free (cond);
      return;
    }
  xgrow (&defs->macros, &defs->macros_cap, defs->nmacros, sizeof *defs->macros);
  defs->macros[defs->nmacros] = (struct rdef_macro){ .name = xstrdup (it->name), .loc = it->loc, .cond = *cond };
  nindex_put (&ld->macros, defs->macros[defs->nmacros].name, defs->nmacros);
  defs->nmacros++;
}

static void
load_macro (struct loader *ld, yaml_node_t *n)
{
  struct item it;
  const char *name, *cond;
  yaml_node_t *cond_node = NULL;
  struct loctext lt = { 0 };
  bool append = false;
  enum ovr op;
  yaml_node_t *op_key;

  item_start (&it, ld, n, K_MACRO);
  if (get_string (&it, n, "macro", true, &name, NULL) != GOT_OK)
    return;
  it.name = name;
  check_keys (&it, n, macro_keys, ARRAY_SIZE (macro_keys), "a macro");
  if (!valid_macro_name (name))
    item_error (&it, it.loc,
                "invalid macro name: it must be a letter followed by letters, digits or '_' "
                "(Falco's [a-zA-Z]+[a-zA-Z0-9_]*)");
  if (get_string (&it, n, "condition", true, &cond, &cond_node) == GOT_OK)
    get_loctext (&it, cond_node, &lt);
  if (get_bool (&it, n, "append", &append) == GOT_OK && append)
    item_warn (&it, it.loc, "%s", override_append_warning);
  if (decode_overrides (&it, macro_override_keys, 1, &op, &op_key) && append)
    item_error (&it, it.loc, "%s", override_and_append_error);
  if (item_failed (&it))
    {
      loctext_free (&lt);
      item_poison (&it);
      return;
    }
  macro_store (ld, &it, &lt, append || op == OVR_APPEND);
}

/* ---- exceptions ---- */

static const char *const exception_keys[] = { "name", "fields", "comps", "values" };

/* An exception as written in one item, before it is checked against the
 * rule it applies to. */
struct exc_in {
  const char *name;
  yaml_node_t *node, *fields, *comps, *values; /* NULL when absent or null */
};

static void
exc_item_add (struct rdef_exc_item *e, const yaml_node_t *v)
{
  e->strs = xrealloc (e->strs, (e->n + 1) * sizeof *e->strs);
  e->quoted = xrealloc (e->quoted, (e->n + 1) * sizeof *e->quoted);
  e->strs[e->n] = xstrndup (ynode_str (v), v->data.scalar.length);
  e->quoted[e->n] = ynode_quoted (v);
  e->n++;
}

static struct rdef_exc_tuple *
exc_tuple_add (struct rdef_exception *ex, size_t nitems, struct diag_loc loc)
{
  struct rdef_exc_tuple *t;

  ex->values = xrealloc (ex->values, (ex->nvalues + 1) * sizeof *ex->values);
  t = &ex->values[ex->nvalues++];
  t->items = xcalloc (nitems, sizeof *t->items);
  t->nitems = nitems;
  t->loc = loc;
  return t;
}

/* Read `exceptions:` of a rule item: shapes and names only.  `update` is
 * true for append/override items, where `fields` may be left out. */
static enum got
read_exceptions (struct item *it, bool update, struct exc_in **out, size_t *nout)
{
  yaml_node_t *exs = ymap_get (&it->ld->y, it->node, "exceptions", NULL);
  struct name_index names = { 0 };
  size_t n;
  struct exc_in *v;

  *out = NULL;
  *nout = 0;
  if (exs == NULL)
    return GOT_NONE;
  if (ynode_is_null (exs))
    return GOT_OK; /* "exceptions:" with nothing in it is allowed */
  if (exs->type != YAML_SEQUENCE_NODE)
    {
      item_error (it, nloc (it, exs), "key 'exceptions' must be a list, not %s", ynode_kind_name (exs));
      return GOT_ERR;
    }
  n = ynode_count (exs);
  v = xcalloc (n, sizeof *v);
  for (size_t i = 0; i < n; i++)
    {
      yaml_node_t *e = yseq_item (&it->ld->y, exs, i);
      struct exc_in *x = &v[*nout];
      yaml_node_t *name_node;

      if (!charge (it->ld, 1, nloc (it, e)))
        break;
      if (e->type != YAML_MAPPING_NODE)
        {
          item_error (it, nloc (it, e), "each exception must be a mapping (name, fields, comps, values), not %s",
                      ynode_kind_name (e));
          continue;
        }
      if (get_string (it, e, "name", true, &x->name, &name_node) != GOT_OK)
        continue;
      check_keys (it, e, exception_keys, ARRAY_SIZE (exception_keys), "an exception");
      if (nindex_get (&names, x->name, NULL))
        {
          item_error (it, nloc (it, name_node), "exception names must be unique within a rule; '%s' is repeated",
                      x->name);
          continue;
        }
      nindex_put (&names, x->name, i);
      x->node = e;
      x->fields = ymap_get (&it->ld->y, e, "fields", NULL);
      x->comps = ymap_get (&it->ld->y, e, "comps", NULL);
      x->values = ymap_get (&it->ld->y, e, "values", NULL);
      if (ynode_is_null (x->fields))
        x->fields = NULL;
      if (ynode_is_null (x->comps))
        x->comps = NULL;
      if (x->values == NULL && update)
        item_warn (it, nloc (it, e), "exception '%s': overriding/appending exception with no values", x->name);
      else if (x->values && !ynode_is_null (x->values) && x->values->type != YAML_SEQUENCE_NODE)
        item_error (it, nloc (it, x->values), "exception '%s': key 'values' must be a list, not %s", x->name,
                    ynode_kind_name (x->values));
      if (x->values && x->values->type != YAML_SEQUENCE_NODE)
        x->values = NULL; /* null, or reported above */
      (*nout)++;
    }
  nindex_free (&names);
  *out = v;
  return item_failed (it) ? GOT_ERR : GOT_OK;
}

/* A non-empty scalar inside an exception (a field, an operator, a value). */
static bool
exc_scalar (struct item *it, const char *exname, const yaml_node_t *v, const char *what)
{
  cleanup_free char *buf = NULL;

  if (asprintf (&buf, "exception '%s': %s", exname, what) < 0)
    return check_text (it, v, what);
  return check_text (it, v, buf);
}

static bool
build_fields (struct item *it, const struct exc_in *in, struct rdef_exception *ex)
{
  yaml_node_t *f = in->fields;

  if (f == NULL)
    {
      item_error (it, nloc (it, in->node), "exception '%s': missing required key 'fields'", in->name);
      return false;
    }
  if (f->type == YAML_SCALAR_NODE)
    {
      if (!exc_scalar (it, in->name, f, "key 'fields'"))
        return false;
      ex->fields = xcalloc (1, sizeof *ex->fields);
      ex->fields[0] = xstrdup (ynode_str (f));
      ex->nfields = 1;
      ex->fields_is_list = false;
      return true;
    }
  if (f->type != YAML_SEQUENCE_NODE)
    {
      item_error (it, nloc (it, f), "exception '%s': 'fields' must be a field or a list of fields, not %s",
                  in->name, ynode_kind_name (f));
      return false;
    }
  ex->fields_is_list = true;
  ex->fields = xcalloc (ynode_count (f), sizeof *ex->fields);
  for (size_t i = 0, n = ynode_count (f); i < n; i++)
    {
      yaml_node_t *e = yseq_item (&it->ld->y, f, i);
      if (!exc_scalar (it, in->name, e, "an item of 'fields'"))
        return false;
      ex->fields[ex->nfields++] = xstrdup (ynode_str (e));
    }
  return true;
}

/* comps, defaulting as Falco does: "=" for each field of a list, "in"
 * for a single field. */
static bool
build_comps (struct item *it, const struct exc_in *in, struct rdef_exception *ex)
{
  yaml_node_t *c = in->comps;
  bool ok = true;

  ex->comps = xcalloc (ex->nfields ? ex->nfields : 1, sizeof *ex->comps);
  if (c == NULL)
    {
      for (size_t i = 0; i < ex->nfields; i++)
        ex->comps[i] = xstrdup (ex->fields_is_list ? "=" : "in");
      return true;
    }
  if (!ex->fields_is_list)
    {
      if (c->type != YAML_SCALAR_NODE)
        {
          item_error (it, nloc (it, c), "exception '%s': fields and comps must both be strings", in->name);
          return false;
        }
      if (!exc_scalar (it, in->name, c, "key 'comps'"))
        return false;
      if (strcmp (ynode_str (c), "in") != 0 && strcmp (ynode_str (c), "pmatch") != 0
          && strcmp (ynode_str (c), "intersects") != 0)
        {
          item_error (it, nloc (it, c),
                      "exception '%s': when fields is a single value, comps must be one of (in, pmatch, intersects)",
                      in->name);
          return false;
        }
      ex->comps[0] = xstrdup (ynode_str (c));
      return true;
    }
  if (c->type != YAML_SEQUENCE_NODE || ynode_count (c) != ex->nfields)
    {
      item_error (it, nloc (it, c), "exception '%s': fields and comps lists must have equal length (%zu fields)",
                  in->name, ex->nfields);
      return false;
    }
  for (size_t i = 0; i < ex->nfields; i++)
    {
      yaml_node_t *e = yseq_item (&it->ld->y, c, i);
      if (!exc_scalar (it, in->name, e, "an item of 'comps'"))
        return false;
      else if (!comp_supported (ynode_str (e)))
        {
          item_error (it, nloc (it, e), "exception '%s': '%s' is not a supported comparison operator", in->name,
                      ynode_str (e));
          ok = false;
        }
      else
        ex->comps[i] = xstrdup (ynode_str (e));
    }
  return ok;
}

/* One element of a value tuple: a string, or a list of strings (the
 * operand of in/pmatch/intersects). */
static bool
build_tuple_item (struct item *it, const char *exname, yaml_node_t *v, struct rdef_exc_item *out)
{
  if (v->type != YAML_SEQUENCE_NODE)
    {
      if (!exc_scalar (it, exname, v, "a value"))
        return false;
      exc_item_add (out, v);
      return true;
    }
  out->is_list = true;
  for (size_t i = 0, n = ynode_count (v); i < n; i++)
    {
      yaml_node_t *e = yseq_item (&it->ld->y, v, i);
      if (e->type == YAML_SEQUENCE_NODE || e->type == YAML_MAPPING_NODE)
        {
          item_error (it, nloc (it, e), "exception '%s': a value must be a string or a list of strings, not %s",
                      exname, ynode_kind_name (e));
          return false;
        }
      if (!exc_scalar (it, exname, e, "a value"))
        return false;
      exc_item_add (out, e);
    }
  return true;
}

/* Add the values of `in` to ex, shaped by the fields: with a list of
 * fields, one tuple per value, an element per field; with a single field,
 * every value goes into the one list item of a single tuple. */
static bool
build_values (struct item *it, const struct exc_in *in, bool fields_is_list, size_t nfields,
              struct rdef_exception *ex)
{
  yaml_node_t *vals = in->values;

  if (vals == NULL)
    return true;
  for (size_t i = 0, n = ynode_count (vals); i < n; i++)
    {
      yaml_node_t *v = yseq_item (&it->ld->y, vals, i);
      if (!charge (it->ld, 1, nloc (it, v)))
        return false;
      if (!fields_is_list)
        {
          if (v->type != YAML_SCALAR_NODE)
            {
              item_error (it, nloc (it, v),
                          "exception '%s': with a single field, 'values' must be a list of strings, found %s",
                          in->name, ynode_kind_name (v));
              return false;
            }
          if (!exc_scalar (it, in->name, v, "a value"))
            return false;
          if (ex->nvalues == 0)
            exc_tuple_add (ex, 1, nloc (it, v))->items[0].is_list = true;
          exc_item_add (&ex->values[0].items[0], v);
          continue;
        }
      if (v->type != YAML_SEQUENCE_NODE || ynode_count (v) != nfields)
        {
          item_error (it, nloc (it, v), "exception '%s': fields and values lists must have equal length "
                                        "(%zu fields, this value has %zu)",
                      in->name, nfields, v->type == YAML_SEQUENCE_NODE ? ynode_count (v) : (size_t) 1);
          return false;
        }
      struct rdef_exc_tuple *t = exc_tuple_add (ex, nfields, nloc (it, v));
      for (size_t k = 0; k < nfields; k++)
        if (!build_tuple_item (it, in->name, yseq_item (&it->ld->y, v, k), &t->items[k]))
          return false;
    }
  return true;
}

/* A complete exception from one written in an item. */
static bool
build_exception (struct item *it, const struct exc_in *in, struct rdef_exception *ex)
{
  memset (ex, 0, sizeof *ex);
  ex->name = xstrdup (in->name);
  ex->loc = nloc (it, in->node);
  return build_fields (it, in, ex) && build_comps (it, in, ex)
         && build_values (it, in, ex->fields_is_list, ex->nfields, ex);
}

static bool
build_exceptions (struct item *it, const struct exc_in *in, size_t n, struct rdef_exception **out, size_t *nout)
{
  struct rdef_exception *v;
  bool ok = true;

  *out = NULL;
  *nout = 0;
  if (n == 0)
    return true;
  v = xcalloc (n, sizeof *v);
  for (size_t i = 0; i < n; i++)
    if (!build_exception (it, &in[i], &v[i]))
      ok = false;
  if (!ok)
    {
      exceptions_free (v, n);
      return false;
    }
  *out = v;
  *nout = n;
  return true;
}

/* Exceptions appended to a rule, prepared without touching it: new ones,
 * or values for an existing one of the same name (target). */
struct exc_pending {
  struct rdef_exception ex;
  ssize_t target;
};

static void
pending_free (struct exc_pending *p, size_t n)
{
  for (size_t i = 0; i < n; i++)
    exception_free (&p[i].ex);
  free (p);
}

static struct exc_pending *
prepare_exception_append (struct item *it, const struct rdef_rule *prev, const struct exc_in *in, size_t n)
{
  struct exc_pending *p = xcalloc (n, sizeof *p);
  bool ok = true;

  for (size_t i = 0; i < n; i++)
    {
      const struct rdef_exception *old = NULL;
      p[i].target = -1;
      if (!charge (it->ld, prev->nexceptions + 1, nloc (it, in[i].node)))
        {
          ok = false;
          break;
        }
      for (size_t j = 0; j < prev->nexceptions; j++)
        if (strcmp (prev->exceptions[j].name, in[i].name) == 0)
          {
            old = &prev->exceptions[j];
            p[i].target = (ssize_t) j;
          }
      if (old == NULL)
        {
          if (!build_exception (it, &in[i], &p[i].ex))
            ok = false;
          else if (p[i].ex.nvalues == 0)
            {
              item_error (it, nloc (it, in[i].node),
                          "exception '%s': a new exception must have values property with a list of values",
                          in[i].name);
              ok = false;
            }
          continue;
        }
      if (in[i].fields || in[i].comps)
        {
          item_error (it, nloc (it, in[i].fields ? in[i].fields : in[i].comps),
                      "exception '%s': can not append exception %s to existing exception, only values", in[i].name,
                      in[i].fields ? "fields" : "comps");
          ok = false;
          continue;
        }
      if (!build_values (it, &in[i], old->fields_is_list, old->nfields, &p[i].ex))
        ok = false;
    }
  if (!ok)
    {
      pending_free (p, n);
      return NULL;
    }
  return p;
}

/* Growing arrays may be copied whole: the cost is charged, though an
 * item that has been checked is always applied in full. */
static void
apply_exception_append (struct item *it, struct rdef_rule *r, struct exc_pending *p, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      struct rdef_exception *add = &p[i].ex;
      charge (it->ld, r->nexceptions + 1, it->loc);
      if (p[i].target < 0)
        {
          r->exceptions = xrealloc (r->exceptions, (r->nexceptions + 1) * sizeof *r->exceptions);
          r->exceptions[r->nexceptions++] = *add;
          memset (add, 0, sizeof *add);
          continue;
        }
      struct rdef_exception *old = &r->exceptions[p[i].target];
      if (add->nvalues == 0)
        continue;
      if (!old->fields_is_list && old->nvalues > 0)
        {
          /* Single field: the values join the one list. */
          struct rdef_exc_item *dst = &old->values[0].items[0], *src = &add->values[0].items[0];
          charge (it->ld, dst->n + src->n, it->loc);
          dst->strs = xrealloc (dst->strs, (dst->n + src->n) * sizeof *dst->strs);
          dst->quoted = xrealloc (dst->quoted, (dst->n + src->n) * sizeof *dst->quoted);
          memcpy (dst->strs + dst->n, src->strs, src->n * sizeof *src->strs);
          memcpy (dst->quoted + dst->n, src->quoted, src->n * sizeof *src->quoted);
          dst->n += src->n;
          src->n = 0;
          continue;
        }
      charge (it->ld, old->nvalues + add->nvalues, it->loc);
      old->values = xrealloc (old->values, (old->nvalues + add->nvalues) * sizeof *old->values);
      memcpy (old->values + old->nvalues, add->values, add->nvalues * sizeof *add->values);
      old->nvalues += add->nvalues;
      add->nvalues = 0;
    }
}

/* ---- rules ---- */

enum rule_key {
  RK_CONDITION,
  RK_OUTPUT,
  RK_DESC,
  RK_PRIORITY,
  RK_TAGS,
  RK_EXCEPTIONS,
  RK_ENABLED,
  RK_WARN_EVTTYPES,
  RK_SKIP_UNKNOWN,
  RK_ACTION,
  RK_ERRNO,
  RK_SOURCE,
  RK__COUNT
};

/* Falco's overridable sets; vigil's own action and errno can be replaced
 * too, so that a local file can make an upstream rule enforce. */
static const struct key_rule rule_keys[RK__COUNT] = {
  [RK_CONDITION] = { "condition", true, true },
  [RK_OUTPUT] = { "output", true, true },
  [RK_DESC] = { "desc", true, true },
  [RK_PRIORITY] = { "priority", false, true },
  [RK_TAGS] = { "tags", true, true },
  [RK_EXCEPTIONS] = { "exceptions", true, true },
  [RK_ENABLED] = { "enabled", false, true },
  [RK_WARN_EVTTYPES] = { "warn_evttypes", false, true },
  [RK_SKIP_UNKNOWN] = { "skip-if-unknown-filter", false, true },
  [RK_ACTION] = { "action", false, true },
  [RK_ERRNO] = { "errno", false, true },
  [RK_SOURCE] = { "source", false, false },
};

static const char *const rule_item_keys[] = {
  "condition", "output", "desc", "priority", "tags", "exceptions", "enabled", "warn_evttypes",
  "skip-if-unknown-filter", "action", "errno", "source", "rule", "append", "override", "capture", "capture_duration",
};

/* What one rule item says, decoded. */
struct rule_in {
  yaml_node_t *node[RK__COUNT]; /* keys present */
  bool has[RK__COUNT];          /* decoded */
  struct loctext cond;
  const char *output, *desc, *source;
  yaml_node_t *output_node;
  enum priority priority;
  char **tags;
  size_t ntags;
  struct exc_in *excs;
  size_t nexcs;
  struct rdef_exception *built; /* complete exceptions, for a definition or a replace */
  size_t nbuilt;
  bool enabled, warn_evttypes, skip_if_unknown_filter;
  enum action action;
  int errno_value;
};

static void
rule_in_free (struct rule_in *r)
{
  loctext_free (&r->cond);
  strv_free (r->tags, r->ntags);
  free (r->excs);
  exceptions_free (r->built, r->nbuilt);
}

static int
strcmp_p (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Falco keeps a rule's tags in a std::set: sorted and without repeats. */
static void
tags_normalize (char **tags, size_t *n)
{
  size_t out = 0;

  if (*n == 0)
    return;
  qsort (tags, *n, sizeof *tags, strcmp_p);
  for (size_t i = 0; i < *n; i++)
    {
      if (out > 0 && strcmp (tags[out - 1], tags[i]) == 0)
        {
          free (tags[i]);
          continue;
        }
      tags[out++] = tags[i];
    }
  *n = out;
}

static void
decode_rule_key (struct item *it, struct rule_in *r, enum rule_key k, bool update)
{
  yaml_node_t *map = it->node, *v = NULL;
  const char *s;
  enum got g = GOT_NONE;
  const char *key = rule_keys[k].name;

  switch (k)
    {
    case RK_CONDITION:
      g = get_string (it, map, key, false, &s, &v);
      if (g == GOT_OK && !get_loctext (it, v, &r->cond))
        g = GOT_ERR;
      break;
    case RK_OUTPUT:
      g = get_string (it, map, key, false, &r->output, &r->output_node);
      break;
    case RK_DESC:
      g = get_string (it, map, key, false, &r->desc, NULL);
      break;
    case RK_SOURCE:
      g = get_string (it, map, key, false, &r->source, NULL);
      break;
    case RK_PRIORITY:
      g = get_string (it, map, key, false, &s, &v);
      if (g == GOT_OK && priority_parse (s, &r->priority) < 0)
        {
          item_error (it, nloc (it, v),
                      "invalid priority '%s' (expected emergency, alert, critical, error, warning, notice, "
                      "informational or debug)",
                      s);
          g = GOT_ERR;
        }
      break;
    case RK_ACTION:
      g = get_string (it, map, key, false, &s, &v);
      if (g == GOT_OK && action_parse (s, &r->action) < 0)
        {
          item_error (it, nloc (it, v), "invalid action '%s' (expected log, deny or kill)", s);
          g = GOT_ERR;
        }
      break;
    case RK_ERRNO:
      g = get_string (it, map, key, false, &s, &v);
      if (g == GOT_OK && errno_parse (s, &r->errno_value) < 0)
        {
          item_error (it, nloc (it, v), "invalid errno '%s' (expected a name such as EPERM or EACCES, or a "
                                        "number from 1 to 4095)",
                      s);
          g = GOT_ERR;
        }
      break;
    case RK_TAGS:
      g = get_string_list (it, map, key, false, &r->tags, NULL, &r->ntags);
      break;
    case RK_EXCEPTIONS:
      g = read_exceptions (it, update, &r->excs, &r->nexcs);
      break;
    case RK_ENABLED:
      g = get_bool (it, map, key, &r->enabled);
      break;
    case RK_WARN_EVTTYPES:
      g = get_bool (it, map, key, &r->warn_evttypes);
      break;
    case RK_SKIP_UNKNOWN:
      g = get_bool (it, map, key, &r->skip_if_unknown_filter);
      break;
    case RK__COUNT:
      break;
    }
  r->has[k] = g == GOT_OK;
}

static void
warn_ignored (struct item *it, enum rule_key k, const char *why)
{
  yaml_node_t *key_node = NULL;

  ymap_get (&it->ld->y, it->node, rule_keys[k].name, &key_node);
  item_warn (it, nloc (it, key_node), "key '%s' is ignored %s", rule_keys[k].name, why);
}

static struct diag_loc
output_loc (struct item *it, yaml_node_t *v)
{
  struct loctext lt;
  struct diag_loc loc;
  size_t lead = 0;

  /* Where the trimmed text starts (a block scalar starts at its '>'). */
  ynode_loctext (&it->ld->y, v, &lt);
  while (lead < lt.len && isspace ((unsigned char) lt.s[lead]))
    lead++;
  loc = loctext_loc (&lt, lead);
  loctext_free (&lt);
  return loc;
}

static struct rdef_rule *
rule_find (struct loader *ld, const char *name)
{
  size_t idx;
  return nindex_get (&ld->rules, name, &idx) ? &ld->defs->rules[idx] : NULL;
}

static void
rule_define (struct loader *ld, struct item *it, struct rule_in *in)
{
  struct rdef_rule r = { 0 }, *prev = rule_find (ld, it->name);
  const char *source = in->has[RK_SOURCE] ? in->source : "syscall";

  if (prev && strcmp (prev->source, source) != 0)
    {
      item_error (it, it->loc, "rule has been re-defined with a different source ('%s', was '%s')", source,
                  prev->source);
      return;
    }
  r.exceptions = in->built;
  r.nexceptions = in->nbuilt;
  in->built = NULL;
  in->nbuilt = 0;
  if (in->has[RK_ERRNO] && in->action != ACTION_DENY)
    item_warn (it, nloc (it, in->node[RK_ERRNO]), "'errno' only applies to rules with action 'deny'");
  r.loc = it->loc;
  r.desc = xstrdup (in->desc);
  r.cond = in->cond;
  memset (&in->cond, 0, sizeof in->cond);
  r.output = strdup_trimmed (in->output, NULL);
  r.output_loc = output_loc (it, in->output_node);
  r.priority = in->priority;
  r.tags = in->tags;
  r.ntags = in->ntags;
  in->tags = NULL;
  in->ntags = 0;
  tags_normalize (r.tags, &r.ntags);
  r.enabled = in->has[RK_ENABLED] ? in->enabled : true;
  r.source = xstrdup (source);
  r.action = in->has[RK_ACTION] ? in->action : ACTION_LOG;
  r.errno_value = in->has[RK_ERRNO] ? in->errno_value : EPERM;
  r.warn_evttypes = in->has[RK_WARN_EVTTYPES] ? in->warn_evttypes : true;
  r.skip_if_unknown_filter = in->has[RK_SKIP_UNKNOWN] ? in->skip_if_unknown_filter : false;
  r.complete = true;
  if (prev)
    {
      /* Replaced where it stands (Falco keeps the index); the old name
       * string stays, as the name index points at it. */
      r.name = prev->name;
      rule_free_contents (prev);
      *prev = r;
      return;
    }
  r.name = xstrdup (it->name);
  xgrow (&ld->defs->rules, &ld->defs->rules_cap, ld->defs->nrules, sizeof *ld->defs->rules);
  ld->defs->rules[ld->defs->nrules] = r;
  nindex_put (&ld->rules, r.name, ld->defs->nrules);
  ld->defs->nrules++;
}

static void
tags_add (struct rdef_rule *r, char **tags, size_t n)
{
  r->tags = xrealloc (r->tags, (r->ntags + n + 1) * sizeof *r->tags);
  memcpy (r->tags + r->ntags, tags, n * sizeof *tags);
  r->ntags += n;
  tags_normalize (r->tags, &r->ntags);
}

static char *
str_join (struct item *it, char *a, const char *b)
{
  size_t la = strlen (a), lb = strlen (b);
  char *s = xmalloc (la + lb + 2);

  charge (it->ld, la + lb + 2, it->loc);
  memcpy (s, a, la);
  s[la] = ' ';
  memcpy (s + la + 1, b, lb + 1);
  free (a);
  return s;
}

/* Apply the appending keys (ops[k] == OVR_APPEND) of an item to prev. */
static void
rule_apply_append (struct item *it, struct rdef_rule *prev, struct rule_in *in, const enum ovr *ops,
                   struct exc_pending *pend)
{
  if (ops[RK_CONDITION] == OVR_APPEND && in->has[RK_CONDITION])
    loctext_join (it, &prev->cond, &in->cond);
  if (ops[RK_OUTPUT] == OVR_APPEND && in->has[RK_OUTPUT])
    prev->output = str_join (it, prev->output, in->output);
  if (ops[RK_DESC] == OVR_APPEND && in->has[RK_DESC])
    prev->desc = str_join (it, prev->desc, in->desc);
  if (ops[RK_TAGS] == OVR_APPEND && in->has[RK_TAGS])
    {
      charge (it->ld, prev->ntags + in->ntags, it->loc);
      tags_add (prev, in->tags, in->ntags);
      free (in->tags);
      in->tags = NULL;
      in->ntags = 0;
    }
  if (ops[RK_EXCEPTIONS] == OVR_APPEND && pend)
    apply_exception_append (it, prev, pend, in->nexcs);
}

/* Apply the replacing keys of an item to prev (taking what it needs from in). */
static void
rule_apply_replace (struct item *it, struct rdef_rule *prev, struct rule_in *in, const enum ovr *ops)
{
  if (ops[RK_CONDITION] == OVR_REPLACE)
    {
      loctext_free (&prev->cond);
      prev->cond = in->cond;
      memset (&in->cond, 0, sizeof in->cond);
    }
  if (ops[RK_OUTPUT] == OVR_REPLACE)
    {
      free (prev->output);
      prev->output = xstrdup (in->output);
      prev->output_loc = output_loc (it, in->output_node);
    }
  if (ops[RK_DESC] == OVR_REPLACE)
    {
      free (prev->desc);
      prev->desc = xstrdup (in->desc);
    }
  if (ops[RK_TAGS] == OVR_REPLACE)
    {
      strv_free (prev->tags, prev->ntags);
      prev->tags = in->tags;
      prev->ntags = in->ntags;
      in->tags = NULL;
      in->ntags = 0;
      tags_normalize (prev->tags, &prev->ntags);
    }
  if (ops[RK_EXCEPTIONS] == OVR_REPLACE)
    {
      exceptions_free (prev->exceptions, prev->nexceptions);
      prev->exceptions = in->built;
      prev->nexceptions = in->nbuilt;
      in->built = NULL;
      in->nbuilt = 0;
    }
  if (ops[RK_PRIORITY] == OVR_REPLACE)
    prev->priority = in->priority;
  if (ops[RK_ENABLED] == OVR_REPLACE)
    prev->enabled = in->enabled;
  if (ops[RK_WARN_EVTTYPES] == OVR_REPLACE)
    prev->warn_evttypes = in->warn_evttypes;
  if (ops[RK_SKIP_UNKNOWN] == OVR_REPLACE)
    prev->skip_if_unknown_filter = in->skip_if_unknown_filter;
  if (ops[RK_ACTION] == OVR_REPLACE)
    prev->action = in->action;
  if (ops[RK_ERRNO] == OVR_REPLACE)
    prev->errno_value = in->errno_value;
}

/* `append: true` (legacy) or `override:` on an existing rule.  Everything
 * is checked before anything changes. */
static void
rule_update (struct loader *ld, struct item *it, struct rule_in *in, const enum ovr *ops)
{
  struct rdef_rule *prev = rule_find (ld, it->name);
  struct exc_pending *pend = NULL;
  bool any_append = false;

  for (int k = 0; k < RK__COUNT; k++)
    any_append |= ops[k] == OVR_APPEND;
  if (prev == NULL)
    {
      if (!item_poisoned (it))
        item_error (it, it->loc, "%s", any_append
                                           ? "uses 'append' or 'override: <key>: append' but no rule by that "
                                             "name is defined earlier"
                                           : "uses 'override: <key>: replace' but no rule by that name is defined "
                                             "earlier");
      return;
    }
  if (ops[RK_EXCEPTIONS] == OVR_APPEND && in->has[RK_EXCEPTIONS])
    {
      pend = prepare_exception_append (it, prev, in->excs, in->nexcs);
      if (pend == NULL)
        return;
    }
  rule_apply_append (it, prev, in, ops, pend);
  rule_apply_replace (it, prev, in, ops);
  pending_free (pend, pend ? in->nexcs : 0);
}

/* With `override:`, every overridable key present must be listed under
 * it and every key listed must be present (Falco's expected-keys check). */
static void
check_override_keys (struct item *it, struct rule_in *in, const enum ovr *ops, yaml_node_t *const *op_keys)
{
  for (int k = 0; k < RK__COUNT; k++)
    {
      bool overridable = rule_keys[k].appendable || rule_keys[k].replaceable;
      if (ops[k] != OVR_NONE && in->node[k] == NULL)
        item_error (it, nloc (it, op_keys[k]), "%s override for '%s' was specified but '%s' is not defined",
                    ops[k] == OVR_APPEND ? "an append" : "a replace", rule_keys[k].name, rule_keys[k].name);
      else if (ops[k] == OVR_NONE && in->node[k] && overridable)
        {
          yaml_node_t *key_node = NULL;
          ymap_get (&it->ld->y, it->node, rule_keys[k].name, &key_node);
          item_error (it, nloc (it, key_node), "unexpected key '%s': no corresponding entry under 'override' is "
                                               "defined",
                      rule_keys[k].name);
        }
      else if (in->node[k] && !overridable)
        warn_ignored (it, (enum rule_key) k, "in an item with 'override'");
    }
}

enum rule_mode { RM_DEFINE, RM_TOGGLE, RM_APPEND, RM_OVERRIDE };

/* Legacy `append: true`: only condition and exceptions are appended. */
static void
decode_legacy_append (struct item *it, struct rule_in *in, enum ovr *ops)
{
  for (int k = 0; k < RK__COUNT; k++)
    if (k == RK_CONDITION || k == RK_EXCEPTIONS)
      {
        decode_rule_key (it, in, (enum rule_key) k, true);
        ops[k] = OVR_APPEND;
      }
    else if (in->node[k])
      warn_ignored (it, (enum rule_key) k, "with 'append: true' (only condition and exceptions are appended)");
  if (!in->node[RK_CONDITION] && !in->node[RK_EXCEPTIONS])
    item_error (it, it->loc, "appended rule must have exceptions or condition property");
}

static void
decode_toggle (struct item *it, struct rule_in *in)
{
  decode_rule_key (it, in, RK_ENABLED, false);
  item_warn (it, it->loc, "the standalone 'enabled' key usage is deprecated. The correct approach requires also "
                          "a 'replace' entry under the 'override' key (i.e. 'enabled: replace').");
  for (int k = 0; k < RK__COUNT; k++)
    if (k != RK_ENABLED && in->node[k])
      warn_ignored (it, (enum rule_key) k, "in an item that only sets 'enabled'");
}

static void
decode_definition (struct item *it, struct rule_in *in)
{
  static const enum rule_key required[] = { RK_CONDITION, RK_OUTPUT, RK_DESC, RK_PRIORITY };

  for (size_t i = 0; i < ARRAY_SIZE (required); i++)
    if (in->node[required[i]] == NULL)
      item_error (it, it->loc, "missing required key '%s'", rule_keys[required[i]].name);
  for (int k = 0; k < RK__COUNT; k++)
    if (in->node[k])
      decode_rule_key (it, in, (enum rule_key) k, false);
}

/* Decode a rule item according to what it does: define a rule, toggle
 * one, append to one (legacy), or override some of its keys. */
static enum rule_mode
rule_decode (struct item *it, struct rule_in *in, bool append, size_t novr, enum ovr *ops, yaml_node_t **op_keys)
{
  enum rule_mode mode;

  for (int k = 0; k < RK__COUNT; k++)
    in->node[k] = ymap_get (&it->ld->y, it->node, rule_keys[k].name, NULL);
  if (novr)
    mode = RM_OVERRIDE;
  else if (append)
    mode = RM_APPEND;
  else if (!in->node[RK_CONDITION] && !in->node[RK_OUTPUT] && !in->node[RK_DESC] && !in->node[RK_PRIORITY]
           && in->node[RK_ENABLED])
    mode = RM_TOGGLE; /* as Falco: none of the four keys a definition needs */
  else
    mode = RM_DEFINE;

  switch (mode)
    {
    case RM_OVERRIDE:
      check_override_keys (it, in, ops, op_keys);
      for (int k = 0; k < RK__COUNT; k++)
        if (ops[k] != OVR_NONE && in->node[k])
          decode_rule_key (it, in, (enum rule_key) k, true);
      break;
    case RM_APPEND:
      decode_legacy_append (it, in, ops);
      break;
    case RM_TOGGLE:
      decode_toggle (it, in);
      break;
    case RM_DEFINE:
      decode_definition (it, in);
      break;
    }
  /* Exceptions that stand alone (not merged into an earlier rule's) are
   * checked now, so that their errors join the others of the item. */
  if (in->node[RK_EXCEPTIONS] && (mode == RM_DEFINE || ops[RK_EXCEPTIONS] == OVR_REPLACE))
    build_exceptions (it, in->excs, in->nexcs, &in->built, &in->nbuilt);
  return mode;
}

static void
rule_toggle (struct loader *ld, struct item *it, struct rule_in *in)
{
  struct rdef_rule *prev = rule_find (ld, it->name);

  if (prev == NULL)
    {
      if (!item_poisoned (it))
        item_error (it, it->loc, "has 'enabled' key but no rule by that name is defined earlier");
      return;
    }
  prev->enabled = in->enabled;
}

/* Falco's keys for its capture feature, which vigil has not. */
static const char *const capture_keys[] = { "capture", "capture_duration" };

static void
load_rule (struct loader *ld, yaml_node_t *n)
{
  struct item it;
  const char *name;
  bool append = false;
  enum ovr ops[RK__COUNT];
  yaml_node_t *op_keys[RK__COUNT];
  struct rule_in in = { 0 };
  enum rule_mode mode;
  size_t novr;

  item_start (&it, ld, n, K_RULE);
  if (get_string (&it, n, "rule", true, &name, NULL) != GOT_OK)
    return;
  it.name = name;
  check_keys (&it, n, rule_item_keys, ARRAY_SIZE (rule_item_keys), "a rule");
  for (size_t i = 0; i < ARRAY_SIZE (capture_keys); i++)
    {
      yaml_node_t *key_node = NULL;
      if (ymap_get (&ld->y, n, capture_keys[i], &key_node))
        item_warn (&it, nloc (&it, key_node), "key '%s' is ignored: vigil does not record captures",
                   capture_keys[i]);
    }
  if (get_bool (&it, n, "append", &append) == GOT_OK && append)
    item_warn (&it, it.loc, "%s", override_append_warning);
  novr = decode_overrides (&it, rule_keys, RK__COUNT, ops, op_keys);
  if (append && novr)
    item_error (&it, it.loc, "%s", override_and_append_error);
  if (item_failed (&it))
    {
      /* Without a valid override the item would be read as a new
       * definition and every key it lacks reported: stop here. */
      item_poison (&it);
      return;
    }
  mode = rule_decode (&it, &in, append, novr, ops, op_keys);
  if (item_failed (&it))
    {
      item_poison (&it);
      rule_in_free (&in);
      return;
    }
  switch (mode)
    {
    case RM_DEFINE:
      rule_define (ld, &it, &in);
      break;
    case RM_TOGGLE:
      rule_toggle (ld, &it, &in);
      break;
    case RM_APPEND:
    case RM_OVERRIDE:
      rule_update (ld, &it, &in, ops);
      break;
    }
  if (item_failed (&it))
    item_poison (&it);
  rule_in_free (&in);
}

/* ---- required_engine_version, required_plugin_versions ---- */

static void
load_engine_version (struct loader *ld, yaml_node_t *n)
{
  static const char *const keys[] = { "required_engine_version" };
  struct item it;
  const char *s;
  yaml_node_t *v;
  struct semver want, have;

  item_start (&it, ld, n, K_ENGINE);
  check_keys (&it, n, keys, ARRAY_SIZE (keys), "required_engine_version");
  if (get_string (&it, n, "required_engine_version", true, &s, &v) != GOT_OK)
    return;
  if (!parse_engine_version (s, &want))
    {
      item_error (&it, nloc (&it, v), "unable to parse engine version '%s': expected a number or an \"x.y.z\" semver "
                                      "string",
                  s);
      return;
    }
  /* Recorded, not checked: vigil implements the rule language of the
   * Falco release whose rules it is tested with, and has no engine
   * version of its own to compare.  A rule that needs something newer
   * fails to compile at its exact location (unknown field or operator),
   * which says more than a version mismatch would. */
  if (ld->defs->required_engine_version == NULL
      || (parse_engine_version (ld->defs->required_engine_version, &have) && semver_cmp (&have, &want) < 0))
    {
      free (ld->defs->required_engine_version);
      ld->defs->required_engine_version = xstrdup (s);
    }
}

/* One requirement (name, version); returns the name, or NULL on error. */
static const char *
plugin_requirement (struct item *it, yaml_node_t *req, const char *what)
{
  static const char *const keys[] = { "name", "version", "alternatives" };
  const char *name, *version;
  yaml_node_t *vnode;
  struct semver sv;

  if (req->type != YAML_MAPPING_NODE)
    {
      item_error (it, nloc (it, req), "%s must be a mapping (name, version), not %s", what, ynode_kind_name (req));
      return NULL;
    }
  check_keys (it, req, keys, ARRAY_SIZE (keys), what);
  if (get_string (it, req, "name", true, &name, NULL) != GOT_OK)
    return NULL;
  if (get_string (it, req, "version", true, &version, &vnode) != GOT_OK)
    return NULL;
  if (!parse_semver (version, &sv))
    {
      item_error (it, nloc (it, vnode), "invalid required version '%s' for plugin '%s'", version, name);
      return NULL;
    }
  return name;
}

/* vigil has no plugins; its built-in container fields stand in for the
 * container plugin. */
static void
load_plugin_entry (struct item *it, yaml_node_t *entry)
{
  struct name_index seen = { 0 };
  size_t nerrors = it->ld->d->nerrors;
  yaml_node_t *alts;
  const char *first, *name;
  bool satisfied;
  size_t nalts;

  first = plugin_requirement (it, entry, "a plugin requirement");
  if (first == NULL)
    return;
  satisfied = strcmp (first, "container") == 0;
  alts = ymap_get (&it->ld->y, entry, "alternatives", NULL);
  if (alts && alts->type != YAML_SEQUENCE_NODE)
    {
      item_error (it, nloc (it, alts), "plugin '%s': 'alternatives' must be a list, not %s", first,
                  ynode_kind_name (alts));
      return;
    }
  nalts = ynode_count (alts);
  nindex_put (&seen, first, 0);
  for (size_t i = 0; i < nalts; i++)
    {
      yaml_node_t *a = yseq_item (&it->ld->y, alts, i);
      if (!charge (it->ld, 1, nloc (it, a)))
        break;
      name = plugin_requirement (it, a, "a plugin alternative");
      if (name == NULL)
        break;
      if (nindex_get (&seen, name, NULL))
        {
          item_error (it, nloc (it, a), "defined multiple alternative version requirements for plugin '%s'", name);
          break;
        }
      nindex_put (&seen, name, i + 1);
      satisfied |= strcmp (name, "container") == 0;
    }
  nindex_free (&seen);
  if (!satisfied && it->ld->d->nerrors == nerrors)
    item_error (it, nloc (it, entry), "rules require plugin '%s'%s which vigil does not provide", first,
                nalts ? " (or an alternative)" : "");
}

static void
load_plugin_versions (struct loader *ld, yaml_node_t *n)
{
  static const char *const keys[] = { "required_plugin_versions" };
  struct item it;
  yaml_node_t *v = ymap_get (&ld->y, n, "required_plugin_versions", NULL);

  item_start (&it, ld, n, K_PLUGINS);
  check_keys (&it, n, keys, ARRAY_SIZE (keys), "required_plugin_versions");
  if (v->type != YAML_SEQUENCE_NODE)
    {
      item_error (&it, nloc (&it, v), "the value must be a list of plugin requirements, not %s",
                  ynode_is_null (v) ? "empty" : ynode_kind_name (v));
      return;
    }
  for (size_t i = 0, count = ynode_count (v); i < count; i++)
    {
      yaml_node_t *e = yseq_item (&ld->y, v, i);
      if (!charge (ld, 1, nloc (&it, e)))
        return;
      load_plugin_entry (&it, e);
    }
}

/* ---- the file ---- */

static void
load_item (struct loader *ld, yaml_node_t *n)
{
  static const char *const kinds[] = { "required_engine_version", "required_plugin_versions", "list", "macro",
                                       "rule" };
  yaml_node_t *k, *v;

  if (ynode_is_null (n))
    return; /* "- " with nothing: skipped, as by Falco */
  if (n->type != YAML_MAPPING_NODE)
    {
      diag_error (ld->d, ynode_loc (&ld->y, n),
                  "unexpected %s: each item of a rules file must be a mapping (rule, macro, list...)",
                  n->type == YAML_SCALAR_NODE ? "string" : "sequence");
      return;
    }
  /* The kind is the first of these keys present, in Falco's order. */
  if (ymap_get (&ld->y, n, kinds[0], NULL))
    load_engine_version (ld, n);
  else if (ymap_get (&ld->y, n, kinds[1], NULL))
    load_plugin_versions (ld, n);
  else if (ymap_get (&ld->y, n, kinds[2], NULL))
    load_list (ld, n);
  else if (ymap_get (&ld->y, n, kinds[3], NULL))
    load_macro (ld, n);
  else if (ymap_get (&ld->y, n, kinds[4], NULL))
    load_rule (ld, n);
  else if (ynode_count (n) == 0)
    diag_error (ld->d, ynode_loc (&ld->y, n), "empty item: expected a rule, macro or list");
  else
    {
      ymap_pair (&ld->y, n, 0, &k, &v);
      if (ynode_str (k))
        diag_error (ld->d, ynode_loc (&ld->y, k),
                    "unknown item '%s': expected rule, macro, list, required_engine_version or "
                    "required_plugin_versions",
                    ynode_str (k));
      else
        diag_error (ld->d, ynode_loc (&ld->y, n),
                    "unknown item: expected rule, macro, list, required_engine_version or required_plugin_versions");
    }
}

static struct diag_loc
mark_loc (const char *file, yaml_mark_t m)
{
  return (struct diag_loc){ .file = file, .line = (int) m.line + 1, .col = (int) m.column + 1 };
}

/* Before libyaml builds the document: refuse nesting deeper than any
 * rules file needs (libyaml's time grows with the square of the depth),
 * and a second YAML document with content, which ydoc_load would drop
 * silently (Falco loads every document; vigil asks for one per file
 * rather than lose rules).  Syntax errors are left for ydoc_load. */
static int
precheck_events (const char *file, const char *buf, size_t len, struct diag_list *d)
{
  yaml_parser_t p;
  yaml_event_t ev;
  int depth = 0, ret = 0, ndocs = 0;
  bool doc_start = false; /* the next event is a document's root */

  if (!yaml_parser_initialize (&p))
    return 0;
  yaml_parser_set_input_string (&p, (const unsigned char *) buf, len);
  while (yaml_parser_parse (&p, &ev))
    {
      yaml_event_type_t type = ev.type;
      yaml_mark_t mark = ev.start_mark;
      bool empty_root = type == YAML_SCALAR_EVENT && ev.data.scalar.plain_implicit && ev.data.scalar.length == 0;

      yaml_event_delete (&ev);
      if (type == YAML_STREAM_END_EVENT)
        break;
      if (type == YAML_DOCUMENT_START_EVENT)
        {
          doc_start = true;
          ndocs++;
          continue;
        }
      if (doc_start && !empty_root && ndocs > 1)
        {
          diag_error (d, mark_loc (file, mark),
                      "a second YAML document ('---') in a rules file is not supported: put it in its own file");
          ret = -1;
          break;
        }
      doc_start = false;
      if (type == YAML_SEQUENCE_START_EVENT || type == YAML_MAPPING_START_EVENT)
        {
          if (++depth > YAML_MAX_DEPTH)
            {
              diag_error (d, mark_loc (file, mark), "YAML nested more than %d levels deep", YAML_MAX_DEPTH);
              ret = -1;
              break;
            }
        }
      else if (type == YAML_SEQUENCE_END_EVENT || type == YAML_MAPPING_END_EVENT)
        depth--;
    }
  yaml_parser_delete (&p);
  return ret;
}

static void
load_document (struct loader *ld)
{
  yaml_node_t *root = ydoc_root (&ld->y);

  if (ynode_is_null (root))
    return; /* an empty file defines nothing */
  if (root->type != YAML_SEQUENCE_NODE)
    {
      diag_error (ld->d, ynode_loc (&ld->y, root),
                  "rules content must be a list of items (- rule: ..., - macro: ..., - list: ...), not %s",
                  ynode_kind_name (root));
      return;
    }
  for (size_t i = 0, n = ynode_count (root); i < n; i++)
    {
      yaml_node_t *item = yseq_item (&ld->y, root, i);
      if (!charge (ld, 1, ynode_loc (&ld->y, item)))
        break;
      load_item (ld, item);
      if (ld->over_budget)
        break;
    }
}

static void
index_defs (struct loader *ld)
{
  const struct rules_defs *defs = ld->defs;

  for (size_t i = 0; i < defs->nlists; i++)
    nindex_put (&ld->lists, defs->lists[i].name, i);
  for (size_t i = 0; i < defs->nmacros; i++)
    nindex_put (&ld->macros, defs->macros[i].name, i);
  for (size_t i = 0; i < defs->nrules; i++)
    nindex_put (&ld->rules, defs->rules[i].name, i);
}

int
rules_load_buffer (struct rules_defs *defs, const char *name, const char *buf, size_t len, struct diag_list *d)
{
  struct loader ld = { .defs = defs, .d = d, .nerrors_start = d->nerrors, .nwarnings_start = d->nwarnings };
  const char *file = diag_intern (d, name);

  if (precheck_events (file, buf, len, d) < 0)
    return -1;
  if (ydoc_load (&ld.y, file, buf, len, d) < 0)
    return -1;
  ld.budget = WORK_FLOOR + (len < SIZE_MAX / 2 / WORK_PER_INPUT_BYTE ? len * WORK_PER_INPUT_BYTE : SIZE_MAX / 2);
  for (size_t i = 0; i < ARRAY_SIZE (ld.failed); i++)
    ld.failed[i].owned = true;
  index_defs (&ld);
  load_document (&ld);
  if (ld.warnings_dropped)
    diag_warn (d, ((struct diag_loc){ .file = file }), "%zu more warnings not shown", ld.warnings_dropped);
  ydoc_free (&ld.y);
  nindex_free (&ld.lists);
  nindex_free (&ld.macros);
  nindex_free (&ld.rules);
  for (size_t i = 0; i < ARRAY_SIZE (ld.failed); i++)
    nindex_free (&ld.failed[i]);
  return d->nerrors > ld.nerrors_start ? -1 : 0;
}

/* Read all of fd, up to RULES_FILE_MAX_SIZE bytes. */
static int
read_all (int fd, char **out, size_t *len, int *err, bool *too_big)
{
  size_t cap = 64 * 1024, n = 0;
  char *buf = xmalloc (cap);

  *too_big = false;
  for (;;)
    {
      ssize_t r;
      if (n == cap)
        {
          if (cap > RULES_FILE_MAX_SIZE)
            {
              *too_big = true;
              free (buf);
              return -1;
            }
          cap *= 2;
          buf = xrealloc (buf, cap);
        }
      r = read (fd, buf + n, cap - n);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          *err = errno;
          free (buf);
          return -1;
        }
      if (r == 0)
        break;
      n += (size_t) r;
    }
  if (n > RULES_FILE_MAX_SIZE)
    {
      *too_big = true;
      free (buf);
      return -1;
    }
  *out = buf;
  *len = n;
  return 0;
}

int
rules_load_file (struct rules_defs *defs, const char *path, struct diag_list *d)
{
  const char *file = diag_intern (d, path);
  struct diag_loc loc = { .file = file };
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  cleanup_free char *buf = NULL;
  struct stat st;
  size_t len = 0;
  bool too_big;
  int err = 0;

  if (fd < 0)
    {
      diag_error (d, loc, "cannot open rules file: %s", strerror (errno));
      return -1;
    }
  if (fstat (fd, &st) < 0)
    {
      diag_error (d, loc, "cannot stat rules file: %s", strerror (errno));
      return -1;
    }
  if (S_ISDIR (st.st_mode))
    {
      diag_error (d, loc, "is a directory, not a rules file");
      return -1;
    }
  if ((S_ISREG (st.st_mode) && (uintmax_t) st.st_size > RULES_FILE_MAX_SIZE)
      || read_all (fd, &buf, &len, &err, &too_big) < 0)
    {
      if (err)
        diag_error (d, loc, "cannot read rules file: %s", strerror (err));
      else
        diag_error (d, loc, "rules file is larger than %zu MiB", RULES_FILE_MAX_SIZE >> 20);
      return -1;
    }
  return rules_load_buffer (defs, file, buf, len, d);
}
