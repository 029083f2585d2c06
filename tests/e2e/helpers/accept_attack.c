/* accept_attack: accept/accept4 under a rule that denies one port.
 *
 *   accept_attack race OKPORT DENYPORT N
 *     fd 50 is a listener on OKPORT; a thread dup2s a listener on
 *     DENYPORT onto 50 and back, in a loop; a client connects to both
 *     ports; the main thread accepts on 50 N times.  Prints
 *     attempts= accepted= denied= denyport= errors=  (denyport: connections
 *     accepted from DENYPORT, which must stay 0 under vigil).
 *   accept_attack control OKPORT
 *     accept's results, one per line, to compare with the kernel's.
 *   accept_attack deny DENYPORT
 *     one accept on a listener on DENYPORT (with a pending connection).
 *   accept_attack wait OKPORT PIDFILE
 *     a blocking accept with a SIGUSR1 handler (SA_RESTART).
 *   accept_attack unix PATH
 *     one accept on a unix listener at PATH.
 *   accept_attack probe PORT PORT
 *     exits 0 if both ports can be listened on.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static atomic_int stop;
static int lok, ldeny;
static int okport, denyport;

static int
listener (int port, int type)
{
  int s = socket (AF_INET, type, 0), one = 1;
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons (port), .sin_addr.s_addr = htonl (0x7f000001) };
  setsockopt (s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind (s, (struct sockaddr *) &a, sizeof a) < 0 || (type == SOCK_STREAM && listen (s, 128) < 0))
    {
      perror ("listener");
      exit (2);
    }
  return s;
}

/* A connection to port; returns the client's socket (blocking connect,
 * or non-blocking when quick). */
static int
client (int port, bool quick)
{
  int c = socket (AF_INET, SOCK_STREAM | (quick ? SOCK_NONBLOCK : 0), 0);
  /* Closed with a reset: thousands of clients leave no TIME_WAIT behind
   * on ephemeral ports that later tests may bind. */
  struct linger reset = { 1, 0 };
  setsockopt (c, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons (port), .sin_addr.s_addr = htonl (0x7f000001) };
  connect (c, (struct sockaddr *) &a, sizeof a);
  return c;
}

static int
local_port (int fd)
{
  struct sockaddr_in a;
  socklen_t n = sizeof a;
  getsockname (fd, (struct sockaddr *) &a, &n);
  return ntohs (a.sin_port);
}

static void *
flipper (void *arg)
{
  (void) arg;
  while (!stop)
    {
      dup2 (ldeny, 50);
      dup2 (lok, 50);
    }
  return NULL;
}

static void *
connector (void *arg)
{
  (void) arg;
  for (long i = 0; !stop && i < 10000000; i++)
    {
      close (client (okport, true));
      close (client (denyport, true));
      usleep (20);
    }
  return NULL;
}

static int
race (int n)
{
  pthread_t f, c;
  int accepted = 0, denied = 0, denyhits = 0, errors = 0;

  lok = listener (okport, SOCK_STREAM);
  ldeny = listener (denyport, SOCK_STREAM);
  dup2 (lok, 50);
  pthread_create (&c, NULL, connector, NULL);
  pthread_create (&f, NULL, flipper, NULL);
  for (int i = 0; i < n; i++)
    {
      int fd = accept (50, NULL, NULL);
      if (fd >= 0)
        {
          accepted++;
          denyhits += local_port (fd) == denyport;
          close (fd);
        }
      else if (errno == EACCES)
        denied++;
      else
        errors++;
    }
  stop = 1;
  pthread_join (f, NULL);
  pthread_join (c, NULL);
  printf ("attempts=%d accepted=%d denied=%d denyport=%d errors=%d\n", n, accepted, denied, denyhits, errors);
  return 0;
}

static void
result (const char *what, int r)
{
  if (r < 0)
    printf ("%s: -1 %s\n", what, strerrorname_np (errno));
  else
    printf ("%s: ok\n", what);
}

/* One accept on l with a connection pending, addr/len as given; prints
 * the result, the returned length and the buffer's bytes. */
static void
accept_into (int l, const char *what, void *addr, socklen_t *len)
{
  int c = client (okport, false);
  int cport = local_port (c);
  int fd = accept (l, addr, len);
  if (fd < 0)
    {
      printf ("%s: -1 %s\n", what, strerrorname_np (errno));
      /* The connection may have been consumed (as the kernel does on
       * EFAULT); drain it either way. */
      int fl = fcntl (l, F_GETFL);
      fcntl (l, F_SETFL, fl | O_NONBLOCK);
      int d = accept (l, NULL, NULL);
      if (d >= 0)
        close (d);
      fcntl (l, F_SETFL, fl);
    }
  else
    {
      printf ("%s: fd=%d", what, fd);
      if (len && (uintptr_t) len > 4096)
        printf (" len=%u", (unsigned) *len);
      if (addr && (uintptr_t) addr > 4096)
        {
          struct sockaddr_in *in = addr;
          unsigned char *b = addr;
          printf (" bytes=");
          for (int i = 0; i < 20; i++)
            printf ("%02x", i == 2 || i == 3 ? (ntohs (in->sin_port) == cport ? 0xee : 0xdd) : b[i]);
        }
      printf ("\n");
      close (fd);
    }
  close (c);
}

