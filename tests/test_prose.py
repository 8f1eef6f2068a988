"""Prose checks of the house style (STYLE.md); each failure names file, line and rule."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from book import ROOT, book_sources, chapter_files, notebook_files, relative

sys.path.insert(0, str(ROOT / "scripts"))
import checks  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
LATIN = re.compile(r"\b(e\.\s?g\.|i\.\s?e\.|etc\.|viz\.|cf\.)", re.I)
# "Just culture" is a term of safety science, not filler.
FILLER = re.compile(r"\b(simply|just(?! culture)|obviously|easy)\b", re.I)
ROLE = re.compile(r"\{([a-z:]+)\}`([^`<]*)(<[^`]*>)?`")
INLINE_CODE = re.compile(r"`[^`]*`")
URL = re.compile(r"https?://\S+")


def role_text(match: re.Match) -> str:
    """What a reader sees of a role: its text for terms and index entries, nothing for citations."""
    if match.group(1) in ("term", "index", "abbr", "dfn", "sup", "sub"):
        return match.group(2)
    return " "


def prose_lines(path: Path):
    """(line number, text) for the lines of prose: not code, diagrams, math, options or labels."""
    fence = None
    in_front_matter = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = line.strip()
        if number == 1 and stripped == "---":
            in_front_matter = True
            continue
        if in_front_matter:
            in_front_matter = stripped != "---"
            continue
        opener = re.match(r"^(`{3,}|:{3,})\s*\{?([a-z-]*)", stripped)
        if fence is None and opener:
            kind = opener.group(2)
            fence = (opener.group(1), kind in {"code-cell", "graphviz", "code", "math", "bibtex",
                                               "bash", "python", "text", "index", "bibliography"}
                     or opener.group(1).startswith("`") and kind in {"", "yaml", "json"})
            continue
        if fence is not None and stripped == fence[0]:
            fence = None
            continue
        if fence is not None and fence[1]:
            continue
        if re.match(r"^(\(.*\)=|:[a-z-]+:|---)", stripped):
            continue
        text = URL.sub(" ", INLINE_CODE.sub(" ", ROLE.sub(role_text, line)))
        yield number, text


def prose_sources() -> list[Path]:
    return [p for p in book_sources() if p.name != "bibliography.md"]


def test_spelling():
    result = subprocess.run(
        [sys.executable, "-m", "codespell_lib", "--ignore-words",
         str(DATA / "codespell-words.txt"), *[str(p) for p in prose_sources()]],
        cwd=ROOT, capture_output=True, text=True,
    )
    report = result.stdout.replace(str(ROOT) + "/", "")
    assert result.returncode == 0, (
        "codespell found misspellings (fix them, or add a real word to "
        "tests/data/codespell-words.txt):\n" + report
    )


@pytest.mark.parametrize("path", prose_sources(), ids=lambda p: relative(p))
def test_no_latin_abbreviations_or_filler(path):
    problems = []
    for number, text in prose_lines(path):
        for match in LATIN.finditer(text):
            problems.append(f"{relative(path)}:{number}: '{match.group(0)}' (write 'for example', "
                            "'that is', or list the items)")
        for match in FILLER.finditer(text):
            problems.append(f"{relative(path)}:{number}: '{match.group(0)}' (STYLE.md bans it)")
    assert not problems, "\n".join(problems)


def heading_problems(path: Path, proper: set[str]) -> list[str]:
    problems = []
    previous_level = 0
    for number, text in prose_lines(path):
        match = re.match(r"^(#{1,6})\s+(.*)$", text)
        if not match:
            continue
        level, title = len(match.group(1)), match.group(2).strip()
        if path.name == "index.md" and level == 1:
            continue  # the book's own title on the landing page is a name
        if previous_level and level > previous_level + 1:
            problems.append(f"{relative(path)}:{number}: heading level jumps from "
                            f"{previous_level} to {level}")
        previous_level = level
        words = re.findall(r"[A-Za-z][\w'’.-]*", re.sub(r"\(.*?\)", "", title))
        after_colon = {w for w in re.findall(r":\s*([A-Za-z][\w'’.-]*)", title)}
        for word in words[1:]:
            word = re.sub(r"['’]s$", "", word)
            if word in after_colon or word in proper or word.upper() == word:
                continue
            if re.search(r"[A-Z]", word[1:]):  # MLOps, ChatGPT: names with inner capitals
                continue
            if word[0].isupper():
                problems.append(f"{relative(path)}:{number}: heading '{title}' is not in sentence "
                                f"case ('{word}'; add it to tests/data/proper-words.txt if a name)")
                break
    return problems


@pytest.mark.parametrize("path", prose_sources(), ids=lambda p: relative(p))
def test_headings_in_sentence_case_and_levels_step_down(path):
    proper = {
        line.strip() for line in (DATA / "proper-words.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    problems = heading_problems(path, proper)
    assert not problems, "\n".join(problems)


def test_heading_check_catches_title_case(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# A title\n\n## Testing In Production\n\n#### Too deep\n", encoding="utf-8")
    problems = heading_problems(page, set())
    assert any("sentence case" in p for p in problems)
    assert any("jumps from 2 to 4" in p for p in problems)


@pytest.mark.parametrize("path", chapter_files(), ids=lambda p: p.stem)
def test_acronyms_spelled_out_at_first_use(path):
    acronyms = yaml.safe_load((DATA / "acronyms.yml").read_text(encoding="utf-8"))
    # The title is exempt: a chapter title may use an acronym that its opening then spells out.
    lines = [(n, text) for n, text in prose_lines(path) if not text.startswith("# ")]
    problems = []
    for acronym, expansions in acronyms.items():
        pattern = re.compile(r"(?<![\w-])%s(?![\w-])" % re.escape(acronym))
        first = next((n for n, text in lines if pattern.search(text)), None)
        if first is None:
            continue
        before = " ".join(text for n, text in lines if n <= first).lower()
        before = re.sub(r"[\s-]+", " ", before)
        options = [re.sub(r"[\s-]+", " ", e.lower()) for e in str(expansions).split("|")]
        if not any(option in before for option in options):
            problems.append(f"{relative(path)}:{first}: {acronym} is used before it is spelled out "
                            f"({expansions})")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", chapter_files() + notebook_files(), ids=lambda p: relative(p))
def test_every_figure_has_alt_text(path):
    problems = checks.figure_alt_problems(path, relative(path))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", prose_sources(), ids=lambda p: relative(p))
def test_math_is_well_formed(path):
    problems = checks.math_problems(path, relative(path))
    assert not problems, "\n".join(problems)
