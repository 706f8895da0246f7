/* Signature pad: draw on a <canvas> with mouse, finger or pen (pointer events); the drawing is
   kept in a hidden input as a PNG data URL. No libraries. Without JavaScript the form still
   works: the signer ticks "my typed name is my signature" and the server checks the rest. */
(function () {
  "use strict";

  var INK = "#14213d";
  var MAX_RATIO = 2; // enough for a crisp signature; keeps the PNG small

  function setup(form) {
    var box = form.querySelector("[data-signature]");
    if (!box) { return; }
    var pad = box.querySelector(".sigpad");
    var canvas = box.querySelector("[data-signature-canvas]");
    var input = box.querySelector("[data-signature-input]");
    var clearButton = box.querySelector("[data-signature-clear]");
    var status = box.querySelector("[data-signature-status]");
    var error = box.querySelector("[data-signature-error]");
    var none = box.querySelector("[data-signature-none]");
    var ctx = canvas.getContext("2d");
    var ratio = 1;
    var drawing = false;
    var last = null;
    var inked = false;

    function size() {
      var rect = canvas.getBoundingClientRect();
      ratio = Math.min(Math.max(window.devicePixelRatio || 1, 1), MAX_RATIO);
      canvas.width = Math.max(1, Math.round(rect.width * ratio));
      canvas.height = Math.max(1, Math.round(rect.height * ratio));
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.strokeStyle = INK;
      ctx.fillStyle = INK;
      ctx.lineWidth = 2.6 * ratio;
    }

    function point(event) {
      var rect = canvas.getBoundingClientRect();
      return {
        x: (event.clientX - rect.left) * (canvas.width / rect.width),
        y: (event.clientY - rect.top) * (canvas.height / rect.height)
      };
    }

    function setStatus(text) { if (status) { status.textContent = text; } }

    function hideError() {
      if (error) { error.hidden = true; }
      pad.classList.remove("has-error");
    }

    function markInked() {
      inked = true;
      pad.classList.add("has-ink");
      hideError();
    }

    function save() {
      if (!inked) { return; }
      input.value = canvas.toDataURL("image/png");
      setStatus("Signature drawn. Use Clear to start again.");
    }

    function clear() {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      input.value = "";
      inked = false;
      pad.classList.remove("has-ink");
      setStatus("Nothing drawn yet.");
    }

    function dot(p) {
      ctx.beginPath();
      ctx.arc(p.x, p.y, ctx.lineWidth / 2, 0, Math.PI * 2);
      ctx.fill();
    }

    function line(from, to, pressure) {
      ctx.lineWidth = (pressure > 0 && pressure !== 0.5 ? 1.6 + 2.2 * pressure : 2.6) * ratio;
      ctx.beginPath();
      ctx.moveTo(from.x, from.y);
      ctx.lineTo(to.x, to.y);
      ctx.stroke();
    }

    canvas.addEventListener("pointerdown", function (event) {
      if (event.pointerType === "mouse" && event.button !== 0) { return; }
      event.preventDefault();
      if (canvas.setPointerCapture) { canvas.setPointerCapture(event.pointerId); }
      drawing = true;
      last = point(event);
      dot(last);
      markInked();
    });

    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) { return; }
      event.preventDefault();
      var events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
      if (!events.length) { events = [event]; }
      events.forEach(function (e) {
        var p = point(e);
        line(last, p, e.pressure);
        last = p;
      });
    });

    function stop() {
      if (!drawing) { return; }
      drawing = false;
      last = null;
      save();
    }
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
    canvas.addEventListener("lostpointercapture", stop);

    clearButton.addEventListener("click", function () {
      clear();
      canvas.focus();
    });

    if (none) {
      none.addEventListener("change", function () { if (none.checked) { hideError(); } });
    }

    form.addEventListener("submit", function (event) {
      if (input.value || (none && none.checked)) { return; }
      event.preventDefault();
      if (error) {
        error.textContent = "Draw your signature in the box, or tick \u201cI cannot draw a signature; my typed name is my signature\u201d.";
        error.hidden = false;
      }
      pad.classList.add("has-error");
      pad.scrollIntoView({ behavior: "smooth", block: "center" });
    });

    // Redraw a signature sent back with a form that had another problem.
    function restore(dataUrl) {
      var image = new Image();
      image.onload = function () {
        ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
        inked = true;
        pad.classList.add("has-ink");
        setStatus("Signature drawn. Use Clear to start again.");
      };
      image.src = dataUrl;
    }

    var kept = input.value;
    size();
    if (kept.indexOf("data:image/png;base64,") === 0) { restore(kept); }

    // A new size clears the canvas: only resize while it is still empty.
    window.addEventListener("resize", function () { if (!inked) { size(); } });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-signature-form]"), setup);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
