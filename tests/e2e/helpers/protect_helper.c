/* Attacks and syscall-class probes run as a vigil workload by
 * tests/e2e/protect.sh.  Each mode makes its syscalls directly (syscall()
 * where glibc has no wrapper) and prints what the kernel answered:
 *   "<what> ok" or "<what> <ERRNO-NAME>", one line each. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

static void
report (const char *what, long rc)
{
  if (rc >= 0)
    printf ("%s ok\n", what);
  else
    printf ("%s %s\n", what, strerrorname_np (errno) ? strerrorname_np (errno) : "E?");
  fflush (stdout);
}

static void *
thread_main (void *arg)
{
  return arg;
}

static int
open_and_mkdir (const char *path, const char *dir)
{
  /* Twice: the internal alert comes once per process. */
  report ("open", open (path, O_RDONLY));
  report ("open_again", open (path, O_RDONLY));
  report ("mkdir", mkdir (dir, 0700));
  return 0;
}

static volatile int poked = 1;

/* Writes to a process's memory through /proc (the ptrace class): every
 * way of naming the file (for writing, then reading), and the opens of
 * other files that must still work.
 * link: a symlink to /proc/self/mem. */
static int
proc_mem (const char *link)
{
  char path[64];
  int fd;

  fd = open ("/proc/self/mem", O_RDWR);
  report ("self_mem_rdwr", fd);
  if (fd >= 0)
    {
      int two = 2;
      pwrite (fd, &two, sizeof two, (off_t) (uintptr_t) &poked);
      printf ("poked %d\n", poked);
    }
  report ("self_mem_rdonly", open ("/proc/self/mem", O_RDONLY));
  report ("self_status_rdonly", open ("/proc/self/status", O_RDONLY));
  snprintf (path, sizeof path, "/proc/self/task/%d/mem", (int) gettid ());
  report ("task_mem_rdwr", open (path, O_RDWR));
  report ("link_mem_rdwr", open (link, O_RDWR));
  int dir = open ("/proc/self", O_PATH | O_DIRECTORY);
  report ("dirfd_mem_wronly", openat (dir, "mem", O_WRONLY));
  struct open_how how = { .flags = O_RDWR };
  report ("openat2_mem_rdwr", syscall (SYS_openat2, AT_FDCWD, "/proc/self/mem", &how, sizeof how));
  report ("creat_mem", creat ("/proc/self/mem", 0600));
  pid_t child = fork ();
  if (child == 0)
    {
      pause ();
      _exit (0);
    }
  snprintf (path, sizeof path, "/proc/%d/mem", (int) child);
  report ("child_mem_wronly", open (path, O_WRONLY));
  kill (child, SIGKILL);
  waitpid (child, NULL, 0);
  int one = 1;
  struct iovec local = { &one, sizeof one }, remote = { (void *) &poked, sizeof one };
  report ("process_vm_writev", process_vm_writev (getpid (), &local, 1, &remote, 1, 0));
  report ("file_write", open ("written", O_WRONLY | O_CREAT, 0600));
  return 0;
}

