#!/usr/bin/env bash
# End-to-end attacks on deny rules that name files in the path arguments
# of path syscalls (issue 20, hole 8: "a chmod deny is dodged by a hard
# link"): the same object reached under another name must be denied as
# the name the rule gives, where the call acts on the object (chmod,
# fchmodat, fchmodat2, an ACL set with setxattr, link's old path).  A
# hard link, an in-chroot name and a bind mount in a user+mount namespace
# (literal and prefix rules); an unlink through a chroot or a bind mount
# removes the protected name itself and is denied too.  Controls: an
# allowed file through a hard link still chmods and links; unlinking a
# hard link of a protected file is allowed (only that name goes: the
# file, its mode and its protected name stay).  As root and as uid 65534.
set -u
unset PYTHONUNBUFFERED
vigil=$(realpath "${1:-./vigil}")
root=$(cd "$(dirname "$0")/../.." && pwd)
pass=0 fail=0 skip=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigil-pathobj.XXXXXX")
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT

ok () { echo "PASS $1"; pass=$((pass + 1)); }
ko () { echo "FAIL $1"; shift; for l in "$@"; do echo "    $l"; done; fail=$((fail + 1)); }
skip () { echo "SKIP: $1"; skip=$((skip + 1)); }
finish () { echo "attack_pathobj: $pass passed, $fail failed, $skip skipped"; [ "$fail" = 0 ]; exit; }

cp "$vigil" "$tmp/vigil"; chmod 755 "$tmp/vigil"
vigil=$tmp/vigil
# Static: it also runs inside a chroot of the test tree.
if ! cc -O2 -static -o "$tmp/ph" "$root/tests/e2e/helpers/pathobj_helper.c" 2>/dev/null; then
  cc -O2 -o "$tmp/ph" "$root/tests/e2e/helpers/pathobj_helper.c" || { ko "build pathobj_helper"; finish; }
  static=no
else
  static=yes
fi
ph=$tmp/ph

d=$tmp/d
mkdir -p "$d/srv" "$d/pub" "$d/prot" "$d/mnt" "$d/bin"
cp "$ph" "$d/bin/ph"; mkdir -p "$d/prot/bin"; cp "$ph" "$d/prot/bin/ph"
chmod -R 755 "$d"
# fresh OWNER: the protected file (and prot/x), a hard link to it under an
# allowed name, and an allowed file with a link, all mode 644 and owned by
# OWNER (the workload's uid: chmod needs it); the directories its too.
fresh () {
  local owner=$1
  rm -f "$d/srv/secret" "$d/pub/hl" "$d/pub/hl2" "$d/pub/file" "$d/pub/hl-ok" "$d/pub/hl-ok2" "$d/prot/x"
  echo SECRET > "$d/srv/secret"; echo PUB > "$d/pub/file"; echo PROT > "$d/prot/x"
  ln "$d/srv/secret" "$d/pub/hl"; ln "$d/pub/file" "$d/pub/hl-ok"
  chmod 644 "$d/srv/secret" "$d/pub/file" "$d/prot/x"
  chown "$owner:$owner" "$d/srv" "$d/pub" "$d/prot" "$d/srv/secret" "$d/pub/file" "$d/prot/x"
}
mode () { stat -c %a "$1"; }

cat > "$tmp/rules.yaml" <<YAML
- rule: Chmod secret
  desc: the secret file's permissions stay
  condition: evt.type in (chmod, fchmodat) and evt.arg.filename in ($d/srv/secret, $d/srv/other)
  output: "chmod of secret (file=%evt.arg.filename)"
  priority: WARNING
  action: deny
  errno: 67
- rule: Chmod protected tree
  desc: nothing below prot/
  condition: evt.type = chmod and evt.arg.filename startswith $d/prot/
  output: "chmod below prot (file=%evt.arg.filename)"
  priority: WARNING
  action: deny
  errno: 67
- rule: Link secret
  desc: no more names for the secret file
  condition: evt.type in (link, linkat) and evt.arg.oldpath = $d/srv/secret
  output: "link of secret (file=%evt.arg.oldpath)"
  priority: WARNING
  action: deny
  errno: 67
