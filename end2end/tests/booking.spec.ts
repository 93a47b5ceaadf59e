// One user story: a patient books; sees it pending; the doctor confirms; the patient sees it
// confirmed; a second patient no longer sees that time; the first patient reschedules and
// the old time is offered again while the new one is not.
import {
  BASE,
  clickDay,
  expect,
  logIn,
  nextWorkday,
  offeredTimes,
  openCalendar,
  register,
  shot,
  test,
  uniqueEmail,
} from "../support";

test("a booking is confirmed by the doctor, hides its time from others and can be rescheduled", async ({ newPage }) => {
  test.slow(); // several people, many page loads, on a debug build
  const day = nextWorkday();
  // Unique per run, so that the doctor's dashboard shows exactly one row for this patient.
  const tag = Array.from({ length: 6 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join("");
  const name = `Erin Example ${tag}`;
  const patient = await newPage();
  const second = await newPage();
  let start = "";
  let moved = "";

  await test.step("the patient books a free time", async () => {
    await register(patient, name, uniqueEmail("erin"));
    await openCalendar(patient);
    await clickDay(patient, day);
    const slot = patient.locator("[data-testid=day-times] button").first();
    start = (await slot.getAttribute("data-start")) ?? "";
    expect(start, "a free time has its start").not.toBe("");
    await slot.click();
    await patient.waitForSelector("[role=dialog]");
    await shot(patient, "2-confirm");
    await patient.click("[data-testid=confirm] button[type=submit]");
    await patient.getByText("pending the doctor's confirmation").waitFor();
    // The month reloads after the booking; the booked time must go.
    await patient.locator(`[data-start="${start}"]`).waitFor({ state: "detached", timeout: 10000 });
  });

  await test.step("the patient sees it pending", async () => {
    await patient.goto(`${BASE}/appointments`);
    const card = patient.locator("[data-testid=upcoming] [data-testid=appointment]").first();
    await card.locator("[data-status=pending]").waitFor();
    await shot(patient, "3-pending");
  });

  await test.step("the doctor confirms it from the dashboard", async () => {
    const doctor = await newPage();
    await logIn(doctor, "ada@clinic.test", "doctor-ada-1", "/doctor/today");
    await doctor.goto(`${BASE}/doctor`);
    const row = doctor.locator("[data-testid=appointment]", { hasText: name });
    await row.locator("[data-status=pending]").waitFor();
    await shot(doctor, "4-dashboard");
    await row.locator("button[data-action=confirm]").click();
    // The toast too: the live update can reload the list (and drop the row that sent the
    // change) before the answer arrives; the answer's message must still be shown.
    await doctor.getByText("is now confirmed").waitFor();
    await row.locator("[data-status=confirmed]").waitFor();
  });

  await test.step("the patient sees it confirmed", async () => {
    await patient.reload();
    await patient.locator("[data-testid=upcoming] [data-status=confirmed]").waitFor();
    await shot(patient, "5-confirmed");
  });

  await test.step("a second patient no longer sees that time", async () => {
    await register(second, "Sam Second", uniqueEmail("sam"));
    await openCalendar(second);
    await clickDay(second, day);
    const offered = await offeredTimes(second);
    expect(offered.length, "other times are still offered").toBeGreaterThan(1);
    expect(offered, `${start} must not be offered again`).not.toContain(start);
    await shot(second, "6-second-patient");
  });

  await test.step("the first patient reschedules; the old time is free again", async () => {
    await patient.goto(`${BASE}/appointments`);
    await patient.locator("[data-testid=upcoming] a[data-action=reschedule]").first().click();
    await patient.waitForURL(/reschedule=/);
    await clickDay(patient, day);
    // The day's last time: far enough from the old one that the two cannot overlap.
    const later = patient.locator("[data-testid=day-times] button").last();
    moved = (await later.getAttribute("data-start")) ?? "";
    expect(moved, "a free time has its start").not.toBe("");
    await later.click();
    await patient.getByText("Move your appointment").waitFor();
    await patient.fill("#confirm-text", "A meeting came up");
    await patient.click("[data-testid=confirm] button[type=submit]");
    await patient.waitForURL(`${BASE}/appointments`);
    await patient.locator(`[data-testid=upcoming] time[datetime="${moved}"]`).first().waitFor();
    await shot(patient, "7-rescheduled");
    await clickDay(second, day);
    const now = await offeredTimes(second);
    expect(now, `the old time ${start} is offered again`).toContain(start);
    expect(now, `the new time ${moved} is taken`).not.toContain(moved);
  });
});
