// Progressive enhancement for the task detail page: after a refused form the
// error summary (or the concurrent-change panel) takes the keyboard focus, so
// screen-reader and keyboard users land on what needs their attention. The
// page works the same without this script.
(function () {
  "use strict";
  function focusSummary() {
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
})();
