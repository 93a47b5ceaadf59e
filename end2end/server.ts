// Playwright's globalSetup: starts the built app on a fresh SQLite database with the demo
// data, waits until GET /login answers 200, and returns the teardown that stops it and
// removes the database.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BASE, BINARY, PORT, ROOT } from "./env";

const START_TIMEOUT_MS = 60_000;

async function loginStatus(): Promise<number | undefined> {
  try {
    return (await fetch(`${BASE}/login`)).status;
  } catch {
    return undefined; // nothing listening yet
  }
}

function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    // The app drains open connections for up to 10 s after SIGTERM.
    const force = setTimeout(() => server.kill("SIGKILL"), 15_000);
    server.once("exit", () => {
      clearTimeout(force);
      done();
    });
    server.kill("SIGTERM");
  });
}

export default async function startServer(): Promise<() => Promise<void>> {
  if ((await loginStatus()) !== undefined) {
    throw new Error(`something already answers on ${BASE}: stop it, or set E2E_PORT to a free port`);
  }
  const dir = mkdtempSync(join(tmpdir(), "appointments-e2e-"));
  const server = spawn(BINARY, [], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${join(dir, "e2e.db")}`,
      LISTEN_ADDR: `127.0.0.1:${PORT}`,
      LEPTOS_SITE_ROOT: "target/site",
      SEED_DEMO_DATA: "true",
      RUST_LOG: "warn",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const state: { exited?: string } = {};
  server.on("error", (error) => (state.exited = `could not start ${BINARY}: ${error.message}`));
  server.on("exit", (code, signal) => (state.exited ??= `${BINARY} exited (${signal ?? `code ${code}`})`));
  const teardown = async () => {
    await stop(server);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (state.exited) throw new Error(`${state.exited} before answering on ${BASE} (run \`cargo leptos build\` first?)`);
      if ((await loginStatus()) === 200) return teardown;
      if (Date.now() > deadline) throw new Error(`the app did not answer GET ${BASE}/login with 200 in ${START_TIMEOUT_MS / 1000} s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (error) {
    await teardown();
    throw error;
  }
}
