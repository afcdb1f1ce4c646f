"""End to end, on the REAL built handbook (site/05-complaints.html from file://): a person fills the
complaint-record form, meets the "solution within 3 working days" deadline error across the 2025
National Day holiday (official calendar), fixes it, exports the JSON, and the real checker
(.build/debug/handbook-check) accepts it; tampered copies are rejected with the right rule and clause.

Dates used (official 2025 calendar: 10-01…10-08 holidays, Sat 10-11 an adjusted working day):
verifiedAt Tue 2025-09-30 → working day 1 = Thu 10-09, 2 = Fri 10-10, 3 = Sat 10-11. So the deadline
is the end of Sat 2025-10-11: 10-13 is late, 10-11 is on time. (A naive Mon–Fri count would put the
deadline on Fri 10-03, and without the 调休 Saturday on Mon 10-13 — both would give other verdicts.)
"""
import json
import re
import urllib.parse

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import SITE, page_problems, run_axe
from e2e_helpers import full_page_screenshot, open_real, require_checker, require_site, run_checker, wait_for_download

PAGE = SITE / "05-complaints.html"
P = "cl-complaint-record-"
RULE = "solution-in-3-working-days"
LATE = "2025-10-13T09:00"
ON_TIME = "2025-10-11T16:00"


def by_id(d, id_):
    return d.find_element(By.ID, id_)


def scroll_to(d, el):
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
    return el


def click(d, id_):
    scroll_to(d, by_id(d, id_)).click()


def choose(d, field, value):
    """Clicks the radio / checkbox of `field` whose value is `value` (like a person clicking it)."""
    el = d.find_element(By.CSS_SELECTOR, f"input[name='{P}{field}'][value='{value}']")
    scroll_to(d, el).click()
    assert el.is_selected()


def type_into(d, id_, text):
    el = scroll_to(d, by_id(d, id_))
    el.click()
    el.clear()
    el.send_keys(text)
    el.send_keys(Keys.TAB)


def set_datetime(d, id_, local):
    """Chromium's datetime-local segments do not take chromedriver keystrokes reliably (tried: the
    value stays ""), so the value is set and the input/change events a person's edit fires are sent."""
    el = scroll_to(d, by_id(d, id_))
    d.execute_script(
        "const e = arguments[0]; e.focus(); e.value = arguments[1];"
        "e.dispatchEvent(new Event('input', {bubbles: true}));"
        "e.dispatchEvent(new Event('change', {bubbles: true})); e.blur();", el, local)
    assert el.get_attribute("value") == local


def fill_form(d):
    set_datetime(d, P + "receivedAt", "2025-09-29T09:00")
    type_into(d, P + "customerName", "华东建材有限公司")
    type_into(d, P + "contactPerson", "李工")
    type_into(d, P + "phone", "0571-8888 1234")
    choose(d, "kind", "受潮结块")
    type_into(d, P + "items-0-product", "P.O 42.5 袋装水泥")
    type_into(d, P + "items-0-batchNo", "B250920")
    type_into(d, P + "items-0-qty", "30")
    type_into(d, P + "description", "到货后约30吨受潮结块，客户要求处理。")
    set_datetime(d, P + "reportedAt", "2025-09-29T15:30")
    choose(d, "reportMethod", "电子邮件")
    for who in ("市场营销部负责人", "质检部负责人", "相关责任部门"):
        choose(d, "reportedTo", who)
    type_into(d, P + "responsibleDept", "储运部")
    choose(d, "siteVisitNeeded", "false")
    set_datetime(d, P + "verifiedAt", "2025-09-30T10:00")
    choose(d, "ourFault", "true")
    type_into(d, P + "solution", "更换受潮产品30吨，承担运费。")
    choose(d, "customerAccepted", "true")
    choose(d, "majorIncident", "false")
    type_into(d, P + "qcSign", "王质检")
    click(d, P + "qcSign-at")
    by_id(d, P + "qcSign-set").find_element(By.CSS_SELECTOR, ".cl-now").click()
    set_datetime(d, P + "filedAt", "2025-10-13T11:00")
    type_into(d, P + "csSign", "张客服")
    by_id(d, P + "csSign-set").find_element(By.CSS_SELECTOR, ".cl-now").click()
    type_into(d, P + "filledBy", "张客服")


