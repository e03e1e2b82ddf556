// The live dashboard: the server sends the figures again (as HTML it rendered) whenever they move.
(function () {
  "use strict";
  var state = document.getElementById("live-state");
  var figures = document.getElementById("live-figures");
  if (!state || !figures || !window.EventSource) {
    return; // the page still shows the figures of its loading
  }
  var source = new EventSource(state.dataset.stream);
  source.addEventListener("open", function () {
    state.textContent = state.dataset.live;
  });
  source.addEventListener("figures", function (event) {
    var data = JSON.parse(event.data);
    // Keep an opened "as a table" section open across updates.
    var open = figures.querySelector("details[open]") !== null;
    figures.innerHTML = data.html;
    if (open) {
      var details = figures.querySelector("details");
      if (details) { details.open = true; }
    }
  });
  source.addEventListener("end", function () {
    source.close();
    state.textContent = state.dataset.lost;
  });
  source.addEventListener("error", function () {
    if (source.readyState === EventSource.CLOSED) {
      state.textContent = state.dataset.lost;
    }
  });
}());
