# Two commands on a fresh Debian 12 machine (as root): `make up` and `make test`.
SHELL := /bin/bash
STATE_DIR ?= /var/lib/nubis
LISTEN ?= 127.0.0.1:8080

.PHONY: up build deps test test-unit test-postgres test-compat bench bench-identity bench-image bench-network bench-volume bench-dashboard clean

deps:
	@scripts/install-deps.sh

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@# better-sqlite3 is built from source by its install script; make sure it really was.
	@node -e "require('better-sqlite3')" 2>/dev/null || npm rebuild better-sqlite3
	@touch $@

build: node_modules/.installed
	@rm -rf dist  # no compiled leftovers of deleted sources
	npx tsc -p tsconfig.json
	@# The dashboard: type-checked, then bundled by Vite into dist/dashboard-web (served at /).
	npx tsc -p src/dashboard/web/tsconfig.json
	npx vite build --config src/dashboard/web/vite.config.ts

up: deps build
	bin/nubis up --state-dir $(STATE_DIR) --listen $(LISTEN)

# Unit and API tests on SQLite, then API tests on PostgreSQL, then the real openstack CLI on both.
test: deps build
	scripts/run-tests.sh

# Every benchmark, one after the other (each records its own section of docs/BENCHMARKS.md).
bench: deps build
	node dist/bench/identity/identity-bench.js
	node dist/bench/image/image-bench.js
	node dist/bench/scheduler/scheduler-bench.js
	node dist/bench/compute/servers-bench.js
	node dist/bench/compute/qemu-boot-bench.js
	node dist/bench/network/tenant-throughput-bench.js
	node dist/bench/network/port-programming-bench.js
	node dist/bench/volume/attach-bench.js
	node dist/bench/volume/qemu-img-bench.js
	node dist/bench/network/ports-api-bench.js
	node dist/bench/dashboard/dashboard-bench.js

bench-identity: deps build
	node dist/bench/identity/identity-bench.js

bench-volume: deps build
	node dist/bench/volume/attach-bench.js
	node dist/bench/volume/qemu-img-bench.js

bench-dashboard: deps build
	node dist/bench/dashboard/dashboard-bench.js

bench-image: deps build
	node dist/bench/image/image-bench.js

# The network figures (issue 5): the dataplane's (root: it makes namespaces), then the API's.
bench-network: deps build
	node dist/bench/network/tenant-throughput-bench.js
	node dist/bench/network/port-programming-bench.js
	node dist/bench/network/ports-api-bench.js

clean:
	rm -rf dist node_modules/.installed
