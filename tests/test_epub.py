"""Checks of the EPUB: it builds strictly, epubcheck accepts it, it has every page, math is SVG."""
from __future__ import annotations

import re
import subprocess
import zipfile

import pytest
from book import load_toc
from conftest import EPUBCHECK

pytestmark = pytest.mark.build


@pytest.fixture(scope="module")
def epub(epub_build):
    assert epub_build.returncode == 0, "the EPUB build failed:\n" + epub_build.log[-4000:]
    path = epub_build.output / "ml-in-production.epub"
    assert path.exists(), f"no EPUB at {path}"
    return path


def test_epubcheck_accepts_the_epub(epub):
    result = subprocess.run(["java", "-jar", str(EPUBCHECK), str(epub)],
                            capture_output=True, text=True, timeout=600)
    report = result.stdout + result.stderr
    problems = [line for line in report.splitlines()
                if line.startswith(("FATAL", "ERROR", "WARNING"))]
    assert result.returncode == 0 and not problems, (
        "epubcheck rejects the EPUB:\n" + "\n".join(problems[:30] or [report[-3000:]]))


def test_every_page_is_in_the_epub(epub):
    with zipfile.ZipFile(epub) as book:
        names = set(book.namelist())
    missing = [entry.docname for entry in load_toc()
               if f"{entry.docname}.xhtml" not in names]
    assert not missing, f"pages missing from the EPUB: {missing}"


def test_math_is_rendered_as_images_without_scripts(epub):
    """An e-book reader runs no JavaScript: formulas must be images (imgmath SVG)."""
    with zipfile.ZipFile(epub) as book:
        pages = {name: book.read(name).decode("utf-8") for name in book.namelist()
                 if name.endswith(".xhtml")}
        math_images = [name for name in book.namelist()
                       if name.startswith("_images/math/") and name.endswith(".svg")]
    assert math_images, "no formula rendered as SVG in the EPUB"
    with_math = [name for name, text in pages.items() if 'class="math' in text]
    assert with_math, "no page with math in the EPUB"
    unrendered = [name for name, text in pages.items()
                  if re.search(r"\\\(|\\\[|\$\$", text) and "math" in text]
    assert not unrendered, f"pages with formulas left as TeX source: {unrendered[:5]}"
    scripted = [name for name, text in pages.items() if "<script" in text]
    assert not scripted, f"pages with scripts in the EPUB: {scripted[:5]}"
