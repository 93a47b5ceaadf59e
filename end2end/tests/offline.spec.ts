// The clinic tablet offline: Today loads online once; the network goes; a reload is served
// by the service worker from the device; the desk checks a patient in, marks a no-show, adds
// a walk-in to the queue and books one into a free time; the browser restarts still offline
// and the outbox is still there; the network comes back and the server has each change
// exactly once, while the walk-in whose time was booked online meanwhile is shown as a
// conflict on the tablet. Runs its own server (E2E_OFFLINE_PORT, default 3111) with a fresh
// demo database, and a browser profile of its own so it can restart the browser.
import { chromium, type BrowserContext, type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startApp, type RunningApp } from "../app";
import { expect, logIn, shot, test, ZONE } from "../support";

const PORT = process.env.E2E_OFFLINE_PORT ?? "3111";

/** A server-function session of its own (cookie kept by hand), for setting up and checking. */
class Api {
  private cookie = "";
  constructor(private base: string) {}

  async call(endpoint: string, body: unknown, expected = 200) {
    const response = await fetch(`${this.base}/api/${endpoint}`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: this.cookie },
      body: JSON.stringify(body),
    });
    const setCookie = response.headers.get("set-cookie");
    if (setCookie) this.cookie = setCookie.split(";")[0];
    const text = await response.text();
    expect(response.status, `${endpoint}: ${text}`).toBe(expected);
    return JSON.parse(text);
  }
}

/** The tablet: a Chromium with a profile directory that outlives a restart. */
function tablet(profile: string, offline: boolean): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync"],
    timezoneId: ZONE,
    viewport: { width: 1024, height: 768 },
    offline,
  });
}

/** Ends every session on the server, as expiry would (the test owns this SQLite file). */
function expireSessions(database: string) {
  const script = "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.execute('DELETE FROM tower_sessions'); db.commit()";
  execFileSync("python3", ["-c", script, database]);
}

/** The hour on the clinic's clock (the demo doctor's zone). */
function clinicHour(now = new Date()) {
  return Number(now.toLocaleString("en-GB", { timeZone: ZONE, hour: "2-digit", hourCycle: "h23" }));
}

/** The tablet's first tab, with its console errors shown in the test's output. */
function firstPage(context: BrowserContext): Promise<Page> {
  const existing = context.pages()[0];
  const page = existing ? Promise.resolve(existing) : context.newPage();
  return page.then((page) => {
    page.on("console", (message) => {
      if (message.type() === "error") console.error(`  [tablet] ${message.text()}`);
    });
    return page;
  });
}

async function visitAt(page: Page, id: number) {
  return page.locator(`[data-testid=visit][data-id="${id}"]`);
}

