#!/usr/bin/env bash
# Installs what is missing, builds the app in release mode and serves it at
# http://127.0.0.1:3000 on an embedded SQLite file (created, migrated and filled with demo
# data on first start). Settings: see README.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/setup.sh
export SEED_DEMO_DATA="${SEED_DEMO_DATA:-true}"
# --split: the doctor and admin pages are WASM chunks loaded on first visit (every build of
# this app needs it). --precompress: .br and .gz files built once, served as they are.
exec cargo leptos serve --release --split --precompress
