/* vigil: Falco's syscall-source field catalogue, field references and
 * field values. */
#ifndef VIGIL_FIELDS_H
#define VIGIL_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/cond.h"

/* Falco's parameter types, as `falco --list` prints them. */
enum field_type {
  FT_CHARBUF,  /* string */
  FT_FSPATH,   /* string, a path */
  FT_BYTEBUF,  /* bytes */
  FT_INT64,    /* also INT32/INT16/INT8 in Falco: a signed number */
  FT_UINT64,   /* also UINT32/UINT16/UINT8, MODE, UID, GID, FLAGS...: unsigned number */
  FT_BOOL,
  FT_IPADDR,
  FT_IPNET,    /* an address compared against CIDR ranges (fd.net, fd.snet, ...) */
  FT_PORT,
  FT_L4PROTO,  /* "tcp", "udp", ... compared as a string */
  FT_RELTIME,  /* nanoseconds, a duration */
  FT_ABSTIME,  /* nanoseconds since the epoch */
  FT_DOUBLE,
  FT__COUNT
};

/** Name as Falco prints it: "CHARBUF", "INT64", ... */
const char *field_type_name (enum field_type t);
/** String-like types (charbuf, fspath, bytebuf, l4proto). */
bool field_type_is_string (enum field_type t);
/** Numeric types (ints, port, times). */
bool field_type_is_numeric (enum field_type t);

/* Whether vigil can supply a field's value. */
enum field_avail {
  FIELD_LIVE,        /* supplied by the live supervisor (and in replay) */
  FIELD_REPLAY,      /* only in recorded events */
  FIELD_UNSUPPORTED, /* vigil has no source for it */
};
const char *field_avail_name (enum field_avail a);

/* How a field takes an argument. */
enum field_argmode {
  FARG_NONE,     /* proc.name */
  FARG_INDEX,    /* proc.aname[2]: a non-negative integer in brackets, optional */
  FARG_INDEX_REQ,/* ... required */
  FARG_KEY,      /* proc.env[HOME]: any text in brackets, optional */
  FARG_KEY_REQ,  /* ... required */
  FARG_ARG,      /* evt.arg.NAME, evt.arg[N]: dot-suffix or brackets, required */
};

#define FIELD_F_LIST 0x1 /* the value is a list of strings (usable with intersects/in) */
#define FIELD_F_NO_TRANSFORMER 0x2 /* Falco refuses transformers on it (evt.rawarg, fd.net...) */
#define FIELD_F_NO_RHS 0x4 /* Falco refuses it as a val() right-hand side */
/* Without an index the field stands for every ancestor (proc.aname=sshd:
 * some ancestor is sshd); the value is then a list of the ancestors'. */
#define FIELD_F_ANY_ANCESTOR 0x8

struct field_def {
  const char *name;
  enum field_type type;
  enum field_argmode argmode;
  enum field_avail avail;
  unsigned flags;
  const char *desc;
};

/** The whole catalogue, in display order. */
const struct field_def *fields_all (size_t *count);

/** True for fields about a syscall's result (evt.res, evt.rawres,
 *  evt.failed, fd.num): live supervision evaluates them as if the syscall
 *  succeeded, and alerts show them as <NA>. */
bool field_is_result (const struct field_def *def);

/* What extracting a field costs the live supervisor, in grades: the
 * compiler tests the cheaper kids of an `and` or `or` first.  Reordering
 * never changes a result (the tests have no effects, and Kleene's `and`
 * and `or` commute), only what an event costs to decide. */
enum field_cost {
  FCOST_EVENT,  /* in the notification or vigil's memory: evt.type, flags, container.id */
  FCOST_MEMORY, /* a read of the target's memory, or the process table: fd.name, proc.name */
  FCOST_SYSCALLS, /* syscalls on every event: /proc files, stat, passwd, the ancestors' liveness */
};

/** The cost grade of def for the live source. */
enum field_cost field_cost (const struct field_def *def);

/** Exact-name lookup (no argument part), or NULL. */
const struct field_def *fields_lookup (const char *name);

/** A resolved field reference: catalogue entry, argument, transformers. */
struct field_ref {
  const struct field_def *def;
  char *arg;        /* NULL, or the argument: "2", "HOME", "flags" */
  long index;       /* numeric argument for FARG_INDEX*, or for evt.arg[N]; -1 if none */
  enum transformer tr[COND_MAX_TRANSFORMERS];
  int ntr;
  enum field_type type; /* type after transformers (len gives FT_INT64) */
  char *key;        /* canonical text without transformers: "proc.aname[2]", "evt.arg.flags" */
  unsigned slot;    /* index in the ruleset's table of extracted values (set by the compiler) */
};

/** Resolve a field as written in a condition or output.  Handles
 *  `evt.arg.X` / `evt.rawarg.X` dot arguments and bracket arguments, and
 *  checks the argument against the field's argmode and the transformers
 *  against the field's type.  On failure returns -1 and writes a message
 *  ("unknown field 'proc.nme'", "field 'proc.aname' takes a numeric
 *  argument") into msg. */
int field_ref_resolve (const struct cond_field *f, struct field_ref *out, char *msg, size_t msgsz);

/** Same, from text such as "proc.aname[2]" (outputs; no transformers). */
int field_ref_parse (const char *text, size_t len, struct field_ref *out, char *msg, size_t msgsz);

void field_ref_free (struct field_ref *r);

/* ---- values ---- */

/* Three-valued truth: unknown when a needed value could not be read. */
enum tri { TRI_FALSE = 0, TRI_TRUE = 1, TRI_UNKNOWN = 2 };

enum value_state {
  VAL_PRESENT,
  VAL_ABSENT,     /* the event has no such value (fd.name of an execve): comparisons are false */
  VAL_UNREADABLE, /* vigil could not obtain it: unknown for deny/kill rules, false for log rules */
};

enum value_kind { VK_STR, VK_INT, VK_UINT, VK_BOOL, VK_IP, VK_DOUBLE, VK_LIST };

struct ipaddr {
  int family; /* AF_INET or AF_INET6 */
  uint8_t a[16];
};

struct value {
  enum value_kind kind;
  union {
    struct {
      const char *p; /* not NUL-terminated in general */
      size_t len;
    } s;
    int64_t i;
    uint64_t u;
    bool b;
    double d;
    struct ipaddr ip;
    struct {
      const struct value *items; /* VK_STR items */
      size_t n;
    } list;
  } u;
};

#endif
