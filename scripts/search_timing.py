#!/usr/bin/python3
"""Times search queries in headless Chromium on a built site opened from disk (used by scripts/bench.py).

    /usr/bin/python3 scripts/search_timing.py SITE_DIR [QUERY...]

Prints JSON: the index's info, the cold time (first queries, loading the shards they need), and for each
query the median of 7 warm runs in milliseconds.
"""
import json
import pathlib
import statistics
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "Tests" / "browser"))
from conftest import make_driver, url_of  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

QUERIES = ["投诉 三个工作日", "客户 回访", "合同 审批", "满意度调查", "第120条", "培训考核", "质量 上报", "物流"]


def main():
    site = pathlib.Path(sys.argv[1])
    queries = sys.argv[2:] or QUERIES
    driver = make_driver()
    try:
        driver.get(url_of(site / "index.html"))
        WebDriverWait(driver, 30).until(lambda d: d.execute_script("return !!window.HandbookSearch"))
        driver.execute_async_script("const done = arguments[arguments.length - 1]; HandbookSearch.ready().then(() => done(true));")
        cold = driver.execute_async_script(
            "const done = arguments[arguments.length - 1]; const t0 = performance.now();"
            "Promise.all(arguments[0].map(q => HandbookSearch.search(q, 10))).then(() => done(performance.now() - t0));",
            queries)
        warm = driver.execute_script(
            "const out = {}; for (const q of arguments[0]) { const times = [];"
            "  for (let i = 0; i < 7; i++) { const t0 = performance.now(); HandbookSearch.searchSync(q, 10);"
            "    times.push(performance.now() - t0); }"
            "  times.sort((a, b) => a - b); out[q] = times[3]; } return out;", queries)
        info = driver.execute_script("return HandbookSearch.info ? HandbookSearch.info() : null")
    finally:
        driver.quit()
    print(json.dumps({"info": info, "cold_ms": round(cold, 1),
                      "warm_ms": {q: round(ms, 2) for q, ms in warm.items()},
                      "warm_max_ms": round(max(warm.values()), 2),
                      "warm_median_ms": round(statistics.median(warm.values()), 2)}, ensure_ascii=False))


if __name__ == "__main__":
    main()
