/* vigil: Falco's event type names and the symbolic constants of scalar
 * syscall arguments. */
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "vigil/error.h"
#include "vigil/evttypes.h"

/* ---- event types ---- */

/* Every name evt.type can be compared with in Falco: the system call
 * names of libscap's ppm_sc table (all architectures: Falco accepts
 * them all, and the live supervisor simply never sees the others), the
 * names of libscap's event table that are not system call names (the
 * generic "syscall", "prlimit", "llseek", "pread", "pwrite"), and the
 * events that are no system calls: tracepoints (procexit, switch,
 * signaldeliver, page_fault and their ppm_sc spellings) and meta-events
 * (container, asyncevent, pluginevent...).  Ids are positions here; the
 * table is sorted by name (strcmp) for bsearch. */
struct evttype {
  const char *name;
  bool is_syscall;
};

static const struct evttype evttypes[] = {
  { "_llseek", true }, { "_newselect", true }, { "_sysctl", true },
  { "accept", true }, { "accept4", true }, { "access", true },
  { "acct", true }, { "add_key", true }, { "adjtimex", true },
  { "alarm", true }, { "arch_prctl", true }, { "asyncevent", false },
  { "bdflush", true }, { "bind", true }, { "bpf", true },
  { "brk", true }, { "cachestat", true }, { "capget", true },
  { "capset", true }, { "chdir", true }, { "chmod", true },
  { "chown", true }, { "chroot", true }, { "clock_adjtime", true },
  { "clock_getres", true }, { "clock_gettime", true }, { "clock_nanosleep", true },
  { "clock_settime", true }, { "clone", true }, { "clone3", true },
  { "close", true }, { "close_range", true }, { "connect", true },
  { "container", false }, { "copy_file_range", true }, { "cpu_hotplug", false },
  { "creat", true }, { "create_module", true }, { "delete_module", true },
  { "drop", false }, { "dup", true }, { "dup2", true },
  { "dup3", true }, { "epoll_create", true }, { "epoll_create1", true },
  { "epoll_ctl", true }, { "epoll_ctl_old", true }, { "epoll_pwait", true },
  { "epoll_pwait2", true }, { "epoll_wait", true }, { "epoll_wait_old", true },
  { "eventfd", true }, { "eventfd2", true }, { "execve", true },
  { "execveat", true }, { "exit", true }, { "exit_group", true },
  { "faccessat", true }, { "faccessat2", true }, { "fadvise64", true },
  { "fallocate", true }, { "fanotify_init", true }, { "fanotify_mark", true },
  { "fchdir", true }, { "fchmod", true }, { "fchmodat", true },
  { "fchmodat2", true }, { "fchown", true }, { "fchownat", true },
  { "fcntl", true }, { "fcntl64", true }, { "fdatasync", true },
  { "fgetxattr", true }, { "finit_module", true }, { "flistxattr", true },
  { "flock", true }, { "fork", true }, { "fremovexattr", true },
  { "fsconfig", true }, { "fsetxattr", true }, { "fsmount", true },
  { "fsopen", true }, { "fspick", true }, { "fstat", true },
  { "fstat64", true }, { "fstatat64", true }, { "fstatfs", true },
  { "fstatfs64", true }, { "fsync", true }, { "ftruncate", true },
  { "futex", true }, { "futex_requeue", true }, { "futex_wait", true },
  { "futex_waitv", true }, { "futex_wake", true }, { "futimesat", true },
  { "get_kernel_syms", true }, { "get_mempolicy", true }, { "get_robust_list", true },
  { "get_thread_area", true }, { "getcpu", true }, { "getcwd", true },
  { "getdents", true }, { "getdents64", true }, { "getegid", true },
  { "getegid32", true }, { "geteuid", true }, { "geteuid32", true },
  { "getgid", true }, { "getgid32", true }, { "getgroups", true },
  { "getitimer", true }, { "getpeername", true }, { "getpgid", true },
  { "getpgrp", true }, { "getpid", true }, { "getpmsg", true },
  { "getppid", true }, { "getpriority", true }, { "getrandom", true },
  { "getresgid", true }, { "getresgid32", true }, { "getresuid", true },
  { "getresuid32", true }, { "getrlimit", true }, { "getrusage", true },
  { "getsid", true }, { "getsockname", true }, { "getsockopt", true },
  { "gettid", true }, { "gettimeofday", true }, { "getuid", true },
  { "getuid32", true }, { "getxattr", true }, { "groupadded", false },
  { "groupdeleted", false }, { "idle", true }, { "infra", false },
  { "init_module", true }, { "inotify_add_watch", true }, { "inotify_init", true },
  { "inotify_init1", true }, { "inotify_rm_watch", true }, { "io_cancel", true },
  { "io_destroy", true }, { "io_getevents", true }, { "io_pgetevents", true },
  { "io_setup", true }, { "io_submit", true }, { "io_uring_enter", true },
  { "io_uring_register", true }, { "io_uring_setup", true }, { "ioctl", true },
  { "ioperm", true }, { "iopl", true }, { "ioprio_get", true },
  { "ioprio_set", true }, { "ipc", true }, { "k8s", false },
  { "kcmp", true }, { "kexec_file_load", true }, { "kexec_load", true },
  { "keyctl", true }, { "kill", true }, { "landlock_add_rule", true },
  { "landlock_create_ruleset", true }, { "landlock_restrict_self", true }, { "lchown", true },
  { "lgetxattr", true }, { "link", true }, { "linkat", true },
  { "listen", true }, { "listmount", true }, { "listxattr", true },
  { "llistxattr", true }, { "llseek", true }, { "lookup_dcookie", true },
  { "lremovexattr", true }, { "lseek", true }, { "lsetxattr", true },
  { "lsm_get_self_attr", true }, { "lsm_list_modules", true }, { "lsm_set_self_attr", true },
  { "lstat", true }, { "lstat64", true }, { "madvise", true },
  { "map_shadow_stack", true }, { "mbind", true }, { "membarrier", true },
  { "memfd_create", true }, { "memfd_secret", true }, { "mesos", false },
  { "migrate_pages", true }, { "mincore", true }, { "mkdir", true },
  { "mkdirat", true }, { "mknod", true }, { "mknodat", true },
  { "mlock", true }, { "mlock2", true }, { "mlockall", true },
  { "mmap", true }, { "mmap2", true }, { "modify_ldt", true },
  { "mount", true }, { "mount_setattr", true }, { "move_mount", true },
  { "move_pages", true }, { "mprotect", true }, { "mq_getsetattr", true },
  { "mq_notify", true }, { "mq_open", true }, { "mq_timedreceive", true },
  { "mq_timedsend", true }, { "mq_unlink", true }, { "mremap", true },
  { "mseal", true }, { "msgctl", true }, { "msgget", true },
  { "msgrcv", true }, { "msgsnd", true }, { "msync", true },
  { "multiplexer", true }, { "munlock", true }, { "munlockall", true },
  { "munmap", true }, { "name_to_handle_at", true }, { "nanosleep", true },
  { "newfstatat", true }, { "nfsservctl", true }, { "nice", true },
  { "notification", false }, { "oldfstat", true }, { "oldlstat", true },
  { "oldolduname", true }, { "oldstat", true }, { "olduname", true },
  { "open", true }, { "open_by_handle_at", true }, { "open_tree", true },
  { "openat", true }, { "openat2", true }, { "page_fault", false },
  { "page_fault_kernel", false }, { "page_fault_user", false }, { "pause", true },
  { "pciconfig_iobase", true }, { "pciconfig_read", true }, { "pciconfig_write", true },
  { "perf_event_open", true }, { "personality", true }, { "pidfd_getfd", true },
  { "pidfd_open", true }, { "pidfd_send_signal", true }, { "pipe", true },
  { "pipe2", true }, { "pivot_root", true }, { "pkey_alloc", true },
  { "pkey_free", true }, { "pkey_mprotect", true }, { "pluginevent", false },
  { "poll", true }, { "ppoll", true }, { "prctl", true },
  { "pread", true }, { "pread64", true }, { "preadv", true },
  { "preadv2", true }, { "prlimit", true }, { "prlimit64", true },
  { "process_madvise", true }, { "process_mrelease", true }, { "process_vm_readv", true },
  { "process_vm_writev", true }, { "procexit", false }, { "procinfo", false },
  { "pselect6", true }, { "ptrace", true }, { "pwrite", true },
  { "pwrite64", true }, { "pwritev", true }, { "pwritev2", true },
  { "query_module", true }, { "quotactl", true }, { "quotactl_fd", true },
  { "read", true }, { "readahead", true }, { "readdir", true },
  { "readlink", true }, { "readlinkat", true }, { "readv", true },
  { "reboot", true }, { "recv", true }, { "recvfrom", true },
  { "recvmmsg", true }, { "recvmsg", true }, { "remap_file_pages", true },
  { "removexattr", true }, { "rename", true }, { "renameat", true },
  { "renameat2", true }, { "request_key", true }, { "restart_syscall", true },
  { "riscv_flush_icache", true }, { "riscv_hwprobe", true }, { "rmdir", true },
  { "rseq", true }, { "rt_sigaction", true }, { "rt_sigpending", true },
  { "rt_sigprocmask", true }, { "rt_sigqueueinfo", true }, { "rt_sigreturn", true },
  { "rt_sigsuspend", true }, { "rt_sigtimedwait", true }, { "rt_tgsigqueueinfo", true },
  { "rtas", true }, { "s390_guarded_storage", true }, { "s390_pci_mmio_read", true },
  { "s390_pci_mmio_write", true }, { "s390_runtime_instr", true }, { "s390_sthyi", true },
  { "scapevent", false }, { "sched_get_priority_max", true }, { "sched_get_priority_min", true },
  { "sched_getaffinity", true }, { "sched_getattr", true }, { "sched_getparam", true },
  { "sched_getscheduler", true }, { "sched_process_exit", false }, { "sched_rr_get_interval", true },
  { "sched_setaffinity", true }, { "sched_setattr", true }, { "sched_setparam", true },
  { "sched_setscheduler", true }, { "sched_switch", false }, { "sched_yield", true },
  { "seccomp", true }, { "select", true }, { "semctl", true },
  { "semget", true }, { "semop", true }, { "semtimedop", true },
  { "send", true }, { "sendfile", true }, { "sendfile64", true },
  { "sendmmsg", true }, { "sendmsg", true }, { "sendto", true },
  { "set_mempolicy", true }, { "set_mempolicy_home_node", true }, { "set_robust_list", true },
  { "set_thread_area", true }, { "set_tid_address", true }, { "setdomainname", true },
  { "setfsgid", true }, { "setfsuid", true }, { "setgid", true },
  { "setgid32", true }, { "setgroups", true }, { "sethostname", true },
  { "setitimer", true }, { "setns", true }, { "setpgid", true },
  { "setpriority", true }, { "setregid", true }, { "setresgid", true },
  { "setresgid32", true }, { "setresuid", true }, { "setresuid32", true },
  { "setreuid", true }, { "setrlimit", true }, { "setsid", true },
  { "setsockopt", true }, { "settimeofday", true }, { "setuid", true },
  { "setuid32", true }, { "setxattr", true }, { "sgetmask", true },
  { "shmat", true }, { "shmctl", true }, { "shmdt", true },
  { "shmget", true }, { "shutdown", true }, { "sigaction", true },
  { "sigaltstack", true }, { "signal", true }, { "signal_deliver", false },
  { "signaldeliver", false }, { "signalfd", true }, { "signalfd4", true },
  { "sigpending", true }, { "sigprocmask", true }, { "sigreturn", true },
  { "sigsuspend", true }, { "socket", true }, { "socketcall", true },
  { "socketpair", true }, { "splice", true }, { "spu_create", true },
  { "spu_run", true }, { "ssetmask", true }, { "stat", true },
  { "stat64", true }, { "statfs", true }, { "statfs64", true },
  { "statmount", true }, { "statx", true }, { "stime", true },
  { "subpage_prot", true }, { "swapcontext", true }, { "swapoff", true },
  { "swapon", true }, { "switch", false }, { "switch_endian", true },
  { "symlink", true }, { "symlinkat", true }, { "sync", true },
  { "sync_file_range", true }, { "sync_file_range2", true }, { "syncfs", true },
  { "sys_debug_setcontext", true }, { "syscall", true }, { "sysfs", true },
  { "sysinfo", true }, { "syslog", true }, { "tee", true },
  { "tgkill", true }, { "time", true }, { "timer_create", true },
  { "timer_delete", true }, { "timer_getoverrun", true }, { "timer_gettime", true },
  { "timer_settime", true }, { "timerfd", true }, { "timerfd_create", true },
  { "timerfd_gettime", true }, { "timerfd_settime", true }, { "times", true },
  { "tkill", true }, { "tracer", false }, { "truncate", true },
  { "ugetrlimit", true }, { "umask", true }, { "umount", true },
  { "umount2", true }, { "uname", true }, { "unlink", true },
  { "unlinkat", true }, { "unshare", true }, { "uselib", true },
  { "useradded", false }, { "userdeleted", false }, { "userfaultfd", true },
  { "ustat", true }, { "utime", true }, { "utimensat", true },
  { "utimes", true }, { "vfork", true }, { "vhangup", true },
  { "vm86", true }, { "vmsplice", true }, { "wait4", true },
  { "waitid", true }, { "waitpid", true }, { "write", true },
  { "writev", true },  
};

