"""Problems found while reading exports: errors refuse the import, warnings do not."""

from __future__ import annotations

from dataclasses import asdict, dataclass

MAX_QUOTED_CHARS = 80
MAX_MESSAGE_CHARS = 600


@dataclass(frozen=True)
class Problem:
    """One problem, located as the user sees it (the header is row 1).

    `row` and `column` are None where the problem is the whole file (e.g. a missing column).
    """

    severity: str  # "error" | "warning"
    table: str | None
    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str
    message: str

    def __post_init__(self) -> None:
        # A message quotes at most a short piece of any cell, header or file name: a 100 MB
        # cell must not become a 100 MB report (issue 9, item 10).
        for name, limit in (
            ("value", MAX_QUOTED_CHARS),
            ("column", MAX_QUOTED_CHARS),
            ("file", MAX_QUOTED_CHARS * 2),
            ("message", MAX_MESSAGE_CHARS),
        ):
            text = getattr(self, name)
            if text is not None and len(text) > limit:
                object.__setattr__(self, name, text[: limit - 1] + "…")

    def as_dict(self) -> dict:
        return asdict(self)

    def as_text(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        shown = f" (value {self.value!r})" if self.value not in (None, "") else ""
        return f"{self.severity.upper()}: {where}: {self.message}{shown} [{self.rule}]"


def error(table, file, row, column, value, rule, message) -> Problem:
    return Problem("error", table, file, row, column, value, rule, message)


def warning(table, file, row, column, value, rule, message) -> Problem:
    return Problem("warning", table, file, row, column, value, rule, message)
