/* The offline store, shared by the pages (offline.js, checklist.js) and the service worker (sw.js):
   IndexedDB "park-offline" with the drafts of the offline forms and the outbox of what was entered
   without a connection. flush() sends each outbox entry with its client key: the server saves a
   key once, so sending an entry again (a lost answer, two tabs, Background Sync and a page at
   the same time) never saves twice. No DOM here: the service worker runs it too.

   Two kinds of entries:
   - filings (the two hazard-filing forms): posted like the form, the answer read from the page;
   - JSON entries (entry.json: checklist results, measures, evidence and photos): posted with
     "X-Outbox: 1", answered in JSON (web/outbox.py). A 2xx is sent; a 409 (the hazard's version is
     stale, or its state refuses the action), 403 or 404 moves the entry to the conflicts — kept
     with what the server said and the target's current state, never retried by itself and never
     deleted; the user resends it against the current version or discards it. A 422 is refused
     (kept with its reason). Several entries made on the same page version (a measure, then
     evidence) do not conflict with each other: each save's new version is remembered
     ("seen:<page>:<version>" in the drafts store) and the next entry is sent against it. */
(function (global) {
  "use strict";
  var DB_NAME = "park-offline";
  var dbPromise = null;

  function open() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var request = global.indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () {
          var db = request.result;
          if (!db.objectStoreNames.contains("drafts")) db.createObjectStore("drafts", {keyPath: "id"});
          if (!db.objectStoreNames.contains("outbox")) db.createObjectStore("outbox", {keyPath: "id"});
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { dbPromise = null; reject(request.error); };
      });
    }
    return dbPromise;
  }

  function run(store, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store, mode);
        var result;
        var request = work(tx.objectStore(store));
        if (request) request.onsuccess = function () { result = request.result; };
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function get(store, id) { return run(store, "readonly", function (s) { return s.get(id); }); }
  function put(store, value) { return run(store, "readwrite", function (s) { return s.put(value); }); }
  function remove(store, id) { return run(store, "readwrite", function (s) { return s.delete(id); }); }
  function all(store) { return run(store, "readonly", function (s) { return s.getAll(); }); }

  var CSRF = /name="csrf_token"[^>]*value="([^"]*)"/;

  function samePath(a, b) {
    return new URL(a, global.location.href).pathname === new URL(b, global.location.href).pathname;
  }

  /* Send one entry. Resolves "sent", "login" (the session is gone: kept until the user logs in),
     "rejected" (the server refused the filing: kept with its reason, never dropped) or "retry"
     (no connection or a server error: kept as it is). */
  function send(entry) {
    if (entry.json) return sendJson(entry);
    return fetch(entry.action, {credentials: "same-origin"}).then(function (page) {
      if (page.redirected && /\/login/.test(new URL(page.url).pathname)) return "login";
      if (page.status >= 500) return "retry";
      return page.text().then(function (html) {
        var token = CSRF.exec(html);
        if (!page.ok || !token || (page.redirected && !samePath(page.url, entry.action))) {
          return mark(entry, "rejected", entry.messages && entry.messages.closed || "");
        }
        var body = new FormData();
        entry.fields.forEach(function (pair) { if (pair[0] !== "csrf_token") body.append(pair[0], pair[1]); });
        body.append("csrf_token", token[1]);
        (entry.photos || []).forEach(function (p) { body.append(entry.photoField || "photos", p.blob, p.name); });
        return fetch(entry.action, {method: "POST", body: body, credentials: "same-origin"}).then(function (answer) {
          if (answer.ok && answer.redirected && !samePath(answer.url, entry.action)) {
            return remove("outbox", entry.id).then(function () { entry.result = answer.url; return "sent"; });
          }
          if (answer.redirected && /\/login/.test(new URL(answer.url).pathname)) return "login";
          if (answer.status >= 500 || answer.status === 503) return "retry";
          return answer.text().then(function (text) {
            var errors = [];
            var re = /<p class="error"[^>]*>([^<]*)<\/p>/g, m;
            while ((m = re.exec(text))) errors.push(m[1]);
            return mark(entry, "rejected", errors.join(" "));
          });
        });
      });
    }, function () { return "retry"; });
  }

  function mark(entry, state, message, extra) {
    entry.state = state;
    entry.message = message;
    Object.assign(entry, extra || {});
    return put("outbox", entry).then(function () { return state; });
  }

  function announce(name, detail) {
    if (typeof global.document === "undefined" || typeof CustomEvent === "undefined") return;
    global.dispatchEvent(new CustomEvent(name, {detail: detail}));
  }

  var VERSION = /data-version="(\d+)"/;

  /* The version an entry made on `version` of `page` is sent against: the newest one the outbox's
     own earlier saves led to. */
  function chained(page, version) {
    if (!version) return Promise.resolve(version);
    return get("drafts", "seen:" + page + ":" + version).then(function (seen) {
      return seen && seen.next && String(seen.next) !== String(version) ? chained(page, String(seen.next)) : version;
    }, function () { return version; });
  }

  function readJson(response) {
    return response.json().catch(function () { return {}; });
  }

  function sendJson(entry) {
    var sentVersion = null;
    return fetch(entry.page, {credentials: "same-origin"}).then(function (page) {
      if (page.redirected && /\/login/.test(new URL(page.url).pathname)) return "login";
      if (page.status >= 500) return "retry";
      if (!page.ok) {
        return mark(entry, "conflict", entry.messages && entry.messages.gone || "", {code: "gone", target: null});
      }
      return page.text().then(function (html) {
        var token = CSRF.exec(html);
        if (!token) return "retry";
        var current = VERSION.exec(html);
        var version = null;
        entry.fields.forEach(function (pair) { if (pair[0] === "version") version = pair[1]; });
        var ready = entry.resend && current ? Promise.resolve(current[1]) : chained(entry.page, version);
        return ready.then(function (useVersion) {
          sentVersion = useVersion;
          var body = new FormData();
          entry.fields.forEach(function (pair) {
            if (pair[0] === "csrf_token") return;
            body.append(pair[0], pair[0] === "version" && useVersion ? useVersion : pair[1]);
          });
          body.append("csrf_token", token[1]);
          (entry.photos || []).forEach(function (p) { body.append(entry.photoField || "files", p.blob, p.name); });
          return fetch(entry.action, {method: "POST", body: body, credentials: "same-origin",
                                      headers: {"Accept": "application/json", "X-Outbox": "1"}});
        }).then(function (answer) {
          if (answer.redirected && /\/login/.test(new URL(answer.url).pathname)) return "login";
          if (answer.status >= 500) return "retry";
          return readJson(answer).then(function (data) {
            if (answer.ok) {
              var target = data.target || null;
              var remember = data.created && target && sentVersion && String(target.version) !== String(sentVersion)
                ? put("drafts", {id: "seen:" + entry.page + ":" + sentVersion, next: String(target.version),
                                 saved: Date.now()})
                : Promise.resolve();
              return remember.then(function () { return remove("outbox", entry.id); }).then(function () {
                announce("outbox-sent", {entry: entry, answer: data});
                return "sent";
              });
            }
            var error = data.error || {};
            var conflict = answer.status === 409 || answer.status === 403 || answer.status === 404;
            return mark(entry, conflict ? "conflict" : "rejected", error.message || "",
                        {code: error.code || String(answer.status), target: data.target || entry.target || null,
                         resend: false, failed: Date.now()});
          });
        });
      });
    }, function () { return "retry"; });
  }

  var flushing = null;

  /* Send every waiting entry once (refused entries and conflicts wait for the user).
     Resolves {sent, left, rejected, conflicts, login}. */
  function flush() {
    if (flushing) return flushing;
    flushing = all("outbox").then(function (entries) {
      var summary = {sent: 0, left: 0, rejected: 0, conflicts: 0, login: false};
      var chain = Promise.resolve();
      entries.sort(function (a, b) { return a.created - b.created; }).forEach(function (entry) {
        chain = chain.then(function () {
          if (entry.state === "rejected") { summary.rejected += 1; return; }
          if (entry.state === "conflict") { summary.conflicts += 1; return; }
          return send(entry).then(function (state) {
            if (state === "sent") summary.sent += 1;
            else if (state === "rejected") summary.rejected += 1;
            else if (state === "conflict") summary.conflicts += 1;
            else { summary.left += 1; if (state === "login") summary.login = true; }
          });
        });
      });
      return chain.then(function () { return summary; });
    }).finally(function () { flushing = null; });
    return flushing;
  }

  /* A conflict or refused entry sent again (against the hazard's current version). */
  function resend(id) {
    var running = flushing ? flushing.catch(function () {}) : Promise.resolve();
    return running.then(function () { return get("outbox", id); }).then(function (entry) {
      if (!entry) return null;
      entry.state = "waiting";
      entry.resend = true;
      return put("outbox", entry);
    }).then(flush);
  }

  function newKey() {
    if (global.crypto && global.crypto.randomUUID) return global.crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }

  global.ParkOutbox = {
    getDraft: function (id) { return get("drafts", id); },
    putDraft: function (draft) { return put("drafts", draft); },
    deleteDraft: function (id) { return remove("drafts", id); },
    add: function (entry) { return put("outbox", entry); },
    get: function (id) { return get("outbox", id); },
    entries: function () { return all("outbox"); },
    remove: function (id) { return remove("outbox", id); },
    flush: flush,
    resend: resend,
    newKey: newKey,
  };
})(self);
