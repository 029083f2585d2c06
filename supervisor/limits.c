/* vigil: bounds on vigil's own threads and fds (limits.h). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "vigil/limits.h"
#include "vigil/source_seccomp.h"

static pthread_mutex_t limits_lock = PTHREAD_MUTEX_INITIALIZER;
static int reserve[LIMITS_FD_RESERVE] = { -1, -1, -1, -1, -1, -1, -1, -1 };
static size_t jobs, jobs_max = LIMITS_JOBS_MAX, bytes_held;
static rlim_t nofile = 1024;
static struct rlimit nofile_given; /* what vigil was started with: the workload's */
static bool nofile_raised;
static bool in_episode, unreported;
static const char *episode_what;

/* The jobs in flight, with the notification each one answers. */
static struct job_slot {
  bool used, running;
  pthread_t thread;
  int listener; /* -1: answers no notification (never interrupted) */
  uint64_t id;
  size_t bytes;
} slots[LIMITS_JOBS_MAX];

static void
interrupted (int sig)
{
  (void) sig; /* only there to make a blocked syscall return EINTR */
}

/* Before any job runs: the signal's default action would end vigil. */
static pthread_once_t handler_once = PTHREAD_ONCE_INIT;

static void
install_handler (void)
{
  struct sigaction sa = { .sa_handler = interrupted }; /* no SA_RESTART */
  sigemptyset (&sa.sa_mask);
  sigaction (LIMITS_INTERRUPT_SIGNAL, &sa, NULL);
}

static int
reserve_open (void)
{
  return open ("/", O_PATH | O_CLOEXEC);
}

int
limits_init (vigil_error_t *err)
{
  struct rlimit rl;

  if (getrlimit (RLIMIT_NOFILE, &rl) == 0)
    {
      nofile_given = rl;
      if (rl.rlim_cur < rl.rlim_max)
        {
          rl.rlim_cur = rl.rlim_max;
          nofile_raised = setrlimit (RLIMIT_NOFILE, &rl) == 0;
          getrlimit (RLIMIT_NOFILE, &rl);
        }
      nofile = rl.rlim_cur;
    }
  /* Each job holds up to 4 fds (its socket or file, a kept path, the
   * fd it opens, a pidfd); the rest of the table is vigil's own. */
  size_t by_fds = nofile > 2 * LIMITS_FD_HEADROOM ? (size_t) (nofile - 2 * LIMITS_FD_HEADROOM) / 4 : 1;
  jobs_max = by_fds < LIMITS_JOBS_MAX ? by_fds : LIMITS_JOBS_MAX;
  limits_fd_reserve_refill ();
  if (reserve[0] < 0)
    return vigil_make_error (err, errno, "cannot open any file descriptor");
  return 0;
}

int
limits_restore_in_child (void)
{
  return nofile_raised ? setrlimit (RLIMIT_NOFILE, &nofile_given) : 0;
}

void
limits_release (void)
{
  pthread_mutex_lock (&limits_lock);
  for (size_t i = 0; i < LIMITS_FD_RESERVE; i++)
    if (reserve[i] >= 0)
      {
        close (reserve[i]);
        reserve[i] = -1;
      }
  pthread_mutex_unlock (&limits_lock);
}

size_t
limits_jobs_max (void)
{
  return jobs_max;
}

/* The lowest free fd number: as the kernel hands out the lowest, every
 * number below it is taken. */
static int
lowest_free_fd (void)
{
  int fd = reserve[0] >= 0 ? fcntl (reserve[0], F_DUPFD_CLOEXEC, 0) : reserve_open ();
  if (fd >= 0)
    close (fd);
  return fd;
}

/* Under the lock. */
static void
refuse (const char *what)
{
  if (!in_episode)
    {
      in_episode = true;
      unreported = true;
      episode_what = what;
    }
}

/* Under the lock: interrupt the jobs whose notification is gone (the
 * workload thread died or was killed; a FIFO it waited on may never get
 * a writer).  Returns how many were. */
static int
interrupt_orphans (void)
{
  int n = 0;
  for (size_t i = 0; i < LIMITS_JOBS_MAX; i++)
    if (slots[i].used && slots[i].running && slots[i].listener >= 0
        && !seccomp_notif_valid (slots[i].listener, slots[i].id))
      {
        pthread_kill (slots[i].thread, LIMITS_INTERRUPT_SIGNAL);
        n++;
      }
  return n;
}

