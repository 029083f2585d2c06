/* vigil: lookups in the field catalogue and resolution of field
 * references (`proc.aname[2]`, `evt.arg.flags`, `tolower(fd.name)`). */
#include <ctype.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/error.h"
#include "vigil/fields.h"
#include "vigil/ops.h"

/* fields_catalog.c */
extern const struct field_def vigil_field_catalog[];
extern const size_t vigil_field_catalog_count;

/* ---- type and availability names ---- */

static const char *const type_names[FT__COUNT] = {
  [FT_CHARBUF] = "CHARBUF", [FT_FSPATH] = "FSPATH",   [FT_BYTEBUF] = "BYTEBUF", [FT_INT64] = "INT64",
  [FT_UINT64] = "UINT64",   [FT_BOOL] = "BOOL",       [FT_IPADDR] = "IPADDR",   [FT_IPNET] = "IPNET",
  [FT_PORT] = "PORT",       [FT_L4PROTO] = "L4PROTO", [FT_RELTIME] = "RELTIME", [FT_ABSTIME] = "ABSTIME",
  [FT_DOUBLE] = "DOUBLE",
};

const char *
field_type_name (enum field_type t)
{
  if ((unsigned) t >= FT__COUNT)
    return "UNKNOWN";
  return type_names[t];
}

bool
field_type_is_string (enum field_type t)
{
  return t == FT_CHARBUF || t == FT_FSPATH || t == FT_BYTEBUF || t == FT_L4PROTO;
}

bool
field_type_is_numeric (enum field_type t)
{
  switch (t)
    {
    case FT_INT64:
    case FT_UINT64:
    case FT_PORT:
    case FT_RELTIME:
    case FT_ABSTIME:
    case FT_DOUBLE:
      return true;
    default:
      return false;
    }
}

const char *
field_avail_name (enum field_avail a)
{
  switch (a)
    {
    case FIELD_LIVE:
      return "live";
    case FIELD_REPLAY:
      return "replay";
    case FIELD_UNSUPPORTED:
      return "unsupported";
    }
  return "unknown";
}

/* ---- lookup: an open-addressing hash over the catalogue, built once ---- */

#define INDEX_BITS 10
#define INDEX_SIZE (1u << INDEX_BITS)
#define INDEX_MASK (INDEX_SIZE - 1)

/* Catalogue position + 1 of the entry hashed to each slot; 0 = empty. */
static uint16_t index_slots[INDEX_SIZE];
static pthread_once_t index_once = PTHREAD_ONCE_INIT;

static uint32_t
hash_name (const char *s, size_t n)
{
  uint32_t h = 2166136261u; /* FNV-1a */
  for (size_t i = 0; i < n; i++)
    {
      h ^= (unsigned char) s[i];
      h *= 16777619u;
    }
  return h;
}

static void
build_index (void)
{
  /* Keep the table at most half full so probe chains stay short. */
  if (vigil_field_catalog_count * 2 > INDEX_SIZE)
    {
      fprintf (stderr, "vigil: field catalogue too large for its index\n");
      abort ();
    }
  for (size_t i = 0; i < vigil_field_catalog_count; i++)
    {
      const char *name = vigil_field_catalog[i].name;
      uint32_t h = hash_name (name, strlen (name)) & INDEX_MASK;
      while (index_slots[h] != 0)
        h = (h + 1) & INDEX_MASK;
      index_slots[h] = (uint16_t) (i + 1);
    }
}

/* The entry named exactly name[0..n), or NULL. */
static const struct field_def *
lookup_n (const char *name, size_t n)
{
  pthread_once (&index_once, build_index);
  for (uint32_t h = hash_name (name, n) & INDEX_MASK; index_slots[h] != 0; h = (h + 1) & INDEX_MASK)
    {
      const struct field_def *d = &vigil_field_catalog[index_slots[h] - 1];
      if (strncmp (d->name, name, n) == 0 && d->name[n] == '\0')
        return d;
    }
  return NULL;
}

const struct field_def *
fields_all (size_t *count)
{
  if (count)
    *count = vigil_field_catalog_count;
  return vigil_field_catalog;
}

const struct field_def *
fields_lookup (const char *name)
{
  if (name == NULL)
    return NULL;
  return lookup_n (name, strlen (name));
}

