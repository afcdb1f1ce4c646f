"""Writes the built site's search sections as the JSON array the Swift search test reads
(HANDBOOK_SEARCH_SECTIONS: [{pageTitle, heading, breadcrumb, url, text}]), decoded from
site/assets/search-index.js (single-file index: message {"d": {"p": [page titles], "s": [[page, heading,
breadcrumb, url, text], …]}}).

    python3 Tests/browser/export_sections.py [SITE_DIR] > /tmp/sections.json
    HANDBOOK_SEARCH_SECTIONS=/tmp/sections.json swift test --filter HandbookSearchTests

Approximation: the index stores each section's text cut to 600 characters (the snippet text), while its
postings were made from the full text; so the Swift engine rebuilt from these sections sees less text
than the real index. Rankings can differ for words only in the cut part (e.g. 钥匙管理: the real index
ranks maintainers.html first, the rebuilt one does not). The browser test (test_e2e_search.py) queries
the real index and is the authoritative figure.
"""
import json
import pathlib
import sys

PREFIX = "(window.HandbookSearchQ=window.HandbookSearchQ||[]).push("


def sections(site):
    text = (pathlib.Path(site) / "assets" / "search-index.js").read_text(encoding="utf-8")
    assert text.startswith(PREFIX) and text.endswith(");\n"), "not a single-file index"
    msg = json.loads(text[len(PREFIX):-3])
    docs = msg["d"]
    return [{"pageTitle": docs["p"][p], "heading": h, "breadcrumb": b, "url": u, "text": t}
            for p, h, b, u, t in docs["s"]]


if __name__ == "__main__":
    site = sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parents[2] / "site"
    json.dump(sections(site), sys.stdout, ensure_ascii=False, indent=1)
