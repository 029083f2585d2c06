/* Benchmark workload: open and close one file N times. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  long n = argc > 1 ? atol (argv[1]) : 100000;
  const char *path = argc > 2 ? argv[2] : "/etc/hostname";

  for (long i = 0; i < n; i++)
    {
      int fd = open (path, O_RDONLY);
      if (fd < 0)
        return 1;
      close (fd);
    }
  return 0;
}
