#!/usr/bin/env bash
# End-to-end tests of emulated opens: where a deny rule covers opens,
# vigil resolves and opens the file itself.  The race tests attack that
# with a second thread; each fails if a returned fd refers to the denied
# file.  RACE_N sets the attempts per phase (default 100000).
set -u
# Workloads share vigil's stdout: python must write whole lines, not the
# pieces PYTHONUNBUFFERED (set on some machines) makes of each print.
unset PYTHONUNBUFFERED
vigil=$(realpath "${1:-./vigil}")
root=$(cd "$(dirname "$0")/../.." && pwd)
n=${RACE_N:-100000}
pass=0 fail=0 skip=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigil-emulate.XXXXXX")
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT

ok () { echo "PASS $1"; pass=$((pass + 1)); }
ko () { echo "FAIL $1"; shift; for l in "$@"; do echo "    $l"; done; fail=$((fail + 1)); }
skip () { echo "SKIP: $1"; skip=$((skip + 1)); }

cc -O2 -pthread -o "$tmp/race_open" "$root/tests/e2e/helpers/race_open.c" || { ko "build race_open"; exit 1; }

d=$tmp/r
cat > "$tmp/rules.yaml" <<YAML
- rule: Locked
  desc: nothing below locked/ may be opened
  condition: evt.type in (open, openat, openat2) and fd.name startswith $d/locked/
  output: "locked file opened by %proc.name (file=%fd.name raw=%fd.nameraw)"
  priority: WARNING
  action: deny
  errno: EACCES
- rule: Locked changed
  desc: nothing below locked/ is removed, created, renamed, linked or chmod'ed
  condition: >
    evt.type in (unlink, unlinkat, rmdir, mkdir, mkdirat, rename, renameat, renameat2, link, linkat,
    symlink, symlinkat, chmod, fchmodat) and
    (evt.arg.path startswith $d/locked/ or evt.arg.name startswith $d/locked/
     or evt.arg.oldpath startswith $d/locked/ or evt.arg.newpath startswith $d/locked/
     or evt.arg.filename startswith $d/locked/ or evt.arg.linkpath startswith $d/locked/)
  output: "locked file changed by %proc.name (%evt.type)"
  priority: WARNING
  action: deny
  errno: EACCES
YAML

if ! "$vigil" run -r "$tmp/rules.yaml" -- true 2>"$tmp/err" && grep -q seccomp "$tmp/err"; then
  skip "seccomp user notification unavailable: $(head -n 1 "$tmp/err")"
  echo "emulate: $pass passed, $fail failed, $skip skipped"
  exit 0
fi

# A fresh tree for each run: ok, okdir/secret, via/secret (allowed) and
# locked/secret (denied); what the second thread swaps in depends on the
# phase: only allowed files in the control phase, the denied one in the
# race phase.
setup () {
  rm -rf "$d"
  mkdir -p "$d/locked" "$d/okdir" "$d/via" "$d/spare"
  echo ok > "$d/ok"; echo S > "$d/locked/secret"; echo ok2 > "$d/okdir/secret"; echo v > "$d/via/secret"
  ln -s "$d/ok" "$d/link.a"; ln -s "$d/ok" "$d/link"
  touch "$d/locked/victim"; ln -s "$d/okdir" "$d/lk.a"; ln -s "$d/okdir" "$d/lk"
  if [ "$1" = race ]; then
    ln -s "$d/locked/secret" "$d/link.b"; ln -s ../locked/secret "$d/spare/secret"; ln -s "$d/locked" "$d/lk.b"
  else
    ln -s "$d/okdir/secret" "$d/link.b"; echo v2 > "$d/spare/secret"; ln -s "$d/okdir" "$d/lk.b"
  fi
}

field () { sed -n "s/.*$1=\([0-9]*\).*/\1/p" <<< "$2"; }

