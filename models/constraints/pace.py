"""A realistic pace and scarce inputs: closures and retrofit campaigns per year, a yearly capex
budget, and resource supplies (issue 14).

Notation as in :mod:`optimizer.models.constraints.core`; |t| is the number of calendar years
model year t stands for (1 when every calendar year is a model year), so a per-year limit
holds on average over a longer period. Limits come from the instance's ``pace.csv`` (per
sector), ``supplies.csv`` (per province, resource and year) and the scenario's
``capex_budget_cny_per_year``, and roll-out ceilings of emerging technologies from
``deployment.csv``; an absent table or a default value adds no row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pyomo.environ as pyo

from optimizer.data.consistency import limit_province_of
from optimizer.data.deployment import deployment_ceilings
from optimizer.models.constraints.core import holding
from optimizer.models.data import ModelData


def _prev(d: ModelData) -> dict[int, int]:
    return dict(zip(d.model_years[1:], d.model_years[:-1], strict=True))


def pace_groups(d: ModelData) -> dict[str, tuple[str, list[int]]]:
    """The lines each pace row holds: label -> (sector, lines). A pace limit holds per sector
    and province (a province closes a tenth of its capacity a year, its engineering capacity
    retrofits its own lines), so in an instance of several provinces the label is
    ``sector@province``; in one province's it is the sector."""
    provinces = limit_province_of(d.instance)
    out: dict[str, tuple[str, list[int]]] = {}
    for l in d.lines:
        s = d.sector_of[l]
        out.setdefault(f"{s}@{provinces[l]}" if provinces[l] else s, (s, []))[1].append(l)
    return out


def define_closure_pace(m: pyo.ConcreteModel, d: ModelData) -> None:
    r"""Capacity closed per sector (and province: :func:`pace_groups`) and year stays within a
    share of the base-year capacity.

    .. math:: \sum_{l \in s} C_l\,(r_{l,t} - r_{l,t^-})
              \le |t| \max\big(\gamma_s \sum_{l \in s} C_l,\; \max_{l \in s} C_l\big)

    :math:`r_{l,t^-} = 0` before the first model year (every line runs in the base year);
    closures count retirements and swap-outs alike. :math:`\gamma_s` is
    ``pace.closure_share_max_per_year``; one line a year may always close, so a sector of a few
    large lines (float glass) is not frozen. Rows hold from ``pace.from_year`` on.
    """
    pace = d.instance.pace
    if pace.empty:
        return
    prev = _prev(d)
    index = []
    rows = {}
    for label, (s, members) in pace_groups(d).items():
        if s not in pace.index or float(pace.at[s, "closure_share_max_per_year"]) >= 1.0:
            continue
        share = float(pace.at[s, "closure_share_max_per_year"])
        base = float(sum(d.capacity[l] for l in members))
        per_year = max(share * base, max(float(d.capacity[l]) for l in members))
        start = int(pace.at[s, "from_year"])
        for t in d.model_years:
            if t < start:
                continue
            rows[(label, t)] = (members, per_year * len(d.years_of(t)))
            index.append((label, t))
    if not index:
        return

    def rule(m: pyo.ConcreteModel, s: str, t: int):
        members, limit = rows[(s, t)]
        closed = sum(d.capacity[l] * (m.r[l, t] - (m.r[l, prev[t]] if t in prev else 0)) for l in members)
        return closed <= limit

    m.closure_pace = pyo.Constraint(index, rule=rule)


@dataclass(frozen=True)
class CampaignLimit:
    """Lines of a sector that may start a retrofit: in model year t alone (``in_year``, whole
    lines) and from ``pace.from_year`` through t (``to_date``, the yearly average × years)."""

    in_year: float
    to_date: float


def retrofit_campaign_limits(d: ModelData) -> dict[tuple[str, int], CampaignLimit]:
    """(pace group, model year) -> its :class:`CampaignLimit`, the right-hand sides of
    :func:`define_retrofit_pace` (no entry for a group without a limit; groups:
    :func:`pace_groups`)."""
    pace = d.instance.pace
    if pace.empty:
        return {}
    with_techs = {l for l, _ in d.tech_index}
    limits = {}
    for label, (s, members) in pace_groups(d).items():
        if s not in pace.index:
            continue
        share = float(pace.at[s, "retrofit_line_share_max_per_year"])
        if share >= 1.0 or not with_techs.intersection(members):
            continue
        per_year = campaigns_per_year(share, len(members))
        start = int(pace.at[s, "from_year"])
        years_so_far = 0
        for t in d.model_years:
            if t < start:
                continue
            n = len(d.years_of(t))
            years_so_far += n
            limits[(label, t)] = CampaignLimit(float(math.ceil(per_year * n - 1e-9)), per_year * years_so_far)
    return limits


