/* "Current to 18 April 2025 (1 year and 7 months ago)": how old a stale brief's facts are,
   counted in the reader's own time. The built page carries only the date (time[data-age]),
   so it is the same whatever day it was built; without this script nothing is lost. */
(function () {
  "use strict";
  if (!document.querySelectorAll) return;

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  // Whole months from `then` to `now`, then years and months in words.
  function age(then, now) {
    var months = (now.getFullYear() - then.getFullYear()) * 12 + now.getMonth() - then.getMonth();
    if (now.getDate() < then.getDate()) months -= 1;
    if (months < 1) return "";
    var years = Math.floor(months / 12), rest = months % 12;
    if (!years) return plural(rest, "month");
    return rest ? plural(years, "year") + " and " + plural(rest, "month") : plural(years, "year");
  }

  function run() {
    var nodes = document.querySelectorAll("time[data-age]"), now = new Date(), i, m, then, text;
    for (i = 0; i < nodes.length; i++) {
      m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(nodes[i].getAttribute("datetime") || "");
      if (!m) continue;
      then = new Date(+m[1], m[2] - 1, +m[3]);
      text = age(then, now);
      if (text) nodes[i].insertAdjacentText("afterend", " (" + text + " ago)");
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
