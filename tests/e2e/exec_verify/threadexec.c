/* An exec by a thread that is not the process's leader (its tid changes:
 * the kernel gives it the leader's), through /proc/self/fd/N so that only
 * the exec's own check can know what runs.
 *
 *   threadexec PATH [ARG]...   exits 99 if the exec fails */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static char **args;

static void *
exec_thread (void *arg)
{
  (void) arg;
  int fd = open (args[0], O_RDONLY);
  char p[64];
  snprintf (p, sizeof p, "/proc/self/fd/%d", fd);
  execv (p, args);
  perror ("execv");
  _exit (99);
}

int
main (int argc, char **argv)
{
  pthread_t th;
  if (argc < 2)
    return 2;
  args = argv + 1;
  if (pthread_create (&th, NULL, exec_thread, NULL) != 0)
    return 2;
  for (;;)
    pause ();
}
