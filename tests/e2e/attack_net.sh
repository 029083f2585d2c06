#!/usr/bin/env bash
# End-to-end attacks on connect rules (issue 20, hole 6): a deny or kill
# rule on fd.sip must hold however the workload names the address
# (::ffff:127.0.0.1, 0.0.0.0, ::, ::ffff:0.0.0.0) and whichever call
# reaches the new peer (connect, sendto/sendmsg with MSG_FASTOPEN, UDP
# sendto/sendmsg/sendmmsg with an address).  Servers listen on
# 127.0.0.1 and ::1 only and log what reaches them: an attack passes only
# when the call fails as the rule says and nothing reached the server.
set -u
unset PYTHONUNBUFFERED
vigil=$(realpath "${1:-./vigil}")
root=$(cd "$(dirname "$0")/../.." && pwd)
pass=0 fail=0 skip=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigil-attack-net.XXXXXX")
chmod 755 "$tmp"
server_pid= tfo_restore=
cleanup () {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  [ -n "$tfo_restore" ] && sysctl -qw net.ipv4.tcp_fastopen="$tfo_restore"
  rm -rf "$tmp"
}
trap cleanup EXIT

ok () { echo "PASS $1"; pass=$((pass + 1)); }
ko () { echo "FAIL $1"; shift; for l in "$@"; do echo "    $l"; done; fail=$((fail + 1)); }
skip () { echo "SKIP: $1"; skip=$((skip + 1)); }
finish () { echo "attack_net: $pass passed, $fail failed, $skip skipped"; [ "$fail" = 0 ]; exit; }

if ! command -v python3 > /dev/null; then
  skip "python3 not installed (install python3 to run the network attacks)"
  finish
fi
cc -O2 -o "$tmp/net_attack" "$root/tests/e2e/helpers/net_attack.c" || { ko "build net_attack"; finish; }

# Two ports next to each other: P1 is denied, P2 = P1 + 1 is allowed.
p1=$((20000 + (RANDOM % 2000) * 2)) p2=
p2=$((p1 + 1))
cat > "$tmp/server.py" <<'PY'
import selectors, socket, sys, time
log, ready, ports = sys.argv[1], sys.argv[2], [int(p) for p in sys.argv[3:]]
sel = selectors.DefaultSelector()
for host, fam in (("127.0.0.1", socket.AF_INET), ("::1", socket.AF_INET6)):
    for port in ports:
        t = socket.socket(fam, socket.SOCK_STREAM)
        t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        t.bind((host, port)); t.listen(64); t.setblocking(False)
        sel.register(t, selectors.EVENT_READ, ("tcp", host, port))
        u = socket.socket(fam, socket.SOCK_DGRAM)
        u.bind((host, port)); u.setblocking(False)
        sel.register(u, selectors.EVENT_READ, ("udp", host, port))
open(ready, "w").close()
end = time.time() + 300
with open(log, "a", buffering=1) as out:
    while time.time() < end:
        for key, _ in sel.select(1):
            proto, host, port = key.data
            try:
                if proto == "tcp":
                    c, _ = key.fileobj.accept(); c.close()
                else:
                    key.fileobj.recvfrom(65536)
            except OSError:
                continue
            out.write("%s %s %d\n" % (proto, host, port))
PY
: > "$tmp/log"
chmod 644 "$tmp/log"
python3 "$tmp/server.py" "$tmp/log" "$tmp/ready" "$p1" "$p2" 2> "$tmp/server.err" &
server_pid=$!
for _ in $(seq 100); do [ -e "$tmp/ready" ] && break; sleep 0.1; done
if [ ! -e "$tmp/ready" ]; then
  skip "the test servers could not listen on 127.0.0.1/::1 ports $p1,$p2: $(head -n 2 "$tmp/server.err")"
  finish
fi

