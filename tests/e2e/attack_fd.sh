#!/usr/bin/env bash
# Attacks on calls that name an fd and on O_PATH opens: a second thread
# changes what the fd number (or the path) names between vigil's decision
# and the call.  vigil must act on the object it decided on: the denied
# file's mode never changes, a dup never hands it out, an O_PATH open
# never reaches it.  Also: fchmodat2(fd, "", AT_EMPTY_PATH) behaves as the
# kernel's.  RACE_N sets the attempts per phase (default 20000).
set -u
vigil=$(realpath "${1:-./vigil}")
root=$(cd "$(dirname "$0")/../.." && pwd)
n=${RACE_N:-20000}
pass=0 fail=0 skip=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigil-attack-fd.XXXXXX")
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT

ok () { echo "PASS $1"; pass=$((pass + 1)); }
ko () { echo "FAIL $1"; shift; for l in "$@"; do echo "    $l"; done; fail=$((fail + 1)); }
skip () { echo "SKIP: $1"; skip=$((skip + 1)); }

cc -O2 -pthread -o "$tmp/race_fd" "$root/tests/e2e/helpers/race_fd.c" || { ko "build race_fd"; exit 1; }
cp "$vigil" "$tmp/vigil" && chmod 755 "$tmp/vigil"
vigil=$tmp/vigil

d=$tmp/r
cat > "$tmp/fd.yaml" <<YAML
- rule: Locked mode by fd
  desc: nothing below locked/ is chmod'ed or chown'ed through an fd
  condition: evt.type in (fchmod, fchown) and fd.name startswith $d/locked/
  output: "locked file changed by %proc.name (%evt.type fd=%fd.name)"
  priority: WARNING
  action: deny
  errno: EACCES
- rule: Locked mode by path
  desc: nothing below locked/ is chmod'ed by a path (or "" and AT_EMPTY_PATH)
  condition: evt.type in (chmod, fchmodat, fchmodat2) and evt.arg.filename startswith $d/locked/
  output: "locked file changed by %proc.name (%evt.type %evt.arg.filename)"
  priority: WARNING
  action: deny
  errno: EACCES
- rule: Locked dup
  desc: no fd on a file below locked/ is duplicated onto fd 60 (the race's own dup2s onto 50 are let be)
  condition: evt.type in (dup, dup2, dup3) and evt.rawarg.newfd = 60 and fd.name startswith $d/locked/
  output: "locked file duplicated by %proc.name (%evt.type fd=%fd.name)"
  priority: WARNING
  action: deny
  errno: EACCES
YAML
cat > "$tmp/fcntl.yaml" <<YAML
- rule: Locked fcntl dup
  desc: no fd on a file below locked/ is duplicated by fcntl (the racing child's dup2s are let be)
  condition: evt.type = fcntl and not proc.pname = race_fd and fd.name startswith $d/locked/
  output: "locked file duplicated by %proc.name (%evt.type fd=%fd.name)"
  priority: WARNING
  action: deny
  errno: EACCES
YAML
cat > "$tmp/open.yaml" <<YAML
- rule: Locked open
  desc: nothing below locked/ may be opened
  condition: evt.type in (open, openat, openat2) and fd.name startswith $d/locked/
  output: "locked file opened by %proc.name (file=%fd.name)"
  priority: WARNING
  action: deny
  errno: EACCES
YAML

if ! "$vigil" run -r "$tmp/fd.yaml" -- true 2>"$tmp/err" && grep -q seccomp "$tmp/err"; then
  skip "seccomp user notification unavailable: $(head -n 1 "$tmp/err")"
  echo "attack_fd: $pass passed, $fail failed, $skip skipped"
  exit 0
fi

# A fresh tree: ok, ok2 (allowed), locked/secret (denied, 0600), owned
# by the user the workload runs as.
setup () {
  rm -rf "$d"
  mkdir -p "$d/locked"
  echo ok > "$d/ok"; echo ok2 > "$d/ok2"; echo S > "$d/locked/secret"
  chmod 600 "$d/locked/secret"; chmod 644 "$d/ok" "$d/ok2"; chmod 755 "$d" "$d/locked"
  [ "$1" = root ] || chown -R 65534:65534 "$d"
}

# Run the workload as `who`: root, user (vigil as root, the workload as
# 65534) or vigil-user (vigil itself as 65534).
run_as () {
  local who=$1 rules=$2; shift 2
  local drop=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  case $who in
    root) timeout 600 "$vigil" run -r "$rules" -o stdout_output.enabled=false -- "$@" ;;
    user) timeout 600 "$vigil" run -r "$rules" -o stdout_output.enabled=false -- "${drop[@]}" "$@" ;;
    vigil-user) timeout 600 "${drop[@]}" "$vigil" run -r "$rules" -o stdout_output.enabled=false -- "$@" ;;
  esac 2>/dev/null
}

