/* vigil: one error contract for the whole program.
 *
 * A fallible function returns a negative value and fills its
 * `vigil_error_t *err` out-parameter; only main() prints.  Helpers for
 * automatic cleanup of fds, memory and FILE streams follow crun's style. */
#ifndef VIGIL_ERROR_H
#define VIGIL_ERROR_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct vigil_error_s {
  int status;  /* errno value or 0 */
  char *msg;
};
typedef struct vigil_error_s *vigil_error_t;

/** Record an error in *err (if err is not NULL) and return -1.  `status`
 *  is an errno value appended as strerror text, or 0 for none. */
int vigil_make_error (vigil_error_t *err, int status, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/** Free an error and reset *err to NULL.  Safe on NULL. */
void vigil_error_release (vigil_error_t *err);

/** Print "vigil: MSG" to stream and release the error. */
void vigil_error_print (vigil_error_t *err, FILE *stream);

/** Write a message into msg[0..msgsz) (for functions whose error
 *  out-parameter is a message buffer) and return -1. */
int vigil_msg_error (char *msg, size_t msgsz, const char *fmt, ...) __attribute__ ((format (printf, 3, 4)));

/** Allocation that never returns NULL: aborts with a message instead. */
void *xmalloc (size_t n);
void *xcalloc (size_t n, size_t size);
void *xrealloc (void *p, size_t n);
char *xstrdup (const char *s);
char *xstrndup (const char *s, size_t n);
/** Grow *arr (element size `size`) so index `need` fits; doubles *cap. */
void xgrow (void *arr, size_t *cap, size_t need, size_t size);

static inline void
cleanup_freep (void *p)
{
  free (*(void **) p);
}
static inline void
cleanup_closep (int *fd)
{
  if (*fd >= 0)
    close (*fd);
}
static inline void
cleanup_fclosep (FILE **f)
{
  if (*f)
    fclose (*f);
}

#define cleanup_free __attribute__ ((cleanup (cleanup_freep)))
#define cleanup_close __attribute__ ((cleanup (cleanup_closep)))
#define cleanup_fclose __attribute__ ((cleanup (cleanup_fclosep)))

/** Transfer ownership out of a cleanup variable. */
#define steal_pointer(pp) \
  ({ __typeof__ (*(pp)) _p = *(pp); *(pp) = NULL; _p; })

#define ARRAY_SIZE(a) (sizeof (a) / sizeof ((a)[0]))

#endif
