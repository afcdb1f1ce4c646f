"""Helpers shared by the end-to-end tests (test_e2e_*.py, test_schema_agreement.py): the real built
handbook (site/ = self-check edition, site-exam/ = exam edition), the real checker binary, downloads."""
import os
import pathlib
import subprocess
import time

import pytest

from conftest import REPO, SITE, make_driver, url_of

SITE_EXAM = pathlib.Path(os.environ.get("SITE_EXAM_DIR", REPO / "site-exam")).resolve()
CHECKER = pathlib.Path(os.environ.get("HANDBOOK_CHECK", REPO / ".build" / "debug" / "handbook-check")).resolve()
CONTENT = REPO / "content"


def require_site(path=SITE):
    if not (path / "index.html").exists():
        pytest.fail(f"no built site at {path}: run `.build/debug/handbook build` "
                    f"(and `--edition exam --output site-exam`) first")
    return path


def require_checker():
    if not CHECKER.exists():
        pytest.fail(f"no checker at {CHECKER}: run `swift build` first")
    return CHECKER


def run_checker(*args):
    """Runs handbook-check from the repo root; returns CompletedProcess (text, both streams)."""
    return subprocess.run([str(require_checker()), *map(str, args)], cwd=REPO, capture_output=True,
                          text=True, timeout=120)


def open_real(path, downloads=None, width=1280, fresh=True):
    """A Chromium on a real site page (file://) in the Asia/Shanghai zone, localStorage cleared."""
    d = make_driver(width=width, downloads=downloads)
    d.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "Asia/Shanghai"})
    d.get(url_of(path))
    if fresh:
        d.execute_script("localStorage.clear()")
        d.refresh()
    return d


def wait_for_download(folder, suffix=".json", timeout=15):
    end = time.time() + timeout
    while time.time() < end:
        files = [p for p in pathlib.Path(folder).iterdir() if p.suffix == suffix]
        if files:
            time.sleep(0.2)  # let Chromium finish renaming the .crdownload
            return files[0]
        time.sleep(0.1)
    raise AssertionError(f"no {suffix} download in {folder}")


def full_page_screenshot(d, path, width=None):
    w = width or d.execute_script("return window.innerWidth")
    d.set_window_size(w, min(d.execute_script("return document.documentElement.scrollHeight") + 150, 16000))
    d.save_screenshot(str(path))
