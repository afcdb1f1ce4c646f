"""Browser tests of the default theme against the built site (SITE_DIR, default <repo>/site).

Pages used: index.html, the first chapter page linked from the home page's chapter list, 404.html.
Screenshots (full page) go to TEST_OUTPUT as theme-<page>-<variant>.png.
"""
import base64
import pathlib
import time
import urllib.parse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import page_problems, run_axe, url_of


# ---------- helpers ----------

def load(driver, path):
    driver.get(url_of(path) if not str(path).startswith("file:") else str(path))
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")
    # handbook.js is deferred: it has run once the document is complete; give rAF-based work a frame.
    driver.execute_script("return new Promise(r => requestAnimationFrame(() => r()))")


def file_path_of(url):
    """Local file path of a file:// URL (fragment and query dropped)."""
    parsed = urllib.parse.urlparse(url)
    return pathlib.Path(urllib.parse.unquote(parsed.path))


def same_page(a, b):
    return file_path_of(a).resolve() == file_path_of(b).resolve()


def first_chapter_url(driver, site):
    load(driver, site / "index.html")
    links = driver.find_elements(By.CSS_SELECTOR, ".chapter-list a[href]")
    assert links, "home page lists no chapters (.chapter-list a)"
    return links[0].get_attribute("href")


def set_media(driver, media="", scheme=None):
    features = [{"name": "prefers-color-scheme", "value": scheme}] if scheme else []
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": media, "features": features})


def set_viewport(driver, width, height=800, mobile=False):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})


def full_screenshot(driver, path):
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    width = driver.execute_script("return document.documentElement.clientWidth")
    height = min(int(size["height"]), 12000)
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
    pathlib.Path(path).write_bytes(base64.b64decode(shot["data"]))


def visible(driver, element):
    return driver.execute_script(
        "const e = arguments[0]; const r = e.getBoundingClientRect();"
        "return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden';", element)


def header_bottom(driver):
    return driver.execute_script(
        "const h = document.querySelector('.site-header'); if (!h) return 0;"
        "return getComputedStyle(h).position === 'sticky' || getComputedStyle(h).position === 'fixed'"
        " ? h.getBoundingClientRect().bottom : 0;")


def chapter_with_toc(driver, site):
    """The first chapter, or the first chapter in the sidebar that has a table of contents."""
    url = first_chapter_url(driver, site)
    load(driver, url)
    if driver.find_elements(By.CSS_SELECTOR, ".toc-list a"):
        return url
    for href in [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "#site-nav .nav-chapters a")]:
        load(driver, href)
        if driver.find_elements(By.CSS_SELECTOR, ".toc-list a"):
            return href
    pytest.fail("no chapter page has a table of contents")


# ---------- structure ----------

def test_home_lists_chapters_and_links_resolve(driver, site):
    load(driver, site / "index.html")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang")
    assert driver.find_element(By.TAG_NAME, "h1").text.strip()
    links = driver.find_elements(By.CSS_SELECTOR, ".chapter-list a[href]")
    assert links
    for a in links:
        href = a.get_attribute("href")
        assert href.startswith("file:"), f"chapter link is not relative to the site: {href}"
        assert file_path_of(href).exists(), f"chapter link points to a missing file: {href}"
        assert a.text.strip()
    assert page_problems(driver) == []


def test_landmarks_and_labels(driver, site):
    load(driver, first_chapter_url(driver, site))
    for selector in ("header.site-header", "main#main", "footer", "nav#site-nav", "nav.breadcrumbs"):
        assert driver.find_elements(By.CSS_SELECTOR, selector), f"missing landmark {selector}"
    for nav in driver.find_elements(By.TAG_NAME, "nav"):
        assert nav.get_attribute("aria-label") or nav.get_attribute("aria-labelledby"), "unlabelled nav"
    skip = driver.find_element(By.CSS_SELECTOR, "a.skip-link")
    assert skip.get_attribute("href").endswith("#main")
    csp = driver.find_element(By.CSS_SELECTOR, "meta[http-equiv='Content-Security-Policy']").get_attribute("content")
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    current = driver.find_elements(By.CSS_SELECTOR, "#site-nav a[aria-current='page']")
    assert len(current) == 1 and same_page(current[0].get_attribute("href"), driver.current_url)
    crumbs = driver.find_element(By.CSS_SELECTOR, "nav.breadcrumbs")
    assert crumbs.find_elements(By.CSS_SELECTOR, "[aria-current='page']")
    assert driver.find_element(By.CSS_SELECTOR, "h1").text.strip()
    assert page_problems(driver) == []


