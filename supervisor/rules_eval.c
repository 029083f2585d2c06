/* vigil: evaluate events against a compiled ruleset.
 *
 * Log rules use Falco's two-valued logic: a comparison on a field with no
 * value is false, and `not` of it true.  Deny and kill rules use
 * three-valued logic, so a field vigil could not read makes the result
 * unknown instead of letting the syscall through; an unknown result
 * applies the rule's action (fail closed). */
#include <string.h>

#include "vigil/arena.h"
#include "vigil/cnode.h"
#include "vigil/error.h"
#include "vigil/ops.h"
#include "vigil/rules.h"

/* A value extracted for the event numbered gen.  present repeats gen
 * when the value is present (0 otherwise), so the common question, "is
 * there a value for this event", is one compare. */
struct cache_slot {
  uint32_t gen;
  uint32_t present;
  enum value_state state;
  struct value v;
};

/* A macro's result, per logic ([0] two-valued, [1] three-valued), as
 * mkey | result: current when it differs from the pass's mkey only in the
 * two low bits, and then worth keeping only if false or true (an unknown
 * result is recomputed so the field it names is found again).  So one
 * xor and one compare answer "memoized, and what". */
struct memo_slot {
  uint64_t key[2];
};

struct eval_state {
  const struct ruleset *rs;
  uint32_t gen;  /* of the event: extracted values */
  uint32_t mgen; /* of the matching pass: macro results */
  uint64_t mkey; /* mgen << 2 */
  struct cache_slot *cache;
  struct memo_slot *memo;
  struct arena arena;
  const struct field_ref *unknown_field;
  /* The rule being evaluated: its event and logic, kept here so that the
   * evaluator's functions pass one pointer around. */
  struct event *ev;
  bool tri;
  /* Slots whose value depends on the type the event presents itself as
   * (evt.type, evt.arg...): forgotten when that changes. */
  uint32_t *alias_slots;
  size_t nalias_slots;
};

static bool
field_depends_on_alias (const struct field_ref *ref)
{
  const char *n = ref->def->name;
  return strcmp (n, "evt.type") == 0 || strcmp (n, "syscall.type") == 0 || strcmp (n, "evt.arg") == 0
         || strcmp (n, "evt.rawarg") == 0;
}

struct eval_state *
eval_state_new (const struct ruleset *rs)
{
  struct eval_state *st = xcalloc (1, sizeof *st);
  st->rs = rs;
  st->cache = xcalloc (rs->nslots + 1, sizeof *st->cache);
  st->memo = xcalloc (rs->nmemo + 1, sizeof *st->memo);
  st->gen = st->mgen = 1;
  st->mkey = (uint64_t) st->mgen << 2;
  st->alias_slots = xcalloc (rs->nslots + 1, sizeof *st->alias_slots);
  for (size_t i = 0; i < rs->nslots; i++)
    if (field_depends_on_alias (rs->slots[i]))
      st->alias_slots[st->nalias_slots++] = (uint32_t) i;
  return st;
}

void
eval_state_free (struct eval_state *st)
{
  if (st == NULL)
    return;
  arena_free (&st->arena);
  free (st->cache);
  free (st->memo);
  free (st->alias_slots);
  free (st);
}

void
eval_state_reset (struct eval_state *st)
{
  arena_reset (&st->arena);
  if (++st->gen == 0)
    {
      /* Wrapped after 2^32 events: clear so no stale entry looks current. */
      memset (st->cache, 0, (st->rs->nslots + 1) * sizeof *st->cache);
      st->gen = 1;
    }
  eval_state_rematch (st);
}

void
eval_state_rematch (struct eval_state *st)
{
  if (++st->mgen == 0)
    {
      memset (st->memo, 0, (st->rs->nmemo + 1) * sizeof *st->memo);
      st->mgen = 1;
    }
  st->mkey = (uint64_t) st->mgen << 2;
}

enum value_state
eval_field (struct eval_state *st, struct event *ev, const struct field_ref *ref, struct value *out)
{
  struct cache_slot *c = &st->cache[ref->slot];

  if (c->gen != st->gen)
    {
      struct value v;
      enum value_state s = ev->ops->extract (ev, ref, &v);
      for (int i = 0; i < ref->ntr && s == VAL_PRESENT; i++)
        {
          struct value t;
          if (transform_apply (ref->tr[i], &v, &t, &st->arena) < 0)
            s = VAL_ABSENT;
          else
            v = t;
        }
      c->gen = st->gen;
      c->present = s == VAL_PRESENT ? st->gen : 0;
      c->state = s;
      if (s == VAL_PRESENT)
        c->v = v;
    }
  if (c->state == VAL_PRESENT)
    *out = c->v;
  return c->state;
}

