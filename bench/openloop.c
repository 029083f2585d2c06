/* Benchmark workload: open and close one file N times, or (with K) each
 * of PATH.0 ... PATH.K-1 in turn, N opens in all. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  long n = argc > 1 ? atol (argv[1]) : 100000;
  const char *path = argc > 2 ? argv[2] : "/etc/hostname";
  long k = argc > 3 ? atol (argv[3]) : 0;
  char name[4096];

  for (long i = 0; i < n; i++)
    {
      if (k > 0)
        snprintf (name, sizeof name, "%s.%ld", path, i % k);
      int fd = open (k > 0 ? name : path, O_RDONLY);
      if (fd < 0)
        return 1;
      close (fd);
    }
  return 0;
}
