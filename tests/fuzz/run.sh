#!/usr/bin/env bash
# make fuzz: run every libFuzzer target for SECONDS each (not part of make
# check).  Corpora live in BUILD/fuzz/corpus-NAME, seeded from the tree.
set -u
build=${1:-build}
seconds=${2:-600}
top=$(cd "$(dirname "$0")/../.." && pwd)
status=0
for bin in "$build"/fuzz/fuzz_*; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin")
  corpus="$build/fuzz/corpus-$name"
  mkdir -p "$corpus"
  case "$name" in
    fuzz_rules)
      cp "$top"/policies/*.yaml "$top"/examples/*.yaml "$corpus"/ 2>/dev/null
      for f in "$top"/../shared/falco/*_rules.yaml; do [ -r "$f" ] && cp "$f" "$corpus"/; done ;;
    fuzz_cond)
      i=0
      for f in "$top"/../shared/falco/falco_rules.yaml "$top"/policies/default.yaml; do
        [ -r "$f" ] || continue
        grep -E '^\s+condition:' "$f" | sed 's/^\s*condition: *//' | while IFS= read -r c; do
          i=$((i + 1)); printf '%s' "$c" > "$corpus/seed-$(printf '%s' "$c" | md5sum | cut -c1-12)"
        done
      done ;;
  esac
  # The upstream files are ~100 KB seeds: cap inputs so mutation stays fast.
  extra=()
  [ "$name" = fuzz_rules ] && extra=(-max_len=16384)
  echo "== $name for ${seconds}s"
  log="$build/fuzz/$name.log"
  "$bin" "${extra[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/fuzz/" "$corpus" >"$log" 2>&1
  rc=$?
  grep -E '^(#[0-9]+\s+DONE|Done [0-9]+ runs|stat::)' "$log" | tail -n 12
  if [ $rc -ne 0 ]; then
    echo "FAIL $name: libFuzzer exited $rc (see $log)"
    status=1
  else
    echo "PASS $name"
  fi
done
exit $status
