"""A commentary per partnership and academic year: a short text in Markdown that the
partnership's chair writes (a commissioner may too), shown on the Overview for that
partnership and year and included in its report pack.

What is stored is what was written; what is handed out (`commentary`) is always sanitised:
no raw HTML (every `<` is shown as itself), no images, and links only to http(s) or mailto,
so a commentary can never run a script or load anything in a reader's browser or a PDF.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from dashboard import audit, store
from dashboard.access import NotPermitted, Viewer
from dashboard.ingest import parse

MAX_LENGTH = 5000

_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
# a link's target may hold one level of brackets: [a](javascript:f(1))
_LINK = re.compile(r"\[([^\]]*)\]\(\s*((?:[^()\s]|\([^()]*\))*)(?:[^()]|\([^()]*\))*\)")
_SAFE_TARGET = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)
# whatever the first pass missed (deeper brackets) never opens as a link: its bracket is escaped
_UNSAFE_OPENING = re.compile(r"\]\((?!\s*(?:https?://|mailto:))", re.IGNORECASE)
_UNSAFE_REFERENCE = re.compile(r"^(\s*)\[([^\]]+)\]:(?!\s*(?:https?://|mailto:))", re.IGNORECASE | re.MULTILINE)


class CommentaryError(ValueError):
    """A commentary that cannot be saved as written."""


def sanitise(text: str) -> str:
    """Markdown safe to render anywhere: HTML shown as text, images as their alt text, links
    kept only when they go to http(s) or mailto (others become their text)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    text = _IMAGE.sub(lambda m: m.group(1), text)
    text = _LINK.sub(lambda m: m.group(0) if _SAFE_TARGET.match(m.group(2)) else m.group(1), text)
    text = _UNSAFE_OPENING.sub(r"]\\(", text)
    return _UNSAFE_REFERENCE.sub(r"\1\\[\2]:", text)


def may_write(viewer: Viewer, partnership: str) -> bool:
    """Whether `viewer` may write `partnership`'s commentary: its chair, or a commissioner."""
    return viewer.role == "commissioner" or (viewer.role == "chair" and viewer.scope == partnership)


def save(
    db_path: Path, viewer: Viewer, partnership: str, academic_year: str, text: str, *, now: float | None = None
) -> None:
    """Save (or replace; empty text removes) `partnership`'s commentary for `academic_year`.

    Raises NotPermitted for anyone but its chair or a commissioner; CommentaryError for a bad
    year or a text over MAX_LENGTH characters.
    """
    if not may_write(viewer, partnership):
        raise NotPermitted(f"only the chair of {partnership} (or a commissioner) writes its commentary")
    try:
        year = parse.year(academic_year)
    except parse.BadValue as exc:
        raise CommentaryError(exc.message) from None
    text = (text or "").strip()
    if len(text) > MAX_LENGTH:
        raise CommentaryError(f"a commentary has at most {MAX_LENGTH} characters (this one has {len(text)})")
    now = time.time() if now is None else now
    with store.for_warehouse(db_path).transaction() as tx:
        if text:
            tx.execute(
                """insert into commentary (partnership, academic_year, body, author, updated_at)
                          values (?, ?, ?, ?, ?) on conflict (partnership, academic_year) do update set
                          body = excluded.body, author = excluded.author, updated_at = excluded.updated_at""",
                (partnership, year, text, viewer.name, store.utc_text(now)),
            )
        else:
            tx.execute("delete from commentary where partnership = ? and academic_year = ?", (partnership, year))
        audit.write(
            db_path,
            user=viewer.name,
            role=viewer.role,
            scope=viewer.scope,
            action="commentary_saved",
            detail=f"{partnership} {year}: {len(text)} characters",
            now=now,
            tx=tx,
        )


def commentary(db_path: Path, partnership: str, academic_year: str) -> dict | None:
    """`partnership`'s commentary for `academic_year`, sanitised: {'markdown', 'author',
    'updated_at'}, or None when there is none. Every role may read it."""
    rows = store.for_warehouse(db_path).rows(
        "select body, author, updated_at from commentary where partnership = ? and academic_year = ?",
        (partnership, academic_year),
    )
    if not rows:
        return None
    return {"markdown": sanitise(rows[0]["body"]), "author": rows[0]["author"], "updated_at": rows[0]["updated_at"]}


def written(db_path: Path, partnership: str, academic_year: str) -> str:
    """The text as its author wrote it (for editing), '' when there is none."""
    rows = store.for_warehouse(db_path).rows(
        "select body from commentary where partnership = ? and academic_year = ?", (partnership, academic_year)
    )
    return rows[0]["body"] if rows else ""
