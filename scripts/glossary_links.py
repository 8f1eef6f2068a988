"""Cross-link the glossary: link the terms that a definition uses to their own entries.

Usage: python scripts/glossary_links.py [--write]

In each definition of glossary.md, the first mention of another entry's term (whole words,
case-insensitive, singular or plural) becomes a {term} link to that entry, longest terms first,
at most MAX_LINKS per definition and never overlapping an existing link. Without --write it
prints how many links it would add; tests/test_sources.py fails if any are missing, so that the
glossary stays cross-linked as terms are added.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "glossary.md"
MAX_LINKS = 3
# Words too common in definitions to be worth a link, although the glossary defines them.
TOO_COMMON = {"model", "feature", "label", "test", "data", "metric", "system", "bug", "prompt",
              "training", "version"}
LINK = re.compile(r"\{term\}`[^`]*`")


def parse(text: str) -> tuple[str, list[tuple[str, str]], str]:
    """The text before the entries, the (term, definition) pairs, and the text after them."""
    start = text.index(":sorted:\n") + len(":sorted:\n")
    end = text.rindex("\n:::")
    body = text[start:end]
    entries = []
    for block in re.split(r"\n\s*\n", body.strip("\n")):
        lines = block.splitlines()
        entries.append((lines[0].strip(), "\n".join(lines[1:])))
    return text[:start], entries, text[end:]


def pattern(term: str) -> re.Pattern:
    words = r"\s+".join(re.escape(w) for w in term.split())
    return re.compile(rf"(?<![\w`<-])({words}(?:s|es)?)(?![\w>-])", re.IGNORECASE)


def link_definition(term: str, definition: str, terms: list[str]) -> tuple[str, int]:
    existing = {m.group(0) for m in LINK.finditer(definition)}
    added = len(existing)
    for other in terms:
        if added >= MAX_LINKS:
            break
        if other.lower() == term.lower() or other.lower() in TOO_COMMON or len(other) < 4:
            continue
        if any(f"<{other}>" in link or f"`{other}`" in link for link in existing):
            continue
        # Search only in the text outside existing links and inline code.
        spans = [m.span() for m in re.finditer(r"\{term\}`[^`]*`|`[^`]*`", definition)]
        for match in pattern(other).finditer(definition):
            if any(a <= match.start() < b for a, b in spans):
                continue
            text = match.group(1)
            role = f"{{term}}`{text}`" if text.lower() == other.lower() else \
                f"{{term}}`{text} <{other}>`"
            definition = definition[:match.start(1)] + role + definition[match.end(1):]
            added += 1
            break
    return definition, added - len(existing)


def cross_link(text: str) -> tuple[str, int]:
    head, entries, tail = parse(text)
    terms = sorted((t for t, _ in entries), key=len, reverse=True)
    total = 0
    blocks = []
    for term, definition in entries:
        definition, added = link_definition(term, definition, terms)
        total += added
        blocks.append(f"{term}\n{definition}")
    return head + "\n" + "\n\n".join(blocks) + tail, total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    text = GLOSSARY.read_text(encoding="utf-8")
    linked, added = cross_link(text)
    if args.write and linked != text:
        GLOSSARY.write_text(linked, encoding="utf-8")
    print(f"{added} cross-links {'added' if args.write else 'missing'} in {GLOSSARY.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