/* Two evaluators.  Log rules (two-valued logic, by far the most) run
 * their condition compiled into a branching program (cnode.h): a loop
 * over leaf tests with no call per `and` or `or`.  Deny and kill rules
 * (three-valued logic) walk the tree, depth first and left to right.
 * Both stop at the first kid that decides an `and` or an `or`, as Falco
 * does, and share the leaf tests: comparisons on values already
 * extracted, memoized macros and event-type tests. */

static enum tri eval_node (const struct cnode *n, struct eval_state *st);
static bool run_prog (const struct cnode *n, struct eval_state *st);

/* A comparison's outcome when a value is missing or a regex gave up. */
static enum tri
eval_unknown (struct eval_state *st, const struct field_ref *ref)
{
  if (!st->tri)
    return TRI_FALSE;
  if (st->unknown_field == NULL)
    st->unknown_field = ref;
  return TRI_UNKNOWN;
}

/* Every comparison, including the cases eval_cached_cmp leaves out: a
 * value not yet extracted, absent or unreadable, a list of ancestors, a
 * val() right side, a regex that gave up.  Kept out of line: its values
 * on the stack would make every caller's frame heavier. */
static __attribute__ ((noinline)) enum tri
eval_cmp (const struct cnode *n, struct eval_state *st)
{
  struct value v, rv;
  enum value_state s = eval_field (st, st->ev, n->ref, &v);

  if (s == VAL_ABSENT)
    return TRI_FALSE;
  if (s == VAL_UNREADABLE)
    return eval_unknown (st, n->ref);
  if (n->op == OP_EXISTS)
    return TRI_TRUE;

  enum tri r;
  if (n->any_item && v.kind == VK_LIST)
    {
      /* proc.aname=sshd: some ancestor matches. */
      r = TRI_FALSE;
      for (size_t i = 0; i < v.u.list.n && r != TRI_TRUE; i++)
        {
          enum tri k = operand_match (n->operand, &v.u.list.items[i]);
          if (k != TRI_FALSE)
            r = k;
        }
    }
  else if (n->kind == CN_CMP)
    r = operand_match (n->operand, &v);
  else
    {
      s = eval_field (st, st->ev, n->rhs, &rv);
      if (s == VAL_ABSENT)
        return TRI_FALSE;
      if (s == VAL_UNREADABLE)
        return eval_unknown (st, n->rhs);
      r = op_match_values (n->op, &v, &rv);
    }
  return r == TRI_UNKNOWN ? eval_unknown (st, n->ref) : r;
}

/* A macro whose result is not memoized yet for this pass and logic. */
static enum tri
eval_macro (const struct cnode *n, struct eval_state *st)
{
  struct memo_slot *m = &st->memo[n->memo];
  uint64_t x = m->key[st->tri] ^ st->mkey;

  if (x < TRI_UNKNOWN)
    return (enum tri) x;
  enum tri r = st->tri ? eval_node (n->kids[0], st) : (enum tri) run_prog (n->kids[0], st);
  m->key[st->tri] = st->mkey | r;
  return r;
}

/* The bytes of a string test (cnode.h): equal when the first byte is,
 * and then the rest, so most failures cost no call. */
static inline bool
str_bytes_eq (const char *a, const char *b, size_t n)
{
  return n == 0 || (a[0] == b[0] && memcmp (a + 1, b + 1, n - 1) == 0);
}

/* A string test on the value s[0..len), as operand_match would answer it.
 * s may be NULL when len is 0: then no case reads it. */
static inline __attribute__ ((always_inline)) enum tri
eval_str_test (const struct cnode *k, const char *s, size_t len)
{
  size_t n = k->str_len;

  switch (k->str_test)
    {
    case CS_EQ:
      return len == n && str_bytes_eq (s, k->str, n);
    case CS_NE:
      return len != n || !str_bytes_eq (s, k->str, n);
    case CS_PREFIX:
      return len >= n && str_bytes_eq (s, k->str, n);
    default: /* CS_SUFFIX */
      return len >= n && (n == 0 || str_bytes_eq (s + len - n, k->str, n));
    }
}

