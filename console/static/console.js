/* Small progressive enhancements for the staff console; every page works without them. */
(function () {
  "use strict";
  // Preview tabs (kiosk / TV / hotline / chat).
  document.querySelectorAll(".tabs").forEach(function (bar) {
    bar.addEventListener("click", function (ev) {
      var btn = ev.target.closest(".tab");
      if (!btn) { return; }
      var box = bar.parentElement;
      bar.querySelectorAll(".tab").forEach(function (b) { b.classList.toggle("active", b === btn); });
      box.querySelectorAll(".tabpanel").forEach(function (p) { p.hidden = p.id !== btn.dataset.tab; });
    });
  });
  // Transitions that need a note: ask for it before sending rather than after a refusal.
  var form = document.getElementById("transition-form");
  if (form) {
    form.addEventListener("submit", function (ev) {
      var btn = ev.submitter;
      var note = document.getElementById("transition-note");
      if (btn && btn.classList.contains("needs-note") && note && !note.value.trim()) {
        ev.preventDefault();
        note.setCustomValidity(btn.title || "");
        note.reportValidity();
        note.addEventListener("input", function () { note.setCustomValidity(""); }, { once: true });
      }
    });
  }
  // The agents' desk: refresh the callers waiting in the hotline's queue every 10 seconds.
  var waiting = document.getElementById("waiting-calls");
  if (waiting && waiting.dataset.refresh && window.fetch) {
    setInterval(function () {
      if (document.hidden) { return; }
      fetch(waiting.dataset.refresh, { credentials: "same-origin" }).then(function (r) {
        return r.ok && !r.redirected ? r.text() : null;  // signed out: leave it be
      }).then(function (html) {
        if (html !== null) { waiting.innerHTML = html; }
      }).catch(function () {});
    }, 10000);
  }
  // Keep one submission per click on slow links.
  document.querySelectorAll("form[method=post]").forEach(function (f) {
    f.addEventListener("submit", function (ev) {
      if (ev.defaultPrevented) { return; }
      if (f.dataset.sent) { ev.preventDefault(); return; }
      f.dataset.sent = "1";
      setTimeout(function () { delete f.dataset.sent; }, 3000);
    });
  });
})();
