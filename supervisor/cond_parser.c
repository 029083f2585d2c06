/* vigil: the condition parser (Falco's filter language).
 *
 * Recursive descent over the grammar of libsinsp's filter parser:
 *
 *   or      := and ('or' and)*
 *   and     := not ('and' not)*
 *   not     := 'not' not | primary
 *   primary := '(' or ')' | check | macro-name
 *   check   := field 'exists' | field op value | field listop list
 *   field   := transformer '(' field ')' | name ['[' arg ']']
 *
 * Every recursion counts towards COND_MAX_DEPTH, so hostile input fails
 * with a message instead of exhausting the stack; and/or chains are
 * collected iteratively into n-ary nodes, so long flat conditions cost
 * linear time. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vigil/cond.h"
#include "vigil/cond_lexer.h"
#include "vigil/error.h"

static const char *const op_names[OP__COUNT] = {
  [OP_EQ] = "=",
  [OP_NE] = "!=",
  [OP_LT] = "<",
  [OP_LE] = "<=",
  [OP_GT] = ">",
  [OP_GE] = ">=",
  [OP_CONTAINS] = "contains",
  [OP_ICONTAINS] = "icontains",
  [OP_STARTSWITH] = "startswith",
  [OP_ENDSWITH] = "endswith",
  [OP_GLOB] = "glob",
  [OP_IGLOB] = "iglob",
  [OP_IN] = "in",
  [OP_INTERSECTS] = "intersects",
  [OP_PMATCH] = "pmatch",
  [OP_EXISTS] = "exists",
  [OP_REGEX] = "regex",
  [OP_BCONTAINS] = "bcontains",
  [OP_BSTARTSWITH] = "bstartswith",
};

static const char *const transformer_names[TR__COUNT] = {
  [TR_TOLOWER] = "tolower", [TR_TOUPPER] = "toupper", [TR_B64] = "b64",
  [TR_BASENAME] = "basename", [TR_LEN] = "len",
};

const char *
cond_op_name (enum cond_op op)
{
  return (unsigned) op < OP__COUNT ? op_names[op] : "?";
}

bool
cond_op_takes_list (enum cond_op op)
{
  return op == OP_IN || op == OP_INTERSECTS || op == OP_PMATCH;
}

const char *
transformer_name (enum transformer t)
{
  return (unsigned) t < TR__COUNT ? transformer_names[t] : "?";
}

static bool
op_is_numeric (enum cond_op op)
{
  return op == OP_LT || op == OP_LE || op == OP_GT || op == OP_GE;
}

/* ---- tree helpers ---- */

static struct cond_node *
node_new (enum cond_kind kind, size_t offset)
{
  struct cond_node *n = xcalloc (1, sizeof *n);
  n->kind = kind;
  n->offset = offset;
  return n;
}

static void
field_clear (struct cond_field *f)
{
  free (f->name);
  free (f->arg);
  f->name = f->arg = NULL;
}

static void
list_free (struct cond_node *n)
{
  for (size_t i = 0; i < n->u.list.n; i++)
    cond_free (n->u.list.kids[i]);
  free (n->u.list.kids);
}

static void
cmp_free (struct cond_node *n)
{
  field_clear (&n->u.cmp.lhs);
  for (size_t i = 0; i < n->u.cmp.nvals; i++)
    {
      free (n->u.cmp.vals[i].str);
      field_clear (&n->u.cmp.vals[i].field);
    }
  free (n->u.cmp.vals);
}

void
cond_free (struct cond_node *n)
{
  if (n == NULL)
    return;
  switch (n->kind)
    {
    case COND_AND:
    case COND_OR:
      list_free (n);
      break;
    case COND_NOT:
      cond_free (n->u.kid);
      break;
    case COND_CMP:
      cmp_free (n);
      break;
    case COND_MACRO:
      free (n->u.ident.name);
      break;
    }
  free (n);
}

/* ---- parser state and errors ---- */

