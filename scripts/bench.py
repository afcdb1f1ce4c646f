#!/usr/bin/env python3
"""The project's benchmark: builds a deterministic synthetic Chinese corpus with the release binary.

    scripts/bench.py [--pages 5000] [--runs 5] [--json] [--keep DIR] [--scale 20000,50000]

Generates N pages (default 5,000) in chapters of 100, with headings, lists, block quotes, emphasis,
internal links, and a checklist and a quiz in one page out of twenty; builds it several times and
reports the median wall time, pages per second, peak resident memory and the share of each stage;
checks 10,000 generated submissions with handbook-check; reports the search index size; and runs
`handbook serve` on the corpus, edits one page at a time and measures the time from writing the file to the
live-reload message (`bench_serve`). With --scale, it also builds larger corpora once each and reports
their wall time, peak memory and output size: memory must stay bounded as the page count grows.
"""
import argparse
import gzip
import http.client
import json
import os
import pathlib
import queue
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
HAN = ("客户服务投诉处理销售合同回访满意度调查报价审批订单物流交付安装验收维修保养档案分类拜访接待"
       "培训考核激励质量改进监督部门经理主管员工记录时间工作日小时当天上报解决方案责任产品价格市场")
WORDS = [HAN[i:i + 2] for i in range(0, len(HAN) - 1, 2)]


def sentence(rng, n=None):
    n = n or rng.randint(8, 20)
    return "".join(rng.choice(WORDS) for _ in range(n)) + rng.choice(["。", "；", "，并及时上报。", "。"])


def paragraph(rng, page_count, chapter, index):
    parts = [sentence(rng) for _ in range(rng.randint(3, 6))]
    k = rng.randrange(len(parts))
    parts[k] = f"**{parts[k][:-1]}**。"
    if rng.random() < 0.5:
        target = rng.randrange(page_count)
        parts.append(f"参见[相关规定](../{chapter_of(target)}/p{target:05d}.md#第{target * 10 + 1}条)。")
    if rng.random() < 0.3:
        parts.append(f"*{sentence(rng, 5)}*")
    return "".join(parts)


def chapter_of(index):
    return f"ch{index // 100:03d}"


CHECKLIST = """```checklist
id: form-{n}
title: 投诉处理记录 {n}
version: 1
cite: "#第{clause}条"
fields:
  - {{id: receivedAt, type: datetime, label: 受理时间, required: true}}
  - {{id: ourFault, type: yesno, label: 是否我方责任, required: true}}
  - {{id: solvedAt, type: datetime, label: 提出方案时间, requiredIf: {{field: ourFault, equals: true}}}}
  - {{id: kind, type: choice, label: 投诉类别, options: [质量, 服务, 交付], other: true}}
  - {{id: score, type: rating, label: 满意度}}
  - id: items
    type: group
    label: 投诉项目
    repeat: {{min: 1, max: 5}}
    fields:
      - {{id: product, type: text, label: 产品, required: true}}
      - {{id: qty, type: number, label: 数量, min: 0, integer: true}}
rules:
  - {{id: solve-in-3-days, type: deadline, from: receivedAt, to: solvedAt, within: {{workingDays: 3}}, when: {{field: ourFault, equals: true}}, message: 须在3个工作日内提出方案, cite: "#第{clause}条"}}
```
"""

QUIZ = """```quiz
id: quiz-{n}
title: 自测 {n}
passMark: 80
questions:
  - {{id: q1, type: single, prompt: 咨询须在多长时间内答复？, options: [12小时, 24小时, 3天], answer: 24小时, explanation: 见本条。, cite: "#第{clause}条"}}
  - {{id: q2, type: truefalse, prompt: 投诉须当天上报。, answer: true, explanation: 见本条。, cite: "#第{clause}条"}}
  - {{id: q3, type: multiple, prompt: 哪些须上报？, options: [质量, 服务, 天气], answer: [质量, 服务], explanation: 见本条。, cite: "#第{clause}条"}}
  - {{id: q4, type: fill, prompt: 方案须在几个工作日内提出？, answer: ["3", 三], explanation: 见本条。, cite: "#第{clause}条"}}
  - {{id: q5, type: order, prompt: 排序, items: [受理, 调查, 处理, 回访], explanation: 见本条。, cite: "#第{clause}条"}}
```
"""


