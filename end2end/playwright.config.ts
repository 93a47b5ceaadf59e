// Playwright Test, run in this directory: `npx playwright test` (what `cargo leptos
// end-to-end` runs as end2end-cmd). It starts the built app itself (server.ts): run
// `cargo leptos build --split` first, or let `cargo leptos end-to-end` do it.
import { defineConfig } from "@playwright/test";
import { BASE, ZONE } from "./env";

export default defineConfig({
  testDir: "tests",
  outputDir: "test-results",
  globalSetup: "./server.ts",
  // One server with one set of demo data: one test at a time, no retries hiding flakiness.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  // A debug build on two cores; waits are bounded by actionTimeout/navigationTimeout.
  timeout: 90_000,
  globalTimeout: 20 * 60_000,
  reporter: [["list"]],
  use: {
    browserName: "chromium",
    baseURL: BASE,
    timezoneId: ZONE,
    viewport: { width: 1200, height: 900 },
    actionTimeout: 30_000,
    navigationTimeout: 30_000,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      // Debian's Chromium: Playwright's own browser builds cannot be downloaded here.
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
});
