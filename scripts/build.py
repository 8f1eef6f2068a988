"""Build the book strictly and leave nothing half-written.

Usage: python scripts/build.py [html|pdf|epub] [--source DIR]

Runs `jupyter-book build` with warnings as errors (-W), nitpicky references (-n) and
--keep-going, so that one run reports every problem. On success it prints where the output is.
On failure it prints a short list of the problems (each names the file and what is wrong),
removes the partial output and the Sphinx environment, so that a later build cannot trust them,
and exits with status 1. The notebook execution cache keeps only successful runs, so it stays.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import checks  # noqa: E402

# Sphinx reports problems as "WARNING:" or "ERROR:"; a notebook failure as an exception.
# (The kernel's own log lines, such as "[IPKernelApp] WARNING | ...", are not build problems.)
PROBLEM = re.compile(
    r"(WARNING:|ERROR:|CRITICAL|SEVERE|Error:|Exception|CellExecutionError|"
    r"Couldn't find|malformed|not found)",
)
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def strict_command(source: Path, builder: str) -> list[str]:
    jb = Path(sys.executable).with_name("jupyter-book")
    sphinx_builder = {"pdf": ["pdflatex"], "epub": ["custom", "--custom-builder", "epub"]}
    return [
        str(jb), "build", str(source), "--builder", *sphinx_builder.get(builder, ["html"]),
        "--warningiserror", "--nitpick", "--keep-going",
    ]


OUTPUT_FOLDER = {"pdf": "latex", "epub": "epub"}


def output_file(source: Path, builder: str) -> Path:
    """The file a successful build must have written."""
    output = source / "_build" / OUTPUT_FOLDER.get(builder, "html")
    if builder == "pdf":
        return output / pdf_name(source)
    if builder == "epub":
        return output / "ml-in-production.epub"
    return output / "index.html"


def problems(log: str) -> list[str]:
    """The lines of a build log that say what went wrong, without duplicates."""
    seen: list[str] = []
    for line in ANSI.sub("", log).splitlines():
        line = line.strip()
        if PROBLEM.search(line) and line not in seen and not line.startswith("raise"):
            seen.append(line)
    return seen


def pdf_name(source: Path) -> str:
    """The PDF's file name, from the LaTeX target name in _config.yml."""
    import yaml

    config = yaml.safe_load((source / "_config.yml").read_text(encoding="utf-8"))
    target = config["latex"]["latex_documents"]["targetname"]
    return Path(target).with_suffix(".pdf").name


