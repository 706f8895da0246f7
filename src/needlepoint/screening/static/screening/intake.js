// Show follow-up questions only when they apply (data-show-if="q_pregnant=yes" or "q_age_years<18"),
// and a list question's details only when its gate is answered Yes. Without JS every question shows.
(function () {
  "use strict";
  function value(form, name) {
    var checked = form.querySelector('input[name="' + name + '"]:checked');
    if (checked) return checked.value;
    var field = form.querySelector('[name="' + name + '"]');
    return field && field.type !== "radio" ? field.value : "";
  }
  function update(form) {
    form.querySelectorAll("[data-show-if]").forEach(function (el) {
      var rule = el.getAttribute("data-show-if"), show;
      if (rule.indexOf("<") > 0) {
        var parts = rule.split("<"), v = parseInt(value(form, parts[0]), 10);
        show = !isNaN(v) && v < parseInt(parts[1], 10);
      } else {
        var kv = rule.split("=");
        show = value(form, kv[0]) === kv[1];
      }
      el.hidden = !show;
    });
  }
  function init() {
    var form = document.getElementById("intake-form");
    if (!form) return;
    form.addEventListener("change", function () { update(form); });
    form.addEventListener("input", function () { update(form); });
    update(form);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
