/* Race an open against vigil's deny rule on opens.
 *
 *   race_open MODE PHASE DIR N
 *
 * DIR holds (made by the caller): ok (allowed file), locked/secret (the
 * denied file, S), okdir/secret (allowed), and what each mode needs.  A
 * second thread keeps changing what the path names while this one opens
 * it N times.  In the control phase the changes only ever name allowed
 * files; in the race phase they also name S.  Prints
 *   opened=K denied=D secret=X
 * where X counts returned fds that refer to S (by device and inode): any
 * X > 0 means the deny was dodged.
 *
 * Mode unlink races unlink() instead: DIR/lk is swapped (by rename)
 * between a symlink to okdir and (race phase) one to locked; the path
 * unlinked is DIR/lk/victim, and X counts the times locked/victim was
 * found removed (it is put back each time, from outside the rule). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char path[512];
static char alt[2][512];
static const char *dir;
static int race;
static atomic_int stop;
static int dfd_ok, dfd_locked, dfd_top;

static void
die (const char *what)
{
  perror (what);
  exit (2);
}

/* flip: the path buffer itself alternates between two strings. */
static void *
flip_thread (void *arg)
{
  (void) arg;
  for (unsigned i = 0; !atomic_load_explicit (&stop, memory_order_relaxed); i++)
    memcpy (path, alt[i & 1], sizeof path);
  return NULL;
}

/* symlink: DIR/link is replaced by rename, pointing at ok or at S. */
static void *
symlink_thread (void *arg)
{
  char a[600], b[600], link[600];
  (void) arg;
  snprintf (a, sizeof a, "%s/link.a", dir);
  snprintf (b, sizeof b, "%s/link.b", dir);
  snprintf (link, sizeof link, "%s/link", dir);
  for (unsigned i = 0; !atomic_load_explicit (&stop, memory_order_relaxed); i++)
    {
      const char *src = (i & 1) ? a : b;
      char tmp[600];
      snprintf (tmp, sizeof tmp, "%s.tmp", src);
      /* Keep link.a / link.b in place: link a copy of the chosen one. */
      unlink (tmp);
      char target[600];
      ssize_t n = readlink (src, target, sizeof target - 1);
      if (n < 0)
        die ("readlink");
      target[n] = '\0';
      if (symlink (target, tmp) < 0 || rename (tmp, link) < 0)
        die ("symlink swap");
    }
  return NULL;
}

/* dir: DIR/via is exchanged with DIR/spare: one holds a regular allowed
 * file "secret", the other (race phase) a symlink "secret" to S. */
static void *
dir_thread (void *arg)
{
  (void) arg;
  while (!atomic_load_explicit (&stop, memory_order_relaxed))
    if (renameat2 (dfd_top, "via", dfd_top, "spare", RENAME_EXCHANGE) < 0)
      die ("renameat2");
  return NULL;
}

static int
open_once (const char *mode)
{
  if (strcmp (mode, "dirfd") == 0)
    return openat (dfd_top, path, O_RDONLY | O_CLOEXEC);
  return open (path, O_RDONLY | O_CLOEXEC);
}

/* unlink mode: DIR/lk flips between okdir (lk.a) and lk.b. */
static void *
unlink_thread (void *arg)
{
  (void) arg;
  for (unsigned i = 0; !atomic_load_explicit (&stop, memory_order_relaxed); i++)
    {
      char src[600], dst[600];
      snprintf (src, sizeof src, "%s/lk.%c", dir, (i & 1) ? 'a' : 'b');
      snprintf (dst, sizeof dst, "%s/lk", dir);
      /* link a fresh name to the chosen symlink and rename it over lk */
      char tmp[600], target[600];
      snprintf (tmp, sizeof tmp, "%s.tmp", src);
      ssize_t n = readlink (src, target, sizeof target - 1);
      if (n < 0)
        die ("readlink");
      target[n] = '\0';
      unlink (tmp);
      if (symlink (target, tmp) < 0 || rename (tmp, dst) < 0)
        die ("swap lk");
    }
  return NULL;
}

