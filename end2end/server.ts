// Playwright's globalSetup: starts the built app on a fresh SQLite database with the demo
// data and returns the teardown that stops it and removes the database.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startApp } from "./app";
import { PORT } from "./env";

export default async function startServer(): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), "appointments-e2e-"));
  try {
    const app = await startApp(PORT, join(dir, "e2e.db"));
    return async () => {
      await app.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
