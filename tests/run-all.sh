#!/bin/bash
# Run every test: the unit test binaries BUILD_DIR/tests/test_* (Check
# runners), the golden tests and every executable tests/e2e/*.sh, against
# ./vigil.  Ends with the line "N passed, N failed, N skipped" and exits 1 if
# anything failed.
#
#   tests/run-all.sh BUILD_DIR         (make check runs it)
#   VERBOSE=1 tests/run-all.sh build   also show the PASS lines
#   VIGIL=/path/to/vigil tests/run-all.sh build   test another binary
#
# A unit binary counts as one suite run, passed or failed; for the scripts,
# their PASS, FAIL and SKIP lines are counted, and a script that exits
# non-zero without printing a FAIL line counts as one failure.
set -u

if [ $# -ne 1 ]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
build=$1
root=$(cd "$(dirname "$0")/.." && pwd)
vigil=${VIGIL:-$root/vigil}
verbose=${VERBOSE:-0}

npass=0
nfail=0
nskip=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigil-tests.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

run_unit () {
  local bin=$1 name status=0
  name=$(basename "$bin")
  timeout 600 "$bin" > "$tmp/unit.out" 2>&1 || status=$?
  if [ "$status" = 0 ]; then
    npass=$((npass + 1))
    # Check's summary: "100%: Checks: 12, Failures: 0, Errors: 0"
    echo "PASS unit $name: $(grep -E '^[0-9]+%: Checks:' "$tmp/unit.out" | tail -n 1)"
    # What a suite could not run, it says: shown and counted, never silent.
    grep '^SKIP' "$tmp/unit.out" | sed "s/^SKIP:/SKIP: unit $name:/"
    nskip=$((nskip + $(grep -c '^SKIP' "$tmp/unit.out")))
  else
    nfail=$((nfail + 1))
    if [ "$status" = 124 ]; then
      echo "FAIL unit $name: timed out"
    else
      echo "FAIL unit $name: exit status $status"
    fi
    grep -vE ':P:|^Running suite' "$tmp/unit.out" | tail -n 40 | sed 's/^/    /'
  fi
}

# run_script SCRIPT: run it against vigil, echo its non-PASS lines, count.
run_script () {
  local script=$1 label status=0 p f s
  label=${script#"$root"/}
  echo "== $label"
  "$script" "$vigil" > "$tmp/script.out" 2>&1 || status=$?
  p=$(grep -c '^PASS' "$tmp/script.out")
  f=$(grep -c '^FAIL' "$tmp/script.out")
  s=$(grep -c '^SKIP' "$tmp/script.out")
  if [ "$verbose" = 1 ]; then
    cat "$tmp/script.out"
  else
    grep -v '^PASS' "$tmp/script.out"
  fi
  if [ "$status" != 0 ] && [ "$f" = 0 ]; then
    echo "FAIL $label: exit status $status without a FAIL line"
    f=1
  fi
  npass=$((npass + p))
  nfail=$((nfail + f))
  nskip=$((nskip + s))
}

echo "== unit tests ($build/tests)"
found=0
for bin in "$build"/tests/test_*; do
  if [ ! -f "$bin" ] || [ ! -x "$bin" ]; then
    continue
  fi
  found=1
  run_unit "$bin"
done
if [ $found = 0 ]; then
  echo "SKIP: no unit test binaries in $build/tests"
  nskip=$((nskip + 1))
fi

if [ ! -x "$vigil" ]; then
  echo "FAIL: $vigil was not built; golden and e2e tests not run"
  nfail=$((nfail + 1))
else
  run_script "$root/tests/golden/run.sh"
  for script in "$root"/tests/e2e/*.sh; do
    if [ ! -f "$script" ] || [ ! -x "$script" ]; then
      continue
    fi
    run_script "$script"
  done
fi

echo "$npass passed, $nfail failed, $nskip skipped"
[ "$nfail" = 0 ]