def summary_links(d):
    summary = by_id(d, P + "summary")
    if not summary.is_displayed():
        return []
    return summary.find_elements(By.CSS_SELECTOR, "a")


@pytest.fixture(scope="module")
def checker():
    require_site()
    return require_checker()


def test_complaint_form_end_to_end(checker, tmp_path, output_dir):
    downloads = tmp_path / "dl"
    downloads.mkdir()
    d = open_real(PAGE, downloads=downloads)
    try:
        assert d.find_elements(By.CSS_SELECTOR, "#checklist-complaint-record .checklist-static") == []
        assert "UTC+08:00" in by_id(d, P + "receivedAt-offset").text
        assert not by_id(d, P + "solutionAt").is_displayed()
        fill_form(d)
        assert by_id(d, P + "solutionAt").is_displayed()

        # Late: Mon 2025-10-13, after the holiday → deadline error next to the field …
        set_datetime(d, P + "solutionAt", LATE)
        err = by_id(d, P + "solutionAt-error")
        WebDriverWait(d, 5).until(lambda _: err.text != "")
        assert "3个工作日内" in err.text, err.text
        assert by_id(d, P + "solutionAt").get_attribute("aria-invalid") == "true"
        cite = err.find_element(By.CSS_SELECTOR, "a.cl-cite")
        assert "第59条" in cite.text
        assert urllib.parse.unquote(cite.get_attribute("href")).endswith("05-complaints.html#第59条")
        # … and in the summary, linking to the field (live, before any 检查 click).
        summary = by_id(d, P + "summary")
        assert summary.is_displayed() and summary.get_attribute("role") == "alert"
        assert "3个工作日内" in summary.text, summary.text
        assert re.search(r"有 1 处需要修改", summary.text), summary.text  # the deadline is the only problem
        link = next(a for a in summary_links(d) if "3个工作日" in a.text or "解决方案提出时间" in a.text)
        d.execute_script("arguments[0].scrollIntoView({block: 'center'})", summary)
        d.save_screenshot(str(output_dir / "e2e-complaint-deadline-error.png"))
        link.click()
        assert d.switch_to.active_element.get_attribute("id") == P + "solutionAt"

        # On time: Sat 2025-10-11 is an adjusted working day (调休上班), the 3rd working day.
        set_datetime(d, P + "solutionAt", ON_TIME)
        WebDriverWait(d, 5).until(lambda _: by_id(d, P + "solutionAt-error").text == "")
        click(d, P + "check")
        assert not by_id(d, P + "summary").is_displayed(), by_id(d, P + "summary").text
        assert by_id(d, P + "solutionAt").get_attribute("aria-invalid") != "true"

        click(d, P + "export")
        exported = wait_for_download(downloads)
        assert "已导出" in by_id(d, P + "status").text and "问题" not in by_id(d, P + "status").text
        assert page_problems(d) == []
        # Pointer off the buttons: axe sees the resting state (the hover state has its own test below).
        ActionChains(d).move_to_element(by_id(d, P + "receivedAt-offset")).perform()
        violations = run_axe(d)
        assert violations == [], [(v["id"], [(n["target"], n.get("failureSummary", "")[:300]) for n in v["nodes"]][:5]) for v in violations]
    finally:
        d.quit()

    sub = json.loads(exported.read_text(encoding="utf-8"))
    forms = json.loads((SITE / "forms" / "definitions.json").read_text(encoding="utf-8"))["forms"]
    assert sub["form"] == "complaint-record" and sub["formVersion"] == 1
    assert sub["definitionHash"] == forms["complaint-record"]["hash"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", sub["filledAt"])
    v = sub["values"]
    assert v["receivedAt"] == "2025-09-29T09:00:00+08:00"
    assert v["verifiedAt"] == "2025-09-30T10:00:00+08:00"
    assert v["solutionAt"] == "2025-10-11T16:00:00+08:00"
    assert v["items"] == [{"product": "P.O 42.5 袋装水泥", "batchNo": "B250920", "qty": 30}]
    assert sorted(v["reportedTo"]) == sorted(["市场营销部负责人", "质检部负责人", "相关责任部门"])
    assert v["ourFault"] is True and v["siteVisitNeeded"] is False and v["kind"] == "受潮结块"
    assert v["qcSign"]["name"] == "王质检" and v["qcSign"]["signedAt"].endswith("+08:00")

    # The real checker accepts it: from content/, and from the built definitions.json.
    for extra in ([], ["--definitions", SITE / "forms" / "definitions.json"]):
        r = run_checker(*extra, exported)
        assert r.returncode == 0, r.stdout + r.stderr
        assert "ok" in r.stdout.lower(), r.stdout
        r = run_checker(*extra, "--format", "json", exported)
        assert r.returncode == 0, r.stdout + r.stderr
        report = json.loads(r.stdout)
        assert json.dumps(report).count(RULE) == 0

    # Tamper 1: solution moved past the deadline (Mon 2025-10-13) → exit 1, rule id, 第59条 + link.
    late = json.loads(json.dumps(sub))
    late["values"]["solutionAt"] = "2025-10-13T09:00:00+08:00"
    late_file = tmp_path / "late.json"
    late_file.write_text(json.dumps(late, ensure_ascii=False), encoding="utf-8")
    for extra in ([], ["--definitions", SITE / "forms" / "definitions.json"]):
        r = run_checker(*extra, late_file)
        assert r.returncode == 1, r.stdout + r.stderr
        out = r.stdout
        assert RULE in out, out
        assert "solutionAt" in out, out
        assert "第59条" in out, out
        assert "05-complaints.html#第59条" in urllib.parse.unquote(out) or "05-complaints.md#第59条" in out, out
        r = run_checker(*extra, "--format", "json", late_file)
        assert r.returncode == 1
        text = json.dumps(json.loads(r.stdout), ensure_ascii=False)
        assert RULE in text and "第59条" in text, text

    # The calendar matters: one minute before midnight of the 3rd working day is still on time.
    edge = json.loads(json.dumps(sub))
    edge["values"]["solutionAt"] = "2025-10-11T23:59:00+08:00"
    edge_file = tmp_path / "edge.json"
    edge_file.write_text(json.dumps(edge, ensure_ascii=False), encoding="utf-8")
    r = run_checker(edge_file)
    assert r.returncode == 0, r.stdout

    # Tamper 2: definitionHash changed → exit 1, problem on definitionHash (rule option).
    bad_hash = json.loads(json.dumps(sub))
    bad_hash["definitionHash"] = "0" * 64
    hash_file = tmp_path / "hash.json"
    hash_file.write_text(json.dumps(bad_hash, ensure_ascii=False), encoding="utf-8")
    r = run_checker("--format", "json", hash_file)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "definitionHash" in r.stdout, r.stdout

    # Unreadable input → exit 2.
    broken = tmp_path / "broken.json"
    broken.write_text(exported.read_text(encoding="utf-8")[:-5], encoding="utf-8")
    r = run_checker(broken)
    assert r.returncode == 2, r.stdout + r.stderr


def _contrast(d, el):
    """WCAG contrast ratio of an element's text colour against its own background colour."""
    return d.execute_script("""
        function rgb(s) { return s.match(/[\\d.]+/g).slice(0, 3).map(Number); }
        function lum(c) { c = c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
                          return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]; }
        const cs = getComputedStyle(arguments[0]);
        const a = lum(rgb(cs.color)), b = lum(rgb(cs.backgroundColor));
        return [(Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05), cs.color, cs.backgroundColor];""", el)


def test_export_button_readable_when_hovered(output_dir):
    """The export button is the primary action: its label must stay readable under the pointer."""
    require_site()
    d = open_real(PAGE)
    try:
        button = scroll_to(d, by_id(d, P + "export"))
        rest = _contrast(d, button)
        assert rest[0] >= 4.5, rest
        ActionChains(d).move_to_element(button).perform()
        d.execute_script("return new Promise(r => setTimeout(r, 300))")  # any transition
        d.save_screenshot(str(output_dir / "e2e-complaint-export-hover.png"))
        hovered = _contrast(d, button)
        assert hovered[0] >= 4.5, f"export button hovered: text {hovered[1]} on {hovered[2]} = {hovered[0]:.2f}:1"
    finally:
        d.quit()