rules () { # rules ACTION: deny/kill connects to 127.0.0.1:P1 and [::1]:P1
  cat > "$tmp/rules-$1.yaml" <<YAML
- rule: No loopback v4
  desc: nothing may connect to 127.0.0.1 port $p1
  condition: evt.type=connect and fd.sip=127.0.0.1 and fd.sport=$p1
  output: "loopback connect (sip=%fd.sip sport=%fd.sport type=%fd.type typechar=%fd.typechar snet=%fd.snet)"
  priority: WARNING
  action: $1
  errno: EACCES
- rule: No loopback v6
  desc: nothing may connect to ::1 port $p1
  condition: evt.type=connect and fd.sip=::1 and fd.sport=$p1
  output: "loopback6 connect (sip=%fd.sip sport=%fd.sport type=%fd.type)"
  priority: WARNING
  action: $1
  errno: EACCES
YAML
}
rules deny
rules kill

if ! "$vigil" run -r "$tmp/rules-deny.yaml" -- true 2> "$tmp/err" && grep -q seccomp "$tmp/err"; then
  skip "seccomp user notification unavailable: $(head -n 1 "$tmp/err")"
  finish
fi

# Client-side TCP Fast Open needs bit 1 of net.ipv4.tcp_fastopen.
tfo=$(sysctl -n net.ipv4.tcp_fastopen 2> /dev/null || echo 0)
if [ $((tfo & 1)) = 0 ] && [ "$(id -u)" = 0 ]; then
  tfo_restore=$tfo
  sysctl -qw net.ipv4.tcp_fastopen=$((tfo | 1)) && tfo=$((tfo | 1))
fi
have_tfo=$((tfo & 1))

received () { grep -c "^$1 $2 $3\$" "$tmp/log"; }

# run_attack NAME ACTION [PRIV...] -- HOW ADDR PORT EXPECT PROTO HOST:
# the call's result must be EXPECT (an errno name, ok, or killed) and,
# unless it is ok, nothing may have reached PROTO HOST PORT.
run_attack () {
  local name=$1 action=$2; shift 2
  local priv=()
  while [ "$1" != -- ]; do priv+=("$1"); shift; done
  shift
  local how=$1 addr=$2 port=$3 expect=$4 proto=$5 host=$6 before after out st
  before=$(received "$proto" "$host" "$port")
  out=$(timeout 20 "${priv[@]}" "$vigil" run -o json_output=true -r "$tmp/rules-$action.yaml" -- \
          "$tmp/net_attack" "$how" "$addr" "$port" 2> "$tmp/err.$name")
  st=$?
  sleep 0.2
  after=$(received "$proto" "$host" "$port")
  local result
  result=$(printf '%s\n' "$out" | grep -v '^{' | tail -n 1)
  [ "$st" = 137 ] || [ "$st" = $((128 + 9)) ] && result=killed
  printf '%s\n' "$out" | grep '^{' > "$tmp/alerts.$name"
  if [ "$expect" = ok ]; then
    if [ "$result" = ok ] && [ "$after" -gt "$before" ]; then ok "$name"; else
      ko "$name" "expected ok and a $proto packet at $host:$port" "result: $result (status $st)" \
        "received before/after: $before/$after" "stderr: $(head -n 3 "$tmp/err.$name")"
    fi
  elif [ "$result" = "$expect" ] && [ "$after" = "$before" ]; then
    ok "$name"
  else
    ko "$name" "expected $expect and nothing at $proto $host:$port" "result: $result (status $st)" \
      "received before/after: $before/$after" "stderr: $(head -n 3 "$tmp/err.$name")"
  fi
}

# alert_has NAME TEXT...: the attack NAME raised an alert whose output
# fields contain each TEXT (JSON fragments).
alert_has () {
  local name=$1 t; shift
  for t in "$@"; do
    if ! grep -qF -- "$t" "$tmp/alerts.$name"; then
      ko "$name: alert shows $t" "alerts: $(cat "$tmp/alerts.$name")"
      return
    fi
  done
  ok "$name: alert shows $*"
}

