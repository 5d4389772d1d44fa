// A text filter over a long <select data-filterable> (progressive enhancement: without
// JavaScript the plain select works as before). The options are kept and re-listed as the
// user types; the first option (the "choose" prompt) and the chosen one always stay.
(function () {
  document.querySelectorAll("select[data-filterable]").forEach(function (select) {
    var all = Array.prototype.slice.call(select.options);
    var box = document.createElement("input");
    box.type = "search";
    box.className = "select-filter";
    box.placeholder = select.getAttribute("data-filter-placeholder") || "";
    box.setAttribute("aria-label", box.placeholder);
    box.setAttribute("aria-controls", select.id);
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var words = box.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var chosen = select.value;
      var matches = all.filter(function (o, i) {
        var text = o.text.toLowerCase();
        return i === 0 || o.value === chosen || words.every(function (w) { return text.indexOf(w) !== -1; });
      });
      while (select.options.length) select.remove(0);
      matches.forEach(function (o) { select.add(o); });
      select.value = chosen;
      if (matches.length === 2 && words.length) select.value = matches[1].value;  // one match: take it
    });
  });
})();
