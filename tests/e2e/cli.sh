#!/bin/bash
# End-to-end tests of vigil's command line: help and usage errors,
# `validate` on good, bad and hostile rules files, `list`, and `replay` on
# hostile input.  Every check prints PASS or FAIL (or SKIP when it needs the
# upstream Falco rules at ../shared/falco); the exit status is 1 if any failed.
#
#   tests/e2e/cli.sh [VIGIL]      (VIGIL defaults to ./vigil)
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
vigil=${1:-$root/vigil}
case $vigil in
  /*) ;;
  *) vigil=$(pwd)/$vigil ;;
esac

export TZ=UTC
export LC_ALL=C
upstream=$root/../shared/falco
policy=$root/policies/default.yaml
T=$(mktemp -d "${TMPDIR:-/tmp}/vigil-e2e.XXXXXX")
trap 'rm -rf "$T"' EXIT

npass=0
nfail=0
nskip=0
pass () { echo "PASS $*"; npass=$((npass + 1)); }
fail () { echo "FAIL $*"; nfail=$((nfail + 1)); }
skip () { echo "SKIP: $*"; nskip=$((nskip + 1)); }

if [ ! -x "$vigil" ]; then
  fail "vigil binary not found at $vigil"
  exit 1
fi

# run CMD...: run in $T with a 20 s limit; sets $status, output in $T/out, $T/err.
status=0
run () {
  status=0
  (cd "$T" && timeout 20 "$@" > "$T/out" 2> "$T/err") || status=$?
}

show_output () {
  sed -n '1,15s/^/    out: /p' "$T/out"
  sed -n '1,15s/^/    err: /p' "$T/err"
}

# expect_status NAME WANT: check $status from the last run.
expect_status () {
  if [ "$status" = "$2" ]; then
    pass "$1"
  else
    fail "$1: exit status $status, expected $2"
    show_output
  fi
}

# no_crash NAME: the last run neither crashed (status >= 128) nor hung.
no_crash () {
  if [ "$status" = 124 ]; then
    fail "$1: did not finish within 20 s"
  elif [ "$status" -ge 128 ]; then
    fail "$1: killed by signal $((status - 128))"
    show_output
  else
    pass "$1 (exit $status)"
  fi
}

# has_line NAME FILE REGEX: FILE has a line matching the extended REGEX.
has_line () {
  if grep -Eq -- "$3" "$2"; then
    pass "$1"
  else
    fail "$1: no line matching /$3/"
    show_output
  fi
}

have_upstream () {
  [ -f "$upstream/falco_rules.yaml" ] && [ -f "$upstream/falco-incubating_rules.yaml" ] \
    && [ -f "$upstream/falco-sandbox_rules.yaml" ]
}

summary_re='^[0-9]+ rules loaded( \([0-9]+ disabled\))?, [0-9]+ skipped, [0-9]+ warnings$'

# ------------------------------------------------------------------ help, usage
test_help () {
  run "$vigil" --help
  expect_status "vigil --help exits 0" 0
  has_line "vigil --help names the commands" "$T/out" 'replay'
  run "$vigil" --version
  expect_status "vigil --version exits 0" 0
  has_line "vigil --version prints a version" "$T/out" '[0-9]+\.[0-9]+'
  local cmd
  for cmd in validate list replay; do
    run "$vigil" "$cmd" --help
    expect_status "vigil $cmd --help exits 0" 0
    if [ -s "$T/out" ]; then
      pass "vigil $cmd --help prints help"
    else
      fail "vigil $cmd --help prints nothing on stdout"
    fi
  done
}

test_usage_errors () {
  run "$vigil" frobnicate
  expect_status "unknown command exits 2" 2
  if [ -s "$T/err" ]; then pass "unknown command prints usage on stderr"; else fail "unknown command: empty stderr"; fi
  run "$vigil" --frobnicate
  expect_status "unknown global option exits 2" 2
  run "$vigil" replay --frobnicate events.jsonl
  expect_status "unknown replay option exits 2" 2
  if [ -s "$T/err" ]; then pass "unknown replay option prints usage on stderr"; else fail "unknown replay option: empty stderr"; fi
  run "$vigil" validate --frobnicate
  expect_status "unknown validate option exits 2" 2
  run "$vigil" list --frobnicate
  expect_status "unknown list option exits 2" 2
  run "$vigil" replay -r
  expect_status "option missing its argument exits 2" 2
}

# ------------------------------------------------------------------ validate: good files
test_validate_good () {
  run "$vigil" validate "$policy"
  expect_status "validate policies/default.yaml exits 0" 0
  has_line "validate prints the summary line" "$T/out" "$summary_re"
  run "$vigil" validate "$policy" "$root/examples/falco_rules.local.yaml"
  expect_status "validate default policy + examples/falco_rules.local.yaml exits 0" 0
  has_line "validate default + local: summary line" "$T/out" "$summary_re"

  if ! have_upstream; then
    skip "upstream Falco rules not found (validate upstream files)"
    return
  fi
  local f
  for f in falco_rules.yaml falco-incubating_rules.yaml falco-sandbox_rules.yaml; do
    run "$vigil" validate "$upstream/$f"
    expect_status "validate upstream $f alone exits 0" 0
    has_line "validate upstream $f: summary line" "$T/out" "$summary_re"
    if grep -q ': error: ' "$T/err"; then
      fail "validate upstream $f: error diagnostics on stderr"
      show_output
    else
      pass "validate upstream $f: no error diagnostics"
    fi
  done
  run "$vigil" validate "$upstream/falco_rules.yaml" "$upstream/falco-incubating_rules.yaml" \
    "$upstream/falco-sandbox_rules.yaml"
  expect_status "validate the three upstream files together exits 0" 0
  has_line "validate three upstream files: summary line" "$T/out" "$summary_re"
  run "$vigil" validate "$policy" "$upstream/falco_rules.yaml"
  expect_status "validate default policy then upstream stable rules exits 0" 0
}

# ------------------------------------------------------------------ validate: errors
# line_of FILE TEXT: number of the first line of FILE containing TEXT.
line_of () {
  grep -nF -- "$2" "$T/$1" | sed -n '1s/:.*//p'
}

