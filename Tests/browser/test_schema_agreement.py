"""Python `jsonschema` (Draft 2020-12) against handbook-check: do the emitted JSON Schemas agree with
the checker's STRUCTURAL verdicts?

STRUCTURAL problem rules (schema_tools.STRUCTURAL): `type`, `required`, `option`, `unknown` — JSON
types, required keys, allowed values (options / enums / form, formVersion constants), unknown keys.
Everything else (`range`, `format`, `count`, `calendar`, declared-rule ids) is excluded, even where
the schema expresses it. jsonschema errors are mapped to rules by keyword (schema_tools.schema_rules);
a multichoice element error (`field[i]`) is reported by the checker on the field itself, so schema
paths into a multichoice array are folded onto the field.

Two sources of cases:
* every shared vector (Tests/vectors/checklists/*.json): the vector's definition is built with the real
  generator into a throw-away one-page handbook (schema_tools.mini_build) to get the schema the build
  emits; handbook-check reads a definitions.json of the emitted shape whose hash is the vector's
  `hash` (or "*", the vectors' skip convention — the schema's definitionHash const is set the same way);
* the real forms (site/forms/<id>.schema.json + site/forms/definitions.json) on generated submissions
  (form_gen.py: one valid submission per form and ~60 single-change mutations each).

Per case and per path, the checker's structural rules must equal the schema's, unless the difference
is one of the APPROXIMATIONS below (each is documented in Sources/HandbookForms/JSONSchema.swift or
follows from the vector README's semantics). Anything else fails the test.
"""
import json
import re
from collections import Counter, defaultdict

import pytest
from jsonschema import Draft202012Validator

from conftest import REPO, SITE
from e2e_helpers import require_checker, require_site
import form_gen
import schema_tools as st

VECTORS = sorted((REPO / "Tests" / "vectors" / "checklists").glob("*.json"))


# ---------- definitions: field lookup by problem path ----------

def split_path(path):
    return [p for p in re.split(r"\.|\[\d+\]", path) if p]


def field_at(definition, path):
    """(field, parent group or None) for a problem path, or (None, None) for envelope/sub-keys."""
    fields, parent, field = definition.get("fields", []), None, None
    for part in split_path(path):
        f = next((x for x in fields if x.get("id") == part), None)
        if f is None:
            return (None, None) if field is None or field.get("type") != "signature" else (field, parent)
        parent, field = field, f
        fields = f.get("fields", [])
    return field, (parent if parent is not None and parent.get("type") == "group" else None)


def value_at(submission, path):
    node = submission.get("values") if isinstance(submission, dict) else None
    if path in ("form", "formVersion", "definitionHash", "handbookVersion", "filledAt", "filledBy", "values"):
        return submission.get(path, Ellipsis)
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if part.startswith("["):
            i = int(part[1:-1])
            if not isinstance(node, list) or i >= len(node):
                return Ellipsis
            node = node[i]
        else:
            if not isinstance(node, dict) or part not in node:
                return Ellipsis
            node = node[part]
    return node


def simple_condition(cond):
    return isinstance(cond, dict) and set(cond) in ({"field", "equals"}, {"field", "in"})


# ---------- the documented approximations ----------

def a_null(d, sub, path, chk, sch):
    """null is "not set" for the checker (required only if the field is required; otherwise nothing);
    the schema's types do not include null → `type`."""
    return value_at(sub, path) is None and chk <= {"required"} and sch == {"type"}


def a_is_set(d, sub, path, chk, sch):
    """"" and [] are "not set" for the checker (→ required, or nothing when not required); the schema
    cannot say "is set" (JSONSchema.swift: '"is set" … is not expressed'): it accepts "" for text
    and [] below minItems (count, not structural), and calls "" `option` for a choice (not in enum)."""
    return value_at(sub, path) in ("", []) and chk <= {"required"} and sch <= {"option"}


