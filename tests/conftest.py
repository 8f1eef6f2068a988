"""Shared fixtures: one strict HTML, PDF and EPUB build each, for all the tests that read them."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from book import ROOT  # noqa: E402


@dataclass
class Build:
    returncode: int
    log: str
    output: Path


def run_build(source: Path, builder: str = "html", timeout: int = 1500) -> Build:
    """Build the book in `source` with the project's strict build script."""
    process = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build.py"), builder, "--source", str(source)],
        capture_output=True, text=True, timeout=timeout,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    output = source / "_build" / {"pdf": "latex", "epub": "epub"}.get(builder, "html")
    return Build(process.returncode, process.stdout + process.stderr, output)


@pytest.fixture(scope="session")
def html_build() -> Build:
    build = run_build(ROOT, "html")
    (ROOT / "_build").mkdir(exist_ok=True)
    (ROOT / "_build" / "test-html-build.log").write_text(build.log, encoding="utf-8")
    return build


@pytest.fixture(scope="session")
def pdf_build() -> Build:
    tex = all(shutil.which(tool) for tool in ("xelatex", "latexmk", "xindy"))
    if not tex:
        if os.environ.get("CI"):
            pytest.fail("TeX is missing in CI: `make tex-deps` must install it before the tests")
        pytest.skip("TeX is not installed; `make tex-deps` installs it")
    build = run_build(ROOT, "pdf")
    (ROOT / "_build").mkdir(exist_ok=True)
    (ROOT / "_build" / "test-pdf-build.log").write_text(build.log, encoding="utf-8")
    return build


EPUBCHECK = Path("/usr/share/java/epubcheck.jar")


@pytest.fixture(scope="session")
def epub_build() -> Build:
    ready = all(shutil.which(tool) for tool in ("latex", "dvisvgm", "java")) and EPUBCHECK.exists()
    if not ready:
        if os.environ.get("CI"):
            pytest.fail("LaTeX, dvisvgm or epubcheck is missing in CI: `make epub-deps` must "
                        "install them before the tests")
        pytest.skip("the EPUB tools are not installed; `make epub-deps` installs them")
    build = run_build(ROOT, "epub")
    (ROOT / "_build").mkdir(exist_ok=True)
    (ROOT / "_build" / "test-epub-build.log").write_text(build.log, encoding="utf-8")
    return build
