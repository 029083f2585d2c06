#!/bin/bash
# Golden tests of `vigil replay`: every directory here is one case.
#
#   tests/golden/run.sh [VIGIL]        run every case (VIGIL defaults to ./vigil)
#   tests/golden/run.sh VIGIL NAME...  run only the named cases
#   UPDATE=1 tests/golden/run.sh       rewrite the expected files from vigil's
#                                      output (check them by eye before committing)
#
# A case directory holds:
#   rules.yaml       the rules, or
#   rules            rule files to load, one per line, relative to the repo root
#                    (policies/default.yaml, ../shared/falco/falco_rules.yaml);
#                    with neither, vigil uses its built-in default policy
#   config.yaml      optional, passed as -c
#   args             optional extra options, split on white space
#                    (-o json_output=true -o rule_matching=all)
#   events.jsonl     the recorded events, or
#   events           a file naming them, relative to the repo root
#                    (examples/events.jsonl)
#   expected         vigil's exact stdout
#   expected.stderr  optional: vigil's exact stderr (otherwise stderr is not compared)
#   expected.status  optional: the exit status (default 0)
#
# Each case runs in its own directory with TZ=UTC as
#   vigil replay -r RULES... [-c config.yaml] ARGS... events.jsonl
# and prints PASS NAME, FAIL NAME (with a diff), or a SKIP line when a case
# needs ../shared/falco and it is missing.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

vigil=${1:-$root/vigil}
[ $# -gt 0 ] && shift
case $vigil in
  /*) ;;
  *) vigil=$(pwd)/$vigil ;;
esac
if [ ! -x "$vigil" ]; then
  echo "FAIL golden: vigil binary not found at $vigil"
  exit 1
fi

export TZ=UTC
export LC_ALL=C
update=${UPDATE:-0}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigil-golden.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

npass=0
nfail=0
nskip=0

# Compare file $2 (what vigil did) against expected file $1; print a diff.
same_or_diff () {
  local want=$1 got=$2 label=$3
  if [ -f "$want" ] && cmp -s "$want" "$got"; then
    return 0
  fi
  echo "--- $label: expected vs actual"
  if [ -f "$want" ]; then
    diff -u "$want" "$got" | sed -n '3,80p'
  else
    echo "(no $want)"
    sed -n '1,40p' "$got"
  fi
  return 1
}

run_case () {
  local dir=$1 name
  name=$(basename "$dir")
  local -a cmd=("$vigil" replay)

  if [ -f "$dir/rules.yaml" ]; then
    cmd+=(-r rules.yaml)
  elif [ -f "$dir/rules" ]; then
    local line
    while IFS= read -r line || [ -n "$line" ]; do
      case $line in ''|'#'*) continue ;; esac
      case $line in
        ../shared/*)
          if [ ! -f "$root/$line" ]; then
            echo "SKIP: upstream Falco rules not found ($name)"
            nskip=$((nskip + 1))
            return 0
          fi ;;
      esac
      # relative to the case directory, so messages do not name the checkout
      cmd+=(-r "../../../$line")
    done < "$dir/rules"
  fi
  [ -f "$dir/config.yaml" ] && cmd+=(-c config.yaml)
  if [ -f "$dir/args" ]; then
    local -a extra
    read -r -a extra < "$dir/args"
    cmd+=("${extra[@]}")
  fi
  if [ -f "$dir/events.jsonl" ]; then
    cmd+=(events.jsonl)
  else
    local events
    events=$(sed -n '1p' "$dir/events")
    cmd+=("../../../$events")
  fi

  local status=0
  (cd "$dir" && timeout 60 "${cmd[@]}" > "$tmp/out" 2> "$tmp/err") || status=$?
  local want_status=0
  [ -f "$dir/expected.status" ] && want_status=$(tr -d ' \n' < "$dir/expected.status")

  if [ "$update" = 1 ]; then
    cp "$tmp/out" "$dir/expected"
    if [ -f "$dir/expected.stderr" ] || { [ -s "$tmp/err" ] && [ "$status" != 0 ]; }; then
      cp "$tmp/err" "$dir/expected.stderr"
    fi
    if [ "$status" != 0 ] || [ -f "$dir/expected.status" ]; then
      echo "$status" > "$dir/expected.status"
    fi
    echo "PASS $name (updated)"
    npass=$((npass + 1))
    return 0
  fi

  local ok=1
  same_or_diff "$dir/expected" "$tmp/out" stdout || ok=0
  if [ -f "$dir/expected.stderr" ]; then
    same_or_diff "$dir/expected.stderr" "$tmp/err" stderr || ok=0
  fi
  if [ "$status" != "$want_status" ]; then
    echo "--- exit status $status, expected $want_status"
    if [ -s "$tmp/err" ]; then
      sed -n '1,20p' "$tmp/err"
    fi
    ok=0
  fi
  if [ $ok = 1 ]; then
    echo "PASS $name"
    npass=$((npass + 1))
  else
    echo "FAIL $name: ${cmd[*]}"
    nfail=$((nfail + 1))
  fi
}

if [ $# -gt 0 ]; then
  for name in "$@"; do
    run_case "$here/$name"
  done
else
  for dir in "$here"/*/; do
    [ -f "$dir/events.jsonl" ] || [ -f "$dir/events" ] || continue
    run_case "${dir%/}"
  done
fi

echo "golden: $npass passed, $nfail failed, $nskip skipped"
[ "$nfail" = 0 ]
