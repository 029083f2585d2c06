#!/usr/bin/env bash
# End-to-end tests of exec verification: under a kill rule on exec, the
# program that really runs is checked at its exec stop, however it was
# reached (directly, a script's interpreter, execveat on an fd,
# /proc/self/fd/N, a non-leader thread, an argv/path race), and what is
# allowed still runs, untraced, with its signals.  The helpers in
# tests/e2e/exec_verify/ are compiled here.
#
#   tests/e2e/exec_verify.sh ./vigil
#   EXEC_RACE_N=100000 EXEC_CONTROL_N=10000 (the defaults) size the race test.
set -u
vigil=$(realpath "${1:-./vigil}")
src=$(cd "$(dirname "$0")/exec_verify" && pwd)
race_n=${EXEC_RACE_N:-100000}
control_n=${EXEC_CONTROL_N:-10000}
pass=0 fail=0 skip=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigil-execv.XXXXXX")
tmp=$(realpath "$tmp") # exepath is the link /proc shows: no symlink in it
trap 'rm -rf "$tmp"' EXIT

ok () { echo "PASS $1"; pass=$((pass + 1)); }
ko () { echo "FAIL $1"; shift; for l in "$@"; do echo "    $l"; done; fail=$((fail + 1)); }
finish () { echo "exec_verify: $pass passed, $fail failed, $skip skipped"; [ "$fail" = 0 ]; exit; }

cc=${CC:-cc}
for h in execrace execfd failexec selfexec threadexec; do
  if ! "$cc" -O2 -o "$tmp/$h" "$src/$h.c" -lpthread 2>"$tmp/cc.err"; then
    echo "SKIP: cannot compile the test helper $h: $(head -n 3 "$tmp/cc.err")"
    skip=$((skip + 1)); finish
  fi
done
# The race's targets are static: the faster each exec, the more attempts.
static=-static
"$cc" -O2 $static -o "$tmp/prog_a" "$src/prog.c" 2>/dev/null || static=
"$cc" -O2 $static -o "$tmp/prog_a" "$src/prog.c" && "$cc" -O2 $static -DDENIED -o "$tmp/prog_d" "$src/prog.c" || {
  echo "SKIP: cannot compile the race targets"; skip=$((skip + 1)); finish; }

cat > "$tmp/kill.yaml" <<YAML
- rule: Denied program
  desc: prog_d must never run, whatever the exec looks like
  condition: evt.type in (execve, execveat) and proc.exepath = $tmp/prog_d
  output: "denied program killed (name=%proc.name exepath=%proc.exepath cmdline=%proc.cmdline)"
  priority: CRITICAL
  action: kill
YAML
sed 's/action: kill/action: deny/' "$tmp/kill.yaml" > "$tmp/deny.yaml"

if ! "$vigil" run -r "$tmp/kill.yaml" -- true 2>"$tmp/err"; then
  if grep -q "seccomp" "$tmp/err"; then
    echo "SKIP: seccomp user notification unavailable: $(cat "$tmp/err")"
    skip=$((skip + 1)); finish
  fi
fi

run () { timeout 60 "$vigil" run -o log_level=warning "$@"; }

# check_killed LABEL WANT_NAME CMD...: CMD's exec of prog_d is killed (137),
# prog_d never printed its token, and the alert names the real program.
check_killed () {
  local label=$1 name=$2; shift 2
  out=$(cd "$tmp" && run -r "$tmp/kill.yaml" -- sh -c '"$@"; echo "st=$?" >&2' _ "$@" 2>"$tmp/err")
  if grep -q "st=137" "$tmp/err" && ! grep -q DENIED-RAN "$tmp/err" &&
     printf '%s\n' "$out" | grep -q "denied program killed (name=$name exepath=$tmp/prog_d "; then
    ok "kill on exec, $label: killed before it ran; the alert has the real exepath"
  else
    ko "kill on exec, $label" "out: $out" "err: $(cat "$tmp/err")"
  fi
}
# check_runs LABEL CMD...: an allowed program reached the same way runs.
check_runs () {
  local label=$1; shift
  out=$(cd "$tmp" && run -r "$tmp/kill.yaml" -- sh -c '"$@"; echo "st=$?" >&2' _ "$@" 2>"$tmp/err")
  if grep -q "st=0" "$tmp/err" && [ -z "$out" ]; then
    ok "allowed under the kill rule, $label: runs, no alert"
  else
    ko "allowed under the kill rule, $label" "out: $out" "err: $(cat "$tmp/err")"
  fi
}

