"""What the tests know about the book's sources: the table of contents, chapters, notebooks."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SOURCE_SUFFIXES = (".md", ".ipynb")
LABEL_PREFIXES = ("ch", "sec", "fig", "tbl", "eq", "ex", "sol", "nb")
LABEL_PATTERN = re.compile(r"^(%s)-[a-z0-9]+(-[a-z0-9]+)*$" % "|".join(LABEL_PREFIXES))
# Labels of the front and back matter pages, which are not chapters.
PAGE_LABELS = {"index", "preface", "glossary", "bibliography", "execution-report", "errata",
               "instructor-guide", "annotated-bibliography", "ml-products"}


@dataclass(frozen=True)
class Entry:
    """One page of the table of contents."""

    docname: str
    part: str | None
    numbered: bool

    def path(self, root: Path = ROOT) -> Path | None:
        for suffix in SOURCE_SUFFIXES:
            candidate = root / f"{self.docname}{suffix}"
            if candidate.exists():
                return candidate
        return None


def load_toc(root: Path = ROOT) -> list[Entry]:
    """Every page of `_toc.yml`, in reading order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    entries = [Entry(toc["root"], None, False)]

    def walk(items, part, numbered):
        for item in items or []:
            entries.append(Entry(item["file"], part, numbered))
            walk(item.get("sections"), part, numbered)

    for part in toc.get("parts", []):
        walk(part.get("chapters"), part["caption"], bool(part.get("numbered")))
    walk(toc.get("chapters"), None, False)
    return entries


def chapter_files(root: Path = ROOT) -> list[Path]:
    return sorted((root / "chapters").glob("*.md"))


def notebook_files(root: Path = ROOT) -> list[Path]:
    folder = root / "notebooks"
    return sorted(p for p in folder.glob("*") if p.suffix in SOURCE_SUFFIXES)


def book_sources(root: Path = ROOT) -> list[Path]:
    """Every page that can appear in the book: front and back matter, chapters, notebooks."""
    pages = [root / f"{name}.md" for name in sorted(PAGE_LABELS) if (root / f"{name}.md").exists()]
    return pages + chapter_files(root) + notebook_files(root)


def title_of(path: Path) -> str:
    """The H1 title of a MyST page."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    raise ValueError(f"{path.relative_to(ROOT)}: no '# Title' line")


def relative(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)
