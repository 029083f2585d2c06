/* vigil: compile loaded rules definitions into an indexed ruleset.
 *
 * Order of work, as Falco's compiler: expand lists (a list may use the
 * lists defined before it), parse every macro, then compile every rule:
 * parse its condition, add its exceptions, resolve macros (compiled once,
 * shared, cycle-checked), lists and fields, prepare operands, and index
 * the rule by the event types its condition can match.  Every problem is
 * reported with file:line:col; compilation goes on after an error so that
 * all of them are reported. */
#include <errno.h>
#include <string.h>

#include "vigil/arena.h"
#include "vigil/cnode.h"
#include "vigil/error.h"
#include "vigil/event_live.h"
#include "vigil/evtparams.h"
#include "vigil/ops.h"
#include "vigil/output.h"
#include "vigil/rules.h"
#include "vigil/strmap.h"

/* Macros nested deeper than this are refused: it bounds the recursion of
 * both the compiler and the evaluator. */
#define MACRO_MAX_NESTING 128
/* Falco warns about rules that match more event types than this. */
#define WIDE_RULE_TYPES 100

struct xlist {
  char **items; /* expanded and unquoted */
  size_t n;
  bool used;
};

enum macro_state { M_NEW, M_COMPILING, M_DONE, M_FAILED };

struct xmacro {
  struct cond_node *ast; /* NULL if its condition does not parse */
  enum macro_state state;
  struct cnode *cn;
  bool used;
  /* What compiling it found, inherited by every rule that uses it. */
  const char *unsupported; /* first field vigil cannot supply */
  struct diag_loc unsupported_loc;
  const char *replay_only; /* first field vigil supplies only in replay */
  bool reads_result;
  bool only_unknown;     /* failed only because of unknown fields */
  struct diag_list errs; /* reported once, by the first rule that cannot skip */
  bool errs_reported;
  size_t *failed_deps; /* failed macros it uses, whose errors explain its own */
  size_t nfailed_deps;
};

/* Storage the ruleset owns.  Nodes come from an arena in the order they
 * are compiled (depth first, macros where first used), so evaluating a
 * rule walks memory mostly forward instead of chasing scattered pointers. */
struct priv {
  struct arena nodes_arena;
  struct cnode **nodes; /* every node, for freeing operands */
  size_t nnodes, nodes_cap;
  char **keys; /* interned field-reference keys (the strmap borrows them) */
  size_t nkeys, keys_cap;
};

/* One compilation unit: a rule's condition, or a macro's. */
struct unit {
  const struct loctext *lt; /* where AST offsets point, or NULL */
  struct diag_loc fixed;    /* location of everything when lt is NULL */
  struct diag_list errs;
  bool failed;
  bool only_unknown;
  const char *unsupported;
  struct diag_loc unsupported_loc;
  const char *replay_only;
  bool reads_result;
  int depth;
  size_t *failed_macros; /* macros whose errors this unit depends on */
  size_t nfailed_macros, failed_macros_cap;
};

struct compiler {
  const struct rules_defs *defs;
  struct diag_list *d;
  struct ruleset *rs;
  struct priv *priv;
  struct strmap list_idx, macro_idx, slot_idx;
  struct xlist *lists;
  struct xmacro *macros;
  size_t slots_cap;
  uint32_t nprogs; /* branching programs built, to stamp cnode.fold_prog */
  struct arg_site *arg_sites; /* where conditions read evt.arg (rule_check_params) */
  size_t narg_sites, arg_sites_cap;
  enum compile_for target; /* how parameters live supervision lacks are reported */
};

/* A comparison that reads a parameter of the event, and where its field
 * is written. */
struct arg_site {
  const struct cnode *cn;
  const struct field_ref *ref;
  struct diag_loc loc;
};

/* ---- small helpers ---- */

static struct diag_loc
unit_loc (const struct unit *u, size_t off)
{
  return u->lt ? loctext_loc (u->lt, off) : u->fixed;
}

static void
unit_error (struct unit *u, size_t off, bool unknown_field, const char *fmt, const char *a, const char *b)
{
  diag_error (&u->errs, unit_loc (u, off), fmt, a, b);
  if (!u->failed)
    u->only_unknown = true;
  u->failed = true;
  if (!unknown_field)
    u->only_unknown = false;
}

/* Move diagnostics (their file names are interned in the destination's
 * owner already: units only hold locations taken from loctexts). */
static void
diag_move (struct diag_list *dst, struct diag_list *src)
{
  for (size_t i = 0; i < src->n; i++)
    {
      xgrow (&dst->v, &dst->cap, dst->n, sizeof *dst->v);
      dst->v[dst->n++] = src->v[i];
      if (src->v[i].sev == DIAG_ERROR)
        dst->nerrors++;
      else
        dst->nwarnings++;
    }
  free (src->v);
  src->v = NULL;
  src->n = src->cap = src->nerrors = src->nwarnings = 0;
}

static void *
node_alloc (struct compiler *c, size_t size)
{
  void *p = arena_alloc (&c->priv->nodes_arena, size);
  memset (p, 0, size);
  return p;
}

static struct cnode *
cnode_new (struct compiler *c, enum cnode_kind kind)
{
  struct cnode *n = node_alloc (c, sizeof *n);
  n->kind = kind;
  xgrow (&c->priv->nodes, &c->priv->nodes_cap, c->priv->nnodes, sizeof *c->priv->nodes);
  c->priv->nodes[c->priv->nnodes++] = n;
  return n;
}

/* Give an `and` or `or` node its kids, splicing in the kids of a kid of
 * the same kind: `a and (b and c)` is `a and b and c`, evaluated in the
 * same order to the same result, with one call fewer.  A macro's body is
 * never spliced, being behind its CN_MACRO node. */
static void
cnode_set_kids (struct compiler *c, struct cnode *g, struct cnode *const *kids, size_t n)
{
  size_t total = 0;

  for (size_t i = 0; i < n; i++)
    total += kids[i]->kind == g->kind ? kids[i]->n : 1;
  g->kids = node_alloc (c, total * sizeof *g->kids);
  g->n = 0;
  for (size_t i = 0; i < n; i++)
    if (kids[i]->kind == g->kind)
      for (uint32_t k = 0; k < kids[i]->n; k++)
        g->kids[g->n++] = kids[i]->kids[k];
    else
      g->kids[g->n++] = kids[i];
}

/* `not kid`; `not not x` is x, which gives the same result, unknown
 * included. */
static struct cnode *
cnode_not (struct compiler *c, struct cnode *kid)
{
  if (kid->kind == CN_NOT)
    return kid->kids[0];

  struct cnode *n = cnode_new (c, CN_NOT);
  n->kids = node_alloc (c, sizeof *n->kids);
  n->kids[0] = kid;
  n->n = 1;
  return n;
}

/* Whether a macro's body is worth memoizing.  A memo costs a lookup per
 * use and a store per event; a body that is another macro (memoized
 * already) or a single cheap test is as quick to evaluate again.  Either
 * way the result is the same: a memo only holds what the body gives for
 * the event, and an unknown result is never kept. */
static bool
cnode_worth_memo (const struct cnode *n)
{
  switch (n->kind)
    {
    case CN_MACRO:
    case CN_EVTTYPE:
      return false;
    case CN_NOT:
      return cnode_worth_memo (n->kids[0]);
    case CN_CMP:
      /* Patterns, and the ancestors of proc.aname, cost more than a memo. */
      return n->any_item || n->op == OP_REGEX || n->op == OP_GLOB || n->op == OP_IGLOB
             || n->op == OP_PMATCH || n->op == OP_BCONTAINS;
    default:
      return true;
    }
}

static bool
is_quoted_item (const char *s, size_t n)
{
  return n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0];
}

/* List items written with quotes inside the YAML value ('"75-system-updat"')
 * were substituted into conditions as quoted strings by Falco's textual
 * list expansion; strip one level so they compare as the same string. */
static char *
unquote_item (const char *s)
{
  size_t n = strlen (s);
  if (is_quoted_item (s, n))
    return xstrndup (s + 1, n - 2);
  return xstrdup (s);
}

/* ---- lists ---- */

static void
lists_expand (struct compiler *c)
{
  const struct rules_defs *defs = c->defs;

  c->lists = xcalloc (defs->nlists + 1, sizeof *c->lists);
  for (size_t i = 0; i < defs->nlists; i++)
    {
      const struct rdef_list *l = &defs->lists[i];
      struct xlist *x = &c->lists[i];
      size_t cap = 0;
      for (size_t k = 0; k < l->nitems; k++)
        {
          size_t ref;
          /* Only lists defined before this one are expanded, as in Falco. */
          if (strmap_get (&c->list_idx, l->items[k], strlen (l->items[k]), &ref) == 0 && ref < i)
            {
              c->lists[ref].used = true;
              for (size_t j = 0; j < c->lists[ref].n; j++)
                {
                  xgrow (&x->items, &cap, x->n, sizeof *x->items);
                  x->items[x->n++] = xstrdup (c->lists[ref].items[j]);
                }
              continue;
            }
          xgrow (&x->items, &cap, x->n, sizeof *x->items);
          x->items[x->n++] = unquote_item (l->items[k]);
        }
    }
}

