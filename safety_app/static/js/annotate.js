/* Annotating a photo on the hazard page: arrows and circles (ellipses) in red, yellow or white,
   with undo, drawn on a canvas with pointer events (mouse, pen and touch alike). The drawing is
   saved as a new JPEG that the server checks like any photo and keeps beside the original
   (标注图); the original is never changed. Without JavaScript there is no annotate button. */
(function () {
  "use strict";
  var gallery = document.querySelector("[data-photo-gallery][data-may-annotate]");
  if (!gallery || !window.HTMLCanvasElement || !window.fetch) return;
  var T = JSON.parse(gallery.getAttribute("data-i18n") || "{}");
  var COLOURS = [["red", "#e11d2e"], ["yellow", "#facc15"], ["white", "#ffffff"]];

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  function drawArrow(ctx, s, width) {
    var angle = Math.atan2(s.y1 - s.y0, s.x1 - s.x0);
    var head = Math.max(width * 4, 12);
    ctx.beginPath();
    ctx.moveTo(s.x0, s.y0);
    ctx.lineTo(s.x1 - Math.cos(angle) * head * 0.6, s.y1 - Math.sin(angle) * head * 0.6);
    ctx.stroke();
    ctx.beginPath();
    ctx.moveTo(s.x1, s.y1);
    ctx.lineTo(s.x1 - head * Math.cos(angle - Math.PI / 7), s.y1 - head * Math.sin(angle - Math.PI / 7));
    ctx.lineTo(s.x1 - head * Math.cos(angle + Math.PI / 7), s.y1 - head * Math.sin(angle + Math.PI / 7));
    ctx.closePath();
    ctx.fill();
    ctx.stroke();
  }

  function drawEllipse(ctx, s) {
    ctx.beginPath();
    ctx.ellipse((s.x0 + s.x1) / 2, (s.y0 + s.y1) / 2, Math.abs(s.x1 - s.x0) / 2, Math.abs(s.y1 - s.y0) / 2,
                0, 0, 2 * Math.PI);
    ctx.stroke();
  }

  function drawShape(ctx, s, width) {
    // a dark edge under the colour keeps white and yellow visible on bright photos
    [["rgba(0,0,0,0.55)", width + Math.max(2, width / 2)], [s.colour, width]].forEach(function (pass) {
      ctx.strokeStyle = pass[0];
      ctx.fillStyle = pass[0];
      ctx.lineWidth = pass[1];
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      if (s.tool === "arrow") drawArrow(ctx, s, width); // the same geometry, the edge only wider
      else drawEllipse(ctx, s);
    });
  }

  function Annotator(figure) {
    this.figure = figure;
    this.shapes = [];
    this.current = null;
    this.tool = "arrow";
    this.colour = COLOURS[0][1];
    this.build();
  }

  Annotator.prototype.build = function () {
    var self = this;
    var screen = this.screen = el("div", {"class": "annotate-screen", role: "dialog", "aria-modal": "true",
                                          "aria-label": T.title, "data-testid": "annotate-screen"});
    var bar = el("div", {"class": "annotate-tools"});
    this.toolButtons = ["arrow", "circle"].map(function (tool) {
      var b = el("button", {type: "button", "class": "btn tool", "data-tool": tool, "aria-pressed": "false"}, T[tool]);
      b.addEventListener("click", function () { self.setTool(tool); });
      bar.appendChild(b);
      return b;
    });
    var colours = el("span", {"class": "annotate-colours", role: "group", "aria-label": T.colour});
    this.colourButtons = COLOURS.map(function (c) {
      var b = el("button", {type: "button", "class": "swatch", "data-colour": c[0], "aria-pressed": "false",
                            title: T[c[0]], "aria-label": T[c[0]], style: "background:" + c[1]});
      b.addEventListener("click", function () { self.setColour(c[1]); });
      colours.appendChild(b);
      return b;
    });
    bar.appendChild(colours);
    this.undoButton = el("button", {type: "button", "class": "btn", "data-action": "undo"}, T.undo);
    this.undoButton.addEventListener("click", function () { self.shapes.pop(); self.redraw(); });
    bar.appendChild(this.undoButton);
    screen.appendChild(bar);

    var stage = el("div", {"class": "annotate-stage"});
    this.canvas = el("canvas", {"data-testid": "annotate-canvas"});
    stage.appendChild(this.canvas);
    screen.appendChild(stage);
    this.status = el("p", {"class": "annotate-status hint", role: "status"}, T.loading);
    screen.appendChild(this.status);

    var actions = el("div", {"class": "annotate-actions"});
    var cancel = el("button", {type: "button", "class": "btn", "data-action": "cancel"}, T.cancel);
    cancel.addEventListener("click", function () { self.close(); });
    this.saveButton = el("button", {type: "button", "class": "btn primary", "data-action": "save"}, T.save);
    this.saveButton.addEventListener("click", function () { self.save(); });
    actions.appendChild(cancel);
    actions.appendChild(this.saveButton);
    screen.appendChild(actions);

    this.canvas.addEventListener("pointerdown", function (e) { self.down(e); });
    this.canvas.addEventListener("pointermove", function (e) { self.move(e); });
    this.canvas.addEventListener("pointerup", function (e) { self.up(e); });
    this.canvas.addEventListener("pointercancel", function () { self.current = null; self.redraw(); });
    this.onKey = function (e) { if (e.key === "Escape") self.close(); };
    this.setTool("arrow");
    this.setColour(COLOURS[0][1]);
  };

  Annotator.prototype.open = function () {
    var self = this;
    document.body.appendChild(this.screen);
    document.body.classList.add("annotating");
    document.addEventListener("keydown", this.onKey);
    this.saveButton.disabled = true;
    var image = new Image();
    image.onload = function () {
      self.image = image;
      self.canvas.width = image.naturalWidth;
      self.canvas.height = image.naturalHeight;
      self.width = Math.max(3, Math.round(Math.min(image.naturalWidth, image.naturalHeight) / 90));
      self.status.textContent = T.hint;
      self.saveButton.disabled = false;
      self.redraw();
    };
    image.onerror = function () { self.status.textContent = T.failed; };
    image.src = this.figure.getAttribute("data-src");
    this.toolButtons[0].focus();
  };

  Annotator.prototype.close = function () {
    document.removeEventListener("keydown", this.onKey);
    document.body.classList.remove("annotating");
    if (this.screen.parentNode) this.screen.parentNode.removeChild(this.screen);
  };

  Annotator.prototype.setTool = function (tool) {
    this.tool = tool;
    this.toolButtons.forEach(function (b) { b.setAttribute("aria-pressed", String(b.getAttribute("data-tool") === tool)); });
  };

  Annotator.prototype.setColour = function (colour) {
    this.colour = colour;
    this.colourButtons.forEach(function (b) {
      var c = COLOURS.filter(function (x) { return x[0] === b.getAttribute("data-colour"); })[0];
      b.setAttribute("aria-pressed", String(c[1] === colour));
    });
  };

  Annotator.prototype.point = function (e) {
    var r = this.canvas.getBoundingClientRect();
    return {x: (e.clientX - r.left) * this.canvas.width / r.width, y: (e.clientY - r.top) * this.canvas.height / r.height};
  };

  Annotator.prototype.down = function (e) {
    if (!this.image || (e.pointerType === "mouse" && e.button !== 0)) return;
    e.preventDefault();
    this.canvas.setPointerCapture(e.pointerId);
    var p = this.point(e);
    this.current = {tool: this.tool, colour: this.colour, x0: p.x, y0: p.y, x1: p.x, y1: p.y};
  };

  Annotator.prototype.move = function (e) {
    if (!this.current) return;
    var p = this.point(e);
    this.current.x1 = p.x;
    this.current.y1 = p.y;
    this.redraw();
  };

  Annotator.prototype.up = function (e) {
    if (!this.current) return;
    this.move(e);
    var s = this.current;
    this.current = null;
    if (Math.abs(s.x1 - s.x0) + Math.abs(s.y1 - s.y0) >= this.width * 3) this.shapes.push(s); // not a tap
    this.redraw();
  };

  Annotator.prototype.redraw = function () {
    if (!this.image) return;
    var ctx = this.canvas.getContext("2d");
    ctx.drawImage(this.image, 0, 0);
    var width = this.width;
    this.shapes.concat(this.current ? [this.current] : []).forEach(function (s) { drawShape(ctx, s, width); });
    this.undoButton.disabled = !this.shapes.length;
  };

  Annotator.prototype.save = function () {
    var self = this;
    if (!this.shapes.length) { this.status.textContent = T.empty; return; }
    this.saveButton.disabled = true;
    this.status.textContent = T.saving;
    this.canvas.toBlob(function (blob) {
      if (!blob) {
        self.status.textContent = T.failed;
        self.saveButton.disabled = false;
        return;
      }
      var body = new FormData();
      var name = (self.figure.getAttribute("data-name") || "photo").replace(/\.[^.\/]*$/, "");
      body.append("image", new File([blob], name + "-annotated.jpg", {type: "image/jpeg"}));
      body.append("csrf_token", gallery.getAttribute("data-csrf"));
      fetch(self.figure.getAttribute("data-annotate-url"), {
        method: "POST", body: body, credentials: "same-origin", headers: {Accept: "application/json"}
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (!response.ok) throw new Error((data.error && data.error.message) || T.failed);
          var target = new URL(data.hazard_url, window.location.href);
          if (target.pathname === window.location.pathname && target.search === window.location.search) {
            window.location.hash = target.hash;
            window.location.reload();
          } else window.location.assign(target.href);
        });
      }).catch(function (error) {
        self.status.textContent = error.message || T.failed;
        self.saveButton.disabled = false;
      });
    }, "image/jpeg", 0.9);
  };

  gallery.querySelectorAll("figure[data-annotate-url]").forEach(function (figure) {
    var button = el("button", {type: "button", "class": "btn small annotate-btn", "data-annotate": figure.getAttribute("data-photo")},
                    T.annotate);
    button.addEventListener("click", function () { new Annotator(figure).open(); });
    figure.appendChild(button);
  });
})();