def a_conditional_required(d, sub, path, chk, sch):
    """A required field with `visibleIf`, or a `requiredIf` that is not a simple top-level
    equals/in condition (or sits in a group), is not in the schema's `required`."""
    f, group = field_at(d, path)
    if f is None or value_at(sub, path) is not Ellipsis or chk != {"required"} or sch:
        return False
    return bool(f.get("visibleIf")) or (bool(f.get("requiredIf")) and (group is not None or not simple_condition(f["requiredIf"])))


def a_check_true(d, sub, path, chk, sch):
    """A required check box must be `true`; the schema only says boolean."""
    f, _ = field_at(d, path)
    return f is not None and f["type"] == "check" and value_at(sub, path) is False and chk == {"required"} and not sch


def a_choice_object(d, sub, path, chk, sch):
    """choice without `other: true` given an object: the checker says `option` (vector README), the
    schema (type string + enum) can only say `type`."""
    f, _ = field_at(d, path)
    return (f is not None and f["type"] == "choice" and not f.get("other") and isinstance(value_at(sub, path), dict)
            and chk == {"option"} and sch <= {"type", "option"})


def visible_top_values(definition, values):
    """The top-level values the checker sees: hidden fields (visibleIf false, where a condition sees
    hidden fields as absent — README) removed; iterated to a fixpoint for chains."""
    seen = dict(values)
    for _ in range(len(definition.get("fields", [])) + 1):
        nxt = {k: v for k, v in values.items()
               if not any(f["id"] == k and f.get("visibleIf") and not form_gen.holds(f["visibleIf"], None, seen)
                          for f in definition.get("fields", []))}
        if nxt == seen:
            break
        seen = nxt
    return seen


def a_hidden(d, sub, path, chk, sch):
    """A field hidden by `visibleIf` is skipped entirely by the checker (and a hidden field counts as
    absent in every condition, so hiding chains); the schema does not express `visibleIf` and checks
    the value as if visible."""
    f, group = field_at(d, path)
    if f is None or not f.get("visibleIf") or chk:
        return False
    values = sub.get("values") if isinstance(sub.get("values"), dict) else {}
    if group is None:
        return split_path(path)[0] in values and split_path(path)[0] not in visible_top_values(d, values)
    m = re.match(r"([^.\[]+)(\[(\d+)\])?\.", path)
    g = values.get(m.group(1)) if m else None
    row = g[int(m.group(3))] if m and m.group(3) and isinstance(g, list) else g
    row = row if isinstance(row, dict) else None
    try:
        return not form_gen.holds(f["visibleIf"], row, visible_top_values(d, values))
    except (KeyError, TypeError):
        return False


def a_contains(d, sub, path, chk, sch):
    """`requiredIf: {field: M, equals: V}` on a multichoice M means "M contains V" (README); the
    schema's if/then uses `const`, i.e. array equality, so it does not require the field."""
    f, _ = field_at(d, path)
    if f is None or not simple_condition(f.get("requiredIf")) or chk != {"required"} or sch:
        return False
    ctrl, _ = field_at(d, f["requiredIf"]["field"])
    return ctrl is not None and ctrl["type"] == "multichoice"


def a_condition_on_hidden(d, sub, path, chk, sch):
    """`requiredIf` on a field whose controlling field is hidden: the checker sees the hidden field as
    absent (README), the schema's if/then sees its raw value."""
    f, _ = field_at(d, path)
    if f is None or not simple_condition(f.get("requiredIf")) or value_at(sub, path) is not Ellipsis:
        return False
    ctrl, _ = field_at(d, f["requiredIf"]["field"])
    return ctrl is not None and bool(ctrl.get("visibleIf")) and not chk and sch == {"required"}


# Not a predicate: "form-selects-definition" — handbook-check reads the definition named by the
# submission's `form`; when there is none usable (not an object, `form` missing / wrong type /
# unknown) the file is unreadable (exit 2) and nothing else is checked, while the schema reports every
# problem. Only the envelope verdict (`""` type, `form` required/type/option) is compared then.

