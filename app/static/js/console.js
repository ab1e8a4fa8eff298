/* Agent console: label suggestions as you type (an ARIA combobox; Enter picks the
   highlighted one, never submits), the outcome preview for the chosen label, its guide
   (case details) fetched in place, and Ctrl+Enter to save.
   A chosen label is announced with a "label:chosen" event on the select (kb.js shows its
   answers and bulletins); kb.js suggests labels from the citizen's words and chooses them
   through window.enVagIn.chooseLabel. Everything works without this script too. */
(function () {
  "use strict";
  var search = document.getElementById("label-search");
  var list = document.getElementById("label-suggestions");
  var select = document.getElementById("label_id");
  var outcome = document.getElementById("label-outcome");
  var form = document.getElementById("contact-form");
  var guide = document.getElementById("guide");
  var guideStatus = document.getElementById("guide-status");
  var forwardBox = document.getElementById("forward");
  if (!search || !list || !select) { return; }
  var active = -1;
  var items = [];
  var timer = null;
  var lastQuery = "";

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function showOutcome(label) {
    clear(outcome);
    if (!label) { return; }
    var first = el("p");
    first.appendChild(el("strong", null, label.path));
    first.appendChild(document.createTextNode(" "));
    first.appendChild(el("span", "badge level level-" + label.level, label.level_title));
    if (label.urgent) {
      first.appendChild(document.createTextNode(" "));
      first.appendChild(el("span", "badge urgent", search.dataset.urgent || "!"));
    }
    outcome.appendChild(first);
    outcome.appendChild(el("p", label.forwards ? "forward" : "answer", label.outcome + " — " + label.reason));
  }

  function announceLabel(id) {
    select.dispatchEvent(new CustomEvent("label:chosen", { bubbles: true, detail: { id: id } }));
  }

  function choose(label) {
    select.value = String(label.id);
    showOutcome(label);
    close();
    search.value = label.path;
    loadGuide();
    announceLabel(label.id);
  }
  window.enVagIn = window.enVagIn || {};
  window.enVagIn.chooseLabel = choose;

  /* The guide: answers typed so far are kept by field name when the guide is replaced, so a
     field both labels share (say "plats") keeps its text. */
  function guideAnswers() {
    var kept = {};
    guide.querySelectorAll("input, select, textarea").forEach(function (input) {
      if (input.type === "radio") { if (input.checked) { kept[input.name] = input.value; } }
      else if (input.value) { kept[input.name] = input.value; }
    });
    return kept;
  }

  function restoreAnswers(kept) {
    guide.querySelectorAll("input, select, textarea").forEach(function (input) {
      if (!(input.name in kept)) { return; }
      if (input.type === "radio") { input.checked = input.value === kept[input.name]; }
      else { input.value = kept[input.name]; }
    });
  }

  var guideRequest = 0;
  function loadGuide() {
    if (!guide) { return; }
    var id = select.value;
    var ticket = ++guideRequest;
    var kept = guideAnswers();
    if (!id) { clear(guide); guideStatus.textContent = ""; return; }
    var url = guide.dataset.guideUrl.replace("/0/guide", "/" + id + "/guide") +
      (forwardBox && forwardBox.checked ? "?forward=1" : "");
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        if (ticket !== guideRequest) { return; }
        guide.innerHTML = html;
        restoreAnswers(kept);
        var fieldset = guide.querySelector("fieldset.guide");
        guideStatus.textContent = fieldset ? fieldset.dataset.announce : "";
      })
      .catch(function () { /* the form still works: the server shows the guide on submit */ });
  }

  function close() {
    list.hidden = true;
    search.setAttribute("aria-expanded", "false");
    search.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function render(labels) {
    items = labels;
    clear(list);
    labels.forEach(function (label, i) {
      var li = el("li", "suggestion");
      li.id = "label-option-" + label.id;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.appendChild(el("span", "path", label.path));
      li.appendChild(el("span", "badge level level-" + label.level, label.level_title));
      li.appendChild(el("span", label.forwards ? "forward" : "answer", label.outcome));
      li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(label); });
      list.appendChild(li);
    });
    list.hidden = labels.length === 0;
    search.setAttribute("aria-expanded", labels.length ? "true" : "false");
    active = -1;
    if (labels.length) { highlight(0); }  /* Enter picks the first, as it shows */
  }

  function highlight(index) {
    var nodes = list.querySelectorAll("li");
    nodes.forEach(function (n) { n.setAttribute("aria-selected", "false"); });
    if (index >= 0 && nodes[index]) {
      nodes[index].setAttribute("aria-selected", "true");
      search.setAttribute("aria-activedescendant", nodes[index].id);
      nodes[index].scrollIntoView({ block: "nearest" });
    }
    active = index;
  }

  var pending = null;  /* the suggestions being fetched, for an Enter typed before they came */
  function suggest(query) {
    if (query === lastQuery) { return pending; }
    lastQuery = query;
    if (query.trim().length < 2) { render([]); pending = null; return null; }
    pending = fetch(search.dataset.suggestUrl + "?q=" + encodeURIComponent(query), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (labels) { if (query === lastQuery) { render(labels); } return labels; })
      .catch(function () { render([]); return []; });
    return pending;
  }

  /* Enter in the search field chooses the highlighted suggestion (the first unless the
     arrows moved) and never submits the form; typed faster than the suggestions came, it
     waits for them. */
  function chooseHighlighted() {
    clearTimeout(timer);
    var query = search.value;
    if (query === lastQuery && items.length && !list.hidden) {
      choose(items[active >= 0 ? active : 0]);
      return;
    }
    var waiting = suggest(query);
    if (waiting) {
      waiting.then(function (labels) {
        if (search.value === query && labels && labels.length) { choose(labels[0]); }
      });
    }
  }

  function debounced(query) {
    clearTimeout(timer);
    timer = setTimeout(function () { suggest(query); }, 120);
  }

  search.addEventListener("input", function () { debounced(search.value); });
  search.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown") { e.preventDefault(); if (items.length) { list.hidden = false; highlight(Math.min(active + 1, items.length - 1)); } }
    else if (e.key === "ArrowUp") { e.preventDefault(); highlight(Math.max(active - 1, 0)); }
    else if (e.key === "Enter" && !e.ctrlKey && !e.metaKey) { e.preventDefault(); chooseHighlighted(); }
    else if (e.key === "Escape") { close(); }
  });
  search.addEventListener("blur", function () { setTimeout(close, 150); });
  select.addEventListener("change", function () {
    loadGuide();
    announceLabel(select.value);
    if (!select.value) { showOutcome(null); return; }
    fetch(search.dataset.infoUrl.replace(/0$/, select.value), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(showOutcome);
  });
  /* "Why forward anyway?" shows while "forward anyway" is ticked (always without script). */
  var override = document.getElementById("override");
  function showOverride() {
    if (!override || !forwardBox) { return; }
    override.hidden = !forwardBox.checked;
  }
  showOverride();
  if (forwardBox) {
    forwardBox.addEventListener("change", loadGuide);
    forwardBox.addEventListener("change", showOverride);
  }
  if (form) {  /* anywhere on the page: the answers beside the form are part of the call */
    document.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit ? form.requestSubmit() : form.submit(); }
    });
  }
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