static void
lists_free (struct compiler *c)
{
  for (size_t i = 0; i < c->defs->nlists; i++)
    {
      for (size_t k = 0; k < c->lists[i].n; k++)
        free (c->lists[i].items[k]);
      free (c->lists[i].items);
    }
  free (c->lists);
}

/* Mark the lists and macros an AST names as used (Falco counts uses from
 * every macro, used or not). */
static void
ast_mark_uses (struct compiler *c, const struct cond_node *n)
{
  size_t idx;

  switch (n->kind)
    {
    case COND_AND:
    case COND_OR:
      for (size_t i = 0; i < n->u.list.n; i++)
        ast_mark_uses (c, n->u.list.kids[i]);
      break;
    case COND_NOT:
      ast_mark_uses (c, n->u.kid);
      break;
    case COND_MACRO:
      if (strmap_get (&c->macro_idx, n->u.ident.name, strlen (n->u.ident.name), &idx) == 0)
        c->macros[idx].used = true;
      break;
    case COND_CMP:
      if (!n->u.cmp.is_list && !cond_op_takes_list (n->u.cmp.op))
        break;
      for (size_t i = 0; i < n->u.cmp.nvals; i++)
        {
          const struct cond_value *v = &n->u.cmp.vals[i];
          if (!v->is_field && !v->quoted && strmap_get (&c->list_idx, v->str, strlen (v->str), &idx) == 0)
            c->lists[idx].used = true;
        }
      break;
    }
}

/* ---- field references ---- */

/* Intern a resolved reference: one slot per distinct (transformers, key),
 * so each value is extracted once per event whichever rule asks. */
static const struct field_ref *
slot_intern (struct compiler *c, struct field_ref *ref)
{
  struct ruleset *rs = c->rs;
  size_t len = strlen (ref->key) + 1;
  for (int i = 0; i < ref->ntr; i++)
    len += strlen (transformer_name (ref->tr[i])) + 2;
  char *key = xmalloc (len);
  char *p = key;
  for (int i = ref->ntr - 1; i >= 0; i--)
    p += sprintf (p, "%s(", transformer_name (ref->tr[i]));
  p += sprintf (p, "%s", ref->key);
  for (int i = 0; i < ref->ntr; i++)
    *p++ = ')';
  *p = '\0';

  size_t slot;
  if (strmap_get (&c->slot_idx, key, strlen (key), &slot) == 0)
    {
      free (key);
      field_ref_free (ref);
      return rs->slots[slot];
    }
  struct field_ref *r = xmalloc (sizeof *r);
  *r = *ref;
  r->slot = rs->nslots;
  xgrow (&rs->slots, &c->slots_cap, rs->nslots, sizeof *rs->slots);
  rs->slots[rs->nslots++] = r;
  xgrow (&c->priv->keys, &c->priv->keys_cap, c->priv->nkeys, sizeof *c->priv->keys);
  c->priv->keys[c->priv->nkeys++] = key;
  strmap_put (&c->slot_idx, key, strlen (key), r->slot);
  return r;
}

static const struct field_ref *
resolve_field (struct compiler *c, struct unit *u, const struct cond_field *f)
{
  struct field_ref ref;
  char msg[256];

  if (field_ref_resolve (f, &ref, msg, sizeof msg) < 0)
    {
      bool unknown = strncmp (msg, "unknown field", 13) == 0;
      unit_error (u, f->offset, unknown, "%s%s", msg, "");
      return NULL;
    }
  if (ref.def->avail == FIELD_UNSUPPORTED && u->unsupported == NULL)
    {
      u->unsupported = ref.def->name;
      u->unsupported_loc = unit_loc (u, f->offset);
    }
  if (ref.def->avail == FIELD_REPLAY && u->replay_only == NULL)
    u->replay_only = ref.def->name;
  if (field_is_result (ref.def))
    u->reads_result = true;
  return slot_intern (c, &ref);
}

/* ---- conditions ---- */

static struct cnode *compile_node (struct compiler *c, struct unit *u, const struct cond_node *n);

/* The right side's strings, with list names expanded inside "(...)". */
static void
collect_values (struct compiler *c, const struct cond_node *n, const char ***out, size_t *nout)
{
  size_t cap = 0;
  *out = NULL;
  *nout = 0;
  for (size_t i = 0; i < n->u.cmp.nvals; i++)
    {
      const struct cond_value *v = &n->u.cmp.vals[i];
      size_t idx;
      /* `in (a, shells)` and the bare form `in shells` both name lists. */
      if ((n->u.cmp.is_list || cond_op_takes_list (n->u.cmp.op)) && !v->quoted
          && strmap_get (&c->list_idx, v->str, strlen (v->str), &idx) == 0)
        {
          c->lists[idx].used = true;
          for (size_t k = 0; k < c->lists[idx].n; k++)
            {
              xgrow (out, &cap, *nout, sizeof **out);
              (*out)[(*nout)++] = c->lists[idx].items[k];
            }
          continue;
        }
      xgrow (out, &cap, *nout, sizeof **out);
      (*out)[(*nout)++] = v->str;
    }
}

static bool
is_evttype_field (const struct field_ref *ref)
{
  return ref->ntr == 0
         && (strcmp (ref->def->name, "evt.type") == 0 || strcmp (ref->def->name, "syscall.type") == 0);
}

static struct cnode *
compile_evttype (struct compiler *c, struct unit *u, const struct cond_node *n, const char **vals,
                 size_t nvals)
{
  struct cnode *cn = cnode_new (c, CN_EVTTYPE);

  cn->types = node_alloc (c, sizeof *cn->types);
  cn->negate = n->u.cmp.op == OP_NE;
  for (size_t i = 0; i < nvals; i++)
    {
      int id = evttype_lookup (vals[i]);
      if (id < 0)
        diag_warn (&u->errs, unit_loc (u, n->offset), "unknown event type '%s'", vals[i]);
      else
        evttype_set_add (cn->types, id);
    }
  return cn;
}

/* Let the evaluator answer `field op "text"` inline for the common
 * string operators.  The operand of such a comparison holds the text as
 * written (only icontains and the b* operators rewrite theirs), so the
 * test sees exactly what operand_match would. */
static void
cmp_set_str_test (struct cnode *cn, const struct field_ref *ref)
{
  size_t nstrs;
  const char *const *strs = operand_strings (cn->operand, &nstrs);

  if (cn->any_item || nstrs != 1 || !field_type_is_string (ref->type) || strlen (strs[0]) > UINT32_MAX)
    return;
  switch (cn->op)
    {
    case OP_EQ:
      cn->str_test = CS_EQ;
      break;
    case OP_NE:
      cn->str_test = CS_NE;
      break;
    case OP_STARTSWITH:
      cn->str_test = CS_PREFIX;
      break;
    case OP_ENDSWITH:
      cn->str_test = CS_SUFFIX;
      break;
    default:
      return;
    }
  cn->str = strs[0];
  cn->str_len = (uint32_t) strlen (strs[0]);
}

static bool
is_param_field (const struct field_ref *ref)
{
  return ref->arg && (strcmp (ref->def->name, "evt.arg") == 0 || strcmp (ref->def->name, "evt.rawarg") == 0);
}

/* Remember where cn reads a parameter, for rule_check_params. */
static void
arg_site_note (struct compiler *c, const struct cnode *cn, const struct field_ref *ref, struct diag_loc loc)
{
  if (!is_param_field (ref))
    return;
  xgrow (&c->arg_sites, &c->arg_sites_cap, c->narg_sites, sizeof *c->arg_sites);
  c->arg_sites[c->narg_sites++] = (struct arg_site){ cn, ref, loc };
}

static struct cnode *
compile_cmp (struct compiler *c, struct unit *u, const struct cond_node *n)
{
  const struct field_ref *ref = resolve_field (c, u, &n->u.cmp.lhs);
  enum cond_op op = n->u.cmp.op;
  char msg[512];

  if (ref == NULL)
    return NULL;
  bool is_list_field = (ref->def->flags & FIELD_F_LIST) && ref->ntr == 0;
  if (!op_allowed (op, ref->type, is_list_field))
    {
      unit_error (u, n->offset, false, "operator '%s' cannot be used on field '%s'", cond_op_name (op),
                  ref->key);
      return NULL;
    }
  if (op != OP_EXISTS && n->u.cmp.nvals == 1 && n->u.cmp.vals[0].is_field)
    {
      const struct field_ref *rhs = resolve_field (c, u, &n->u.cmp.vals[0].field);
      if (rhs == NULL)
        return NULL;
      struct cnode *cn = cnode_new (c, CN_CMP_VAL);
      cn->op = op;
      cn->ref = ref;
      cn->rhs = rhs;
      cn->slot = ref->slot;
      arg_site_note (c, cn, ref, unit_loc (u, n->offset));
      arg_site_note (c, cn, rhs, unit_loc (u, n->u.cmp.vals[0].offset));
      return cn;
    }

  const char **vals;
  size_t nvals;
  collect_values (c, n, &vals, &nvals);
  struct cnode *cn = NULL;
  if (is_evttype_field (ref) && (op == OP_EQ || op == OP_NE || op == OP_IN))
    cn = compile_evttype (c, u, n, vals, nvals);
  else
    {
      struct operand *operand = NULL;
      if (operand_prepare (op, ref->type, is_list_field, vals, nvals, n->u.cmp.is_list, &operand, msg,
                           sizeof msg)
          < 0)
        {
          size_t off = n->u.cmp.nvals ? n->u.cmp.vals[0].offset : n->offset;
          unit_error (u, off, false, "%s: %s", ref->key, msg);
        }
      else
        {
          cn = cnode_new (c, CN_CMP);
          cn->op = op;
          cn->ref = ref;
          cn->operand = operand;
          cn->slot = ref->slot;
          cn->any_item = (ref->def->flags & FIELD_F_ANY_ANCESTOR) && ref->index < 0 && ref->ntr == 0;
          cmp_set_str_test (cn, ref);
          arg_site_note (c, cn, ref, unit_loc (u, n->offset));
        }
    }
  free (vals);
  return cn;
}

