#!/usr/bin/env bash
# Attacks on syscall classes (issue 20, hole 8): a deny rule that names
# one syscall holds on every syscall that does what it does.  Each case
# runs a workload that dodges a rule naming only unlink, chmod, ptrace or
# mount with a sibling the class used to miss (a rename over the file, a
# RENAME_EXCHANGE, an ACL set with setxattr, process_vm_readv, a read of
# /proc/<pid>/mem, pidfd_getfd, mount_setattr, umount2), and a control
# that an allowed call still works.  As root and as uid 65534 where the
# attack is open to an unprivileged workload.
set -u
vigil=$(realpath "${1:-./vigil}")
root=$(cd "$(dirname "$0")/../.." && pwd)
pass=0 fail=0 skip=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigil-classes.XXXXXX")
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT

ok () { echo "PASS $1"; pass=$((pass + 1)); }
ko () { echo "FAIL $1"; shift; for l in "$@"; do echo "    $l"; done; fail=$((fail + 1)); }
skip () { echo "SKIP: $1"; skip=$((skip + 1)); }
summary () {
  echo "attack_classes: $pass passed, $fail failed, $skip skipped"
  [ "$fail" = 0 ]
  exit
}

# Outputs of runs as uid 65534 go to o/; ENOLINK in every rule tells
# vigil's denials from the kernel's.
mkdir -m 1777 "$tmp/o"
cp "$vigil" "$tmp/vigil"
vigil=$tmp/vigil
cc -O2 -o "$tmp/ch" "$root/tests/e2e/helpers/classes_helper.c" || { ko "build classes_helper"; summary; }
ch=$tmp/ch

if ! "$vigil" run -r /dev/null -- true 2>"$tmp/err" && grep -q seccomp "$tmp/err"; then
  skip "seccomp user notification unavailable: $(head -n 1 "$tmp/err")"
  summary
fi

# as USER: run the rest as root (root) or as uid 65534 (nobody).
as () {
  local who=$1
  shift
  if [ "$who" = root ]; then
    "$@"
  else
    setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
  fi
}

# run WHO RULES OUT ARGS...: the helper under vigil with RULES.
run () {
  local who=$1 rules=$2 out=$3
  shift 3
  rm -f "$out.alerts"
  (cd "$tmp" && as "$who" timeout 30 "$vigil" run -r "$rules" -o stdout_output.enabled=false \
     -o file_output.enabled=true -o file_output.filename="$out.alerts" -- "$ch" "$@" > "$out" 2> "$out.err")
}

has () { grep -qx "$1" "$2"; }

users=root
if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null; then
  users="root nobody"
fi

# ---- unlink: renames over a file, RENAME_EXCHANGE, renames of it ----

d=$tmp/u
cat > "$tmp/unlink.yaml" <<YAML
- rule: Keep
  desc: no file below keep/ is removed
  condition: evt.type = unlink and evt.arg.path startswith $d/keep/
  output: "removed %evt.type"
  priority: WARNING
  action: deny
  errno: 67 # ENOLINK
YAML

fresh () {
  rm -rf "$d"
  mkdir -p "$d/keep"
  echo precious > "$d/keep/file"
  echo other > "$d/other"
  echo spare > "$d/spare"
  [ "$1" = root ] || chown -R 65534:65534 "$d"
}

intact () { [ "$(cat "$d/keep/file" 2>/dev/null)" = precious ]; }

unlink_cases () {
  local who=$1 out=$tmp/o/out
  fresh "$who"
  run "$who" "$tmp/unlink.yaml" "$out" rename "$d/other" "$d/keep/file"
  if has "rename ENOLINK" "$out" && intact; then
    ok "unlink ($who): rename over a protected file is denied"
  else
    ko "unlink ($who): rename over" "$(cat "$out" "$out.err")"
  fi
  fresh "$who"
  run "$who" "$tmp/unlink.yaml" "$out" renameat "$d/other" "$d/keep/file"
  if has "renameat ENOLINK" "$out" && intact; then
    ok "unlink ($who): renameat over a protected file is denied"
  else
    ko "unlink ($who): renameat over" "$(cat "$out" "$out.err")"
  fi
  fresh "$who"
  run "$who" "$tmp/unlink.yaml" "$out" exchange "$d/other" "$d/keep/file"
  if has "exchange ENOLINK" "$out" && intact; then
    ok "unlink ($who): RENAME_EXCHANGE of a protected file is denied"
  else
    ko "unlink ($who): exchange" "$(cat "$out" "$out.err")"
  fi
  fresh "$who"
  run "$who" "$tmp/unlink.yaml" "$out" rename "$d/keep/file" "$d/moved"
  if has "rename ENOLINK" "$out" && intact && grep -q "removed rename" "$out.alerts"; then
    ok "unlink ($who): renaming a protected file away is denied, alerted as its unlink"
  else
    ko "unlink ($who): rename away" "$(cat "$out" "$out.err" "$out.alerts")"
  fi
  fresh "$who"
  run "$who" "$tmp/unlink.yaml" "$out" rename "$d/other" "$d/keep/new"
  local a
  a=$(cat "$out")
  run "$who" "$tmp/unlink.yaml" "$out" rename "$d/spare" "$d/other2"
  if [ "$a" = "rename ok" ] && has "rename ok" "$out" && [ -e "$d/keep/new" ] && [ -e "$d/other2" ] && intact; then
    ok "unlink ($who): renames that remove no protected name still work (into keep/, elsewhere)"
  else
    ko "unlink ($who): control" "$a" "$(cat "$out" "$out.err")"
  fi
}

