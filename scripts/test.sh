#!/usr/bin/env bash
# Runs every test: unit tests, integration tests on SQLite and (when TEST_DATABASE_URL or
# DATABASE_URL is a postgres:// URL) on PostgreSQL, and the end-to-end tests in headless
# Chromium. Installs whatever is missing first.
#
# Checks on the unit and integration tests: the "N passed" of all `test result:` lines must
# add up to at least the number in .ci/min-tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/setup.sh

if ! command -v chromium >/dev/null; then
  echo "==> installing Debian's chromium for the end-to-end tests"
  SUDO=$([ "$(id -u)" -eq 0 ] || echo sudo)
  $SUDO apt-get update
  $SUDO apt-get install -y chromium
fi

echo "==> unit and integration tests"
if [ -z "${TEST_DATABASE_URL:-}" ] && [[ "${DATABASE_URL:-}" != postgres* ]]; then
  echo "    (no TEST_DATABASE_URL: the PostgreSQL variants will be skipped)"
fi
TEST_LOG=$(mktemp)
trap 'rm -f "$TEST_LOG"' EXIT
# With CI set, a PostgreSQL variant without a server fails (tests/api/support.rs) instead of
# skipping, so a missing database cannot pass quietly.
cargo test --features ssr 2>&1 | tee "$TEST_LOG"

PASSED=$(awk '/^test result:/ { for (i = 1; i < NF; i++) if ($(i + 1) ~ /^passed/) n += $i } END { print n + 0 }' "$TEST_LOG")
MIN_TESTS=$(tr -d '[:space:]' <.ci/min-tests 2>/dev/null || true)
MIN_TESTS=${MIN_TESTS:-0}
if ! [[ "$MIN_TESTS" =~ ^[0-9]+$ ]]; then
  echo "error: .ci/min-tests must hold a single whole number, not '$MIN_TESTS'" >&2
  exit 1
fi
echo "==> $PASSED tests passed (at least $MIN_TESTS expected, from .ci/min-tests)"
if [ "$PASSED" -lt "$MIN_TESTS" ]; then
  echo "error: only $PASSED tests passed, fewer than the $MIN_TESTS in .ci/min-tests" >&2
  exit 1
fi

# `cargo leptos end-to-end` builds the app (debug), starts it the way `cargo leptos serve`
# does, runs end2end-cmd (Cargo.toml) in end2end/ and stops the app again. The tests do not
# use that server: Playwright starts its own on 127.0.0.1:3107 with a fresh database and the
# demo data (end2end/server.ts). So that cargo-leptos's idle copy takes no port that may be in
# use and touches no database of yours, it gets any free port and a throwaway SQLite file.
echo "==> building the app and running the end-to-end tests (Playwright + Chromium)"
LISTEN_ADDR=127.0.0.1:0 DATABASE_URL=sqlite://target/e2e-idle-server.db cargo leptos end-to-end --split