/* ---- evt.rawarg: the raw type of each event parameter ---- */

/* The parameter names of libscap's event table with the type of their
 * first occurrence there, which is the type libsinsp gives
 * evt.rawarg.NAME.  Sorted by name (strcmp) for bsearch. */
struct param_type {
  const char *name;
  enum field_type type;
};

static const struct param_type param_types[] = {
  { "ID", FT_UINT64 }, { "action", FT_UINT64 }, { "addr", FT_CHARBUF },
  { "arg", FT_UINT64 }, { "arg2_int", FT_INT64 }, { "arg2_str", FT_CHARBUF },
  { "args", FT_BYTEBUF }, { "argument", FT_UINT64 }, { "aux", FT_INT64 },
  { "backlog", FT_INT64 }, { "cap_effective", FT_UINT64 }, { "cap_inheritable", FT_UINT64 },
  { "cap_permitted", FT_UINT64 }, { "cgroups", FT_BYTEBUF }, { "clockid", FT_UINT64 },
  { "cmd", FT_UINT64 }, { "comm", FT_CHARBUF }, { "container_id", FT_CHARBUF },
  { "core", FT_UINT64 }, { "cpu", FT_UINT64 }, { "cpu_sys", FT_UINT64 },
  { "cpu_usr", FT_UINT64 }, { "cq_entries", FT_UINT64 }, { "cur", FT_INT64 },
  { "cwd", FT_CHARBUF }, { "data", FT_BYTEBUF }, { "desc", FT_CHARBUF },
  { "description", FT_CHARBUF }, { "dev", FT_UINT64 }, { "dirfd", FT_INT64 },
  { "domain", FT_UINT64 }, { "dpid", FT_INT64 }, { "dqb_bhardlimit", FT_UINT64 },
  { "dqb_bsoftlimit", FT_UINT64 }, { "dqb_btime", FT_RELTIME }, { "dqb_curspace", FT_UINT64 },
  { "dqb_ihardlimit", FT_UINT64 }, { "dqb_isoftlimit", FT_UINT64 }, { "dqb_itime", FT_RELTIME },
  { "dqi_bgrace", FT_RELTIME }, { "dqi_flags", FT_UINT64 }, { "dqi_igrace", FT_RELTIME },
  { "egid", FT_UINT64 }, { "entries", FT_UINT64 }, { "env", FT_BYTEBUF },
  { "error", FT_UINT64 }, { "euid", FT_UINT64 }, { "event_data", FT_UINT64 },
  { "event_type", FT_UINT64 }, { "exe", FT_CHARBUF }, { "exe_ino", FT_UINT64 },
  { "exe_ino_ctime", FT_ABSTIME }, { "exe_ino_mtime", FT_ABSTIME }, { "fd", FT_INT64 },
  { "fd1", FT_INT64 }, { "fd2", FT_INT64 }, { "fd_in", FT_INT64 },
  { "fd_out", FT_INT64 }, { "fdin", FT_INT64 }, { "fdlimit", FT_UINT64 },
  { "fdout", FT_INT64 }, { "fds", FT_CHARBUF }, { "features", FT_UINT64 },
  { "filename", FT_FSPATH }, { "flags", FT_UINT64 }, { "gid", FT_UINT64 },
  { "home", FT_CHARBUF }, { "how", FT_UINT64 }, { "id", FT_UINT64 },
  { "image", FT_CHARBUF }, { "img", FT_BYTEBUF }, { "in_fd", FT_INT64 },
  { "initval", FT_UINT64 }, { "ino", FT_UINT64 }, { "interval", FT_RELTIME },
  { "ip", FT_UINT64 }, { "json", FT_CHARBUF }, { "key", FT_INT64 },
  { "len", FT_UINT64 }, { "length", FT_UINT64 }, { "level", FT_UINT64 },
  { "linkdirfd", FT_INT64 }, { "linkpath", FT_FSPATH }, { "loginuid", FT_UINT64 },
  { "mask", FT_UINT64 }, { "max", FT_INT64 }, { "maxevents", FT_INT64 },
  { "min_complete", FT_UINT64 }, { "mode", FT_UINT64 }, { "mountfd", FT_INT64 },
  { "msgcontrol", FT_BYTEBUF }, { "name", FT_FSPATH }, { "nativeID", FT_UINT64 },
  { "newcur", FT_INT64 }, { "newdir", FT_INT64 }, { "newdirfd", FT_INT64 },
  { "newfd", FT_INT64 }, { "newmax", FT_INT64 }, { "newpath", FT_FSPATH },
  { "next", FT_INT64 }, { "nr_args", FT_UINT64 }, { "nsems", FT_INT64 },
  { "nsops", FT_UINT64 }, { "nstype", FT_UINT64 }, { "offin", FT_UINT64 },
  { "offout", FT_UINT64 }, { "offset", FT_UINT64 }, { "oldcur", FT_INT64 },
  { "olddir", FT_INT64 }, { "olddirfd", FT_INT64 }, { "oldfd", FT_INT64 },
  { "oldmax", FT_INT64 }, { "oldpath", FT_FSPATH }, { "op", FT_UINT64 },
  { "opcode", FT_UINT64 }, { "operation", FT_UINT64 }, { "option", FT_UINT64 },
  { "optlen", FT_UINT64 }, { "optname", FT_UINT64 }, { "out_fd", FT_INT64 },
  { "path", FT_FSPATH }, { "pathname", FT_FSPATH }, { "peer", FT_UINT64 },
  { "pgft_maj", FT_UINT64 }, { "pgft_min", FT_UINT64 }, { "pgid", FT_INT64 },
  { "pgoffset", FT_UINT64 }, { "pid", FT_INT64 }, { "pid_fd", FT_INT64 },
  { "pidns_init_start_ts", FT_UINT64 }, { "plugin_id", FT_UINT64 }, { "pos", FT_UINT64 },
  { "prot", FT_UINT64 }, { "proto", FT_UINT64 }, { "ptid", FT_INT64 },
  { "queuelen", FT_UINT64 }, { "queuemax", FT_UINT64 }, { "queuepct", FT_UINT64 },
  { "quota_fmt", FT_UINT64 }, { "quota_fmt_out", FT_UINT64 }, { "quotafilepath", FT_CHARBUF },
  { "ratio", FT_UINT64 }, { "reaper_tid", FT_INT64 }, { "request", FT_UINT64 },
  { "res", FT_INT64 }, { "res_or_fd", FT_INT64 }, { "resolve", FT_UINT64 },
  { "resource", FT_UINT64 }, { "ret", FT_INT64 }, { "rgid", FT_UINT64 },
  { "ruid", FT_UINT64 }, { "scope", FT_CHARBUF }, { "sem_flg_0", FT_UINT64 },
  { "sem_flg_1", FT_UINT64 }, { "sem_num_0", FT_UINT64 }, { "sem_num_1", FT_UINT64 },
  { "sem_op_0", FT_INT64 }, { "sem_op_1", FT_INT64 }, { "semflg", FT_UINT64 },
  { "semid", FT_INT64 }, { "semnum", FT_INT64 }, { "sgid", FT_UINT64 },
  { "shell", FT_CHARBUF }, { "sig", FT_UINT64 }, { "sigmask", FT_UINT64 },
  { "size", FT_UINT64 }, { "source", FT_UINT64 }, { "special", FT_CHARBUF },
  { "spid", FT_INT64 }, { "sq_entries", FT_UINT64 }, { "sq_thread_cpu", FT_UINT64 },
  { "sq_thread_idle", FT_UINT64 }, { "status", FT_INT64 }, { "suid", FT_UINT64 },
  { "tags", FT_CHARBUF }, { "target", FT_CHARBUF }, { "target_fd", FT_INT64 },
  { "tid", FT_INT64 }, { "timeout", FT_INT64 }, { "to_submit", FT_UINT64 },
  { "trusted_exepath", FT_FSPATH }, { "tty", FT_INT64 }, { "tuple", FT_CHARBUF },
  { "type", FT_UINT64 }, { "uargs", FT_CHARBUF }, { "uid", FT_UINT64 },
  { "val", FT_UINT64 }, { "value_bytebuf", FT_BYTEBUF }, { "value_charbuf", FT_CHARBUF },
  { "vm_rss", FT_UINT64 }, { "vm_size", FT_UINT64 }, { "vm_swap", FT_UINT64 },
  { "vpid", FT_INT64 }, { "vtid", FT_INT64 }, { "whence", FT_UINT64 },
};

