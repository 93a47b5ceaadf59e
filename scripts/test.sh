#!/usr/bin/env bash
# Runs every test: unit tests, integration tests on SQLite and (when TEST_DATABASE_URL or
# DATABASE_URL is a postgres:// URL) on PostgreSQL, and the end-to-end tests in headless
# Chromium. Installs whatever is missing first.
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
cargo test --features ssr

echo "==> building the app for the end-to-end tests"
cargo leptos build

echo "==> end-to-end tests (Playwright + Chromium)"
node end2end/run.mjs
