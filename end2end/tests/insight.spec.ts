// Insight as a doctor and an admin see it: the figures on the page are the server's, the
// charts are drawn, the CSV downloads with one line per day, and an admin sees every doctor.
// Also the desk booking a walk-in into one of today's free times.
import { expect, logIn, shot, test } from "../support";

/** The last 30 days up to a week ahead, as the page's address and the API take them. */
function range() {
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  return { from: day(-29), to: day(7) };
}

test("a doctor's Insight shows the server's figures, charts and a CSV download", async ({ newPage }) => {
  const page = await newPage();
  await logIn(page, "ada@clinic.test", "doctor-ada-1", "/doctor/today");
  const { from, to } = range();
  const reply = await page.request.post("/api/insight", { data: { from, to } });
  expect(reply.status()).toBe(200);
  const report = await reply.json();
  expect(report.totals.booked).toBeGreaterThan(0);

  await page.goto(`/insight?from=${from}&to=${to}`);
  const cards = page.getByTestId("insight-cards");
  await expect(cards).toContainText(`Appointments${report.totals.booked}`);
  await expect(page.getByTestId("volume-chart").locator("rect")).not.toHaveCount(0);
  await expect(page.getByTestId("busiest-hours")).toBeVisible();
  await expect(page.getByTestId("lead-times")).toContainText("7–14 days");
  await expect(page.locator("#insight-from")).toHaveValue(from);

  const download = page.waitForEvent("download");
  await page.getByTestId("insight-csv").click();
  const file = await download;
  expect(file.suggestedFilename()).toBe(`insight-${from}-to-${to}.csv`);
  const text = await (await file.createReadStream()).toArray();
  const lines = Buffer.concat(text).toString("utf8").trim().split("\r\n");
  expect(lines[0]).toMatch(/^date,booked,/);
  expect(lines.length).toBe(report.days.length + 1);

  await page.getByRole("button", { name: "Last 7 days" }).click();
  await expect(page).toHaveURL(/from=.*&to=/);
  await expect(page.getByTestId("insight-range")).not.toContainText(from.slice(8));

  for (const [size, viewport] of [
    ["phone", { width: 390, height: 844 }],
    ["tablet", { width: 820, height: 1180 }],
    ["desktop", { width: 1440, height: 900 }],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.goto(`/insight?from=${from}&to=${to}`);
    await expect(page.getByTestId("volume-chart")).toBeVisible();
    await shot(page, `11-insight-${size}`);
  }
});

test("an admin's Insight covers every doctor, and the front desk has none", async ({ newPage }) => {
  const admin = await newPage();
  await logIn(admin, "admin@clinic.test", "admin-alex-1", "/admin");
  const { from, to } = range();
  await admin.goto(`/insight?from=${from}&to=${to}`);
  const table = admin.getByTestId("doctor-table");
  await expect(table).toContainText("Dr. Ada Lindqvist");
  await expect(table).toContainText("Dr. Ben Okafor");
  await admin.selectOption("#insight-doctor", { label: "Dr. Ben Okafor" });
  await expect(admin).toHaveURL(/doctor=\d+/);
  await expect(table).toHaveCount(0);

  const desk = await newPage();
  await logIn(desk, "desk@clinic.test", "desk-dana-1", "/doctor/today");
  expect((await desk.request.post("/api/insight", { data: { from, to } })).status()).toBe(403);
});

test("the desk books a walk-in into one of today's free times", async ({ newPage }) => {
  const desk = await newPage();
  await logIn(desk, "desk@clinic.test", "desk-dana-1", "/doctor/today");
  // Ada's own times today depend on the clock; extra hours from soon until late make sure
  // there are some (unless it is nearly midnight in Berlin, when there is no today left).
  const ada = await newPage();
  await logIn(ada, "ada@clinic.test", "doctor-ada-1", "/doctor/today");
  const berlin = new Date().toLocaleString("sv-SE", { timeZone: "Europe/Berlin" });
  const [today, clock] = berlin.split(" ");
  const hour = Number(clock.slice(0, 2));
  test.skip(hour >= 22, "less than two hours of the day left in Berlin");
  const start = `${String(hour + 1).padStart(2, "0")}:00`;
  const added = await ada.request.post("/api/doctor/add_extra_hours", {
    data: { day: today, hours: `${start}-23:30` },
  });
  expect([200, 409, 422]).toContain(added.status()); // not 200: added by an earlier run

  await desk.goto("/doctor/today");
  await expect(desk.getByTestId("live-status")).toHaveAttribute("data-state", "live");
  const name = `Walter Walk-in ${Date.now().toString(36)}`;
  await desk.fill("#walk-in-name", name);
  await desk.getByTestId("placement-free-time").check();
  await desk.getByTestId("walk-in-service").selectOption({ index: 1 });
  const first = desk.locator("[data-testid=walk-in-times] button").first();
  const time = (await first.textContent())!.trim();
  await first.click();
  await expect(first).toHaveAttribute("aria-pressed", "true");
  await desk.getByRole("button", { name: "Book and check in" }).click();
  await desk.getByText(`${name} is booked at ${time} and checked in.`).waitFor();
  const visit = desk.locator("[data-testid=visit]", { hasText: name });
  await expect(visit).toHaveAttribute("data-status", "arrived");
  await expect(desk.locator("[data-testid=waiting]")).toContainText(name);
  await shot(desk, "12-walk-in-booked");
});