static struct cnode *compile_macro_use (struct compiler *c, struct unit *u, const struct cond_node *n);

static struct cnode *
compile_node (struct compiler *c, struct unit *u, const struct cond_node *n)
{
  struct cnode *cn;

  switch (n->kind)
    {
    case COND_AND:
    case COND_OR:
      {
        size_t nk = n->u.list.n;
        struct cnode **kids = xcalloc (nk ? nk : 1, sizeof *kids);
        bool ok = true;
        cn = cnode_new (c, n->kind == COND_AND ? CN_AND : CN_OR);
        /* Keep going after a failed kid: report every error of the condition. */
        for (size_t i = 0; i < nk; i++)
          if ((kids[i] = compile_node (c, u, n->u.list.kids[i])) == NULL)
            ok = false;
        if (ok)
          cnode_set_kids (c, cn, kids, nk);
        free (kids);
        return ok ? cn : NULL;
      }
    case COND_NOT:
      {
        struct cnode *kid = compile_node (c, u, n->u.kid);
        return kid ? cnode_not (c, kid) : NULL;
      }
    case COND_CMP:
      return compile_cmp (c, u, n);
    case COND_MACRO:
      return compile_macro_use (c, u, n);
    }
  return NULL;
}

static void unit_init (struct unit *u, const struct loctext *lt, struct diag_loc fixed);

static void
compile_macro (struct compiler *c, size_t idx, int depth)
{
  struct xmacro *m = &c->macros[idx];
  struct unit u;

  unit_init (&u, &c->defs->macros[idx].cond, c->defs->macros[idx].loc);
  u.depth = depth;
  m->state = M_COMPILING;
  m->cn = compile_node (c, &u, m->ast);
  if (m->cn && !u.failed)
    {
      if (cnode_worth_memo (m->cn))
        {
          /* Wrap so that its result is memoized per event. */
          struct cnode *w = cnode_new (c, CN_MACRO);
          w->kids = node_alloc (c, sizeof *w->kids);
          w->kids[0] = m->cn;
          w->n = 1;
          w->memo = c->rs->nmemo++;
          m->cn = w;
        }
      m->state = M_DONE;
    }
  else
    {
      m->cn = NULL;
      m->state = M_FAILED;
      m->only_unknown = u.only_unknown;
      m->failed_deps = u.failed_macros;
      m->nfailed_deps = u.nfailed_macros;
      u.failed_macros = NULL;
    }
  free (u.failed_macros);
  m->unsupported = u.unsupported;
  m->unsupported_loc = u.unsupported_loc;
  m->replay_only = u.replay_only;
  m->reads_result = u.reads_result;
  /* Warnings (unknown event types) are reported once, here; errors wait
   * for a rule that uses the macro and cannot skip it. */
  for (size_t i = 0; i < u.errs.n; i++)
    if (u.errs.v[i].sev == DIAG_WARNING)
      {
        diag_add (c->d, DIAG_WARNING, u.errs.v[i].loc, "%s", u.errs.v[i].msg);
        free (u.errs.v[i].msg);
      }
    else
      {
        xgrow (&m->errs.v, &m->errs.cap, m->errs.n, sizeof *m->errs.v);
        m->errs.v[m->errs.n++] = u.errs.v[i];
        m->errs.nerrors++;
      }
  free (u.errs.v);
}

static struct cnode *
compile_macro_use (struct compiler *c, struct unit *u, const struct cond_node *n)
{
  const char *name = n->u.ident.name;
  size_t idx;

  if (strmap_get (&c->macro_idx, name, strlen (name), &idx) < 0)
    {
      unit_error (u, n->offset, false, "undefined macro '%s'%s", name, "");
      return NULL;
    }
  struct xmacro *m = &c->macros[idx];
  if (m->ast == NULL)
    {
      /* Its syntax error was reported when it was parsed. */
      u->failed = true;
      u->only_unknown = false;
      return NULL;
    }
  if (m->state == M_COMPILING)
    {
      unit_error (u, n->offset, false, "macro '%s' is cyclic: it uses itself%s", name, "");
      return NULL;
    }
  if (m->state == M_NEW)
    {
      if (u->depth >= MACRO_MAX_NESTING)
        {
          unit_error (u, n->offset, false, "macro '%s': macros nested deeper than 128%s", name, "");
          return NULL;
        }
      compile_macro (c, idx, u->depth + 1);
    }
  if (m->unsupported && u->unsupported == NULL)
    {
      u->unsupported = m->unsupported;
      u->unsupported_loc = m->unsupported_loc;
    }
  if (m->replay_only && u->replay_only == NULL)
    u->replay_only = m->replay_only;
  u->reads_result |= m->reads_result;
  if (m->state == M_FAILED)
    {
      bool was_failed = u->failed;
      xgrow (&u->failed_macros, &u->failed_macros_cap, u->nfailed_macros, sizeof *u->failed_macros);
      u->failed_macros[u->nfailed_macros++] = idx;
      u->failed = true;
      u->only_unknown = (was_failed ? u->only_unknown : true) && m->only_unknown;
      return NULL;
    }
  return m->cn;
}

static void
unit_init (struct unit *u, const struct loctext *lt, struct diag_loc fixed)
{
  memset (u, 0, sizeof *u);
  u->lt = lt;
  u->fixed = fixed;
}

/* ---- exceptions ---- */

static int
cond_op_parse (const char *s, enum cond_op *out)
{
  if (strcmp (s, "==") == 0)
    s = "=";
  for (int i = 0; i < OP__COUNT; i++)
    if (strcmp (cond_op_name (i), s) == 0)
      {
        *out = i;
        return 0;
      }
  return -1;
}

static void
field_text_split (const char *text, struct cond_field *f)
{
  const char *br = strchr (text, '[');
  size_t n = strlen (text);

  memset (f, 0, sizeof *f);
  if (br && n > 0 && text[n - 1] == ']')
    {
      f->name = xstrndup (text, br - text);
      f->arg = xstrndup (br + 1, text + n - 1 - (br + 1));
    }
  else
    f->name = xstrdup (text);
}

static struct cond_node *
exc_cmp_new (const char *field, enum cond_op op, const struct rdef_exc_item *item)
{
  struct cond_node *n = xcalloc (1, sizeof *n);

  n->kind = COND_CMP;
  field_text_split (field, &n->u.cmp.lhs);
  n->u.cmp.op = op;
  n->u.cmp.is_list = item->is_list || cond_op_takes_list (op);
  n->u.cmp.nvals = item->n;
  n->u.cmp.vals = xcalloc (item->n ? item->n : 1, sizeof *n->u.cmp.vals);
  for (size_t i = 0; i < item->n; i++)
    {
      n->u.cmp.vals[i].str = xstrdup (item->strs[i]);
      n->u.cmp.vals[i].quoted = item->quoted && item->quoted[i];
    }
  return n;
}

static struct cond_node *
cond_group_new (enum cond_kind kind, size_t n)
{
  struct cond_node *g = xcalloc (1, sizeof *g);
  g->kind = kind;
  g->u.list.kids = xcalloc (n ? n : 1, sizeof *g->u.list.kids);
  return g;
}

/* Falco: `(cond) and not ((f1 c1 v1 and f2 c2 v2) or ...)` per exception.
 * Returns NULL when the exception has no values (it excludes nothing). */
static struct cond_node *
exception_ast (const struct rdef_exception *e, struct unit *u)
{
  enum cond_op *ops = xcalloc (e->nfields ? e->nfields : 1, sizeof *ops);
  struct cond_node *any = NULL;

  for (size_t k = 0; k < e->nfields; k++)
    if (cond_op_parse (e->comps[k], &ops[k]) < 0)
      {
        unit_error (u, 0, false, "exception '%s': unknown comparison operator '%s'", e->name, e->comps[k]);
        free (ops);
        return NULL;
      }
  if (e->nvalues == 0)
    {
      free (ops);
      return NULL;
    }
  any = cond_group_new (COND_OR, e->nvalues);
  for (size_t t = 0; t < e->nvalues; t++)
    {
      const struct rdef_exc_tuple *tp = &e->values[t];
      struct cond_node *all = cond_group_new (COND_AND, tp->nitems);
      for (size_t k = 0; k < tp->nitems && k < e->nfields; k++)
        all->u.list.kids[all->u.list.n++] = exc_cmp_new (e->fields[k], ops[k], &tp->items[k]);
      any->u.list.kids[any->u.list.n++] = all;
    }
  free (ops);
  return any;
}

