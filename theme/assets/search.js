/* Handbook search: runs entirely in the page, from file:// too. The index is JavaScript that the
 * Swift builder (Sources/HandbookSearch) writes; its files push messages onto
 * window.HandbookSearchQ (see IndexEmitter.swift for the format). Normalisation and ranking mirror
 * Normalizer.swift and SearchEngine.swift step for step: keep them in sync (a browser test compares
 * both on a shared set of queries). The DOM is built with createElement/textContent only. */
(function () {
  'use strict';

  // ---------------------------------------------------------------- normalisation

  var HAN = 0, WORD = 1, SPACE = 2, OTHER = 3, SKIP = 4;

  function mapCp(v) {
    if (v >= 0xFF01 && v <= 0xFF5E) { v -= 0xFEE0; } else if (v === 0x3000) { return 0x20; }
    if (v >= 0x41 && v <= 0x5A) { return v + 32; }
    if (v >= 0xC0 && v <= 0xDE && v !== 0xD7) { return v + 32; }
    return v;
  }

  function classify(v) {
    if (v < 0x80) {
      if ((v >= 0x30 && v <= 0x39) || (v >= 0x61 && v <= 0x7A)) { return WORD; }
      if (v === 0x20 || (v >= 0x09 && v <= 0x0D)) { return SPACE; }
      return OTHER;
    }
    if (v >= 0x4E00 && v <= 0x9FFF) { return HAN; }
    if (v >= 0x3400 && v <= 0x4DBF) { return HAN; }
    if (v >= 0xF900 && v <= 0xFAFF) { return HAN; }
    if (v >= 0x20000 && v <= 0x3134F) { return HAN; }
    if (v >= 0x3040 && v <= 0x30FF && v !== 0x30FB) { return HAN; }
    if (v >= 0xAC00 && v <= 0xD7AF) { return HAN; }
    if (v === 0x3007) { return HAN; }
    if ((v >= 0xDF && v <= 0xFF && v !== 0xF7) || (v >= 0x100 && v <= 0x24F)) { return WORD; }
    if (v === 0xA0 || v === 0x2028 || v === 0x2029) { return SPACE; }
    if (v === 0xAD || (v >= 0x200B && v <= 0x200D) || v === 0xFEFF) { return SKIP; }
    return OTHER;
  }

  // A unit: {c: CJK code point or 0 for a word, w: word string, s: start, e: end} (code point offsets).
  function segments(text, query) {
    var result = [], seg = [], word = '', wordStart = 0, offset = 0;
    function flushWord(end) {
      if (word) { seg.push({ c: 0, w: word, s: wordStart, e: end }); word = ''; }
    }
    for (var i = 0; i < text.length; i++) {
      var v = text.charCodeAt(i);
      if (v >= 0xD800 && v <= 0xDBFF && i + 1 < text.length) {
        var lo = text.charCodeAt(i + 1);
        if (lo >= 0xDC00 && lo <= 0xDFFF) { v = (v - 0xD800) * 0x400 + (lo - 0xDC00) + 0x10000; i++; }
      }
      v = mapCp(v);
      switch (classify(v)) {
        case WORD:
          if (!word) { wordStart = offset; }
          word += String.fromCodePoint(v);
          break;
        case HAN:
          flushWord(offset);
          seg.push({ c: v, w: '', s: offset, e: offset + 1 });
          break;
        case SPACE:
          flushWord(offset);
          if (query && seg.length) { result.push(seg); seg = []; }
          break;
        case OTHER:
          flushWord(offset);
          if (seg.length) { result.push(seg); seg = []; }
          break;
        default:
          flushWord(offset);
      }
      offset++;
    }
    flushWord(offset);
    if (seg.length) { result.push(seg); }
    return result;
  }

  var NUMERALS = {
    0x96F6: 0, 0x3007: 0, 0x4E00: 1, 0x4E8C: 2, 0x4E24: 2, 0x4E09: 3, 0x56DB: 4, 0x4E94: 5,
    0x516D: 6, 0x4E03: 7, 0x516B: 8, 0x4E5D: 9, 0x5341: 10, 0x767E: 100, 0x5343: 1000, 0x4E07: 10000
  };
  function numeralDigit(c) {
    var d = NUMERALS[c];
    return d === undefined ? -1 : d;
  }
  var CLASSIFIERS = new Set();
  Array.from('个份天日月年次条名位件周元人项类级种张台辆本页分秒点倍成折号家层期批段步章节款米吨斤公小星季岁遍轮套组只把道封栋间单笔票箱包瓶支双对部场届声口篇句字行列排格万千百十')
    .forEach(function (ch) { CLASSIFIERS.add(ch.codePointAt(0)); });
  var DI = 0x7B2C; // 第

  function numeralValue(units, i, j) {
    if (j - i > 12) { return null; }
    var hasMultiplier = false, k, d;
    for (k = i; k < j; k++) { if (numeralDigit(units[k].c) >= 10) { hasMultiplier = true; } }
    if (!hasMultiplier) {
      var s = '';
      for (k = i; k < j; k++) { s += String(numeralDigit(units[k].c)); }
      return s;
    }
    var total = 0, section = 0, current = 0;
    for (k = i; k < j; k++) {
      d = numeralDigit(units[k].c);
      if (d < 10) {
        current = d;
      } else if (d < 10000) {
        section += (current === 0 ? 1 : current) * d;
        current = 0;
      } else {
        var t = total + section + current;
        if (t === 0) { t = 1; }
        if (t > 100000000000) { return null; }
        total = t * 10000;
        section = 0;
        current = 0;
      }
    }
    return String(total + section + current);
  }

  function canonical(seg) {
    var out = null, i = 0, n = seg.length;
    while (i < n) {
      var u = seg[i];
      if (u.c !== 0 && numeralDigit(u.c) >= 0) {
        var j = i + 1;
        while (j < n && seg[j].c !== 0 && numeralDigit(seg[j].c) >= 0) { j++; }
        var convert = j - i >= 2;
        if (j - i === 1) {
          if (j < n && seg[j].c !== 0 && CLASSIFIERS.has(seg[j].c)) { convert = true; }
          if (i > 0 && seg[i - 1].c === DI) { convert = true; }
        }
        var value = convert ? numeralValue(seg, i, j) : null;
        if (value !== null) {
          if (out === null) { out = seg.slice(0, i); }
          out.push({ c: 0, w: value, s: seg[i].s, e: seg[j - 1].e });
        } else if (out !== null) {
          for (var k = i; k < j; k++) { out.push(seg[k]); }
        }
        i = j;
      } else {
        if (out !== null) { out.push(u); }
        i++;
      }
    }
    return out;
  }

  function unitString(u) { return u.c !== 0 ? String.fromCodePoint(u.c) : u.w; }

  function termTokens(seg) {
    if (seg.length === 1) { return [unitString(seg[0])]; }
    var tokens = [], covered = new Array(seg.length).fill(false), i, t;
    for (i = 0; i < seg.length - 1; i++) {
      if (seg[i].c !== 0 && seg[i + 1].c !== 0) {
        t = unitString(seg[i]) + unitString(seg[i + 1]);
        if (tokens.indexOf(t) < 0) { tokens.push(t); }
        covered[i] = true;
        covered[i + 1] = true;
      }
    }
    for (i = 0; i < seg.length; i++) {
      if (!covered[i]) {
        t = unitString(seg[i]);
        if (tokens.indexOf(t) < 0) { tokens.push(t); }
      }
    }
    return tokens;
  }

  function sameTokens(a, b) {
    if (a.length !== b.length) { return false; }
    for (var i = 0; i < a.length; i++) { if (a[i] !== b[i]) { return false; } }
    return true;
  }

  // Terms → variants (unit lists): the raw form, plus the canonical-number form when it differs.
  function queryTerms(query) {
    return segments(query, true).map(function (seg) {
      var variants = [seg], c = canonical(seg);
      if (c !== null && !sameTokens(termTokens(seg), termTokens(c))) { variants.push(c); }
      return variants;
    });
  }

  function normalizeQuery(query) {
    return queryTerms(query).map(function (variants) { return variants.map(termTokens); });
  }

  // ---------------------------------------------------------------- index store

  var ALPHA = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_';
  var DEC = new Int8Array(128).fill(-1);
  for (var a = 0; a < ALPHA.length; a++) { DEC[ALPHA.charCodeAt(a)] = a; }
  // Field weights by posting bits: body 1, frequent +0.5, heading +3, title/breadcrumb +1.5.
  var FW = new Float64Array(16);
  for (var b = 0; b < 16; b++) {
    FW[b] = ((b & 1) ? 1 : 0) + ((b & 8) ? 0.5 : 0) + ((b & 2) ? 3 : 0) + ((b & 4) ? 1.5 : 0);
  }
  var MAX_TERMS = 8, MIN_COVER = 0.5, RERANK = 30;

  var meta = null;            // the index message: n, ts, dn, dz
  var tokenShards = [];       // shard number → {token: postings string}
  var docs = [];              // section id → {title, heading, crumb, url, text}
  var decoded = new Map();    // token → {len, sids, bits} | null
  var phraseCache = new Map();
  var scratchM = null, scratchW = null;
  var hasOwn = Object.prototype.hasOwnProperty;

  function addDocs(d) {
    for (var i = 0; i < d.s.length; i++) {
      var r = d.s[i];
      docs[d.o + i] = { title: d.p[r[0]], heading: r[1], crumb: r[2], url: r[3], text: r[4] };
    }
  }

  function receive(m) {
    if (!m || typeof m !== 'object') { return; }
    if (m.k === 'i') {
      meta = m;
      decoded.clear();
      phraseCache.clear();
      docs = new Array(m.n);
      tokenShards = [];
      if (m.t) { tokenShards[0] = m.t; }
      if (m.d) { addDocs(m.d); }
      scratchM = new Float64Array(m.n);
      scratchW = new Float64Array(m.n);
    } else if (m.k === 't') {
      tokenShards[m.i] = m.t;
    } else if (m.k === 'd') {
      addDocs(m.d);
    }
  }

  var queue = window.HandbookSearchQ = window.HandbookSearchQ || [];
  queue.forEach(receive);
  queue.length = 0;
  queue.push = function () {
    for (var i = 0; i < arguments.length; i++) { receive(arguments[i]); }
    return 0;
  };

  function root() {
    var r = document.documentElement.dataset.root;
    return r === undefined ? '' : r;
  }

  var loading = new Map(); // path → Promise
  function loadScript(path) {
    if (loading.has(path)) { return loading.get(path); }
    var p = new Promise(function (resolve, reject) {
      var s = document.createElement('script');
      s.src = root() + path;
      s.async = true;
      s.onload = function () { resolve(); };
      s.onerror = function () { loading.delete(path); reject(new Error('cannot load ' + path)); };
      document.head.appendChild(s);
    });
    loading.set(path, p);
    return p;
  }

  function ready() {
    if (meta) { return Promise.resolve(); }
    return loadScript('assets/search-index.js').then(function () {
      if (!meta) { throw new Error('search index did not register'); }
    });
  }

  function fnv1a(s) {
    var h = 2166136261;
    for (var i = 0; i < s.length; i++) {
      var v = s.codePointAt(i);
      if (v > 0xFFFF) { i++; }
      h = Math.imul(h ^ v, 16777619) >>> 0;
    }
    return h;
  }

  function shardOf(token) { return meta.ts ? fnv1a(token) % meta.ts : 0; }

  function tokensOf(terms) {
    var all = [];
    terms.forEach(function (variants) {
      variants.forEach(function (v) { termTokens(v).forEach(function (t) { all.push(t); }); });
    });
    return all;
  }

  function ensureTokens(terms) {
    if (!meta.ts) { return Promise.resolve(); }
    var need = new Set();
    tokensOf(terms).forEach(function (t) {
      var s = shardOf(t);
      if (!tokenShards[s]) { need.add(s); }
    });
    return Promise.all(Array.from(need).map(function (s) { return loadScript('assets/search/shard-' + s + '.js'); }));
  }

  function ensureDocs(sids) {
    if (!meta.dn) { return Promise.resolve(); }
    var need = new Set();
    sids.forEach(function (sid) { if (!docs[sid]) { need.add(Math.floor(sid / meta.dz)); } });
    return Promise.all(Array.from(need).map(function (d) { return loadScript('assets/search/docs-' + d + '.js'); }));
  }

  function postings(token) {
    if (decoded.has(token)) { return decoded.get(token); }
    var shard = tokenShards[shardOf(token)];
    var p = null;
    if (shard && hasOwn.call(shard, token)) {
      var s = shard[token];
      var sids = new Int32Array(s.length), bits = new Uint8Array(s.length);
      var len = 0, v = 0, mul = 1, prev = -1;
      for (var i = 0; i < s.length; i++) {
        var c = DEC[s.charCodeAt(i)];
        if (c >= 32) { v += (c - 32) * mul; mul *= 32; } else {
          v += c * mul;
          var sid = prev + 1 + Math.floor(v / 16);
          sids[len] = sid;
          bits[len] = v % 16;
          len++;
          prev = sid;
          v = 0;
          mul = 1;
        }
      }
      p = { len: len, sids: sids, bits: bits };
    }
    decoded.set(token, p);
    return p;
  }

  // ---------------------------------------------------------------- ranking (mirror of SearchEngine.swift)

  // Candidates by preliminary score; needs the token shards of `terms`.
  function preliminary(terms, keep) {
    var T = terms.length, n = meta.n;
    if (T === 0 || n === 0) { var none = []; none.total = 0; return none; }
    var score = new Float64Array(n * T), cover = new Float64Array(n * T);
    var seen = new Uint8Array(n), touchedAll = [], m = scratchM, w = scratchW;
    for (var ti = 0; ti < T; ti++) {
      var variants = terms[ti];
      for (var vi = 0; vi < variants.length; vi++) {
        var toks = termTokens(variants[vi]), total = 0, lists = [], k;
        for (k = 0; k < toks.length; k++) {
          var p = postings(toks[k]);
          if (!p) { continue; }
          var f = Math.sqrt(Math.sqrt(1 + n / p.len));
          total += f;
          lists.push(p, f);
        }
        if (total === 0) { continue; }
        var touched = [];
        for (k = 0; k < lists.length; k += 2) {
          var pl = lists[k], fk = lists[k + 1], sids = pl.sids, bits = pl.bits;
          for (var q = 0; q < pl.len; q++) {
            var sid = sids[q];
            if (m[sid] === 0) { touched.push(sid); }
            m[sid] += fk;
            w[sid] += fk * FW[bits[q]];
          }
        }
        for (k = 0; k < touched.length; k++) {
          var id = touched[k], c = m[id] / total, s = w[id] * c * c, x = id * T + ti;
          if (s > score[x]) { score[x] = s; }
          if (c > cover[x]) { cover[x] = c; }
          m[id] = 0;
          w[id] = 0;
          if (!seen[id]) { seen[id] = 1; touchedAll.push(id); }
        }
      }
    }
    // Candidates (mean cover ≥ MIN_COVER); only the best `keep` (and ties) become objects and are
    // sorted, which gives the same order as sorting them all.
    var count = 0, cid = new Int32Array(touchedAll.length), cpre = new Float64Array(touchedAll.length);
    var cmean = new Float64Array(touchedAll.length);
    for (var i = 0; i < touchedAll.length; i++) {
      var sd = touchedAll[i], cs = 0, sc = 0, t;
      for (t = 0; t < T; t++) { cs += cover[sd * T + t]; }
      var mean = cs / T;
      if (mean < MIN_COVER) { continue; }
      for (t = 0; t < T; t++) { sc += score[sd * T + t]; }
      cid[count] = sd;
      cpre[count] = sc * mean;
      cmean[count] = mean;
      count++;
    }
    var cutoff = -Infinity;
    if (count > keep) { cutoff = cpre.slice(0, count).sort()[count - keep]; }
    var candidates = [];
    for (i = 0; i < count; i++) {
      if (cpre[i] < cutoff) { continue; }
      var id2 = cid[i];
      candidates.push({ sid: id2, prelim: cpre[i], mean: cmean[i], score: cpre[i],
        scores: Array.prototype.slice.call(score, id2 * T, id2 * T + T) });
    }
    candidates.sort(function (x, y) { return (y.prelim - x.prelim) || (x.sid - y.sid); });
    candidates.total = count;
    return candidates;
  }

  function streams(text) {
    var out = [];
    segments(text, false).forEach(function (seg) {
      out.push(seg.map(unitString));
      var c = canonical(seg);
      if (c !== null) { out.push(c.map(unitString)); }
    });
    return out;
  }

  function phraseFields(sid) {
    var f = phraseCache.get(sid);
    if (!f) {
      var d = docs[sid];
      f = { heading: streams(d.heading), title: streams(d.title).concat(streams(d.crumb)), body: streams(d.text) };
      phraseCache.set(sid, f);
    }
    return f;
  }

  function containsRun(list, needle) {
    for (var s = 0; s < list.length; s++) {
      var hay = list[s];
      for (var i = 0; i + needle.length <= hay.length; i++) {
        var j = 0;
        while (j < needle.length && hay[i + j] === needle[j]) { j++; }
        if (j === needle.length) { return true; }
      }
    }
    return false;
  }

  function phraseFactor(fields, variants) {
    var best = 1;
    for (var v = 0; v < variants.length; v++) {
      if (variants[v].length < 3) { continue; }
      var needle = variants[v].map(unitString);
      if (containsRun(fields.heading, needle) || containsRun(fields.body, needle)) { return 1.5; }
      if (containsRun(fields.title, needle)) { best = 1.25; }
    }
    return best;
  }

  // Reorders the first RERANK candidates with the phrase factor; needs their docs.
  function rerank(terms, candidates) {
    var r = Math.min(RERANK, candidates.length), head = [];
    for (var i = 0; i < r; i++) {
      var c = candidates[i], fields = phraseFields(c.sid), s = 0;
      for (var t = 0; t < terms.length; t++) { s += c.scores[t] * phraseFactor(fields, terms[t]); }
      c.score = s * c.mean;
      head.push(c);
    }
    head.sort(function (x, y) { return (y.score - x.score) || (x.sid - y.sid); });
    var all = head.concat(candidates.slice(r));
    all.total = candidates.total;
    return all;
  }

  function parse(query) {
    var terms = queryTerms(query);
    return terms.length > MAX_TERMS ? terms.slice(0, MAX_TERMS) : terms;
  }

  function results(ranked, limit) {
    var out = ranked.slice(0, limit).map(function (c) { return { sid: c.sid, score: c.score, doc: docs[c.sid] }; });
    out.total = ranked.total;
    return out;
  }

  /** Ranked results [{sid, score, doc}] (at most `limit`; `.total` counts all matches), as a Promise. */
  function search(query, limit) {
    limit = limit || 50;
    var terms = parse(query);
    return ready().then(function () {
      if (!terms.length) { var none = []; none.total = 0; return none; }
      return ensureTokens(terms).then(function () {
        var candidates = preliminary(terms, Math.max(limit, RERANK));
        return ensureDocs(candidates.slice(0, RERANK).map(function (c) { return c.sid; })).then(function () {
          var ranked = rerank(terms, candidates);
          return ensureDocs(ranked.slice(0, limit).map(function (c) { return c.sid; })).then(function () {
            return results(ranked, limit);
          });
        });
      });
    });
  }

  /** Synchronous search when every needed file is loaded (benchmarks); null otherwise. */
  function searchSync(query, limit) {
    if (!meta) { return null; }
    limit = limit || 50;
    var terms = parse(query);
    if (!terms.length) { return []; }
    if (meta.ts && tokensOf(terms).some(function (t) { return !tokenShards[shardOf(t)]; })) { return null; }
    var candidates = preliminary(terms, Math.max(limit, RERANK));
    var ranked = candidates.slice(0, Math.max(limit, RERANK));
    if (ranked.some(function (c) { return !docs[c.sid]; })) { return null; }
    return results(rerank(terms, candidates), limit);
  }

  // ---------------------------------------------------------------- highlighting

  // Code point ranges [s, e) of `text` matching the query: whole terms where they occur, else their bigrams.
  function matchRanges(text, terms) {
    var segs = [];
    segments(text, false).forEach(function (seg) {
      segs.push(seg);
      var c = canonical(seg);
      if (c !== null) { segs.push(c); }
    });
    var strs = segs.map(function (seg) { return seg.map(unitString); });
    var ranges = [];
    function find(needle) {
      var found = false;
      for (var s = 0; s < segs.length; s++) {
        var hay = strs[s];
        for (var i = 0; i + needle.length <= hay.length; i++) {
          var j = 0;
          while (j < needle.length && hay[i + j] === needle[j]) { j++; }
          if (j === needle.length) {
            ranges.push([segs[s][i].s, segs[s][i + needle.length - 1].e]);
            found = true;
          }
        }
      }
      return found;
    }
    terms.forEach(function (variants) {
      var whole = false;
      variants.forEach(function (v) { if (find(v.map(unitString))) { whole = true; } });
      if (whole) { return; }
      variants.forEach(function (v) {
        for (var i = 0; i + 1 < v.length; i++) {
          if (v[i].c !== 0 || v[i + 1].c !== 0) { find([unitString(v[i]), unitString(v[i + 1])]); }
        }
      });
    });
    ranges.sort(function (x, y) { return x[0] - y[0] || y[1] - x[1]; });
    var merged = [];
    ranges.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) { last[1] = Math.max(last[1], r[1]); } else { merged.push([r[0], r[1]]); }
    });
    return merged;
  }

  // Appends text[from, to) to `parent` with the matched ranges wrapped in <mark>.
  function appendMarked(parent, chars, ranges, from, to) {
    var pos = from;
    ranges.forEach(function (r) {
      var s = Math.max(r[0], from), e = Math.min(r[1], to);
      if (e <= s) { return; }
      if (s > pos) { parent.appendChild(document.createTextNode(chars.slice(pos, s).join(''))); }
      var mark = document.createElement('mark');
      mark.textContent = chars.slice(s, e).join('');
      parent.appendChild(mark);
      pos = e;
    });
    if (pos < to) { parent.appendChild(document.createTextNode(chars.slice(pos, to).join(''))); }
  }

  var SNIPPET = 90, LEAD = 24;

  function fillMarked(el, text, terms) {
    var chars = Array.from(text);
    appendMarked(el, chars, matchRanges(text, terms), 0, chars.length);
  }

  function fillSnippet(el, text, terms, length) {
    var chars = Array.from(text), ranges = matchRanges(text, terms);
    length = length || SNIPPET;
    var start = 0;
    if (ranges.length && ranges[0][0] > LEAD) { start = ranges[0][0] - LEAD; }
    if (start + length > chars.length) { start = Math.max(0, chars.length - length); }
    var end = Math.min(chars.length, start + length);
    if (start > 0) { el.appendChild(document.createTextNode('…')); }
    appendMarked(el, chars, ranges, start, end);
    if (end < chars.length) { el.appendChild(document.createTextNode('…')); }
  }

  // ---------------------------------------------------------------- UI

  var MAX_LIST = 8, MAX_PAGE = 100;

  function resultLink(r, terms, snippetLength) {
    var d = r.doc;
    var a = document.createElement('a');
    a.href = root() + d.url;
    var title = document.createElement('span');
    title.className = 'search-result-title';
    fillMarked(title, d.heading || d.title, terms);
    var crumb = document.createElement('span');
    crumb.className = 'search-result-crumb';
    crumb.textContent = d.crumb || d.title;
    var snippet = document.createElement('span');
    snippet.className = 'search-result-snippet';
    fillSnippet(snippet, d.text, terms, snippetLength);
    a.appendChild(title);
    a.appendChild(crumb);
    a.appendChild(snippet);
    return a;
  }

  function resultsPageURL(q) { return root() + 'search.html?q=' + encodeURIComponent(q); }

  function attach() {
    var input = document.getElementById('search-input');
    var list = document.getElementById('search-results');
    if (!input || !list) { return; }
    var box = input.closest('.search') || input.parentNode;
    var status = document.createElement('div');
    status.id = 'search-status';
    status.className = 'visually-hidden';
    status.setAttribute('role', 'status');
    status.setAttribute('aria-live', 'polite');
    box.appendChild(status);

    var options = [], active = -1, seq = 0, lastQuery = null;

    // options[i] is the <a role="option"> inside <li role="none" class="search-result">: a real link
    // (open in new tab works) that is itself the option, so no interactive element nests in another.
    function setActive(i) {
      if (active >= 0 && options[active]) {
        options[active].setAttribute('aria-selected', 'false');
        options[active].parentNode.classList.remove('active');
      }
      active = i;
      if (i >= 0 && options[i]) {
        options[i].setAttribute('aria-selected', 'true');
        options[i].parentNode.classList.add('active');
        input.setAttribute('aria-activedescendant', options[i].id);
        if (options[i].scrollIntoView) { options[i].scrollIntoView({ block: 'nearest' }); }
      } else {
        input.removeAttribute('aria-activedescendant');
      }
    }

    function open() {
      if (!options.length) { return; }
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
    }

    function close() {
      setActive(-1);
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
    }

    function item(a, i) {
      var li = document.createElement('li');
      li.setAttribute('role', 'none');
      li.className = 'search-result';
      a.setAttribute('role', 'option');
      a.id = 'search-result-' + i;
      a.tabIndex = -1;
      a.setAttribute('aria-selected', 'false');
      li.appendChild(a);
      list.appendChild(li);
      options.push(a);
      return li;
    }

    function render(q, results, total) {
      list.textContent = '';
      options = [];
      active = -1;
      input.removeAttribute('aria-activedescendant');
      var terms = parse(q);
      results.forEach(function (r, i) { item(resultLink(r, terms), i); });
      if (total > results.length) {
        var a = document.createElement('a');
        a.href = resultsPageURL(q);
        a.textContent = '查看全部 ' + total + ' 条结果';
        item(a, results.length).classList.add('search-result-more');
      }
      status.textContent = total ? '找到 ' + total + ' 条结果' : '没有找到结果';
      if (options.length) { open(); } else { list.hidden = true; input.setAttribute('aria-expanded', 'false'); }
    }

    function update() {
      var q = input.value;
      if (q === lastQuery) { open(); return; }
      lastQuery = q;
      var mine = ++seq;
      if (!parse(q).length) {
        list.textContent = '';
        options = [];
        status.textContent = '';
        close();
        return;
      }
      search(q, pageResults ? MAX_PAGE : MAX_LIST).then(function (results) {
        if (mine !== seq) { return; }
        render(q, results.slice(0, MAX_LIST), results.total);
        if (pageResults) { renderPage(q, results); }
      }, function () {
        if (mine !== seq) { return; }
        status.textContent = '搜索索引无法加载';
      });
    }

    input.addEventListener('input', function (e) {
      if (e.isComposing) { return; }
      update();
    });
    input.addEventListener('compositionend', update);
    input.addEventListener('focus', function () { if (input.value) { update(); } });
    input.addEventListener('keydown', function (e) {
      if (e.isComposing || e.keyCode === 229) { return; }
      if (e.key === 'ArrowDown') {
        e.preventDefault();
        if (list.hidden) { open(); }
        if (options.length) { setActive(active + 1 >= options.length ? 0 : active + 1); }
      } else if (e.key === 'ArrowUp') {
        e.preventDefault();
        if (list.hidden) { open(); }
        if (options.length) { setActive(active <= 0 ? options.length - 1 : active - 1); }
      } else if (e.key === 'Enter') {
        e.preventDefault();
        if (active >= 0 && options[active]) {
          window.location.href = options[active].href;
        } else if (input.value.trim()) {
          window.location.href = resultsPageURL(input.value.trim());
        }
      } else if (e.key === 'Escape') {
        if (!list.hidden) { e.preventDefault(); close(); } else if (input.value) { e.preventDefault(); input.value = ''; update(); }
      }
    });
    list.addEventListener('mousedown', function (e) { e.preventDefault(); });
    box.addEventListener('focusout', function (e) {
      if (!box.contains(e.relatedTarget)) { close(); }
    });

    var pageResults = document.getElementById('search-page-results');
    if (pageResults) {
      var q = new URLSearchParams(window.location.search).get('q') || '';
      if (q) {
        input.value = q;
        lastQuery = q;
        search(q, MAX_PAGE).then(function (results) { renderPage(q, results); },
          function () { pageResults.textContent = '搜索索引无法加载'; });
      }
    }

    function renderPage(q, results) {
      pageResults.textContent = '';
      var count = document.createElement('p');
      count.className = 'search-page-count';
      count.textContent = results.length
        ? '“' + q + '”共找到 ' + results.total + ' 条结果' + (results.total > results.length ? '，显示前 ' + results.length + ' 条' : '')
        : '没有找到与“' + q + '”相关的内容';
      pageResults.appendChild(count);
      if (!results.length) { return; }
      var terms = parse(q);
      var ol = document.createElement('ol');
      ol.className = 'search-page-list';
      results.forEach(function (r) {
        var li = document.createElement('li');
        li.className = 'search-page-result';
        li.appendChild(resultLink(r, terms, 180));
        ol.appendChild(li);
      });
      pageResults.appendChild(ol);
    }
  }

  window.HandbookSearch = {
    normalizeQuery: normalizeQuery,
    search: search,
    searchSync: searchSync,
    ready: ready,
    /** For tests: the current index's section count and shard counts. */
    info: function () { return meta ? { n: meta.n, ts: meta.ts, dn: meta.dn } : null; }
  };

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', attach);
  } else {
    attach();
  }
}());
