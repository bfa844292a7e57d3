/* pmgen search: Pagefind's index, filtered by service, severity and year (no network). */
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-query");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var words = { results: form.getAttribute("data-results"), none: form.getAttribute("data-none") };
  var forms = JSON.parse(form.getAttribute("data-forms") || "{}");
  var rules = window.Intl && Intl.PluralRules ? new Intl.PluralRules(form.getAttribute("data-lang")) : null;
  var root = form.getAttribute("data-root");
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-meta]"));
  var pagefind = null;
  var latest = 0;

  function unavailable() {
    document.getElementById("search-unavailable").hidden = false;
  }

  function matches(meta) {
    return selects.every(function (select) {
      if (!select.value) { return true; }
      var values = (meta[select.getAttribute("data-meta")] || "").split("|");
      return values.indexOf(select.value) !== -1;
    });
  }

  function excerpt(html) {
    /* Pagefind's excerpt is text with <mark> around matches: keep only those tags. */
    var parts = html.split(/(<\/?mark>)/);
    var fragment = document.createDocumentFragment();
    var inside = null;
    parts.forEach(function (part) {
      if (part === "<mark>") { inside = document.createElement("mark"); return; }
      if (part === "</mark>") { if (inside) { fragment.appendChild(inside); } inside = null; return; }
      var text = document.createTextNode(part.replace(/&lt;/g, "<").replace(/&gt;/g, ">")
        .replace(/&quot;/g, "\"").replace(/&#39;/g, "'").replace(/&amp;/g, "&"));
      (inside || fragment).appendChild(text);
    });
    return fragment;
  }

  function counted(n) {
    /* "1 résultat", "3 results": the plural form CLDR gives n (the same rules Babel uses). */
    var form = forms[rules ? rules.select(n) : (n === 1 ? "one" : "other")] || forms.other;
    return form ? form.replace("{n}", n) : words.results.replace("{n}", n);
  }

  function badge(text, css) {
    var span = document.createElement("span");
    span.className = "badge " + css;
    span.textContent = text;
    return span;
  }

  function show(results) {
    list.textContent = "";
    results.forEach(function (data) {
      var item = document.createElement("li");
      item.className = "search-result";
      var heading = document.createElement("h2");
      heading.className = "entry-title";
      var link = document.createElement("a");
      link.href = data.url;
      link.textContent = data.meta.title || data.url;
      heading.appendChild(link);
      var meta = document.createElement("p");
      meta.className = "entry-meta";
      if (data.meta.date_text) {
        var when = document.createElement("span");
        when.className = "nowrap";
        when.textContent = data.meta.date_text;
        meta.appendChild(when);
        meta.appendChild(document.createTextNode(" "));
      }
      if (data.meta.severity) {
        var rank = /^[0-4]$/.test(data.meta.rank || "") ? data.meta.rank : "0";
        meta.appendChild(badge(data.meta.severity, "severity sev-" + rank));
      }
      (data.meta.services || "").split("|").filter(Boolean).forEach(function (service) {
        meta.appendChild(badge(service, "service"));
      });
      var text = document.createElement("p");
      text.className = "search-excerpt";
      text.appendChild(excerpt(data.excerpt || ""));
      item.appendChild(heading);
      item.appendChild(meta);
      item.appendChild(text);
      list.appendChild(item);
    });
  }

  function run() {
    var query = input.value.trim();
    var ticket = ++latest;
    if (!query) { list.textContent = ""; status.textContent = ""; return; }
    pagefind.search(query).then(function (search) {
      return Promise.all(search.results.slice(0, 200).map(function (r) { return r.data(); }));
    }).then(function (found) {
      if (ticket !== latest) { return; }
      var kept = found.filter(function (data) { return matches(data.meta); }).slice(0, 50);
      status.textContent = kept.length ? counted(kept.length) : words.none;
      show(kept);
    }).catch(unavailable);
  }

  /* The index is split in shards (pmgen re-indexes only the shard an edit touches): the first
     one is loaded as Pagefind's primary index, the others are merged into it. */
  var base = root + "pagefind/";
  fetch(base + "shards.json").then(function (response) {
    if (!response.ok) { throw new Error("no search index"); }
    return response.json();
  }).then(function (listing) {
    var shards = listing.shards;
    return import(base + shards[0] + "/pagefind.js").then(function (module) {
      pagefind = module;
      return pagefind.options({ baseUrl: new URL(root, location.href).pathname });
    }).then(function () {
      return Promise.all(shards.slice(1).map(function (shard) {
        return pagefind.mergeIndex(new URL(base + shard + "/", location.href).pathname);
      }));
    });
  }).then(function () {
    form.hidden = false;
    input.addEventListener("input", run);
    selects.forEach(function (select) { select.addEventListener("change", run); });
    var initial = new URLSearchParams(location.search).get("q");
    if (initial) { input.value = initial; run(); }
  }).catch(unavailable);
})();
