"""Report, for every chapter in the table of contents, what an editor checks at a glance.

Usage: python scripts/chapter_stats.py [--markdown]

Prose words (excluding code, directives' options, graphviz sources, labels and markup), distinct
works cited, figures, tables, exercises, glossary links, index entries and learning goals.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from book import load_toc  # noqa: E402

CITE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")
ROLE = re.compile(r"\{[a-z:]+\}`([^`<]*)(?:<[^`]*>)?`")


def prose_words(text: str) -> int:
    words = 0
    fence = None
    for line in text.splitlines():
        stripped = line.strip()
        opener = re.match(r"^(`{3,}|:{3,})\{?([a-z-]*)", stripped)
        if fence is None and opener:
            kind = opener.group(2)
            # Directives whose body is prose count; code, diagrams and math do not.
            fence = (opener.group(1), kind in {"code-cell", "graphviz", "code", "math", "index"})
            continue
        if fence and stripped.startswith(fence[0][0] * 3) and not opener:
            fence = None
            continue
        if fence and stripped == fence[0]:
            fence = None
            continue
        if fence and fence[1]:
            continue
        if re.match(r"^(\(.*\)=|:[a-z-]+:|---|```)", stripped):
            continue
        line = ROLE.sub(r"\1", line)
        line = re.sub(r"[#*_>|`]", " ", line)
        words += len(re.findall(r"[A-Za-z0-9][A-Za-z0-9'’.,%$-]*", line))
    return words


def stats(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    keys = {k.strip() for m in CITE.finditer(text) for k in m.group(1).split(",")}
    goals = re.search(r":::\{admonition\} Learning goals\n(.*?)\n:::", text, re.S)
    goal_lines = goals.group(1).splitlines() if goals else []

    def count(pattern: str) -> int:
        return len(re.findall(pattern, text, re.M))

    return {
        "words": prose_words(text),
        "citations": len(keys),
        "figures": count(r"^:::\{graphviz\}|^```\{figure\}|^:::\{figure\}"),
        "tables": count(r"^:::\{list-table\}|^```\{list-table\}|^:::\{table\}"),
        "exercises": text.count("::::{exercise}"),
        "terms": count(r"\{term\}`"),
        "index": count(r"\{index\}`|^```\{index\}"),
        "goals": len([line for line in goal_lines if line.startswith("- ")]),
    }


def main() -> int:
    rows = [(e.docname, stats(e.path())) for e in load_toc() if e.docname.startswith("chapters/")]
    columns = ["words", "citations", "figures", "tables", "exercises", "terms", "index", "goals"]
    print("| chapter | " + " | ".join(columns) + " |")
    print("|---|" + "---:|" * len(columns))
    for name, row in rows:
        print(f"| {name.split('/')[1]} | " + " | ".join(str(row[c]) for c in columns) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