struct parser {
  struct cond_lexer lx;
  struct cond_parse_error *err;
  bool failed;
  struct cond_token last; /* last consumed token, named in messages */
  bool have_last;
  /* The parser peeks at the same spot several times (is it 'and'? 'or'?):
   * remember the last token peeked. */
  struct cond_token peeked;
  size_t peeked_pos;
  enum cond_lex_mode peeked_mode;
  bool have_peeked;
};

static void fail_at (struct parser *p, size_t offset, const char *fmt, ...) __attribute__ ((format (printf, 3, 4)));

/* Record the first error only: later ones are consequences of it. */
static void
fail_at (struct parser *p, size_t offset, const char *fmt, ...)
{
  va_list ap;

  if (p->failed)
    return;
  p->failed = true;
  p->err->offset = offset;
  va_start (ap, fmt);
  vsnprintf (p->err->msg, sizeof p->err->msg, fmt, ap);
  va_end (ap);
}

/* "expected WHAT after 'LAST', found 'T'", or the lexer's own message
 * when T is a lexical error. */
static void
fail_expected (struct parser *p, const struct cond_token *t, const char *what)
{
  char found[64], after[64];

  if (t->kind == TOK_ERROR)
    {
      fail_at (p, p->lx.err_offset, "%s", p->lx.err_msg);
      return;
    }
  cond_tok_describe (&p->lx, t, found, sizeof found);
  if (!p->have_last)
    {
      fail_at (p, t->offset, "expected %s, found %s", what, found);
      return;
    }
  cond_tok_describe (&p->lx, &p->last, after, sizeof after);
  fail_at (p, t->offset, "expected %s after %s, found %s", what, after, found);
}

static bool
check_depth (struct parser *p, int depth, size_t offset)
{
  if (depth <= COND_MAX_DEPTH)
    return true;
  fail_at (p, offset, "nesting deeper than %d", COND_MAX_DEPTH);
  return false;
}

static bool
peek_cached (struct parser *p, enum cond_lex_mode mode)
{
  return p->have_peeked && p->peeked_pos == p->lx.pos && p->peeked_mode == mode;
}

static struct cond_token
peek (struct parser *p, enum cond_lex_mode mode)
{
  struct cond_token t;

  if (peek_cached (p, mode))
    return p->peeked;
  t = cond_lex_peek (&p->lx, mode);
  /* An error token is not kept: its message lives in the lexer. */
  p->have_peeked = t.kind != TOK_ERROR;
  p->peeked = t;
  p->peeked_pos = p->lx.pos;
  p->peeked_mode = mode;
  return t;
}

static struct cond_token
next (struct parser *p, enum cond_lex_mode mode)
{
  struct cond_token t;

  if (peek_cached (p, mode))
    {
      t = p->peeked;
      if (t.kind != TOK_EOF)
        p->lx.pos = t.offset + t.len;
    }
  else
    t = cond_lex_next (&p->lx, mode);
  if (t.kind != TOK_EOF && t.kind != TOK_ERROR)
    {
      p->last = t;
      p->have_last = true;
    }
  return t;
}

/* Consume a token of `kind` or fail naming `what`. */
static bool
expect (struct parser *p, enum cond_lex_mode mode, enum cond_tok_kind kind, const char *what)
{
  struct cond_token t = peek (p, mode);
  if (t.kind != kind)
    {
      fail_expected (p, &t, what);
      return false;
    }
  next (p, mode);
  return true;
}

static bool
is_word (struct parser *p, const struct cond_token *t, const char *w)
{
  return t->kind == TOK_WORD && cond_tok_is (&p->lx, t, w);
}

static bool
is_keyword (struct parser *p, const struct cond_token *t)
{
  return is_word (p, t, "and") || is_word (p, t, "or") || is_word (p, t, "not");
}

/* Is the token immediately followed by '(' (as in "tolower(")? */
static bool
followed_by_paren (struct parser *p, const struct cond_token *t)
{
  size_t end = t->offset + t->len;
  return end < p->lx.len && p->lx.text[end] == '(';
}

