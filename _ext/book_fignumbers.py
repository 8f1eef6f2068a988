"""Skip Sphinx's renumbering of figures when no page was read, added or removed.

With numbered figures, Sphinx walks every page's doctree on every build to assign figure
numbers, even when nothing changed; loading the sixty doctrees is most of a no-change rebuild.
Figure numbers depend only on the pages and the table of contents, so when this build read no
page and removed none (a change to _toc.yml or the configuration makes Sphinx read pages), the
numbers stored in the environment from the last build are still right, and the walk is skipped.
"""
from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.environment.collectors.toctree import TocTreeCollector

_original = TocTreeCollector.assign_figure_numbers
_state = {"changed": True}


def reset(app: Sphinx) -> None:
    _state["changed"] = False


def note_read(app: Sphinx, env, docnames: list[str]) -> None:
    if docnames:
        _state["changed"] = True


def note_purge(app: Sphinx, env, docname: str) -> None:
    _state["changed"] = True


def assign_figure_numbers(self: TocTreeCollector, env) -> list[str]:
    if not _state["changed"] and env.toc_fignumbers:
        return []
    return _original(self, env)


def setup(app: Sphinx) -> dict:
    TocTreeCollector.assign_figure_numbers = assign_figure_numbers
    app.connect("builder-inited", reset)
    app.connect("env-before-read-docs", note_read)
    app.connect("env-purge-doc", note_purge)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
