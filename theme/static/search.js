/* Starts the Pagefind UI on the search page (search/index.html) and runs the query from
   ?q= (the header search form on every page submits there). Loaded after
   pagefind/pagefind-ui.js, both deferred. If Pagefind is missing or fails, the
   no-JavaScript fallback text stays visible.

   A large site's index comes in parts (tools/search_index.py): pagefind/parts.json
   lists the folders of the parts after the first, and each is merged into this one
   (Pagefind's mergeIndex), so one search covers the whole site. */
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box || typeof window.PagefindUI !== "function") return;
  var script = document.querySelector('script[src$="pagefind-ui.js"]');
  var bundle = new URL(".", script ? script.src : window.location.href);

  function start(parts) {
    var q = new URLSearchParams(window.location.search).get("q") || "";
    var ui;
    try {
      ui = new window.PagefindUI({
        element: "#search", showSubResults: true, showImages: false,
        mergeIndex: parts.map(function (part) { return { bundlePath: new URL(part, bundle).href }; })
      });
    } catch (err) {
      return;
    }
    // Pagefind's input has only a title; give it an accessible name.
    var input = box.querySelector("input");
    if (input && !input.hasAttribute("aria-label")) input.setAttribute("aria-label", "Search the briefs, pages and sources");
    var fallback = document.getElementById("search-fallback");
    if (fallback) fallback.hidden = true;
    var header = document.getElementById("site-search-q");
    if (header) header.value = q;
    if (q && ui.triggerSearch) ui.triggerSearch(q);
  }

  fetch(new URL("parts.json", bundle))
    .then(function (response) { return response.ok ? response.json() : []; })
    .then(function (parts) { start(Array.isArray(parts) ? parts : []); },
          function () { start([]); });
})();
