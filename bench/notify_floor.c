/* Benchmark floor: the cheapest possible seccomp-notify supervisor.
 *
 *   notify_floor [--read] [--emulate] [--seize] COMMAND [ARG]...
 *
 * Runs COMMAND under a filter that notifies the syscalls vigil's default
 * policy notifies for opens and execs, and answers every notification
 * CONTINUE from a thread blocked in SECCOMP_IOCTL_NOTIF_RECV, with
 * SYNC_WAKE_UP, reading and deciding nothing.  What vigil costs above this
 * row is its own work; what this row costs above native is the kernel's
 * round trip, which no supervisor of these syscalls avoids.
 *
 * --read reads the path of each open and exec (one process_vm_readv of
 * at most 256 bytes, not past its page) before answering CONTINUE: the
 * least a supervisor does that decides on file names.  No check, no
 * decision.
 *
 * --emulate performs each openat(AT_FDCWD, ...) itself, with the least a
 * race-free supervisor must do: read the path once, check the
 * notification is still valid, open it, hand the fd over with ADDFD and
 * SECCOMP_ADDFD_FLAG_SEND (a second round trip: the target installs the
 * fd), close its copy.  No walk as the target, no decision.
 *
 * --seize follows each execve to its end as exec verification must:
 * PTRACE_SEIZE at the notification (exec events only), CONTINUE,
 * PTRACE_INTERRUPT (a failed exec stops on its way back), wait for the one
 * stop, detach; only execve and execveat are notified.  Nothing is read
 * at the stop.  (The receiving thread waits
 * for the stop itself: a floor for a single-threaded exec loop.) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW (4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

static int readpath, emulate, seize; /* --read, --emulate, --seize */

#ifndef SYS_open /* arm64 has only openat */
#define SYS_open SYS_openat
#endif

static int
send_fd (int sock, int fd)
{
  char data = 0, ctl[CMSG_SPACE (sizeof fd)];
  struct iovec io = { &data, 1 };
  struct msghdr m = { .msg_iov = &io, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl };
  struct cmsghdr *c = CMSG_FIRSTHDR (&m);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN (sizeof fd);
  memcpy (CMSG_DATA (c), &fd, sizeof fd);
  return sendmsg (sock, &m, 0) == 1 ? 0 : -1;
}

static int
receive_fd (int sock)
{
  char data, ctl[CMSG_SPACE (sizeof (int))];
  struct iovec io = { &data, 1 };
  struct msghdr m = { .msg_iov = &io, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl };
  int fd;
  if (recvmsg (sock, &m, MSG_CMSG_CLOEXEC) != 1 || CMSG_FIRSTHDR (&m) == NULL)
    return -1;
  memcpy (&fd, CMSG_DATA (CMSG_FIRSTHDR (&m)), sizeof fd);
  return fd;
}

static void __attribute__ ((noreturn))
child (int sock, char **argv)
{
  struct sock_filter f[] = {
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, SYS_open, 5, 0),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, SYS_openat, 4, 0),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, SYS_openat2, 3, 0),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, SYS_execve, 2, 0),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, SYS_execveat, 1, 0),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
  };
  /* --seize stands for vigil under an exec rule alone: execs only. */
  struct sock_filter execs_only[] = {
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, SYS_execve, 2, 0),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, SYS_execveat, 1, 0),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
  };
  struct sock_fprog prog = { sizeof f / sizeof f[0], f };
  struct sock_fprog execs_prog = { sizeof execs_only / sizeof execs_only[0], execs_only };
  char go;

  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    _exit (126);
  int fd = (int) syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
                          seize ? &execs_prog : &prog);
  /* sendmsg and read are not notified: no answer is needed yet. */
  if (fd < 0 || send_fd (sock, fd) < 0 || read (sock, &go, 1) != 1)
    _exit (126);
  close (fd);
  close (sock);
  execvp (argv[0], argv);
  _exit (127);
}