def generate(root, pages, seed=20251123):
    rng = random.Random(seed)
    content = root / "content"
    if root.exists():
        shutil.rmtree(root)
    content.mkdir(parents=True)
    (root / "handbook.yml").write_text(
        f"title: 基准手册\nlanguage: zh-CN\nversion: bench\ntheme: {REPO / 'theme'}\n", encoding="utf-8")
    total = 0
    for i in range(pages):
        chapter = chapter_of(i)
        (content / chapter).mkdir(exist_ok=True)
        lines = ["---", f"title: 第{i + 1}页 {rng.choice(WORDS)}{rng.choice(WORDS)}", f"order: {i}",
                 f"summary: {sentence(rng, 6)}", "---", ""]
        for s in range(4 + i % 2):
            clause = i * 10 + s + 1
            lines += [f"## 第{clause}条 {rng.choice(WORDS)}{rng.choice(WORDS)}", "", paragraph(rng, pages, chapter, i), ""]
            if s % 2 == 0:
                lines += [f"- {sentence(rng, 6)}" for _ in range(4)] + [""]
            if s % 3 == 1:
                lines += [f"> {sentence(rng)}", ""]
            lines += [f"### {rng.choice(WORDS)}细则 {s}", "", paragraph(rng, pages, chapter, i), ""]
        if i % 20 == 0:
            lines += [CHECKLIST.format(n=i, clause=i * 10 + 1), QUIZ.format(n=i, clause=i * 10 + 2)]
        text = "\n".join(lines)
        total += len(text.encode())
        (content / chapter / f"p{i:05d}.md").write_text(text, encoding="utf-8")
    return total