static atomic_int handled;
static pthread_t main_thread;
static struct timespec handled_at;

static void
on_signal (int sig)
{
  (void) sig;
  handled++;
  clock_gettime (CLOCK_MONOTONIC, &handled_at);
}

static void *
late_kill (void *arg)
{
  (void) arg;
  usleep (150 * 1000);
  pthread_kill (main_thread, SIGUSR1);
  return NULL;
}

static void *
late_client (void *arg)
{
  usleep (*(int *) arg * 1000);
  int c = client (okport, false);
  usleep (300 * 1000);
  close (c);
  return NULL;
}

static int
control (void)
{
  int l = listener (okport, SOCK_STREAM);
  unsigned char buf[32];
  socklen_t len;
  pthread_t t;

  /* Addresses and lengths, as move_addr_to_user writes them. */
  memset (buf, 0xaa, sizeof buf), len = sizeof (struct sockaddr_in);
  accept_into (l, "full", buf, &len);
  memset (buf, 0xaa, sizeof buf), len = 32;
  accept_into (l, "larger", buf, &len);
  memset (buf, 0xaa, sizeof buf), len = 4;
  accept_into (l, "truncated", buf, &len);
  memset (buf, 0xaa, sizeof buf), len = 0;
  accept_into (l, "zero", buf, &len);
  accept_into (l, "null", NULL, NULL);
  memset (buf, 0xaa, sizeof buf), len = (socklen_t) -1;
  accept_into (l, "negative", buf, &len);
  accept_into (l, "bad-len-ptr", buf, (socklen_t *) 8);
  len = 16;
  accept_into (l, "bad-addr", (void *) 8, &len);
  socklen_t *ro = mmap (NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  *ro = 16;
  mprotect (ro, 4096, PROT_READ);
  accept_into (l, "readonly-len", buf, ro);

  /* Blocking: the connection arrives later. */
  int ms = 200;
  pthread_create (&t, NULL, late_client, &ms);
  int fd = accept (l, NULL, NULL);
  result ("blocking", fd);
  struct stat st;
  printf ("blocking: owner is the caller: %d\n", fd >= 0 && fstat (fd, &st) == 0 && st.st_uid == geteuid ());
  if (fd >= 0)
    close (fd);
  pthread_join (t, NULL);

  /* Flags of accept4, and of the listener's open file. */
  int c = client (okport, false);
  fd = accept4 (l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
  printf ("accept4-flags: nonblock=%d cloexec=%d\n", fd >= 0 && (fcntl (fd, F_GETFL) & O_NONBLOCK) != 0,
          fd >= 0 && (fcntl (fd, F_GETFD) & FD_CLOEXEC) != 0);
  close (fd), close (c);
  c = client (okport, false);
  fd = accept4 (l, NULL, NULL, 0);
  printf ("accept4-noflags: nonblock=%d cloexec=%d\n", fd >= 0 && (fcntl (fd, F_GETFL) & O_NONBLOCK) != 0,
          fd >= 0 && (fcntl (fd, F_GETFD) & FD_CLOEXEC) != 0);
  close (fd), close (c);
  result ("accept4-badflags", accept4 (l, NULL, NULL, 0x1));
  fcntl (l, F_SETFL, O_NONBLOCK);
  result ("nonblocking-empty", accept (l, NULL, NULL));
  fcntl (l, F_SETFL, 0);

  /* Errors of the fd itself. */
  result ("bad-fd", accept (999, NULL, NULL));
  int file = open ("/dev/null", O_RDONLY);
  result ("not-socket", accept (file, NULL, NULL));
  int unl = socket (AF_INET, SOCK_STREAM, 0);
  result ("not-listening", accept (unl, NULL, NULL));
  int udp = listener (0, SOCK_DGRAM);
  result ("udp", accept (udp, NULL, NULL));

  /* SO_RCVTIMEO: EAGAIN after the timeout. */
  struct timeval tv = { 0, 300 * 1000 };
  setsockopt (l, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  result ("rcvtimeo", accept (l, NULL, NULL));
  tv.tv_usec = 0;
  setsockopt (l, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

  /* A signal without SA_RESTART: EINTR; the connection that comes next
   * is the next accept's (no job left waiting takes it). */
  struct sigaction sa = { .sa_handler = on_signal };
  sigaction (SIGALRM, &sa, NULL);
  sigaction (SIGUSR1, &sa, NULL);
  struct itimerval it = { .it_value = { 0, 150 * 1000 } };
  setitimer (ITIMER_REAL, &it, NULL);
  result ("signal-eintr", accept (l, NULL, NULL));
  for (int i = 0; i < 3; i++)
    {
      c = client (okport, false);
      usleep (100 * 1000); /* an orphaned accept would take it now */
      fd = accept4 (l, NULL, NULL, SOCK_NONBLOCK);
      printf ("after-signal-%d: %s\n", i, fd >= 0 ? "ok" : strerrorname_np (errno));
      if (fd >= 0)
        close (fd);
      close (c);
    }
  /* The same from another thread, at this one. */
  main_thread = pthread_self ();
  pthread_create (&t, NULL, late_kill, NULL);
  result ("signal-thread", accept (l, NULL, NULL));
  pthread_join (t, NULL);
  /* With SA_RESTART: the accept goes on and gets the late connection. */
  sa.sa_flags = SA_RESTART;
  sigaction (SIGALRM, &sa, NULL);
  setitimer (ITIMER_REAL, &it, NULL);
  ms = 400;
  pid_t child = fork (); /* not a thread: the signal is the only thread's */
  if (child == 0)
    {
      late_client (&ms);
      _exit (0);
    }
  fd = accept (l, NULL, NULL);
  struct timespec back;
  clock_gettime (CLOCK_MONOTONIC, &back);
  result ("signal-restart", fd);
  /* As the kernel: the handler ran while the accept waited. */
  long gap_ms = (back.tv_sec - handled_at.tv_sec) * 1000 + (back.tv_nsec - handled_at.tv_nsec) / 1000000;
  printf ("signal-restart: handler ran during the wait: %d\n", gap_ms > 100);
  waitpid (child, NULL, 0);
  printf ("handled: %d\n", handled);
  return 0;
}

static int
deny (void)
{
  int l = listener (denyport, SOCK_STREAM);
  int c = client (denyport, false);
  struct sockaddr_in a;
  socklen_t n = sizeof a;
  result ("deny", accept (l, (struct sockaddr *) &a, &n));
  close (c);
  return 0;
}

/* An accept on a unix listener at path: its peer has no IP end, so a rule
 * on fd.sport cannot match it. */
static int
unix_accept (const char *path)
{
  struct sockaddr_un a = { .sun_family = AF_UNIX };
  snprintf (a.sun_path, sizeof a.sun_path, "%s", path);
  int l = socket (AF_UNIX, SOCK_STREAM, 0), c = socket (AF_UNIX, SOCK_STREAM, 0);
  if (bind (l, (struct sockaddr *) &a, sizeof a) < 0 || listen (l, 5) < 0
      || connect (c, (struct sockaddr *) &a, sizeof a) < 0)
    {
      perror ("unix");
      return 2;
    }
  struct sockaddr_un peer;
  socklen_t n = sizeof peer;
  int fd = accept (l, (struct sockaddr *) &peer, &n);
  if (fd < 0)
    printf ("unix: -1 %s\n", strerrorname_np (errno));
  else
    printf ("unix: ok len=%u\n", (unsigned) n);
  return 0;
}

/* Block in accept with a SIGUSR1 handler (SA_RESTART); the pid goes to
 * pidfile.  A SIGUSR1 then a SIGTERM must end it, as natively. */
static int
wait_signals (const char *pidfile)
{
  int l = listener (okport, SOCK_STREAM);
  struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
  sigaction (SIGUSR1, &sa, NULL);
  FILE *f = fopen (pidfile, "w");
  fprintf (f, "%d\n", (int) getpid ());
  fclose (f);
  result ("wait", accept (l, NULL, NULL));
  return 0;
}

int
main (int argc, char **argv)
{
  setvbuf (stdout, NULL, _IOLBF, 0);
  if (argc == 5 && strcmp (argv[1], "race") == 0)
    {
      okport = atoi (argv[2]), denyport = atoi (argv[3]);
      return race (atoi (argv[4]));
    }
  if (argc == 3 && strcmp (argv[1], "control") == 0)
    {
      okport = atoi (argv[2]);
      return control ();
    }
  if (argc == 3 && strcmp (argv[1], "unix") == 0)
    return unix_accept (argv[2]);
  if (argc == 4 && strcmp (argv[1], "probe") == 0)
    {
      /* Both ports free to listen on?  (exits 2 if not) */
      listener (atoi (argv[2]), SOCK_STREAM);
      listener (atoi (argv[3]), SOCK_STREAM);
      return 0;
    }
  if (argc == 4 && strcmp (argv[1], "wait") == 0)
    {
      okport = atoi (argv[2]);
      return wait_signals (argv[3]);
    }
  if (argc == 3 && strcmp (argv[1], "deny") == 0)
    {
      denyport = atoi (argv[2]);
      return deny ();
    }
  fprintf (stderr, "usage: accept_attack race OKPORT DENYPORT N | control OKPORT | deny DENYPORT\n");
  return 2;
}
