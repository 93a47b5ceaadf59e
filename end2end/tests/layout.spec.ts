// The doctor page (with the calendar and a day's times) and the home page at phone, tablet
// and desktop sizes. On a phone: no horizontal scrolling and finger-sized (44x44 CSS px)
// day and time buttons. Screenshots of every size go to end2end/screenshots/.
import { BASE, clickDay, expect, expectNoHorizontalScroll, expectTouchTargets, hydrated, logIn, nextWorkday, openCalendar, shot, test } from "../support";

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

test("a doctor's many pages sit behind a menu on a phone, in the bar on a desktop", async ({ newPage }) => {
  const phone = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await logIn(phone, "ada@clinic.test", "doctor-ada-1", "/doctor/today");
  await hydrated(phone);
  const bar = phone.getByRole("navigation", { name: "Main" });
  const height = (await bar.boundingBox())?.height ?? 0;
  expect(height, "the bar is one row on a phone").toBeLessThan(70);
  await expect(bar.getByRole("link", { name: "Services" })).toBeHidden();
  const menu = phone.getByTestId("nav-menu");
  await menu.getByText("Menu").click();
  await expect(menu).toHaveAttribute("open");
  await expectTouchTargets(phone, "[data-testid=nav-menu] a", "menu links");
  await shot(phone, "22-doctor-menu-phone");
  await menu.getByRole("link", { name: "Services" }).click();
  await expect(phone).toHaveURL(`${BASE}/doctor/services`);
  await expect(menu).not.toHaveAttribute("open");
  await expectNoHorizontalScroll(phone, "a doctor's page at 390x844");

  // Escape closes it and leaves the keyboard on the button.
  await menu.getByText("Menu").click();
  await expect(menu.getByRole("button", { name: "Log out" })).toBeVisible();
  await phone.keyboard.press("Escape");
  await expect(menu).not.toHaveAttribute("open");
  await expect.poll(() => phone.evaluate(() => document.activeElement?.id)).toBe("nav-menu-button");

  const desktop = await newPage({ viewport: { width: 1280, height: 800 } });
  await logIn(desktop, "ada@clinic.test", "doctor-ada-1", "/doctor/today");
  await expect(desktop.getByTestId("nav-menu")).toBeHidden();
  const wide = desktop.getByRole("navigation", { name: "Main" });
  for (const name of ["Today", "Appointments", "Services", "Availability", "Profile", "Insight", "Settings"]) {
    await expect(wide.getByRole("link", { name, exact: true })).toBeVisible();
  }
  await expect(wide.getByRole("button", { name: "Log out" })).toBeVisible();
});
