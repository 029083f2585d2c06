#!/usr/bin/env bash
# Attacks on vigil's supervisor loop (issue 20, holes 2, 3 and 8's signals):
#  - a kill rule hit from a worker thread kills the whole process, and an
#    alert never says "kill" when the kill could not happen;
#  - a flood of blocked FIFO opens cannot exhaust vigil: past its bound
#    they fail with EAGAIN, one internal alert is raised, other calls are
#    still answered and a kill rule still kills (opens and execs);
#  - the workload cannot signal vigil (not PID 1): by pid, kill(-1), its
#    process group, tgkill, rt_sigqueueinfo, pidfd_send_signal.
#
#   tests/e2e/attack_supervisor.sh [VIGIL]
set -u
here=$(cd "$(dirname "$0")" && pwd)
vigil_src=$(realpath "${1:-$here/../../vigil}")
pass=0 fail=0 skip=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigil-attack-sup.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"

ok () { echo "PASS $1"; pass=$((pass + 1)); }
ko () { echo "FAIL $1"; shift; for l in "$@"; do echo "    $l"; done; fail=$((fail + 1)); }
sk () { echo "SKIP: $1"; skip=$((skip + 1)); }
summary () { echo "attack_supervisor: $pass passed, $fail failed, $skip skipped"; [ "$fail" = 0 ]; exit $?; }

# Everything another uid runs lives in the 0755 directory.
cp "$vigil_src" "$tmp/vigil"
vigil=$tmp/vigil
if ! cc -O1 -o "$tmp/sh" "$here/helpers/supervisor_helper.c" -lpthread 2>"$tmp/cc.err"; then
  sk "cannot build the test helper: $(head -n 3 "$tmp/cc.err")"
  summary
fi
helper=$tmp/sh
mkdir -m 777 "$tmp/kill" "$tmp/fifos" "$tmp/fifos-u" "$tmp/a"
echo secret > "$tmp/kill/target"
echo plain > "$tmp/plain"
chmod 644 "$tmp/kill/target" "$tmp/plain"
cp /bin/true "$tmp/forbidden"
cat > "$tmp/rules.yaml" <<YAML
- rule: Killed open
  desc: opening anything under kill/ kills the process
  condition: evt.type in (open, openat, openat2) and fd.name startswith $tmp/kill/
  output: "killed open %evt.type %fd.name tid=%thread.tid"
  priority: WARNING
  action: kill
YAML
cat > "$tmp/exec.yaml" <<YAML
- rule: Killed open
  desc: opening anything under kill/ kills the process
  condition: evt.type in (open, openat, openat2) and fd.name startswith $tmp/kill/
  output: "killed open %evt.type %fd.name"
  priority: WARNING
  action: kill
- rule: Killed exec
  desc: the forbidden program never runs
  condition: evt.type in (execve, execveat) and proc.exepath = $tmp/forbidden
  output: "killed exec %proc.exepath"
  priority: WARNING
  action: kill
YAML

if ! "$vigil" run -r "$tmp/rules.yaml" -- true 2>"$tmp/err"; then
  sk "seccomp user notification unavailable: $(head -n 2 "$tmp/err")"
  summary
fi

as_nobody=
[ "$(id -u)" = 0 ] && as_nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"

# run NAME RULES [WRAPPER...] -- ARGS...: the helper under vigil, bounded;
# stdout in $tmp/NAME.out, alerts in $tmp/NAME.alerts, status in $st.
run () {
  local name=$1 rules=$2
  shift 2
  local wrap=()
  while [ "$1" != -- ]; do wrap+=("$1"); shift; done
  shift
  rm -f "$tmp/a/$name.alerts"
  (cd "$tmp" && timeout -k 5 60 "${wrap[@]}" "$vigil" run -r "$rules" -o log_level=warning \
     -o file_output.enabled=true -o file_output.filename="$tmp/a/$name.alerts" -o stdout_output.enabled=false \
     -o json_output=true -- "$helper" "$@" > "$tmp/$name.out" 2> "$tmp/$name.err")
  st=$?
}
has () { grep -qx "$2" "$tmp/$1.out"; }
alert_action () { grep "\"rule\":\"$2\"" "$tmp/a/$1.alerts" 2>/dev/null | grep -o '"action":"[a-z-]*"' | head -n 1; }
dump () { echo "status $st"; cat "$tmp/$1.out" "$tmp/$1.err"; cat "$tmp/a/$1.alerts" 2>/dev/null; }

