/* Previews for cross-links (a.xref) and citations (a.cite-ref, a.event-cite), in the manner of
   Wikipedia's Page/Reference Previews. Progressive enhancement: every link works the
   same without this file; the preview only repeats what the link's data-* attributes
   carry (the plugins write them), using textContent, never innerHTML.

   Mouse/pen: hover ~300 ms shows; leaving the link or the preview hides it after a short
     grace period, so the pointer can move onto the preview (WCAG 1.4.13: hoverable).
   Keyboard: focusing a link shows it at once; Escape or moving focus away hides it.
     While shown, the link's aria-describedby points at the preview (role="tooltip").
   Touch: a plain tap navigates as usual (no preview, no double-tap). Pressing and holding
     a link for half a second shows the preview instead of the browser's link menu; a tap
     anywhere else closes it. */
(function () {
  "use strict";
  // a.event-cite: citation markers of events on the site-wide timeline page.
  var SEL = "a.xref[data-title], a.cite-ref[data-source-title], a.event-cite[data-source-title]";
  var SHOW_DELAY = 300, SWITCH_DELAY = 100, HIDE_DELAY = 300, HOLD = 500;
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"];
  var tip, current, prevDescribedBy, showTimer, hideTimer, holdTimer, held, start, lastKey = 0;

  if (!document.addEventListener || !Element.prototype.closest) return;
  document.documentElement.classList.add("js-previews");

  // "2025-04-18" -> "18 April 2025"; "2025-04" -> "April 2025"; anything else as given.
  function longdate(s) {
    var m = /^(\d{4})-(\d{2})(?:-(\d{2}))?/.exec(s || "");
    if (!m || !MONTHS[m[2] - 1]) return s || "";
    return (m[3] ? +m[3] + " " : "") + MONTHS[m[2] - 1] + " " + m[1];
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function linkFor(e) {
    var t = e.target;
    return t && t.closest ? t.closest(SEL) : null;
  }

  function fill(a) {
    var d = a.dataset, meta, st, line, t;
    tip.textContent = "";
    if (a.classList.contains("xref")) {
      tip.appendChild(el("span", "preview-title", d.title));
      meta = el("p", "brief-meta");
      st = (d.status || "").toLowerCase().replace(/[^a-z-]/g, "");
      if (st) {
        st = st.replace("-", " ");
        meta.appendChild(el("span", "status status-" + st.replace(" ", "-"),
          st.charAt(0).toUpperCase() + st.slice(1)));
      }
      if (d.asOf) meta.appendChild(el("span", "as-of", "As of " + longdate(d.asOf)));
      if (meta.firstChild) tip.appendChild(meta);
      // plugins/currency: the brief stops well before the site's newest fact
      if (d.stale === "true" && d.asOf) {
        tip.appendChild(el("p", "currency-note",
          "Current to " + longdate(d.asOf) + "; later events are not covered here."));
      }
      if (d.summary) tip.appendChild(el("p", "", d.summary));
    } else {
      // A descriptive title written for the registry ("[…]") is not put in quotes.
      t = d.sourceTitle;
      tip.appendChild(el("span", "preview-title", t.charAt(0) === "[" ? t : "\u201c" + t + "\u201d"));
      line = [d.publisher, longdate(d.issued)].filter(Boolean).join(", ");
      if (line) tip.appendChild(el("p", "", line));
      if (d.locator) tip.appendChild(el("p", "preview-detail", "Cited at " + d.locator));
    }
  }

  // Below the link's first line box, or above it if there is no room; kept on screen.
  function place(a) {
    var r = a.getClientRects()[0] || a.getBoundingClientRect();
    var vw = document.documentElement.clientWidth, vh = window.innerHeight, x, y, w, h;
    tip.style.left = "0px";
    tip.style.top = "0px";
    tip.hidden = false;
    w = tip.offsetWidth;
    h = tip.offsetHeight;
    x = Math.max(8, Math.min(r.left, vw - w - 8));
    y = r.bottom + 6;
    if (y + h > vh - 8 && r.top - h - 6 >= 8) y = r.top - h - 6;
    tip.style.left = x + window.pageXOffset + "px";
    tip.style.top = y + window.pageYOffset + "px";
  }

  function create() {
    tip = el("div", "preview");
    tip.id = "preview-tip";
    tip.setAttribute("role", "tooltip");
    tip.hidden = true;
    tip.addEventListener("pointerenter", function () { clearTimeout(hideTimer); });
    tip.addEventListener("pointerleave", function (e) {
      if (e.pointerType !== "touch" && document.activeElement !== current) hideSoon();
    });
    document.body.appendChild(tip);
  }

  function show(a) {
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    if (a === current) return;
    hide();
    if (!tip) create();
    current = a;
    fill(a);
    place(a);
    prevDescribedBy = a.getAttribute("aria-describedby");
    a.setAttribute("aria-describedby", (prevDescribedBy ? prevDescribedBy + " " : "") + tip.id);
  }

  function hide() {
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    if (!current) return;
    if (prevDescribedBy) current.setAttribute("aria-describedby", prevDescribedBy);
    else current.removeAttribute("aria-describedby");
    current = null;
    tip.hidden = true;
  }

  function hideSoon() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, HIDE_DELAY);
  }

  // Focus from the keyboard, not from a click, a tap, or the browser focusing the
  // link a URL fragment points at (#cite-…, e.g. after following a backref).
  function keyboardFocus(a) {
    var visible;
    try { visible = a.matches(":focus-visible"); } catch (err) { visible = true; }
    if (!visible) return false;
    return Date.now() - lastKey < 1000 || !a.id || window.location.hash !== "#" + a.id;
  }

  // Mouse and pen
  document.addEventListener("pointerover", function (e) {
    var a = linkFor(e);
    if (!a || e.pointerType === "touch") return;
    clearTimeout(hideTimer);
    if (a === current) return;
    clearTimeout(showTimer);
    showTimer = setTimeout(function () { show(a); }, current ? SWITCH_DELAY : SHOW_DELAY);
  });
  document.addEventListener("pointerout", function (e) {
    var a = linkFor(e);
    if (!a || e.pointerType === "touch" || a.contains(e.relatedTarget)) return;
    clearTimeout(showTimer);
    if (a === current && document.activeElement !== a) hideSoon();
  });

  // Keyboard
  document.addEventListener("focusin", function (e) {
    var a = linkFor(e);
    if (a && keyboardFocus(a)) show(a);
  });
  document.addEventListener("focusout", function (e) {
    if (current && linkFor(e) === current) hide();
  });
  document.addEventListener("keydown", function (e) {
    lastKey = Date.now();
    if (current && (e.key === "Escape" || e.key === "Esc")) hide();
  });

  // Touch: press and hold to preview; a plain tap is left alone.
  document.addEventListener("touchstart", function (e) {
    var a = linkFor(e), t = e.touches[0];
    clearTimeout(holdTimer);
    held = null;
    if (current && !tip.contains(e.target) && a !== current) hide();
    if (!a || e.touches.length > 1) return;
    start = [t.clientX, t.clientY];
    holdTimer = setTimeout(function () { held = a; show(a); }, HOLD);
  }, { passive: true });
  document.addEventListener("touchmove", function (e) {
    var t = e.touches[0];
    if (start && Math.abs(t.clientX - start[0]) + Math.abs(t.clientY - start[1]) > 10) clearTimeout(holdTimer);
  }, { passive: true });
  document.addEventListener("touchend", function () { clearTimeout(holdTimer); }, { passive: true });
  document.addEventListener("touchcancel", function () { clearTimeout(holdTimer); }, { passive: true });
  document.addEventListener("contextmenu", function (e) {
    if (held && linkFor(e) === held) e.preventDefault();
  });

  document.addEventListener("click", function (e) {
    var a = linkFor(e);
    if (a && a === held) { e.preventDefault(); held = null; return; }
    if (a) hide(); // following the link: the preview would be left behind
  }, true);
  window.addEventListener("hashchange", hide);
  window.addEventListener("resize", hide);
})();
