/* A windowed list for the review page: rows go in blocks that are drawn when near the screen and emptied,
   keeping their height, when far from it, so a 10,000-bead page holds a few hundred rows in its DOM.
   AlignerWindow(list, draw) with draw(r) -> the HTML of row r; show(count, blockSize, rowHeight, emptyText)
   lays out count rows (rowHeight: a first guess, null to use the measured mean), redraw() draws the drawn
   blocks again, drawn(r) draws the block of row r at once and returns it. */
var AlignerWindow = function (list, draw) {
  "use strict";
  var MARGIN = 1200;   // pixels above and below the screen kept drawn
  var est = 44;        // the mean row height measured so far
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (en) { if (en.isIntersecting) { fill(en.target); } else { empty(en.target); } });
  }, {rootMargin: MARGIN + "px 0px"});
  function fill(el) {
    if (el.filled) { return; }
    var html = "";
    for (var r = el.start; r < el.start + el.n; r++) { html += draw(r); }
    el.innerHTML = html; el.style.height = ""; el.filled = true;
    est = 0.8 * est + 0.2 * (el.offsetHeight / el.n);
  }
  function empty(el) {
    if (!el.filled) { return; }
    el.style.height = el.offsetHeight + "px"; el.innerHTML = ""; el.filled = false;
  }
  function show(count, size, height, emptyText) {
    observer.disconnect();
    list.textContent = "";
    for (var s = 0; s < count; s += size) {
      var el = document.createElement("div");
      el.className = "block"; el.start = s; el.n = Math.min(size, count - s);
      el.style.height = Math.round(el.n * (height || est)) + "px";
      list.appendChild(el); observer.observe(el);
    }
    if (!count) { list.innerHTML = '<p class="empty"></p>'; list.firstChild.textContent = emptyText; }
    // the blocks on screen at once, not on the observer's next call: no blank screen after a filter
    var bottom = window.innerHeight + MARGIN;
    for (var i = 0; i < list.children.length; i++) {
      var box = list.children[i].getBoundingClientRect();
      if (box.top > bottom) { break; }
      if (box.bottom > -MARGIN && list.children[i].start !== undefined) { fill(list.children[i]); }
    }
  }
  function redraw() {
    Array.prototype.forEach.call(list.children, function (el) { if (el.filled) { el.filled = false; fill(el); } });
  }
  function drawn(r) {
    for (var i = 0; i < list.children.length; i++) {
      var el = list.children[i];
      if (r >= el.start && r < el.start + el.n) { fill(el); return el; }
    }
    return null;
  }
  return {show: show, redraw: redraw, drawn: drawn};
};
