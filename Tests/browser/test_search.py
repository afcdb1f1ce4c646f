"""Search box and results page in headless Chromium, from file://.

PAGE chooses what is tested: the built site (site/index.html) when it exists, else the fixture in
fixtures/search/ (a tiny page with the theme's search markup and an index made by the Swift builder:
regenerate it with `HANDBOOK_SEARCH_WRITE_FIXTURES=1 swift test --filter HandbookSearchTests`).
SEARCH_PAGE=fixture|site overrides the choice.

The Swift side writes fixtures/search/expected.json: for a list of queries, the token lists of the
Swift normaliser and the top results of the Swift engine on the fixture; the JS must agree.

A speed check runs when SEARCH_BENCH_DIR names a directory holding a page + synthetic index (made by
fixtures/search/tools/bench.swift): a warm query must answer in ≤ 30 ms.
"""
import json
import os
import pathlib
import time
import urllib.parse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import SITE, page_problems, run_axe, url_of

FIXTURE = pathlib.Path(__file__).resolve().parent / "fixtures" / "search"
_choice = os.environ.get("SEARCH_PAGE")
if _choice == "fixture" or (_choice != "site" and not (SITE / "index.html").exists()):
    PAGE = FIXTURE / "index.html"
else:
    PAGE = SITE / "index.html"
USING_FIXTURE = PAGE == FIXTURE / "index.html"
# The query typed, and a substring of the href (decoded) of the section that must be in the first three.
COMPLAINT_QUERY = "投诉"
COMPLAINT_HREF = os.environ.get("SEARCH_COMPLAINT_HREF", "complaints")
EXPECTED = json.loads((FIXTURE / "expected.json").read_text(encoding="utf-8"))


def open_page(driver, path=PAGE, query=None):
    url = url_of(path)
    if query is not None:
        url += "?q=" + urllib.parse.quote(query)
    driver.get(url)
    WebDriverWait(driver, 10).until(lambda d: d.execute_script(
        "return !!(window.HandbookSearch && document.getElementById('search-status'))"))
    driver.execute_script("return window.HandbookSearch.ready()")


def js_search(driver, query, limit=5):
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "HandbookSearch.search(arguments[0], arguments[1])"
        ".then(r => done(r.map(x => x.doc.url)), e => done('error: ' + e));", query, limit)


def type_query(driver, text):
    box = driver.find_element(By.ID, "search-input")
    box.clear()
    box.send_keys(text)
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#search-results [role=option]"))
    return box


def options(driver):
    return driver.find_elements(By.CSS_SELECTOR, "#search-results [role=option]")


def decoded_href(option):
    return urllib.parse.unquote(option.get_attribute("href"))


def test_js_normaliser_matches_swift(driver):
    open_page(driver)
    queries = [c["query"] for c in EXPECTED]
    got = driver.execute_script("return arguments[0].map(q => HandbookSearch.normalizeQuery(q))", queries)
    for case, tokens in zip(EXPECTED, got):
        assert tokens == case["tokens"], case["query"]
    assert page_problems(driver) == []


def test_js_ranking_matches_swift(driver):
    # The expected rankings were computed by the Swift engine on the fixture index, so this always runs there.
    open_page(driver, FIXTURE / "index.html")
    for case in EXPECTED:
        assert js_search(driver, case["query"]) == case["top"], case["query"]


def test_typing_lists_complaint_section_and_enter_opens_it(driver):
    open_page(driver)
    box = type_query(driver, COMPLAINT_QUERY)
    assert box.get_attribute("aria-expanded") == "true"
    first = options(driver)[:3]
    hrefs = [decoded_href(o) for o in first]
    hit = next(i for i, h in enumerate(hrefs) if COMPLAINT_HREF in h)
    for _ in range(hit + 1):
        box.send_keys(Keys.ARROW_DOWN)
    active = box.get_attribute("aria-activedescendant")
    assert active == first[hit].get_attribute("id")
    assert first[hit].get_attribute("aria-selected") == "true"
    target = hrefs[hit]
    box.send_keys(Keys.ENTER)
    WebDriverWait(driver, 10).until(lambda d: urllib.parse.unquote(d.current_url) == target)
    fragment = target.split("#", 1)[1]
    assert urllib.parse.unquote(driver.execute_script("return location.hash")) == "#" + fragment
    assert driver.execute_script("return !!document.getElementById(arguments[0])", fragment)
    assert page_problems(driver) == []


