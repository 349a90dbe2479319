"""Errors raised at the input boundary, each naming where the problem is and what is expected."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InputProblem:
    """One problem in one cell (or row, or file) of an input table.

    ``row`` is the spreadsheet row number: the header is row 1, the first data row is row 2,
    so the number matches what Excel or a text editor shows.
    """

    file: str
    row: int | None
    column: str | None
    value: object
    expected: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f", {self.column}"
        value = "" if self.value is None else f"{self.value!r} "
        return f"{where}: {value}{self.expected}".replace(": ''", ": (empty)")


class InputError(Exception):
    """Raised when input tables are invalid; carries every problem found, not just the first."""

    def __init__(self, problems: list[InputProblem]):
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} input problem(s):\n{shown}{more}")