run_as_native () {
  local who=$1; shift
  if [ "$who" = root ]; then "$@"; else setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; fi
}

field () { sed -n "s/.*$1=\([0-9]*\).*/\1/p" <<< "$2"; }

# race MODE RULES WHO WHAT: the control phase must succeed throughout,
# the race phase must never reach the denied file.
race () {
  local mode=$1 rules=$2 who=$3 what="$4 (as $3)" c r
  setup "$who"
  c=$(run_as "$who" "$rules" "$tmp/race_fd" "$mode" control "$d" "$n")
  setup "$who"
  r=$(run_as "$who" "$rules" "$tmp/race_fd" "$mode" race "$d" "$n")
  echo "    $mode control: $c"
  echo "    $mode race:    $r"
  local cdone rsecret rattempts rdenied mode_now
  cdone=$(field done "$c"); rsecret=$(field secret "$r"); rattempts=$(field attempts "$r")
  rdenied=$(field denied "$r"); mode_now=$(stat -c %a "$d/locked/secret")
  if [ -z "$cdone" ] || [ -z "$rsecret" ] || [ "$rattempts" != "$n" ]; then
    ko "race: $what" "the helper did not finish"
  elif [ $((cdone * 100)) -lt $((n * 99)) ]; then
    ko "race: $what" "control phase: only $cdone of $n allowed calls succeeded"
  elif [ "$rsecret" != 0 ] || [ "$mode_now" != 600 ]; then
    ko "race: $what" "the denied file was reached $rsecret times (its mode now $mode_now)"
  elif [ "$rdenied" = 0 ]; then
    ko "race: $what" "no call was denied: the race never named the denied file"
  else
    ok "race: $what ($n attempts, $rdenied denied, none reached the denied file)"
  fi
}

whos=(root)
if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null; then
  whos+=(user vigil-user)
else
  skip "unprivileged variants need root and setpriv (run as root)"
fi

for who in "${whos[@]}"; do
  race fchmod "$tmp/fd.yaml" "$who" "fchmod while another thread dup2s the denied file onto its fd"
  race fchmodat2 "$tmp/fd.yaml" "$who" "fchmodat2(fd, \"\", AT_EMPTY_PATH) while the fd flips"
  race fsetxattr "$tmp/fd.yaml" "$who" "fsetxattr(fd, system.posix_acl_access) while the fd flips"
  race dup "$tmp/fd.yaml" "$who" "dup2 while its fd flips"
  race fcntl "$tmp/fcntl.yaml" "$who" "fcntl(F_DUPFD_CLOEXEC, 0) while its fd flips"
  race fcntl-min "$tmp/fcntl.yaml" "$who" "fcntl(F_DUPFD, 10) while its fd flips (numbers below 10 free: the new fd is the lowest free from 10)"
  race fcntl-low "$tmp/fcntl.yaml" "$who" "fcntl(F_DUPFD, lowest free number) while its fd flips (the new fd is that number)"
  race opath "$tmp/open.yaml" "$who" "O_PATH open while the path flips (then fstat, and linkat AT_EMPTY_PATH where root)"
done