# expect_diag NAME FILE LINE REGEX: stderr has "FILE:LINE:COL: error: ..." matching REGEX.
expect_diag () {
  local name=$1 file=$2 line=$3 re=$4
  if grep -E "^$file:$line:[0-9]+: error: " "$T/err" | grep -Eiq -- "$re"; then
    pass "$name"
  else
    fail "$name: no '$file:$line:COL: error:' line matching /$re/"
    show_output
  fi
}

write_bad_files () {
  # A YAML syntax error: an unterminated quoted scalar.
  cat > "$T/syntax.yaml" <<'EOF'
- rule: Broken quoting
  desc: the output string never ends
  condition: evt.type = execve
  output: "unterminated
  priority: INFO
EOF

  # Load-time errors, all in one file.
  cat > "$T/load.yaml" <<'EOF'
- rule: Fine
  desc: a correct rule
  condition: evt.type = execve and proc.name = bash
  output: shell (process=%proc.name)
  priority: INFO

- rulez: Unknown item kind
  desc: not a rule, macro, list or required_engine_version

- rule: No condition
  desc: every key but the condition
  output: nothing to evaluate
  priority: INFO

- list: never_defined_list
  items: [a, b]
  override:
    items: append

- macro: never_defined_macro
  condition: evt.num > 0
  override:
    condition: append

- rule: Never defined rule
  condition: and proc.name = sh
  override:
    condition: append
EOF

  # Compile-time errors, all in one file.
  cat > "$T/compile.yaml" <<'EOF'
- macro: cyc_a
  condition: evt.num = 1

- macro: cyc_b
  condition: cyc_a or evt.num = 2

# redefining cyc_a in terms of cyc_b closes a cycle
- macro: cyc_a
  condition: cyc_b or evt.num = 3

- rule: Cyclic macro
  desc: uses a macro that expands to itself
  condition: evt.type = execve and cyc_a
  output: cyclic
  priority: INFO

- rule: Undefined macro
  desc: names a macro nobody defined
  condition: evt.type = execve and no_such_macro
  output: undefined
  priority: INFO

- rule: Unknown field
  desc: misspelled field
  condition: evt.type = execve and proc.nme = bash
  output: unknown field
  priority: INFO

- rule: Bad operator
  desc: contains on a number
  condition: evt.type = execve and proc.tty contains 3
  output: bad operator
  priority: INFO

- rule: Bad regex
  desc: unbalanced parenthesis
  condition: evt.type = execve and proc.name regex '([a-z'
  output: bad regex
  priority: INFO

- rule: Deny on unsupported field
  desc: vigil cannot read evt.cpu, so it cannot enforce on it
  condition: evt.type = openat and evt.cpu = 1
  output: deny unsupported
  priority: CRITICAL
  action: deny

- rule: Deny without event type
  desc: vigil must know which system calls to stop
  condition: proc.name = nc
  output: deny anything
  priority: CRITICAL
  action: deny

- rule: Kill without event type
  desc: same for kill
  condition: proc.name = xmrig
  output: kill anything
  priority: CRITICAL
  action: kill
EOF
}

