// Every page of the app, for each role, at a phone and a desktop size, has no accessibility
// violation that axe-core rates serious or critical. Each page is checked once it is hydrated
// and its data has loaded. One test per role and size, failing at its end with the whole list,
// so that one page's violations do not hide another's; every page's full axe result (all
// impacts) is attached to the test.
import type { Page } from "@playwright/test";
import {
  a11yViolations,
  appStarted,
  clickDay,
  describeA11yViolations,
  expect,
  hydrated,
  logIn,
  nextWorkday,
  test,
  trackAppStart,
  waitForCounts,
} from "../support";

interface Visit {
  /** The page's address and state, as the failure lists it. */
  what: string;
  /** Brings the page to the state to check (after the previous visit's). */
  open: (page: Page) => Promise<void>;
  /** Shown once the page's data has loaded (beyond no "Loading…" text). */
  ready?: string;
}

/** Opens `path` (relative to the base URL). */
const at = (path: string, ready?: string): Visit => ({ what: path, open: async (page) => void (await page.goto(path)), ready });

/** Opens `path`, a form, and waits until its submit button works. */
const form = (path: string): Visit => ({
  what: path,
  open: async (page) => {
    await page.goto(path);
    await hydrated(page);
  },
});

const doctorPage: Visit = {
  what: "/doctors/1",
  open: async (page) => {
    await page.goto("/doctors/1");
    await waitForCounts(page);
  },
};
const dayTimes: Visit = {
  what: "/doctors/1 with a day's times",
  open: async (page) => {
    if (!page.url().endsWith("/doctors/1")) await page.goto("/doctors/1");
    await clickDay(page, nextWorkday());
  },
};
const bookingDialog: Visit = {
  what: "/doctors/1 with the booking dialog open",
  open: async (page) => {
    if (!(await page.locator("[data-testid=day-times] button").count())) await dayTimes.open(page);
    await page.locator("[data-testid=day-times] button").first().click();
    await page.waitForSelector("[role=dialog]");
    // The dialog moves the focus into itself on the next frame.
    await page.waitForFunction(() => !!document.activeElement?.closest("[role=dialog]"));
  },
};

const roles: { role: string; logIn?: [email: string, password: string, landing: string]; visits: Visit[] }[] = [
  {
    role: "logged-out",
    visits: [
      at("/", "h1"),
      at("/doctors", "[data-testid=doctor-card]"),
      at("/doctors?q=physio", "[data-testid=doctor-card]"),
      doctorPage,
      dayTimes,
      bookingDialog,
      form("/login"),
      form("/register"),
      { what: "/nope (404)", open: async (page) => void (await page.goto("/nope")) },
    ],
  },
  {
    role: "patient",
    logIn: ["pat@example.test", "patient-pat-1", "/appointments"],
    visits: [at("/appointments", "[data-testid=upcoming]"), bookingDialog, at("/settings", "[data-testid=email-choices]")],
  },
  {
    role: "doctor",
    logIn: ["ada@clinic.test", "doctor-ada-1", "/doctor/today"],
    visits: [
      at("/doctor/today", "[data-testid=day-title]"),
      at("/doctor"),
      at("/doctor/services", "[data-testid=service-form]"),
      at("/doctor/availability", "[data-testid=weekly-hours]"),
      at("/doctor/profile", "[data-testid=profile-form]"),
      at("/insight", "[data-testid=volume-chart]"),
      at("/settings", "[data-testid=doctor-calendar]"),
    ],
  },
  {
    role: "front-desk",
    logIn: ["desk@clinic.test", "desk-dana-1", "/doctor/today"],
    visits: [at("/doctor/today", "[data-testid=day-title]")],
  },
  {
    role: "admin",
    logIn: ["admin@clinic.test", "admin-alex-1", "/admin"],
    visits: [at("/admin", "[data-testid=message-counts]"), at("/insight", "[data-testid=volume-chart]")],
  },
];

const sizes = [
  { size: "phone 390x844", options: { viewport: { width: 390, height: 844 }, isMobile: true } },
  { size: "desktop 1280x800", options: { viewport: { width: 1280, height: 800 } } },
];

/** Hydrated, its data loaded (no "Loading…"), its live feed connected, `ready` shown. */
async function settled(page: Page, ready?: string) {
  await appStarted(page);
  await page.waitForFunction(() => !/Loading|Connecting…|Reconnecting…|Sending…/.test(document.body.innerText));
  if (ready) await page.locator(ready).first().waitFor();
  // Two frames: whatever the last data put on the page is laid out (colours, sizes).
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
}

for (const { size, options } of sizes) {
  for (const { role, logIn: account, visits } of roles) {
    test(`${role} pages at ${size} have no serious or critical accessibility violations`, async ({ newPage }) => {
      test.slow(); // a log-in and up to nine pages, each checked by axe
      const page = await newPage(options);
      await trackAppStart(page);
      if (account) await logIn(page, ...account);
      const found: string[] = [];
      for (const visit of visits) {
        const what = `${role} ${visit.what} at ${size}`;
        try {
          await visit.open(page);
          await settled(page, visit.ready);
        } catch (error) {
          // Still checked as it is: a page that never settles is worth a look too.
          found.push(`${what}: did not settle (${String(error).split("\n")[0]}); checked as it was`);
        }
        try {
          found.push(...describeA11yViolations(what, await a11yViolations(page, what)));
        } catch (error) {
          found.push(`${what}: axe could not run (${String(error).split("\n")[0]})`);
        }
      }
      expect(found.length, `serious or critical accessibility violations:\n${found.join("\n")}`).toBe(0);
    });
  }
}
