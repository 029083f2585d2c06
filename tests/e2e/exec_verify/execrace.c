/* The execve race against exec verification: vfork children share this
 * process's memory, where a thread flips the path (and argv[0]) between an
 * allowed and a denied program while each child execs it.
 *
 *   execrace control|race DIR N
 *
 * DIR holds prog_a (allowed: exits 0) and prog_d (denied: exits 42 and
 * prints DENIED-RAN, if it ever runs).  The two names differ in one byte,
 * so every read of the path sees one whole name or the other.  Prints
 * "PHASE attempts=N allowed=A killed=K denied_ran=D other=O". */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char path[4096];
static size_t flip_at;
static atomic_bool stop;

static void *
flipper (void *arg)
{
  (void) arg;
  volatile char *c = &path[flip_at];
  while (!atomic_load_explicit (&stop, memory_order_relaxed))
    {
      *c = 'd';
      __builtin_ia32_pause ();
      *c = 'a';
      __builtin_ia32_pause ();
    }
  return NULL;
}

int
main (int argc, char **argv)
{
  if (argc != 4)
    {
      fprintf (stderr, "usage: execrace control|race DIR N\n");
      return 2;
    }
  bool race = strcmp (argv[1], "race") == 0;
  long n = atol (argv[3]);
  snprintf (path, sizeof path, "%s/prog_a", argv[2]);
  flip_at = strlen (path) - 1;

  pthread_t th;
  if (race && pthread_create (&th, NULL, flipper, NULL) != 0)
    {
      perror ("pthread_create");
      return 2;
    }
  char *child_argv[] = { path, NULL };
  char *child_env[] = { NULL };
  long allowed = 0, killed = 0, denied = 0, other = 0;
  for (long i = 0; i < n; i++)
    {
      pid_t pid = vfork ();
      if (pid < 0)
        {
          perror ("vfork");
          return 2;
        }
      if (pid == 0)
        {
          execve (path, child_argv, child_env);
          _exit (127);
        }
      int st;
      while (waitpid (pid, &st, 0) < 0 && errno == EINTR)
        ;
      if (WIFEXITED (st) && WEXITSTATUS (st) == 0)
        allowed++;
      else if (WIFEXITED (st) && WEXITSTATUS (st) == 42)
        denied++;
      else if (WIFSIGNALED (st) && WTERMSIG (st) == SIGKILL)
        killed++;
      else
        other++;
    }
  if (race)
    {
      atomic_store (&stop, true);
      pthread_join (th, NULL);
    }
  printf ("%s attempts=%ld allowed=%ld killed=%ld denied_ran=%ld other=%ld\n", argv[1], n, allowed, killed, denied,
          other);
  return 0;
}
