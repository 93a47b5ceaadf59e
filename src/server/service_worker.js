// The service worker (served at /sw.js by server/offline.rs, which puts VERSION and PRECACHE
// above this text: the build's content hash and every file of the build's pkg directory).
//
// - Installs one build's files together (JS, WASM with every lazily loaded chunk, CSS,
//   icons): cached HTML with another build's WASM would not hydrate, and in Leptos 0.8.23 a
//   chunk that fails to load panics. A new build waits until the page says "reload"
//   (message "skip-waiting"), never swapping mid-task.
// - Pages: from the network, else the copy stored on the last visit (kept per build).
// - Reads (server functions listed in READS): from the network, with the answer stored in
//   IndexedDB (offline-store.js); offline, the stored answer.
// - Changes are never answered here: the page's outbox (offline.js) keeps them.
/* global VERSION, PRECACHE, offlineStore */
"use strict";

importScripts("/offline-store.js");

const FILES = "appointments-files-" + VERSION;
const PAGES = "appointments-pages-" + VERSION;

// Server functions whose answers are stored for offline use.
const READS = new Set([
  "/api/me",
  "/api/desk_doctors",
  "/api/day_agenda",
  "/api/walk_in_times",
  "/api/doctor_services",
  "/api/find_patients",
  "/api/appointment_history",
  "/api/doctor/dashboard",
  "/api/my_appointments",
]);

// Pages that open offline once visited (or named by the page with "keep-pages").
// Not the log-in page: a refused log-in shows the typed email, which a shared device
// must not keep.
const PAGE_PATHS = new Set(["/", "/doctor/today", "/doctor", "/appointments"]);

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(FILES).then((cache) => cache.addAll(PRECACHE)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("appointments-") && name !== FILES && name !== PAGES) {
          await caches.delete(name);
        }
      }
      await offlineStore.pruneReads();
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === "skip-waiting") {
    self.skipWaiting();
  } else if (message.type === "keep-pages") {
    event.waitUntil(keepPages(message.paths || []));
  } else if (message.type === "forget") {
    event.waitUntil(forget());
  } else if (message.type === "version" && event.ports[0]) {
    event.ports[0].postMessage(VERSION);
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && READS.has(url.pathname)) {
    event.respondWith(read(request, url.pathname));
  } else if (request.method === "POST" && url.pathname === "/api/logout") {
    event.respondWith(logOut(request));
  } else if (request.mode === "navigate") {
    event.respondWith(page(request, url));
  } else if (request.method === "GET" && PRECACHE.includes(url.pathname)) {
    event.respondWith(file(request));
  }
});

async function file(request) {
  const cached = await caches.match(request, { cacheName: FILES });
  return cached || fetch(request);
}

async function page(request, url) {
  try {
    const response = await fetch(request);
    const storable = request.method === "GET" && PAGE_PATHS.has(url.pathname);
    if (storable && response.ok && !response.redirected) {
      const cache = await caches.open(PAGES);
      await cache.put(url.pathname, response.clone());
    }
    return response;
  } catch (offline) {
    const cache = await caches.open(PAGES);
    const stored = request.method === "GET" ? await cache.match(url.pathname) : undefined;
    return stored || offlinePage();
  }
}

// Stores the signed-in user's pages now, so they open offline before their first visit.
async function keepPages(paths) {
  const cache = await caches.open(PAGES);
  for (const path of paths) {
    if (!PAGE_PATHS.has(path)) continue;
    try {
      const response = await fetch(path, { credentials: "same-origin" });
      if (response.ok && !response.redirected) await cache.put(path, response);
    } catch (offline) {
      return;
    }
  }
}

function offlinePage() {
  const html =
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    "<title>Offline · Appointments</title></head>" +
    '<body style="font-family: system-ui, sans-serif; margin: 2rem; color: #0f172a">' +
    "<h1>You are offline</h1><p>This page is not stored on this device. Today, the waiting " +
    'room and the appointment lists are: <a href="/doctor/today">open Today</a>.</p></body></html>';
  return new Response(html, {
    status: 503,
    headers: { "content-type": "text/html; charset=utf-8" },
  });
}

async function read(request, path) {
  const body = await request.clone().text();
  const id = path + " " + body;
  let response;
  try {
    response = await fetch(request);
  } catch (offline) {
    return stored(id);
  }
  if (response.ok) {
    try {
      await remember(path, id, await response.clone().text());
    } catch (error) {
      // A full or unavailable store never breaks the online app.
    }
  }
  return response;
}

async function remember(path, id, text) {
  if (path === "/api/me") {
    const user = JSON.parse(text);
    // Signed out (or the session expired): keep the owner's outbox for their return.
    if (!user) return;
    // Someone else on this device: nothing of the previous user stays, pages included.
    if (await offlineStore.claimFor(user.id)) await caches.delete(PAGES);
  }
  await offlineStore.putRead(id, text);
}

async function stored(id) {
  const row = await offlineStore.getRead(id).catch(() => null);
  if (row) {
    return new Response(row.text, {
      status: 200,
      headers: {
        "content-type": "application/json",
        "x-offline-stored-at": new Date(row.at).toISOString(),
      },
    });
  }
  const error = {
    error: "network",
    detail: "You are offline, and this is not stored on this device yet.",
  };
  return new Response(JSON.stringify(error), {
    status: 503,
    headers: { "content-type": "application/json" },
  });
}

async function logOut(request) {
  const response = await fetch(request);
  if (response.ok) await forget();
  return response;
}

// Log-out on a shared device: nothing of the user stays.
async function forget() {
  await offlineStore.clear();
  await caches.delete(PAGES);
}
