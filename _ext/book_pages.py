"""Pages and page parts that the book generates from its own sources, so they cannot drift.

- ``{execution-report}``: a table of every executed notebook (status, run time, how it ran) and
  the versions of Python and of the key packages the notebooks ran with.
- ``{learning-goals}``: every chapter's learning goals, read from the chapters' own
  "Learning goals" blocks, in table-of-contents order, each linked to its chapter.
- ``{errata-log}``: the corrections recorded in data/errata.yml.
- ``{annotated-bibliography}``: references.bib with our notes (data/annotations), by topic.
- ``{product-catalog}``: open-source products with learned models (data/products), as a table.
- After an HTML build, fixes to the theme's HTML that an accessibility audit asks for.
- On every notebook page, a note listing the packages the notebook imports, with the versions
  pinned for the book, placed under the notebook's title.
"""
from __future__ import annotations

import platform
import re
import sys
from importlib import metadata
from pathlib import Path

import yaml
from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

KEY_PACKAGES = [
    "numpy", "pandas", "scipy", "scikit-learn", "matplotlib", "fastapi", "prometheus-client",
    "jupyter-book", "sphinx", "myst-nb",
]
IMPORT = re.compile(r"^\s*(?:import|from)\s+([A-Za-z_][\w]*)", re.M)
GOALS = re.compile(r":::\{admonition\} Learning goals\n(?::class:[^\n]*\n)?\s*\n?(.*?)\n:::", re.S)