def toc_files(source: Path) -> list[str]:
    """The documents _toc.yml lists (assumes it parses)."""
    import yaml

    toc = yaml.safe_load((source / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc.get("root")] if isinstance(toc, dict) else []

    def walk(items):
        for item in items or []:
            if isinstance(item, dict) and "file" in item:
                files.append(item["file"])
                walk(item.get("sections"))

    for part in (toc.get("parts") or []) if isinstance(toc, dict) else []:
        walk(part.get("chapters"))
    walk(toc.get("chapters") if isinstance(toc, dict) else None)
    return [name for name in files if name]


def source_problems(source: Path) -> list[str]:
    """Check what Sphinx reports badly or not at all, naming the file and the problem."""
    problems = checks.yaml_problems(source / "_config.yml") + checks.yaml_problems(
        source / "_toc.yml"
    )
    if problems:
        return problems
    for name in toc_files(source):
        paths = [source / f"{name}{suffix}" for suffix in (".md", ".ipynb")]
        path = next((p for p in paths if p.exists()), None)
        if path is None:
            problems.append(f"{source / '_toc.yml'}: lists '{name}', but neither {name}.md nor "
                            f"{name}.ipynb exists")
            continue
        problems += checks.notebook_json_problems(path)
        if path.suffix == ".md":
            problems += checks.figure_alt_problems(path) + checks.math_problems(path)
    return problems


def bibliography_problems(source: Path) -> list[str]:
    """Parse references.bib before Sphinx does, to name the file and line of a syntax error."""
    from pybtex.database import parse_file
    from pybtex.scanner import PybtexSyntaxError

    bib = source / "references.bib"
    try:
        parse_file(str(bib), bib_format="bibtex")
    except PybtexSyntaxError as error:
        return [f"{bib}:{error.lineno}: malformed entry: {error}"]
    except Exception as error:  # duplicate keys and other pybtex errors
        return [f"{bib}: {error}"]
    return []


def is_notebook(path: Path) -> bool:
    """A MyST text notebook: front matter with a Jupyter kernel."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    return text.startswith("---") and "kernelspec:" in text.split("\n---", 1)[0]


def pre_execute(source: Path) -> str:
    """Execute the notebooks that the execution cache lacks, two at a time, before Sphinx runs.

    Sphinx executes notebooks one after another while it reads the pages; run beforehand in
    parallel (jupyter-cache's temp-parallel executor: each in a temporary folder, as the build
    does), they fill the same cache, and the build then finds every notebook there. A notebook
    that fails here is left to the build, which reports the failing cell.
    """
    import yaml

    execute = yaml.safe_load((source / "_config.yml").read_text(encoding="utf-8")).get(
        "execute", {}) or {}
    if execute.get("execute_notebooks", "auto") != "cache":
        return "skipped (the build does not use the execution cache)"
    paths = [source / f"{name}.md" for name in toc_files(source)]
    # A notebook with its own execution settings (mystnb: in its front matter) is left to the
    # build, which honors them.
    paths = [path for path in paths if is_notebook(path) and "\nmystnb:" not in
             path.read_text(encoding="utf-8").split("\n---", 1)[0]]
    if not paths:
        return "no notebooks"
    # When every notebook was cached after the last pre-execution and none has changed since,
    # a stamp in the cache (gone with the cache) saves reading and hashing them all again.
    import hashlib

    cache_dir = source / "_build" / ".jupyter_cache"
    stamp = cache_dir / "pre-executed.sha256"
    fingerprint = hashlib.sha256(b"".join(
        str(path).encode() + path.read_bytes() for path in paths)).hexdigest()
    if stamp.exists() and stamp.read_text(encoding="utf-8") == fingerprint:
        return f"all {len(paths)} unchanged since the last run and cached"
    from jupyter_cache import get_cache  # imported only when there is work (takes a while)
    from jupyter_cache.executors import load_executor

    cache = get_cache(str(cache_dir))
    for path in paths:
        cache.add_nb_to_project(str(path), read_data={"name": "myst_nb_md", "type": "plugin"})
    executor = load_executor("temp-parallel", cache=cache)
    result = executor.run_and_cache(filter_uris=[str(p) for p in paths],
                                    timeout=int(execute.get("timeout", 30)))
    failed = len(result.excepted) + len(result.errored)
    if not failed:
        stamp.write_text(fingerprint, encoding="utf-8")
    return (f"{len(result.succeeded)} executed in parallel, {failed} left to the build, "
            f"{len(paths) - len(result.all())} already cached")


def fail(log: str, output: Path, build_dir: Path) -> int:
    print("\nBuild FAILED. The problems, as the build reported them:", file=sys.stderr)
    for line in problems(log)[:60] or ["(no warning line found; read the log above)"]:
        print(f"  - {line}", file=sys.stderr)
    for stale in (output, build_dir / ".doctrees"):
        shutil.rmtree(stale, ignore_errors=True)
    print(f"Removed {output} so that nothing half-written is left behind.", file=sys.stderr)
    return 1


def build(source: Path, builder: str) -> int:
    build_dir = source / "_build"
    output = build_dir / OUTPUT_FOLDER.get(builder, "html")
    early = source_problems(source)
    early += [] if early else bibliography_problems(source)
    if early:
        return fail("\n".join(f"ERROR: {line}" for line in early), output, build_dir)
    env = dict(os.environ)
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(name, "1")
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    env["BOOK_BUILDER"] = builder  # _ext/book_epub.py shapes the EPUB edition
    if os.environ.get("BOOK_PARALLEL", "1") != "0":
        for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(name, "1")  # two notebooks at once must not oversubscribe
        print(f"Pre-executing notebooks: {pre_execute(source)}", flush=True)
    process = subprocess.run(
        strict_command(source, builder), env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    log = process.stdout
    print(log)
    where = output_file(source, builder)
    if process.returncode == 0 and not where.exists():
        process.returncode = 1
        log += f"\nERROR: the build reported success but wrote no {where}; see its log\n"
    if process.returncode == 0:
        print(f"Build succeeded: {where}")
        return 0
    return fail(log, output, build_dir)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("builder", nargs="?", default="html", choices=["html", "pdf", "epub"])
    parser.add_argument("--source", type=Path, default=Path("."))
    parser.add_argument("--check-only", action="store_true",
                        help="run the source checks that precede a build, and stop")
    args = parser.parse_args()
    if args.check_only:
        problems = source_problems(args.source.resolve())
        problems += [] if problems else bibliography_problems(args.source.resolve())
        for line in problems:
            print(f"  - {line}", file=sys.stderr)
        print("Source checks: " + (f"{len(problems)} problems" if problems else "all passed"))
        return 1 if problems else 0
    return build(args.source.resolve(), args.builder)


if __name__ == "__main__":
    sys.exit(main())
