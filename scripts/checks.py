"""Source checks shared by the build (scripts/build.py, before Sphinx runs) and the tests.

Each function returns a list of problems, each naming the file, the line and what is wrong, so
that the build can stop early with a message a contributor can act on.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

MIN_ALT_CHARS = 20


def yaml_problems(path: Path) -> list[str]:
    try:
        yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        return [f"{path}: cannot be read as YAML: {error}"]
    return []


def notebook_json_problems(path: Path) -> list[str]:
    if path.suffix != ".ipynb":
        return []
    try:
        json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        return [f"{path}: is not valid JSON ({error}); restore it from git or re-save it"]
    return []


def figure_alt_problems(path: Path, shown: str | None = None) -> list[str]:
    """Figures, diagrams and images without alt text (and diagrams without a caption)."""
    shown = shown or str(path)
    text = path.read_text(encoding="utf-8")
    problems = []
    for match in re.finditer(r"^(:{3,}|`{3,})\{(graphviz|figure|image)\}[^\n]*\n(.*?)^\1\s*$",
                             text, re.M | re.S):
        options = dict(re.findall(r"^:([a-z-]+):\s*(.*)$", match.group(3), re.M))
        line = text[: match.start()].count("\n") + 1
        if len(options.get("alt", "").strip()) < MIN_ALT_CHARS:
            problems.append(f"{shown}:{line}: {match.group(2)} without descriptive alt text "
                            "(an :alt: option that says what the figure shows)")
        if match.group(2) == "graphviz" and not options.get("caption", "").strip():
            problems.append(f"{shown}:{line}: graphviz figure without a :caption:")
    for match in re.finditer(r"^\s+figure:\n(?:\s+\w+:.*\n)+", text, re.M):
        block = text[match.start(): text.find("\n---", match.end())]
        line = text[: match.start()].count("\n") + 1
        alt = re.search(r"^\s+alt:\s*(.+)$", block, re.M)
        if not alt or len(alt.group(1).strip()) < MIN_ALT_CHARS:
            problems.append(f"{shown}:{line}: notebook figure without alt text "
                            "(mystnb: image: alt: in the cell's metadata)")
    return problems


MATH = re.compile(r"(?<![\\$])\$\$(.+?)\$\$|(?<![\\$\w])\$([^$\n]+?)\$(?![\w$])", re.S)
MATH_BLOCK = re.compile(r"^(:{3,}|`{3,})\{math\}[^\n]*\n(.*?)^\1\s*$", re.M | re.S)
MATH_ROLE = re.compile(r"\{math\}`([^`]*)`")


def math_problems(path: Path, shown: str | None = None) -> list[str]:
    """Math whose braces or \\left/\\right pairs do not balance (MathJax would show an error)."""
    shown = shown or str(path)
    text = path.read_text(encoding="utf-8")
    # Code never holds math: blank out fenced code and inline code, keeping line numbers.
    text = re.sub(r"^(`{3,})(?!\{math\}).*?^\1\s*$", lambda m: "\n" * m.group(0).count("\n"),
                  text, flags=re.M | re.S)
    text = re.sub(r"``?[^`\n]+``?", lambda m: " " * len(m.group(0)), text)
    spans = [(m.start(), m.group(1) or m.group(2)) for m in MATH.finditer(text)]
    spans += [(m.start(), m.group(2)) for m in MATH_BLOCK.finditer(text)]
    spans += [(m.start(), m.group(1)) for m in MATH_ROLE.finditer(text)]
    problems = []
    for start, tex in spans:
        unescaped = re.sub(r"\\[{}]", "", tex)
        depth, balanced = 0, True
        for char in unescaped:
            depth += {"{": 1, "}": -1}.get(char, 0)
            balanced = balanced and depth >= 0
        if depth != 0 or not balanced:
            line = text[:start].count("\n") + 1
            problems.append(f"{shown}:{line}: math with unbalanced braces: {tex.strip()[:60]}")
        elif len(re.findall(r"\\left\b", tex)) != len(re.findall(r"\\right\b", tex)):
            line = text[:start].count("\n") + 1
            problems.append(f"{shown}:{line}: math with unpaired \\left/\\right: "
                            f"{tex.strip()[:60]}")
    return problems
