/* Race a connect against vigil's deny rule on a destination port.
 *
 *   race_connect control|race ALLOWED_PORT DENIED_PORT N
 *
 * Listens on 127.0.0.1 on both ports (accepting on a thread), then
 * connects N times to a sockaddr that a second thread keeps flipping
 * between the allowed port and (race phase) the denied one, or (control)
 * a second allowed address.  Prints
 *   attempts=N connected=K refused=D failed=F denied_peer=X
 * where X counts connections that reached the denied port. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static struct sockaddr_in dest, alt[2];
static atomic_int stop;
static int lfd[2];

static void *
flipper (void *arg)
{
  (void) arg;
  for (unsigned i = 0; !atomic_load_explicit (&stop, memory_order_relaxed); i++)
    memcpy (&dest, &alt[i & 1], sizeof dest);
  return NULL;
}

static void *
acceptor (void *arg)
{
  (void) arg;
  struct pollfd p[2] = { { lfd[0], POLLIN, 0 }, { lfd[1], POLLIN, 0 } };
  while (!atomic_load (&stop))
    {
      if (poll (p, 2, 100) <= 0)
        continue;
      for (int i = 0; i < 2; i++)
        if (p[i].revents & POLLIN)
          {
            int c = accept4 (lfd[i], NULL, NULL, SOCK_CLOEXEC);
            if (c >= 0)
              close (c);
          }
    }
  return NULL;
}

static int
listen_on (int port)
{
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons (port), .sin_addr.s_addr = htonl (INADDR_ANY) /* 127.0.0.1 and 127.0.0.2 */ };
  int one = 1, fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0
      || bind (fd, (struct sockaddr *) &a, sizeof a) < 0 || listen (fd, 4096) < 0)
    {
      perror ("listen");
      exit (2);
    }
  return fd;
}

int
main (int argc, char **argv)
{
  if (argc != 5)
    {
      fprintf (stderr, "usage: %s control|race ALLOWED DENIED N\n", argv[0]);
      return 2;
    }
  int race = strcmp (argv[1], "race") == 0, allowed = atoi (argv[2]), denied = atoi (argv[3]);
  long n = atol (argv[4]), connected = 0, refused = 0, failed = 0, bad = 0;
  pthread_t ft, at;

  lfd[0] = listen_on (allowed);
  lfd[1] = listen_on (denied);
  for (int i = 0; i < 2; i++)
    {
      alt[i].sin_family = AF_INET;
      alt[i].sin_addr.s_addr = htonl (INADDR_LOOPBACK);
      alt[i].sin_port = htons (allowed);
    }
  if (race)
    alt[1].sin_port = htons (denied);
  else
    alt[1].sin_addr.s_addr = htonl (0x7f000002); /* 127.0.0.2: also loopback, same port */
  memcpy (&dest, &alt[0], sizeof dest);
  pthread_create (&at, NULL, acceptor, NULL);
  pthread_create (&ft, NULL, flipper, NULL);
  for (long i = 0; i < n; i++)
    {
      int s = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (s < 0)
        {
          failed++;
          continue;
        }
      if (connect (s, (struct sockaddr *) &dest, sizeof dest) == 0)
        {
          struct sockaddr_in peer;
          socklen_t len = sizeof peer;
          connected++;
          if (getpeername (s, (struct sockaddr *) &peer, &len) == 0 && ntohs (peer.sin_port) == denied)
            bad++;
        }
      else if (errno == EACCES)
        refused++;
      else
        failed++;
      close (s);
    }
  atomic_store (&stop, 1);
  pthread_join (ft, NULL);
  pthread_join (at, NULL);
  printf ("attempts=%ld connected=%ld refused=%ld failed=%ld denied_peer=%ld\n", n, connected, refused, failed, bad);
  return 0;
}
