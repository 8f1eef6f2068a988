"""Measure how long the book takes to build, and write a table.

Usage: python scripts/bench.py [--runs N] [--pdf] [--weight] [--weight-only] [--out FILE]

Measures, each as the median of N runs (default 3) on this machine:
- a clean build: no _build at all, every notebook executed from an empty cache, once with the
  notebooks executed one at a time while Sphinx reads the pages (BOOK_PARALLEL=0) and N times
  with the default, the notebooks pre-executed two at a time (scripts/build.py);
- a rebuild with no change;
- a rebuild after editing one chapter (a sentence appended, then removed again);
- each notebook's execution time, as recorded by the execution cache;
- the fast test tier (pytest -m "not build");
- with --pdf, the whole PDF with a warm cache;
- with --weight, the weight of a few pages in headless Chromium (tests/a11y/weight.mjs): bytes
  transferred on a first visit and on a second visit with a warm cache, against the weight of the
  page's own text and images (--weight-only measures the existing build and skips the timings).
The table goes to standard output and to FILE (default _build/bench.md).
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = [sys.executable, str(ROOT / "scripts" / "build.py")]
EDITED = ROOT / "chapters" / "introduction.md"
WEIGHED = ["chapters/fairness.html", "chapters/llm-products.html",
           "notebooks/fairness.html", "index.html"]


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=os.environ)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        log = result.stdout[-3000:] + result.stderr[-3000:]
        sys.exit(f"build failed while benchmarking:\n{log}")
    return elapsed


def clean_build(parallel: bool = True) -> float:
    shutil.rmtree(ROOT / "_build", ignore_errors=True)
    if parallel:
        return timed(BUILD + ["html"])
    os.environ["BOOK_PARALLEL"] = "0"
    try:
        return timed(BUILD + ["html"])
    finally:
        del os.environ["BOOK_PARALLEL"]


def edited_rebuild() -> float:
    original = EDITED.read_text(encoding="utf-8")
    try:
        EDITED.write_text(original + "\nA sentence added by the benchmark.\n", encoding="utf-8")
        return timed(BUILD + ["html"])
    finally:
        EDITED.write_text(original, encoding="utf-8")


def notebook_times() -> list[tuple[str, float]]:
    from jupyter_cache import get_cache

    cache = get_cache(ROOT / "_build" / ".jupyter_cache")
    rows = []
    for record in cache.list_cache_records():
        data = record.data or {}
        seconds = data.get("execution_seconds")
        if seconds is not None:
            rows.append((Path(record.uri).relative_to(ROOT).as_posix(), float(seconds)))
    return sorted(rows)


def page_weights(pages: list[str] = WEIGHED) -> str:
    """Serve the built book on a local port and weigh pages in headless Chromium."""
    html = ROOT / "_build" / "html"
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = subprocess.run(
            ["node", str(ROOT / "tests" / "a11y" / "weight.mjs"),
             f"http://127.0.0.1:{server.server_address[1]}", *pages],
            capture_output=True, text=True, timeout=600,
        )
    finally:
        server.shutdown()
    if result.returncode != 0:
        sys.exit(f"page weight failed (make a11y-deps installs Chromium):\n{result.stderr}")
    data = json.loads(result.stdout)

    def kib(n: float) -> str:
        return f"{n / 1024:,.0f}"

    def gzipped(resources: list) -> int:
        """What a host that compresses text (as GitHub Pages does) would transfer."""
        total = 0
        for _, path in resources:
            file = html / path.split("?")[0].lstrip("/")
            if file.is_file():
                raw = file.read_bytes()
                compressible = file.suffix in {".html", ".js", ".css", ".svg", ".json", ".txt"}
                total += len(gzip.compress(raw, 6)) if compressible else len(raw)
        return total

    lines = ["| page | first visit, KiB (requests) | first visit gzipped, KiB "
             "| second visit, KiB (requests) | own text, KiB | own images, KiB (count) |",
             "|---|---:|---:|---:|---:|---:|"]
    for page, row in data.items():
        first, second, own = row["first"], row["second"], row["own"]
        lines.append(f"| {page} | {kib(first['bytes'])} ({first['requests']}) "
                     f"| {kib(gzipped(first['resources']))} "
                     f"| {kib(second['bytes'])} ({second['requests']}) | {kib(own['text'])} "
                     f"| {kib(own['images'])} ({own['count']}) |")
    largest = sorted(next(iter(data.values()))["first"]["resources"], reverse=True)[:5]
    lines += ["", f"Largest transfers on the first visit of {next(iter(data))}: "
              + "; ".join(f"{path} {kib(size)} KiB" for size, path in largest) + "."]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pdf", action="store_true")
    parser.add_argument("--weight", action="store_true")
    parser.add_argument("--weight-only", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "bench.md")
    args = parser.parse_args()
    if args.weight_only:
        table = page_weights()
        print(table)
        return 0

    results: list[tuple[str, list[float], str]] = []
    results.append(("clean build, empty cache, notebooks executed one at a time",
                    [clean_build(parallel=False)], "scripts/build.py with BOOK_PARALLEL=0"))
    results.append(("clean build, empty cache, notebooks pre-executed two at a time",
                    [clean_build() for _ in range(args.runs)], "goal < 180 s"))
    notebooks = notebook_times()
    timed(BUILD + ["html"])  # make sure the environment is warm before timing rebuilds
    results.append(("rebuild, no change", [timed(BUILD + ["html"]) for _ in range(args.runs)],
                    "goal < 5 s"))
    results.append(("rebuild, one chapter edited", [edited_rebuild() for _ in range(args.runs)],
                    "goal < 10 s"))
    timed(BUILD + ["html"])  # restore the unedited build
    fast = [sys.executable, "-m", "pytest", str(ROOT / "tests"), "-q", "-m", "not build",
            "-p", "no:cacheprovider"]
    results.append(("fast test tier (no build)", [timed(fast) for _ in range(args.runs)],
                    "goal < 30 s"))
    if args.pdf:
        timed(BUILD + ["pdf"])
        results.append(("PDF, warm cache", [timed(BUILD + ["pdf"]) for _ in range(args.runs)],
                        "goal < 150 s"))

    lines = ["| measurement | median (s) | runs (s) | note |", "|---|---:|---|---|"]
    for name, runs, note in results:
        runs_text = ", ".join(f"{r:.1f}" for r in runs)
        lines.append(f"| {name} | {statistics.median(runs):.1f} | {runs_text} | {note} |")
    for name, seconds in notebooks:
        lines.append(f"| notebook {name} | {seconds:.1f} | 1 | goal < 30 s |")
    table = "\n".join(lines) + "\n"
    if args.weight:
        table += "\n" + page_weights()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(table, encoding="utf-8")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