_Static_assert (ARRAY_SIZE (evttypes) <= EVTTYPE_MAX, "EVTTYPE_MAX too small for the event types");

static int
evttype_cmp (const void *key, const void *elem)
{
  return strcmp (key, ((const struct evttype *) elem)->name);
}

int
evttype_lookup (const char *name)
{
  const struct evttype *e;

  if (name == NULL)
    return -1;
  e = bsearch (name, evttypes, ARRAY_SIZE (evttypes), sizeof evttypes[0], evttype_cmp);
  return e ? (int) (e - evttypes) : -1;
}

const char *
evttype_name (int id)
{
  if (id < 0 || (size_t) id >= ARRAY_SIZE (evttypes))
    return NULL;
  return evttypes[id].name;
}

size_t
evttype_count (void)
{
  return ARRAY_SIZE (evttypes);
}

bool
evttype_is_syscall (int id)
{
  if (id < 0 || (size_t) id >= ARRAY_SIZE (evttypes))
    return false;
  return evttypes[id].is_syscall;
}

/* ---- sets ---- */

/* The bits of word w that stand for known event types. */
static uint64_t
known_mask (size_t w)
{
  size_t n = ARRAY_SIZE (evttypes);

  if (n >= (w + 1) * 64)
    return ~0ull;
  if (n <= w * 64)
    return 0;
  return (1ull << (n - w * 64)) - 1;
}