- rule: Chown secret
  desc: the secret file's owner stays
  condition: evt.type = chown and evt.arg.path = $d/srv/secret
  output: "chown of secret (file=%evt.arg.path fd=%fd.name)"
  priority: WARNING
  action: deny
  errno: 67
- rule: Unlink secret
  desc: the secret file's name stays
  condition: (evt.type = unlink and evt.arg.path = $d/srv/secret) or (evt.type = unlinkat and evt.arg.name = $d/srv/secret)
  output: "unlink of secret (file=%evt.arg.path%evt.arg.name)"
  priority: WARNING
  action: deny
  errno: 67
YAML

if ! "$vigil" run -r "$tmp/rules.yaml" -- true 2>"$tmp/err" && grep -q seccomp "$tmp/err"; then
  skip "seccomp user notification unavailable: $(head -n 1 "$tmp/err")"
  finish
fi

# run CMD...: under vigil (as ${as_vigil[@]}, when set) with the rules
# $rules (or rules.yaml); the workload's output in $out, the alerts in
# $alerts.
as_vigil=()
run () {
  rm -f "$tmp/alerts"
  out=$(timeout 60 "${as_vigil[@]}" "$vigil" run -r "${rules:-$tmp/rules.yaml}" -o file_output.enabled=true \
          -o file_output.filename="$tmp/alerts" -o stdout_output.enabled=false -- "$@" 2>&1 | grep -v '^vigil:')
  alerts=$(cat "$tmp/alerts" 2>/dev/null)
}
has () { grep -qx "$1" <<< "$out"; }

