/* vigil: per-event scratch memory. */
#include <stdint.h>
#include <string.h>

#include "vigil/arena.h"
#include "vigil/error.h"

struct arena_chunk {
  struct arena_chunk *next;
  size_t used, cap;
  _Alignas (8) char data[];
};

#define ARENA_CHUNK 4096

void *
arena_alloc (struct arena *a, size_t n)
{
  struct arena_chunk *c = a->head;

  n = (n + 7) & ~(size_t) 7;
  if (c == NULL || c->cap - c->used < n)
    {
      size_t cap = n > ARENA_CHUNK ? n : ARENA_CHUNK;
      struct arena_chunk *nc = xmalloc (sizeof *nc + cap);
      nc->used = 0;
      nc->cap = cap;
      nc->next = c;
      a->head = c = nc;
    }
  void *p = c->data + c->used;
  c->used += n;
  return p;
}

char *
arena_strndup (struct arena *a, const char *s, size_t n)
{
  char *p = arena_alloc (a, n + 1);
  memcpy (p, s, n);
  p[n] = '\0';
  return p;
}

void
arena_reset (struct arena *a)
{
  struct arena_chunk *c = a->head;

  if (c == NULL)
    return;
  /* Keep the oldest chunk (the end of the list) for reuse. */
  while (c->next)
    {
      struct arena_chunk *next = c->next;
      free (c);
      c = next;
    }
  c->used = 0;
  a->head = c;
}

void
arena_free (struct arena *a)
{
  struct arena_chunk *c = a->head;
  while (c)
    {
      struct arena_chunk *next = c->next;
      free (c);
      c = next;
    }
  a->head = NULL;
}