/* ---- event types ---- */

/* The event types a condition can match; `neg` walks it under a `not`
 * (De Morgan), as Falco's evttype resolver does. */
static void
cnode_types (const struct cnode *n, bool neg, struct evttype_set *out)
{
  struct evttype_set tmp;

  switch (n->kind)
    {
    case CN_EVTTYPE:
      *out = *n->types;
      if (n->negate != neg)
        evttype_set_complement (out);
      return;
    case CN_NOT:
      cnode_types (n->kids[0], !neg, out);
      return;
    case CN_MACRO:
      cnode_types (n->kids[0], neg, out);
      return;
    case CN_AND:
    case CN_OR:
      {
        bool intersect = (n->kind == CN_AND) != neg;
        if (intersect)
          evttype_set_fill (out);
        else
          memset (out, 0, sizeof *out);
        for (uint32_t i = 0; i < n->n; i++)
          {
            cnode_types (n->kids[i], neg, &tmp);
            if (intersect)
              evttype_set_intersect (out, &tmp);
            else
              evttype_set_union (out, &tmp);
          }
        return;
      }
    default:
      evttype_set_fill (out);
      return;
    }
}

/* ---- parameters a condition reads ---- */

/* Whether some event of a type in `types` has the parameter ref names
 * (evt.arg.NAME, evt.rawarg.NAME, evt.arg[N]); a type whose parameters
 * vigil does not know might. */
static bool
params_have (const struct evttype_set *types, const struct field_ref *ref)
{
  for (size_t t = 0, n = evttype_count (); t < n; t++)
    {
      if (!evttype_set_has (types, (int) t))
        continue;
      int has = ref->index >= 0 ? (evtparam_count ((int) t) < 0 ? -1 : ref->index < evtparam_count ((int) t))
                                : evtparam_has ((int) t, ref->arg);
      if (has != 0)
        return true;
    }
  return false;
}

/* "open, openat" (the first few names of a set of types). */
static void
types_list (const struct evttype_set *types, char *buf, size_t size)
{
  size_t len = 0, shown = 0, total = evttype_set_count (types);

  buf[0] = '\0';
  for (size_t t = 0, n = evttype_count (); t < n && len < size; t++)
    if (evttype_set_has (types, (int) t) && shown++ < 6)
      len += (size_t) snprintf (buf + len, size - len, "%s%s", len ? ", " : "", evttype_name ((int) t));
  if (total > 6 && len < size)
    snprintf (buf + len, size - len, " and %zu more", total - 6);
}

/* Whether vigil's live source can read the parameter for some type in
 * `types`.  Only the types the condition names count: a class sibling
 * (openat under a rule on open) is presented as the type the rule names
 * and its parameters mapped onto that type's, and one it cannot map is
 * unreadable, which makes a deny/kill rule apply (evtclass_arg).  Results
 * (evt.arg.res, openat's fd, ...) are parameters of the exit event, which
 * no decision taken before the call can read: they are reported like any
 * other (evt.res and fd.num are the fields vigil answers as if the call
 * succeeded). */
static bool
live_params_have (const struct evttype_set *types, const struct field_ref *ref)
{
  for (size_t t = 0, n = evttype_count (); t < n; t++)
    if (evttype_set_has (types, (int) t) && live_param_supplied ((int) t, ref))
      return true;
  return false;
}

struct param_check {
  struct compiler *c;
  const struct rdef_rule *def;
  const struct rule *r;
  size_t nbad; /* reads that make a deny/kill rule an error */
};

/* A parameter Falco has for some type but `vigil run` cannot read for
 * any: the comparison is never true live.  For `vigil run` that is what
 * the rule does (an error for deny/kill, which would silently never
 * apply); validate only warns, as the rules may serve replay. */
static void
site_check_live (struct param_check *pc, const struct arg_site *site, const char *names)
{
  struct compiler *c = pc->c;
  bool blocks = c->target == COMPILE_LIVE && pc->r->action != ACTION_LOG;
  const char *what = site->ref->index >= 0 ? "parameter number" : "parameter";

  if (c->target == COMPILE_REPLAY)
    return;
  if (c->target == COMPILE_LIVE)
    diag_add (c->d, blocks ? DIAG_ERROR : DIAG_WARNING, site->loc,
              "rule '%s': %s is never true under vigil run: vigil cannot read %s %s of %s live", pc->def->name,
              site->ref->key, what, site->ref->arg, names);
  else
    diag_warn (c->d, site->loc,
               "rule '%s': %s is not available to vigil run (it cannot read %s %s of %s live): %s",
               pc->def->name, site->ref->key, what, site->ref->arg, names,
               pc->r->action != ACTION_LOG ? "vigil run refuses this deny/kill rule"
                                           : "under vigil run the comparison is false");
  pc->nbad += blocks;
}

/* Report each read of a parameter no event type it can see has, in
 * Falco's events or in what `vigil run` reads of them. */
static void
site_check (struct param_check *pc, const struct cnode *n, const struct evttype_set *types)
{
  struct compiler *c = pc->c;
  char names[256];

  for (size_t i = 0; i < c->narg_sites; i++)
    {
      const struct arg_site *site = &c->arg_sites[i];
      if (site->cn != n)
        continue;
      types_list (types, names, sizeof names);
      if (params_have (types, site->ref))
        {
          if (!live_params_have (types, site->ref))
            site_check_live (pc, site, names);
          continue;
        }
      diag_add (c->d, pc->r->action == ACTION_LOG ? DIAG_WARNING : DIAG_ERROR, site->loc,
                "rule '%s': %s is never true: no event of type %s has %s %s", pc->def->name, site->ref->key,
                names, site->ref->index >= 0 ? "a parameter numbered" : "a parameter named", site->ref->arg);
      pc->nbad += pc->r->action != ACTION_LOG;
    }
}

/* Walk the condition with the event types for which each part's value
 * matters: a conjunct's only where the whole conjunction can hold (in
 * `evt.type = unlink and evt.arg.name = x`, unlink's), whatever `not`
 * surrounds it; a disjunct, a negation or a macro passes them on. */
static void
params_walk (struct param_check *pc, const struct cnode *n, const struct evttype_set *types)
{
  struct evttype_set sub;

  if (evttype_set_count (types) == 0)
    return;
  switch (n->kind)
    {
    case CN_NOT:
    case CN_MACRO:
      params_walk (pc, n->kids[0], types);
      return;
    case CN_AND:
      cnode_types (n, false, &sub);
      evttype_set_intersect (&sub, types);
      for (uint32_t i = 0; i < n->n; i++)
        params_walk (pc, n->kids[i], &sub);
      return;
    case CN_OR:
      for (uint32_t i = 0; i < n->n; i++)
        params_walk (pc, n->kids[i], types);
      return;
    default:
      site_check (pc, n, types);
      return;
    }
}

/* A parameter that no event the rule can match has makes its comparison
 * never true (unlink's argument is path, not name): an error for a
 * deny/kill rule, which would silently never apply, a warning for a log
 * rule.  Returns how many. */
static size_t
rule_check_params (struct compiler *c, const struct rdef_rule *def, const struct rule *r)
{
  struct param_check pc = { c, def, r, 0 };

  if (!r->all_types)
    params_walk (&pc, r->cond, &r->types);
  return pc.nbad;
}

/* ---- scalar argument constraints (for a narrow seccomp filter) ---- */

/* A constraint a condition implies on one argument, for one event type. */
struct acons {
  bool set;       /* constrained */
  bool flags_any; /* (arg & mask) != 0, else arg in values */
  uint64_t mask;
  int64_t *values;
  size_t n;
};

static const char *const constrained_args[] = { "domain", "request", "flags", "cmd", "addr" };

static void
acons_free (struct acons *a)
{
  free (a->values);
  memset (a, 0, sizeof *a);
}

static void
acons_union (struct acons *dst, const struct acons *src)
{
  if (!dst->set || !src->set || dst->flags_any != src->flags_any)
    {
      acons_free (dst);
      return;
    }
  if (dst->flags_any)
    {
      dst->mask |= src->mask;
      return;
    }
  dst->values = xrealloc (dst->values, (dst->n + src->n) * sizeof *dst->values);
  memcpy (dst->values + dst->n, src->values, src->n * sizeof *src->values);
  dst->n += src->n;
}

/* Which argument a comparison node constrains, if any. */
static int
cmp_constraint (const struct cnode *n, const char *arg, struct acons *out)
{
  const struct field_ref *ref = n->ref;

  memset (out, 0, sizeof *out);
  if (n->kind != CN_CMP || ref->ntr != 0)
    return -1;
  if (strcmp (ref->def->name, "evt.is_open_write") == 0 && strcmp (arg, "flags") == 0 && n->op == OP_EQ)
    {
      /* evt.is_open_write=true needs O_WRONLY or O_RDWR. */
      struct value t = { .kind = VK_BOOL, .u.b = true };
      if (operand_match (n->operand, &t) != TRI_TRUE)
        return -1;
      out->set = out->flags_any = true;
      out->mask = 03; /* O_WRONLY | O_RDWR */
      return 0;
    }
  if ((strcmp (ref->def->name, "evt.arg") != 0 && strcmp (ref->def->name, "evt.rawarg") != 0)
      || ref->arg == NULL || strcmp (ref->arg, arg) != 0)
    return -1;
  return 1; /* caller interprets the operand text */
}

