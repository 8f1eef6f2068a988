"""Checks of the PDF: it builds, with parts and chapters in order, figures, bibliography, index."""
from __future__ import annotations

import re
import subprocess

import pytest
from book import load_toc, title_of

pytestmark = pytest.mark.build


@pytest.fixture(scope="module")
def pdf_text(pdf_build):
    assert pdf_build.returncode == 0, "the PDF build failed:\n" + pdf_build.log[-4000:]
    pdf = pdf_build.output / "ml-in-production.pdf"
    assert pdf.exists(), f"no PDF at {pdf}"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return re.sub(r"[ \t]+", " ", text)


def test_pdf_has_its_metadata(pdf_build, pdf_text):
    info = subprocess.run(["pdfinfo", str(pdf_build.output / "ml-in-production.pdf")],
                          capture_output=True, text=True, check=True).stdout
    assert "Machine Learning in Production" in info
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages > 10


def test_pdf_has_parts_and_chapters_in_order(pdf_text):
    body = pdf_text[pdf_text.find("Preface", pdf_text.find("CONTENTS") + 200):]
    position = 0
    for entry in load_toc()[1:]:
        if entry.docname == "bibliography":
            continue
        title = title_of(entry.path())
        words = re.escape(title.split(":")[0][:40]).replace(r"\ ", r"\s+")
        match = re.search(words, body[position:], re.I)
        assert match, f"the PDF lacks '{title}' ({entry.docname}) after position {position}"
        position += match.end()


def test_pdf_numbers_figures(pdf_text):
    if not any(e.docname.startswith("chapters/") for e in load_toc()):
        pytest.skip("no chapters yet")
    assert re.search(r"Fig\.\s+\d+\.\d+", pdf_text), "no numbered figure (Fig. N.M) in the PDF"


def test_pdf_has_bibliography_and_index(pdf_text):
    tail = pdf_text[len(pdf_text) // 2:]
    assert re.search(r"^\s*BIBLIOGRAPHY\s*$|^\s*Bibliography\s*$", tail, re.M), "no bibliography"
    assert re.search(r"^\s*INDEX\s*$|^\s*Index\s*$", tail, re.M), "no index"


@pytest.fixture(scope="module")
def chapter_pdfs(pdf_build):
    """Every chapter's own PDF, cut from the book's LaTeX (scripts/chapter_pdfs.py)."""
    import sys

    from book import ROOT

    assert pdf_build.returncode == 0, "the PDF build failed:\n" + pdf_build.log[-4000:]
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "chapter_pdfs.py")],
                            capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, (
        "the chapter PDFs failed:\n" + result.stdout[-2000:] + result.stderr[-4000:])
    return ROOT / "_build" / "chapter-pdfs"


def test_every_chapter_has_its_own_pdf(chapter_pdfs):
    chapters = [entry for entry in load_toc() if entry.docname.startswith("chapters/")]
    for number, entry in enumerate(chapters, start=1):
        slug = entry.docname.removeprefix("chapters/")
        pdf = chapter_pdfs / f"{number:02d}-{slug}.pdf"
        assert pdf.exists(), f"no chapter PDF {pdf.name} for {entry.docname}"
        text = re.sub(r"\s+", " ", subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout)
        assert "Machine Learning in Production" in text, f"{pdf.name} lacks the book's title"
        assert f"Chapter {number} of the book" in text, f"{pdf.name} lacks its chapter number"
        title = re.escape(title_of(entry.path()).split(":")[0][:30]).replace(r"\ ", r"\s*")
        assert re.search(title, text, re.I), f"{pdf.name} lacks its title"
        source = entry.path().read_text(encoding="utf-8")
        if "{cite" in source:
            assert "References cited in this chapter" in text, f"{pdf.name} lacks its references"
        if "{graphviz}" in source:
            assert re.search(rf"Fig\.\s*{number}\.1", text), f"{pdf.name} lacks its figures"