/* A transformer name directly followed by '(' (WORD or BARE token). */
static int
transformer_at (struct parser *p, const struct cond_token *t)
{
  if ((t->kind != TOK_WORD && t->kind != TOK_BARE) || !followed_by_paren (p, t))
    return -1;
  for (int i = 0; i < TR__COUNT; i++)
    if (cond_tok_is (&p->lx, t, transformer_names[i]))
      return i;
  return -1;
}

static bool
is_val_call (struct parser *p, const struct cond_token *t)
{
  return (t->kind == TOK_WORD || t->kind == TOK_BARE) && followed_by_paren (p, t) && cond_tok_is (&p->lx, t, "val");
}

/* ---- fields ---- */

/* The optional "[arg]" right after a field name. */
static bool
parse_field_arg (struct parser *p, struct cond_field *f)
{
  struct cond_token t;

  if (p->lx.pos >= p->lx.len || p->lx.text[p->lx.pos] != '[')
    return true;
  next (p, LEX_EXPR);
  t = peek (p, LEX_FIELD_ARG);
  if (t.kind == TOK_STRING)
    f->arg = cond_tok_unquote (&p->lx, &t);
  else if (t.kind == TOK_BARE)
    f->arg = cond_tok_text (&p->lx, &t);
  else
    {
      fail_expected (p, &t, "a field argument");
      return false;
    }
  next (p, LEX_FIELD_ARG);
  return expect (p, LEX_FIELD_ARG, TOK_RBRACKET, "']'");
}

/* A field name with its optional argument. */
static bool
parse_field_name (struct parser *p, struct cond_field *f, const char *what)
{
  struct cond_token t = peek (p, LEX_EXPR);

  if (t.kind != TOK_WORD || !t.dotted)
    {
      fail_expected (p, &t, what);
      return false;
    }
  next (p, LEX_EXPR);
  f->name = cond_tok_text (&p->lx, &t);
  f->offset = t.offset;
  return parse_field_arg (p, f);
}

/* transformer '(' ... ')' around a field name.  Transformers nest at most
 * COND_MAX_TRANSFORMERS deep, so they are read iteratively. */
static bool
parse_field (struct parser *p, int depth, struct cond_field *f)
{
  enum transformer outer_first[COND_MAX_TRANSFORMERS];
  int ntr = 0, tr;
  struct cond_token t;
  size_t start = cond_lex_skip_blanks (&p->lx);

  for (;;)
    {
      t = peek (p, LEX_EXPR);
      tr = transformer_at (p, &t);
      if (tr < 0)
        break;
      if (ntr == COND_MAX_TRANSFORMERS)
        {
          fail_at (p, t.offset, "more than %d nested transformers", COND_MAX_TRANSFORMERS);
          return false;
        }
      if (!check_depth (p, depth + ntr + 1, t.offset))
        return false;
      next (p, LEX_EXPR);
      next (p, LEX_EXPR); /* the '(' */
      outer_first[ntr++] = tr;
    }
  if (!parse_field_name (p, f, ntr ? "a field or a transformer" : "a field"))
    return false;
  for (int i = 0; i < ntr; i++)
    {
      char what[48];
      enum transformer closing = outer_first[ntr - 1 - i];
      snprintf (what, sizeof what, "')' closing '%s('", transformer_names[closing]);
      if (!expect (p, LEX_EXPR, TOK_RPAREN, what))
        return false;
      f->tr[i] = closing;
    }
  f->ntr = ntr;
  /* Later messages name the whole field ("after 'proc.aname[2]'"). */
  p->last.len = p->lx.pos - start;
  p->last.offset = start;
  return true;
}

/* ---- right-hand sides ---- */

static struct cond_value *
add_value (struct cond_node *n, size_t *cap, size_t offset)
{
  xgrow (&n->u.cmp.vals, cap, n->u.cmp.nvals, sizeof *n->u.cmp.vals);
  struct cond_value *v = &n->u.cmp.vals[n->u.cmp.nvals++];
  memset (v, 0, sizeof *v);
  v->offset = offset;
  return v;
}

