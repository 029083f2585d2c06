/* vigil: YAML documents with positions, on libyaml's document API. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vigil/error.h"
#include "vigil/yamltree.h"

static struct diag_loc
mark_loc (const char *file, yaml_mark_t m)
{
  return (struct diag_loc){ .file = file, .line = (int) m.line + 1, .col = (int) m.column + 1 };
}

int
ydoc_load (struct ydoc *y, const char *file, const char *buf, size_t len, struct diag_list *d)
{
  yaml_parser_t parser;
  int ret = 0;

  memset (y, 0, sizeof *y);
  y->file = file;
  y->buf = buf;
  y->len = len;
  if (!yaml_parser_initialize (&parser))
    {
      diag_error (d, ((struct diag_loc){ .file = file }), "cannot initialise the YAML parser");
      return -1;
    }
  yaml_parser_set_input_string (&parser, (const unsigned char *) buf, len);
  if (!yaml_parser_load (&parser, &y->doc))
    {
      struct diag_loc loc = mark_loc (file, parser.problem_mark);
      if (parser.context)
        diag_error (d, loc, "YAML syntax: %s %s", parser.context, parser.problem ? parser.problem : "");
      else
        diag_error (d, loc, "YAML syntax: %s", parser.problem ? parser.problem : "unknown error");
      ret = -1;
    }
  else
    y->loaded = true;
  yaml_parser_delete (&parser);
  return ret;
}

void
ydoc_free (struct ydoc *y)
{
  if (y->loaded)
    yaml_document_delete (&y->doc);
  y->loaded = false;
}

yaml_node_t *
ydoc_root (struct ydoc *y)
{
  return y->loaded ? yaml_document_get_root_node (&y->doc) : NULL;
}

struct diag_loc
ynode_loc (const struct ydoc *y, const yaml_node_t *n)
{
  return mark_loc (y->file, n->start_mark);
}

const char *
ynode_str (const yaml_node_t *n)
{
  return n && n->type == YAML_SCALAR_NODE ? (const char *) n->data.scalar.value : NULL;
}

size_t
ynode_count (const yaml_node_t *n)
{
  if (n == NULL)
    return 0;
  if (n->type == YAML_SEQUENCE_NODE)
    return n->data.sequence.items.top - n->data.sequence.items.start;
  if (n->type == YAML_MAPPING_NODE)
    return n->data.mapping.pairs.top - n->data.mapping.pairs.start;
  return 0;
}

yaml_node_t *
yseq_item (struct ydoc *y, yaml_node_t *seq, size_t i)
{
  return yaml_document_get_node (&y->doc, seq->data.sequence.items.start[i]);
}

void
ymap_pair (struct ydoc *y, yaml_node_t *map, size_t i, yaml_node_t **key, yaml_node_t **value)
{
  yaml_node_pair_t *p = &map->data.mapping.pairs.start[i];
  *key = yaml_document_get_node (&y->doc, p->key);
  *value = yaml_document_get_node (&y->doc, p->value);
}

yaml_node_t *
ymap_get (struct ydoc *y, yaml_node_t *map, const char *key, yaml_node_t **key_out)
{
  if (map == NULL || map->type != YAML_MAPPING_NODE)
    return NULL;
  for (size_t i = 0, n = ynode_count (map); i < n; i++)
    {
      yaml_node_t *k, *v;
      ymap_pair (y, map, i, &k, &v);
      const char *ks = ynode_str (k);
      if (ks && strcmp (ks, key) == 0)
        {
          if (key_out)
            *key_out = k;
          return v;
        }
    }
  return NULL;
}

int
ynode_bool (const yaml_node_t *n, bool *out)
{
  static const char *const yes[] = { "true", "yes", "on", "y" };
  static const char *const no[] = { "false", "no", "off", "n" };
  const char *s = ynode_str (n);

  if (s == NULL)
    return -1;
  for (size_t i = 0; i < ARRAY_SIZE (yes); i++)
    if (strcasecmp (s, yes[i]) == 0)
      {
        *out = true;
        return 0;
      }
  for (size_t i = 0; i < ARRAY_SIZE (no); i++)
    if (strcasecmp (s, no[i]) == 0)
      {
        *out = false;
        return 0;
      }
  return -1;
}

int
ynode_int (const yaml_node_t *n, long long *out)
{
  const char *s = ynode_str (n);
  char *end;

  if (s == NULL || *s == '\0')
    return -1;
  errno = 0;
  long long v = strtoll (s, &end, 10);
  if (errno || *end != '\0')
    return -1;
  *out = v;
  return 0;
}

void
ynode_loctext (const struct ydoc *y, const yaml_node_t *n, struct loctext *lt)
{
  size_t start = n->start_mark.index, end = n->end_mark.index;

  if (start > y->len)
    start = y->len;
  if (end > y->len || end < start)
    end = y->len;
  loctext_from_scalar (lt, (const char *) n->data.scalar.value, n->data.scalar.length, y->buf + start,
                       end - start, ynode_loc (y, n));
}

const char *
ynode_kind_name (const yaml_node_t *n)
{
  if (n == NULL)
    return "nothing";
  switch (n->type)
    {
    case YAML_SCALAR_NODE:
      return "a string";
    case YAML_SEQUENCE_NODE:
      return "a sequence";
    case YAML_MAPPING_NODE:
      return "a mapping";
    default:
      return "nothing";
    }
}