def run_build(binary, root, verbose=False):
    """One build: wall time, stage figures (with --verbose), peak resident memory (KB), stage CPU and the
    process's CPU time (user + system, seconds).

    The timed runs are plain `handbook build`, as people run it; `--verbose` adds a CPU clock reading per
    page and stage, so the stage table comes from a run of its own."""
    command = [str(binary), "build", "--root", str(root)] + (["--verbose"] if verbose else [])
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err)
        # wait4 gives this child's own peak memory (RUSAGE_CHILDREN would report the largest child this
        # script ever ran, which is `swift build`).
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        sys.exit(f"build failed:\n{stderr[-3000:]}")
    stages, cpu = {}, {}
    for m in re.finditer(r"\] (\w+)\s+([\d.]+) ms(?:\s+cpu\s+([\d.]+) ms)?", stderr):
        stages[m.group(1)] = float(m.group(2))
        if m.group(3):
            cpu[m.group(1)] = float(m.group(3))
    return wall, stages, usage.ru_maxrss, cpu, usage.ru_utime + usage.ru_stime


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1, help="untimed builds first (the page cache holds the corpus, as when people rebuild)")
    ap.add_argument("--submissions", type=int, default=10000)
    ap.add_argument("--serve-edits", type=int, default=10, help="one-page edits timed under `handbook serve` (0: skip)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--keep", help="generate the corpus into this folder and keep it")
    ap.add_argument("--scale", default="", help="also build these page counts once each, e.g. 20000,50000")
    args = ap.parse_args()

    subprocess.run(["swift", "build", "-c", "release"], cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    binary = REPO / ".build/release/handbook"
    root = pathlib.Path(args.keep) if args.keep else pathlib.Path(tempfile.mkdtemp(prefix="hb-bench-")) / "corpus"
    size = generate(root, args.pages)

    for _ in range(args.warmup):
        run_build(binary, root)
    runs = [run_build(binary, root) for _ in range(args.runs)]
    walls = [r[0] for r in runs]
    median = statistics.median(walls)
    process_cpu = statistics.median(r[4] for r in runs)
    staged = [run_build(binary, root, verbose=True)]
    stage_totals, cpu_totals = {}, {}
    for _, stages, _, cpu, _ in staged:
        for k, v in stages.items():
            stage_totals.setdefault(k, []).append(v)
        for k, v in cpu.items():
            cpu_totals.setdefault(k, []).append(v)
    stage_ms = {k: statistics.median(v) for k, v in stage_totals.items()}
    stage_cpu_ms = {k: statistics.median(v) for k, v in cpu_totals.items()}
    stage_sum = sum(stage_ms.values()) or 1
    peak_mb = max(r[2] for r in runs + staged) / 1024

    site = root / "site"
    out_bytes = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    index_files = [p for p in (site / "assets").rglob("*") if p.is_file() and "search" in p.name or "search/" in str(p.relative_to(site))]
    index_raw = sum(p.stat().st_size for p in index_files)
    index_gz = sum(len(gzip.compress(p.read_bytes())) for p in index_files)

    result = {
        "pages": args.pages, "markdown_mb": round(size / 1e6, 2), "runs": args.runs,
        "median_s": round(median, 3), "min_s": round(min(walls), 3), "pages_per_s": round(args.pages / median),
        "warmup": args.warmup, "cpu_s": round(process_cpu, 3),
        "peak_rss_mb": round(peak_mb, 1), "output_mb": round(out_bytes / 1e6, 1),
        "stage_ms": {k: round(v, 1) for k, v in stage_ms.items()},
        "stage_cpu_ms": {k: round(v, 1) for k, v in stage_cpu_ms.items()},
        "stage_share": {k: f"{100 * v / stage_sum:.0f}%" for k, v in stage_ms.items()},
        "search_index_raw_kb": round(index_raw / 1024), "search_index_gzip_kb": round(index_gz / 1024),
    }
    timing = bench_search(site)
    if timing:
        result["search_query_warm_median_ms"] = timing["warm_median_ms"]
        result["search_query_warm_max_ms"] = timing["warm_max_ms"]
        result["search_query_cold_ms"] = timing["cold_ms"]
        result["search_sections"] = (timing.get("info") or {}).get("n")
    check = REPO / ".build/release/handbook-check"
    if check.exists() and args.submissions:
        result.update(bench_check(check, root, args.submissions))
    if args.serve_edits:
        result.update(bench_serve(binary, root, args.serve_edits))
    if args.scale:
        result["scale"] = [bench_scale(binary, int(n)) for n in args.scale.split(",") if n.strip()]
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(f"corpus: {args.pages} pages, {result['markdown_mb']} MB Markdown; {os.cpu_count()} cores")
        print(f"{'full build (median of ' + str(args.runs) + ')':<34}{median:>9.3f} s   (min {min(walls):.3f} s)")
        print(f"{'cpu time per build (median)':<34}{process_cpu:>9.3f} s   (user + system, all threads; {args.warmup} untimed warm-up build)")
        print(f"{'pages per second':<34}{result['pages_per_s']:>9}")
        print(f"{'peak resident memory':<34}{peak_mb:>9.1f} MB")
        print(f"{'output size':<34}{result['output_mb']:>9} MB")
        for k, v in stage_ms.items():
            print(f"  stage {k:<28}{v:>9.1f} ms  {result['stage_share'][k]:>4}   (cpu {stage_cpu_ms.get(k, float('nan')):.0f} ms)")
        print(f"{'search index (raw / gzip)':<34}{result['search_index_raw_kb']:>9} KB / {result['search_index_gzip_kb']} KB")
        if "search_query_warm_max_ms" in result:
            print(f"{'search query, warm (median / max)':<34}{result['search_query_warm_median_ms']:>9} ms / {result['search_query_warm_max_ms']} ms"
                  f"  ({result['search_sections']} sections; first 8 queries with shard loading {result['search_query_cold_ms']} ms)")
        if "check_s" in result:
            print(f"{'handbook-check ' + str(result['submissions']) + ' submissions':<34}{result['check_s']:>9.3f} s")
        if "serve_edit_ms" in result:
            n = result["serve_edits"]
            print(f"{'serve: edit → reload (median of ' + str(n) + ')':<34}{result['serve_edit_ms']:>9.1f} ms  "
                  f"(client saw it after {result['serve_client_ms']:.1f} ms)")
            print(f"{'  noticed (median)':<34}{result['serve_detect_ms']:>9.1f} ms  (inotify on Linux, a full poll every 2 s as well; polling every {result['serve_poll_ms']} ms without inotify)")
            print(f"{'  rebuild one page (median)':<34}{result['serve_rebuild_ms']:>9.1f} ms  "
                  f"(max {result['serve_rebuild_max_ms']:.1f} ms; stages {result['serve_stage_ms']})")
            print(f"{'  title change (all pages)':<34}{result['serve_title_edit_ms']:>9.1f} ms")
        elif "serve_error" in result:
            print(f"serve: {result['serve_error']}")
        for row in result.get("scale", []):
            print(f"{'scale: ' + str(row['pages']) + ' pages, ' + str(row['markdown_mb']) + ' MB':<34}{row['wall_s']:>9.2f} s   "
                  f"peak memory {row['peak_rss_mb']:.0f} MB, output {row['output_mb']} MB")
    if not args.keep:
        shutil.rmtree(root.parent, ignore_errors=True)


def bench_scale(binary, pages):
    """One build of a `pages`-page corpus (generated beside the others, removed afterwards)."""
    root = pathlib.Path(tempfile.mkdtemp(prefix="hb-scale-")) / "corpus"
    try:
        size = generate(root, pages)
        wall, _, peak_kb, _, _ = run_build(binary, root)
        out_bytes = sum(p.stat().st_size for p in (root / "site").rglob("*") if p.is_file())
        return {"pages": pages, "markdown_mb": round(size / 1e6, 1), "wall_s": round(wall, 2),
                "peak_rss_mb": round(peak_kb / 1024), "output_mb": round(out_bytes / 1e6)}
    finally:
        shutil.rmtree(root.parent, ignore_errors=True)


def bench_search(site):
    """Query times in headless Chromium on the built corpus, opened from disk (scripts/search_timing.py)."""
    proc = subprocess.run(["/usr/bin/python3", str(REPO / "scripts/search_timing.py"), str(site)], capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"search timing failed: {proc.stderr[-500:]}", file=sys.stderr)
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bench_check(binary, root, count):
    """Generates `count` submissions for the corpus' first form and times one handbook-check run over them."""
    defs = root / "site" / "forms" / "definitions.json"
    if not defs.exists():
        return {}
    data = json.loads(defs.read_text(encoding="utf-8"))
    forms = data.get("forms", data)
    form_id, entry = next(iter(forms.items()))
    folder = root / "submissions"
    folder.mkdir(exist_ok=True)
    rng = random.Random(7)
    for i in range(count):
        day = rng.randint(3, 27)
        values = {"receivedAt": f"2025-03-{day:02d}T09:30:00+08:00", "ourFault": rng.random() < 0.5,
                  "solvedAt": f"2025-03-{min(day + rng.randint(0, 6), 31):02d}T17:00:00+08:00",
                  "kind": rng.choice(["质量", "服务", "交付"]), "score": rng.randint(1, 5),
                  "items": [{"product": "P.O 42.5", "qty": rng.randint(1, 90)}]}
        sub = {"form": form_id, "formVersion": entry["definition"]["version"], "definitionHash": entry["hash"],
               "handbookVersion": "bench", "filledAt": "2025-04-01T10:00:00+08:00", "filledBy": "基准", "values": values}
        (folder / f"s{i:05d}.json").write_text(json.dumps(sub, ensure_ascii=False), encoding="utf-8")
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        proc = subprocess.run([str(binary), "--definitions", str(defs), "--format", "json", str(folder)],
                              capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        if proc.returncode not in (0, 1):
            return {"check_error": proc.stderr[-500:]}
    return {"submissions": count, "check_s": round(statistics.median(times), 3)}


SERVE_LINE = re.compile(r"reload sent ([\d.]+) ms after the file change \(noticed after ([\d.]+) ms, rebuild ([\d.]+) ms, "
                        r"send ([\d.]+) ms\); (.*)")


def bench_serve(binary, root, edits=10, poll_ms=50, pause=4.0):
    """Runs `handbook serve --verbose` on the built corpus, then edits one page at a time (a new sentence at the
    end of a page in a different chapter each time) and waits for the reload message. Reports the medians of the
    server's own measure (file modification time → reload message sent: polling + rebuild + send), of the time
    an EventSource client on loopback saw the message after the write began, and of the rebuild alone; plus
    one title change, which re-renders every page (navigation). Edits are `pause` seconds apart, so the search
    index of the previous edit (built in the background, seconds on 5,000 pages) has finished."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([str(binary), "serve", "--root", str(root), "--port", str(port), "--poll", str(poll_ms), "--verbose"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines = queue.Queue()
    seen_lines = []
    threading.Thread(target=lambda: [(lines.put(l), seen_lines.append(l.rstrip())) for l in proc.stderr], daemon=True).start()
    events = queue.Queue()

    def next_line(pattern, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.1)
            except queue.Empty:
                if proc.poll() is not None:
                    return None
                continue
            m = re.search(pattern, line)
            if m:
                return m
        return None

    try:
        if not next_line(r"serving http://127\.0\.0\.1:\d+/", 300):
            return {"serve_error": "the server did not start"}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", "/__handbook/events")
        resp = conn.getresponse()

        def read_events():
            try:
                for raw in resp:
                    if raw.startswith(b"event: reload"):
                        events.put(time.time())
            except Exception:
                pass
        threading.Thread(target=read_events, daemon=True).start()
        time.sleep(0.5)

        pages = sorted((root / "content").rglob("*.md"))
        results = []
        for i in range(edits + 1):  # the first edit warms up and is not counted
            page = pages[(i * 487 + 13) % len(pages)]
            text = page.read_text(encoding="utf-8")
            while not events.empty():
                events.get_nowait()
            t0 = time.time()
            page.write_text(text + f"\n基准编辑第{i}次，须当日上报。\n", encoding="utf-8")
            m = next_line(SERVE_LINE, 30)
            if not m:
                return {"serve_error": f"no reload for edit {i}: " + " | ".join(seen_lines[-6:])}
            try:
                seen = events.get(timeout=10) - t0
            except queue.Empty:
                seen = float("nan")
            if i > 0:
                results.append((float(m.group(1)), float(m.group(2)), float(m.group(3)), seen * 1000, m.group(5), float(m.group(4))))
            time.sleep(pause)

        page = pages[len(pages) // 2]
        text = page.read_text(encoding="utf-8")
        page.write_text(re.sub(r"^title: (.*)$", r"title: \1 改", text, count=1, flags=re.M), encoding="utf-8")
        m = next_line(SERVE_LINE, 120)
        title_ms = float(m.group(1)) if m else float("nan")
        conn.close()
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
    stages = {}
    for r in results:
        for part in r[4].split(", "):
            name, _, value = part.rpartition(" ")
            stages.setdefault(name, []).append(float(value))
    return {
        "serve_edits": len(results), "serve_poll_ms": poll_ms,
        "serve_edit_ms": round(statistics.median(r[0] for r in results), 1),
        "serve_detect_ms": round(statistics.median(r[1] for r in results), 1),
        "serve_rebuild_ms": round(statistics.median(r[2] for r in results), 1),
        "serve_rebuild_max_ms": round(max(r[2] for r in results), 1),
        "serve_client_ms": round(statistics.median(r[3] for r in results), 1),
        "serve_send_ms": round(statistics.median(r[5] for r in results), 1),
        "serve_stage_ms": {k: round(statistics.median(v), 1) for k, v in stages.items()},
        "serve_title_edit_ms": round(title_ms, 1),
    }


if __name__ == "__main__":
    main()
