#!/usr/bin/env bash
# Passes `go test -v` output through and ends with a summary of what passed,
# failed and was skipped, so a CI log shows the result at its end.
# Exits non-zero if any test or package failed.
set -o pipefail
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
tee "$tmp"
pass=$(grep -c -- '--- PASS' "$tmp")
fail=$(grep -c -- '--- FAIL' "$tmp")
skip=$(grep -c -- '--- SKIP' "$tmp")
pkgfail=$(grep -c '^FAIL' "$tmp")
echo
echo "== tests: $pass passed, $fail failed, $skip skipped"
if [ "$skip" -gt 0 ]; then grep -- '--- SKIP' "$tmp" | sed 's/^/   /'; fi
if [ "$fail" -gt 0 ] || [ "$pkgfail" -gt 0 ]; then
  grep -- '--- FAIL\|^FAIL' "$tmp" | sed 's/^/   /'
  exit 1
fi
