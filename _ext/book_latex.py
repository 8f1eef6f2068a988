"""Shape the LaTeX output of the book into the form of a printed textbook.

Jupyter Book turns every caption of `_toc.yml` into a LaTeX part and every top-level page into a
numbered chapter. A printed book wants front and back matter without numbers, part titles without
the "Part I:" prefix (LaTeX numbers parts itself), and one bibliography at the end rather than an
empty "Bibliography" chapter followed by the list. This extension rewrites the generated .tex
file after Sphinx writes it and before Jupyter Book runs LaTeX on it.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)
PART_PREFIX = re.compile(r"^Part [IVXLC]+:\s*")


def unnumbered_documents(toc_path: Path) -> tuple[set[str], set[str]]:
    """Captions of unnumbered parts, and the documents listed in them."""
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    captions, docs = set(), set()
    for part in toc.get("parts", []):
        if part.get("numbered"):
            continue
        captions.add(part["caption"])
        for chapter in part.get("chapters", []):
            docs.add(chapter["file"])
    return captions, docs


def rewrite(tex: str, captions: set[str], docs: set[str]) -> str:
    # The landing page is written for the web (buttons, downloads); the preface says the same for
    # print. Keep its label, drop its text, so the PDF runs title, contents, preface.
    landing = re.search(r"(\\phantomsection\\label\{\\detokenize\{index::doc\}\}\n)(.*?)"
                        r"(?=\\chapter)", tex, flags=re.S)
    if landing:
        tex = tex[: landing.start(2)] + "\\sphinxstepscope\n\n" + tex[landing.end(2):]
    numbered = [m.start() for m in re.finditer(r"\\part\{([^\n]*)\}", tex)
                if m.group(1) not in captions]
    first_numbered = min(numbered, default=len(tex))
    for caption in captions:
        # Matter before the first part needs no part page; matter after the parts gets an
        # unnumbered one, so that its chapters do not look like part of the last part.
        marker = "\\part{%s}\n" % caption
        starred = "\\part*{%s}\\addcontentsline{toc}{part}{%s}\n" % (caption, caption)
        tex = tex.replace(marker, "" if tex.find(marker) < first_numbered else starred)
    # The bibliography page: its list comes from sphinxcontrib-bibtex as a chapter of its own, so
    # the page's own chapter heading and introduction are dropped; its labels move into the list.
    # The page ends at the next page or at the list, whichever comes first (sphinx-jupyterbook-latex
    # moves the list to the end of the document, after any later back-matter page).
    match = re.search(
        r"\\chapter\{Bibliography\}\n(\\label\{\\detokenize\{bibliography:[^\n]*)\n.*?"
        r"(?=\\sphinxstepscope|\\chapter|\\begin\{sphinxthebibliography\})",
        tex,
        flags=re.S,
    )
    if match:
        labels = match.group(1)
        tex = tex[: match.start()] + tex[match.end():]
        tex = re.sub(
            r"(\\begin\{sphinxthebibliography\}\{[^\n]*\}\n)",
            lambda m: m.group(1) + "\\phantomsection" + labels + "\n",
            tex,
            count=1,
        )
    docs = docs - {"bibliography"}

    def unnumber(match: re.Match) -> str:
        title = match.group(1)
        # Unnumbered chapters have unnumbered sections too; numbered parts restore numbering.
        return (
            "\\setcounter{secnumdepth}{-1}"
            "\\chapter*{%s}\\addcontentsline{toc}{chapter}{%s}\\markboth{%s}{%s}\n%s"
            % (title, title, title, title, match.group(2))
        )

    for doc in docs:
        pattern = r"\\chapter\{([^\n]*)\}\n(\\label\{\\detokenize\{%s:)" % re.escape(doc)
        tex = re.sub(pattern, unnumber, tex)
    tex = tex.replace(
        "\\begin{document}",
        "\\newcounter{booksecnumdepth}\n\\begin{document}\n"
        "\\setcounter{booksecnumdepth}{\\value{secnumdepth}}",
        1,
    )
    return re.sub(
        r"\\part\{([^\n]*)\}",
        lambda m: "\\setcounter{secnumdepth}{\\value{booksecnumdepth}}\\part{%s}"
        % PART_PREFIX.sub("", m.group(1)),
        tex,
    )


def on_build_finished(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.name != "latex":
        return
    toc_path = Path(app.config.external_toc_path)
    if not toc_path.is_absolute():
        toc_path = Path(app.srcdir) / toc_path
    captions, docs = unnumbered_documents(toc_path)
    for tex_path in Path(app.outdir).glob("*.tex"):
        text = tex_path.read_text(encoding="utf-8")
        tex_path.write_text(rewrite(text, captions, docs), encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", on_build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