void
evttype_set_fill (struct evttype_set *s)
{
  for (size_t w = 0; w < ARRAY_SIZE (s->bits); w++)
    s->bits[w] = known_mask (w);
}

void
evttype_set_union (struct evttype_set *dst, const struct evttype_set *src)
{
  for (size_t w = 0; w < ARRAY_SIZE (dst->bits); w++)
    dst->bits[w] |= src->bits[w];
}

void
evttype_set_intersect (struct evttype_set *dst, const struct evttype_set *src)
{
  for (size_t w = 0; w < ARRAY_SIZE (dst->bits); w++)
    dst->bits[w] &= src->bits[w];
}

void
evttype_set_complement (struct evttype_set *dst)
{
  for (size_t w = 0; w < ARRAY_SIZE (dst->bits); w++)
    dst->bits[w] = ~dst->bits[w] & known_mask (w);
}

size_t
evttype_set_count (const struct evttype_set *s)
{
  size_t n = 0;

  for (size_t w = 0; w < ARRAY_SIZE (s->bits); w++)
    n += (size_t) __builtin_popcountll (s->bits[w] & known_mask (w));
  return n;
}

bool
evttype_set_is_full (const struct evttype_set *s)
{
  return evttype_set_count (s) == ARRAY_SIZE (evttypes);
}

/* ---- syscall classes ---- */

enum {
  C_OPEN, C_CHMOD, C_SEND, C_DUP, C_NAMESPACES, C_MOUNT, C_PTRACE, C_UNLINK, C_RENAME, C_LINK, C_SYMLINK,
  C_MKDIR, C_CHOWN, C_MODULE, C_EXEC, C_CONNECT, C__COUNT
};

#define CLONE_NEW_ANY 0x7e020000ull /* NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET */
#define CLONE3_NEW_ANY (CLONE_NEW_ANY | 0x80ull) /* and NEWTIME, which clone's exit signal hides */

static const struct evtclass_guard guard_clone = { "flags", true, CLONE_NEW_ANY, { 0 }, 0, ET_ARG, 0 };
static const struct evtclass_guard guard_clone3 = { "flags", true, CLONE3_NEW_ANY, { 0 }, 0, ET_ARG, 0 };
static const struct evtclass_guard guard_fcntl
    = { "cmd", false, 0, { 0 /* F_DUPFD */, 1030 /* F_DUPFD_CLOEXEC */ }, 2, ET_ARG, 0 };
/* An open is a ptrace operation when it opens a process's memory, to read
 * it (PTRACE_PEEKDATA) or to write it (PTRACE_POKEDATA): any open may
 * reach /proc/<pid>/mem through a symlink or a dirfd, so the walk decides. */
static const struct evtclass_guard guard_proc_mem = { NULL, false, 0, { 0 }, 0, ET_PROC_MEM, 0 };
/* A rename takes its old path's name away (the file goes on under a name
 * no rule protects), and destroys the file its new path named, or, with
 * RENAME_EXCHANGE, gives it the old name: an unlink of each. */
static const struct evtclass_guard guard_rename_old = { NULL, false, 0, { 0 }, 0, ET_ALWAYS, 0 };
static const struct evtclass_guard guard_rename_new = { NULL, false, 0, { 0 }, 0, ET_REPLACES, 1 };
/* Setting a file's access or default ACL changes its permissions. */
static const struct evtclass_guard guard_acl = { NULL, false, 0, { 0 }, 0, ET_ACL_XATTR, 0 };
/* A send reaches a new peer when it names a destination: a UDP datagram's
 * address, or a TCP Fast Open (MSG_FASTOPEN), which connects as it sends.
 * A send without one goes to the peer the socket has (a TCP Fast Open
 * without one fails).  The filter sees sendto's pointer (non-zero), the
 * event the destination of each message. */
static const struct evtclass_guard guard_names_peer = { "addr", true, ~0ull, { 0 }, 0, ET_NAMES_PEER, 0 };

/* Members in the order a class picks the sibling to present as: the
 * most general member first (openat sees every open the others do).  A
 * syscall may belong to several classes; its first is its own kind, and
 * to one class in several ways (a rename of each of its paths). */