static int
param_cmp (const void *key, const void *elem)
{
  return strcmp (key, ((const struct param_type *) elem)->name);
}

/* Type of evt.rawarg.NAME.  Names outside the table (a parameter of an
 * event newer than the table) are accepted as strings rather than
 * refused, so that a rules file Falco loads is never rejected here. */
static enum field_type
rawarg_type (const char *name)
{
  const struct param_type *p
      = bsearch (name, param_types, ARRAY_SIZE (param_types), sizeof param_types[0], param_cmp);
  return p ? p->type : FT_CHARBUF;
}

/* ---- resolution ---- */


/* A non-negative decimal integer, nothing else. */
static bool
parse_index (const char *s, long *out)
{
  long v = 0;

  if (*s == '\0')
    return false;
  for (; *s; s++)
    {
      if (!isdigit ((unsigned char) *s))
        return false;
      if (v > (LONG_MAX - (*s - '0')) / 10)
        return false;
      v = v * 10 + (*s - '0');
    }
  *out = v;
  return true;
}

static bool
all_digits (const char *s)
{
  if (*s == '\0')
    return false;
  for (; *s; s++)
    if (!isdigit ((unsigned char) *s))
      return false;
  return true;
}

/* The catalogue entry for a name written with a dot argument
 * (`evt.arg.flags`, `k8s.pod.label.app.kubernetes.io/name`): the longest
 * catalogue name that is a prefix ending before a dot.  *arg points at
 * the text after that dot.  NULL if that entry takes no dot argument. */
