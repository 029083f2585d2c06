#!/usr/bin/env bash
# vigil as a container's entrypoint under runc: a busybox-static root
# filesystem with vigil and the libraries it needs copied in.
set -u
vigil=$(realpath "${1:-./vigil}")
pass=0 fail=0

if [ "$(id -u)" != 0 ]; then echo "SKIP: container tests need root (runc)"; exit 0; fi
for tool in runc busybox python3; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 0; }
done
busybox=$(command -v busybox)
if ! file -L "$busybox" 2>/dev/null | grep -q "statically linked"; then
  [ -x /bin/busybox ] && busybox=/bin/busybox
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigil-ctr.XXXXXX")
ctr="vigil-test-$$"
trap 'runc delete -f "$ctr" >/dev/null 2>&1; rm -rf "$tmp"' EXIT
ok () { echo "PASS $1"; pass=$((pass + 1)); }
ko () { echo "FAIL $1"; shift; for l in "$@"; do echo "    $l"; done; fail=$((fail + 1)); }

# The root filesystem: busybox, vigil, its shared libraries and loader.
root=$tmp/bundle/rootfs
mkdir -p "$root"/{bin,etc/vigil,proc,sys,dev,tmp,usr/bin,run}
cp "$busybox" "$root/bin/busybox"
for app in sh cat ls echo true sleep id; do ln -s busybox "$root/bin/$app"; done
cp "$vigil" "$root/usr/bin/vigil"
ldd "$vigil" | grep -oE '/[^ ]+' | while read -r lib; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
printf 'root:*:19000:0:99999:7:::\n' > "$root/etc/shadow"
echo secret > "$root/etc/secret"
cat > "$root/etc/vigil/rules.yaml" <<'YAML'
- rule: Read shadow in container
  desc: a read of the shadow file
  condition: evt.type in (open, openat, openat2) and fd.name = /etc/shadow
  output: "shadow read by %proc.name (file=%fd.name)"
  priority: WARNING
- rule: Deny the secret
  desc: nobody reads /etc/secret
  condition: evt.type in (open, openat, openat2) and fd.name = /etc/secret
  output: "secret denied to %proc.name"
  priority: CRITICAL
  action: deny
YAML

(cd "$tmp/bundle" && runc spec)
python3 - "$tmp/bundle/config.json" <<'PY'
import json, sys
p = sys.argv[1]
c = json.load(open(p))
c["process"]["terminal"] = False
c["process"]["args"] = ["/usr/bin/vigil", "run", "-r", "/etc/vigil/rules.yaml", "-o", "json_output=true", "--",
                        "sh", "-c", "cat /etc/shadow >/dev/null; cat /etc/secret; echo status=$? >&2; exit 7"]
c["root"]["readonly"] = False
json.dump(c, open(p, "w"))
PY

out=$(cd "$tmp/bundle" && timeout 60 runc run "$ctr" 2>"$tmp/err")
st=$?
if [ "$st" = 7 ]; then ok "the workload's exit status passes through runc"; else ko "exit status" "want 7, got $st" "$(cat "$tmp/err")"; fi
if printf '%s\n' "$out" | grep -q '"rule":"Read shadow in container"' &&
   printf '%s\n' "$out" | grep -q '"proc.name":"cat"'; then
  ok "vigil as PID 1 of the container alerts on the read of /etc/shadow"
else
  ko "shadow alert" "out: $out" "err: $(cat "$tmp/err")"
fi
if grep -q "status=1" "$tmp/err" && printf '%s\n' "$out" | grep -q '"action":"deny"'; then
  ok "the deny rule fails the open of /etc/secret inside the container"
else
  ko "deny in container" "out: $out" "err: $(cat "$tmp/err")"
fi

# The default policy, live: the Falco guide's scenarios in the container.
mkdir -p "$root/etc/kubernetes"
echo "apiVersion: v1" > "$root/etc/kubernetes/admin.conf"
ln -s busybox "$root/bin/apk"
ln -s busybox "$root/bin/touch"
python3 - "$tmp/bundle/config.json" <<'PY'
import json, sys
p = sys.argv[1]
c = json.load(open(p))
c["process"]["args"] = ["/usr/bin/vigil", "run", "-o", "json_output=true", "--", "sh", "-c",
                        "cat /etc/shadow >/dev/null; touch /etc/new-file; apk add curl; "
                        "cat /etc/kubernetes/admin.conf >/dev/null; exit 0"]
