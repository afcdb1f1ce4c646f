"""End to end quizzes on the REAL built handbook.

Self-check edition (site/quizzes/05-complaints.html): a wrong answer shows the explanation from
content/ and a clause link that really lands on the clause heading of the chapter page.
Exam edition (site-exam/quizzes/05-complaints.html): a trainee enters 姓名/工号, answers every question
(some right, some wrong, one partly right — decided from the key read from content/ with PyYAML),
reloads (the draft survives), exports the answer sheet; `handbook-check quiz` grades it to the score an
independent grader (quiz_key.py) computes, in text, JSON and CSV (UTF-8 BOM). Tampered sheets → exit 2.
"""
import csv
import io
import json
import re
import urllib.parse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import SITE, page_problems, run_axe
from e2e_helpers import SITE_EXAM, full_page_screenshot, open_real, require_checker, require_site, run_checker, wait_for_download
import quiz_key

QUIZ_ID = "complaints-quiz"
Q = f"qz-{QUIZ_ID}-"
KEY = quiz_key.quizzes()[QUIZ_ID][1]
QUESTIONS = {q["id"]: q for q in KEY["questions"]}


def by_id(d, id_):
    return d.find_element(By.ID, id_)


def scrolled(d, el):
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
    return el


def option(d, qid, value):
    return d.find_element(By.CSS_SELECTOR, f"#{Q}{qid} input[value='{value}']")


def order_of(d, qid):
    return [li.get_attribute("data-item") for li in d.find_elements(By.CSS_SELECTOR, f"#{Q}{qid} .qz-order-item")]


def wrong_option(q):
    return next(o for o in q["options"] if o != q["answer"])


def put_in_order(d, qid, wanted):
    """Clicks the 上移 buttons like a person until the list reads `wanted`."""
    for target, item in enumerate(wanted):
        pos = order_of(d, qid).index(item)
        while pos > target:
            scrolled(d, by_id(d, f"{Q}{qid}-up-{pos}")).click()
            pos -= 1
            assert order_of(d, qid)[pos] == item
    assert order_of(d, qid) == wanted


def answer_all(d):
    """Answers every question of the key; returns the answers dict we expect in the sheet.
    Plan (by question type, so it follows the key): fill right (typed in full-width digits),
    multiple partly right (the first two right options only), order right, the 1st and 3rd single
    questions wrong and the others right, truefalse right."""
    expected = {}
    singles = 0
    for q in KEY["questions"]:
        qid, t = q["id"], q["type"]
        if t == "fill":
            text = str(q["answer"][0]).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
            box = scrolled(d, by_id(d, f"{Q}{qid}-fill"))
            box.send_keys(text)
            expected[qid] = text
        elif t == "multiple":
            picks = q["answer"][:2]
            for p in picks:
                scrolled(d, option(d, qid, p)).click()
            expected[qid] = sorted(picks, key=q["options"].index)
        elif t == "order":
            put_in_order(d, qid, [str(x) for x in q["items"]])
            expected[qid] = [str(x) for x in q["items"]]
        elif t == "single":
            pick = wrong_option(q) if singles in (0, 2) else q["answer"]
            singles += 1
            scrolled(d, option(d, qid, pick)).click()
            expected[qid] = pick
        elif t == "truefalse":
            scrolled(d, option(d, qid, "true" if q["answer"] else "false")).click()
            expected[qid] = q["answer"]
    return expected


@pytest.fixture(scope="module")
def checker():
    require_site()
    require_site(SITE_EXAM)
    return require_checker()


# ---------- self-check edition ----------

