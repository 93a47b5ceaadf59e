// Settings for messages and calendars: a patient's email choices and private calendar
// address, "Add to calendar", and a doctor's reminder hours and busy-time feed checks.
import { BASE, expect, hydrated, logIn, shot, test } from "../support";

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

test("a patient chooses emails, renews the calendar address and downloads an appointment", async ({ newPage }) => {
  const page = await newPage(PHONE);
  await logIn(page, "quinn@example.test", "patient-quinn-1", "/appointments");

  await test.step("reminders off survives a reload", async () => {
    await page.goto(`${BASE}/settings`);
    await hydrated(page);
    await expect(page.getByRole("button", { name: "Save choices" })).toBeEnabled();
    const reminders = page.getByLabel("Reminders before an appointment");
    await expect(reminders).toBeChecked();
    await reminders.uncheck();
    await page.getByRole("button", { name: "Save choices" }).click();
    await expect(page.getByText("Email choices saved.")).toBeVisible();
    await page.reload();
    await hydrated(page);
    await expect(page.getByRole("button", { name: "Save choices" })).toBeEnabled();
    await expect(page.getByLabel("Reminders before an appointment")).not.toBeChecked();
    await expect(page.getByLabel("When an appointment changes")).toBeChecked();
    await shot(page, "20-settings-phone");
  });

  await test.step("a new calendar address replaces the old one", async () => {
    const field = page.locator("#calendar_url");
    const old = await field.inputValue();
    expect(old).toMatch(/\/calendar\/[0-9a-f]{32}\.ics$/);
    await page.getByRole("button", { name: "Make a new address" }).click();
    await expect(field).not.toHaveValue(old);
    const renewed = await field.inputValue();
    const path = (url: string) => url.slice(url.indexOf("/calendar/"));
    expect((await page.request.get(`${BASE}${path(old)}`)).status()).toBe(404);
    const feed = await page.request.get(`${BASE}${path(renewed)}`);
    expect(feed.status()).toBe(200);
    expect(feed.headers()["content-type"]).toContain("text/calendar");
    expect(await feed.text()).toContain("BEGIN:VCALENDAR");
  });

  await test.step("each appointment can be added to a calendar", async () => {
    await page.goto(`${BASE}/appointments`);
    const link = page.getByRole("link", { name: "Add to calendar" }).first();
    await expect(link).toBeVisible();
    const answer = await page.request.get(`${BASE}${await link.getAttribute("href")}`);
    expect(answer.status()).toBe(200);
    expect(answer.headers()["content-disposition"]).toContain("attachment");
    expect(await answer.text()).toMatch(/BEGIN:VEVENT[^]*UID:appointment-\d+@/);
  });
});

test("a doctor's calendar settings name every wrong field", async ({ newPage }) => {
  const page = await newPage({ viewport: { width: 1280, height: 800 } });
  await logIn(page, "ben@clinic.test", "doctor-ben-1", "/doctor/today");
  await page.goto(`${BASE}/settings`);
  await hydrated(page);
  // The page's own code (a lazily loaded chunk) runs once its buttons are enabled.
  const save = page.getByRole("button", { name: "Save", exact: true });
  await expect(save).toBeEnabled();
  await page.fill("#reminder_hours", "soon");
  await page.fill("#busy_feed_url", "ftp://calendar");
  await save.click();
  await expect(page.getByText("is not a whole number of hours")).toBeVisible();
  await expect(page.getByText("Paste the calendar's address")).toBeVisible();
  await expect(page.locator("#reminder_hours")).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#busy_feed_url")).toHaveAttribute("aria-invalid", "true");
  await shot(page, "21-doctor-calendar-errors");
});
