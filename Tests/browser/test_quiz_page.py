"""Quizzes on dev fixture pages: the self-check edition (quiz.html, quiz-seeded.html) and the
exam edition (quiz-exam.html, whose data carries no answers)."""
import json
import pathlib
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from conftest import make_driver, page_problems, run_axe, url_of

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "forms"
Q = "qz-complaints-quiz-"


def open_page(name, downloads=None, query="", width=1280):
    d = make_driver(width=width, downloads=downloads)
    d.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "Asia/Shanghai"})
    d.get(url_of(FIXTURES / name) + query)
    d.execute_script("localStorage.clear()")
    d.refresh()
    return d


@pytest.fixture
def selfcheck():
    d = open_page("quiz.html")
    yield d
    d.quit()


def by_id(d, id_):
    return d.find_element(By.ID, id_)


def option(d, qid, text):
    return d.find_element(By.CSS_SELECTOR, f"#{Q}{qid} input[value='{text}']")


def order_of(d, qid):
    return [li.get_attribute("data-item") for li in d.find_elements(By.CSS_SELECTOR, f"#{Q}{qid} .qz-order-item")]


def test_wrong_answer_shows_explanation_and_clause(selfcheck):
    d = selfcheck
    assert d.find_elements(By.CSS_SELECTOR, ".quiz-static") == []
    option(d, "q1", "12小时").click()
    by_id(d, Q + "q1-check").click()
    fb = by_id(d, Q + "q1-feedback")
    assert "qz-wrong" in fb.get_attribute("class")
    assert "✘" in fb.text and "回答错误" in fb.text  # not by colour alone
    assert "正确答案：24小时" in fb.text
    assert "第12条规定客服部门须在24小时内回应" in fb.text
    link = fb.find_element(By.CSS_SELECTOR, "a.cl-cite")
    assert link.get_attribute("href").endswith("04-inquiry.html#%E7%AC%AC12%E6%9D%A1")
    assert link.text == "依据 第12条"


def test_right_answers_marked_right(selfcheck):
    d = selfcheck
    option(d, "q1", "24小时").click()
    by_id(d, Q + "q1-check").click()
    fb = by_id(d, Q + "q1-feedback")
    assert "qz-right" in fb.get_attribute("class") and "✔" in fb.text and "回答正确" in fb.text
    # fill: full-width letters, spaces and case are normalised
    by_id(d, Q + "q6-fill").send_keys("ＣＯＭＰＬＡＩＮＴ－ｒｅｃｏｒｄ ")
    by_id(d, Q + "q6-check").click()
    assert "回答正确" in by_id(d, Q + "q6-feedback").text
    by_id(d, Q + "q5-fill").send_keys("普通 硅酸盐")
    by_id(d, Q + "q5-check").click()
    assert "回答正确" in by_id(d, Q + "q5-feedback").text
    # multiple with partial credit
    option(d, "q3", "受理时间").click()
    option(d, "q3", "客户名称").click()
    by_id(d, Q + "q3-check").click()
    assert "部分正确" in by_id(d, Q + "q3-feedback").text
    assert "得分：" in by_id(d, Q + "score").text
    assert page_problems(d) == []


def test_order_question_by_keyboard(selfcheck):
    d = selfcheck
    correct = ["受理登记", "调查核实", "判定责任", "提出方案", "回访"]
    assert sorted(order_of(d, "q2")) == sorted(correct)
    assert order_of(d, "q2") != correct
    # Keyboard only: focus a move button, press Enter/Space; focus follows the moved item.
    for target, item in enumerate(correct):
        pos = order_of(d, "q2").index(item)
        if pos == target:
            continue
        button = by_id(d, f"{Q}q2-up-{pos}")
        d.execute_script("arguments[0].focus()", button)
        while pos > target:
            d.switch_to.active_element.send_keys(Keys.ENTER if pos % 2 else Keys.SPACE)
            pos -= 1
            assert order_of(d, "q2")[pos] == item
            assert d.switch_to.active_element.get_attribute("id") in (f"{Q}q2-up-{pos}", f"{Q}q2-down-{pos}")
    assert order_of(d, "q2") == correct
    d.switch_to.active_element.send_keys(Keys.TAB)
    tries = 0
    while d.switch_to.active_element.get_attribute("id") != Q + "q2-check" and tries < 15:
        d.switch_to.active_element.send_keys(Keys.TAB)
        tries += 1
    d.switch_to.active_element.send_keys(Keys.ENTER)
    assert "回答正确" in by_id(d, Q + "q2-feedback").text