# ---- hard links (made beforehand by root) ----
hardlink_tests () {
  local who=$1 uid=$2
  shift 2
  fresh "$uid"
  run "$@" sh -c "$ph chmod $d/pub/hl 600; $ph fchmodat $d/pub/hl 600; $ph fchmodat2 $d/pub/hl 600; \
                  $ph fchmodat2_nofollow $d/pub/hl 600"
  if has "chmod ENOLINK" && has "fchmodat ENOLINK" && has "fchmodat2 ENOLINK" && has "fchmodat2_nofollow ENOLINK" \
     && [ "$(mode "$d/srv/secret")" = 644 ] && grep -q "file=$d/srv/secret)" <<< "$alerts"; then
    ok "$who: chmod, fchmodat, fchmodat2 (also AT_SYMLINK_NOFOLLOW) through a hard link of a protected file are denied; the alert names the file"
  else
    ko "$who: chmod through a hard link" "$out" "mode $(mode "$d/srv/secret")" "$alerts"
  fi
  run "$@" sh -c "$ph setxattr_acl $d/pub/hl; $ph lsetxattr_acl $d/pub/hl"
  if has "setxattr_acl ENOLINK" && has "lsetxattr_acl ENOLINK" && [ "$(mode "$d/srv/secret")" = 644 ]; then
    ok "$who: setxattr and lsetxattr of an ACL through a hard link are denied under the chmod rule"
  elif has "setxattr_acl EOPNOTSUPP"; then
    skip "$who: the file system holding $tmp has no POSIX ACLs (set TMPDIR elsewhere)"
  else
    ko "$who: ACL through a hard link" "$out" "mode $(mode "$d/srv/secret")"
  fi
  run "$@" sh -c "$ph link $d/pub/hl $d/pub/hl2; $ph link_follow $d/pub/hl $d/pub/hl2"
  if has "link ENOLINK" && has "link_follow ENOLINK" && [ ! -e "$d/pub/hl2" ]; then
    ok "$who: a new link made from a hard link of a protected file is denied"
  else
    ko "$who: link through a hard link" "$out" "$(ls -l "$d/pub")"
  fi
  run "$@" sh -c "$ph chmod $d/pub/hl-ok 600; $ph setxattr_acl $d/pub/hl-ok; $ph link $d/pub/hl-ok $d/pub/hl-ok2"
  if has "chmod ok" && has "link ok" && [ "$(mode "$d/pub/file")" = 600 ] && [ -e "$d/pub/hl-ok2" ] \
     && ! has "setxattr_acl ENOLINK"; then
    ok "$who: an allowed file through a hard link still chmods, takes an ACL and links"
  else
    ko "$who: allowed file through a hard link" "$out" "mode $(mode "$d/pub/file")"
  fi
  # Calls on an fd opened through the hard link (the open allowed: no
  # rule on opens) act on the protected file too.
  run "$@" sh -c "$ph fchmod $d/pub/hl 600; $ph fchmod_empty $d/pub/hl 600; $ph fchown $d/pub/hl; \
                  $ph fsetxattr_acl $d/pub/hl; $ph fchmod $d/pub/hl-ok 640; $ph fchown $d/pub/hl-ok"
  if has "fchmod ENOLINK" && has "fchmod_empty ENOLINK" && has "fchown ENOLINK" && has "fchmod ok" && has "fchown ok" \
     && { has "fsetxattr_acl ENOLINK" || has "fsetxattr_acl EOPNOTSUPP"; } \
     && [ "$(mode "$d/srv/secret")" = 644 ] && [ "$(mode "$d/pub/file")" = 640 ] \
     && grep -q "chmod of secret (file=$d/srv/secret)" <<< "$alerts" && grep -q "chown of secret (.*fd=$d/srv/secret)" <<< "$alerts"; then
    ok "$who: fchmod, fchmodat2(fd, \"\", AT_EMPTY_PATH), fchown and fsetxattr (ACL) on an fd opened through a hard link of a protected file are denied; an allowed file's are not"
  else
    ko "$who: fd calls through a hard link" "$out" "mode $(mode "$d/srv/secret")" "$alerts"
  fi
  # The chown family through the hard link (chown follows; lchown and
  # fchownat(AT_SYMLINK_NOFOLLOW) look the entry up; fchownat(fd, "",
  # AT_EMPTY_PATH) names an O_PATH fd): denied; the allowed file chowns.
  run "$@" sh -c "$ph chown $d/pub/hl $uid $uid; $ph lchown $d/pub/hl $uid $uid; $ph fchownat $d/pub/hl -1 $uid 100; \
                  $ph fchownat_fd $d/pub/hl $uid -1; $ph chown $d/pub/hl-ok $uid $uid; $ph lchown $d/pub/hl-ok -1 $uid; \
                  $ph fchownat_fd $d/pub/hl-ok $uid -1"
  if has "chown ENOLINK" && has "lchown ENOLINK" && has "fchownat ENOLINK" && has "fchownat_fd ENOLINK" \
     && has "chown ok" && has "lchown ok" && has "fchownat_fd ok"; then
    ok "$who: chown, lchown, fchownat (also \"\" with AT_EMPTY_PATH) through a hard link of a protected file are denied; an allowed file chowns"
  else
    ko "$who: the chown family through a hard link" "$out"
  fi
  # An unlink takes a name away, not the object: unlinking the hard link
  # leaves the protected file, its name and its mode as they were.
  run "$@" sh -c "$ph unlink $d/pub/hl; $ph unlink $d/srv/secret"
  if has "unlink ok" && has "unlink ENOLINK" && [ ! -e "$d/pub/hl" ] && [ "$(cat "$d/srv/secret")" = SECRET ]; then
    ok "$who: unlinking a hard link of a protected file is allowed (only that name goes); its own name is denied"
  else
    ko "$who: unlink of a hard link" "$out" "$(ls -l "$d/pub" "$d/srv")"
  fi
}
hardlink_tests "uid $(id -u) workload" "$(id -u)"
nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
if [ "$(id -u)" != 0 ] || ! command -v setpriv > /dev/null; then
  skip "uid 65534 workload: needs root and setpriv"
else
  hardlink_tests "uid 65534 workload" 65534 "${nobody[@]}"
fi

# ---- the longest attribute name (255 bytes) is the kernel's to judge ----
fresh 0
native=$(sh -c "$ph setxattr_max $d/pub/file; $ph fsetxattr_max $d/pub/file" 2>&1)
fresh 0
run sh -c "$ph setxattr_max $d/pub/file; $ph fsetxattr_max $d/pub/file"
if [ "$out" = "$native" ] && ! grep -q ERANGE <<< "$out"; then
  ok "setxattr and fsetxattr of a 255-byte name under a chmod rule: as the kernel ($(tr '\n' ' ' <<< "$out"))"
else
  ko "setxattr of a 255-byte name" "native: $native" "vigil: $out"
fi

