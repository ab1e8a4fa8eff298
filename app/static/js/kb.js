/* Knowledge base, in place: in the console, labels and answers suggested while the agent types
   the citizen's words, the chosen label's answers (first lines, the rest on demand), its
   bulletins marked on the board, and "Use this answer"; on
   the search page, results as you type; on an article page, reporting it without a reload.
   Every page works without this script (server-rendered forms and pages). Translated texts
   come from data attributes; server HTML fragments are inserted as they are, everything
   else is built with textContent. */
(function () {
  "use strict";

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  function format(text, values) {
    return (text || "").replace(/\{(\w+)\}/g, function (_m, key) { return values[key]; });
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; });
  }

  /* --- "Answered with article": the radio group in the contact form ------------------- */
  var usedChoices = document.getElementById("article-used-choices");
  var usedField = document.getElementById("article-used");
  var answerGiven = document.getElementById("answer_given");
  var status = document.getElementById("kb-suggest-status");

  function useArticle(id, title, answer) {
    if (!usedChoices) { return; }
    var radio = usedChoices.querySelector('input[value="' + String(Number(id)) + '"]');
    if (!radio) {
      var label = el("label", "choice");
      radio = el("input");
      radio.type = "radio";
      radio.name = "answered_article_id";
      radio.value = String(Number(id));
      label.appendChild(radio);
      label.appendChild(document.createTextNode(" " + title));
      usedChoices.appendChild(label);
    }
    radio.checked = true;
    if (answerGiven && !answerGiven.value.trim() && answer) { answerGiven.value = answer; }
    if (status && usedField) { status.textContent = format(usedField.dataset.announce, { title: title }); }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".use-article") : null;
    if (!button) { return; }
    event.preventDefault();
    useArticle(button.dataset.articleId, button.dataset.title, button.dataset.answer);
  });

  function revealButtons(root) {
    root.querySelectorAll(".use-article[hidden]").forEach(function (b) { b.hidden = false; });
  }

  /* Answer cards show an answer's first lines; "Show the whole answer" opens the rest.
     Only answers that are longer than that get the button. */
  var moreText = (document.getElementById("kb-suggest") || document.body).dataset;
  function clampAnswers(root) {
    root.querySelectorAll(".kb-answer .script:not(.clamped)").forEach(function (script, i) {
      script.classList.add("clamped");
      if (script.scrollHeight <= script.clientHeight + 2) { script.classList.remove("clamped"); return; }
      if (!script.id) { script.id = "kb-script-" + Date.now() + "-" + i; }
      var button = el("button", "more", moreText.more || "+");
      button.type = "button";
      button.setAttribute("aria-expanded", "false");
      button.setAttribute("aria-controls", script.id);
      button.addEventListener("click", function () {
        var open = script.classList.toggle("clamped") === false;
        button.setAttribute("aria-expanded", open ? "true" : "false");
        button.textContent = open ? (moreText.less || "-") : (moreText.more || "+");
      });
      script.insertAdjacentElement("afterend", button);
    });
  }

  /* The bulletins that concern the chosen label are marked on the board, so each bulletin
     shows once. */
  function markBulletins(ids) {
    document.querySelectorAll("#board-heading-board .bulletin").forEach(function (item) {
      var marked = ids.indexOf(item.dataset.bulletinId) >= 0;
      var badge = item.querySelector(".concerns-badge");
      item.classList.toggle("concerns-label", marked);
      if (badge) { badge.hidden = !marked; }
    });
  }

  /* --- Suggestions while the citizen speaks ---------------------------------------------- */
  var words = document.getElementById("citizen_words");
  var box = document.getElementById("kb-suggest");
  if (words && box) {
    clampAnswers(box);  /* answers the server matched to the words typed before a reload */
    var lastQuery = "";
    var ticket = 0;

    var labelButton = function (label) {
      var button = el("button", "kb-label-choice");
      button.type = "button";
      button.appendChild(el("span", "path", label.path));
      button.appendChild(document.createTextNode(" "));
      button.appendChild(el("span", "badge level level-" + label.level, label.level_title));
      if (label.urgent) {
        button.appendChild(document.createTextNode(" "));
        button.appendChild(el("span", "badge urgent", box.dataset.urgent));
      }
      button.appendChild(document.createTextNode(" "));
      button.appendChild(el("span", label.forwards ? "forward" : "answer", label.outcome));
      button.addEventListener("click", function () {
        if (window.enVagIn && window.enVagIn.chooseLabel) { window.enVagIn.chooseLabel(label); }
      });
      return button;
    };

    var articleCard = function (article) {
      var li = el("li", "kb-answer");
      var heading = el("p", "kb-answer-title");
      var link = el("a");
      link.href = article.url;
      link.target = "_blank";
      link.rel = "noopener";
      link.innerHTML = article.title_html;  /* escaped and marked up by the server */
      link.appendChild(el("span", "visually-hidden", " (" + box.dataset.newTab + ")"));
      heading.appendChild(link);
      li.appendChild(heading);
      if (article.answer_html) {
        var script = el("p", "script");
        script.id = "kb-suggest-script-" + article.id;
        script.innerHTML = article.answer_html;
        li.appendChild(script);
      }
      if (article.checklist.length) {  /* folded: the script is what is read out */
        var details = el("details", "checklist-details");
        details.appendChild(el("summary", null, box.dataset.checklist + " (" + article.checklist.length + ")"));
        var list = el("ul", "checklist");
        article.checklist.forEach(function (item) { list.appendChild(el("li", null, item)); });
        details.appendChild(list);
        li.appendChild(details);
      }
      var use = el("button", "use-article", box.dataset.use);
      use.type = "button";
      use.dataset.articleId = article.id;
      use.dataset.title = article.title;
      use.dataset.answer = article.answer;
      use.appendChild(el("span", "visually-hidden", ": " + article.title));
      li.appendChild(use);
      return li;
    };

    var group = function (id, heading, items) {
      var section = el("section", "kb-suggest-group");
      section.setAttribute("aria-labelledby", id);
      var h = el("h2", null, heading);
      h.id = id;
      section.appendChild(h);
      var list = el("ul", "kb-suggest-list");
      items.forEach(function (item) { list.appendChild(item); });
      section.appendChild(list);
      return section;
    };

    var render = function (data) {
      clear(box);
      box.classList.toggle("two-columns", data.labels.length > 0 && data.articles.length > 0);
      if (data.labels.length) {
        box.appendChild(group("kb-suggest-labels", box.dataset.labelsHeading, data.labels.map(function (label) {
          var li = el("li");
          li.appendChild(labelButton(label));
          return li;
        })));
      }
      if (data.articles.length) {
        box.appendChild(group("kb-suggest-articles", box.dataset.articlesHeading, data.articles.map(articleCard)));
        clampAnswers(box);
      }
      if (status) {
        status.textContent = data.labels.length || data.articles.length
          ? format(box.dataset.count, { labels: data.labels.length, articles: data.articles.length })
          : box.dataset.none;
      }
    };

    var suggest = function () {
      var query = words.value.trim();
      if (query === lastQuery) { return; }
      lastQuery = query;
      var mine = ++ticket;
      if (query.length < 3) { clear(box); return; }
      getJSON(box.dataset.url + "?q=" + encodeURIComponent(query))
        .then(function (data) { if (data && mine === ticket) { render(data); } })
        .catch(function () { /* suggestions are a help, not a requirement */ });
    };
    words.addEventListener("input", debounce(suggest, 250));
  }

  /* --- The chosen label's answers and bulletins ------------------------------------------ */
  var select = document.getElementById("label_id");
  var knowledge = document.getElementById("label-knowledge");
  if (knowledge) {
    revealButtons(knowledge);
    clampAnswers(knowledge);
    var panelTicket = 0;
    var loadPanel = function (id) {
      var mine = ++panelTicket;
      if (!id) { clear(knowledge); markBulletins([]); return; }
      fetch(knowledge.dataset.url.replace(/\/0$/, "/" + encodeURIComponent(id)), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) {
          if (mine !== panelTicket) { return; }
          knowledge.innerHTML = html;  /* a server-rendered fragment */
          revealButtons(knowledge);
          clampAnswers(knowledge);
          var panel = knowledge.querySelector(".kb-panel");
          markBulletins(panel && panel.dataset.bulletins ? panel.dataset.bulletins.split(" ") : []);
        })
        .catch(function () { /* the label still works; its answers show on the search page */ });
    };
    if (select) { select.addEventListener("label:chosen", function (e) { loadPanel(e.detail.id); }); }
  }

  /* --- Search page: results as you type --------------------------------------------------- */
  var searchForm = document.getElementById("kb-search-form");
  var results = document.getElementById("kb-results");
  if (searchForm && results) {
    var input = document.getElementById("kb-q");
    var searchTicket = 0;
    var refresh = function () {
      var params = new URLSearchParams(new FormData(searchForm));
      var mine = ++searchTicket;
      results.setAttribute("aria-busy", "true");
      fetch(searchForm.dataset.partialUrl + "&" + params.toString(), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (mine !== searchTicket || html === null) { return; }
          results.innerHTML = html;  /* a server-rendered fragment */
          results.setAttribute("aria-busy", "false");
          history.replaceState(null, "", searchForm.action + "?" + params.toString());
        })
        .catch(function () { results.setAttribute("aria-busy", "false"); });
    };
    input.addEventListener("input", debounce(refresh, 250));
    searchForm.addEventListener("submit", function (e) { e.preventDefault(); refresh(); });
  }

  /* --- Article page: report it without leaving the page ----------------------------------- */
  var flagForm = document.getElementById("flag-form");
  if (flagForm) {
    var flagStatus = document.getElementById("flag-status");
    flagForm.addEventListener("submit", function (e) {
      e.preventDefault();
      fetch(flagForm.action, {
        method: "POST", credentials: "same-origin", body: new FormData(flagForm),
        headers: { Accept: "application/json" }
      })
        .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
        .then(function (answer) {
          if (answer.ok) {
            flagForm.querySelector("textarea").value = "";
            flagStatus.textContent = answer.data.message;
          } else {
            var messages = [];
            Object.keys(answer.data.errors || {}).forEach(function (k) { messages = messages.concat(answer.data.errors[k]); });
            flagStatus.textContent = messages.join(" ");
            flagForm.querySelector("textarea").focus();
          }
        })
        .catch(function () { flagForm.submit(); });
    });
  }
})();
