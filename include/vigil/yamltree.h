/* vigil: a loaded YAML document with source positions (libyaml's
 * document API), shared by the rules loader and the config reader. */
#ifndef VIGIL_YAMLTREE_H
#define VIGIL_YAMLTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

#include "vigil/diag.h"

struct ydoc {
  yaml_document_t doc;
  bool loaded;
  const char *file; /* interned in the diag_list */
  const char *buf;  /* the source text, borrowed: must outlive the ydoc */
  size_t len;
};

/** Parse buf as one YAML document.  On a syntax error, adds
 *  "file:line:col: error: ..." to d and returns -1.  An empty file loads
 *  as a document with no root (ydoc_root returns NULL). */
int ydoc_load (struct ydoc *y, const char *file, const char *buf, size_t len, struct diag_list *d);

void ydoc_free (struct ydoc *y);

/** The root node, or NULL for an empty document. */
yaml_node_t *ydoc_root (struct ydoc *y);

/** Position of a node's first character. */
struct diag_loc ynode_loc (const struct ydoc *y, const yaml_node_t *n);

/** The node's scalar text (NUL-terminated), or NULL if not a scalar. */
const char *ynode_str (const yaml_node_t *n);

/** Map lookup by key text; NULL when n is no mapping or the key is absent.
 *  If key_out is given it receives the key node. */
yaml_node_t *ymap_get (struct ydoc *y, yaml_node_t *map, const char *key, yaml_node_t **key_out);

/** Number of items of a sequence or pairs of a mapping (0 otherwise). */
size_t ynode_count (const yaml_node_t *n);
/** i-th item of a sequence. */
yaml_node_t *yseq_item (struct ydoc *y, yaml_node_t *seq, size_t i);
/** i-th pair of a mapping. */
void ymap_pair (struct ydoc *y, yaml_node_t *map, size_t i, yaml_node_t **key, yaml_node_t **value);

/** A scalar as a YAML 1.1 boolean (true/false/yes/no/on/off, any case).
 *  Returns -1 if the node is no boolean. */
int ynode_bool (const yaml_node_t *n, bool *out);

/** A scalar as a base-10 integer (within long long).  -1 if it is not one. */
int ynode_int (const yaml_node_t *n, long long *out);

/** Fill a loctext with a scalar's value and the position of each byte. */
void ynode_loctext (const struct ydoc *y, const yaml_node_t *n, struct loctext *lt);

/** Name of a node's kind for messages: "a mapping", "a sequence", "a string". */
const char *ynode_kind_name (const yaml_node_t *n);

#endif
