/* vigil: compiled conditions, shared by the compiler (rules_compile.c)
 * and the evaluator (rules_eval.c).
 *
 * Macros are compiled once and shared by every rule that uses them; their
 * result is memoized per event, so `spawned_process and container` costs
 * one evaluation per event however many rules start with it.  A macro
 * that is a single cheap test, or that only one place can evaluate, is
 * not memoized: the memo would cost more than it saves.
 *
 * Every rule's condition is also compiled into a branching program
 * (struct cnode_step), which is how log rules are evaluated; deny and
 * kill rules, which need three-valued logic, walk the tree. */
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

/* String comparisons the evaluator answers inline, on a string value,
 * without calling operand_match: most comparisons in rules are one of
 * these and fail on the length or the first byte.  Only set on a node
 * without any_item. */
enum cnode_str_test {
  CS_NONE,   /* use operand_match */
  CS_EQ,     /* = str */
  CS_NE,     /* != str */
  CS_PREFIX, /* startswith str */
  CS_SUFFIX, /* endswith str */
};

/* A step of a branching program: a condition compiled for two-valued
 * logic (log rules), where every test is true or false.  A step tests its
 * leaf (a comparison, an event-type test or a memoized macro) and goes to
 * step next[result]; CNODE_STEP_FALSE and CNODE_STEP_TRUE end the
 * program with that result.  `and`, `or` and `not` are only jumps: `a and
 * b` is a with next[true] = b and next[false] = the and's false exit, so
 * the leaves are tested in the order, and with the short-circuits, of the
 * tree; only tests that cannot change the result are left out (an
 * event-type test the rule's event types decide, say: see prog_emit). */
struct cnode_step {
  const struct cnode *leaf;
  uint32_t next[2]; /* [0] when false, [1] when true */
};

#define CNODE_STEP_FALSE (UINT32_MAX - 1)
#define CNODE_STEP_TRUE UINT32_MAX

/* The fields a leaf test reads come first, so that one usually touches a
 * single cache line. */
struct cnode {
  enum cnode_kind kind;
  uint8_t str_test; /* enum cnode_str_test, for CN_CMP */
  bool negate;
  bool any_item; /* the value is a list: true if the comparison holds for some item */
  uint32_t slot; /* ref->slot, kept here so a cached value is one load away */
  uint32_t str_len;
  const char *str; /* the operand's string, for str_test */
  struct operand *operand;
  uint32_t memo;
  uint32_t n;
  struct cnode **kids;
  struct evttype_set *types;
  /* For a rule's condition and a memoized macro's body: the node as a
   * branching program, entered at step prog_start. */
  const struct cnode_step *prog;
  uint32_t prog_start;
  enum cond_op op;
  const struct field_ref *ref;
  const struct field_ref *rhs;
  /* Compiler's scratch: how often one matching pass can evaluate the
   * node (capped at 2), and its constant value (an enum tri) in the
   * branching program numbered fold_prog. */
  uint8_t evals;
  uint8_t fold_val;
  uint32_t fold_prog;
  /* Its dearest field (enum field_cost) plus one; 0 until worked out. */
  uint8_t cost;
};

#endif