# ---- hole 2: a kill from a worker thread ----
for who in root nobody; do
  wrap=()
  if [ $who = nobody ]; then
    [ -n "$as_nobody" ] || { sk "kill from a thread as nobody: needs root to switch uid (run as root)"; continue; }
    wrap=($as_nobody)
  elif [ "$(id -u)" != 0 ]; then
    who=$(id -un)
  fi
  run thread "$tmp/rules.yaml" "${wrap[@]}" -- thread_open "$tmp/kill/target"
  if [ $st = 137 ] && ! has thread alive && [ "$(alert_action thread 'Killed open')" = '"action":"kill"' ]; then
    ok "kill from a worker thread ($who): the whole process dies of SIGKILL, the alert says kill"
  else
    ko "kill from a worker thread ($who)" "$(dump thread)"
  fi
done

# A kill vigil cannot carry out: vigil keeps CAP_SYS_PTRACE (it inspects)
# but lacks CAP_KILL, and the workload switched to uid 65534.
if [ "$(id -u)" != 0 ]; then
  sk "kill that cannot happen: needs root (vigil without CAP_KILL, workload switching uid)"
else
  run nokill "$tmp/rules.yaml" setpriv --bounding-set -kill --inh-caps -all -- reuid_open "$tmp/kill/target"
  if [ $st = 0 ] && has nokill "reuid_open EPERM" && has nokill "alive ok"; then
    if [ "$(alert_action nokill 'Killed open')" = '"action":"deny"' ] \
       && grep -q '"rule":"vigil internal: kill failed"' "$tmp/a/nokill.alerts"; then
      ok "kill that cannot happen: the call fails EPERM, the alert says deny, an internal alert says why"
    else
      ko "kill that cannot happen: alerts" "$(dump nokill)"
    fi
  else
    ko "kill that cannot happen" "$(dump nokill)"
  fi
fi

# ---- hole 3: exhaustion ----
# vigil gets a small fd limit (the workload inherits it; its blocked opens
# hold no fd of its own), so a few hundred blocked opens would exhaust it.
for who in root nobody; do
  wrap=(prlimit --nofile=256:256)
  dir=$tmp/fifos
  if [ $who = nobody ]; then
    [ -n "$as_nobody" ] || { sk "exhaustion as nobody: needs root to switch uid (run as root)"; continue; }
    wrap+=($as_nobody)
    dir=$tmp/fifos-u
  fi
  run flood "$tmp/rules.yaml" "${wrap[@]}" -- fifo_flood "$dir" 400 "$tmp/plain" "$tmp/kill/target"
  n_eagain=$(sed -n 's/^flood started 400 returned \([0-9]*\) eagain \([0-9]*\)$/\2/p' "$tmp/flood.out")
  n_alerts=$(grep -c '"rule":"vigil internal: resource limit reached"' "$tmp/a/flood.alerts" 2>/dev/null)
  if [ $st = 137 ] && [ "${n_eagain:-0}" -gt 0 ] && has flood "open_ok ok" && ! has flood "alive ok" \
     && [ "$(alert_action flood 'Killed open')" = '"action":"kill"' ] && [ "$n_alerts" = 1 ]; then
    ok "exhaustion ($who): 400 blocked FIFO opens, $n_eagain refused with EAGAIN, one internal alert, other opens answered, the kill still kills"
  else
    ko "exhaustion ($who)" "eagain=$n_eagain internal alerts=$n_alerts" "$(dump flood | head -n 30)"
  fi
  rm -f "$dir"/fifo*
done

run flood_exec "$tmp/exec.yaml" prlimit --nofile=256:256 -- fifo_flood_exec "$tmp/fifos" 400 "$tmp/forbidden"
if [ $st = 137 ] && has flood_exec "open_ok ok" && ! has flood_exec "alive ok" \
   && [ "$(alert_action flood_exec 'Killed exec')" = '"action":"kill"' ]; then
  ok "exhaustion with exec verification: the forbidden exec is still killed, never left hanging"
else
  ko "exhaustion with exec verification" "$(dump flood_exec | head -n 30)"
fi
rm -f "$tmp/fifos"/fifo*

# vigil raises its own fd limit; the workload keeps the one it was given.
lim=$(timeout 30 prlimit --nofile=100:200 "$vigil" run -r "$tmp/rules.yaml" -- sh -c 'ulimit -Sn; ulimit -Hn' 2>/dev/null \
      | tr '\n' ' ')
if [ "$lim" = "100 200 " ]; then
  ok "exhaustion: vigil raises its own fd limit, the workload keeps its own (100:200)"
else
  ko "exhaustion: the workload's fd limit" "got: $lim"
fi

# A killed process's blocked opens must not keep vigil's slots: its jobs
# are interrupted when a slot is needed, and a later open works.
run orphans "$tmp/rules.yaml" prlimit --nofile=256:256 -- fifo_orphans "$tmp/fifos" 100
if [ $st = 0 ] && has orphans "open_after_orphans ok"; then
  ok "exhaustion: the jobs of a killed process's blocked opens give their slots back"
else
  ko "exhaustion: slots of a killed process" "$(dump orphans | head -n 30)"
