/* Photos on the filing forms: one control for camera and gallery; each chosen photo is downscaled
   in the browser (long side at most 2560 px, JPEG) before it is uploaded, previewed as a
   thumbnail with a remove button, and the list is put back into the file input, so the plain form
   POST sends the small files. offline.js keeps the list in IndexedDB with the draft, which is how
   the photos survive a validation error (the re-rendered page restores them). Without JavaScript
   the input works as before. */
(function () {
  "use strict";
  var MAX_EDGE = 2560;
  var QUALITY = 0.85;
  var KEEP_UNDER = 1024 * 1024; // a small JPEG within the edge is sent as it is

  function jpegName(name) {
    return (name || "photo").replace(/\.[^.\/]*$/, "") + ".jpg";
  }

  function decode(file) {
    if (window.createImageBitmap) {
      return createImageBitmap(file, {imageOrientation: "from-image"}).catch(function () {
        return createImageBitmap(file);
      });
    }
    return new Promise(function (resolve, reject) {
      var img = new Image();
      img.onload = function () { resolve(img); };
      img.onerror = reject;
      img.src = URL.createObjectURL(file);
    });
  }

  /* {name, type, blob, width, height} of a file downscaled to MAX_EDGE as JPEG. */
  function downscale(file) {
    return decode(file).then(function (image) {
      var w = image.width, h = image.height;
      var scale = Math.min(1, MAX_EDGE / Math.max(w, h));
      if (scale === 1 && file.type === "image/jpeg" && file.size <= KEEP_UNDER) {
        return {name: file.name, type: file.type, blob: file, width: w, height: h};
      }
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(w * scale);
      canvas.height = Math.round(h * scale);
      canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
      if (image.close) image.close();
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          resolve({name: jpegName(file.name), type: "image/jpeg", blob: blob, width: canvas.width,
                   height: canvas.height});
        }, "image/jpeg", QUALITY);
      });
    }, function () {
      return {name: file.name, type: file.type, blob: file}; // not decodable here: the server decides
    });
  }

  function Photos(input) {
    this.input = input;
    this.form = input.form;
    this.list = [];
    this.pending = Promise.resolve();
    this.box = document.createElement("ul");
    this.box.className = "photo-previews";
    this.box.setAttribute("data-testid", "photo-previews");
    input.closest(".field").appendChild(this.box);
    input.removeAttribute("capture"); // the chooser offers camera and gallery together
    var self = this;
    input.addEventListener("change", function () {
      var files = Array.prototype.slice.call(input.files || []);
      if (!files.length || files.every(function (f) { return f.__parkDone; })) return;
      self.pending = Promise.all(files.map(downscale)).then(function (made) {
        self.set(self.list.concat(made));
      });
    });
  }

  Photos.prototype.set = function (list) {
    this.list = list.filter(function (p) { return p && p.blob; });
    var transfer = new DataTransfer();
    this.list.forEach(function (p) {
      var file = new File([p.blob], p.name, {type: p.type || p.blob.type});
      file.__parkDone = true;
      transfer.items.add(file);
    });
    this.input.files = transfer.files;
    this.render();
    this.form.dispatchEvent(new CustomEvent("photoschange", {bubbles: true}));
  };

  Photos.prototype.render = function () {
    var self = this;
    this.box.textContent = "";
    this.list.forEach(function (p, i) {
      var li = document.createElement("li");
      var img = document.createElement("img");
      img.src = URL.createObjectURL(p.blob);
      img.alt = p.name;
      img.onload = function () { URL.revokeObjectURL(img.src); };
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "btn photo-remove";
      remove.textContent = text("remove_photo");
      remove.addEventListener("click", function () {
        self.set(self.list.filter(function (_, j) { return j !== i; }));
      });
      li.appendChild(img);
      li.appendChild(remove);
      self.box.appendChild(li);
    });
  };

  function text(key) {
    var node = document.getElementById("park-i18n");
    var all = node ? JSON.parse(node.textContent) : {};
    return all[key] || key;
  }

  var byForm = new WeakMap();

  document.querySelectorAll("input[type=file][data-photos]").forEach(function (input) {
    byForm.set(input.form, new Photos(input));
  });

  window.ParkPhotos = {
    downscale: downscale,
    get: function (form) { var p = byForm.get(form); return p ? p.list.slice() : []; },
    set: function (form, list) { var p = byForm.get(form); if (p) p.set(list || []); },
    ready: function (form) { var p = byForm.get(form); return p ? p.pending : Promise.resolve(); },
    field: function (form) { var p = byForm.get(form); return p ? p.input.name : "photos"; },
  };
})();