static const struct field_def *
lookup_dotted (const char *name, const char **arg)
{
  for (size_t i = strlen (name); i-- > 0;)
    {
      if (name[i] != '.')
        continue;
      const struct field_def *d = lookup_n (name, i);
      if (d == NULL)
        continue;
      if (d->argmode != FARG_ARG)
        return NULL;
      *arg = name + i + 1;
      return d;
    }
  return NULL;
}

/* What FARG_ARG fields accept between brackets: evt.arg[N] an index,
 * the *.label fields a key; evt.rawarg, evt.type.is and thread.cgroup
 * only take their argument after a dot (as libsinsp parses them). */
enum bracket_form { BRACKET_NONE, BRACKET_INDEX, BRACKET_KEY };

static enum bracket_form
arg_bracket_form (const struct field_def *def)
{
  size_t n = strlen (def->name);

  if (strcmp (def->name, "evt.arg") == 0)
    return BRACKET_INDEX;
  if (n > 6 && strcmp (def->name + n - 6, ".label") == 0)
    return BRACKET_KEY;
  return BRACKET_NONE;
}

static int
resolve_arg_index (const struct field_def *def, const char *arg, struct field_ref *out, char *msg,
                   size_t msgsz)
{
  if (arg == NULL)
    {
      if (def->argmode == FARG_INDEX_REQ)
        return vigil_msg_error (msg, msgsz, "field '%s' requires an argument", def->name);
      return 0;
    }
  if (!parse_index (arg, &out->index))
    return vigil_msg_error (msg, msgsz, "field '%s' takes a numeric argument, not '%s'", def->name, arg);
  return asprintf (&out->arg, "%ld", out->index) < 0 ? vigil_msg_error (msg, msgsz, "out of memory") : 0;
}

static int
resolve_arg_key (const struct field_def *def, const char *arg, struct field_ref *out, char *msg,
                 size_t msgsz)
{
  if (arg == NULL)
    {
      if (def->argmode == FARG_KEY_REQ)
        return vigil_msg_error (msg, msgsz, "field '%s' requires an argument", def->name);
      return 0;
    }
  if (arg[0] == '\0')
    return vigil_msg_error (msg, msgsz, "field '%s' has an empty argument", def->name);
  /* container.mount.dest[0], proc.aenv[2]: a number is an index. */
  if (all_digits (arg) && !parse_index (arg, &out->index))
    return vigil_msg_error (msg, msgsz, "argument '%s' of field '%s' is out of range", arg, def->name);
  out->arg = xstrdup (arg);
  return 0;
}