fi
rm -f "$tmp/fifos"/*

# A send whose second passed fd is bad fails with EBADF; the first, which
# vigil fetched, must not stay open in vigil (400 of them under a 256-fd
# limit would leave vigil no fd to open a file with).
cat > "$tmp/send.yaml" <<YAML
- rule: Killed open
  desc: opening anything under kill/ kills the process
  condition: evt.type in (open, openat, openat2) and fd.name startswith $tmp/kill/
  output: "killed open %fd.name"
  priority: WARNING
  action: kill
- rule: Forbidden send
  desc: sends are emulated
  condition: evt.type in (sendto, sendmsg, sendmmsg) and fd.sip = "127.0.0.2"
  output: "send %fd.sip"
  priority: WARNING
  action: deny
YAML
run scm "$tmp/send.yaml" prlimit --nofile=256:256 -- scm_leak 400 "$tmp/plain"
if [ $st = 0 ] && has scm "scm_sends EBADF" && has scm "open_ok ok"; then
  ok "exhaustion: sends refused on a bad passed fd leave no fd behind in vigil"
else
  ko "exhaustion: passed fds of a failed send" "$(dump scm | head -n 20)"
fi

# ---- hole 8: the workload's signals to vigil ----
mkdir -m 755 "$tmp/denied"
echo x > "$tmp/denied/file"
cat > "$tmp/signals.yaml" <<YAML
- rule: Denied open
  desc: the probe vigil must keep answering
  condition: evt.type in (open, openat, openat2) and fd.name startswith $tmp/denied/
  output: "denied open %fd.name"
  priority: WARNING
  action: deny
  errno: EACCES
YAML
# PID 1 of the namespace is this shell, so vigil is not PID 1; setsid makes
# vigil a process group of its own, which the workload (no tty) shares.
printf '#!/bin/sh\n"$@"\nexit $?\n' > "$tmp/in_ns.sh"
attacks="kill_stop kill_segv tgkill_stop tkill_stop tgkill_thread_stop tkill_thread_stop rt_sigqueueinfo_stop
 rt_tgsigqueueinfo_stop pidfd_open pidfd_open_thread procfd_stop kill0_stop killpg_stop kill_kill"
check_signals () {
  local name=$1 label=$2 extra=$3 bad=
  for a in $attacks $extra; do
    has sig "$a EPERM" && has sig "probe_after_$a EACCES" || bad="$bad $a"
  done
  for l in "probe_after_start EACCES" "open_proc_dir ok" "fcntl_setsig_kill EPERM" "setpgid_into_vigil_group EPERM" \
           "child_kill ok" "child_killed ok" "child_pidfd_kill ok" "child_pidfd_killed ok" "own_group_kill0 ok" \
           "done ok"; do
    has sig "$l" || bad="$bad [$l]"
  done
  if [ $st = 0 ] && [ -z "$bad" ]; then
    ok "signals ($label): SIGSTOP/SIGKILL/SIGSEGV by pid, thread, group, pidfd, /proc fd, sigqueue${extra:+, kill(-1)} fail EPERM, vigil answers; the workload's own signals work"
  else
    ko "signals ($label)" "failed:$bad" "$(dump sig | head -n 60)"
  fi
}
if [ "$(id -u)" = 0 ] && unshare -pf --mount-proc true 2>/dev/null; then
  run sig "$tmp/signals.yaml" unshare -pf --mount-proc sh "$tmp/in_ns.sh" setsid -w -- signals "$tmp/denied/file" all
  check_signals sig "root, vigil PID 2 of a pid namespace" " killall_stop killall_kill"
  run sig "$tmp/signals.yaml" unshare -pf --mount-proc sh "$tmp/in_ns.sh" setsid -w $as_nobody \
    -- signals "$tmp/denied/file" all
  check_signals sig "nobody, vigil PID 2 of a pid namespace" " killall_stop killall_kill"
  # Rules that watch the signal syscalls themselves: the guard still decides first.
  { cat "$tmp/signals.yaml"; cat <<YAML
- rule: Signals seen
  desc: a log rule on the signal syscalls
  condition: evt.type in (kill, tkill, tgkill, pidfd_open, pidfd_send_signal, fcntl, setpgid)
  output: "signal %evt.type"
  priority: INFO
YAML
  } > "$tmp/signals-watched.yaml"
  run sig "$tmp/signals-watched.yaml" unshare -pf --mount-proc sh "$tmp/in_ns.sh" setsid -w \
    -- signals "$tmp/denied/file" all
  check_signals sig "root, with a log rule on the signal syscalls" " killall_stop killall_kill"
else
  sk "signals with kill(-1): needs root and unshare -pf (kill(-1) is only sent inside a pid namespace)"
  run sig "$tmp/signals.yaml" setsid -w -- signals "$tmp/denied/file"
  check_signals sig "$(id -un), no kill(-1)" ""
fi

summary
