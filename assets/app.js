// Progressive enhancement only: every page works without this file.
// When a form comes back with errors, move the keyboard focus to the error summary so screen
// reader and keyboard users land on the list of problems (it links to each field).
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
});