for who in $users; do
  unlink_cases "$who"
done

# ---- chmod: setting an ACL changes permissions ----

c=$tmp/c
cat > "$tmp/chmod.yaml" <<YAML
- rule: Modes
  desc: no mode below keep/ changes
  condition: evt.type = chmod and evt.arg.filename startswith $c/keep/
  output: "chmod %evt.type %evt.arg.filename"
  priority: WARNING
  action: deny
  errno: 67 # ENOLINK
YAML

chmod_cases () {
  local who=$1 out=$tmp/o/out
  rm -rf "$c"
  mkdir -p "$c/keep"
  touch "$c/keep/file" "$c/free"
  chmod 600 "$c/keep/file" "$c/free"
  [ "$who" = root ] || chown -R 65534:65534 "$c"
  run "$who" "$tmp/chmod.yaml" "$out" xattrs "$c/keep/file"
  if has "setxattr_acl ENOLINK" "$out" && has "lsetxattr_acl ENOLINK" "$out" && has "fsetxattr_acl ENOLINK" "$out" \
     && [ "$(stat -c %a "$c/keep/file")" = 600 ]; then
    ok "chmod ($who): setxattr, lsetxattr and fsetxattr of system.posix_acl_access are denied"
  elif grep -q "acl_access EOPNOTSUPP" "$out"; then
    skip "chmod ($who): the file system holding $tmp has no POSIX ACLs (set TMPDIR elsewhere)"
  else
    ko "chmod ($who): ACL" "$(cat "$out" "$out.err")"
  fi
  run "$who" "$tmp/chmod.yaml" "$out" xattrs "$c/free"
  if has "setxattr_acl ok" "$out" && has "fsetxattr_acl ok" "$out" && has "mode 777" "$out"; then
    ok "chmod ($who): ACLs of other files are still set"
  else
    ko "chmod ($who): ACL control" "$(cat "$out" "$out.err")"
  fi
}

# setxattr and lsetxattr are performed by vigil where the chmod class
# covers them: every result must be the kernel's (flags, names, sizes, bad
# pointers, symlinks, permissions), and non-ACL attributes of protected
# files are set.
xattr_same () {
  local who=$1 out=$tmp/o/out
  for run_how in bare vigil; do
    rm -rf "$c"
    mkdir -p "$c/keep"
    touch "$c/keep/file" "$c/theirs"
    ln -s file "$c/keep/link"
    [ "$who" = root ] || chown -R 65534:65534 "$c/keep"
    # The kernel's results for the same workload: under vigil (which
    # drops CAP_SYS_ADMIN) with a rule that leaves setxattr in the kernel.
    local rules=$tmp/chmod.yaml o=$out
    [ $run_how = bare ] && rules=$tmp/unlink.yaml o=$out.bare
    run "$who" "$rules" "$o" xattr_odd "$c/keep/file" "$c/keep/link" "$c/keep/missing"
    run "$who" "$rules" "$o.2" setxattr_user "$c/theirs"
    cat "$o.2" >> "$o"
  done
  if [ -s "$out" ] && diff "$out.bare" "$out" > "$out.diff" && has "user ok" "$out"; then
    ok "chmod ($who): setxattr/lsetxattr performed by vigil give the kernel's results (17 cases)"
  elif grep -q "user EOPNOTSUPP" "$out.bare"; then
    skip "chmod ($who): no user xattrs on the file system holding $tmp (set TMPDIR elsewhere)"
  else
    ko "chmod ($who): setxattr results differ" "$(cat "$out.diff" "$out.err")"
  fi
}

