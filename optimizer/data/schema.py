"""Table schemas as data, and the generic validator that reads them.

Each table's schema is a CSV in ``optimizer/schema/`` with one row per column: name, type,
unit, required, default, allowed range, allowed values and a description (the PyPSA attribute
file shape). Validation, documentation and error messages all read the same file.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.errors import InputError, InputProblem

TABLES = (
    "sectors",
    "products",
    "lines",
    "technologies",
    "new_builds",
    "targets",
    "scenario",
    "prices",
    "demand",
    "decisions",
    "documents",
    "pace",
    "supplies",
    "deployment",
)
OPTIONAL_TABLES = ("decisions", "documents", "pace", "supplies", "deployment")

_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
_TRUE = {"true", "yes", "1", "y", "t"}
_FALSE = {"false", "no", "0", "n", "f"}


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a table schema."""

    name: str
    type: str  # str | float | int | bool
    unit: str
    required: bool
    default: str
    minimum: float | None
    maximum: float | None
    allowed: tuple[str, ...]
    description: str


@cache
def table_schema(table: str) -> tuple[ColumnSpec, ...]:
    """Return the column specs of ``table`` read from the shipped schema CSV."""
    text = resources.files("optimizer.schema").joinpath(f"{table}.csv").read_text("utf-8")
    specs = []
    for row in csv.DictReader(text.splitlines()):
        specs.append(
            ColumnSpec(
                name=row["column"],
                type=row["type"],
                unit=row["unit"],
                required=row["required"] == "yes",
                default=row["default"],
                minimum=float(row["min"]) if row["min"] else None,
                maximum=float(row["max"]) if row["max"] else None,
                allowed=tuple(v for v in row["allowed"].split(";") if v),
                description=row["description"],
            )
        )
    return tuple(specs)


def as_float(value: Any) -> float:
    """A pandas cell as a float (pandas-stubs types cells as a wide union)."""
    return float(value)


SOURCE_ROWS = "source_rows"
"""``DataFrame.attrs`` key of a raw table: the spreadsheet row number of each data row, so a
blank line skipped in the file does not shift the row numbers that errors report."""

_EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
_TEXT_ENCODINGS = ("utf-8-sig", "gb18030")
"""Encodings tried in order: UTF-8 (with or without the BOM Excel writes), then GB18030, the
superset of GBK/GB2312 that Chinese Windows and WPS save "CSV" in. A UTF-8 file never decodes
differently as GB18030 because UTF-8 is tried first and is strict."""


def read_raw_table(path: Path, label: str | None = None) -> pd.DataFrame:
    """Read a CSV or Excel table with every cell as text, so validation sees what was written.

    Raises :class:`InputError` naming ``label`` (default: the file name) for a file that cannot
    be read as a table: missing, empty, binary, of an unknown encoding, ragged rows, an old
    ``.xls`` workbook, Excel formulas without a saved value. CSV files may be comma, semicolon
    or tab separated (detected from the header row). Each data row's spreadsheet row number is
    kept in ``frame.attrs[SOURCE_ROWS]``.
    """
    label = label or path.name
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise _unreadable(
            label, None, "is an old .xls workbook (expected .xlsx or CSV: save it again as one)"
        )
    if not path.exists():
        raise _unreadable(label, None, "does not exist")
    if path.is_dir():
        raise _unreadable(label, None, "is a folder (expected a CSV or Excel file)")
    try:
        if suffix in _EXCEL_SUFFIXES:
            header, rows, numbers = _read_excel(path, label)
        else:
            header, rows, numbers = _read_csv(path.read_bytes(), label)
    except OSError as error:
        raise _unreadable(label, None, f"cannot be read ({error.strerror or error})") from None
    return _frame(header, rows, numbers, label)


def _unreadable(label: str, row: int | None, expected: str, column: str | None = None) -> InputError:
    return InputError([InputProblem(label, row, column, None, expected)])


