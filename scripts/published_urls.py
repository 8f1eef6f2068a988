"""Add the book's current pages to the committed list of published URLs (never removes any).

Usage: python scripts/published_urls.py

Instructors link to chapter pages from syllabi and slides, so a published URL must keep working.
tests/data/published-urls.txt records every page the book has published; the tests fail when a
listed page disappears without a redirect (sphinx.config.redirects in _config.yml). Run this after
adding a page to _toc.yml and commit the updated list with it.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from book import load_toc  # noqa: E402

LIST = ROOT / "tests" / "data" / "published-urls.txt"
HEADER = (
    "# Every URL the book has published, relative to the site root.\n"
    "# Append-only: see scripts/published_urls.py.\n"
)


def main() -> int:
    known = [line.strip() for line in LIST.read_text().splitlines()
             if line.strip() and not line.startswith("#")] if LIST.exists() else []
    current = [f"{entry.docname}.html" for entry in load_toc()] + ["genindex.html"]
    added = [url for url in current if url not in known]
    LIST.write_text(HEADER + "".join(f"{url}\n" for url in known + added), encoding="utf-8")
    print(f"{len(added)} URLs added, {len(known) + len(added)} published")
    return 0


if __name__ == "__main__":
    sys.exit(main())