# ---------- navigation ----------

def test_sidebar_and_prev_next_navigation(driver, site):
    first = first_chapter_url(driver, site)
    load(driver, first)
    assert page_problems(driver) == []
    sidebar_links = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "#site-nav .nav-chapters a")]
    assert sidebar_links and same_page(sidebar_links[0], first)

    # Click through the whole sidebar.
    for href in sidebar_links:
        link = next(a for a in driver.find_elements(By.CSS_SELECTOR, "#site-nav .nav-chapters a")
                    if same_page(a.get_attribute("href"), href))
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
        link.click()
        WebDriverWait(driver, 10).until(lambda d: same_page(d.current_url, href))
        current = driver.find_elements(By.CSS_SELECTOR, "#site-nav a[aria-current='page']")
        assert len(current) == 1 and same_page(current[0].get_attribute("href"), href)
        assert page_problems(driver) == [], href

    # Forward with "next" from the first chapter to the last, then back with "prev".
    load(driver, first)
    visited = [driver.current_url]
    while True:
        nxt = driver.find_elements(By.CSS_SELECTOR, ".pagenav a[rel='next']")
        if not nxt:
            break
        target = nxt[0].get_attribute("href")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", nxt[0])
        nxt[0].click()
        WebDriverWait(driver, 10).until(lambda d: same_page(d.current_url, target))
        assert page_problems(driver) == [], target
        visited.append(driver.current_url)
        assert len(visited) <= len(sidebar_links) + 1, "next links loop"
    assert len(visited) == len(sidebar_links), "next links do not walk every chapter"
    for expected in reversed(visited[:-1]):
        prev = driver.find_element(By.CSS_SELECTOR, ".pagenav a[rel='prev']")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", prev)
        prev.click()
        WebDriverWait(driver, 10).until(lambda d: same_page(d.current_url, expected))
    assert not driver.find_elements(By.CSS_SELECTOR, ".pagenav a[rel='prev']"), "first chapter has a prev link"

    # Header title and breadcrumbs lead home.
    driver.find_element(By.CSS_SELECTOR, ".site-title").click()
    WebDriverWait(driver, 10).until(lambda d: same_page(d.current_url, url_of(site / "index.html")))


def test_toc_anchors_land_on_headings(driver, site):
    url = chapter_with_toc(driver, site)
    load(driver, url)
    links = [a for a in driver.find_elements(By.CSS_SELECTOR, ".toc-sidebar .toc-list a") if visible(driver, a)]
    assert links, "no visible TOC at 1280 px"
    hrefs = [a.get_attribute("href") for a in links]
    for a, href in zip(links, hrefs):
        target_id = urllib.parse.unquote(urllib.parse.urlparse(href).fragment)
        heading = driver.find_element(By.ID, target_id)
        assert heading.tag_name in ("h2", "h3")
        driver.execute_script("window.scrollTo(0, 0)")
        a.click()
        WebDriverWait(driver, 5).until(
            lambda d: urllib.parse.unquote(urllib.parse.urlparse(d.current_url).fragment) == target_id)
        top, bottom, inner = driver.execute_script(
            "const r = arguments[0].getBoundingClientRect(); return [r.top, r.bottom, innerHeight];", heading)
        at_end = driver.execute_script(
            "return innerHeight + scrollY >= document.documentElement.scrollHeight - 2")
        assert bottom > 0 and top < inner, f"{target_id} not in view (top {top})"
        assert top >= header_bottom(driver) - 1, f"{target_id} hidden under the sticky header (top {top})"
        if not at_end:
            assert top < inner / 2, f"{target_id} not scrolled to the top part of the viewport (top {top})"
    # The current entry is marked while scrolling.
    WebDriverWait(driver, 3).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".toc-sidebar .toc-list a.is-active"))
    assert page_problems(driver) == []