/* A comparison on a value already extracted and present, read in place
 * (not copied); eval_cmp for the rest.  A node with a string test never
 * stands for a list of ancestors (cnode.h). */
static inline __attribute__ ((always_inline)) enum tri
eval_cached_cmp (const struct cnode *k, struct eval_state *st)
{
  const struct cache_slot *c = &st->cache[k->slot];

  if (c->present == st->gen)
    {
      if (k->str_test != CS_NONE && c->v.kind == VK_STR)
        return eval_str_test (k, c->v.u.s.p, c->v.u.s.len);
      if (!k->any_item)
        {
          enum tri r = operand_match (k->operand, &c->v);
          if (r != TRI_UNKNOWN)
            return r;
        }
    }
  return eval_cmp (k, st);
}

/* A leaf: a comparison, a memoized macro or an event-type test. */
static inline __attribute__ ((always_inline)) enum tri
eval_leaf (const struct cnode *k, struct eval_state *st)
{
  if (k->kind == CN_CMP)
    return eval_cached_cmp (k, st);
  if (k->kind == CN_MACRO)
    {
      uint64_t x = st->memo[k->memo].key[st->tri] ^ st->mkey;
      return x < TRI_UNKNOWN ? (enum tri) x : eval_macro (k, st);
    }
  if (k->kind == CN_EVTTYPE)
    {
      int type = event_presented_type (st->ev);
      return (type >= 0 && evttype_set_has (k->types, type)) != k->negate;
    }
  return eval_node (k, st);
}

/* Two-valued logic: every leaf is true or false (an unreadable value or
 * a regex that gave up is false), so the program just follows them.
 * Inlined in the loop over the rules, which runs one per rule. */
static inline __attribute__ ((always_inline)) bool
run_prog_inline (const struct cnode *n, struct eval_state *st)
{
  const struct cnode_step *prog = n->prog;
  uint32_t i = n->prog_start;

  while (i < CNODE_STEP_FALSE)
    {
      const struct cnode *k = prog[i].leaf;
      i = prog[i].next[eval_leaf (k, st) == TRI_TRUE];
    }
  return i == CNODE_STEP_TRUE;
}

/* The same, for the bodies of memoized macros. */
static bool
run_prog (const struct cnode *n, struct eval_state *st)
{
  return run_prog_inline (n, st);
}

static inline enum tri
tri_not (enum tri r)
{
  return r == TRI_UNKNOWN ? TRI_UNKNOWN : !r;
}

/* The tree walk of three-valued logic, and the general case of a node.
 * With TRI_FALSE < TRI_TRUE < TRI_UNKNOWN, the result of `and` once no
 * kid was false, and of `or` once none was true, is the largest result
 * seen. */
static enum tri
eval_node (const struct cnode *n, struct eval_state *st)
{
  enum tri r, acc;

  switch (n->kind)
    {
    case CN_AND:
      acc = TRI_TRUE;
      for (uint32_t i = 0; i < n->n; i++)
        {
          if ((r = eval_leaf (n->kids[i], st)) == TRI_FALSE)
            return TRI_FALSE;
          acc = r > acc ? r : acc;
        }
      return acc;
    case CN_OR:
      acc = TRI_FALSE;
      for (uint32_t i = 0; i < n->n; i++)
        {
          if ((r = eval_leaf (n->kids[i], st)) == TRI_TRUE)
            return TRI_TRUE;
          acc = r > acc ? r : acc;
        }
      return acc;
    case CN_NOT:
      return tri_not (eval_leaf (n->kids[0], st));
    case CN_CMP:
    case CN_CMP_VAL:
      return eval_cmp (n, st);
    default:
      return eval_leaf (n, st);
    }
}

static void
match_add (struct match_set *out, const struct rule *r, bool unknown, const struct field_ref *field)
{
  xgrow (&out->v, &out->cap, out->n, sizeof *out->v);
  out->v[out->n++] = (struct rule_match){ .rule = r, .unknown = unknown, .unknown_field = field };
  /* The strongest action wins, so an earlier log rule never shadows a deny. */
  if (r->action > out->action)
    {
      out->action = r->action;
      out->enforcing = r;
    }
}

/* Present the event as `as` (its own type when as is its type) in
 * presentation `view`: values and macro results that depend on the type
 * are computed again. */
