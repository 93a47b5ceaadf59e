#!/usr/bin/env node
// What a patient gets on a phone: first contentful paint of the public pages, how long until
// the booking calendar shows a day's free times after a tap, and the bytes the doctor page
// costs, on an emulated mid-range phone (4x slower CPU, "fast 4G", and "3G" for one figure).
// The results go in docs/performance.md; the markdown is printed on stdout, progress on stderr.
//
//   node scripts/phone-profile.mjs <base-url> [runs=5]
//
// It needs an app already running at <base-url> with the demo data (SEED_DEMO_DATA=1): doctor
// 1 is Dr. Ada Lindqvist, with services and free weekday times in the coming weeks. Chromium is
// Debian's (/usr/bin/chromium); playwright-core comes from this repository's node_modules.
import { chromium } from "playwright-core";

// --- What a patient sees and taps ----------------------------------------------------------
// Kept here, and scoped to the calendar where it matters, so that other lists of times on the
// page (say, the next free times as links above the calendar) cannot be mistaken for the
// calendar's answer.
const CALENDAR = "[data-testid=calendar]";
const DAY = `${CALENDAR} button[data-day]`;
// A day with free times; days without are muted and marked aria-disabled="true".
const FREE_DAY = `${DAY}[aria-disabled=false]`;
// While a month's free times are on their way its days are labelled "…, loading".
const LOADING_DAY = `${DAY}[aria-label*=loading i]`;
const NEXT_MONTH = `${CALENDAR} button[aria-label="Next month"]`;
// A tapped day's times. Buttons already there before the tap are marked and ignored, so the
// wait ends only on times the tap brought.
const DAY_TIME = "[data-testid=day-times] button";
const SEEN_BEFORE_TAP = "data-phone-profile-before-tap";

const PAGES = ["/", "/doctors", "/doctors/1"];
const DOCTOR_PAGE = "/doctors/1";

// --- The phone ---------------------------------------------------------------------------------
const CPU_SLOWDOWN = 4;
const mbit = (n) => Math.round((n * 1_000_000) / 8); // Mbit/s (SI) to bytes/s, as CDP wants
const NETWORKS = {
  "fast 4G": { rttMs: 150, downMbit: 9, upMbit: 1.5 },
  "3G": { rttMs: 300, downMbit: 1.6, upMbit: 0.75 },
};
const conditions = ({ rttMs, downMbit, upMbit }) => ({
  offline: false,
  latency: rttMs,
  downloadThroughput: mbit(downMbit),
  uploadThroughput: mbit(upMbit),
});

const CHROMIUM = "/usr/bin/chromium";
const POLL_MS = 50;
const VISIT_TIMEOUT_MS = 90_000;
// The page counts as done with the network after this long without a request starting or
// finishing (the live-updates stream stays open and is not waited for).
const QUIET_MS = 2_000;
const MAX_MONTH_STEPS = 3;

// --- Small helpers -------------------------------------------------------------------------

const sleep = (delay) => new Promise((resolve) => setTimeout(resolve, delay));
const log = (...args) => console.error(...args);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const ms = (v) => `${Math.round(v).toLocaleString("en-US")} ms`;
const kib = (v) => `${(v / 1024).toFixed(1)} KiB`;

// --- One visit on a fresh phone ------------------------------------------------------------

