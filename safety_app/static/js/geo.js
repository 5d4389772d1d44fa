/* The location of a finding on the filing forms, with consent: the browser is asked for the position
   once, only when "记录位置" is tapped (navigator.geolocation, which shows its own permission
   prompt). Latitude, longitude (WGS-84, as the browser gives them) and the accuracy in metres go
   into the form's hidden fields — so the draft and the offline outbox carry them like any field —
   are shown on the form and can be removed. Without JavaScript the block stays hidden. */
(function () {
  "use strict";

  function setup(box) {
    var form = box.closest("form");
    if (!form) return;
    var lat = form.elements.latitude, lon = form.elements.longitude, acc = form.elements.location_accuracy_m;
    if (!lat || !lon || !acc) return;
    var T = JSON.parse(box.getAttribute("data-i18n") || "{}");
    var value = box.querySelector("[data-geo-value]");
    var record = box.querySelector("[data-geo-record]");
    var remove = box.querySelector("[data-geo-remove]");
    var status = box.querySelector("[data-geo-status]");
    var recordLabel = record.textContent;
    box.hidden = false;

    function show() {
      var has = lat.value !== "" && lon.value !== "";
      value.textContent = has ? T.value.replace("{lat}", lat.value).replace("{lon}", lon.value)
        .replace("{acc}", acc.value ? String(Math.round(Number(acc.value))) : "?") : T.none;
      value.setAttribute("data-recorded", String(has));
      remove.hidden = !has;
      record.textContent = has ? T.again : recordLabel;
    }

    function set(a, b, c, quiet) {
      lat.value = a;
      lon.value = b;
      acc.value = c;
      show();
      if (!quiet) form.dispatchEvent(new Event("change", {bubbles: true})); // the draft saves it
    }

    if (!("geolocation" in navigator)) {
      record.disabled = true;
      status.textContent = T.unsupported;
    }

    record.addEventListener("click", function () {
      record.disabled = true;
      status.textContent = T.asking;
      navigator.geolocation.getCurrentPosition(function (position) {
        var c = position.coords;
        record.disabled = false;
        status.textContent = "";
        set(c.latitude.toFixed(7), c.longitude.toFixed(7), String(Math.round(c.accuracy * 10) / 10));
      }, function (error) {
        record.disabled = false;
        status.textContent = error.code === 1 ? T.denied : error.code === 3 ? T.timeout : T.unavailable;
      }, {enableHighAccuracy: true, timeout: 20000, maximumAge: 0});
    });

    remove.addEventListener("click", function () {
      status.textContent = "";
      set("", "", "");
    });

    // reset() leaves hidden fields as they are: a form emptied after queueing offline starts without a location
    form.addEventListener("reset", function () { setTimeout(function () { set("", "", "", true); }, 0); });
    // a restored draft (offline.js) sets the hidden fields' values
    if (window.MutationObserver) {
      var observer = new MutationObserver(show);
      [lat, lon, acc].forEach(function (input) { observer.observe(input, {attributes: true, attributeFilter: ["value"]}); });
    }
    show();
  }

  document.querySelectorAll("[data-geo]").forEach(setup);
})();
