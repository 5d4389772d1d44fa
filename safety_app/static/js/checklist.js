// The checklist of an inspection: a tap on 合格 / 不合格 / 不适用 is saved at once (fetch POST with
// the form's CSRF token and a client key per tap, JSON answer). Without a connection the tap goes
// into the offline outbox (outbox.js), one entry per item — the last tap wins — and is sent when the
// connection returns; the item shows "待上传" until then ("冲突" if the server refused it, e.g. the
// inspection was completed meanwhile: listed on the conflicts panel). Without JavaScript the same
// buttons post the form and the server redirects back to the item.
(function () {
  "use strict";
  var section = document.querySelector("[data-checklist]");
  if (!section) return;
  var savedText = section.getAttribute("data-saved-text") || "Saved";
  var errorText = section.getAttribute("data-error-text") || "Not saved";
  var pendingText = section.getAttribute("data-pending-text") || "Waiting to upload";
  var conflictText = section.getAttribute("data-conflict-text") || "Conflict";
  var page = location.pathname;

  function outbox() { return window.indexedDB ? window.ParkOutbox : null; }

  function entryId(item) { return "result:" + page + ":" + item; }

  function newKey() {
    var box = outbox();
    if (box) return box.newKey();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }

  function showCounts(counts) {
    Object.keys(counts || {}).forEach(function (key) {
      var cell = section.querySelector('[data-count="' + key + '"]');
      if (cell) cell.textContent = counts[key];
    });
  }

  function mark(form, result) {
    form.querySelectorAll("button[name=result]").forEach(function (button) {
      button.setAttribute("aria-pressed", button.value === result ? "true" : "false");
    });
    var item = form.closest("[data-item]");
    if (item) item.setAttribute("data-result", result);
  }

  function formOf(item) {
    var row = section.querySelector('[data-item="' + CSS.escape(item) + '"]');
    return row ? row.querySelector("[data-result-form]") : null;
  }

  function setPending(form, state) {
    var row = form.closest("[data-item]");
    var status = form.querySelector("[data-saved]");
    if (state) row.setAttribute("data-pending", state);
    else if (row.hasAttribute("data-pending")) {
      row.removeAttribute("data-pending");
      status.textContent = "";
    }
    status.classList.toggle("pending-save", state === "waiting");
    status.classList.toggle("failed-save", state === "conflict" || state === "rejected");
    if (state === "waiting") status.textContent = pendingText;
    else if (state) status.textContent = conflictText;
  }

  // (not form.elements.item: that is the collection's item() method)
  function itemOf(form) { return form.querySelector("input[name=item]").value; }

  function labelOf(form) {
    var row = form.closest("[data-item]");
    var label = row && row.querySelector(".result-label");
    return label ? label.textContent.replace(/\s+/g, " ").trim() : "";
  }

  /* The tap kept for later: one outbox entry per item, replaced by a later tap. */
  function queue(form, button) {
    var box = outbox();
    if (!box) return Promise.reject(new Error(errorText));
    var item = itemOf(form);
    var name = labelOf(form);
    var entry = {
      id: entryId(item), kind: "result", json: true, action: form.action, page: page,
      fields: [["item", item], ["result", button.value], ["client_key", newKey()]],
      display: [[section.getAttribute("data-item-text") || "Item", name],
                [section.getAttribute("data-result-text") || "Result", button.textContent.trim()]],
      title: name, created: Date.now(), state: "waiting",
      target: {url: page, title: document.title},
    };
    return box.add(entry).then(function () {
      setPending(form, "waiting");
      if (window.ParkOffline) window.ParkOffline.queued();
    });
  }

  section.addEventListener("submit", function (event) {
    var form = event.target.closest("[data-result-form]");
    if (!form || !window.fetch || !window.FormData) return;
    var button = event.submitter;
    if (!button || button.name !== "result") return;
    event.preventDefault();
    var status = form.querySelector("[data-saved]");
    var previous = form.querySelector("button[aria-pressed=true]");
    mark(form, button.value);
    status.textContent = "…";
    status.classList.remove("failed-save");
    if (!navigator.onLine && outbox()) {
      queue(form, button);
      return;
    }
    var data = new FormData(form);
    data.set("result", button.value);
    data.set("client_key", newKey());
    fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: {"Accept": "application/json", "X-Requested-With": "fetch"}
    }).then(function (response) {
      return response.json().then(function (body) { return {ok: response.ok, body: body}; });
    }, function () {
      return queue(form, button).then(function () { return null; }); // no connection after all
    }).then(function (answer) {
      if (answer === null) return;
      if (!answer.ok) throw new Error((answer.body.error || {}).message || errorText);
      mark(form, answer.body.result);
      showCounts(answer.body.counts);
      setPending(form, null);
      status.textContent = answer.body.message || savedText;
      // A tap saved now outranks one still waiting in the outbox for the same item.
      var box = outbox();
      if (box) box.remove(entryId(itemOf(form))).then(function () {
        if (window.ParkOffline) window.ParkOffline.refresh();
      });
    }).catch(function (error) {
      mark(form, previous ? previous.value : "");
      status.textContent = error && error.message ? error.message : errorText;
      status.classList.add("failed-save");
    });
  });

  /* Taps still in the outbox: shown with their result and "待上传" (the page shows the server's). */
  function showOutbox(entries) {
    section.querySelectorAll("[data-pending]").forEach(function (row) {
      var form = row.querySelector("[data-result-form]");
      if (form) setPending(form, null);
    });
    entries.forEach(function (entry) {
      if (entry.kind !== "result" || entry.page !== page) return;
      var item = null, result = null;
      entry.fields.forEach(function (pair) {
        if (pair[0] === "item") item = pair[1];
        if (pair[0] === "result") result = pair[1];
      });
      var form = formOf(item);
      if (!form) return;
      mark(form, result);
      setPending(form, entry.state === "waiting" ? "waiting" : entry.state);
    });
  }

  window.addEventListener("outbox-changed", function (event) { showOutbox(event.detail.entries || []); });
  window.addEventListener("outbox-sent", function (event) {
    var entry = event.detail.entry, answer = event.detail.answer || {};
    if (entry.kind !== "result" || entry.page !== page) return;
    var form = formOf(answer.item);
    if (!form) return;
    mark(form, answer.result);
    setPending(form, null);
    form.querySelector("[data-saved]").textContent = answer.message || savedText;
    showCounts(answer.counts);
  });
})();
