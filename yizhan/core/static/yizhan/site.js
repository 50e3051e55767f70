/* Small progressive enhancements for the staff UI (no inline scripts, CSP-friendly). */
(function () {
  "use strict";
  // Confirm before destructive actions: <button data-confirm="…">
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = (button && button.dataset.confirm) || event.target.dataset.confirm;
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
  // Keyboard: Alt+N new matter, Alt+Q queue, "/" focuses the search box
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    var typing = tag === "input" || tag === "textarea" || tag === "select";
    if (event.altKey && event.key.toLowerCase() === "n") {
      var link = document.querySelector("a[accesskey='2']");
      if (link) { window.location = link.href; event.preventDefault(); }
    } else if (!typing && event.key === "/") {
      var box = document.querySelector("input[type=search]");
      if (box) { box.focus(); event.preventDefault(); }
    }
  });
  // Large-text toggle for public pages (适老化), remembered per browser
  var toggle = document.getElementById("large-text-toggle");
  if (toggle) {
    if (window.localStorage.getItem("yizhan-large-text") === "1") { document.body.classList.add("large-text"); }
    toggle.addEventListener("click", function () {
      var on = document.body.classList.toggle("large-text");
      window.localStorage.setItem("yizhan-large-text", on ? "1" : "0");
    });
  }
  // Print buttons: <button data-print>
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  // Auto-focus the first field marked data-autofocus (the intake form starts at the name)
  var first = document.querySelector("[data-autofocus]");
  if (first) { first.focus(); }
})();