def test_selfcheck_wrong_answer_explains_and_links_to_clause(output_dir):
    require_site()
    d = open_real(SITE / "quizzes" / "05-complaints.html")
    try:
        q = next(q for q in KEY["questions"] if q["type"] == "single")
        qid = q["id"]
        assert d.find_elements(By.CSS_SELECTOR, ".quiz-static") == []
        scrolled(d, option(d, qid, wrong_option(q))).click()
        by_id(d, f"{Q}{qid}-check").click()
        fb = by_id(d, f"{Q}{qid}-feedback")
        assert "qz-wrong" in fb.get_attribute("class")
        assert "✘" in fb.text and "回答错误" in fb.text
        assert "正确答案：" + q["answer"] in fb.text, fb.text
        assert q["explanation"] in fb.text, fb.text
        clause = q["cite"].split("#", 1)[1]
        link = fb.find_element(By.CSS_SELECTOR, "a.cl-cite")
        assert link.text == "依据 " + clause
        href = urllib.parse.unquote(link.get_attribute("href"))
        assert href.endswith("/site/05-complaints.html#" + clause) or href.endswith("05-complaints.html#" + clause), href
        assert "/quizzes/05-complaints.html" not in href  # "#第N条" is the chapter's clause, not an anchor on the quiz page
        d.set_window_size(1280, 900)
        scrolled(d, fb)
        d.save_screenshot(str(output_dir / "e2e-quiz-selfcheck-explanation.png"))
        assert page_problems(d) == []
        assert run_axe(d) == []

        # Follow the link: the chapter page opens at the clause heading, in view below the header.
        link.click()
        WebDriverWait(d, 10).until(lambda x: x.execute_script("return document.readyState") == "complete")
        assert urllib.parse.unquote(d.current_url).endswith("/05-complaints.html#" + clause)
        heading = d.find_element(By.ID, clause)
        assert heading.tag_name in ("h2", "h3", "h4")
        assert heading.text.startswith(clause)
        top = d.execute_script("return arguments[0].getBoundingClientRect().top", heading)
        header = d.execute_script("const h = document.querySelector('.site-header'); return h ? h.getBoundingClientRect().bottom : 0")
        assert header - 2 <= top < 300, (top, header)
        assert page_problems(d) == []
    finally:
        d.quit()


def test_selfcheck_right_answers_and_score():
    """Answering the whole quiz in the self-check edition scores what the key says."""
    require_site()
    d = open_real(SITE / "quizzes" / "05-complaints.html")
    try:
        given = answer_all(d)
        by_id(d, Q + "check-all").click()
        points, maxp, percent, _ = quiz_key.grade(KEY, given)
        score = by_id(d, Q + "score").text
        assert f"已检查 {len(KEY['questions'])} / {len(KEY['questions'])} 题" in score, score
        assert f"{round(percent)}%" in score, (score, percent)
        for q in KEY["questions"]:
            fb = by_id(d, f"{Q}{q['id']}-feedback").text
            c = quiz_key.credit(q, given[q["id"]])
            word = "回答正确" if c == 1 else ("部分正确" if c > 0 else "回答错误")
            assert word in fb, (q["id"], fb)
        assert page_problems(d) == []
    finally:
        d.quit()


# ---------- exam edition ----------

