/* vigil: diagnostics and located text. */
#include <ctype.h>
#include <stdarg.h>
#include <string.h>

#include "vigil/diag.h"
#include "vigil/error.h"

void
diag_add (struct diag_list *d, enum diag_severity sev, struct diag_loc loc, const char *fmt, ...)
{
  va_list ap;
  char *msg = NULL;

  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = xstrdup ("(message lost: out of memory)");
  va_end (ap);
  xgrow (&d->v, &d->cap, d->n, sizeof *d->v);
  d->v[d->n++] = (struct diag){ .sev = sev, .loc = loc, .msg = msg };
  if (sev == DIAG_ERROR)
    d->nerrors++;
  else
    d->nwarnings++;
}

const char *
diag_intern (struct diag_list *d, const char *file)
{
  for (size_t i = 0; i < d->nfiles; i++)
    if (strcmp (d->files[i], file) == 0)
      return d->files[i];
  xgrow (&d->files, &d->files_cap, d->nfiles, sizeof *d->files);
  d->files[d->nfiles] = xstrdup (file);
  return d->files[d->nfiles++];
}

static void
print_loc (FILE *out, struct diag_loc loc)
{
  if (loc.file == NULL)
    return;
  if (loc.line > 0 && loc.col > 0)
    fprintf (out, "%s:%d:%d: ", loc.file, loc.line, loc.col);
  else if (loc.line > 0)
    fprintf (out, "%s:%d: ", loc.file, loc.line);
  else
    fprintf (out, "%s: ", loc.file);
}

void
diag_print (const struct diag_list *d, FILE *out)
{
  for (size_t i = 0; i < d->n; i++)
    {
      print_loc (out, d->v[i].loc);
      fprintf (out, "%s: %s\n", d->v[i].sev == DIAG_ERROR ? "error" : "warning", d->v[i].msg);
    }
}

void
diag_list_free (struct diag_list *d)
{
  for (size_t i = 0; i < d->n; i++)
    free (d->v[i].msg);
  for (size_t i = 0; i < d->nfiles; i++)
    free (d->files[i]);
  free (d->v);
  free (d->files);
  memset (d, 0, sizeof *d);
}

/* ---- loctext ---- */

/* How far ahead in the raw text a decoded character is looked for: escapes
 * ("\x41") decode to a character not found verbatim, and then the position
 * stays where it was rather than running to the end of the scalar. */
#define ALIGN_WINDOW 16

void
loctext_from_scalar (struct loctext *lt, const char *value, size_t vlen, const char *raw, size_t rawlen,
                     struct diag_loc start)
{
  size_t r = 0;
  struct diag_loc cur = start;

  lt->s = xstrndup (value, vlen);
  lt->len = vlen;
  lt->locs = xmalloc ((vlen + 1) * sizeof *lt->locs);
  for (size_t i = 0; i < vlen; i++)
    {
      unsigned char c = value[i];
      if (!isspace (c))
        {
          /* Look ahead for the same byte, tracking line and column. */
          struct diag_loc probe = cur;
          size_t k = r;
          for (; k < rawlen && k - r < ALIGN_WINDOW; k++)
            {
              if ((unsigned char) raw[k] == c)
                break;
              if (raw[k] == '\n')
                {
                  probe.line++;
                  probe.col = 1;
                }
              else
                probe.col++;
            }
          if (k < rawlen && (unsigned char) raw[k] == c)
            {
              cur = probe;
              lt->locs[i] = cur;
              r = k + 1;
              cur.col++;
              continue;
            }
        }
      lt->locs[i] = cur;
    }
  lt->locs[vlen] = cur;
}

void
loctext_from_plain (struct loctext *lt, const char *value, struct diag_loc loc)
{
  size_t n = strlen (value);
  lt->s = xstrndup (value, n);
  lt->len = n;
  lt->locs = xmalloc ((n + 1) * sizeof *lt->locs);
  for (size_t i = 0; i <= n; i++)
    lt->locs[i] = loc;
}

void
loctext_append (struct loctext *lt, const char *sep, const struct loctext *other)
{
  size_t slen = strlen (sep);
  size_t n = lt->len + slen + other->len;
  struct diag_loc end = lt->locs ? lt->locs[lt->len] : other->locs[0];

  lt->s = xrealloc (lt->s, n + 1);
  lt->locs = xrealloc (lt->locs, (n + 1) * sizeof *lt->locs);
  memcpy (lt->s + lt->len, sep, slen);
  for (size_t i = 0; i < slen; i++)
    lt->locs[lt->len + i] = end;
  memcpy (lt->s + lt->len + slen, other->s, other->len);
  memcpy (lt->locs + lt->len + slen, other->locs, (other->len + 1) * sizeof *lt->locs);
  lt->len = n;
  lt->s[n] = '\0';
}

void
loctext_copy (struct loctext *dst, const struct loctext *src)
{
  dst->s = xstrndup (src->s, src->len);
  dst->len = src->len;
  dst->locs = xmalloc ((src->len + 1) * sizeof *dst->locs);
  memcpy (dst->locs, src->locs, (src->len + 1) * sizeof *dst->locs);
}

struct diag_loc
loctext_loc (const struct loctext *lt, size_t off)
{
  if (lt->locs == NULL)
    return (struct diag_loc){ 0 };
  return lt->locs[off < lt->len ? off : lt->len];
}

void
loctext_free (struct loctext *lt)
{
  free (lt->s);
  free (lt->locs);
  memset (lt, 0, sizeof *lt);
}
