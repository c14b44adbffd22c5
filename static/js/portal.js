/* The portal's own behaviour. The Content-Security-Policy runs only files like this one:
   no inline <script>, no on...="" attributes, no style="" attributes. Pages carry data
   attributes and this file acts on them, on the first load and on every part htmx swaps in. */
(function () {
  "use strict";

  // A progress bar's width comes from data-progress (0-100).
  function showProgress(root) {
    root.querySelectorAll(".progress-bar[data-progress]").forEach(function (bar) {
      bar.style.width = bar.dataset.progress + "%";
    });
  }

  function enhance(root) {
    showProgress(root);
  }

  if (window.htmx) {
    window.htmx.onLoad(enhance);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  } else {
    enhance(document);
  }
})();
