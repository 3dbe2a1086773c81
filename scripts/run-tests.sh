#!/usr/bin/env bash
# The whole suite: every test file on SQLite, then again on a PostgreSQL this script starts.
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t files < <(find dist/src dist/test -name '*.test.js' 2>/dev/null | sort)
if ((${#files[@]} == 0)); then echo "no test files found under dist/" >&2; exit 1; fi

echo "== tests on SQLite =="
node --test --test-concurrency=2 "${files[@]}"

echo "== tests on PostgreSQL =="
pgdir=$(mktemp -d /tmp/nbpg.XXXXXX)
trap 'scripts/test-postgres.sh stop "$pgdir"; rm -rf "$pgdir"' EXIT
NUBIS_TEST_DATABASE=$(scripts/test-postgres.sh start "$pgdir")
export NUBIS_TEST_DATABASE
node --test --test-concurrency=2 "${files[@]}"
