"""Checks of the strict HTML build: it passes, every notebook ran, every link resolves."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from book import load_toc

pytestmark = pytest.mark.build


def problem_lines(log: str) -> list[str]:
    """Sphinx's warnings and errors ("WARNING:", "ERROR:") and tracebacks in the build log."""
    return [line for line in log.splitlines() if re.search(r"WARNING:|ERROR:|Traceback", line)]


def test_build_passes_with_zero_warnings(html_build):
    assert html_build.returncode == 0, "the strict build failed:\n" + "\n".join(
        problem_lines(html_build.log)[:40] or html_build.log.splitlines()[-40:]
    )
    assert not problem_lines(html_build.log), "the build logged warnings:\n" + "\n".join(
        problem_lines(html_build.log)
    )


def test_every_toc_page_has_an_html_page(html_build):
    missing = [
        e.docname for e in load_toc() if not (html_build.output / f"{e.docname}.html").exists()
    ]
    assert not missing, f"pages in _toc.yml without an HTML page: {missing}"


def test_every_notebook_executed_successfully(html_build):
    notebooks = [e for e in load_toc() if e.docname.startswith("notebooks/")]
    reports = html_build.output / "reports"
    failures = sorted(p.name for p in reports.glob("*")) if reports.exists() else []
    assert not failures, f"notebooks whose execution failed (see _build/html/reports): {failures}"
    not_run = []
    for entry in notebooks:
        page = (html_build.output / f"{entry.docname}.html").read_text(encoding="utf-8")
        if "cell_output" not in page:
            not_run.append(entry.docname)
    assert not not_run, f"notebook pages that show no cell output (did they run?): {not_run}"


def test_notebook_figures_show_their_image(html_build):
    """Every figure a notebook declares in cell metadata appears with an image and alt text."""
    problems = []
    for entry in load_toc():
        if not entry.docname.startswith("notebooks/"):
            continue
        names = re.findall(r"^\s+name:\s*(fig-\S+)", entry.path().read_text(encoding="utf-8"), re.M)
        page = (html_build.output / f"{entry.docname}.html").read_text(encoding="utf-8")
        for name in names:
            figure = re.search(r'<figure[^>]*id="%s".*?</figure>' % re.escape(name), page, re.S)
            if not figure:
                problems.append(f"{entry.docname}: no figure with id {name}")
            elif not re.search(r'<img[^>]*\salt="[^"]+"', figure.group(0)):
                problems.append(f"{entry.docname}: figure {name} has no image with alt text")
    assert not problems, "\n".join(problems)


def test_notebook_pages_offer_the_ipynb_download(html_build):
    for entry in load_toc():
        if entry.docname.startswith("notebooks/"):
            ipynb = html_build.output / "_sources" / f"{entry.docname}.ipynb"
            assert ipynb.exists(), f"{entry.docname}: no downloadable .ipynb at {ipynb}"
            page = (html_build.output / f"{entry.docname}.html").read_text(encoding="utf-8")
            assert f"{Path(entry.docname).name}.ipynb" in page, (
                f"{entry.docname}: the page does not link its .ipynb"
            )


