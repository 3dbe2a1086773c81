#!/usr/bin/env bash
# The whole suite: every test file on SQLite, then the database-facing ones again on a PostgreSQL
# this script starts.
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t files < <(find dist/src dist/test -name '*.test.js' 2>/dev/null | sort)
if ((${#files[@]} == 0)); then echo "no test files found under dist/" >&2; exit 1; fi
pick() { printf '%s\n' "${files[@]}" | grep -E "$1" || true; }
skip() { printf '%s\n' "${files[@]}" | grep -vE "$1" || true; }

# Longest first (guests booting end to end, then the CLI and the browser against nubis up), so both test slots stay
# busy until the end instead of one long file running alone at the tail.
mapfile -t ordered < <(pick '/test/e2e/'; pick '/test/(compat|dashboard)/'; skip '/test/(e2e|compat|dashboard)/')
# The test guest image (Debian kernel + busybox initramfs) is built once here: the end-to-end files
# start first and together, and would otherwise build it side by side.
bin/nubis dev build-test-image --out "${TMPDIR:-/tmp}/nubis-test-image-cache" >/dev/null
echo "== tests on SQLite =="
node --test --test-concurrency=2 "${ordered[@]}"

# On PostgreSQL: the unit and API tests of the control plane (every route, each file assembling the
# whole app in-process on its own fresh database). The host agents, the end-to-end tests with real
# guests, the dashboard in the browser and the CLI suites run once, above: they see the database only
# through those same routes. Four at a time: much of each file's time is PostgreSQL creating and
# copying its database, not CPU (keeps `make test` under 30 minutes).
mapfile -t pgfiles < <(skip '/test/(e2e|compat|dashboard)/|/src/(agent|dev)/')
echo "== tests on PostgreSQL =="
pgdir=$(mktemp -d /tmp/nbpg.XXXXXX)
trap 'scripts/test-postgres.sh stop "$pgdir"; rm -rf "$pgdir"' EXIT
NUBIS_TEST_DATABASE=$(scripts/test-postgres.sh start "$pgdir")
# Every test database is a copy of one migrated here (the migrations run once, not per test cloud).
NUBIS_TEST_DATABASE_TEMPLATE=$(node dist/test/harness/postgres-template.js "$NUBIS_TEST_DATABASE")
export NUBIS_TEST_DATABASE NUBIS_TEST_DATABASE_TEMPLATE
node --test --test-concurrency=4 "${pgfiles[@]}"
