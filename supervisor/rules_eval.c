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

struct cache_slot {
  uint32_t gen;
  enum value_state state;
  struct value v;
};

struct memo_slot {
  uint32_t gen[2]; /* per logic: [0] two-valued, [1] three-valued */
  uint8_t res[2];
};

struct eval_state {
  const struct ruleset *rs;
  uint32_t gen;  /* of the event: extracted values */
  uint32_t mgen; /* of the matching pass: macro results */
  struct cache_slot *cache;
  struct memo_slot *memo;
  struct arena arena;
  const struct field_ref *unknown_field;
};

struct eval_state *
eval_state_new (const struct ruleset *rs)
{
  struct eval_state *st = xcalloc (1, sizeof *st);
  st->rs = rs;
  st->cache = xcalloc (rs->nslots + 1, sizeof *st->cache);
  st->memo = xcalloc (rs->nmemo + 1, sizeof *st->memo);
  st->gen = st->mgen = 1;
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
      c->state = s;
      if (s == VAL_PRESENT)
        c->v = v;
    }
  if (c->state == VAL_PRESENT)
    *out = c->v;
  return c->state;
}

static enum tri eval_node (const struct cnode *n, struct eval_state *st, struct event *ev, bool tri);

/* A comparison's outcome when a value is missing or a regex gave up. */
static enum tri
eval_unknown (struct eval_state *st, const struct field_ref *ref, bool tri)
{
  if (!tri)
    return TRI_FALSE;
  if (st->unknown_field == NULL)
    st->unknown_field = ref;
  return TRI_UNKNOWN;
}

static enum tri
eval_cmp (const struct cnode *n, struct eval_state *st, struct event *ev, bool tri)
{
  struct value v, rv;
  const struct cache_slot *cached = &st->cache[n->slot];
  enum value_state s;

  /* The common case, a value already extracted for this event, without
   * touching the field reference. */
  if (cached->gen == st->gen)
    {
      s = cached->state;
      v = cached->v;
    }
  else
    s = eval_field (st, ev, n->ref, &v);

  if (s == VAL_ABSENT)
    return TRI_FALSE;
  if (s == VAL_UNREADABLE)
    return eval_unknown (st, n->ref, tri);
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
      s = eval_field (st, ev, n->rhs, &rv);
      if (s == VAL_ABSENT)
        return TRI_FALSE;
      if (s == VAL_UNREADABLE)
        return eval_unknown (st, n->rhs, tri);
      r = op_match_values (n->op, &v, &rv);
    }
  return r == TRI_UNKNOWN ? eval_unknown (st, n->ref, tri) : r;
}

/* Memoized macros and event-type tests, most of the nodes a rule visits,
 * answered without a call. */
static inline __attribute__ ((always_inline)) enum tri
eval_quick (const struct cnode *k, struct eval_state *st, struct event *ev, bool tri)
{
  if (k->kind == CN_MACRO)
    {
      const struct memo_slot *m = &st->memo[k->memo];
      if (m->gen[tri] == st->mgen && m->res[tri] != TRI_UNKNOWN)
        return m->res[tri];
    }
  else if (k->kind == CN_EVTTYPE)
    return (ev->type >= 0 && evttype_set_has (k->types, ev->type)) != k->negate;
  return eval_node (k, st, ev, tri);
}

static enum tri
eval_node (const struct cnode *n, struct eval_state *st, struct event *ev, bool tri)
{
  enum tri r, acc;

  switch (n->kind)
    {
    case CN_AND:
      acc = TRI_TRUE;
      for (uint32_t i = 0; i < n->n; i++)
        if ((r = eval_quick (n->kids[i], st, ev, tri)) == TRI_FALSE)
          return TRI_FALSE;
        else if (r == TRI_UNKNOWN)
          acc = TRI_UNKNOWN;
      return acc;
    case CN_OR:
      acc = TRI_FALSE;
      for (uint32_t i = 0; i < n->n; i++)
        if ((r = eval_quick (n->kids[i], st, ev, tri)) == TRI_TRUE)
          return TRI_TRUE;
        else if (r == TRI_UNKNOWN)
          acc = TRI_UNKNOWN;
      return acc;
    case CN_NOT:
      r = eval_quick (n->kids[0], st, ev, tri);
      return r == TRI_UNKNOWN ? TRI_UNKNOWN : !r;
    case CN_EVTTYPE:
      return (ev->type >= 0 && evttype_set_has (n->types, ev->type)) != n->negate;
    case CN_CMP:
    case CN_CMP_VAL:
      return eval_cmp (n, st, ev, tri);
    case CN_MACRO:
      {
        struct memo_slot *m = &st->memo[n->memo];
        if (m->gen[tri] == st->mgen && m->res[tri] != TRI_UNKNOWN)
          return m->res[tri];
        /* An unknown result is recomputed so the field it names is found again. */
        r = eval_node (n->kids[0], st, ev, tri);
        m->gen[tri] = st->mgen;
        m->res[tri] = r;
        return r;
      }
    }
  return TRI_FALSE;
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

size_t
rules_evaluate (const struct ruleset *rs, struct eval_state *st, struct event *ev, struct match_set *out)
{
  const uint32_t *idx;
  size_t n;

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
      bool tri = r->action != ACTION_LOG;
      st->unknown_field = NULL;
      enum tri res = eval_quick (r->cond, st, ev, tri);
      if (res == TRI_TRUE)
        match_add (out, r, false, NULL);
      else if (res == TRI_UNKNOWN)
        match_add (out, r, true, st->unknown_field);
    }
  return out->n;
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
}
