/* Work without a connection (needs outbox.js, and photos.js on the forms with photos):
   - registers the service worker (/sw.js), which keeps the app shell and the pages used on site;
   - the offline forms (form[data-offline-form]: the two filing forms, the measure form, the
     evidence / photo upload of the hazard page) autosave to IndexedDB and are restored after a
     reload, a validation error or a lost session (photos included);
   - a form submitted offline goes into the outbox (fields, downscaled photos, its client key)
     and is sent when the connection returns: on the "online" event, on the next page load, and by
     Background Sync where the browser has it; the queue is shown as "N 项待上传" with a retry;
   - entries the server answered with a conflict (or refused) are counted apart ("N 项冲突") and
     listed in the conflicts panel (the bar's "查看", or #conflicts): what was entered, the photos,
     the target's current state, "以当前版本重新提交" and "放弃".
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

  var newKey = outbox.newKey;

  function element(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined && content !== null) node.textContent = content;
    return node;
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
  var show = element("button", "btn", text("show_conflicts"));
  show.type = "button";
  show.setAttribute("aria-controls", "conflicts");
  show.setAttribute("aria-expanded", "false");
  show.addEventListener("click", function () { togglePanel(panel.hidden); });
  bar.appendChild(label);
  bar.appendChild(retry);
  bar.appendChild(show);
  var panel = element("section", "card outbox-panel");
  panel.id = "conflicts";
  panel.hidden = true;
  panel.setAttribute("data-testid", "conflicts");
  panel.setAttribute("aria-label", text("conflicts_title"));
  var main = document.querySelector("main") || document.body;
  main.insertBefore(panel, main.firstChild);
  main.insertBefore(bar, panel);
  var lastSent = 0;

  function showQueue() {
    return outbox.entries().then(function (entries) {
      var waiting = entries.filter(function (e) { return e.state !== "rejected" && e.state !== "conflict"; });
      var rejected = entries.filter(function (e) { return e.state === "rejected"; });
      var conflicts = entries.filter(function (e) { return e.state === "conflict"; });
      var parts = [];
      if (waiting.length) parts.push(text("waiting", waiting.length));
      if (conflicts.length) parts.push(text("conflicts", conflicts.length));
      if (rejected.length) {
        parts.push(text("rejected", rejected.length) + rejected.map(function (e) {
          return " · " + (e.title || "") + (e.message ? "：" + e.message : "");
        }).join(""));
      }
      if (!parts.length && lastSent) parts.push(text("sent", lastSent));
      label.textContent = parts.join(" · ");
      bar.hidden = !parts.length;
      bar.dataset.waiting = waiting.length;
      bar.dataset.rejected = rejected.length;
      bar.dataset.conflicts = conflicts.length;
      retry.hidden = !waiting.length;
      show.hidden = !(conflicts.length || rejected.length);
      if (!show.hidden && location.hash === "#conflicts" && panel.hidden) togglePanel(true);
      if (!panel.hidden) renderPanel(conflicts.concat(rejected));
      window.dispatchEvent(new CustomEvent("outbox-changed", {detail: {entries: entries}}));
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

  /* ---------------------------------------------------------------- the conflicts panel */
  var KIND_LABELS = {result: "kind_result", measure: "kind_measure", evidence: "kind_evidence",
                     photo: "kind_photo"};

  function togglePanel(open) {
    panel.hidden = !open;
    show.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      return outbox.entries().then(function (entries) {
        renderPanel(entries.filter(function (e) { return e.state === "conflict" || e.state === "rejected"; }));
      });
    }
  }

  function renderPanel(entries) {
    panel.textContent = "";
    panel.appendChild(element("h2", null, text("conflicts_title")));
    if (!entries.length) {
      panel.appendChild(element("p", "muted", text("no_conflicts")));
      return;
    }
    panel.appendChild(element("p", "hint", text("conflicts_hint")));
    var list = element("ul", "list conflict-list");
    entries.sort(function (a, b) { return a.created - b.created; }).forEach(function (entry) {
      list.appendChild(conflictItem(entry));
    });
    panel.appendChild(list);
  }

  function conflictItem(entry) {
    var li = element("li", "conflict");
    li.setAttribute("data-entry", entry.id);
    li.setAttribute("data-kind", entry.kind || "filing");
    li.setAttribute("data-state", entry.state);
    var head = element("p");
    head.appendChild(element("span", "tag " + (entry.state === "conflict" ? "overdue" : ""),
                             text(KIND_LABELS[entry.kind] || "kind_filing")));
    head.appendChild(document.createTextNode(" "));
    head.appendChild(element("strong", null, entry.title || ""));
    li.appendChild(head);
    var reason = entry.code === "stale_version" ? text("conflict_stale") : entry.message;
    if (reason) li.appendChild(element("p", "error conflict-reason", reason));
    var target = entry.target;
    var link = target && target.url ? target.url : (entry.kind === "result" ? entry.page : null);
    if (link) {
      var now = element("p", "small");
      now.appendChild(document.createTextNode(text("current_state") + " "));
      var a = element("a", null, target ? [target.code, target.title].filter(Boolean).join(" ") +
                      (target.status_label ? " · " + target.status_label : "") : text("open_page"));
      a.href = link;
      a.setAttribute("data-testid", "conflict-target");
      now.appendChild(a);
      li.appendChild(now);
    }
    var shown = entry.display || [];
    if (shown.length) {
      var dl = element("dl", "fields conflict-fields");
      shown.forEach(function (pair) {
        dl.appendChild(element("dt", null, pair[0]));
        dl.appendChild(element("dd", "prewrap", pair[1]));
      });
      li.appendChild(dl);
    }
    if (entry.photos && entry.photos.length) {
      var thumbs = element("ul", "photo-previews conflict-photos");
      entry.photos.forEach(function (p) {
        var item = element("li");
        if (/^image\//.test(p.type || (p.blob && p.blob.type) || "")) {
          var img = element("img");
          img.src = URL.createObjectURL(p.blob);
          img.alt = p.name;
          img.onload = function () { URL.revokeObjectURL(img.src); };
          item.appendChild(img);
        } else item.appendChild(element("span", "small", p.name));
        thumbs.appendChild(item);
      });
      li.appendChild(thumbs);
    }
    var buttons = element("div", "conflict-actions");
    if (entry.json) {
      var again = element("button", "btn primary block", text("resend"));
      again.type = "button";
      again.setAttribute("data-testid", "conflict-resend");
      again.addEventListener("click", function () {
        again.disabled = true;
        outbox.resend(entry.id).then(function (summary) {
          if (summary) lastSent += summary.sent;
          return showQueue();
        }, showQueue);
      });
      buttons.appendChild(again);
    }
    var drop = element("button", "btn danger-outline block", text("discard"));
    drop.type = "button";
    drop.setAttribute("data-testid", "conflict-discard");
    drop.addEventListener("click", function () {
      if (!window.confirm(text("discard_confirm"))) return;
      outbox.remove(entry.id).then(showQueue);
    });
    buttons.appendChild(drop);
    li.appendChild(buttons);
    return li;
  }

  window.addEventListener("hashchange", function () {
    if (location.hash === "#conflicts" && !show.hidden) togglePanel(true);
  });

  window.ParkOffline = {
    refresh: showQueue,
    sync: sync,
    text: text,
    queued: function () { askForBackgroundSync(); return showQueue(); },
  };

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

  /* What the user entered, as [label, value] pairs (shown on the conflicts panel). */
  function displayOf(form) {
    var pairs = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.type === "file" || el.type === "submit" || el.disabled) return;
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
      var value = el.tagName === "SELECT" ? (el.value && el.selectedOptions[0] ? el.selectedOptions[0].text : "")
        : el.value;
      if (!value || !String(value).trim()) return;
      var labelNode = el.id ? form.querySelector("label[for='" + el.id + "']") : null;
      pairs.push([labelNode ? labelNode.textContent.trim() : el.name, String(value)]);
    });
    return pairs;
  }

  function restore(form, pairs) {
    var byName = {};
    pairs.forEach(function (p) { (byName[p[0]] = byName[p[0]] || []).push(p[1]); });
    Array.prototype.forEach.call(form.elements, function (el) {
      // The version stays the page's: a draft is entered against what the page shows now.
      if (!el.name || el.name === "csrf_token" || el.name === "version" || el.type === "file" ||
          !(el.name in byName)) return;
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

    // The key: the draft's (never sent), else a fresh one made here — the page may come from the
    // service worker's cache, whose key an entry queued earlier already carries.
    function draftKey(draft) {
      var key = "";
      (draft && draft.fields || []).forEach(function (pair) { if (pair[0] === "client_key") key = pair[1]; });
      return key;
    }

    outbox.getDraft(draftId).then(function (draft) {
      if (draft && draft.sent && !hasErrors) {
        if (keyField) keyField.value = newKey();
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
      if (keyField && !(hasErrors && keyField.value) && !draftKey(draft)) keyField.value = newKey();
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
        var kind = form.getAttribute("data-offline-form");
        var title = form.getAttribute("data-offline-title") || (form.elements.title ? form.elements.title.value : "");
        var chosen = photos ? photos.get(form) : [];
        if (kind) {
          // Saved later without the page: what the server would refuse at once is said now.
          if (!form.checkValidity()) { form.reportValidity(); return; }
          if ((kind === "evidence" || kind === "photo") && !chosen.length) {
            var input = form.querySelector("input[type=file]");
            if (input) { input.setCustomValidity(text("choose_files")); input.reportValidity(); input.setCustomValidity(""); }
            return;
          }
        }
        var entry = {id: keyField ? keyField.value : newKey(), action: form.action || location.href,
                     fields: fieldsOf(form), photos: chosen,
                     photoField: photos ? photos.field(form) : "photos", title: title, created: Date.now(),
                     state: "waiting", messages: {closed: text("closed"), gone: text("gone")}};
        if (kind) {
          entry.kind = kind;
          entry.json = true;
          entry.page = form.getAttribute("data-offline-page") || location.pathname;
          entry.display = displayOf(form);
        }
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