test_validate_errors () {
  write_bad_files

  run "$vigil" validate syntax.yaml
  expect_status "validate: YAML syntax error exits 1" 1
  has_line "validate: YAML syntax error reported as file:line:col" "$T/err" '^syntax\.yaml:[0-9]+:[0-9]+: error: '

  run "$vigil" validate load.yaml
  expect_status "validate: load errors exit 1" 1
  expect_diag "validate: unknown item" load.yaml "$(line_of load.yaml 'rulez:')" '.'
  expect_diag "validate: missing key (condition)" load.yaml "$(line_of load.yaml 'rule: No condition')" 'condition'
  expect_diag "validate: list override without previous definition" load.yaml \
    "$(line_of load.yaml 'list: never_defined_list')" 'never_defined_list|list'
  expect_diag "validate: macro override without previous definition" load.yaml \
    "$(line_of load.yaml 'macro: never_defined_macro')" 'never_defined_macro|macro'
  expect_diag "validate: rule override without previous definition" load.yaml \
    "$(line_of load.yaml 'rule: Never defined rule')" 'Never defined rule|rule'
  local n
  n=$(grep -Ec '^load\.yaml:[0-9]+:[0-9]+: error: ' "$T/err")
  if [ "$n" -ge 5 ]; then
    pass "validate: five load errors in one file give $n error lines"
  else
    fail "validate: five load errors in one file give $n error lines"
    show_output
  fi

  run "$vigil" validate compile.yaml
  expect_status "validate: compile errors exit 1" 1
  expect_diag "validate: undefined macro" compile.yaml "$(line_of compile.yaml 'no_such_macro')" 'no_such_macro'
  expect_diag "validate: unknown field" compile.yaml "$(line_of compile.yaml 'proc.nme')" 'proc\.nme'
  expect_diag "validate: operator not allowed on the field's type" compile.yaml \
    "$(line_of compile.yaml 'proc.tty contains')" 'contains|proc\.tty'
  expect_diag "validate: bad regex" compile.yaml "$(line_of compile.yaml "regex '([a-z'")" '.'
  expect_diag "validate: deny rule on an unsupported field" compile.yaml "$(line_of compile.yaml 'evt.cpu = 1')" 'evt\.cpu'
  expect_diag "validate: deny rule without evt.type" compile.yaml "$(line_of compile.yaml 'proc.name = nc')" 'evt\.type'
  expect_diag "validate: kill rule without evt.type" compile.yaml "$(line_of compile.yaml 'proc.name = xmrig')" 'evt\.type'
  if grep -E '^compile\.yaml:[0-9]+:[0-9]+: error: ' "$T/err" | grep -Eiq 'cycl|recurs|loop'; then
    pass "validate: cyclic macro"
  else
    fail "validate: cyclic macro: no error line saying cyclic/recursive/loop"
    show_output
  fi
  n=$(grep -Ec '^compile\.yaml:[0-9]+:[0-9]+: error: ' "$T/err")
  if [ "$n" -ge 8 ]; then
    pass "validate: eight compile errors in one file give $n error lines"
  else
    fail "validate: eight compile errors in one file give $n error lines"
    show_output
  fi

  # Several files in one run: each file's problems are reported.
  run "$vigil" validate syntax.yaml load.yaml
  expect_status "validate: two bad files exit 1" 1
  has_line "validate: two bad files: the first is reported" "$T/err" '^syntax\.yaml:[0-9]+:[0-9]+: error: '
  has_line "validate: two bad files: the second is reported" "$T/err" '^load\.yaml:[0-9]+:[0-9]+: error: '

  run "$vigil" validate no-such-file.yaml
  expect_status "validate: missing file exits 1" 1
  has_line "validate: missing file is named" "$T/err" 'no-such-file\.yaml'
}

