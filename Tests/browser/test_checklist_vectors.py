"""Runs every checklist vector (Tests/vectors/checklists/*.json) through the page's
HandbookChecklist.validate and compares the {path, rule} multisets with `expected`.

A vector (see Tests/vectors/README.md) is {"name" or "description", "definition", "submission",
"expected": [{path, rule}, ...]}, optionally "hash" (the hash the build would emit; absent = "*",
skip the comparison), "now" (a later filledAt is a range problem) and "calendar" (else the real
holidays-cn data)."""
import json
import pathlib
from collections import Counter

import pytest

from conftest import REPO, page_problems, url_of

VECTORS = REPO / "Tests" / "vectors" / "checklists"
HARNESS = pathlib.Path(__file__).parent / "fixtures" / "forms" / "vectors.html"
HOLIDAYS = pathlib.Path("/work/shared/testdata/holidays-cn")


def handbook_calendar(folder=HOLIDAYS):
    """NateScarlet holiday-cn files → {"2025": {"holidays": [...], "workdays": [...]}} keyed by the file's year."""
    calendar = {}
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        days = data["days"]
        calendar[str(data["year"])] = {
            "holidays": [d["date"] for d in days if d["isOffDay"]],
            "workdays": [d["date"] for d in days if not d["isOffDay"]],
        }
    return calendar


def vector_files():
    return sorted(VECTORS.glob("*.json"))


@pytest.fixture(scope="module")
def harness():
    from conftest import make_driver
    d = make_driver()
    d.get(url_of(HARNESS))
    yield d
    d.quit()


def as_counter(problems):
    return Counter((p["path"], p["rule"]) for p in problems)


def test_vectors_exist():
    assert len([p for p in vector_files() if p.name.startswith("js-")]) >= 20


@pytest.mark.parametrize("path", vector_files(), ids=lambda p: p.stem)
def test_vector(harness, path):
    vector = json.loads(path.read_text(encoding="utf-8"))
    calendar = vector.get("calendar", handbook_calendar())
    expected_hash = vector.get("hash", "*")
    options = {"now": vector["now"]} if "now" in vector else {}
    problems = harness.execute_script(
        "return HandbookChecklist.validate(arguments[0], arguments[1], arguments[2], arguments[3], arguments[4]);",
        vector["definition"], vector["submission"], calendar, expected_hash, options)
    for p in problems:
        assert set(p) == {"path", "rule", "message"} and p["message"], p
    assert as_counter(problems) == as_counter(vector["expected"]), vector.get("name", vector.get("description", ""))


def test_harness_clean(harness):
    assert page_problems(harness) == []
