/* Follows queued and running 学籍 imports: every few seconds it reads each import's status
   from the registry API ([data-import-poll] holds its URL), updates the counts in place and
   reloads the page once an import has finished (to show its error report). Without it the
   page shows the state at load time. */
(function () {
  "use strict";
  var targets = Array.prototype.slice.call(document.querySelectorAll("[data-import-poll]"));
  if (!targets.length || !window.fetch) {
    return;
  }
  var INTERVAL = 2000;
  var FIELDS = ["rows_total", "rows_inserted", "rows_updated", "rows_unchanged", "rows_rejected"];
  var UNFINISHED = { queued: true, running: true };

  function fileChosen() {
    var input = document.querySelector('form[data-upload] input[type="file"]');
    return Boolean(input && input.files && input.files.length);
  }

  function update(target, data) {
    FIELDS.forEach(function (field) {
      var cell = target.querySelector('[data-field="' + field + '"]');
      if (cell && typeof data[field] === "number") {
        cell.textContent = String(data[field]);
      }
    });
  }

  function poll() {
    var pending = targets.map(function (target) {
      return fetch(target.getAttribute("data-import-poll"), {
        credentials: "same-origin",
        headers: { Accept: "application/json" }
      }).then(function (response) {
        if (response.status === 401) {
          return "reload"; /* the page load renews the sign-in */
        }
        if (!response.ok) {
          return "stop";
        }
        return response.json().then(function (data) {
          update(target, data);
          return UNFINISHED[data.status] ? "wait" : "reload";
        });
      }).catch(function () {
        return "wait";
      });
    });
    Promise.all(pending).then(function (outcomes) {
      if (outcomes.indexOf("reload") !== -1 && !fileChosen()) {
        window.location.reload();
      } else if (outcomes.indexOf("stop") === -1) {
        window.setTimeout(poll, INTERVAL);
      }
    });
  }

  window.setTimeout(poll, INTERVAL);
})();
