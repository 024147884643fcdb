// Progressive enhancement only: every page works without this file.

// The site menu on narrow screens: a disclosure button ("Menu", aria-expanded, aria-controls)
// folds the navigation and the tools away, so the header stays small on a phone. Without this
// script the button stays hidden and the menu open. Escape closes the menu and returns to the
// button. (A deferred script: the document is parsed when this runs, before the first paint
// in practice, so the menu does not flash open.)
(function () {
  var button = document.querySelector(".menu-button");
  var menu = button && document.getElementById(button.getAttribute("aria-controls"));
  var header = button && button.closest(".site-header");
  if (!menu || !header) {
    return;
  }
  function setOpen(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    header.classList.toggle("menu-open", open);
  }
  setOpen(false);
  header.classList.add("has-menu-button");
  button.hidden = false;
  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });
  header.addEventListener("keydown", function (event) {
    var shown = button.offsetParent !== null;
    if (event.key === "Escape" && shown && button.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      button.focus();
    }
  });
})();

// When a form comes back with errors, move the keyboard focus to the error summary so screen
// reader and keyboard users land on the list of problems (it links to each field).
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
});
