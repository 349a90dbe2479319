"""What each target costs: binding or not, its marginal price, and the cost of having it at all.

Three figures per target row (target, sector group, model year), written to
``target_prices.csv``:

* **binding** — by the slack the evaluator measures (achieved against required, in the
  target's direction): binding when the slack is within :data:`BINDING_TOL_FRACTION` (share and
  cut targets, fractions) or :data:`BINDING_TOL_REL` of the requirement (every other unit).
* **price** — the dual of the target's row(s) in the LP with every integer decision fixed at
  the plan (the LP that :func:`optimizer.diagnose.shadow_prices` solves), converted to the target's
  own unit and signed as the cost of making the target one unit *stricter* (positive when it
  binds): CNY per percentage point for cuts and shares, CNY per MW, per tCO2/yr, per t/yr of
  capacity, per project/yr. A model year stands for several calendar years, so the price
  covers all of them. Given only where binding. Rows whose every variable is an integer
  decision (a share of capacity retrofitted) have a zero dual once the integers are fixed: the
  marginal price then says nothing and the target's **cost** is the figure to read.
* **target cost** — today's optimum minus the optimum re-solved without the target (every row
  of that target id removed, all sectors and years), CNY, repeated on each row of the target.
  Only binding targets are re-solved, at most :data:`MAX_RESOLVES` of them (tightest first),
  with the run's gap, sharing the time left within the command's ``--time-limit``, from
  today's plan (still feasible without the target, so the re-solved optimum is never worse).
  Both optima carry the MIP gap, so ``target_cost_low_cny`` / ``target_cost_high_cny`` bound
  the true cost with the solvers' bounds:
  [today's bound − without's objective, today's objective − without's bound].
"""

from __future__ import annotations

import math
import re
from concurrent.futures import ThreadPoolExecutor
from copy import copy
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd

from optimizer.data.instance import Instance
from optimizer.data.targets import target_rows
from optimizer.evaluator.api import Evaluation
from optimizer.solvers.base import SolveResult, SolverOptions, StandardForm
from optimizer.targets.registry import KINDS, constraint_families

BINDING_TOL_FRACTION = 1e-3
"""Share and cut targets bind when achieved is within 0.1 percentage point of required."""
BINDING_TOL_REL = 1e-3
"""Other targets bind when achieved is within 0.1 % of required (of 1 unit when required is 0)."""
MAX_RESOLVES = 8
"""At most this many targets are re-solved without them, sharing the time the command has left."""
MIN_RESOLVE_BUDGET_S = 10.0
"""Below this many seconds left, target costs are not re-solved (the rows say so)."""

TARGET_FAMILIES = constraint_families()
PRICE_UNITS = {name: k.price_unit for name, k in KINDS.items() if k.price_unit is not None}
PRICE_COLUMNS = [
    "target_id",
    "group",
    "year",
    "kind",
    "required",
    "achieved",
    "unit",
    "slack",
    "binding",
    "dual_price",
    "price_unit",
    "price_basis",
    "target_cost_cny",
    "target_cost_low_cny",
    "target_cost_high_cny",
    "resolve_status",
    "description",
    "description_zh",
]

_ROW_NAME = re.compile(r"^(\w+)\[(.*),\s*(\d+)\]$")


def parse_row_name(name: str) -> tuple[str, str, int] | None:
    """``family['ZJ-T3:flat_glass',2025]`` → (family, label, year); None otherwise."""
    match = _ROW_NAME.match(name)
    if not match:
        return None
    family, label, year = match.groups()
    return family, label.strip().strip("'\""), int(year)


def target_row_index(form: StandardForm) -> dict[tuple[str, int], list[int]]:
    """Rows of every target label and model year in the matrix (peak rows: two per year)."""
    rows: dict[tuple[str, int], list[int]] = {}
    for i, name in enumerate(form.row_names):
        parsed = parse_row_name(name)
        if parsed is not None and parsed[0] in TARGET_FAMILIES:
            rows.setdefault((parsed[1], parsed[2]), []).append(i)
    return rows


