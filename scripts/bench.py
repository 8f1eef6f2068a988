"""Measure how long the book takes to build, and write a table.

Usage: python scripts/bench.py [--runs N] [--pdf] [--out FILE]

Measures, each as the median of N runs (default 3) on this machine:
- a clean build: no _build at all, every notebook executed from an empty cache;
- a rebuild with no change;
- a rebuild after editing one chapter (a sentence appended, then removed again);
- each notebook's execution time, as recorded by the execution cache;
- with --pdf, the whole PDF with a warm cache.
The table goes to standard output and to FILE (default _build/bench.md).
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = [sys.executable, str(ROOT / "scripts" / "build.py")]
EDITED = ROOT / "chapters" / "introduction.md"


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        log = result.stdout[-3000:] + result.stderr[-3000:]
        sys.exit(f"build failed while benchmarking:\n{log}")
    return elapsed


def clean_build() -> float:
    shutil.rmtree(ROOT / "_build", ignore_errors=True)
    return timed(BUILD + ["html"])


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pdf", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "bench.md")
    args = parser.parse_args()

    results: list[tuple[str, list[float], str]] = []
    results.append(("clean build, empty cache", [clean_build() for _ in range(args.runs)], ""))
    notebooks = notebook_times()
    timed(BUILD + ["html"])  # make sure the environment is warm before timing rebuilds
    results.append(("rebuild, no change", [timed(BUILD + ["html"]) for _ in range(args.runs)],
                    "goal < 5 s"))
    results.append(("rebuild, one chapter edited", [edited_rebuild() for _ in range(args.runs)],
                    "goal < 10 s"))
    timed(BUILD + ["html"])  # restore the unedited build
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
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(table, encoding="utf-8")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
