/* vigil: decisions that cannot change, remembered (decision_cache.h). */
#include <stdlib.h>
#include <string.h>

#include "vigil/decision_cache.h"
#include "vigil/error.h"
#include "vigil/strmap.h"

struct decision_entry {
  uint64_t hash; /* 0: empty */
  struct decision_key key; /* key.path owned, NUL-terminated */
};

struct decision_cache {
  size_t mask;
  struct decision_entry *v;
};

static uint64_t
key_hash (const struct decision_key *k)
{
  uint64_t h = strmap_hash ((const char *) k->args, sizeof k->args);

  h ^= ((uint64_t) k->arch << 32 | (uint32_t) k->nr) * 0x9e3779b97f4a7c15ull;
  if (k->path)
    h ^= strmap_hash (k->path, k->path_len) * 0xff51afd7ed558ccdull;
  return h ? h : 1;
}

static bool
key_equal (const struct decision_key *a, const struct decision_key *b)
{
  if (a->arch != b->arch || a->nr != b->nr || memcmp (a->args, b->args, sizeof a->args) != 0)
    return false;
  if (a->path == NULL || b->path == NULL)
    return a->path == b->path;
  return a->path_len == b->path_len && memcmp (a->path, b->path, a->path_len) == 0;
}

struct decision_cache *
decision_cache_new (size_t slots)
{
  size_t n = 1;
  while (n < slots)
    n <<= 1;
  struct decision_cache *dc = xcalloc (1, sizeof *dc);
  dc->mask = n - 1;
  dc->v = xcalloc (n, sizeof *dc->v);
  return dc;
}

void
decision_cache_free (struct decision_cache *dc)
{
  if (dc == NULL)
    return;
  for (size_t i = 0; i <= dc->mask; i++)
    free ((char *) dc->v[i].key.path);
  free (dc->v);
  free (dc);
}

bool
decision_cache_has (const struct decision_cache *dc, const struct decision_key *k)
{
  uint64_t h = key_hash (k);
  const struct decision_entry *e = &dc->v[h & dc->mask];

  return e->hash == h && key_equal (&e->key, k);
}

void
decision_cache_add (struct decision_cache *dc, const struct decision_key *k)
{
  uint64_t h = key_hash (k);
  struct decision_entry *e = &dc->v[h & dc->mask];
  char *path = NULL;

  if (k->path)
    {
      path = xmalloc (k->path_len + 1);
      memcpy (path, k->path, k->path_len);
      path[k->path_len] = '\0';
    }
  free ((char *) e->key.path);
  e->hash = h;
  e->key = *k;
  e->key.path = path;
}