def campaigns_per_year(share: float, n_lines: int) -> float:
    """The yearly average of lines that may start a retrofit: share × lines, at least one."""
    return max(share * n_lines, 1.0)


def define_retrofit_pace(m: pyo.ConcreteModel, d: ModelData) -> None:
    r"""Lines starting a retrofit campaign per sector (and province: :func:`pace_groups`) and year
    stay within the engineering capacity.

    A campaign is one line's retrofit in its overhaul window, however many technologies it
    installs (resources.md s4: a cooler goes in within 25-45 days of a winter stop, one group
    upgraded 11 lines in a year). Counting campaigns, not technologies, lets a line take any
    kept package in one year, as real lines do; a count per technology forbade every package of
    more technologies than the sector's yearly project budget.

    .. math:: c_{l,t} \ge a_{l,k,t} \;\forall k, \qquad
              \sum_{l \in s} c_{l,t} \le \lceil |t|\, \bar\mu_s \rceil, \qquad
              \sum_{\tau \le t} \sum_{l \in s} c_{l,\tau} \le \bar\mu_s \sum_{\tau \le t} |\tau|

    with :math:`\bar\mu_s = \max(\mu_s N_s, 1)` lines a year on average, :math:`\mu_s`
    ``pace.retrofit_line_share_max_per_year``, :math:`N_s` the sector's base-year lines, sums
    over model years from ``pace.from_year``. Eight lines at a fifth a year may retrofit 2, 1,
    2, 1 … (never more than 2 in a year, 1.6 a year on average): a yearly cap of 1.6 alone
    would allow only one whole line a year. :math:`c_{l,t} \in [0, 1]` is continuous: at
    integer x, a is 0 or at least 1 where a technology starts, so c is the campaign
    indicator. The evaluator's check is :func:`optimizer.evaluator.pace.pace_table`.
    """
    limits = retrofit_campaign_limits(d)
    if not limits:
        return
    techs_of: dict[int, list[int]] = {}
    for l, k in d.tech_index:
        techs_of.setdefault(l, []).append(k)
    lines_of = {
        label: [l for l in members if l in techs_of] for label, (_, members) in pace_groups(d).items()
    }
    campaign_index = [(l, t) for (s, t) in sorted(limits) for l in lines_of[s]]
    m.campaign_index = pyo.Set(initialize=campaign_index, dimen=2, ordered=True)
    m.c = pyo.Var(m.campaign_index, domain=pyo.NonNegativeReals, bounds=(0, 1))
    m.campaign_if_adopted = pyo.Constraint(
        [(l, k, t) for (l, t) in campaign_index for k in techs_of[l]],
        rule=lambda m, l, k, t: m.c[l, t] >= m.a[l, k, t],
    )
    in_year = [key for key, limit in sorted(limits.items()) if limit.in_year < len(lines_of[key[0]])]
    m.retrofit_pace = pyo.Constraint(
        in_year, rule=lambda m, s, t: sum(m.c[l, t] for l in lines_of[s]) <= limits[(s, t)].in_year
    )
    m.retrofit_pace_to_date = pyo.Constraint(
        sorted(limits),
        rule=lambda m, s, t: (
            sum(m.c[l, tau] for (ss, tau) in limits if ss == s and tau <= t for l in lines_of[s])
            <= limits[(s, t)].to_date
        ),
    )


