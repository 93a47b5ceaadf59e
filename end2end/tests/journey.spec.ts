// The patient's journey on a phone: the public pages and log-in with JavaScript off; with
// it on, a choice that survives logging in inside the booking dialog, a network failure
// that keeps the screen (with Retry), and a dialog that keeps the keyboard inside it.
import { BASE, expect, hydrated, nextWorkday, openCalendar, shot, test, waitForCounts } from "../support";

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

/** A weekday about three weeks ahead (YYYY-MM-DD): away from the days other tests book;
 * `after` weekdays later than that. */
function laterWorkday(after = 0) {
  const day = new Date(`${nextWorkday()}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + 21);
  for (let left = after; ; left--) {
    while (day.getUTCDay() === 0 || day.getUTCDay() === 6) day.setUTCDate(day.getUTCDate() + 1);
    if (left === 0) return day.toISOString().slice(0, 10);
    day.setUTCDate(day.getUTCDate() + 1);
  }
}

test("without JavaScript: the directory, a profile's free times and log-in work", async ({ newPage }) => {
  const page = await newPage({ ...PHONE, javaScriptEnabled: false });

  await test.step("the directory lists doctors and searches with a plain form", async () => {
    await page.goto(`${BASE}/doctors`);
    await expect(page).toHaveTitle("Find a doctor · Appointments");
    await expect(page.getByTestId("doctor-card")).toHaveCount(2);
    // Chromium's script switch leaves <noscript> parsed as text, so read it from the page.
    expect(await page.content()).toMatch(/<noscript>[^]*JavaScript is off/);
    await page.fill("#q", "physio");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(/\/doctors\?q=physio/);
    await expect(page.getByTestId("doctor-card")).toHaveCount(1);
    await shot(page, "16-nojs-directory");
  });

  await test.step("a profile shows the next free times as links", async () => {
    await page.goto(`${BASE}/doctors/1`);
    await expect(page).toHaveTitle(/^Dr\. Ada Lindqvist, General practice/);
    const links = page.locator("[data-testid=next-free-times] a[data-free-start]");
    expect(await links.count()).toBeGreaterThan(0);
    expect(await page.content()).toMatch(/<noscript>[^]*Booking on the calendar needs JavaScript/);
    await shot(page, "17-nojs-profile");
  });

  await test.step("a wrong password keeps the email; the right one logs in and goes back", async () => {
    await page.goto(`${BASE}/login?next=/doctors/1`);
    await page.fill("#email", "pat@example.test");
    await page.fill("#password", "not the password");
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.getByText("That email and password do not match an account.")).toBeVisible();
    await expect(page.locator("#email")).toHaveValue("pat@example.test");
    await page.fill("#password", "patient-pat-1");
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page).toHaveURL(`${BASE}/doctors/1`);
    await expect(page.getByRole("link", { name: "My appointments" })).toBeVisible();
  });
});

test("logging in inside the booking dialog keeps the service, day and time", async ({ newPage }) => {
  test.slow();
  const page = await newPage(PHONE);
  const day = laterWorkday();
  await openCalendar(page);
  await hydrated(page);
  // The second service, so that a reset to the first would show.
  const second = page.locator("input[name=calendar-service]").nth(1);
  await second.check();
  const service = await second.getAttribute("value");
  await waitForCounts(page);
  while (!(await page.locator(`[data-day="${day}"]`).count())) {
    await page.getByRole("button", { name: "Next month" }).click();
  }
  await page.click(`[data-day="${day}"]`);
  await page.waitForSelector("[data-testid=day-times] button");
  const time = page.locator("[data-testid=day-times] button").first();
  const start = await time.getAttribute("data-start");
  await time.click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByTestId("dialog-login")).toBeVisible();
  await shot(page, "18-dialog-log-in");
  // Registering elsewhere brings this very choice back.
  const register = dialog.getByRole("link", { name: "Create an account" });
  expect(decodeURIComponent((await register.getAttribute("href")) ?? "")).toContain(`service=${service}&start=${start}`);

  await dialog.locator("#dialog-email").fill("pat@example.test");
  await dialog.locator("#dialog-password").fill("patient-pat-1");
  await dialog.getByRole("button", { name: "Log in" }).click();
  await expect(dialog.getByRole("button", { name: "Request appointment" })).toBeVisible();
  await expect(page.locator("input[name=calendar-service]").nth(1)).toBeChecked();
  await expect(dialog).toContainText(await time.innerText().then((t) => t.split("\n")[0]));
  await dialog.getByRole("button", { name: "Request appointment" }).click();
  await page.getByText("pending the doctor's confirmation").waitFor();

  await page.goto(`${BASE}/appointments`);
  const booked = page.locator("[data-testid=upcoming] [data-testid=appointment]").first();
  await expect(booked).toBeVisible();
});

test("a free-time link opens its confirmation; the dialog keeps the keyboard inside", async ({ newPage }) => {
  const page = await newPage();
  await page.goto(`${BASE}/doctors/1`);
  await hydrated(page);
  const link = page.locator("[data-testid=next-free-times] a[data-free-start]").first();
  const start = await link.getAttribute("data-free-start");
  await link.click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`start=${start}`));

  // Tab and Shift+Tab go round inside the dialog.
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press(i % 3 === 2 ? "Shift+Tab" : "Tab");
    const inside = await page.evaluate(() => !!document.activeElement?.closest("#confirm-dialog"));
    expect(inside, `focus inside the dialog after ${i + 1} presses`).toBe(true);
  }
  // Escape closes it from a field inside, and the focus goes back to the time.
  await dialog.locator("#dialog-email").focus();
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  const focusedTime = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset?.start);
  // The focus moves on the next frame.
  await expect.poll(focusedTime).toBe(start);

  // Someone else books another time that day: the list is rebuilt live, the keyboard stays.
  const day = laterWorkday(1);
  while (!(await page.locator(`[data-day="${day}"]`).count())) {
    await page.getByRole("button", { name: "Next month" }).click();
  }
  await page.click(`[data-day="${day}"]`);
  const times = page.locator("#day-times button[data-start]");
  await expect(times.nth(1)).toBeVisible();
  // An earlier time goes (and those its length overlaps): the list shifts under the last.
  const taken = await times.first().getAttribute("data-start");
  const kept = await times.last().getAttribute("data-start");
  await times.last().focus();
  const quinn = await newPage();
  const login = { email: "quinn@example.test", password: "patient-quinn-1" };
  expect((await quinn.request.post(`${BASE}/api/login`, { data: login })).ok()).toBe(true);
  const service = await page.locator("input[name=calendar-service]:checked").getAttribute("value");
  const booked = await quinn.request.post(`${BASE}/api/book`, {
    data: { doctor_id: 1, service_id: Number(service), starts_at: taken, notes: "" },
  });
  expect(booked.status(), await booked.text()).toBe(200);
  await expect(page.locator(`#day-times button[data-start="${taken}"]`)).toHaveCount(0);
  await expect.poll(focusedTime).toBe(kept);
});

test("a network failure keeps the calendar on screen, and Retry loads it", async ({ newPage }) => {
  const page = await newPage(PHONE);
  await openCalendar(page);
  await hydrated(page);
  await page.route("**/api/free_times", (route) => route.abort("internetdisconnected"));
  // Another service: its months are not loaded yet, so the calendar asks the server.
  await page.locator("input[name=calendar-service]").nth(2).check();
  const notice = page.getByTestId("error-notice");
  await expect(notice).toContainText("You're offline");
  await expect(notice).not.toContainText("TypeError");
  // The calendar is still there, with the month's days, not an error page.
  await expect(page.locator("[data-day]").first()).toBeVisible();
  await expect(page.locator("#calendar-month")).toBeVisible();
  await shot(page, "19-phone-network-error");
  await page.unroute("**/api/free_times");
  await notice.getByRole("button", { name: "Retry" }).click();
  await expect(page.getByTestId("error-notice")).toHaveCount(0);
  await page.waitForSelector("[data-day][aria-label*='free time']");
});