/* val(field) or transformer(field): a comparison against another field. */
static bool
parse_rhs_field (struct parser *p, int depth, struct cond_value *v)
{
  struct cond_token t = peek (p, LEX_EXPR);

  v->is_field = true;
  if (!is_val_call (p, &t))
    return parse_field (p, depth, &v->field);
  if (!check_depth (p, depth + 1, t.offset))
    return false;
  next (p, LEX_EXPR);
  next (p, LEX_EXPR); /* the '(' */
  if (!parse_field_name (p, &v->field, "a field"))
    return false;
  return expect (p, LEX_EXPR, TOK_RPAREN, "')' closing 'val('");
}

static bool
is_rhs_field_start (struct parser *p, const struct cond_token *t)
{
  return is_val_call (p, t) || transformer_at (p, t) >= 0;
}

/* Store a quoted or bare token as the text of v, and consume it. */
static bool
take_literal (struct parser *p, const struct cond_token *t, struct cond_value *v)
{
  if (t->kind == TOK_STRING)
    {
      v->str = cond_tok_unquote (&p->lx, t);
      v->quoted = true;
    }
  else
    v->str = cond_tok_text (&p->lx, t);
  next (p, LEX_VALUE);
  return true;
}

static bool
parse_scalar_rhs (struct parser *p, int depth, struct cond_node *n, size_t *cap)
{
  struct cond_token t = peek (p, LEX_VALUE);
  bool numeric = op_is_numeric (n->u.cmp.op);
  struct cond_value *v;

  if (is_rhs_field_start (p, &t))
    return parse_rhs_field (p, depth, add_value (n, cap, t.offset));
  if (numeric && (t.kind != TOK_BARE || !cond_lex_is_number (p->lx.text + t.offset, t.len)))
    {
      fail_expected (p, &t, "a number");
      return false;
    }
  if (t.kind != TOK_STRING && t.kind != TOK_BARE)
    {
      fail_expected (p, &t, "a value");
      return false;
    }
  v = add_value (n, cap, t.offset);
  return take_literal (p, &t, v);
}

static bool
is_identifier (struct parser *p, const struct cond_token *t)
{
  const char *s = p->lx.text + t->offset;

  if (t->kind != TOK_BARE || t->len == 0)
    return false;
  if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
    return false;
  for (size_t i = 1; i < t->len; i++)
    {
      char c = s[i];
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
        return false;
    }
  return true;
}

/* "(v1, v2, ...)", possibly empty. */
static bool
parse_list_items (struct parser *p, struct cond_node *n, size_t *cap)
{
  struct cond_token t;

  next (p, LEX_VALUE); /* the '(' */
  n->u.cmp.is_list = true;
  t = peek (p, LEX_VALUE);
  if (t.kind == TOK_RPAREN)
    {
      next (p, LEX_VALUE);
      return true;
    }
  for (;;)
    {
      t = peek (p, LEX_VALUE);
      if (t.kind != TOK_STRING && t.kind != TOK_BARE)
        {
          fail_expected (p, &t, "a list item");
          return false;
        }
      take_literal (p, &t, add_value (n, cap, t.offset));
      t = peek (p, LEX_VALUE);
      if (t.kind == TOK_RPAREN)
        {
          next (p, LEX_VALUE);
          return true;
        }
      if (t.kind != TOK_COMMA)
        {
          fail_expected (p, &t, "',' or ')'");
          return false;
        }
      next (p, LEX_VALUE);
    }
}

/* A list, a list name, or a field (as libsinsp accepts for in,
 * intersects and pmatch). */