# A workload in a user namespace of its own holds every capability there;
# vigil, acting for it, would hold them outside: a file capability it set
# would be valid for everyone.  Such a setxattr is refused.  vigil runs as
# root, the workload as WHO.
setcap_userns () {
  local who=$1 out=$tmp/o/out
  rm -f "$tmp/o/capped"
  cp /bin/true "$tmp/o/capped"
  [ "$who" = root ] || chown 65534:65534 "$tmp/o/capped"
  if [ "$who" = root ]; then
    run root "$tmp/chmod.yaml" "$out" setcap_userns "$tmp/o/capped"
  else
    (cd "$tmp" && timeout 30 "$vigil" run -r "$tmp/chmod.yaml" -o stdout_output.enabled=false -- \
       setpriv --reuid=65534 --regid=65534 --clear-groups "$ch" setcap_userns "$tmp/o/capped" > "$out" 2> "$out.err")
  fi
  "$ch" capmagic "$tmp/o/capped" > "$out.magic"
  if ! has "unshare ok" "$out"; then
    skip "chmod ($who): no user namespaces here"
  elif ! grep -q "capmagic 02" "$out.magic" && ! has "setcap ok" "$out" || grep -q "capmagic 03" "$out.magic"; then
    ok "chmod ($who): a file capability set from a user namespace is never valid outside it"
  else
    ko "chmod ($who): setcap from a user namespace" "$(cat "$out" "$out.magic")"
  fi
}

for who in $users; do
  chmod_cases "$who"
  xattr_same "$who"
  setcap_userns "$who"
done

# ---- ptrace: reading another process's memory ----

cat > "$tmp/ptrace.yaml" <<YAML
- rule: No debugging
  desc: no process attaches to another
  condition: evt.type = ptrace and evt.arg.request in (PTRACE_ATTACH, PTRACE_SEIZE)
  output: "ptrace %evt.type %fd.name"
  priority: WARNING
  action: deny
  errno: 67 # ENOLINK
YAML

for who in $users; do
  out=$tmp/o/out
  run "$who" "$tmp/ptrace.yaml" "$out" peek
  if has "process_vm_readv ENOLINK" "$out" && has "child_mem_rdonly ENOLINK" "$out" && has "self_mem_rdonly ENOLINK" "$out" \
     && has "pidfd_getfd ENOLINK" "$out" && ! grep -q "^peeked" "$out" && has "status_rdonly ok" "$out"; then
    ok "ptrace ($who): process_vm_readv, read-only opens of /proc/<pid>/mem and pidfd_getfd are denied; /proc/self/status opens"
  else
    ko "ptrace ($who): reads" "$(cat "$out" "$out.err")"
  fi
done

# ---- mount: mount_setattr and umount2 ----

cat > "$tmp/mount.yaml" <<YAML
- rule: No mounts
  desc: the mount table does not change
  condition: evt.type = mount
  output: "mount %evt.type"
  priority: WARNING
  action: deny
  errno: 67 # ENOLINK
YAML

# The workload holds CAP_SYS_ADMIN in a user namespace of its own (the
# kernel refuses the rest: umount2 of a mount it inherited, EINVAL).
for who in $users; do
  out=$tmp/o/out
  run "$who" "$tmp/mount.yaml" "$out" mounts /proc
  if ! has "unshare ok" "$out"; then
    skip "mount ($who): no user namespaces here ($(head -n 1 "$out"))"
  elif has "mount_setattr ENOLINK" "$out" && has "umount2 ENOLINK" "$out"; then
    ok "mount ($who): mount_setattr and umount2 are denied under a rule on mount"
  else
    ko "mount ($who): mount_setattr, umount2" "$(cat "$out" "$out.err")"
  fi
  run "$who" "$tmp/unlink.yaml" "$out" mounts /proc
  if has "unshare ok" "$out" && has "mount_setattr ok" "$out" && has "umount2 EINVAL" "$out"; then
    ok "mount ($who): without a rule on mount, mount_setattr works (and umount2 meets the kernel's EINVAL)"
  else
    ko "mount ($who): control" "$(cat "$out" "$out.err")"
  fi
done

# ---- the *at forms and their older siblings, rmdir, execveat ----

# sibling WHO NAME CONDITION WHAT -- HELPER ARGS: a deny rule naming NAME
# with CONDITION denies WHAT (the helper's report), which makes another
# syscall of the same kind.
sibling () {
  local who=$1 name=$2 cond=$3 what=$4 out=$tmp/o/out
  shift 5
  cat > "$tmp/sib.yaml" <<YAML
- rule: Only $name
  desc: a rule that names $name only
  condition: evt.type = $name and $cond
  output: "o %evt.type"
  priority: WARNING
  action: deny
  errno: 67 # ENOLINK
YAML
  run "$who" "$tmp/sib.yaml" "$out" "$@"
  if grep -q "^$what ENOLINK" "$out"; then
    ok "$name ($who): $what is denied by a rule on $name"
  else
    ko "$name ($who): $what" "$(cat "$out" "$out.err")"
  fi
}