def test_exam_sheet_graded_by_checker(checker, tmp_path, output_dir):
    downloads = tmp_path / "dl"
    downloads.mkdir()
    d = open_real(SITE_EXAM / "quizzes" / "05-complaints.html", downloads=downloads)
    try:
        assert d.execute_script("return HANDBOOK.edition") == "exam"
        assert d.find_elements(By.CSS_SELECTOR, ".qz-check, .qz-feedback") == []
        by_id(d, Q + "name").send_keys("李明")
        by_id(d, Q + "employee").send_keys("E1024")
        expected = answer_all(d)
        assert set(expected) == set(QUESTIONS)

        d.refresh()  # the draft survives a reload
        assert by_id(d, Q + "name").get_attribute("value") == "李明"
        assert by_id(d, Q + "employee").get_attribute("value") == "E1024"
        for qid, v in expected.items():
            t = QUESTIONS[qid]["type"]
            if t == "fill":
                assert by_id(d, f"{Q}{qid}-fill").get_attribute("value") == v
            elif t == "order":
                assert order_of(d, qid) == v
            elif t == "multiple":
                assert [o for o in QUESTIONS[qid]["options"] if option(d, qid, o).is_selected()] == v
            else:
                assert option(d, qid, str(v).lower() if isinstance(v, bool) else v).is_selected(), qid
        assert run_axe(d) == []
        full_page_screenshot(d, output_dir / "e2e-quiz-exam.png")
        d.set_window_size(1280, 900)

        scrolled(d, by_id(d, Q + "export")).click()
        sheet_file = wait_for_download(downloads)
        assert re.fullmatch(rf"{QUIZ_ID}-E1024-\d{{8}}-\d{{4}}\.json", sheet_file.name), sheet_file.name
        assert page_problems(d) == []
    finally:
        d.quit()

    sheet = json.loads(sheet_file.read_text(encoding="utf-8"))
    assert sheet["quiz"] == QUIZ_ID and sheet["name"] == "李明" and sheet["employeeNo"] == "E1024"
    assert sheet["startedAt"].endswith("+08:00") and sheet["finishedAt"].endswith("+08:00")
    assert sheet["answers"]["q1" if "q1" in expected else next(iter(expected))] is not None
    for qid, v in expected.items():
        got = sheet["answers"][qid]
        if QUESTIONS[qid]["type"] == "multiple":
            assert sorted(got) == sorted(v), qid
        else:
            assert got == v, qid

    points, maxp, percent, passed = quiz_key.grade(KEY, sheet["answers"])
    # The plan is not trivially all-right or all-wrong, and includes partial credit.
    assert 0 < points < maxp and points != int(points)

    r = run_checker("quiz", sheet_file)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"得分 {percent:.1f}%" in r.stdout, (r.stdout, percent)
    assert ("及格" if passed else "不及格") in r.stdout
    for q in KEY["questions"]:
        wrong = quiz_key.credit(q, sheet["answers"].get(q["id"])) < 1
        assert (f"✗ {q['id']} " in r.stdout) == wrong, (q["id"], r.stdout)

    r = run_checker("quiz", "--format", "json", sheet_file)
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout)["submissions"][0]["result"]
    assert result["points"] == pytest.approx(points) and result["maxPoints"] == maxp
    assert result["percent"] == pytest.approx(percent) and result["passed"] == passed
    for qr in result["questions"]:
        assert qr["credit"] == pytest.approx(quiz_key.credit(QUESTIONS[qr["id"]], sheet["answers"].get(qr["id"]))), qr

    r = subprocess_bytes("quiz", "--format", "csv", sheet_file)
    assert r.returncode == 0
    assert r.stdout.startswith(b"\xef\xbb\xbf"), r.stdout[:10]
    rows = list(csv.reader(io.StringIO(r.stdout[3:].decode("utf-8"))))
    header, row = rows[0], next(x for x in rows[1:] if "E1024" in x)
    assert f"{percent:.1f}" in row, (header, row)
    assert ("及格" if passed else "不及格") in row

    # ---- tampered sheets → exit 2 with a clear message ----
    def tampered(name, text):
        f = tmp_path / name
        f.write_text(text, encoding="utf-8")
        return f

    unknown = dict(sheet, answers=dict(sheet["answers"], q99="x"))
    f = tampered("unknown.json", json.dumps(unknown, ensure_ascii=False))
    r = run_checker("quiz", f)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "q99" in r.stdout + r.stderr

    bad_hash = dict(sheet, definitionHash="0" * 64)
    f = tampered("hash.json", json.dumps(bad_hash, ensure_ascii=False))
    r = run_checker("quiz", f)
    assert r.returncode == 2, r.stdout + r.stderr
    assert re.search(r"hash|哈希|definitionHash|版本|不一致|不符", r.stdout + r.stderr, re.I), r.stdout + r.stderr

    f = tampered("malformed.json", sheet_file.read_text(encoding="utf-8").rstrip()[:-1])
    r = run_checker("quiz", f)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "malformed.json" in r.stdout + r.stderr
    assert re.search(r"JSON", r.stdout + r.stderr), r.stdout + r.stderr

    # a good and a tampered sheet together: still exit 2 (some submission was tampered)
    r = run_checker("quiz", sheet_file, tmp_path / "hash.json")
    assert r.returncode == 2


def subprocess_bytes(*args):
    import subprocess
    from e2e_helpers import CHECKER, REPO
    return subprocess.run([str(CHECKER), *map(str, args)], cwd=REPO, capture_output=True, timeout=120)
