/* Progressive enhancement of the job search box: as the user types, job titles and employer
   names from /api/v1/jobs/suggest fill the input's <datalist>. The search works without it. */
(function () {
  "use strict";
  var input = document.querySelector("input[data-suggest-url]");
  var list = input && document.getElementById(input.getAttribute("list"));
  if (!input || !list || !window.fetch) {
    return;
  }
  var timer = null;
  var last = "";

  function fill(values) {
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    values.forEach(function (value) {
      var option = document.createElement("option");
      option.value = value;
      list.appendChild(option);
    });
  }

  function suggest() {
    var prefix = input.value.trim();
    if (prefix === last) {
      return;
    }
    last = prefix;
    if (!prefix || prefix.length > 30) {
      fill([]);
      return;
    }
    var url = input.getAttribute("data-suggest-url") + "?prefix=" + encodeURIComponent(prefix);
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : { titles: [], employers: [] };
      })
      .then(function (body) {
        if (input.value.trim() === prefix) {
          fill((body.titles || []).concat(body.employers || []).slice(0, 12));
        }
      })
      .catch(function () {
        fill([]);
      });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(suggest, 150);
  });
})();
