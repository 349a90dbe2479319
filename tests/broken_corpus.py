"""A corpus of broken instances, one generator per case, each from a copy of tests/data/tiny.

Every case writes its instance folder and says what a user must see: either the instance
loads (``loads=True``: an encoding or delimiter the reader understands) or every problem names
the file (and where it applies the row and column) and contains ``expect``.
``python tests/broken_corpus.py OUT_DIR`` writes every case's folder and prints the outcome of
``optimize validate`` on each (used to compare before and after a change).
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

TINY = Path(__file__).parent / "data" / "tiny"


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Path], None]
    expect: tuple[str, ...] = ()  # substrings of the error output, in any problem
    loads: bool = False  # the reader must accept it (and keep the cell values)


def _rows(table: str = "lines") -> list[list[str]]:
    with (TINY / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _text(rows: list[list[str]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def _set(rows: list[list[str]], row: int, column: str, value: str) -> list[list[str]]:
    """Spreadsheet row ``row`` (header is 1) of ``rows`` with ``column`` set to ``value``."""
    out = [list(r) for r in rows]
    out[row - 1][out[0].index(column)] = value
    return out


def _chinese(rows: list[list[str]]) -> list[list[str]]:
    return _set(_set(rows, 2, "company", "浙江示范水泥有限公司"), 3, "city", "湖州市")


def _write(name: str, data: bytes | str) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        path = folder / name
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)

    return build


def _xlsx(rows: list[list[object]], name: str = "lines.xlsx") -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        from openpyxl import Workbook

        (folder / "lines.csv").unlink()
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        for row in rows:
            sheet.append(row)
        book.save(folder / name)

    return build


def _formula_rows() -> list[list[object]]:
    rows: list[list[object]] = [list(r) for r in _rows()]
    column = rows[0].index("capacity_per_year")
    size = rows[0].index("size_t_per_day")
    letter = chr(ord("A") + size)
    rows[2][column] = f"={letter}3*310"  # openpyxl saves formulas without a cached value
    return rows


def _blank_line_then_bad() -> str:
    rows = _set(_rows(), 3, "operating_days", "many")
    lines = _text(rows).splitlines()
    return "\n".join([lines[0], lines[1], "", *lines[2:]]) + "\n"


def _ragged() -> str:
    rows = _rows()
    rows[2] = [*rows[2], "stray"]
    return _text(rows)


def _demand_times(factor: float) -> str:
    rows = _rows("demand")
    column = rows[0].index("demand_per_year")
    for r in rows[1:]:
        r[column] = str(float(r[column]) * factor)
    return _text(rows)


CASES: tuple[Case, ...] = (
    Case("empty_lines", _write("lines.csv", b""), ("lines.csv", "is empty")),
    Case("whitespace_lines", _write("lines.csv", "\n  \n\n"), ("lines.csv", "is empty")),
    Case(
        "header_only_lines",
        _write("lines.csv", _text(_rows()[:1])),
        ("lines.csv row 2", "no data rows"),
    ),
    Case(
        "header_only_prices",
        lambda f: (f / "prices.csv").write_text(_text(_rows("prices")[:1])),
        ("prices.csv row 2",),
    ),
    Case("empty_demand", _write("demand.csv", b""), ("demand.csv", "is empty")),
    Case("gbk_lines", _write("lines.csv", _text(_chinese(_rows())).encode("gbk")), loads=True),
    Case("gb18030_lines", _write("lines.csv", _text(_chinese(_rows())).encode("gb18030")), loads=True),
    Case(
        "utf8_bom_lines", _write("lines.csv", b"\xef\xbb\xbf" + _text(_chinese(_rows())).encode()), loads=True
    ),
    Case("utf16_lines", _write("lines.csv", _text(_chinese(_rows())).encode("utf-16")), loads=True),
    Case(
        "undecodable_lines",
        _write("lines.csv", _text(_rows()).encode() + b"L9,\xff\xfe\xff\n"),
        ("lines.csv row 5", "neither UTF-8 nor GB18030"),
    ),
    Case("semicolon_lines", _write("lines.csv", _text(_rows(), ";")), loads=True),
    Case("tab_lines", _write("lines.csv", _text(_rows(), "\t")), loads=True),
    Case(
        "semicolon_decimal_comma",
        _write("lines.csv", _text(_set(_rows(), 2, "operating_days", "280,5"), ";")),
        ("lines.csv row 2, operating_days", "decimal comma"),
    ),
    Case("ragged_row", _write("lines.csv", _ragged()), ("lines.csv row 3", "cells but the header has")),
    Case(
        "blank_line_shifts_rows",
        _write("lines.csv", _blank_line_then_bad()),
        ("lines.csv row 4, operating_days: 'many'",),
    ),
    Case(
        "duplicate_header",
        _write("lines.csv", _text([[*r, r[1]] for r in _rows()[:1]] + [[*r, r[1]] for r in _rows()[1:]])),
        ("lines.csv row 1, province", "appears twice"),
    ),
    Case(
        "xlsx_named_csv",
        _write("lines.csv", b"PK\x03\x04" + b"\x00" * 40),
        ("lines.csv", "Excel workbook or zip archive"),
    ),
    Case("binary_lines", _write("lines.csv", b"line_id\x00\x01\x02"), ("lines.csv", "binary")),
    Case(
        "lines_is_folder",
        lambda f: ((f / "lines.csv").unlink(), (f / "lines.csv").mkdir()),
        ("lines.csv", "is a folder"),
    ),
    Case("xlsx_formula_no_cache", _xlsx(_formula_rows()), ("lines.xlsx row 3, capacity_per_year", "formula")),
    Case("xlsx_lines_ok", _xlsx([list(r) for r in _chinese(_rows())]), loads=True),
    Case(
        "xlsx_bad_cell",
        _xlsx([list(r) for r in _set(_rows(), 3, "operating_days", "many")]),
        ("lines.xlsx row 3, operating_days",),
    ),
    Case(
        "corrupt_xlsx",
        lambda f: ((f / "lines.csv").unlink(), (f / "lines.xlsx").write_bytes(b"PK\x03\x04 not really")),
        ("lines.xlsx", "not a readable Excel workbook"),
    ),
    Case(
        "capacity_9e9_for_10000_t_per_day",
        _write(
            "lines.csv",
            _text(_set(_set(_rows(), 3, "size_t_per_day", "10000"), 3, "capacity_per_year", "9e9")),
        ),
        ("lines.csv row 3, capacity_per_year", "days of the line's size"),
    ),
    Case(
        "capacity_in_kt",
        _write("lines.csv", _text(_set(_rows(), 2, "capacity_per_year", "775"))),
        ("lines.csv row 2, capacity_per_year", "below"),
    ),
    Case(
        "demand_20x_capacity",
        _write("demand.csv", _demand_times(20.0)),
        ("demand.csv row 2, demand_per_year", "times the capacity"),
    ),
    Case("missing_lines", lambda f: (f / "lines.csv").unlink(), ("lines.csv", "required table is missing")),
    Case(
        "negative_size",
        _write("lines.csv", _text(_set(_rows(), 3, "size_t_per_day", "-2500"))),
        ("lines.csv row 3, size_t_per_day",),
    ),
    Case(
        "nan_and_inf",
        _write(
            "lines.csv",
            _text(_set(_set(_rows(), 2, "fuel_kgce_per_unit", "nan"), 3, "operating_days", "inf")),
        ),
        ("lines.csv row 2, fuel_kgce_per_unit", "lines.csv row 3, operating_days"),
    ),
)


def build_case(case: Case, root: Path) -> Path:
    """A fresh copy of tiny under ``root/case.name`` with the case applied."""
    folder = root / case.name
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(TINY, folder)
    case.build(folder)
    return folder


def main(root: Path) -> None:
    """Print one outcome line per case: exit code, first line of the error or 'valid'."""
    root.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        folder = build_case(case, root)
        done = subprocess.run(
            [sys.executable, "-m", "optimizer", "validate", "--instance", str(folder)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        text = (done.stdout + done.stderr).strip().splitlines()
        tail = "traceback: " + text[-1] if any("Traceback" in t for t in text) else " | ".join(text[:3])
        print(f"{case.name}\texit {done.returncode}\t{tail[:300]}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
