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
  var rules = AlignerEdits(D.zh.length, D.en.length);
  var beads = original, beadOf = rules.index(original);
  var view = [], current = -1, focusFlag = -1;
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

  // ---- alignment edits (their rules: edits.js) ------------------------------------------------------------
  function replay(edits) {   // the edits that still apply, in order; stops at the first that does not
    var bs = original, ok = [];
    beadOf = rules.index(bs);
    for (var n = 0; n < edits.length; n++) {
      try { rules.twice(ok, edits[n]); bs = rules.apply(bs, edits[n])[0]; } catch (err) { status("Edit " + (n + 1) + " no longer fits (" + err.message + "): it and the later ones were dropped."); break; }
      ok.push(edits[n]); beadOf = rules.index(bs);
    }
    beads = bs; state.edits = ok;
  }
  function edit(e) {
    try {
      rules.twice(state.edits, e);
      var r = rules.apply(beads, e);
      state.edits.push(e); beads = r[0]; beadOf = rules.index(beads); save(); refresh(r[1]);
      status("");
    } catch (err) { status("Cannot " + e.op + ": " + err.message + "."); }
  }

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
    var missing = fl.filter(function (n) { return ["moved", "boilerplate", "alignment"].indexOf(items[n].kind) < 0; });
    var par = paragraphFlags[u] || [];
    return '<div class="unit' + (missing.length || par.length ? " flagged" : "") + '" data-unit="' + u + '"><h3>' +
      esc(D.units.labels[u]) + (missing.length ? '<span class="note">' + missing.length + " flag" + (missing.length > 1 ? "s" : "") +
      " in its sentences</span>" : "") + "</h3>" + (par.length ? '<div class="pf">' + par.map(card).join("") + "</div>" : "") +
      '<div class="cols"><div lang="' + esc(D.lang.zh) + '">' + zh + '</div><div lang="' + esc(D.lang.en) + '">' + en + "</div></div></div>";
  }

  // only the rows near the screen are drawn (window.js)
  var F = null, rowsOf = [], win = AlignerWindow(list, function (r) {
    return F.mode === "units" ? unitRow(rowsOf[r], F) : row(rowsOf[r], F);
  });
  function redraw() { win.redraw(); }   // same rows, new content (a decision, a new current bead)
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
    win.show(rowsOf.length, F.mode === "units" ? 3 : BLOCK, F.mode === "units" ? 400 : null,
             "No bead matches these filters.");
    counts();
    if (showBead !== undefined) { reveal(showBead); }
  }
  function reveal(k) {
    var r = F.mode === "units" ? rowsOf.indexOf(unitOf(beads[k])) : rowsOf.indexOf(k);
    var el = win.drawn(r);
    if (!el) { return; }
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
        edit({op: "split", src: b.zh.slice(), tgt: b.en.slice(), at_src: +at[0].value, at_tgt: +at[1].value});
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