/* Follow an execve notification to its exec stop; false when it is none. */
static int
answer_exec (int fd, const struct seccomp_notif *req)
{
  struct seccomp_notif_resp resp = { .id = req->id, .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE };
  pid_t tid = (pid_t) req->pid;
  int status;

  if (req->data.nr != SYS_execve && req->data.nr != SYS_execveat)
    return 0;
  if (ptrace (PTRACE_SEIZE, tid, NULL, (void *) (long) (PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL)) < 0)
    return 0;
  ioctl (fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
  ptrace (PTRACE_INTERRUPT, tid, NULL, NULL);
  if (waitpid (tid, &status, __WALL) == tid && WIFSTOPPED (status))
    ptrace (PTRACE_DETACH, tid, NULL, (void *) (long) ((status >> 16) == 0 ? WSTOPSIG (status) : 0));
  return 1;
}

#ifndef SECCOMP_ADDFD_FLAG_SEND
#define SECCOMP_ADDFD_FLAG_SEND (1UL << 1)
#endif

/* Open what an openat(AT_FDCWD, path, flags) names and hand it over;
 * false when it is not one (answered CONTINUE then). */
static int
answer_open (int fd, const struct seccomp_notif *req)
{
  char path[4096];
  struct iovec local = { path, sizeof path }, remote = { (void *) req->data.args[1], sizeof path };

  if (req->data.nr != SYS_openat || (int) req->data.args[0] != AT_FDCWD)
    return 0;
  /* One read of the whole buffer may cross into an unmapped page: a
   * supervisor reads page by page; the bench's path is in one. */
  remote.iov_len = 4096 - (req->data.args[1] & 4095);
  local.iov_len = remote.iov_len;
  if (process_vm_readv (req->pid, &local, 1, &remote, 1, 0) <= 0 || memchr (path, 0, local.iov_len) == NULL)
    return 0;
  __u64 id = req->id;
  if (ioctl (fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) < 0)
    return 1;
  int file = openat (AT_FDCWD, path, (int) req->data.args[2] | O_CLOEXEC, (mode_t) req->data.args[3]);
  if (file < 0)
    {
      struct seccomp_notif_resp resp = { .id = req->id, .error = -errno };
      ioctl (fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
      return 1;
    }
  struct seccomp_notif_addfd add = { .id = req->id, .flags = SECCOMP_ADDFD_FLAG_SEND, .srcfd = (__u32) file };
  ioctl (fd, SECCOMP_IOCTL_NOTIF_ADDFD, &add);
  close (file);
  return 1;
}

/* Read the path an open or exec names, as a supervisor deciding on it
 * must. */
static void
read_path (const struct seccomp_notif *req)
{
  char path[256];
  int nr = req->data.nr;
  /* openat first: SYS_open stands for it where there is no open. */
  int arg = nr == SYS_openat || nr == SYS_openat2 || nr == SYS_execveat ? 1 : nr == SYS_open || nr == SYS_execve ? 0 : -1;

  if (arg < 0)
    return;
  __u64 at = req->data.args[arg];
  size_t len = 4096 - (at & 4095);
  struct iovec local = { path, len < sizeof path ? len : sizeof path }, remote = { (void *) at, local.iov_len };
  process_vm_readv (req->pid, &local, 1, &remote, 1, 0);
}

static void *
answer_all (void *arg)
{
  int fd = *(int *) arg;
  struct seccomp_notif req;

  for (;;)
    {
      memset (&req, 0, sizeof req);
      if (ioctl (fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
        {
          struct pollfd p = { fd, POLLIN, 0 };
          if (errno == ENOENT && poll (&p, 1, 0) == 1 && (p.revents & POLLHUP))
            return NULL; /* no filtered process left */
          continue;
        }
      if (emulate && answer_open (fd, &req))
        continue;
      if (seize && answer_exec (fd, &req))
        continue;
      if (readpath)
        read_path (&req);
      struct seccomp_notif_resp resp = { .id = req.id, .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE };
      ioctl (fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
    }
}

int
main (int argc, char **argv)
{
  int sv[2], status;
  pthread_t t;

  for (; argc > 1 && argv[1][0] == '-' && argv[1][1] == '-'; argv++, argc--)
    {
      if (strcmp (argv[1], "--read") == 0)
        readpath = 1;
      else if (strcmp (argv[1], "--emulate") == 0)
        emulate = 1;
      else if (strcmp (argv[1], "--seize") == 0)
        seize = 1;
      else
        break;
    }
  if (argc < 2)
    {
      fprintf (stderr, "usage: notify_floor [--read] [--emulate] [--seize] COMMAND [ARG]...\n");
      return 2;
    }
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    return perror ("socketpair"), 1;
  pid_t pid = fork ();
  if (pid < 0)
    return perror ("fork"), 1;
  if (pid == 0)
    child (sv[1], argv + 1);
  int fd = receive_fd (sv[0]);
  if (fd < 0)
    return fprintf (stderr, "notify_floor: no listener\n"), 1;
  ioctl (fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP, 0);
  if (pthread_create (&t, NULL, answer_all, &fd) != 0 || write (sv[0], "g", 1) != 1)
    return fprintf (stderr, "notify_floor: cannot start\n"), 1;
  /* __WNOTHREAD: the stops of the tracees (--seize) are the receiving
   * thread's to wait for. */
  if (waitpid (pid, &status, __WNOTHREAD) < 0)
    return perror ("waitpid"), 1;
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}
