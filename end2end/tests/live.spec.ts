// The doctor's day, live: a booking made in one browser and a confirmation made at the front
// desk (the demo staff account) appear on the doctor's Today screen without a reload; when
// the server restarts the screen says it is reconnecting, then shows live again with nothing
// missed; a walk-in added at the desk joins the doctor's waiting room. This test runs its own
// server (so it can restart it) on E2E_LIVE_PORT, default 3108.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startApp, type RunningApp } from "../app";
import { clickDay, expect, logIn, nextWorkday, openCalendar, register, shot, test, uniqueEmail } from "../support";

const PORT = process.env.E2E_LIVE_PORT ?? "3108";

test("Today shows other screens' changes without a reload, and catches up after a restart", async ({ newPage }) => {
  test.slow();
  const dir = mkdtempSync(join(tmpdir(), "appointments-live-"));
  const database = join(dir, "live.db");
  let app: RunningApp = await startApp(PORT, database);
  try {
    const base = app.base;
    const day = nextWorkday();
    const doctor = await newPage();
    await logIn(doctor, "ada@clinic.test", "doctor-ada-1", "/doctor/today", base);
    await doctor.goto(`${base}/doctor/today?date=${day}`);
    const status = doctor.getByTestId("live-status");
    await expect(status).toHaveAttribute("data-state", "live");
    // Set on the page itself: still there at the end means the page was never reloaded.
    await doctor.evaluate(() => ((window as unknown as { untouched: boolean }).untouched = true));

    const name = `Lee Live ${Date.now().toString(36)}`;
    await test.step("a patient books in another browser", async () => {
      const patient = await newPage();
      await register(patient, name, uniqueEmail("lee"), base);
      await openCalendar(patient, base);
      await clickDay(patient, day);
      await patient.locator("[data-testid=day-times] button").first().click();
      await patient.click("[data-testid=confirm] button[type=submit]");
      await patient.getByText("pending the doctor's confirmation").waitFor();
    });
    const visit = doctor.locator("[data-testid=visit]", { hasText: name });
    await expect(visit).toHaveAttribute("data-status", "pending");
    const id = await visit.getAttribute("data-id");

    const desk = await newPage();
    await test.step("the front desk confirms it", async () => {
      await logIn(desk, "desk@clinic.test", "desk-dana-1", "/doctor/today", base);
      await desk.goto(`${base}/doctor/today?date=${day}`);
      // Live means the page is hydrated too: its buttons work.
      await expect(desk.getByTestId("live-status")).toHaveAttribute("data-state", "live");
      const row = desk.locator(`[data-testid=visit][data-id="${id}"]`);
      await row.locator("button[data-action=confirm]").click();
      await expect(row).toHaveAttribute("data-status", "confirmed");
    });
    await expect(visit).toHaveAttribute("data-status", "confirmed");

    await test.step("the server restarts; a change made meanwhile still arrives", async () => {
      await app.stop();
      await expect(status).toHaveAttribute("data-state", /reconnecting|offline/);
      app = await startApp(PORT, database);
      // Made before the doctor's screen is back: it must catch up on it.
      const cancelled = await desk.request.post(`${base}/api/appointment_status`, {
        data: { appointment_id: Number(id), action: "cancel", reason: "Called to cancel" },
      });
      expect(cancelled.status()).toBe(200);
      await expect(status).toHaveAttribute("data-state", "live", { timeout: 30_000 });
      await expect(visit).toHaveAttribute("data-status", "cancelled");
    });
    expect(await doctor.evaluate(() => (window as unknown as { untouched?: boolean }).untouched)).toBe(true);

    await test.step("a walk-in added at the desk joins the doctor's waiting room", async () => {
      await doctor.goto(`${base}/doctor/today`);
      await expect(status).toHaveAttribute("data-state", "live");
      await doctor.evaluate(() => ((window as unknown as { untouched: boolean }).untouched = true));
      await desk.goto(`${base}/doctor/today`);
      await expect(desk.getByTestId("live-status")).toHaveAttribute("data-state", "live");
      await desk.fill("#walk-in-name", "Wanda Walker");
      await desk.click("[data-testid=walk-in-form] button[type=submit]");
      await desk.getByText("is number 1 in the queue").waitFor();
      const entry = doctor.locator("[data-testid=waiting] [data-testid=queue-entry]", { hasText: "Wanda Walker" });
      await expect(entry).toHaveAttribute("data-kind", "walk-in");
      expect(await doctor.evaluate(() => (window as unknown as { untouched?: boolean }).untouched)).toBe(true);
    });

    for (const [size, viewport] of [
      ["tablet-landscape", { width: 1180, height: 820 }],
      ["tablet-portrait", { width: 820, height: 1180 }],
      ["desktop", { width: 1440, height: 900 }],
    ] as const) {
      await doctor.setViewportSize(viewport);
      await shot(doctor, `10-today-${size}`);
    }
  } finally {
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
