"""Swaps: replacement lines built against retired capacity under the replacement ratio.

n[s,t] counts standard replacement lines of sector s running by t (integer, cumulative);
q^{new}[s,t] is their output.
"""

from __future__ import annotations

import pyomo.environ as pyo

from optimizer.models.data import ModelData


def define_new_lines_stay(m: pyo.ConcreteModel, d: ModelData) -> None:
    r"""Replacement lines, once built, keep running to the horizon.

    .. math:: n_{s,t^-} \le n_{s,t}
    """
    prev = dict(zip(d.model_years[1:], d.model_years[:-1], strict=True))
    pairs = [(s, t) for (s, t) in m.ST_new if t in prev and (s, prev[t]) in m.ST_new]
    m.new_lines_stay = pyo.Constraint(pairs, rule=lambda m, s, t: m.n[s, prev[t]] <= m.n[s, t])


def new_line_q_max(d: ModelData, s: str, t: int) -> float:
    """Most output of one standard replacement line of sector s in t (unit/yr), staggered-production
    cap applied."""
    nl = d.new_line[s]
    days = d.new_cap_days.get((s, t), nl["rated_days"])
    return float(min(nl["q_max"], nl["capacity"] * days / nl["rated_days"]))


def define_new_line_output(m: pyo.ConcreteModel, d: ModelData) -> None:
    r"""Replacement lines run between their fewest and most operating days.

    .. math:: \underline{q}^{std}_s n_{s,t} \le q^{new}_{s,t} \le \overline{q}^{std}_{s,t} n_{s,t}

    :math:`\overline{q}^{std}_{s,t}` applies the sector's staggered-production cap in t, as for
    existing lines.
    """

    m.new_output_upper = pyo.Constraint(
        m.ST_new, rule=lambda m, s, t: m.qn[s, t] <= new_line_q_max(d, s, t) * m.n[s, t]
    )
    m.new_output_lower = pyo.Constraint(
        m.ST_new, rule=lambda m, s, t: m.qn[s, t] >= d.new_line[s]["q_min"] * m.n[s, t]
    )


def define_replacement_ratio(m: pyo.ConcreteModel, d: ModelData) -> None:
    r"""New capacity is bounded by retired capacity divided by the replacement ratio ρ_s.

    .. math:: \rho_s\, C^{std}_s\, n_{s,t} \le \sum_{l \in s} C_l\, r_{l,t}
    """
    lines_of: dict[str, list[int]] = {}
    for l in d.lines:
        lines_of.setdefault(d.sector_of[l], []).append(l)
    m.replacement_ratio = pyo.Constraint(
        m.ST_new,
        rule=lambda m, s, t: (
            d.swap_ratio[s] * d.new_line[s]["capacity"] * m.n[s, t]
            <= sum(d.capacity[l] * m.r[l, t] for l in lines_of.get(s, []))
        ),
    )
