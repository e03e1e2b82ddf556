// Progressive enhancement only: every page works without this file.
"use strict";
(function () {
  // A second tap while the claim is on its way would only send the same nonce again; saying so is kinder.
  var form = document.querySelector("form.claim[method='post']");
  if (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type='submit']");
      if (button) { button.disabled = true; button.setAttribute("aria-busy", "true"); }
    });
  }
  // "Copy the link" exists only where the clipboard does.
  document.querySelectorAll("button.copy").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.value).then(function () { button.setAttribute("aria-pressed", "true"); });
    });
  });
})();
