/* Live reload for `make devserver` only (the dev server adds this script to each page
   it serves; it is never part of output/). The server sends the id of each finished
   build as a server-sent event; when it differs from the build this page came from,
   the page reloads itself, keeping its scroll position. A failed build's id leads to
   the server's error page, and the next good build back to the page. */
(function () {
  "use strict";
  var script = document.currentScript;
  var shown = script ? script.getAttribute("data-build") : null;
  var key = "devserver-scroll:" + location.pathname;

  try {
    var saved = sessionStorage.getItem(key);
    if (saved !== null) {
      sessionStorage.removeItem(key);
      window.addEventListener("load", function () { window.scrollTo(0, parseInt(saved, 10) || 0); });
    }
  } catch (e) { /* storage disabled: no scroll restore */ }

  if (!window.EventSource) return;
  var events = new EventSource("/__events");
  events.onmessage = function (event) {
    if (shown === null) { shown = event.data; return; }
    if (event.data === shown) return;
    events.close();
    try { sessionStorage.setItem(key, String(window.scrollY)); } catch (e) { /* ignore */ }
    location.reload();
  };
})();