static const struct evtclass_member {
  const char *name;
  int cls;
  const struct evtclass_guard *guard;
  bool opaque; /* none of its parameters means what its siblings' do */
} class_members[] = {
  { "openat", C_OPEN, NULL, false },      { "open", C_OPEN, NULL, false },
  { "openat2", C_OPEN, NULL, false },     { "creat", C_OPEN, NULL, false },
  { "open_by_handle_at", C_OPEN, NULL, false },
  { "fchmodat", C_CHMOD, NULL, false },   { "chmod", C_CHMOD, NULL, false },
  { "fchmod", C_CHMOD, NULL, false },     { "fchmodat2", C_CHMOD, NULL, false },
  { "setxattr", C_CHMOD, &guard_acl, false }, { "lsetxattr", C_CHMOD, &guard_acl, false },
  { "fsetxattr", C_CHMOD, &guard_acl, false },
  { "sendto", C_SEND, NULL, false },      { "sendmsg", C_SEND, NULL, false },
  { "send", C_SEND, NULL, false },        { "sendmmsg", C_SEND, NULL, false },
  { "dup", C_DUP, NULL, false },          { "dup2", C_DUP, NULL, false },
  { "dup3", C_DUP, NULL, false },         { "fcntl", C_DUP, &guard_fcntl, false },
  { "unshare", C_NAMESPACES, NULL, false }, { "setns", C_NAMESPACES, NULL, false },
  { "clone", C_NAMESPACES, &guard_clone, false }, { "clone3", C_NAMESPACES, &guard_clone3, false },
  { "mount", C_MOUNT, NULL, false },      { "open_tree", C_MOUNT, NULL, true },
  { "move_mount", C_MOUNT, NULL, true },  { "fsmount", C_MOUNT, NULL, true },
  { "mount_setattr", C_MOUNT, NULL, false }, { "umount2", C_MOUNT, NULL, false },
  { "umount", C_MOUNT, NULL, false },
  { "ptrace", C_PTRACE, NULL, false },    { "process_vm_writev", C_PTRACE, NULL, false },
  { "process_vm_readv", C_PTRACE, NULL, false }, { "pidfd_getfd", C_PTRACE, NULL, false },
  /* Opens of /proc/<pid>/mem peek and poke what PTRACE_PEEKDATA and
   * PTRACE_POKEDATA do.  (Not open_by_handle_at: procfs gives out no file
   * handles.) */
  { "openat", C_PTRACE, &guard_proc_mem, false }, { "open", C_PTRACE, &guard_proc_mem, false },
  { "openat2", C_PTRACE, &guard_proc_mem, false }, { "creat", C_PTRACE, &guard_proc_mem, false },
  /* rmdir is unlinkat with AT_REMOVEDIR. */
  { "unlinkat", C_UNLINK, NULL, false },  { "unlink", C_UNLINK, NULL, false },
  { "rmdir", C_UNLINK, NULL, false },
  { "renameat2", C_UNLINK, &guard_rename_old, false }, { "renameat2", C_UNLINK, &guard_rename_new, false },
  { "renameat", C_UNLINK, &guard_rename_old, false }, { "renameat", C_UNLINK, &guard_rename_new, false },
  { "rename", C_UNLINK, &guard_rename_old, false }, { "rename", C_UNLINK, &guard_rename_new, false },
  /* The *at forms and their older siblings. */
  { "renameat2", C_RENAME, NULL, false }, { "renameat", C_RENAME, NULL, false },
  { "rename", C_RENAME, NULL, false },
  { "linkat", C_LINK, NULL, false },      { "link", C_LINK, NULL, false },
  { "symlinkat", C_SYMLINK, NULL, false }, { "symlink", C_SYMLINK, NULL, false },
  { "mkdirat", C_MKDIR, NULL, false },    { "mkdir", C_MKDIR, NULL, false },
  { "fchownat", C_CHOWN, NULL, false },   { "chown", C_CHOWN, NULL, false },
  { "lchown", C_CHOWN, NULL, false },     { "fchown", C_CHOWN, NULL, false },
  { "finit_module", C_MODULE, NULL, false }, { "init_module", C_MODULE, NULL, false },
  { "execve", C_EXEC, NULL, false },      { "execveat", C_EXEC, NULL, false },
  /* A rule on connects is about reaching a peer: a send with a destination
   * does.  (A rule on sends is no rule on connects.) */
  { "connect", C_CONNECT, NULL, false },  { "sendto", C_CONNECT, &guard_names_peer, false },
  { "sendmsg", C_CONNECT, &guard_names_peer, false }, { "sendmmsg", C_CONNECT, &guard_names_peer, false },
};

/* Parameters a member supplies otherwise than under its own name, in
 * presentation `view` (a rename as an unlink of its old path, 0, or of
 * its new one, 1). */
