// The alarm list's open counts refresh by themselves: a small JSON fetched every 30 s.
(function () {
  "use strict";
  var box = document.querySelector("[data-counts-url]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-counts-url");
  var note = box.querySelector("[data-refresh-note]");
  function show(counts) {
    var changed = false;
    Object.keys(counts).forEach(function (name) {
      var el = box.querySelector('[data-count="' + name + '"]');
      if (el && el.textContent !== String(counts[name])) {
        el.textContent = String(counts[name]);
        changed = true;
      }
    });
    if (changed && note) { note.hidden = false; }
  }
  function refresh() {
    if (document.hidden) { return; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (counts) { if (counts) { show(counts); } })
      .catch(function () { /* offline: try again next time */ });
  }
  window.setInterval(refresh, 30000);
  document.addEventListener("visibilitychange", refresh);
})();