/* Constraint on `arg` implied by `n` for event type `type`.  Sound, not
 * complete: when unsure the argument is left unconstrained. */
static void
cnode_constraint (const struct cnode *n, int type, const char *arg, const struct compiler *c,
                  struct acons *out);

static void
group_constraint (const struct cnode *n, int type, const char *arg, const struct compiler *c,
                  struct acons *out)
{
  struct evttype_set ts;
  bool first = true;

  memset (out, 0, sizeof *out);
  for (uint32_t i = 0; i < n->n; i++)
    {
      struct acons k;
      if (n->kind == CN_OR)
        {
          /* A branch that cannot match this event type constrains nothing. */
          cnode_types (n->kids[i], false, &ts);
          if (!evttype_set_has (&ts, type))
            continue;
        }
      cnode_constraint (n->kids[i], type, arg, c, &k);
      if (n->kind == CN_AND)
        {
          if (k.set && !out->set)
            *out = k;
          else
            acons_free (&k);
          continue;
        }
      if (first)
        *out = k;
      else
        {
          acons_union (out, &k);
          acons_free (&k);
        }
      first = false;
    }
}

static void
cnode_constraint (const struct cnode *n, int type, const char *arg, const struct compiler *c,
                  struct acons *out)
{
  memset (out, 0, sizeof *out);
  switch (n->kind)
    {
    case CN_AND:
    case CN_OR:
      group_constraint (n, type, arg, c, out);
      return;
    case CN_MACRO:
      cnode_constraint (n->kids[0], type, arg, c, out);
      return;
    case CN_CMP:
      {
        int r = cmp_constraint (n, arg, out);
        if (r != 1)
          return;
        /* evt.arg.X = SYM / in (SYM, ...) / contains FLAG: read the symbols
         * back from the operand's source, kept on the cnode's op values. */
        const char *const *syms = operand_strings (n->operand, &out->n);
        if (syms == NULL || out->n == 0)
          {
            out->n = 0;
            return;
          }
        out->values = xcalloc (out->n, sizeof *out->values);
        for (size_t i = 0; i < out->n; i++)
          {
            bool is_flag = false;
            if (argconst_lookup (arg, syms[i], &out->values[i], &is_flag) < 0
                || (is_flag != (n->op == OP_CONTAINS)))
              {
                acons_free (out);
                return;
              }
            if (is_flag)
              out->mask |= (uint64_t) out->values[i];
          }
        if (n->op == OP_CONTAINS)
          {
            out->flags_any = true;
            out->set = out->n == 1 && out->mask != 0;
          }
        else
          out->set = n->op == OP_EQ || n->op == OP_IN;
        if (!out->set)
          acons_free (out);
        return;
      }
    default:
      return;
    }
}

/* Merge one rule's constraint k on `arg` into what the sources must
 * deliver for a type: every rule must constrain the argument, and the
 * union is kept. */
static void
need_merge (struct evttype_need *need, const char *arg, struct acons *k, bool first_rule)
{
  struct arg_constraint *ac = NULL;

  for (size_t i = 0; i < need->nconstraints; i++)
    if (strcmp (need->constraints[i].arg, arg) == 0)
      ac = &need->constraints[i];
  if (first_rule)
    {
      if (k->set)
        {
          need->constraints = xrealloc (need->constraints, (need->nconstraints + 1) * sizeof *need->constraints);
          need->constraints[need->nconstraints++] = (struct arg_constraint){
            .arg = arg, .flags_any = k->flags_any, .mask = k->mask, .values = k->values, .nvalues = k->n
          };
          k->values = NULL;
        }
    }
  else if (ac)
    {
      struct acons cur = { .set = true, .flags_any = ac->flags_any, .mask = ac->mask, .values = ac->values,
                           .n = ac->nvalues };
      acons_union (&cur, k);
      if (!cur.set)
        *ac = need->constraints[--need->nconstraints];
      else
        {
          ac->mask = cur.mask;
          ac->values = cur.values;
          ac->nvalues = cur.n;
        }
    }
  acons_free (k);
}

static void
need_add_constraints (struct compiler *c, int type, const struct rule *r, bool first_rule)
{
  for (size_t a = 0; a < ARRAY_SIZE (constrained_args); a++)
    {
      struct acons k;
      cnode_constraint (r->cond, type, constrained_args[a], c, &k);
      need_merge (&c->rs->need[type], constrained_args[a], &k, first_rule);
    }
}

/* A class sibling a rule is enforced on: constrained by its guard only
 * (the rule's own constraints are about the type it names). */
static void
need_add_alias (struct compiler *c, const struct rule_alias *al, bool first_rule)
{
  for (size_t a = 0; a < ARRAY_SIZE (constrained_args); a++)
    {
      struct acons k = { 0 };
      const struct evtclass_guard *g = al->guard;
      if (g && g->arg && strcmp (g->arg, constrained_args[a]) == 0)
        {
          k.set = true;
          k.flags_any = g->flags_any;
          k.mask = g->mask;
          k.n = g->nvalues;
          k.values = xcalloc (g->nvalues + 1, sizeof *k.values);
          memcpy (k.values, g->values, g->nvalues * sizeof *k.values);
        }
      need_merge (&c->rs->need[al->type], constrained_args[a], &k, first_rule);
    }
}

/* ---- syscall classes ---- */

/* Member t of class cls, which rule r does not name, is evaluated for r
 * as the sibling r names: once for each way it belongs (a syscall in two
 * classes has two aliases, a rename is an unlink of each of its paths). */
static void
rule_add_alias (struct compiler *c, struct rule *r, int t, int cls)
{
  const struct evtclass_guard *guards[4];
  size_t n = evtclass_guards (t, cls, guards, ARRAY_SIZE (guards));

  for (size_t i = 0; i < n; i++)
    {
      struct rule_alias al = { .type = t, .as = evtclass_presented_as (t, cls, &r->types), .guard = guards[i] };
      if (al.guard && al.guard->test == ET_ARG)
        {
          char text[64], msg[128];
          struct field_ref ref;
          snprintf (text, sizeof text, "evt.rawarg.%s", al.guard->arg);
          if (field_ref_parse (text, strlen (text), &ref, msg, sizeof msg) == 0)
            al.guard_ref = slot_intern (c, &ref);
        }
      r->aliases = xrealloc (r->aliases, (r->naliases + 1) * sizeof *r->aliases);
      r->aliases[r->naliases++] = al;
    }
}

/* A deny/kill rule is enforced on every syscall that does what a syscall
 * it names does (evttypes.h): its types are widened to their classes, and
 * each type added remembers which named sibling it is evaluated as. */
static void
rule_widen (struct compiler *c, struct rule *r)
{
  r->enforced = r->types;
  if (r->action == ACTION_LOG || r->all_types)
    return;
  for (int cls = 0; cls < evtclass_count (); cls++)
    {
      struct evttype_set members = { { 0 } };
      bool about = false;
      evtclass_members (cls, &members);
      for (size_t t = 0, n = evttype_count (); t < n && !about; t++)
        about = evttype_set_has (&r->types, (int) t) && evtclass_named_by ((int) t, cls);
      if (!about)
        continue;
      evttype_set_union (&r->enforced, &members);
      for (size_t t = 0, n = evttype_count (); t < n; t++)
        if (evttype_set_has (&members, (int) t) && !evttype_set_has (&r->types, (int) t))
          rule_add_alias (c, r, (int) t, cls);
    }
}

/* ---- memos no pass can use ---- */

/* Add `add` evaluations per pass to n, and what follows to its kids: a
 * memoized macro's body is evaluated at most once per pass however often
 * the macro is. */
static void
cnode_count_evals (struct cnode *n, unsigned add)
{
  unsigned old = n->evals, now = old + add > 2 ? 2 : old + add;

  if (now == old)
    return;
  n->evals = (uint8_t) now;
  if (n->kind == CN_MACRO)
    {
      if (old == 0)
        cnode_count_evals (n->kids[0], 1);
      return;
    }
  if (n->kind == CN_AND || n->kind == CN_OR || n->kind == CN_NOT)
    for (uint32_t i = 0; i < n->n; i++)
      cnode_count_evals (n->kids[i], now - old);
}

/* What a reference to n can point at instead: the body of a macro that
 * is evaluated at most once per pass, whose memo is never read back, and
 * x for `not not x`. */
static struct cnode *
cnode_bypass (struct cnode *n)
{
  for (;;)
    if (n->kind == CN_MACRO && n->evals <= 1)
      n = n->kids[0];
    else if (n->kind == CN_NOT && n->kids[0]->kind == CN_NOT)
      n = n->kids[0]->kids[0];
    else
      return n;
}

/* A macro used once (most of the exceptions of a rule) is memoized for
 * nothing: no pass evaluates it twice.  Point its user at its body, and
 * splice an `and` body into an `and` user (or `or`), as compile_node
 * does.  Runs once every rule is compiled, when all the uses are known;
 * results are unchanged, as a memo only holds what the body gives. */
