/* vigil: compiled conditions, shared by the compiler (rules_compile.c)
 * and the evaluator (rules_eval.c).
 *
 * Macros are compiled once and shared by every rule that uses them; their
 * result is memoized per event, so `spawned_process and container` costs
 * one evaluation per event however many rules start with it. */
#ifndef VIGIL_CNODE_H
#define VIGIL_CNODE_H

#include <stdbool.h>
#include <stdint.h>

#include "vigil/cond.h"
#include "vigil/evttypes.h"
#include "vigil/fields.h"

struct operand;

enum cnode_kind {
  CN_AND,     /* kids[0..n) */
  CN_OR,      /* kids[0..n) */
  CN_NOT,     /* kids[0] */
  CN_CMP,     /* ref op operand */
  CN_CMP_VAL, /* ref op val(rhs) */
  CN_EVTTYPE, /* the event's type is (or, if negate, is not) in types */
  CN_MACRO,   /* kids[0], memoized in slot memo */
};

struct cnode {
  enum cnode_kind kind;
  enum cond_op op;
  bool negate;
  bool any_item; /* the value is a list: true if the comparison holds for some item */
  uint32_t n;
  uint32_t memo;
  uint32_t slot; /* ref->slot, kept here so a cached value is one load away */
  struct cnode **kids;
  const struct field_ref *ref;
  const struct field_ref *rhs;
  struct operand *operand;
  struct evttype_set *types;
};

#endif
