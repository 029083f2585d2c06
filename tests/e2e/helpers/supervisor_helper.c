/* Attacks on vigil's supervisor loop, run as the workload by
 * tests/e2e/attack_supervisor.sh.  Each mode prints what happened, one
 * fact a line; a process a kill rule hits prints nothing more.
 *
 *   thread_open PATH       a worker thread opens PATH; the main thread waits
 *   reuid_open PATH        become uid 65534, then open PATH
 *   fifo_flood DIR N OK KILL
 *                          N threads open N FIFOs without writers; then an
 *                          open of OK, then of KILL (a kill rule)
 *   fifo_flood_exec DIR N PROG
 *                          the same, then exec PROG (a kill rule) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *
errname (int e)
{
  switch (e)
    {
    case 0: return "ok";
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case EAGAIN: return "EAGAIN";
    case ENOENT: return "ENOENT";
    case EINTR: return "EINTR";
    case ENFILE: return "ENFILE";
    case EMFILE: return "EMFILE";
    default: return strerror (e);
    }
}

static void
say (const char *what, int e)
{
  printf ("%s %s\n", what, errname (e));
  fflush (stdout);
}

static int
try_open (const char *path)
{
  int fd = open (path, O_RDONLY);
  if (fd < 0)
    return errno;
  close (fd);
  return 0;
}

static void *
open_in_thread (void *arg)
{
  say ("thread_open", try_open (arg));
  return NULL;
}

static int
thread_open (const char *path)
{
  pthread_t t;
  if (pthread_create (&t, NULL, open_in_thread, (void *) path) != 0)
    return 1;
  pthread_join (t, NULL);
  say ("alive", 0);
  return 0;
}

static int
reuid_open (const char *path)
{
  if (setresuid (65534, 65534, 65534) < 0)
    {
      say ("setresuid", errno);
      return 1;
    }
  say ("reuid_open", try_open (path));
  say ("alive", 0);
  return 0;
}

static atomic_int started, returned, eagain;

static void *
open_fifo (void *arg)
{
  atomic_fetch_add (&started, 1);
  int e = try_open (arg);
  if (e == EAGAIN)
    atomic_fetch_add (&eagain, 1);
  atomic_fetch_add (&returned, 1);
  return NULL;
}

/* N threads blocked (or refused) in opens of FIFOs without writers. */
static int
flood (const char *dir, int n)
{
  pthread_attr_t attr;
  pthread_attr_init (&attr);
  pthread_attr_setstacksize (&attr, 64 * 1024);
  for (int i = 0; i < n; i++)
    {
      char *p;
      pthread_t t;
      if (asprintf (&p, "%s/fifo%d", dir, i) < 0 || (mkfifo (p, 0666) < 0 && errno != EEXIST))
        return -1;
      if (pthread_create (&t, &attr, open_fifo, p) != 0)
        return -1;
    }
  /* Until every thread is in its open and the refused ones are back. */
  for (int i = 0; i < 100 && atomic_load (&started) < n; i++)
    usleep (50000);
  int before = -1;
  for (int i = 0; i < 40 && atomic_load (&returned) != before; i++)
    {
      before = atomic_load (&returned);
      usleep (100000);
    }
  printf ("flood started %d returned %d eagain %d\n", atomic_load (&started), atomic_load (&returned),
          atomic_load (&eagain));
  fflush (stdout);
  return 0;
}

int
main (int argc, char **argv)
{
  if (argc == 3 && strcmp (argv[1], "thread_open") == 0)
    return thread_open (argv[2]);
  if (argc == 3 && strcmp (argv[1], "reuid_open") == 0)
    return reuid_open (argv[2]);
  if (argc == 6 && strcmp (argv[1], "fifo_flood") == 0)
    {
      if (flood (argv[2], atoi (argv[3])) < 0)
        return 1;
      say ("open_ok", try_open (argv[4]));
      say ("open_kill", try_open (argv[5]));
      say ("alive", 0);
      return 0;
    }
  if (argc == 5 && strcmp (argv[1], "fifo_flood_exec") == 0)
    {
      if (flood (argv[2], atoi (argv[3])) < 0)
        return 1;
      say ("open_ok", try_open ("/etc/hostname"));
      execl (argv[4], argv[4], (char *) NULL);
      say ("exec", errno);
      say ("alive", 0);
      return 0;
    }
  fprintf (stderr, "usage: see the comment at the top\n");
  return 2;
}
