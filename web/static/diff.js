// policywatch: moving through a diff's edits. Keys j (or n) and k (or p)
// go to the next and previous edit, and a bar says "edit 3 of 22". The
// page works the same without this file: every edit links to its
// neighbours.
(function () {
  "use strict";
  var edits = Array.prototype.slice.call(document.querySelectorAll(".diff .para[id^='c']"))
    .filter(function (el) { return /^c\d+$/.test(el.id); });
  if (edits.length === 0) { return; }
  edits.sort(function (a, b) { return +a.id.slice(1) - +b.id.slice(1); });

  var current = -1;
  var fromHash = location.hash.match(/^#c(\d+)$/);
  if (fromHash) { current = +fromHash[1] - 1; }

  var bar = document.createElement("div");
  bar.className = "edit-bar";
  bar.setAttribute("role", "navigation");
  bar.setAttribute("aria-label", "Edits");
  var prev = document.createElement("button");
  prev.type = "button";
  prev.className = "bar-prev";
  prev.textContent = "↑ previous";
  prev.title = "previous edit (k)";
  var count = document.createElement("span");
  count.className = "bar-count";
  count.setAttribute("aria-live", "polite");
  var next = document.createElement("button");
  next.type = "button";
  next.className = "bar-next";
  next.textContent = "next ↓";
  next.title = "next edit (j)";
  bar.appendChild(prev);
  bar.appendChild(count);
  bar.appendChild(next);
  document.querySelector(".diff").appendChild(bar);

  function show() {
    count.textContent = current < 0 ? edits.length + " edits" : "edit " + (current + 1) + " of " + edits.length;
    prev.disabled = current <= 0;
    next.disabled = current >= edits.length - 1;
  }

  // The edit the address names, when it is on the screen; -1 otherwise.
  function onScreen() {
    var m = location.hash.match(/^#c(\d+)$/);
    if (!m || +m[1] < 1 || +m[1] > edits.length) { return -1; }
    var r = edits[+m[1] - 1].getBoundingClientRect();
    return r.bottom > 0 && r.top < window.innerHeight ? +m[1] - 1 : -1;
  }

  // From where the reader scrolled to: the first edit below the top of
  // the screen, or the last one above it.
  function fromScroll(direction) {
    var i;
    if (direction > 0) {
      for (i = 0; i < edits.length; i++) {
        if (edits[i].getBoundingClientRect().top > 1) { return i; }
      }
      return edits.length;
    }
    for (i = edits.length - 1; i >= 0; i--) {
      if (edits[i].getBoundingClientRect().top < -1) { return i; }
    }
    return -1;
  }

  function go(direction) {
    var here = onScreen();
    var target = here >= 0 ? here + direction : fromScroll(direction);
    if (target < 0 || target >= edits.length) { return; }
    current = target;
    location.replace("#" + edits[current].id); // scrolls, and marks :target, without a history entry each time
    show();
  }

  prev.addEventListener("click", function () { go(-1); });
  next.addEventListener("click", function () { go(1); });
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    var tag = (e.target && e.target.tagName) || "";
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || (e.target && e.target.isContentEditable)) { return; }
    if (e.key === "j" || e.key === "n") { go(1); e.preventDefault(); }
    if (e.key === "k" || e.key === "p") { go(-1); e.preventDefault(); }
  });
  window.addEventListener("hashchange", function () {
    var m = location.hash.match(/^#c(\d+)$/);
    if (m) { current = +m[1] - 1; show(); }
  });
  show();
})();
