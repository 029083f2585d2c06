/* attack_creds.sh's workload for vigil's cache of roots: a thread keeps
 * opening PATH (absolute) while the main thread chroots into NEWROOT, by
 * a path slow to walk (symlinks to "./" repeated, created in the cwd) so
 * that the chroot takes effect well after vigil saw it.  Every open that starts after chroot returned must
 * read NEWROOT's copy of PATH.  Prints "stale N fresh M": N opens read
 * the old root's copy (first byte 'o') after the chroot returned.
 *
 *   root_race NEWROOT PATH       (as root, cwd: NEWROOT's parent) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *path;
static atomic_int chrooted, started;
static atomic_long stale, fresh;

static void *
opener (void *arg)
{
  (void) arg;
  for (long i = 0, after = 0; i < 2000000 && after < 2000; i++)
    {
      int was = atomic_load (&chrooted);
      int fd = open (path, O_RDONLY);
      char c = 0;
      if (fd >= 0)
        {
          if (read (fd, &c, 1) != 1)
            c = 0;
          close (fd);
        }
      atomic_store (&started, 1);
      if (!was)
        continue;
      after++;
      if (c == 'o')
        stale++;
      else
        fresh++;
    }
  return NULL;
}

/* A chain of 39 symlinks, each a path of ~800 "s/../" to the next (s: a
 * directory in the cwd): the chroot looks up some 60000 components.
 * Returns the chain's first name. */
static const char *
slow_chain (const char *newroot)
{
  static char body[4096], name[32], next[32];
  mkdir ("s", 0755);
  for (int i = 39; i >= 1; i--)
    {
      size_t n = 0;
      const char *to = i == 39 ? newroot : next;
      while (n + 5 + strlen (to) + 1 < sizeof body - 64)
        {
          memcpy (body + n, "s/../", 5);
          n += 5;
        }
      snprintf (body + n, sizeof body - n, "%s", to);
      snprintf (name, sizeof name, "slow.%d", i);
      unlink (name);
      if (symlink (body, name) < 0)
        return NULL;
      memcpy (next, name, sizeof next);
    }
  return name;
}

int
main (int argc, char **argv)
{
  pthread_t t[2];

  if (argc < 3)
    return 2;
  path = argv[2];
  const char *slow = slow_chain (argv[1]);
  /* Two openers: one of them is in its open when the chroot starts. */
  if (slow == NULL || pthread_create (&t[0], NULL, opener, NULL) != 0 || pthread_create (&t[1], NULL, opener, NULL) != 0)
    return 2;
  while (!atomic_load (&started))
    ;
  usleep (2000);
  if (chroot (slow) < 0)
    {
      perror ("chroot");
      return 2;
    }
  atomic_store (&chrooted, 1);
  pthread_join (t[0], NULL);
  pthread_join (t[1], NULL);
  printf ("stale %ld fresh %ld\n", atomic_load (&stale), atomic_load (&fresh));
  return 0;
}
