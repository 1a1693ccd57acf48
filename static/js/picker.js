// A searchable picker for long <select>s (exercises: 200+ names): a filter box above the list.
// Plain script from our own static files, so the strict CSP holds; no inline handlers. It
// enhances every single <select> with many options, or one marked data-picker="always", on page
// load and on every htmx swap. An option's data-warning is shown at once when it is picked.
(function () {
  "use strict";
  var MIN_OPTIONS = 25;

  function labelOf(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    return label ? label.textContent.trim() : "the list";
  }

  function showWarning(select) {
    var box = select.parentNode.querySelector("[data-picker-warning]");
    if (!box) return;
    var option = select.options[select.selectedIndex];
    var warning = option ? option.getAttribute("data-warning") : "";
    box.textContent = warning || "";
    box.hidden = !warning;
  }

  function filter(select, input, status) {
    var terms = input.value.toLowerCase().trim().split(/\s+/).filter(Boolean);
    var first = null;
    var shown = 0;
    Array.prototype.forEach.call(select.options, function (option) {
      if (!option.value) return;
      var text = option.text.toLowerCase();
      var match = terms.every(function (t) { return text.indexOf(t) !== -1; });
      option.hidden = !match;
      if (match) {
        shown += 1;
        if (!first) first = option;
      }
    });
    var current = select.options[select.selectedIndex];
    if (first && terms.length && (!current || current.hidden || !current.value)) {
      select.value = first.value;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
    status.textContent = terms.length ? shown + " match" + (shown === 1 ? "" : "es") : "";
  }

  function enhance(select) {
    if (select.multiple || select.getAttribute("data-picker-ready")) return;
    var always = select.getAttribute("data-picker") === "always";
    if (!always && select.options.length < MIN_OPTIONS) return;
    select.setAttribute("data-picker-ready", "1");
    var input = document.createElement("input");
    input.type = "search";
    input.className = "picker-search";
    input.placeholder = "Type to search…";
    input.autocomplete = "off";
    input.setAttribute("aria-label", "Search " + labelOf(select));
    var status = document.createElement("span");
    status.className = "picker-status muted small";
    status.setAttribute("aria-live", "polite");
    select.parentNode.insertBefore(input, select);
    select.parentNode.insertBefore(status, select.nextSibling);
    input.addEventListener("input", function () { filter(select, input, status); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault(); // choose, do not submit the form
        select.focus();
      }
    });
    select.addEventListener("change", function () { showWarning(select); });
    showWarning(select);
  }

  function scan(root) {
    if (!root.querySelectorAll) return;
    Array.prototype.forEach.call(root.querySelectorAll("select"), enhance);
  }

  document.addEventListener("DOMContentLoaded", function () { scan(document); });
  document.addEventListener("htmx:load", function (event) { scan(event.target); });
})();
