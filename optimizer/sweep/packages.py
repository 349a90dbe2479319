"""The sweep-wide package set of a base: the union of the package sets of its corner scenarios.

``build_packages`` drops packages that are dominated *at the instance's own costs*; a package
dropped at base costs can be the best choice once a technology's capex triples or coal gets
cheaper. Re-costing only the base set would then solve a restricted problem, and the warm path
would return dearer plans than a cold solve (seen on tests/data/tiny with capex x3: +2.8 %).

So every package that is kept at the base *or at any corner* (each warm parameter at its lowest
and highest value with the others at base, all at their lowest, all at their highest) enters the
sweep's set. Every package's coefficients are exact for any scenario (``recost_packages``), so a
larger set only adds columns; the union is built once per base on the cluster and shared by
every task. Corners are a heuristic for "kept somewhere in the design": ``verify_cold`` measures
how well it holds on a sample.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np

from optimizer.data.load import load_instance
from optimizer.errors import InputError
from optimizer.evaluator.packages import PackageSet, build_packages, recost_packages
from optimizer.sweep.bases import BaseTables, materialize
from optimizer.sweep.check import scenario_instance
from optimizer.sweep.designs import ScenarioDef
from optimizer.sweep.spec import Parameter


def corners(scenarios: list[ScenarioDef], parameters: Mapping[str, Parameter]) -> list[dict[str, Any]]:
    """Base, each numeric warm parameter at its min and max alone, then all at min and at max.

    Parameters the packages never read (demand, target values, ...) need no corner."""
    lows: dict[str, float] = {}
    highs: dict[str, float] = {}
    for s in scenarios:
        for name, value in s.values.items():
            address = parameters[name].address
            if isinstance(value, (int, float)) and address.warm and address.affects_packages:
                lows[name] = min(lows.get(name, value), float(value))
                highs[name] = max(highs.get(name, value), float(value))
    out: list[dict[str, Any]] = [{}]
    for name in lows:
        out.extend([{name: lows[name]}, {name: highs[name]}])
    if len(lows) > 1:
        out.extend([dict(lows), dict(highs)])
    unique: dict[str, dict[str, Any]] = {repr(sorted(c.items())): c for c in out}
    return list(unique.values())


def corner_packages(
    base: BaseTables, parameters: Mapping[str, Parameter], values: Mapping[str, Any]
) -> PackageSet | None:
    """The package set built at one corner (None if the corner is not a valid instance)."""
    try:
        instance = scenario_instance(base, parameters, values)
    except InputError:
        return None  # e.g. two extremes that are each valid but not together: skip the corner
    return build_packages(instance)


def union_packages(base: BaseTables, *sets: PackageSet | None) -> PackageSet:
    """Every package kept by any of ``sets``, costed for the base instance."""
    found = [s for s in sets if s is not None]
    if not found:
        raise ValueError("no corner of the sweep gave a package set")
    seen: dict[tuple[int, tuple[int, ...]], int] = {}
    earliest: dict[tuple[int, tuple[int, ...]], int] = {}
    for s in found:
        for j, techs in enumerate(s.techs):
            key = (int(s.line_pos[j]), tuple(int(k) for k in techs))
            if key not in seen:
                seen[key] = len(seen)
                earliest[key] = int(s.earliest_year[j])
    # build_packages' order: by line, then fewer technologies first
    keys = sorted(seen, key=lambda key: (key[0], len(key[1]), key[1]))
    capex = found[0].tech_capex_cny.copy()
    for s in found[1:]:
        capex = np.where(np.isfinite(capex), capex, s.tech_capex_cny)
    n = len(keys)
    stub = replace(
        found[0],
        line_pos=np.array([k[0] for k in keys], dtype=np.int64),
        techs=[k[1] for k in keys],
        earliest_year=np.array([earliest[k] for k in keys], dtype=np.int64),
        tech_capex_cny=capex,
        # placeholders of the right length: recost_packages recomputes every per-package array
        intensity_kgce_per_unit=np.zeros(n),
        at_benchmark=np.zeros(n, dtype=bool),
        worse_than_baseline=np.zeros(n, dtype=bool),
        pv_mw=np.zeros(n),
        attr_bits=np.zeros(n, dtype=np.int64),
        q_min=np.zeros(n),
        q_max=np.zeros(n),
    )
    return recost_packages(stub, load_instance(materialize(base)))