APPROXIMATIONS = {
    "null-is-unset": a_null,
    "is-set": a_is_set,
    "conditional-required": a_conditional_required,
    "check-must-be-true": a_check_true,
    "choice-object-without-other": a_choice_object,
    "hidden-field": a_hidden,
    "condition-on-hidden-field": a_condition_on_hidden,
    "multichoice-equals-means-contains": a_contains,
}


# ---------- comparison ----------

def multichoice_paths(definition):
    out = set()
    for f in definition.get("fields", []):
        if f["type"] == "multichoice":
            out.add(re.escape(f["id"]))
        for c in f.get("fields", []) if f["type"] == "group" else []:
            if c["type"] == "multichoice":
                out.add(re.escape(f["id"]) + r"(\[\d+\])?\." + re.escape(c["id"]))
    return out


def by_path(problems, definition=None):
    fold = [re.compile(p + r"\[\d+\]$") for p in multichoice_paths(definition)] if definition else []
    out = defaultdict(set)
    for path, rule in problems:
        if rule not in st.STRUCTURAL:
            continue
        for rx in fold:
            if rx.match(path):
                path = path[: path.rindex("[")]
        out[path].add(rule)
    return out


def compare(definition, submission, checker_problems, schema, only=None):
    """([(path, checker rules, schema rules, approximation)], [unexplained …], agreeing paths)."""
    chk = by_path(checker_problems)
    sch = by_path(st.schema_problems(Draft202012Validator(schema), submission), definition)
    explained, unexplained, agreed = [], [], 0
    for path in sorted(set(chk) | set(sch)):
        if only is not None and path not in only:
            continue
        a, b = chk.get(path, set()), sch.get(path, set())
        if a == b:
            agreed += 1
            continue
        name = next((n for n, pred in APPROXIMATIONS.items() if pred(definition, submission, path, a, b)), None)
        (explained if name else unexplained).append((path, sorted(a), sorted(b), name))
    return explained, unexplained, agreed


def run_cases(cases, definitions_file, tmp_path):
    """cases: [(name, definition, submission, schema)] → summary dict; every case checked by the
    real handbook-check in one run."""
    folder = tmp_path / "subs"
    folder.mkdir(parents=True, exist_ok=True)
    for i, (name, _, sub, _) in enumerate(cases):
        (folder / f"{i:05d}.json").write_text(json.dumps(sub, ensure_ascii=False), encoding="utf-8")
    verdicts = st.check_many(definitions_file, sorted(folder.glob("*.json")))
    summary = {"cases": 0, "agreed_paths": 0, "explained": Counter(), "unexplained": [], "structural_cases": 0}
    for i, (name, definition, sub, schema) in enumerate(cases):
        problems = verdicts[f"{i:05d}.json"]
        only = None
        if isinstance(problems, tuple):  # unreadable: compare the envelope verdict only
            problems = st.unreadable_verdict(sub, problems[1])
            only = {problems[0][0]}
            summary["explained"]["form-selects-definition"] += 1
        explained, unexplained, agreed = compare(definition, sub, problems, schema, only)
        summary["cases"] += 1
        summary["agreed_paths"] += agreed
        summary["structural_cases"] += any(r in st.STRUCTURAL for _, r in problems)
        for e in explained:
            summary["explained"][e[3]] += 1
        summary["unexplained"] += [(name,) + u[:3] for u in unexplained]
    return summary


def report(title, s):
    print(f"\n{title}: {s['cases']} cases ({s['structural_cases']} with structural problems), "
          f"{s['agreed_paths']} agreeing paths; approximations used: {dict(s['explained'])}")
    for u in s["unexplained"]:
        print("  DISAGREE", u)


# ---------- tests ----------

@pytest.fixture(scope="module")
def tools():
    require_site()
    require_checker()
    assert st.BUILDER.exists(), "swift build first"


