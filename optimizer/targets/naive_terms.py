"""The big-M indicator the naive reference formulation (:mod:`optimizer.models.naive`) counts
share targets with: a line's benchmark or below-baseline status as a binary switched by its
intensity. Only the naive rows of the kinds that have them use it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyomo.environ as pyo

if TYPE_CHECKING:
    from optimizer.models.data import ModelData


def intensity_switch(
    m: pyo.ConcreteModel, d: ModelData, name: str, lines: list[int], good: object, on_when_good: bool
) -> None:
    r"""Indicator g[l,t] of a line's status, switched by its intensity with a big M.

    ``on_when_good``: g = 1 only if the line runs a package with ``good[j]`` (at benchmark),
    :math:`I_{l,t} \le \theta_l + M_l (1 - g_{l,t})`, g ≤ 1 − r. Otherwise g = 1 whenever the
    running package is not good (worse than baseline), :math:`I_{l,t} \le \theta_l + M_l g_{l,t}`.
    θ_l is the largest intensity among the line's good packages.
    """
    p = d.packages
    intensity = p.intensity_kgce_per_unit
    pkgs = {l: d.pkgs_of_line[l] for l in lines}
    theta: dict[int, float] = {}
    spread: dict[int, float] = {}
    for l in lines:
        good_i = [float(intensity[j]) for j in pkgs[l] if good[j]]  # type: ignore[index]
        bad_i = [float(intensity[j]) for j in pkgs[l] if not good[j]]  # type: ignore[index]
        top = max(good_i + bad_i, default=0.0)
        theta[l] = max(good_i) if good_i else -1.0
        if good_i and bad_i and min(bad_i) <= theta[l]:
            raise ValueError(f"line {l}: a package off the benchmark is no worse than one on it")
        spread[l] = max(top - theta[l], 0.0)
    index = [(l, t) for l in lines for t in d.model_years]
    g = pyo.Var(index, domain=pyo.Binary)
    setattr(m, f"{name}_indicator", g)
    x_of: dict[tuple[int, int], list[int]] = {}
    for l, j, t in d.x_index:
        x_of.setdefault((l, t), []).append(j)

    def line_intensity(m: pyo.ConcreteModel, l: int, t: int):
        return sum(float(intensity[j]) * m.x[l, j, t] for j in x_of.get((l, t), []))

    if on_when_good:
        for l, t in index:
            if theta[l] < 0:
                g[l, t].fix(0)
        setattr(
            m,
            f"{name}_switch",
            pyo.Constraint(
                index,
                rule=lambda m, l, t: (
                    line_intensity(m, l, t) <= theta[l] + spread[l] * (1 - g[l, t])
                    if theta[l] >= 0
                    else pyo.Constraint.Skip
                ),
            ),
        )
        setattr(m, f"{name}_running", pyo.Constraint(index, rule=lambda m, l, t: g[l, t] <= 1 - m.r[l, t]))
    else:
        setattr(
            m,
            f"{name}_switch",
            pyo.Constraint(
                index,
                rule=lambda m, l, t: line_intensity(m, l, t) <= max(theta[l], 0.0) + spread[l] * g[l, t],
            ),
        )