static void
cnodes_drop_unused_memos (struct compiler *c)
{
  struct rule *rules = c->rs->rules;

  for (size_t i = 0; i < c->rs->nrules; i++)
    if (rules[i].cond)
      cnode_count_evals (rules[i].cond, 1);
  for (size_t i = 0; i < c->rs->nrules; i++)
    if (rules[i].cond)
      rules[i].cond = cnode_bypass (rules[i].cond);

  for (size_t i = 0; i < c->priv->nnodes; i++)
    {
      struct cnode *n = c->priv->nodes[i];
      bool splice = false;
      if (n->kind != CN_AND && n->kind != CN_OR && n->kind != CN_NOT && n->kind != CN_MACRO)
        continue;
      for (uint32_t k = 0; k < n->n; k++)
        {
          n->kids[k] = cnode_bypass (n->kids[k]);
          splice |= n->kids[k]->kind == n->kind && n->kind != CN_NOT && n->kind != CN_MACRO;
        }
      if (splice)
        cnode_set_kids (c, n, n->kids, n->n);
    }
}

/* ---- cheapest tests first ---- */

/* Only fields that cost syscalls on every event are worth moving: among
 * the rest (a memory read, a table lookup, a compare) the order the rules'
 * authors chose is kept, as it usually puts the tests that reject most
 * first. */
static unsigned
cmp_cost (const struct field_ref *ref)
{
  return field_cost (ref->def) == FCOST_SYSCALLS;
}

/* What evaluating n may cost: 1 if it reads a field that costs syscalls
 * (fields.h), else 0.  Shared nodes are graded once. */
static unsigned
cnode_cost (struct cnode *n)
{
  unsigned c = 0;

  if (n->cost)
    return n->cost - 1u;
  switch (n->kind)
    {
    case CN_EVTTYPE:
      break;
    case CN_CMP:
      c = cmp_cost (n->ref);
      break;
    case CN_CMP_VAL:
      c = cmp_cost (n->ref) > cmp_cost (n->rhs) ? cmp_cost (n->ref) : cmp_cost (n->rhs);
      break;
    default:
      for (uint32_t i = 0; i < n->n; i++)
        if (cnode_cost (n->kids[i]) > c)
          c = cnode_cost (n->kids[i]);
    }
  n->cost = (uint8_t) (c + 1);
  return c;
}

/* The cheap part of a memoized macro that is an `and`: its kids that cost
 * less than the whole, as one node; NULL when there is none (or nothing
 * dear to spare). */
static struct cnode *
macro_cheap_part (struct compiler *c, struct cnode *m)
{
  struct cnode *body = m->kids[0];
  unsigned whole = cnode_cost (body);
  struct cnode **cheap = xcalloc (body->kind == CN_AND ? body->n : 1, sizeof *cheap);
  size_t n = 0;

  if (body->kind == CN_AND)
    for (uint32_t i = 0; i < body->n; i++)
      if (cnode_cost (body->kids[i]) < whole)
        cheap[n++] = body->kids[i];
  struct cnode *part = NULL;
  if (n == 1)
    part = cheap[0];
  else if (n > 1)
    {
      part = cnode_new (c, CN_AND);
      cnode_set_kids (c, part, cheap, n);
    }
  free (cheap);
  return part;
}

/* Order the kids of an `and` or `or` by cost, keeping the written order
 * among equals: a rule on opens then rejects a path on its name before it
 * stat()s it.  In an `and`, a memoized macro that is an `and` with a dear
 * kid (open_read: a stat for fd.typechar) is preceded by a copy of its
 * cheap kids (evt.type, evt.is_open_read), which then reject most events
 * early while the macro keeps its memo: `a and x` is `a' and a and x`
 * when a' holds some of a's kids.  Results are the same in any order
 * (the tests have no effects; Kleene's `and` and `or` commute and are
 * idempotent); only which of two unreadable fields an unknown result
 * names may differ. */
static void
cnode_order_by_cost (struct compiler *c, struct cnode *n)
{
  if (n->kind == CN_AND)
    {
      size_t extra = 0;
      struct cnode **kids = node_alloc (c, 2 * n->n * sizeof *kids);
      for (uint32_t k = 0; k < n->n; k++)
        {
          struct cnode *part = n->kids[k]->kind == CN_MACRO ? macro_cheap_part (c, n->kids[k]) : NULL;
          if (part)
            kids[k + extra++] = part;
          kids[k + extra] = n->kids[k];
        }
      n->kids = kids;
      n->n += (uint32_t) extra;
    }
  for (uint32_t k = 1; k < n->n; k++)
    {
      struct cnode *kid = n->kids[k];
      unsigned cost = cnode_cost (kid);
      uint32_t j = k;
      for (; j > 0 && cnode_cost (n->kids[j - 1]) > cost; j--)
        n->kids[j] = n->kids[j - 1];
      n->kids[j] = kid;
    }
}

static void
cnodes_order_by_cost (struct compiler *c)
{
  for (size_t i = 0, n = c->priv->nnodes; i < n; i++)
    if (c->priv->nodes[i]->kind == CN_AND || c->priv->nodes[i]->kind == CN_OR)
      cnode_order_by_cost (c, c->priv->nodes[i]);
}

/* ---- branching programs (cnode.h) ---- */

/* What a program is built for: a rule, whose events all have a type in
 * `types` (NULL when unknown: a macro's body, or a rule also evaluated on
 * events of unknown type). */
struct prog_builder {
  struct cnode_step *v;
  size_t n, cap;
  const struct evttype_set *types;
  uint32_t stamp; /* of this program, for fold_prog */
};

/* An event-type test on an event whose type is in b->types. */
static enum tri
evttype_fold (const struct prog_builder *b, const struct cnode *n)
{
  struct evttype_set both = *b->types;

  evttype_set_intersect (&both, n->types);
  if (evttype_set_count (&both) == 0)
    return n->negate ? TRI_TRUE : TRI_FALSE;
  if (memcmp (&both, b->types, sizeof both) == 0)
    return n->negate ? TRI_FALSE : TRI_TRUE;
  return TRI_UNKNOWN;
}

static enum tri cnode_fold (struct prog_builder *b, struct cnode *n);

static enum tri
cnode_fold_inner (struct prog_builder *b, const struct cnode *n)
{
  enum tri r = TRI_UNKNOWN, k;
  bool all = true;

  switch (n->kind)
    {
    case CN_NOT:
      k = cnode_fold (b, n->kids[0]);
      return k == TRI_UNKNOWN ? k : !k;
    case CN_MACRO:
      return cnode_fold (b, n->kids[0]);
    default:
      {
        /* and: false if a kid is, true if all are; or the other way. */
        enum tri decides = n->kind == CN_AND ? TRI_FALSE : TRI_TRUE;
        for (uint32_t i = 0; i < n->n && r == TRI_UNKNOWN; i++)
          if ((k = cnode_fold (b, n->kids[i])) == decides)
            r = decides;
          else if (k == TRI_UNKNOWN)
            all = false;
        return r != TRI_UNKNOWN ? r : all ? !decides : TRI_UNKNOWN;
      }
    }
}

/* n's value if it is the same on every event the program can see (it
 * depends only on the event type), else TRI_UNKNOWN.  Kept on the node
 * for the program being built, so that shared nodes are folded once. */
static enum tri
cnode_fold (struct prog_builder *b, struct cnode *n)
{
  switch (n->kind)
    {
    case CN_EVTTYPE:
      return b->types ? evttype_fold (b, n) : TRI_UNKNOWN;
    case CN_AND:
    case CN_OR:
    case CN_NOT:
    case CN_MACRO:
      if (n->fold_prog != b->stamp)
        {
          n->fold_val = (uint8_t) cnode_fold_inner (b, n);
          n->fold_prog = b->stamp;
        }
      return (enum tri) n->fold_val;
    default:
      return TRI_UNKNOWN;
    }
}

/* Emit n so that it continues at t when true and f when false; returns
 * its first step.  Two-valued logic allows dropping what cannot change
 * where the program goes: a node whose two exits are the same (after an
 * `and` kid that is always false, say), and a node whose value is known
 * from the event type.  No result changes: in two-valued logic a leaf
 * test has no effect beyond its result.  Steps are emitted last first,
 * so that reversing them puts each chain of `and` in increasing order. */
static uint32_t
prog_emit (struct prog_builder *b, struct cnode *n, uint32_t t, uint32_t f)
{
  if (t == f)
    return t;
  switch (cnode_fold (b, n))
    {
    case TRI_TRUE:
      return t;
    case TRI_FALSE:
      return f;
    default:
      break;
    }
  switch (n->kind)
    {
    case CN_AND:
      for (uint32_t i = n->n; i-- > 0;)
        t = prog_emit (b, n->kids[i], t, f);
      return t;
    case CN_OR:
      for (uint32_t i = n->n; i-- > 0;)
        f = prog_emit (b, n->kids[i], t, f);
      return f;
    case CN_NOT:
      return prog_emit (b, n->kids[0], f, t);
    default:
      xgrow (&b->v, &b->cap, b->n, sizeof *b->v);
      b->v[b->n] = (struct cnode_step){ .leaf = n, .next = { f, t } };
      return (uint32_t) b->n++;
    }
}