race () {
  local mode=$1 what=$2 c r
  setup control
  c=$(timeout 600 "$vigil" run -r "$tmp/rules.yaml" -o stdout_output.enabled=false -- \
        "$tmp/race_open" "$mode" control "$d" "$n" 2>/dev/null)
  setup race
  r=$(timeout 600 "$vigil" run -r "$tmp/rules.yaml" -o stdout_output.enabled=false -- \
        "$tmp/race_open" "$mode" race "$d" "$n" 2>/dev/null)
  echo "    $mode control: $c"
  echo "    $mode race:    $r"
  local copened rsecret rattempts
  copened=$(field opened "$c"); rsecret=$(field secret "$r"); rattempts=$(field attempts "$r")
  if [ -z "$copened" ] || [ -z "$rsecret" ] || [ "$rattempts" != "$n" ]; then
    ko "race: $what" "the helper did not finish"
  elif [ $((copened * 100)) -lt $((n * 99)) ]; then
    ko "race: $what" "control phase: only $copened of $n allowed opens succeeded"
  elif [ "$rsecret" != 0 ]; then
    ko "race: $what" "$rsecret fds referred to the denied file"
  else
    ok "race: $what ($n attempts, none reached the denied file)"
  fi
}

race flip "a thread flipping the path buffer"
race symlink "a symlink swapped by rename"
race dir "a directory renamed under the path"
race procfd "/proc/self/fd/N variants"
race dirfd "dirfd-relative variants"
race unlink "unlink through a symlink swapped by rename"