def test_seeded_shuffle_is_deterministic():
    orders = []
    for name, query in (("quiz-seeded.html", ""), ("quiz-seeded.html", ""), ("quiz.html", "?seed=7"), ("quiz.html", "?seed=8")):
        d = open_page(name, query=query)
        try:
            orders.append([[i.get_attribute("value") for i in d.find_elements(By.CSS_SELECTOR, f"#{Q}{q} .qz-input")]
                           + order_of(d, q) for q in ("q1", "q2", "q3")])
            assert page_problems(d) == []
        finally:
            d.quit()
    assert orders[0] == orders[1] == orders[2]  # data-shuffle-seed="7" and ?seed=7 agree
    assert orders[3] != orders[0]
    assert sorted(orders[0][0]) == sorted(["12小时", "24小时", "3个工作日", "一周"])


def test_selfcheck_axe_and_screenshot(selfcheck, output_dir):
    d = selfcheck
    option(d, "q1", "12小时").click()
    by_id(d, Q + "q1-check").click()
    by_id(d, Q + "check-all").click()
    assert "已检查 2 / 6 题" in by_id(d, Q + "score").text  # unanswered ones are not graded
    assert run_axe(d) == []
    d.set_window_size(1280, d.execute_script("return document.documentElement.scrollHeight") + 150)
    d.save_screenshot(str(output_dir / "quiz-selfcheck-1280.png"))
    assert page_problems(d) == []


def test_exam_edition_has_no_answers_and_exports(tmp_path, output_dir):
    downloads = tmp_path / "dl"
    downloads.mkdir()
    d = open_page("quiz-exam.html", downloads=downloads, width=390)
    try:
        data = d.execute_script("return JSON.stringify(HANDBOOK.quizzes)")
        assert '"answer"' not in data and '"explanation"' not in data
        assert d.execute_script("return HANDBOOK.edition") == "exam"
        assert d.find_elements(By.CSS_SELECTOR, ".qz-check, .qz-feedback") == []
        shown_order = order_of(d, "q2")
        assert shown_order == ["判定责任", "回访", "受理登记", "提出方案", "调查核实"]

        by_id(d, Q + "export").click()
        assert "姓名" in by_id(d, Q + "status").text
        by_id(d, Q + "name").send_keys("李明")
        by_id(d, Q + "employee").send_keys("E1024")
        option(d, "q1", "24小时").click()
        option(d, "q3", "负责人签字").click()
        option(d, "q3", "受理时间").click()
        option(d, "q4", "false").click()
        by_id(d, Q + "q5-fill").send_keys("普通硅酸盐")
        d.execute_script("arguments[0].focus()", by_id(d, Q + "q2-up-1"))
        d.switch_to.active_element.send_keys(Keys.ENTER)  # 回访 to the top
        # drafts survive a reload
        d.refresh()
        assert by_id(d, Q + "name").get_attribute("value") == "李明"
        assert option(d, "q1", "24小时").is_selected()
        assert order_of(d, "q2")[0] == "回访"
        assert run_axe(d) == []
        d.set_window_size(390, d.execute_script("return document.documentElement.scrollHeight") + 150)
        d.save_screenshot(str(output_dir / "quiz-exam-390.png"))

        by_id(d, Q + "export").click()
        end = time.time() + 10
        files = []
        while not files and time.time() < end:
            files = list(downloads.glob("*.json"))
            time.sleep(0.1)
        sheet = json.loads(files[0].read_text(encoding="utf-8"))
        assert files[0].name.startswith("complaints-quiz-E1024-")
        assert set(sheet) == {"quiz", "definitionHash", "name", "employeeNo", "startedAt", "finishedAt", "answers"}
        assert sheet["quiz"] == "complaints-quiz" and sheet["name"] == "李明" and sheet["employeeNo"] == "E1024"
        assert sheet["definitionHash"] == d.execute_script("return HANDBOOK.quizzes['complaints-quiz'].hash")
        assert sheet["startedAt"].endswith("+08:00") and sheet["finishedAt"] >= sheet["startedAt"]
        assert sheet["answers"] == {
            "q1": "24小时",
            "q2": ["回访", "判定责任", "受理登记", "提出方案", "调查核实"],
            "q3": ["受理时间", "负责人签字"],
            "q4": False,
            "q5": "普通硅酸盐",
        }
        assert page_problems(d) == []
    finally:
        d.quit()


def test_pure_helpers(selfcheck):
    d = selfcheck
    assert d.execute_script("return HandbookQuiz.normaliseFill('Ａ Ｂ　c１')") == "abc1"
    assert d.execute_script("return HandbookQuiz.shuffled([1,2,3,4,5], 42, 'q') ") == \
        d.execute_script("return HandbookQuiz.shuffled([1,2,3,4,5], 42, 'q') ")
    assert d.execute_script("return HandbookQuiz.grade({type:'multiple', answer:['A','C'], partialCredit:true}, ['A','B'])") == 0
    assert d.execute_script("return HandbookQuiz.grade({type:'multiple', answer:['A','C'], partialCredit:true}, ['A'])") == 0.5
