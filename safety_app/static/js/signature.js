// The signature drawn on the phone: a <canvas> with pointer events (finger, pen or mouse). On submit
// the drawing goes into the hidden field as a PNG data URL; the server checks it with Pillow.
(function () {
  "use strict";
  document.querySelectorAll("[data-signature]").forEach(function (box) {
    var canvas = box.querySelector("canvas");
    var field = document.getElementById(box.getAttribute("data-signature"));
    var clear = box.querySelector("[data-signature-clear]");
    var drawn = false;
    var ctx = canvas.getContext("2d");
    box.hidden = false;
    var fallback = box.parentNode.querySelector("[data-signature-fallback]");
    if (fallback) fallback.hidden = true;

    function size() {
      var ratio = Math.min(window.devicePixelRatio || 1, 3);
      var rect = canvas.getBoundingClientRect();
      canvas.width = Math.round(rect.width * ratio);
      canvas.height = Math.round(rect.height * ratio);
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, rect.width, rect.height);
      ctx.lineWidth = 2.5;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.strokeStyle = "#111";
      drawn = false;
      field.value = "";
    }

    function point(event) {
      var rect = canvas.getBoundingClientRect();
      return {x: event.clientX - rect.left, y: event.clientY - rect.top};
    }

    var last = null;
    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      last = point(event);
      ctx.beginPath();
      ctx.arc(last.x, last.y, 1.2, 0, 2 * Math.PI);
      ctx.fillStyle = "#111";
      ctx.fill();
      drawn = true;
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!last) return;
      event.preventDefault();
      var p = point(event);
      ctx.beginPath();
      ctx.moveTo(last.x, last.y);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
      last = p;
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
      canvas.addEventListener(name, function () {
        if (last && drawn) field.value = canvas.toDataURL("image/png");
        last = null;
      });
    });
    if (clear) clear.addEventListener("click", size);
    size();
    var form = box.closest("form");
    if (form) form.addEventListener("submit", function () {
      field.value = drawn ? canvas.toDataURL("image/png") : "";
    });
  });
})();
