"""Column headers in Chinese or English: the one mapping the template writes and import reads.

``optimizer/schema/headers_zh.csv`` gives, per table column, its Chinese header, its unit in
Chinese and accepted aliases. A Chinese header may carry its unit in brackets, half- or
full-width (``熟料产能(吨/日)``, ``日产规模（吨/日）``); a unit that is not the column's is an error
rather than a silent misreading (吨/年 under a 吨/日 column would be off by a factor of 300).
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pandas as pd

from optimizer.data.schema import SOURCE_ROWS, table_schema
from optimizer.errors import InputError, InputProblem

HEADER_LANGS = ("zh", "en")
_UNIT_SUFFIX = re.compile(r"^(?P<name>.+?)\((?P<unit>[^()]*)\)$")


@dataclass(frozen=True)
class Header:
    """How one column of a table is titled: schema name, Chinese header and unit, aliases."""

    column: str
    zh: str
    unit_zh: str
    aliases_zh: tuple[str, ...]

    def title(self, lang: str) -> str:
        """The header the template writes: the schema name (it carries its unit) in English,
        the Chinese name with its unit in brackets in Chinese."""
        if lang == "en":
            return self.column
        return f"{self.zh}({self.unit_zh})" if self.unit_zh else self.zh


@cache
def table_headers(table: str) -> tuple[Header, ...]:
    """The headers of every column of ``table``, in schema order (a column without a Chinese
    header is titled by its schema name in both languages)."""
    text = resources.files("optimizer.schema").joinpath("headers_zh.csv").read_text("utf-8")
    rows = {r["column"]: r for r in csv.DictReader(text.splitlines()) if r["table"] == table}
    out = []
    for spec in table_schema(table):
        row = rows.get(spec.name, {})
        out.append(
            Header(
                column=spec.name,
                zh=row.get("header_zh") or spec.name,
                unit_zh=row.get("unit_zh", ""),
                aliases_zh=tuple(a for a in row.get("aliases_zh", "").split(";") if a),
            )
        )
    return tuple(out)


def has_headers(table: str) -> bool:
    """``table`` has Chinese headers in the mapping (today: the lines inventory)."""
    text = resources.files("optimizer.schema").joinpath("headers_zh.csv").read_text("utf-8")
    return any(r["table"] == table for r in csv.DictReader(text.splitlines()))


def _norm(text: str) -> str:
    """Full-width brackets and letters as half-width, no spaces, lower case: how Excel users
    type a header should not matter."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def _names(header: Header) -> set[str]:
    return {_norm(n) for n in (header.column, header.zh, *header.aliases_zh)}


def resolve_header(text: str, table: str) -> tuple[str | None, str]:
    """The schema column a header means, or ``None`` and what is expected instead."""
    headers = table_headers(table)
    key = _norm(text)
    for header in headers:
        if key in _names(header):
            return header.column, ""
    match = _UNIT_SUFFIX.match(key)
    if match:
        for header in headers:
            if match["name"] in _names(header):
                # a unitless column may carry a note in brackets (企业名称(全称)); a unit must match
                if not header.unit_zh or _norm(match["unit"]) == _norm(header.unit_zh):
                    return header.column, ""
                return None, (
                    f"unit ({match['unit']}) is not the column's unit (expected "
                    f"{header.title('zh')} or {header.column})"
                )
    known = {_norm(h.title("zh")): h.title("zh") for h in headers}
    known |= {_norm(n): n for h in headers for n in (h.column, h.zh, *h.aliases_zh)}
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.5)
    hint = f"did you mean {known[close[0]]}? " if close else ""
    return None, (
        f"unknown column ({hint}expected a header of the {table} template: "
        f"optimize template --out DIR writes one)"
    )


def canonical_headers(raw: pd.DataFrame, table: str, label: str) -> pd.DataFrame:
    """``raw`` with its Chinese or English headers renamed to the schema's column names.

    Raises :class:`InputError` listing every header that names no column (file, row 1, the
    header as written with its position, a suggestion) or that names a column twice."""
    problems: list[InputProblem] = []
    names: list[str] = []
    seen: dict[str, str] = {}
    for position, text in enumerate(map(str, raw.columns), start=1):
        column, expected = resolve_header(text, table)
        where = f"{text} (column {position})"
        if column is None:
            problems.append(InputProblem(label, 1, where, None, expected))
            names.append(text)
            continue
        if column in seen:
            problems.append(
                InputProblem(label, 1, where, None, f"names {column} again (already given as {seen[column]})")
            )
        seen.setdefault(column, text)
        names.append(column)
    if problems:
        raise InputError(problems)
    out = raw.copy()
    out.columns = pd.Index(names)
    out.attrs[SOURCE_ROWS] = raw.attrs.get(SOURCE_ROWS)
    return out