attacks () { # attacks ACTION EXPECT PREFIX [PRIV...]
  local action=$1 expect=$2 pre=$3; shift 3
  run_attack "$pre connect 127.0.0.1 (control)" "$action" "$@" -- connect 127.0.0.1 "$p1" "$expect" tcp 127.0.0.1
  run_attack "$pre connect ::ffff:127.0.0.1" "$action" "$@" -- connect ::ffff:127.0.0.1 "$p1" "$expect" tcp 127.0.0.1
  run_attack "$pre connect 0.0.0.0" "$action" "$@" -- connect 0.0.0.0 "$p1" "$expect" tcp 127.0.0.1
  run_attack "$pre connect ::ffff:0.0.0.0" "$action" "$@" -- connect ::ffff:0.0.0.0 "$p1" "$expect" tcp 127.0.0.1
  run_attack "$pre connect :: (reaches ::1)" "$action" "$@" -- connect :: "$p1" "$expect" tcp ::1
  run_attack "$pre bound to 127.0.0.1, connect 0.0.0.0" "$action" "$@" -- bindany 127.0.0.1 "$p1" "$expect" tcp 127.0.0.1
  run_attack "$pre bound to ::ffff:127.0.0.1, connect :: (reaches 127.0.0.1)" "$action" "$@" -- \
    bindany ::ffff:127.0.0.1 "$p1" "$expect" tcp 127.0.0.1
  run_attack "$pre udp sendto 127.0.0.1" "$action" "$@" -- udp 127.0.0.1 "$p1" "$expect" udp 127.0.0.1
  run_attack "$pre udp sendto 0.0.0.0" "$action" "$@" -- udp 0.0.0.0 "$p1" "$expect" udp 127.0.0.1
  run_attack "$pre udp sendto :: (reaches ::1)" "$action" "$@" -- udp :: "$p1" "$expect" udp ::1
  run_attack "$pre udp sendto, address at 0x200000000" "$action" "$@" -- udphigh 127.0.0.1 "$p1" "$expect" udp 127.0.0.1
  run_attack "$pre udp sendmsg ::ffff:127.0.0.1" "$action" "$@" -- udpmsg ::ffff:127.0.0.1 "$p1" "$expect" udp 127.0.0.1
  run_attack "$pre udp sendmmsg, allowed then denied" "$action" "$@" -- mmsg 127.0.0.1 "$p1" "$expect" udp 127.0.0.1
  if [ "$have_tfo" = 1 ]; then
    run_attack "$pre tfo sendto 127.0.0.1" "$action" "$@" -- tfo 127.0.0.1 "$p1" "$expect" tcp 127.0.0.1
    run_attack "$pre tfo sendmsg ::ffff:127.0.0.1" "$action" "$@" -- tfomsg ::ffff:127.0.0.1 "$p1" "$expect" tcp 127.0.0.1
  else
    skip "$pre TCP Fast Open: net.ipv4.tcp_fastopen lacks the client bit (run as root, or sysctl -w net.ipv4.tcp_fastopen=1)"
  fi
}

controls () { # controls PREFIX [PRIV...]: what the rules allow still works
  local pre=$1; shift
  run_attack "$pre control: connect 127.0.0.1 other port" deny "$@" -- connect 127.0.0.1 "$p2" ok tcp 127.0.0.1
  run_attack "$pre control: connect ::ffff:127.0.0.1 other port" deny "$@" -- connect ::ffff:127.0.0.1 "$p2" ok tcp 127.0.0.1
  run_attack "$pre control: udp sendto 0.0.0.0 other port" deny "$@" -- udp 0.0.0.0 "$p2" ok udp 127.0.0.1
  run_attack "$pre control: udp sendto on a connected socket" deny "$@" -- udpconn 127.0.0.1 "$p2" ok udp 127.0.0.1
  run_attack "$pre control: bound to 127.0.0.2, connect 0.0.0.0 reaches 127.0.0.2" deny "$@" -- \
    bindany 127.0.0.2 "$p1" ECONNREFUSED tcp 127.0.0.1
  if [ "$have_tfo" = 1 ]; then
    run_attack "$pre control: tfo sendto other port" deny "$@" -- tfo 127.0.0.1 "$p2" ok tcp 127.0.0.1
  fi
}

