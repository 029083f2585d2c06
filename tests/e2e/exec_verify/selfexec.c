/* A process that execs itself over and over, so signals sent to it land
 * while exec checks hold it.  SIGUSR1 stays blocked across each exec (a
 * pending one survives it) and is taken between execs, appending "u" to
 * MARK.  Each round also tries an exec that fails.  argv[4] counts the
 * execs (visible in /proc/PID/cmdline); the loop ends when STOP exists.
 *
 *   selfexec /abs/path/selfexec MARK STOP [COUNT] */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int mark_fd = -1;

static void
on_usr1 (int sig)
{
  (void) sig;
  write (mark_fd, "u", 1);
}

int
main (int argc, char **argv)
{
  sigset_t usr1;
  sigemptyset (&usr1);
  sigaddset (&usr1, SIGUSR1);
  sigprocmask (SIG_BLOCK, &usr1, NULL);
  if (argc < 4)
    return 2;
  mark_fd = open (argv[2], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  signal (SIGUSR1, on_usr1);
  sigprocmask (SIG_UNBLOCK, &usr1, NULL);
  sigprocmask (SIG_BLOCK, &usr1, NULL);
  if (access (argv[3], F_OK) == 0)
    return 0;
  char count[32];
  snprintf (count, sizeof count, "%ld", argc > 4 ? atol (argv[4]) + 1 : 1);
  char *next[] = { argv[1], argv[1], argv[2], argv[3], count, NULL };
  execv ("/nonexistent/program", next); /* a failed exec too: its stop differs */
  execv (argv[1], next);
  perror ("execv");
  return 1;
}