def slack_of(kind: str, required: float, achieved: float) -> float:
    """How far the plan is inside the target, in its own unit (negative: missed)."""
    if KINDS[kind].at_least:
        return achieved - required
    return required - achieved


def is_binding(kind: str, unit: str, required: float, achieved: float) -> bool:
    slack = slack_of(kind, required, achieved)
    if not math.isfinite(slack):
        return False
    if unit == "fraction" or KINDS[kind].percent:
        return abs(slack) <= BINDING_TOL_FRACTION
    return abs(slack) <= BINDING_TOL_REL * max(abs(required), 1.0)


def _per_unit_factor(
    instance: Instance, evaluation: Evaluation, kind: str, sectors: tuple[str, ...], year: int
) -> float:
    """d(row right-hand side) per unit of the target (per percentage point for shares and cuts):
    the kind's own factor; every other row's right-hand side is the target itself."""
    factor = KINDS[kind].price_factor
    return 1.0 if factor is None else factor(instance, evaluation, sectors, year)


@dataclass
class Resolve:
    """The optimum without one target."""

    target_id: str
    result: SolveResult


def _without(form: StandardForm, rows: list[int]) -> StandardForm:
    relaxed = copy(form)
    relaxed.row_lower = form.row_lower.copy()
    relaxed.row_upper = form.row_upper.copy()
    relaxed.row_lower[rows] = -np.inf
    relaxed.row_upper[rows] = np.inf
    return relaxed


def resolve_without_targets(
    form: StandardForm,
    rows_of: dict[str, list[int]],
    start: np.ndarray,
    solver,  # any adapter behind optimizer.solvers.base.Solver
    options: SolverOptions,
    parallel: int = 1,
    budget_s: float | None = None,
) -> dict[str, SolveResult]:
    """Re-solve ``form`` once per target id with its rows dropped, ``parallel`` at a time.

    With ``budget_s`` the solves share that many seconds (each round of ``parallel`` solves
    gets its part); a time-limited re-solve still bounds the cost by its bound.

    Each solve is one HiGHS child process (no racing), so ``parallel`` solves use as many cores
    as the run's racers did.
    """
    single = copy(options)
    single.race = 1
    single.progress = None  # several solves at once: no live line for each
    if budget_s is not None:
        # the command's --time-limit bounds the re-solves too: the rounds share what is left
        rounds = math.ceil(len(rows_of) / max(1, parallel))
        single.time_limit_s = min(single.time_limit_s, budget_s / max(1, rounds))
        single.hard_limit_grace_s = min(single.hard_limit_grace_s, max(1.0, 0.05 * single.time_limit_s))

    def one(target_id: str) -> tuple[str, SolveResult]:
        return target_id, solver.solve(_without(form, rows_of[target_id]), single, start=start)

    with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
        return dict(pool.map(one, list(rows_of)))