attacks deny EACCES "deny:"
alert_has "deny: connect ::ffff:127.0.0.1" '"fd.sip":"127.0.0.1"' '"fd.type":"ipv4"' '"fd.typechar":"4"' \
  '"action":"deny"'
alert_has "deny: connect 0.0.0.0" '"fd.sip":"127.0.0.1"'
alert_has "deny: connect :: (reaches ::1)" '"fd.sip":"::1"' '"fd.type":"ipv6"'
alert_has "deny: udp sendmsg ::ffff:127.0.0.1" '"fd.sip":"127.0.0.1"'
controls "deny"
attacks kill killed "kill:"
alert_has "kill: connect ::ffff:127.0.0.1" '"fd.sip":"127.0.0.1"' '"action":"kill"'

if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null; then
  nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  attacks deny EACCES "unprivileged deny:" "${nobody[@]}"
  controls "unprivileged" "${nobody[@]}"
else
  skip "unprivileged variants need root and setpriv (run as root)"
fi

# AF_UNIX datagram sockets are peers too: a connect rule on a socket's
# path holds on sendto/sendmsg/sendmmsg to it, through a symlink as well
# (the path is walked, as a connect's is, and the send goes to the file
# reached).
u=$tmp/u
mkdir -p "$u" && chmod 777 "$u"
cat > "$tmp/userver.py" <<'PY'
import os, selectors, socket, sys, time
log, ready, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
sel = selectors.DefaultSelector()
for p in paths:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(p); os.chmod(p, 0o777)
    s.setblocking(False); sel.register(s, selectors.EVENT_READ, p)
open(ready, "w").close()
end = time.time() + 300
with open(log, "a", buffering=1) as out:
    while time.time() < end:
        for key, _ in sel.select(1):
            key.fileobj.recv(65536); out.write("unix %s\n" % key.data)
PY
python3 "$tmp/userver.py" "$tmp/log" "$tmp/uready" "$u/dgram.sock" "$u/dgram.sock.ok" 2> "$tmp/userver.err" &
userver_pid=$!
for _ in $(seq 100); do [ -e "$tmp/uready" ] && break; sleep 0.1; done
ln -s "$u/dgram.sock" "$u/link"; ln -s "$u/dgram.sock.ok" "$u/link.ok"
cat > "$tmp/rules-unix.yaml" <<YAML
- rule: No dgram socket
  desc: nothing may connect to $u/dgram.sock
  condition: evt.type=connect and fd.name=$u/dgram.sock
  output: "unix connect (name=%fd.name type=%fd.type)"
  priority: WARNING
  action: deny
  errno: EACCES