def _decode(data: bytes, label: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise _unreadable(label, None, f"is not valid UTF-16 text ({error.reason})") from None
    if data.startswith(b"PK\x03\x04"):
        raise _unreadable(label, None, "is an Excel workbook or zip archive, not CSV text (name it .xlsx)")
    if b"\x00" in data:
        raise _unreadable(label, None, "is a binary file, not CSV text")
    first_error: UnicodeDecodeError | None = None
    for encoding in _TEXT_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as error:
            first_error = first_error or error
    assert first_error is not None
    line = data[: first_error.start].count(b"\n") + 1
    raise _unreadable(
        label,
        line,
        f"byte {first_error.start + 1} is neither UTF-8 nor GB18030/GBK text "
        "(expected a CSV saved as UTF-8: in Excel 'CSV UTF-8 (comma delimited)')",
    )


def _delimiter(header_line: str) -> str:
    """The header's separator: comma, else semicolon (European Excel) or tab, whichever it has."""
    if "," in header_line:
        return ","
    counts = {d: header_line.count(d) for d in (";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _read_csv(data: bytes, label: str) -> tuple[list[str], list[list[str]], list[int]]:
    text = _decode(data, label)
    if not text.strip():
        raise _unreadable(label, None, "is empty (expected a header row of column names, then data rows)")
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if line.strip())
    delimiter = _delimiter(lines[first])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True)
    header: list[str] | None = None
    rows: list[list[str]] = []
    numbers: list[int] = []
    start = 1
    try:
        for record in reader:
            if header is None:
                if any(cell.strip() for cell in record):
                    header = [c.strip() for c in record]
            elif any(cell.strip() for cell in record):
                if len(record) > len(header) and any(c.strip() for c in record[len(header) :]):
                    raise _unreadable(
                        label,
                        start,
                        f"has {len(record)} cells but the header has {len(header)} columns "
                        "(expected one cell per column: a stray "
                        f"'{delimiter}' or an unquoted text with one?)",
                    )
                rows.append((record + [""] * len(header))[: len(header)])
                numbers.append(start)
            start = reader.line_num + 1
    except csv.Error as error:
        raise _unreadable(label, start, f"is not valid CSV ({error})") from None
    if header is None:  # e.g. only quotes: no cell with text
        raise _unreadable(label, None, "is empty (expected a header row of column names, then data rows)")
    return header, rows, numbers


def _excel_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return str(value)


def _read_excel(path: Path, label: str) -> tuple[list[str], list[list[str]], list[int]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        values = load_workbook(path, read_only=True, data_only=True)
        formulas = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as error:
        raise _unreadable(label, None, f"is not a readable Excel workbook ({type(error).__name__})") from None
    except Exception as error:  # openpyxl's InvalidFileException and friends
        raise _unreadable(label, None, f"is not a readable Excel workbook ({error})") from None
    try:
        if not values.worksheets:
            raise _unreadable(label, None, "has no worksheet")
        sheet_values = values.worksheets[0].iter_rows(values_only=True)
        sheet_formulas = formulas.worksheets[0].iter_rows(values_only=True)
        header: list[str] | None = None
        rows: list[list[str]] = []
        numbers: list[int] = []
        problems: list[InputProblem] = []
        for number, (cached, written) in enumerate(zip(sheet_values, sheet_formulas, strict=False), start=1):
            cells = [_excel_text(v) for v in cached]
            for i, (v, w) in enumerate(zip(cached, written, strict=False)):
                if v is None and isinstance(w, str) and w.startswith("="):
                    column = header[i] if header is not None and i < len(header) else f"column {i + 1}"
                    problems.append(
                        InputProblem(
                            label,
                            number,
                            column,
                            w,
                            "is a formula with no saved value (expected a value: open and save the "
                            "workbook in Excel, or paste the cells as values)",
                        )
                    )
            if header is None:
                if any(c.strip() for c in cells):
                    header = [c.strip() for c in cells]
                    while header and header[-1] == "":
                        header.pop()
                continue
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
                problems.append(
                    InputProblem(
                        label,
                        number,
                        None,
                        None,
                        f"has cells right of the last of the {len(header)} named columns",
                    )
                )
            rows.append((cells + [""] * len(header))[: len(header)])
            numbers.append(number)
    finally:
        values.close()
        formulas.close()
    if problems:
        raise InputError(problems)
    if header is None:
        raise _unreadable(label, None, "is empty (expected a header row of column names, then data rows)")
    return header, rows, numbers


def _frame(header: list[str], rows: list[list[str]], numbers: list[int], label: str) -> pd.DataFrame:
    problems = []
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        if name in seen:
            problems.append(
                InputProblem(
                    label,
                    1,
                    name,
                    None,
                    f"appears twice in the header (columns {seen[name] + 1} and {i + 1})",
                )
            )
        seen.setdefault(name, i)
    keep = [i for i, name in enumerate(header) if name or any(r[i].strip() for r in rows)]
    for i in keep:
        if not header[i]:
            problems.append(
                InputProblem(label, 1, f"column {i + 1}", None, "has data but no column name in the header")
            )
    if problems:
        raise InputError(problems)
    frame = pd.DataFrame(
        [[r[i] for i in keep] for r in rows], columns=[header[i] for i in keep], dtype=object
    )
    frame = frame.astype(object)
    frame.attrs[SOURCE_ROWS] = list(numbers)
    return frame


def source_rows(raw: pd.DataFrame) -> list[int]:
    """Spreadsheet row number of each row of a raw table (header row 1, first data row 2)."""
    rows = raw.attrs.get(SOURCE_ROWS)
    if isinstance(rows, list) and len(rows) == len(raw):
        return [int(r) for r in rows]
    return [i + 2 for i in range(len(raw))]


def _parse(spec: ColumnSpec, text: str) -> tuple[object, str | None]:
    """Parse one cell; return (value, problem or None)."""
    if spec.type == "str":
        return text, None
    if spec.type == "bool":
        low = text.lower()
        if low in _TRUE:
            return True, None
        if low in _FALSE:
            return False, None
        return None, "is not a boolean (expected true or false)"
    try:
        number = float(text)
    except ValueError:
        expected = f"is not a number (expected {spec.type}" + (f" in {spec.unit})" if spec.unit else ")")
        if _DECIMAL_COMMA.match(text):
            expected += ": it has a decimal comma, write a decimal point (1.5, not 1,5)"
        return None, expected
    if math.isnan(number) or math.isinf(number):
        return None, "is not a finite number"
    if spec.type == "int":
        if number != int(number):
            return None, "is not a whole number"
        return int(number), None
    return number, None


def validate_table(raw: pd.DataFrame, table: str, file_label: str) -> tuple[pd.DataFrame, list]:
    """Check ``raw`` against the schema of ``table`` and return typed data and problems.

    Unknown columns, missing required columns, unparseable cells, values outside the allowed
    range or set are all reported with file, row, column, value and what is expected.
    """
    specs = {s.name: s for s in table_schema(table)}
    problems: list[InputProblem] = []
    for column in raw.columns:
        if column not in specs:
            problems.append(
                InputProblem(
                    file_label,
                    1,
                    column,
                    None,
                    f"unknown column (expected one of: {', '.join(specs)})",
                )
            )
    for name, spec in specs.items():
        if spec.required and name not in raw.columns:
            problems.append(InputProblem(file_label, 1, name, None, "required column is missing"))
    columns: dict[str, list[object]] = {}
    row_numbers = source_rows(raw)
    for name, spec in specs.items():
        values: list[object] = []
        present = name in raw.columns
        cells = list(raw[name]) if present else [""] * len(raw)
        for index in range(len(raw)):
            text = str(cells[index]).strip() if present else ""
            row_number = row_numbers[index]
            if text == "":
                if spec.required and present:
                    problems.append(InputProblem(file_label, row_number, name, None, "is empty (required)"))
                    values.append(None)
                    continue
                text = spec.default
                if text == "":
                    values.append(None if spec.type != "str" else "")
                    continue
            value, problem = _parse(spec, text)
            if problem is None and spec.type in {"float", "int"}:
                assert isinstance(value, (int, float))
                if spec.minimum is not None and value < spec.minimum:
                    problem = f"is below {spec.minimum:g}" + (f" {spec.unit}" if spec.unit else "")
                elif spec.maximum is not None and value > spec.maximum:
                    problem = f"is above {spec.maximum:g}" + (f" {spec.unit}" if spec.unit else "")
            if problem is None and spec.allowed and str(value) not in spec.allowed:
                problem = f"is not allowed (expected one of: {', '.join(spec.allowed)})"
            if problem is not None:
                problems.append(InputProblem(file_label, row_number, name, text, problem))
                value = None
            values.append(value)
        columns[name] = values
    typed = pd.DataFrame(columns, index=range(len(raw)))
    for name, spec in specs.items():
        if spec.type == "float":
            typed[name] = pd.to_numeric(typed[name], errors="coerce").astype(float)
        elif spec.type == "str":
            typed[name] = typed[name].astype(object)
    typed["_row"] = row_numbers
    return typed, problems


def schema_markdown() -> str:
    """Render every table schema as Markdown (used by the README and ``optimize schema``)."""
    parts = []
    for table in TABLES:
        parts.append(f"### {table}.csv\n")
        parts.append("| column | type | unit | required | range / allowed | description |")
        parts.append("|---|---|---|---|---|---|")
        for s in table_schema(table):
            rng = (
                ";".join(s.allowed)
                if s.allowed
                else (
                    f"{s.minimum:g}..{s.maximum:g}" if s.minimum is not None and s.maximum is not None else ""
                )
            )
            req = "yes" if s.required else f"no (default {s.default or 'empty'})"
            parts.append(f"| {s.name} | {s.type} | {s.unit} | {req} | {rng} | {s.description} |")
        parts.append("")
    return "\n".join(parts)
