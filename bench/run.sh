#!/usr/bin/env bash
# make bench: evaluation cost per event with the three upstream Falco rules
# files loaded, over the event mix in bench/events.jsonl.  Figures, not a test.
set -u
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
upstream="$here/../../shared/falco"
if [ ! -r "$upstream/falco_rules.yaml" ]; then
  echo "SKIP: upstream Falco rules not found"
  exit 0
fi
echo "== rule evaluation ($(uname -r), $(nproc) cores; one core used)"
"$build/bench_eval" "$here/events.jsonl" "$upstream/falco_rules.yaml" \
  "$upstream/falco-incubating_rules.yaml" "$upstream/falco-sandbox_rules.yaml"
"$here/run_live.sh" "$build"
