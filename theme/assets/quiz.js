/* Handbook quizzes built from HANDBOOK.quizzes. The self-check edition checks answers in the page;
 * the exam edition (HANDBOOK.edition === "exam") carries no answers and exports the trainee's sheet. */
(function (global) {
  'use strict';

  var TEXT = {
    zh: {
      check: '检查答案', checkAll: '全部检查', right: '回答正确', wrong: '回答错误', partial: '部分正确',
      unanswered: '请先作答。', correctAnswer: '正确答案：', seeClause: '依据',
      trueLabel: '对', falseLabel: '错',
      fillLabel: '填写答案',
      moveUp: '上移', moveDown: '下移', moveUpItem: '上移“{item}”', moveDownItem: '下移“{item}”',
      moved: '“{item}”移到第 {n} 位', orderHint: '用“上移”“下移”按钮调整顺序。',
      score: '得分：{score} / {total}（{percent}%），已检查 {checked} / {count} 题。',
      passed: '达到合格线 {pass}%。', failed: '未达到合格线 {pass}%。',
      name: '姓名', employeeNo: '工号', exportSheet: '导出答卷', clear: '清空答卷',
      confirmClear: '确定清空全部作答吗？', needIdentity: '请先填写姓名和工号。',
      exported: '已导出 {file}。', answered: '已作答 {n} / {count} 题。',
      restored: '已恢复上次的作答。', multipleHint: '（可多选）'
    },
    en: {
      check: 'Check answer', checkAll: 'Check all', right: 'Correct', wrong: 'Incorrect', partial: 'Partly correct',
      unanswered: 'Answer first.', correctAnswer: 'Correct answer: ', seeClause: 'See',
      trueLabel: 'True', falseLabel: 'False',
      fillLabel: 'Your answer',
      moveUp: 'Up', moveDown: 'Down', moveUpItem: 'Move “{item}” up', moveDownItem: 'Move “{item}” down',
      moved: '“{item}” moved to position {n}', orderHint: 'Use the Up and Down buttons to reorder.',
      score: 'Score: {score} / {total} ({percent}%), {checked} of {count} questions checked.',
      passed: 'Pass mark {pass}% reached.', failed: 'Below the pass mark of {pass}%.',
      name: 'Name', employeeNo: 'Employee no.', exportSheet: 'Export answers', clear: 'Clear answers',
      confirmClear: 'Clear all answers?', needIdentity: 'Enter your name and employee number first.',
      exported: 'Exported {file}.', answered: '{n} of {count} questions answered.',
      restored: 'Restored your previous answers.', multipleHint: ' (choose all that apply)'
    }
  };

  function fmt(template, vars) {
    return template.replace(/\{(\w+)\}/g, function (m, k) { return vars[k] !== undefined ? String(vars[k]) : m; });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === undefined || v === null || v === false) return;
      if (k === 'text') node.textContent = v;
      else if (k === 'className') node.className = v;
      else node.setAttribute(k, v === true ? '' : String(v));
    });
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return node;
  }

  /* ---- pure helpers (exposed for tests) ---- */

  function mulberry32(seed) {
    var a = seed >>> 0;
    return function () {
      a = (a + 0x6D2B79F5) >>> 0;
      var t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function fnv1a(s) {
    var h = 0x811c9dc5;
    for (var i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h;
  }

  /* Fisher–Yates driven by mulberry32(seed ⊕ hash(key)): the same seed and key always give the
   * same order. */
  function shuffled(list, seed, key) {
    var out = list.slice();
    var random = mulberry32((seed ^ fnv1a(key)) >>> 0);
    for (var i = out.length - 1; i > 0; i--) {
      var j = Math.floor(random() * (i + 1));
      var tmp = out[i]; out[i] = out[j]; out[j] = tmp;
    }
    return out;
  }

  /* Full-width ASCII → half-width, ideographic space → space, then spaces removed and case folded. */
  function normaliseFill(s) {
    return String(s)
      .replace(/[\uFF01-\uFF5E]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xFEE0); })
      .replace(/[\s\u3000]+/g, '')
      .toLowerCase();
  }

  function sameSet(a, b) {
    if (a.length !== b.length) return false;
    return a.every(function (x) { return b.indexOf(x) >= 0; });
  }

  /* Credit in [0, 1] for an answer; partialCredit on `multiple` gives (right − wrong picks) / |answer|. */
  function grade(question, value) {
    var answer = question.answer;
    switch (question.type) {
      case 'single': return value === answer ? 1 : 0;
      case 'truefalse': return value === answer ? 1 : 0;
      case 'multiple': {
        var picked = Array.isArray(value) ? value : [];
        var expected = Array.isArray(answer) ? answer : [];
        if (sameSet(picked, expected)) return 1;
        if (!question.partialCredit || !expected.length) return 0;
        var hits = picked.filter(function (x) { return expected.indexOf(x) >= 0; }).length;
        return Math.max(0, (hits - (picked.length - hits)) / expected.length);
      }
      case 'fill': {
        var accepted = (Array.isArray(answer) ? answer : [answer]).map(normaliseFill);
        return typeof value === 'string' && accepted.indexOf(normaliseFill(value)) >= 0 ? 1 : 0;
      }
      case 'order': {
        var items = question.items || [];
        return Array.isArray(value) && value.length === items.length &&
          value.every(function (x, i) { return x === items[i]; }) ? 1 : 0;
      }
      default: return 0;
    }
  }

  function seedFrom(section) {
    var attr = section.getAttribute('data-shuffle-seed');
    var fromUrl = null;
    try { fromUrl = new URLSearchParams(global.location.search).get('seed'); } catch (e) { fromUrl = null; }
    var raw = fromUrl !== null && fromUrl !== '' ? fromUrl : attr;
    if (raw === null || raw === undefined || raw === '' || !/^-?\d+$/.test(raw)) return null;
    return parseInt(raw, 10) >>> 0;
  }

  var api = { shuffled: shuffled, mulberry32: mulberry32, normaliseFill: normaliseFill, grade: grade, instances: {} };
  global.HandbookQuiz = api;

  if (typeof document === 'undefined') return;

  /* Markdown inline subset: `code`, **strong**, *em*; everything else is text. */
  function inline(text) {
    var frag = document.createDocumentFragment();
    var re = /(`[^`]+`|\*\*[^*]+\*\*|\*[^*]+\*)/g;
    var last = 0, m;
    while ((m = re.exec(text))) {
      if (m.index > last) frag.appendChild(document.createTextNode(text.slice(last, m.index)));
      var tok = m[0];
      if (tok.charAt(0) === '`') frag.appendChild(el('code', { text: tok.slice(1, -1) }));
      else if (tok.slice(0, 2) === '**') frag.appendChild(el('strong', { text: tok.slice(2, -2) }));
      else frag.appendChild(el('em', { text: tok.slice(1, -1) }));
      last = m.index + tok.length;
    }
    if (last < text.length) frag.appendChild(document.createTextNode(text.slice(last)));
    return frag;
  }

  function pad(n) { return (n < 10 ? '0' : '') + n; }

  function nowWithOffset() {
    var d = new Date();
    var off = -d.getTimezoneOffset(), a = Math.abs(off);
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + 'T' + pad(d.getHours()) + ':' +
      pad(d.getMinutes()) + ':' + pad(d.getSeconds()) + (off < 0 ? '-' : '+') + pad(Math.floor(a / 60)) + ':' + pad(a % 60);
  }

  function Quiz(section, entry, handbook) {
    this.section = section;
    this.entry = entry;
    this.def = entry.definition;
    this.exam = handbook.edition === 'exam';
    this.t = TEXT[/^en/i.test(document.documentElement.lang || '') ? 'en' : 'zh'];
    this.root = document.documentElement.dataset.root || '';
    this.prefix = 'qz-' + this.def.id;
    this.seed = seedFrom(section);
    this.storageKey = 'handbook:quiz:' + this.def.id + ':' + (entry.hash || '');
    this.questions = [];
  }

  Quiz.prototype.citeLink = function (cite) {
    if (!cite) return null;
    var cites = this.entry.cites || {};
    var href = cites[cite] ? this.root + cites[cite]
      : (cite.charAt(0) === '#' ? cite : this.root + cite.replace(/\.md(?=#|$)/, '.html'));
    var at = cite.indexOf('#');
    var label = at >= 0 ? cite.slice(at + 1) : cite;
    try { label = decodeURIComponent(label); } catch (e) { /* keep as written */ }
    return el('a', { className: 'cl-cite', href: href, text: this.t.seeClause + ' ' + label });
  };

  Quiz.prototype.mount = function () {
    var self = this, t = this.t;
    var staticPart = this.section.querySelector('.quiz-static');
    this.form = el('form', { className: 'quiz-form', novalidate: true });
    this.form.addEventListener('submit', function (e) { e.preventDefault(); });
    var draft = this.exam ? this.loadDraft() : null;

    if (this.exam) {
      this.nameInput = el('input', { type: 'text', id: this.prefix + '-name', className: 'cl-input', autocomplete: 'name', required: true });
      this.numberInput = el('input', { type: 'text', id: this.prefix + '-employee', className: 'cl-input', autocomplete: 'off', required: true });
      this.nameInput.value = draft && draft.name || '';
      this.numberInput.value = draft && draft.employeeNo || '';
      this.startedAt = draft && draft.startedAt || null;
      this.form.appendChild(el('div', { className: 'qz-identity' }, [
        el('div', { className: 'cl-field' }, [el('label', { className: 'cl-label', 'for': this.nameInput.id, text: t.name }), this.nameInput]),
        el('div', { className: 'cl-field' }, [el('label', { className: 'cl-label', 'for': this.numberInput.id, text: t.employeeNo }), this.numberInput])
      ]));
    }

    var list = el('ol', { className: 'qz-questions' });
    (this.def.questions || []).forEach(function (q, i) {
      list.appendChild(el('li', {}, [self.renderQuestion(q, i, draft && draft.answers ? draft.answers[q.id] : undefined)]));
    });
    this.form.appendChild(list);

    var actions = el('div', { className: 'quiz-actions' });
    this.status = el('p', { className: 'quiz-status', id: this.prefix + '-status', role: 'status' });
    if (this.exam) {
      var exportButton = el('button', { type: 'button', className: 'cl-button cl-primary qz-export', id: this.prefix + '-export', text: t.exportSheet });
      exportButton.addEventListener('click', function () { self.exportSheet(); });
      var clearButton = el('button', { type: 'button', className: 'cl-button qz-clear', id: this.prefix + '-clear', text: t.clear });
      clearButton.addEventListener('click', function () { self.clear(); });
      actions.appendChild(exportButton);
      actions.appendChild(clearButton);
      this.form.addEventListener('input', function () { self.save(); });
      this.form.addEventListener('change', function () { self.save(); });
    } else {
      var all = el('button', { type: 'button', className: 'cl-button cl-primary qz-check-all', id: this.prefix + '-check-all', text: t.checkAll });
      all.addEventListener('click', function () { self.checkAll(); });
      actions.appendChild(all);
      this.scoreLine = el('p', { className: 'qz-score', id: this.prefix + '-score', 'aria-live': 'polite' });
    }
    this.form.appendChild(actions);
    if (this.scoreLine) this.form.appendChild(this.scoreLine);
    this.form.appendChild(this.status);
    this.live = el('p', { className: 'cl-visually-hidden', 'aria-live': 'polite' });
    this.form.appendChild(this.live);

    if (staticPart) staticPart.parentNode.replaceChild(this.form, staticPart);
    else this.section.appendChild(this.form);
    this.section.classList.add('quiz-live');
    if (draft) this.status.textContent = t.restored;
  };

  Quiz.prototype.renderQuestion = function (q, index, saved) {
    var self = this, t = this.t;
    var qid = this.prefix + '-' + q.id;
    var box = el('fieldset', { className: 'qz-question qz-type-' + q.type, id: qid, 'data-question': q.id });
    var legend = el('legend', { className: 'qz-prompt', id: qid + '-prompt' }, [el('span', { className: 'qz-number', text: (index + 1) + '.' })]);
    legend.appendChild(inline(q.prompt || ''));
    if (q.type === 'multiple') legend.appendChild(el('span', { className: 'qz-hint', text: t.multipleHint }));
    box.appendChild(legend);
    var state = { q: q, box: box, inputs: [], checked: false, credit: 0 };
    this.questions.push(state);

    function choices(kind, options) {
      var wrap = el('div', { className: 'qz-options' });
      options.forEach(function (opt, i) {
        var id = qid + '-' + i;
        var input = el('input', { type: kind, id: id, name: qid, value: opt.value, className: 'qz-input' });
        input.checked = opt.checked;
        state.inputs.push(input);
        wrap.appendChild(el('span', { className: 'cl-option' }, [input, el('label', { 'for': id }, [inline(opt.label)])]));
      });
      box.appendChild(wrap);
    }
    var seed = this.seed;
    function arrange(list) { return seed === null ? list.slice() : shuffled(list, seed, q.id); }

    switch (q.type) {
      case 'single':
        choices('radio', arrange(q.options || []).map(function (o) { return { value: o, label: o, checked: saved === o }; }));
        break;
      case 'multiple':
        choices('checkbox', arrange(q.options || []).map(function (o) {
          return { value: o, label: o, checked: Array.isArray(saved) && saved.indexOf(o) >= 0 };
        }));
        break;
      case 'truefalse':
        choices('radio', [{ value: 'true', label: t.trueLabel, checked: saved === true }, { value: 'false', label: t.falseLabel, checked: saved === false }]);
        break;
      case 'fill': {
        var fid = qid + '-fill';
        var input = el('input', { type: 'text', id: fid, className: 'cl-input qz-fill', autocomplete: 'off' });
        input.value = typeof saved === 'string' ? saved : '';
        state.inputs.push(input);
        box.appendChild(el('div', { className: 'cl-field' }, [el('label', { 'for': fid, className: 'cl-visually-hidden', text: t.fillLabel }), input]));
        break;
      }
      case 'order': {
        var items = q.items || [];
        var order;
        if (Array.isArray(saved) && sameSet(saved, items)) order = saved.slice();
        else if (this.exam) order = seed === null ? items.slice() : shuffled(items, seed, q.id);
        else order = this.initialOrder(items, q.id);
        state.order = order;
        state.list = el('ol', { className: 'qz-order', 'aria-describedby': qid + '-hint' });
        box.appendChild(el('p', { className: 'cl-help', id: qid + '-hint', text: t.orderHint }));
        box.appendChild(state.list);
        this.renderOrder(state);
        break;
      }
      default:
        break;
    }

    if (!this.exam) {
      var button = el('button', { type: 'button', className: 'cl-button cl-small qz-check', id: qid + '-check', text: t.check });
      button.addEventListener('click', function () { self.checkQuestion(state); self.updateScore(); });
      box.appendChild(el('div', { className: 'qz-check-line' }, [button]));
      state.feedback = el('div', { className: 'qz-feedback', id: qid + '-feedback', 'aria-live': 'polite' });
      box.appendChild(state.feedback);
    }
    return box;
  };

  /* The self-check edition holds the correct order, so it is always shown shuffled (never as the
   * answer itself): seeded by the page seed, or by a fixed seed when none is given. */
  Quiz.prototype.initialOrder = function (items, key) {
    var order = shuffled(items, this.seed === null ? 20250101 : this.seed, key);
    if (items.length > 1 && order.every(function (x, i) { return x === items[i]; })) order.push(order.shift());
    return order;
  };

  Quiz.prototype.renderOrder = function (state, focus) {
    var self = this, t = this.t;
    var qid = this.prefix + '-' + state.q.id;
    state.list.textContent = '';
    state.order.forEach(function (item, i) {
      var up = el('button', { type: 'button', className: 'cl-button cl-small qz-move qz-up', id: qid + '-up-' + i,
        'aria-label': fmt(t.moveUpItem, { item: item }), text: '↑ ' + t.moveUp });
      var down = el('button', { type: 'button', className: 'cl-button cl-small qz-move qz-down', id: qid + '-down-' + i,
        'aria-label': fmt(t.moveDownItem, { item: item }), text: '↓ ' + t.moveDown });
      up.disabled = i === 0;
      down.disabled = i === state.order.length - 1;
      up.addEventListener('click', function () { self.move(state, i, -1); });
      down.addEventListener('click', function () { self.move(state, i, 1); });
      state.list.appendChild(el('li', { className: 'qz-order-item', 'data-item': item }, [
        el('span', { className: 'qz-order-pos', 'aria-hidden': 'true', text: String(i + 1) }),
        el('span', { className: 'qz-order-text', text: item }), up, down]));
    });
    if (focus) {
      var target = document.getElementById(qid + '-' + focus.dir + '-' + focus.index);
      if (target && target.disabled) target = document.getElementById(qid + '-' + (focus.dir === 'up' ? 'down' : 'up') + '-' + focus.index);
      if (target) target.focus();
    }
  };

  Quiz.prototype.move = function (state, index, delta) {
    var to = index + delta;
    if (to < 0 || to >= state.order.length) return;
    var item = state.order[index];
    state.order[index] = state.order[to];
    state.order[to] = item;
    this.renderOrder(state, { dir: delta < 0 ? 'up' : 'down', index: to });
    this.live.textContent = fmt(this.t.moved, { item: item, n: to + 1 });
    if (this.exam) this.save();
  };

  Quiz.prototype.valueOf = function (state) {
    var q = state.q;
    var picked = state.inputs.filter(function (i) { return i.checked; }).map(function (i) { return i.value; });
    switch (q.type) {
      case 'single': return picked.length ? picked[0] : undefined;
      case 'multiple': return picked.length ? (q.options || []).filter(function (o) { return picked.indexOf(o) >= 0; }) : undefined;
      case 'truefalse': return picked.length ? picked[0] === 'true' : undefined;
      case 'fill': return state.inputs[0].value.trim() === '' ? undefined : state.inputs[0].value;
      case 'order': return state.order.slice();
      default: return undefined;
    }
  };

  /* ---- self-check edition ---- */

  Quiz.prototype.answerText = function (q) {
    var t = this.t;
    switch (q.type) {
      case 'truefalse': return q.answer ? t.trueLabel : t.falseLabel;
      case 'multiple': return (q.answer || []).join('、');
      case 'fill': return Array.isArray(q.answer) ? q.answer[0] : String(q.answer);
      case 'order': return (q.items || []).join(' → ');
      default: return String(q.answer);
    }
  };

  Quiz.prototype.checkQuestion = function (state) {
    var t = this.t, q = state.q;
    var value = this.valueOf(state);
    var fb = state.feedback;
    fb.textContent = '';
    fb.className = 'qz-feedback';
    if (value === undefined) {
      fb.appendChild(el('p', { className: 'qz-verdict', text: t.unanswered }));
      return;
    }
    var credit = grade(q, value);
    state.checked = true;
    state.credit = credit;
    var right = credit === 1;
    fb.classList.add(right ? 'qz-right' : 'qz-wrong');
    state.box.classList.toggle('qz-is-right', right);
    state.box.classList.toggle('qz-is-wrong', !right);
    var verdict = right ? t.right : (credit > 0 ? t.partial : t.wrong);
    fb.appendChild(el('p', { className: 'qz-verdict' }, [
      el('span', { className: 'qz-icon', 'aria-hidden': 'true', text: right ? '✔ ' : '✘ ' }), verdict]));
    if (!right) fb.appendChild(el('p', { className: 'qz-answer', text: t.correctAnswer + this.answerText(q) }));
    if (q.explanation || q.cite) {
      var p = el('p', { className: 'qz-explanation' });
      if (q.explanation) p.appendChild(inline(q.explanation));
      var link = this.citeLink(q.cite);
      if (link) { p.appendChild(document.createTextNode(' ')); p.appendChild(link); }
      fb.appendChild(p);
    }
  };

  Quiz.prototype.checkAll = function () {
    var self = this;
    this.questions.forEach(function (s) { self.checkQuestion(s); });
    this.updateScore();
  };

  Quiz.prototype.updateScore = function () {
    var total = 0, score = 0, checked = 0;
    this.questions.forEach(function (s) {
      var w = typeof s.q.weight === 'number' ? s.q.weight : 1;
      total += w;
      if (s.checked) { checked += 1; score += w * s.credit; }
    });
    var percent = total ? Math.round(score / total * 100) : 0;
    var text = fmt(this.t.score, { score: Math.round(score * 100) / 100, total: total, percent: percent, checked: checked, count: this.questions.length });
    if (checked === this.questions.length && typeof this.def.passMark === 'number') {
      text += ' ' + fmt(percent >= this.def.passMark ? this.t.passed : this.t.failed, { pass: this.def.passMark });
    }
    this.scoreLine.textContent = text;
  };

  /* ---- exam edition ---- */

  Quiz.prototype.answers = function () {
    var self = this, out = {};
    this.questions.forEach(function (s) {
      var v = self.valueOf(s);
      if (v !== undefined) out[s.q.id] = v;
    });
    return out;
  };

  Quiz.prototype.save = function () {
    if (!this.startedAt) this.startedAt = nowWithOffset();
    try {
      global.localStorage.setItem(this.storageKey, JSON.stringify({
        name: this.nameInput.value, employeeNo: this.numberInput.value, startedAt: this.startedAt, answers: this.answers()
      }));
    } catch (e) { /* storage unavailable */ }
    this.status.textContent = fmt(this.t.answered, { n: Object.keys(this.answers()).length, count: this.questions.length });
  };

  Quiz.prototype.loadDraft = function () {
    try {
      var raw = global.localStorage.getItem(this.storageKey);
      var draft = raw ? JSON.parse(raw) : null;
      return draft && typeof draft === 'object' ? draft : null;
    } catch (e) { return null; }
  };

  Quiz.prototype.clear = function () {
    if (!global.confirm(this.t.confirmClear)) return;
    try { global.localStorage.removeItem(this.storageKey); } catch (e) { /* nothing stored */ }
    this.nameInput.value = '';
    this.numberInput.value = '';
    this.startedAt = null;
    var self = this;
    this.questions.forEach(function (s) {
      s.inputs.forEach(function (i) { if (i.type === 'text') i.value = ''; else i.checked = false; });
      if (s.q.type === 'order') {
        s.order = self.seed === null ? (s.q.items || []).slice() : shuffled(s.q.items || [], self.seed, s.q.id);
        self.renderOrder(s);
      }
    });
    this.status.textContent = '';
  };

  Quiz.prototype.exportSheet = function () {
    var t = this.t;
    var name = this.nameInput.value.trim(), number = this.numberInput.value.trim();
    if (!name || !number) {
      this.status.textContent = t.needIdentity;
      (name ? this.numberInput : this.nameInput).focus();
      return;
    }
    if (!this.startedAt) this.startedAt = nowWithOffset();
    var sheet = {
      quiz: this.def.id,
      definitionHash: this.entry.hash,
      name: name,
      employeeNo: number,
      startedAt: this.startedAt,
      finishedAt: nowWithOffset(),
      answers: this.answers()
    };
    var d = new Date();
    var stamp = '' + d.getFullYear() + pad(d.getMonth() + 1) + pad(d.getDate()) + '-' + pad(d.getHours()) + pad(d.getMinutes());
    var file = this.def.id + '-' + number.replace(/[^A-Za-z0-9_-]+/g, '_') + '-' + stamp + '.json';
    var url = URL.createObjectURL(new Blob([JSON.stringify(sheet, null, 2) + '\n'], { type: 'application/json' }));
    var a = el('a', { href: url, download: file });
    document.body.appendChild(a);
    a.click();
    document.body.removeChild(a);
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
    this.save();
    this.status.textContent = fmt(t.exported, { file: file });
  };

  function init() {
    var handbook = global.HANDBOOK || {};
    var quizzes = handbook.quizzes || {};
    Array.prototype.forEach.call(document.querySelectorAll('section.quiz[data-quiz]'), function (section) {
      var entry = quizzes[section.getAttribute('data-quiz')];
      if (!entry || !entry.definition) return;
      var quiz = new Quiz(section, entry, handbook);
      quiz.mount();
      api.instances[entry.definition.id] = quiz;
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})(typeof window !== 'undefined' ? window : this);