static const struct evtclass_arg_map {
  const char *member;
  int view;
  const char *param;
  struct evtclass_arg arg;
} class_args[] = {
  { "open", 0, "dirfd", { EC_CONST, NULL, -100 /* AT_FDCWD */ } },
  { "creat", 0, "dirfd", { EC_CONST, NULL, -100 } },
  { "creat", 0, "flags", { EC_CONST, NULL, 01101 /* O_WRONLY|O_CREAT|O_TRUNC */ } },
  { "open_by_handle_at", 0, "name", { EC_NONE, NULL, 0 } },
  { "open_by_handle_at", 0, "dirfd", { EC_NONE, NULL, 0 } },
  { "chmod", 0, "dirfd", { EC_CONST, NULL, -100 } },
  { "fchmod", 0, "filename", { EC_FD_PATH, "fd", 0 } },
  /* An ACL's mode bits are in its value, which vigil does not parse. */
  { "setxattr", 0, "filename", { EC_RENAMED, "path", 0 } },
  { "setxattr", 0, "dirfd", { EC_CONST, NULL, -100 } },
  { "setxattr", 0, "mode", { EC_NONE, NULL, 0 } },
  { "lsetxattr", 0, "filename", { EC_RENAMED, "path", 0 } },
  { "lsetxattr", 0, "dirfd", { EC_CONST, NULL, -100 } },
  { "lsetxattr", 0, "mode", { EC_NONE, NULL, 0 } },
  { "fsetxattr", 0, "filename", { EC_FD_PATH, "fd", 0 } },
  { "fsetxattr", 0, "mode", { EC_NONE, NULL, 0 } },
  { "dup", 0, "oldfd", { EC_RENAMED, "fd", 0 } },
  { "fcntl", 0, "oldfd", { EC_RENAMED, "fd", 0 } },
  { "dup2", 0, "fd", { EC_RENAMED, "oldfd", 0 } },
  { "dup3", 0, "fd", { EC_RENAMED, "oldfd", 0 } },
  { "unshare", 0, "nstype", { EC_RENAMED, "flags", 0 } },
  { "clone", 0, "nstype", { EC_RENAMED, "flags", 0 } },
  { "clone3", 0, "nstype", { EC_RENAMED, "flags", 0 } },
  { "setns", 0, "flags", { EC_RENAMED, "nstype", 0 } },
  /* Where a mount goes is what umount2 and mount_setattr act on. */
  { "umount2", 0, "dir", { EC_RENAMED, "name", 0 } },
  { "umount2", 0, "flags", { EC_NONE, NULL, 0 } },
  { "umount", 0, "dir", { EC_RENAMED, "name", 0 } },
  { "mount_setattr", 0, "dir", { EC_RENAMED, "path", 0 } },
  { "mount_setattr", 0, "flags", { EC_NONE, NULL, 0 } },
  /* process_vm_writev writes the memory ptrace's request would poke: which
   * request is unknowable, so a rule that asks is not decided by it. */
  { "process_vm_writev", 0, "request", { EC_NONE, NULL, 0 } },
  { "process_vm_readv", 0, "request", { EC_NONE, NULL, 0 } },
  { "pidfd_getfd", 0, "request", { EC_NONE, NULL, 0 } },
  { "rmdir", 0, "name", { EC_RENAMED, "path", 0 } },
  { "rmdir", 0, "dirfd", { EC_CONST, NULL, -100 } },
  { "rmdir", 0, "flags", { EC_CONST, NULL, 0x200 /* AT_REMOVEDIR */ } },
  { "unlink", 0, "name", { EC_RENAMED, "path", 0 } },
  { "unlink", 0, "dirfd", { EC_CONST, NULL, -100 } },
  { "unlink", 0, "flags", { EC_CONST, NULL, 0 } },
  { "unlinkat", 0, "path", { EC_RENAMED, "name", 0 } },
  { "rename", 0, "olddirfd", { EC_CONST, NULL, -100 } },
  { "rename", 0, "newdirfd", { EC_CONST, NULL, -100 } },
  { "link", 0, "olddir", { EC_CONST, NULL, -100 } },
  { "link", 0, "newdir", { EC_CONST, NULL, -100 } },
  { "link", 0, "flags", { EC_CONST, NULL, 0 } },
  { "symlink", 0, "linkdirfd", { EC_CONST, NULL, -100 } },
  { "mkdir", 0, "dirfd", { EC_CONST, NULL, -100 } },
  { "chown", 0, "pathname", { EC_RENAMED, "path", 0 } },
  { "chown", 0, "dirfd", { EC_CONST, NULL, -100 } },
  { "chown", 0, "flags", { EC_CONST, NULL, 0 } },
  { "lchown", 0, "pathname", { EC_RENAMED, "path", 0 } },
  { "lchown", 0, "dirfd", { EC_CONST, NULL, -100 } },
  { "lchown", 0, "flags", { EC_CONST, NULL, 0x100 /* AT_SYMLINK_NOFOLLOW */ } },
  { "fchown", 0, "path", { EC_FD_PATH, "fd", 0 } },
  { "fchown", 0, "pathname", { EC_FD_PATH, "fd", 0 } },
  { "fchown", 0, "flags", { EC_CONST, NULL, 0x1000 /* AT_EMPTY_PATH */ } },
  { "fchownat", 0, "path", { EC_RENAMED, "pathname", 0 } },
  { "init_module", 0, "flags", { EC_CONST, NULL, 0 } },
  { "rename", 0, "path", { EC_RENAMED, "oldpath", 0 } },
  { "rename", 0, "name", { EC_RENAMED, "oldpath", 0 } },
  { "rename", 0, "dirfd", { EC_CONST, NULL, -100 } },
  { "rename", 0, "flags", { EC_CONST, NULL, 0 } },
  { "rename", 1, "path", { EC_RENAMED, "newpath", 0 } },
  { "rename", 1, "name", { EC_RENAMED, "newpath", 0 } },
  { "rename", 1, "dirfd", { EC_CONST, NULL, -100 } },
  { "rename", 1, "flags", { EC_CONST, NULL, 0 } },
  { "renameat", 0, "path", { EC_RENAMED, "oldpath", 0 } },
  { "renameat", 0, "name", { EC_RENAMED, "oldpath", 0 } },
  { "renameat", 0, "dirfd", { EC_RENAMED, "olddirfd", 0 } },
  { "renameat", 0, "flags", { EC_CONST, NULL, 0 } },
  { "renameat", 1, "path", { EC_RENAMED, "newpath", 0 } },
  { "renameat", 1, "name", { EC_RENAMED, "newpath", 0 } },
  { "renameat", 1, "dirfd", { EC_RENAMED, "newdirfd", 0 } },
  { "renameat", 1, "flags", { EC_CONST, NULL, 0 } },
  { "renameat2", 0, "path", { EC_RENAMED, "oldpath", 0 } },
  { "renameat2", 0, "name", { EC_RENAMED, "oldpath", 0 } },
  { "renameat2", 0, "dirfd", { EC_RENAMED, "olddirfd", 0 } },
  { "renameat2", 0, "flags", { EC_CONST, NULL, 0 } },
  { "renameat2", 1, "path", { EC_RENAMED, "newpath", 0 } },
  { "renameat2", 1, "name", { EC_RENAMED, "newpath", 0 } },
  { "renameat2", 1, "dirfd", { EC_RENAMED, "newdirfd", 0 } },
  { "renameat2", 1, "flags", { EC_CONST, NULL, 0 } },
};

/* Member `id` of class cls, or of its first class when cls < 0. */
static const struct evtclass_member *
class_member (int id, int cls)
{
  const char *name = evttype_name (id);

  for (size_t i = 0; name && i < ARRAY_SIZE (class_members); i++)
    if ((cls < 0 || class_members[i].cls == cls) && strcmp (class_members[i].name, name) == 0)
      return &class_members[i];
  return NULL;
}

int
evtclass_count (void)
{
  return C__COUNT;
}

bool
evtclass_has (int id, int cls)
{
  return class_member (id, cls) != NULL;
}

bool
evtclass_named_by (int id, int cls)
{
  const struct evtclass_member *m = class_member (id, cls);
  return m && !(m->guard && m->guard->test != ET_ARG);
}