s=$tmp/s
for who in $users; do
  rm -rf "$s"
  mkdir -p "$s/dir"
  echo a > "$s/a"
  [ "$who" = root ] || chown -R 65534:65534 "$s"
  sibling "$who" rename "evt.arg.oldpath startswith $s/" renameat2 -- renameat2 "$s/a" "$s/b"
  sibling "$who" rmdir "evt.arg.path startswith $s/" rmdir_at -- rmdir_at "$s/dir"
  sibling "$who" link "evt.arg.newpath startswith $s/" linkat -- linkat "$s/a" "$s/hard"
  sibling "$who" symlink "evt.arg.linkpath startswith $s/" symlinkat -- symlinkat "$s/a" "$s/soft"
  sibling "$who" mkdir "evt.arg.path startswith $s/" mkdirat -- mkdirat "$s/new"
  sibling "$who" chown "evt.arg.uid >= 0" fchownat -- chowns "$s/a"
  if grep -q "^lchown ENOLINK" "$tmp/o/out" && grep -q "^fchown ENOLINK" "$tmp/o/out"; then
    ok "chown ($who): lchown and fchown are denied by a rule on chown"
  else
    ko "chown ($who): lchown, fchown" "$(cat "$tmp/o/out")"
  fi
  sibling "$who" init_module "evt.arg.length >= 0" finit_module -- finit_module "$s/a"
  cp /bin/true "$tmp/o/true"
  sibling "$who" execve "proc.name = true" execveat -- execveat "$tmp/o/true"
  if [ -d "$s/dir" ] && [ ! -e "$s/b" ] && [ ! -e "$s/hard" ] && [ ! -e "$s/soft" ] && [ ! -e "$s/new" ]; then
    ok "siblings ($who): nothing was renamed, removed, linked or created"
  else
    ko "siblings ($who): the tree changed" "$(ls -la "$s")"
  fi
  rm -rf "$s"
  mkdir -p "$s"
  echo a > "$s/a"
  [ "$who" = root ] || chown -R 65534:65534 "$s"
  sed -e "s|evt.type = execve and proc.name = true|evt.type = rename and evt.arg.oldpath startswith $s/locked/|" \
    "$tmp/sib.yaml" > "$tmp/sib-rename.yaml"
  run "$who" "$tmp/sib-rename.yaml" "$tmp/o/out" renameat2 "$s/a" "$s/b"
  if has "renameat2 ok" "$tmp/o/out" && [ -e "$s/b" ]; then
    ok "siblings ($who): a call no rule covers still works"
  else
    ko "siblings ($who): control" "$(cat "$tmp/o/out" "$tmp/o/out.err")"
  fi
done

# ---- list and validate show the widened members ----

cat "$tmp/unlink.yaml" "$tmp/chmod.yaml" "$tmp/ptrace.yaml" "$tmp/mount.yaml" > "$tmp/all.yaml"
"$vigil" list -r "$tmp/all.yaml" > "$tmp/list" 2> "$tmp/list.err"
"$vigil" validate "$tmp/all.yaml" > "$tmp/val" 2> "$tmp/val.err"
if grep -q '^Keep .*\[also enforced on: rename,renameat,renameat2,rmdir,unlinkat\]$' "$tmp/list" \
   && grep -q '^Modes .*\[also enforced on: fchmod,fchmodat,fchmodat2,fsetxattr,lsetxattr,setxattr\]$' "$tmp/list" \
   && grep -q '^No debugging .*\[also enforced on: pidfd_getfd,process_vm_readv,process_vm_writev,opens of /proc/<pid>/mem\]$' "$tmp/list" \
   && grep -q '^No mounts .*\[also enforced on: fsmount,mount_setattr,move_mount,open_tree,umount,umount2\]$' "$tmp/list" \
   && grep -q "rule 'Keep' is also enforced on rename, renameat, renameat2, rmdir, unlinkat, which" "$tmp/val.err" \
   && grep -q "rule 'No debugging' is also enforced on .*process_vm_readv.* and opens of /proc/<pid>/mem," "$tmp/val.err"; then
  ok "list and validate show the widened members"
else
  ko "list/validate" "$(cat "$tmp/list" "$tmp/list.err" "$tmp/val.err")"
fi

summary
