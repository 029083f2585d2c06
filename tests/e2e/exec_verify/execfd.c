/* Exec a program through a file descriptor:
 *   execfd empty PATH    execveat(fd, "", AT_EMPTY_PATH)
 *   execfd procfd PATH   execve("/proc/self/fd/N")
 * Prints the error and exits 99 if the exec fails. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  if (argc != 3)
    return 2;
  int fd = open (argv[2], O_RDONLY);
  if (fd < 0)
    {
      perror (argv[2]);
      return 2;
    }
  char *child_argv[] = { argv[2], NULL };
  char *child_env[] = { NULL };
  if (strcmp (argv[1], "empty") == 0)
    syscall (SYS_execveat, fd, "", child_argv, child_env, AT_EMPTY_PATH);
  else
    {
      char p[64];
      snprintf (p, sizeof p, "/proc/self/fd/%d", fd);
      execve (p, child_argv, child_env);
    }
  printf ("exec failed: %s\n", strerror (errno));
  return 99;
}
