/* vigil: the comparison operators and transformers of the condition
 * language, on typed values.  The right side of a comparison is prepared
 * once at compile time (numbers parsed, regexes compiled with PCRE2 JIT,
 * `in` lists hashed) so evaluation does no parsing. */
#ifndef VIGIL_OPS_H
#define VIGIL_OPS_H

#include <stdbool.h>
#include <stddef.h>

#include "vigil/arena.h"
#include "vigil/cond.h"
#include "vigil/fields.h"

/* Limits that keep a hostile string from stalling a regex. */
#define REGEX_MATCH_LIMIT 100000
#define REGEX_DEPTH_LIMIT 1000

struct operand; /* opaque, ops.c */

/** Is `op` allowed on a field of type `t` (after transformers)?  Mirrors
 *  libsinsp's filter checks: string operators on strings only, ordering
 *  on numbers (and strings), bcontains/bstartswith on byte buffers... */
bool op_allowed (enum cond_op op, enum field_type t, bool is_list_field);

/** Prepare the right side of `lhs_type op strs[0..n)`; is_list says it was
 *  written as "(...)".  Fails with a message for a value that does not fit
 *  the type ("'abc' is not a number", "bad CIDR", PCRE2's error text for a
 *  bad regex with its offset). */
int operand_prepare (enum cond_op op, enum field_type lhs_type, bool lhs_is_list, const char *const *strs,
                     size_t n, bool is_list, struct operand **out, char *msg, size_t msgsz);

/** Compare a present value against a prepared operand.  TRI_UNKNOWN only
 *  when a regex hit its match or depth limit. */
enum tri operand_match (const struct operand *o, const struct value *v);

void operand_free (struct operand *o);

/** The right side's strings as given to operand_prepare (after list
 *  expansion), in order; *n receives the count.  The compiler reads them
 *  back to derive seccomp argument constraints. */
const char *const *operand_strings (const struct operand *o, size_t *n);

/** Compare two runtime values (the right side from val(field)). */
enum tri op_match_values (enum cond_op op, const struct value *lhs, const struct value *rhs);

/** Apply a transformer; the result lives in the arena.  -1 if the value
 *  cannot be transformed (b64 of invalid base64): treat as absent. */
int transform_apply (enum transformer t, const struct value *in, struct value *out, struct arena *a);

/** The type a transformer produces from type t, or -1 if t is not accepted
 *  (tolower of a number). */
int transform_result_type (enum transformer t, enum field_type in);

/* Building blocks, exposed for the unit tests. */
/** fnmatch(3) without FNM_PATHNAME: `*` crosses `/`. */
bool glob_match (const char *pat, const char *s, size_t slen, bool icase);
/** Falco's pmatch: s equals one of the paths or lies below one of them,
 *  component-wise ("/etc" matches "/etc/x" but not "/etcx"). */
bool path_prefix_match (const char *prefix, size_t plen, const char *s, size_t slen);
/** Parse "10.0.0.0/8", "::1/128", or a bare address (a /32 or /128 net). */
int cidr_parse (const char *s, struct ipaddr *addr, int *prefix);
bool cidr_contains (const struct ipaddr *net, int prefix, const struct ipaddr *ip);

#endif