def target_prices(
    instance: Instance,
    evaluation: Evaluation,
    targets: pd.DataFrame,
    form: StandardForm,
    result: SolveResult,
    lp: SolveResult | None,
    solver,
    options: SolverOptions,
    resolve: bool = True,
    max_resolves: int = MAX_RESOLVES,
    budget_s: float | None = None,
) -> pd.DataFrame:
    """One row per target row of ``targets`` (the evaluator's check) that the model enforces."""
    rows_by_key = target_row_index(form)
    # rows whose every variable is integer (shares of lines retrofitted, projects started)
    A = form.A.tocsr()
    integer_rows = [
        bool(form.integer[A.indices[A.indptr[i] : A.indptr[i + 1]]].all()) for i in range(A.shape[0])
    ]
    duals = lp.row_duals if lp is not None else None
    scopes = {r.label: r.sectors for r in target_rows(instance)}
    records = []
    for r in targets.itertuples(index=False):
        r = cast(Any, r)  # a namedtuple of targets.csv's columns
        label = str(r.target_id) if r.group == "pooled" else f"{r.target_id}:{r.group}"
        rows = rows_by_key.get((label, int(r.year)))
        if not rows or not bool(r.hard):
            continue  # rules on lines (size exits, ratios, stop days), soft or unmodelled targets
        required, achieved = float(r.required), float(r.achieved)
        binding = is_binding(str(r.kind), str(r.unit), required, achieved)
        price = math.nan
        basis = ""
        if binding:
            # a row of integer decisions only has no marginal price once the integers are fixed
            basis = (
                "integer decisions only: dual 0 by construction, read target_cost"
                if all(integer_rows[i] for i in rows)
                else "LP with the plan's integer decisions fixed"
            )
        if binding and duals is not None:
            # a minimisation's dual is d(cost)/d(rhs); stricter means a larger rhs for >= rows and
            # a smaller one for <= rows, so the price of tightening is |dual| summed over its rows
            factor = _per_unit_factor(instance, evaluation, str(r.kind), scopes[label], int(r.year))
            price = float(sum(abs(duals[i]) for i in rows)) * factor
        records.append(
            {
                "target_id": r.target_id,
                "group": r.group,
                "year": int(r.year),
                "kind": r.kind,
                "required": required,
                "achieved": achieved,
                "unit": r.unit,
                "slack": slack_of(str(r.kind), required, achieved),
                "binding": binding,
                "dual_price": price,
                "price_unit": PRICE_UNITS.get(str(r.kind), "CNY per unit"),
                "price_basis": basis,
                "target_cost_cny": math.nan,
                "target_cost_low_cny": math.nan,
                "target_cost_high_cny": math.nan,
                "resolve_status": "not re-solved",
                "description": r.description,
                "description_zh": getattr(r, "description_zh", ""),
            }
        )
    frame = pd.DataFrame(records, columns=PRICE_COLUMNS)
    if not resolve or frame.empty or result.x is None or result.objective is None:
        return frame
    chosen = _choose(frame, max_resolves)
    if not chosen:
        return frame
    if budget_s is not None and budget_s < MIN_RESOLVE_BUDGET_S:
        frame.loc[frame["target_id"].isin(chosen), "resolve_status"] = (
            f"not re-solved: {max(budget_s, 0.0):.0f} s left within --time-limit (raise it for target costs)"
        )
        return frame
    rows_of = {
        tid: sorted(
            i
            for (label, _), idx in rows_by_key.items()
            if label == tid or label.startswith(f"{tid}:")
            for i in idx
        )
        for tid in chosen
    }
    solved = resolve_without_targets(
        form, rows_of, result.x, solver, options, parallel=max(1, options.race), budget_s=budget_s
    )
    today_obj = float(result.objective)
    today_bound = float(result.bound) if result.bound is not None else today_obj
    for tid, res in solved.items():
        mask = frame["target_id"] == tid
        if res.objective is None:
            frame.loc[mask, "resolve_status"] = f"no plan without it ({res.termination})"
            continue
        without_bound = float(res.bound) if res.bound is not None else float(res.objective)
        frame.loc[mask, "target_cost_cny"] = today_obj - float(res.objective)
        frame.loc[mask, "target_cost_low_cny"] = max(0.0, today_bound - float(res.objective))
        frame.loc[mask, "target_cost_high_cny"] = today_obj - without_bound
        frame.loc[mask, "resolve_status"] = res.status.value
    return frame


def _choose(frame: pd.DataFrame, limit: int) -> list[str]:
    """Binding targets to re-solve, the tightest (smallest relative slack) first."""

    def relative(row: pd.Series) -> float:
        scale = 1.0 if row["unit"] == "fraction" else max(abs(float(row["required"])), 1.0)
        return float(row["slack"]) / scale

    binding = frame[frame["binding"]]
    if binding.empty:
        return []
    ranked = binding.assign(rel=binding.apply(relative, axis=1).abs()).sort_values("rel")
    return list(dict.fromkeys(ranked["target_id"]))[:limit]


__all__ = [
    "BINDING_TOL_FRACTION",
    "BINDING_TOL_REL",
    "MAX_RESOLVES",
    "PRICE_COLUMNS",
    "is_binding",
    "parse_row_name",
    "resolve_without_targets",
    "target_prices",
]
