/* Handbook checklists: a validator that twins the Swift checker (docs/blocks.md), and the
 * interactive form built from HANDBOOK.forms. The validator part touches no DOM, so tests can run
 * vectors through HandbookChecklist.validate directly. */
(function (global) {
  'use strict';

  var DAY_MS = 86400000;
  var DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
  var DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|([+-])(\d{2}):(\d{2}))$/;
  var PHONE_RE = /^[0-9 +\-()]+$/;
  var DEFAULT_MAX_LENGTH = { text: 200, textarea: 5000 };

  var MESSAGES = {
    zh: {
      required: '此项必填',
      type: '值的类型不正确',
      range: '超出允许范围',
      rangeLength: '文字过长（最多 {n} 字）',
      rangeNumber: '数值须在 {min} 至 {max} 之间',
      option: '不是可选项之一',
      otherText: '请填写“其他”的具体内容',
      format: '格式不正确',
      formatDatetime: '须为带时区的日期时间，如 2025-03-04T09:30:00+08:00',
      formatDate: '须为日期 YYYY-MM-DD',
      formatPhone: '电话号码须为 7–20 位数字，可含空格、+、-、括号',
      formatEmail: '电子邮箱格式不正确',
      count: '数量须在 {min} 至 {max} 之间',
      unknown: '表单中没有此项',
      calendar: '缺少 {year} 年的官方节假日安排，无法计算工作日',
      formMismatch: '这份记录不属于本表单',
      versionMismatch: '表单版本不一致',
      hashMismatch: '表单定义已变更',
      signatureIncomplete: '签名须包含姓名和签署时间'
    },
    en: {
      required: 'Required',
      type: 'Wrong kind of value',
      range: 'Out of range',
      rangeLength: 'Too long (at most {n} characters)',
      rangeNumber: 'Must be between {min} and {max}',
      option: 'Not one of the options',
      otherText: 'Please describe “other”',
      format: 'Wrong format',
      formatDatetime: 'Must be a date and time with offset, e.g. 2025-03-04T09:30:00+08:00',
      formatDate: 'Must be a date YYYY-MM-DD',
      formatPhone: 'A phone number has 7–20 digits and may contain spaces, +, -, parentheses',
      formatEmail: 'Not a valid e-mail address',
      count: 'Must be between {min} and {max}',
      unknown: 'This form has no such field',
      calendar: 'No official calendar for {year}; working days cannot be counted',
      formMismatch: 'This record belongs to another form',
      versionMismatch: 'Form version differs',
      hashMismatch: 'The form definition has changed',
      signatureIncomplete: 'A signature needs a name and a time'
    }
  };

  function fmt(template, vars) {
    return template.replace(/\{(\w+)\}/g, function (m, k) {
      return vars && vars[k] !== undefined ? String(vars[k]) : m;
    });
  }

  function isObject(v) {
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  }

  function isSet(v) {
    return v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);
  }

  function deepEqual(a, b) {
    if (a === b) return true;
    if (Array.isArray(a)) {
      if (!Array.isArray(b) || a.length !== b.length) return false;
      for (var i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
      return true;
    }
    if (isObject(a) && isObject(b)) {
      var ka = Object.keys(a), kb = Object.keys(b);
      if (ka.length !== kb.length) return false;
      for (var j = 0; j < ka.length; j++) {
        if (!Object.prototype.hasOwnProperty.call(b, ka[j]) || !deepEqual(a[ka[j]], b[ka[j]])) return false;
      }
      return true;
    }
    return false;
  }

  /* ---- dates ------------------------------------------------------------------------------ */

  function dayNumber(y, m, d) {
    return Math.floor(Date.UTC(y, m - 1, d) / DAY_MS);
  }

  function validYMD(y, m, d) {
    if (m < 1 || m > 12 || d < 1) return false;
    var dt = new Date(Date.UTC(y, m - 1, d));
    return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
  }

  function parseDate(s) {
    if (typeof s !== 'string') return null;
    var m = DATE_RE.exec(s);
    if (!m) return null;
    var y = +m[1], mo = +m[2], d = +m[3];
    if (!validYMD(y, mo, d)) return null;
    return { kind: 'date', day: dayNumber(y, mo, d) };
  }

  /* YYYY-MM-DDTHH:MM[:SS[.fraction]] then Z or ±HH:MM. */
  function parseDateTime(s) {
    if (typeof s !== 'string') return null;
    var m = DATETIME_RE.exec(s);
    if (!m) return null;
    var y = +m[1], mo = +m[2], d = +m[3], hh = +m[4], mi = +m[5], ss = +(m[6] || 0);
    if (!validYMD(y, mo, d) || hh > 23 || mi > 59 || ss > 59) return null;
    var off = 0;
    if (m[8] !== 'Z') {
      var oh = +m[10], om = +m[11];
      if (oh > 23 || om > 59) return null;
      off = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
    }
    var localMs = Date.UTC(y, mo - 1, d, hh, mi, ss) + (m[7] ? Math.floor(parseFloat('0' + m[7]) * 1000) : 0);
    return { kind: 'datetime', ms: localMs - off * 60000, off: off, day: dayNumber(y, mo, d) };
  }

  function parseMoment(s) {
    return parseDateTime(s) || parseDate(s);
  }

  /* The calendar date of a moment seen from the given offset (minutes east of UTC). */
  function dayIn(moment, offset) {
    if (moment.kind === 'date') return moment.day;
    return Math.floor((moment.ms + offset * 60000) / DAY_MS);
  }

  function dayToISO(day) {
    return new Date(day * DAY_MS).toISOString().slice(0, 10);
  }

  function yearOfDay(day) {
    return new Date(day * DAY_MS).getUTCFullYear();
  }

  var calendarIndexCache = typeof WeakMap === 'function' ? new WeakMap() : null;

  /* A year's lists may name days of a neighbouring year (the official notice for 2023 lists
   * 2022-12-31), so membership is looked up across all years; whether a year is covered at all is
   * decided by its own key only. */
  function calendarIndex(calendar) {
    var cal = calendar || {};
    if (calendarIndexCache && isObject(cal) && calendarIndexCache.has(cal)) return calendarIndexCache.get(cal);
    var index = { years: {}, holidays: {}, workdays: {} };
    Object.keys(cal).forEach(function (year) {
      var entry = cal[year] || {};
      index.years[year] = true;
      (entry.holidays || []).forEach(function (d) { index.holidays[d] = true; });
      (entry.workdays || []).forEach(function (d) { index.workdays[d] = true; });
    });
    if (calendarIndexCache && isObject(cal)) calendarIndexCache.set(cal, index);
    return index;
  }

  /* Returns {working: bool} or {missingYear: n}. */
  function workingDayInfo(day, index) {
    var year = yearOfDay(day);
    if (!index.years[String(year)]) return { missingYear: year };
    var iso = dayToISO(day);
    if (index.workdays[iso]) return { working: true };
    if (index.holidays[iso]) return { working: false };
    var weekday = new Date(day * DAY_MS).getUTCDay();
    return { working: weekday !== 0 && weekday !== 6 };
  }

  /* The N-th working day after `day` (the first working day after it is day 1); N = 0 is `day`
   * itself. Returns {day} or {missingYear}. */
  function nthWorkingDayAfter(day, n, calendar) {
    var index = calendarIndex(calendar);
    var d = day, counted = 0;
    for (var guard = 0; counted < n && guard < 20000; guard++) {
      d += 1;
      var info = workingDayInfo(d, index);
      if (info.missingYear !== undefined) return { missingYear: info.missingYear };
      if (info.working) counted += 1;
    }
    return { day: d };
  }

  /* ---- scopes and conditions ---------------------------------------------------------------- */

  /* A scope is the set of fields a condition can see: a group row (or plain group object) whose
   * parent is the top level. Names resolve in the row first, then at the top level. */
  function makeScope(fields, values, parent) {
    return { fields: fields || [], values: isObject(values) ? values : {}, parent: parent || null, visiting: {} };
  }

  function fieldIn(scope, id) {
    for (var i = 0; i < scope.fields.length; i++) if (scope.fields[i].id === id) return scope.fields[i];
    return null;
  }

  function isVisible(scope, field) {
    if (!field.visibleIf) return true;
    if (scope.visiting[field.id]) return true;
    scope.visiting[field.id] = true;
    try {
      return evalCondition(field.visibleIf, scope);
    } finally {
      delete scope.visiting[field.id];
    }
  }

  /* The value a condition or rule sees: a hidden field's value is ignored. */
  function effectiveValue(scope, id) {
    var s = scope;
    while (s) {
      var field = fieldIn(s, id);
      if (field) return isVisible(s, field) ? s.values[id] : undefined;
      s = s.parent;
    }
    return undefined;
  }

  /* Deep equality, except that an array value and a non-array operand means "contains". */
  function equalsOperand(v, operand) {
    if (!isSet(v)) return false;
    if (Array.isArray(v) && !Array.isArray(operand)) return v.some(function (x) { return deepEqual(x, operand); });
    return deepEqual(v, operand);
  }

  function evalCondition(cond, scope) {
    if (!isObject(cond)) return true;
    if (Array.isArray(cond.all)) return cond.all.every(function (c) { return evalCondition(c, scope); });
    if (Array.isArray(cond.any)) return cond.any.some(function (c) { return evalCondition(c, scope); });
    var v = effectiveValue(scope, cond.field);
    if ('equals' in cond) return equalsOperand(v, cond.equals);
    if ('in' in cond) return Array.isArray(cond['in']) && cond['in'].some(function (x) { return equalsOperand(v, x); });
    if ('not' in cond) return !equalsOperand(v, cond.not);
    if ('isSet' in cond) return isSet(v) === (cond.isSet === true);
    return true;
  }

  /* ---- field checks ------------------------------------------------------------------------- */

  function Checker(definition, calendar, lang) {
    this.definition = definition;
    this.calendar = calendar || {};
    this.text = MESSAGES[lang === 'en' ? 'en' : 'zh'];
    this.problems = [];
    this.requiredPaths = [];
  }

  Checker.prototype.add = function (path, rule, message) {
    this.problems.push({ path: path, rule: rule, message: message || this.text[rule] || rule });
  };

  Checker.prototype.isRequired = function (field, scope) {
    return field.required === true || (isObject(field.requiredIf) && evalCondition(field.requiredIf, scope));
  };

  Checker.prototype.checkFields = function (fields, scope, prefix) {
    var self = this;
    var known = {};
    fields.forEach(function (field) {
      known[field.id] = true;
      if (!isVisible(scope, field)) return;
      var path = prefix ? prefix + '.' + field.id : field.id;
      self.checkField(field, scope.values[field.id], path, scope);
    });
    Object.keys(scope.values).forEach(function (key) {
      if (!known[key]) self.add(prefix ? prefix + '.' + key : key, 'unknown');
    });
  };

  Checker.prototype.checkField = function (field, value, path, scope) {
    var required = this.isRequired(field, scope);
    if (required) this.requiredPaths.push(path);
    if (!isSet(value)) {
      // An unset value (an absent plain group included) is only the required check's business.
      if (required) this.add(path, 'required');
      return;
    }
    if (field.type === 'group' && !field.repeat) {
      if (!isObject(value)) return this.add(path, 'type');
      return this.checkFields(field.fields || [], makeScope(field.fields, value, scope.parent || scope), path);
    }
    var check = FIELD_CHECKS[field.type];
    if (check) check.call(this, field, value, path, scope, required);
  };

  Checker.prototype.checkCount = function (bounds, n, path) {
    var min = typeof bounds.min === 'number' ? bounds.min : 0;
    var max = typeof bounds.max === 'number' ? bounds.max : Infinity;
    if (n < min || n > max) this.add(path, 'count', fmt(this.text.count, { min: min, max: max === Infinity ? '∞' : max }));
  };

  function codePointLength(s) {
    return Array.from(s).length;
  }

  function checkString(field, value, path) {
    if (typeof value !== 'string') return this.add(path, 'type');
    var max = typeof field.maxLength === 'number' ? field.maxLength : DEFAULT_MAX_LENGTH[field.type];
    if (codePointLength(value) > max) this.add(path, 'range', fmt(this.text.rangeLength, { n: max }));
  }

  function checkBool(field, value, path, scope, required) {
    if (typeof value !== 'boolean') return this.add(path, 'type');
    if (field.type === 'check' && required && value !== true) this.add(path, 'required');
  }

  var FIELD_CHECKS = {
    check: checkBool,
    yesno: checkBool,
    yesnona: function (field, value, path) {
      if (typeof value !== 'string') return this.add(path, 'type');
      if (['yes', 'no', 'na'].indexOf(value) < 0) this.add(path, 'option');
    },
    text: checkString,
    textarea: checkString,
    number: function (field, value, path) {
      if (typeof value !== 'number' || !isFinite(value)) return this.add(path, 'type');
      if (field.integer === true && Math.floor(value) !== value) return this.add(path, 'type');
      var min = typeof field.min === 'number' ? field.min : -Infinity;
      var max = typeof field.max === 'number' ? field.max : Infinity;
      if (value < min || value > max) {
        this.add(path, 'range', fmt(this.text.rangeNumber, { min: min === -Infinity ? '−∞' : min, max: max === Infinity ? '∞' : max }));
      }
    },
    date: function (field, value, path) {
      if (typeof value !== 'string') return this.add(path, 'type');
      if (!parseDate(value)) this.add(path, 'format', this.text.formatDate);
    },
    datetime: function (field, value, path) {
      if (typeof value !== 'string') return this.add(path, 'type');
      if (!parseDateTime(value)) this.add(path, 'format', this.text.formatDatetime);
    },
    choice: function (field, value, path, scope, required) {
      var options = field.options || [];
      if (typeof value === 'string') {
        if (options.indexOf(value) < 0) this.add(path, 'option');
        return;
      }
      if (!isObject(value)) return this.add(path, 'type');
      if (field.other !== true) return this.add(path, 'option');
      if (Object.keys(value).length !== 1 || typeof value.other !== 'string' || value.other === '') {
        this.add(path, 'type', this.text.otherText);
      }
    },
    multichoice: function (field, value, path) {
      if (!Array.isArray(value)) return this.add(path, 'type');
      if (!value.every(function (x) { return typeof x === 'string'; })) return this.add(path, 'type');
      var options = field.options || [];
      var distinct = value.every(function (x, i) { return value.indexOf(x) === i; });
      if (!distinct || !value.every(function (x) { return options.indexOf(x) >= 0; })) this.add(path, 'option');
      this.checkCount({ min: field.minSelected, max: field.maxSelected }, value.length, path);
    },
    rating: function (field, value, path) {
      if (typeof value !== 'number' || Math.floor(value) !== value) return this.add(path, 'type');
      var scale = ratingScale(field);
      if (value < 1 || value > scale) this.add(path, 'range', fmt(this.text.rangeNumber, { min: 1, max: scale }));
    },
    phone: function (field, value, path) {
      if (typeof value !== 'string') return this.add(path, 'type');
      var digits = value.replace(/[^0-9]/g, '').length;
      if (!PHONE_RE.test(value) || digits < 7 || digits > 20) this.add(path, 'format', this.text.formatPhone);
    },
    email: function (field, value, path) {
      if (typeof value !== 'string') return this.add(path, 'type');
      if (!validEmail(value)) this.add(path, 'format', this.text.formatEmail);
    },
    signature: function (field, value, path) {
      if (!isObject(value)) return this.add(path, 'type');
      var self = this;
      Object.keys(value).forEach(function (k) {
        if (k !== 'name' && k !== 'signedAt') self.add(path + '.' + k, 'unknown');
      });
      if (!isSet(value.name)) this.add(path + '.name', 'required', this.text.signatureIncomplete);
      else if (typeof value.name !== 'string') this.add(path + '.name', 'type');
      if (!isSet(value.signedAt)) this.add(path + '.signedAt', 'required', this.text.signatureIncomplete);
      else if (typeof value.signedAt !== 'string') this.add(path + '.signedAt', 'type');
      else if (!parseDateTime(value.signedAt)) this.add(path + '.signedAt', 'format', this.text.formatDatetime);
    },
    group: function (field, value, path, scope) {
      // Only repeating groups reach this point.
      if (!Array.isArray(value)) return this.add(path, 'type');
      this.checkCount(field.repeat, value.length, path);
      var top = scope.parent || scope;
      for (var i = 0; i < value.length; i++) {
        var rowPath = path + '[' + i + ']';
        if (!isObject(value[i])) { this.add(rowPath, 'type'); continue; }
        this.checkFields(field.fields || [], makeScope(field.fields, value[i], top), rowPath);
      }
    }
  };

  /* One @, a non-empty local part, no whitespace; the domain has ≥ 2 non-empty dot-separated
   * parts, the last at least 2 characters long. */
  function validEmail(s) {
    if (/\s/.test(s)) return false;
    var at = s.split('@');
    if (at.length !== 2 || at[0] === '') return false;
    var parts = at[1].split('.');
    return parts.length >= 2 && parts.every(function (p) { return p !== ''; }) && parts[parts.length - 1].length >= 2;
  }

  function ratingScale(field) {
    if (Array.isArray(field.labels) && field.labels.length) return field.labels.length;
    return typeof field.scale === 'number' ? field.scale : 5;
  }

  /* ---- declared rules ----------------------------------------------------------------------- */

  Checker.prototype.checkRules = function (rules, scope) {
    var self = this;
    (rules || []).forEach(function (rule) {
      if (!isObject(rule)) return;
      if (rule.when && !evalCondition(rule.when, scope)) return;
      var check = RULE_CHECKS[rule.type];
      if (check) check.call(self, rule, scope);
    });
  };

  Checker.prototype.ruleProblem = function (rule, path) {
    this.add(path, rule.id, rule.message);
  };

  var RULE_CHECKS = {
    deadline: function (rule, scope) {
      var from = parseMoment(effectiveValue(scope, rule.from));
      var to = parseMoment(effectiveValue(scope, rule.to));
      var within = rule.within || {};
      if (!from || !to) return;
      // Dates are taken in `from`'s offset; a date-only `from` borrows `to`'s.
      var offset = from.kind === 'datetime' ? from.off : (to.kind === 'datetime' ? to.off : 0);
      var fromDay = from.day;
      var toDay = dayIn(to, offset);
      var ok;
      if (typeof within.hours === 'number') {
        if (from.kind !== 'datetime' || to.kind !== 'datetime') return;
        ok = to.ms - from.ms <= within.hours * 3600000;
      } else if (typeof within.days === 'number') {
        ok = toDay <= fromDay + within.days;
      } else if (typeof within.workingDays === 'number') {
        var last = nthWorkingDayAfter(fromDay, within.workingDays, this.calendar);
        if (last.missingYear !== undefined) {
          return this.add(rule.to, 'calendar', fmt(this.text.calendar, { year: last.missingYear }));
        }
        ok = toDay <= last.day;
      } else if (within.sameDay === true) {
        ok = toDay === fromDay;
      } else {
        return;
      }
      if (!ok) this.ruleProblem(rule, rule.to);
    },
    order: function (rule, scope) {
      var a = effectiveValue(scope, rule.first), b = effectiveValue(scope, rule.then);
      var ok;
      if (typeof a === 'number' && typeof b === 'number') {
        ok = b >= a;
      } else {
        var first = parseMoment(a), then = parseMoment(b);
        if (!first || !then) return;
        // Instants when both are datetimes, otherwise dates, each in its own offset.
        ok = first.kind === 'datetime' && then.kind === 'datetime' ? then.ms >= first.ms : then.day >= first.day;
      }
      if (!ok) this.ruleProblem(rule, rule.then);
    },
    atLeastOne: function (rule, scope) {
      var fields = Array.isArray(rule.fields) ? rule.fields : [];
      if (!fields.length) return;
      if (!fields.some(function (id) { return isSet(effectiveValue(scope, id)); })) this.ruleProblem(rule, fields[0]);
    },
    equalsWhen: function (rule, scope) {
      var v = effectiveValue(scope, rule.field);
      if (!isSet(v)) return;
      if (!deepEqual(v, rule.value)) this.ruleProblem(rule, rule.field);
    }
  };

  /* ---- entry point -------------------------------------------------------------------------- */

  var ENVELOPE_CHECKS = {
    form: { type: 'string', required: true },
    formVersion: { type: 'number', required: true },
    definitionHash: { type: 'string', required: true },
    handbookVersion: { type: 'string', required: false },
    filledAt: { type: 'string', required: true },
    filledBy: { type: 'string', required: true },
    values: { type: 'object', required: true }
  };

  /* expectedHash: the hash the build emitted; null/undefined/"*" skips the comparison.
   * options: {lang: "zh"|"en", now: "<datetime>" (a later filledAt is a range problem)}.
   * Returns {problems, requiredPaths}. */
  function check(definition, submission, calendar, expectedHash, options) {
    var lang = options && options.lang;
    var checker = new Checker(definition, calendar, lang);
    var t = checker.text;
    if (!isObject(submission)) {
      checker.add('', 'type');
      return { problems: checker.problems, requiredPaths: [] };
    }
    var envelope = ENVELOPE_CHECKS;
    Object.keys(submission).forEach(function (key) {
      if (!envelope[key]) checker.add(key, 'unknown');
    });
    var now = options && options.now ? parseDateTime(options.now) : null;
    Object.keys(envelope).forEach(function (key) {
      var v = submission[key], spec = envelope[key];
      if (!isSet(v)) { if (spec.required) checker.add(key, 'required'); return; }
      if (typeof v !== spec.type && !(spec.type === 'object' && isObject(v))) return checker.add(key, 'type');
      if (spec.type === 'object' && !isObject(v)) return checker.add(key, 'type');
      switch (key) {
        case 'form': if (v !== definition.id) checker.add(key, 'option', t.formMismatch); break;
        case 'formVersion': if (v !== definition.version) checker.add(key, 'option', t.versionMismatch); break;
        case 'definitionHash':
          if (expectedHash !== undefined && expectedHash !== null && expectedHash !== '*' && v !== expectedHash) {
            checker.add(key, 'option', t.hashMismatch);
          }
          break;
        case 'filledAt': {
          var at = parseDateTime(v);
          if (!at) checker.add(key, 'format', t.formatDatetime);
          else if (now && at.ms > now.ms) checker.add(key, 'range');
          break;
        }
        default: break;
      }
    });
    if (!isObject(submission.values)) return { problems: checker.problems, requiredPaths: [] };
    var scope = makeScope(definition.fields, submission.values, null);
    checker.checkFields(definition.fields || [], scope, '');
    checker.checkRules(definition.rules, scope);
    return { problems: checker.problems, requiredPaths: checker.requiredPaths };
  }

  function validate(definition, submission, calendar, expectedHash, options) {
    return check(definition, submission, calendar, expectedHash, options).problems;
  }

  var api = {
    validate: validate,
    check: check,
    evalCondition: function (cond, fields, values) { return evalCondition(cond, makeScope(fields, values, null)); },
    isSet: isSet,
    parseDate: parseDate,
    parseDateTime: parseDateTime,
    nthWorkingDayAfter: function (isoDate, n, calendar) {
      var d = parseDate(isoDate);
      var r = nthWorkingDayAfter(d.day, n, calendar);
      return r.missingYear !== undefined ? { missingYear: r.missingYear } : { date: dayToISO(r.day) };
    },
    ratingScale: ratingScale,
    messages: MESSAGES
  };
  global.HandbookChecklist = api;

  /* ==== interactive form ====================================================================== */

  if (typeof document === 'undefined') return;

  var UI_TEXT = {
    zh: {
      progress: '已完成 {done} / {total} 项必填',
      summaryTitle: '有 {n} 处需要修改：',
      requiredMark: '（必填）',
      seeClause: '依据',
      yes: '是', no: '否', na: '不适用',
      other: '其他', otherText: '其他，请说明',
      addRow: '添加一项', removeRow: '删除第 {n} 项', row: '第 {n} 项',
      rowAdded: '已添加第 {n} 项', rowRemoved: '已删除第 {n} 项',
      rowsHint: '（{min}–{max} 项）',
      signer: '签名人', signedAt: '签署时间', now: '填入当前时间',
      offset: '时区 UTC{offset}',
      filledBy: '填写人',
      check: '检查', export: '导出 JSON', copy: '复制 JSON', import: '导入 JSON', print: '打印', clear: '清空',
      confirmClear: '确定清空本表的全部内容吗？已自动保存的草稿也会删除。',
      cleared: '已清空。',
      restored: '已恢复上次保存的草稿（{at}）。',
      saved: '草稿已自动保存。',
      exported: '已导出 {file}。', exportedWithProblems: '已导出 {file}，但仍有 {n} 处问题。',
      copied: '已复制 JSON。', copyFailed: '无法复制，请使用“导出 JSON”。',
      imported: '已导入 {file}。', importWrongForm: '这个文件是表单“{form}”的记录，不是本表单（{id}）的。',
      importBad: '无法读取这个文件：不是有效的 JSON。',
      importVersion: '注意：文件是第 {theirs} 版表单填写的，当前为第 {ours} 版，请核对。',
      noProblems: '检查完毕：没有发现问题。',
      numberType: '请输入数字',
      ratingOf: '{n} 分'
    },
    en: {
      progress: '{done} of {total} required items done',
      summaryTitle: '{n} problem(s) to fix:',
      requiredMark: ' (required)',
      seeClause: 'See',
      yes: 'Yes', no: 'No', na: 'N/A',
      other: 'Other', otherText: 'Other, please specify',
      addRow: 'Add an entry', removeRow: 'Remove entry {n}', row: 'Entry {n}',
      rowAdded: 'Entry {n} added', rowRemoved: 'Entry {n} removed',
      rowsHint: ' ({min}–{max} entries)',
      signer: 'Name', signedAt: 'Signed at', now: 'Use current time',
      offset: 'Time zone UTC{offset}',
      filledBy: 'Filled in by',
      check: 'Check', export: 'Export JSON', copy: 'Copy JSON', import: 'Import JSON', print: 'Print', clear: 'Clear',
      confirmClear: 'Clear everything in this form? The autosaved draft is deleted too.',
      cleared: 'Cleared.',
      restored: 'Restored the draft saved at {at}.',
      saved: 'Draft saved.',
      exported: 'Exported {file}.', exportedWithProblems: 'Exported {file}; {n} problem(s) remain.',
      copied: 'JSON copied.', copyFailed: 'Could not copy; use “Export JSON”.',
      imported: 'Imported {file}.', importWrongForm: 'This file is a record of form “{form}”, not of this form ({id}).',
      importBad: 'Cannot read this file: it is not valid JSON.',
      importVersion: 'Note: the file was filled in with version {theirs} of the form; this is version {ours}.',
      noProblems: 'Checked: no problems found.',
      numberType: 'Enter a number',
      ratingOf: '{n}'
    }
  };

  var OTHER_WORDS = ['其他', '其它', 'Other', 'other'];

  function pageLang() {
    return /^en/i.test(document.documentElement.lang || '') ? 'en' : 'zh';
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
      if (c === null || c === undefined) return;
      node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return node;
  }

  function pad(n) { return (n < 10 ? '0' : '') + n; }

  function formatOffset(minutesEast) {
    var sign = minutesEast < 0 ? '-' : '+';
    var a = Math.abs(minutesEast);
    return sign + pad(Math.floor(a / 60)) + ':' + pad(a % 60);
  }

  /* A browser-local wall time "YYYY-MM-DDTHH:MM[:SS]" plus the browser's offset at that time. */
  function localToOffsetDateTime(local) {
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(local || '');
    if (!m) return undefined;
    var d = new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0));
    return m[1] + '-' + m[2] + '-' + m[3] + 'T' + m[4] + ':' + m[5] + ':' + (m[6] || '00') + formatOffset(-d.getTimezoneOffset());
  }

  function nowWithOffset() {
    var d = new Date();
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + 'T' + pad(d.getHours()) + ':' +
      pad(d.getMinutes()) + ':' + pad(d.getSeconds()) + formatOffset(-d.getTimezoneOffset());
  }

  function nowLocalInputValue() {
    var d = new Date();
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + 'T' + pad(d.getHours()) + ':' + pad(d.getMinutes());
  }

  function fileStamp() {
    var d = new Date();
    return '' + d.getFullYear() + pad(d.getMonth() + 1) + pad(d.getDate()) + '-' + pad(d.getHours()) + pad(d.getMinutes());
  }

  function parsePath(path) {
    var tokens = [];
    path.split('.').forEach(function (part) {
      var m = /^([^\[]+)((?:\[\d+\])*)$/.exec(part);
      tokens.push(m[1]);
      (m[2].match(/\d+/g) || []).forEach(function (i) { tokens.push(+i); });
    });
    return tokens;
  }

  function getIn(obj, tokens) {
    var cur = obj;
    for (var i = 0; i < tokens.length; i++) {
      if (cur === null || typeof cur !== 'object') return undefined;
      cur = cur[tokens[i]];
    }
    return cur;
  }

  function setIn(obj, tokens, value) {
    var cur = obj;
    for (var i = 0; i < tokens.length - 1; i++) {
      if (cur[tokens[i]] === null || typeof cur[tokens[i]] !== 'object') cur[tokens[i]] = typeof tokens[i + 1] === 'number' ? [] : {};
      cur = cur[tokens[i]];
    }
    var last = tokens[tokens.length - 1];
    if (value === undefined) { if (!Array.isArray(cur)) delete cur[last]; else cur[last] = undefined; }
    else cur[last] = value;
  }

  function clone(v) { return v === undefined ? undefined : JSON.parse(JSON.stringify(v)); }

  function ChecklistUI(section, entry, handbook) {
    this.section = section;
    this.entry = entry;
    this.def = entry.definition;
    this.handbook = handbook;
    this.lang = pageLang();
    this.t = UI_TEXT[this.lang];
    this.prefix = 'cl-' + this.def.id;
    this.root = document.documentElement.dataset.root || '';
    this.storageKey = 'handbook:draft:' + this.def.id + ':' + this.def.version;
    this.values = {};
    this.filledBy = '';
    this.touched = {};
    this.showAll = false;
    this.registry = [];
  }

  ChecklistUI.prototype.idFor = function (path, suffix) {
    return this.prefix + '-' + path.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/-+$/, '') + (suffix ? '-' + suffix : '');
  };

  ChecklistUI.prototype.citeLink = function (cite, extraClass) {
    if (!cite) return null;
    var cites = this.entry.cites || {};
    var href;
    if (cites[cite]) href = this.root + cites[cite];
    else if (cite.charAt(0) === '#') href = cite;
    else href = this.root + cite.replace(/\.md(?=#|$)/, '.html');
    var hashAt = cite.indexOf('#');
    var label = hashAt >= 0 ? cite.slice(hashAt + 1) : cite.replace(/\.md$/, '');
    try { label = decodeURIComponent(label); } catch (e) { /* keep as written */ }
    return el('a', { className: 'cl-cite' + (extraClass ? ' ' + extraClass : ''), href: href }, [this.t.seeClause + ' ' + label]);
  };

  ChecklistUI.prototype.mount = function () {
    var self = this, t = this.t, def = this.def;
    var staticPart = this.section.querySelector('.checklist-static');
    this.form = el('form', { className: 'checklist-form', novalidate: true, 'aria-labelledby': this.section.getAttribute('aria-labelledby') });
    this.form.addEventListener('submit', function (e) { e.preventDefault(); });
    if (def.description) this.form.appendChild(el('p', { className: 'checklist-description', text: def.description }));
    var cite = this.citeLink(def.cite);
    if (cite) this.form.appendChild(el('p', { className: 'checklist-cite' }, [cite]));
    this.progress = el('p', { className: 'checklist-progress', id: this.prefix + '-progress', 'aria-live': 'polite' });
    this.form.appendChild(this.progress);
    this.summary = el('div', { className: 'checklist-summary', id: this.prefix + '-summary', role: 'alert', tabindex: '-1' });
    this.summary.hidden = true;
    this.form.appendChild(this.summary);
    this.fieldsBox = el('div', { className: 'checklist-fields' });
    this.form.appendChild(this.fieldsBox);

    this.filledByInput = el('input', { type: 'text', id: this.prefix + '-filledBy', className: 'cl-input', autocomplete: 'name' });
    this.form.appendChild(el('div', { className: 'cl-field checklist-filler' }, [
      el('label', { 'for': this.filledByInput.id, className: 'cl-label', text: t.filledBy }), this.filledByInput]));

    var actions = el('div', { className: 'checklist-actions' });
    function button(key, handler) {
      var b = el('button', { type: 'button', className: 'cl-button cl-action-' + key, id: self.prefix + '-' + key, text: t[key] });
      b.addEventListener('click', handler);
      actions.appendChild(b);
      return b;
    }
    button('check', function () { self.checkAll(); });
    button('export', function () { self.exportFile(); });
    button('copy', function () { self.copyJSON(); });
    this.importInput = el('input', { type: 'file', id: this.prefix + '-import', className: 'cl-file', accept: '.json,application/json' });
    this.importInput.addEventListener('change', function () { self.importFile(); });
    actions.appendChild(this.importInput);
    actions.appendChild(el('label', { 'for': this.importInput.id, className: 'cl-button cl-file-label', text: t['import'] }));
    button('print', function () { global.print(); });
    button('clear', function () { self.clear(); });
    this.form.appendChild(actions);
    this.status = el('p', { className: 'checklist-status', id: this.prefix + '-status', role: 'status' });
    this.form.appendChild(this.status);

    this.form.addEventListener('input', function (e) { self.onEdit(e, false); });
    this.form.addEventListener('change', function (e) { self.onEdit(e, true); });

    var restored = this.loadDraft();
    this.renderFields();
    this.filledByInput.value = this.filledBy;
    if (staticPart) staticPart.parentNode.replaceChild(this.form, staticPart);
    else this.section.appendChild(this.form);
    this.section.classList.add('checklist-live');
    this.refresh();
    if (restored) this.say(fmt(t.restored, { at: restored }));
  };

  /* ---- rendering ---- */

  ChecklistUI.prototype.renderFields = function () {
    var active = document.activeElement && document.activeElement.id;
    this.registry = [];
    this.fieldsBox.textContent = '';
    var self = this;
    (this.def.fields || []).forEach(function (field) {
      self.fieldsBox.appendChild(self.renderField(field, field.id, null));
    });
    if (active) {
      var again = document.getElementById(active);
      if (again) again.focus();
    }
  };

  ChecklistUI.prototype.describedBy = function (path, field, extra) {
    var ids = [];
    if (field.help) ids.push(this.idFor(path, 'help'));
    if (extra) ids.push(extra);
    ids.push(this.idFor(path, 'error'));
    return ids.join(' ');
  };

  ChecklistUI.prototype.labelChildren = function (field) {
    var parts = [field.label];
    if (field.type === 'number' && field.unit) parts.push(el('span', { className: 'cl-unit-hint', text: '（' + field.unit + '）' }));
    parts.push(el('span', { className: 'cl-req', 'aria-hidden': 'true', text: '*' }));
    parts.push(el('span', { className: 'cl-req-text cl-visually-hidden', text: this.t.requiredMark }));
    return parts;
  };

  ChecklistUI.prototype.renderField = function (field, path, rowInfo) {
    var t = this.t, self = this;
    var id = this.idFor(path);
    var value = getIn(this.values, parsePath(path));
    var grouped = ['yesno', 'yesnona', 'choice', 'multichoice', 'rating', 'signature', 'group'].indexOf(field.type) >= 0;
    var wrapper = el(grouped ? 'fieldset' : 'div', {
      className: 'cl-field cl-type-' + field.type + (field.type === 'group' && field.repeat ? ' cl-repeat' : ''),
      'data-path': path, id: grouped ? id + '-set' : id + '-field'
    });
    var reg = { field: field, path: path, wrapper: wrapper, rowInfo: rowInfo, controls: [] };
    this.registry.push(reg);
    var labelEl = grouped
      ? el('legend', { className: 'cl-label' }, this.labelChildren(field))
      : el('label', { className: 'cl-label', 'for': id }, this.labelChildren(field));
    reg.labelEl = labelEl;
    wrapper.appendChild(labelEl);
    if (field.help) wrapper.appendChild(el('p', { className: 'cl-help', id: this.idFor(path, 'help'), text: field.help }));
    var describedBy = this.describedBy(path, field);

    function input(attrs) {
      attrs.id = attrs.id || id;
      attrs['aria-describedby'] = attrs['aria-describedby'] || describedBy;
      var node = el(attrs.tag || 'input', attrs);
      node.removeAttribute('tag');
      reg.controls.push(node);
      return node;
    }
    function choiceList(kind, options) {
      var box = el('div', { className: 'cl-options' });
      options.forEach(function (opt, i) {
        var optId = i === 0 ? id : id + '-' + i;
        var node = input({ type: kind, id: optId, name: id, value: opt.value, className: 'cl-' + kind });
        if (opt.checked) node.checked = true;
        box.appendChild(el('span', { className: 'cl-option' }, [node, el('label', { 'for': optId, text: opt.label })]));
      });
      return box;
    }

    switch (field.type) {
      case 'check': {
        var cb = input({ type: 'checkbox', className: 'cl-checkbox' });
        cb.checked = value === true;
        wrapper.insertBefore(cb, labelEl);
        wrapper.classList.add('cl-inline');
        break;
      }
      case 'yesno':
        wrapper.appendChild(choiceList('radio', [
          { value: 'true', label: t.yes, checked: value === true },
          { value: 'false', label: t.no, checked: value === false }]));
        break;
      case 'yesnona':
        wrapper.appendChild(choiceList('radio', [
          { value: 'yes', label: t.yes, checked: value === 'yes' },
          { value: 'no', label: t.no, checked: value === 'no' },
          { value: 'na', label: t.na, checked: value === 'na' }]));
        break;
      case 'text': case 'phone': case 'email': {
        var type = { text: 'text', phone: 'tel', email: 'email' }[field.type];
        var ti = input({ type: type, className: 'cl-input', maxlength: field.type === 'text' ? (field.maxLength || 200) : null,
          autocomplete: field.type === 'phone' ? 'tel' : (field.type === 'email' ? 'email' : 'off') });
        ti.value = typeof value === 'string' ? value : '';
        wrapper.appendChild(ti);
        break;
      }
      case 'textarea': {
        var ta = input({ tag: 'textarea', className: 'cl-input cl-textarea', rows: 4, maxlength: field.maxLength || 5000 });
        ta.value = typeof value === 'string' ? value : '';
        wrapper.appendChild(ta);
        break;
      }
      case 'number': {
        var unitId = field.unit ? this.idFor(path, 'unit') : null;
        var ni = input({ type: 'text', inputmode: field.integer ? 'numeric' : 'decimal', className: 'cl-input cl-number',
          'aria-describedby': this.describedBy(path, field, unitId) });
        ni.value = value === undefined || value === null ? '' : String(value);
        var line = el('div', { className: 'cl-line' }, [ni]);
        if (field.unit) line.appendChild(el('span', { className: 'cl-unit', id: unitId, text: field.unit }));
        wrapper.appendChild(line);
        break;
      }
      case 'date': {
        var di = input({ type: 'date', className: 'cl-input cl-date' });
        di.value = typeof value === 'string' && parseDate(value) ? value : '';
        wrapper.appendChild(di);
        break;
      }
      case 'datetime':
        wrapper.appendChild(this.datetimeControl(id, path, field, value, reg, describedBy));
        break;
      case 'choice': {
        var opts = (field.options || []).slice();
        var otherValue = isObject(value) && typeof value.other === 'string' ? value.other : '';
        var otherOption = null;
        if (field.other === true) {
          OTHER_WORDS.forEach(function (w) { if (!otherOption && opts.indexOf(w) >= 0) otherOption = w; });
        }
        var items = opts.map(function (o) {
          return { value: o, label: o, checked: value === o || (o === otherOption && isObject(value)) };
        });
        if (field.other === true && !otherOption) items.push({ value: '\u0000other', label: t.other, checked: isObject(value) });
        wrapper.appendChild(choiceList('radio', items));
        if (field.other === true) {
          var oid = id + '-other';
          var oi = el('input', { type: 'text', id: oid, className: 'cl-input cl-other', 'data-other-of': id, 'aria-describedby': describedBy });
          oi.value = otherValue;
          reg.otherInput = oi;
          reg.otherOption = otherOption || '\u0000other';
          wrapper.appendChild(el('div', { className: 'cl-other-line' }, [el('label', { 'for': oid, text: t.otherText }), oi]));
        }
        break;
      }
      case 'multichoice':
        wrapper.appendChild(choiceList('checkbox', (field.options || []).map(function (o) {
          return { value: o, label: o, checked: Array.isArray(value) && value.indexOf(o) >= 0 };
        })));
        break;
      case 'rating': {
        var scale = ratingScale(field);
        var ratings = [];
        for (var r = 1; r <= scale; r++) {
          var lbl = Array.isArray(field.labels) && field.labels.length ? r + ' ' + field.labels[r - 1] : fmt(t.ratingOf, { n: r });
          ratings.push({ value: String(r), label: lbl, checked: value === r });
        }
        wrapper.appendChild(choiceList('radio', ratings));
        break;
      }
      case 'signature': {
        var sig = isObject(value) ? value : {};
        var nid = id, tid = id + '-at';
        var nameInput = input({ type: 'text', id: nid, className: 'cl-input cl-sig-name', autocomplete: 'name' });
        nameInput.value = typeof sig.name === 'string' ? sig.name : '';
        wrapper.appendChild(el('div', { className: 'cl-sub' }, [el('label', { 'for': nid, text: t.signer }), nameInput]));
        var dt = this.datetimeControl(tid, path, field, sig.signedAt, reg, describedBy);
        var nowButton = el('button', { type: 'button', className: 'cl-button cl-small cl-now', text: t.now });
        nowButton.addEventListener('click', function () {
          reg.dateInput.value = nowLocalInputValue();
          delete reg.dateInput.dataset.kept;
          self.updateFrom(reg, true);
        });
        dt.appendChild(nowButton);
        wrapper.appendChild(el('div', { className: 'cl-sub' }, [el('label', { 'for': tid, text: t.signedAt }), dt]));
        break;
      }
      case 'group':
        if (field.repeat) this.renderRepeat(field, path, wrapper, reg);
        else {
          var box = el('div', { className: 'cl-group-fields' });
          (field.fields || []).forEach(function (child) {
            box.appendChild(self.renderField(child, path + '.' + child.id, { group: field, rowPath: path }));
          });
          wrapper.appendChild(box);
        }
        break;
      default:
        break;
    }
    var citeLink = this.citeLink(field.cite);
    if (citeLink) wrapper.appendChild(el('p', { className: 'cl-field-cite' }, [citeLink]));
    reg.errorEl = el('p', { className: 'cl-error', id: this.idFor(path, 'error') });
    wrapper.appendChild(reg.errorEl);
    return wrapper;
  };

  ChecklistUI.prototype.datetimeControl = function (id, path, field, value, reg, describedBy) {
    var offsetId = id + '-offset';
    var di = el('input', { type: 'datetime-local', id: id, step: 60, className: 'cl-input cl-datetime',
      'aria-describedby': describedBy + ' ' + offsetId });
    var parsed = parseDateTime(value);
    var offsetText = formatOffset(-new Date().getTimezoneOffset());
    if (parsed) {
      var local = value.slice(0, 19);
      di.value = /:00$/.test(local) ? local.slice(0, 16) : local;
      di.dataset.kept = value;
      di.dataset.keptLocal = di.value;
      offsetText = formatOffset(parsed.off);
    }
    reg.controls.push(di);
    reg.dateInput = di;
    reg.offsetEl = el('span', { className: 'cl-offset', id: offsetId, text: fmt(this.t.offset, { offset: offsetText }) });
    return el('div', { className: 'cl-line' }, [di, reg.offsetEl]);
  };

  ChecklistUI.prototype.renderRepeat = function (field, path, wrapper, reg) {
    var self = this, t = this.t;
    var min = field.repeat.min || 0, max = typeof field.repeat.max === 'number' ? field.repeat.max : Infinity;
    var rows = getIn(this.values, parsePath(path));
    if (!Array.isArray(rows)) {
      rows = [];
      for (var k = 0; k < Math.max(min, 1); k++) rows.push({});
      setIn(this.values, parsePath(path), rows);
    }
    if (max !== Infinity) reg.labelEl.appendChild(el('span', { className: 'cl-rows-hint', text: fmt(t.rowsHint, { min: min, max: max }) }));
    var list = el('ol', { className: 'cl-rows' });
    rows.forEach(function (row, i) {
      var rowPath = path + '[' + i + ']';
      var rowSet = el('fieldset', { className: 'cl-row', id: self.idFor(rowPath, 'row') },
        [el('legend', { className: 'cl-row-title', text: fmt(t.row, { n: i + 1 }) })]);
      (field.fields || []).forEach(function (child) {
        rowSet.appendChild(self.renderField(child, rowPath + '.' + child.id, { group: field, rowPath: rowPath }));
      });
      var remove = el('button', { type: 'button', className: 'cl-button cl-small cl-remove', id: self.idFor(rowPath, 'remove'),
        text: fmt(t.removeRow, { n: i + 1 }) });
      remove.disabled = rows.length <= min;
      remove.addEventListener('click', function () { self.removeRow(path, i); });
      rowSet.appendChild(el('div', { className: 'cl-row-actions' }, [remove]));
      list.appendChild(el('li', {}, [rowSet]));
    });
    wrapper.appendChild(list);
    var add = el('button', { type: 'button', className: 'cl-button cl-add', id: this.idFor(path, 'add'), text: t.addRow });
    add.disabled = rows.length >= max;
    add.addEventListener('click', function () { self.addRow(path); });
    reg.controls.push(add);
    wrapper.appendChild(el('div', { className: 'cl-repeat-actions' }, [add]));
  };

  ChecklistUI.prototype.addRow = function (path) {
    var rows = getIn(this.values, parsePath(path));
    rows.push({});
    this.renderFields();
    this.refresh();
    this.save();
    var first = document.getElementById(this.idFor(path + '[' + (rows.length - 1) + ']', 'row'));
    var control = first && first.querySelector('input, textarea, select, button');
    if (control) control.focus();
    this.say(fmt(this.t.rowAdded, { n: rows.length }));
  };

  ChecklistUI.prototype.removeRow = function (path, index) {
    var rows = getIn(this.values, parsePath(path));
    rows.splice(index, 1);
    var self = this;
    Object.keys(this.touched).forEach(function (p) { if (p.indexOf(path + '[') === 0) delete self.touched[p]; });
    this.renderFields();
    this.refresh();
    this.save();
    var next = document.getElementById(this.idFor(path + '[' + Math.min(index, rows.length - 1) + ']', 'remove'));
    if (!next || next.disabled) next = document.getElementById(this.idFor(path, 'add'));
    if (next) next.focus();
    this.say(fmt(this.t.rowRemoved, { n: index + 1 }));
  };

  /* ---- reading controls ---- */

  ChecklistUI.prototype.readValue = function (reg) {
    var field = reg.field, controls = reg.controls;
    function checked() { return controls.filter(function (c) { return c.checked; }).map(function (c) { return c.value; }); }
    function dateValue(input) {
      if (!input.value) return undefined;
      if (input.dataset.kept && input.value === input.dataset.keptLocal) return input.dataset.kept;
      return localToOffsetDateTime(input.value);
    }
    switch (field.type) {
      case 'check': return controls[0].checked;
      case 'yesno': { var yn = checked()[0]; return yn === undefined ? undefined : yn === 'true'; }
      case 'yesnona': return checked()[0];
      case 'text': case 'textarea': case 'phone': case 'email': case 'date':
        return controls[0].value === '' ? undefined : controls[0].value;
      case 'number': {
        var raw = controls[0].value.trim();
        if (raw === '') return undefined;
        return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw) ? Number(raw) : raw;
      }
      case 'datetime': return dateValue(controls[0]);
      case 'choice': {
        var c = checked()[0];
        var otherText = reg.otherInput ? reg.otherInput.value : '';
        if (reg.otherInput && c === reg.otherOption) {
          if (otherText.trim() !== '') return { other: otherText };
          return c.charAt(0) === '\u0000' ? undefined : c;
        }
        return c;
      }
      case 'multichoice': { var list = checked(); return list.length ? list : undefined; }
      case 'rating': { var rv = checked()[0]; return rv === undefined ? undefined : Number(rv); }
      case 'signature': {
        var name = controls[0].value, at = dateValue(reg.dateInput);
        if (name === '' && at === undefined) return undefined;
        var sig = {};
        if (name !== '') sig.name = name;
        if (at !== undefined) sig.signedAt = at;
        return sig;
      }
      default: return undefined;
    }
  };

  ChecklistUI.prototype.regFor = function (target) {
    for (var i = 0; i < this.registry.length; i++) {
      var reg = this.registry[i];
      if (reg.controls.indexOf(target) >= 0 || reg.otherInput === target) return reg;
    }
    return null;
  };

  ChecklistUI.prototype.onEdit = function (event, committed) {
    var target = event.target;
    if (target === this.importInput) return;
    if (target === this.filledByInput) {
      this.filledBy = target.value;
      this.refresh();
      this.save();
      return;
    }
    var reg = this.regFor(target);
    if (!reg || reg.field.type === 'group') return;
    if (reg.otherInput === target && target.value !== '') {
      var otherRadio = reg.controls.filter(function (c) { return c.value === reg.otherOption; })[0];
      if (otherRadio) otherRadio.checked = true;
    }
    if (target === reg.dateInput) {
      delete target.dataset.kept;
      reg.offsetEl.textContent = fmt(this.t.offset, { offset: formatOffset(-new Date().getTimezoneOffset()) });
    }
    this.updateFrom(reg, committed);
  };

  ChecklistUI.prototype.updateFrom = function (reg, committed) {
    setIn(this.values, parsePath(reg.path), this.readValue(reg));
    if (committed) this.touched[reg.path] = true;
    this.refresh();
    this.save();
  };

  /* ---- validation display ---- */

  /* The values a submission carries: visible fields that are set, in definition order. */
  ChecklistUI.prototype.submissionValues = function () {
    function prune(fields, values, parentScope) {
      var scope = makeScope(fields, values, parentScope);
      var out = {};
      fields.forEach(function (field) {
        if (!isVisible(scope, field)) return;
        var v = scope.values[field.id];
        if (field.type === 'group' && field.repeat) {
          if (Array.isArray(v)) out[field.id] = v.map(function (row) { return prune(field.fields || [], row, parentScope || scope); });
        } else if (field.type === 'group') {
          var inner = prune(field.fields || [], v, parentScope || scope);
          if (Object.keys(inner).length) out[field.id] = inner;
        } else if (isSet(v)) {
          out[field.id] = clone(v);
        }
      });
      return out;
    }
    return prune(this.def.fields || [], this.values, null);
  };

  ChecklistUI.prototype.submission = function () {
    return {
      form: this.def.id,
      formVersion: this.def.version,
      definitionHash: this.entry.hash,
      handbookVersion: this.handbook.handbookVersion,
      filledAt: nowWithOffset(),
      filledBy: this.filledBy,
      values: this.submissionValues()
    };
  };

  ChecklistUI.prototype.currentCheck = function () {
    var result = check(this.def, this.submission(), this.handbook.calendar || {}, null, { lang: this.lang });
    // Of the envelope only the filler's name is the user's to fix.
    result.problems = result.problems.filter(function (p) { return !ENVELOPE_CHECKS[p.path] || p.path === 'filledBy'; });
    return result;
  };

  ChecklistUI.prototype.ruleFor = function (problem) {
    var rules = this.def.rules || [];
    for (var i = 0; i < rules.length; i++) if (rules[i].id === problem.rule) return rules[i];
    return null;
  };

  /* A rule's problem shows once any field the rule reads has been committed. */
  ChecklistUI.prototype.isShown = function (problem) {
    if (this.showAll || this.touched[problem.path]) return true;
    var rule = this.ruleFor(problem);
    if (!rule) return false;
    var self = this;
    return [rule.from, rule.to, rule.first, rule.then, rule.field].concat(rule.fields || [])
      .some(function (id) { return id && self.touched[id]; });
  };

  ChecklistUI.prototype.refresh = function () {
    var self = this, t = this.t;
    var result = this.currentCheck();
    this.lastProblems = result.problems;
    var byPath = {};
    result.problems.forEach(function (p) { (byPath[p.path] = byPath[p.path] || []).push(p); });

    var topScope = makeScope(this.def.fields, this.values, null);
    var shownList = [];
    this.registry.forEach(function (reg) {
      var scope = topScope;
      if (reg.rowInfo) scope = makeScope(reg.rowInfo.group.fields, getIn(self.values, parsePath(reg.rowInfo.rowPath)), topScope);
      var visible = isVisible(scope, reg.field);
      reg.wrapper.hidden = !visible;
      var required = visible && reg.field.type !== 'group' && (reg.field.required === true ||
        (isObject(reg.field.requiredIf) && evalCondition(reg.field.requiredIf, scope)));
      reg.wrapper.classList.toggle('cl-required', required);
      reg.controls.forEach(function (c) {
        if (c.tagName === 'BUTTON') return;
        if (c.type === 'checkbox' && reg.field.type === 'multichoice') return;
        c.required = required;
      });
      var problems = (visible ? byPath[reg.path] || [] : []).filter(function (p) { return self.isShown(p); });
      var invalid = problems.length > 0;
      reg.controls.concat(reg.otherInput ? [reg.otherInput] : []).forEach(function (c) {
        if (c.tagName === 'BUTTON') return;
        if (invalid) c.setAttribute('aria-invalid', 'true'); else c.removeAttribute('aria-invalid');
      });
      reg.wrapper.classList.toggle('cl-invalid', invalid);
      reg.errorEl.textContent = '';
      problems.forEach(function (p) {
        var msg = el('span', { className: 'cl-error-item' }, [el('span', { className: 'cl-error-icon', 'aria-hidden': 'true', text: '⚠ ' }), self.problemText(p, reg.field)]);
        var rule = self.ruleFor(p);
        var link = rule && self.citeLink(rule.cite);
        if (link) { msg.appendChild(document.createTextNode(' ')); msg.appendChild(link); }
        reg.errorEl.appendChild(msg);
        shownList.push({ problem: p, reg: reg });
      });
    });
    var fillerReg = { field: { label: t.filledBy }, controls: [this.filledByInput] };
    (byPath.filledBy || []).forEach(function (p) { if (self.showAll) shownList.push({ problem: p, reg: fillerReg }); });
    if (this.showAll && byPath.filledBy) this.filledByInput.setAttribute('aria-invalid', 'true');
    else this.filledByInput.removeAttribute('aria-invalid');

    var required = result.requiredPaths.length;
    var missing = result.problems.filter(function (p) { return p.rule === 'required' && result.requiredPaths.indexOf(p.path) >= 0; });
    var missingPaths = {};
    missing.forEach(function (p) { missingPaths[p.path] = true; });
    this.progress.textContent = fmt(t.progress, { done: required - Object.keys(missingPaths).length, total: required });
    this.renderSummary(shownList);
  };

  ChecklistUI.prototype.problemText = function (problem, field) {
    if (problem.rule === 'type' && field && field.type === 'number') return this.t.numberType;
    return problem.message;
  };

  ChecklistUI.prototype.renderSummary = function (shownList) {
    var self = this;
    var key = shownList.map(function (s) { return s.problem.path + '|' + s.problem.rule + '|' + s.problem.message; }).join('\n');
    if (key === this.summaryKey) return;
    this.summaryKey = key;
    this.summary.textContent = '';
    this.summary.hidden = shownList.length === 0;
    if (!shownList.length) return;
    this.summary.appendChild(el('p', { className: 'checklist-summary-title', text: fmt(this.t.summaryTitle, { n: shownList.length }) }));
    var list = el('ul', {});
    shownList.forEach(function (s) {
      var text = (s.reg ? self.fieldLabel(s.reg) + '：' : '') + self.problemText(s.problem, s.reg && s.reg.field);
      if (!s.reg) { list.appendChild(el('li', { text: text })); return; }
      var target = s.reg.controls[0] || s.reg.wrapper;
      var a = el('a', { href: '#' + (target.id || ''), text: text });
      a.addEventListener('click', function (e) {
        e.preventDefault();
        var node = document.getElementById(target.id);
        if (node) { node.focus(); if (node.scrollIntoView) node.scrollIntoView({ block: 'center' }); }
      });
      list.appendChild(el('li', {}, [a]));
    });
    this.summary.appendChild(list);
  };

  ChecklistUI.prototype.fieldLabel = function (reg) {
    if (!reg.rowInfo) return reg.field.label;
    var m = /\[(\d+)\]$/.exec(reg.rowInfo.rowPath);
    var parent = reg.rowInfo.group.label + (m ? ' ' + fmt(this.t.row, { n: +m[1] + 1 }) : '');
    return parent + ' › ' + reg.field.label;
  };

  ChecklistUI.prototype.checkAll = function () {
    this.showAll = true;
    this.summaryKey = null;
    this.refresh();
    if (this.summary.hidden) this.say(this.t.noProblems);
    else this.summary.focus();
  };

  /* ---- drafts, export, import ---- */

  ChecklistUI.prototype.save = function () {
    try {
      global.localStorage.setItem(this.storageKey, JSON.stringify({ values: this.values, filledBy: this.filledBy, savedAt: nowWithOffset() }));
    } catch (e) { /* storage unavailable: drafts are a convenience */ }
  };

  ChecklistUI.prototype.loadDraft = function () {
    var raw = null;
    try { raw = global.localStorage.getItem(this.storageKey); } catch (e) { return null; }
    if (!raw) return null;
    try {
      var draft = JSON.parse(raw);
      if (!isObject(draft) || !isObject(draft.values)) return null;
      this.values = draft.values;
      this.filledBy = typeof draft.filledBy === 'string' ? draft.filledBy : '';
      return typeof draft.savedAt === 'string' ? draft.savedAt.replace('T', ' ').slice(0, 16) : '';
    } catch (e) { return null; }
  };

  ChecklistUI.prototype.clear = function () {
    if (!global.confirm(this.t.confirmClear)) return;
    try { global.localStorage.removeItem(this.storageKey); } catch (e) { /* nothing to remove */ }
    this.values = {};
    this.filledBy = '';
    this.filledByInput.value = '';
    this.touched = {};
    this.showAll = false;
    this.renderFields();
    this.refresh();
    this.say(this.t.cleared);
  };

  ChecklistUI.prototype.say = function (text) {
    this.status.textContent = text;
  };

  ChecklistUI.prototype.exportFile = function () {
    var sub = this.submission();
    var name = this.def.id + '-' + fileStamp() + '.json';
    var blob = new Blob([JSON.stringify(sub, null, 2) + '\n'], { type: 'application/json' });
    var url = URL.createObjectURL(blob);
    var a = el('a', { href: url, download: name, className: 'cl-download' });
    document.body.appendChild(a);
    a.click();
    document.body.removeChild(a);
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
    this.showAll = true;
    this.refresh();
    var n = this.lastProblems.length;
    this.say(n ? fmt(this.t.exportedWithProblems, { file: name, n: n }) : fmt(this.t.exported, { file: name }));
  };

  ChecklistUI.prototype.copyJSON = function () {
    var self = this;
    var text = JSON.stringify(this.submission(), null, 2);
    function fallback() {
      var ta = el('textarea', { className: 'cl-copy-buffer', readonly: true, 'aria-hidden': 'true' });
      ta.value = text;
      document.body.appendChild(ta);
      ta.select();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      document.body.removeChild(ta);
      self.say(ok ? self.t.copied : self.t.copyFailed);
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { self.say(self.t.copied); }, fallback);
    } else {
      fallback();
    }
  };

  ChecklistUI.prototype.importFile = function () {
    var self = this, t = this.t;
    var file = this.importInput.files && this.importInput.files[0];
    if (!file) return;
    var reader = new FileReader();
    reader.onload = function () {
      self.importInput.value = '';
      var data;
      try { data = JSON.parse(String(reader.result)); } catch (e) { return self.say(t.importBad); }
      self.loadSubmission(data, file.name);
    };
    reader.onerror = function () { self.say(t.importBad); };
    reader.readAsText(file);
  };

  ChecklistUI.prototype.loadSubmission = function (data, fileName) {
    var t = this.t;
    if (!isObject(data) || !isObject(data.values)) return this.say(t.importBad);
    if (data.form !== this.def.id) return this.say(fmt(t.importWrongForm, { form: String(data.form), id: this.def.id }));
    this.values = clone(data.values);
    this.filledBy = typeof data.filledBy === 'string' ? data.filledBy : '';
    this.filledByInput.value = this.filledBy;
    this.showAll = true;
    this.renderFields();
    this.refresh();
    this.save();
    var msg = fmt(t.imported, { file: fileName || '' });
    if (data.formVersion !== this.def.version) msg += ' ' + fmt(t.importVersion, { theirs: data.formVersion, ours: this.def.version });
    this.say(msg);
  };

  function initChecklists() {
    var handbook = global.HANDBOOK || {};
    var forms = handbook.forms || {};
    var sections = document.querySelectorAll('section.checklist[data-checklist]');
    api.instances = {};
    Array.prototype.forEach.call(sections, function (section) {
      var entry = forms[section.getAttribute('data-checklist')];
      if (!entry || !entry.definition) return;
      var ui = new ChecklistUI(section, entry, handbook);
      ui.mount();
      api.instances[entry.definition.id] = ui;
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', initChecklists);
  else initChecklists();
})(typeof window !== 'undefined' ? window : this);
