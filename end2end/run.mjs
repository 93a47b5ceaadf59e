// End-to-end test: real browser (Debian's Chromium driven by playwright-core) against the
// built app on a fresh SQLite database with the demo data.
//
// A patient registers, finds a doctor in the directory, moves through the month calendar
// with the keyboard and books; sees it pending; the doctor confirms; the patient sees it
// confirmed; a second patient no longer sees that time; the first patient reschedules and
// the old time is offered again while the new one is not.
//
// Needs `cargo leptos build` first (scripts/test.sh does it). Screenshots go to
// end2end/screenshots/.
import { chromium } from "playwright-core";
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";

const PORT = process.env.E2E_PORT ?? "3107";
const BASE = `http://127.0.0.1:${PORT}`;
const BINARY = process.env.E2E_BINARY ?? "target/debug/appointments";
const SHOTS = "end2end/screenshots";
const ZONE = "Europe/Berlin"; // the demo doctor's zone, so her hours read 09:00-17:00

function startServer() {
  const dir = mkdtempSync(join(tmpdir(), "appointments-e2e-"));
  const server = spawn(BINARY, [], {
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
  return { server, dir };
}

async function waitForServer() {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${BASE}/login`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the app did not start on ${BASE}`);
}

/** The next weekday at least two days ahead, as YYYY-MM-DD (the demo doctors work weekdays). */
function nextWorkday() {
  const day = new Date(Date.now() + 2 * 86400000);
  while (day.getDay() === 0 || day.getDay() === 6) day.setDate(day.getDate() + 1);
  return day.toLocaleDateString("en-CA", { timeZone: ZONE });
}

const step = (name) => console.log(`  • ${name}`);

const pages = [];

async function newPage(browser) {
  const context = await browser.newContext({ timezoneId: ZONE, viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error") console.error(`  [browser] ${message.text()}`);
  });
  pages.push(page);
  return page;
}

async function hydrated(page) {
  // Submit buttons are enabled once the WASM app has taken over the page.
  await page.waitForSelector("button[type=submit]:not([disabled])");
}

async function register(page, name, email) {
  await page.goto(`${BASE}/register`);
  await hydrated(page);
  await page.fill("#name", name);
  await page.fill("#email", email);
  await page.fill("#password", "a long password");
  await page.click("button[type=submit]");
  await page.waitForURL(`${BASE}/appointments`);
}

/** Opens Dr. Ada's profile from the directory and waits for the calendar's free times. */
async function openCalendar(page) {
  await page.goto(`${BASE}/doctors?q=general`);
  await page.getByRole("link", { name: "Dr. Ada Lindqvist" }).click();
  await page.waitForURL(/\/doctors\/\d+/);
  await waitForCounts(page);
}

/** The calendar has loaded its month when a day announces its free times. */
async function waitForCounts(page) {
  await page.waitForSelector("[data-day][aria-label*='free time']");
}

/** Chooses `day` (YYYY-MM-DD) with a click and waits for its times. */
async function clickDay(page, day) {
  await page.goto(page.url());
  await waitForCounts(page);
  while (!(await page.locator(`[data-day="${day}"]`).count())) {
    await page.getByRole("button", { name: "Next month" }).click();
  }
  await page.click(`[data-day="${day}"]`);
  await page.waitForSelector("[data-testid=day-times] button");
}

async function offeredTimes(page) {
  return page.locator("[data-testid=day-times] button").evaluateAll((els) => els.map((e) => e.dataset.start));
}

const focusedDay = (page) => page.evaluate(() => document.activeElement?.dataset?.day);

async function main() {
  mkdirSync(SHOTS, { recursive: true });
  const { server, dir } = startServer();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
  try {
    await waitForServer();
    const day = nextWorkday();

    step("a patient finds the doctor and moves through the month with the keyboard");
    const patient = await newPage(browser);
    await register(patient, "Erin Example", "erin@example.test");
    await openCalendar(patient);
    await patient.screenshot({ path: `${SHOTS}/1-calendar.png`, fullPage: true });
    await patient.focus("[data-day][tabindex='0']");
    const month = await patient.textContent("#calendar-month");
    await patient.keyboard.press("PageDown");
    await patient.waitForFunction((m) => document.querySelector("#calendar-month").textContent !== m, month);
    await patient.keyboard.press("PageUp");
    await patient.waitForFunction((m) => document.querySelector("#calendar-month").textContent === m, month);
    await patient.focus("[data-day][tabindex='0']");
    for (let i = 0; i < 40 && (await focusedDay(patient)) !== day; i++) {
      const before = await focusedDay(patient);
      await patient.keyboard.press("ArrowRight");
      // Focus moves on the next animation frame (after a month change, once it renders).
      await patient.waitForFunction((b) => {
        const now = document.activeElement?.dataset?.day;
        return now && now !== b;
      }, before);
      await waitForCounts(patient);
    }
    assert.equal(await focusedDay(patient), day, "the arrow keys reach the day");
    await patient.keyboard.press("Enter");
    await patient.waitForSelector("[data-testid=day-times] button");
    const label = await patient.getAttribute(`[data-day="${day}"]`, "aria-label");
    assert.match(label, /\d+ free times?/, "the day announces its free times");

    step("the patient books a free time");
    const slot = patient.locator("[data-testid=day-times] button").first();
    const start = await slot.getAttribute("data-start");
    await slot.click();
    await patient.waitForSelector("[role=dialog]");
    await patient.screenshot({ path: `${SHOTS}/2-confirm.png`, fullPage: true });
    await patient.click("[data-testid=confirm] button[type=submit]");
    await patient.getByText("pending the doctor's confirmation").waitFor();
    // The month reloads after the booking; the booked time must go.
    await patient.locator(`[data-start="${start}"]`).waitFor({ state: "detached", timeout: 10000 });

    step("the patient sees it pending");
    await patient.goto(`${BASE}/appointments`);
    const card = patient.locator("[data-testid=upcoming] [data-testid=appointment]").first();
    await card.locator("[data-status=pending]").waitFor();
    await patient.screenshot({ path: `${SHOTS}/3-pending.png`, fullPage: true });

    step("the doctor confirms it from the dashboard");
    const doctor = await newPage(browser);
    await doctor.goto(`${BASE}/login`);
    await hydrated(doctor);
    await doctor.fill("#email", "ada@clinic.test");
    await doctor.fill("#password", "doctor-ada-1");
    await doctor.click("button[type=submit]");
    await doctor.waitForURL(`${BASE}/doctor`);
    const row = doctor.locator("[data-testid=appointment]", { hasText: "Erin Example" });
    await row.locator("[data-status=pending]").waitFor();
    await doctor.screenshot({ path: `${SHOTS}/4-dashboard.png`, fullPage: true });
    await row.locator("button[data-action=confirm]").click();
    await doctor.getByText("is now confirmed").waitFor();
    await row.locator("[data-status=confirmed]").waitFor();

    step("the patient sees it confirmed");
    await patient.reload();
    await patient.locator("[data-testid=upcoming] [data-status=confirmed]").waitFor();
    await patient.screenshot({ path: `${SHOTS}/5-confirmed.png`, fullPage: true });

    step("a second patient no longer sees that time");
    const second = await newPage(browser);
    await register(second, "Sam Second", "sam@example.test");
    await openCalendar(second);
    await clickDay(second, day);
    const offered = await offeredTimes(second);
    assert.ok(offered.length > 1, "other times are still offered");
    assert.ok(!offered.includes(start), `${start} must not be offered again`);
    await second.screenshot({ path: `${SHOTS}/6-second-patient.png`, fullPage: true });

    step("the first patient reschedules; the old time is free again");
    await patient.goto(`${BASE}/appointments`);
    await patient.locator("[data-testid=upcoming] a[data-action=reschedule]").first().click();
    await patient.waitForURL(/reschedule=/);
    await clickDay(patient, day);
    // The day's last time: far enough from the old one that the two cannot overlap.
    const later = patient.locator("[data-testid=day-times] button").last();
    const moved = await later.getAttribute("data-start");
    await later.click();
    await patient.getByText("Move your appointment").waitFor();
    await patient.fill("#confirm-text", "A meeting came up");
    await patient.click("[data-testid=confirm] button[type=submit]");
    await patient.waitForURL(`${BASE}/appointments`);
    await patient.locator(`[data-testid=upcoming] time[datetime="${moved}"]`).first().waitFor();
    await patient.screenshot({ path: `${SHOTS}/7-rescheduled.png`, fullPage: true });
    await clickDay(second, day);
    const now = await offeredTimes(second);
    assert.ok(now.includes(start), `the old time ${start} is offered again`);
    assert.ok(!now.includes(moved), `the new time ${moved} is taken`);

    step("phone-sized calendar");
    const phone = await browser.newContext({ timezoneId: ZONE, viewport: { width: 390, height: 844 }, isMobile: true });
    const small = await phone.newPage();
    pages.push(small);
    await openCalendar(small);
    await small.screenshot({ path: `${SHOTS}/8-phone.png`, fullPage: true });
    console.log("end-to-end: all steps passed");
  } catch (error) {
    for (const [n, page] of pages.entries()) {
      await page.screenshot({ path: `${SHOTS}/failure-${n}.png`, fullPage: true }).catch(() => {});
    }
    throw error;
  } finally {
    await browser.close();
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
