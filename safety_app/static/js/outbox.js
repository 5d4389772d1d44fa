/* The offline store, shared by the pages (offline.js) and the service worker (sw.js):
   IndexedDB "park-offline" with the drafts of the filing forms and the outbox of filings made
   without a connection. flush() sends each outbox entry with its client key: the server files a
   key once, so sending an entry again (a lost answer, two tabs, Background Sync and a page at
   the same time) never files twice. No DOM here: the service worker runs it too. */
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

  function mark(entry, state, message) {
    entry.state = state;
    entry.message = message;
    return put("outbox", entry).then(function () { return state; });
  }

  var flushing = null;

  /* Send every waiting entry once (rejected ones wait for the user). Resolves {sent, left, login}. */
  function flush() {
    if (flushing) return flushing;
    flushing = all("outbox").then(function (entries) {
      var summary = {sent: 0, left: 0, rejected: 0, login: false};
      var chain = Promise.resolve();
      entries.sort(function (a, b) { return a.created - b.created; }).forEach(function (entry) {
        chain = chain.then(function () {
          if (entry.state === "rejected") { summary.rejected += 1; return; }
          return send(entry).then(function (state) {
            if (state === "sent") summary.sent += 1;
            else if (state === "rejected") summary.rejected += 1;
            else { summary.left += 1; if (state === "login") summary.login = true; }
          });
        });
      });
      return chain.then(function () { return summary; });
    }).finally(function () { flushing = null; });
    return flushing;
  }

  global.ParkOutbox = {
    getDraft: function (id) { return get("drafts", id); },
    putDraft: function (draft) { return put("drafts", draft); },
    deleteDraft: function (id) { return remove("drafts", id); },
    add: function (entry) { return put("outbox", entry); },
    entries: function () { return all("outbox"); },
    remove: function (id) { return remove("outbox", id); },
    flush: flush,
  };
})(self);
