"""Search on the REAL built handbook (site/, file://), with the realistic staff query set
Tests/HandbookCoreTests/search-queries.json ({query, expectURLContains: "page.html#anchor"}).

* every target of the query set is a real section anchor of the built site;
* each query is TYPED into the home page's search box like a person would; the top-3 suggestion
  hrefs must contain the target for ≥ 90% of the queries (the figure is printed);
* the typed suggestions are the same as HandbookSearch.search(q, 3) (no stale or reordered list);
* typing 投诉 lists a complaint-procedure section of 05-complaints.html in the first three and Enter
  opens it at its anchor, with the heading in view below the sticky header.
"""
import json
import re
import urllib.parse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import REPO, SITE, page_problems
from e2e_helpers import require_site

QUERIES = json.loads((REPO / "Tests" / "HandbookCoreTests" / "search-queries.json").read_text(encoding="utf-8"))
MIN_RATE = 0.9
# The complaint procedure: the quick guide and the clauses of 三、投诉处理程序 (第54–64条).
COMPLAINT_PROCEDURE = re.compile(r"05-complaints\.html#(一-速查-客户投诉时怎么办|三-投诉处理程序|第(5[4-9]|6[0-4])条)$")


def open_home(d):
    require_site()
    d.get(SITE.joinpath("index.html").as_uri())
    WebDriverWait(d, 10).until(lambda x: x.execute_script("return !!(window.HandbookSearch && document.getElementById('search-input'))"))
    d.execute_script("return window.HandbookSearch.ready()")


def relative(href):
    """'file:///…/site/05-complaints.html#%E7%AC%AC59%E6%9D%A1' → '05-complaints.html#第59条'."""
    h = urllib.parse.unquote(href)
    root = urllib.parse.unquote(SITE.as_uri()) + "/"
    return h[len(root):] if h.startswith(root) else h


def option_hrefs(d):
    return [relative(o.get_attribute("href")) for o in d.find_elements(By.CSS_SELECTOR, "#search-results [role=option]")]


def type_query(d, text):
    box = d.find_element(By.ID, "search-input")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.DELETE)
    WebDriverWait(d, 5).until(lambda x: option_hrefs(x) == [])
    box.send_keys(text)
    expected = api_top(d, text, 3)
    # the list is filled asynchronously (debounce): wait until it shows this query's results
    WebDriverWait(d, 10).until(lambda x: option_hrefs(x)[:3] == expected or (not expected and "无" in x.find_element(By.ID, "search-status").text))
    return box, expected


def api_top(d, query, k):
    return d.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "HandbookSearch.search(arguments[0], arguments[1]).then(r => done(r.map(x => x.doc.url)), e => done(['error: ' + e]));",
        query, k)


def site_anchors():
    anchors = set()
    for page in SITE.glob("*.html"):
        for a in re.findall(r'\sid="([^"]+)"', page.read_text(encoding="utf-8")):
            anchors.add(f"{page.name}#{urllib.parse.unquote(a)}")
    return anchors


def test_query_set_targets_exist():
    require_site()
    assert len(QUERIES) >= 30
    assert len({q["query"] for q in QUERIES}) == len(QUERIES)
    anchors = site_anchors()
    missing = [q for q in QUERIES if q["expectURLContains"] not in anchors]
    assert missing == []
    assert len({q["expectURLContains"].split("#")[0] for q in QUERIES}) >= 10  # spread over the handbook


def test_typed_queries_top3_hit_rate(driver):
    open_home(driver)
    hits, misses = 0, []
    for q in QUERIES:
        _, expected = type_query(driver, q["query"])
        top = option_hrefs(driver)[:3]
        assert top == expected, (q["query"], top, expected)
        if q["expectURLContains"] in top:
            hits += 1
        else:
            misses.append(f'{q["query"]} → want {q["expectURLContains"]}, got {top}')
    rate = hits / len(QUERIES)
    print(f"\nreal-site search: {hits}/{len(QUERIES)} in top 3 ({rate:.1%})")
    for m in misses:
        print("  miss:", m)
    assert rate >= MIN_RATE, "\n".join(misses)
    assert page_problems(driver) == []


def test_complaint_query_and_enter(driver, output_dir):
    open_home(driver)
    box, _ = type_query(driver, "投诉")
    assert box.get_attribute("aria-expanded") == "true"
    top = option_hrefs(driver)[:3]
    hit = next((i for i, h in enumerate(top) if COMPLAINT_PROCEDURE.search(h)), None)
    assert hit is not None, top
    driver.save_screenshot(str(output_dir / "e2e-search-complaint.png"))
    for _ in range(hit + 1):
        box.send_keys(Keys.ARROW_DOWN)
    options = driver.find_elements(By.CSS_SELECTOR, "#search-results [role=option]")
    assert box.get_attribute("aria-activedescendant") == options[hit].get_attribute("id")
    target = top[hit]
    box.send_keys(Keys.ENTER)
    WebDriverWait(driver, 10).until(lambda d: relative(d.current_url) == target)
    anchor = target.split("#", 1)[1]
    heading = driver.find_element(By.ID, anchor)
    assert heading.tag_name in ("h2", "h3")
    WebDriverWait(driver, 5).until(lambda d: d.execute_script("return document.readyState") == "complete")
    top_px = driver.execute_script("return arguments[0].getBoundingClientRect().top", heading)
    header = driver.execute_script("const h = document.querySelector('.site-header'); return h ? h.getBoundingClientRect().bottom : 0")
    assert header - 2 <= top_px < 300, (top_px, header)
    assert page_problems(driver) == []