void
evtclass_members (int cls, struct evttype_set *s)
{
  for (size_t i = 0; i < ARRAY_SIZE (class_members); i++)
    {
      int id = evttype_lookup (class_members[i].name);
      if (class_members[i].cls == cls && id >= 0)
        evttype_set_add (s, id);
    }
}

int
evtclass_presented_as (int id, int cls, const struct evttype_set *named)
{
  for (size_t i = 0; evtclass_has (id, cls) && i < ARRAY_SIZE (class_members); i++)
    {
      int sib = evttype_lookup (class_members[i].name);
      if (class_members[i].cls == cls && sib >= 0 && evttype_set_has (named, sib) && evtclass_named_by (sib, cls))
        return sib;
    }
  return -1;
}

const struct evtclass_guard *
evtclass_guard (int id, int cls)
{
  const struct evtclass_member *m = class_member (id, cls);
  return m ? m->guard : NULL;
}

size_t
evtclass_guards (int id, int cls, const struct evtclass_guard **out, size_t max)
{
  const char *name = evttype_name (id);
  size_t n = 0;

  for (size_t i = 0; name && i < ARRAY_SIZE (class_members) && n < max; i++)
    if (class_members[i].cls == cls && strcmp (class_members[i].name, name) == 0)
      out[n++] = class_members[i].guard;
  return n;
}

bool
evtclass_guard_holds (const struct evtclass_guard *g, int64_t v)
{
  if (g->flags_any)
    return ((uint64_t) v & g->mask) != 0;
  for (size_t i = 0; i < g->nvalues; i++)
    if ((int64_t) (int32_t) v == g->values[i])
      return true;
  return false;
}

/* One path component: a pid, self, thread-self... */
static const char *
skip_component (const char *s)
{
  const char *e = strchr (s, '/');
  return e && e != s ? e + 1 : NULL;
}

bool
evtclass_acl_xattr_name (const char *name)
{
  return strcmp (name, "system.posix_acl_access") == 0 || strcmp (name, "system.posix_acl_default") == 0;
}

bool
evtclass_proc_mem_path (const char *path)
{
  const char *p = strncmp (path, "/proc/", 6) == 0 ? skip_component (path + 6) : NULL;

  if (p && strncmp (p, "task/", 5) == 0 && strcmp (p, "task/mem") != 0)
    p = skip_component (p + 5);
  return p && strcmp (p, "mem") == 0;
}

void
evtclass_arg (int id, int view, const char *param, struct evtclass_arg *out)
{
  const struct evtclass_member *m = class_member (id, -1);
  const char *name = evttype_name (id);

  *out = (struct evtclass_arg){ EC_SAME, param, 0 };
  if (m && m->opaque)
    {
      out->how = EC_NONE;
      return;
    }
  for (size_t i = 0; name && i < ARRAY_SIZE (class_args); i++)
    if (class_args[i].view == view && strcmp (class_args[i].member, name) == 0
        && strcmp (class_args[i].param, param) == 0)
      *out = class_args[i].arg;
}

/* ---- symbolic constants of scalar arguments ---- */

/* The names Falco renders for a scalar argument (evt.arg.X) with the
 * value the argument has in the raw syscall on Linux x86_64, which is
 * what the live supervisor compares: libscap translates most of these to
 * its own PPM_* bit layout before rendering, so the names are Falco's but
 * the numbers are the kernel's.
 *
 * Caveats for whoever turns them into masks:
 *  - O_RDONLY, O_WRONLY and O_RDWR are not bits but the values of the
 *    access mode field (flags & O_ACCMODE, O_ACCMODE = 3): O_RDONLY is 0,
 *    yet Falco renders it for every read-only open.
 *  - O_SYNC (O_DSYNC | 04000000) and O_TMPFILE (O_DIRECTORY | 020000000)
 *    are several bits: present only if all of them are set.
 *  - O_LARGEFILE is the kernel's 0100000, which 64-bit kernels add to
 *    every open themselves.
 *  - O_NONE and PROT_NONE are 0: Falco prints them when no flag is set.
 *  - Falco-internal flags with no kernel value (CLONE_INVERTED,
 *    CLOSED, NAME_CHANGED...), CLONE_STOPPED (gone from Linux, its bit
 *    is CLONE_NEWCGROUP now) and PROT_SAO (powerpc only) are left out.
 *  - "cmd" serves fcntl (F_*), bpf (BPF_*) and fsconfig (FSCONFIG_*):
 *    the prefixes keep the names apart, the values overlap. */
struct argconst {
  const char *sym;
  int64_t value;
};

static const struct argconst socket_families[] = {
  { "AF_UNSPEC", 0 },     { "AF_UNIX", 1 },       { "AF_LOCAL", 1 },      { "AF_INET", 2 },
  { "AF_AX25", 3 },       { "AF_IPX", 4 },        { "AF_APPLETALK", 5 },  { "AF_NETROM", 6 },
  { "AF_BRIDGE", 7 },     { "AF_ATMPVC", 8 },     { "AF_X25", 9 },        { "AF_INET6", 10 },
  { "AF_ROSE", 11 },      { "AF_DECnet", 12 },    { "AF_NETBEUI", 13 },   { "AF_SECURITY", 14 },
  { "AF_KEY", 15 },       { "AF_NETLINK", 16 },   { "AF_ROUTE", 16 },     { "AF_PACKET", 17 },
  { "AF_ASH", 18 },       { "AF_ECONET", 19 },    { "AF_ATMSVC", 20 },    { "AF_RDS", 21 },
  { "AF_SNA", 22 },       { "AF_IRDA", 23 },      { "AF_PPPOX", 24 },     { "AF_WANPIPE", 25 },
  { "AF_LLC", 26 },       { "AF_IB", 27 },        { "AF_MPLS", 28 },      { "AF_CAN", 29 },
  { "AF_TIPC", 30 },      { "AF_BLUETOOTH", 31 }, { "AF_IUCV", 32 },      { "AF_RXRPC", 33 },
  { "AF_ISDN", 34 },      { "AF_PHONET", 35 },    { "AF_IEEE802154", 36 }, { "AF_CAIF", 37 },
  { "AF_ALG", 38 },       { "AF_NFC", 39 },       { "AF_VSOCK", 40 },     { "AF_KCM", 41 },
  { "AF_QIPCRTR", 42 },   { "AF_SMC", 43 },       { "AF_XDP", 44 },       { "AF_MCTP", 45 },
};