/** A fresh context (cold HTTP cache, no service worker) set up as the phone on `network`. */
async function openPhone(browser, network, problems) {
  const major = browser.version().split(".")[0];
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 3,
    isMobile: true,
    hasTouch: true,
    timezoneId: "Europe/Berlin",
    // Chrome on Android rather than desktop Linux, in case the server or the page look at it.
    userAgent: `Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${major}.0.0.0 Mobile Safari/537.36`,
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const net = conditions(NETWORKS[network]);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU_SLOWDOWN });
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", net);

  const traffic = { page: 0, worker: 0, workerSpan: null, lastActivity: Date.now(), resources: new Map() };
  cdp.on("Network.requestWillBeSent", () => (traffic.lastActivity = Date.now()));
  cdp.on("Network.responseReceived", ({ requestId, response }) =>
    traffic.resources.set(requestId, { url: response.url, encoding: headerValue(response.headers, "content-encoding"), bytes: 0 }),
  );
  cdp.on("Network.loadingFinished", ({ requestId, encodedDataLength }) => {
    traffic.page += encodedDataLength;
    traffic.lastActivity = Date.now();
    const resource = traffic.resources.get(requestId);
    if (resource) resource.bytes = encodedDataLength;
  });

  // The service worker, which on a first visit precaches the whole build, is another target:
  // the page's network emulation does not reach it, and it cannot be throttled reliably
  // (Playwright resumes a new worker before another CDP client can set its network). So its
  // downloads run at localhost speed, where a phone would share the link with the page: they
  // are counted, and when they ran is kept (epoch ms), to see whether they overlap the page's.
  context.on("request", (r) => {
    if (!r.serviceWorker()) return;
    traffic.lastActivity = Date.now();
    traffic.workerSpan ??= [Date.now(), Date.now()];
  });
  context.on("requestfinished", async (r) => {
    if (!r.serviceWorker()) return;
    traffic.lastActivity = Date.now();
    if (traffic.workerSpan) traffic.workerSpan[1] = Date.now();
    const sizes = await r.sizes().catch(() => null);
    if (sizes) traffic.worker += sizes.responseHeadersSize + sizes.responseBodySize;
  });

  // Errors while the page is measured; requests cut off by closing the context are not.
  let recording = true;
  const note = (text) => recording && problems.set(text, (problems.get(text) ?? 0) + 1);
  page.on("console", (m) => m.type() === "error" && note(`console error: ${m.text()}`));
  page.on("pageerror", (e) => note(`page error: ${e.message}`));
  page.on("requestfailed", (r) => note(`request failed: ${new URL(r.url()).pathname} (${r.failure()?.errorText})`));
  page.on("response", (r) => r.status() >= 400 && note(`HTTP ${r.status()}: ${new URL(r.url()).pathname}`));

  const close = async () => {
    recording = false;
    await context.close();
  };
  return { page, traffic, close };
}

function headerValue(headers, name) {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key ? headers[key] : "";
}

/** First contentful paint of `path`, in ms from navigation start. */
async function firstPaint(browser, base, path, network, problems) {
  const phone = await openPhone(browser, network, problems);
  try {
    await phone.page.goto(base + path, { waitUntil: "commit", timeout: VISIT_TIMEOUT_MS });
    const fcp = await phone.page.waitForFunction(
      () => performance.getEntriesByName("first-contentful-paint")[0]?.startTime,
      null,
      { polling: POLL_MS, timeout: VISIT_TIMEOUT_MS },
    );
    return await fcp.jsonValue();
  } finally {
    await phone.close();
  }
}

/**
 * The doctor page as a patient uses it: wait for a day with free times, tap it, see its
 * times. Times are the page's performance.now(), i.e. ms from navigation start.
 */