# ------------------------------------------------------------------ hostile input
# bytes 0..255, repeated: a deterministic binary file
write_binary () {
  local i s=''
  for i in $(seq 0 255); do
    s="$s\\0$(printf '%03o' "$i")"
  done
  : > "$1"
  for i in $(seq 1 64); do
    printf '%b' "$s" >> "$1"
  done
}

test_hostile_rules () {
  write_binary "$T/binary.yaml"
  run "$vigil" validate binary.yaml
  no_crash "validate: binary bytes"

  local n
  for n in 1 57 600 3000 20000 40000; do
    head -c "$n" "$policy" > "$T/trunc.yaml"
    run "$vigil" validate trunc.yaml
    no_crash "validate: default policy truncated to $n bytes"
  done

  # a 10 MB condition: one flat chain of 500000 comparisons
  awk 'BEGIN {
    printf "- rule: Huge condition\n  desc: big\n  condition: evt.type = execve and (proc.name = p0"
    for (i = 1; i < 500000; i++) printf " or proc.name = p%d", i
    printf ")\n  output: huge\n  priority: INFO\n"
  }' > "$T/huge.yaml"
  run "$vigil" validate huge.yaml
  no_crash "validate: a $(( $(wc -c < "$T/huge.yaml") / 1048576 )) MB condition"

  # a 10 MB string
  awk 'BEGIN {
    printf "- rule: Huge string\n  desc: big\n  condition: evt.type = execve and proc.name = \""
    for (i = 0; i < 10485760 / 64; i++) printf "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    printf "\"\n  output: huge\n  priority: INFO\n"
  }' > "$T/hugestr.yaml"
  run "$vigil" validate hugestr.yaml
  no_crash "validate: a 10 MB quoted string"

  # 10000 nested parentheses
  awk 'BEGIN {
    printf "- rule: Deep\n  desc: deep\n  condition: "
    for (i = 0; i < 10000; i++) printf "("
    printf "evt.type = execve"
    for (i = 0; i < 10000; i++) printf ")"
    printf "\n  output: deep\n  priority: INFO\n"
  }' > "$T/deep.yaml"
  run "$vigil" validate deep.yaml
  no_crash "validate: 10000 nested parentheses"

  # 10000 nested nots, and a macro chain 10000 deep
  awk 'BEGIN {
    printf "- rule: Deep not\n  desc: deep\n  condition: evt.type = execve and "
    for (i = 0; i < 10000; i++) printf "not "
    printf "proc.name = x\n  output: deep\n  priority: INFO\n"
  }' > "$T/deepnot.yaml"
  run "$vigil" validate deepnot.yaml
  no_crash "validate: 10000 nested nots"
  awk 'BEGIN {
    printf "- macro: m0\n  condition: proc.name = x\n"
    for (i = 1; i < 10000; i++) printf "- macro: m%d\n  condition: m%d\n", i, i - 1
    printf "- rule: Deep macros\n  desc: deep\n  condition: evt.type = execve and m9999\n  output: deep\n  priority: INFO\n"
  }' > "$T/deepmacro.yaml"
  run "$vigil" validate deepmacro.yaml
  no_crash "validate: macros nested 10000 deep"

  # a list of a million items
  awk 'BEGIN {
    printf "- list: big_list\n  items: [i0"
    for (i = 1; i < 1000000; i++) printf ", i%d", i
    printf "]\n- rule: Big list\n  desc: big\n  condition: evt.type = execve and proc.name in (big_list)\n  output: big\n  priority: INFO\n"
  }' > "$T/biglist.yaml"
  run "$vigil" validate biglist.yaml
  no_crash "validate: a list of a million items"

  # deeply nested YAML
  awk 'BEGIN { for (i = 0; i < 100000; i++) printf "["; print "" }' > "$T/deepyaml.yaml"
  run "$vigil" validate deepyaml.yaml
  no_crash "validate: 100000 nested YAML sequences"

  # YAML aliases that expand exponentially (billion laughs)
  {
    echo '- list: l0'
    echo '  items: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'
    local i
    for i in $(seq 1 9); do
      printf -- '- list: l%d\n  items: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n' \
        "$i" "$i" $((i - 1)) $((i - 1)) $((i - 1)) $((i - 1)) $((i - 1)) $((i - 1)) $((i - 1)) $((i - 1)) \
        $((i - 1)) $((i - 1))
    done
  } > "$T/laughs.yaml"
  run "$vigil" validate laughs.yaml
  no_crash "validate: exponential YAML aliases"

  run "$vigil" validate /dev/null
  no_crash "validate: an empty file"
  run "$vigil" validate "$T"
  no_crash "validate: a directory"
}

