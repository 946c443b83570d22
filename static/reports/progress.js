// Live progress of a report, or of its files in another language, being
// generated. Loaded from a file (never inline) so that the page works under a
// Content-Security-Policy without 'unsafe-inline'; everything it needs comes
// from data- attributes. When finished the page is reloaded: a report page then
// shows the report, a download page then serves the file. A page that words a
// failure itself (data-label-failed) says so and stays, rather than reloading
// into asking again.
(function () {
  "use strict";

  var INTERVAL = 2000; // ms between polls
  var MAX_DELAY = 60000; // back-off ceiling after failures
  var GIVE_UP_AFTER = 10; // consecutive failures before asking for a reload

  var panel = document.querySelector("[data-status-url]");
  if (!panel || !window.fetch) {
    return;
  }
  var url = panel.getAttribute("data-status-url");
  var bar = document.getElementById("report-progress");
  var stepText = document.getElementById("report-progress-text");
  var statusText = document.getElementById("report-status");
  var labels = {
    queued: panel.getAttribute("data-label-queued"),
    running: panel.getAttribute("data-label-running"),
    unavailable: panel.getAttribute("data-label-unavailable"),
    done: panel.getAttribute("data-label-done"),
    failed: panel.getAttribute("data-label-failed"),
  };
  var stepTemplate = panel.getAttribute("data-step-template") || "{step} / {total}";
  var failures = 0;
  var timer = null;
  var inFlight = false;
  var stopped = false;

  function setText(element, text) {
    // Only real changes, so that screen readers announce each one once.
    if (element && text && element.textContent !== text) {
      element.textContent = text;
    }
  }

  function toCount(value, fallback) {
    var number = parseInt(value, 10);
    return isNaN(number) || number < 0 ? fallback : number;
  }

  function show(data) {
    var total = toCount(data.steps_total, toCount(bar && bar.max, 1)) || 1;
    var step = Math.min(toCount(data.step, 0), total);
    if (bar) {
      bar.max = total;
      bar.value = step;
      bar.textContent = step + " / " + total;
    }
    setText(
      stepText,
      stepTemplate.replace("{step}", String(step)).replace("{total}", String(total))
    );
    setText(statusText, labels[data.status]);
  }

  function reveal(id) {
    var element = document.getElementById(id);
    if (element) {
      element.hidden = false;
    }
  }

  function finish(data) {
    stopped = true;
    show(data);
    setText(statusText, labels[data.status]);
    if (data.status === "failed" && labels.failed) {
      reveal("report-retry");
      return;
    }
    if (labels.done) {
      reveal("report-ready");
    }
    window.location.reload();
  }

  function schedule(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(poll, delay);
  }

  function fail(permanent) {
    failures += 1;
    if (permanent || failures >= GIVE_UP_AFTER) {
      stopped = true;
      setText(statusText, labels.unavailable);
      return;
    }
    schedule(Math.min(INTERVAL * Math.pow(2, failures), MAX_DELAY));
  }

  function poll() {
    if (stopped || inFlight) {
      return;
    }
    if (document.hidden) {
      return; // resumed by the visibilitychange listener
    }
    inFlight = true;
    fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      cache: "no-store",
    })
      .then(function (response) {
        inFlight = false;
        if (!response.ok) {
          // Signed out, or the report is gone: polling again will not help.
          var permanent = [401, 403, 404].indexOf(response.status) !== -1;
          fail(permanent);
          return null;
        }
        return response.json().then(function (data) {
          failures = 0;
          if (data.status === "done" || data.status === "failed") {
            finish(data);
            return;
          }
          show(data);
          schedule(INTERVAL);
        });
      })
      .catch(function () {
        inFlight = false;
        fail(false);
      });
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && !stopped) {
      schedule(0);
    }
  });

  schedule(INTERVAL);
})();