static int
race_unlink (long n)
{
  char victim[600], okvictim[600], path[600];
  long removed = 0, denied = 0, other = 0, bad = 0;
  pthread_t t;

  snprintf (victim, sizeof victim, "%s/locked/victim", dir);
  snprintf (okvictim, sizeof okvictim, "%s/okdir/victim", dir);
  snprintf (path, sizeof path, "%s/lk/victim", dir);
  if (pthread_create (&t, NULL, unlink_thread, NULL) != 0)
    die ("pthread_create");
  for (long i = 0; i < n; i++)
    {
      int fd = open (okvictim, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
      if (fd >= 0)
        close (fd);
      if (unlink (path) == 0)
        removed++;
      else if (errno == EACCES)
        denied++;
      else
        other++;
      if (access (victim, F_OK) != 0)
        bad++;
    }
  atomic_store (&stop, 1);
  pthread_join (t, NULL);
  printf ("attempts=%ld opened=%ld denied=%ld failed=%ld secret=%ld\n", n, removed, denied, other, bad);
  return 0;
}

int
main (int argc, char **argv)
{
  struct stat secret, st;
  pthread_t t;
  void *(*fn) (void *) = flip_thread;
  long n, opened = 0, denied = 0, bad = 0, other = 0;
  char buf[600];

  if (argc != 5)
    {
      fprintf (stderr, "usage: %s flip|symlink|dir|procfd|dirfd control|race DIR N\n", argv[0]);
      return 2;
    }
  const char *mode = argv[1];
  race = strcmp (argv[2], "race") == 0;
  dir = argv[3];
  n = atol (argv[4]);
  snprintf (buf, sizeof buf, "%s/locked/secret", dir);
  /* S's identity, taken outside the supervisor by the caller's ls -i would
   * do too; stat does not open, so vigil's open rule does not see it. */
  if (stat (buf, &secret) < 0)
    die ("stat secret");
  snprintf (buf, sizeof buf, "%s/okdir", dir);
  dfd_ok = open (buf, O_PATH | O_DIRECTORY | O_CLOEXEC);
  snprintf (buf, sizeof buf, "%s/locked", dir);
  dfd_locked = open (buf, O_PATH | O_DIRECTORY | O_CLOEXEC);
  dfd_top = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd_ok < 0 || dfd_locked < 0 || dfd_top < 0)
    die ("open dirs");

  if (strcmp (mode, "unlink") == 0)
    return race_unlink (n);
  if (strcmp (mode, "flip") == 0)
    {
      snprintf (alt[0], sizeof alt[0], "%s/ok", dir);
      snprintf (alt[1], sizeof alt[1], race ? "%s/locked/secret" : "%s/okdir/secret", dir);
    }
  else if (strcmp (mode, "procfd") == 0)
    {
      snprintf (alt[0], sizeof alt[0], "/proc/self/fd/%d/secret", dfd_ok);
      snprintf (alt[1], sizeof alt[1], "/proc/self/fd/%d/secret", race ? dfd_locked : dfd_ok);
    }
  else if (strcmp (mode, "dirfd") == 0)
    {
      snprintf (alt[0], sizeof alt[0], "okdir/secret");
      snprintf (alt[1], sizeof alt[1], race ? "locked/secret" : "ok");
    }
  else if (strcmp (mode, "symlink") == 0)
    {
      fn = symlink_thread;
      snprintf (path, sizeof path, "%s/link", dir);
    }
  else if (strcmp (mode, "dir") == 0)
    {
      fn = dir_thread;
      snprintf (path, sizeof path, "%s/via/secret", dir);
    }
  else
    {
      fprintf (stderr, "unknown mode %s\n", mode);
      return 2;
    }
  if (fn == flip_thread)
    memcpy (path, alt[0], sizeof path);
  if (pthread_create (&t, NULL, fn, NULL) != 0)
    die ("pthread_create");
  for (long i = 0; i < n; i++)
    {
      int fd = open_once (mode);
      if (fd < 0)
        {
          if (errno == EACCES)
            denied++;
          else
            other++;
          continue;
        }
      opened++;
      if (fstat (fd, &st) == 0 && st.st_dev == secret.st_dev && st.st_ino == secret.st_ino)
        bad++;
      close (fd);
    }
  atomic_store (&stop, 1);
  pthread_join (t, NULL);
  printf ("attempts=%ld opened=%ld denied=%ld failed=%ld secret=%ld\n", n, opened, denied, other, bad);
  return 0;
}