def test_vectors_agree(tools, tmp_path):
    groups = defaultdict(list)  # one mini build per distinct definition
    for path in VECTORS:
        v = json.loads(path.read_text(encoding="utf-8"))
        groups[json.dumps(v["definition"], sort_keys=True, ensure_ascii=False)].append((path.stem, v))
    assert len(VECTORS) >= 60
    total = {"cases": 0, "agreed_paths": 0, "explained": Counter(), "unexplained": [], "structural_cases": 0}
    for n, (key, vectors) in enumerate(groups.items()):
        definition = json.loads(key)
        schema, defs = st.mini_build(definition, tmp_path / f"build-{n}")
        # by hash: the vectors with a "hash" and those using "*" need different definitions files
        for want in sorted({v.get("hash", "*") for _, v in vectors}):
            tag = "star" if want == "*" else want[:8]
            defs_file = tmp_path / f"defs-{n}-{tag}.json"
            d = json.loads(json.dumps(defs))
            d["forms"][definition["id"]]["hash"] = want
            defs_file.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
            sch = json.loads(json.dumps(schema))
            sch["properties"]["definitionHash"] = {"const": want}
            cases = [(name, definition, v["submission"], sch) for name, v in vectors if v.get("hash", "*") == want]
            s = run_cases(cases, defs_file, tmp_path / f"run-{n}-{tag}")
            for k in ("cases", "agreed_paths", "structural_cases"):
                total[k] += s[k]
            total["explained"] += s["explained"]
            total["unexplained"] += s["unexplained"]
    report("shared vectors", total)
    assert total["cases"] == len(VECTORS)
    assert total["structural_cases"] >= 20
    assert total["unexplained"] == [], "\n".join(map(str, total["unexplained"]))


def test_real_forms_agree(tools, tmp_path):
    defs_file = SITE / "forms" / "definitions.json"
    defs = json.loads(defs_file.read_text(encoding="utf-8"))
    cases = []
    for fid, entry in sorted(defs["forms"].items()):
        schema = json.loads((SITE / entry["schema"]).read_text(encoding="utf-8"))
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        Draft202012Validator.check_schema(schema)
        base = form_gen.valid_submission(entry["definition"], entry["hash"])
        assert list(Draft202012Validator(schema).iter_errors(base)) == [], fid  # the generator is sound
        for label, sub in [("valid", base)] + form_gen.mutations(entry["definition"], base):
            cases.append((f"{fid}: {label}", entry["definition"], sub, schema))
    s = run_cases(cases, defs_file.resolve(), tmp_path)
    report("real forms", s)
    assert len(defs["forms"]) >= 15 and s["cases"] >= 15 * 30
    assert s["structural_cases"] >= s["cases"] // 2
    assert s["unexplained"] == [], "\n".join(map(str, s["unexplained"]))


def test_generated_valid_submissions_pass_the_checker(tools, tmp_path):
    """The generated base submissions have no structural problem for the checker either (so the
    mutations each test exactly one thing)."""
    defs_file = (SITE / "forms" / "definitions.json").resolve()
    defs = json.loads(defs_file.read_text(encoding="utf-8"))
    files = []
    for fid, entry in sorted(defs["forms"].items()):
        f = tmp_path / f"{fid}.json"
        f.write_text(json.dumps(form_gen.valid_submission(entry["definition"], entry["hash"]), ensure_ascii=False), encoding="utf-8")
        files.append(f)
    verdicts = st.check_many(defs_file, files)
    bad = {k: [p for p in v if p[1] in st.STRUCTURAL] for k, v in verdicts.items()}
    assert {k: v for k, v in bad.items() if v} == {}


def test_comparison_can_fail():
    """A schema that forgot a property (no additionalProperties verdict difference would go unseen)."""
    definition = {"id": "t", "version": 1, "fields": [{"id": "a", "type": "text", "label": "A", "required": True}]}
    sub = {"form": "t", "formVersion": 1, "definitionHash": "*", "filledAt": "2025-01-01T00:00:00+08:00",
           "filledBy": "x", "values": {"a": "ok", "b": 1}}
    lax_schema = {"type": "object", "properties": {"values": {"type": "object"}}}
    _, unexplained, _ = compare(definition, sub, [("b", "unknown")], lax_schema)
    assert unexplained == [("b", ["unknown"], [], None)]
