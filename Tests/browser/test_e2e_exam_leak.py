"""The exam edition (site-exam/, `handbook build --edition exam --output site-exam`) leaks no answers.

The key is read from content/ (quiz_key.py, PyYAML). For every quiz, in the quiz page
(site-exam/quizzes/*.html, static markup and attributes) and in site-exam/assets/quizzes-data.js:
* no "answer" / "explanation" keys (textual scan, and a recursive walk over the parsed data);
* no explanation text (also scanned over every file of site-exam/, e.g. the search index);
* every answer string of every question (single/multiple answers, every accepted fill-in answer) occurs
  in that question's own output no more often than in its own prompt + options (+ items) — so an
  accepted fill-in answer that is not in the prompt never appears, and a right option is not repeated
  anywhere (data-correct attributes, hints…);
* an order question's items are not in the key's order (neither in the data nor in the static list).
Positive control: the same detectors do find the answers in the self-check edition (site/), so they
can fail. Also: exam chapter pages link to the quiz page instead of embedding the quiz.
"""
import html
import json
import re

import pytest

from conftest import SITE
from e2e_helpers import SITE_EXAM, require_site
import quiz_key

KEYS = quiz_key.quizzes()
DATA_PREFIX = "HANDBOOK.quizzes = "


def load_data(site):
    """{quiz id: entry} parsed from assets/quizzes-data.js (one `HANDBOOK.quizzes = {...};` line)."""
    text = (site / "assets" / "quizzes-data.js").read_text(encoding="utf-8")
    line = next(l for l in text.splitlines() if l.startswith(DATA_PREFIX))
    return text, json.loads(line[len(DATA_PREFIX):].rstrip().rstrip(";"))


def walk_keys(node, path=""):
    if isinstance(node, dict):
        for k, v in node.items():
            yield path + "." + k, k
            yield from walk_keys(v, path + "." + k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk_keys(v, f"{path}[{i}]")


def strings(node, skip=("id", "cite", "type")):
    if isinstance(node, dict):
        for k, v in node.items():
            if k not in skip:
                yield from strings(v, skip)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v, skip)
    elif isinstance(node, str):
        yield node


def allowed_text(q):
    """What a question legitimately shows: its prompt, options and items."""
    return "\n".join([str(q.get("prompt", ""))] + [str(o) for o in q.get("options", [])]
                     + [str(i) for i in q.get("items", [])])


def static_questions(page_html, quiz_id):
    """The per-question <li> blocks of the quiz's static markup (unescaped text incl. attributes)."""
    m = re.search(rf'<section class="quiz"[^>]*data-quiz="{re.escape(quiz_id)}".*?</section>', page_html, re.S)
    assert m, f"no quiz section for {quiz_id}"
    section = m.group(0)
    ol = re.search(r'<ol class="quiz-static-questions">(.*)</ol>', section, re.S)
    assert ol, "no static question list"
    items = re.split(r"\n(?=<li>)", ol.group(1).strip())
    return section, [html.unescape(i) for i in items]


def leaks(site):
    """Every leak found in `site`, as human-readable strings."""
    found = []
    data_text, data = load_data(site)
    for name in ('"answer"', '"explanation"', "'answer'", "answer:", '"answers"', '"accepted"'):
        if name in data_text:
            found.append(f"quizzes-data.js contains {name}")
    for path, k in walk_keys(data):
        if k.lower() in ("answer", "answers", "explanation", "accepted", "correct", "key", "solution"):
            found.append(f"quizzes-data.js key {path}")

    all_files = {p: p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*")
                 if p.is_file() and p.suffix in (".html", ".js", ".json")}
    all_text = {p: t + "\n" + html.unescape(t) for p, t in all_files.items()}

    for quiz_id, (stem, key) in KEYS.items():
        page = site / "quizzes" / f"{stem}.html"
        page_html = page.read_text(encoding="utf-8")
        for name in ('"answer"', '"explanation"', "data-answer", "data-correct"):
            if name in page_html:
                found.append(f"{page.name} contains {name}")
        entry = data.get(quiz_id)
        if entry is None:
            found.append(f"{quiz_id} missing from quizzes-data.js")
            continue
        data_questions = {q["id"]: q for q in entry["definition"]["questions"]}
        section, static = static_questions(page_html, quiz_id)
        assert len(static) == len(key["questions"]), (quiz_id, len(static))
        for n, q in enumerate(key["questions"]):
            qid, where = q["id"], f"{quiz_id}/{q['id']}"
            if q.get("explanation"):
                for p, t in all_text.items():
                    if q["explanation"] in t:
                        found.append(f"{where}: explanation text in {p.relative_to(site)}")
            dq = data_questions.get(qid, {})
            d_text = "\n".join(strings(dq))
            s_text = static[n]
            allowed = allowed_text(q)
            for a in quiz_key.yaml_answer_strings(q) if q["type"] != "order" else []:
                limit = allowed.count(a)
                if d_text.count(a) > limit:
                    found.append(f"{where}: answer {a!r} in quizzes-data.js {d_text.count(a)}× (prompt/options: {limit}×)")
                if s_text.count(a) > limit:
                    found.append(f"{where}: answer {a!r} in {page.name} static markup {s_text.count(a)}× (prompt/options: {limit}×)")
                if q["type"] == "fill" and a not in allowed:
                    norm = quiz_key.normalise_fill(a)
                    if any(quiz_key.normalise_fill(s) == norm for s in strings(dq)):
                        found.append(f"{where}: fill answer {a!r} (normalised) is a data string")
            if q["type"] == "order":
                want = [str(i) for i in q["items"]]
                if dq.get("items") == want:
                    found.append(f"{where}: order items in key order in quizzes-data.js")
                shown = re.findall(r"<li>([^<]*)</li>", s_text)
                if shown == want:
                    found.append(f"{where}: order items in key order in {page.name}")
                assert sorted(shown) == sorted(want), (where, shown)
    return found


