/* Citizen portal, step 1 of the web form: a character counter and public answers that may
   help, fetched while the citizen types. Only an enhancement: without this script the same
   answers are shown on the next step. */
(function () {
  "use strict";
  var words = document.getElementById("words");
  if (!words) { return; }
  var counter = document.getElementById("words-count");
  var answers = document.getElementById("live-answers");
  var status = document.getElementById("live-status");
  var max = parseInt(words.getAttribute("data-max") || "0", 10);
  var url = words.getAttribute("data-suggest-url");
  var timer = null;
  var lastQuery = "";
  var shown = 0;

  function count() {
    if (!counter || !max) { return; }
    var left = max - words.value.length;
    var template = left >= 0 ? counter.getAttribute("data-left") : counter.getAttribute("data-over");
    counter.textContent = template.replace("{count}", String(Math.abs(left)));
    counter.classList.toggle("over", left < 0);
    counter.hidden = left > max * 0.2;  // only near the limit
  }

  function topic() {
    var checked = document.querySelector("input[name=topic]:checked");
    return checked ? checked.value : "";
  }

  function suggest() {
    var query = words.value.trim();
    var key = topic() + "\n" + query;
    if (!url || query.length < 10 || key === lastQuery) { return; }
    lastQuery = key;
    var address = url + "?q=" + encodeURIComponent(query.slice(0, 500)) +
      "&topic=" + encodeURIComponent(topic());
    fetch(address, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        var parsed = new DOMParser().parseFromString(html, "text/html");
        answers.replaceChildren.apply(answers, Array.prototype.slice.call(parsed.body.childNodes));
        var found = answers.querySelectorAll(".answer").length;
        if (found && !shown && status) { status.textContent = status.getAttribute("data-found"); }
        shown = found;
      })
      .catch(function () { /* suggestions are a convenience; the next step shows them anyway */ });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(suggest, 600);
  }

  words.addEventListener("input", function () { count(); later(); });
  document.querySelectorAll("input[name=topic]").forEach(function (radio) {
    radio.addEventListener("change", later);
  });
  count();
})();
