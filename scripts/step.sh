#!/usr/bin/env bash
# step.sh NAME COMMAND...: runs one test suite with its output in
# test-output/logs/NAME.log; prints one line, plus the log's end on failure,
# and then notes NAME in test-output/failed.
# step.sh --verdict: fails (after listing them) when a suite failed.
set -uo pipefail
if [ "$1" = --verdict ]; then
  [ -s test-output/failed ] || exit 0
  echo "failed suites: $(tr '\n' ' ' < test-output/failed)"
  exit 1
fi
name=$1; shift
mkdir -p test-output/logs
log="test-output/logs/$name.log"
start=$SECONDS
"$@" >"$log" 2>&1
rc=$?
if [ $rc -eq 0 ]; then
  # cargo's "test result: ok. N passed" and node --test's "# pass N"
  n=$(grep -oE '^(test result: ok\. |# pass )[0-9]+' "$log" | grep -oE '[0-9]+$' | awk '{ s += $1 } END { print s + 0 }')
  printf 'ok   %-14s %3ss%s\n' "$name" $((SECONDS - start)) "$([ "$n" -gt 0 ] && echo "  $n tests")"
else
  tail -n 40 "$log"
  printf 'FAIL %-14s %3ss (exit %s; full log: %s)\n' "$name" $((SECONDS - start)) "$rc" "$log"
  echo "$name" >> test-output/failed
fi
exit $rc
