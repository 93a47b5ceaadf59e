// Settings shared by the Playwright config, the server start-up and the tests. Nothing here
// imports @playwright/test, so the config can load it.
import { join, resolve } from "node:path";

/** The repository's root: the app runs there, so that target/site is found. */
export const ROOT = resolve(__dirname, "..");
export const PORT = process.env.E2E_PORT ?? "3107";
export const BASE = `http://127.0.0.1:${PORT}`;
/** The app binary to test (`cargo leptos build --split` makes it); a relative path is from ROOT. */
export const BINARY = resolve(ROOT, process.env.E2E_BINARY ?? "target/debug/appointments");
/** The demo doctor's zone, so her hours read 09:00-17:00. */
export const ZONE = "Europe/Berlin";
/** Screenshots for people to look at (gitignored). */
export const SHOTS = join(__dirname, "screenshots");