static bool
parse_list_rhs (struct parser *p, int depth, struct cond_node *n, size_t *cap)
{
  struct cond_token t = peek (p, LEX_VALUE);

  if (t.kind == TOK_LPAREN)
    return parse_list_items (p, n, cap);
  if (is_rhs_field_start (p, &t))
    return parse_rhs_field (p, depth, add_value (n, cap, t.offset));
  if (is_identifier (p, &t))
    return take_literal (p, &t, add_value (n, cap, t.offset));
  fail_expected (p, &t, "a list");
  return false;
}

/* ---- checks and boolean structure ---- */

static int
word_op (struct parser *p, const struct cond_token *t)
{
  for (int op = OP_CONTAINS; op < OP__COUNT; op++)
    if (cond_tok_is (&p->lx, t, op_names[op]))
      return op;
  return -1;
}

static int
symbol_op (struct parser *p, const struct cond_token *t)
{
  if (cond_tok_is (&p->lx, t, "=="))
    return OP_EQ;
  for (int op = OP_EQ; op <= OP_GE; op++)
    if (cond_tok_is (&p->lx, t, op_names[op]))
      return op;
  return -1;
}

static bool
parse_operator (struct parser *p, struct cond_node *n)
{
  struct cond_token t = peek (p, LEX_EXPR);
  int op = -1;

  if (t.kind == TOK_OPSYM)
    op = symbol_op (p, &t);
  else if (t.kind == TOK_WORD && !t.dotted)
    {
      op = word_op (p, &t);
      if (op < 0 && !is_keyword (p, &t))
        {
          char name[64];
          cond_tok_describe (&p->lx, &t, name, sizeof name);
          fail_at (p, t.offset, "unknown operator %s", name);
          return false;
        }
    }
  if (op < 0)
    {
      fail_expected (p, &t, "an operator");
      return false;
    }
  next (p, LEX_EXPR);
  n->u.cmp.op = op;
  return true;
}

static struct cond_node *
parse_check (struct parser *p, int depth, size_t start)
{
  struct cond_node *n = node_new (COND_CMP, start);
  size_t cap = 0;
  bool ok;

  ok = parse_field (p, depth, &n->u.cmp.lhs) && parse_operator (p, n);
  if (ok && n->u.cmp.op != OP_EXISTS)
    {
      if (cond_op_takes_list (n->u.cmp.op))
        ok = parse_list_rhs (p, depth, n, &cap);
      else
        ok = parse_scalar_rhs (p, depth, n, &cap);
    }
  if (!ok)
    {
      cond_free (n);
      return NULL;
    }
  return n;
}

static struct cond_node *parse_or (struct parser *p, int depth);

static struct cond_node *
parse_group (struct parser *p, int depth, const struct cond_token *open)
{
  struct cond_node *inner;

  if (!check_depth (p, depth + 1, open->offset))
    return NULL;
  next (p, LEX_EXPR);
  inner = parse_or (p, depth + 1);
  if (inner == NULL)
    return NULL;
  if (!expect (p, LEX_EXPR, TOK_RPAREN, "'and', 'or' or ')'"))
    {
      cond_free (inner);
      return NULL;
    }
  return inner;
}

/* After a macro name: does an operator follow ("a = 1"), a sign that the
 * writer meant a field? */
static bool
is_operator_next (struct parser *p)
{
  struct cond_token t = peek (p, LEX_EXPR);
  return t.kind == TOK_OPSYM || (t.kind == TOK_WORD && !t.dotted && word_op (p, &t) >= 0);
}

