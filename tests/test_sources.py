"""Fast checks of the sources; they need no build and run in seconds."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from book import (
    LABEL_PATTERN,
    PAGE_LABELS,
    ROOT,
    book_sources,
    chapter_files,
    load_toc,
    notebook_files,
    relative,
)

MAX_FILE_BYTES = 1_000_000
CITE_ROLE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")
LABEL_LINE = re.compile(r"^\(([^()\s]+)\)=\s*$")
OPTION_LABEL = re.compile(r"^:(?:label|name):\s*(\S+)\s*$")
YAML_NAME = re.compile(r"^\s+name:\s*(\S+)\s*$")


# --- table of contents -------------------------------------------------------------------


def test_every_toc_entry_exists():
    missing = [e.docname for e in load_toc() if e.path() is None]
    assert not missing, f"_toc.yml lists pages whose file does not exist: {missing}"


def test_every_source_is_in_the_toc():
    listed = {e.docname for e in load_toc()}
    sources = chapter_files() + notebook_files()
    unlisted = [relative(p) for p in sources if relative(p.with_suffix("")) not in listed]
    assert not unlisted, (
        f"files in chapters/ or notebooks/ that _toc.yml does not list: {unlisted}. "
        "Add them to _toc.yml (only complete pages) or move drafts out of these folders."
    )


def test_front_and_back_matter_are_in_the_toc():
    listed = {e.docname for e in load_toc()}
    missing = sorted(PAGE_LABELS - listed)
    assert not missing, f"_toc.yml lacks the pages {missing}"


def test_toc_parts_are_numbered_and_notebooks_follow_their_chapter():
    entries = load_toc()
    problems = []
    for i, entry in enumerate(entries):
        if entry.docname.startswith("chapters/") and not entry.numbered:
            problems.append(f"{entry.docname} is in a part without 'numbered: true'")
        if entry.docname.startswith("notebooks/"):
            chapter = "chapters/" + entry.docname.split("/", 1)[1]
            before = [e.docname for e in entries[:i]]
            if (ROOT / f"{chapter}.md").exists() and chapter not in before:
                problems.append(f"{entry.docname} is listed before its chapter {chapter}")
    assert not problems, "\n".join(problems)


# --- chapter skeleton ---------------------------------------------------------------------


def skeleton_problems(path: Path) -> list[str]:
    """What a chapter lacks of the house skeleton (STYLE.md), in words a contributor can act on."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    slug = path.stem
    problems = []
    first = next((line for line in lines if line.strip()), "")
    if first.strip() != f"(ch-{slug})=":
        problems.append(f"first line must be the label '(ch-{slug})=' (found {first!r})")
    h1 = [line for line in lines if line.startswith("# ")]
    if len(h1) != 1:
        problems.append(f"needs exactly one '# Title' line (found {len(h1)})")
    goals = re.search(r":::\{admonition\} Learning goals\n(.*?)\n:::", text, re.S)
    if not goals:
        problems.append("no ':::{admonition} Learning goals' block")
    else:
        bullets = [b for b in goals.group(1).splitlines() if b.startswith("- ")]
        if not 3 <= len(bullets) <= 6:
            problems.append(f"the learning goals block has {len(bullets)} goals (3 to 6 wanted)")
    headings = [line[3:].strip() for line in lines if line.startswith("## ")]
    if not any(h.startswith("Scenario:") for h in headings):
        problems.append("no '## Scenario: ...' section")
    required = ["Summary", "Exercises", "Further reading"]
    found = [h for h in headings if h in required]
    for name in required:
        if name not in headings:
            problems.append(f"no '## {name}' section")
    if not problems and found != required:
        problems.append(f"sections must come in the order {required} (found {found})")
    if "::::{exercise}" not in text:
        problems.append("the Exercises section has no '::::{exercise}' block")
    return problems


@pytest.mark.parametrize("path", chapter_files(), ids=lambda p: p.stem)
def test_chapter_follows_the_skeleton(path):
    problems = skeleton_problems(path)
    assert not problems, f"{relative(path)} does not follow the chapter skeleton:\n  - " + (
        "\n  - ".join(problems)
    )


def test_skeleton_check_names_what_is_missing(tmp_path):
    """The skeleton check itself: a chapter without Exercises is reported as such."""
    chapter = tmp_path / "toy.md"
    chapter.write_text(
        "(ch-toy)=\n# Toy\n\n:::{admonition} Learning goals\n- A\n- B\n- C\n:::\n\n"
        "## Scenario: toy\n\n## Summary\n\n## Further reading\n",
        encoding="utf-8",
    )
    problems = skeleton_problems(chapter)
    assert "no '## Exercises' section" in problems


