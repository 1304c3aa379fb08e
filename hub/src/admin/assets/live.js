// Keeps an admin page live: the element with data-live is replaced by the HTML each
// "update" Server-Sent Event carries (rendered and escaped by the hub). No build step.
(function () {
  "use strict";
  var root = document.querySelector("[data-live]");
  var state = document.getElementById("live-state");
  if (!root || !window.EventSource) return;
  var source = new EventSource(root.getAttribute("data-live"));
  function show(connected) {
    if (!state) return;
    state.textContent = state.getAttribute(connected ? "data-connected" : "data-reconnecting");
    state.className = "live-state " + (connected ? "on" : "off");
  }
  source.addEventListener("open", function () { show(true); });
  source.addEventListener("error", function () { show(false); });
  source.addEventListener("update", function (event) {
    root.innerHTML = event.data;
    root.setAttribute("data-updates", String(Number(root.getAttribute("data-updates") || 0) + 1));
    show(true);
  });
  source.addEventListener("expired", function () {
    source.close();
    window.location.assign("/admin/login");
  });
})();