json.dump(c, open(p, "w"))
PY
runc delete -f "$ctr" >/dev/null 2>&1
out=$(cd "$tmp/bundle" && timeout 60 runc run "$ctr" 2>"$tmp/err")
for rule in "Read sensitive file in container" "Write below etc" \
            "Package management process launched in container" "Read Kubernetes config in container"; do
  if printf '%s\n' "$out" | grep -q "\"rule\":\"$rule\""; then
    ok "default policy in the container: $rule"
  else
    ko "default policy in the container: $rule" "out: $out" "err: $(cat "$tmp/err")"
  fi
done

# The same scenarios with the settings Docker gives a container by default,
# not runc spec's: Docker's capability set, its seccomp profile under
# vigil's (vigil's filter stacks on top), and no no_new_privs (vigil sets
# it for the workload itself).  moby's profiles/seccomp/default.json cannot
# be fetched here, so the generator below writes its OCI equivalent for
# x86_64 as Docker renders it for the default capabilities: the
# unconditional allow list, the entries gated on capabilities Docker grants
# (CAP_SYS_CHROOT: chroot) or on kernel >= 4.8 (ptrace, process_vm_*),
# socket without AF_VSOCK, the personality values, clone without
# CLONE_NEW*, and clone3 failing with ENOSYS so that libc falls back to
# clone.  Everything else (mount, unshare, setns, bpf, io_uring...) fails
# with EPERM, Docker's defaultErrnoRet.
cp "$tmp/bundle/config.json" "$tmp/config.runc-spec.json"
python3 - "$tmp/bundle/config.json" <<'PY'
import json, sys
p = sys.argv[1]
c = json.load(open(p))
docker_caps = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
               "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
               "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"]
c["process"]["capabilities"] = {"bounding": docker_caps, "effective": docker_caps, "permitted": docker_caps}
c["process"]["noNewPrivileges"] = False
allow = """accept accept4 access adjtimex alarm bind brk cachestat capget capset chdir chmod chown chown32
clock_adjtime clock_adjtime64 clock_getres clock_getres_time64 clock_gettime clock_gettime64 clock_nanosleep
clock_nanosleep_time64 close close_range connect copy_file_range creat dup dup2 dup3 epoll_create epoll_create1
epoll_ctl epoll_ctl_old epoll_pwait epoll_pwait2 epoll_wait epoll_wait_old eventfd eventfd2 execve execveat exit
exit_group faccessat faccessat2 fadvise64 fadvise64_64 fallocate fanotify_mark fchdir fchmod fchmodat fchmodat2
fchown fchown32 fchownat fcntl fcntl64 fdatasync fgetxattr flistxattr flock fork fremovexattr fsetxattr fstat
fstat64 fstatat64 fstatfs fstatfs64 fsync ftruncate ftruncate64 futex futex_requeue futex_time64 futex_wait
futex_waitv futex_wake futimesat getcpu getcwd getdents getdents64 getegid getegid32 geteuid geteuid32 getgid
getgid32 getgroups getgroups32 getitimer getpeername getpgid getpgrp getpid getppid getpriority getrandom
getresgid getresgid32 getresuid getresuid32 getrlimit get_robust_list getrusage getsid getsockname getsockopt
get_thread_area gettid gettimeofday getuid getuid32 getxattr inotify_add_watch inotify_init inotify_init1
inotify_rm_watch io_cancel ioctl io_destroy io_getevents io_pgetevents io_pgetevents_time64 ioprio_get ioprio_set
io_setup io_submit ipc kill landlock_add_rule landlock_create_ruleset landlock_restrict_self lchown lchown32
lgetxattr link linkat listen listxattr llistxattr _llseek lremovexattr lseek lsetxattr lstat lstat64 madvise
map_shadow_stack membarrier memfd_create memfd_secret mincore mkdir mkdirat mknod mknodat mlock mlock2 mlockall
mmap mmap2 mprotect mq_getsetattr mq_notify mq_open mq_timedreceive mq_timedreceive_time64 mq_timedsend
mq_timedsend_time64 mq_unlink mremap msgctl msgget msgrcv msgsnd msync munlock munlockall munmap name_to_handle_at
nanosleep newfstatat _newselect open openat openat2 pause pidfd_open pidfd_send_signal pipe pipe2 pkey_alloc
pkey_free pkey_mprotect poll ppoll ppoll_time64 prctl pread64 preadv preadv2 prlimit64 process_mrelease pselect6
pselect6_time64 pwrite64 pwritev pwritev2 read readahead readlink readlinkat readv recv recvfrom recvmmsg
recvmmsg_time64 recvmsg remap_file_pages removexattr rename renameat renameat2 restart_syscall rmdir rseq
rt_sigaction rt_sigpending rt_sigprocmask rt_sigqueueinfo rt_sigreturn rt_sigsuspend rt_sigtimedwait
rt_sigtimedwait_time64 rt_tgsigqueueinfo sched_getaffinity sched_getattr sched_getparam sched_get_priority_max
sched_get_priority_min sched_getscheduler sched_rr_get_interval sched_rr_get_interval_time64 sched_setaffinity
sched_setattr sched_setparam sched_setscheduler sched_yield seccomp select semctl semget semop semtimedop
semtimedop_time64 send sendfile sendfile64 sendmmsg sendmsg sendto setfsgid setfsgid32 setfsuid setfsuid32 setgid
setgid32 setgroups setgroups32 setitimer setpgid setpriority setregid setregid32 setresgid setresgid32 setresuid
setresuid32 setreuid setreuid32 setrlimit set_robust_list setsid setsockopt set_thread_area set_tid_address setuid
setuid32 setxattr shmat shmctl shmdt shmget shutdown sigaltstack signalfd signalfd4 sigprocmask sigreturn
socketcall socketpair splice stat stat64 statfs statfs64 statx symlink symlinkat sync sync_file_range syncfs
sysinfo tee tgkill time timer_create timer_delete timer_getoverrun timer_gettime timer_gettime64 timer_settime
timer_settime64 timerfd_create timerfd_gettime timerfd_gettime64 timerfd_settime timerfd_settime64 times tkill
truncate truncate64 ugetrlimit umask uname unlink unlinkat utime utimensat utimensat_time64 utimes vfork vmsplice
wait4 waitid waitpid write writev
ptrace process_vm_readv process_vm_writev arch_prctl modify_ldt chroot""".split()
ALLOW = "SCMP_ACT_ALLOW"
syscalls = [{"names": allow, "action": ALLOW}]
syscalls += [{"names": ["personality"], "action": ALLOW,
              "args": [{"index": 0, "value": v, "op": "SCMP_CMP_EQ"}]}
             for v in (0x0, 0x0008, 0x20000, 0x20008, 0xffffffff)]
