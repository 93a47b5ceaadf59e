// The doctor page (with the calendar and a day's times) and the home page at phone, tablet
// and desktop sizes. On a phone: no horizontal scrolling and finger-sized (44x44 CSS px)
// day and time buttons. Screenshots of every size go to end2end/screenshots/.
import { BASE, clickDay, expectNoHorizontalScroll, expectTouchTargets, nextWorkday, openCalendar, shot, test } from "../support";

test("phone-sized doctor and home pages fit the screen and have finger-sized buttons", async ({ newPage }) => {
  const small = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
  await openCalendar(small);
  await shot(small, "8-phone");
  await expectNoHorizontalScroll(small, "doctor page at 390x844");
  await expectTouchTargets(small, "[data-day]", "calendar day buttons");

  await clickDay(small, nextWorkday());
  await shot(small, "8-phone-times");
  await expectNoHorizontalScroll(small, "doctor page with a day's times at 390x844");
  await expectTouchTargets(small, "[data-testid=day-times] button", "time buttons");

  await small.goto(`${BASE}/`);
  await shot(small, "8-phone-home");
  await expectNoHorizontalScroll(small, "home page at 390x844");
});

for (const [size, viewport] of [
  ["tablet", { width: 820, height: 1180 }],
  ["desktop", { width: 1280, height: 800 }],
] as const) {
  test(`${size}-sized (${viewport.width}x${viewport.height}) doctor and home pages`, async ({ newPage }) => {
    const page = await newPage({ viewport });
    await openCalendar(page);
    await clickDay(page, nextWorkday());
    await shot(page, `9-${size}`);
    await expectNoHorizontalScroll(page, `doctor page at ${size} size`);
    await page.goto(`${BASE}/`);
    await shot(page, `9-${size}-home`);
    await expectNoHorizontalScroll(page, `home page at ${size} size`);
  });
}
