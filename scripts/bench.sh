#!/usr/bin/env bash
# Benchmarks (results go in docs/performance.md): release WASM size, booking throughput,
# dashboard latency, live updates (booking-to-event latency, idle streams) and server memory
# on SQLite, and on PostgreSQL when TEST_DATABASE_URL is a postgres:// URL.
# BENCH_ONLY=live (or insight, or outbox) runs only the live-update (Insight, outbox) measures.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/setup.sh
cargo leptos build --release --split --precompress
node -e '
  const fs = require("fs"), zlib = require("zlib");
  for (const f of fs.readdirSync("target/site/pkg").filter((f) => /\.(wasm|js|css)$/.test(f))) {
    const raw = fs.readFileSync("target/site/pkg/" + f);
    const br = zlib.brotliCompressSync(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } });
    console.log(`${f}: ${(raw.length / 1024).toFixed(1)} KiB raw, ${(br.length / 1024).toFixed(1)} KiB brotli`);
  }
  // What the service worker precaches on install (the rule of src/server/offline.rs: the
  // build'"'"'s pkg files but TypeScript declarations, and the offline pages'"'"' public files).
  const pub = ["offline-store.js", "offline.js", "manifest.webmanifest", "favicon.svg", "icons/icon-192.png",
    "icons/icon-512.png", "icons/icon-maskable-512.png", "icons/apple-touch-icon.png"];
  const files = fs.readdirSync("target/site/pkg").filter((f) => !/\.(d\.ts|br|gz)$/.test(f)).map((f) => "pkg/" + f).concat(pub);
  let raw = 0, br = 0;
  for (const f of files) {
    const data = fs.readFileSync("target/site/" + f);
    raw += data.length;
    br += zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  console.log(`service worker precache: ${files.length} files, ${(raw / 1024).toFixed(1)} KiB raw, ${(br / 1024).toFixed(1)} KiB brotli`);'
cargo build --release --features ssr --example bench
target/release/examples/bench sqlite
if [[ "${TEST_DATABASE_URL:-}" == postgres* ]]; then
  target/release/examples/bench postgres
fi