async function tapADay(browser, base, network, problems) {
  const phone = await openPhone(browser, network, problems);
  const { page, traffic } = phone;
  try {
    const started = Date.now();
    await page.goto(base + DOCTOR_PAGE, { waitUntil: "commit", timeout: VISIT_TIMEOUT_MS });

    // Poll as a user's eyes would, until a day with free times shows. The month on screen may
    // have none (late in the month): once it has loaded with nothing free, go to the next one.
    let freeAt = null;
    let emptySince = null;
    let monthSteps = 0;
    while (freeAt === null) {
      if (Date.now() - started > VISIT_TIMEOUT_MS) throw new Error("no day with free times appeared");
      const state = await page
        .evaluate(
          ([free, day, loading]) => ({
            free: document.querySelector(free) ? performance.now() : null,
            days: document.querySelectorAll(day).length,
            loading: document.querySelectorAll(loading).length,
          }),
          [FREE_DAY, DAY, LOADING_DAY],
        )
        .catch(() => null); // the document may still be replaced while it loads
      if (state?.free != null) {
        freeAt = state.free;
        break;
      }
      const settledEmpty = state && state.days > 0 && state.loading === 0;
      emptySince = settledEmpty ? (emptySince ?? Date.now()) : null;
      // Half a second of a loaded month with nothing free, so a month still arriving is not
      // mistaken for an empty one.
      if (emptySince !== null && Date.now() - emptySince > 500) {
        if (++monthSteps > MAX_MONTH_STEPS) throw new Error(`no free day in ${MAX_MONTH_STEPS + 1} months`);
        await page.locator(NEXT_MONTH).first().tap();
        emptySince = null;
      }
      await sleep(POLL_MS);
    }

    await page.evaluate(
      ([selector, mark]) => document.querySelectorAll(selector).forEach((e) => e.setAttribute(mark, "")),
      [DAY_TIME, SEEN_BEFORE_TAP],
    );
    const tapAt = await page.evaluate(() => performance.now());
    await page.locator(FREE_DAY).first().tap({ timeout: VISIT_TIMEOUT_MS });
    // Checked in the page at every frame, and timed there: no round trip to this process is
    // added to the figure.
    const shown = await page.waitForFunction(
      ([selector, mark]) => {
        for (const e of document.querySelectorAll(selector)) {
          if (e.hasAttribute(mark)) continue;
          const box = e.getBoundingClientRect();
          if (box.width > 0 && box.height > 0 && getComputedStyle(e).visibility !== "hidden") return performance.now();
        }
        return false;
      },
      [DAY_TIME, SEEN_BEFORE_TAP],
      { polling: "raf", timeout: VISIT_TIMEOUT_MS },
    );
    const timesAt = await shown.jsonValue();
    const timeOrigin = await page.evaluate(() => performance.timeOrigin);
    const bytesByTimes = traffic.page;

    // Then what the visit costs in all: lazily loaded parts, and the worker's precache.
    while (Date.now() - traffic.lastActivity < QUIET_MS && Date.now() - started < VISIT_TIMEOUT_MS) await sleep(200);
    return {
      freeAt,
      timesAt,
      tapToTimes: timesAt - tapAt,
      monthSteps,
      bytesByTimes,
      pageBytes: traffic.page,
      workerBytes: traffic.worker,
      workerSpan: traffic.workerSpan?.map((t) => t - timeOrigin),
      resources: [...traffic.resources.values()],
    };
  } finally {
    await phone.close();
  }
}

// --- Main ------------------------------------------------------------------------------------

const [base = "", runsArg = "5"] = process.argv.slice(2);
const runs = Number.parseInt(runsArg, 10);
if (!/^https?:\/\//.test(base) || !(runs > 0)) {
  console.error("usage: node scripts/phone-profile.mjs <base-url> [runs=5]");
  process.exit(2);
}
const origin = base.replace(/\/+$/, "");

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
const chromiumVersion = browser.version();
const problems = new Map(); // what went wrong, to how many times
const samples = new Map(); // row label to values
const add = (label, value) => samples.set(label, [...(samples.get(label) ?? []), value]);
let firstTap = null;
let monthSteps = 0;
let failures = 0;

try {
  // Runs interleave the pages, so drift on the machine spreads over all of them alike.
  for (let run = 1; run <= runs; run++) {
    log(`run ${run}/${runs}`);
    const attempt = async (what, fn) => {
      try {
        await fn();
      } catch (e) {
        const text = `${what} failed: ${e.message.split("\n")[0]}`;
        failures++;
        log(`  ${text}`);
        problems.set(text, (problems.get(text) ?? 0) + 1);
      }
    };
    for (const path of PAGES) {
      await attempt(`FCP ${path}`, async () => add(`fcp ${path}|fast 4G`, await firstPaint(browser, origin, path, "fast 4G", problems)));
    }
    await attempt(`FCP ${DOCTOR_PAGE} on 3G`, async () =>
      add(`fcp ${DOCTOR_PAGE}|3G`, await firstPaint(browser, origin, DOCTOR_PAGE, "3G", problems)),
    );
    await attempt("tap a day", async () => {
      const r = await tapADay(browser, origin, "fast 4G", problems);
      log(`  free day at ${ms(r.freeAt)}, times at ${ms(r.timesAt)}, ${kib(r.pageBytes)} + worker ${kib(r.workerBytes)}`);
      firstTap ??= r;
      monthSteps += r.monthSteps;
      add("free day", r.freeAt);
      add("times", r.timesAt);
      add("tap to times", r.tapToTimes);
      add("bytes by times", r.bytesByTimes);
      add("page bytes", r.pageBytes);
      add("worker bytes", r.workerBytes);
      if (r.workerSpan) {
        add("worker from", r.workerSpan[0]);
        add("worker to", r.workerSpan[1]);
      }
    });
  }
} finally {
  await browser.close();
}

// --- Report ------------------------------------------------------------------------------------