# --- labels -------------------------------------------------------------------------------


def labels_in(path: Path) -> list[tuple[str, int]]:
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        for pattern in (LABEL_LINE, OPTION_LABEL):
            match = pattern.match(line)
            if match:
                found.append((match.group(1), number))
        match = YAML_NAME.match(line)
        if match and match.group(1).startswith("fig-"):
            found.append((match.group(1), number))
    return found


def test_labels_follow_the_naming_convention():
    bad = []
    for path in book_sources():
        for label, line in labels_in(path):
            if label in PAGE_LABELS:
                continue
            if not LABEL_PATTERN.match(label):
                bad.append(f"{relative(path)}:{line}: label {label!r}")
    assert not bad, (
        "labels must be lowercase-with-hyphens and start with one of "
        "ch-, sec-, fig-, tbl-, eq-, ex-, sol-, nb-:\n" + "\n".join(bad)
    )


def test_labels_are_unique():
    seen: dict[str, list[str]] = {}
    for path in book_sources():
        for label, line in labels_in(path):
            seen.setdefault(label, []).append(f"{relative(path)}:{line}")
    duplicates = {label: places for label, places in seen.items() if len(places) > 1}
    assert not duplicates, f"labels defined more than once: {duplicates}"


def test_chapter_and_notebook_labels_match_their_file():
    problems = []
    for path in notebook_files():
        if path.suffix == ".md" and f"({'nb-' + path.stem})=" not in path.read_text():
            problems.append(f"{relative(path)} lacks its label '(nb-{path.stem})='")
    assert not problems, "\n".join(problems)


# --- references ---------------------------------------------------------------------------


def bib_entries():
    from pybtex.database import parse_file

    return parse_file(str(ROOT / "references.bib"), bib_format="bibtex").entries


def cited_keys() -> dict[str, list[str]]:
    keys: dict[str, list[str]] = {}
    for path in book_sources():
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), start=1):
            for match in CITE_ROLE.finditer(line):
                for key in match.group(1).split(","):
                    keys.setdefault(key.strip(), []).append(f"{relative(path)}:{number}")
    return keys


def test_bibliography_parses_without_duplicate_keys():
    text = (ROOT / "references.bib").read_text(encoding="utf-8")
    keys = re.findall(r"^@\w+\s*\{\s*([^,\s]+)\s*,", text, re.M)
    duplicates = [key for key, count in Counter(k.lower() for k in keys).items() if count > 1]
    assert not duplicates, f"references.bib: duplicate keys {duplicates}"
    assert len(bib_entries()) == len(keys), "references.bib: some entries did not parse"


def test_bibliography_has_each_work_once():
    """Two keys for one work split its citations; the same DOI, or title and year, twice is one."""
    seen: dict[str, str] = {}
    duplicates = []
    for key, entry in bib_entries().items():
        title = re.sub(r"[^a-z0-9]+", " ", entry.fields.get("title", "").lower()).strip()
        title += " " + entry.fields.get("year", "")
        for identity in (entry.fields.get("doi", "").lower(), title):
            if identity and identity in seen:
                duplicates.append(f"{key} and {seen[identity]} ({identity})")
            elif identity:
                seen[identity] = key
    assert not duplicates, "references.bib: the same work under two keys: " + "; ".join(duplicates)


def test_bibliography_entries_are_complete():
    problems = []
    for key, entry in bib_entries().items():
        fields = {name.lower() for name in entry.fields}
        missing = [name for name in ("title", "year") if name not in fields]
        if not entry.persons.get("author") and not entry.persons.get("editor"):
            missing.insert(0, "author (or editor, for an edited book)")
        if not fields & {"doi", "url"}:
            missing.append("doi or url")
        if not fields & {"journal", "booktitle", "publisher", "institution", "howpublished",
                         "school", "organization"}:
            missing.append("venue (journal, booktitle, publisher, institution or howpublished)")
        if missing:
            problems.append(f"{key}: missing {', '.join(missing)}")
        if "doi" in fields and entry.fields["doi"].lower().startswith("http"):
            problems.append(f"{key}: doi must be a bare DOI (10.xxxx/...), not a URL")
        if not re.fullmatch(r"[a-z]+\d{4}[a-z0-9]+", key):
            problems.append(f"{key}: keys are lastnameYYYYword, lowercase")
    assert not problems, "references.bib:\n" + "\n".join(problems)


