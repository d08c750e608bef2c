"""Who is looking: roles and scopes, applied in the data layer before anything reaches a page."""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("commissioner", "chair", "head", "governor")


@dataclass(frozen=True)
class Viewer:
    """A signed-in person (or a demo visitor 'viewing as' a role).

    `scope` is a partnership code for a chair, a school URN (as text) for a head, and either
    for a governor; None for a commissioner.
    """

    name: str
    role: str = "commissioner"
    scope: str | None = None
