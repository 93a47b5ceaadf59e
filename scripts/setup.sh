#!/usr/bin/env bash
# Installs what building and testing the app needs, from the package registries only.
# Idempotent: each step is skipped when its tool is already there at the right version.
# Source it (`. scripts/setup.sh`) to also get node_modules/.bin on PATH.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CARGO_LEPTOS_VERSION=0.3.10
say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 15 minutes on 2 cores, once)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
fi

# The CLI must match the wasm-bindgen library in Cargo.lock exactly.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Without --locked: with it, one pinned dependency is missing from the registry.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# Tailwind, wasm-opt (binaryen) and playwright-core, exactly as package-lock.json says.
if ! cmp -s package-lock.json node_modules/.package-lock.json 2>/dev/null; then
  say "installing npm packages"
  npm ci --no-audit --no-fund
fi
export PATH="$PWD/node_modules/.bin:$PATH"