# ---- O_PATH opens with no readable stand-in (a FIFO) ----
# Decided without their path: where a deny rule could apply to any path,
# never continued, so a racing thread never gets the denied file.
for who in "${whos[@]}"; do
  setup "$who"; mkfifo "$d/fifo"; [ "$who" = root ] || chown 65534:65534 "$d/fifo"
  r=$(run_as "$who" "$tmp/open.yaml" "$tmp/race_fd" opath-fifo race "$d" "$n")
  echo "    opath-fifo race: $r"
  rsecret=$(field secret "$r"); rattempts=$(field attempts "$r")
  if [ "$rattempts" = "$n" ] && [ "$rsecret" = 0 ]; then
    ok "race: O_PATH open flipping between a FIFO and the denied file (as $who): never the denied file"
  else
    ko "race: O_PATH open flipping between a FIFO and the denied file (as $who)" "$r"
  fi
done

# A dup of an O_PATH fd: ADDFD cannot pass the file, so it is decided
# without the object, and never hands out the denied file.
for who in "${whos[@]}"; do
  setup "$who"
  r=$(run_as "$who" "$tmp/fd.yaml" "$tmp/race_fd" dup-opath race "$d" "$n")
  echo "    dup-opath race: $r"
  rsecret=$(field secret "$r"); rattempts=$(field attempts "$r")
  if [ "$rattempts" = "$n" ] && [ "$rsecret" = 0 ]; then
    ok "race: dup2 of an O_PATH fd flipping to the denied file (as $who): never the denied file"
  else
    ko "race: dup2 of an O_PATH fd flipping to the denied file (as $who)" "$r"
  fi
done

# What an O_PATH open gives under vigil: a readable file or directory is
# the object the rules saw, opened for reading (ADDFD passes no O_PATH
# file); a FIFO, which no deny rule could match whatever its path (the
# rule names another program), is the kernel's own O_PATH open.
cat > "$tmp/other.yaml" <<YAML
- rule: Locked open by another program
  desc: nothing below locked/ may be opened by nosuchprog
  condition: evt.type in (open, openat, openat2) and proc.name = nosuchprog and fd.name startswith $d/locked/
  output: "locked file opened by %proc.name (file=%fd.name)"
  priority: WARNING
  action: deny
  errno: EACCES
YAML
setup root; mkfifo "$d/fifo"
probe="
import fcntl, os
def show(p):
    try:
        fd = os.open(p, os.O_PATH)
    except PermissionError:
        print(os.path.basename(p), 'denied'); return
    st, fst = os.stat(p), os.fstat(fd)
    print(os.path.basename(p), 'same' if (st.st_dev, st.st_ino) == (fst.st_dev, fst.st_ino) else 'OTHER',
          'opath' if fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_PATH else 'read')
for p in ('$d/ok', '$d', '$d/fifo', '$d/locked/secret'):
    show(p)"
out=$("$vigil" run -r "$tmp/open.yaml" -o stdout_output.enabled=false -- python3 -c "$probe" 2>/dev/null)
other=$("$vigil" run -r "$tmp/other.yaml" -o stdout_output.enabled=false -- python3 -c "$probe" 2>/dev/null)
native=$(python3 -c "$probe" 2>/dev/null)
want="ok same read
r same read
fifo denied
secret denied"
if [ "$out" = "$want" ] && [ "$other" = "$(sed 's/^\(ok\|r\|secret\) same opath/\1 same read/' <<< "$native")" ] \
   && grep -qx "fifo same opath" <<< "$other"; then
  ok "O_PATH: the object the rules saw (opened for reading); no stand-in: decided without the path"
else
  ko "O_PATH opens" "under a path rule:" "$out" "under a rule for another program:" "$other" "natively:" "$native"
fi

# ---- fchmodat2(fd, "", AT_EMPTY_PATH) as the kernel does it ----
# Natively first (no rule: the denied file changes too), then under vigil:
# the same results, except that the denied file is denied.
setup root
native=$(cd "$tmp" && "$tmp/race_fd" emptypath x "$d" 0)
setup root
under=$("$vigil" run -r "$tmp/fd.yaml" -o stdout_output.enabled=false -- "$tmp/race_fd" emptypath x "$d" 0 2>/dev/null)
echo "    native: $native"
echo "    vigil:  $under"
if [ -n "$native" ] && [ "${native% secret=*}" = "${under% secret=*}" ] && grep -q "secret=EACCES:600" <<< "$under" \
   && grep -q "file=0:640" <<< "$under"; then
  ok "fchmodat2(fd, \"\", AT_EMPTY_PATH): as the kernel on allowed fds, O_PATH fds and the cwd; the denied file denied"
