/* vigil: condition syntax tree, the output of the condition lexer and
 * parser (Falco's filter language).  Offsets are byte offsets into the
 * condition text, mapped to file:line:col through its loctext. */
#ifndef VIGIL_COND_H
#define VIGIL_COND_H

#include <stdbool.h>
#include <stddef.h>

enum cond_op {
  OP_EQ, /* "=" and "==" */
  OP_NE,
  OP_LT,
  OP_LE,
  OP_GT,
  OP_GE,
  OP_CONTAINS,
  OP_ICONTAINS,
  OP_STARTSWITH,
  OP_ENDSWITH,
  OP_GLOB,
  OP_IGLOB,
  OP_IN,
  OP_INTERSECTS,
  OP_PMATCH,
  OP_EXISTS, /* unary: takes no value */
  OP_REGEX,
  OP_BCONTAINS,
  OP_BSTARTSWITH,
  OP__COUNT
};

/** Operator spelling as in rules ("=", "contains", ...). */
const char *cond_op_name (enum cond_op op);
/** True for operators whose right side is a list: in, intersects, pmatch. */
bool cond_op_takes_list (enum cond_op op);

enum transformer { TR_TOLOWER, TR_TOUPPER, TR_B64, TR_BASENAME, TR_LEN, TR__COUNT };
const char *transformer_name (enum transformer t);

#define COND_MAX_TRANSFORMERS 4

/** A field as written: `proc.aname[2]`, `evt.arg.flags`, `tolower(proc.name)`. */
struct cond_field {
  char *name;  /* as written, without the [..] part: "proc.aname", "evt.arg.flags" */
  char *arg;   /* text between [ and ], or NULL when there were no brackets */
  enum transformer tr[COND_MAX_TRANSFORMERS]; /* tr[0] is applied first (innermost) */
  int ntr;
  size_t offset; /* of the field name */
};

/** A right-hand-side operand: a literal, or val(field). */
struct cond_value {
  char *str;     /* literal text, unquoted and unescaped (NULL for val()) */
  bool quoted;   /* written in quotes: never a list name */
  bool is_field; /* val(field) */
  struct cond_field field;
  size_t offset;
};

enum cond_kind {
  COND_AND,   /* u.list */
  COND_OR,    /* u.list */
  COND_NOT,   /* u.kid */
  COND_CMP,   /* u.cmp */
  COND_MACRO, /* u.ident: a bare identifier, resolved as a macro by the compiler */
};

struct cond_node {
  enum cond_kind kind;
  size_t offset; /* first byte of the construct */
  union {
    struct {
      struct cond_node **kids;
      size_t n;
    } list;
    struct cond_node *kid;
    struct {
      struct cond_field lhs;
      enum cond_op op;
      struct cond_value *vals; /* 0 for exists; 1 for scalar ops; any for lists */
      size_t nvals;
      bool is_list; /* the right side was written as "( ... )" */
    } cmp;
    struct {
      char *name;
    } ident;
  } u;
};

/** Parser limits: a hostile rule file must not exhaust the stack. */
#define COND_MAX_DEPTH 256

struct cond_parse_error {
  size_t offset;
  char msg[256];
};

/** Parse a condition.  Returns the tree, or NULL with *err filled (the
 *  offset of the offending token and a message naming it). */
struct cond_node *cond_parse (const char *text, size_t len, struct cond_parse_error *err);

void cond_free (struct cond_node *n);

/** Render a tree back to text (for debugging and tests): fully
 *  parenthesised, values quoted when needed.  Caller frees. */
char *cond_to_string (const struct cond_node *n);

#endif