test("a clinic tablet works through an outage and syncs each change exactly once", async () => {
  test.slow();
  const dir = mkdtempSync(join(tmpdir(), "appointments-offline-"));
  const profile = join(dir, "profile");
  const database = join(dir, "offline.db");
  const app: RunningApp = await startApp(PORT, database);
  let context: BrowserContext | undefined;
  try {
    const base = app.base;
    const doctor = new Api(base);
    await doctor.call("login", { email: "ada@clinic.test", password: "doctor-ada-1" });
    const today = await doctor.call("day_agenda", {});
    const at = (hour: number) =>
      today.appointments.find(
        (a: { starts_at: string }) => clinicHour(new Date(a.starts_at)) === hour,
      );
    // The demo day: 10:00 confirmed, 13:00 checked in. The 13:00 check-in is undone online,
    // to be made again offline; the 10:00 visit can be marked a no-show once it has begun.
    const checkIn = at(13);
    await doctor.call("appointment_status", { appointment_id: checkIn.id, action: "undo_check_in" });
    const noShow = at(10);
    const noShowPossible = clinicHour() >= 10;
    // A free stretch later today for the walk-in booking (none in the last hours of the day).
    const hour = clinicHour();
    const freeTime = hour <= 21;
    if (!freeTime) {
      test.info().annotations.push({
        type: "part skipped",
        description: "the walk-in booking conflict needs a free time later today (before 22:00 in Berlin)",
      });
    }
    if (freeTime) {
      const from = `${String(hour + 1).padStart(2, "0")}:00`;
      await doctor.call("doctor/add_extra_hours", { day: today.date, hours: `${from}-23:30` });
    }

    context = await tablet(profile, false);
    let page = await firstPage(context);
    await test.step("online: the desk opens Today, and the device stores it", async () => {
      await logIn(page, "desk@clinic.test", "desk-dana-1", "/doctor/today", base);
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
      // The first visit's reads happened before the worker took over: one more visit.
      await page.reload();
      await expect(page.getByTestId("live-status")).toHaveAttribute("data-state", "live");
      await expect(page.getByTestId("online")).toBeVisible();
      if (freeTime) {
        // The walk-in form's services and today's free times, as the desk would look.
        await page.getByTestId("placement-free-time").check();
        await page.getByTestId("walk-in-service").selectOption({ label: "General consultation (30 min)" });
        await expect(page.locator("[data-testid=walk-in-times] button").first()).toBeVisible();
        await page.locator("input[name=placement]").first().check();
      }
      // What the page fetched in the background for offline use has been stored.
      await page.waitForFunction(async () => {
        const offline = (window as unknown as { appOffline: { lastUpdated(): Promise<number | null> } }).appOffline;
        return (await offline.lastUpdated()) !== null;
      });
      await page.waitForTimeout(1500);
    });

    await test.step("offline: a reload is served from the device", async () => {
      await context!.setOffline(true);
      await page.reload();
      await expect(page.getByTestId("offline")).toContainText("Offline: last updated");
      await expect(page.getByTestId("live-status")).toHaveAttribute("data-state", "offline");
      await expect(await visitAt(page, checkIn.id)).toHaveAttribute("data-status", "confirmed");
    });

    let conflictStart: string | undefined;
    await test.step("offline: check in, no-show, two walk-ins, each waiting to sync", async () => {
      const visit = await visitAt(page, checkIn.id);
      await visit.locator("button[data-action=checkin]").click();
      await expect(visit).toHaveAttribute("data-status", "arrived");
      await expect(visit.getByTestId("waiting-to-sync")).toBeVisible();
      if (noShowPossible) {
        const missed = await visitAt(page, noShow.id);
        await missed.locator("button[data-action=noshow]").click();
        await expect(missed).toHaveAttribute("data-status", "no_show");
      }
      await page.fill("#walk-in-name", "Wendy Offline");
      await page.getByRole("button", { name: "Add to queue" }).click();
      await expect(page.getByTestId("outbox-entry").filter({ hasText: "Wendy Offline" })).toBeVisible();
      // The form empties once the walk-in is kept on the device.
      await expect(page.locator("#walk-in-name")).toHaveValue("");
      if (freeTime) {
        await page.fill("#walk-in-name", "Fred Freetime");
        await page.getByTestId("placement-free-time").check();
        await page.getByTestId("walk-in-service").selectOption({ label: "General consultation (30 min)" });
        await page.locator("[data-testid=walk-in-times] button").first().click();
        await page.getByRole("button", { name: "Book and check in" }).click();
        await expect(page.getByTestId("outbox-entry").filter({ hasText: "Fred Freetime" })).toBeVisible();
        conflictStart = await page.evaluate(async () => {
          const offline = (window as unknown as { appOffline: { entries(): Promise<{ path: string; body: string }[]> } }).appOffline;
          const entry = (await offline.entries()).find((e) => e.path === "/api/book_walk_in");
          return JSON.parse(entry!.body).starts_at as string;
        });
      }
      const expected = 2 + (noShowPossible ? 1 : 0) + (freeTime ? 1 : 0);
      await expect(page.getByTestId("outbox-entry")).toHaveCount(expected);
      await expect(page.getByTestId("waiting-count")).toHaveText(`${expected} waiting to sync`);
      await shot(page, "13-offline-today-waiting-to-sync");
    });

    if (conflictStart) {
      await test.step("meanwhile, online: the doctor books that time for someone else", async () => {
        const services = await doctor.call("doctor_services", { doctor_id: today.doctor_id });
        const consultation = services.find((s: { name: string }) => s.name === "General consultation");
        await doctor.call("book_walk_in", {
          service_id: consultation.id,
          starts_at: conflictStart,
          name: "Olive Online",
        });
      });
    }

    await test.step("the browser restarts, still offline: the outbox is still there", async () => {
      await context!.close();
      context = await tablet(profile, true);
      page = await firstPage(context);
      await page.goto(`${base}/doctor/today`);
      await expect(page.getByTestId("offline")).toBeVisible();
      await expect(page.getByTestId("outbox-entry").filter({ hasText: "Wendy Offline" })).toHaveAttribute("data-state", "waiting");
    });

    await test.step("back online with an expired session: log in again, then it syncs", async () => {
      expireSessions(database);
      await context!.setOffline(false);
      await expect(page.getByTestId("online")).toBeVisible();
      await expect(page.getByTestId("sync-login")).toBeVisible({ timeout: 30_000 });
      await expect(page.getByTestId("outbox-entry").first()).toHaveAttribute("data-state", "login");
      await logIn(page, "desk@clinic.test", "desk-dana-1", "/doctor/today", base);
    });

    await test.step("everything syncs once; the taken time is a conflict", async () => {
      if (conflictStart) {
        const conflict = page.getByTestId("outbox-entry");
        await expect(conflict).toHaveCount(1, { timeout: 30_000 });
        await expect(conflict).toHaveAttribute("data-state", "conflict");
        await expect(conflict).toContainText("Fred Freetime");
        await expect(conflict.getByTestId("outbox-problem")).toContainText("just taken");
        await shot(page, "14-offline-sync-conflict");
        // Back into the walk-in form, to book another time.
        await conflict.getByTestId("choose-another-time").click();
        await expect(page.locator("#walk-in-name")).toHaveValue("Fred Freetime");
        const times = page.locator("[data-testid=walk-in-times] button");
        await expect(times.first()).toBeVisible();
        await times.first().click();
        await page.getByRole("button", { name: "Book and check in" }).click();
        await expect(page.locator("[data-testid=visit]", { hasText: "Fred Freetime" })).toHaveAttribute("data-status", "arrived");
      }
      // The log-in sent the rest: nothing but what the user resolved waits on the device.
      await page.waitForFunction(async () => {
        const offline = (window as unknown as { appOffline: { entries(): Promise<unknown[]> } }).appOffline;
        return (await offline.entries()).length === 0;
      }, undefined, { timeout: 30_000 });
      await expect(page.getByTestId("outbox")).toHaveCount(0);
      // And the tablet shows what the server now has.
      await expect(page.getByTestId("waiting").getByText("Wendy Offline")).toBeVisible({ timeout: 30_000 });
    });

    await test.step("the server has each change exactly once, audited as made offline", async () => {
      // Its session ended with everyone's above.
      await doctor.call("login", { email: "ada@clinic.test", password: "doctor-ada-1" });
      const after = await doctor.call("day_agenda", {});
      const status = (id: number) => after.appointments.find((a: { id: number }) => a.id === id).status;
      expect(status(checkIn.id)).toBe("arrived");
      if (noShowPossible) expect(status(noShow.id)).toBe("no_show");
      const wendy = after.walk_ins.filter((w: { name: string }) => w.name === "Wendy Offline");
      expect(wendy).toHaveLength(1);
      const fred = after.appointments.filter((a: { patient_name: string }) => a.patient_name === "Fred Freetime");
      expect(fred).toHaveLength(freeTime ? 1 : 0);
      if (freeTime) expect(fred[0].starts_at).not.toBe(conflictStart);
      const trail = await doctor.call("appointment_history", { appointment_id: checkIn.id });
      const checkIns = trail.filter((e: { from: string; to: string }) => e.from === "confirmed" && e.to === "arrived");
      // The seed's check-in, and the one made offline (the undo came between them).
      expect(checkIns).toHaveLength(2);
      const offline = checkIns[1];
      expect(offline.actor_name).toBe("Dana Desk");
      expect(offline.made_offline_at).not.toBeNull();
    });

    await test.step("the tablet shows the day as the server has it", async () => {
      await expect(await visitAt(page, checkIn.id)).toHaveAttribute("data-status", "arrived");
      if (noShowPossible) await expect(await visitAt(page, noShow.id)).toHaveAttribute("data-status", "no_show");
      await expect(page.getByTestId("waiting-to-sync")).toHaveCount(0);
    });

    await test.step("log-out leaves nothing of the user on the device", async () => {
      await page.getByRole("button", { name: "Log out" }).click();
      await page.waitForURL(`${base}/login`);
      const left = await page.evaluate(async () => {
        const offline = (window as unknown as { appOffline: { entries(): Promise<unknown[]>; lastUpdated(): Promise<number | null> } }).appOffline;
        const pages = await caches.keys().then((names) => names.filter((n) => n.startsWith("appointments-pages-")));
        const stored = await Promise.all(pages.map(async (name) => (await (await caches.open(name)).keys()).length));
        return { entries: (await offline.entries()).length, updated: await offline.lastUpdated(), pages: stored.reduce((a, b) => a + b, 0) };
      });
      expect(left).toEqual({ entries: 0, updated: null, pages: 0 });
    });
  } finally {
    await context?.close();
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
