// build-site default theme script: small conveniences only; every page works without it.
// 1. A "Copy link" button on each event, so a reader can share a deep link.
// 2. Filtering and search on the timeline (see docs/reader.md). The index (search.json: ids, dates,
//    facets) is fetched only when the reader filters: on typing a search, opening the filters, or a
//    filtered address; the words to search (search-text.json) only when there is text to search.
//    The filtered view lives in the query string (?q=&actor=&place=&tag=&status=&outlet=&from=&to=).
// Every word shown comes from the page's inline JSON (#ui-words), in the site's language.
(function () {
  "use strict";

  var words = {};
  try { words = JSON.parse(document.getElementById("ui-words").textContent); } catch (e) { /* no words: keys */ }
  var plurals = window.Intl && Intl.PluralRules ? new Intl.PluralRules(words.lang || "en") : null;

  function say(key, values) {
    var text = words[key];
    if (typeof text === "object" && text) {  // a plural: the form that fits values.n
      text = text[plurals ? plurals.select(values.n) : values.n === 1 ? "one" : "other"] || text.other;
    }
    return String(text === undefined ? key : text).replace(/\{(\w+)\}/g, function (all, name) {
      return values && values[name] !== undefined ? values[name] : all;
    });
  }

  if (navigator.clipboard) {
    document.querySelectorAll("article.event[id]").forEach(function (article) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-link";
      button.textContent = say("copy_link");
      button.setAttribute("aria-label", say("copy_link_to", { title: (article.querySelector("h4") || article).textContent.trim() }));
      button.addEventListener("click", function () {
        var url = location.href.split("#")[0] + "#" + article.id;
        navigator.clipboard.writeText(url).then(function () {
          button.textContent = say("link_copied");
          setTimeout(function () { button.textContent = say("copy_link"); }, 2000);
        });
      });
      article.appendChild(button);
    });
  }

  var form = document.getElementById("filters");
  var box = document.getElementById("filter-box");
  if (!form || !box || !window.fetch || !window.URLSearchParams) return;
  var FIELDS = ["q", "actor", "place", "tag", "status", "outlet", "from", "to"];
  var FACETS = { actor: ["actors", "a"], place: ["places", "pl"], tag: ["tags", "g"], outlet: ["outlets", "o"] };
  var MAX_LISTED = 500;
  var statusLine = document.getElementById("filter-status");
  var elsewhere = document.getElementById("filter-elsewhere");
  var index = null;
  var loading = null;
  var texts = null;
  var loadingText = null;
  var timer = 0;
  box.hidden = false;
  if (window.matchMedia && matchMedia("(min-width: 40em)").matches) box.open = true;  // closed on a phone

  function fetchJSON(url, options) {
    return fetch(url, options).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    });
  }

  function failed() {
    statusLine.textContent = say("index_failed");
  }

  function load() {
    if (!loading) {
      statusLine.textContent = say("index_loading");
      // revalidated: a copy the browser kept from an earlier build (or format) must not be paired with this page
      loading = fetchJSON(form.dataset.index, { cache: "no-cache" }).then(function (data) {
        data.events = data.events.map(function (r) {  // one array per event: turn each into an object
          return { id: r[0], p: r[1], t: r[2], d: r[3], s: r[4], e: r[5], st: data.statuses[r[6]],
                   a: r[7], pl: r[8], g: r[9], o: r[10] };
        });
        index = data;
        Object.keys(FACETS).forEach(function (name) {
          var select = form.elements[name];
          var wanted = select.dataset.wanted || select.value;
          data.facets[FACETS[name][0]].forEach(function (entry) {
            select.add(new Option(entry[1], entry[0]));
          });
          select.value = wanted;
        });
        return data;
      }).catch(function () {
        failed();
        loading = null;
      });
    }
    return loading;
  }

  function loadText() {  // the words to search: a second, larger file, only once there is text to search
    if (!loadingText) {
      loadingText = load().then(function () {
        if (!index) throw new Error("no index");
        return fetchJSON(new URL(index.text, new URL(form.dataset.index, location.href)).href);
      }).then(function (data) {
        texts = data.x.map(function (text, i) { return index.events[i].t.toLowerCase() + " " + text; });
      }).catch(function () {
        failed();
        loadingText = null;
      });
    }
    return loadingText;
  }

  function state() {
    var found = {};
    FIELDS.forEach(function (name) {
      var field = form.elements[name];
      var value = (field.dataset.wanted !== undefined && !index ? field.dataset.wanted : field.value).trim();
      if (value) found[name] = value;
    });
    return found;
  }

  function matcher(wanted) {
    var terms = (wanted.q || "").toLowerCase().split(/\s+/).filter(Boolean);
    var positions = {};
    Object.keys(FACETS).forEach(function (name) {
      if (wanted[name] === undefined) return;
      positions[name] = index.facets[FACETS[name][0]].findIndex(function (e) { return e[0] === wanted[name]; });
    });
    return function (event, position) {
      if (wanted.status && event.st !== wanted.status) return false;
      if (wanted.from && event.e < wanted.from) return false;
      if (wanted.to && event.s > wanted.to) return false;
      for (var name in positions) {
        if (event[FACETS[name][1]].indexOf(positions[name]) < 0) return false;
      }
      return terms.every(function (term) { return texts[position].indexOf(term) >= 0; });
    };
  }

  function writeAddress(wanted) {
    var params = new URLSearchParams();
    FIELDS.forEach(function (name) { if (wanted[name]) params.set(name, wanted[name]); });
    var query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
    document.querySelectorAll(".years a, .months a, nav.pager a[href*='years/']").forEach(function (link) {
      link.href = link.href.split(/[?#]/)[0] + (query ? "?" + query : "");
    });
  }

  function showAll() {
    document.querySelectorAll("main [data-filtered]").forEach(function (element) {
      element.hidden = false;
      element.removeAttribute("data-filtered");
    });
    elsewhere.hidden = true;
    statusLine.textContent = "";
  }

  function hide(element) {
    element.hidden = true;
    element.setAttribute("data-filtered", "");
  }

  function apply() {
    var wanted = state();
    writeAddress(wanted);
    showAll();
    delete statusLine.dataset.applied;  // set again once this view is shown (tests wait for it)
    if (!Object.keys(wanted).length) {
      statusLine.dataset.applied = location.search;
      return;
    }
    (wanted.q ? loadText() : load()).then(function () {
      var now = state();
      if (!index || (now.q && !texts)) return;  // the text arrives later; its own apply() follows
      var matches = index.events.filter(matcher(now));
      var here = {};
      var other = [];
      matches.forEach(function (event) {
        if (index.pages[event.p] === form.dataset.page) here[event.id] = true;
        else other.push(event);
      });
      document.querySelectorAll("ol.events > li").forEach(function (item) {
        var article = item.querySelector("article.event");
        if (article && !here[article.id]) hide(item);
      });
      document.querySelectorAll("section.month, section.year").forEach(function (section) {
        if (!section.querySelector("ol.events > li:not([hidden])")) {
          hide(section);
          var link = document.querySelector(".jump a[href='#" + section.querySelector("h2, h3").id + "']");
          if (link) hide(link.parentElement);
        }
      });
      var list = elsewhere.querySelector("ul");
      list.textContent = "";
      other.slice(0, MAX_LISTED).forEach(function (event) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = form.dataset.base + "events/" + event.id + "/";
        link.textContent = event.t;
        var details = document.createElement("span");
        details.className = "count";
        details.textContent = " · " + event.d + " · " + say("status_" + event.st);
        item.append(link, details);
        list.append(item);
      });
      elsewhere.hidden = other.length === 0;
      var total = matches.length;
      var counts = { matches: say("matches", { n: total }), here: Object.keys(here).length, other: other.length,
        listed: MAX_LISTED };
      statusLine.textContent = say(!other.length ? "matches_here" : other.length > MAX_LISTED ?
        "matches_elsewhere_capped" : "matches_elsewhere", counts);
      statusLine.dataset.applied = location.search;
    });
  }

  function applySoon() {
    clearTimeout(timer);
    timer = setTimeout(apply, 200);
  }

  var start = new URLSearchParams(location.search);
  var filtered = false;
  FIELDS.forEach(function (name) {
    var value = start.get(name);
    if (!value) return;
    filtered = true;
    form.elements[name].value = value;
    form.elements[name].dataset.wanted = value;  // facet options arrive with the index
  });
  if (filtered) {
    box.open = true;
    if (["actor", "place", "tag", "status", "outlet", "from", "to"].some(function (n) { return start.get(n); })) {
      form.querySelector("details").open = true;
    }
    (start.get("q") ? loadText() : load()).then(apply);
  }
  form.querySelector("details").addEventListener("toggle", function () { if (this.open) load(); });
  form.addEventListener("input", function (event) { if (event.target.name === "q") { loadText(); applySoon(); } });
  form.addEventListener("change", function (event) {
    delete event.target.dataset.wanted;
    if (event.target.name !== "q") apply();
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  form.addEventListener("reset", function () {
    FIELDS.forEach(function (name) { delete form.elements[name].dataset.wanted; });
    setTimeout(apply, 0);
  });
})();
