/* Starts the Pagefind UI on the search page (search/index.html) and runs the query from
   ?q= (the header search form on every page submits there). Loaded after
   pagefind/pagefind-ui.js, both deferred. If Pagefind is missing or fails, the
   no-JavaScript fallback text stays visible. */
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box || typeof window.PagefindUI !== "function") return;
  var q = new URLSearchParams(window.location.search).get("q") || "";
  var ui;
  try {
    ui = new window.PagefindUI({ element: "#search", showSubResults: true, showImages: false });
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
})();