def define_capex_budget_per_year(m: pyo.ConcreteModel, d: ModelData) -> None:
    r"""Capex spent in a year stays within the scenario's yearly budget (off when 0), CNY.

    .. math:: \sum_{l,k} \kappa_{l,k}\, a_{l,k,t} + \sum_s \kappa^{std}_s (n_{s,t} - n_{s,t^-})
              \le B\, |t|

    Nominal CNY (what a budget approves); closure costs are not capex.
    """
    budget = d.instance.scenario.capex_budget_cny_per_year
    if budget <= 0:
        return
    prev = _prev(d)

    def rule(m: pyo.ConcreteModel, t: int):
        expr = sum(float(d.packages.tech_capex_cny[l, k]) * m.a[l, k, t] for (l, k) in d.tech_index)
        for s in d.new_sectors:
            if (s, t) in m.ST_new:
                built = m.n[s, t] - (m.n[s, prev[t]] if t in prev and (s, prev[t]) in m.ST_new else 0)
                expr += d.new_line[s]["capex"] * built
        return expr <= budget * len(d.years_of(t))

    m.capex_budget_per_year = pyo.Constraint(list(d.model_years), rule=rule)


def define_resource_supply(m: pyo.ConcreteModel, d: ModelData) -> None:
    r"""Scarce inputs used by the lines of a province stay within its supply in every year.

    .. math:: \sum_{l \in P,\,j} u_{j,\rho}\, q_{l,j,t} \le \min_{y \in t} S_{\rho,P,y}

    :math:`u` from :func:`optimizer.models.data.package_resource_use`, the evaluator's figures
    (alternative fuel tce per unit, carbide slag and other calcium wastes t per t clinker: the
    share of CaO substituted × carbonate CO2 / the material's deduction); province ``*`` covers every
    line; a year without a supply row has no limit. Replacement lines are built for the
    standard figures and use none of these inputs.
    """
    if not d.supplies or not d.resource_use:
        return
    province = list(d.instance.lines["province"])
    keys: dict[tuple[str, str, int], list[tuple[int, int, int]]] = {}
    limits = {}
    by_year: dict[int, list[tuple[int, int, int]]] = {}
    for key in d.x_index:
        by_year.setdefault(key[2], []).append(key)
    for t in d.model_years:
        for pool, where in sorted({(p, prov) for (p, prov, _) in d.supplies}):
            values = [d.supplies[(pool, where, y)] for y in d.years_of(t) if (pool, where, y) in d.supplies]
            if not values:
                continue
            use = d.resource_use[pool]
            members = [
                key
                for key in by_year.get(t, [])
                if use[key[1]] > 0 and (where == "*" or province[key[0]] == where)
            ]
            if not members:
                continue
            limits[(pool, where, t)] = min(values)
            keys[(pool, where, t)] = members
    index = sorted(limits)
    if not index:
        return
    m.resource_supply = pyo.Constraint(
        index,
        rule=lambda m, pool, where, t: (
            sum(float(d.resource_use[pool][j]) * m.q[l, j, tt] for (l, j, tt) in keys[(pool, where, t)])
            <= limits[(pool, where, t)]
        ),
    )


def define_deployment_ceiling(m: pyo.ConcreteModel, d: ModelData) -> None:
    r"""Lines of a sector carrying an emerging technology stay within its roll-out ceiling.

    .. math:: \sum_{l \in s} h_{l,k,t} \le \min_{y \in t} L_{k,s}(y)

    :math:`L_{k,s}` from :mod:`optimizer.data.deployment` (a pilot line, then a diffusion
    ramp from the technology's first year, capped at a share of the sector's base-year lines),
    per sector and province in an instance of several provinces (index ``sector@province``).
    h counts only what the plan adds: a pre-installed technology is in no kept package's
    technology list. A row is added only where the ceiling is below the lines that could
    carry k in t (none before the technology's first year).
    """
    allowed = set(d.x_index)
    rows: dict[tuple[str, str, int], tuple[list[int], int, float]] = {}
    for c in deployment_ceilings(d.instance):
        k = c.tech_index
        for t in d.model_years:
            candidates = [
                l for l in c.lines if any((l, j, t) in allowed for j in d.pkgs_with_tech.get((l, k), []))
            ]
            limit = c.limit_in(d.years_of(t))
            if limit < len(candidates):
                rows[(c.tech_id, c.label, t)] = (candidates, k, float(limit))
    if not rows:
        return
    m.deployment_ceiling = pyo.Constraint(
        sorted(rows),
        rule=lambda m, tech, s, t: (
            sum(holding(m, d, l, rows[(tech, s, t)][1], t) for l in rows[(tech, s, t)][0])
            <= rows[(tech, s, t)][2]
        ),
    )