def test_every_cited_key_exists():
    known = set(bib_entries())
    unknown = {k: v for k, v in cited_keys().items() if k not in known}
    assert not unknown, f"citations of keys that references.bib lacks: {unknown}"


def test_every_bibliography_entry_is_cited():
    cited = set(cited_keys())
    dead = sorted(set(bib_entries()) - cited)
    assert not dead, f"references.bib entries that no page cites (cite or remove them): {dead}"


# --- notebooks and files ------------------------------------------------------------------


def test_notebooks_have_no_committed_outputs():
    problems = []
    for path in notebook_files():
        if path.suffix == ".ipynb":
            notebook = json.loads(path.read_text(encoding="utf-8"))
            for cell in notebook["cells"]:
                if cell.get("outputs") or cell.get("execution_count"):
                    problems.append(relative(path))
                    break
        elif "kernelspec:" not in path.read_text(encoding="utf-8"):
            problems.append(f"{relative(path)} (not a MyST notebook: no kernelspec header)")
    assert not problems, f"notebooks with committed outputs or no kernel: {problems}"


def notebook_as_python(path: Path) -> str:
    """The code cells of a MyST notebook, at their own line numbers, the rest blank."""
    out: list[str] = []
    in_cell = in_options = False
    cell_lines = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        keep = ""
        if not in_cell and line.startswith("```{code-cell}"):
            in_cell, in_options, cell_lines = True, False, 0
        elif in_cell and line.startswith("```"):
            in_cell = False
        elif in_cell:
            cell_lines += 1
            if line.strip() == "---" and (cell_lines == 1 or in_options):
                in_options = cell_lines == 1
            elif in_options or line.startswith((":", "%", "!")):
                pass
            else:
                keep = line
        out.append(keep)
    return "\n".join(out).rstrip() + "\n"


def test_notebook_code_passes_ruff(tmp_path):
    notebooks = [p for p in notebook_files() if p.suffix == ".md"]
    if not notebooks:
        pytest.skip("no MyST notebooks yet")
    copies = []
    for path in notebooks:
        copy = tmp_path / f"{path.stem}.py"
        copy.write_text(notebook_as_python(path), encoding="utf-8")
        copies.append(copy)
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--config", str(ROOT / "pyproject.toml"),
         "--output-format", "concise", "--line-length", "88",
         # A notebook cell may end in an expression whose value the reader should see.
         "--extend-ignore", "B018", *map(str, copies)],
        capture_output=True, text=True,
    )
    report = result.stdout.replace(str(tmp_path) + "/", "notebooks/").replace(".py:", ".md:")
    assert result.returncode == 0, "ruff found problems in notebook code:\n" + report


def test_no_large_files():
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True,
    )
    names = listed.stdout.split() if listed.returncode == 0 else [
        str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file()
    ]
    large = []
    for name in names:
        path = ROOT / name
        if name.startswith(("_build/", ".venv/", "_vendor/")) or not path.is_file():
            continue
        if path.stat().st_size > MAX_FILE_BYTES:
            large.append(f"{name} ({path.stat().st_size:,} bytes)")
    assert not large, f"files over 1 MB (keep data samples small): {large}"


def test_project_code_passes_ruff():
    """The build, test and extension code keeps the project's code style (pyproject.toml)."""
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--output-format", "concise",
         "scripts", "tests", "_ext"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, "ruff found problems:\n" + result.stdout


# --- glossary and stable links ------------------------------------------------------------


def glossary_entries() -> list[tuple[str, int]]:
    text = (ROOT / "glossary.md").read_text(encoding="utf-8")
    block = text[text.index(":::{glossary}"):]
    start_line = text[: text.index(":::{glossary}")].count("\n") + 1
    entries = []
    for number, line in enumerate(block.splitlines(), start=start_line):
        if line and not line.startswith((" ", ":")) and line.strip():
            entries.append((line.strip(), number))
    return entries


def test_glossary_defines_each_term_once():
    seen: dict[str, int] = {}
    twice = []
    for term, line in glossary_entries():
        if term.lower() in seen:
            twice.append(f"glossary.md:{line}: '{term}' is already defined at line "
                         f"{seen[term.lower()]}")
        seen[term.lower()] = line
    assert not twice, "\n".join(twice)


