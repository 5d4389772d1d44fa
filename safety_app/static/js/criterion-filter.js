// Filter box for the major-hazard criterion list (progressive enhancement:
// without JavaScript the whole list shows and the box stays hidden).
(function () {
  document.querySelectorAll("[data-criterion-picker]").forEach(function (picker) {
    var box = picker.querySelector("[data-filter]");
    var empty = picker.querySelector("[data-empty]");
    if (!box) return;
    box.hidden = false;
    box.addEventListener("input", function () {
      var words = box.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      picker.querySelectorAll("[data-group]").forEach(function (group) {
        var visible = 0;
        group.querySelectorAll("[data-text]").forEach(function (row) {
          var text = row.getAttribute("data-text").toLowerCase();
          var match = row.querySelector("input:checked") !== null ||
            words.every(function (w) { return text.indexOf(w) !== -1; });
          row.hidden = !match;
          visible += match ? 1 : 0;
        });
        group.hidden = visible === 0;
        shown += visible;
      });
      if (empty) empty.hidden = shown !== 0;
    });
  });
})();