static const struct argconst ptrace_requests[] = {
  { "PTRACE_TRACEME", 0 },          { "PTRACE_PEEKTEXT", 1 },          { "PTRACE_PEEKDATA", 2 },
  { "PTRACE_PEEKUSR", 3 },          { "PTRACE_POKETEXT", 4 },          { "PTRACE_POKEDATA", 5 },
  { "PTRACE_POKEUSR", 6 },          { "PTRACE_CONT", 7 },              { "PTRACE_KILL", 8 },
  { "PTRACE_SINGLESTEP", 9 },       { "PTRACE_GETREGS", 12 },          { "PTRACE_SETREGS", 13 },
  { "PTRACE_GETFPREGS", 14 },       { "PTRACE_SETFPREGS", 15 },        { "PTRACE_ATTACH", 16 },
  { "PTRACE_DETACH", 17 },          { "PTRACE_GETFPXREGS", 18 },       { "PTRACE_SETFPXREGS", 19 },
  { "PTRACE_OLDSETOPTIONS", 21 },   { "PTRACE_SYSCALL", 24 },          { "PTRACE_GET_THREAD_AREA", 25 },
  { "PTRACE_SET_THREAD_AREA", 26 }, { "PTRACE_ARCH_PRCTL", 30 },       { "PTRACE_SYSEMU", 31 },
  { "PTRACE_SYSEMU_SINGLESTEP", 32 }, { "PTRACE_SINGLEBLOCK", 33 },    { "PTRACE_SETOPTIONS", 0x4200 },
  { "PTRACE_GETEVENTMSG", 0x4201 }, { "PTRACE_GETSIGINFO", 0x4202 },   { "PTRACE_SETSIGINFO", 0x4203 },
  { "PTRACE_GETREGSET", 0x4204 },   { "PTRACE_SETREGSET", 0x4205 },    { "PTRACE_SEIZE", 0x4206 },
  { "PTRACE_INTERRUPT", 0x4207 },   { "PTRACE_LISTEN", 0x4208 },       { "PTRACE_PEEKSIGINFO", 0x4209 },
  { "PTRACE_GETSIGMASK", 0x420a },  { "PTRACE_SETSIGMASK", 0x420b },
};

/* open flags, then clone/unshare flags: both arrive as "flags".  Each
 * family is in the order of libscap's flag tables (file_flags,
 * clone_flags), which is the order Falco renders them in: "O_TRUNC|O_CREAT|
 * O_WRONLY", "CLONE_NEWNS|CLONE_NEWUSER". */
static const struct argconst flag_bits[] = {
  { "O_LARGEFILE", 0100000 },
  { "O_DIRECTORY", 0200000 },
  { "O_DIRECT", 040000 },
  { "O_TRUNC", 01000 },
  { "O_SYNC", 04010000 },
  { "O_NONBLOCK", 04000 },
  { "O_EXCL", 0200 },
  { "O_DSYNC", 010000 },
  { "O_APPEND", 02000 },
  { "O_CREAT", 0100 },
  { "O_RDWR", 02 },
  { "O_WRONLY", 01 },
  { "O_RDONLY", 0 },
  { "O_CLOEXEC", 02000000 },
  { "O_NONE", 0 },
  { "O_TMPFILE", 020200000 },
  { "CLONE_FILES", 0x400 },
  { "CLONE_FS", 0x200 },
  { "CLONE_IO", 0x80000000 },
  { "CLONE_NEWIPC", 0x8000000 },
  { "CLONE_NEWNET", 0x40000000 },
  { "CLONE_NEWNS", 0x20000 },
  { "CLONE_NEWPID", 0x20000000 },
  { "CLONE_NEWUTS", 0x4000000 },
  { "CLONE_PARENT", 0x8000 },
  { "CLONE_PARENT_SETTID", 0x100000 },
  { "CLONE_PTRACE", 0x2000 },
  { "CLONE_SIGHAND", 0x800 },
  { "CLONE_SYSVSEM", 0x40000 },
  { "CLONE_THREAD", 0x10000 },
  { "CLONE_UNTRACED", 0x800000 },
  { "CLONE_VM", 0x100 },
  { "CLONE_NEWUSER", 0x10000000 },
  { "CLONE_CHILD_CLEARTID", 0x200000 },
  { "CLONE_CHILD_SETTID", 0x1000000 },
  { "CLONE_SETTLS", 0x80000 },
  { "CLONE_VFORK", 0x4000 },
  { "CLONE_NEWCGROUP", 0x2000000 },
};

static const struct argconst prot_bits[] = {
  { "PROT_NONE", 0 },      { "PROT_READ", 1 },           { "PROT_WRITE", 2 },
  { "PROT_EXEC", 4 },      { "PROT_SEM", 8 },            { "PROT_GROWSDOWN", 0x01000000 },
  { "PROT_GROWSUP", 0x02000000 },
};

/* chmod/fchmod/fchmodat mode bits (rules test S_IXUSR, S_ISUID...). */
static const struct argconst mode_bits[] = {
  { "S_IXOTH", 01 },   { "S_IWOTH", 02 },   { "S_IROTH", 04 },   { "S_IXGRP", 010 },
  { "S_IWGRP", 020 },  { "S_IRGRP", 040 },  { "S_IXUSR", 0100 }, { "S_IWUSR", 0200 },
  { "S_IRUSR", 0400 }, { "S_ISVTX", 01000 }, { "S_ISGID", 02000 }, { "S_ISUID", 04000 },
};