class Anchors(HTMLParser):
    """Collects the ids a page defines and the links it makes."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.remote_assets: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key):
                self.ids.add(attrs[key])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        asset = attrs.get("src") if tag in ("script", "img", "iframe") else None
        if tag == "link" and attrs.get("rel") and "stylesheet" in attrs["rel"]:
            asset = attrs.get("href")
        if tag == "link" and attrs.get("rel") in ("preload", "modulepreload"):
            asset = attrs.get("href")
        if asset and re.match(r"(https?:)?//", asset):
            self.remote_assets.append(f"<{tag}> {asset}")


def parse_site(root: Path) -> dict[Path, Anchors]:
    pages = {}
    for page in root.rglob("*.html"):
        if "_sources" in page.parts:
            continue
        parser = Anchors()
        parser.feed(page.read_text(encoding="utf-8"))
        pages[page] = parser
    return pages


def test_every_internal_link_and_anchor_resolves(html_build):
    pages = parse_site(html_build.output)
    broken = []
    for page, parsed in pages.items():
        for href in parsed.links:
            url = urlparse(href)
            if url.scheme or href.startswith(("//", "mailto:", "javascript:")):
                continue
            target = page if not url.path else (page.parent / unquote(url.path)).resolve()
            if not target.exists():
                broken.append(f"{page.relative_to(html_build.output)}: {href} (no such file)")
                continue
            if url.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else set()
                if unquote(url.fragment) not in ids:
                    broken.append(f"{page.relative_to(html_build.output)}: {href} (no such anchor)")
    assert not broken, f"{len(broken)} broken internal links:\n" + "\n".join(broken[:50])


def test_html_loads_nothing_from_the_network(html_build):
    remote = []
    for page in html_build.output.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for pattern in (
            r'<script[^>]*\ssrc="(https?:)?//',
            r'<link[^>]*\shref="(https?:)?//[^"]*"[^>]*stylesheet',
            r'<link[^>]*stylesheet[^>]*\shref="(https?:)?//',
        ):
            if re.search(pattern, text):
                remote.append(str(page.relative_to(html_build.output)))
    for page, parsed in parse_site(html_build.output).items():
        if parsed.remote_assets:
            remote.append(f"{page.relative_to(html_build.output)}: {parsed.remote_assets}")
    assert not remote, "pages that load scripts or styles from the network:\n" + "\n".join(remote)


MAX_DIAGRAM_WIDTH_PT = 720  # wider diagrams shrink below a legible font size on a printed page


def test_diagrams_fit_a_page(html_build):
    """A Graphviz diagram wider than a page is scaled until its labels cannot be read."""
    pages = {
        page.relative_to(html_build.output).as_posix(): page.read_text(encoding="utf-8")
        for page in html_build.output.rglob("*.html")
    }
    wide = []
    for svg in sorted((html_build.output / "_images").glob("graphviz-*.svg")):
        using = [name for name, text in pages.items() if svg.name in text]
        if not using:
            continue  # left over from an earlier build; no page shows it
        match = re.search(r'<svg[^>]*\swidth="([\d.]+)pt"', svg.read_text(encoding="utf-8"))
        if match and float(match.group(1)) > MAX_DIAGRAM_WIDTH_PT:
            wide.append(f"{using}: {svg.name} is {float(match.group(1)):.0f} pt wide")
    assert not wide, (
        f"diagrams wider than {MAX_DIAGRAM_WIDTH_PT} pt (lay them out top to bottom, or split "
        "them):\n" + "\n".join(wide)
    )


def test_mathjax_is_served_by_the_book(html_build):
    assert (html_build.output / "mathjax" / "tex-chtml.js").exists()


READER_FEATURES = {
    "search": "search-button",
    "dark mode": "theme-switch-button",
    "copy buttons on code": "copybutton.js",
    "edit this page": "/edit/main/",
    "open an issue": "/issues/new",
    "next and previous links": "prev-next-area",
    "table of contents in the margin": "bd-toc",
    "link to the general index": "genindex.html",
    "social preview metadata": 'property="og:description"',
}


def test_chapter_pages_offer_what_readers_expect(html_build):
    problems = []
    for entry in load_toc():
        if not entry.docname.startswith(("chapters/", "notebooks/")):
            continue
        page = (html_build.output / f"{entry.docname}.html").read_text(encoding="utf-8")
        missing = [name for name, marker in READER_FEATURES.items() if marker not in page]
        if entry.docname.startswith("notebooks/"):
            missing += [name for name, marker in {
                "launch on Binder": "mybinder.org", "launch on Colab": "colab.research.google.com",
                "the packages it needs": "To run this notebook",
            }.items() if marker not in page]
        if missing:
            problems.append(f"{entry.docname}: lacks {missing}")
    assert not problems, "\n".join(problems)


def test_sitemap_lists_every_page(html_build):
    sitemap = (html_build.output / "sitemap.xml").read_text(encoding="utf-8")
    missing = [e.docname for e in load_toc() if f"/{e.docname}.html<" not in sitemap]
    assert not missing, f"pages missing from sitemap.xml: {missing}"