static uint32_t
prog_reversed (uint32_t i, size_t n)
{
  return i >= CNODE_STEP_FALSE ? i : (uint32_t) (n - 1 - i);
}

/* Compile n into a branching program, and the bodies of the memoized
 * macros it uses. */
static void
cnode_build_prog (struct compiler *c, struct cnode *n, const struct evttype_set *types)
{
  struct prog_builder b = { .types = types, .stamp = ++c->nprogs };
  uint32_t start = prog_emit (&b, n, CNODE_STEP_TRUE, CNODE_STEP_FALSE);

  /* Emitted last first: reversed, edges go forward. */
  struct cnode_step *steps = node_alloc (c, (b.n ? b.n : 1) * sizeof *steps);
  for (size_t i = 0; i < b.n; i++)
    {
      const struct cnode_step *from = &b.v[b.n - 1 - i];
      steps[i] = (struct cnode_step){ .leaf = from->leaf,
                                      .next = { prog_reversed (from->next[0], b.n),
                                                prog_reversed (from->next[1], b.n) } };
    }
  n->prog = steps;
  n->prog_start = prog_reversed (start, b.n);
  for (size_t i = 0; i < b.n; i++)
    {
      struct cnode *body = b.v[i].leaf->kind == CN_MACRO ? b.v[i].leaf->kids[0] : NULL;
      if (body && body->prog == NULL)
        cnode_build_prog (c, body, NULL);
    }
  free (b.v);
}

/* A program for every rule's condition, for the evaluation of log
 * rules.  A rule's program depends on the rule (its event types), so its
 * condition gets a root node of its own: an `and` of one condition, the
 * same condition. */
static void
cnodes_build_progs (struct compiler *c)
{
  for (size_t i = 0; i < c->rs->nrules; i++)
    {
      struct rule *r = &c->rs->rules[i];
      if (r->cond == NULL)
        continue;
      struct cnode *root = cnode_new (c, CN_AND);
      cnode_set_kids (c, root, &r->cond, 1);
      r->cond = root;
    }
  cnodes_order_by_cost (c);
  for (size_t i = 0; i < c->rs->nrules; i++)
    {
      struct rule *r = &c->rs->rules[i];
      /* A rule on every type also sees events of types vigil does not know. */
      if (r->cond)
        cnode_build_prog (c, r->cond, r->all_types ? NULL : &r->types);
    }
}

/* ---- rules ---- */

static bool
rule_compile_condition (struct compiler *c, const struct rdef_rule *def, struct rule *r, struct unit *u)
{
  struct cond_parse_error perr;
  struct cond_node *ast = cond_parse (def->cond.s, def->cond.len, &perr);

  if (ast == NULL)
    {
      unit_error (u, perr.offset, false, "%s%s", perr.msg, "");
      return false;
    }
  ast_mark_uses (c, ast);
  struct cnode *cn = compile_node (c, u, ast);

  /* Exceptions, each at its own location, after the condition. */
  struct cnode **excs = xcalloc (def->nexceptions + 1, sizeof *excs);
  size_t nexcs = 1;
  for (size_t i = 0; i < def->nexceptions; i++)
    {
      struct unit eu;
      unit_init (&eu, NULL, def->exceptions[i].loc);
      struct cond_node *east = exception_ast (&def->exceptions[i], &eu);
      if (east)
        {
          ast_mark_uses (c, east);
          struct cnode *ecn = compile_node (c, &eu, east);
          if (ecn)
            excs[nexcs++] = cnode_not (c, ecn);
          cond_free (east);
        }
      if (eu.failed)
        {
          u->only_unknown = (u->failed ? u->only_unknown : true) && eu.only_unknown;
          u->failed = true;
        }
      if (eu.unsupported && !u->unsupported)
        {
          u->unsupported = eu.unsupported;
          u->unsupported_loc = eu.unsupported_loc;
        }
      if (eu.replay_only && !u->replay_only)
        u->replay_only = eu.replay_only;
      u->reads_result |= eu.reads_result;
      diag_move (&u->errs, &eu.errs);
      for (size_t k = 0; k < eu.nfailed_macros; k++)
        {
          xgrow (&u->failed_macros, &u->failed_macros_cap, u->nfailed_macros, sizeof *u->failed_macros);
          u->failed_macros[u->nfailed_macros++] = eu.failed_macros[k];
        }
      free (eu.failed_macros);
    }
  cond_free (ast);
  if (u->failed || cn == NULL)
    {
      free (excs);
      return false;
    }
  if (nexcs > 1)
    {
      struct cnode *all = cnode_new (c, CN_AND);
      excs[0] = cn;
      cnode_set_kids (c, all, excs, nexcs);
      cn = all;
    }
  free (excs);
  r->cond = cn;
  return true;
}

/* Errors of a failed macro are reported once, by the first rule that uses
 * it and cannot skip it. */
static void
macro_report_errors (struct compiler *c, size_t idx)
{
  struct xmacro *m = &c->macros[idx];

  if (m->errs_reported)
    return;
  m->errs_reported = true;
  diag_move (c->d, &m->errs);
  for (size_t i = 0; i < m->nfailed_deps; i++)
    macro_report_errors (c, m->failed_deps[i]);
}

static void
unit_report_macro_errors (struct compiler *c, struct unit *u)
{
  for (size_t i = 0; i < u->nfailed_macros; i++)
    macro_report_errors (c, u->failed_macros[i]);
}

static void
rule_fill (struct rule *r, const struct rdef_rule *def, size_t index)
{
  r->name = xstrdup (def->name);
  r->desc = xstrdup (def->desc ? def->desc : "");
  r->output = xstrdup (def->output ? def->output : "");
  r->source = xstrdup (def->source ? def->source : "syscall");
  r->priority = def->priority;
  r->action = def->action;
  r->errno_value = def->errno_value ? def->errno_value : EPERM;
  r->ntags = def->ntags;
  r->tags = xcalloc (def->ntags + 1, sizeof *r->tags);
  for (size_t i = 0; i < def->ntags; i++)
    r->tags[i] = xstrdup (def->tags[i]);
  r->loc = def->loc;
  r->index = index;
}

/* Say which syscalls a deny/kill rule is enforced on beyond those it
 * names, so nobody is surprised by a denied creat. */
static void
rule_warn_widened (struct compiler *c, const struct rdef_rule *def, const struct rule *r)
{
  size_t len = 0;
  char *added = xmalloc (1);
  bool proc_mem = false;

  added[0] = '\0';
  for (size_t i = 0; i < r->naliases; i++)
    {
      const char *name = evttype_name (r->aliases[i].type);
      if (r->aliases[i].guard && r->aliases[i].guard->test == ET_PROC_MEM)
        {
          proc_mem = true;
          continue;
        }
      if (i > 0 && r->aliases[i - 1].type == r->aliases[i].type)
        continue; /* a rename, as an unlink of each of its paths */
      added = xrealloc (added, len + strlen (name) + 3);
      len += (size_t) sprintf (added + len, "%s%s", len ? ", " : "", name);
    }
  diag_warn (c->d, def->loc, "rule '%s' is also enforced on %s%s%s, which do what the syscalls it names do",
             def->name, added, proc_mem && len ? " and " : "",
             proc_mem ? "opens of /proc/<pid>/mem" : "");
  free (added);
}

static bool
rule_decide (struct compiler *c, const struct rdef_rule *def, struct rule *r, struct unit *u)
{
  const char *what = r->action == ACTION_KILL ? "kills" : "denies";

  if (u->failed)
    {
      if (def->skip_if_unknown_filter && u->only_unknown)
        {
          diag_warn (c->d, def->loc, "rule '%s' skipped: it uses a field vigil does not know (%s)", def->name,
                     u->errs.n ? u->errs.v[0].msg : "in a macro");
          r->skip_reason = "unknown field (skip-if-unknown-filter)";
          return false;
        }
      diag_move (c->d, &u->errs);
      unit_report_macro_errors (c, u);
      r->skip_reason = "error";
      return false;
    }
  diag_move (c->d, &u->errs); /* warnings */
  if (u->unsupported)
    {
      if (r->action != ACTION_LOG)
        {
          diag_error (c->d, u->unsupported_loc, "rule '%s' %s on field '%s', which vigil cannot supply", def->name,
                      what, u->unsupported);
          r->skip_reason = "error";
        }
      else
        {
          diag_warn (c->d, def->loc, "rule '%s' skipped: field '%s' is not supported by vigil", def->name,
                     u->unsupported);
          r->skip_reason = "unsupported field";
        }
      return false;
    }
  cnode_types (r->cond, false, &r->types);
  r->all_types = evttype_set_count (&r->types) > WIDE_RULE_TYPES;
  r->result_assumed = u->reads_result;
  r->replay_only_field = u->replay_only;
  if (r->all_types && r->action != ACTION_LOG)
    {
      diag_error (c->d, loctext_loc (&def->cond, 0), "rule '%s': a deny/kill rule must name evt.type", def->name);
      r->skip_reason = "error";
      return false;
    }
  if (rule_check_params (c, def, r))
    {
      r->skip_reason = "error";
      return false;
    }
  if (r->all_types && def->warn_evttypes)
    diag_warn (c->d, def->loc,
               "rule '%s' matches every event type (its condition does not restrict evt.type): "
               "it is evaluated on every event, and no syscall is intercepted for it",
               def->name);
  rule_widen (c, r);
  if (r->naliases)
    rule_warn_widened (c, def, r);
  return true;
}

