/* vigil: diagnostics with file:line:col, collected so that every problem
 * in a rules or config file is reported, not only the first (jq's locfile). */
#ifndef VIGIL_DIAG_H
#define VIGIL_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct diag_loc {
  const char *file; /* interned, lives as long as the diag_list (see diag_intern) */
  int line;         /* 1-based; 0 when unknown */
  int col;          /* 1-based; 0 when unknown */
};

enum diag_severity { DIAG_ERROR, DIAG_WARNING };

struct diag {
  enum diag_severity sev;
  struct diag_loc loc;
  char *msg;
};

struct diag_list {
  struct diag *v;
  size_t n, cap;
  size_t nerrors, nwarnings;
  char **files; /* interned file names */
  size_t nfiles, files_cap;
};

/** Add an error or a warning at loc. */
void diag_add (struct diag_list *d, enum diag_severity sev, struct diag_loc loc, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));
#define diag_error(d, loc, ...) diag_add ((d), DIAG_ERROR, (loc), __VA_ARGS__)
#define diag_warn(d, loc, ...) diag_add ((d), DIAG_WARNING, (loc), __VA_ARGS__)

/** Intern a file name: the returned pointer lives until diag_list_free. */
const char *diag_intern (struct diag_list *d, const char *file);

/** Print every diagnostic as "file:line:col: error: message", in the order added. */
void diag_print (const struct diag_list *d, FILE *out);

/** Free messages and interned names. */
void diag_list_free (struct diag_list *d);

/* ---- loctext: a string whose every byte knows where it came from ----
 *
 * Conditions are assembled from YAML scalars (folded, appended across
 * files), so an offset in the final string is mapped back to the
 * file:line:col of the byte it came from. */
struct loctext {
  char *s;
  size_t len;
  struct diag_loc *locs; /* len + 1 entries; locs[len] is the end position */
};

/** Build from a decoded YAML scalar `value` whose source text is
 *  raw[0..rawlen) starting at `start`: positions of the decoded bytes are
 *  recovered by aligning them with the raw text (folding, quoting). */
void loctext_from_scalar (struct loctext *lt, const char *value, size_t vlen, const char *raw,
                          size_t rawlen, struct diag_loc start);

/** Build with every byte at the same location. */
void loctext_from_plain (struct loctext *lt, const char *value, struct diag_loc loc);

/** Append `sep` (located like the end of lt) and then `other`. */
void loctext_append (struct loctext *lt, const char *sep, const struct loctext *other);

void loctext_copy (struct loctext *dst, const struct loctext *src);

/** Location of byte offset `off` (clamped to the end). */
struct diag_loc loctext_loc (const struct loctext *lt, size_t off);

void loctext_free (struct loctext *lt);

#endif
