"""Merge chapter drafts' bibliography and glossary fragments into the book.

Usage: python scripts/merge_drafts.py SLUG [SLUG ...] [--write]

A chapter drafted in parallel with others brings `.drafts/<slug>.bib` (its new works) and
`.drafts/<slug>.glossary.md` (its new terms: a term line, then its definition indented by two
spaces). This script reports what would change: keys already in references.bib (skipped), keys
two drafts share (the most complete entry wins; the differences are printed), works that another
key already holds (same DOI, or same title and year), and glossary terms that already exist or that
two drafts both define (the first draft's definition wins; reconcile by hand if needed). With
--write it appends the new entries to references.bib and rewrites glossary.md, sorted.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DRAFTS = ROOT / ".drafts"
ENTRY = re.compile(r"\s*@(\w+)\s*\{\s*([^,\s]+)\s*,")
FIELD = re.compile(r"(\w+)\s*=\s*\{(.*?)\}\s*,?\s*\n", re.S)


def entries(text: str) -> list[tuple[str, str]]:
    out = []
    for chunk in re.split(r"\n(?=@)", "\n" + text):
        match = ENTRY.match(chunk)
        if match and match.group(1).lower() not in ("comment", "string", "preamble"):
            out.append((match.group(2), chunk.strip()))
    return out


def fields(chunk: str) -> dict[str, str]:
    return {k.lower(): re.sub(r"\s+", " ", v) for k, v in FIELD.findall(chunk + "\n")}


def identity(chunk: str) -> set[str]:
    f = fields(chunk)
    title = re.sub(r"[^a-z0-9]+", " ", re.sub(r"[{}]", "", f.get("title", "").lower())).strip()
    return {x for x in (f.get("doi", "").lower(), f"{title} {f.get('year', '')}".strip()) if x}


def merge_bib(slugs: list[str], write: bool) -> None:
    bib = ROOT / "references.bib"
    existing = dict(entries(bib.read_text(encoding="utf-8")))
    known = {ident: key for key, chunk in existing.items() for ident in identity(chunk)}
    new: dict[str, list[tuple[str, str]]] = {}
    for slug in slugs:
        path = DRAFTS / f"{slug}.bib"
        for key, chunk in entries(path.read_text(encoding="utf-8")) if path.exists() else []:
            if key in existing:
                print(f"bib: {key} ({slug}) is already in references.bib; skipped")
            else:
                new.setdefault(key, []).append((slug, chunk))
    chosen = []
    for key, versions in new.items():
        if len(versions) > 1:
            all_fields = [fields(c) for _, c in versions]
            names = set().union(*all_fields)
            differ = {f for f in names if len({x.get(f) for x in all_fields}) > 1}
            print(f"bib: {key} in {[s for s, _ in versions]}; differing fields {sorted(differ)}")
        best = max(versions, key=lambda v: (len(fields(v[1])), len(v[1])))[1]
        for ident in identity(best):
            if ident in known:
                print(f"bib: {key} looks like the same work as {known[ident]} ({ident})")
            known[ident] = key
        chosen.append(best)
    print(f"bib: {len(chosen)} new entries")
    if write and chosen:
        text = bib.read_text(encoding="utf-8").rstrip() + "\n\n" + "\n\n".join(chosen) + "\n"
        bib.write_text(text, encoding="utf-8")


def glossary_entries(text: str) -> list[list[str]]:
    out: list[list[str]] = []
    current = None
    for line in text.splitlines():
        if not line.strip() or line.startswith(":"):
            current = None
        elif not line.startswith(" "):
            current = [line.strip(), ""]
            out.append(current)
        elif current is not None:
            current[1] = (current[1] + " " + line.strip()).strip()
    return out


def merge_glossary(slugs: list[str], write: bool) -> None:
    path = ROOT / "glossary.md"
    text = path.read_text(encoding="utf-8")
    head, block = text.split(":::{glossary}", 1)
    terms = glossary_entries(block.split("\n", 2)[2].rsplit(":::", 1)[0])
    have = {name.lower(): "glossary.md" for name, _ in terms}
    added = 0
    for slug in slugs:
        draft = DRAFTS / f"{slug}.glossary.md"
        for name, definition in glossary_entries(draft.read_text()) if draft.exists() else []:
            if name.lower() in have:
                print(f"glossary: '{name}' ({slug}) is already defined in {have[name.lower()]}")
                continue
            have[name.lower()] = slug
            terms.append([name, definition])
            added += 1
    print(f"glossary: {added} new terms, {len(terms)} in all")
    if write:
        terms.sort(key=lambda t: t[0].lower())
        body = "\n".join(f"{name}\n  {definition}\n" for name, definition in terms)
        path.write_text(f"{head}:::{{glossary}}\n:sorted:\n\n{body}:::\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("slugs", nargs="+")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    merge_bib(args.slugs, args.write)
    merge_glossary(args.slugs, args.write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
