"""Problems found while reading exports: errors refuse the import, warnings do not."""

from __future__ import annotations

from dataclasses import asdict, dataclass


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
