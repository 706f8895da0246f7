// The visit note: every htmx write carries the note's current version; 409 and 422 answers are
// shown (not dropped); the pain drawing is painted on the body map; suggestions and findings
// pre-fill the forms; the needle-log entry is checked for safety as it is typed.
(function () {
  "use strict";

  function editor(el) { return el && el.closest ? el.closest("#note-editor") : null; }

  // --- htmx: the version, conflicts and errors, the save state ---------------------------------
  document.addEventListener("htmx:configRequest", function (event) {
    var version = document.getElementById("note-version");
    if (!version || event.detail.verb === "get" || !editor(event.detail.elt)) return;
    event.detail.parameters["version"] = version.value;
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 409 || status === 422) { event.detail.shouldSwap = true; event.detail.isError = false; }
  });
  function saveState(text, cls) {
    var out = document.getElementById("save-state");
    if (!out) return;
    out.textContent = text;
    out.className = out.hasAttribute("data-quiet") ? "visually-hidden" : "save-state " + (cls || "");
  }
  function isWrite(detail) {
    return detail.requestConfig && detail.requestConfig.verb !== "get" && editor(detail.elt) &&
      !detail.elt.hasAttribute("data-check");
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (isWrite(event.detail)) saveState("Saving…", "busy");
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr;
    if (!xhr || !isWrite(event.detail)) return;
    var state = document.getElementById("save-state");
    if (xhr.status < 300 && state && state.textContent === "Saving…") saveState("Saved", "ok");
    else if (xhr.status === 409) {
      saveState("Not saved: reload the note", "bad");
      var note = document.getElementById("note-editor");
      if (note) note.classList.add("stale");  // nothing more is sent until the note is reloaded
    }
    else if ((xhr.status >= 400 && xhr.status !== 422) || xhr.status === 0) saveState("Not saved (" + (xhr.status || "offline") + ")", "bad");
  });
  // Needles opened follows the entries logged until the clinician types a count of their own.
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== "needles-used") return;
    var opened = document.querySelector('#sign-form [name="needles_opened"]');
    if (opened && opened.hasAttribute("data-auto")) {
      opened.value = event.detail.target.textContent.trim();
      opened.dispatchEvent(new Event("input", { bubbles: true }));
    }
  });
  // A read-only check of what is being typed (the entry's safety, the needle count), fetched into
  // the element itself a moment after the last change. htmx.ajax rather than a trigger: the element
  // may have been swapped in a few milliseconds ago and not yet be wired up by htmx.
  var timers = {};
  function refresh(id, wait) {
    clearTimeout(timers[id]);
    timers[id] = setTimeout(function () {
      var el = document.getElementById(id);
      if (!el || !window.htmx) return;
      var verb = el.hasAttribute("hx-post") ? "POST" : "GET";
      var request = htmx.ajax(verb, el.getAttribute(verb === "POST" ? "hx-post" : "hx-get"), { source: el, target: el, swap: "innerHTML" });
      if (request && request.catch) request.catch(function () { /* replaced by a newer check */ });
    }, wait);
  }
  // What stands in the way of signing is checked again as the counts are typed.
  document.addEventListener("input", function (event) {
    if (!event.target.closest || !event.target.closest("#sign-form")) return;
    if (event.isTrusted && event.target.name === "needles_opened") event.target.removeAttribute("data-auto");
    refresh("sign-problems", 250);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var alert = document.getElementById("note-alert");
    if (alert && event.detail.target === alert) alert.scrollIntoView({ block: "start", behavior: "smooth" });
    init(event.detail.target);
  });

  // --- the pain drawing --------------------------------------------------------------------
  function painter() {
    var form = document.getElementById("drawing-form");
    var map = document.getElementById("painmap");
    var rampData = document.getElementById("pain-ramp");
    if (!form || !map || !rampData || map.dataset.painter) return;
    map.dataset.painter = "on";
    var ramp = JSON.parse(rampData.textContent);
    var store = form.querySelector("[data-marks]");

    function brush() {
      var checked = document.querySelector('input[name="brush"]:checked');
      return checked ? parseInt(checked.value, 10) : 6;
    }
    function keyOf(el) { return el.getAttribute("data-region") + ":" + (el.getAttribute("data-side") || ""); }
    function inputFor(key) {
      var inputs = store.querySelectorAll('input[name="mark"]');
      for (var i = 0; i < inputs.length; i++) {
        if (inputs[i].value.lastIndexOf(key + ":", 0) === 0) return inputs[i];
      }
      return null;
    }
    function describe(el) {
      var base = el.getAttribute("data-label");
      var n = el.getAttribute("data-intensity");
      el.setAttribute("aria-label", n === null ? base : base + ": pain " + n + " of 10");
    }
    function paint(el, intensity) {
      var key = keyOf(el);
      var input = inputFor(key);
      if (intensity === null) {
        if (input) input.remove();
        el.removeAttribute("data-intensity");
        el.removeAttribute("fill");
        el.setAttribute("aria-pressed", "false");
      } else {
        if (!input) {
          input = document.createElement("input");
          input.type = "hidden"; input.name = "mark";
          store.appendChild(input);
        }
        input.value = key + ":" + intensity;
        el.setAttribute("data-intensity", String(intensity));
        el.setAttribute("fill", ramp[intensity]);
        el.setAttribute("aria-pressed", "true");
      }
      describe(el);
      form.dispatchEvent(new Event("drawing-changed", { bubbles: true }));
    }
    function toggle(el) {
      var current = el.getAttribute("data-intensity");
      paint(el, current !== null && parseInt(current, 10) === brush() ? null : brush());
    }
    map.querySelectorAll(".bm-region").forEach(function (el) {
      el.setAttribute("data-label", el.getAttribute("aria-label"));
      describe(el);
      el.addEventListener("click", function () { toggle(el); });
      el.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); toggle(el); }
        else if (/^[0-9]$/.test(event.key)) { event.preventDefault(); paint(el, event.key === "0" ? 10 : parseInt(event.key, 10)); }
        else if (event.key === "Delete" || event.key === "Backspace") { event.preventDefault(); paint(el, null); }
      });
    });
  }

  // --- the episode's affected regions (toggle) ----------------------------------------------
  function regionToggles() {
    var holder = document.querySelector("[data-toggle-map]");
    var store = document.querySelector("[data-region-inputs]");
    if (!holder || !store || holder.dataset.ready) return;
    holder.dataset.ready = "on";
    var count = document.getElementById("region-count");
    var list = document.getElementById("region-list");
    function refresh() {
      if (count) count.textContent = store.querySelectorAll("input").length + " selected";
      if (!list) return;
      list.textContent = "";
      holder.querySelectorAll('.bm-region[aria-pressed="true"]').forEach(function (el) {
        var item = document.createElement("li");
        item.className = "chip";
        var label = el.getAttribute("aria-label") || "";
        item.textContent = label.charAt(0).toUpperCase() + label.slice(1);
        list.appendChild(item);
      });
    }
    function toggle(el) {
      var value = el.getAttribute("data-region") + ":" + (el.getAttribute("data-side") || "");
      var existing = store.querySelector('input[value="' + value + '"]');
      if (existing) {
        existing.remove();
        el.setAttribute("aria-pressed", "false");
        el.removeAttribute("fill");
      } else {
        var input = document.createElement("input");
        input.type = "hidden"; input.name = "regions"; input.value = value;
        store.appendChild(input);
        el.setAttribute("aria-pressed", "true");
        el.setAttribute("fill", "#8fd1c9");
      }
      el.classList.toggle("np-selected", !existing);
      refresh();
    }
    holder.querySelectorAll(".bm-region").forEach(function (el) {
      if (el.getAttribute("aria-pressed") === "true") { el.classList.add("np-selected"); el.setAttribute("fill", "#8fd1c9"); }
      el.addEventListener("click", function () { toggle(el); });
      el.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); toggle(el); }
      });
    });
    refresh();
  }

  // --- pre-filling forms from suggestions and findings ----------------------------------------
  function prefill(kind, muscle, side) {
    var form = document.getElementById(kind === "finding" ? "finding-form" : "entry-form");
    if (!form) return;
    var prefix = kind === "finding" ? "finding-" : "entry-";
    var select = form.querySelector('[name="' + prefix + 'muscle"]');
    if (select) select.value = muscle;
    var radio = form.querySelector('[name="' + prefix + 'side"][value="' + side + '"]');
    if (radio) radio.checked = true;
    form.scrollIntoView({ block: "center", behavior: "smooth" });
    var next = form.querySelector(kind === "finding" ? '[name="finding-activity"]' : '[name="entry-needle_length_mm"]');
    if (next) next.focus({ preventScroll: true });
    if (kind === "entry") entryChanged();
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-prefill]") : null;
    if (!button) return;
    prefill(button.getAttribute("data-prefill"), button.getAttribute("data-muscle"), button.getAttribute("data-side"));
  });

  // --- the needle-log entry: live safety check, electrical stimulation fields ---------------
  function entryChanged() { refresh("entry-safety", 250); }
  function onEntryInput(event) {
    var form = event.target.closest ? event.target.closest("#entry-form") : null;
    var lot = event.target.id === "lot-all";
    if (!form && !lot) return;
    if (event.target.name === "ack") return;
    if (event.target.name === "entry-electrical_stimulation") {
      var estim = form.querySelector("[data-estim]");
      if (estim) estim.hidden = !event.target.checked;
    }
    entryChanged();
  }
  document.addEventListener("change", onEntryInput);

  function init() {
    painter();
    regionToggles();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { init(); });
  else init();
})();