def test_every_linked_term_has_a_glossary_entry():
    defined = {term.lower() for term, _ in glossary_entries()}
    missing = []
    for path in book_sources():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for match in re.finditer(r"\{term\}`([^`<]*?)\s*(?:<([^`>]*)>)?`", line):
                target = (match.group(2) or match.group(1)).strip()
                if target.lower() not in defined:
                    missing.append(f"{relative(path)}:{number}: {{term}} '{target}' has no entry "
                                   "in glossary.md")
    assert not missing, "\n".join(missing)


def test_published_urls_still_exist():
    """A published page may move only with a redirect, so that instructors' links keep working."""
    import yaml

    listed = (ROOT / "tests" / "data" / "published-urls.txt").read_text().splitlines()
    published = [u.strip() for u in listed if u.strip() and not u.startswith("#")]
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    redirects = (config.get("sphinx", {}).get("config", {}) or {}).get("redirects", {}) or {}
    pages = {f"{entry.docname}.html" for entry in load_toc()} | {"genindex.html"}
    gone = [url for url in published
            if url not in pages and url.removesuffix(".html") not in redirects]
    assert not gone, (
        f"published pages that no longer exist and have no redirect: {gone}. Keep the file name "
        "(slugs are stable), or add a redirect under sphinx.config.redirects in _config.yml."
    )


def test_every_page_is_in_the_published_list():
    listed = (ROOT / "tests" / "data" / "published-urls.txt").read_text().splitlines()
    missing = [f"{entry.docname}.html" for entry in load_toc()
               if f"{entry.docname}.html" not in listed]
    assert not missing, (
        f"pages not yet in tests/data/published-urls.txt: {missing}; "
        "run `.venv/bin/python scripts/published_urls.py` and commit the list"
    )


REF_ROLE = re.compile(r"\{(?:ref|numref)\}`(?:[^`<]*<)?([^`<>]+)>?`")
LINK_TO_LABEL = re.compile(r"\]\(((?:ch|sec|fig|tbl|eq|ex|sol|nb)-[a-z0-9-]+)\)")


def test_every_reference_points_to_a_label():
    """The strict build rejects a {ref} to a missing label; this says so in a second."""
    labels = set(PAGE_LABELS) | {"genindex", "search"}
    for path in book_sources():
        labels |= {label for label, _ in labels_in(path)}
    broken = []
    for path in book_sources():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for target in REF_ROLE.findall(line) + LINK_TO_LABEL.findall(line):
                if target.strip() not in labels:
                    broken.append(f"{relative(path)}:{number}: no label '{target.strip()}'")
    assert not broken, "references to labels that do not exist:\n" + "\n".join(broken)


def test_errata_log_is_well_formed():
    import datetime

    import yaml

    log = yaml.safe_load((ROOT / "data" / "errata.yml").read_text(encoding="utf-8"))
    assert isinstance(log.get("first_published"), datetime.date), "data/errata.yml: first_published"
    pages = {entry.docname for entry in load_toc()}
    problems = []
    for number, item in enumerate(log.get("corrections") or [], start=1):
        for field in ("date", "page", "what"):
            if not item.get(field):
                problems.append(f"correction {number}: missing '{field}'")
        if item.get("page") and item["page"] not in pages:
            problems.append(f"correction {number}: page '{item['page']}' is not in _toc.yml")
    assert not problems, "data/errata.yml:\n" + "\n".join(problems)


# --- data behind generated pages ----------------------------------------------------------


def load_data(folder: str) -> list[dict]:
    import yaml

    items: list[dict] = []
    for path in sorted((ROOT / "data" / folder).glob("*.yml")):
        items += [dict(item, _file=path.name) for item in yaml.safe_load(path.read_text()) or []]
    return items


def test_annotations_are_valid():
    sys.path.insert(0, str(ROOT / "_ext"))
    from book_pages import TOPICS

    notes = load_data("annotations")
    keys = set(bib_entries())
    problems = []
    seen = set()
    for item in notes:
        where = f"data/annotations/{item['_file']}: {item.get('key')}"
        if item.get("key") not in keys:
            problems.append(f"{where}: no such key in references.bib")
        if item.get("key") in seen:
            problems.append(f"{where}: annotated twice")
        seen.add(item.get("key"))
        if item.get("topic") not in TOPICS:
            problems.append(f"{where}: topic {item.get('topic')!r} is not one of {TOPICS}")
        words = len(str(item.get("note", "")).split())
        if not 12 <= words <= 90:
            problems.append(f"{where}: the note has {words} words (12 to 90)")
    assert not problems, "\n".join(problems)
    if "annotated-bibliography" in {entry.docname for entry in load_toc()}:
        assert len(seen) >= 200, f"only {len(seen)} annotated works (at least 200 promised)"
        missing = sorted(keys - seen)
        assert not missing, (
            f"works in references.bib without a note in data/annotations/: {missing[:20]}; "
            "add one (key, topic, a note of our own) so the annotated bibliography stays complete")


