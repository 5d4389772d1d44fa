/* Work without a connection (needs outbox.js, and photos.js on the filing forms):
   - registers the service worker (/sw.js), which keeps the app shell and the filing pages;
   - the filing forms (form[data-offline-form]) autosave to IndexedDB and are restored after a
     reload, a validation error or a lost session (photos included);
   - a form submitted offline goes into the outbox (fields, downscaled photos, its client key)
     and is sent when the connection returns: on the "online" event, on the next page load, and by
     Background Sync where the browser has it; the queue is shown as "N 项待上传" with a retry.
   Without JavaScript the forms post as they always did. */
(function () {
  "use strict";
  var outbox = window.ParkOutbox;
  if (!outbox || !window.indexedDB) return;

  function text(key, n) {
    var node = document.getElementById("park-i18n");
    var all = node ? JSON.parse(node.textContent) : {};
    return String(all[key] || key).replace("{n}", n);
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }

  /* ---------------------------------------------------------------- the queue bar */
  var bar = document.createElement("div");
  bar.className = "outbox-bar";
  bar.setAttribute("role", "status");
  bar.setAttribute("data-testid", "outbox");
  bar.hidden = true;
  var label = document.createElement("span");
  var retry = document.createElement("button");
  retry.type = "button";
  retry.className = "btn";
  retry.textContent = text("retry");
  retry.addEventListener("click", function () { sync(true); });
  bar.appendChild(label);
  bar.appendChild(retry);
  var main = document.querySelector("main") || document.body;
  main.insertBefore(bar, main.firstChild);
  var lastSent = 0;

  function showQueue() {
    return outbox.entries().then(function (entries) {
      var waiting = entries.filter(function (e) { return e.state !== "rejected"; });
      var rejected = entries.filter(function (e) { return e.state === "rejected"; });
      var parts = [];
      if (waiting.length) parts.push(text("waiting", waiting.length));
      if (rejected.length) {
        parts.push(text("rejected", rejected.length) + rejected.map(function (e) {
          return " · " + (e.title || "") + (e.message ? "：" + e.message : "");
        }).join(""));
      }
      if (!parts.length && lastSent) parts.push(text("sent", lastSent));
      label.textContent = parts.join(" ");
      bar.hidden = !parts.length;
      bar.dataset.waiting = waiting.length;
      bar.dataset.rejected = rejected.length;
      retry.hidden = !waiting.length;
    });
  }

  function sync(byHand) {
    if (!navigator.onLine && !byHand) return showQueue();
    return outbox.flush().then(function (summary) {
      lastSent += summary.sent;
      if (summary.login) label.dataset.login = "1";
      return showQueue();
    }, showQueue);
  }

  window.addEventListener("online", function () { sync(); });
  window.addEventListener("offline", showQueue);

  /* ---------------------------------------------------------------- service worker */
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch(function () {});
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "outbox-synced") {
        lastSent += event.data.sent || 0;
        showQueue();
      }
    });
  }

  function askForBackgroundSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (reg) {
      if (reg.sync) return reg.sync.register("outbox");
    }).catch(function () {});
  }

  /* Logging out forgets the pages kept for offline use (a shared phone). */
  document.querySelectorAll("form[action$='/logout']").forEach(function (form) {
    form.addEventListener("submit", function () {
      if (window.caches) caches.keys().then(function (names) {
        names.filter(function (n) { return n.indexOf("park-pages") === 0; }).forEach(function (n) { caches.delete(n); });
      });
    });
  });

  /* ---------------------------------------------------------------- drafts and offline submit */
  function fieldsOf(form) {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && name !== "csrf_token") pairs.push([name, value]);
    });
    return pairs;
  }

  function restore(form, pairs) {
    var byName = {};
    pairs.forEach(function (p) { (byName[p[0]] = byName[p[0]] || []).push(p[1]); });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.type === "file" || !(el.name in byName)) return;
      var values = byName[el.name];
      if (el.type === "checkbox" || el.type === "radio") el.checked = values.indexOf(el.value) !== -1;
      else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = values.indexOf(o.value) !== -1; });
      } else el.value = values[0];
    });
  }

  function setupForm(form) {
    var draftId = "draft:" + location.pathname;
    var keyField = form.elements.client_key;
    var photos = window.ParkPhotos;
    var hasErrors = !!form.querySelector(".error[role=alert], .has-error");
    var timer = null;

    function save(extra) {
      var draft = Object.assign({id: draftId, fields: fieldsOf(form), photos: photos ? photos.get(form) : [],
                                 saved: Date.now()}, extra || {});
      return outbox.putDraft(draft).catch(function () {});
    }

    function later() {
      clearTimeout(timer);
      timer = setTimeout(save, 300);
    }

    outbox.getDraft(draftId).then(function (draft) {
      if (draft && draft.sent && !hasErrors) {
        return outbox.deleteDraft(draftId); // sent and filed: the form starts afresh
      }
      if (draft) {
        restore(form, draft.fields);
        if (photos && draft.photos && draft.photos.length) photos.set(form, draft.photos);
        if (!hasErrors) {
          var note = document.createElement("p");
          note.className = "hint draft-note";
          note.setAttribute("data-testid", "draft-restored");
          note.textContent = text("draft_restored");
          form.insertBefore(note, form.firstChild);
        }
      }
      if (keyField && !keyField.value) keyField.value = newKey();
    }).catch(function () {});

    form.addEventListener("input", later);
    form.addEventListener("change", later);
    form.addEventListener("photoschange", later);

    var releasing = false;
    form.addEventListener("submit", function (event) {
      if (releasing) return;
      event.preventDefault();
      clearTimeout(timer);
      if (keyField && !keyField.value) keyField.value = newKey();
      var ready = photos ? photos.ready(form) : Promise.resolve();
      ready.then(function () {
        if (navigator.onLine) {
          return save({sent: true}).then(function () { releasing = true; form.submit(); });
        }
        var title = form.elements.title ? form.elements.title.value : "";
        var entry = {id: keyField ? keyField.value : newKey(), action: form.action || location.href,
                     fields: fieldsOf(form), photos: photos ? photos.get(form) : [],
                     photoField: photos ? photos.field(form) : "photos", title: title, created: Date.now(),
                     state: "waiting", messages: {closed: text("closed")}};
        return outbox.add(entry).then(function () {
          return outbox.deleteDraft(draftId);
        }).then(function () {
          form.reset();
          if (photos) photos.set(form, []);
          if (keyField) keyField.value = newKey();
          askForBackgroundSync();
          return showQueue();
        });
      });
    });
  }

  document.querySelectorAll("form[data-offline-form]").forEach(setupForm);
  if (navigator.onLine) sync(); else showQueue();
})();
