// The month calendar works from the keyboard: PageDown/PageUp change the month, the arrow
// keys move the focus day by day (across months), Enter chooses the day.
import { expect, focusedDay, nextWorkday, openCalendar, register, shot, test, uniqueEmail, waitForCounts } from "../support";

test("a patient moves through the month calendar with the keyboard and chooses a day", async ({ newPage }) => {
  const day = nextWorkday();
  const patient = await newPage();
  await register(patient, "Erin Example", uniqueEmail("erin-keys"));
  await openCalendar(patient);
  await shot(patient, "1-calendar");

  await patient.focus("[data-day][tabindex='0']");
  const month = await patient.textContent("#calendar-month");
  await patient.keyboard.press("PageDown");
  await patient.waitForFunction((m) => document.querySelector("#calendar-month")!.textContent !== m, month);
  await patient.keyboard.press("PageUp");
  await patient.waitForFunction((m) => document.querySelector("#calendar-month")!.textContent === m, month);

  await patient.focus("[data-day][tabindex='0']");
  for (let i = 0; i < 40 && (await focusedDay(patient)) !== day; i++) {
    const before = await focusedDay(patient);
    await patient.keyboard.press("ArrowRight");
    // Focus moves on the next animation frame (after a month change, once it renders).
    await patient.waitForFunction((b) => {
      const now = (document.activeElement as HTMLElement | null)?.dataset?.day;
      return now && now !== b;
    }, before);
    await waitForCounts(patient);
  }
  expect(await focusedDay(patient), "the arrow keys reach the day").toBe(day);
  await patient.keyboard.press("Enter");
  await patient.waitForSelector("[data-testid=day-times] button");
  const label = await patient.getAttribute(`[data-day="${day}"]`, "aria-label");
  expect(label, "the day announces its free times").toMatch(/\d+ free times?/);
});
