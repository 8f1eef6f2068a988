"""Execute one MyST text notebook outside the book build and report its run time.

Usage: python scripts/run_notebook.py notebooks/NAME.md [more.md ...]

Reads the text notebook with myst-nb's own reader (the same one the book build
uses), runs every cell with nbclient in a temporary working folder, and exits
non-zero if a cell raises. Useful while writing a notebook: it is much faster
than a full book build.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import nbclient
from myst_nb.core.read import read_myst_markdown_notebook

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def run(path: Path, timeout: int = 120) -> float:
    notebook = read_myst_markdown_notebook(path.read_text(encoding="utf-8"))
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as workdir:
        client = nbclient.NotebookClient(
            notebook,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": workdir}},
        )
        client.execute()
    return time.perf_counter() - start


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    status = 0
    for name in argv:
        path = Path(name)
        try:
            seconds = run(path)
        except nbclient.exceptions.CellExecutionError as error:
            print(f"{path}: a cell raised\n{error}", file=sys.stderr)
            status = 1
            continue
        print(f"{path}: ran in {seconds:.1f} s")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
