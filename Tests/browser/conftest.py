"""Shared fixtures for the browser tests: headless Chromium opening pages from disk.

SITE_DIR (default: <repo>/site) is the built handbook; TEST_OUTPUT (default: <repo>/test-output)
receives screenshots. Every test gets a driver whose console errors and CSP violations are
collected; `page_problems(driver)` returns them and most tests assert it is empty.
"""
import json
import os
import pathlib

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

REPO = pathlib.Path(__file__).resolve().parents[2]
SITE = pathlib.Path(os.environ.get("SITE_DIR", REPO / "site")).resolve()
OUTPUT = pathlib.Path(os.environ.get("TEST_OUTPUT", REPO / "test-output")).resolve()

# Registered before any page script runs, so violations during load are seen too.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


def make_driver(width=1280, height=900, downloads=None):
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={width},{height}", "--lang=zh-CN", "--allow-file-access-from-files"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if downloads:
        options.add_experimental_option("prefs", {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
        })
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CSP_LISTENER})
    if downloads:
        driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    return driver


@pytest.fixture
def driver():
    d = make_driver()
    yield d
    d.quit()


@pytest.fixture
def site():
    if not (SITE / "index.html").exists():
        pytest.fail(f"no built site at {SITE}: run the build first")
    return SITE


@pytest.fixture
def output_dir():
    OUTPUT.mkdir(parents=True, exist_ok=True)
    return OUTPUT


def url_of(path):
    return pathlib.Path(path).resolve().as_uri()


def page_problems(driver):
    """Console errors and CSP violations seen on the current page."""
    problems = [f"console: {e['message']}" for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    problems += [f"csp: {v}" for v in driver.execute_script("return window.__cspViolations || []")]
    return problems


def run_axe(driver):
    """Runs the axe-core shipped in the selenium-axe-python wheel; returns serious/critical violations."""
    import selenium_axe_python
    source = (pathlib.Path(selenium_axe_python.__file__).parent / "axe-core" / "axe.min.js").read_text()
    driver.execute_script(source)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(JSON.stringify(r.violations)));")
    violations = json.loads(result)
    return [v for v in violations if v.get("impact") in ("serious", "critical")]
