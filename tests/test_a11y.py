"""Accessibility audit of the built book: axe-core in headless Chromium, no serious or critical
violations on the landing page, chapter pages and a notebook page.

Needs Debian's chromium and the pinned npm packages of tests/a11y (`make a11y-deps`); skipped
locally when they are missing, required in CI.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from book import ROOT, load_toc

pytestmark = pytest.mark.build

AUDIT = ROOT / "tests" / "a11y" / "audit.mjs"
BLOCKING = {"serious", "critical"}


def audited_pages(output: Path) -> list[Path]:
    chapters = [e.docname for e in load_toc() if e.docname.startswith("chapters/")]
    notebooks = [e.docname for e in load_toc() if e.docname.startswith("notebooks/")]
    picks = ["index", "glossary"] + chapters[:: max(1, len(chapters) // 4)] + notebooks[:1]
    return [output / f"{name}.html" for name in picks]


def test_no_serious_accessibility_violations(html_build):
    ready = (shutil.which("node") and Path("/usr/bin/chromium").exists()
             and (AUDIT.parent / "node_modules" / "axe-core").exists())
    if not ready:
        if os.environ.get("CI"):
            pytest.fail("CI must install chromium and the audit's npm packages (make a11y-deps)")
        pytest.skip("chromium or the audit's npm packages are missing (make a11y-deps)")
    pages = audited_pages(html_build.output)
    assert len([p for p in pages if "/chapters/" in str(p)]) >= 3
    result = subprocess.run(["node", str(AUDIT), *map(str, pages)], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    problems = [
        f"{Path(page).relative_to(html_build.output)}: {v['impact']} {v['id']}: {v['help']} "
        f"({', '.join(v['nodes'][:3])})"
        for page, violations in report.items()
        for v in violations
        if v["impact"] in BLOCKING
    ]
    assert not problems, "accessibility violations:\n" + "\n".join(problems)


def test_the_audit_reports_a_known_violation(tmp_path):
    """The audit itself: an image without alt text is a critical violation."""
    if not (shutil.which("node") and (AUDIT.parent / "node_modules" / "axe-core").exists()
            and Path("/usr/bin/chromium").exists()):
        pytest.skip("chromium or the audit's npm packages are missing (make a11y-deps)")
    page = tmp_path / "bad.html"
    page.write_text('<!doctype html><html lang="en"><head><title>t</title></head>'
                    '<body><main><img src="x.png"></main></body></html>', encoding="utf-8")
    result = subprocess.run(["node", str(AUDIT), str(page)], capture_output=True, text=True,
                            timeout=120, check=True)
    violations = json.loads(result.stdout)[str(page)]
    assert any(v["id"] == "image-alt" and v["impact"] == "critical" for v in violations)
