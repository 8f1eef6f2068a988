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
