"""The complaint-record checklist on a dev fixture page (fixtures/forms/complaint.html), opened from
disk under the page CSP: filling, live validation with working days, export/import, drafts,
keyboard use of repeat groups, accessibility and screenshots."""
import json
import pathlib
import re
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import make_driver, page_problems, run_axe, url_of

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "forms"
PAGE = FIXTURES / "complaint.html"
P = "cl-complaint-record-"


def open_page(downloads=None, width=1280, page=PAGE, fresh=True):
    d = make_driver(width=width, downloads=downloads)
    d.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "Asia/Shanghai"})
    d.get(url_of(page))
    if fresh:
        d.execute_script("localStorage.clear()")
        d.refresh()
    return d


@pytest.fixture
def page():
    d = open_page()
    yield d
    d.quit()


def by_id(d, id_):
    return d.find_element(By.ID, id_)


def set_local(d, id_, value):
    """Date pickers are not typed into reliably; set the value and fire the events a user would."""
    d.execute_script(
        "const e = document.getElementById(arguments[0]); e.value = arguments[1];"
        "e.dispatchEvent(new Event('input', {bubbles: true})); e.dispatchEvent(new Event('change', {bubbles: true}));",
        id_, value)


def type_into(d, id_, text):
    el = by_id(d, id_)
    el.clear()
    el.send_keys(text)
    el.send_keys(Keys.TAB)


def error_text(d, path):
    return by_id(d, P + path + "-error").text


def fill_valid(d):
    set_local(d, P + "receivedAt", "2025-01-24T10:00")
    type_into(d, P + "customer", "华东建材有限公司")
    type_into(d, P + "phone", "0571-8888 1234")
    by_id(d, P + "kind").click()  # 产品质量
    type_into(d, P + "items-0-product", "P.O 42.5")
    by_id(d, P + "ourFault").click()  # 是
    by_id(d, P + "confirmed").click()
    type_into(d, P + "manager", "王经理")
    by_id(d, P + "manager").find_element(By.XPATH, "ancestor::fieldset[1]").find_element(By.CSS_SELECTOR, ".cl-now").click()
    type_into(d, P + "filledBy", "张三")


