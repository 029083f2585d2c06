/* vigil: bounds on vigil's own resources.
 *
 * A workload must not be able to switch enforcement off by making vigil
 * run out of threads or file descriptors: each syscall vigil performs
 * on a thread of its own (a blocking open of a FIFO, a connect, a send)
 * holds a thread, a stack and a few fds for as long as the workload
 * likes.  So:
 *   - at start, RLIMIT_NOFILE's soft limit is raised to the hard one;
 *   - at most limits_jobs_max() such syscalls are in flight at once,
 *     holding at most LIMITS_JOB_BYTES_MAX of data (a single one may hold
 *     more), and none starts while fewer than LIMITS_FD_HEADROOM fds are
 *     free; past
 *     either bound the syscall fails with EAGAIN (never continued, never
 *     left waiting); a job still waiting for a workload thread that is
 *     gone (killed while its open waited on a FIFO) is interrupted when
 *     its slot is needed;
 *   - LIMITS_FD_RESERVE fds are held open from the start and given back
 *     one at a time to a kill that finds the table full, so a kill rule
 *     still kills.
 * Each stretch of refusals (an episode) is reported once, by the first
 * refusal's caller; the episode ends when the jobs in flight fall to
 * half the bound. */
#ifndef VIGIL_LIMITS_H
#define VIGIL_LIMITS_H

#include <stdbool.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/error.h"

#define LIMITS_JOBS_MAX 256   /* syscalls performed on threads of their own, at once */
#define LIMITS_FD_RESERVE 8   /* fds held for kills */
#define LIMITS_FD_HEADROOM 64 /* fds that must stay free for a new job to start */
#define LIMITS_JOB_BYTES_MAX (256u << 20) /* data held by jobs in flight (sends), unless one job alone */
#define LIMITS_INTERRUPT_SIGNAL (SIGRTMAX - 1) /* ends a job's wait for a notification that is gone */

/** Raise RLIMIT_NOFILE to its hard limit and take the fd reserve.  Only
 *  fails when no fd at all can be opened. */
int limits_init (vigil_error_t *err);

/** In the workload's child before its exec (a system call only): the
 *  fd limit vigil was started with, which the workload must keep. */
int limits_restore_in_child (void);

/** Give the reserve back (at shutdown). */
void limits_release (void);

/** The bound on jobs in flight: LIMITS_JOBS_MAX, or less when the fd
 *  limit is low (each job holds up to 4 fds). */
size_t limits_jobs_max (void);

/** Take a job slot for a job that answers notification id of listener
 *  (listener -1: none) and holds bytes of memory: the slot number, or -EAGAIN when a bound is
 *  reached (the episode's first refusal then shows in
 *  limits_episode_began).  At the bound, jobs whose notification is gone
 *  are interrupted first (LIMITS_INTERRUPT_SIGNAL: their syscall returns
 *  EINTR), and the slot one of them frees is taken. */
int limits_job_begin (int listener, uint64_t id, size_t bytes);
/** In the job's thread, once it runs: from now on it can be interrupted. */
void limits_job_running (int slot);
/** In the job's thread, when it is done: the slot is free again. */
void limits_job_end (int slot);
/** A job whose thread could not start (pthread_create's error e): its
 *  slot is given back, and EAGAIN/ENOMEM count as a refusal. */
void limits_job_failed (int slot, int e);

/** True once per episode, for its first refusal: what was reached is
 *  written to what. */
bool limits_episode_began (char *what, size_t n);

/** Close one fd of the reserve, for a caller whose open failed with
 *  EMFILE: returns whether there was one to give. */
bool limits_fd_reserve_take (void);

/** Open the reserve's fds again, as far as the table allows. */
void limits_fd_reserve_refill (void);

#endif