printf '#!%s\n' "$tmp/prog_d" > "$tmp/denied.sh"
printf '#!%s\n' "$tmp/prog_a" > "$tmp/allowed.sh"
chmod +x "$tmp/denied.sh" "$tmp/allowed.sh"

check_killed "direct" prog_d "$tmp/prog_d"
check_killed "script whose interpreter is denied" denied.sh ./denied.sh
check_killed "execveat(fd, \"\", AT_EMPTY_PATH)" '[^ ]*' "$tmp/execfd" empty "$tmp/prog_d"
check_killed "/proc/self/fd/N" '[0-9]*' "$tmp/execfd" procfd "$tmp/prog_d"
check_killed "a non-leader thread via /proc/self/fd/N" '[0-9]*' "$tmp/threadexec" "$tmp/prog_d"
check_runs "direct" "$tmp/prog_a"
check_runs "script" ./allowed.sh
check_runs "execveat(fd, \"\", AT_EMPTY_PATH)" "$tmp/execfd" empty "$tmp/prog_a"
check_runs "/proc/self/fd/N" "$tmp/execfd" procfd "$tmp/prog_a"

# After a verified exec the program runs untraced, also when a non-leader
# thread exec'd (its tid became the process's pid).
out=$(run -r "$tmp/kill.yaml" -- "$tmp/threadexec" /bin/grep TracerPid /proc/self/status 2>&1)
if [ "$(printf '%s\n' "$out" | tr -d '[:space:]')" = "TracerPid:0" ]; then
  ok "a non-leader thread's allowed exec runs untraced (TracerPid 0)"
else
  ko "non-leader thread exec" "out: $out"
fi

# A failed exec (ENOENT) leaves the process running, untraced.
out=$(run -r "$tmp/kill.yaml" -- "$tmp/failexec" 2>&1)
if [ "$out" = "errno=ENOENT tracerpid=0" ]; then
  ok "a failed exec returns ENOENT and leaves the process untraced"
else
  ko "failed exec" "out: $out"
fi

# Signals to a process that execs itself in a loop (so it is mostly inside
# exec checks): each SIGUSR1 arrives, SIGSTOP stops it untraced, SIGCONT
# resumes it.
count () { tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null | awk '{print $5}'; }
wait_for () { # wait_for CMD...: poll up to 10 s
  for _ in $(seq 200); do "$@" && return 0; sleep 0.05; done; return 1; }
"$vigil" run -o log_level=warning -r "$tmp/kill.yaml" -- "$tmp/selfexec" "$tmp/selfexec" "$tmp/mark" "$tmp/stop" &
vpid=$!
wp=
wait_for eval 'wp=$(pgrep -P "$vpid"); [ -n "$wp" ] && [ -n "$(count "$wp")" ]'
sent=0 got_all=1
for _ in $(seq 20); do
  [ -n "$wp" ] && kill -USR1 "$wp" 2>/dev/null || break
  sent=$((sent + 1))
  if ! wait_for eval '[ "$(stat -c %s "$tmp/mark" 2>/dev/null || echo 0)" -ge "$sent" ]'; then got_all=0; break; fi
done
if [ "$sent" = 20 ] && [ "$got_all" = 1 ]; then
  ok "SIGUSR1 x20 to a process exec'ing in a loop: each one delivered"