def test_product_catalog_is_valid():
    sys.path.insert(0, str(ROOT / "_ext"))
    from book_pages import PLATFORMS

    products = load_data("products")
    chapters = {path.stem for path in chapter_files()}
    problems = []
    repositories = set()
    for item in products:
        where = f"data/products/{item['_file']}: {item.get('name')}"
        for field in ("name", "repository", "platform", "model", "chapters"):
            if not item.get(field):
                problems.append(f"{where}: missing '{field}'")
        url = str(item.get("repository", ""))
        if not re.fullmatch(r"https://[a-z0-9.-]+/[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*/?", url):
            problems.append(f"{where}: repository {url!r} is not a repository URL")
        if url.rstrip("/").lower() in repositories:
            problems.append(f"{where}: repository listed twice")
        repositories.add(url.rstrip("/").lower())
        if item.get("platform") not in PLATFORMS:
            problems.append(f"{where}: platform {item.get('platform')!r} not in {PLATFORMS}")
        unknown = [c for c in item.get("chapters") or [] if c not in chapters]
        if unknown:
            problems.append(f"{where}: no chapters {unknown}")
    assert not problems, "\n".join(problems)
    if "ml-products" in {entry.docname for entry in load_toc()}:
        assert len(repositories) >= 100, f"only {len(repositories)} products (100 promised)"


def test_requirements_are_pinned_with_hashes():
    """Every package is pinned to one version with the hashes of its files, and every direct
    dependency in requirements.in is among them (see CONTRIBUTING.md, 'Upgrading dependencies')."""
    text = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
    pins = {}
    problems = []
    for block in blocks:
        first = block.splitlines()[0].strip()
        if not first or first.startswith("#"):
            continue
        match = re.match(r"([A-Za-z0-9_.-]+)==(\S+)", first)
        if not match:
            problems.append(f"requirements.txt: '{first}' is not pinned with ==")
            continue
        pins[match.group(1).lower().replace("_", "-")] = match.group(2)
        if "--hash=sha256:" not in block:
            problems.append(f"requirements.txt: {match.group(1)} has no --hash")
    for line in (ROOT / "requirements.in").read_text(encoding="utf-8").splitlines():
        name = re.split(r"[\s<>=!#\[;]", line.strip(), maxsplit=1)[0].lower().replace("_", "-")
        if name and name not in pins:
            problems.append(f"requirements.in: {name} is not pinned in requirements.txt; "
                            "recompile it (CONTRIBUTING.md, 'Upgrading dependencies')")
    assert not problems, "\n".join(problems)


def test_glossary_is_cross_linked():
    """A definition links the other glossary terms it uses (scripts/glossary_links.py)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import glossary_links

    _, missing = glossary_links.cross_link((ROOT / "glossary.md").read_text(encoding="utf-8"))
    assert missing == 0, (
        f"glossary.md: {missing} definitions mention another glossary term without linking it; "
        "run `.venv/bin/python scripts/glossary_links.py --write` and review the result")


def test_timing_cells_are_tagged():
    """A cell that times code has machine-dependent output: it must carry the measures-time tag,
    which scripts/reproducibility.py leaves out of its byte-for-byte comparison of two builds."""
    untagged = []
    for path in sorted((ROOT / "notebooks").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"^```\{code-cell\}[^\n]*\n(.*?)^```", text, re.M | re.S):
            cell = match.group(1)
            if cell.startswith("---\n"):
                header = cell[4:].split("\n---\n", 1)[0]
            else:
                header = "\n".join(re.match(r"((?::[^\n]*\n)*)", cell).group(1).splitlines())
            if re.search(r"perf_counter|process_time|time\.time\(|timeit", cell) and \
                    "measures-time" not in header:
                line = text.count("\n", 0, match.start()) + 1
                untagged.append(f"{relative(path)}:{line}: a timing cell without the "
                                "measures-time tag (see AUTHORING.md, Notebooks)")
    assert not untagged, "\n".join(untagged)
