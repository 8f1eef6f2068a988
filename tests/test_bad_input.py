"""Bad input gets a clear error naming the file and the problem, and leaves no half-written build.

Each test copies the book's configuration into a temporary folder with a one-chapter book, breaks
one thing, builds it with the project's strict build script and reads what the build says.
"""
from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from book import ROOT
from conftest import run_build

pytestmark = pytest.mark.build

GOOD_CHAPTER = """\
(ch-tiny)=
# A tiny chapter

A sentence that cites {cite:p}`sculley2015hidden` and points to {ref}`sec-tiny-details`.

(sec-tiny-details)=
## Details

More text.
"""
GOOD_BIB = """\
@inproceedings{sculley2015hidden,
  author = {Sculley, D. and Holt, Gary and Golovin, Daniel and Davydov, Eugene and
            Phillips, Todd and Ebner, Dietmar and Chaudhary, Vinay and Young, Michael and
            Crespo, Jean-Fran{\\c{c}}ois and Dennison, Dan},
  title = {Hidden Technical Debt in Machine Learning Systems},
  booktitle = {Advances in Neural Information Processing Systems 28},
  year = {2015},
  url = {https://papers.nips.cc/paper/5656-hidden-technical-debt-in-machine-learning-systems}
}
"""
NOTEBOOK = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

(nb-tiny)=
# Notebook: tiny

```{{code-cell}} ipython3
total = sum(range(10))
{body}
```
"""


def tiny_book(folder: Path, chapter: str = GOOD_CHAPTER, bib: str = GOOD_BIB,
              toc_files: tuple[str, ...] = ("chapters/tiny",), notebook: str | None = None) -> Path:
    """A one-chapter book with the real configuration, extensions and vendored assets."""
    for name in ("_config.yml", "requirements.txt"):
        shutil.copy(ROOT / name, folder / name)
    for name in ("_ext", "_latex", "_templates"):
        shutil.copytree(ROOT / name, folder / name)
    (folder / "_vendor").symlink_to(ROOT / "_vendor")
    (folder / "index.md").write_text("(index)=\n# A tiny book\n\nA test book.\n")
    (folder / "bibliography.md").write_text(
        "(bibliography)=\n# Bibliography\n\n```{bibliography}\n```\n"
    )
    (folder / "chapters").mkdir()
    (folder / "chapters" / "tiny.md").write_text(chapter, encoding="utf-8")
    (folder / "references.bib").write_text(bib, encoding="utf-8")
    if notebook is not None:
        (folder / "notebooks").mkdir()
        (folder / "notebooks" / "tiny.md").write_text(notebook, encoding="utf-8")
    chapters = "".join(f"      - file: {name}\n" for name in toc_files)
    (folder / "_toc.yml").write_text(textwrap.dedent("""\
        format: jb-book
        root: index
        parts:
          - caption: "Part I: Test"
            numbered: true
            chapters:
        """) + chapters + "  - caption: Back matter\n    chapters:\n      - file: bibliography\n")
    return folder


def assert_fails_clearly(build, *expected: str) -> None:
    assert build.returncode != 0, "the build should have failed:\n" + build.log[-3000:]
    summary = build.log[build.log.find("Build FAILED"):]
    for text in expected:
        assert text in summary, f"the failure summary does not mention {text!r}:\n{summary}"
    assert not build.output.exists(), f"a failed build left {build.output} behind"
    assert not (build.output.parent / ".doctrees").exists(), "a failed build left its doctrees"


def test_the_tiny_book_builds(tmp_path):
    """The control: without a defect the tiny book builds, so each failure below is the defect's."""
    build = run_build(tiny_book(tmp_path, notebook=NOTEBOOK.format(body="assert total == 45"),
                                toc_files=("chapters/tiny", "notebooks/tiny")))
    assert build.returncode == 0, build.log[-3000:]
    assert (build.output / "chapters" / "tiny.html").exists()


def test_unknown_citation_key(tmp_path):
    chapter = GOOD_CHAPTER.replace("sculley2015hidden", "nobody1999nothing")
    build = run_build(tiny_book(tmp_path, chapter=chapter))
    assert_fails_clearly(build, "chapters/tiny.md", "nobody1999nothing")


def test_unknown_reference_label(tmp_path):
    chapter = GOOD_CHAPTER.replace("{ref}`sec-tiny-details`", "{ref}`sec-tiny-nowhere`")
    build = run_build(tiny_book(tmp_path, chapter=chapter))
    assert_fails_clearly(build, "chapters/tiny.md", "sec-tiny-nowhere")


def test_toc_entry_without_file(tmp_path):
    build = run_build(tiny_book(tmp_path, toc_files=("chapters/tiny", "chapters/ghost")))
    assert_fails_clearly(build, "_toc.yml", "chapters/ghost")


