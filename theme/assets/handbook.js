/* Handbook theme UI (progressive enhancement; the pages work without it).
 * - mobile navigation drawer (button[aria-expanded] controlling #site-nav)
 * - "/" focuses the search box unless the user is typing in a field
 * - heading anchors (#) for h2/h3 with an id, copying the link on click
 * - current TOC entry highlighted while scrolling
 * - tables/pre made keyboard-scrollable; blockquote callouts classified by their bold label
 * Loaded with `defer` under a strict CSP: no inline script/style, no eval, no style attributes.
 */
(function () {
  "use strict";

  var doc = document;
  var root = doc.documentElement;
  root.classList.add("js");

  var header = doc.querySelector(".site-header");
  function label(name, fallback) {
    return (header && header.getAttribute("data-i18n-" + name)) || fallback;
  }

  /* ---------- Live region for small announcements ---------- */
  var live = null;
  function announce(text) {
    if (!live) {
      live = doc.createElement("div");
      live.className = "visually-hidden";
      live.setAttribute("role", "status");
      live.setAttribute("aria-live", "polite");
      doc.body.appendChild(live);
    }
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  /* ---------- Mobile navigation ---------- */
  var toggle = doc.querySelector(".menu-toggle");
  var sidebar = doc.getElementById("site-nav");
  if (toggle && sidebar && doc.body.classList.contains("has-sidebar")) {
    toggle.hidden = false;
    var inner = sidebar.querySelector(".sidebar-inner") || sidebar;
    var close = doc.createElement("button");
    close.type = "button";
    close.className = "sidebar-close";
    close.setAttribute("aria-controls", "site-nav");
    close.textContent = "✕ " + label("close-menu", "Close");
    inner.insertBefore(close, inner.firstChild);

    var isOpen = function () { return doc.body.classList.contains("nav-open"); };
    var setOpen = function (open, restoreFocus) {
      doc.body.classList.toggle("nav-open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) {
        var target = sidebar.querySelector("[aria-current=page]") || sidebar.querySelector("a");
        if (target) target.focus();
      } else if (restoreFocus) {
        toggle.focus();
      }
    };
    toggle.addEventListener("click", function () { setOpen(!isOpen(), false); });
    close.addEventListener("click", function () { setOpen(false, true); });
    doc.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && isOpen()) { setOpen(false, true); }
    });
    // A click on the backdrop (outside the drawer and the toggle) closes it.
    doc.addEventListener("click", function (e) {
      if (isOpen() && !sidebar.contains(e.target) && !toggle.contains(e.target)) { setOpen(false, false); }
    });
    // Leaving the narrow layout closes the drawer.
    if (window.matchMedia) {
      var wide = window.matchMedia("(min-width: 960px)");
      var onChange = function () { if (wide.matches && isOpen()) setOpen(false, false); };
      if (wide.addEventListener) wide.addEventListener("change", onChange); else if (wide.addListener) wide.addListener(onChange);
    }
  }

  /* ---------- "/" focuses search ---------- */
  function isTypingTarget(el) {
    if (!el) return false;
    if (el.isContentEditable) return true;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }
  doc.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    if (isTypingTarget(e.target) || isTypingTarget(doc.activeElement)) return;
    var input = doc.getElementById("search-input");
    if (!input) return;
    e.preventDefault();
    input.focus();
    if (input.select) input.select();
  });

  var content = doc.querySelector(".content");

  /* ---------- Heading anchors ---------- */
  if (content) {
    var anchorText = label("anchor", "Link to this section");
    var copiedText = label("copied", "Link copied");
    var headings = content.querySelectorAll("h2[id], h3[id]");
    Array.prototype.forEach.call(headings, function (h) {
      if (h.querySelector(".heading-anchor")) return;
      var a = doc.createElement("a");
      a.className = "heading-anchor";
      a.setAttribute("href", "#" + h.id);
      a.textContent = "#";
      a.setAttribute("aria-label", anchorText + (/^(zh|ja)/i.test(root.lang) ? "：" : ": ") + h.textContent.trim());
      a.addEventListener("click", function () {
        var url = window.location.href.split("#")[0] + "#" + h.id;
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(url).then(function () { announce(copiedText); }, function () {});
        }
      });
      h.appendChild(a);
    });
  }

  /* ---------- Scrollable tables / code blocks reachable by keyboard ---------- */
  if (content) {
    Array.prototype.forEach.call(content.querySelectorAll("table"), function (table) {
      if (table.parentNode && table.parentNode.classList && table.parentNode.classList.contains("table-wrap")) return;
      var wrap = doc.createElement("div");
      wrap.className = "table-wrap";
      table.parentNode.insertBefore(wrap, table);
      wrap.appendChild(table);
    });
    var markScrollable = function () {
      Array.prototype.forEach.call(content.querySelectorAll(".table-wrap, pre"), function (el) {
        if (el.scrollWidth > el.clientWidth + 1) {
          el.setAttribute("tabindex", "0");
          if (el.classList.contains("table-wrap")) {
            el.setAttribute("role", "region");
            var cap = el.querySelector("caption");
            var prev = el.previousElementSibling;
            var name = cap ? cap.textContent : (prev && /^H[2-6]$/.test(prev.tagName) ? prev.textContent.replace(/#$/, "") : "");
            if (name) el.setAttribute("aria-label", name.trim());
          }
        } else if (el.getAttribute("tabindex") === "0") {
          el.removeAttribute("tabindex");
          el.removeAttribute("role");
          el.removeAttribute("aria-label");
        }
      });
    };
    markScrollable();
    var resizeTimer = 0;
    window.addEventListener("resize", function () {
      window.clearTimeout(resizeTimer);
      resizeTimer = window.setTimeout(markScrollable, 150);
    });
  }

  /* ---------- Callouts: blockquotes starting with a bold label ---------- */
  if (content) {
    var kinds = [
      ["variance", /^(变通|例外|特别规定|特殊规定|Exception|Variance)/i],
      ["warning", /^(警告|严禁|禁止|注意|重要|Warning|Caution|Important)/i],
      ["tip", /^(提示|建议|技巧|示例|举例|Tip|Example)/i],
      ["note", /^(说明|注|备注|释义|Note|Info)/i]
    ];
    Array.prototype.forEach.call(content.querySelectorAll("blockquote"), function (bq) {
      var p = bq.firstElementChild;
      if (!p || p.tagName !== "P") return;
      var strong = p.firstElementChild;
      if (!strong || strong.tagName !== "STRONG" || p.firstChild !== strong) return;
      var text = strong.textContent.trim();
      for (var i = 0; i < kinds.length; i++) {
        if (kinds[i][1].test(text)) {
          bq.classList.add("callout", "callout-" + kinds[i][0]);
          return;
        }
      }
      bq.classList.add("callout", "callout-note");
    });
  }

  /* ---------- Current TOC entry ---------- */
  var tocLinks = doc.querySelectorAll(".toc-list a[href^='#']");
  if (content && tocLinks.length) {
    var byId = {};
    var targets = [];
    Array.prototype.forEach.call(tocLinks, function (a) {
      var id;
      try { id = decodeURIComponent(a.getAttribute("href").slice(1)); } catch (err) { id = a.getAttribute("href").slice(1); }
      var el = doc.getElementById(id);
      if (!el) return;
      if (!byId[id]) { byId[id] = []; targets.push(el); }
      byId[id].push(a);
    });
    var current = null;
    var setCurrent = function (id) {
      if (id === current) return;
      if (current && byId[current]) byId[current].forEach(function (a) { a.classList.remove("is-active"); a.removeAttribute("aria-current"); });
      current = id;
      if (id && byId[id]) byId[id].forEach(function (a) { a.classList.add("is-active"); a.setAttribute("aria-current", "location"); });
    };
    var headerOffset = function () {
      var h = header ? header.getBoundingClientRect() : null;
      return h && window.getComputedStyle(header).position === "sticky" ? h.height : 0;
    };
    var update = function () {
      var offset = headerOffset() + 24;
      var found = null;
      for (var i = 0; i < targets.length; i++) {
        if (targets[i].getBoundingClientRect().top - offset <= 0) found = targets[i].id; else break;
      }
      // At the very bottom, the last heading is current even if it cannot reach the top.
      if ((window.innerHeight + window.scrollY) >= doc.documentElement.scrollHeight - 2 && targets.length) {
        found = targets[targets.length - 1].id;
      }
      setCurrent(found || (targets[0] && targets[0].id));
    };
    var ticking = false;
    var onScroll = function () {
      if (ticking) return;
      ticking = true;
      window.requestAnimationFrame(function () { ticking = false; update(); });
    };
    window.addEventListener("scroll", onScroll, { passive: true });
    window.addEventListener("resize", onScroll);
    window.addEventListener("hashchange", onScroll);
    update();

    // Choosing an entry in the collapsible TOC closes it (narrow screens).
    var inlineToc = doc.querySelector(".toc-inline");
    if (inlineToc) {
      inlineToc.addEventListener("click", function (e) {
        if (e.target.closest && e.target.closest("a")) inlineToc.open = false;
      });
    }
  }
})();
