// Starting and stopping the built app: Playwright's globalSetup (server.ts) starts the one
// the tests share, and a test that restarts a server starts its own with this.
import { spawn, type ChildProcess } from "node:child_process";
import { BINARY, ROOT } from "./env";

const START_TIMEOUT_MS = 60_000;

async function loginStatus(base: string): Promise<number | undefined> {
  try {
    return (await fetch(`${base}/login`)).status;
  } catch {
    return undefined; // nothing listening yet
  }
}

function stopProcess(server: ChildProcess): Promise<void> {
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

export interface RunningApp {
  base: string;
  stop(): Promise<void>;
}

/**
 * Starts the app on 127.0.0.1:`port` with the SQLite file `database` (seeded with the demo
 * data when new) and the built site in `siteRoot`, and waits until GET /login answers 200.
 */
export async function startApp(port: string, database: string, siteRoot = "target/site"): Promise<RunningApp> {
  const base = `http://127.0.0.1:${port}`;
  if ((await loginStatus(base)) !== undefined) {
    throw new Error(`something already answers on ${base}: stop it, or choose another port`);
  }
  const server = spawn(BINARY, [], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${database}`,
      LISTEN_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: siteRoot,
      SEED_DEMO_DATA: "true",
      // The emails the tests cause, as .eml files beside the database (not in the checkout).
      MAIL_DIR: `${database}-mail`,
      RUST_LOG: "warn",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const state: { exited?: string } = {};
  server.on("error", (error) => (state.exited = `could not start ${BINARY}: ${error.message}`));
  server.on("exit", (code, signal) => (state.exited ??= `${BINARY} exited (${signal ?? `code ${code}`})`));
  const app = { base, stop: () => stopProcess(server) };
  try {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (state.exited) throw new Error(`${state.exited} before answering on ${base} (run \`cargo leptos build\` first?)`);
      if ((await loginStatus(base)) === 200) return app;
      if (Date.now() > deadline) throw new Error(`the app did not answer GET ${base}/login with 200 in ${START_TIMEOUT_MS / 1000} s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (error) {
    await app.stop();
    throw error;
  }
}
