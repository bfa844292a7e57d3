/* pmgen filters: the radio buttons filter the table by CSS alone (no JavaScript needed);
   this script only tells how many rows are shown and keeps the choice in the address, so a
   filtered view can be shared (#f-sev-1,f-svc-2). */
(function () {
  "use strict";
  var form = document.querySelector(".filters");
  var status = document.querySelector(".filter-status");
  var table = document.querySelector("table.filterable");
  if (!form || !status || !table) { return; }
  var forms = JSON.parse(status.getAttribute("data-forms") || "{}");
  var rules = window.Intl && Intl.PluralRules ? new Intl.PluralRules(status.getAttribute("data-lang")) : null;
  var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));

  function checked() {
    return Array.prototype.slice.call(form.querySelectorAll("input[type=radio]:checked"))
      .filter(function (input) { return input.value !== ""; })
      .map(function (input) { return input.id; });
  }

  function update() {
    var shown = rows.filter(function (row) { return row.offsetParent !== null; }).length;
    var chosen = checked();
    var form_ = forms[rules ? rules.select(shown) : (shown === 1 ? "one" : "other")] || forms.other || "{n}";
    status.textContent = chosen.length ? form_.replace("{n}", shown).replace("{total}", rows.length) : "";
    var hash = chosen.length ? "#" + chosen.join(",") : "";
    if (location.hash !== hash && window.history && history.replaceState) {
      history.replaceState(null, "", hash || location.pathname + location.search);
    }
  }

  location.hash.slice(1).split(",").forEach(function (id) {
    var input = /^f-[a-z]+-\d+$/.test(id) ? document.getElementById(id) : null;
    if (input && input.type === "radio") { input.checked = true; }
  });
  form.addEventListener("change", update);
  update();
})();
