/* vigil: a bump allocator for per-event scratch memory (transformed
 * values, decoded strings).  Pointers stay valid until arena_reset. */
#ifndef VIGIL_ARENA_H
#define VIGIL_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
  struct arena_chunk *head;
};

/** Allocate n bytes (8-byte aligned).  Never returns NULL. */
void *arena_alloc (struct arena *a, size_t n);
/** Copy s[0..n) and NUL-terminate. */
char *arena_strndup (struct arena *a, const char *s, size_t n);
/** Forget every allocation, keeping the first chunk for reuse. */
void arena_reset (struct arena *a);
void arena_free (struct arena *a);

#endif