static void
present_as (struct eval_state *st, int as, int view)
{
  struct event *ev = st->ev;

  if (event_presented_type (ev) == as && (!ev->aliased || ev->alias_view == view))
    return;
  ev->aliased = as != ev->type;
  ev->alias = as;
  ev->alias_view = ev->aliased ? view : 0;
  for (size_t i = 0; i < st->nalias_slots; i++)
    {
      st->cache[st->alias_slots[i]].gen = 0;
      st->cache[st->alias_slots[i]].present = 0;
    }
  eval_state_rematch (st);
}

/* Whether guard g admits the event into its class: -1 when vigil cannot
 * tell, which counts as admitted (fail closed). */
static int
guard_admits (const struct rule_alias *al, struct eval_state *st)
{
  struct event *ev = st->ev;

  present_as (st, ev->type, 0);
  if (al->guard->test == ET_ALWAYS)
    return 1;
  if (al->guard->test != ET_ARG)
    return ev->ops->in_class ? ev->ops->in_class (ev, al->guard->test) : -1;
  if (!al->guard_ref)
    return -1;
  struct value v;
  enum value_state s = eval_field (st, ev, al->guard_ref, &v);
  if (s != VAL_PRESENT)
    return s == VAL_ABSENT ? 0 : -1;
  return evtclass_guard_holds (al->guard, v.kind == VK_UINT ? (int64_t) v.u.u : v.u.i);
}

/* The next type rule r sees the event as (*as), from cursor *k (0 at
 * first), or false when there is none left: the event's own type when r
 * names it, else each class sibling r names whose class admits the event
 * (a clone without CLONE_NEW* flags is no namespace operation; an open
 * may be an open and a ptrace). */
static bool
rule_next_view (const struct rule *r, struct eval_state *st, size_t *k, int *as, int *view)
{
  int type = st->ev->type;

  *as = type;
  *view = 0;
  if (r->naliases == 0 || type < 0 || evttype_set_has (&r->types, type))
    return (*k)++ == 0;
  while (*k < r->naliases)
    {
      const struct rule_alias *al = &r->aliases[(*k)++];
      if (al->type == type && (!al->guard || guard_admits (al, st) != 0))
        {
          *as = al->as;
          *view = al->guard ? al->guard->view : 0;
          return true;
        }
    }
  return false;
}

size_t
rules_evaluate (const struct ruleset *rs, struct eval_state *st, struct event *ev, struct match_set *out)
{
  const uint32_t *idx;
  size_t n;

  st->ev = ev;
  out->n = 0;
  out->action = ACTION_LOG;
  out->enforcing = NULL;
  if (ev->type >= 0 && ev->type < EVTTYPE_MAX)
    {
      idx = rs->by_type[ev->type].idx;
      n = rs->by_type[ev->type].n;
    }
  else
    {
      idx = rs->untyped.idx;
      n = rs->untyped.n;
    }
  for (size_t i = 0; i < n; i++)
    {
      const struct rule *r = &rs->rules[idx[i]];
      const struct field_ref *unknown = NULL;
      enum tri best = TRI_FALSE;
      size_t k = 0;
      int as, view;
      while (best != TRI_TRUE && rule_next_view (r, st, &k, &as, &view))
        {
          present_as (st, as, view);
          st->tri = r->action != ACTION_LOG;
          st->unknown_field = NULL;
          enum tri res = st->tri ? eval_node (r->cond, st) : (enum tri) run_prog_inline (r->cond, st);
          if (res == TRI_TRUE || (res == TRI_UNKNOWN && best == TRI_FALSE))
            {
              best = res;
              unknown = st->unknown_field;
            }
        }
      if (best == TRI_TRUE)
        match_add (out, r, false, NULL);
      else if (best == TRI_UNKNOWN)
        match_add (out, r, true, unknown);
    }
  /* Alerts describe the syscall that was made. */
  present_as (st, ev->type, 0);
  return out->n;
}

void
match_set_add (struct match_set *m, const struct rule *r)
{
  match_add (m, r, false, NULL);
}

void
match_set_free (struct match_set *m)
{
  free (m->v);
  memset (m, 0, sizeof *m);
}

void
eval_field_forget (struct eval_state *st, const struct field_ref *ref)
{
  st->cache[ref->slot].gen = 0;
  st->cache[ref->slot].present = 0;
}
