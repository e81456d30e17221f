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
