"""The pace rules checked on an evaluated plan: capacity closed and lines starting a retrofit
campaign per sector (and province, in an instance of several) and model year, against
``pace.csv``, and lines carrying an emerging technology against its roll-out ceiling,
``deployment.csv`` (issue 14).

The check reads only the plan (retire and adoption years) and the evaluator's
``projects_started``, not the optimisation model, so a plan from any source (a planner's own,
a sweep, a solver bug) is held to the same rule:

- closures: :math:`\\sum_{l \\in s,\\; R_l \\in P_t} C_l \\le |P_t| \\max(\\gamma_s \\sum_{l \\in s}
  C_l,\\; \\max_{l \\in s} C_l)`, with :math:`R_l` the first year line l no longer runs and
  :math:`P_t` the calendar years model year t stands for;
- campaigns: the lines of s with a project started in :math:`P_t` number at most
  :math:`\\lceil |P_t| \\bar\\mu_s \\rceil` (``retrofit_campaigns``) and, summed over the model
  years from ``from_year`` through t, at most :math:`\\bar\\mu_s` × those calendar years
  (``retrofit_campaigns_to_date``), with :math:`\\bar\\mu_s = \\max(\\mu_s N_s, 1)`.

Rows hold for model years from ``pace.from_year`` on, as in
:mod:`optimizer.models.constraints.pace`.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd

from optimizer.data.consistency import limit_province_of, split_list
from optimizer.data.deployment import deployment_ceilings
from optimizer.data.instance import Instance
from optimizer.data.targets import model_years_of, period_map
from optimizer.evaluator.api import Evaluation
from optimizer.evaluator.plan import Plan

PACE_COLUMNS = [
    "rule",
    "sector",
    "province",  # "" where the instance has one province (a row of every line)
    "technology",
    "year",
    "calendar_years",
    "used",
    "limit",
    "unit",
    "share_used",
    "within",
]

RELATIVE_TOLERANCE = 1e-6


def pace_table(instance: Instance, evaluation: Evaluation, plan: Plan) -> pd.DataFrame:
    """pace.csv of a run: per rule, sector and model year, what the plan uses against the limit."""
    periods = period_map(model_years_of(instance), instance.scenario.horizon_end)
    rows = _sector_rows(instance, evaluation, plan, periods) + _deployment_rows(instance, plan, periods)
    return pd.DataFrame(rows, columns=PACE_COLUMNS)


def _sector_rows(
    instance: Instance, evaluation: Evaluation, plan: Plan, periods: dict[int, tuple[int, ...]]
) -> list[dict]:
    pace = instance.pace
    if pace.empty:
        return []
    lines = instance.lines
    sector_of = lines["sector"].to_numpy(str)
    capacity = lines["capacity_per_year"].to_numpy(float)
    n_old = len(lines)
    years = evaluation.years
    col = {y: i for i, y in enumerate(years)}
    started = evaluation.measure("projects_started")[:n_old] > 0
    retire = np.asarray(plan.retire_year[:n_old])
    province_of = np.array(limit_province_of(instance), dtype=str)
    rows = []
    for (sector, row), province in itertools.product(pace.iterrows(), sorted(set(province_of))):
        members = np.flatnonzero((sector_of == str(sector)) & (province_of == province))
        if len(members) == 0:
            continue
        closure_share = float(row["closure_share_max_per_year"])
        line_share = float(row["retrofit_line_share_max_per_year"])
        closure_per_year = max(closure_share * capacity[members].sum(), capacity[members].max())
        campaigns_per_year = max(line_share * len(members), 1.0)
        campaigns_to_date, years_to_date = 0.0, 0
        for t, calendar in periods.items():
            if t < int(row["from_year"]):
                continue
            n = len(calendar)
            if closure_share < 1.0:
                closed = float(capacity[members][np.isin(retire[members], calendar)].sum())
                rows.append(
                    _row("closures", str(sector), t, n, closed, closure_per_year * n, "unit/yr", "", province)
                )
            if line_share < 1.0:
                cols = np.array([col[y] for y in calendar if y in col], dtype=np.int64)
                campaigns = float(started[np.ix_(members, cols)].any(axis=1).sum()) if len(cols) else 0.0
                campaigns_to_date += campaigns
                years_to_date += n
                in_year = float(math.ceil(campaigns_per_year * n - 1e-9))
                rows.append(
                    _row("retrofit_campaigns", str(sector), t, n, campaigns, in_year, "lines", "", province)
                )
                rows.append(
                    _row(
                        "retrofit_campaigns_to_date",
                        str(sector),
                        t,
                        years_to_date,
                        campaigns_to_date,
                        campaigns_per_year * years_to_date,
                        "lines",
                        "",
                        province,
                    )
                )
    return rows


def _deployment_rows(instance: Instance, plan: Plan, periods: dict[int, tuple[int, ...]]) -> list[dict]:
    """Lines of a sector carrying an emerging technology the plan added, in each model year,
    against its roll-out ceiling (:mod:`optimizer.data.deployment`)."""
    ceilings = deployment_ceilings(instance)
    if not ceilings:
        return []
    attributes = instance.lines["attributes"].tolist()
    retire = np.asarray(plan.retire_year)
    rows = []
    for c in ceilings:
        members = [l for l in c.lines if c.tech_id not in split_list(attributes[l])]
        adopt = np.asarray(plan.adopt_year[members, c.tech_index]) if members else np.zeros(0)
        for t, calendar in periods.items():
            # the model holds h at t for every calendar year it stands for: count the most
            carrying = max(int(((adopt <= y) & (retire[members] > y)).sum()) for y in calendar)
            limit = c.limit_in(calendar)
            if limit == 0 and carrying == 0:  # not available yet: nothing to show
                continue
            rows.append(
                _row(
                    "deployment", c.sector, t, len(calendar), carrying, limit, "lines", c.tech_id, c.province
                )
            )
    return rows


def _row(
    rule: str,
    sector: str,
    year: int,
    n: int,
    used: float,
    limit: float,
    unit: str,
    technology: str = "",
    province: str = "",
) -> dict:
    return {
        "rule": rule,
        "sector": sector,
        "province": province,
        "technology": technology,
        "year": year,
        "calendar_years": n,
        "used": used,
        "limit": limit,
        "unit": unit,
        "share_used": used / limit if limit > 0 else (0.0 if used == 0 else float("inf")),
        "within": used <= limit * (1 + RELATIVE_TOLERANCE) + 1e-6,
    }
