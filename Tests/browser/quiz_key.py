"""The quiz answer keys, read straight from content/*.md (```quiz blocks) with PyYAML, and an
independent grader written from docs/blocks.md + the documented partial-credit rule
(multiple with partialCredit: max(0, (right picks − wrong picks) / number of right options))."""
import re
import unicodedata

import yaml

from e2e_helpers import CONTENT

FENCE = re.compile(r"^```quiz[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)


def quizzes():
    """{quiz id: (page stem, definition dict)} for every quiz block in content/."""
    out = {}
    for md in sorted(CONTENT.glob("**/*.md")):
        for block in FENCE.findall(md.read_text(encoding="utf-8")):
            q = yaml.safe_load(block)
            out[q["id"]] = (md.stem, q)
    return out


def normalise_fill(s):
    """NFKC, lower case, whitespace removed (as the page and the checker normalise fill answers)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(s))).lower()


def yaml_answer_strings(q):
    """Every answer string of a question, as text (what must not leak into the exam edition)."""
    t = q["type"]
    a = q.get("answer")
    if t == "single":
        return [str(a)]
    if t == "multiple":
        return [str(x) for x in a]
    if t == "fill":
        return [str(x) for x in a]
    if t == "truefalse":
        return []  # true/false: the options are the two booleans, nothing to leak as text
    if t == "order":
        return [str(x) for x in q["items"]]
    raise ValueError(t)


def credit(q, given):
    """0…1 credit for one answer."""
    if given is None:
        return 0.0
    t = q["type"]
    if t in ("single", "truefalse"):
        return 1.0 if given == q["answer"] else 0.0
    if t == "fill":
        return 1.0 if normalise_fill(given) in {normalise_fill(a) for a in q["answer"]} else 0.0
    if t == "order":
        return 1.0 if list(given) == [str(x) for x in q["items"]] else 0.0
    if t == "multiple":
        right = set(q["answer"])
        picks = set(given)
        if picks == right:
            return 1.0
        if not q.get("partialCredit"):
            return 0.0
        return max(0.0, (len(picks & right) - len(picks - right)) / len(right))
    raise ValueError(t)


def grade(quiz, answers):
    """(points, max points, percent, passed) for an answers dict."""
    points = maxp = 0.0
    for q in quiz["questions"]:
        w = q.get("weight", 1)
        maxp += w
        points += w * credit(q, answers.get(q["id"]))
    percent = 100.0 * points / maxp if maxp else 0.0
    return points, maxp, percent, percent >= quiz.get("passMark", 0)