test_hostile_events () {
  cat > "$T/shell.yaml" <<'EOF'
- rule: Shell
  desc: a shell started
  condition: evt.type = execve and proc.name = bash
  output: shell (process=%proc.name)
  priority: INFO
EOF
  write_binary "$T/binary.jsonl"
  run "$vigil" replay -r shell.yaml binary.jsonl
  no_crash "replay: binary bytes"

  awk 'BEGIN {
    printf "{\"evt.type\":\"execve\",\"proc.name\":\""
    for (i = 0; i < 10485760 / 64; i++) printf "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
    print "\"}"
  }' > "$T/longline.jsonl"
  run "$vigil" replay -r shell.yaml longline.jsonl
  no_crash "replay: a 10 MB event line"

  awk 'BEGIN {
    printf "{\"evt.type\":\"execve\",\"proc.name\":"
    for (i = 0; i < 100000; i++) printf "["
    for (i = 0; i < 100000; i++) printf "]"
    print "}"
  }' > "$T/deepjson.jsonl"
  run "$vigil" replay -r shell.yaml deepjson.jsonl
  no_crash "replay: 100000 nested JSON arrays"

  {
    echo '{"evt.type":"execve","proc.name":12,"proc.tty":"x","evt.time":-5}'
    echo '{"evt.type":"no_such_event","proc.name":"bash"}'
    echo '{"evt.type":"execve","proc.name":"bash","evt.time":99999999999999999999999}'
    echo '{"evt.type":null,"proc.name":"bash"}'
    echo '{"evt.type":"execve","proc.name":"ba\u0000sh"}'
    echo '{"evt.type":"execve","proc.name":{"nested":"object"}}'
    printf '{"evt.type":"execve","proc.name":"bash"}'
  } > "$T/odd.jsonl"
  run "$vigil" replay -r shell.yaml odd.jsonl
  no_crash "replay: odd values and types"

  printf '{"evt.type":"execve","proc.name":"bash","evt.time":1704067200000000000,"evt.hostname":"h"}\n' \
    > "$T/one.jsonl"
  run "$vigil" replay -r shell.yaml one.jsonl
  expect_status "replay: one event exits 0" 0
  has_line "replay: one event gives the alert line" "$T/out" '^00:00:00\.000000000: Informational shell \(process=bash\)$'
  status=0
  (cd "$T" && timeout 20 "$vigil" replay -r shell.yaml - < one.jsonl > "$T/out" 2> "$T/err") || status=$?
  expect_status "replay: events from stdin (-) exit 0" 0
  has_line "replay: events from stdin give the alert line" "$T/out" 'Informational shell \(process=bash\)'

  run "$vigil" replay -r no-such-rules.yaml one.jsonl
  expect_status "replay: missing rules file exits 1" 1
  run "$vigil" replay -r shell.yaml no-such-events.jsonl
  expect_status "replay: missing events file exits 1" 1
  run "$vigil" replay -r shell.yaml -c no-such-config.yaml one.jsonl
  expect_status "replay: missing config file exits 1" 1
  run "$vigil" replay -r shell.yaml -c binary.jsonl one.jsonl
  no_crash "replay: binary config file"
  run "$vigil" replay -r shell.yaml -o rule_matching=sometimes one.jsonl
  if [ "$status" = 1 ] || [ "$status" = 2 ]; then
    pass "replay: bad -o value is refused (exit $status)"
  else
    fail "replay: bad -o value: exit status $status, expected 1 or 2"
    show_output
  fi
}

