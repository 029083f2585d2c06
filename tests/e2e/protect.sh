#!/usr/bin/env bash
# End-to-end tests of what keeps enforcement honest (issue 4):
#  - the workload starts without CAP_SYS_PTRACE/CAP_SYS_ADMIN (unless
#    --keep-caps), and cannot signal, stop, trace or write vigil when vigil
#    is PID 1 of a pid namespace (unshare -pf);
#  - fail closed: a process vigil cannot inspect (other uid, non-dumpable;
#    vigil with Docker's default capabilities) gets EPERM on covered
#    syscalls, once alerted; uncovered ones work; an unreadable field
#    applies a deny (three-valued logic end to end);
#  - syscall classes: creat, open_by_handle_at, fchmodat2, sendmmsg,
#    fcntl(F_DUPFD), clone(CLONE_NEWNS) hit the rule written for their
#    sibling, and writes to /proc/<pid>/mem the rule on ptrace; clone3 gets ENOSYS under a namespaces rule, threads still work.
# The attacks run from inside the workload with vigil's own uid (root).
# kill(-1) is only ever sent inside a pid namespace: never on the host.
#
#   tests/e2e/protect.sh [VIGIL]
set -u
here=$(cd "$(dirname "$0")" && pwd)
vigil=$(realpath "${1:-$here/../../vigil}")
pass=0 fail=0 skip=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigil-protect.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

ok () { echo "PASS $1"; pass=$((pass + 1)); }
ko () { echo "FAIL $1"; shift; for l in "$@"; do echo "    $l"; done; fail=$((fail + 1)); }
sk () { echo "SKIP: $1"; skip=$((skip + 1)); }
summary () { echo "protect: $pass passed, $fail failed, $skip skipped"; [ "$fail" = 0 ]; exit $?; }

if [ "$(id -u)" != 0 ]; then
  sk "not root: the capability, uid-switch and pid-namespace tests need root"
  summary
fi
if ! gcc -static -O1 -o "$tmp/ph" "$here/helpers/protect_helper.c" -lpthread 2>"$tmp/cc.err"; then
  sk "cannot build the static test helper: $(head -n 3 "$tmp/cc.err")"
  summary
fi
ph=$tmp/ph
mkdir -p "$tmp/sec"
cat > "$tmp/rules.yaml" <<YAML
- rule: Secret opened
  desc: nothing opens the secret directory
  condition: evt.type = openat and fd.name startswith $tmp/sec/
  output: "secret %evt.type %fd.name"
  priority: WARNING
  action: deny
  errno: EACCES
- rule: Locked chmod
  desc: nothing changes the mode of a locked file
  condition: evt.type = fchmodat and evt.arg.filename contains locked
  output: "chmod %evt.type %evt.arg.filename"
  priority: WARNING
  action: deny
- rule: Send to the forbidden address
  desc: nothing reaches 127.0.0.2
  condition: evt.type = sendto and fd.sip = "127.0.0.2"
  output: "send %evt.type %fd.sip"
  priority: WARNING
  action: deny
- rule: Evil memfd
  desc: no memfd named evil
  condition: evt.type = memfd_create and evt.arg.name = evil
  output: "memfd %evt.arg.name"
  priority: WARNING
  action: deny
- rule: Dup of stdin
  desc: stdin is not duplicated
  condition: evt.type = dup and evt.rawarg.fd = 0
  output: "dup %evt.type"
  priority: WARNING
  action: deny
- rule: Mount namespaces
  desc: no new mount namespace
  condition: evt.type = unshare and evt.arg.flags contains CLONE_NEWNS
  output: "ns %evt.type %evt.arg.flags"
  priority: WARNING
  action: deny
YAML

if ! "$vigil" run -r "$tmp/rules.yaml" -- true 2>"$tmp/err"; then
  sk "seccomp user notification unavailable: $(head -n 2 "$tmp/err")"
  summary
fi

