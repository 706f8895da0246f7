// Pain-pattern finder: clicking (or Enter/Space on) a body-map region toggles it in the drawing;
// the ranked suggestions refresh through htmx. Works without JS too: the form submits normally.
(function () {
  "use strict";
  function init() {
    var form = document.getElementById("finder-form");
    var map = document.getElementById("painmap");
    if (!form || !map) return;
    var list = form.querySelector("[data-drawing]");

    function keyOf(el) {
      return el.getAttribute("data-region") + (el.getAttribute("data-side") ? ":" + el.getAttribute("data-side") : "");
    }
    function inputFor(key) {
      var inputs = list.querySelectorAll('input[name="r"]');
      for (var i = 0; i < inputs.length; i++) { if (inputs[i].value === key) return inputs[i]; }
      return null;
    }
    function refreshCount() {
      var n = list.querySelectorAll('input[name="r"]').length;
      var out = document.getElementById("drawing-count");
      if (out) out.textContent = n === 0 ? "No regions selected" : n + (n === 1 ? " region selected" : " regions selected");
    }
    function toggle(el) {
      var key = keyOf(el);
      var pressed = el.getAttribute("aria-pressed") === "true";
      var existing = inputFor(key);
      if (pressed && existing) existing.remove();
      if (!pressed && !existing) {
        var input = document.createElement("input");
        input.type = "hidden"; input.name = "r"; input.value = key;
        list.appendChild(input);
      }
      el.setAttribute("aria-pressed", pressed ? "false" : "true");
      el.classList.toggle("np-drawn", !pressed);
      refreshCount();
      form.dispatchEvent(new Event("drawing-changed", { bubbles: true }));
    }
    map.querySelectorAll(".bm-region").forEach(function (el) {
      if (el.getAttribute("aria-pressed") === "true") el.classList.add("np-drawn");
      el.addEventListener("click", function () { toggle(el); });
      el.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); toggle(el); }
      });
    });
    var clear = document.getElementById("clear-drawing");
    if (clear) clear.addEventListener("click", function (event) {
      event.preventDefault();
      map.querySelectorAll('.bm-region[aria-pressed="true"]').forEach(function (el) { toggle(el); });
    });
    refreshCount();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