def toc_docnames(app: Sphinx) -> list[str]:
    toc_path = Path(app.config.external_toc_path)
    if not toc_path.is_absolute():
        toc_path = Path(app.srcdir) / toc_path
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    names: list[str] = []

    def walk(items):
        for item in items or []:
            names.append(item["file"])
            walk(item.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    return names


def distribution_of(module: str) -> str | None:
    if module in sys.stdlib_module_names:
        return None
    distributions = metadata.packages_distributions().get(module)
    return distributions[0] if distributions else module


def version_of(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


# --- execution report ---------------------------------------------------------------------


class ExecutionReportNode(nodes.General, nodes.Element):
    """Placeholder, filled once every notebook of the build has run."""


class ExecutionReport(SphinxDirective):
    def run(self):
        from myst_nb.ext.execution_tables import METADATA_KEY
        from myst_nb.sphinx_ import NbMetadataCollector

        # Marking the page makes myst-nb rebuild it whenever a notebook is executed again.
        NbMetadataCollector.set_doc_data(self.env, self.env.docname, METADATA_KEY, True)
        return [ExecutionReportNode()]


def table(header: list[str], rows: list[list[nodes.Node | str]],
          measured: tuple[int, ...] = ()) -> nodes.table:
    """A table; the cells of the `measured` columns hold measurements that differ from build to
    build (class "measured", which scripts/reproducibility.py leaves out of its comparison)."""
    result = nodes.table(classes=["colwidths-auto"])
    group = nodes.tgroup(cols=len(header))
    result += group
    for _ in header:
        group += nodes.colspec(colwidth=1)
    head = nodes.thead()
    group += head
    head += nodes.row("", *[nodes.entry("", nodes.paragraph(text=h)) for h in header])
    body = nodes.tbody()
    group += body
    for cells in rows:
        row = nodes.row()
        for column, cell in enumerate(cells):
            paragraph = nodes.paragraph()
            paragraph += nodes.Text(cell) if isinstance(cell, str) else cell
            row += nodes.entry("", paragraph, classes=["measured"] if column in measured else [])
        body += row
    return result


class ExecutionReportTransform(SphinxPostTransform):
    default_priority = 8  # before references are resolved

    def run(self, **kwargs) -> None:
        from myst_nb.sphinx_ import NbMetadataCollector

        data = NbMetadataCollector.get_doc_data(self.env)
        for placeholder in list(self.document.findall(ExecutionReportNode)):
            rows = []
            for docname in toc_docnames(self.app):
                exec_data = data.get(docname, {}).get("exec_data")
                if not exec_data:
                    continue
                link = nodes.inline()
                ref = nodes.reference("", "", internal=True)
                ref["refuri"] = self.app.builder.get_relative_uri(self.env.docname, docname)
                ref += nodes.Text(self.env.titles[docname].astext())
                link += ref
                runtime = exec_data.get("runtime")
                rows.append([
                    link,
                    "ran" if exec_data.get("succeeded") else "FAILED",
                    "-" if runtime is None else f"{runtime:.1f}",
                    {"cache": "through the execution cache"}.get(exec_data.get("method"),
                                                           str(exec_data.get("method"))),
                ])
            versions = [["Python", platform.python_version()]] + [
                [name, version_of(name)] for name in KEY_PACKAGES
            ]
            placeholder.replace_self([
                table(["Notebook", "Result", "Run time (s)", "How it ran"], rows, measured=(2,)),
                nodes.paragraph(text="The notebooks ran with these versions:"),
                table(["Software", "Version"], versions),
            ])


# --- learning goals -----------------------------------------------------------------------


class LearningGoals(SphinxDirective):
    """Every chapter's learning goals, generated from the chapters themselves."""

    def run(self):
        lines: list[str] = []
        for docname in toc_docnames(self.env.app):
            if not docname.startswith("chapters/"):
                continue
            path = Path(self.env.srcdir) / f"{docname}.md"
            self.env.note_dependency(str(path))
            match = GOALS.search(path.read_text(encoding="utf-8"))
            if not match:
                continue
            slug = Path(docname).name
            lines += [f"**{{ref}}`ch-{slug}`**", ""]
            lines += [line for line in match.group(1).splitlines() if line.strip()] + [""]
        container = nodes.container(classes=["learning-goals-rollup"])
        self.state.nested_parse(StringList(lines, source=self.env.docname), 0, container)
        return [container]


# --- errata log ---------------------------------------------------------------------------


class ErrataLog(SphinxDirective):
    """The corrections recorded in data/errata.yml, as a table linked to the corrected pages."""

    def run(self):
        path = Path(self.env.srcdir) / "data" / "errata.yml"
        self.env.note_dependency(str(path))
        log = yaml.safe_load(path.read_text(encoding="utf-8"))
        corrections = log.get("corrections") or []
        if not corrections:
            return [nodes.paragraph(text=(
                "No corrections have been recorded since the book was first published on "
                f"{log['first_published']}."
            ))]
        lines = ["| Date | Page | Correction |", "| --- | --- | --- |"]
        for item in corrections:
            label = "ch-" + item["page"].split("/")[-1] if item["page"].startswith("chapters/") \
                else item["page"].split("/")[-1]
            lines.append(f"| {item['date']} | {{ref}}`{label}` | {item['what']} |")
        container = nodes.container(classes=["errata-log"])
        self.state.nested_parse(StringList(lines, source=self.env.docname), 0, container)
        return [container]


# --- annotated bibliography and product catalog -------------------------------------------

TOPICS = [
    "Foundations and overviews", "Machine learning and language models",
    "Requirements, goals and measurement", "Human-AI interaction and mistakes",
    "Architecture and design", "Deployment, operations and scale", "Pipelines, MLOps and scale",
    "Model and data quality", "Testing and experimentation", "Process, teams and technical debt",
    "Responsible engineering, law and ethics", "Provenance and reproducibility",
    "Software engineering background", "Safety and incidents", "Explainability and transparency",
    "Fairness", "Security and privacy", "Products with language models and agents",
]
PLATFORMS = ["mobile", "desktop", "browser-extension", "web", "self-hosted"]


def load_yaml_lists(folder: Path) -> list[dict]:
    items: list[dict] = []
    for path in sorted(folder.glob("*.yml")):
        items += yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return items


class AnnotatedBibliography(SphinxDirective):
    """The works of references.bib with our notes (data/annotations/*.yml), grouped by topic."""

    def run(self):
        from pybtex.database import parse_file

        folder = Path(self.env.srcdir) / "data" / "annotations"
        for path in folder.glob("*.yml"):
            self.env.note_dependency(str(path))
        entries = parse_file(str(Path(self.env.srcdir) / "references.bib")).entries
        notes = load_yaml_lists(folder)
        lines: list[str] = []
        for topic in TOPICS:
            items = sorted((n for n in notes if n["topic"] == topic),
                           key=lambda n: n["key"])
            if not items:
                continue
            lines += [f"**{topic}** ({len(items)} works)", ""]
            for item in items:
                title = re.sub(r"[{}]", "", entries[item["key"]].fields.get("title", ""))
                note = " ".join(item["note"].split())
                lines.append(f"- {{cite:t}}`{item['key']}`, *{title}*. {note}")
            lines.append("")
        container = nodes.container(classes=["annotated-bibliography"])
        self.state.nested_parse(StringList(lines, source=self.env.docname), 0, container)
        return [container]


class ProductCatalog(SphinxDirective):
    """Open-source end-user products with learned models (data/products/*.yml), as a table."""

    def run(self):
        folder = Path(self.env.srcdir) / "data" / "products"
        for path in folder.glob("*.yml"):
            self.env.note_dependency(str(path))
        products = sorted(load_yaml_lists(folder), key=lambda p: p["name"].lower())
        lines = ["| Product | Platform | What the learned model does | Chapters |",
                 "| --- | --- | --- | --- |"]
        for item in products:
            model = " ".join(item["model"].split()).replace("|", "\\|")
            chapters = ", ".join(f"{{ref}}`ch-{slug}`" for slug in item["chapters"])
            lines.append(f"| [{item['name']}]({item['repository']}) | {item['platform']} | "
                         f"{model} | {chapters} |")
        container = nodes.container(classes=["product-catalog"])
        self.state.nested_parse(StringList(lines, source=self.env.docname), 0, container)
        return [container]


# --- packages of a notebook ---------------------------------------------------------------


def add_notebook_requirements(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    if not docname.startswith("notebooks/"):
        return
    source = Path(app.env.doc2path(docname)).read_text(encoding="utf-8")
    code = "\n".join(re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", source, re.S))
    packages = sorted({d for m in IMPORT.findall(code) if (d := distribution_of(m))},
                      key=str.lower)
    if not packages:
        return
    note = nodes.admonition(classes=["note", "notebook-requirements"])
    note += nodes.title(text="To run this notebook")
    paragraph = nodes.paragraph()
    paragraph += nodes.Text(
        f"Python {platform.python_version()} and "
        + ", ".join(f"{p} {version_of(p)}" for p in packages)
        + " (the versions pinned in the book's requirements.txt). "
        "It uses no network and writes only to a temporary folder."
    )
    note += paragraph
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    title = next(iter(section.findall(nodes.title)))
    title.parent.insert(title.parent.index(title) + 1, note)


# --- accessibility of the theme's HTML -----------------------------------------------------

GRAPHVIZ_OBJECT = re.compile(
    r'(<object data="[^"]*graphviz-[^"]*" type="image/svg\+xml" class="graphviz")>\s*'
    r'<p class="warning">(.*?)</p>',
    re.S,
)
SIDEBAR_TOGGLE = '<summary><span class="toctree-toggle" role="presentation">'
SEARCH_LABEL = re.compile(
    r'(<button class="btn search-button-field[^"]*"[^>]*?) aria-label="Search"'
)


def unique_exercise_ids(html: str) -> str:
    """sphinx-exercise gives every exercise body the same id; ids must be unique in a page."""
    for name in ("exercise-content", "solution-content"):
        counter = iter(range(1, 10_000))
        html = re.sub(f'id="{name}"', lambda _, n=name, c=counter: f'id="{n}-{next(c)}"', html)
    return html


def accessible(html: str) -> str:
    """Fix what an accessibility audit (axe-core) reports in the HTML the theme generates.

    - A Graphviz diagram is an <object>; give it the role of an image and its alt text as name.
    - The sidebar's expand toggles are <summary> elements with only an icon; give them a name.
    - The search button's aria-label ("Search") hides its visible text ("Search Ctrl+K").
    - The color-mode button's icons are decorative; its name is its aria-label.
    - Every exercise and solution body has the same id; number them (HTML validity).
    """
    def label_object(match: re.Match) -> str:
        name = match.group(2).strip().replace('"', "&quot;")
        return (f'{match.group(1)} role="img" aria-label="{name}">'
                f'<p class="warning">{match.group(2)}</p>')

    html = unique_exercise_ids(GRAPHVIZ_OBJECT.sub(label_object, html))
    html = html.replace(
        SIDEBAR_TOGGLE,
        '<summary aria-label="Show or hide the pages of this section">'
        '<span class="toctree-toggle" role="presentation">',
    )
    html = re.sub(r'<i class="theme-switch ([^"]*)" data-mode="(\w+)"\s+title="[^"]*">',
                  r'<i aria-hidden="true" class="theme-switch \1" data-mode="\2">', html)
    return SEARCH_LABEL.sub(r"\1", html)


def make_pages_accessible(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.name not in ("html", "dirhtml"):
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = accessible(text)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


# --- reproducible notebook output ----------------------------------------------------------


def merge_stream_chunks(outputs: list) -> list:
    """Join consecutive printed outputs of the same stream into one output, text unchanged.

    A kernel sends printed text in chunks whose boundaries vary from run to run. myst-nb's own
    merge (nb_merge_streams) strips each chunk before joining, so the result still depends on
    where the chunks happened to break (a blank line appears or vanishes); joining the raw text
    gives the same output every time.
    """
    merged: list = []
    for output in outputs:
        if (output.get("output_type") == "stream" and merged
                and merged[-1].get("output_type") == "stream"
                and merged[-1].get("name") == output.get("name")):
            merged[-1]["text"] = merged[-1]["text"] + output["text"]
        else:
            merged.append(output)
    return merged


def deterministic_cell_ids() -> None:
    """nbformat gives every cell it creates a random id, so that the executed notebooks and the
    .ipynb files offered for download differed between two builds; number the cells instead
    (ids need only be unique within a notebook)."""
    import itertools

    import nbformat.v4.nbbase as nbbase

    counter = itertools.count(1)
    nbbase.random_cell_id = lambda: f"cell-{next(counter)}"


MEASURED_CLASSES = {"tag_measures-time", "tag_varies-by-run"}


def index_without_measurements() -> None:
    """Keep what differs from build to build by design (the outputs of notebook cells tagged
    measures-time or varies-by-run, and the measured cells of the execution report) out of the
    search index, so that the index is the same in every build; nobody searches for a latency."""
    from sphinx.search import IndexBuilder

    original = IndexBuilder.feed

    def feed(self, docname, filename, title, doctree):
        def measured(node) -> bool:
            classes = set(node.get("classes", []))
            return bool(classes & MEASURED_CLASSES) or "measured" in classes

        if any(measured(node) for node in doctree.findall(nodes.Element)):
            doctree = doctree.deepcopy()
            for node in list(doctree.findall(nodes.Element)):
                if measured(node):
                    outputs = [child for child in node.findall(nodes.container)
                               if "cell_output" in child.get("classes", [])]
                    for output in outputs or [node]:
                        output.children = []
        return original(self, docname, filename, title, doctree)

    IndexBuilder.feed = feed


def setup(app: Sphinx) -> dict:
    import myst_nb.core.render as render

    index_without_measurements()

    render.coalesce_streams = merge_stream_chunks
    deterministic_cell_ids()
    app.add_node(ExecutionReportNode)
    app.add_directive("execution-report", ExecutionReport)
    app.add_post_transform(ExecutionReportTransform)
    app.add_directive("learning-goals", LearningGoals)
    app.add_directive("errata-log", ErrataLog)
    app.add_directive("annotated-bibliography", AnnotatedBibliography)
    app.add_directive("product-catalog", ProductCatalog)
    app.connect("doctree-read", add_notebook_requirements)
    app.connect("build-finished", make_pages_accessible)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
