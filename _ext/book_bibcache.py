"""Remember formatted bibliography entries between builds.

sphinxcontrib-bibtex formats every entry of references.bib on every build, even when nothing
changed, and formats each twice (for the bibliography and for the hover tooltips). With about
500 works that is most of a no-change rebuild. This extension memoizes pybtex's formatting of
one entry, keyed by the style, the label and the entry's complete content, so an entry is
formatted again only when it changes; the memo is kept with the doctrees (_build/.doctrees),
which scripts/build.py removes after a failed build.
"""
from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

from pybtex.style.formatting import BaseStyle
from sphinx.application import Sphinx

MEMO_FILE = "bibtex-formatted.pickle"
_memo: dict[str, object] = {}
_used: set[str] = set()
_original = BaseStyle.format_entry


def fingerprint(style: BaseStyle, label: str, entry) -> str:
    persons = {role: [str(person) for person in people]
               for role, people in sorted(entry.persons.items())}
    # The style's settings: simple values as they are, objects (name, label and sorting styles)
    # by their class, since their representation changes from run to run.
    settings = sorted(
        (name, value if isinstance(value, (str, int, float, bool, type(None)))
         else type(getattr(value, "__self__", value)).__qualname__)
        for name, value in vars(style).items())
    content = repr((type(style).__module__, type(style).__qualname__, settings, label,
                    entry.key, entry.type, sorted(entry.fields.items()), persons))
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def format_entry(self: BaseStyle, label: str, entry, bib_data=None):
    key = fingerprint(self, label, entry)
    _used.add(key)
    if key not in _memo:
        _memo[key] = _original(self, label, entry, bib_data=bib_data)
    return _memo[key]


def load(app: Sphinx) -> None:
    path = Path(app.doctreedir) / MEMO_FILE
    try:
        _memo.update(pickle.loads(path.read_bytes()))
    except Exception:  # no memo yet, or one from another version: start afresh
        _memo.clear()


def save(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None:
        return
    path = Path(app.doctreedir) / MEMO_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    kept = {key: value for key, value in _memo.items() if key in _used}
    path.write_bytes(pickle.dumps(kept))


def setup(app: Sphinx) -> dict:
    BaseStyle.format_entry = format_entry
    app.connect("builder-inited", load)
    app.connect("build-finished", save)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
