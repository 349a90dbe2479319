"""After a solve: row duals of the targets (shadow prices), the deadline left for follow-up
solves, and the relaxation that explains infeasible targets (checked row by row by
:mod:`optimizer.diagnose_check` when its solve stops short of optimality)."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from optimizer.data.instance import Instance
from optimizer.diagnose_check import (
    CHECK_SHARE,
    Key,
    check_relaxation,
    greedy_start,
    needed_columns,
    or_start,
)
from optimizer.evaluator.packages import PackageSet
from optimizer.instance_model import base_constant
from optimizer.models.build import build_model
from optimizer.models.data import ModelData, build_model_data
from optimizer.models.objective import SLACK_PRICE_CNY
from optimizer.solvers.base import Solver, SolveResult, SolverOptions, StandardForm, Status
from optimizer.solvers.standard_form import compile_model
from optimizer.targets.kind import Relaxation
from optimizer.targets.registry import KINDS, constraint_families

MIN_DIAGNOSIS_S = 2.0
"""The infeasibility diagnosis is skipped (and said so) with less time than this left."""


def within_deadline(options: SolverOptions, deadline: float) -> SolverOptions:
    """``options`` limited to the time left before ``deadline`` (time.perf_counter()).

    The solver's hard wall-clock grace (a child killed that long after HiGHS's own limit) is cut
    to 5 % of what is left, so the whole command ends close to its --time-limit."""
    from dataclasses import replace

    left = max(1.0, deadline - time.perf_counter())
    grace = min(options.hard_limit_grace_s, max(1.0, 0.05 * left))
    return replace(options, time_limit_s=min(options.time_limit_s, left), hard_limit_grace_s=grace)


def fixed_lp(form, result: SolveResult, solver: Solver, options: SolverOptions) -> SolveResult:
    """The LP with every integer fixed at the plan's value, solved for its row duals."""
    assert result.x is not None
    fixed = form.with_columns_fixed(form.integer, result.x)
    fixed.integer = np.zeros_like(form.integer)
    return solver.solve_lp_duals(fixed, options)


def shadow_prices(
    form, result: SolveResult, solver: Solver, options: SolverOptions, lp: SolveResult | None = None
) -> pd.DataFrame:
    """Marginal cost of each target row from the LP with every integer fixed at its value.

    The dual of a row is the change of the optimal NPV (CNY) per unit of the row's right-hand
    side; target rows are written so that the unit is the target's own constraint unit.
    """
    lp = fixed_lp(form, result, solver, options) if lp is None else lp
    rows = []
    if lp.row_duals is None:
        return pd.DataFrame(columns=["constraint", "dual_cny_per_unit", "binding"])
    # target families from the registry, plus the demand and swap rows a planner asks about
    families = (*constraint_families(), "demand", "replacement_ratio")
    activity = form.A @ lp.x if lp.x is not None else np.zeros(len(form.row_lower))
    for i, name in enumerate(form.row_names):
        if name.split("[")[0] in families:
            binding = abs(activity[i] - form.row_upper[i]) <= 1e-6 * max(1.0, abs(form.row_upper[i])) or abs(
                activity[i] - form.row_lower[i]
            ) <= 1e-6 * max(1.0, abs(form.row_lower[i]))
            rows.append(
                {"constraint": name, "dual_cny_per_unit": float(lp.row_duals[i]), "binding": bool(binding)}
            )
    return pd.DataFrame(rows)


def relaxed_model(
    instance: Instance,
    packages: PackageSet,
    model_years: tuple[int, ...] | None = None,
    fix: Callable[[pyo.ConcreteModel, ModelData], None] | None = None,
) -> tuple[pyo.ConcreteModel, ModelData, StandardForm, list, dict[Key, int]]:
    """The model with a priced slack on every hard target row, its standard form, the Pyomo
    variables of its columns and the column of each slack ((target label, model year) -> column)."""
    data = build_model_data(instance, packages, model_years=model_years)
    data.relax_targets = True
    data.base_constant_npv = base_constant(instance, data)
    model = build_model(data)
    if fix is not None:
        fix(model, data)
    form, columns = compile_model(model)
    position = {id(v): i for i, v in enumerate(columns)}
    return model, data, form, columns, {key: position[id(model.slack[key])] for key in model.slack}


