/* vigil: a string -> index hash map (open addressing), for name tables
 * built at load time: macros, lists, interned field references. */
#ifndef VIGIL_STRMAP_H
#define VIGIL_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap {
  struct strmap_entry {
    const char *key; /* borrowed: must outlive the map */
    size_t klen;
    uint64_t hash;
    size_t value;
  } *slots;
  size_t cap, n;
};

/** Insert or replace key -> value.  The key is borrowed, not copied. */
void strmap_put (struct strmap *m, const char *key, size_t klen, size_t value);
/** Look up a key: 0 and *value on success, -1 when absent. */
int strmap_get (const struct strmap *m, const char *key, size_t klen, size_t *value);
void strmap_free (struct strmap *m);

/** FNV-1a, exposed so other tables hash alike. */
uint64_t strmap_hash (const char *s, size_t n);

#endif
