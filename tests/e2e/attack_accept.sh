#!/usr/bin/env bash
# Attacks on accept/accept4 under a rule that denies one server port: a
# thread dup2s a listening socket on the denied port onto the fd another
# thread accept()s on, between vigil's decision and the kernel's lookup.
# vigil must accept on the socket it decided on: no connection on the
# denied port is ever accepted.  Controls: an allowed accept behaves as
# the kernel's (blocking, EAGAIN, accept4 flags, addr/addrlen contents,
# truncation and errors), and the alert's fd fields are the listener's.
# RACE_N sets the accepts per race (default 3000).
set -u
vigil=$(realpath "${1:-./vigil}")
root=$(cd "$(dirname "$0")/../.." && pwd)
n=${RACE_N:-3000}
pass=0 fail=0 skip=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigil-attack-accept.XXXXXX")
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT

ok () { echo "PASS $1"; pass=$((pass + 1)); }
ko () { echo "FAIL $1"; shift; for l in "$@"; do echo "    $l"; done; fail=$((fail + 1)); }
skip () { echo "SKIP: $1"; skip=$((skip + 1)); }
finish () {
  echo "attack_accept: $pass passed, $fail failed, $skip skipped"
  [ "$fail" = 0 ]
  exit
}

cc -O2 -pthread -o "$tmp/accept_attack" "$root/tests/e2e/helpers/accept_attack.c" || { ko "build accept_attack"; finish; }
cp "$vigil" "$tmp/vigil" && chmod 755 "$tmp/vigil"
vigil=$tmp/vigil

# Two free ports below the ephemeral range (other tests' clients use that).
for _ in $(seq 20); do
  okport=$((10000 + (RANDOM % 10000) * 2))
  denyport=$((okport + 1))
  "$tmp/accept_attack" probe "$okport" "$denyport" 2>/dev/null && break
done
cat > "$tmp/rules.yaml" <<YAML
- rule: No accept on the denied port
  desc: no connection is accepted on port $denyport
  condition: evt.type in (accept, accept4) and fd.sport = $denyport
  output: "accept denied (%evt.type sport=%fd.sport type=%fd.type proto=%fd.l4proto sip=%fd.sip)"
  priority: WARNING
  action: deny
  errno: EACCES
YAML

if ! "$vigil" run -r "$tmp/rules.yaml" -- true 2>"$tmp/err" && grep -q seccomp "$tmp/err"; then
  skip "seccomp user notification unavailable: $(head -n 1 "$tmp/err")"
  finish
fi

drop=(setpriv --reuid=65534 --regid=65534 --clear-groups)
# Run the helper as `who`: root, user (vigil as root, the workload as
# 65534), vigil-user (vigil itself as 65534); native: no vigil.
run_as () {
  local who=$1; shift
  case $who in
    root) timeout -k 5 60 "$vigil" run -r "$tmp/rules.yaml" -o stdout_output.enabled=false -- "$@" ;;
    user) timeout -k 5 60 "$vigil" run -r "$tmp/rules.yaml" -o stdout_output.enabled=false -- "${drop[@]}" "$@" ;;
    vigil-user) timeout -k 5 60 "${drop[@]}" "$vigil" run -r "$tmp/rules.yaml" -o stdout_output.enabled=false -- "$@" ;;
    native-root) timeout -k 5 60 "$@" ;;
    native-user) timeout -k 5 60 "${drop[@]}" "$@" ;;
  esac 2>/dev/null
}

whos=(root)
if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null; then
  whos+=(user vigil-user)
else
  skip "unprivileged variants need root and setpriv (run as root)"
fi

field () { sed -n "s/.*$1=\([0-9]*\).*/\1/p" <<< "$2"; }

# ---- the race ----
for who in "${whos[@]}"; do
  r=$(run_as "$who" "$tmp/accept_attack" race "$okport" "$denyport" "$n")
  echo "    race ($who): $r"
  attempts=$(field attempts "$r"); hits=$(field denyport "$r"); denied=$(field denied "$r")
  accepted=$(field accepted "$r"); errors=$(field errors "$r")
  what="race: accept while another thread dup2s a listener on the denied port onto its fd (as $who)"
  if [ "$attempts" != "$n" ]; then
    ko "$what" "the helper did not finish: $r"
  elif [ "$hits" != 0 ]; then
    ko "$what" "$hits connections on the denied port were accepted"
  elif [ "$denied" = 0 ] || [ "$accepted" = 0 ]; then
    ko "$what" "the race never flipped (accepted $accepted, denied $denied)"
  elif [ "$errors" != 0 ]; then
    ko "$what" "$errors accepts failed otherwise"
  else
    ok "$what: $accepted accepted, $denied denied, none on the denied port"
  fi
