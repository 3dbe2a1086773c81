#!/usr/bin/env bash
# The whole suite: every test file on SQLite and, beside it, the database-facing ones again on a
# PostgreSQL this script starts.
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t files < <(find dist/src dist/test -name '*.test.js' 2>/dev/null | sort)
if ((${#files[@]} == 0)); then echo "no test files found under dist/" >&2; exit 1; fi
skip() { printf '%s\n' "${files[@]}" | grep -vE "$1" || true; }

# The test guest image (Debian kernel + busybox initramfs) is built once here: the end-to-end files
# and the QEMU driver tests would otherwise build it side by side.
bin/nubis dev build-test-image --out "${TMPDIR:-/tmp}/nubis-test-image-cache" >/dev/null
# On PostgreSQL: the unit and API tests of the control plane (every route, each file assembling the
# whole app in-process on its own fresh database, a copy of one migrated template). The host agents,
# the end-to-end tests with real guests, the dashboard in the browser and the CLI suites run once, on
# SQLite: they see the database only through those same routes.
mapfile -t pgfiles < <(skip '/test/(e2e|compat|dashboard)/|/src/(agent|dev)/')
pgdir=$(mktemp -d /tmp/nbpg.XXXXXX)
pglog=$(mktemp /tmp/nbpg-tap.XXXXXX)
trap 'kill "${pgpid:-0}" 2>/dev/null || true; scripts/test-postgres.sh stop "$pgdir"; rm -rf "$pgdir" "$pglog"' EXIT
pgurl=$(scripts/test-postgres.sh start "$pgdir")
pgtemplate=$(node dist/test/harness/postgres-template.js "$pgurl")

# The PostgreSQL pass runs one file at a time beside the SQLite pass, its report kept until the end:
# the SQLite pass leaves a tenth of the two CPUs idle (guests booting, PostgreSQL waiting), and
# the two passes one after the other took over 28 minutes.
NUBIS_TEST_DATABASE=$pgurl NUBIS_TEST_DATABASE_TEMPLATE=$pgtemplate \
  node --test --test-concurrency=1 "${pgfiles[@]}" >"$pglog" 2>&1 &
pgpid=$!

echo "== tests on SQLite =="
sqlite=0
# node --test runs its files in sorted order whatever order they are given in.
node --test --test-concurrency=2 "${files[@]}" || sqlite=$?
postgres=0
wait "$pgpid" || postgres=$?
echo "== tests on PostgreSQL (run beside the SQLite pass) =="
cat "$pglog"
echo "== SQLite pass exit $sqlite, PostgreSQL pass exit $postgres =="
((sqlite == 0 && postgres == 0))
