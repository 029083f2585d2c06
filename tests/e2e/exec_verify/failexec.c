/* An exec that fails (ENOENT), then a look at who traces this process:
 * vigil must have let go of it.  Prints "errno=E tracerpid=N". */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int
tracer_pid (void)
{
  char line[256];
  int pid = -1;
  FILE *f = fopen ("/proc/self/status", "r");
  if (f == NULL)
    return -1;
  while (fgets (line, sizeof line, f))
    if (sscanf (line, "TracerPid: %d", &pid) == 1)
      break;
  fclose (f);
  return pid;
}

int
main (void)
{
  char *argv[] = { "nonexistent", NULL };
  char *envp[] = { NULL };
  execve ("/nonexistent/program", argv, envp);
  int e = errno;
  /* vigil detaches at the stop the failed exec makes on its way back; give
   * the loop time to get there if it is busy (up to 10 s). */
  int t = tracer_pid ();
  for (int i = 0; i < 1000 && t != 0; i++)
    {
      nanosleep (&(struct timespec){ 0, 10000000 }, NULL);
      t = tracer_pid ();
    }
  printf ("errno=%s tracerpid=%d\n", e == ENOENT ? "ENOENT" : strerror (e), t);
  return 0;
}