def explain_infeasibility(
    instance: Instance,
    packages: PackageSet,
    solver: Solver,
    options: SolverOptions,
    model_years: tuple[int, ...] | None = None,
    fix: Callable[[pyo.ConcreteModel, ModelData], None] | None = None,
    deadline: float | None = None,
) -> pd.DataFrame:
    """Solve again with a priced slack on every hard target row and report the relaxation.

    Slacks are in relative units of each target (share points, fraction of the base-year value),
    priced far above any plan cost, so the solver finds the least total relaxation and, among
    those, the cheapest plan. Stopped short of optimality, it leaves :data:`CHECK_SHARE` of the
    time before ``deadline`` (time.perf_counter(); None: ``options.time_limit_s`` from now) to
    check which relaxed rows are needed (:mod:`optimizer.diagnose_check`): the ``needed`` and
    ``least_relaxation_in_unit`` columns.
    """
    model, data, form, columns, slack_cols = relaxed_model(instance, packages, model_years, fix)
    now = time.perf_counter()
    deadline = now + options.time_limit_s if deadline is None else deadline
    start = greedy_start(data, columns, deadline)
    try:
        plan = start(form)
    except KeyboardInterrupt:
        plan = None
        result = SolveResult(Status.NO_SOLUTION, "interrupted (Ctrl-C or SIGTERM)", interrupted=True)
    else:
        # the MIP leaves a share of the time left for checking a relaxation it cannot prove least
        stop = now + (1 - CHECK_SHARE) * (deadline - now)
        result = or_start(solver.solve(form, within_deadline(options, stop), start=plan), form, plan)
    if result.interrupted or (not result.has_solution and result.status is not Status.INFEASIBLE):
        return pd.DataFrame(
            [
                {
                    "target": "(not diagnosed)",
                    "year": None,
                    "relaxation": None,
                    "note": f"the diagnosis stopped before it found a relaxed plan: {result.termination}",
                }
            ]
        )
    if not result.has_solution:
        return pd.DataFrame(
            [
                {
                    "target": "(structural)",
                    "year": None,
                    "relaxation": None,
                    "note": f"still infeasible with every target relaxed: {result.termination} "
                    "(demand, forced exits or replacement rules conflict)",
                }
            ]
        )
    checked = check_relaxation(form, slack_cols, result, solver, options, deadline, start)
    rows = []
    kinds = {r.label: r.kind for r in data.targets}
    scales = model.__dict__.get("slack_scales", {})
    for (label, t), value in checked.relaxed.items():
        kind = kinds.get(label, "")
        scale = float(scales.get((label, t), ("", 1.0))[1])
        row = {"target": label, "year": t, "kind": kind, **relaxation_in_units(kind, value, scale)}
        per = units_per_slack(kind, scale)
        row.update(needed_columns(checked, (label, t), str(row["note"]), per, str(row["unit"])))
        rows.append(row)
    if not rows:
        return pd.DataFrame(columns=RELAXATION_COLUMNS)
    x = checked.result.x
    assert x is not None
    # the plan's own NPV: the objective without the priced slacks
    npv = float(form.c @ x + form.offset) - SLACK_PRICE_CNY * float(x[list(slack_cols.values())].sum())
    for r in rows:
        r["plan_npv_cny_with_relaxation"] = npv
    return pd.DataFrame(rows, columns=RELAXATION_COLUMNS)


RELAXATION_COLUMNS = [
    "target",
    "year",
    "kind",
    "relaxation",
    "relaxation_in_unit",
    "unit",
    "absolute",
    "absolute_unit",
    "note",
    "plan_npv_cny_with_relaxation",
    "needed",
    "least_relaxation_in_unit",
]
"""infeasibility.csv; ``needed`` and ``least_relaxation_in_unit`` say what the checks of a
diagnosis stopped short of optimality proved (:mod:`optimizer.diagnose_check`)."""

_UNKNOWN_RELAXATION = Relaxation(None, "fraction of the row scale", "row units", "relaxed by {a:,.4g}")


def relaxation_in_units(kind: str, slack: float, scale: float) -> dict[str, object]:
    """One relaxation in the target's own unit and as an absolute figure (its kind's
    ``relaxation``): the slack s of a row is measured relative to the row's scale
    (optimizer.targets.model_terms), so the absolute figure is s x scale in the row's quantity."""
    r = _relaxation(kind)
    absolute = slack * scale
    in_unit = slack * units_per_slack(kind, scale)
    unit, absolute_unit, sentence = r.unit, r.absolute_unit, r.sentence
    return {
        "relaxation": slack,
        "relaxation_in_unit": in_unit,
        "unit": unit,
        "absolute": absolute,
        "absolute_unit": absolute_unit,
        "note": sentence.format(u=in_unit, a=absolute),
    }


def units_per_slack(kind: str, scale: float) -> float:
    """The target's own units per unit of slack of a row of ``kind`` with slack ``scale``."""
    per = _relaxation(kind).per
    return per if per is not None else scale


def _relaxation(kind: str) -> Relaxation:
    k = KINDS.get(kind)
    return k.relaxation if k is not None and k.relaxation is not None else _UNKNOWN_RELAXATION