YAML
uattack () { # uattack NAME [PRIV...] -- HOW PATH EXPECT RECEIVER
  local name=$1; shift
  local priv=()
  while [ "$1" != -- ]; do priv+=("$1"); shift; done
  shift
  local how=$1 path=$2 expect=$3 rcv=$4 before after result
  before=$(grep -c "^unix $rcv\$" "$tmp/log")
  result=$(timeout 20 "${priv[@]}" "$vigil" run -o stdout_output.enabled=false -r "$tmp/rules-unix.yaml" -- "$tmp/net_attack" "$how" "$path" 0 2> "$tmp/err.u")
  sleep 0.2
  after=$(grep -c "^unix $rcv\$" "$tmp/log")
  result=$(printf '%s\n' "$result" | tail -n 1)
  if { [ "$expect" = ok ] && [ "$result" = ok ] && [ "$after" -gt "$before" ]; } ||
     { [ "$expect" != ok ] && [ "$result" = "$expect" ] && [ "$after" = "$before" ]; }; then
    ok "$name"
  else
    ko "$name" "expected $expect at $rcv" "result: $result" "received before/after: $before/$after" \
      "stderr: $(head -n 3 "$tmp/err.u")"
  fi
}
unix_attacks () { # unix_attacks PREFIX [PRIV...]
  local pre=$1; shift
  uattack "$pre unix sendto the denied socket" "$@" -- udp "$u/dgram.sock" EACCES "$u/dgram.sock"
  uattack "$pre unix sendto through a symlink" "$@" -- udp "$u/link" EACCES "$u/dgram.sock"
  uattack "$pre unix sendmsg through a symlink" "$@" -- udpmsg "$u/link" EACCES "$u/dgram.sock"
  uattack "$pre unix sendmmsg, allowed then through a symlink" "$@" -- mmsg "$u/link" EACCES "$u/dgram.sock"
  uattack "$pre control: unix sendto another socket" "$@" -- udp "$u/dgram.sock.ok" ok "$u/dgram.sock.ok"
  uattack "$pre control: unix sendto a missing path fails as the kernel fails it" "$@" -- \
    udp "$u/missing" "$(cd "$tmp" && "$tmp/net_attack" udp "$u/missing" 0)" "$u/missing"
}
if [ -e "$tmp/uready" ]; then
  unix_attacks "deny:"
  if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null; then
    unix_attacks "unprivileged deny:" setpriv --reuid=65534 --regid=65534 --clear-groups
  fi
else
  skip "the unix datagram server could not start: $(head -n 2 "$tmp/userver.err")"
fi
kill "$userver_pid" 2> /dev/null

# A socket's own ends (dup, listen...) are rendered as libsinsp renders
# them: an IPv6 socket with v4-mapped ends is an ipv4 socket.
cat > "$tmp/ends.yaml" <<YAML
- rule: IPv4 ends
  desc: a duplicate of a connection to 127.0.0.1
  condition: evt.type=dup2 and fd.type=ipv4 and fd.rip=127.0.0.1 and fd.rport=$p2
  output: "ends %evt.type type=%fd.type lip=%fd.lip rip=%fd.rip"
  priority: WARNING