def test_notebook_cell_that_raises(tmp_path):
    notebook = NOTEBOOK.format(body='raise ValueError("deliberate failure in a cell")')
    build = run_build(tiny_book(tmp_path, notebook=notebook,
                                toc_files=("chapters/tiny", "notebooks/tiny")))
    assert_fails_clearly(build, "notebooks/tiny", "ValueError", "deliberate failure in a cell")


def test_malformed_bibliography_entry(tmp_path):
    bib = GOOD_BIB.replace("year = {2015},", "year = {2015}")  # the missing comma
    build = run_build(tiny_book(tmp_path, bib=bib))
    assert_fails_clearly(build, "references.bib", "malformed entry")


def test_duplicate_label(tmp_path):
    chapter = GOOD_CHAPTER + "\n(sec-tiny-details)=\n## Details again\n\nText.\n"
    build = run_build(tiny_book(tmp_path, chapter=chapter))
    assert_fails_clearly(build, "chapters/tiny.md", "sec-tiny-details")


# --- more bad input: configuration, notebooks, images, math, time budgets -------------------


def test_malformed_config(tmp_path):
    book = tiny_book(tmp_path)
    config = (book / "_config.yml").read_text()
    (book / "_config.yml").write_text(config.replace("execute:\n", "execute:\n  - [broken\n", 1))
    build = run_build(book)
    assert_fails_clearly(build, "_config.yml", "cannot be read as YAML")


def test_malformed_toc(tmp_path):
    book = tiny_book(tmp_path)
    (book / "_toc.yml").write_text("format: jb-book\nroot: index\nparts:\n  - caption: [oops\n")
    build = run_build(book)
    assert_fails_clearly(build, "_toc.yml", "cannot be read as YAML")


def test_notebook_with_broken_json(tmp_path):
    book = tiny_book(tmp_path, toc_files=("chapters/tiny", "notebooks/broken"))
    (book / "notebooks").mkdir()
    (book / "notebooks" / "broken.ipynb").write_text('{"cells": [ {"cell_type": "code",')
    build = run_build(book)
    assert_fails_clearly(build, "notebooks/broken.ipynb", "not valid JSON")


def test_missing_image(tmp_path):
    chapter = GOOD_CHAPTER + (
        "\n```{figure} images/nowhere.png\n:name: fig-tiny-missing\n"
        ":alt: A picture that does not exist, to test the build.\n\nA caption.\n```\n"
    )
    build = run_build(tiny_book(tmp_path, chapter=chapter))
    assert_fails_clearly(build, "chapters/tiny.md", "nowhere.png")


def test_figure_without_alt_text(tmp_path):
    chapter = GOOD_CHAPTER + (
        "\n:::{graphviz}\n:caption: A diagram without alt text.\n:name: fig-tiny-noalt\n\n"
        "digraph g { a -> b; }\n:::\n"
    )
    build = run_build(tiny_book(tmp_path, chapter=chapter))
    assert_fails_clearly(build, "chapters/tiny.md", "alt text")


def test_broken_math(tmp_path):
    chapter = GOOD_CHAPTER + "\nThe cost is $\\frac{c_{FP}{n}$ per item.\n"
    build = run_build(tiny_book(tmp_path, chapter=chapter))
    assert_fails_clearly(build, "chapters/tiny.md", "math")


def test_notebook_over_its_time_budget(tmp_path):
    notebook = NOTEBOOK.replace(
        "kernelspec:", "mystnb:\n  execution_timeout: 2\nkernelspec:"
    ).format(body="import time\ntime.sleep(30)")
    build = run_build(tiny_book(tmp_path, notebook=notebook,
                                toc_files=("chapters/tiny", "notebooks/tiny")))
    assert_fails_clearly(build, "notebooks/tiny", "timed out")


def test_a_moved_page_keeps_its_old_address(tmp_path):
    """sphinx-reredirects writes a page at the old address that sends readers to the new one."""
    book = tiny_book(tmp_path)
    config = (book / "_config.yml").read_text(encoding="utf-8")
    assert "    redirects: {}\n" in config, "_config.yml should declare sphinx.config.redirects"
    (book / "_config.yml").write_text(config.replace(
        "    redirects: {}\n", '    redirects:\n      "chapters/old-tiny": "tiny.html"\n'),
        encoding="utf-8")
    build = run_build(book)
    assert build.returncode == 0, build.log[-3000:]
    old = build.output / "chapters" / "old-tiny.html"
    assert old.exists(), "no redirect page at the old address"
    assert 'url=tiny.html' in old.read_text(encoding="utf-8")