# ------------------------------------------------------------------ list
test_list () {
  local r
  run "$vigil" list -r "$policy"
  expect_status "list -r default.yaml exits 0" 0
  for r in "Terminal shell in container" "Read sensitive file in container" \
    "Package management process launched in container" "Write below etc" \
    "Read Kubernetes config in container"; do
    has_line "list shows '$r'" "$T/out" "$r"
  done
  has_line "list shows priorities" "$T/out" '(NOTICE|Notice|notice)'
  has_line "list shows actions" "$T/out" '\blog\b'

  run "$vigil" list
  expect_status "list with the built-in policy exits 0" 0
  has_line "list with the built-in policy shows its rules" "$T/out" 'Terminal shell in container'

  run "$vigil" list -r "$policy" -r "$root/examples/falco_rules.local.yaml"
  expect_status "list default + local exits 0" 0
  has_line "list shows the local deny rule" "$T/out" 'Read application secret.*deny|deny.*Read application secret'
  has_line "list shows the local kill rule" "$T/out" 'Crypto miner launched in container.*kill|kill.*Crypto miner launched in container'

  run "$vigil" list -r "$policy" -o json_output=true
  expect_status "list -o json_output=true exits 0" 0
  if command -v python3 > /dev/null 2>&1; then
    if python3 -c '
import json, sys
text = open(sys.argv[1]).read()
try:
    doc = json.loads(text)
except ValueError:  # one JSON document per line is fine too
    doc = [json.loads(line) for line in text.splitlines() if line.strip()]
names = set()
def walk(x):
    if isinstance(x, dict):
        for v in x.values(): walk(v)
    elif isinstance(x, list):
        for v in x: walk(v)
    elif isinstance(x, str):
        names.add(x)
walk(doc)
want = {"Terminal shell in container", "Read sensitive file in container",
        "Package management process launched in container", "Write below etc",
        "Read Kubernetes config in container"}
sys.exit(0 if want <= names else 1)
' "$T/out" 2> /dev/null; then
      pass "list -o json_output=true is JSON naming every rule"
    else
      fail "list -o json_output=true: not JSON, or a rule is missing"
      show_output
    fi
  elif command -v jq > /dev/null 2>&1; then
    if jq -e . "$T/out" > /dev/null 2>&1; then pass "list -o json_output=true is JSON"; else fail "list -o json_output=true is not JSON"; fi
  else
    skip "neither python3 nor jq to parse list's JSON"
  fi

  run "$vigil" list --fields
  expect_status "list --fields exits 0" 0
  has_line "list --fields shows proc.name" "$T/out" '\bproc\.name\b'
  has_line "list --fields shows fd.name" "$T/out" '\bfd\.name\b'
  has_line "list --fields shows field types" "$T/out" 'CHARBUF'
  has_line "list --fields shows numeric types" "$T/out" 'INT64|UINT64'
  if grep -E '\bevt\.cpu\b' "$T/out" | grep -Eiq 'unsupported'; then
    pass "list --fields marks evt.cpu unsupported"
  else
    fail "list --fields does not mark evt.cpu unsupported"
    grep -E '\bevt\.cpu\b' "$T/out" | sed 's/^/    out: /'
  fi
}

