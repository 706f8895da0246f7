// The schedule's small helpers: the booking form fills in the usual length when the kind changes
// (60 minutes for an evaluation, 30 for a follow-up) unless the length was typed by hand; htmx
// answers 409 and 422 (a refused action) are shown in place instead of being dropped.
(function () {
  "use strict";

  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 409 || status === 422) { event.detail.shouldSwap = true; event.detail.isError = false; }
  });

  function lengths() {
    var data = document.getElementById("kind-lengths");
    try { return data ? JSON.parse(data.textContent) : {}; } catch (e) { return {}; }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-booking-form]");
    if (!form) return;
    var length = form.querySelector("[data-length]");
    if (!length) return;
    var typed = false;
    length.addEventListener("input", function () { typed = true; });
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.name !== "kind" || typed) return;
      var minutes = lengths()[target.value];
      if (minutes) length.value = minutes;
    });
  });
})();