def test_exam_edition_leaks_nothing():
    require_site(SITE_EXAM)
    _, data = load_data(SITE_EXAM)
    assert (SITE_EXAM / "assets" / "quizzes-data.js").read_text(encoding="utf-8").count('HANDBOOK.edition = "exam"') == 1
    assert set(data) == set(KEYS), "every quiz of content/ is in the exam data"
    found = leaks(SITE_EXAM)
    assert found == [], "\n".join(found)


def test_detector_finds_the_answers_in_the_selfcheck_edition():
    """Positive control: on site/ (self-check, answers included) the detectors fire for every quiz."""
    require_site()
    found = leaks(SITE)
    assert any('contains "answer"' in f for f in found)
    for quiz_id, (_, key) in KEYS.items():
        if any(q.get("explanation") for q in key["questions"]):
            assert any(f.startswith(f"{quiz_id}/") and "explanation text" in f for f in found), quiz_id
        for q in key["questions"]:
            if q["type"] == "fill" and any(str(a) not in allowed_text(q) for a in q["answer"]):
                assert any(f.startswith(f"{quiz_id}/{q['id']}: answer") for f in found), (quiz_id, q["id"])


def test_every_question_type_is_covered():
    """The leak checks above only mean something if the real key has each kind of question."""
    kinds = {q["type"] for _, key in KEYS.values() for q in key["questions"]}
    assert {"single", "multiple", "truefalse", "fill", "order"} <= kinds, kinds
    fills_not_in_prompt = [(i, q["id"]) for i, (_, key) in KEYS.items() for q in key["questions"]
                           if q["type"] == "fill" and any(str(a) not in allowed_text(q) for a in q["answer"])]
    assert fills_not_in_prompt


@pytest.mark.parametrize("quiz_id", sorted(KEYS))
def test_exam_chapter_page_links_to_quiz_page(quiz_id):
    require_site(SITE_EXAM)
    stem = KEYS[quiz_id][0]
    chapter = (SITE_EXAM / f"{stem}.html").read_text(encoding="utf-8")
    m = re.search(rf'<p class="quiz-exam-link"[^>]*>.*?<a href="quizzes/{re.escape(stem)}\.html">([^<]*)</a>', chapter, re.S)
    assert m, f"{stem}.html: no link to quizzes/{stem}.html"
    # The exam edition calls the quiz a test (测验), not a self-check (自测).
    assert m.group(1) == KEYS[quiz_id][1]["title"].replace("自测", "测验")
    assert (SITE_EXAM / "quizzes" / f"{stem}.html").exists()
    assert f'data-quiz="{quiz_id}"' not in chapter and "quiz-static" not in chapter
    for q in KEYS[quiz_id][1]["questions"]:
        assert str(q["prompt"]) not in chapter, (stem, q["id"])  # prompts live on the quiz page
    # The self-check chapter embeds the quiz instead.
    selfcheck = (SITE / f"{stem}.html").read_text(encoding="utf-8")
    assert f'data-quiz="{quiz_id}"' in selfcheck


def test_exam_chapter_link_in_browser(driver, output_dir):
    """In the browser: the exam chapter page shows the quiz link (no live quiz) and it opens the quiz page."""
    require_site(SITE_EXAM)
    from selenium.webdriver.common.by import By
    from conftest import page_problems, url_of
    driver.get(url_of(SITE_EXAM / "05-complaints.html"))
    assert driver.find_elements(By.CSS_SELECTOR, "section.quiz, .qz-input, .qz-check") == []
    link = driver.find_element(By.CSS_SELECTOR, "p.quiz-exam-link a")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
    assert link.is_displayed() and link.text == KEYS["complaints-quiz"][1]["title"].replace("自测", "测验")
    driver.save_screenshot(str(output_dir / "e2e-exam-chapter-link.png"))
    link.click()
    assert driver.current_url.endswith("/site-exam/quizzes/05-complaints.html")
    assert driver.find_elements(By.CSS_SELECTOR, "section.quiz[data-quiz='complaints-quiz'] .qz-export")
    assert page_problems(driver) == []