static struct cond_node *
parse_primary (struct parser *p, int depth)
{
  struct cond_token t = peek (p, LEX_EXPR);
  struct cond_node *n;

  if (t.kind == TOK_LPAREN)
    return parse_group (p, depth, &t);
  if (t.kind == TOK_WORD && transformer_at (p, &t) >= 0)
    return parse_check (p, depth, t.offset);
  if (t.kind == TOK_WORD && is_val_call (p, &t))
    {
      fail_at (p, t.offset, "val() is only allowed on the right side of a comparison");
      return NULL;
    }
  if (t.kind == TOK_WORD && t.dotted)
    return parse_check (p, depth, t.offset);
  if (t.kind != TOK_WORD || is_keyword (p, &t))
    {
      fail_expected (p, &t, "a field, a macro name, 'not' or '('");
      return NULL;
    }
  next (p, LEX_EXPR);
  if (is_operator_next (p))
    {
      char name[64];
      cond_tok_describe (&p->lx, &t, name, sizeof name);
      fail_at (p, t.offset, "expected a field before the operator, found the macro name %s"
               " (field names contain a dot, as proc.name does)", name);
      return NULL;
    }
  n = node_new (COND_MACRO, t.offset);
  n->u.ident.name = cond_tok_text (&p->lx, &t);
  return n;
}

static struct cond_node *
parse_not (struct parser *p, int depth)
{
  struct cond_token t = peek (p, LEX_EXPR);
  struct cond_node *kid, *n;

  if (!is_word (p, &t, "not"))
    return parse_primary (p, depth);
  if (!check_depth (p, depth + 1, t.offset))
    return NULL;
  next (p, LEX_EXPR);
  kid = parse_not (p, depth + 1);
  if (kid == NULL)
    return NULL;
  n = node_new (COND_NOT, t.offset);
  n->u.kid = kid;
  return n;
}

typedef struct cond_node *(*parse_fn) (struct parser *p, int depth);

/* kid (keyword kid)* as one n-ary node of `kind`, or the single kid. */
static struct cond_node *
parse_chain (struct parser *p, int depth, enum cond_kind kind, const char *keyword, parse_fn parse_kid)
{
  size_t start = cond_lex_skip_blanks (&p->lx), cap = 0;
  struct cond_node *kid = parse_kid (p, depth), *n;
  struct cond_token t;

  if (kid == NULL)
    return NULL;
  t = peek (p, LEX_EXPR);
  if (!is_word (p, &t, keyword))
    return kid;
  n = node_new (kind, start);
  xgrow (&n->u.list.kids, &cap, 0, sizeof *n->u.list.kids);
  n->u.list.kids[n->u.list.n++] = kid;
  while (is_word (p, &t, keyword))
    {
      next (p, LEX_EXPR);
      kid = parse_kid (p, depth);
      if (kid == NULL)
        {
          cond_free (n);
          return NULL;
        }
      xgrow (&n->u.list.kids, &cap, n->u.list.n, sizeof *n->u.list.kids);
      n->u.list.kids[n->u.list.n++] = kid;
      t = peek (p, LEX_EXPR);
    }
  return n;
}

static struct cond_node *
parse_and (struct parser *p, int depth)
{
  return parse_chain (p, depth, COND_AND, "and", parse_not);
}

static struct cond_node *
parse_or (struct parser *p, int depth)
{
  return parse_chain (p, depth, COND_OR, "or", parse_and);
}

struct cond_node *
cond_parse (const char *text, size_t len, struct cond_parse_error *err)
{
  struct cond_parse_error scratch;
  struct parser p = { .err = err ? err : &scratch };
  struct cond_node *n;
  struct cond_token t;

  memset (p.err, 0, sizeof *p.err);
  cond_lexer_init (&p.lx, text ? text : "", text ? len : 0);
  n = parse_or (&p, 0);
  if (n == NULL)
    return NULL;
  t = peek (&p, LEX_EXPR);
  if (t.kind != TOK_EOF)
    {
      fail_expected (&p, &t, "'and', 'or' or end of condition");
      cond_free (n);
      return NULL;
    }
  return n;
}

/* ---- rendering ---- */

struct sbuf {
  char *s;
  size_t n, cap;
};

static void
sb_putn (struct sbuf *b, const char *s, size_t n)
{
  xgrow (&b->s, &b->cap, b->n + n, 1);
  memcpy (b->s + b->n, s, n);
  b->n += n;
  b->s[b->n] = '\0';
}

static void
sb_puts (struct sbuf *b, const char *s)
{
  sb_putn (b, s, strlen (s));
}