syscalls.append({"names": ["socket"], "action": ALLOW,
                 "args": [{"index": 0, "value": 40, "op": "SCMP_CMP_NE"}]})   # AF_VSOCK
syscalls.append({"names": ["clone"], "action": ALLOW,                         # no CLONE_NEW*
                 "args": [{"index": 0, "value": 0x7E020000, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]})
syscalls.append({"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38})  # ENOSYS
c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
                         "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
                         "syscalls": syscalls}
c["process"]["args"] = ["/usr/bin/vigil", "run", "-o", "json_output=true", "--", "sh", "-c",
                        "grep -E '^(CapEff|NoNewPrivs|Seccomp_filters):' /proc/self/status >&2; "
                        "unshare -U true 2>/dev/null; echo unshare=$? >&2; "
                        "cat /etc/shadow >/dev/null; touch /etc/docker-file; apk add curl; "
                        "cat /etc/kubernetes/admin.conf >/dev/null; exit 0"]
json.dump(c, open(p, "w"))
PY
if [ "$(uname -m)" != x86_64 ]; then
  echo "SKIP: the Docker seccomp profile written here is x86_64's"
else
  runc delete -f "$ctr" >/dev/null 2>&1
  out=$(cd "$tmp/bundle" && timeout 60 runc run "$ctr" 2>"$tmp/err")
  st=$?
  # Docker's capability set is the well-known mask a80425fb; two filters:
  # Docker's and vigil's; no_new_privs set by vigil, not by the runtime.
  if [ "$st" = 0 ] && grep -q "^CapEff:[[:space:]]*00000000a80425fb" "$tmp/err" &&
     grep -q "^Seccomp_filters:[[:space:]]*2" "$tmp/err" && grep -q "^NoNewPrivs:[[:space:]]*1" "$tmp/err" &&
     grep -q "unshare=1" "$tmp/err"; then
    ok "Docker defaults: the workload runs with Docker's caps under Docker's profile and vigil's filter"
  else
    ko "Docker defaults" "status $st" "out: $out" "err: $(cat "$tmp/err")"
  fi
  for rule in "Read sensitive file in container" "Write below etc" \
              "Package management process launched in container" "Read Kubernetes config in container"; do
    if printf '%s\n' "$out" | grep -q "\"rule\":\"$rule\""; then
      ok "default policy under Docker's settings: $rule"
    else
      ko "default policy under Docker's settings: $rule" "out: $out" "err: $(cat "$tmp/err")"
    fi
  done
  # A deny under Docker's settings: vigil performs the open itself with the
  # workload's credentials, which Docker's profile must not break.
  python3 - "$tmp/bundle/config.json" <<'PY'
import json, sys
p = sys.argv[1]
c = json.load(open(p))
c["process"]["args"] = ["/usr/bin/vigil", "run", "-r", "/etc/vigil/rules.yaml", "-o", "json_output=true", "--",
                        "sh", "-c", "cat /etc/shadow >/dev/null; cat /etc/secret; echo status=$? >&2; exit 7"]
json.dump(c, open(p, "w"))
PY
  runc delete -f "$ctr" >/dev/null 2>&1
  out=$(cd "$tmp/bundle" && timeout 60 runc run "$ctr" 2>"$tmp/err")
  st=$?
  if [ "$st" = 7 ] && grep -q "status=1" "$tmp/err" && printf '%s\n' "$out" | grep -q '"action":"deny"' &&
     printf '%s\n' "$out" | grep -q '"rule":"Read shadow in container"'; then
    ok "Docker defaults: vigil's log and deny rules work under Docker's profile"
  else
    ko "Docker defaults: deny" "status $st" "out: $out" "err: $(cat "$tmp/err")"
  fi
fi
cp "$tmp/config.runc-spec.json" "$tmp/bundle/config.json"

# A process that enters through `runc exec` carries no filter: vigil, PID 1
# of the container, notices it within a second and says so.
python3 - "$tmp/bundle/config.json" <<'PY'
import json, sys
p = sys.argv[1]
c = json.load(open(p))
c["process"]["args"] = ["/usr/bin/vigil", "run", "-o", "json_output=true", "-r", "/etc/vigil/rules.yaml", "--",
                        "sleep", "4"]
json.dump(c, open(p, "w"))
PY
runc delete -f "$ctr" >/dev/null 2>&1
(cd "$tmp/bundle" && timeout 60 runc run "$ctr" >"$tmp/entry.out" 2>"$tmp/err") &
rpid=$!
for _ in $(seq 40); do runc state "$ctr" 2>/dev/null | grep -q '"running"' && break; sleep 0.1; done
sleep 0.5
runc exec "$ctr" sleep 2 >/dev/null 2>&1
wait "$rpid"
if grep -q '"rule":"Process entered container from outside"' "$tmp/entry.out" &&
   grep -q '"proc.name":"sleep"' "$tmp/entry.out"; then
  ok "runc exec: vigil reports the process that entered from outside"
else
  ko "runc exec" "out: $(cat "$tmp/entry.out")" "err: $(cat "$tmp/err")"
fi

# Exec verification as PID 1, with runc's default capabilities (no
# CAP_SYS_PTRACE: vigil seizes processes of its own uid): a script whose
# interpreter is denied is killed at its exec stop; allowed programs run.
cp "$busybox" "$root/bin/miner"
printf '#!/bin/miner\n' > "$root/tmp/start.sh"
chmod +x "$root/tmp/start.sh"
cat > "$root/etc/vigil/exec.yaml" <<'YAML'
- rule: Miner
  desc: the miner must not run, however it is reached
  condition: evt.type in (execve, execveat) and proc.exepath = /bin/miner
  output: "miner killed (name=%proc.name exepath=%proc.exepath)"
  priority: CRITICAL
  action: kill
YAML
python3 - "$tmp/bundle/config.json" <<'PY'
import json, sys
p = sys.argv[1]
c = json.load(open(p))
c["process"]["args"] = ["/usr/bin/vigil", "run", "-o", "log_level=warning", "-r", "/etc/vigil/exec.yaml", "--",
                        "sh", "-c", "/tmp/start.sh; echo st=$?; cat /etc/group >/dev/null; echo cat=$?"]
json.dump(c, open(p, "w"))
PY
runc delete -f "$ctr" >/dev/null 2>&1
out=$(cd "$tmp/bundle" && timeout 60 runc run "$ctr" 2>"$tmp/err")
if printf '%s\n' "$out" | grep -q "^st=137" && printf '%s\n' "$out" | grep -q "^cat=0" &&
   printf '%s\n' "$out" | grep -q "miner killed (name=start.sh exepath=/bin/miner)"; then
  ok "exec verification in the container: a script's denied interpreter is killed, cat runs"
else
  ko "exec verification in the container" "out: $out" "err: $(cat "$tmp/err")"
fi

echo "container: $pass passed, $fail failed, 0 skipped"
[ "$fail" = 0 ]
