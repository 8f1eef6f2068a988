"""Check that two clean builds of the same commit produce the same book.

Usage: python scripts/reproducibility.py [--keep DIR]
(`make reproducibility`; it takes two full clean builds, about ten minutes on two cores.)

Builds the HTML book twice, each time from an empty _build (every notebook executed again), and
compares the two outputs file by file:
- every HTML page must be byte-identical, except for what the book marks as a measurement of
  the machine it ran on or of chance by design: the output of notebook cells tagged
  `measures-time` (latency and training-time measurements) or `varies-by-run` (a deliberately
  unseeded demonstration), and the cells of class "measured" in the execution report (run
  times). Those parts are removed from both builds before the comparison, and the script reports
  which pages needed it; everything else in those pages must still be identical;
- every executed notebook (_build/jupyter_execute/**/*.ipynb, and the copies offered for
  download) must have identical cells and outputs, except the outputs of those tagged cells;
  execution timestamps in the cell metadata are ignored;
- the search index must be identical (_ext/book_pages.py keeps the measured parts out of it);
  the images that only tagged cells show are left out;
- every other file (images, diagrams, sitemap, static files) must be identical.
SOURCE_DATE_EPOCH (set by the Makefile from the last commit) fixes the dates the build prints.
Exits with status 1 and lists the differing files if the builds differ.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Cells whose output differs from run to run by design: timings of the machine that built the
# book, and deliberately unseeded demonstrations (AUTHORING.md, Notebooks).
MEASURED_TAGS = ("measures-time", "varies-by-run")
# Files that legitimately differ between builds: Sphinx's build fingerprint, which hashes the
# configuration objects by identity, and the notebook execution cache's database.
IGNORED = {".buildinfo"}


def normalize_html(text: str, measured_images: set[str] | None = None) -> str:
    """The page without the parts that are measurements of the machine that built it; the names
    of the images those parts show are added to `measured_images`."""
    if not any(tag in text for tag in MEASURED_TAGS) and 'class="measured"' not in text:
        return text
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    for tag in MEASURED_TAGS:
        for cell in soup.select(f".tag_{tag}"):
            for output in cell.select(".cell_output"):
                for image in output.select("img"):
                    if measured_images is not None:
                        measured_images.add(Path(image.get("src", "")).name)
                output.clear()
    for measured in soup.select(".measured"):
        measured.clear()
    return str(soup)



def normalize_notebook(text: str) -> str:
    notebook = json.loads(text)
    for cell in notebook.get("cells", []):
        cell.get("metadata", {}).pop("execution", None)
        cell.pop("id", None)
        if set(MEASURED_TAGS) & set(cell.get("metadata", {}).get("tags", [])):
            cell["outputs"] = []
        merged: list[dict] = []
        for output in cell.get("outputs", []):
            output.pop("execution_count", None)
            # The kernel chunks printed text differently from run to run; the book merges it.
            if (merged and output.get("output_type") == "stream"
                    and merged[-1].get("output_type") == "stream"
                    and merged[-1].get("name") == output.get("name")):
                previous = merged[-1]["text"]
                previous = "".join(previous) if isinstance(previous, list) else previous
                text_now = output["text"]
                text_now = "".join(text_now) if isinstance(text_now, list) else text_now
                merged[-1]["text"] = previous + text_now
            else:
                merged.append(output)
        if "outputs" in cell:
            cell["outputs"] = merged
    notebook.get("metadata", {}).pop("execution", None)
    return json.dumps(notebook, sort_keys=True)


def digest(path: Path, relative: str, measured_images: set[str]) -> tuple[str, bool]:
    """The file's fingerprint, and whether normalization was needed to compute it."""
    data = path.read_bytes()
    if relative.endswith(".html"):
        text = data.decode("utf-8")
        normal = normalize_html(text, measured_images)
        return hashlib.sha256(normal.encode("utf-8")).hexdigest(), normal != text
    if relative.endswith(".ipynb"):
        return hashlib.sha256(normalize_notebook(data.decode("utf-8")).encode()).hexdigest(), True
    return hashlib.sha256(data).hexdigest(), False


def snapshot(build: Path) -> dict[str, tuple[str, bool]]:
    files = {}
    measured_images: set[str] = set()
    for folder in ("html", "jupyter_execute"):
        base = build / folder
        for path in sorted(base.rglob("*")):
            relative = f"{folder}/{path.relative_to(base).as_posix()}"
            if path.is_file() and path.name not in IGNORED:
                files[relative] = digest(path, relative, measured_images)
    # Images that only measured outputs show differ with the measurements; leave them out.
    return {name: value for name, value in files.items()
            if Path(name).name not in measured_images}


def clean_build() -> tuple[dict[str, tuple[str, bool]], float, Path]:
    shutil.rmtree(ROOT / "_build", ignore_errors=True)
    start = time.perf_counter()
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "build.py"), "html"],
                            cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "PYTHONHASHSEED": "0"})
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit("the build failed:\n" + result.stdout[-3000:] + result.stderr[-3000:])
    return snapshot(ROOT / "_build"), seconds, ROOT / "_build"


def compare(first: dict, second: dict) -> list[str]:
    differences = []
    for name in sorted(set(first) | set(second)):
        if name not in first or name not in second:
            which = "second" if name in second else "first"
            differences.append(f"{name}: only in the {which} build")
        elif first[name][0] != second[name][0]:
            differences.append(f"{name}: differs")
    return differences


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="keep the first build's HTML in this folder")
    args = parser.parse_args()
    if "SOURCE_DATE_EPOCH" not in os.environ:
        epoch = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        os.environ["SOURCE_DATE_EPOCH"] = epoch or "1767225600"
    first, seconds_1, build = clean_build()
    keep = args.keep or Path(tempfile.mkdtemp(prefix="first-build-"))
    shutil.rmtree(keep, ignore_errors=True)
    shutil.copytree(build / "html", keep)
    second, seconds_2, _ = clean_build()
    differences = compare(first, second)
    normalized = sorted(name for name, (_, changed) in first.items()
                        if changed and name.endswith(".html"))
    print(f"Two clean builds: {seconds_1:.0f} s and {seconds_2:.0f} s; "
          f"{len(first)} files compared.")
    print(f"Pages compared after removing measured parts ({len(normalized)}): "
          + (", ".join(normalized) or "none"))
    if differences:
        print(f"{len(differences)} files differ (first build kept in {keep}):")
        for line in differences[:100]:
            print(f"  {line}")
        return 1
    print("The two builds are identical (HTML pages, notebook outputs and every other file).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
