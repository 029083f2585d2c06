/* vigil: decisions that cannot change, remembered.
 *
 * An open whose evaluation matched no rule and read nothing but the
 * syscall's registers, the path it names (absolute) and what is constant
 * for the run (container identity, hostname) will match nothing again
 * when the same call names the same path: the rules are fixed, and so is
 * everything they read.  Such a call is answered without evaluating, as
 * fapolicyd answers from its decision cache.  Calls that read anything
 * else (the process, the user, the file's type, the time) are never
 * remembered, nor are matches (their alerts need every field).
 *
 * The cache is a fixed table (direct-mapped: a new key replaces the old
 * one in its slot), so its memory is bounded whatever the workload opens. */
#ifndef VIGIL_DECISION_CACHE_H
#define VIGIL_DECISION_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A call as the decision saw it: its registers, with the path pointer
 * zeroed, and the path (NULL when the decision did not read it, so that
 * any path decides the same). */
struct decision_key {
  uint32_t arch;
  int32_t nr;
  uint64_t args[6];
  const char *path;
  size_t path_len;
};

struct decision_cache;

/** A cache of `slots` entries (rounded up to a power of two). */
struct decision_cache *decision_cache_new (size_t slots);

void decision_cache_free (struct decision_cache *dc);

/** Whether k was remembered as matching no rule. */
bool decision_cache_has (const struct decision_cache *dc, const struct decision_key *k);

/** Remember that k matches no rule (its path is copied). */
void decision_cache_add (struct decision_cache *dc, const struct decision_key *k);

#endif
