/* vigil: the error contract and allocation helpers. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "vigil/error.h"

int
vigil_make_error (vigil_error_t *err, int status, const char *fmt, ...)
{
  va_list ap;
  char *msg = NULL;

  if (err == NULL)
    return -1;
  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  va_end (ap);
  if (msg && status)
    {
      char *full = NULL;
      if (asprintf (&full, "%s: %s", msg, strerror (status)) >= 0)
        {
          free (msg);
          msg = full;
        }
    }
  vigil_error_release (err);
  *err = xmalloc (sizeof **err);
  (*err)->status = status;
  (*err)->msg = msg ? msg : xstrdup ("out of memory");
  return -1;
}

void
vigil_error_release (vigil_error_t *err)
{
  if (err == NULL || *err == NULL)
    return;
  free ((*err)->msg);
  free (*err);
  *err = NULL;
}

void
vigil_error_print (vigil_error_t *err, FILE *stream)
{
  if (err == NULL || *err == NULL)
    return;
  fprintf (stream, "vigil: %s\n", (*err)->msg);
  vigil_error_release (err);
}

int
vigil_msg_error (char *msg, size_t msgsz, const char *fmt, ...)
{
  va_list ap;

  if (msg && msgsz)
    {
      va_start (ap, fmt);
      vsnprintf (msg, msgsz, fmt, ap);
      va_end (ap);
    }
  return -1;
}

static void
out_of_memory (size_t n)
{
  fprintf (stderr, "vigil: out of memory (allocating %zu bytes)\n", n);
  abort ();
}

void *
xmalloc (size_t n)
{
  void *p = malloc (n ? n : 1);
  if (p == NULL)
    out_of_memory (n);
  return p;
}

void *
xcalloc (size_t n, size_t size)
{
  void *p = calloc (n ? n : 1, size ? size : 1);
  if (p == NULL)
    out_of_memory (n * size);
  return p;
}

void *
xrealloc (void *p, size_t n)
{
  p = realloc (p, n ? n : 1);
  if (p == NULL)
    out_of_memory (n);
  return p;
}

char *
xstrdup (const char *s)
{
  return xstrndup (s, strlen (s));
}

char *
xstrndup (const char *s, size_t n)
{
  char *p = xmalloc (n + 1);
  memcpy (p, s, n);
  p[n] = '\0';
  return p;
}

void
xgrow (void *arr, size_t *cap, size_t need, size_t size)
{
  void **a = arr;
  size_t c = *cap;

  if (need < c)
    return;
  if (c == 0)
    c = 8;
  while (c <= need)
    {
      if (c > ((size_t) -1) / 2 / size)
        out_of_memory (c * size);
      c *= 2;
    }
  *a = xrealloc (*a, c * size);
  *cap = c;
}