int
main (int argc, char **argv)
{
  const char *mode = argc > 1 ? argv[1] : "";
  const char *a1 = argc > 2 ? argv[2] : "", *a2 = argc > 3 ? argv[3] : "";

  if (strcmp (mode, "creat") == 0)
    report ("creat", creat (a1, 0600));
  else if (strcmp (mode, "open_by_handle_at") == 0)
    {
      /* The handle is never valid: the point is whether the kernel sees it. */
      struct { unsigned int bytes; int type; unsigned char h[8]; } fh = { 8, 1, { 0 } };
      report ("open_by_handle_at", syscall (SYS_open_by_handle_at, AT_FDCWD, &fh, O_RDONLY));
    }
  else if (strcmp (mode, "fchmodat2") == 0)
    report ("fchmodat2", syscall (SYS_fchmodat2, AT_FDCWD, a1, 0600, 0));
  else if (strcmp (mode, "sendmmsg") == 0 || strcmp (mode, "sendto") == 0)
    {
      int s = socket (AF_INET, SOCK_DGRAM, 0);
      struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons ((uint16_t) atoi (a2)) };
      inet_pton (AF_INET, a1, &to.sin_addr);
      char byte = 'x';
      struct iovec iov = { &byte, 1 };
      struct mmsghdr m = { .msg_hdr = { .msg_name = &to, .msg_namelen = sizeof to, .msg_iov = &iov, .msg_iovlen = 1 } };
      if (mode[4] == 'm')
        report ("sendmmsg", syscall (SYS_sendmmsg, s, &m, 1, 0));
      else
        report ("sendto", sendto (s, &byte, 1, 0, (struct sockaddr *) &to, sizeof to));
    }
  else if (strcmp (mode, "fcntl_dupfd") == 0)
    {
      report ("fcntl_getfd", fcntl (0, F_GETFD));
      report ("fcntl_dupfd", fcntl (0, F_DUPFD, 10));
      report ("fcntl_dupfd_cloexec", fcntl (0, F_DUPFD_CLOEXEC, 10));
    }
  else if (strcmp (mode, "clone3_newns") == 0)
    {
      struct clone_args ca = { .flags = CLONE_NEWNS, .exit_signal = SIGCHLD };
      long pid = syscall (SYS_clone3, &ca, sizeof ca);
      if (pid == 0)
        _exit (0);
      report ("clone3_newns", pid);
      if (pid > 0)
        waitpid ((pid_t) pid, NULL, 0);
    }
  else if (strcmp (mode, "clone_newns") == 0)
    {
      long pid = syscall (SYS_clone, CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0);
      if (pid == 0)
        _exit (0);
      report ("clone_newns", pid);
      if (pid > 0)
        waitpid ((pid_t) pid, NULL, 0);
    }
  else if (strcmp (mode, "threads") == 0)
    {
      pthread_t t;
      int e = pthread_create (&t, NULL, thread_main, NULL);
      if (e == 0)
        pthread_join (t, NULL);
      errno = e;
      report ("pthread_create", e ? -1 : 0);
      pid_t pid = fork ();
      if (pid == 0)
        _exit (0);
      report ("fork", pid);
      if (pid > 0)
        waitpid (pid, NULL, 0);
    }
  else if (strcmp (mode, "attack") == 0)
    {
      /* a1: vigil's pid as the workload sees it. */
      pid_t vigil = (pid_t) atoi (a1);
      char mem[64];
      snprintf (mem, sizeof mem, "/proc/%d/mem", vigil);
      report ("ptrace_attach", ptrace (PTRACE_ATTACH, vigil, 0, 0));
      report ("open_mem_write", open (mem, O_WRONLY));
      report ("sigstop", kill (vigil, SIGSTOP));
      /* kill(-1) reaches every process the caller may signal: only ever
       * inside a pid namespace whose init is vigil, never on a host. */
      char comm[32] = "";
      FILE *f = fopen ("/proc/1/comm", "r");
      if (f && fgets (comm, sizeof comm, f))
        comm[strcspn (comm, "\n")] = '\0';
      if (f)
        fclose (f);
      if (vigil == 1 && getpid () != 1 && strcmp (comm, "vigil") == 0)
        report ("kill_all", kill (-1, SIGKILL));
      else
        printf ("kill_all skipped: not in a pid namespace whose PID 1 is vigil\n");
      report ("sigkill", kill (vigil, SIGKILL));
      sleep (1);
      /* Still here, and vigil still answers: the next open is notified. */
      report ("after", open ("/dev/null", O_RDONLY));
    }
  else if (strcmp (mode, "proc_mem") == 0)
    return proc_mem (a1);
  else if (strcmp (mode, "nodump") == 0)
    {
      prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
      return open_and_mkdir (a1, a2);
    }
  else if (strcmp (mode, "reuid") == 0)
    {
      if (setresgid (65534, 65534, 65534) < 0 || setresuid (65534, 65534, 65534) < 0)
        {
          report ("setresuid", -1);
          return 1;
        }
      return open_and_mkdir (a1, a2);
    }
  else if (strcmp (mode, "efault") == 0)
    {
      report ("chmod_bad_pointer", syscall (SYS_fchmodat, AT_FDCWD, (char *) 8, 0600));
      report ("memfd_bad_pointer", syscall (SYS_memfd_create, (char *) 8, 0));
    }
  else
    {
      fprintf (stderr, "protect_helper: unknown mode '%s'\n", mode);
      return 2;
    }
  return 0;
}
