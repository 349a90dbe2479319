"""How a target cites its document: 《title》clause in Chinese, "title, clause" in English.

Targets name their document by id (the seed file name, ``document`` column of targets.csv);
the ``documents`` table (catalogue/documents.csv, or the instance's own copy) maps the id to
its title, issuer, date and number. An id the table does not know is cited as it is written.
"""

from __future__ import annotations

import math

import pandas as pd


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


BUILT_IN: dict[str, dict[str, str]] = {
    "company goal": {"zh": "企业自定目标", "en": "company goal"},
}
"""Documents the tool writes itself (a company's ``--goal``): no policy text to quote, so the
citation says whose target it is, in the reader's language, with the option it came from."""


def citation(documents: pd.DataFrame, document: str, clause: str, lang: str = "zh") -> str:
    """The document and clause as a planner quotes them in ``lang`` (zh or en)."""
    clause = _text(clause)
    row = documents.loc[document] if len(documents) and document in documents.index else None
    if row is None and document in BUILT_IN:
        title = BUILT_IN[document]["zh" if lang == "zh" else "en"]
        return f"{title}({clause})" if lang == "zh" and clause else f"{title} ({clause})" if clause else title
    if row is None:
        return f"{document} {clause}".strip()
    if lang == "zh":
        return f"《{_text(row['title_zh'])}》{clause}"
    return f"{_text(row['title_en'])}, {clause}" if clause else _text(row["title_en"])


__all__ = ["citation"]