done

# ---- controls: an allowed accept is the kernel's ----
for who in root user; do
  [ "$who" = user ] && [ "${#whos[@]}" = 1 ] && continue
  native=$(run_as "native-$who" "$tmp/accept_attack" control "$okport")
  got=$(run_as "$who" "$tmp/accept_attack" control "$okport")
  if [ "$(wc -l <<< "$native")" -lt 28 ]; then
    ko "control: accept as the kernel's (as $who)" "native run incomplete: $native"
  elif [ "$got" = "$native" ]; then
    ok "control: accept as the kernel's (as $who): blocking, EAGAIN, accept4 flags, addr/addrlen, truncation, EFAULT/EINVAL/EBADF/ENOTSOCK/EOPNOTSUPP, SO_RCVTIMEO, signals (EINTR, SA_RESTART)"
  else
    ko "control: accept as the kernel's (as $who)" "$(diff <(echo "$native") <(echo "$got"))"
  fi
done

# ---- a caught signal, then SIGTERM, while accept waits ----
# The kernel runs the handler, restarts the accept and then dies of the
# SIGTERM.  vigil's filter waits killable: a caught signal left pending
# would keep the SIGTERM queued too, and the workload would never end.
for who in native-root root; do
  rm -f "$tmp/pid"
  run_as "$who" "$tmp/accept_attack" wait "$okport" "$tmp/pid" > /dev/null &
  runner=$!
  for _ in $(seq 50); do [ -s "$tmp/pid" ] && break; sleep 0.1; done
  sleep 0.3
  start=$(date +%s)
  wpid=$(cat "$tmp/pid" 2>/dev/null)
  [ -n "$wpid" ] && kill -USR1 "$wpid" && sleep 0.3 && kill -TERM "$wpid"
  wait "$runner"; st=$?
  took=$(($(date +%s) - start))
  if [ -n "$wpid" ] && [ "$took" -le 10 ] && { [ "$st" = 143 ] || [ "$st" = 15 ]; }; then
    ok "signals: SIGUSR1 (handled, SA_RESTART) then SIGTERM end a blocked accept (as $who, status $st)"
  else
    ko "signals: SIGUSR1 then SIGTERM end a blocked accept (as $who)" "status $st after ${took}s (pid $wpid)"
  fi
done

# ---- the alert: the listener's fields, the call denied ----
out=$(timeout -k 5 60 "$vigil" run -r "$tmp/rules.yaml" -o json_output=true -- "$tmp/accept_attack" deny "$denyport" 2>/dev/null)
alert=$(grep '^{' <<< "$out")
if grep -q '^deny: -1 EACCES' <<< "$out" && grep -q '"action":"deny"' <<< "$alert" \
   && grep -q "\"fd.sport\":$denyport" <<< "$alert" && grep -q '"fd.type":"ipv4"' <<< "$alert" \
   && grep -q '"fd.l4proto":"tcp"' <<< "$alert" && grep -q '"fd.sip":"127.0.0.1"' <<< "$alert"; then
  ok "alert: accept on the denied port fails with EACCES; fd.sport, fd.type, fd.l4proto, fd.sip are the listener's"
else
  ko "alert: accept on the denied port" "$out"
fi

# A unix listener has no server port: the rule on fd.sport does not match
# it (vigil asks its own duplicate what the socket is).
rm -f "$tmp/unix.sock"
native=$(timeout -k 5 20 "$tmp/accept_attack" unix "$tmp/unix.sock" 2>&1)
rm -f "$tmp/unix.sock"
got=$(run_as root "$tmp/accept_attack" unix "$tmp/unix.sock")
if [ "$native" = "unix: ok len=2" ] && [ "$got" = "$native" ]; then
  ok "unix: an accept on a unix listener is not denied by a rule on fd.sport"
else
  ko "unix: an accept on a unix listener is not denied by a rule on fd.sport" "native: $native" "vigil: $got"
fi

# --explain says accept is performed by vigil.
if "$vigil" run --explain -r "$tmp/rules.yaml" 2>&1 | grep -E '^ +accept4? ' | grep -q emulated; then
  ok "explain: accept and accept4 are emulated"
else
  ko "explain: accept and accept4 are emulated" "$("$vigil" run --explain -r "$tmp/rules.yaml" 2>&1 | grep accept)"
fi

finish
