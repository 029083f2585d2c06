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
