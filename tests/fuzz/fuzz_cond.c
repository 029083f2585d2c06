/* vigil: libFuzzer target for the condition parser.
 *
 * Parses the input as a condition; when it parses, renders it, parses the
 * rendering again and checks that rendering is stable (the round trip the
 * unit tests promise), then frees everything. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/cond.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct cond_parse_error err;
  struct cond_node *n = cond_parse ((const char *) data, size, &err);
  char *s1, *s2;
  struct cond_node *m;

  if (n == NULL)
    {
      if (err.offset > size || memchr (err.msg, '\0', sizeof err.msg) == NULL)
        abort ();
      return 0;
    }
  s1 = cond_to_string (n);
  m = cond_parse (s1, strlen (s1), &err);
  if (m == NULL)
    abort (); /* a rendering must parse again */
  s2 = cond_to_string (m);
  if (strcmp (s1, s2) != 0)
    abort (); /* and render the same */
  free (s1);
  free (s2);
  cond_free (m);
  cond_free (n);
  return 0;
}