# ---- the protected file replaced after vigil started ----
# The identities follow the name (inotify on the directories on the way):
# a new file renamed over it, then hard-linked, is the protected file.
sed '/^- rule: Chmod protected tree/,$d' "$tmp/rules.yaml" > "$tmp/chmod.yaml"
fresh 0
rules=$tmp/chmod.yaml run sh -c "echo NEW > $d/srv/new; chmod 644 $d/srv/new; mv $d/srv/new $d/srv/secret; \
                                 ln $d/srv/secret $d/pub/hl2; $ph chmod $d/pub/hl2 600; $ph chmod $d/pub/hl 600"
if has "chmod ENOLINK" && has "chmod ok" && [ "$(mode "$d/srv/secret")" = 644 ] && [ "$(cat "$d/srv/secret")" = NEW ]; then
  ok "a file renamed over the protected name after vigil started is protected through a new hard link (the old file's link is not)"
else
  ko "protected file replaced after start" "$out" "mode $(mode "$d/srv/secret")"
fi

# ---- log rules keep Falco's semantics: the name the call gave ----
# (first in the file: alerts show the first rule that matched.)
cat - "$tmp/chmod.yaml" > "$tmp/log.yaml" <<YAML
- rule: Chmod secret seen
  desc: log only
  condition: evt.type = chmod and evt.arg.filename = $d/srv/secret
  output: "secret seen (file=%evt.arg.filename)"
  priority: WARNING
  action: log
YAML
fresh 0
rules=$tmp/log.yaml run sh -c "$ph chmod $d/pub/hl 600; $ph chmod $d/srv/secret 600"
if [ "$(grep -c 'chmod of secret' <<< "$alerts")" = 1 ] && [ "$(grep -c 'secret seen' <<< "$alerts")" = 1 ] \
   && [ "$(sed -n 1p <<< "$alerts" | grep -c 'chmod of secret')" = 1 ] && has "chmod ENOLINK" && ! has "chmod ok"; then
  ok "log rules: by name only (the hard link is not the name; the deny rule sees both)"
else
  ko "log rules keep name semantics" "$out" "$alerts"
fi

