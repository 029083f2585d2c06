/* attack_creds.sh's workload: ways a process's credentials differ from
 * what vigil last saw of them.  Started as root; each mode ends by
 * printing what opening SECRET (root's, mode 0600) gave:
 *
 *   keepcaps SECRET DECOY  keep capabilities across setresuid(65534),
 *                          raise CAP_DAC_OVERRIDE, open DECOY, then exec
 *                          (which clears the effective set) and open SECRET
 *   race SECRET DECOY      the same, but a second thread execs while the
 *                          main thread (the leader, whose tid the exec
 *                          takes) keeps opening DECOY with the capability
 *   userns SECRET          as uid 65534: unshare(CLONE_NEWUSER) (every
 *                          capability, in that namespace only), lower one,
 *                          open SECRET
 *   after SECRET           (what the execs run) open SECRET */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *self_exe, *secret, *decoy;

static void
report (const char *what, int rc)
{
  printf ("%s: %s\n", what, rc >= 0 ? "OK" : strerrorname_np (errno));
  fflush (stdout);
}

static int
after (void)
{
  int fd = open (secret, O_RDONLY);
  report ("read", fd);
  if (fd >= 0)
    close (fd);
  fd = open (secret, O_WRONLY | O_APPEND);
  report ("append", fd >= 0 && write (fd, "X", 1) == 1 ? 0 : -1);
  return 0;
}

/* Per thread, as the raw syscall is. */
static int
caps_change (int cap, int raise)
{
  struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct d[2];
  if (syscall (SYS_capget, &h, d) < 0)
    return -1;
  if (raise)
    d[cap / 32].effective |= 1u << (cap % 32);
  else
    d[cap / 32].effective &= ~(1u << (cap % 32));
  return (int) syscall (SYS_capset, &h, d);
}

static void
become_nobody_keeping_caps (void)
{
  if (prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0 || setgroups (0, NULL) < 0 || setresgid (65534, 65534, 65534) < 0
      || setresuid (65534, 65534, 65534) < 0 || caps_change (CAP_DAC_OVERRIDE, 1) < 0)
    {
      perror ("setup");
      exit (2);
    }
}

static void
exec_after (void)
{
  execl (self_exe, self_exe, "after", secret, (char *) NULL);
  perror ("exec");
  exit (2);
}

static void
open_decoy (void)
{
  int fd = open (decoy, O_RDONLY);
  if (fd >= 0)
    close (fd);
}

static volatile int go;

static void *
exec_thread (void *arg)
{
  (void) arg;
  while (!go)
    ;
  exec_after ();
  return NULL;
}

static int
race (void)
{
  pthread_t t;
  become_nobody_keeping_caps ();
  open_decoy ();
  if (pthread_create (&t, NULL, exec_thread, NULL) != 0)
    return 2;
  go = 1;
  /* Until the exec kills this thread (bounded, should it not). */
  for (long i = 0; i < 10000000; i++)
    open_decoy ();
  return 2;
}

static int
userns (void)
{
  if (setgroups (0, NULL) < 0 || setresgid (65534, 65534, 65534) < 0 || setresuid (65534, 65534, 65534) < 0
      || unshare (CLONE_NEWUSER) < 0 || caps_change (CAP_SYS_BOOT, 0) < 0)
    {
      perror ("setup");
      return 2;
    }
  return after ();
}

int
main (int argc, char **argv)
{
  if (argc < 3)
    return 2;
  self_exe = "/proc/self/exe";
  secret = argv[2];
  decoy = argc > 3 ? argv[3] : "/etc/hostname";
  if (strcmp (argv[1], "after") == 0)
    return after ();
  if (strcmp (argv[1], "keepcaps") == 0)
    {
      become_nobody_keeping_caps ();
      open_decoy ();
      exec_after ();
    }
  if (strcmp (argv[1], "race") == 0)
    return race ();
  if (strcmp (argv[1], "userns") == 0)
    return userns ();
  return 2;
}