const ROWS = [
  ...PAGES.map((p) => [`fcp ${p}|fast 4G`, `First contentful paint, \`${p}\``, "fast 4G", ms]),
  [`fcp ${DOCTOR_PAGE}|3G`, `First contentful paint, \`${DOCTOR_PAGE}\``, "3G", ms],
  ["free day", `\`${DOCTOR_PAGE}\`: first day with free times shown`, "fast 4G", ms],
  ["times", `**\`${DOCTOR_PAGE}\`: calendar answers a tap** (day's times visible, from navigation start)`, "fast 4G", ms],
  ["tap to times", `\`${DOCTOR_PAGE}\`: from the tap to the day's times`, "fast 4G", ms],
  ["bytes by times", `\`${DOCTOR_PAGE}\`: bytes on the wire until the times show`, "fast 4G", kib],
  ["page bytes", `\`${DOCTOR_PAGE}\`: bytes on the wire, whole visit (page)`, "fast 4G", kib],
  ["worker bytes", `\`${DOCTOR_PAGE}\`: bytes on the wire, service worker (its precache)`, "not throttled", kib],
  ["worker from", `\`${DOCTOR_PAGE}\`: service worker's first download starts`, "not throttled", ms],
  ["worker to", `\`${DOCTOR_PAGE}\`: service worker's last download ends`, "not throttled", ms],
];

const net = (name) => {
  const n = NETWORKS[name];
  const c = conditions(n);
  return `${name}: RTT ${n.rttMs} ms, ${n.downMbit} Mbit/s down, ${n.upMbit} Mbit/s up (latency ${c.latency}, downloadThroughput ${c.downloadThroughput} B/s, uploadThroughput ${c.uploadThroughput} B/s)`;
};
const out = [];
out.push(`Command: \`node scripts/phone-profile.mjs ${process.argv.slice(2).join(" ")}\` (${new Date().toISOString().slice(0, 10)}, Chromium ${chromiumVersion}, playwright-core)`);
out.push("");
out.push(`Phone: 390x844 CSS px, device scale factor 3, touch, mobile viewport, Europe/Berlin; CPU slowed ${CPU_SLOWDOWN}x (\`Emulation.setCPUThrottlingRate\`).`);
out.push("Networks (`Network.emulateNetworkConditions` on the page's target):");
for (const name of Object.keys(NETWORKS)) out.push(`- ${net(name)}`);
out.push("");
out.push(`Each figure: ${runs} runs, each a fresh browser context (cold cache, no service worker yet). Times are from navigation start.`);
out.push("The service worker's downloads are not throttled (CDP's emulation is per target and the worker is resumed before it can be set): on a phone they would share the link with the page, so while they overlap the page's own downloads the page figures are optimistic.");
out.push("");
out.push("| measure | network | median | min | max |");
out.push("|---|---|---|---|---|");
for (const [key, label, network, unit] of ROWS) {
  const values = samples.get(key) ?? [];
  const cells = values.length ? [median(values), Math.min(...values), Math.max(...values)].map(unit) : ["—", "—", "—"];
  const count = values.length === runs ? "" : ` (${values.length} of ${runs} runs)`;
  out.push(`| ${label}${count} | ${network} | ${cells[0]} | ${cells[1]} | ${cells[2]} |`);
}
if (firstTap) {
  out.push("");
  out.push(`Largest responses of the doctor page visit (run 1, as sent: ${firstTap.resources.length} responses):`);
  out.push("");
  out.push("| response | bytes on the wire | content-encoding |");
  out.push("|---|---|---|");
  for (const r of firstTap.resources.sort((a, b) => b.bytes - a.bytes).slice(0, 6)) {
    out.push(`| \`${new URL(r.url).pathname}\` | ${kib(r.bytes)} | ${r.encoding || "none"} |`);
  }
}
const notes = [];
if (monthSteps) notes.push(`The calendar's first month had no free day in some runs: "Next month" was tapped ${monthSteps} time(s) in all, and that time is included.`);
if (failures) notes.push(`${failures} measurement(s) failed (see below); their rows have fewer runs.`);
for (const [text, count] of problems) notes.push(`${text}${count > 1 ? ` (${count}x)` : ""}`);
if (notes.length) {
  out.push("");
  out.push("Seen during the runs:");
  out.push("");
  for (const n of notes) out.push(`- ${n}`);
}
console.log(out.join("\n"));
