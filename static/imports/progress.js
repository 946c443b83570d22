// Progress of a large file's dry run or import, worked out by the worker.
// Loaded from a file (never inline) for the Content-Security-Policy; the
// status URL comes from a data- attribute. When the job is finished the page
// is reloaded to show its preview, problems or result.
(function () {
  "use strict";
  var panel = document.querySelector("[data-import-status]");
  if (!panel || !window.fetch) {
    return;
  }
  var url = panel.getAttribute("data-import-status");
  var bar = document.getElementById("import-progress");
  var text = document.getElementById("import-progress-text");
  var delay = 1500;

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (data) {
        delay = 1500;
        if (bar) {
          bar.value = data.percent;
        }
        if (text) {
          var line = data.label + " " + data.rows_done + " / " + data.rows_total;
          if (text.textContent !== line) {
            text.textContent = line;
          }
        }
        if (data.finished) {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        delay = Math.min(delay * 2, 30000);
        window.setTimeout(poll, delay);
      });
  }
  window.setTimeout(poll, delay);
})();
