/* vigil: the parameters each Falco event has, by name and number, as
 * libscap's event table (falcosecurity/libs driver/event_table.c) names
 * them for the enter and exit events of every version: what evt.arg.NAME,
 * evt.arg[N] and evt.rawarg.NAME can refer to.  Events the table lacks
 * (Falco shows them as the generic "syscall") are not listed.  Sorted by
 * name for bsearch. */
#include <stdlib.h>
#include <string.h>

#include "vigil/error.h"
#include "vigil/evtparams.h"
#include "vigil/evttypes.h"

struct evtparams {
  const char *type;
  int count;          /* parameters of its longest variant */
  const char *names;  /* separated by single spaces */
};

static const struct evtparams evtparams[] = {
  { "accept", 5, "fd tuple queuepct flags queuelen queuemax" },
  { "accept4", 6, "flags fd tuple queuepct queuelen queuemax" },
  { "access", 3, "mode res name" },
  { "asyncevent", 3, "plugin_id name data" },
  { "bind", 3, "fd res addr" },
  { "bpf", 2, "cmd res_or_fd fd" },
  { "brk", 5, "size res addr vm_size vm_rss vm_swap" },
  { "capset", 4, "res cap_inheritable cap_permitted cap_effective" },
  { "chdir", 2, "res path" },
  { "chmod", 3, "res filename mode" },
  { "chown", 4, "res path uid gid" },
  { "chroot", 2, "res path" },
  { "clone", 21,
    "res exe args tid pid ptid cwd fdlimit flags uid gid pgft_maj pgft_min vm_size vm_rss "
    "vm_swap comm cgroups vtid vpid pidns_init_start_ts" },
  { "clone3", 21,
    "res exe args tid pid ptid cwd fdlimit pgft_maj pgft_min vm_size vm_rss vm_swap comm "
    "cgroups flags uid gid vtid vpid pidns_init_start_ts" },
  { "close", 2, "fd res" },
  { "close_range", 4, "res first last flags" },
  { "connect", 4, "fd addr res tuple" },
  { "container", 4, "id type name image json" },
  { "copy_file_range", 6, "fdin offin len res fdout offout" },
  { "cpu_hotplug", 2, "cpu action" },
  { "creat", 6, "name mode fd dev ino creat_flags" },
  { "delete_module", 3, "res name flags" },
  { "drop", 1, "ratio" },
  { "dup", 2, "fd res oldfd" },
  { "dup2", 3, "fd res oldfd newfd" },
  { "dup3", 4, "fd res oldfd newfd flags" },
  { "epoll_create", 2, "size res" },
  { "epoll_create1", 2, "flags res" },
  { "epoll_wait", 2, "maxevents res" },
  { "eventfd", 3, "initval flags res" },
  { "eventfd2", 3, "initval res flags" },
  { "execve", 31,
    "res exe args tid pid ptid cwd fdlimit pgft_maj pgft_min vm_size vm_rss vm_swap env comm "
    "cgroups tty filename vpgid loginuid flags cap_inheritable cap_permitted cap_effective "
    "exe_ino exe_ino_ctime exe_ino_mtime uid trusted_exepath pgid gid" },
  { "execveat", 30,
    "dirfd pathname flags res exe args tid pid ptid cwd fdlimit pgft_maj pgft_min vm_size "
    "vm_rss vm_swap comm cgroups env tty vpgid loginuid cap_inheritable cap_permitted "
    "cap_effective exe_ino exe_ino_ctime exe_ino_mtime uid trusted_exepath pgid gid" },
  { "fchdir", 2, "fd res" },
  { "fchmod", 3, "res fd mode" },
  { "fchmodat", 4, "res dirfd filename mode" },
  { "fchown", 4, "res fd uid gid" },
  { "fchownat", 6, "res dirfd pathname uid gid flags" },
  { "fcntl", 4, "fd cmd res arg" },
  { "finit_module", 4, "res fd uargs flags" },
  { "flock", 3, "fd operation res" },
  { "fork", 21,
    "res exe args tid pid ptid cwd fdlimit pgft_maj pgft_min vm_size vm_rss vm_swap flags uid "
    "gid comm cgroups vtid vpid pidns_init_start_ts" },
  { "fsconfig", 7, "res fd cmd key value_bytebuf value_charbuf aux" },
  { "fstat", 2, "fd res" },
  { "fstat64", 1, "fd res" },
  { "futex", 4, "addr op val res" },
  { "getcwd", 2, "res path" },
  { "getdents", 2, "fd res" },
  { "getdents64", 2, "fd res" },
  { "getegid", 1, "egid" },
  { "geteuid", 1, "euid" },
  { "getgid", 1, "gid" },
  { "getpeername", 0, "" },
  { "getresgid", 4, "res rgid egid sgid" },
  { "getresuid", 4, "res ruid euid suid" },
  { "getrlimit", 4, "resource res cur max" },
  { "getsockname", 0, "" },
  { "getsockopt", 6, "res fd level optname val optlen" },
  { "getuid", 1, "uid" },
  { "groupadded", 3, "gid name container_id" },
  { "groupdeleted", 3, "gid name container_id" },
  { "infra", 4, "source name description scope" },
  { "init_module", 4, "res img length uargs" },
  { "inotify_init", 2, "flags res" },
  { "inotify_init1", 2, "res flags" },
  { "io_uring_enter", 6, "res fd to_submit min_complete flags sig" },
  { "io_uring_register", 5, "res fd opcode arg nr_args" },
  { "io_uring_setup", 8, "res entries sq_entries cq_entries flags sq_thread_cpu sq_thread_idle features" },
  { "ioctl", 4, "fd request res argument" },
  { "k8s", 1, "json" },
  { "keyctl", 6, "res operation arg2 arg3 arg4 arg5" },
  { "kill", 3, "pid sig res" },
  { "lchown", 4, "res path uid gid" },
  { "link", 3, "oldpath newpath res" },
  { "linkat", 6, "olddir oldpath newdir newpath res flags" },
  { "listen", 3, "fd backlog res" },
  { "llseek", 4, "fd offset whence res" },
  { "lseek", 4, "fd offset whence res" },
  { "lstat", 2, "res path" },
  { "lstat64", 2, "res path" },
  { "memfd_create", 3, "fd name flags" },
  { "mesos", 1, "json" },
  { "mkdir", 3, "path mode res" },
  { "mkdirat", 4, "res dirfd path mode" },
  { "mknod", 4, "res path mode dev" },
  { "mknodat", 5, "res dirfd path mode dev" },
  { "mlock", 3, "res addr len" },
  { "mlock2", 4, "res addr len flags" },
  { "mlockall", 2, "res flags" },
  { "mmap", 10, "addr length prot flags fd offset res vm_size vm_rss vm_swap" },
  { "mmap2", 10, "addr length prot flags fd pgoffset res vm_size vm_rss vm_swap" },
  { "mount", 5, "flags res dev dir type" },
  { "mprotect", 4, "addr length prot res" },
  { "munlock", 3, "res addr len" },
  { "munlockall", 1, "res" },
  { "munmap", 6, "addr length res vm_size vm_rss vm_swap" },
  { "nanosleep", 2, "interval res" },
  { "newfstatat", 4, "res dirfd path flags" },
  { "notification", 2, "id desc" },
  { "open", 6, "name flags mode fd dev ino" },
  { "open_by_handle_at", 6, "fd mountfd flags path dev ino" },
  { "openat", 7, "dirfd name flags mode fd dev ino" },
  { "openat2", 8, "dirfd name flags mode resolve fd dev ino" },
  { "page_fault", 3, "addr ip error" },
  { "pidfd_getfd", 4, "fd pid_fd target_fd flags" },
  { "pidfd_open", 3, "fd pid flags" },
  { "pipe", 4, "res fd1 fd2 ino" },
  { "pipe2", 5, "res fd1 fd2 ino flags" },
  { "pluginevent", 2, "plugin_id event_data" },
  { "poll", 3, "fds timeout res" },
  { "ppoll", 4, "fds timeout sigmask res" },
  { "prctl", 4, "res option arg2_str arg2_int" },
  { "pread", 5, "fd size pos res data" },
  { "preadv", 5, "fd pos res size data" },
  { "prlimit", 7, "pid resource res newcur newmax oldcur oldmax" },
  { "process_vm_readv", 3, "res pid data" },
  { "process_vm_writev", 3, "res pid data" },
  { "procexit", 5, "status ret sig core reaper_tid" },
  { "procinfo", 2, "cpu_usr cpu_sys" },
  { "ptrace", 5, "request pid res addr data" },
  { "pwrite", 5, "fd size pos res data" },
  { "pwritev", 5, "fd size pos res data" },
  { "quotactl", 18,
    "cmd type id quota_fmt res special quotafilepath dqb_bhardlimit dqb_bsoftlimit dqb_curspace "
    "dqb_ihardlimit dqb_isoftlimit dqb_btime dqb_itime dqi_bgrace dqi_igrace dqi_flags "
    "quota_fmt_out" },
  { "read", 4, "fd size res data" },
  { "readv", 4, "fd res size data" },
  { "recv", 5, "fd size res data tuple" },
  { "recvfrom", 5, "fd size res data tuple" },
  { "recvmmsg", 6, "res fd size data tuple msgcontrol" },
  { "recvmsg", 6, "fd res size data tuple msgcontrol" },
  { "rename", 3, "res oldpath newpath" },
  { "renameat", 5, "res olddirfd oldpath newdirfd newpath" },
  { "renameat2", 6, "res olddirfd oldpath newdirfd newpath flags" },
  { "rmdir", 2, "path res" },
  { "scapevent", 2, "event_type event_data" },
  { "seccomp", 3, "op flags res" },
  { "select", 1, "res" },
  { "semctl", 5, "semid semnum cmd val res" },
  { "semget", 4, "key nsems semflg res" },
  { "semop", 9, "semid res nsops sem_num_0 sem_op_0 sem_flg_0 sem_num_1 sem_op_1 sem_flg_1" },
  { "send", 5, "fd size res data tuple" },
  { "sendfile", 5, "out_fd in_fd offset size res" },
  { "sendmmsg", 5, "res fd size data tuple" },
  { "sendmsg", 5, "fd size tuple res data" },
  { "sendto", 5, "fd size tuple res data" },
  { "setgid", 2, "gid res" },
  { "setns", 3, "fd nstype res" },
  { "setpgid", 3, "pid pgid res" },
  { "setregid", 3, "res rgid egid" },
  { "setresgid", 4, "rgid egid sgid res" },
  { "setresuid", 4, "ruid euid suid res" },
  { "setreuid", 3, "res ruid euid" },
  { "setrlimit", 4, "resource res cur max" },
  { "setsid", 1, "res" },
  { "setsockopt", 6, "res fd level optname val optlen" },
  { "setuid", 2, "uid res" },
  { "shutdown", 3, "fd how res" },
  { "signaldeliver", 3, "spid dpid sig" },
  { "signalfd", 4, "fd mask flags res" },
  { "signalfd4", 4, "fd mask res flags" },
  { "socket", 5, "domain type proto fd flags" },
  { "socketpair", 8, "domain type proto res fd1 fd2 source peer" },
  { "splice", 5, "fd_in fd_out size flags res" },
  { "stat", 2, "res path" },
  { "stat64", 2, "res path" },
  { "switch", 6, "next pgft_maj pgft_min vm_size vm_rss vm_swap" },
  { "symlink", 3, "res target linkpath" },
  { "symlinkat", 4, "res target linkdirfd linkpath" },
  { "syscall", 2, "ID nativeID" },
  { "task", 32,
    "ppid pgid vpgid sid comm argv exepath flags env cwd fdlimit euid egid cap_permitted "
    "cap_effective cap_inheritable exe_ino_num exe_ino_ctime exe_ino_mtime vm_size vm_rss "
    "vm_swap pgft_maj pgft_min vtgid vpid pidns_init_start_ts cgroups root start_time tty "
    "loginuid" },
  { "task_file_anon_inode", 4, "fd fd_type path ino_num" },
  { "task_file_directory", 3, "fd path ino_num" },
  { "task_file_memfd", 3, "fd path ino_num" },
  { "task_file_pipe", 3, "fd path ino_num" },
  { "task_file_regular", 5, "fd path flags mnt_id ino_num" },
  { "task_file_socket_inet", 8, "fd sk_type sk_proto local_ip local_port remote_ip remote_port ino_num" },
  { "task_file_socket_inet6", 8, "fd sk_type sk_proto local_ip local_port remote_ip remote_port ino_num" },
  { "task_file_socket_netlink", 4, "fd sk_type sk_proto ino_num" },
  { "task_file_socket_unix", 6, "fd sk_type sk_proto sk_pointer sun_path ino_num" },
  { "tgkill", 4, "pid tid sig res" },
  { "timerfd_create", 3, "clockid flags res" },
  { "tkill", 3, "tid sig res" },
  { "tracer", 6, "id tags args" },
  { "umount", 2, "flags res name" },
  { "umount2", 3, "flags res name" },
  { "unlink", 2, "path res" },
  { "unlinkat", 4, "dirfd name res flags" },
  { "unshare", 2, "flags res" },
  { "useradded", 6, "uid gid name home shell container_id" },
  { "userdeleted", 6, "uid gid name home shell container_id" },
  { "userfaultfd", 2, "res flags" },
  { "vfork", 21,
    "res exe args tid pid ptid cwd fdlimit pgft_maj pgft_min vm_size vm_rss vm_swap flags uid "
    "gid comm cgroups vtid vpid pidns_init_start_ts" },
  { "write", 4, "fd size res data" },
  { "writev", 4, "fd size res data" },
};

static int
evtparams_cmp (const void *key, const void *elem)
{
  return strcmp (key, ((const struct evtparams *) elem)->type);
}

static const struct evtparams *
evtparams_of (int type)
{
  const char *name = evttype_name (type);
  return name ? bsearch (name, evtparams, ARRAY_SIZE (evtparams), sizeof evtparams[0], evtparams_cmp) : NULL;
}

int
evtparam_has (int type, const char *name)
{
  const struct evtparams *e = evtparams_of (type);
  size_t n = strlen (name);

  if (e == NULL)
    return -1;
  for (const char *p = e->names; *p;)
    {
      size_t len = strcspn (p, " ");
      if (len == n && strncmp (p, name, n) == 0)
        return 1;
      p += len + (p[len] == ' ');
    }
  return 0;
}

int
evtparam_count (int type)
{
  const struct evtparams *e = evtparams_of (type);
  return e ? e->count : -1;
}
