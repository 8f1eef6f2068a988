"""Build one PDF per chapter, for instructors to hand out, from the whole book's LaTeX.

Usage: python scripts/chapter_pdfs.py [--jobs N] [--only SLUG ...]
(`make chapter-pdfs` builds the whole-book LaTeX first, then runs this.)

Each chapter PDF has a title block with the book's title, the chapter's number and title as in
the book, page numbers, the chapter's figures and companion notebook, and a reference list with
exactly the works the chapter cites. It is cut from the LaTeX that the strict book build wrote
(_build/latex/ml-in-production.tex), so it cannot drift from the book: same text, same numbers.
Links to other chapters keep their text; in a single chapter they lead nowhere.
Output: _build/chapter-pdfs/NN-<slug>.pdf
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LATEX = ROOT / "_build" / "latex"
BOOK_TEX = LATEX / "ml-in-production.tex"
OUTPUT = ROOT / "_build" / "chapter-pdfs"
# The chapter documents are compiled in a folder of their own: the book's LaTeX build compiles
# (and _ext/book_latex.py rewrites) every .tex file in _build/latex.
WORK = OUTPUT / "tex"
BOOK_URL = "https://ml-in-production-book.github.io/ml-in-production/"

CHAPTER = re.compile(r"^\\chapter\{(.*)\}\s*$")
BOUNDARY = re.compile(r"^(\\setcounter\{secnumdepth\}\{[^}]*\})?\\(part|chapter)\*?\{")
LABEL = re.compile(r"\\label\{\\detokenize\{chapters/([^:}]+)::doc\}\}")
CITATION = re.compile(r"\\hyperlink\{cite\.(bibliography:id\d+)\}")
BIBITEM = re.compile(r"^\\bibitem\[\d+\]\{([^}]+)\}", re.M)


@dataclass
class Chapter:
    number: int
    slug: str
    title: str
    body: str


def split_book(tex: str) -> tuple[str, list[Chapter], dict[str, str]]:
    """The preamble, the numbered chapters (with their notebooks) and the bibliography items."""
    preamble, _, rest = tex.partition("\\begin{document}")
    lines = rest.splitlines(keepends=True)
    chapters: list[Chapter] = []
    current: list[str] | None = None
    title = ""
    for line in lines:
        if BOUNDARY.match(line) or line.startswith("\\begin{sphinxthebibliography}"):
            if current is not None:
                body = "".join(current)
                slug = LABEL.search(body).group(1)
                chapters.append(Chapter(len(chapters) + 1, slug, title, body))
                current = None
            match = CHAPTER.match(line)
            if match:
                title, current = match.group(1), [line]
                continue
        if current is not None:
            current.append(line)
    bibliography = rest[rest.index("\\begin{sphinxthebibliography}"):]
    bibliography = bibliography[:bibliography.index("\\end{sphinxthebibliography}")]
    starts = [m.start() for m in BIBITEM.finditer(bibliography)] + [len(bibliography)]
    items = {BIBITEM.match(bibliography, a).group(1): bibliography[a:b]
             for a, b in zip(starts, starts[1:], strict=False)}
    return preamble, chapters, items


def chapter_document(preamble: str, chapter: Chapter, items: dict[str, str]) -> str:
    """A complete LaTeX document for one chapter."""
    preamble = preamble.replace("\\makeindex\n", "")  # the book's index stays in the book
    cited = list(dict.fromkeys(CITATION.findall(chapter.body)))
    references = "".join(
        re.sub(r"^\\bibitem\[\d+\]", f"\\\\bibitem[{n}]", items[key], count=1)
        for n, key in enumerate((k for k in cited if k in items), start=1)
    )
    heading, _, rest = chapter.body.partition("\n")
    heading += "\n"
    title_block = (
        "\\thispagestyle{plain}\\begin{center}\n"
        "{\\sffamily\\large Machine Learning in Production: An Open, Executable Textbook}\\par\n"
        "\\smallskip{\\sffamily The Machine Learning in Production authors}\\par\n"
        f"\\smallskip{{\\small Chapter {chapter.number} of the book, as published at "
        f"\\url{{{BOOK_URL}}}.\\\\ Text licensed CC BY-SA 4.0; code licensed MIT.}}\\par\n"
        "\\end{center}\n"
    )
    bibliography = (
        "\\renewcommand{\\bibname}{References cited in this chapter}\n"
        f"\\begin{{sphinxthebibliography}}{{{max(len(cited), 1)}}}\n"
        f"{references}\\end{{sphinxthebibliography}}\n" if references else ""
    )
    return (
        f"{preamble}\\begin{{document}}\n"
        "\\pagestyle{plain}\n"
        f"{title_block}"
        f"\\setcounter{{chapter}}{{{chapter.number - 1}}}\n"
        "\\pagestyle{normal}\n"
        # The chapter heading shares the first page with the title block.
        "\\begingroup\\let\\clearpage\\relax\\let\\cleardoublepage\\relax\n"
        f"{heading}\\endgroup\n"
        f"{rest}\n"
        f"{bibliography}"
        "\\end{document}\n"
    )


def compile_pdf(name: str) -> tuple[str, bool, float, str]:
    """Run latexmk with XeLaTeX on one chapter document; the book's LaTeX folder provides the
    class, the style files and the images."""
    start = time.perf_counter()
    process = subprocess.run(
        ["latexmk", "-pdfxe", "-dvi-", "-ps-", "-interaction=nonstopmode", "-halt-on-error",
         f"{name}.tex"],
        cwd=WORK, capture_output=True, text=True,
        env={**os.environ, "TEXINPUTS": f"{LATEX}:"},
    )
    ok = process.returncode == 0 and (WORK / f"{name}.pdf").exists()
    if ok:
        shutil.copy2(WORK / f"{name}.pdf", OUTPUT / f"{name.removeprefix('chapter-')}.pdf")
    log = WORK / f"{name}.log"
    tail = log.read_text(errors="replace")[-3000:] if log.exists() else process.stdout[-3000:]
    return name, ok, time.perf_counter() - start, tail


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="chapters compiled at once")
    parser.add_argument("--only", nargs="*", default=None, help="chapter slugs to build")
    args = parser.parse_args()
    if not BOOK_TEX.exists():
        print(f"{BOOK_TEX} is missing: build the book's LaTeX first (`make pdf`).",
              file=sys.stderr)
        return 1
    preamble, chapters, items = split_book(BOOK_TEX.read_text(encoding="utf-8"))
    if args.only:
        unknown = set(args.only) - {c.slug for c in chapters}
        if unknown:
            print(f"no chapter with slug {sorted(unknown)}", file=sys.stderr)
            return 1
        chapters = [c for c in chapters if c.slug in args.only]
    WORK.mkdir(parents=True, exist_ok=True)
    names = []
    for chapter in chapters:
        name = f"chapter-{chapter.number:02d}-{chapter.slug}"
        (WORK / f"{name}.tex").write_text(chapter_document(preamble, chapter, items),
                                          encoding="utf-8")
        names.append(name)
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(compile_pdf, names))
    failed = [(name, tail) for name, ok, _, tail in results if not ok]
    for name, ok, seconds, _ in results:
        status = "ok    " if ok else "FAILED"
        print(f"{status} {seconds:5.1f} s  {name.removeprefix('chapter-')}.pdf")
    for name, tail in failed:
        print(f"\n{name}.tex failed; the end of its log:\n{tail}", file=sys.stderr)
    print(f"{len(results) - len(failed)} of {len(results)} chapter PDFs in {OUTPUT} "
          f"({time.perf_counter() - start:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