# A deny/kill rule holds on every syscall that does what the one it names
# does: validate warns about the widening, list shows it.
test_syscall_classes () {
  cat > "$T/classes.yaml" <<'YAML'
- rule: Deny secret opens
  desc: d
  condition: evt.type = openat and fd.name startswith /secret/
  output: "o %fd.name"
  priority: WARNING
  action: deny
- rule: Log secret opens
  desc: d
  condition: evt.type = openat and fd.name startswith /secret/
  output: "o %fd.name"
  priority: WARNING
- rule: Kill namespaces
  desc: d
  condition: evt.type = unshare
  output: "o %evt.type"
  priority: WARNING
  action: kill
- rule: Deny poking
  desc: d
  condition: evt.type = ptrace and evt.arg.request = PTRACE_POKEDATA
  output: "o %evt.type"
  priority: WARNING
  action: deny
YAML
  run "$vigil" validate "$T/classes.yaml"
  expect_status "validate: a widened deny rule only warns" 0
  if [ "$(cat "$T/err")" = "$T/classes.yaml:1:3: warning: rule 'Deny secret opens' is also enforced on creat, open, open_by_handle_at, openat2, which do what the syscalls it names do
$T/classes.yaml:12:3: warning: rule 'Kill namespaces' is also enforced on clone, clone3, setns, which do what the syscalls it names do
$T/classes.yaml:18:3: warning: rule 'Deny poking' is also enforced on pidfd_getfd, process_vm_readv, process_vm_writev and opens of /proc/<pid>/mem, which do what the syscalls it names do" ]; then
    pass "validate: warns once per deny/kill rule, naming the syscalls added, not for the log rule"
  else
    fail "validate: widening warnings"
    show_output
  fi
  run "$vigil" list -r "$T/classes.yaml"
  if grep -q '^Deny secret opens .*openat .*\[also enforced on: creat,open,open_by_handle_at,openat2\]$' "$T/out" \
     && grep -q '^Kill namespaces .*unshare .*\[also enforced on: clone,clone3,setns\]$' "$T/out" \
     && grep -q '^Deny poking .*ptrace .*\[also enforced on: pidfd_getfd,process_vm_readv,process_vm_writev,opens of /proc/<pid>/mem\]$' "$T/out" \
     && ! grep '^Log secret opens' "$T/out" | grep -q 'also enforced'; then
    pass "list: shows the syscalls each deny/kill rule is also enforced on"
  else
    fail "list: enforced set"
    show_output
  fi
  # A rule on ptrace alone brings every open to vigil (any may reach
  # /proc/<pid>/mem), and execs are watched for the process table.
  sed -n '/^- rule: Deny poking/,$p' "$T/classes.yaml" > "$T/poke.yaml"
  run "$vigil" run --explain -r "$T/poke.yaml"
  if grep -q '^  openat  .*emulated' "$T/out" && grep -q "'Deny poking' (deny, when it opens /proc/<pid>/mem: any open may reach it)" "$T/out" \
     && grep -q "^  execve, execveat   watched" "$T/out" && ! grep -q '^  open_by_handle_at' "$T/out"; then
    pass "run --explain: a ptrace rule emulates opens, says why, execs watched"
  else
    fail "run --explain: ptrace class"
    show_output
  fi
  # Log-only opens may be answered from memory; opens a deny rule covers
  # never are.
  run "$vigil" run --explain
  if grep -q '^  open, openat, creat log-only: a call that matched nothing is answered from memory' "$T/out"; then
    pass "run --explain: the default policy's opens may be answered from memory"
  else
    fail "run --explain: decision cache"
    show_output
  fi
  run "$vigil" run --explain -r "$T/classes.yaml"
  if ! grep -q 'answered from memory' "$T/out"; then
    pass "run --explain: no opens answered from memory where a deny rule covers them"
  else
    fail "run --explain: decision cache under a deny rule"
    show_output
  fi
  run "$vigil" list -o json_output=true -r "$T/classes.yaml"
  if grep -q '"event_types":\["openat"\],"enforced_types":\["creat","open","open_by_handle_at","openat","openat2"\]' "$T/out"; then
    pass "list: JSON has enforced_types for a deny rule"
  else
    fail "list: JSON enforced_types"
    show_output
  fi
}

# A parameter no event the rule can match has (unlink's is path, not
# name): the comparison is never true.  An error for deny/kill rules, each
# reported at its field; a warning for log rules.
test_never_true () {
  cat > "$T/params.yaml" <<'YAML'
- macro: named
  condition: evt.arg.name startswith /etc
- rule: Keep etc
  desc: d
  condition: evt.type = unlink and named
  output: "o %evt.type"
  priority: WARNING
  action: deny
- rule: No fd
  desc: d
  condition: evt.type in (open, openat) and evt.arg.filename = /x
  output: "o %evt.type"
  priority: WARNING
  action: kill
- rule: Log it
  desc: d
  condition: evt.type = rename and evt.arg.path = /x
  output: "o %evt.type"
  priority: WARNING
YAML
  run "$vigil" validate "$T/params.yaml"
  expect_status "validate: a deny/kill rule reading a parameter its events lack exits 1" 1
  if grep -qx "$T/params.yaml:2:14: error: rule 'Keep etc': evt.arg.name is never true: no event of type unlink has a parameter named name" "$T/err" \
     && grep -qx "$T/params.yaml:11:45: error: rule 'No fd': evt.arg.filename is never true: no event of type open, openat has a parameter named filename" "$T/err" \
     && grep -qx "$T/params.yaml:17:36: warning: rule 'Log it': evt.arg.path is never true: no event of type rename has a parameter named path" "$T/err"; then
    pass "validate: parameters no event has: errors for deny/kill at the field (in the macro), a warning for log"
  else
    fail "validate: never-true parameters"
    show_output
  fi
  sed -i 's/evt.arg.name startswith/evt.arg.path startswith/; s/evt.arg.filename = /evt.arg.name = /; s/evt.arg.path = \/x/evt.arg.newpath = \/x/' "$T/params.yaml"
  run "$vigil" validate "$T/params.yaml"
  expect_status "validate: the same rules with the right parameters pass" 0

  # Parameters Falco has but vigil's live source does not read (openat's
  # fd is a result; execve's are not read): under vigil run the rules
  # would silently never apply.
  cat > "$T/live.yaml" <<'YAML'
- rule: No fd three
  desc: d
  condition: evt.type in (open, openat) and evt.arg.fd = 3
  output: "o %evt.type"
  priority: WARNING
  action: deny
- rule: No exec
  desc: d
  condition: evt.type = execve and evt.arg.filename = /bin/true
  output: "o %evt.type"
  priority: WARNING
  action: kill
YAML
  rm -f "$T/started"
  run "$vigil" run -r "$T/live.yaml" -- touch "$T/started"
  if [ "$status" = 1 ] && [ ! -e "$T/started" ] \
     && grep -qx "$T/live.yaml:3:45: error: rule 'No fd three': evt.arg.fd is never true under vigil run: vigil cannot read parameter fd of open, openat live" "$T/err" \
     && grep -qx "$T/live.yaml:9:36: error: rule 'No exec': evt.arg.filename is never true under vigil run: vigil cannot read parameter filename of execve live" "$T/err"; then
    pass "run: deny/kill rules on parameters vigil cannot read live are errors at the field, before the workload starts"
  else
    fail "run: parameters vigil cannot read live (status $status)"
    show_output
  fi
  run "$vigil" validate "$T/live.yaml"
  if [ "$status" = 0 ] \
     && grep -qx "$T/live.yaml:3:45: warning: rule 'No fd three': evt.arg.fd is not available to vigil run (it cannot read parameter fd of open, openat live): vigil run refuses this deny/kill rule" "$T/err"; then
    pass "validate: a parameter vigil cannot read live is a warning (replay may use the rules)"
  else
    fail "validate: parameters vigil cannot read live (status $status)"
    show_output
  fi
}

test_help
test_never_true
test_syscall_classes
test_usage_errors
test_validate_good
test_validate_errors
test_hostile_rules
test_hostile_events
test_list

echo "cli: $npass passed, $nfail failed, $nskip skipped"
[ "$nfail" = 0 ]