else
  ko "fchmodat2(fd, \"\", AT_EMPTY_PATH) as the kernel" "native: $native" "vigil:  $under"
fi

# ---- fsetxattr as the kernel does it ----
# Odd arguments in the kernel's order (the name and value are read before
# the fd is looked up), natively and under vigil: the same results, except
# that the ACL on the denied file is denied.  (A chmod rule covers ACLs.)
for who in "${whos[@]}"; do
  [ "$who" = vigil-user ] && continue
  setup "$who"
  native=$(cd "$tmp" && run_as_native "$who" "$tmp/race_fd" xattr x "$d" 0)
  setup "$who"
  under=$(run_as "$who" "$tmp/fd.yaml" "$tmp/race_fd" xattr x "$d" 0)
  echo "    native: $native"
  echo "    vigil:  $under"
  if [ -n "$native" ] && [ "${native% secret=*}" = "${under% secret=*}" ] && grep -q "secret=EACCES:600" <<< "$under" \
     && grep -q "acl=0:777" <<< "$under" && grep -q "badflags=EINVAL" <<< "$under"; then
    ok "fsetxattr (as $who): bad flags, empty/too long names, too big a size, bad fds and pointers, O_PATH fds, CREATE/REPLACE: as the kernel; an ACL on the denied file denied"
  else
    ko "fsetxattr as the kernel (as $who)" "native: $native" "vigil:  $under"
  fi
done

# ---- fcntl(F_DUPFD[_CLOEXEC], min) as the kernel does it ----
# vigil hands its duplicate over at the number the kernel would give:
# minimums 0, 1 and 10, with numbers below them free or used, the soft
# limit - 1 and the limit (EINVAL), a bad fd (EBADF first), a full table
# (EMFILE), FD_CLOEXEC on the new fd; the denied file denied.
# Also from a workload that turned non-dumpable (vigil reads its fd table
# with its own CAP_SYS_PTRACE, not the workload's credentials).
for who in "${whos[@]}"; do
  [ "$who" = vigil-user ] && continue
  for phase in x nodump; do
    setup "$who"
    native=$(cd "$tmp" && run_as_native "$who" "$tmp/race_fd" dupfd $phase "$d" 0)
    under=$(run_as "$who" "$tmp/fcntl.yaml" "$tmp/race_fd" dupfd $phase "$d" 0)
    echo "    native: $native"
    echo "    vigil:  $under"
    what="fcntl(F_DUPFD[_CLOEXEC], min) (as $who$([ $phase = nodump ] && echo ", non-dumpable"))"
    if [ -n "$native" ] && [ "${native% secret=*}" = "${under% secret=*}" ] && grep -q "secret=EACCES" <<< "$under" \
       && grep -q "limit=EINVAL .*full10=EMFILE" <<< "$under"; then
      ok "$what: numbers, FD_CLOEXEC, EINVAL, EBADF, EMFILE as the kernel's; the denied file denied"
    else
      ko "$what as the kernel" "native: $native" "vigil:  $under"
    fi
  done
done

# bash saves every fd it redirects, and places {var} redirections, with
# fcntl(fd, F_DUPFD, 10): under a rule on the dup class its scripts run
# as natively, with the same numbers.
cat > "$tmp/script.sh" <<'SH'
exec 3> "$1/out"
echo x >&3
{ echo y; } 2>&1 > /dev/null
{ echo z >&2; } 2>&1
exec 4< "$1/ok"; read -r line <&4; echo "read $line"
cat <&4 5>&1 6>&2 7< "$1/ok2"
( exec 9>&1; echo nine >&9 ) 8>&-
echo to-out >&3; exec 3>&-
exec {v}> "$1/var"; exec {w}< "$1/ok"; echo "v=$v w=$w"; exec {v}>&- {w}<&-
cat "$1/out"
ls -l /proc/self/fd/ 2> /dev/null | awk 'NR > 1 { print $9 }' | sort -n | tr '\n' ' '; echo
SH
setup root
native=$(bash "$tmp/script.sh" "$d" 2>&1)
setup root
under=$("$vigil" run -r "$tmp/fcntl.yaml" -o stdout_output.enabled=false -- bash "$tmp/script.sh" "$d" 2>&1 | grep -v '^vigil:')
if [ -n "$native" ] && [ "$native" = "$under" ]; then
  ok "bash redirections under a rule on fcntl dups: as natively"