else
  ko "SIGUSR1 during exec checks" "sent $sent, handled $(stat -c %s "$tmp/mark" 2>/dev/null)"
fi
stopped_ok=1 why=
for i in 1 2 3 4 5; do
  [ -n "$wp" ] && kill -STOP "$wp" 2>/dev/null || { stopped_ok=0; why="the workload is gone"; break; }
  if ! wait_for eval '[ "$(awk "{print \$3}" /proc/$wp/stat 2>/dev/null)" = T ]'; then stopped_ok=0; why="round $i: not stopped"; break; fi
  if ! wait_for eval 'grep -q "^TracerPid:[[:space:]]*0$" /proc/$wp/status'; then stopped_ok=0; why="round $i: stopped but traced"; break; fi
  c1=$(count "$wp")
  kill -CONT "$wp"
  if ! wait_for eval '[ "$(count "$wp")" != "$c1" ]'; then stopped_ok=0; why="round $i: no progress after SIGCONT"; break; fi
done
touch "$tmp/stop"
[ -n "$wp" ] && kill -CONT "$wp" 2>/dev/null
if ! wait_for eval '! kill -0 "$vpid" 2>/dev/null'; then kill -KILL "$vpid"; fi
wait "$vpid"; st=$?
if [ "$stopped_ok" = 1 ] && [ "$st" = 0 ]; then
  ok "SIGSTOP/SIGCONT x5 during exec checks: stopped untraced, resumed, exit status 0"
else
  ko "SIGSTOP/SIGCONT during exec checks" "$why" "exit status $st"
fi

# A tracer inside the workload: vigil cannot seize what strace traces, so
# the exec fails with EPERM and an internal alert; without an exec
# deny/kill rule, strace works.
if command -v strace >/dev/null; then
  out=$(run -r "$tmp/kill.yaml" -- strace -f -o /dev/null "$tmp/prog_a" 2>&1)
  if printf '%s\n' "$out" | grep -q "vigil internal: exec not verifiable" &&
     printf '%s\n' "$out" | grep -q "Operation not permitted"; then
    ok "strace in the workload under an exec kill rule: its child's exec fails EPERM with an internal alert"
  else
    ko "strace under an exec kill rule" "out: $out"
  fi
  cat > "$tmp/log.yaml" <<'YAML'
- rule: Exec seen
  desc: a log rule on exec needs no verification
  condition: evt.type in (execve, execveat) and proc.name = nothing-runs-this
  output: "seen %proc.name"
  priority: NOTICE
YAML
  if out=$(run -r "$tmp/log.yaml" -- strace -f -o /dev/null "$tmp/prog_a" 2>&1); then
    ok "strace in the workload without an exec deny/kill rule: works"
  else
    ko "strace without an exec deny/kill rule" "out: $out"
  fi
else
  echo "SKIP: strace not installed"; skip=$((skip + 1))
fi

# vigil without CAP_SYS_PTRACE, a workload that switches to another uid:
# vigil may neither inspect nor trace it, so its execs a deny/kill rule
# covers are refused with an internal alert (the rule reads only user.uid,
# so nothing but the refusal can stop prog_a).
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  cat > "$tmp/uid.yaml" <<'YAML'
- rule: Exec by uid 4242
  desc: a kill rule on exec that reads nothing from the workload's memory
  condition: evt.type in (execve, execveat) and user.uid = 4242
  output: "uid 4242 exec killed"
  priority: CRITICAL
  action: kill
YAML
  out=$(setpriv --bounding-set=-sys_ptrace -- timeout 60 "$vigil" run -o log_level=warning -r "$tmp/uid.yaml" -- \
          setpriv --reuid=65534 --regid=65534 --clear-groups -- "$tmp/prog_a" 2>&1)
  st=$?
  if [ "$st" != 0 ] && printf '%s\n' "$out" | grep -qE "vigil internal: (exec not verifiable|cannot inspect process)" &&
     printf '%s\n' "$out" | grep -q "Operation not permitted"; then
    ok "no CAP_SYS_PTRACE, workload under another uid: its exec fails EPERM with an internal alert"
  else
    ko "no CAP_SYS_PTRACE, another uid" "status $st" "out: $out"
  fi
