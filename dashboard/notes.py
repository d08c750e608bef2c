"""Notes on the charts: why a line jumped (a new panel chair, a formula change, a school
joining another partnership), written down where everyone reading the chart sees it.

A note has an academic year (or a date, which gives its year), a title, a sentence, a scope
(the LA, one partnership or one school) and its author. Notes live in the store, so a
re-import never touches them. Every viewer reads every note (every role sees every
partnership's and school's aggregates); only a commissioner (any scope) or a partnership
chair (their own partnership and its schools) writes or removes one, and that rule is
enforced here, not by the page. Each change is audited.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from dashboard import audit, store
from dashboard.access import NotPermitted, Viewer
from dashboard.ingest import parse
from dashboard.ingest.validate import academic_year as year_of_date

SCOPE_KINDS = ("la", "partnership", "school")
MAX_TITLE, MAX_BODY = 120, 1000
DEFAULT_AUTHOR = "SEIP Insight (Leicestershire milestones)"
# Shipped for Leicestershire (SEIP_LA_CODE 855): the year the model began.
LEICESTERSHIRE_MILESTONES = (
    (
        "2010/11",
        "Partnerships begin",
        "Leicestershire hands its pupil referral unit's budget to secondary education and inclusion partnerships.",
    ),
    (
        "2010/11",
        "The PRU closes",
        "The pupil referral unit closes; partnerships commission alternative provision themselves.",
    ),
)


class NoteError(ValueError):
    """A note that cannot be saved as written; the message says what to change."""


@dataclass(frozen=True)
class Note:
    """One note on the charts."""

    id: int
    academic_year: str
    on_date: str | None
    title: str
    body: str
    scope_kind: str
    scope_code: str | None
    author: str
    created_at: str

    @property
    def scope_label(self) -> str:
        """The scope in words: 'the LA', 'partnership NTH', 'school 100001'."""
        return "the LA" if self.scope_kind == "la" else f"{self.scope_kind} {self.scope_code}"

    def applies_to(self, partnership: str | None, school: str | None) -> bool:
        """Whether the note belongs on a chart of `partnership` and/or `school` (LA notes: always)."""
        if self.scope_kind == "la":
            return True
        if self.scope_kind == "partnership":
            return partnership is not None and self.scope_code == partnership
        return school is not None and self.scope_code == str(school)


def may_write(viewer: Viewer, scope_kind: str, scope_code: str | None, school_partnership: str | None = None) -> bool:
    """Whether `viewer` may write or remove a note of this scope: a commissioner any, a chair
    their own partnership's (`school_partnership` is a school's partnership), nobody else."""
    if viewer.role == "commissioner":
        return True
    if viewer.role != "chair" or not viewer.scope:
        return False
    owner = scope_code if scope_kind == "partnership" else school_partnership if scope_kind == "school" else None
    return owner is not None and owner == viewer.scope


def add_note(
    db_path: Path,
    viewer: Viewer,
    *,
    title: str,
    body: str,
    scope_kind: str = "la",
    scope_code: str | None = None,
    academic_year: str | None = None,
    on_date: str | None = None,
    school_partnership: str | None = None,
    now: float | None = None,
) -> int:
    """Save a note by `viewer`; return its id.

    Give `academic_year` ('2023/24') or `on_date` (ISO or UK date, which sets the year). A
    school note needs `school_partnership` (the school's partnership, from the warehouse) so
    that a chair's right to it can be checked. Raises NotPermitted for a governor, a head or a
    chair writing outside their partnership; NoteError for anything malformed.
    """
    title, body = (title or "").strip(), (body or "").strip()
    if not title or len(title) > MAX_TITLE:
        raise NoteError(f"a note needs a title of 1 to {MAX_TITLE} characters")
    if not body or len(body) > MAX_BODY:
        raise NoteError(f"a note needs a sentence of 1 to {MAX_BODY} characters")
    if scope_kind not in SCOPE_KINDS:
        raise NoteError(f"a note's scope is one of {', '.join(SCOPE_KINDS)}, not {scope_kind!r}")
    scope_code = None if scope_kind == "la" else (scope_code or "").strip() or None
    if scope_kind != "la" and scope_code is None:
        raise NoteError(f"a {scope_kind} note needs the {scope_kind}'s code")
    year, day = _when(academic_year, on_date)
    if not may_write(viewer, scope_kind, scope_code, school_partnership):
        raise NotPermitted(
            f"a {viewer.role} may not write notes"
            + (" outside their own partnership" if viewer.role == "chair" else "")
        )
    now = time.time() if now is None else now
    with store.for_warehouse(db_path).transaction() as tx:
        note_id = int(
            tx.one(
                """insert into notes (academic_year, on_date, title, body, scope_kind, scope_code,
                                author, created_at) values (?, ?, ?, ?, ?, ?, ?, ?) returning id""",
                (year, day, title, body, scope_kind, scope_code, viewer.name, store.utc_text(now)),
            )["id"]
        )
        audit.write(
            db_path,
            user=viewer.name,
            role=viewer.role,
            scope=viewer.scope,
            action="note_added",
            detail=f"note {note_id} ({scope_kind} {scope_code or ''}, {year}): {title}".replace("  ", " "),
            now=now,
            tx=tx,
        )
    return note_id


def remove_note(
    db_path: Path, viewer: Viewer, note_id: int, *, school_partnership: str | None = None, now: float | None = None
) -> None:
    """Remove note `note_id`. Raises NoteError when there is none, NotPermitted as for add_note."""
    now = time.time() if now is None else now
    with store.for_warehouse(db_path).transaction() as tx:
        row = tx.one("select * from notes where id = ?", (int(note_id),))
        if row is None:
            raise NoteError(f"there is no note {note_id}")
        if not may_write(viewer, row["scope_kind"], row["scope_code"], school_partnership):
            raise NotPermitted(f"a {viewer.role} may not remove this note")
        tx.execute("delete from notes where id = ?", (int(note_id),))
        audit.write(
            db_path,
            user=viewer.name,
            role=viewer.role,
            scope=viewer.scope,
            action="note_removed",
            detail=f"note {note_id}: {row['title']}",
            now=now,
            tx=tx,
        )


def all_notes(db_path: Path, la_code: str = "855") -> list[Note]:
    """Every note, oldest year first. The first read for Leicestershire (la_code 855) adds its
    milestones once (removing one later keeps it removed)."""
    st = store.for_warehouse(db_path)
    if la_code == "855":
        _seed_milestones(st)
    rows = st.rows("select * from notes order by academic_year, coalesce(on_date, ''), id")
    return [Note(**{k: row[k] for k in Note.__dataclass_fields__}) for row in rows]


def notes_in_years(
    notes: list[Note], years: set[str], partnership: str | None = None, school: str | None = None
) -> list[Note]:
    """The notes of `notes` that fall in `years` and belong on a chart of `partnership`/`school`."""
    return [n for n in notes if n.academic_year in years and n.applies_to(partnership, school)]


def _seed_milestones(st: store.Store) -> None:
    if st.rows("select 1 as done from store_meta where key = 'leicestershire_milestones'"):
        return
    with st.transaction() as tx:
        if tx.one("select 1 as done from store_meta where key = 'leicestershire_milestones'"):
            return
        for year, title, body in LEICESTERSHIRE_MILESTONES:
            tx.execute(
                """insert into notes (academic_year, on_date, title, body, scope_kind, scope_code, author,
                                             created_at) values (?, null, ?, ?, 'la', null, ?, ?)""",
                (year, title, body, DEFAULT_AUTHOR, store.utc_text()),
            )
        tx.execute("insert into store_meta values ('leicestershire_milestones', ?)", (store.utc_text(),))


def _when(academic_year: str | None, on_date: str | None) -> tuple[str, str | None]:
    try:
        if on_date:
            day = parse.date(on_date)
            return year_of_date(day), day.isoformat()
        if academic_year:
            return parse.year(academic_year), None
    except parse.BadValue as exc:
        raise NoteError(exc.message) from None
    raise NoteError("a note needs an academic year (like 2023/24) or a date")
