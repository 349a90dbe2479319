"""Check every target against an exact evaluation: required, achieved, met.

This is the independent verification of a plan: it reads only the evaluator's output and the
target definitions in :mod:`optimizer.data.targets`, never the planning model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from optimizer.data.documents import citation
from optimizer.data.instance import Instance
from optimizer.data.targets import applies, model_years_of, period_map, target_rows
from optimizer.evaluator.arrays import EvalArrays
from optimizer.evaluator.plan import NEVER
from optimizer.targets.check_terms import REL_TOL, row_terms
from optimizer.targets.registry import kind

TARGET_COLUMNS = [
    "target_id",
    "group",
    "year",
    "kind",
    "scope",
    "provinces",  # a per-line rule's provinces ("": every province)
    "required",
    "achieved",
    "unit",
    "met",
    "hard",
    "source",
    "description",
    "source_en",
    "description_zh",
]


def check_targets(instance: Instance, arrs: EvalArrays, out: np.ndarray) -> pd.DataFrame:
    """One row per target (per sector where a target holds per sector) and model year; each
    kind's check (its module in optimizer.targets.kinds) reads the evaluator's measures."""
    model_years = model_years_of(instance)
    periods = period_map(model_years, instance.scenario.horizon_end)
    prev = dict(zip(model_years[1:], model_years[:-1], strict=True))
    rows = []
    for row in target_rows(instance):
        terms = row_terms(instance, arrs, out, row, periods, prev)
        check = kind(row.kind).check
        check_years = [t for t in model_years if applies(row, t)] or [row.year]
        for t in check_years:
            required, achieved, met = check(terms.at(t), row, t)
            rows.append(
                {
                    "target_id": row.target_id,
                    "group": row.group,
                    "year": t,
                    "kind": row.kind,
                    "scope": ";".join(row.sectors),
                    "provinces": ";".join(row.provinces),
                    "required": required,
                    "achieved": achieved,
                    "unit": row.unit,
                    "met": met,
                    "hard": row.hard,
                    "source": citation(instance.documents, row.document, row.clause, "zh"),
                    "description": row.description,
                    "source_en": citation(instance.documents, row.document, row.clause, "en"),
                    "description_zh": row.description_zh or row.description,
                }
            )
    return pd.DataFrame(rows, columns=TARGET_COLUMNS)


def missed_hard(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of hard targets checked and missed."""
    hard = frame[frame["hard"] & frame["met"].notna()]
    return hard[~hard["met"].astype(bool)]


def all_hard_met(frame: pd.DataFrame) -> bool:
    return missed_hard(frame).empty


__all__ = ["NEVER", "REL_TOL", "TARGET_COLUMNS", "all_hard_met", "check_targets", "missed_hard"]