def wait_for_download(folder, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        files = [p for p in folder.iterdir() if p.suffix == ".json"]
        if files:
            return files[0]
        time.sleep(0.1)
    raise AssertionError("no download in " + str(folder))


def test_static_part_replaced(page):
    assert page.find_elements(By.CSS_SELECTOR, ".checklist-static") == []
    assert page.find_element(By.CSS_SELECTOR, "#checklist-complaint-record form.checklist-form")
    assert by_id(page, P + "progress").text == "已完成 0 / 7 项必填"
    label = page.find_element(By.CSS_SELECTOR, f"label[for='{P}receivedAt']")
    assert "投诉受理时间" in label.text
    assert P + "receivedAt-help" in by_id(page, P + "receivedAt").get_attribute("aria-describedby")
    assert "UTC+08:00" in by_id(page, P + "receivedAt-offset").text
    # solutionAt is visible only when ourFault = 是
    assert not by_id(page, P + "solutionAt").is_displayed()
    assert page_problems(page) == []


def test_fill_deadline_fix_export_import(tmp_path):
    downloads = tmp_path / "dl"
    downloads.mkdir()
    d = open_page(downloads=downloads)
    try:
        fill_valid(d)
        assert by_id(d, P + "solutionAt").is_displayed()
        # 2025-01-24 (Fri) + 3 working days, Spring Festival: deadline 2025-02-05; 02-06 is late.
        set_local(d, P + "solutionAt", "2025-02-06T09:00")
        err = error_text(d, "solutionAt")
        assert "3个工作日内" in err
        link = by_id(d, P + "solutionAt-error").find_element(By.CSS_SELECTOR, "a.cl-cite")
        assert link.get_attribute("href").endswith("complaint.html#%E7%AC%AC32%E6%9D%A1")
        assert by_id(d, P + "solutionAt").get_attribute("aria-invalid") == "true"
        summary = by_id(d, P + "summary")
        assert summary.is_displayed() and summary.get_attribute("role") == "alert"
        summary.find_element(By.TAG_NAME, "a").click()
        assert d.switch_to.active_element.get_attribute("id") == P + "solutionAt"

        set_local(d, P + "solutionAt", "2025-02-05T17:00")
        assert error_text(d, "solutionAt") == ""
        assert not by_id(d, P + "summary").is_displayed()
        assert by_id(d, P + "progress").text == "已完成 8 / 8 项必填"

        by_id(d, P + "export").click()
        exported = wait_for_download(downloads)
        assert re.fullmatch(r"complaint-record-\d{8}-\d{4}\.json", exported.name)
        sub = json.loads(exported.read_text(encoding="utf-8"))
        assert sub["form"] == "complaint-record" and sub["formVersion"] == 1
        assert sub["definitionHash"] == d.execute_script("return HANDBOOK.forms['complaint-record'].hash")
        assert sub["handbookVersion"] == "2025.1"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", sub["filledAt"])
        assert sub["filledBy"] == "张三"
        values = sub["values"]
        assert values["receivedAt"] == "2025-01-24T10:00:00+08:00"
        assert values["solutionAt"] == "2025-02-05T17:00:00+08:00"
        assert values["items"] == [{"product": "P.O 42.5"}]
        assert values["kind"] == "产品质量" and values["ourFault"] is True and values["confirmed"] is True
        assert values["manager"]["name"] == "王经理" and values["manager"]["signedAt"].endswith("+08:00")
        problems = d.execute_script(
            "const f = HANDBOOK.forms['complaint-record'];"
            "return HandbookChecklist.validate(f.definition, arguments[0], HANDBOOK.calendar, f.hash);", sub)
        assert problems == []

        # Clear (confirm), then import the exported file back.
        by_id(d, P + "clear").click()
        d.switch_to.alert.accept()
        assert by_id(d, P + "customer").get_attribute("value") == ""
        assert by_id(d, P + "progress").text == "已完成 0 / 7 项必填"
        by_id(d, P + "import").send_keys(str(exported))
        WebDriverWait(d, 5).until(lambda x: by_id(x, P + "customer").get_attribute("value") == "华东建材有限公司")
        assert by_id(d, P + "solutionAt").get_attribute("value") == "2025-02-05T17:00"
        assert by_id(d, P + "filledBy").get_attribute("value") == "张三"
        assert by_id(d, P + "progress").text == "已完成 8 / 8 项必填"

        # A record of another form is refused with a message.
        other = tmp_path / "other.json"
        other.write_text(json.dumps({"form": "site-visit", "formVersion": 1, "values": {}}), encoding="utf-8")
        by_id(d, P + "import").send_keys(str(other))
        WebDriverWait(d, 5).until(lambda x: "site-visit" in by_id(x, P + "status").text)
        assert by_id(d, P + "customer").get_attribute("value") == "华东建材有限公司"
        assert page_problems(d) == []
    finally:
        d.quit()


def test_autosave_survives_reload():
    d = open_page()
    try:
        type_into(d, P + "customer", "草稿客户")
        by_id(d, P + "channels").click()
        assert json.loads(d.execute_script("return localStorage.getItem('handbook:draft:complaint-record:1')"))["values"]["customer"] == "草稿客户"
        d.refresh()
        assert by_id(d, P + "customer").get_attribute("value") == "草稿客户"
        assert by_id(d, P + "channels").is_selected()
        assert "草稿" in by_id(d, P + "status").text
        assert page_problems(d) == []
    finally:
        d.quit()


def tab_until(d, target_id, limit=25, shift=False):
    for _ in range(limit):
        if d.switch_to.active_element.get_attribute("id") == target_id:
            return
        chain = d.switch_to.active_element
        chain.send_keys(Keys.SHIFT, Keys.TAB) if shift else chain.send_keys(Keys.TAB)
    raise AssertionError(f"never reached {target_id}; at {d.switch_to.active_element.get_attribute('id')}")


def test_repeat_group_keyboard_only(page):
    d = page
    by_id(d, P + "items-0-product").send_keys("第一项")
    tab_until(d, P + "items-add")
    d.switch_to.active_element.send_keys(Keys.ENTER)
    assert len(d.find_elements(By.CSS_SELECTOR, "#cl-complaint-record-items-set .cl-row")) == 2
    assert d.switch_to.active_element.get_attribute("id") == P + "items-1-product"
    d.switch_to.active_element.send_keys("第二项")
    d.switch_to.active_element.send_keys(Keys.TAB)
    d.switch_to.active_element.send_keys("abc")  # qty: not a number
    d.switch_to.active_element.send_keys(Keys.TAB)
    assert "请输入数字" in error_text(d, "items[1].qty".replace("[", "-").replace("].", "-"))
    assert "已添加第 2 项" in by_id(d, P + "status").text
    tab_until(d, P + "items-1-remove")
    d.switch_to.active_element.send_keys(Keys.SPACE)
    rows = d.find_elements(By.CSS_SELECTOR, "#cl-complaint-record-items-set .cl-row")
    assert len(rows) == 1
    # At the minimum of one row the remove button is disabled, so focus lands on "添加一项".
    assert by_id(d, P + "items-0-remove").get_attribute("disabled") is not None
    assert d.switch_to.active_element.get_attribute("id") == P + "items-add"
    assert by_id(d, P + "items-0-product").get_attribute("value") == "第一项"
    # max 5 rows: the add button disables itself
    for n in range(2, 6):
        tab_until(d, P + "items-add")
        d.switch_to.active_element.send_keys(Keys.ENTER)
        assert d.switch_to.active_element.get_attribute("id") == P + f"items-{n - 1}-product"
    assert by_id(d, P + "items-add").get_attribute("disabled") is not None
    assert page_problems(d) == []


def test_check_button_summary_and_rules(page):
    d = page
    by_id(d, P + "check").click()
    summary = by_id(d, P + "summary")
    assert d.switch_to.active_element == summary
    items = [li.text for li in summary.find_elements(By.TAG_NAME, "li")]
    assert any(t.startswith("投诉受理时间") for t in items)
    assert any("至少填写一种联系方式" in t for t in items)  # atLeastOne on phone
    assert any("投诉项目 第 1 项 › 产品名称" in t for t in items)
    assert by_id(d, P + "receivedAt").get_attribute("aria-invalid") == "true"
    assert page_problems(d) == []


def test_english_strings():
    d = open_page(page=FIXTURES / "complaint-en.html")
    try:
        assert by_id(d, P + "export").text == "Export JSON"
        assert by_id(d, P + "progress").text == "0 of 7 required items done"
        assert page_problems(d) == []
    finally:
        d.quit()


@pytest.mark.parametrize("width", [1280, 390])
def test_axe_and_screenshots(width, output_dir):
    d = open_page(width=width)
    try:
        fill_valid(d)
        set_local(d, P + "solutionAt", "2025-02-06T09:00")
        type_into(d, P + "email", "not-an-email")
        assert run_axe(d) == []
        height = d.execute_script("return document.documentElement.scrollHeight")
        d.set_window_size(width, height + 150)
        d.save_screenshot(str(output_dir / f"checklist-complaint-{width}.png"))
        if width == 1280:
            d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
            assert run_axe(d) == []
            d.save_screenshot(str(output_dir / "checklist-complaint-1280-dark.png"))
            d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
            d.save_screenshot(str(output_dir / "checklist-complaint-print.png"))
        assert page_problems(d) == []
    finally:
        d.quit()