def test_narrow_toc_is_collapsible(driver, site):
    url = chapter_with_toc(driver, site)
    set_viewport(driver, 390, 844, mobile=True)
    load(driver, url)
    details = driver.find_element(By.CSS_SELECTOR, "details.toc-inline")
    assert visible(driver, details)
    assert not details.get_attribute("open")
    assert not driver.find_element(By.CSS_SELECTOR, ".toc-sidebar").is_displayed()
    details.find_element(By.TAG_NAME, "summary").click()
    link = details.find_element(By.CSS_SELECTOR, ".toc-list a")
    target_id = urllib.parse.unquote(urllib.parse.urlparse(link.get_attribute("href")).fragment)
    link.click()
    heading = driver.find_element(By.ID, target_id)
    top, inner = driver.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.top, innerHeight];", heading)
    assert 0 <= top < inner
    assert page_problems(driver) == []


def test_mobile_nav_toggle(driver, site):
    set_viewport(driver, 390, 844, mobile=True)
    load(driver, first_chapter_url(driver, site))
    toggle = driver.find_element(By.CSS_SELECTOR, ".menu-toggle")
    assert toggle.is_displayed()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert toggle.get_attribute("aria-controls") == "site-nav"
    assert not driver.find_element(By.ID, "site-nav").is_displayed()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    nav = driver.find_element(By.ID, "site-nav")
    assert nav.is_displayed()
    active = driver.switch_to.active_element
    assert nav.find_elements(By.CSS_SELECTOR, "a") and driver.execute_script(
        "return arguments[0].contains(arguments[1])", nav, active), "focus did not move into the menu"
    assert driver.execute_script("return document.documentElement.scrollWidth <= innerWidth")
    active.send_keys(Keys.ESCAPE)
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not nav.is_displayed()
    assert driver.switch_to.active_element == toggle
    assert page_problems(driver) == []


def test_wide_screen_has_no_menu_toggle(driver, site):
    load(driver, first_chapter_url(driver, site))
    assert not driver.find_element(By.CSS_SELECTOR, ".menu-toggle").is_displayed()
    assert driver.find_element(By.ID, "site-nav").is_displayed()


def test_slash_focuses_search(driver, site):
    load(driver, first_chapter_url(driver, site))
    driver.find_element(By.TAG_NAME, "body").send_keys("/")
    assert driver.switch_to.active_element.get_attribute("id") == "search-input"
    assert driver.find_element(By.ID, "search-input").get_attribute("value") == ""


def test_heading_anchors(driver, site):
    load(driver, chapter_with_toc(driver, site))
    headings = driver.find_elements(By.CSS_SELECTOR, ".content h2[id], .content h3[id]")
    assert headings
    for h in headings:
        anchors = h.find_elements(By.CSS_SELECTOR, "a.heading-anchor")
        assert len(anchors) == 1
        assert urllib.parse.unquote(urllib.parse.urlparse(anchors[0].get_attribute("href")).fragment) == h.get_attribute("id")
        assert anchors[0].get_attribute("aria-label")


def test_404_page(driver, site):
    load(driver, site / "404.html")
    assert driver.find_element(By.TAG_NAME, "h1").text.strip()
    home = driver.find_element(By.CSS_SELECTOR, "main a[href$='index.html']")
    home.click()
    WebDriverWait(driver, 10).until(lambda d: same_page(d.current_url, url_of(site / "index.html")))
    assert page_problems(driver) == []


# ---------- accessibility ----------

@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_home_and_chapter(driver, site, scheme):
    chapter = first_chapter_url(driver, site)
    set_media(driver, scheme=scheme)
    failures = {}
    for name, target in (("home", site / "index.html"), ("chapter", chapter), ("404", site / "404.html")):
        load(driver, target)
        assert driver.execute_script(
            "return matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
        problems = page_problems(driver)
        assert problems == [], f"{name}: {problems}"
        violations = run_axe(driver)
        if violations:
            failures[name] = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5]) for v in violations]
    assert failures == {}


