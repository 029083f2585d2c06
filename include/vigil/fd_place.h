/* vigil: where fcntl(fd, F_DUPFD[_CLOEXEC], min) puts its new fd, told in
 * the terms SECCOMP_IOCTL_NOTIF_ADDFD understands.
 *
 * The kernel gives the lowest free number >= min, EINVAL when min is not
 * below the soft RLIMIT_NOFILE, EMFILE when no number in [min, limit) is
 * free.  ADDFD puts a file either at the lowest free number (which is that
 * answer when every number below min is in use) or, with
 * SECCOMP_ADDFD_FLAG_SETFD, at an exact number, replacing what is there.
 * fd_place reads the notifying thread's own fd table (/proc/<tid>/fd: a
 * thread may have a table of its own) and its limit, and says which. */
#ifndef VIGIL_FD_PLACE_H
#define VIGIL_FD_PLACE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct fd_place {
  unsigned long limit; /* the soft RLIMIT_NOFILE */
  bool lowest;         /* every number below min is in use: plain ADDFD */
  unsigned n;          /* else: ADDFD with SETFD onto n */
  unsigned *used;      /* the numbers in use when read, ascending */
  size_t nused;
};

/** Where thread tid's fcntl(F_DUPFD, min) puts its fd.  Returns 0, or
 *  -EINVAL (min >= the limit), -EMFILE (every number in [min, limit) is
 *  in use), -ESRCH (the thread is gone), -EPERM (its table or limit
 *  cannot be read). */
int fd_place_find (pid_t tid, unsigned min, struct fd_place *p);

/** p->n was taken between the read and the ADDFD (EBUSY: another thread
 *  is installing a file there): move p->n to the next number free when
 *  read.  Returns 0, or -EMFILE when there is none below the limit. */
int fd_place_next (struct fd_place *p);

/** The soft RLIMIT_NOFILE of thread tid's process into *limit.  Returns 0
 *  or -errno. */
int fd_place_limit (pid_t tid, unsigned long *limit);

void fd_place_release (struct fd_place *p);

#endif
