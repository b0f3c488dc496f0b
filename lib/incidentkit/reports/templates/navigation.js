/* incidentkit report page: the links to the rest of the run (its theatre's reports, previous and next).
   They come from ../assets/site.js (window.ikSite, written with the run's index by
   incidentkit.reports.navigation.site_navigation), looked up by this page's report name (data-ik-report), so that
   a page reused from an earlier run links the reports of the run it is published in. Every text is set as text
   (textContent), never parsed as HTML. Without site.js the page keeps its static link to the index. */
(function () {
  "use strict";
  var site = window.ikSite || {};
  var name = document.body.getAttribute("data-ik-report");
  var page = Object.prototype.hasOwnProperty.call(site, name) ? site[name] : null;
  document.documentElement.setAttribute("data-ik-navigation", page ? "ready" : "none");
  if (!page) return;

  function link(target, text, rel) {
    var a = document.createElement("a");
    a.setAttribute("href", target.href);
    a.textContent = text;
    if (rel) a.setAttribute("rel", rel);
    a.title = target.title + ": " + target.scope;
    return a;
  }

  document.querySelector(".ik-where").textContent = page.scope;  // the group is named in the related list
  var steps = document.querySelector(".ik-steps");
  if (page.previous) steps.appendChild(link(page.previous, "\u2190 Previous", "prev"));
  if (page.next) steps.appendChild(link(page.next, "Next \u2192", "next"));

  var related = document.querySelector(".ik-related");
  if (page.related.length > 1) {
    related.querySelector(".ik-group-name").textContent = page.group;
    var list = related.querySelector("ul");
    page.related.forEach(function (item) {
      var li = document.createElement("li");
      if (item.current) {
        li.setAttribute("aria-current", "page");
        li.textContent = item.title + ": " + item.scope + " (this report)";
      } else {
        li.appendChild(link(item, item.title));
        var where = document.createElement("span");
        where.className = "ik-scope";
        where.textContent = ": " + item.scope;
        li.appendChild(where);
      }
      list.appendChild(li);
    });
    related.hidden = false;
  }

  var pager = document.querySelector(".ik-pager");
  if (page.previous) {
    var prev = link(page.previous, "\u2190 " + page.previous.title + ": " + page.previous.scope, "prev");
    prev.className = "ik-prev";
    pager.insertBefore(prev, pager.firstChild);
  }
  if (page.next) {
    var next = link(page.next, page.next.title + ": " + page.next.scope + " \u2192", "next");
    next.className = "ik-next";
    pager.appendChild(next);
  }
})();