def test_dark_mode_applies(driver, site):
    set_media(driver, scheme="dark")
    load(driver, first_chapter_url(driver, site))
    luminance = driver.execute_script(
        "const c = getComputedStyle(document.body).backgroundColor.match(/\\d+/g).map(Number);"
        "return (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]) / 255;")
    assert luminance < 0.2


def test_focus_is_visible(driver, site):
    load(driver, first_chapter_url(driver, site))
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)  # skip link
    active = driver.switch_to.active_element
    assert "skip-link" in active.get_attribute("class")
    assert active.is_displayed()
    for _ in range(3):
        active.send_keys(Keys.TAB)
        active = driver.switch_to.active_element
        style = driver.execute_script(
            "const s = getComputedStyle(arguments[0]); return [s.outlineStyle, s.outlineWidth, s.boxShadow];", active)
        assert (style[0] != "none" and style[1] != "0px") or style[2] != "none", f"no focus indicator on {active.tag_name}"


# ---------- layout ----------

@pytest.mark.parametrize("width", [360, 390])
def test_no_horizontal_overflow_on_small_screens(driver, site, width):
    chapter = first_chapter_url(driver, site)
    set_viewport(driver, width, 780, mobile=True)
    for target in (site / "index.html", chapter, site / "404.html"):
        load(driver, target)
        sizes = driver.execute_script(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth, innerWidth]")
        assert sizes[0] <= sizes[1], f"{target}: horizontal overflow at {width}px: {sizes}"
        wide = driver.execute_script(
            "const w = document.documentElement.clientWidth; return [...document.querySelectorAll('body *')]"
            ".filter(e => { const r = e.getBoundingClientRect(); return r.width && r.right > w + 1 &&"
            " getComputedStyle(e).position !== 'fixed' && !e.closest('.table-wrap, pre, table'); })"
            ".slice(0, 5).map(e => e.tagName + '.' + e.className);")
        assert wide == [], f"{target}: elements wider than the viewport: {wide}"


def test_print_stylesheet(driver, site):
    load(driver, first_chapter_url(driver, site))
    set_media(driver, media="print")
    for selector in (".site-header", "#site-nav", ".pagenav", ".search"):
        for el in driver.find_elements(By.CSS_SELECTOR, selector):
            assert not el.is_displayed(), f"{selector} is printed"
    colors = driver.execute_script(
        "const s = getComputedStyle(document.body); return [s.color, s.backgroundColor];")
    assert colors[0] in ("rgb(0, 0, 0)",) and colors[1] in ("rgb(255, 255, 255)",), colors
    set_media(driver)


# ---------- screenshots ----------

def test_screenshots(driver, site, output_dir):
    chapter = first_chapter_url(driver, site)
    pages = {"home": site / "index.html", "chapter": chapter, "404": site / "404.html"}
    variants = [
        ("1280", dict(width=1280, height=900), {}),
        ("390", dict(width=390, height=844, mobile=True), {}),
        ("1280-dark", dict(width=1280, height=900), {"scheme": "dark"}),
        ("390-dark", dict(width=390, height=844, mobile=True), {"scheme": "dark"}),
        ("print", dict(width=900, height=1200), {"media": "print"}),
    ]
    written = []
    for variant, viewport, media in variants:
        set_viewport(driver, **viewport)
        set_media(driver, **media)
        for name, target in pages.items():
            if variant == "print" and name == "404":
                continue
            load(driver, target)
            time.sleep(0.1)
            path = output_dir / f"theme-{name}-{variant}.png"
            full_screenshot(driver, path)
            written.append(path)
            assert page_problems(driver) == [], f"{name} {variant}"
    # A PDF of the chapter as the browser prints it.
    set_media(driver)
    load(driver, chapter)
    pdf = driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True})
    (output_dir / "theme-chapter-print.pdf").write_bytes(base64.b64decode(pdf["data"]))
    for path in written:
        assert path.stat().st_size > 5000, f"{path} looks empty"
