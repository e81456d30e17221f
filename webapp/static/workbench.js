// The workbench's "stamp now" helper: a clock started with the video fills in each time.
(function () {
  "use strict";
  var start = document.querySelector("[data-clock-start]");
  if (!start) { return; }
  var output = document.querySelector("[data-clock]");
  var startedAt = null;
  function clock(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
    var ss = (s < 10 ? "0" : "") + s;
    if (h) { return h + ":" + (m < 10 ? "0" : "") + m + ":" + ss; }
    return m + ":" + ss;
  }
  function elapsed() { return startedAt === null ? 0 : Math.floor((Date.now() - startedAt) / 1000); }
  start.closest("[hidden]").hidden = false;
  start.addEventListener("click", function () {
    startedAt = Date.now();
    start.textContent = "Restart the clock";
  });
  setInterval(function () { output.textContent = clock(elapsed()); }, 500);
  document.querySelectorAll("[data-stamp]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      document.getElementById(button.getAttribute("data-stamp")).value = clock(elapsed());
    });
  });
})();
