"""`handbook serve` in Chromium: an open tab follows edits without a manual reload, a build error shows as
an overlay over the last good page, and fixing it removes the overlay. No CSP violations, no console errors.

The server runs the debug binary on a temporary copy of the real handbook, bound to 127.0.0.1 on a free port.
Every wait is bounded, and the server process is always stopped.
"""
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.support.ui import WebDriverWait

from conftest import REPO, page_problems

BINARY = pathlib.Path(os.environ.get("HANDBOOK_BIN", REPO / ".build/debug")) / "handbook"
PAGE = "05-complaints.md"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`handbook serve` on a scratch copy of the handbook; collects stderr on a thread."""

    def __init__(self, root, port):
        self.lines = []
        self.proc = subprocess.Popen([str(BINARY), "serve", "--root", str(root), "--port", str(port), "--verbose"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stderr:
            self.lines.append(line.rstrip("\n"))

    @property
    def log(self):
        return "\n".join(self.lines)

    def wait_for(self, pattern, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(pattern, self.log):
                return True
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        return False

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.reader.join(timeout=5)
        return self.proc.returncode


@pytest.fixture
def served():
    if not BINARY.exists():
        pytest.fail(f"no handbook binary at {BINARY}: run `swift build` first")
    scratch = pathlib.Path(tempfile.mkdtemp(prefix="hb-serve-"))
    for name in ("content", "theme"):
        shutil.copytree(REPO / name, scratch / name)
    shutil.copy(REPO / "handbook.yml", scratch / "handbook.yml")
    port = free_port()
    server = Server(scratch, port)
    try:
        assert server.wait_for(rf"serving http://127\.0\.0\.1:{port}/"), f"the server did not start:\n{server.log}"
        yield scratch, f"http://127.0.0.1:{port}", server
    finally:
        status = server.stop()
        shutil.rmtree(scratch, ignore_errors=True)
        assert status == 0, f"serve exited {status}:\n{server.log}"


def wait(driver, seconds):
    """A wait that tolerates the page being reloaded under it (an element found just before the reload goes stale)."""
    return WebDriverWait(driver, seconds, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))


def wait_connected(driver):
    wait(driver, 15).until(
        lambda d: d.execute_script("return document.documentElement.getAttribute('data-handbook-serve')") == "connected")


def overlay_text(driver):
    found = driver.find_elements(By.ID, "handbook-serve-overlay")
    return found[0].text if found else None


def test_edit_reloads_tab_and_errors_show_as_overlay(served, driver, output_dir):
    root, base, server = served
    page_file = root / "content" / PAGE
    original = page_file.read_text(encoding="utf-8")

    driver.get(f"{base}/05-complaints.html")
    wait_connected(driver)
    assert overlay_text(driver) is None
    driver.execute_script("window.__sameDocument = true;")

    # 1. An edit shows in the open tab, without a manual reload.
    marker = f"实时预览测试段落 {uuid.uuid4().hex[:8]}"
    page_file.write_text(original + f"\n{marker}。\n", encoding="utf-8")
    wait(driver, 15).until(lambda d: marker in d.find_element(By.TAG_NAME, "main").text)
    assert driver.execute_script("return window.__sameDocument === undefined"), "the tab was not reloaded"
    wait_connected(driver)
    assert server.wait_for(r"changed: 05-complaints\.md → rebuilt", timeout=5), server.log

    # 2. A broken link: the overlay shows the diagnostic; the last good page stays.
    broken = original + f"\n{marker}。见[不存在的页面](no-such-page.md)。\n"
    page_file.write_text(broken, encoding="utf-8")
    wait(driver, 15).until(lambda d: overlay_text(d) is not None)
    text = overlay_text(driver)
    line = broken.splitlines().index(f"{marker}。见[不存在的页面](no-such-page.md)。") + 1
    assert f"content/{PAGE}:{line}:" in text, text
    assert "no-such-page.md" in text
    assert marker in driver.find_element(By.TAG_NAME, "main").text
    assert server.wait_for(r"build failed: 1 error; still serving the last good site", timeout=5), server.log
    served_html = (root / "site" / "05-complaints.html").read_text(encoding="utf-8")
    assert "no-such-page" not in served_html and marker in served_html
    driver.save_screenshot(str(output_dir / "serve-overlay.png"))

    # 3. Fixed: the overlay goes, the page shows the fixed text.
    fixed_marker = f"已修复 {uuid.uuid4().hex[:8]}"
    page_file.write_text(original + f"\n{fixed_marker}。\n", encoding="utf-8")
    wait(driver, 15).until(lambda d: fixed_marker in d.find_element(By.TAG_NAME, "main").text)
    wait(driver, 5).until(lambda d: overlay_text(d) is None)
    wait_connected(driver)

    assert page_problems(driver) == []


def test_error_overlay_shows_in_tabs_opened_later_and_csp_holds(served, driver):
    root, base, server = served
    page_file = root / "content" / PAGE
    original = page_file.read_text(encoding="utf-8")
    page_file.write_text(original + "\n见[坏锚点](01-general.md#不存在的条款)。\n", encoding="utf-8")
    assert server.wait_for(r"build failed", timeout=15), server.log

    driver.get(f"{base}/")
    wait(driver, 15).until(lambda d: overlay_text(d) is not None)
    assert "#不存在的条款" in overlay_text(driver) or "不存在的条款" in overlay_text(driver)
    # The overlay is plain text: the diagnostic's `<`/`>`-free text, no markup injected.
    assert driver.execute_script(
        "return document.querySelectorAll('#handbook-serve-overlay script, #handbook-serve-overlay a').length") == 0

    page_file.write_text(original, encoding="utf-8")
    wait(driver, 15).until(lambda d: overlay_text(d) is None)
    assert page_problems(driver) == []