static void
sb_quoted (struct sbuf *b, const char *s)
{
  sb_puts (b, "\"");
  for (; *s; s++)
    {
      const char *esc = NULL;
      switch (*s)
        {
        case '\\':
          esc = "\\\\";
          break;
        case '"':
          esc = "\\\"";
          break;
        case '\b':
          esc = "\\b";
          break;
        case '\f':
          esc = "\\f";
          break;
        case '\n':
          esc = "\\n";
          break;
        case '\r':
          esc = "\\r";
          break;
        case '\t':
          esc = "\\t";
          break;
        }
      if (esc)
        sb_puts (b, esc);
      else
        sb_putn (b, s, 1);
    }
  sb_puts (b, "\"");
}

static bool
all_chars (const char *s, bool (*ok) (int c))
{
  if (*s == '\0')
    return false;
  for (; *s; s++)
    if (!ok ((unsigned char) *s))
      return false;
  return true;
}

static void
render_field (struct sbuf *b, const struct cond_field *f)
{
  int ntr = f->ntr < 0 ? 0 : f->ntr > COND_MAX_TRANSFORMERS ? COND_MAX_TRANSFORMERS : f->ntr;

  for (int i = ntr - 1; i >= 0; i--)
    {
      sb_puts (b, transformer_name (f->tr[i]));
      sb_puts (b, "(");
    }
  sb_puts (b, f->name ? f->name : "");
  if (f->arg)
    {
      sb_puts (b, "[");
      if (all_chars (f->arg, cond_lex_is_bare_arg_char))
        sb_puts (b, f->arg);
      else
        sb_quoted (b, f->arg);
      sb_puts (b, "]");
    }
  for (int i = 0; i < ntr; i++)
    sb_puts (b, ")");
}

static void
render_value (struct sbuf *b, const struct cond_value *v)
{
  if (v->is_field)
    {
      if (v->field.ntr == 0)
        sb_puts (b, "val(");
      render_field (b, &v->field);
      if (v->field.ntr == 0)
        sb_puts (b, ")");
      return;
    }
  if (v->str && !v->quoted && all_chars (v->str, cond_lex_is_bare_value_char))
    sb_puts (b, v->str);
  else
    sb_quoted (b, v->str ? v->str : "");
}

static void
render_cmp (struct sbuf *b, const struct cond_node *n)
{
  render_field (b, &n->u.cmp.lhs);
  sb_puts (b, " ");
  sb_puts (b, cond_op_name (n->u.cmp.op));
  if (n->u.cmp.op == OP_EXISTS)
    return;
  sb_puts (b, " ");
  if (!n->u.cmp.is_list)
    {
      if (n->u.cmp.nvals > 0)
        render_value (b, &n->u.cmp.vals[0]);
      return;
    }
  sb_puts (b, "(");
  for (size_t i = 0; i < n->u.cmp.nvals; i++)
    {
      if (i)
        sb_puts (b, ", ");
      render_value (b, &n->u.cmp.vals[i]);
    }
  sb_puts (b, ")");
}

static void
render_node (struct sbuf *b, const struct cond_node *n)
{
  switch (n->kind)
    {
    case COND_AND:
    case COND_OR:
      sb_puts (b, "(");
      for (size_t i = 0; i < n->u.list.n; i++)
        {
          if (i)
            sb_puts (b, n->kind == COND_AND ? " and " : " or ");
          render_node (b, n->u.list.kids[i]);
        }
      sb_puts (b, ")");
      break;
    case COND_NOT:
      sb_puts (b, "(not ");
      render_node (b, n->u.kid);
      sb_puts (b, ")");
      break;
    case COND_CMP:
      render_cmp (b, n);
      break;
    case COND_MACRO:
      sb_puts (b, n->u.ident.name);
      break;
    }
}

char *
cond_to_string (const struct cond_node *n)
{
  struct sbuf b = { 0 };

  sb_puts (&b, "");
  if (n)
    render_node (&b, n);
  return b.s;
}