def test_arrows_escape_and_markup(driver):
    open_page(driver)
    box = type_query(driver, COMPLAINT_QUERY)
    opts = options(driver)
    assert len(opts) >= 2
    listbox = driver.find_element(By.ID, "search-results")
    assert listbox.get_attribute("role") == "listbox" and listbox.is_displayed()
    for o in opts:
        assert o.get_attribute("role") == "option"
        assert o.get_attribute("id")
    # <li role="none" class="search-result"><a role="option" href=…>title, crumb, snippet</a></li>
    result = opts[0]
    assert result.tag_name == "a" and result.get_attribute("href")
    assert result.find_element(By.XPATH, "..").get_attribute("class") == "search-result"
    assert result.find_element(By.CSS_SELECTOR, ".search-result-title").text
    assert result.find_element(By.CSS_SELECTOR, ".search-result-crumb").text
    marks = result.find_elements(By.CSS_SELECTOR, ".search-result-snippet mark, .search-result-title mark")
    assert any(COMPLAINT_QUERY in m.text for m in marks)
    assert driver.find_elements(By.CSS_SELECTOR, ".search-result-snippet mark")
    # Arrow down twice, up once: the second option, then the first.
    box.send_keys(Keys.ARROW_DOWN)
    box.send_keys(Keys.ARROW_DOWN)
    assert box.get_attribute("aria-activedescendant") == opts[1].get_attribute("id")
    box.send_keys(Keys.ARROW_UP)
    assert box.get_attribute("aria-activedescendant") == opts[0].get_attribute("id")
    assert opts[0].get_attribute("aria-selected") == "true"
    assert opts[1].get_attribute("aria-selected") == "false"
    # Up from the first wraps to the last.
    box.send_keys(Keys.ARROW_UP)
    assert box.get_attribute("aria-activedescendant") == opts[-1].get_attribute("id")
    status = driver.find_element(By.ID, "search-status")
    assert status.get_attribute("aria-live") == "polite"
    assert any(ch.isdigit() for ch in status.get_attribute("textContent"))
    box.send_keys(Keys.ESCAPE)
    assert box.get_attribute("aria-expanded") == "false"
    assert not listbox.is_displayed()
    assert box.get_attribute("aria-activedescendant") is None
    assert box.get_attribute("value") == COMPLAINT_QUERY
    # Arrow down reopens.
    box.send_keys(Keys.ARROW_DOWN)
    assert box.get_attribute("aria-expanded") == "true"
    assert page_problems(driver) == []


def test_values_are_escaped(driver):
    open_page(driver)
    type_query(driver, COMPLAINT_QUERY)
    # No script-built element other than the expected ones inside the results.
    tags = driver.execute_script(
        "return Array.from(document.querySelectorAll('#search-results *')).map(e => e.tagName.toLowerCase())")
    assert set(tags) <= {"li", "a", "span", "mark"}


def test_axe_with_results_open(driver):
    open_page(driver)
    type_query(driver, COMPLAINT_QUERY)
    driver.find_element(By.ID, "search-input").send_keys(Keys.ARROW_DOWN)
    assert run_axe(driver) == []


def test_results_page(driver):
    page = PAGE.parent / "search.html"
    open_page(driver, page, query=COMPLAINT_QUERY)
    WebDriverWait(driver, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#search-page-results li a"))
    links = driver.find_elements(By.CSS_SELECTOR, "#search-page-results li a")
    hrefs = [urllib.parse.unquote(a.get_attribute("href")) for a in links]
    assert any(COMPLAINT_HREF in h for h in hrefs[:3])
    assert driver.find_elements(By.CSS_SELECTOR, "#search-page-results mark")
    assert driver.find_element(By.ID, "search-input").get_attribute("value") == COMPLAINT_QUERY
    assert page_problems(driver) == []


def test_enter_without_selection_opens_results_page(driver):
    open_page(driver)
    box = type_query(driver, COMPLAINT_QUERY)
    box.send_keys(Keys.ENTER)
    WebDriverWait(driver, 10).until(lambda d: "search.html?q=" in d.current_url)
    WebDriverWait(driver, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#search-page-results li a"))


BENCH = os.environ.get("SEARCH_BENCH_DIR")
BENCH_QUERIES = ["投诉 三个工作日", "试驾协议", "合同 一式三份", "二十四小时救援", "客户资料", "退款",
                 "VIP客户", "配件库存盘点", "保险理赔", "第120条"]


@pytest.mark.skipif(not BENCH, reason="set SEARCH_BENCH_DIR to a synthetic corpus (fixtures/search/tools/bench.swift)")
def test_query_speed_on_synthetic_corpus(driver):
    page = pathlib.Path(BENCH) / "index.html"
    open_page(driver, page)
    info = driver.execute_script("return HandbookSearch.info()")
    # Cold: first query loads the shards it needs.
    cold = driver.execute_async_script(
        "const done = arguments[arguments.length - 1]; const qs = arguments[0]; const t0 = performance.now();"
        "Promise.all(qs.map(q => HandbookSearch.search(q, 10))).then(() => done(performance.now() - t0));",
        BENCH_QUERIES)
    timings = driver.execute_script(
        "const out = {}; for (const q of arguments[0]) {"
        "  const t0 = performance.now(); let r;"
        "  for (let i = 0; i < 5; i++) { r = HandbookSearch.searchSync(q, 10); }"
        "  out[q] = [(performance.now() - t0) / 5, r === null ? -1 : r.length]; }"
        "return out;", BENCH_QUERIES)
    print(f"\nsynthetic corpus {info}: cold load+search of {len(BENCH_QUERIES)} queries {cold:.0f} ms")
    for q, (ms, n) in timings.items():
        print(f"  {q}: {ms:.2f} ms, {n} results")
    for q, (ms, n) in timings.items():
        assert n >= 0, f"{q}: shards not loaded"
        assert ms <= 30, f"{q}: {ms:.1f} ms"
    # The sharded index ranks like the Swift engine.
    expected = json.loads((pathlib.Path(BENCH) / "expected.json").read_text(encoding="utf-8"))
    for q in BENCH_QUERIES:
        assert js_search(driver, q, 10) == expected[q], q
    assert page_problems(driver) == []
