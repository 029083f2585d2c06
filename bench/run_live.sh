#!/usr/bin/env bash
# make bench, part 2: vigil run against the same workload run natively in
# the same session, alternating, 5 runs each; median and min-max of the
# wall time, and the ratio of medians to native.  Also strace tracing the
# same syscalls with seccomp-bpf, a `make -j2` build of vigil itself, and
# the supervisor's memory.  Figures, not a test: nothing here asserts a
# time.
set -u
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
vigil=$here/../vigil
runs=5
upstream="$here/../../shared/falco"

"${CC:-cc}" -O2 -o "$build/openloop" "$here/openloop.c" || exit 1
"${CC:-cc}" -O2 -o "$build/notify_floor" "$here/notify_floor.c" -lpthread || exit 1
floor=$build/notify_floor

now () { date +%s%N; }
# time_cmd VAR CMD...: append one wall time in ms to the array VAR.
time_cmd () {
  local -n acc=$1; shift
  local t0 t1
  t0=$(now); "$@" >/dev/null 2>&1; t1=$(now)
  acc+=("$(( (t1 - t0) / 1000000 ))")
}
stats () { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {printf "%d %d %d", a[int((NR+1)/2)], a[1], a[NR]}'; }

report () {
  local label=$1; shift
  local -n nat=$1 sup=$2
  read -r nm nmin nmax <<<"$(stats "${nat[@]}")"
  read -r sm smin smax <<<"$(stats "${sup[@]}")"
  awk -v l="$label" -v nm="$nm" -v nmin="$nmin" -v nmax="$nmax" -v sm="$sm" -v smin="$smin" -v smax="$smax" -v k="$(uname -r)" \
    'BEGIN {printf "| %s | %s | %d (%d-%d) | %d (%d-%d) | %.2fx |\n", k, l, nm, nmin, nmax, sm, smin, smax, sm / (nm ? nm : 1)}'
}

echo "== vigil run against native ($(uname -r), $runs alternating runs, wall ms: median (min-max))"
echo "| kernel | workload | native | supervised | ratio |"
echo "|---|---|---|---|---|"

n_open=() v_open=() s_open=() d_open=() f_open=() e_open=() r_open=()
cat > "$build/deny-open.yaml" <<'YAML'
- rule: Deny a file nobody opens
  desc: makes every open reach vigil
  condition: evt.type in (open, openat, openat2) and fd.name = /nonexistent/secret
  output: "denied %fd.name"
  priority: CRITICAL
  action: deny
YAML
for _ in $(seq $runs); do
  time_cmd n_open "$build/openloop" 100000
  time_cmd f_open "$floor" "$build/openloop" 100000
  time_cmd r_open "$floor" --read "$build/openloop" 100000
  time_cmd v_open "$vigil" run -o log_level=warning -- "$build/openloop" 100000
  time_cmd s_open strace -f -qq --seccomp-bpf -e trace=open,openat,openat2 -o /dev/null "$build/openloop" 100000
  time_cmd d_open "$vigil" run -o log_level=warning -r "$build/deny-open.yaml" -- "$build/openloop" 100000
  time_cmd e_open "$floor" --emulate "$build/openloop" 100000
done
report "open/close x100000, floor: a receiver that answers CONTINUE and does nothing else" n_open f_open
report "open/close x100000, reading floor: the same, reading each path first" n_open r_open
report "open/close x100000, default policy" n_open v_open
report "open/close x100000, strace -f --seccomp-bpf" n_open s_open
report "open/close x100000, a deny rule on opens (every open emulated)" n_open d_open
report "open/close x100000, emulating floor: read, check, open, ADDFD+SEND, nothing else" n_open e_open

# The same loop over 4096 files in turn: more calls than vigil's decision
# cache holds, so every open is evaluated.
mkdir -p "$build/paths"
for i in $(seq 0 4095); do : > "$build/paths/f.$i"; done
n_many=() r_many=() v_many=()
for _ in $(seq $runs); do
  time_cmd n_many "$build/openloop" 100000 "$build/paths/f" 4096
  time_cmd r_many "$floor" --read "$build/openloop" 100000 "$build/paths/f" 4096
  time_cmd v_many "$vigil" run -o log_level=warning -- "$build/openloop" 100000 "$build/paths/f" 4096
done
report "open/close x100000 over 4096 files, reading floor" n_many r_many
report "open/close x100000 over 4096 files, default policy (no decision remembered)" n_many v_many

n_exec=() v_exec=() f_exec=() r_exec=()
loop='i=0; while [ $i -lt 1000 ]; do /bin/true; i=$((i+1)); done'
for _ in $(seq $runs); do
  time_cmd n_exec sh -c "$loop"
  time_cmd f_exec "$floor" sh -c "$loop"
  time_cmd r_exec "$floor" --read sh -c "$loop"
  time_cmd v_exec "$vigil" run -o log_level=warning -- sh -c "$loop"
done
report "1000 x /bin/true, floor: a receiver that answers CONTINUE and does nothing else" n_exec f_exec
report "1000 x /bin/true, reading floor: the same, reading each path first" n_exec r_exec
report "1000 x /bin/true, default policy" n_exec v_exec

# Every exec seized and checked at its exec stop (a kill rule that never
# matches keeps exec verification on).
cat > "$build/kill-exec.yaml" <<'YAML'
- rule: Kill a program nobody runs
  desc: makes every exec reach vigil and be verified at its exec stop
  condition: evt.type in (execve, execveat) and proc.exepath = /nonexistent/miner
  output: "killed %proc.exepath"
  priority: CRITICAL
  action: kill
YAML
n_exec2=() k_exec=() z_exec=()
for _ in $(seq $runs); do
  time_cmd n_exec2 sh -c "$loop"
  time_cmd z_exec "$floor" --seize sh -c "$loop"
  time_cmd k_exec "$vigil" run -o log_level=warning -r "$build/kill-exec.yaml" -- sh -c "$loop"
done
report "1000 x /bin/true, seizing floor: seize at each exec, one stop, detach, nothing else" n_exec2 z_exec
report "1000 x /bin/true, an exec kill rule (each exec verified)" n_exec2 k_exec

# Compiling vigil itself: a copy of the sources in a temp dir, built from
# clean with make -j2 natively and under vigil run, alternating.
src=$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench-src.XXXXXX")
cp -r "$here/../Makefile" "$here/../include" "$here/../supervisor" "$here/../policies" "$src/"
mkdir -p "$src/b" && touch "$src/b/.deps"
build_vigil () { rm -rf "$src/b"/*.o "$src/vigil"; "$@" make -C "$src" -j2 BUILD=b vigil-bin; }
n_make=() f_make=() r_make=() v_make=()
for _ in $(seq $runs); do
  time_cmd n_make build_vigil
  time_cmd f_make build_vigil "$floor"
  time_cmd r_make build_vigil "$floor" --read
  time_cmd v_make build_vigil "$vigil" run -o log_level=warning --
done
rm -rf "$src"
report "make -j2 of vigil, floor" n_make f_make
report "make -j2 of vigil, reading floor" n_make r_make
report "make -j2 of vigil, default policy" n_make v_make

if [ -r "$upstream/falco_rules.yaml" ]; then
  "$vigil" run -o log_level=warning -r "$upstream/falco_rules.yaml" -r "$upstream/falco-incubating_rules.yaml" \
    -r "$upstream/falco-sandbox_rules.yaml" -- sleep 2 &
  vpid=$!
  sleep 1
  pss=$(awk '/^Pss:/ {print $2}' "/proc/$vpid/smaps_rollup" 2>/dev/null)
  priv=$(awk '/^Private_(Clean|Dirty):/ {s += $2} END {print s}' "/proc/$vpid/smaps_rollup" 2>/dev/null)
  wait "$vpid"
  echo
  echo "supervisor memory with the three upstream files loaded: Pss ${pss:-?} KiB, private ${priv:-?} KiB"
fi
