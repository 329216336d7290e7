/* Alignment edits for the review page, by the rules of aligner/corrections/edits.py, so that the page shows
   what `aligner apply` will write (tests/browser/test_review_page.py checks both on random edit sequences).
   AlignerEdits(zhCount, enCount) gives index(beads) -> {zh, en: the bead of each sentence}, apply(beads, edit)
   -> [new beads, the bead to show] (throws an Error in words when the edit does not fit), and twice(edits, edit). */
var AlignerEdits = function (zhCount, enCount) {
  "use strict";
  var counts = {zh: zhCount, en: enCount};
  var beadOf = {zh: [], en: []};
  function index(bs) {
    beadOf = {zh: new Int32Array(counts.zh), en: new Int32Array(counts.en)};
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
    if (typeof s !== "number" || s < 0 || s >= counts[side]) { throw new Error("sentence out of range"); }
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
  return {index: function (bs) { index(bs); return beadOf; }, apply: applyEdit, twice: twice};
};