/* Under the lock: a free slot for a new job, or -EAGAIN. */
static int
take_slot (int listener, uint64_t id, size_t bytes)
{
  int lowest = lowest_free_fd ();
  if (jobs >= jobs_max)
    {
      refuse ("the bound on syscalls vigil performs at once");
      return -EAGAIN;
    }
  if (bytes_held > 0 && bytes_held + bytes > LIMITS_JOB_BYTES_MAX)
    {
      refuse ("the memory vigil holds for syscalls in flight");
      return -EAGAIN;
    }
  if (lowest < 0 || (rlim_t) lowest + LIMITS_FD_HEADROOM >= nofile)
    {
      refuse ("the file descriptors vigil keeps free");
      return -EAGAIN;
    }
  /* Hysteresis: a workload at the bound raises one alert, not one per
   * refusal. */
  if (in_episode && jobs + 1 <= jobs_max / 2 && bytes_held + bytes <= LIMITS_JOB_BYTES_MAX / 2
      && (rlim_t) lowest + 2 * LIMITS_FD_HEADROOM < nofile)
    in_episode = false;
  for (int i = 0; i < LIMITS_JOBS_MAX; i++)
    if (!slots[i].used)
      {
        slots[i] = (struct job_slot) { .used = true, .listener = listener, .id = id, .bytes = bytes };
        jobs++;
        bytes_held += bytes;
        return i;
      }
  return -EAGAIN; /* not reached: jobs < jobs_max <= LIMITS_JOBS_MAX */
}

int
limits_job_begin (int listener, uint64_t id, size_t bytes)
{
  pthread_once (&handler_once, install_handler);
  pthread_mutex_lock (&limits_lock);
  /* At the bound, jobs left waiting for dead notifications are let go
   * first, and given a moment to end. */
  if (jobs >= jobs_max && interrupt_orphans () > 0)
    for (int i = 0; i < 10 && jobs >= jobs_max; i++)
      {
        pthread_mutex_unlock (&limits_lock);
        nanosleep (&(struct timespec) { 0, 10 * 1000 * 1000 }, NULL);
        pthread_mutex_lock (&limits_lock);
      }
  int slot = take_slot (listener, id, bytes);
  pthread_mutex_unlock (&limits_lock);
  return slot;
}

void
limits_job_running (int slot)
{
  sigset_t set;

  sigemptyset (&set);
  sigaddset (&set, LIMITS_INTERRUPT_SIGNAL);
  pthread_mutex_lock (&limits_lock);
  slots[slot].thread = pthread_self ();
  slots[slot].running = true;
  pthread_mutex_unlock (&limits_lock);
  pthread_sigmask (SIG_UNBLOCK, &set, NULL);
}

void
limits_job_end (int slot)
{
  sigset_t set;

  sigemptyset (&set);
  sigaddset (&set, LIMITS_INTERRUPT_SIGNAL);
  pthread_sigmask (SIG_BLOCK, &set, NULL);
  pthread_mutex_lock (&limits_lock);
  slots[slot].used = slots[slot].running = false;
  bytes_held -= slots[slot].bytes;
  if (jobs > 0)
    jobs--;
  pthread_mutex_unlock (&limits_lock);
}

void
limits_job_failed (int slot, int e)
{
  pthread_mutex_lock (&limits_lock);
  slots[slot].used = false;
  bytes_held -= slots[slot].bytes;
  if (jobs > 0)
    jobs--;
  if (e == EAGAIN || e == ENOMEM)
    refuse ("the threads the system lets vigil create");
  pthread_mutex_unlock (&limits_lock);
}

bool
limits_episode_began (char *what, size_t n)
{
  bool began;

  pthread_mutex_lock (&limits_lock);
  began = unreported;
  if (began)
    snprintf (what, n, "%s", episode_what);
  unreported = false;
  pthread_mutex_unlock (&limits_lock);
  return began;
}

bool
limits_fd_reserve_take (void)
{
  bool took = false;

  pthread_mutex_lock (&limits_lock);
  for (size_t i = 0; i < LIMITS_FD_RESERVE && !took; i++)
    if (reserve[i] >= 0)
      {
        close (reserve[i]);
        reserve[i] = -1;
        took = true;
      }
  pthread_mutex_unlock (&limits_lock);
  return took;
}

void
limits_fd_reserve_refill (void)
{
  pthread_mutex_lock (&limits_lock);
  for (size_t i = 0; i < LIMITS_FD_RESERVE; i++)
    if (reserve[i] < 0)
      reserve[i] = reserve_open ();
  pthread_mutex_unlock (&limits_lock);
}
