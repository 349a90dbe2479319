"""Designs: the scenarios a spec asks for, deterministic for a given spec (and seed).

Resuming relies on this: the same spec always expands to the same scenario ids with the same
inputs, and the Morris/Sobol analysis re-creates the sample matrix to pair it with the results.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from optimizer.sweep.spec import Design, Distribution, SweepSpec


@dataclass(frozen=True)
class ScenarioDef:
    """One scenario: a base and the value of each changed parameter (absent = unchanged)."""

    scenario_id: str
    base: str
    design_index: int
    values: dict[str, Any]
    role: str  # base | oat:<parameter> | grid | list | sample


def design_points(spec: SweepSpec) -> list[tuple[dict[str, Any], str]]:
    """The design's points (parameter values and role), before crossing with the bases."""
    d = spec.design
    names = list(spec.parameters)
    if d.kind == "grid":
        return [
            (dict(zip(names, combo, strict=True)), "grid")
            for combo in itertools.product(*(d.values[n] for n in names))
        ]
    if d.kind == "oat":
        points: list[tuple[dict[str, Any], str]] = [({}, "base")]
        for n in names:
            points.extend(({n: v}, f"oat:{n}") for v in d.values[n])
        return points
    if d.kind == "list":
        return [(dict(row), "list") for row in d.rows]
    matrix = sample_matrix(spec)
    return [({n: float(x) for n, x in zip(names, row, strict=True)}, "sample") for row in matrix]


def sample_matrix(spec: SweepSpec) -> np.ndarray:
    """The (scenarios x parameters) sample of a monte_carlo, morris or sobol design."""
    d = spec.design
    names = list(spec.parameters)
    if d.kind == "monte_carlo":
        rng = np.random.default_rng(d.seed)
        return np.column_stack([draw(d.distributions[n], d.samples, rng) for n in names])
    if d.kind == "morris":
        from SALib.sample import morris

        return np.asarray(
            morris.sample(salib_problem(spec), d.trajectories, num_levels=d.levels, seed=d.seed)
        )
    if d.kind == "sobol":
        from SALib.sample import sobol

        return np.asarray(
            sobol.sample(salib_problem(spec), d.samples, calc_second_order=d.second_order, seed=d.seed)
        )
    raise ValueError(f"a {d.kind} design has no sample matrix")


def salib_problem(spec: SweepSpec) -> dict[str, Any]:
    names = list(spec.parameters)
    return {
        "num_vars": len(names),
        "names": names,
        "bounds": [list(spec.design.bounds[n]) for n in names],
    }


def draw(dist: Distribution, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` draws of one distribution (parameters drawn one after another, in spec order)."""
    a = dist.args
    if dist.dist == "uniform":
        return rng.uniform(a["low"], a["high"], n)
    if dist.dist == "triangular":
        return rng.triangular(a["low"], a["mode"], a["high"], n)
    if dist.dist == "lognormal":
        return rng.lognormal(a["mu"], a["sigma"], n)
    values = rng.normal(a["mean"], a["sd"], n)
    low, high = a.get("low", -np.inf), a.get("high", np.inf)
    # truncation by redrawing out-of-range values: exact for the truncated normal, and bounded
    # because the spec check requires low < high (a tiny window could still take long, so stop)
    for _ in range(1000):
        bad = (values < low) | (values > high)
        if not bad.any():
            break
        values[bad] = rng.normal(a["mean"], a["sd"], int(bad.sum()))
    return np.clip(values, low, high)


def expand(spec: SweepSpec) -> list[ScenarioDef]:
    """Every scenario of the sweep: the design crossed with the bases (CSV rows keep their own)."""
    points = design_points(spec)
    d: Design = spec.design
    scenarios: list[ScenarioDef] = []
    width = max(4, len(str(len(points) - 1)))
    for base in spec.bases:
        for index, (values, role) in enumerate(points):
            if d.kind == "list" and d.row_bases and d.row_bases[index] not in (None, base.name):
                continue
            given = d.row_ids[index] if d.kind == "list" and d.row_ids else None
            scenario_id = given or f"{base.name}-{index:0{width}d}"
            scenarios.append(ScenarioDef(scenario_id, base.name, index, values, role))
    return scenarios