YAML
out=$(timeout 20 "$vigil" run -r "$tmp/ends.yaml" -- python3 -c "
import os, socket
c = socket.socket(socket.AF_INET6); c.connect(('::ffff:127.0.0.1', $p2)); os.dup2(c.fileno(), 100)
" 2>&1)
if printf '%s\n' "$out" | grep -q "ends dup2 type=ipv4 lip=127.0.0.1 rip=127.0.0.1"; then
  ok "a dup2 of an IPv6 socket connected to ::ffff:127.0.0.1 is ipv4 with fd.rip=127.0.0.1"
else
  ko "IPv4 ends of an IPv6 socket" "out: $out"
fi

# Other ABIs: a connect through int 0x80 (ia32) or the x32 ABI must reach
# nothing (vigil's filter kills a foreign architecture's syscall; a kernel
# without that ABI fails it).  Guards, not fixes: these held before.
for abi in ia32 x32; do
  before=$(received tcp 127.0.0.1 "$p1")
  out=$(timeout 20 "$vigil" run -o stdout_output.enabled=false -r "$tmp/rules-deny.yaml" -- \
          "$tmp/net_attack" "$abi" 127.0.0.1 "$p1" 2> /dev/null)
  st=$?
  sleep 0.2
  after=$(received tcp 127.0.0.1 "$p1")
  if [ "$after" = "$before" ] && [ "$out" != ok ]; then
    ok "$abi connect reaches nothing (status $st${out:+, $out})"
  else
    ko "$abi connect" "result: $out (status $st)" "received before/after: $before/$after"
  fi
done

# io_uring connects (IORING_OP_CONNECT, IORING_OP_SENDMSG) would bypass
# seccomp: io_uring_setup must fail while a connect rule enforces.
cat > "$tmp/uring.py" <<'PY'
import ctypes, errno
libc = ctypes.CDLL(None, use_errno=True)
params = ctypes.create_string_buffer(120)
r = libc.syscall(425, 8, params)  # io_uring_setup
print("ok" if r >= 0 else errno.errorcode[ctypes.get_errno()])
PY
out=$(timeout 20 "$vigil" run -r "$tmp/rules-deny.yaml" -- python3 "$tmp/uring.py" 2>&1 | tail -n 1)
if [ "$out" = ENOSYS ]; then ok "io_uring_setup fails with ENOSYS under a connect rule"; else
  ko "io_uring_setup under a connect rule" "result: $out"
fi

# A sockaddr flipped under a connect by a second thread, between the
# allowed port and the denied one: vigil connects its own copy of the
# address, so the denied port is never reached.  (Each attempt leaves a
# TIME_WAIT socket: a quarter of RACE_N.)
cc -O2 -pthread -o "$tmp/race_connect" "$root/tests/e2e/helpers/race_connect.c" || { ko "build race_connect"; finish; }
free_port () { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
allowed=$(free_port); denied=$(free_port)
cat > "$tmp/race-connect.yaml" <<YAML
- rule: No connect to the denied port
  desc: the race target
  condition: evt.type = connect and fd.sport = $denied
  output: "connect to %fd.sip:%fd.sport"
  priority: WARNING
  action: deny
  errno: EACCES
YAML
n=$(( ${RACE_N:-20000} / 4 ))
c=$(timeout 300 "$vigil" run -r "$tmp/race-connect.yaml" -o stdout_output.enabled=false -- \
      "$tmp/race_connect" control "$allowed" "$denied" "$n" 2>/dev/null)
r=$(timeout 300 "$vigil" run -r "$tmp/race-connect.yaml" -o stdout_output.enabled=false -- \
      "$tmp/race_connect" race "$allowed" "$denied" "$n" 2>/dev/null)
echo "    sockaddr race control: $c"
echo "    sockaddr race:         $r"
if grep -q "connected=$n .*denied_peer=0" <<< "$c" && grep -q "denied_peer=0$" <<< "$r" \
   && ! grep -q "refused=0 " <<< "$r" && ! grep -q "connected=0 " <<< "$r"; then
  ok "a sockaddr flipped under a connect never reaches the denied port"
else
  ko "sockaddr flipped under a connect" "control: $c" "race: $r"
fi

# A thread with an fd table of its own (unshare(CLONE_FILES)) connects the
# socket its own table names: vigil must fetch that one, not the socket
# the thread group leader has under the same number.
cat > "$tmp/own-table.py" <<'PY'
import ctypes, os, socket, threading
libc = ctypes.CDLL(None, use_errno=True)
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(5)
shared = socket.socket(); fd = shared.fileno(); res = []
def thread():
    if libc.unshare(0x400) != 0:  # CLONE_FILES
        res.append("unshare failed"); return
    os.close(fd)
    mine = socket.socket()
    if mine.fileno() != fd:
        os.dup2(mine.fileno(), fd)
    s = socket.socket(fileno=fd)
    try:
        s.connect(srv.getsockname()); res.append("thread connected")
    except OSError as e:
        res.append(e.strerror)
t = threading.Thread(target=thread); t.start(); t.join()
try:
    shared.getpeername(); res.append("leader's socket connected")
except OSError:
    res.append("leader's socket untouched")
print(" / ".join(res))
PY
native=$(timeout 20 python3 "$tmp/own-table.py" 2>&1)
under=$(timeout 20 "$vigil" run -r "$tmp/race-connect.yaml" -o stdout_output.enabled=false -- python3 "$tmp/own-table.py" 2>&1 | grep -v '^vigil:')
if [ "$native" = "thread connected / leader's socket untouched" ] && [ "$under" = "$native" ]; then
  ok "a thread with an fd table of its own connects its own socket under a connect rule"
else
  ko "connect from a thread with its own fd table" "native: $native" "vigil: $under"
fi

finish