else
  ko "bash redirections under a rule on fcntl dups" "native:" "$native" "vigil:" "$under"
fi

# ---- fchown from a user namespace: ids as the workload's namespace
# numbers them (vigil performs it from its own namespace) ----
cat > "$tmp/chown.yaml" <<YAML
- rule: Locked owner by fd
  desc: nothing below locked/ is chown'ed through an fd
  condition: evt.type = fchown and fd.name startswith $d/locked/
  output: "locked file chown'ed by %proc.name (fd=%fd.name)"
  priority: WARNING
  action: deny
  errno: EACCES
YAML
chown_probe="
import os
fd = os.open('$d/ok', os.O_RDONLY)
for uid, gid in ((0, 0), (5, -1), (-1, 0)):
    try:
        os.fchown(fd, uid, gid); r = 'ok'
    except OSError as e:
        r = os.strerror(e.errno)
    st = os.fstat(fd)
    print(uid, gid, r, st.st_uid, st.st_gid)
"
userns=(setpriv --reuid=65534 --regid=65534 --clear-groups unshare -U -r)
if [ "$(id -u)" != 0 ] || ! "${userns[@]}" true 2>/dev/null; then
  skip "fchown in a user namespace needs root and unprivileged user namespaces"
else
  setup user
  native=$("${userns[@]}" python3 -c "$chown_probe" 2>&1)
  setup user
  under=$("$vigil" run -r "$tmp/chown.yaml" -o stdout_output.enabled=false -- "${userns[@]}" python3 -c "$chown_probe" 2>&1 \
          | grep -v '^vigil:')
  if [ -n "$native" ] && [ "$native" = "$under" ]; then
    ok "fchown from a user namespace: the same results and owners as the kernel's"
  else
    ko "fchown from a user namespace" "native:" "$native" "vigil:" "$under"
  fi
fi

# ---- listen: decided on the socket vigil holds ----
# A bound socket that does not listen yet is in no /proc/net table: its
# port is asked of vigil's duplicate, so the rule is exact.
# A port free now (a fixed one may be taken, or in TIME_WAIT from a run
# before); the allowed socket takes any port the kernel gives.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$tmp/listen.yaml" <<YAML
- rule: No listening on the port
  desc: no socket listens on port $port
  condition: evt.type = listen and fd.lport = $port
  output: "listen on %fd.lport by %proc.name"
  priority: WARNING
  action: deny
  errno: EACCES
YAML
out=$("$vigil" run -r "$tmp/listen.yaml" -o stdout_output.enabled=false -- python3 -c "
import socket
for name, p in (('other', 0), ('rule', $port)):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(('127.0.0.1', p))
        s.listen(5); socket.create_connection(s.getsockname()).close(); print(name, 'listens')
    except OSError as e:
        print(name, e.strerror)
" 2>/dev/null)
if [ "$out" = "other listens
rule Permission denied" ]; then
  ok "listen: denied on the rule's port only, performed on vigil's duplicate elsewhere"
else
  ko "listen on the rule's port" "$out"
fi

# ---- what vigil run --explain says ----
out=$("$vigil" run --explain -r "$tmp/fd.yaml" 2>&1)
if grep -qE "^  fchmod +emulated: vigil fetches" <<< "$out" && grep -qE "^  dup2 +emulated: vigil fetches" <<< "$out"; then
  ok "run --explain: fchmod and dup2 are emulated on vigil's duplicate of the fd"
else
  ko "run --explain" "$out"
fi
out=$("$vigil" run --explain -r "$tmp/fcntl.yaml" 2>&1)
if grep -qE "^  fcntl +emulated for F_DUPFD and F_DUPFD_CLOEXEC: .*lowest free number from the minimum" <<< "$out" \
   && ! grep -q "higher minimum" <<< "$out"; then
  ok "run --explain: fcntl dups are emulated from any minimum"
else
  ko "run --explain (fcntl)" "$out"
fi

echo "attack_fd: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