static const struct argconst commands[] = {
  { "F_DUPFD", 0 },
  { "F_GETFD", 1 },
  { "F_SETFD", 2 },
  { "F_GETFL", 3 },
  { "F_SETFL", 4 },
  { "F_GETLK", 5 },
  { "F_SETLK", 6 },
  { "F_SETLKW", 7 },
  { "F_SETOWN", 8 },
  { "F_GETOWN", 9 },
  { "F_SETSIG", 10 },
  { "F_GETSIG", 11 },
  { "F_SETOWN_EX", 15 },
  { "F_GETOWN_EX", 16 },
  { "F_OFD_GETLK", 36 },
  { "F_OFD_SETLK", 37 },
  { "F_OFD_SETLKW", 38 },
  { "F_SETLEASE", 1024 },
  { "F_GETLEASE", 1025 },
  { "F_NOTIFY", 1026 },
  { "F_CANCELLK", 1029 },
  { "F_DUPFD_CLOEXEC", 1030 },
  { "F_SETPIPE_SZ", 1031 },
  { "F_GETPIPE_SZ", 1032 },
  { "BPF_MAP_CREATE", 0 },
  { "BPF_MAP_LOOKUP_ELEM", 1 },
  { "BPF_MAP_UPDATE_ELEM", 2 },
  { "BPF_MAP_DELETE_ELEM", 3 },
  { "BPF_MAP_GET_NEXT_KEY", 4 },
  { "BPF_PROG_LOAD", 5 },
  { "BPF_OBJ_PIN", 6 },
  { "BPF_OBJ_GET", 7 },
  { "BPF_PROG_ATTACH", 8 },
  { "BPF_PROG_DETACH", 9 },
  { "BPF_PROG_TEST_RUN", 10 },
  { "BPF_PROG_GET_NEXT_ID", 11 },
  { "BPF_MAP_GET_NEXT_ID", 12 },
  { "BPF_PROG_GET_FD_BY_ID", 13 },
  { "BPF_MAP_GET_FD_BY_ID", 14 },
  { "BPF_OBJ_GET_INFO_BY_FD", 15 },
  { "BPF_PROG_QUERY", 16 },
  { "BPF_RAW_TRACEPOINT_OPEN", 17 },
  { "BPF_BTF_LOAD", 18 },
  { "BPF_BTF_GET_FD_BY_ID", 19 },
  { "BPF_TASK_FD_QUERY", 20 },
  { "BPF_MAP_LOOKUP_AND_DELETE_ELEM", 21 },
  { "BPF_MAP_FREEZE", 22 },
  { "BPF_BTF_GET_NEXT_ID", 23 },
  { "BPF_LINK_CREATE", 28 },
  { "BPF_LINK_UPDATE", 29 },
  { "BPF_ENABLE_STATS", 32 },
  { "BPF_ITER_CREATE", 33 },
  { "FSCONFIG_SET_FLAG", 0 },
  { "FSCONFIG_SET_STRING", 1 },
  { "FSCONFIG_SET_BINARY", 2 },
  { "FSCONFIG_SET_PATH", 3 },
  { "FSCONFIG_SET_PATH_EMPTY", 4 },
  { "FSCONFIG_SET_FD", 5 },
  { "FSCONFIG_CMD_CREATE", 6 },
  { "FSCONFIG_CMD_RECONFIGURE", 7 },
  { "FSCONFIG_CMD_CREATE_EXCL", 8 },
};

struct argconst_table {
  const char *arg;
  bool is_flag;
  const struct argconst *v;
  size_t n;
};

#define TABLE(arg, is_flag, v) { arg, is_flag, v, ARRAY_SIZE (v) }

static const struct argconst_table argconst_tables[] = {
  TABLE ("domain", false, socket_families), /* socket, socketpair */
  TABLE ("request", false, ptrace_requests), /* ptrace */
  TABLE ("flags", true, flag_bits),          /* open*, creat, clone*, unshare */
  TABLE ("nstype", true, flag_bits),         /* setns: CLONE_NEW* */
  TABLE ("prot", true, prot_bits),           /* mmap, mprotect */
  TABLE ("mode", true, mode_bits),           /* chmod family */
  TABLE ("cmd", false, commands),            /* fcntl, bpf, fsconfig */
};

int
argconst_lookup (const char *arg, const char *sym, int64_t *out, bool *is_flag)
{
  if (arg == NULL || sym == NULL)
    return -1;
  for (size_t t = 0; t < ARRAY_SIZE (argconst_tables); t++)
    {
      const struct argconst_table *tab = &argconst_tables[t];
      if (strcmp (tab->arg, arg) != 0)
        continue;
      for (size_t i = 0; i < tab->n; i++)
        if (strcmp (tab->v[i].sym, sym) == 0)
          {
            if (out)
              *out = tab->v[i].value;
            if (is_flag)
              *is_flag = tab->is_flag;
            return 0;
          }
      return -1;
    }
  return -1;
}

/* Render a value as Falco prints the argument: the symbol for an
 * enumeration (AF_PACKET, PTRACE_ATTACH), or for bit flags the symbols
 * joined with '|', access mode first for open flags.  `prefix` picks the
 * family within a shared table ("O_" or "CLONE_" for "flags"). */
size_t
argconst_render (const char *arg, const char *prefix, int64_t value, char *buf, size_t size)
{
  const struct argconst_table *tab = NULL;
  size_t len = 0, plen = prefix ? strlen (prefix) : 0;

  for (size_t t = 0; t < ARRAY_SIZE (argconst_tables) && tab == NULL; t++)
    if (strcmp (argconst_tables[t].arg, arg) == 0)
      tab = &argconst_tables[t];
  if (size == 0)
    return 0;
  buf[0] = '\0';
  if (tab == NULL)
    return (size_t) snprintf (buf, size, "%lld", (long long) value);
  if (!tab->is_flag)
    {
      for (size_t i = 0; i < tab->n; i++)
        if (tab->v[i].value == value && (plen == 0 || strncmp (tab->v[i].sym, prefix, plen) == 0))
          return (size_t) snprintf (buf, size, "%s", tab->v[i].sym);
      return (size_t) snprintf (buf, size, "%lld", (long long) value);
    }
  /* As libsinsp renders flags: every name of the family whose bits are all
   * set, in table order, so multi-bit names (O_SYNC, O_TMPFILE) appear
   * beside their parts as Falco shows them. */
  uint64_t bits = (uint64_t) value;
  bool open_flags = prefix && strcmp (prefix, "O_") == 0;
  for (size_t i = 0; i < tab->n && len < size; i++)
    {
      uint64_t v = (uint64_t) tab->v[i].value;
      const char *sym = tab->v[i].sym;
      if (plen && strncmp (sym, prefix, plen) != 0)
        continue;
      if (open_flags && v <= 3)
        {
          /* The access mode is a value, not bits (O_RDONLY is 0): named once,
           * where the table lists the modes. */
          static const char *const modes[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
          if (strcmp (sym, "O_RDWR") == 0)
            len += (size_t) snprintf (buf + len, size - len, "%s%s", len ? "|" : "", modes[bits & 3]);
          continue;
        }
      if (v != 0 && (bits & v) == v)
        len += (size_t) snprintf (buf + len, size - len, "%s%s", len ? "|" : "", sym);
    }
  if (len == 0 && len < size)
    len = (size_t) snprintf (buf, size, "0");
  return len < size ? len : size - 1;
}
