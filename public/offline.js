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
    navigator.serviceWorker.addEventListener("controllerchange", () => {
      if (reloading) window.location.reload();
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

  // --- The outbox --------------------------------------------------------------------

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

  // Sends one change: kept on the device until the server has answered. Resolves with
  // { status, text } once answered, or null when it is waiting to sync. `patient` (JSON or
  // null) is the patient the change is about, for retrying it differently after a conflict.
  async function submit(path, body, label, patient) {
    const entry = {
      key: newKey(),
      path,
      body,
      label,
      patient: patient ? JSON.parse(patient) : null,
      madeAt: new Date().toISOString(),
      state: "waiting",
      offline: false,
    };
    entry.seq = await offlineStore.addToOutbox(entry);
    announce("outbox-changed");
    let response;
    try {
      response = await send(entry);
    } catch (offline) {
      entry.offline = true;
      await offlineStore.updateOutbox(entry);
      announce("outbox-changed");
      return null;
    }
    const text = await response.text();
    await settle(entry, response.status, text);
    return { status: response.status, text };
  }

  // What an answer means for an entry sent while online: applied or refused, it leaves the
  // outbox (the page shows the answer); a lapsed session keeps it for after log-in.
  async function settle(entry, status, text) {
    if (status === 401) {
      entry.state = "login";
      await offlineStore.updateOutbox(entry);
    } else if (TRY_LATER.has(status)) {
      entry.offline = true;
      await offlineStore.updateOutbox(entry);
    } else {
      await offlineStore.removeFromOutbox(entry.seq);
    }
    announce("outbox-changed");
  }

  let replaying = null;

  // Sends the waiting entries in order. Stops at the first network failure or lapsed
  // session; a refusal (the time was taken, the appointment was cancelled meanwhile) marks
  // that entry as a conflict for the user to retry or discard, and the rest go on.
  function replay() {
    if (!replaying) {
      const run = () => replayNow().finally(() => (replaying = null));
      replaying = navigator.locks ? navigator.locks.request(LOCK, run) : run();
    }
    return replaying;
  }

  async function replayNow() {
    const entries = await offlineStore.outbox();
    for (const entry of entries) {
      if (entry.state === "conflict") continue;
      let response;
      try {
        response = await send(entry);
      } catch (offline) {
        return;
      }
      const status = response.status;
      const text = await response.text();
      if (status === 401) {
        for (const rest of entries) {
          if (rest.state !== "conflict" && rest.state !== "login") {
            rest.state = "login";
            await offlineStore.updateOutbox(rest);
          }
        }
        announce("outbox-changed");
        return;
      }
      if (TRY_LATER.has(status)) return;
      if (response.ok) {
        await offlineStore.removeFromOutbox(entry.seq);
      } else {
        entry.state = "conflict";
        entry.answer = text;
        entry.status = status;
        await offlineStore.updateOutbox(entry);
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
    const entry = (await offlineStore.outbox()).find((e) => e.seq === seq);
    if (!entry) return;
    entry.state = "waiting";
    delete entry.answer;
    await offlineStore.updateOutbox(entry);
    announce("outbox-changed");
    await replay();
  }

  // Log-out on a shared device: the stored data, the outbox and the stored pages go.
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

  register();
  window.addEventListener("online", () => replay());
  setInterval(() => {
    if (navigator.onLine) replay();
  }, REPLAY_EVERY_MS);
  replay();
})();
