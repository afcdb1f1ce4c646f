"""Generates submissions for a checklist definition: one valid submission (visible fields only, values
of the right shape) and structural mutations of it (wrong type, missing required, bad option, unknown
key, …), each labelled with what it changes."""
import copy
import json

DT = "2025-03-04T09:30:00+08:00"


def is_set(v):
    return v is not None and v != "" and v != []


def equals(a, b):
    if isinstance(a, list) and not isinstance(b, list):
        return any(equals(x, b) for x in a)
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return a == b


def holds(cond, row, top):
    if cond is None:
        return True
    if "all" in cond:
        return all(holds(c, row, top) for c in cond["all"])
    if "any" in cond:
        return any(holds(c, row, top) for c in cond["any"])
    f = cond["field"]
    scope = row if row is not None and f in row else top
    v = scope.get(f)
    if "equals" in cond:
        return v is not None and equals(v, cond["equals"])
    if "in" in cond:
        return v is not None and any(equals(v, x) for x in cond["in"])
    if "not" in cond:
        return v is None or not equals(v, cond["not"])
    if "isSet" in cond:
        return is_set(v) == cond["isSet"]
    raise ValueError(cond)


def value_for(field):
    t = field["type"]
    if t == "check":
        return True
    if t == "yesno":
        return True
    if t == "yesnona":
        return "yes"
    if t in ("text", "textarea"):
        return "样例文字"
    if t == "number":
        lo, hi = field.get("min"), field.get("max")
        v = lo if lo is not None else (hi if hi is not None and hi < 1 else 1)
        return int(v) if field.get("integer") else v
    if t == "date":
        return "2025-03-04"
    if t == "datetime":
        return DT
    if t == "choice":
        return field["options"][0]
    if t == "multichoice":
        n = max(field.get("minSelected", 1), 1)
        return field["options"][:n]
    if t == "rating":
        return 1
    if t == "phone":
        return "0571-8888 1234"
    if t == "email":
        return "kefu@example.cn"
    if t == "signature":
        return {"name": "张三", "signedAt": DT}
    if t == "group":
        n = field.get("repeat", {}).get("min", 1) or 1
        return [fill(field["fields"], top=None) for _ in range(n)] if "repeat" in field else fill(field["fields"], top=None)
    raise ValueError(t)


def fill(fields, top):
    """Values for `fields`; top=None means these are the top-level fields."""
    values = {}
    for f in fields:
        scope_top = values if top is None else top
        if not holds(f.get("visibleIf"), values if top is not None else None, scope_top):
            continue
        values[f["id"]] = value_for(f)
    return values


def valid_submission(definition, hash_):
    return {
        "form": definition["id"], "formVersion": definition["version"], "definitionHash": hash_,
        "handbookVersion": "2025.1", "filledAt": "2025-03-05T10:00:00+08:00", "filledBy": "张三",
        "values": fill(definition["fields"], None),
    }


def wrong_type(field):
    t = field["type"]
    if t in ("check", "yesno"):
        return "是"
    if t in ("number", "rating"):
        return "三"
    if t in ("multichoice",):
        return "x"
    if t in ("signature",):
        return "张三"
    if t == "group":
        return "x"
    return 12345


