/* vigil: string -> index hash map. */
#include <string.h>

#include "vigil/error.h"
#include "vigil/strmap.h"

uint64_t
strmap_hash (const char *s, size_t n)
{
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++)
    {
      h ^= (unsigned char) s[i];
      h *= 1099511628211ull;
    }
  return h;
}

static struct strmap_entry *
strmap_find (const struct strmap *m, const char *key, size_t klen, uint64_t h)
{
  size_t mask = m->cap - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask)
    {
      struct strmap_entry *e = &m->slots[i];
      if (e->key == NULL)
        return e;
      if (e->hash == h && e->klen == klen && memcmp (e->key, key, klen) == 0)
        return e;
    }
}

static void
strmap_rehash (struct strmap *m)
{
  struct strmap old = *m;

  m->cap = old.cap ? old.cap * 2 : 16;
  m->slots = xcalloc (m->cap, sizeof *m->slots);
  for (size_t i = 0; i < old.cap; i++)
    if (old.slots[i].key)
      *strmap_find (m, old.slots[i].key, old.slots[i].klen, old.slots[i].hash) = old.slots[i];
  free (old.slots);
}

void
strmap_put (struct strmap *m, const char *key, size_t klen, size_t value)
{
  uint64_t h = strmap_hash (key, klen);

  if ((m->n + 1) * 2 > m->cap)
    strmap_rehash (m);
  struct strmap_entry *e = strmap_find (m, key, klen, h);
  if (e->key == NULL)
    m->n++;
  *e = (struct strmap_entry){ .key = key, .klen = klen, .hash = h, .value = value };
}

int
strmap_get (const struct strmap *m, const char *key, size_t klen, size_t *value)
{
  if (m->cap == 0)
    return -1;
  struct strmap_entry *e = strmap_find (m, key, klen, strmap_hash (key, klen));
  if (e->key == NULL)
    return -1;
  *value = e->value;
  return 0;
}

void
strmap_free (struct strmap *m)
{
  free (m->slots);
  memset (m, 0, sizeof *m);
}
