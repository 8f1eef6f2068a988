"""Shape the EPUB edition of the book (built with `make epub`).

An EPUB reader runs no JavaScript, so MathJax cannot typeset the formulas there: for the EPUB,
math is rendered at build time into SVG images by Sphinx's imgmath (LaTeX plus dvisvgm); the
diagrams stay SVG, a core media type of EPUB 3. The HTML edition is not affected: these
settings apply only when scripts/build.py builds the EPUB (it sets BOOK_BUILDER=epub, because
Sphinx decides the math renderer before it creates the builder).
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

TITLE = "Machine Learning in Production: An Open, Executable Textbook"


def configure(app: Sphinx, config: Config) -> None:
    # EPUB 3 wants a version; the edition is the year of the copyright.
    config.version = config.release = str(config.copyright)
    # Launch buttons (Binder, Colab) need the web theme's repository context; an e-book has none.
    config.html_theme_options = {**config.html_theme_options, "launch_buttons": {}}
    config.html_math_renderer = "imgmath"
    config.imgmath_image_format = "svg"
    config.imgmath_use_preview = True  # aligns inline formulas with the text's baseline
    config.imgmath_font_size = 14
    # The vendored MathJax serves only the web edition.
    config.html_extra_path = []
    config.epub_basename = "ml-in-production"
    config.epub_title = TITLE
    config.epub_author = config.author
    config.epub_publisher = config.author
    config.epub_copyright = config.copyright
    config.epub_language = "en"
    # A stable identifier, so that readers recognize a new edition as the same book.
    config.epub_scheme = "URL"
    config.epub_identifier = "https://ml-in-production-book.github.io/ml-in-production/"
    config.epub_uid = "ml-in-production"
    config.epub_show_urls = "no"
    config.epub_exclude_files = ["search.html"]
    config.epub_tocdepth = 2


SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL)
DOCTYPE = re.compile(r"<!DOCTYPE[^\[>]*(\[.*?\])?\s*>", re.DOTALL)
STYLE = re.compile(r"<style\b[^>]*>.*?</style>", re.DOTALL)
STYLESHEET = re.compile(r'<link rel="stylesheet" type="text/css" href="([^"]+)" />')


def make_valid_epub(outdir: Path) -> None:
    """Fix what epubcheck rejects in the pages and images the HTML machinery writes.

    - Scripts do nothing in an e-book, and a page with scripts must be declared "scripted".
    - Notebook tables (pandas) carry <style scoped> in the body, which EPUB's XHTML forbids.
    - myst-nb's stylesheet uses CSS nesting, which EPUB's CSS profile rejects; the e-book uses the
      EPUB theme's styles instead.
    - sphinx-exercise gives every exercise the same id.
    - Graphviz's SVG files declare an external DTD, which EPUB 3 forbids.
    - The NCX table of contents must carry the same identifier as the package.
    """
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from book_pages import unique_exercise_ids

    for page in outdir.rglob("*.xhtml"):
        text = page.read_text(encoding="utf-8")
        head, separator, body = SCRIPT.sub("", text).partition("<body")
        fixed = unique_exercise_ids(head + separator + STYLE.sub("", body))
        fixed = STYLESHEET.sub(
            lambda m, folder=page.parent: m.group(0) if (folder / m.group(1)).exists()
            and "mystnb" not in m.group(1) else "", fixed)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")
    for stylesheet in (outdir / "_static").glob("mystnb*.css"):
        stylesheet.unlink()
    for image in (outdir / "_images").glob("*.svg"):
        text = image.read_text(encoding="utf-8")
        fixed = DOCTYPE.sub("", text, count=1)
        if fixed != text:
            image.write_text(fixed, encoding="utf-8")


def package(app: Sphinx, exception: Exception | None) -> None:
    """Repackage the EPUB once every extension has copied its files (they do so at build-finished,
    after Sphinx has already zipped the book), with the pages made valid."""
    if exception is not None or app.builder.name != "epub":
        return
    make_valid_epub(Path(app.outdir))
    # The table of contents numbers its entries from counters set when the builder starts.
    app.builder.playorder = 0
    app.builder.tocid = 0
    app.builder.handle_finish()
    ncx = Path(app.outdir) / "toc.ncx"
    text = ncx.read_text(encoding="utf-8")
    fixed = text.replace(f'<meta name="dtb:uid" content="{app.config.epub_uid}"/>',
                         f'<meta name="dtb:uid" content="{app.config.epub_identifier}"/>')
    if fixed != text:
        ncx.write_text(fixed, encoding="utf-8")
        app.builder.build_epub()


def setup(app: Sphinx) -> dict:
    if os.environ.get("BOOK_BUILDER") == "epub":
        app.setup_extension("sphinx.ext.imgmath")
        app.connect("config-inited", configure)
        # After the other extensions' build-finished handlers (default priority 500).
        app.connect("build-finished", package, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
