// What the end-to-end tests share: a `newPage` fixture for the several people a test plays
// (each in a browser context of their own, closed after the test), and the steps they take.
import { test as base, expect, type BrowserContext, type BrowserContextOptions, type Page } from "@playwright/test";
import type { NodeResult, Result } from "axe-core";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BASE, SHOTS, ZONE } from "./env";

export { expect };
export { BASE, ZONE };

export const test = base.extend<{ newPage: (options?: BrowserContextOptions) => Promise<Page> }>({
  newPage: async ({ browser }, use) => {
    const contexts: BrowserContext[] = [];
    // Anything the Content-Security-Policy blocked fails the test: the page would be broken.
    const blocked: string[] = [];
    await use(async (options = {}) => {
      // Options not given here come from the config's `use` (zone, viewport, base URL).
      const context = await browser.newContext(options);
      contexts.push(context);
      const page = await context.newPage();
      page.on("console", (message) => {
        if (message.type() === "error") console.error(`  [browser] ${message.text()}`);
        if (/Content Security Policy|sandboxed/.test(message.text())) blocked.push(message.text());
      });
      return page;
    });
    for (const context of contexts) await context.close();
    expect(blocked, "requests or scripts blocked by the Content-Security-Policy").toEqual([]);
  },
});

/** Saves a full-page screenshot to end2end/screenshots/NAME.png, for people to look at. */
export async function shot(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** An email address no other test (or earlier run on the same server) has used. */
export function uniqueEmail(name: string) {
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  return `${name}-${tag}@example.test`;
}

/**
 * The next weekday at least two days ahead in the doctor's zone, as YYYY-MM-DD (the demo
 * doctors work weekdays). Both the weekday and the date are taken in ZONE: today's date
 * there, then plain calendar arithmetic on that date (UTC methods on a UTC midnight, so that
 * neither the machine's zone nor a DST change can shift it).
 */
export function nextWorkday(now: Date = new Date()) {
  const today = now.toLocaleDateString("en-CA", { timeZone: ZONE }); // YYYY-MM-DD in ZONE
  const day = new Date(`${today}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + 2);
  while (day.getUTCDay() === 0 || day.getUTCDay() === 6) day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

export async function hydrated(page: Page) {
  // The app marks the page once it runs there (forms work before, as plain posts).
  await page.waitForSelector("html[data-hydrated]", { state: "attached" });
}

export async function register(page: Page, name: string, email: string, base = BASE) {
  await page.goto(`${base}/register`);
  await hydrated(page);
  await page.fill("#name", name);
  await page.fill("#email", email);
  await page.fill("#password", "a long password");
  await page.click("button[type=submit]");
  await page.waitForURL(`${base}/appointments`);
}

/** Logs in with the log-in form and waits for the role's start page, `landing`. */
export async function logIn(page: Page, email: string, password: string, landing: string, base = BASE) {
  await page.goto(`${base}/login`);
  await hydrated(page);
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click("button[type=submit]");
  await page.waitForURL(`${base}${landing}`);
}

/** Opens Dr. Ada's profile from the directory and waits for the calendar's free times. */
export async function openCalendar(page: Page, base = BASE) {
  await page.goto(`${base}/doctors?q=general`);
  await page.getByRole("link", { name: "Dr. Ada Lindqvist" }).click();
  await page.waitForURL(/\/doctors\/\d+/);
  await waitForCounts(page);
}

/** The calendar has loaded its month when a day announces its free times. */
export async function waitForCounts(page: Page) {
  await page.waitForSelector("[data-day][aria-label*='free time']");
}

/** Chooses `day` (YYYY-MM-DD) with a click and waits for its times. */
export async function clickDay(page: Page, day: string) {
  await page.goto(page.url());
  await waitForCounts(page);
  while (!(await page.locator(`[data-day="${day}"]`).count())) {
    await page.getByRole("button", { name: "Next month" }).click();
  }
  await page.click(`[data-day="${day}"]`);
  await page.waitForSelector("[data-testid=day-times] button");
}

export async function offeredTimes(page: Page) {
  return page
    .locator("[data-testid=day-times] button")
    .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.start));
}

export const focusedDay = (page: Page) =>
  page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset?.day);

/** No horizontal scrolling: the page is no wider than the window (and the viewport). */
export async function expectNoHorizontalScroll(page: Page, what: string) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  const viewport = page.viewportSize()!.width;
  expect(scrollWidth, `${what}: ${scrollWidth}px of content in a ${innerWidth}px window`).toBeLessThanOrEqual(innerWidth);
  expect(scrollWidth, `${what}: ${scrollWidth}px of content in a ${viewport}px viewport`).toBeLessThanOrEqual(viewport);
}

/** Every element `selector` matches is at least 44x44 CSS px, a finger's touch target. */
export async function expectTouchTargets(page: Page, selector: string, what: string) {
  const targets = await page.locator(selector).all();
  expect(targets.length, `${what}: some on the page`).toBeGreaterThan(0);
  const tooSmall: string[] = [];
  for (const target of targets) {
    const box = await target.boundingBox();
    // Hundredths of a pixel: sub-pixel layout must not fail a 44px box.
    if (!box || box.width < 43.99 || box.height < 43.99) {
      const id = (await target.getAttribute("data-day")) ?? (await target.getAttribute("data-start")) ?? selector;
      tooSmall.push(`${id}: ${box ? `${box.width.toFixed(1)}x${box.height.toFixed(1)}` : "not visible"}`);
    }
  }
  expect(tooSmall, `${what} smaller than 44x44 CSS px`).toEqual([]);
}

/**
 * Call before the first `goto`: marks `window.__appStarted` once the app's WASM module is
 * instantiated. Leptos hydrates in the promise callbacks right after that, in the same task,
 * so a page that `appStarted` sees is hydrated, even one without a submit button.
 */
export async function trackAppStart(page: Page) {
  await page.addInitScript(() => {
    const wasm = WebAssembly as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    for (const name of ["instantiateStreaming", "instantiate"]) {
      const original = wasm[name];
      if (typeof original !== "function") continue;
      wasm[name] = function (this: unknown, ...args: unknown[]) {
        const started = original.apply(this, args);
        started.then(
          () => ((window as unknown as { __appStarted?: boolean }).__appStarted = true),
          () => undefined,
        );
        return started;
      };
    }
  });
}

/** Waits until the app runs in the page (see `trackAppStart`, which must come first). */
export async function appStarted(page: Page) {
  await page.waitForFunction(() => (window as unknown as { __appStarted?: boolean }).__appStarted === true);
}

/** axe-core's browser build, read once; see `a11yViolations`. */
let axeSource: string | undefined;

/** Impacts that fail `expectNoSeriousA11yViolations`. */
export const SERIOUS_IMPACTS = ["serious", "critical"];

/**
 * Runs axe-core on the page as it is now and returns its violations (every impact). The whole
 * result is attached to the test as `axe <what>.json`. axe is evaluated through the DevTools
 * protocol, not added as a <script>: the page's Content-Security-Policy would block that.
 */
export async function a11yViolations(page: Page, what: string): Promise<Result[]> {
  axeSource ??= readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: typeof import("axe-core") }).axe;
    return (await axe.run(document, { resultTypes: ["violations"] })).violations;
  });
  await test.info().attach(`axe ${what}.json`, {
    body: JSON.stringify({ what, url: page.url(), viewport: page.viewportSize(), violations }, null, 2),
    contentType: "application/json",
  });
  return violations;
}

/** One readable line per violation with `impacts`, then its first `examples` elements. */
export function describeA11yViolations(what: string, violations: Result[], impacts = SERIOUS_IMPACTS, examples = 3) {
  const node = (n: NodeResult) => {
    const html = n.html.replace(/\s+/g, " ");
    return `      ${n.target.join(" ")}  ${html.length > 200 ? `${html.slice(0, 200)}…` : html}`;
  };
  return violations
    .filter((v) => impacts.includes(v.impact ?? ""))
    .map((v) =>
      [
        `${what}: [${v.impact}] ${v.id}: ${v.help} (${v.nodes.length} element${v.nodes.length === 1 ? "" : "s"}; ${v.helpUrl})`,
        ...v.nodes.slice(0, examples).map(node),
        ...(v.nodes.length > examples ? [`      … and ${v.nodes.length - examples} more`] : []),
      ].join("\n"),
    );
}

/**
 * The page as it is now has no axe-core violation of serious or critical impact. A soft
 * assertion: the test goes on and fails at its end, with every page's violations.
 */
export async function expectNoSeriousA11yViolations(page: Page, what: string) {
  const found = describeA11yViolations(what, await a11yViolations(page, what));
  expect.soft(found.length, `serious or critical accessibility violations:\n${found.join("\n")}`).toBe(0);
}
