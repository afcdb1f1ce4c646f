"""Tools for test_schema_agreement.py: building the emitted schema/definitions for any checklist
definition (a throw-away one-page handbook built with the real `handbook build`), running
handbook-check on many submissions at once, and mapping jsonschema errors to checker rules."""
import json
import re
import shutil
import subprocess

from e2e_helpers import REPO, require_checker, run_checker

BUILDER = REPO / ".build" / "debug" / "handbook"

# The problem rules that count as STRUCTURAL: what a JSON Schema expresses about the shape of a
# submission — JSON types, required keys, allowed values (enums/options/constants), unknown keys.
# Not structural (excluded from the comparison even where the schema expresses them): range (number
# bounds, lengths, rating bounds), format (date/date-time/phone/email patterns), count (repeat and
# multichoice sizes), calendar, and every declared rule (deadline/order/atLeastOne/equalsWhen ids).
STRUCTURAL = {"type", "required", "option", "unknown"}


def cites_of(node, out):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "cite" and isinstance(v, str):
                out.add(v)
            cites_of(v, out)
    elif isinstance(node, list):
        for v in node:
            cites_of(v, out)
    return out


def mini_build(definition, folder):
    """Builds a one-checklist handbook in `folder` with the real generator; returns
    (schema dict, definitions.json dict). Every cited page/clause gets a stub heading."""
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "theme").exists():
        shutil.copytree(REPO / "theme", folder / "theme")
    shutil.copy(REPO / "handbook.yml", folder / "handbook.yml")
    content = folder / "content"
    if content.exists():
        shutil.rmtree(content)
    content.mkdir()
    pages = {}
    for cite in cites_of(definition, set()):
        page, _, anchor = cite.partition("#")
        pages.setdefault(page or "forms.md", set()).add(anchor)
    home = (definition.get("cite") or "forms.md").partition("#")[0] or "forms.md"
    pages.setdefault(home, set())
    for page, anchors in pages.items():
        body = f"---\ntitle: {page}\n---\n\n"
        for a in sorted(anchors):
            body += f"### {a} 条款\n\n正文。\n\n"
        if page == home:
            body += "```checklist\n" + json.dumps(definition, ensure_ascii=False) + "\n```\n"
        (content / page).write_text(body, encoding="utf-8")
    out = folder / "out"
    r = subprocess.run([str(BUILDER), "build", "--root", str(folder), "--output", str(out)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    defs = json.loads((out / "forms" / "definitions.json").read_text(encoding="utf-8"))
    entry = defs["forms"][definition["id"]]
    schema = json.loads((out / entry["schema"]).read_text(encoding="utf-8"))
    return schema, defs


def check_many(definitions_file, files):
    """{file name: [(path, rule), …]} from one `handbook-check --format json` run."""
    require_checker()
    r = run_checker("--definitions", definitions_file, "--format", "json", *files)
    assert r.returncode in (0, 1, 2), r.stdout + r.stderr
    report = json.loads(r.stdout)
    out = {}
    for f in report["files"]:
        if f["status"] == "unreadable":
            # handbook-check picks the definition by the submission's `form`: without a usable form
            # id (not an object, form missing / not a string / unknown) the file cannot be checked at
            # all (exit 2). The caller maps this onto the envelope verdict (see unreadable_verdict).
            out[pathlib_name(f["file"])] = ("unreadable", f["error"])
        else:
            assert f["status"] in ("valid", "invalid"), f
            out[pathlib_name(f["file"])] = [(p["path"], p["rule"]) for p in f.get("problems", [])]
    return out


def unreadable_verdict(submission, error):
    """The envelope verdict the schema gives for a submission the checker refused to read."""
    if not isinstance(submission, dict):
        return [("", "type")]
    form = submission.get("form")
    if form is None or form == "":
        return [("form", "required")]
    if not isinstance(form, str):
        return [("form", "type")]
    assert error.startswith("unknown form"), error
    return [("form", "option")]


def pathlib_name(path):
    return path.rsplit("/", 1)[-1]


def fmt_path(parts):
    """['values', 'items', 1, 'qty'] → 'items[1].qty'; envelope keys stay bare."""
    parts = list(parts)
    if parts and parts[0] == "values" and len(parts) > 1:
        parts = parts[1:]
    s = ""
    for p in parts:
        if isinstance(p, int):
            s += f"[{p}]"
        else:
            s += ("." if s else "") + p
    return s


def json_type(v):
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    if v is None:
        return "null"
    return {str: "string", list: "array", dict: "object"}[type(v)]


def schema_rules(error):
    """Maps one jsonschema ValidationError to [(path, rule)] in the checker's vocabulary.

    type → type; required → required at parent.key; additionalProperties → unknown at parent.key
    (one per extra key); enum/const → option, but type when the value's JSON type is not among the
    allowed values' types; oneOf (choice with `other`) → option for a string, type otherwise;
    minLength 1 (filledBy, signature name, other text) → required; uniqueItems → option;
    maxLength/minimum/maximum/exclusive* → range; pattern/format → format; minItems/maxItems → count."""
    path = list(error.absolute_path)
    kw = error.validator
    inst = error.instance
    if kw == "type":
        return [(fmt_path(path), "type")]
    if kw == "required":
        m = re.match(r"'(.+)' is a required property", error.message)
        return [(fmt_path(path + [m.group(1)]), "required")]
    if kw == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        return [(fmt_path(path + [k]), "unknown") for k in inst if k not in allowed]
    if kw in ("enum", "const"):
        allowed = error.validator_value if kw == "enum" else [error.validator_value]
        types = {json_type(a) for a in allowed}
        return [(fmt_path(path), "option" if json_type(inst) in types else "type")]
    if kw in ("oneOf", "anyOf"):
        return [(fmt_path(path), "option" if isinstance(inst, str) else "type")]
    if kw == "minLength" and error.validator_value == 1:
        return [(fmt_path(path), "required")]
    if kw == "uniqueItems":
        return [(fmt_path(path), "option")]
    if kw in ("maxLength", "minLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return [(fmt_path(path), "range")]
    if kw in ("pattern", "format"):
        return [(fmt_path(path), "format")]
    if kw in ("minItems", "maxItems"):
        return [(fmt_path(path), "count")]
    return [(fmt_path(path), "schema:" + kw)]


def schema_problems(validator, submission):
    out = []
    for e in validator.iter_errors(submission):
        out += schema_rules(e)
    return out