static int
resolve_arg_named (const struct field_def *def, const char *dotarg, const char *bracket,
                   struct field_ref *out, char *msg, size_t msgsz)
{
  if (dotarg && bracket)
    return vigil_msg_error (msg, msgsz, "field '%s.%s' has a second argument '[%s]'", def->name, dotarg, bracket);
  if (dotarg)
    {
      if (dotarg[0] == '\0')
        return vigil_msg_error (msg, msgsz, "field '%s' requires an argument after the dot", def->name);
      out->arg = xstrdup (dotarg);
      return 0;
    }
  if (bracket == NULL)
    return vigil_msg_error (msg, msgsz, "field '%s' requires an argument, as in '%s.NAME'", def->name, def->name);
  switch (arg_bracket_form (def))
    {
    case BRACKET_INDEX:
      if (!parse_index (bracket, &out->index))
        return vigil_msg_error (msg, msgsz, "field '%s' takes a numeric argument in brackets, not '%s'", def->name,
                     bracket);
      return asprintf (&out->arg, "%ld", out->index) < 0 ? vigil_msg_error (msg, msgsz, "out of memory") : 0;
    case BRACKET_KEY:
      if (bracket[0] == '\0')
        return vigil_msg_error (msg, msgsz, "field '%s' has an empty argument", def->name);
      out->arg = xstrdup (bracket);
      return 0;
    case BRACKET_NONE:
      break;
    }
  return vigil_msg_error (msg, msgsz, "field '%s' takes its argument after a dot, as in '%s.NAME'", def->name, def->name);
}

static int
resolve_arg (const struct field_def *def, const char *dotarg, const char *bracket, struct field_ref *out,
             char *msg, size_t msgsz)
{
  switch (def->argmode)
    {
    case FARG_NONE:
      if (bracket)
        return vigil_msg_error (msg, msgsz, "field '%s' does not take an argument", def->name);
      return 0;
    case FARG_INDEX:
    case FARG_INDEX_REQ:
      return resolve_arg_index (def, bracket, out, msg, msgsz);
    case FARG_KEY:
    case FARG_KEY_REQ:
      return resolve_arg_key (def, bracket, out, msg, msgsz);
    case FARG_ARG:
      return resolve_arg_named (def, dotarg, bracket, out, msg, msgsz);
    }
  return vigil_msg_error (msg, msgsz, "field '%s' has a bad argument form", def->name);
}

/* The canonical text of a reference, transformers left out. */
static char *
make_key (const struct field_ref *r)
{
  char *key = NULL;
  int n;

  if (r->arg == NULL)
    return xstrdup (r->def->name);
  if (r->def->argmode == FARG_ARG && r->index < 0)
    n = asprintf (&key, "%s.%s", r->def->name, r->arg);
  else
    n = asprintf (&key, "%s[%s]", r->def->name, r->arg);
  if (n < 0)
    {
      fprintf (stderr, "vigil: out of memory\n");
      abort ();
    }
  return key;
}

/* What a transformer makes of a value of type `in`, or -1: the rules of
 * transform_result_type, plus libsinsp's len counting the items of a
 * list field. */
static int
transformer_result (enum transformer t, enum field_type in, bool is_list)
{
  if (t == TR_LEN && is_list)
    return FT_INT64;
  return transform_result_type (t, in);
}

static int
resolve_transformers (const struct cond_field *f, struct field_ref *out, char *msg, size_t msgsz)
{
  bool is_list = (out->def->flags & FIELD_F_LIST) != 0;

  if (f->ntr < 0 || f->ntr > COND_MAX_TRANSFORMERS)
    return vigil_msg_error (msg, msgsz, "field '%s' has too many transformers", out->key);
  if (f->ntr > 0 && (out->def->flags & FIELD_F_NO_TRANSFORMER))
    return vigil_msg_error (msg, msgsz, "field '%s' does not accept transformers", out->key);
  for (int i = 0; i < f->ntr; i++)
    {
      if ((unsigned) f->tr[i] >= TR__COUNT)
        return vigil_msg_error (msg, msgsz, "unknown transformer on field '%s'", out->key);
      int t = transformer_result (f->tr[i], out->type, is_list);
      if (t < 0)
        return vigil_msg_error (msg, msgsz, "transformer '%s' cannot be applied to field '%s' of type %s",
                     transformer_name (f->tr[i]), out->key, field_type_name (out->type));
      out->tr[out->ntr++] = f->tr[i];
      out->type = (enum field_type) t;
      if (f->tr[i] == TR_LEN)
        is_list = false;
    }
  return 0;
}

