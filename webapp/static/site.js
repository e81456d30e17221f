// Progressive enhancement only: the site works the same without this file.
// "/" focuses the search box, unless the reader is already typing in a field.
document.addEventListener("keydown", function (event) {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) {
    return;
  }
  var target = event.target;
  var tag = target && target.tagName;
  if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) {
    return;
  }
  var box = document.querySelector("input[name=q]");
  if (box) {
    event.preventDefault();
    box.focus();
    box.select();
  }
});

// Keep shared search links short: fields left at their defaults are not sent.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.classList || !form.classList.contains("search-form")) {
    return;
  }
  Array.prototype.forEach.call(form.elements, function (field) {
    var isDefault = field.value === "" || (field.name === "sort" && field.value === "relevance");
    if (field.name && isDefault) {
      field.disabled = true;
    }
  });
});

// On a phone the filters come before the results, folded so the results stay in view.
var narrow = window.matchMedia && window.matchMedia("(max-width: 46rem)");
function foldFilters() {
  Array.prototype.forEach.call(document.querySelectorAll("details.facets-panel"), function (panel) {
    panel.open = !narrow.matches;
  });
}
if (narrow) {
  foldFilters();
  narrow.addEventListener("change", foldFilters);
}
