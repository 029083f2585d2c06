/* vigil: the seccomp user-notification event source.
 *
 * The filter notifies only the syscalls some enabled rule needs, narrowed
 * by the scalar arguments every rule on a syscall constrains; everything
 * else stays in the kernel.  io_uring always fails (it would bypass the
 * filter) and a syscall of a foreign architecture kills the process. */
#ifndef VIGIL_SOURCE_SECCOMP_H
#define VIGIL_SOURCE_SECCOMP_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vigil/error.h"
#include "vigil/rules.h"

/* Kernel 6.6+: wake the notifying thread on the supervisor's CPU. */
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW (4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

struct seccomp_program {
  struct sock_fprog prog; /* owns prog.filter */
  size_t nnotified;       /* syscalls that reach vigil */
  size_t nnarrowed;       /* of those, notified only for some argument values */
};

/** Whether execve and execveat are notified although no rule needs them
 *  (so the process table follows every exec). */
bool seccomp_execs_watched (const struct ruleset *rs);

/** Which argument of syscall holds the scalar `arg` the filter can test
 *  (socket's domain, openat's flags...), or -1. */
int seccomp_arg_index (const char *syscall, const char *arg);

/** Build the BPF program for rs (libseccomp builds, vigil loads it itself
 *  to use flags libseccomp 2.5 lacks). */
int seccomp_program_build (const struct ruleset *rs, struct seccomp_program *out, vigil_error_t *err);

void seccomp_program_free (struct seccomp_program *p);

/** In the workload, before exec: set no_new_privs and load the program
 *  with a notification listener.  Returns the listener fd (close-on-exec). */
int seccomp_program_install (const struct seccomp_program *p, vigil_error_t *err);

/** Supervisor side: ask the kernel to wake the notifying thread
 *  synchronously (a no-op where the kernel lacks it).  Returns 1 if set. */
int seccomp_listener_sync_wakeup (int fd);

/** Receive one notification.  Returns 0, or -1 with *err; errno ENOENT
 *  means the target died before it could be received (not an error). */
int seccomp_notif_receive (int fd, struct seccomp_notif *req, vigil_error_t *err);

/** Is the notification still pending?  Call after reading target memory:
 *  it proves the pid still names the process that made the syscall. */
bool seccomp_notif_valid (int fd, uint64_t id);

/** Let the syscall run in the kernel. */
int seccomp_notif_continue (int fd, uint64_t id);

/** Answer for the syscall vigil performed itself: it returns val. */
int seccomp_notif_return (int fd, uint64_t id, int64_t val);

/** Fail the syscall with errno e (positive). */
int seccomp_notif_fail (int fd, uint64_t id, int e);

/** Read a NUL-terminated string of at most size-1 bytes at addr in pid's
 *  memory, page by page so a string ending just before an unmapped page is
 *  read.  Returns its length, or -1 (errno) if nothing could be read;
 *  *truncated says it did not fit. */
ssize_t target_read_string (pid_t pid, uint64_t addr, char *buf, size_t size, bool *truncated);

/** While on, this thread's target reads fail with ENODATA: for decisions
 *  that must not depend on memory the workload can still change. */
void target_reads_forbid (bool on);

/** Read exactly len bytes; -1 (errno) on a short or failed read. */
int target_read (pid_t pid, uint64_t addr, void *buf, size_t len);

/** The negative errno for a syscall whose argument could not be read
 *  (call right after the failed read): EFAULT, a bad pointer, is the
 *  workload's own error; anything else means vigil could not see, and it
 *  fails closed with EPERM. */
int target_read_errno (void);

/** A pidfd of the notifying thread req->pid, checked to still name it
 *  (req is still pending), or -ESRCH (gone) or -EPERM.  Its fd table is
 *  the thread's own, which a thread that unshared CLONE_FILES does not
 *  share; before Linux 6.9 (no PIDFD_THREAD) the thread group's. */
int target_thread_pidfd (const struct seccomp_notif *req, int listener);

/** vigil's own copy of fd `fd` of the notifying thread (pidfd_getfd
 *  from the thread's table): >= 0, or -EBADF (no such fd), -ESRCH (the
 *  notifier is gone) or -EPERM (vigil may not look). */
int target_thread_fetch_fd (const struct seccomp_notif *req, int listener, int fd);

#endif
