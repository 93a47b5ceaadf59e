// The device's offline store (IndexedDB), shared by the pages (offline.js) and the service
// worker (sw.js). It holds health data on what may be a shared clinic device, so:
//   - it belongs to one signed-in user (`owner`); another user's sign-in clears it,
//   - log-out clears it,
//   - stored reads older than READ_MAX_AGE_MS are neither served nor kept.
//
// Stores:
//   reads   the last answer of each read the app made (day agendas, the doctors a desk works
//           for, services, free times, appointment lists), keyed by path and request body
//   outbox  changes made on this device that the server has not applied yet, in order
//   meta    `owner` (the user id the data belongs to), `lastUpdated` (ms of the last read)
(function (scope) {
  "use strict";

  const DB_NAME = "appointments-offline";
  const DB_VERSION = 1;
  const READ_MAX_AGE_MS = 3 * 24 * 60 * 60 * 1000;

  let opened = null;

  function done(request) {
    return new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  function open() {
    if (!opened) {
      const request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        db.createObjectStore("reads", { keyPath: "id" });
        db.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
        db.createObjectStore("meta", { keyPath: "name" });
      };
      opened = done(request).then((db) => {
        // Another tab upgrading or deleting the database: let it, and reopen next time.
        db.onversionchange = () => {
          db.close();
          opened = null;
        };
        return db;
      });
      opened.catch(() => (opened = null));
    }
    return opened;
  }

  // Runs `work(stores...)` in one transaction over `names`; resolves with its result once
  // the transaction has committed.
  async function within(names, mode, work) {
    const db = await open();
    const tx = db.transaction(names, mode);
    const committed = new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
    });
    const result = await work(...names.map((name) => tx.objectStore(name)));
    await committed;
    return result;
  }

  const store = {
    async getMeta(name) {
      const row = await within(["meta"], "readonly", (meta) => done(meta.get(name)));
      return row ? row.value : null;
    },

    // A read's answer, with when it was fetched; `null` when missing or too old.
    async getRead(id) {
      const row = await within(["reads"], "readonly", (reads) => done(reads.get(id)));
      if (!row || Date.now() - row.at > READ_MAX_AGE_MS) return null;
      return row;
    },

    putRead(id, text) {
      const at = Date.now();
      return within(["reads", "meta"], "readwrite", (reads, meta) => {
        reads.put({ id, text, at });
        return done(meta.put({ name: "lastUpdated", value: at }));
      });
    },

    // Drops reads older than the limit.
    pruneReads() {
      const oldest = Date.now() - READ_MAX_AGE_MS;
      return within(["reads"], "readwrite", async (reads) => {
        for (const row of await done(reads.getAll())) {
          if (row.at < oldest) reads.delete(row.id);
        }
      });
    },

    // Outbox entries, oldest first.
    outbox() {
      return within(["outbox"], "readonly", (outbox) => done(outbox.getAll()));
    },

    // Adds an entry; resolves with its sequence number.
    addToOutbox(entry) {
      return within(["outbox"], "readwrite", (outbox) => done(outbox.add(entry)));
    },

    // Changes fields of an entry that is still there (one that was sent, discarded or
    // cleared meanwhile is never written back); resolves with the entry, or null.
    patchOutbox(seq, changes) {
      return within(["outbox"], "readwrite", async (outbox) => {
        const entry = await done(outbox.get(seq));
        if (!entry) return null;
        Object.assign(entry, changes);
        await done(outbox.put(entry));
        return entry;
      });
    },

    removeFromOutbox(seq) {
      return within(["outbox"], "readwrite", (outbox) => done(outbox.delete(seq)));
    },

    // Everything: reads, outbox, owner and times.
    clear() {
      return within(["reads", "outbox", "meta"], "readwrite", (reads, outbox, meta) => {
        reads.clear();
        outbox.clear();
        return done(meta.clear());
      });
    },

    // Makes `userId` the owner: stored reads of anyone else and outbox entries of anyone
    // else are dropped first. Resolves with whether the owner changed.
    claimFor(userId) {
      return within(["reads", "outbox", "meta"], "readwrite", async (reads, outbox, meta) => {
        const owner = await done(meta.get("owner"));
        if (owner && owner.value === userId) return false;
        reads.clear();
        for (const entry of await done(outbox.getAll())) {
          if (entry.userId !== userId) outbox.delete(entry.seq);
        }
        meta.delete("lastUpdated");
        await done(meta.put({ name: "owner", value: userId }));
        return true;
      });
    },
  };

  scope.offlineStore = store;
})(self);