static void
rule_compile (struct compiler *c, const struct rdef_rule *def, struct rule *r, const struct compile_opts *opts)
{
  struct unit u;

  if (!def->complete)
    {
      r->skip_reason = "incomplete";
      return;
    }
  if (def->source && strcmp (def->source, "syscall") != 0)
    {
      diag_warn (c->d, def->loc, "rule '%s' skipped: source '%s' is not supported by vigil", def->name,
                 def->source);
      r->skip_reason = "unsupported source";
      return;
    }
  if (opts && def->priority > opts->min_priority)
    {
      r->skip_reason = "priority below the minimum";
      return;
    }
  unit_init (&u, &def->cond, def->loc);
  rule_compile_condition (c, def, r, &u);
  r->fmt = output_format_compile (r->output, def->output_loc.file ? def->output_loc : def->loc, &u.errs);
  if (r->fmt == NULL)
    {
      u.failed = true;
      u.only_unknown = false;
    }
  else
    {
      size_t nf;
      struct field_ref **refs = output_format_fields (r->fmt, &nf);
      for (size_t i = 0; i < nf; i++)
        {
          /* Outputs share the value cache with conditions; the format keeps
           * its own references, so a copy is interned. */
          struct field_ref copy = *refs[i];
          copy.arg = refs[i]->arg ? xstrdup (refs[i]->arg) : NULL;
          copy.key = xstrdup (refs[i]->key);
          refs[i]->slot = slot_intern (c, &copy)->slot;
        }
    }
  if (rule_decide (c, def, r, &u))
    r->enabled = def->enabled;
  else
    r->cond = NULL;
  if (!r->enabled && r->skip_reason == NULL)
    r->skip_reason = "disabled";
  diag_list_free (&u.errs);
  free (u.failed_macros);
}

static void
index_push (uint32_t **idx, size_t *n, uint32_t v)
{
  /* Sizes are exact powers of two or zero: grow by doubling. */
  if ((*n & (*n - 1)) == 0)
    *idx = xrealloc (*idx, (*n ? *n * 2 : 1) * sizeof **idx);
  (*idx)[(*n)++] = v;
}

/* What rule r adds to the need of type t, a type it is indexed under;
 * *unguarded is set when r, a deny/kill rule, covers every t. */
static void
need_add_rule (struct compiler *c, struct evttype_need *need, const struct rule *r, int t, bool *unguarded)
{
  bool first = !need->needed, aliased = false;

  need->needed = true;
  for (size_t i = 0; i < r->naliases; i++)
    {
      const struct rule_alias *al = &r->aliases[i];
      if (al->type != t)
        continue;
      need_add_alias (c, al, first);
      first = false;
      aliased = true;
      if (al->guard && al->guard->arg && strcmp (al->guard->arg, "flags") == 0 && al->guard->flags_any)
        need->enforce_flags |= al->guard->mask;
      else
        *unguarded = true;
    }
  if (!aliased)
    {
      need_add_constraints (c, t, r, first);
      *unguarded = true;
    }
}

static void
ruleset_index (struct compiler *c)
{
  struct ruleset *rs = c->rs;
  size_t ntypes = evttype_count ();
  bool *enforce_always = xcalloc (ntypes, sizeof *enforce_always);

  for (size_t i = 0; i < rs->nrules; i++)
    {
      struct rule *r = &rs->rules[i];
      if (!r->enabled)
        continue;
      if (r->all_types)
        index_push (&rs->untyped.idx, &rs->untyped.n, (uint32_t) i);
      for (size_t t = 0; t < ntypes; t++)
        {
          if (!evttype_set_has (&r->enforced, (int) t))
            continue;
          index_push (&rs->by_type[t].idx, &rs->by_type[t].n, (uint32_t) i);
          /* A log rule on every type is evaluated, but never intercepts. */
          if (r->all_types)
            continue;
          bool unguarded = false;
          need_add_rule (c, &rs->need[t], r, (int) t, &unguarded);
          if (r->action != ACTION_LOG)
            {
              rs->need[t].enforce = true;
              enforce_always[t] |= unguarded;
            }
        }
    }
  for (size_t t = 0; t < ntypes; t++)
    if (enforce_always[t])
      rs->need[t].enforce_flags = 0;
  free (enforce_always);
}

struct ruleset *
rules_compile (const struct rules_defs *defs, const struct compile_opts *opts, struct diag_list *d)
{
  struct compiler c = { .defs = defs, .d = d, .target = opts ? opts->target : COMPILE_CHECK };
  size_t nerrors = d->nerrors;

  c.rs = xcalloc (1, sizeof *c.rs);
  c.priv = xcalloc (1, sizeof *c.priv);
  c.rs->priv = c.priv;

  for (size_t i = 0; i < defs->nlists; i++)
    strmap_put (&c.list_idx, defs->lists[i].name, strlen (defs->lists[i].name), i);
  lists_expand (&c);

  c.macros = xcalloc (defs->nmacros + 1, sizeof *c.macros);
  for (size_t i = 0; i < defs->nmacros; i++)
    strmap_put (&c.macro_idx, defs->macros[i].name, strlen (defs->macros[i].name), i);
  for (size_t i = 0; i < defs->nmacros; i++)
    {
      struct cond_parse_error perr;
      const struct rdef_macro *m = &defs->macros[i];
      c.macros[i].ast = cond_parse (m->cond.s, m->cond.len, &perr);
      if (c.macros[i].ast == NULL)
        diag_error (d, loctext_loc (&m->cond, perr.offset), "macro '%s': %s", m->name, perr.msg);
      else
        ast_mark_uses (&c, c.macros[i].ast);
    }

  c.rs->rules = xcalloc (defs->nrules + 1, sizeof *c.rs->rules);
  c.rs->nrules = defs->nrules;
  for (size_t i = 0; i < defs->nrules; i++)
    {
      rule_fill (&c.rs->rules[i], &defs->rules[i], i);
      rule_compile (&c, &defs->rules[i], &c.rs->rules[i], opts);
      if (c.rs->rules[i].enabled)
        c.rs->nenabled++;
      else if (strcmp (c.rs->rules[i].skip_reason, "disabled") != 0)
        c.rs->nskipped++;
    }

  for (size_t i = 0; i < defs->nmacros; i++)
    if (!c.macros[i].used)
      diag_warn (d, defs->macros[i].loc, "macro '%s' is not used by any rule or macro", defs->macros[i].name);
  for (size_t i = 0; i < defs->nlists; i++)
    if (!c.lists[i].used)
      diag_warn (d, defs->lists[i].loc, "list '%s' is not used by any rule, macro or list", defs->lists[i].name);

  ruleset_index (&c);
  cnodes_drop_unused_memos (&c);
  cnodes_build_progs (&c);

  for (size_t i = 0; i < defs->nmacros; i++)
    {
      cond_free (c.macros[i].ast);
      diag_list_free (&c.macros[i].errs);
      free (c.macros[i].failed_deps);
    }
  free (c.macros);
  lists_free (&c);
  strmap_free (&c.list_idx);
  strmap_free (&c.macro_idx);
  strmap_free (&c.slot_idx);
  free (c.arg_sites);
  if (d->nerrors > nerrors)
    {
      ruleset_free (c.rs);
      return NULL;
    }
  return c.rs;
}

void
ruleset_free (struct ruleset *rs)
{
  struct priv *p;

  if (rs == NULL)
    return;
  p = rs->priv;
  for (size_t i = 0; i < rs->nrules; i++)
    {
      struct rule *r = &rs->rules[i];
      free ((char *) r->name);
      free ((char *) r->desc);
      free ((char *) r->output);
      free ((char *) r->source);
      for (size_t k = 0; k < r->ntags; k++)
        free (r->tags[k]);
      free (r->tags);
      free (r->aliases);
      output_format_free (r->fmt);
    }
  free (rs->rules);
  for (size_t i = 0; i < p->nnodes; i++)
    operand_free (p->nodes[i]->operand);
  free (p->nodes);
  arena_free (&p->nodes_arena);
  for (size_t i = 0; i < p->nkeys; i++)
    free (p->keys[i]);
  free (p->keys);
  for (size_t i = 0; i < rs->nslots; i++)
    {
      field_ref_free (rs->slots[i]);
      free (rs->slots[i]);
    }
  free (rs->slots);
  for (size_t t = 0; t < EVTTYPE_MAX; t++)
    {
      free (rs->by_type[t].idx);
      for (size_t i = 0; i < rs->need[t].nconstraints; i++)
        free (rs->need[t].constraints[i].values);
      free (rs->need[t].constraints);
    }
  free (rs->untyped.idx);
  free (p);
  free (rs);
}

bool
ruleset_enforces (const struct ruleset *rs, const char *type)
{
  int t = evttype_lookup (type);
  return t >= 0 && rs->need[t].enforce;
}

bool
ruleset_enforces_any (const struct ruleset *rs, const char *const *types, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (ruleset_enforces (rs, types[i]))
      return true;
  return false;
}