int
field_ref_resolve (const struct cond_field *f, struct field_ref *out, char *msg, size_t msgsz)
{
  const struct field_def *def;
  const char *dotarg = NULL;

  memset (out, 0, sizeof *out);
  out->index = -1;
  if (f == NULL || f->name == NULL || f->name[0] == '\0')
    return vigil_msg_error (msg, msgsz, "empty field name");
  def = fields_lookup (f->name);
  if (def == NULL)
    def = lookup_dotted (f->name, &dotarg);
  if (def == NULL)
    return vigil_msg_error (msg, msgsz, "unknown field '%s'", f->name);
  out->def = def;
  if (resolve_arg (def, dotarg, f->arg, out, msg, msgsz) < 0)
    goto fail;
  out->type = def->type;
  if (strcmp (def->name, "evt.rawarg") == 0)
    out->type = rawarg_type (out->arg);
  out->key = make_key (out);
  if (resolve_transformers (f, out, msg, msgsz) < 0)
    goto fail;
  return 0;

fail:
  field_ref_free (out);
  return -1;
}

int
field_ref_parse (const char *text, size_t len, struct field_ref *out, char *msg, size_t msgsz)
{
  cleanup_free char *name = NULL;
  cleanup_free char *arg = NULL;
  const char *open;

  memset (out, 0, sizeof *out);
  out->index = -1;
  if (text == NULL || len == 0)
    return vigil_msg_error (msg, msgsz, "empty field name");
  if (memchr (text, '\0', len))
    return vigil_msg_error (msg, msgsz, "field name contains a NUL byte");
  open = memchr (text, '[', len);
  if (open)
    {
      size_t nlen = (size_t) (open - text);
      if (text[len - 1] != ']' || len - nlen < 2)
        return vigil_msg_error (msg, msgsz, "missing ']' in field '%.*s'", (int) (len > 200 ? 200 : len), text);
      name = xstrndup (text, nlen);
      arg = xstrndup (open + 1, len - nlen - 2);
    }
  else
    name = xstrndup (text, len);

  struct cond_field f = { .name = name, .arg = arg };
  return field_ref_resolve (&f, out, msg, msgsz);
}

void
field_ref_free (struct field_ref *r)
{
  if (r == NULL)
    return;
  free (r->arg);
  free (r->key);
  memset (r, 0, sizeof *r);
  r->index = -1;
}

bool
field_is_result (const struct field_def *def)
{
  return strcmp (def->name, "evt.res") == 0 || strcmp (def->name, "evt.rawres") == 0
         || strcmp (def->name, "fd.num") == 0 || strcmp (def->name, "evt.failed") == 0;
}

static bool
name_has_prefix (const char *name, const char *prefix)
{
  return strncmp (name, prefix, strlen (prefix)) == 0;
}

enum field_cost
field_cost (const struct field_def *def)
{
  /* Read from /proc, passwd/group or stat() every time a rule asks, or
   * walking the ancestors (a liveness check each). */
  static const char *const dear[] = { "user.",         "group.",       "thread.cap_",     "proc.cwd",
                                      "proc.env",      "fd.typechar",  "fd.type",         "fd.l4proto",
                                      "fd.lip",        "fd.lnet",      "fd.lport",        "proc.pname",
                                      "proc.pexe",     "proc.pcmdline", "proc.ppid",      "proc.aname",
                                      "proc.aexe",     "proc.acmdline", "proc.apid",      "proc.sname",
                                      "proc.vpgid.name" };
  const char *n = def->name;

  if (field_is_result (def) || name_has_prefix (n, "container.") || name_has_prefix (n, "k8s.")
      || name_has_prefix (n, "evt.is_open_") || strcmp (n, "thread.tid") == 0)
    return FCOST_EVENT;
  if (name_has_prefix (n, "evt.") || name_has_prefix (n, "syscall."))
    return strcmp (n, "evt.arg") == 0 || strcmp (n, "evt.rawarg") == 0 ? FCOST_MEMORY : FCOST_EVENT;
  for (size_t i = 0; i < ARRAY_SIZE (dear); i++)
    if (name_has_prefix (n, dear[i]))
      return FCOST_SYSCALLS;
  return FCOST_MEMORY;
}