# ---- calls that do not follow the last symlink: as the kernel's ----
# vigil looks the entry up itself (below) and acts on it: the results must
# be the kernel's, a symlink's too.
fidelity () {
  rm -rf "$d/k"; mkdir "$d/k"; echo F > "$d/k/f"; ln -s f "$d/k/sl"; ln -s nowhere "$d/k/dangling"
  mkdir "$d/k/dir"; ln -s dir "$d/k/sldir"; chmod 644 "$d/k/f"
  local c
  for c in "fchmodat2_nofollow sl 600" "fchmodat2_nofollow dangling 600" "fchmodat2_nofollow missing 600" \
           "fchmodat2_nofollow f/ 600" "fchmodat2_nofollow sldir/ 700" "lsetxattr_acl sl" "lsetxattr_acl missing" \
           "lsetxattr_acl dir" "lsetxattr_acl f/" "link sl k/sl2" "link dangling k/d2" "link dir k/dir2" \
           "link missing k/m2" "link f/ k/f3" "link sldir/ k/x" "link f k/dir/f" "fchmodat2_nofollow f 600" \
           "fchmodat2_nofollow dir/. 700" "fchmodat2_nofollow dir/.. 750" "fchmodat2_nofollow . 755" \
           "lsetxattr_acl dir/." "link dir/. k/y" "link dir/.. k/z"; do
    set -- $c
    (cd "$d" && "$ph" "$1" "k/$2" ${3:+"$3"})
    (cd "$d/k" && stat -c '%A %n' -- * dir/* 2>/dev/null | tr '\n' ' '; echo)
  done
}
fresh 0
kernel=$(fidelity 2>&1); [ -n "${VERBOSE:-}" ] && echo "$kernel"
out=$(timeout 60 "$vigil" run -r "$tmp/rules.yaml" -o stdout_output.enabled=false -- \
        bash -c "$(declare -f fidelity); d=$d ph=$ph; fidelity" 2>&1 | grep -v '^vigil:')
if [ "$out" = "$kernel" ] && grep -q "^lrwxrwxrwx sl2" <<< "$(stat -c '%A %n' "$d/k/sl2" | sed "s|$d/k/||")"; then
  ok "fchmodat2(AT_SYMLINK_NOFOLLOW), lsetxattr and link of symlinks, directories, trailing slashes, missing names: the kernel's results"
else
  ko "not-followed calls: results differ from the kernel's" "$(diff <(echo "$kernel") <(echo "$out"))"
fi

# ---- the chown family as the kernel does it ----
# vigil performs chown, lchown and fchownat where a rule covers them: the
# kernel's results, in its order (flags, then the path, then the ids).
chown_fidelity () {
  rm -rf "$d/k"; mkdir "$d/k"; echo F > "$d/k/f"; ln -s f "$d/k/sl"; ln -s nowhere "$d/k/dangling"
  mkdir "$d/k/dir"; ln -s dir "$d/k/sldir"
  local c
  for c in "chown f 1 2" "chown sl 3 4" "lchown sl 5 6" "lchown dangling 7 8" "chown dangling 1 1" \
           "chown missing 1 1" "chown f/ 1 1" "lchown sldir/ 9 9" "lchown dir/. 10 10" "chown f -1 11" \
           "fchownat f 1 1 8000" "fchownat missing 1 1 8000" "fchownat f 12 12 1000" "fchownat sl 13 13 100" \
           "fchownat_fd sl 14 14" "fchownat_fd f 15 -1" "fchownat_fd dir -1 16"; do
    set -- $c
    (cd "$d" && "$ph" "$1" "k/$2" "$3" "$4" ${5:+"$5"})
    (cd "$d/k" && stat -c '%u:%g %n' -- * dir 2>/dev/null | tr '\n' ' '; echo)
  done
  (cd "$d" && "$ph" fchownat "" 1 1 0)
}
if [ "$(id -u)" = 0 ]; then
  fresh 0
  kernel=$(chown_fidelity 2>&1); [ -n "${VERBOSE:-}" ] && echo "$kernel"
  fresh 0
  out=$(timeout 60 "$vigil" run -r "$tmp/rules.yaml" -o stdout_output.enabled=false -- \
          bash -c "$(declare -f chown_fidelity); d=$d ph=$ph; chown_fidelity" 2>&1 | grep -v '^vigil:')
  if [ "$out" = "$kernel" ] && grep -q "fchownat EINVAL" <<< "$out"; then
    ok "chown, lchown, fchownat of files, symlinks, dangling ones, trailing slashes, missing names, bad flags, \"\": the kernel's results"
  else
    ko "the chown family: results differ from the kernel's" "$(diff <(echo "$kernel") <(echo "$out"))"
  fi
  # In a user namespace of the workload's own (only its root mapped), an
  # id it does not map is EINVAL, after the path is found.
  cu () { for c in "chown missing 5 5" "chown f 5 5" "chown f -1 5" "chown f 0 0" "lchown sl 0 -1"; do
            set -- $c; (cd "$d/k" && "$ph" "$@"); done; }
  fresh 0; rm -rf "$d/k"; mkdir "$d/k"; echo F > "$d/k/f"; ln -s f "$d/k/sl"
  kernel=$(unshare -Ur bash -c "$(declare -f cu); d=$d ph=$ph; cu" 2>&1)
  out=$(timeout 60 "$vigil" run -r "$tmp/rules.yaml" -o stdout_output.enabled=false -- \
          unshare -Ur bash -c "$(declare -f cu); d=$d ph=$ph; cu" 2>&1 | grep -v '^vigil:')
  if [ -z "$kernel" ] || grep -q "^unshare:" <<< "$kernel$out"; then
    skip "chown in a user namespace: unshare -Ur not permitted here"
  elif [ "$out" = "$kernel" ] && grep -q "chown EINVAL" <<< "$out"; then
    ok "chown from a user namespace of the workload's own: ids it does not map are EINVAL, as the kernel's ($(tr '\n' ' ' <<< "$out"))"
  else
    ko "chown from a user namespace" "native: $kernel" "vigil: $out"
  fi
fi

# ---- the entry a call that does not follow names, swapped meanwhile ----
# fchmodat2(AT_SYMLINK_NOFOLLOW), lsetxattr and link act on the entry the
# last component names: vigil looks it up once, decides on that object and
# acts on it, whatever the directory holds by then.  No rule on renames
# here: vigil would perform the swaps itself, one at a time.
sed '/^- rule: Unlink secret/,$d' "$tmp/rules.yaml" > "$tmp/race.yaml"
race_n=${RACE_N:-2000}
race_test () {
  local who=$1 uid=$2
  shift 2
  fresh "$uid"
  echo N > "$d/pub/n"; chmod 644 "$d/pub/n"; chown "$uid:$uid" "$d/pub/n"
  local p="$d/pub $race_n $d/srv/secret"
  rules=$tmp/race.yaml run "$@" sh -c "$ph race_fchmodat2 $p; $ph race_lsetxattr $p; $ph race_link $p"
  if grep -q "^race_fchmodat2 ok=[1-9].* denied=[1-9]" <<< "$out" && grep -q "^race_link .*linked=0$" <<< "$out" \
     && grep -q "^race_lsetxattr " <<< "$out" && [ "$(mode "$d/srv/secret")" = 644 ]; then
    ok "$who: fchmodat2(AT_SYMLINK_NOFOLLOW), lsetxattr and link of a name swapped with a hard link of a protected file ($race_n tries each) never reach it"
  else
    ko "$who: entry swapped during the decision" "$out" "mode $(mode "$d/srv/secret")"
  fi
}
race_test "uid $(id -u) workload" "$(id -u)"
if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null; then
  race_test "uid 65534 workload" 65534 "${nobody[@]}"
fi
# chown and lchown give the file to 4321: root only.
if [ "$(id -u)" = 0 ]; then
  fresh 0
  echo N > "$d/pub/n"; chmod 644 "$d/pub/n"
  rules=$tmp/race.yaml run sh -c "$ph race_lchown $d/pub $race_n $d/srv/secret; $ph race_chown $d/pub $race_n $d/srv/secret"
  if grep -q "^race_lchown ok=[1-9].* denied=[1-9].* linked=0$" <<< "$out" \
     && grep -q "^race_chown ok=[1-9].* denied=[1-9].* linked=0$" <<< "$out" && [ "$(stat -c %u "$d/srv/secret")" = 0 ]; then
    ok "lchown and chown of a name swapped with a hard link of a protected file ($race_n tries each) never reach it"
  else
    ko "chown of a name swapped during the decision" "$out" "owner $(stat -c %u "$d/srv/secret")"
  fi
fi

# ---- chroot ----
if [ "$(id -u)" != 0 ] || [ "$static" != yes ]; then
  skip "chroot tests need root and a static libc (cc -static)"
else
  fresh 0
  run sh -c "chroot $d /bin/ph chmod /srv/secret 600; chroot $d/prot /bin/ph chmod /x 600; \
             chroot $d /bin/ph setxattr_acl /srv/secret; chroot $d /bin/ph chmod /pub/file 600"
  if grep -c "^chmod ENOLINK$" <<< "$out" | grep -qx 2 && has "setxattr_acl ENOLINK" && has "chmod ok" \
     && [ "$(mode "$d/srv/secret")" = 644 ] && [ "$(mode "$d/prot/x")" = 644 ] && [ "$(mode "$d/pub/file")" = 600 ] \
     && grep -q "chmod of secret (file=$d/srv/secret)" <<< "$alerts" && grep -q "(file=$d/prot/x)" <<< "$alerts"; then
    ok "chroot: chmod and ACL by the in-chroot name (literal and prefix rules) are denied; the alert names the file from the container's root"
  else
    ko "chroot: chmod by the in-chroot name" "$out" "$alerts"
  fi
  run sh -c "chroot $d /bin/ph chown /srv/secret 0 0; chroot $d /bin/ph fchown /srv/secret; \
             chroot $d /bin/ph chown /pub/file 0 0"
  if has "chown ENOLINK" && has "fchown ENOLINK" && has "chown ok"; then
    ok "chroot: chown and fchown of the protected file by its in-chroot name are denied; an allowed file chowns"
  else
    ko "chroot: chown by the in-chroot name" "$out" "$alerts"
  fi
  run sh -c "chroot $d /bin/ph unlink /srv/secret; chroot $d /bin/ph link /srv/secret /pub/hl2; \
             chroot $d /bin/ph rename /srv/secret /pub/moved"
  if has "unlink ENOLINK" && has "link ENOLINK" && has "rename ENOLINK" && [ -e "$d/srv/secret" ] \
     && [ ! -e "$d/pub/hl2" ] && [ ! -e "$d/pub/moved" ]; then
    ok "chroot: unlink, rename away (the unlink class) and link of the protected file by its in-chroot name are denied"
  else
    ko "chroot: unlink by the in-chroot name" "$out" "$alerts"
  fi
fi

# ---- a bind mount in a user+mount namespace ----
bind_test () {
  local who=$1 uid=$2
  shift 2
  fresh "$uid"
  run "$@" unshare -Urm sh -c "
    mount --bind $d/srv $d/mnt || { echo no-bind-mount; exit 9; }
    $ph chmod $d/mnt/secret 600; $ph unlink $d/mnt/secret
    umount $d/mnt; mount --bind $d/prot $d/mnt && $ph chmod $d/mnt/x 600
    umount $d/mnt; mount --bind $d/pub $d/mnt && $ph chmod $d/mnt/file 600"
  if grep -q "^unshare: \|^no-bind-mount" <<< "$out"; then
    skip "$who: unshare -Urm with a bind mount is not permitted here: $(head -n 1 <<< "$out") (needs unprivileged user namespaces, and issue 20 hole 9's uid_map fix under vigil)"
  elif grep -c "^chmod ENOLINK$" <<< "$out" | grep -qx 2 && has "unlink ENOLINK" && has "chmod ok" \
       && [ "$(mode "$d/srv/secret")" = 644 ] && [ "$(mode "$d/prot/x")" = 644 ] && [ -e "$d/srv/secret" ] \
       && [ "$(mode "$d/pub/file")" = 600 ] && grep -q "chmod below prot (file=$d/prot/x)" <<< "$alerts"; then
    ok "$who: chmod and unlink through bind mounts (unshare -Urm) of a protected file's directory and of a protected tree are denied; an allowed file chmods"
  else
    ko "$who: bind mounts in a user+mount namespace" "$out" "$alerts"
  fi
}
# The same on fds opened through the bind mounts.
bind_fd_test () {
  local who=$1 uid=$2
  shift 2
  fresh "$uid"
  run "$@" unshare -Urm sh -c "
    mount --bind $d/srv $d/mnt || { echo no-bind-mount; exit 9; }
    $ph fchmod $d/mnt/secret 600; $ph fchown $d/mnt/secret; $ph chown $d/mnt/secret 0 0
    umount $d/mnt; mount --bind $d/prot $d/mnt && $ph fchmod_empty $d/mnt/x 600
    umount $d/mnt; mount --bind $d/pub $d/mnt && $ph fchmod $d/mnt/file 600 && $ph chown $d/mnt/file 0 0"
  if grep -q "^unshare: \|^no-bind-mount" <<< "$out"; then
    skip "$who: unshare -Urm with a bind mount is not permitted here: $(head -n 1 <<< "$out")"
  elif has "fchmod ENOLINK" && has "fchown ENOLINK" && has "fchmod_empty ENOLINK" && has "fchmod ok" \
       && has "chown ENOLINK" && has "chown ok" \
       && [ "$(mode "$d/srv/secret")" = 644 ] && [ "$(mode "$d/prot/x")" = 644 ] && [ "$(mode "$d/pub/file")" = 600 ] \
       && grep -q "chmod below prot (file=$d/prot/x)" <<< "$alerts"; then
    ok "$who: fchmod, fchown and fchmodat2(fd, \"\") on fds opened through bind mounts (unshare -Urm) of a protected file's directory and of a protected tree, and chown there, are denied; an allowed file's are not"
  else
    ko "$who: fd calls through bind mounts in a user+mount namespace" "$out" "$alerts"
  fi
}
bind_test "uid $(id -u) workload" "$(id -u)"
bind_fd_test "uid $(id -u) workload" "$(id -u)"
if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null; then
  # vigil and the workload both uid 65534 (the alerts file must be theirs).
  as_vigil=("${nobody[@]}")
  chmod 777 "$tmp"
  bind_test "uid 65534 vigil and workload" 65534
  bind_fd_test "uid 65534 vigil and workload" 65534
  chmod 755 "$tmp"; as_vigil=()
fi
finish
