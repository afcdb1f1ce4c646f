/* Handbook checklists: a validator that twins the Swift checker (docs/blocks.md), and the
 * interactive form built from HANDBOOK.forms. The validator part touches no DOM, so tests can run
 * vectors through HandbookChecklist.validate directly. */
(function (global) {
  'use strict';

  var DAY_MS = 86400000;
  var DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
  var DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(Z|([+-])(\d{2}):(\d{2}))$/;
  var PHONE_RE = /^[0-9 +\-()]+$/;
  var EMAIL_RE = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
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

  /* RFC 3339 without fractional seconds: seconds are required, the offset is Z or ±HH:MM. */
  function parseDateTime(s) {
    if (typeof s !== 'string') return null;
    var m = DATETIME_RE.exec(s);
    if (!m) return null;
    var y = +m[1], mo = +m[2], d = +m[3], hh = +m[4], mi = +m[5], ss = +m[6];
    if (!validYMD(y, mo, d) || hh > 23 || mi > 59 || ss > 59) return null;
    var off = 0;
    if (m[7] !== 'Z') {
      var oh = +m[9], om = +m[10];
      if (oh > 23 || om > 59) return null;
      off = (m[8] === '-' ? -1 : 1) * (oh * 60 + om);
    }
    var localMs = Date.UTC(y, mo - 1, d, hh, mi, ss);
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

  function evalCondition(cond, scope) {
    if (!isObject(cond)) return true;
    if (Array.isArray(cond.all)) return cond.all.every(function (c) { return evalCondition(c, scope); });
    if (Array.isArray(cond.any)) return cond.any.some(function (c) { return evalCondition(c, scope); });
    var v = effectiveValue(scope, cond.field);
    if ('equals' in cond) return isSet(v) && deepEqual(v, cond.equals);
    if ('in' in cond) return isSet(v) && Array.isArray(cond['in']) && cond['in'].some(function (x) { return deepEqual(v, x); });
    if ('not' in cond) return !(isSet(v) && deepEqual(v, cond.not));
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
    if (field.type === 'group' && !field.repeat) {
      // A plain group only arranges its children: an absent one is an empty object.
      if (value === undefined || value === null) value = {};
      if (!isObject(value)) return this.add(path, 'type');
      return this.checkFields(field.fields || [], makeScope(field.fields, value, scope.parent || scope), path);
    }
    if (required) this.requiredPaths.push(path);
    if (!isSet(value)) {
      if (required) this.add(path, 'required');
      else if (field.type === 'group' && field.repeat) this.checkCount(field.repeat, 0, path);
      return;
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
      if (!isObject(value) || Object.keys(value).length !== 1 || !('other' in value)) return this.add(path, 'type');
      if (field.other !== true) return this.add(path, 'option');
      if (typeof value.other !== 'string') return this.add(path, 'type');
      if (value.other.trim() === '') this.add(path, 'required', this.text.otherText);
    },
    multichoice: function (field, value, path) {
      if (!Array.isArray(value)) return this.add(path, 'type');
      if (!value.every(function (x) { return typeof x === 'string'; })) return this.add(path, 'type');
      var options = field.options || [];
      var distinct = value.every(function (x, i) { return value.indexOf(x) === i; });
      if (!distinct || !value.every(function (x) { return options.indexOf(x) >= 0; })) return this.add(path, 'option');
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
      if (!EMAIL_RE.test(value)) this.add(path, 'format', this.text.formatEmail);
    },
    signature: function (field, value, path) {
      if (!isObject(value)) return this.add(path, 'type');
      var keys = Object.keys(value);
      if (keys.some(function (k) { return k !== 'name' && k !== 'signedAt'; })) return this.add(path, 'type');
      if ((isSet(value.name) && typeof value.name !== 'string') || (isSet(value.signedAt) && typeof value.signedAt !== 'string')) {
        return this.add(path, 'type');
      }
      if (!isSet(value.name) || value.name.trim() === '' || !isSet(value.signedAt)) {
        return this.add(path, 'required', this.text.signatureIncomplete);
      }
      if (!parseDateTime(value.signedAt)) this.add(path, 'format', this.text.formatDatetime);
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
        var fromMs = from.kind === 'datetime' ? from.ms : fromDay * DAY_MS - offset * 60000;
        var limitMs = fromMs + within.hours * 3600000;
        ok = to.kind === 'datetime' ? to.ms <= limitMs : toDay <= Math.floor((limitMs + offset * 60000) / DAY_MS);
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
      var first = parseMoment(effectiveValue(scope, rule.first));
      var then = parseMoment(effectiveValue(scope, rule.then));
      if (!first || !then) return;
      var ok;
      if (first.kind === 'datetime' && then.kind === 'datetime') {
        ok = then.ms >= first.ms;
      } else {
        var offset = first.kind === 'datetime' ? first.off : (then.kind === 'datetime' ? then.off : 0);
        ok = dayIn(then, offset) >= dayIn(first, offset);
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

  /* expectedHash: the hash the build emitted; null/undefined/"*" (or a submission hash of "*")
   * skips the comparison. Returns {problems, requiredPaths}. */
  function check(definition, submission, calendar, expectedHash, options) {
    var lang = options && options.lang;
    var checker = new Checker(definition, calendar, lang);
    var t = checker.text;
    if (!isObject(submission)) {
      checker.add('', 'type');
      return { problems: checker.problems, requiredPaths: [] };
    }
    if (!('form' in submission)) checker.add('', 'required');
    else if (typeof submission.form !== 'string') checker.add('', 'type');
    else if (submission.form !== definition.id) checker.add('', 'unknown', t.formMismatch);

    if (!('formVersion' in submission)) checker.add('', 'required');
    else if (typeof submission.formVersion !== 'number') checker.add('', 'type');
    else if (submission.formVersion !== definition.version) checker.add('', 'unknown', t.versionMismatch);

    var hash = submission.definitionHash;
    var skipHash = expectedHash === undefined || expectedHash === null || expectedHash === '*' || hash === '*';
    if (!skipHash) {
      if (hash === undefined) checker.add('', 'required');
      else if (typeof hash !== 'string') checker.add('', 'type');
      else if (hash !== expectedHash) checker.add('', 'unknown', t.hashMismatch);
    }
    ['handbookVersion', 'filledBy'].forEach(function (key) {
      if (key in submission && typeof submission[key] !== 'string') checker.add('', 'type');
    });
    if ('filledAt' in submission) {
      if (typeof submission.filledAt !== 'string') checker.add('', 'type');
      else if (!parseDateTime(submission.filledAt)) checker.add('', 'format', t.formatDatetime);
    }

    if (!('values' in submission)) {
      checker.add('', 'required');
      return { problems: checker.problems, requiredPaths: [] };
    }
    if (!isObject(submission.values)) {
      checker.add('', 'type');
      return { problems: checker.problems, requiredPaths: [] };
    }
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

  /*@@UI@@*/
})(typeof window !== 'undefined' ? window : this);
