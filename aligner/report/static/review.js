/* The review page: draws only the rows on screen from the JSON data block, filters them, records the
   reader's decisions on flags and edits of the alignment in localStorage (keyed by the documents' hashes),
   and downloads them as a corrections file for `aligner apply` (docs/formats.md). No network, no library. */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("review-data").textContent);
  var STORE = "aligner-review:" + D.doc.src_sha256 + ":" + D.doc.tgt_sha256;
  var BLOCK = 40;           // rows drawn or dropped together
  var NAMES = {zh: D.lang.src, en: D.lang.tgt};
  var $ = function (id) { return document.getElementById(id); };
  var list = $("list");

  // ---- state -------------------------------------------------------------------------------------------
  var original = D.beads.map(function (b) { return {zh: b[0], en: b[1], p: b[2], w: D.words[b[3]]}; });
  var state = {decisions: {}, edits: []};
  var beads = original, beadOf = {zh: [], en: []};
  var view = [], current = -1, focusFlag = -1, est = 44;
  var flagsAt = {zh: {}, en: {}};   // sentence -> flag indexes (flags and moved content alike)
  var items = D.flags.map(function (f) { return f; }).concat(D.moved.map(function (m) {
    return {kind: "moved", key: null, conf: null, word: "likely", zs: m.side === "zh" ? m.sentence : null,
            es: m.side === "en" ? m.sentence : null, span: null, text: m.text, title: m.title, why: m.why,
            compared_side: m.compared_side, compared: m.compared, details: ""};
  }));
  var paragraphFlags = {};   // unit -> paragraph flags (decided in the running-text view)
  items.forEach(function (f, n) {
    if (f.kind === "paragraph") { (paragraphFlags[f.unit] = paragraphFlags[f.unit] || []).push(n); }
    else if (f.zs !== null) { (flagsAt.zh[f.zs] = flagsAt.zh[f.zs] || []).push(n); }
    else if (f.es !== null) { (flagsAt.en[f.es] = flagsAt.en[f.es] || []).push(n); }
  });

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }

  // ---- alignment edits (the same rules as aligner/corrections.py) ----------------------------------------
  function index(bs) {
    beadOf = {zh: new Int32Array(D.zh.length), en: new Int32Array(D.en.length)};
    bs.forEach(function (b, k) {
      b.zh.forEach(function (i) { beadOf.zh[i] = k; });
      b.en.forEach(function (j) { beadOf.en[j] = k; });
    });
  }
  function edited(zh, en) { return {zh: zh, en: en, p: null, w: "edited"}; }
  function find(bs, src, tgt) {
    var k = src.length ? beadOf.zh[src[0]] : tgt.length ? beadOf.en[tgt[0]] : -1;
    var b = bs[k];
    if (!b || (src.length ? b.zh[0] !== src[0] : b.zh.length || b.en[0] !== tgt[0])) { throw new Error("bead not found"); }
    return k;
  }
  function same(a, b) { return a.length === b.length && a.every(function (x, i) { return x === b[i]; }); }
  function inRange(side, s) {
    if (typeof s !== "number" || s < 0 || s >= D[side].length) { throw new Error("sentence out of range"); }
  }
  // one edit on beads ``bs`` (indexed); returns the new bead list and the index of the bead to show
  function applyEdit(bs, e) {
    var out = bs.slice(), k, b, side, other, pos, rest;
    (e.src || []).forEach(function (s) { inRange("zh", s); });
    (e.tgt || []).forEach(function (s) { inRange("en", s); });
    if (e.op === "merge") {
      k = find(bs, e.src, e.tgt);
      if (k + 1 >= bs.length) { throw new Error("the last bead has no next bead"); }
      out.splice(k, 2, edited(bs[k].zh.concat(bs[k + 1].zh), bs[k].en.concat(bs[k + 1].en)));
      return [out, k];
    }
    if (e.op === "split") {
      k = find(bs, e.src, e.tgt); b = bs[k];
      if (!same(b.zh, e.src) || !same(b.en, e.tgt)) { throw new Error("no bead holds exactly these sentences"); }
      if (!(e.at_src >= 0 && e.at_src <= b.zh.length && e.at_tgt >= 0 && e.at_tgt <= b.en.length)) {
        throw new Error("split point out of range");
      }
      if (e.at_src + e.at_tgt === 0 || e.at_src + e.at_tgt === b.zh.length + b.en.length) {
        throw new Error("a half would be empty");
      }
      out.splice(k, 1, edited(b.zh.slice(0, e.at_src), b.en.slice(0, e.at_tgt)),
                 edited(b.zh.slice(e.at_src), b.en.slice(e.at_tgt)));
      return [out, k];
    }
    side = e.side === "src" ? "zh" : e.side === "tgt" ? "en" : null;
    if (!side) { throw new Error("side must be src or tgt"); }
    inRange(side, e.sentence);
    other = side === "zh" ? "en" : "zh";
    k = beadOf[side][e.sentence]; b = bs[k]; pos = b[side].indexOf(e.sentence);
    if (e.op === "move") {
      var to = e.to === "previous" ? k - 1 : e.to === "next" ? k + 1 : null;
      if (to === null) { throw new Error("to must be previous or next"); }
      if (to < 0 || to >= bs.length) { throw new Error("no " + e.to + " bead"); }
      if (pos !== (e.to === "previous" ? 0 : b[side].length - 1)) { throw new Error("not at the bead's edge"); }
      var from = {}, into = {};
      from[side] = b[side].filter(function (s) { return s !== e.sentence; }); from[other] = b[other];
      into[side] = e.to === "previous" ? bs[to][side].concat([e.sentence]) : [e.sentence].concat(bs[to][side]);
      into[other] = bs[to][other];
      out[to] = edited(into.zh, into.en);
      out[k] = edited(from.zh, from.en);
      if (!from.zh.length && !from.en.length) { out.splice(k, 1); }
      return [out, Math.min(k, to)];
    }
    if (e.op === "untranslated") {
      if (!b[other].length && b[side].length === 1) { return [out, k]; }   // already a bead of its own
      var alone = {}; alone[side] = [e.sentence]; alone[other] = [];
      var parts = [];
      var before = {}, after = {}, n = b[side].length, theirs = b[other].length;
      before[side] = b[side].slice(0, pos); after[side] = b[side].slice(pos + 1);
      // taken from the middle, the other side is shared between the two parts in proportion to their sentences
      var cut = pos === n - 1 ? theirs : pos === 0 ? 0 : roundHalfEven(theirs * pos / (n - 1));
      before[other] = b[other].slice(0, cut); after[other] = b[other].slice(cut);
      if (before[side].length || before[other].length) { parts.push(edited(before.zh, before.en)); }
      parts.push(edited(alone.zh, alone.en));
      if (after[side].length || after[other].length) { parts.push(edited(after.zh, after.en)); }
      out.splice.apply(out, [k, 1].concat(parts));
      return [out, k];
    }
    throw new Error("unknown op " + e.op);
  }
  function roundHalfEven(x) {   // Python's round(), which aligner/corrections rounds with
    var r = Math.round(x);
    return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 ? r - 1 : r;
  }
  function twice(edits, e) {   // a file marking one sentence untranslated twice is refused as contradictory
    if (e.op === "untranslated" && edits.some(function (x) { return x.op === e.op && x.side === e.side && x.sentence === e.sentence; })) {
      throw new Error("the sentence is already marked untranslated");
    }
  }
  function replay(edits) {   // the edits that still apply, in order; stops at the first that does not
    var bs = original, ok = [];
    index(bs);
    for (var n = 0; n < edits.length; n++) {
      try { twice(ok, edits[n]); bs = applyEdit(bs, edits[n])[0]; } catch (err) { status("Edit " + (n + 1) + " no longer fits (" + err.message + "): it and the later ones were dropped."); break; }
      ok.push(edits[n]); index(bs);
    }
    beads = bs; state.edits = ok;
  }
  function edit(e) {
    try {
      twice(state.edits, e);
      var r = applyEdit(beads, e);
      state.edits.push(e); beads = r[0]; index(beads); save(); refresh(r[1]);
      status("");
    } catch (err) { status("Cannot " + e.op + ": " + err.message + "."); }
  }
  function nameOf(b) { return {src: b.zh.slice(), tgt: b.en.slice()}; }

  // ---- decisions, storage, download ----------------------------------------------------------------------
  function save() {
    try { localStorage.setItem(STORE, JSON.stringify({decisions: state.decisions, edits: state.edits})); }
    catch (err) { status("This browser does not keep the decisions (" + err.message + "): download them."); }
    $("undo").disabled = !state.edits.length;
  }
  function load() {
    var saved = null;
    try { saved = JSON.parse(localStorage.getItem(STORE) || "null"); } catch (err) { saved = null; }
    if (saved && typeof saved === "object") {
      state.decisions = saved.decisions && typeof saved.decisions === "object" ? saved.decisions : {};
      replay(Array.isArray(saved.edits) ? saved.edits : []);
    } else { replay([]); }
    $("undo").disabled = !state.edits.length;
  }
  function decide(n, status_) {
    var f = items[n];
    if (!f || !f.key) { return; }
    var d = state.decisions[f.key] || {};
    if (status_) { state.decisions[f.key] = {status: status_, note: d.note || ""}; }
    else if (d.note) { state.decisions[f.key] = {status: null, note: d.note}; }
    else { delete state.decisions[f.key]; }
    save(); redraw();
  }
  function note(n, text) {
    var f = items[n], d = state.decisions[f.key] || {status: null};
    state.decisions[f.key] = {status: d.status, note: text};
    if (!d.status && !text) { delete state.decisions[f.key]; }
    save();
  }
  function corrections() {
    var flags = Object.keys(state.decisions).filter(function (k) { return state.decisions[k].status; })
      .map(function (k) {
        var d = state.decisions[k], out = {key: k, status: d.status};
        if (d.note) { out.note = d.note; }
        return out;
      });
    return {format: "aligner-corrections", version: 1,
            document: {src_sha256: D.doc.src_sha256, tgt_sha256: D.doc.tgt_sha256,
                       src_sentences: D.doc.src_sentences, tgt_sentences: D.doc.tgt_sentences},
            alignment_signature: D.doc.signature, flags: flags, edits: state.edits,
            saved: new Date().toISOString().replace(/\.\d+Z$/, "Z")};
  }
  function download() {
    var name = decodeURIComponent(location.pathname.split("/").pop() || "review")
      .replace(/(\.review)?\.html?$/i, "") || "review";
    var blob = new Blob([JSON.stringify(corrections(), null, 1) + "\n"], {type: "application/json"});
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob); a.download = name + ".corrections.json";
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
  }

  // ---- filters -------------------------------------------------------------------------------------------
  function filters() {
    var kinds = {};
    Array.prototype.forEach.call(document.querySelectorAll("input.kind"), function (c) { kinds[c.value] = c.checked; });
    return {kinds: kinds, conf: $("confidence").value, unit: $("unit").value === "" ? null : +$("unit").value,
            show: $("show").value, q: $("search").value.trim().toLowerCase(), mode: $("view").value};
  }
  function flagShown(f, F) {
    if (!F.kinds[f.kind] || (F.conf && f.kind !== "moved" && f.word !== F.conf)) { return false; }
    return F.show !== "open" || (f.key && !(state.decisions[f.key] || {}).status);
  }
  function beadFlags(b, F) {
    var out = [];
    b.zh.forEach(function (i) { (flagsAt.zh[i] || []).forEach(function (n) { out.push(n); }); });
    b.en.forEach(function (j) { (flagsAt.en[j] || []).forEach(function (n) { out.push(n); }); });
    return F ? out.filter(function (n) { return flagShown(items[n], F); }) : out;
  }
  function unitOf(b) { return b.en.length ? D.units.en[b.en[0]] : D.units.zh[b.zh[0]]; }
  var lower = null;   // the texts in lower case, made at the first search
  function matches(b, q) {
    lower = lower || {zh: D.zh.map(function (t) { return t.toLowerCase(); }), en: D.en.map(function (t) { return t.toLowerCase(); })};
    return b.zh.some(function (i) { return lower.zh[i].indexOf(q) >= 0; }) ||
           b.en.some(function (j) { return lower.en[j].indexOf(q) >= 0; });
  }
  function compute() {
    var F = filters(), out = [];
    for (var k = 0; k < beads.length; k++) {
      var b = beads[k];
      if (F.unit !== null && unitOf(b) !== F.unit) { continue; }
      if (F.q && !matches(b, F.q)) { continue; }
      if ((F.show === "flagged" || F.show === "open") && !beadFlags(b, F).length) { continue; }
      if (F.show === "doubtful" && b.w === "likely") { continue; }
      out.push(k);
    }
    return [F, out];
  }

  // ---- drawing -------------------------------------------------------------------------------------------
  function marked(side, s, F) {
    var text = D[side][s], marks = [];
    (flagsAt[side][s] || []).forEach(function (n) {
      var f = items[n];
      if (!flagShown(f, F)) { return; }
      var span = f.span || (f.kind === "moved" && side === "zh" ? [text.indexOf(f.text), text.indexOf(f.text) + f.text.length] : [0, text.length]);
      if (span[0] >= 0) { marks.push([span[0], span[1], f.kind]); }
    });
    marks.sort(function (a, b) { return a[0] - b[0]; });
    var html = "", at = 0;
    marks.forEach(function (m) {
      if (m[0] < at) { return; }
      html += hit(text.slice(at, m[0]), F.q) + '<mark class="' + m[2] + '">' + hit(text.slice(m[0], m[1]), F.q) + "</mark>";
      at = m[1];
    });
    return html + hit(text.slice(at), F.q);
  }
  function hit(text, q) {
    if (!q) { return esc(text); }
    var low = text.toLowerCase(), out = "", at = 0, k;
    while ((k = low.indexOf(q, at)) >= 0) { out += esc(text.slice(at, k)) + '<mark class="hit">' + esc(text.slice(k, k + q.length)) + "</mark>"; at = k + q.length; }
    return out + esc(text.slice(at));
  }
  function sentences(side, k, F, tools) {
    var b = beads[k], list_ = b[side], sd = side === "zh" ? "src" : "tgt";
    return list_.map(function (s, pos) {
      var btn = "";
      if (tools) {
        if (pos === 0 && k > 0) { btn += '<button class="sb" data-op="move" data-side="' + sd + '" data-s="' + s + '" data-to="previous" title="Move to the previous bead">↑</button>'; }
        if (pos === list_.length - 1 && k + 1 < beads.length) { btn += '<button class="sb" data-op="move" data-side="' + sd + '" data-s="' + s + '" data-to="next" title="Move to the next bead">↓</button>'; }
        if (!(list_.length === 1 && !b[side === "zh" ? "en" : "zh"].length)) { btn += '<button class="sb" data-op="untranslated" data-side="' + sd + '" data-s="' + s + '" title="Mark as untranslated (a bead of its own)">∅</button>'; }
      }
      return '<span class="s"><span class="sid">' + (s + 1) + "</span>" + marked(side, s, F) + btn + "</span>";
    }).join(" ");
  }
  function card(n) {
    var f = items[n], d = f.key ? state.decisions[f.key] || {} : {};
    var side = f.compared_side, cmp = f.compared || [], own = f.zs !== null ? beadOf.zh[f.zs] : f.es !== null ? beadOf.en[f.es] : -1;
    var beside = cmp.length && cmp.every(function (s) { return beadOf[side][s] === own; });
    cmp = beside ? "the " + NAMES[side] + " beside it (" + cmp.map(function (s) { return s + 1; }).join(", ") + ")" :
      cmp.map(function (s) { return NAMES[side] + " " + (s + 1) + ": “" + D[side][s] + "”"; }).join(" and ");
    var html = '<div class="flag kind-' + f.kind + (d.status ? " " + d.status : "") + (n === focusFlag ? " focus" : "") +
      '" data-n="' + n + '"><div class="ft">' + esc(f.title) +
      (f.kind !== "moved" && f.kind !== "boilerplate" ? '<span class="word ' + f.word + '">' + f.word + " " + f.conf.toFixed(2) + "</span>" : "") + "</div>";
    if (cmp) { html += '<div class="fc">Compared with ' + esc(cmp) + ".</div>"; }
    html += '<div class="fw">' + esc(f.why) + "</div>";
    if (f.details) { html += "<details><summary>details</summary>" + esc(f.details) + "</details>"; }
    if (f.key) {
      html += '<div class="fa">' + (d.status ? '<span class="state">' + d.status + "</span>" : "") +
        '<button data-act="accepted">Accept</button><button data-act="dismissed">Dismiss</button>' +
        (d.status ? '<button data-act="">Undecide</button>' : "") +
        '<input class="note" placeholder="Note (optional)" value="' + esc(d.note || "") + '" aria-label="Note"></div>';
    }
    return html + "</div>";
  }
  function row(k, F) {
    var b = beads[k], cls = b.zh.length && b.en.length ? "w-" + b.w : "null";
    if (b.w === "edited") { cls = "edited"; }
    var fl = beadFlags(b, F), tools = k === current;
    // the probability cut, not rounded: 0.8996 shows as 0.89, never as the 0.90 a "likely" bead needs
    var html = '<div class="bead ' + cls + (k === current ? " current" : "") + (fl.length ? " flagged" : "") +
      '" data-k="' + k + '"><div class="num">' + (k + 1) +
      '<span class="p" title="Probability that this bead is right">' + (b.p === null ? "edited" : b.w + "<br>" + (Math.floor(b.p * 100) / 100).toFixed(2)) + "</span></div>" +
      '<div class="zh" lang="' + esc(D.lang.zh) + '">' + sentences("zh", k, F, tools) + "</div>" +
      '<div class="en" lang="' + esc(D.lang.en) + '">' + sentences("en", k, F, tools) + "</div>" +
      '<div class="fl">' + fl.map(card).join("") + "</div>";
    if (tools) {
      // the split offered first: half of each side, the second half never empty
      var atZh = Math.ceil(b.zh.length / 2), atEn = Math.ceil(b.en.length / 2);
      if (atZh === b.zh.length && atEn === b.en.length) { atEn = Math.max(0, atEn - 1); }
      html += '<div class="tools"><button data-op="merge"' + (k + 1 < beads.length ? "" : " disabled") + '>Merge with next bead</button>' +
        (b.zh.length + b.en.length > 1 ? '<span class="split">Split: first part keeps <select class="at" data-side="zh">' + opts(b.zh.length, atZh) + "</select> " +
          esc(D.lang.src) + ' and <select class="at" data-side="en">' + opts(b.en.length, atEn) + "</select> " + esc(D.lang.tgt) +
          ' sentences <button data-op="split">Split</button></span>' : "") +
        '<span class="hint">↑ ↓ move a sentence to the bead before or after; ∅ marks it untranslated.</span></div>';
    }
    return html + "</div>";
    function opts(n, at) {
      var h = "";
      for (var i = 0; i <= n; i++) { h += '<option value="' + i + '"' + (i === at ? " selected" : "") + ">" + i + "</option>"; }
      return h;
    }
  }
  function unitRow(u, F) {
    var ks = view.filter(function (k) { return unitOf(beads[k]) === u; });
    var fl = [], zh = "", en = "";
    ks.forEach(function (k) {
      fl = fl.concat(beadFlags(beads[k], F));
      zh += sentences("zh", k, F, false) + " "; en += sentences("en", k, F, false) + " ";
    });
    var missing = fl.filter(function (n) { return items[n].kind !== "moved" && items[n].kind !== "boilerplate"; });
    var par = paragraphFlags[u] || [];
    return '<div class="unit' + (missing.length || par.length ? " flagged" : "") + '" data-unit="' + u + '"><h3>' +
      esc(D.units.labels[u]) + (missing.length ? '<span class="note">' + missing.length + " flag" + (missing.length > 1 ? "s" : "") +
      " in its sentences</span>" : "") + "</h3>" + (par.length ? '<div class="pf">' + par.map(card).join("") + "</div>" : "") +
      '<div class="cols"><div lang="' + esc(D.lang.zh) + '">' + zh + '</div><div lang="' + esc(D.lang.en) + '">' + en + "</div></div></div>";
  }

  // windowed drawing: blocks of rows, filled near the screen and emptied (keeping their height) far from it
  var F = null, rowsOf = [], observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (en) { if (en.isIntersecting) { fill(en.target); } else { empty(en.target); } });
  }, {rootMargin: "1200px 0px"});
  function fill(el) {
    if (el.filled) { return; }
    var html = "";
    for (var r = el.start; r < el.start + el.n; r++) { html += F.mode === "units" ? unitRow(rowsOf[r], F) : row(rowsOf[r], F); }
    el.innerHTML = html; el.style.height = ""; el.filled = true;
    est = 0.8 * est + 0.2 * (el.offsetHeight / el.n);
  }
  function empty(el) {
    if (!el.filled) { return; }
    el.style.height = el.offsetHeight + "px"; el.innerHTML = ""; el.filled = false;
  }
  function layout() {
    observer.disconnect();
    list.textContent = "";
    var size = F.mode === "units" ? 3 : BLOCK;
    for (var s = 0; s < rowsOf.length; s += size) {
      var el = document.createElement("div");
      el.className = "block"; el.start = s; el.n = Math.min(size, rowsOf.length - s);
      el.style.height = Math.round(el.n * (F.mode === "units" ? 400 : est)) + "px";
      list.appendChild(el); observer.observe(el);
    }
    if (!rowsOf.length) { list.innerHTML = '<p class="empty">No bead matches these filters.</p>'; }
    fillVisible();
  }
  function fillVisible() {   // at once, not on the observer's next call: no blank screen after a filter
    var bs = list.children, bottom = window.innerHeight + 1200;
    for (var i = 0; i < bs.length; i++) {
      var r = bs[i].getBoundingClientRect();
      if (r.top > bottom) { break; }
      if (r.bottom > -1200 && bs[i].start !== undefined) { fill(bs[i]); }
    }
  }
  function blockOf(r) {
    var bs = list.children;
    for (var i = 0; i < bs.length; i++) { if (r >= bs[i].start && r < bs[i].start + bs[i].n) { return bs[i]; } }
    return null;
  }
  function redraw() {   // same rows, new content (a decision, a new current bead)
    Array.prototype.forEach.call(list.children, function (el) { if (el.filled) { el.filled = false; fill(el); } });
  }
  function refresh(showBead) {   // filters or beads changed
    var r = compute();
    F = r[0]; view = r[1];
    if (F.mode === "units") {
      var seen = {};
      rowsOf = [];
      view.forEach(function (k) { var u = unitOf(beads[k]); if (!seen[u]) { seen[u] = 1; rowsOf.push(u); } });
    } else { rowsOf = view; }
    if (showBead !== undefined) { current = showBead; }
    document.body.classList.toggle("mode-units", F.mode === "units");
    layout();
    counts();
    if (showBead !== undefined) { reveal(showBead); }
  }
  function reveal(k) {
    var r = F.mode === "units" ? rowsOf.indexOf(unitOf(beads[k])) : rowsOf.indexOf(k);
    var el = blockOf(r);
    if (!el) { return; }
    fill(el);
    var target = el.querySelector(F.mode === "units" ? '[data-unit="' + rowsOf[r] + '"]' : '[data-k="' + k + '"]');
    if (target) { target.scrollIntoView({block: "center"}); }
  }
  function counts() {
    var n = 0, acc = 0, dis = 0, keys = {};
    view.forEach(function (k) { n += beadFlags(beads[k], F).length; });
    D.flags.forEach(function (f) { keys[f.key] = 1; });
    var aside = 0;
    Object.keys(state.decisions).forEach(function (k) {
      var s = state.decisions[k].status;
      if (!keys[k]) { aside += s ? 1 : 0; return; }
      if (s === "accepted") { acc++; } else if (s === "dismissed") { dis++; }
    });
    $("count").textContent = view.length.toLocaleString() + " of " + beads.length.toLocaleString() + " beads, " +
      n + " flags shown · " + acc + " accepted, " + dis + " dismissed, " + state.edits.length + " edits" +
      (aside ? " · " + aside + " decisions for flags not in this review, kept" : "");
  }
  function status(text) { $("status").textContent = text; }

  // ---- navigation and events -----------------------------------------------------------------------------
  function step(dir) {   // the next or previous flag shown, in reading order
    var order = [];
    view.forEach(function (k) { beadFlags(beads[k], F).forEach(function (n) { order.push([k, n]); }); });
    if (!order.length) { status("No flag shown."); return; }
    var at = -1;
    order.forEach(function (o, i) { if (o[1] === focusFlag) { at = i; } });
    var next = order[(at + dir + order.length) % order.length];
    if (at < 0 && dir < 0) { next = order[order.length - 1]; }
    focusFlag = next[1]; current = next[0];
    redraw(); reveal(current);
  }
  function onClick(ev) {
    var t = ev.target, beadEl = t.closest(".bead"), k = beadEl ? +beadEl.getAttribute("data-k") : -1;
    if (t.matches(".flag button[data-act]")) {
      decide(+t.closest(".flag").getAttribute("data-n"), t.getAttribute("data-act") || null);
      counts(); return;
    }
    if (t.matches("button[data-op]") && k >= 0) {
      var op = t.getAttribute("data-op"), b = beads[k];
      if (op === "merge") { edit({op: "merge", src: b.zh.slice(), tgt: b.en.slice()}); }
      else if (op === "split") {
        var at = beadEl.querySelectorAll("select.at");
        var e = nameOf(b); e.op = "split"; e.at_src = +at[0].value; e.at_tgt = +at[1].value;
        edit({op: "split", src: e.src, tgt: e.tgt, at_src: e.at_src, at_tgt: e.at_tgt});
      } else if (op === "move") {
        edit({op: "move", side: t.getAttribute("data-side"), sentence: +t.getAttribute("data-s"), to: t.getAttribute("data-to")});
      } else if (op === "untranslated") {
        edit({op: "untranslated", side: t.getAttribute("data-side"), sentence: +t.getAttribute("data-s")});
      }
      return;
    }
    if (t.closest("input, select, details, button, a")) { return; }
    if (k >= 0 && k !== current) { current = k; redraw(); }
  }
  list.addEventListener("click", onClick);
  list.addEventListener("change", function (ev) {
    if (ev.target.matches("input.note")) { note(+ev.target.closest(".flag").getAttribute("data-n"), ev.target.value); counts(); }
  });
  ["search", "confidence", "unit", "show", "view"].forEach(function (id) {
    $(id).addEventListener(id === "search" ? "input" : "change", function () { refresh(); });
  });
  Array.prototype.forEach.call(document.querySelectorAll("input.kind"), function (c) { c.addEventListener("change", function () { refresh(); }); });
  Array.prototype.forEach.call(document.querySelectorAll("a.unit-link"), function (a) {
    a.addEventListener("click", function (ev) {
      ev.preventDefault(); $("unit").value = a.getAttribute("data-unit"); refresh(); $("toolbar").scrollIntoView();
    });
  });
  $("download").addEventListener("click", download);
  $("undo").addEventListener("click", function () {
    state.edits.pop(); replay(state.edits); save(); refresh(current >= beads.length ? beads.length - 1 : current);
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.target.closest("input, select, textarea")) {
      if (ev.key === "Escape") { ev.target.blur(); }
      return;
    }
    var key = ev.key;
    if (key === "j" || key === "n") { step(1); }
    else if (key === "k" || key === "p") { step(-1); }
    else if ((key === "a" || key === "d" || key === "u") && focusFlag >= 0) {
      decide(focusFlag, key === "a" ? "accepted" : key === "d" ? "dismissed" : null); counts();
    } else if (key === "e" && focusFlag >= 0) {
      var input = list.querySelector('.flag[data-n="' + focusFlag + '"] input.note');
      if (input) { input.focus(); }
    } else if (key === "m" && current >= 0) { edit({op: "merge", src: beads[current].zh.slice(), tgt: beads[current].en.slice()}); }
    else if (key === "/") { $("search").focus(); }
    else { return; }
    ev.preventDefault();
  });

  load();
  refresh();
  // for tests and the console: the corrections as they would be downloaded, the beads, and one edit (its refusal)
  window.alignerReview = {corrections: corrections, beads: function () { return beads; },
                          edit: function (e) { edit(e); return $("status").textContent; }};
}());