# run_ph NAME ARGS...: the helper under vigil; its stdout in $tmp/out, alerts in $tmp/alerts.
run_ph () {
  (cd "$tmp" && timeout 30 "$vigil" run -r "$tmp/rules.yaml" -o log_level=warning \
     -o file_output.enabled=true -o file_output.filename="$tmp/alerts" -o stdout_output.enabled=false \
     -- "$ph" "$@" > "$tmp/out" 2> "$tmp/err")
}
has () { grep -qx "$1" "$tmp/out"; }

# ---- capabilities of the workload ----
bits () { sed -n "s/^$1:[[:space:]]*//p" "$tmp/out"; }
lacks_ptrace_admin () {
  local v=$((16#$1))
  [ $(((v >> 19) & 1)) = 0 ] && [ $(((v >> 21) & 1)) = 0 ]
}
"$vigil" run -r "$tmp/rules.yaml" -- cat /proc/self/status > "$tmp/out" 2>"$tmp/err"
good=1
for set in CapBnd CapEff CapPrm CapInh CapAmb; do
  lacks_ptrace_admin "$(bits $set)" || good=0
done
if [ $good = 1 ] && [ -n "$(bits CapBnd)" ]; then
  ok "caps: the workload lacks SYS_PTRACE and SYS_ADMIN in every set ($(grep ^Cap "$tmp/out" | tr -s '\t\n' ' '))"
else
  ko "caps: dropped" "$(grep ^Cap "$tmp/out")" "$(cat "$tmp/err")"
fi
vigil_bnd=$(sed -n 's/^CapBnd:[[:space:]]*//p' /proc/self/status)
if lacks_ptrace_admin "$vigil_bnd"; then
  sk "caps: --keep-caps: this shell's bounding set has neither SYS_PTRACE nor SYS_ADMIN to keep"
else
  "$vigil" run --keep-caps -r "$tmp/rules.yaml" -- cat /proc/self/status > "$tmp/out" 2>"$tmp/err"
  if [ "$(bits CapBnd)" = "$vigil_bnd" ] && ! lacks_ptrace_admin "$(bits CapEff)"; then
    ok "caps: --keep-caps keeps SYS_PTRACE and SYS_ADMIN"
  else
    ko "caps: --keep-caps" "$(grep ^Cap "$tmp/out")" "$(cat "$tmp/err")"
  fi
fi
if "$vigil" run --help | grep -q -- "--keep-caps"; then
  ok "caps: --keep-caps is in run --help"
else
  ko "caps: --keep-caps in --help"
fi

# ---- start-up log ----
"$vigil" run -o log_level=info -r "$tmp/rules.yaml" -- true 2>"$tmp/err"
if grep -q "^vigil: CAP_SYS_PTRACE held" "$tmp/err" && grep -q "^vigil: not PID 1 of its pid namespace" "$tmp/err"; then
  ok "log: says CAP_SYS_PTRACE is held, and that the workload can reach a vigil that is not PID 1"
else
  ko "log: start-up notes" "$(cat "$tmp/err")"
fi

# ---- self-protection, vigil as PID 1 of a pid namespace ----
if ! unshare -pf --mount-proc true 2>/dev/null; then
  sk "self-protection: cannot create a pid namespace (unshare -pf) here"
else
  (cd "$tmp" && timeout 30 unshare -pf --mount-proc "$vigil" run -o log_level=info -r "$tmp/rules.yaml" \
     -- "$ph" attack 1 > "$tmp/out" 2> "$tmp/err")
  st=$?
  if [ $st = 0 ] && has "ptrace_attach EPERM" && has "open_mem_write EACCES" && has "after ok" \
     && ! grep -q "kill_all skipped" "$tmp/out" && ! grep -q "not PID 1" "$tmp/err"; then
    ok "self-protection: ptrace EPERM, /proc/1/mem EACCES, SIGSTOP/SIGKILL/kill(-1) leave vigil answering"
  else
    ko "self-protection" "status $st" "$(cat "$tmp/out")" "$(cat "$tmp/err")"
  fi
fi

# ---- fail closed under Docker's default capabilities ----
docker_caps=-all,+chown,+dac_override,+fsetid,+fowner,+mknod,+net_raw,+setgid,+setuid,+setfcap,+setpcap
docker_caps=$docker_caps,+net_bind_service,+sys_chroot,+kill,+audit_write
# The uid-switched helper (nobody) must reach its files: a public corner.
chmod 755 "$tmp"
mkdir -m 1777 "$tmp/pub"
echo hello > "$tmp/plain"
chmod 644 "$tmp/plain"
for mode in reuid nodump; do
  rm -rf "$tmp/pub/dir.$mode" "$tmp/alerts"
  (cd "$tmp" && timeout 30 setpriv --bounding-set "$docker_caps" --inh-caps -all -- \
     "$vigil" run -r "$tmp/rules.yaml" -o log_level=info -o file_output.enabled=true \
     -o file_output.filename="$tmp/alerts" -o stdout_output.enabled=false \
     -- "$ph" $mode "$tmp/plain" "$tmp/pub/dir.$mode" > "$tmp/out" 2> "$tmp/err")
  n=$(grep -c "cannot inspect process" "$tmp/alerts" 2>/dev/null)
  if has "open EPERM" && has "open_again EPERM" && has "mkdir ok" && [ -d "$tmp/pub/dir.$mode" ] && [ "$n" = 1 ] \
     && grep -q "CAP_SYS_PTRACE not held" "$tmp/err"; then
    ok "fail closed ($mode): a covered open fails EPERM, one internal alert, an uncovered mkdir works"
  else
    ko "fail closed ($mode)" "$(cat "$tmp/out")" "alerts: $(cat "$tmp/alerts" 2>/dev/null)" "$(cat "$tmp/err")"
  fi
done

# With CAP_SYS_PTRACE vigil sees the process and decides normally.
rm -f "$tmp/alerts"
run_ph nodump "$tmp/plain" "$tmp/dir.seen"
if has "open ok" && ! grep -q "cannot inspect" "$tmp/alerts" 2>/dev/null; then
  ok "fail closed: with CAP_SYS_PTRACE a non-dumpable process is inspected and its open allowed"
else
  ko "fail closed: control" "$(cat "$tmp/out")" "$(cat "$tmp/alerts" 2>/dev/null)"
fi

# A field vigil cannot obtain applies the deny.  memfd_create is not
# performed by vigil, so its name in memory (here a bad pointer) is never
# read for the decision: the rule, which could match, applies with its
# errno.  The chmod with a bad pointer is performed by vigil and gets the
# kernel's own EFAULT.
rm -f "$tmp/alerts"
run_ph efault
if has "memfd_bad_pointer EPERM" && grep -q "field evt.arg.name could not be read" "$tmp/alerts" \
   && has "chmod_bad_pointer EFAULT"; then
  ok "three-valued: a memfd_create whose name cannot be read is denied with the rule's errno"
else
  ko "three-valued" "$(cat "$tmp/out")" "$(cat "$tmp/alerts" 2>/dev/null)"
fi

# ---- syscall classes ----
# expect NAME LINE ARGS...: the helper's output has LINE.
expect () {
  local name=$1 line=$2
  shift 2
  run_ph "$@"
  if has "$line"; then ok "class: $name"; else ko "class: $name" "$(cat "$tmp/out")" "$(cat "$tmp/err")"; fi
}
expect "creat under the openat rule is denied" "creat EACCES" creat "$tmp/sec/new"
[ -e "$tmp/sec/new" ] && ko "class: creat did not create the denied file"
expect "creat elsewhere works" "creat ok" creat "$tmp/free"
expect "open_by_handle_at (no path to decide on) is denied by the openat rule" "open_by_handle_at EACCES" open_by_handle_at
touch "$tmp/locked" "$tmp/open-to-all"
chmod 0644 "$tmp/locked"
expect "fchmodat2 under the fchmodat rule is denied" "fchmodat2 EPERM" fchmodat2 "$tmp/locked"
[ "$(stat -c %a "$tmp/locked")" = 644 ] || ko "class: fchmodat2 changed the locked file's mode"
expect "fchmodat2 of another file works" "fchmodat2 ok" fchmodat2 "$tmp/open-to-all"
expect "sendmmsg under the sendto rule is denied" "sendmmsg EPERM" sendmmsg 127.0.0.2 9
expect "sendmmsg elsewhere works" "sendmmsg ok" sendmmsg 127.0.0.1 9
run_ph fcntl_dupfd
if has "fcntl_getfd ok" && has "fcntl_dupfd EPERM" && has "fcntl_dupfd_cloexec EPERM"; then
  ok "class: fcntl(F_DUPFD*) under the dup rule is denied, F_GETFD is not"
else
  ko "class: fcntl" "$(cat "$tmp/out")"
fi
expect "clone3(CLONE_NEWNS) gets ENOSYS under a namespaces rule" "clone3_newns ENOSYS" clone3_newns
expect "clone(CLONE_NEWNS) under the unshare rule is denied" "clone_newns EPERM" clone_newns
run_ph threads
if has "pthread_create ok" && has "fork ok"; then
  ok "class: threads and fork still work while clone3 is ENOSYS"
else
  ko "class: threads" "$(cat "$tmp/out")"
fi

# Opens of /proc/<pid>/mem are ptrace: a rule on ptrace alone denies
# every way of opening one, for writing or reading; other files open.
cat > "$tmp/ptrace.yaml" <<YAML
- rule: No poking
  desc: no process writes another's memory
  condition: evt.type = ptrace and evt.arg.request in (PTRACE_POKEDATA, PTRACE_POKETEXT)
  output: "poke %evt.type %fd.name"
  priority: WARNING
  action: deny
YAML
ln -sfn /proc/self/mem "$tmp/mem-link"
(cd "$tmp" && timeout 30 "$vigil" run -r "$tmp/ptrace.yaml" -o file_output.enabled=true \
   -o file_output.filename="$tmp/ptrace-alerts" -o stdout_output.enabled=false \
   -- "$ph" proc_mem "$tmp/mem-link" > "$tmp/out" 2> "$tmp/err")
good=1
for w in self_mem_rdwr task_mem_rdwr link_mem_rdwr dirfd_mem_wronly openat2_mem_rdwr creat_mem child_mem_wronly \
         process_vm_writev self_mem_rdonly; do
  has "$w EPERM" || good=0
done
for w in self_status_rdonly file_write; do
  has "$w ok" || good=0
done
grep -q "^poked" "$tmp/out" && good=0
if [ $good = 1 ] && grep -q "poke openat /proc/[0-9]*/mem" "$tmp/ptrace-alerts"; then
  ok "class: opens of /proc/<pid>/mem under the ptrace rule are denied (direct, task, symlink, dirfd, openat2, creat, a child's, read-only)"
else
  ko "class: /proc/<pid>/mem" "$(cat "$tmp/out")" "$(cat "$tmp/err")"
fi
(cd "$tmp" && timeout 30 "$vigil" run --monitor -r "$tmp/ptrace.yaml" -o stdout_output.enabled=false \
   -o file_output.enabled=true -o file_output.filename="$tmp/ptrace-monitor" \
   -- "$ph" proc_mem "$tmp/mem-link" > "$tmp/out" 2> "$tmp/err")
if has "self_mem_rdwr ok" && has "poked 2" && grep -q "would-deny" "$tmp/ptrace-monitor" \
   && ! grep -q "self_status\|/written" "$tmp/ptrace-monitor"; then
  ok "class: /proc/<pid>/mem writes under --monitor go through, alerted would-deny"
else
  ko "class: /proc/<pid>/mem monitor" "$(cat "$tmp/out")" "$(cat "$tmp/ptrace-monitor" 2>/dev/null)"
fi

summary