else
  echo "SKIP: the no-CAP_SYS_PTRACE test needs root (and setpriv)"; skip=$((skip + 1))
fi

# As an ordinary user: vigil seizes processes of its own uid.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  # A copy nobody can reach: the checkout may be under /root (mode 0700).
  chmod 755 "$tmp"; cp "$vigil" "$tmp/vigil"
  out=$(cd "$tmp" && setpriv --reuid=65534 --regid=65534 --clear-groups -- timeout 60 "$tmp/vigil" run -o log_level=warning \
          -r "$tmp/kill.yaml" -- sh -c './denied.sh; echo "d=$?"; ./allowed.sh; echo "a=$?"' 2>&1)
  if printf '%s\n' "$out" | grep -q "^d=137" && printf '%s\n' "$out" | grep -q "^a=0" &&
     ! printf '%s\n' "$out" | grep -q DENIED-RAN; then
    ok "unprivileged vigil: a script's denied interpreter is killed, an allowed one runs"
  else
    ko "unprivileged" "out: $out"
  fi
else
  echo "SKIP: unprivileged run needs root to switch to nobody (and setpriv)"; skip=$((skip + 1))
fi

# The race: one thread flips the path (and argv[0], the same buffer)
# between prog_a and prog_d while vfork children exec it.  Control phase
# (only prog_a named): nearly all run, so a vigil that kills everything
# fails.  Race phase: prog_d never runs.  With a deny rule instead, every
# kill is an exec whose arguments read as prog_a at the notification, but
# ran prog_d: the exec check, not the pre-exec one, caught it.
t0=$(date +%s)
control=$(timeout 900 "$vigil" run -o log_level=warning -r "$tmp/kill.yaml" -- "$tmp/execrace" control "$tmp" "$control_n" 2>/dev/null | grep '^control')
race=$(timeout 900 "$vigil" run -o log_level=warning -r "$tmp/kill.yaml" -- "$tmp/execrace" race "$tmp" "$race_n" 2>"$tmp/race.err" | grep '^race')
t1=$(date +%s)
echo "    execve race, kill rule: $control"
echo "    execve race, kill rule: $race (both phases: $((t1 - t0)) s)"
get () { printf '%s\n' "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k {print $2}'; }
c_ok=$(get "$control" allowed)
r_denied=$(get "$race" denied_ran) r_killed=$(get "$race" killed) r_n=$(get "$race" attempts)
if [ -n "$c_ok" ] && [ $((c_ok * 100)) -ge $((control_n * 99)) ] && [ "$r_n" = "$race_n" ] &&
   [ "$r_denied" = 0 ] && [ "${r_killed:-0}" -gt 0 ] && ! grep -q DENIED-RAN "$tmp/race.err"; then
  ok "execve race against a kill rule: control $c_ok/$control_n ran; race $r_n attempts, prog_d killed $r_killed times, ran 0 times"
else
  ko "execve race against a kill rule" "control: $control" "race: $race" "$(grep -c DENIED-RAN "$tmp/race.err") DENIED-RAN tokens"
fi
race=$(timeout 900 "$vigil" run -o log_level=warning -r "$tmp/deny.yaml" -- "$tmp/execrace" race "$tmp" "$control_n" 2>"$tmp/race.err" | grep '^race')
echo "    execve race, deny rule: $race"
r_denied=$(get "$race" denied_ran) r_killed=$(get "$race" killed)
if [ "$r_denied" = 0 ] && [ "${r_killed:-0}" -gt 0 ] && ! grep -q DENIED-RAN "$tmp/race.err"; then
  ok "execve race against a deny rule: the exec check caught $r_killed execs the argument check passed; prog_d ran 0 times"
else
  ko "execve race against a deny rule" "race: $race"
fi

finish
