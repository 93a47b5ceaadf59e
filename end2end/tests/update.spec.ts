// A new release on an installed tablet: the new service worker installs beside the running
// one and waits; the page offers "A new version is ready" instead of swapping mid-task, and
// "Reload" brings the new version in. The release is simulated by a copy of the built site
// in which one precached file changed, served by a server of this test's own
// (E2E_UPDATE_PORT, default 3112).
import { appendFileSync, cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startApp, type RunningApp } from "../app";
import { ROOT } from "../env";
import { expect, logIn, shot, test } from "../support";

const PORT = process.env.E2E_UPDATE_PORT ?? "3112";

/** The version of the worker that is active (it answers a "version" message). */
async function activeVersion(page: import("@playwright/test").Page) {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    const channel = new MessageChannel();
    const answer = new Promise<string>((resolve) => (channel.port1.onmessage = (e) => resolve(e.data)));
    registration.active!.postMessage({ type: "version" }, [channel.port2]);
    return answer;
  });
}

test("a new release is offered, not swapped in, and Reload brings it", async ({ newPage }) => {
  test.slow();
  const dir = mkdtempSync(join(tmpdir(), "appointments-update-"));
  const site = join(dir, "site");
  cpSync(join(ROOT, "target/site"), site, { recursive: true });
  const database = join(dir, "update.db");
  let app: RunningApp = await startApp(PORT, database, site);
  try {
    const page = await newPage();
    await logIn(page, "desk@clinic.test", "desk-dana-1", "/doctor/today", app.base);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const first = await activeVersion(page);
    await expect(page.getByTestId("update-ready")).toHaveCount(0);

    // The "release": one precached file changes, so the worker script (and its version) does.
    await app.stop();
    appendFileSync(join(site, "manifest.webmanifest"), "\n");
    app = await startApp(PORT, database, site);
    await page.reload();
    // The browser checks the worker on navigation; the new one installs and waits.
    const banner = page.getByTestId("update-ready");
    await expect(banner).toBeVisible({ timeout: 30_000 });
    expect(await activeVersion(page)).toBe(first);
    await shot(page, "15-update-ready");

    await banner.getByRole("button", { name: "Reload" }).click();
    await expect(banner).toHaveCount(0, { timeout: 30_000 });
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    expect(await activeVersion(page)).not.toBe(first);
    await expect(page.getByTestId("online")).toBeVisible();
  } finally {
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
