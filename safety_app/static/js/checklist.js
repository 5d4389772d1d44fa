// The checklist of an inspection: a tap on 合格 / 不合格 / 不适用 is saved at once (fetch POST with
// the form's CSRF token, JSON answer). Without JavaScript the same buttons post the form and the
// server redirects back to the item.
(function () {
  "use strict";
  var section = document.querySelector("[data-checklist]");
  if (!section) return;
  var savedText = section.getAttribute("data-saved-text") || "Saved";
  var errorText = section.getAttribute("data-error-text") || "Not saved";

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

  section.addEventListener("submit", function (event) {
    var form = event.target.closest("[data-result-form]");
    if (!form || !window.fetch || !window.FormData) return;
    var button = event.submitter;
    if (!button || button.name !== "result") return;
    event.preventDefault();
    var status = form.querySelector("[data-saved]");
    var data = new FormData(form);
    data.set("result", button.value);
    var previous = form.querySelector("button[aria-pressed=true]");
    mark(form, button.value);
    status.textContent = "…";
    status.classList.remove("failed-save");
    fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: {"Accept": "application/json", "X-Requested-With": "fetch"}
    }).then(function (response) {
      return response.json().then(function (body) { return {ok: response.ok, body: body}; });
    }).then(function (answer) {
      if (!answer.ok) throw new Error((answer.body.error || {}).message || errorText);
      mark(form, answer.body.result);
      showCounts(answer.body.counts);
      status.textContent = answer.body.message || savedText;
    }).catch(function (error) {
      mark(form, previous ? previous.value : "");
      status.textContent = error && error.message ? error.message : errorText;
      status.classList.add("failed-save");
    });
  });
})();
