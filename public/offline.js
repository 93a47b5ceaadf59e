// The page's side of offline use, loaded by every page before the app (see ui::shell):
//   - registers the service worker, and offers a new version instead of swapping it in,
//   - the outbox: each change is stored on the device first, sent with an Idempotency-Key,
//     and if the network is down, replayed in order when it is back (the server applies a
//     key at most once, so a replay after a crash or a lost answer never doubles a change),
//   - what the app shows about it: online or offline, when the stored data was fetched, and
//     each waiting or refused change.
// The app (ui::offline) calls `window.appOffline`; it hears of changes through the window
// events "outbox-changed" and "app-update-ready".
/* global offlineStore */
(function () {
  "use strict";

  const REPLAY_EVERY_MS = 20000;
  const LOCK = "appointments-outbox";
  // Answers that mean "not now" rather than "no": the entry waits for the next replay.
  const TRY_LATER = new Set([429, 502, 503, 504]);

  let waitingWorker = null;
  let reloading = false;
  let reloaded = false;

  function announce(name) {
    window.dispatchEvent(new CustomEvent(name));
  }

  // To the active worker, once there is one (on the first visit it is still installing).
  function worker(message) {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then((registration) => {
      if (registration.active) registration.active.postMessage(message);
    });
  }

  // --- The service worker and new versions ------------------------------------------

  function offerUpdate(worker) {
    waitingWorker = worker;
    announce("app-update-ready");
  }

  function register() {
    if (!("serviceWorker" in navigator)) return;
    // A new version took over (after "Reload" in this tab or another): this tab's files
    // are gone from the cache with the old version, so it reloads too. The first install
    // taking over a tab changes nothing that tab uses.
    const updating = navigator.serviceWorker.controller !== null;
    navigator.serviceWorker.addEventListener("controllerchange", () => {
      if ((updating || reloading) && !reloaded) {
        reloaded = true;
        window.location.reload();
      }
    });
    navigator.serviceWorker
      .register("/sw.js", { scope: "/" })
      .then((registration) => {
        if (registration.waiting && navigator.serviceWorker.controller) {
          offerUpdate(registration.waiting);
        }
        registration.addEventListener("updatefound", () => {
          const installing = registration.installing;
          if (!installing) return;
          installing.addEventListener("statechange", () => {
            // The first install takes over at once; later ones wait for the user.
            if (installing.state === "installed" && navigator.serviceWorker.controller) {
              offerUpdate(installing);
            }
          });
        });
        window.addEventListener("online", () => registration.update().catch(() => {}));
      })
      .catch(() => {});
  }

  // The worker precaches the whole app (about 670 KiB): on a phone's first visit that would
  // compete with the page's own files, so it starts once the app runs (it marks the page
  // `data-hydrated`) and the page is idle. A page a worker already controls checks for a
  // new version at once.
  function registerOnceRunning() {
    if (!("serviceWorker" in navigator)) return;
    if (navigator.serviceWorker.controller) return register();
    const root = document.documentElement;
    const start = () =>
      "requestIdleCallback" in window ? requestIdleCallback(register, { timeout: 5000 }) : setTimeout(register, 1000);
    if (root.hasAttribute("data-hydrated")) return start();
    const watch = new MutationObserver(() => {
      if (!root.hasAttribute("data-hydrated")) return;
      watch.disconnect();
      start();
    });
    watch.observe(root, { attributes: true, attributeFilter: ["data-hydrated"] });
  }

  // --- The outbox --------------------------------------------------------------------

  // Keys are remembered by the server for 7 days: an entry older than this may have been
  // applied already without the device hearing of it, so the user decides.
  const TOO_OLD_MS = 6.5 * 24 * 60 * 60 * 1000;
  const TOO_OLD = JSON.stringify({
    error: "conflict",
    detail: "Made on this device more than a week ago. Check whether it was applied, then try again or discard it.",
  });

  function newKey() {
    if (self.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function send(entry) {
    const headers = {
      "content-type": "application/json",
      accept: "application/json",
      "idempotency-key": entry.key,
    };
    if (entry.offline) headers["x-made-offline-at"] = entry.madeAt;
    return fetch(entry.path, {
      method: "POST",
      headers,
      body: entry.body,
      credentials: "same-origin",
    });
  }

  // One sender at a time, across the app's tabs: the outbox goes out in order.
  function exclusively(work) {
    return navigator.locks ? navigator.locks.request(LOCK, work) : work();
  }

  // Sends one change for user `userId`, kept on the device until the server has answered.
  // Resolves with { status, text } once answered, or null when it waits to sync (offline,
  // the server busy or unreachable, or older changes still waiting). Rejects only when the
  // change could not be stored, and then nothing was sent. `patient` (JSON or null) is the
  // patient it is about, for retrying it differently after a conflict.
  async function submit(path, body, label, patient, userId) {
    const entry = {
      key: newKey(),
      path,
      body,
      label,
      patient: patient ? JSON.parse(patient) : null,
      userId,
      madeAt: new Date().toISOString(),
      state: "waiting",
      offline: false,
    };
    entry.seq = await offlineStore.addToOutbox(entry);
    announce("outbox-changed");
    try {
      return await exclusively(() => sendFirst(entry));
    } catch (failed) {
      // Stored, so it goes out with the next replay: never sent a second way.
      return null;
    }
  }

  async function sendFirst(entry) {
    const earlier = (await offlineStore.outbox()).some(
      (e) => e.seq < entry.seq && e.userId === entry.userId && e.state !== "conflict",
    );
    if (earlier) {
      setTimeout(replay, 0);
      return null;
    }
    let response, text;
    try {
      response = await send(entry);
      text = await response.text();
    } catch (offline) {
      await offlineStore.patchOutbox(entry.seq, { offline: true });
      announce("outbox-changed");
      return null;
    }
    if (TRY_LATER.has(response.status)) {
      await offlineStore.patchOutbox(entry.seq, { offline: true });
      announce("outbox-changed");
      return null;
    }
    if (response.status === 401) {
      // Kept for after the log-in; the page shows why it was not applied now.
      await offlineStore.patchOutbox(entry.seq, { state: "login" });
    } else {
      await offlineStore.removeFromOutbox(entry.seq);
    }
    announce("outbox-changed");
    return { status: response.status, text };
  }

  let replaying = null;

  // Sends the waiting entries of the signed-in user in order. Stops at the first network
  // failure or lapsed session; a refusal (the time was taken, the appointment was cancelled
  // meanwhile) marks that entry as a conflict for the user to retry or discard, and the rest
  // go on.
  function replay() {
    if (!replaying) {
      replaying = exclusively(replayNow)
        .catch(() => {})
        .finally(() => (replaying = null));
    }
    return replaying;
  }

  // Who is signed in now (through the service worker, which also makes them the owner of the
  // device's data); undefined when the server cannot be reached.
  async function signedIn() {
    try {
      const response = await fetch("/api/me", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: "{}",
        credentials: "same-origin",
      });
      return response.ok ? await response.json() : undefined;
    } catch (offline) {
      return undefined;
    }
  }

  async function replayNow() {
    const waiting = (await offlineStore.outbox()).filter((e) => e.state !== "conflict");
    if (waiting.length === 0) return;
    const user = await signedIn();
    if (user === undefined) return;
    if (user === null) {
      for (const entry of waiting) await offlineStore.patchOutbox(entry.seq, { state: "login" });
      announce("outbox-changed");
      return;
    }
    // Only this user's changes are sent; anyone else's are dropped with their data.
    await offlineStore.claimFor(user.id);
    const mine = (await offlineStore.outbox()).filter((e) => e.state !== "conflict" && e.userId === user.id);
    for (const entry of mine) {
      if (Date.now() - Date.parse(entry.madeAt) > TOO_OLD_MS) {
        await offlineStore.patchOutbox(entry.seq, { state: "conflict", answer: TOO_OLD });
        announce("outbox-changed");
        continue;
      }
      let response, text;
      try {
        response = await send(entry);
        text = await response.text();
      } catch (offline) {
        return;
      }
      if (response.status === 401) {
        for (const rest of mine.filter((e) => e.seq >= entry.seq)) {
          await offlineStore.patchOutbox(rest.seq, { state: "login" });
        }
        announce("outbox-changed");
        return;
      }
      if (TRY_LATER.has(response.status)) return;
      if (response.ok) {
        await offlineStore.removeFromOutbox(entry.seq);
      } else {
        await offlineStore.patchOutbox(entry.seq, { state: "conflict", answer: text });
      }
      announce("outbox-changed");
    }
  }

  async function entries() {
    try {
      return await offlineStore.outbox();
    } catch (unavailable) {
      return [];
    }
  }

  async function discard(seq) {
    await offlineStore.removeFromOutbox(seq);
    announce("outbox-changed");
  }

  // Sends a refused entry again (the server applied nothing for it, so its key is unused).
  async function retry(seq) {
    await offlineStore.patchOutbox(seq, { state: "waiting", answer: null, madeAt: new Date().toISOString() });
    announce("outbox-changed");
    await replay();
  }

  // After log-out on a shared device: the stored data, the outbox and the stored pages go.
  async function forget() {
    worker({ type: "forget" });
    await offlineStore.clear().catch(() => {});
    announce("outbox-changed");
  }

  window.appOffline = {
    submit,
    replay,
    entries,
    discard,
    retry,
    forget,
    lastUpdated: () => offlineStore.getMeta("lastUpdated").catch(() => null),
    keepPages: (paths) => worker({ type: "keep-pages", paths }),
    updateReady: () => waitingWorker !== null,
    applyUpdate() {
      if (!waitingWorker) return;
      reloading = true;
      waitingWorker.postMessage({ type: "skip-waiting" });
    },
  };

  registerOnceRunning();
  window.addEventListener("online", () => replay());
  setInterval(() => {
    if (navigator.onLine) replay();
  }, REPLAY_EVERY_MS);
  replay();
})();