def mutations(definition, base):
    """[(label, submission)] — every mutation changes one thing of `base`."""
    out = []
    values = base["values"]

    def add(label, change):
        s = copy.deepcopy(base)
        change(s)
        out.append((label, s))

    for f in definition["fields"]:
        fid, t = f["id"], f["type"]
        if fid in values:
            add(f"{fid}: wrong type", lambda s, fid=fid, f=f: s["values"].__setitem__(fid, wrong_type(f)))
            add(f"{fid}: null", lambda s, fid=fid: s["values"].__setitem__(fid, None))
            add(f"{fid}: removed", lambda s, fid=fid: s["values"].pop(fid))
            if t in ("text", "textarea", "phone", "email", "date", "datetime", "choice"):
                add(f"{fid}: empty string", lambda s, fid=fid: s["values"].__setitem__(fid, ""))
            if t == "choice":
                add(f"{fid}: not an option", lambda s, fid=fid: s["values"].__setitem__(fid, "不存在的选项"))
                add(f"{fid}: other", lambda s, fid=fid: s["values"].__setitem__(fid, {"other": "其他说明"}))
                add(f"{fid}: empty other", lambda s, fid=fid: s["values"].__setitem__(fid, {"other": ""}))
            if t == "yesnona":
                add(f"{fid}: not an option", lambda s, fid=fid: s["values"].__setitem__(fid, "maybe"))
            if t == "multichoice":
                add(f"{fid}: not an option", lambda s, fid=fid, f=f: s["values"].__setitem__(fid, f["options"][: max(f.get("minSelected", 1), 1) - 1] + ["不存在的选项"]))
                add(f"{fid}: number element", lambda s, fid=fid, f=f: s["values"].__setitem__(fid, f["options"][: max(f.get("minSelected", 1), 1) - 1] + [7]))
                add(f"{fid}: empty list", lambda s, fid=fid: s["values"].__setitem__(fid, []))
            if t == "check":
                add(f"{fid}: false", lambda s, fid=fid: s["values"].__setitem__(fid, False))
            if t == "number" and f.get("integer"):
                add(f"{fid}: fraction", lambda s, fid=fid: s["values"].__setitem__(fid, 1.5))
            if t == "signature":
                add(f"{fid}: no name", lambda s, fid=fid: s["values"][fid].pop("name"))
                add(f"{fid}: extra key", lambda s, fid=fid: s["values"][fid].__setitem__("title", "经理"))
                add(f"{fid}: name number", lambda s, fid=fid: s["values"][fid].__setitem__("name", 7))
            if t == "group":
                rows = values[fid] if isinstance(values[fid], list) else [values[fid]]
                for c in f["fields"]:
                    cid = c["id"]
                    if cid in rows[0]:
                        def set_child(s, fid=fid, cid=cid, v=None, op="set"):
                            row = s["values"][fid][0] if isinstance(s["values"][fid], list) else s["values"][fid]
                            if op == "pop":
                                row.pop(cid)
                            else:
                                row[cid] = v
                        add(f"{fid}.{cid}: wrong type", lambda s, c=c, set_child=set_child: set_child(s, v=wrong_type(c)))
                        add(f"{fid}.{cid}: removed", lambda s, set_child=set_child: set_child(s, op="pop"))
                add(f"{fid}: unknown key in row", lambda s, fid=fid: (s["values"][fid][0] if isinstance(s["values"][fid], list) else s["values"][fid]).__setitem__("zzExtra", 1))
                if "repeat" in f:
                    add(f"{fid}: row not an object", lambda s, fid=fid: s["values"][fid].__setitem__(0, "行"))
        else:
            # a field the generator left out (hidden by visibleIf): give it a value anyway
            add(f"{fid}: value for hidden field", lambda s, fid=fid, f=f: s["values"].__setitem__(fid, value_for(f)))
    add("unknown value key", lambda s: s["values"].__setitem__("zzUnknown", "x"))
    add("unknown envelope key", lambda s: s.__setitem__("comment", "x"))
    add("form id wrong", lambda s: s.__setitem__("form", "other-form"))
    add("formVersion as string", lambda s: s.__setitem__("formVersion", str(s["formVersion"])))
    add("formVersion wrong", lambda s: s.__setitem__("formVersion", s["formVersion"] + 1))
    add("filledBy missing", lambda s: s.pop("filledBy"))
    add("filledBy empty", lambda s: s.__setitem__("filledBy", ""))
    add("values not an object", lambda s: s.__setitem__("values", []))
    add("handbookVersion number", lambda s: s.__setitem__("handbookVersion", 2025))
    return out