# ---- what the workload reaches through /proc and magic links ----
setup control
ln -s /proc/self/status "$tmp/status-link"
ln -s /proc/self/mem "$tmp/mem-link"
ln -s /dev/stdin "$tmp/stdin-link"
out=$("$vigil" run -r "$tmp/rules.yaml" -- sh -c '
  exec 2>&1
  echo "status: $(grep ^Name: /proc/self/status | cut -f2)"
  echo "status-link: $(grep ^Name: '"$tmp"'/status-link | cut -f2)"
  echo "stdin: $(cat /dev/stdin < '"$d"'/ok)"
  echo "stdin-link: $(cat '"$tmp"'/stdin-link < '"$d"'/okdir/secret)"
  echo "devfd: $(exec 5< '"$d"'/via/secret; cat /dev/fd/5)"
  python3 -c "
import os
fd = os.open(\"/proc/self/mem\", os.O_RDONLY)
print(\"mem: pid\", os.readlink(\"/proc/self/fd/%d\" % fd).split(\"/\")[2] == str(os.getpid()))
fd = os.open(\"'"$tmp"'/mem-link\", os.O_RDONLY)
print(\"mem-link: pid\", os.readlink(\"/proc/self/fd/%d\" % fd).split(\"/\")[2] == str(os.getpid()))
fd = os.open(\"/proc/self/task/%d/status\" % os.getpid(), os.O_RDONLY)
print(\"task-status:\", os.read(fd, 100).decode().split(chr(10))[0].split(chr(9))[1])
"
' < /dev/null)
expect_line () {
  if grep -qxF "$2" <<< "$out"; then ok "$1"; else ko "$1" "expected '$2' in:" "$out"; fi
}
expect_line "/proc/self/status is the workload's" "status: grep"
expect_line "a symlink to /proc/self/status is the workload's" "status-link: grep"
expect_line "/dev/stdin is the workload's stdin" "stdin: ok"
expect_line "a symlink to /dev/stdin is the workload's stdin" "stdin-link: ok2"
expect_line "/dev/fd/N is the workload's fd" "devfd: v"
expect_line "/proc/self/mem is the workload's memory" "mem: pid True"
expect_line "a symlink to /proc/self/mem is the workload's memory" "mem-link: pid True"
expect_line "/proc/self/task/<its tid>/status is the workload's" "task-status: python3"

# Through a magic link to a denied file: decided on the real file.
out=$("$vigil" run -r "$tmp/rules.yaml" -- sh -c 'cat /dev/stdin' < "$d/locked/secret" 2>&1)
if grep -q "Permission denied" <<< "$out" && ! grep -qx S <<< "$out"; then
  ok "/dev/stdin naming a denied file is denied (fd.name is the real path)"
else
  ko "/dev/stdin naming a denied file is denied" "$out"
fi

# vigil's own /proc entries: never its memory, environment or fds.
out=$("$vigil" run -r "$tmp/rules.yaml" -- sh -c '
  v=$PPID
  head -c1 /proc/$v/mem >/dev/null 2>&1 && echo "mem open"
  cat /proc/$v/environ >/dev/null 2>&1 && echo "environ open"
  ls /proc/$v/fd >/dev/null 2>&1 && echo "fd listed"
  cat /proc/$v/status >/dev/null 2>&1 && echo "status read"
' 2>&1)
if grep -q "status read" <<< "$out" && ! grep -qE "mem open|environ open|fd listed" <<< "$out"; then
  ok "vigil's /proc entries: status readable, mem/environ/fd refused"
else
  ko "vigil's /proc entries" "$out"
fi

# ---- flags take effect only on allowed files ----
setup control
out=$("$vigil" run -r "$tmp/rules.yaml" -- sh -c "echo x > $d/locked/secret; echo y > $d/locked/new" 2>&1)
if [ "$(cat "$d/locked/secret")" = S ] && [ ! -e "$d/locked/new" ]; then
  ok "O_TRUNC and O_CREAT never take effect on a denied file"
else
  ko "O_TRUNC and O_CREAT on a denied file" "secret=$(cat "$d/locked/secret")" "$(ls "$d/locked")" "$out"
fi
out=$("$vigil" run -r "$tmp/rules.yaml" -- sh -c "umask 027; echo new > $d/created; cd $d/okdir && cat secret; cat ../ok" 2>&1)
mode=$(stat -c %a "$d/created" 2>/dev/null)
if [ "$mode" = 640 ] && grep -qx ok2 <<< "$out" && grep -qx ok <<< "$out"; then
  ok "creates with the workload's umask; relative paths from its cwd"
else
  ko "create and relative opens" "mode=$mode" "$out"
fi
out=$("$vigil" run -r "$tmp/rules.yaml" -- python3 -c "
import os, errno
def err(f):
    try: f(); return 'ok'
    except OSError as e: return errno.errorcode[e.errno]
print('ebadf', err(lambda: os.open('x', os.O_RDONLY, dir_fd=99)))
print('enoent', err(lambda: os.open('$d/nope', os.O_RDONLY)))
print('enotdir', err(lambda: os.open('$d/ok/x', os.O_RDONLY)))
print('eexist', err(lambda: os.open('$d/ok', os.O_CREAT | os.O_EXCL | os.O_WRONLY)))
print('eloop', err(lambda: os.open('$d/link', os.O_RDONLY | os.O_NOFOLLOW)))
print('eisdir', err(lambda: os.open('$d/okdir', os.O_WRONLY)))
print('opath', err(lambda: os.open('$d/okdir', os.O_PATH)))
" 2>/dev/null)
want="ebadf EBADF
enoent ENOENT
enotdir ENOTDIR
eexist EEXIST
eloop ELOOP
eisdir EISDIR
opath ok"
if [ "$out" = "$want" ]; then ok "errors as the kernel gives them"; else ko "errors as the kernel gives them" "$out"; fi

# A FIFO with no writer blocks only its own open, not other opens.
mkfifo "$tmp/fifo"
out=$(timeout 20 "$vigil" run -r "$tmp/rules.yaml" -- sh -c "
  cat $tmp/fifo > $tmp/fifo.out &
  sleep 0.5
  cat $d/ok
  echo through > $tmp/fifo
  wait" 2>&1)
sleep 0.2
if grep -qx ok <<< "$out" && [ "$(cat "$tmp/fifo.out" 2>/dev/null)" = through ]; then
  ok "a blocking FIFO open does not stall the supervisor"
else
  ko "a blocking FIFO open does not stall the supervisor" "$out"
fi

# ---- path syscalls are performed on the objects the rules saw ----
setup control
ln -s "$d/locked" "$d/via-link"
out=$("$vigil" run -r "$tmp/rules.yaml" -o stdout_output.enabled=false -- sh -c "
  cd $d
  rm -f locked/secret; echo rm-locked=\$?
  rm -f via-link/secret; echo rm-via-link=\$?
  mkdir locked/x; echo mkdir-locked=\$?
  chmod 777 via-link/secret; echo chmod-locked=\$?
  mv ok via-link/ok; echo mv-into-locked=\$?
  ln okdir/secret via-link/hard; echo link-into-locked=\$?
  ln -s /etc/passwd locked/sym; echo symlink-into-locked=\$?
  umask 077; mkdir newdir; echo mkdir=\$?
  touch f; chmod 640 f; echo chmod=\$?
  mv f g; echo mv=\$?; ln g h; echo link=\$?; ln -s g s; echo symlink=\$?
  rm g h s; echo rm=\$?; rmdir newdir; echo rmdir=\$?
" 2>/dev/null)
want="rm-locked=1
rm-via-link=1
mkdir-locked=1
chmod-locked=1
mv-into-locked=1
link-into-locked=1
symlink-into-locked=1
mkdir=0
chmod=0
mv=0
link=0
symlink=0
rm=0
rmdir=0"
if [ "$out" = "$want" ] && [ -f "$d/locked/secret" ] && [ "$(stat -c %a "$d/locked/secret")" = 644 ] \
   && [ "$(ls "$d/locked" | tr '\n' ' ')" = "secret victim " ]; then
  ok "path syscalls: denied below locked/ (through a symlink too), performed elsewhere"
else
  ko "path syscalls" "$out" "$(ls -la "$d/locked")"
fi

# A chroot changes the root later walks start from (vigil caches roots).
bb=$(command -v busybox)
if [ "$(id -u)" != 0 ] || [ -z "$bb" ] || ! ldd "$bb" 2>&1 | grep -q "not a dynamic"; then
  skip "chroot test needs root and a static busybox (busybox-static)"
else
  mkdir -p "$tmp/jail"; cp "$bb" "$tmp/jail/busybox"; echo inside > "$tmp/jail/only-here"
  out=$("$vigil" run -r "$tmp/rules.yaml" -- sh -c "cat $tmp/jail/only-here; chroot $tmp/jail /busybox cat /only-here" 2>/dev/null)
  if [ "$out" = "inside
inside" ]; then
    ok "after chroot, opens walk from the new root"
  else
    ko "after chroot, opens walk from the new root" "$out"
  fi
fi

# ---- vigil run --explain ----
out=$("$vigil" run --explain -r "$tmp/rules.yaml" 2>&1)
mon=$("$vigil" run --explain --monitor -r "$tmp/rules.yaml" 2>&1)
if grep -qE "^  openat +emulated" <<< "$out" && grep -qE "^  unlinkat +emulated" <<< "$out" \
   && grep -qE "enforced by: 'Locked' \(deny\)" <<< "$out" && grep -qE "^  open_by_handle_at +errno-only" <<< "$out" \
   && grep -qE "^  openat +continued \(monitor\)" <<< "$mon"; then
  ok "run --explain: opens and path syscalls emulated, open_by_handle_at errno-only, monitor continues"
else
  ko "run --explain" "$out" "$mon"
fi

# ---- credentials: vigil as root never opens for the workload what the
# workload itself may not ----
if [ "$(id -u)" != 0 ] || ! command -v setpriv > /dev/null; then
  skip "credential tests need root and setpriv"
else
  echo rootonly > "$tmp/rootonly"; chmod 600 "$tmp/rootonly"
  chmod 777 "$d/okdir"
  out=$("$vigil" run -r "$tmp/rules.yaml" -- setpriv --reuid=65534 --regid=65534 --clear-groups sh -c "
    cat $tmp/rootonly; echo rc=\$?
    echo mine > $d/okdir/byuser; stat -c %u:%g $d/okdir/byuser" 2>&1)
  if grep -q "Permission denied" <<< "$out" && grep -qx "rc=1" <<< "$out" && grep -qx "65534:65534" <<< "$out"; then
    ok "opens and creates act with the workload's credentials"
  else
    ko "opens and creates act with the workload's credentials" "$out"
  fi
fi

echo "emulate: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
