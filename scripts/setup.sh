#!/usr/bin/env bash
# Installs what building and testing the app needs, from the package registries only.
# Idempotent: each step is skipped when its tool is already there at the right version.
#
#   scripts/setup.sh      install what is missing
#   . scripts/setup.sh    the same, then put the repository's node_modules/.bin on PATH
#
# Sourced, it leaves the caller's shell options and working directory alone: the installing
# runs in a child bash process (this same file, run as a program), and the only thing done in
# the caller's shell is the PATH export.

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  # Run as a program: do the installing.
  set -euo pipefail
  cd "$(dirname "${BASH_SOURCE[0]}")/.."

  CARGO_LEPTOS_VERSION=0.3.10
  say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi

  if ! cargo leptos --version 2>/dev/null | grep -qFw "$CARGO_LEPTOS_VERSION"; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 15 minutes on 2 cores, once)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
  fi

  # The CLI must match the wasm-bindgen library in Cargo.lock exactly. `cargo pkgid` prints
  # e.g. registry+https://github.com/rust-lang/crates.io-index#wasm-bindgen@0.2.130; older
  # cargos wrote `#wasm-bindgen:0.2.130`, hence the last of `@`, `#` or `:`.
  WASM_BINDGEN_PKGID=$(cargo pkgid wasm-bindgen)
  WASM_BINDGEN_VERSION=${WASM_BINDGEN_PKGID##*[@#:]}
  if ! [[ "$WASM_BINDGEN_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]]; then
    echo "setup.sh: no wasm-bindgen version in \`cargo pkgid wasm-bindgen\`: $WASM_BINDGEN_PKGID" >&2
    exit 1
  fi
  if ! wasm-bindgen --version 2>/dev/null | grep -qFw "$WASM_BINDGEN_VERSION"; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
    # Without --locked: with it, one pinned dependency is missing from the registry.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
  fi

  # Licence and source checks of the dependencies (.ci/run, .ci/deny.toml).
  if ! command -v cargo-deny >/dev/null; then
    say "installing cargo-deny (about 10 minutes on 2 cores, once)"
    cargo install cargo-deny --locked
  fi

  # Tailwind, wasm-opt (binaryen) and Playwright Test, exactly as package-lock.json says.
  # npm's own node_modules/.package-lock.json never equals package-lock.json byte for byte,
  # so a copy of the lock file that was installed marks an up-to-date node_modules.
  NPM_STAMP=node_modules/.setup-package-lock.json
  if ! cmp -s package-lock.json "$NPM_STAMP"; then
    say "installing npm packages"
    # Browsers come from Debian (scripts/test.sh), never from Playwright's download.
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
    cp package-lock.json "$NPM_STAMP"
  fi

  # Python tools for the integration tests (tests/tools): they start a real SMTP server
  # (aiosmtpd) to receive the app's emails, and parse its iCalendar output with a parser
  # independent of the crate that wrote it (icalendar). In a virtualenv under target/, so
  # nothing is installed system-wide; a copy of the requirement lines marks it up to date.
  PY_VENV=target/py
  PY_REQUIREMENTS=(aiosmtpd==1.4.6 icalendar==6.3.2)
  PY_STAMP=$PY_VENV/.requirements
  if ! "$PY_VENV/bin/python" -c '' 2>/dev/null \
    || [[ "$(cat "$PY_STAMP" 2>/dev/null)" != "$(printf '%s\n' "${PY_REQUIREMENTS[@]}")" ]]; then
    say "installing ${PY_REQUIREMENTS[*]} into $PY_VENV"
    # --clear: a virtualenv whose python no longer runs (e.g. the base python went away).
    "$PY_VENV/bin/python" -c '' 2>/dev/null || python3 -m venv --clear "$PY_VENV"
    "$PY_VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PY_REQUIREMENTS[@]}"
    printf '%s\n' "${PY_REQUIREMENTS[@]}" >"$PY_STAMP"
  fi
  exit 0
fi

# Sourced: install in a child process, then put the tools on PATH (once).
bash "${BASH_SOURCE[0]}" || return
__appointments_bin="$(CDPATH='' cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)/node_modules/.bin"
case ":$PATH:" in
  *":$__appointments_bin:"*) ;;
  *) export PATH="$__appointments_bin:$PATH" ;;
esac
unset __appointments_bin
