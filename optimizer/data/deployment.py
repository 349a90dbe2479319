r"""Roll-out ceilings of technologies not yet proven at scale (``deployment.csv``, issue 14).

An emerging technology (electric ceramic kilns, carbon capture) runs on a few pilot lines
today; a plan that puts it on most of a province's lines within four years is dismissed on
sight. Each row of ``deployment.csv`` caps the lines of a sector that carry the technology in
each calendar year y from its ``earliest_year`` :math:`y_0` on:

.. math:: L_{k,s}(y) = \max\Big(p_k,\; \big\lfloor \min\big(\rho_k\,(y - y_0 + 1),\; \bar\sigma_k\big)
          \, N_s \big\rfloor\Big)

with :math:`\rho_k` ``line_share_max_per_year`` (the diffusion ramp), :math:`\bar\sigma_k`
``line_share_max``, :math:`p_k` ``pilot_lines`` and :math:`N_s` the sector's base-year lines.
Lines that already carry the technology (pre-installed, in their ``attributes``) are in their
measured figures and do not count: the ceiling is on what the plan adds. The model's rows
(:func:`optimizer.models.constraints.pace.define_deployment_ceiling`) and the evaluator's
check (:func:`optimizer.evaluator.pace.pace_table`) both read :func:`deployment_ceilings`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from optimizer.data.consistency import limit_province_of, split_list, table_label
from optimizer.errors import InputProblem

if TYPE_CHECKING:
    from optimizer.data.instance import Instance


@dataclass(frozen=True)
class DeploymentCeiling:
    """The lines of one sector that may carry one technology, per calendar year."""

    tech_id: str
    tech_index: int  # position in instance.technologies
    sector: str
    lines: tuple[int, ...]  # positions in instance.lines of the sector's lines
    max_lines_by_year: dict[int, int]  # calendar year -> most lines carrying it (added by the plan)
    source: str
    flag: str
    province: str = ""  # in an instance of several provinces, the province held (else "")

    @property
    def label(self) -> str:
        """The sector, or ``sector@province`` when the ceiling holds per province."""
        return f"{self.sector}@{self.province}" if self.province else self.sector

    def limit_in(self, years: tuple[int, ...]) -> int:
        """The ceiling over calendar years (a model year standing for several holds the least)."""
        return min(self.max_lines_by_year.get(y, len(self.lines)) for y in years)


def max_lines(
    *, n_lines: int, earliest_year: int, year: int, share_per_year: float, share_max: float, pilot_lines: int
) -> int:
    """:math:`L_{k,s}(y)` of the module docstring (0 before the technology is available)."""
    if year < earliest_year:
        return 0
    share = min(share_per_year * (year - earliest_year + 1), share_max)
    return min(n_lines, max(pilot_lines, math.floor(share * n_lines + 1e-9)))


def deployment_ceilings(instance: Instance) -> list[DeploymentCeiling]:
    """Every (technology, sector) ceiling of the instance that can bind in the horizon; in an
    instance of several provinces one per (technology, sector, province), as the ceilings are
    stated ("one line per province, then 3 %/yr") and as pace holds: the country's fleet would
    otherwise get one pilot line, the decomposed national plan one per province."""
    table = instance.deployment
    if table.empty:
        return []
    techs = instance.technologies
    position = {str(t): i for i, t in enumerate(techs.index)}
    sector_of = [
        f"{s}@{p}" if p else str(s)
        for s, p in zip(instance.lines["sector"], limit_province_of(instance), strict=True)
    ]
    groups = sorted(set(sector_of))
    sc = instance.scenario
    out = []
    for _, row in table.iterrows():
        tech = str(row["tech_id"])
        if tech not in position:  # a catalogue row for a technology this instance does not have
            continue
        tech_sectors = split_list(techs.loc[tech, "sectors"])
        sectors = tech_sectors if str(row["sector"]) == "*" else [str(row["sector"])]
        earliest = int(techs.at[tech, "earliest_year"])  # type: ignore[arg-type]
        for group in groups:
            s, _, province = group.partition("@")
            if s not in sectors:
                continue
            members = tuple(i for i, x in enumerate(sector_of) if x == group)
            limits = {
                y: max_lines(
                    n_lines=len(members),
                    earliest_year=earliest,
                    year=y,
                    share_per_year=float(row["line_share_max_per_year"]),
                    share_max=float(row["line_share_max"]),
                    pilot_lines=int(row["pilot_lines"]),
                )
                for y in range(sc.base_year + 1, sc.horizon_end + 1)
            }
            if all(v >= len(members) for v in limits.values()):
                continue
            out.append(
                DeploymentCeiling(
                    tech, position[tech], s, members, limits, str(row["source"]), str(row["flag"]), province
                )
            )
    return out


def check_deployment(inst: Instance) -> list[InputProblem]:
    """Rows name a known technology and one of its sectors, once each.

    The shipped catalogue's rows cover catalogue technologies: with a planner's own
    technologies table, those it does not have are left out, not refused.
    """
    out = []
    f = table_label(inst, "deployment")
    from_catalogue = f.startswith("catalogue/")
    seen: dict[tuple[str, str], int] = {}
    for _, row in inst.deployment.iterrows():
        r, tech, sector = row["_row"], str(row["tech_id"]), str(row["sector"])
        if tech not in inst.technologies.index:
            if from_catalogue:
                continue
            out.append(InputProblem(f, r, "tech_id", tech, "is not a tech_id in technologies.csv"))
            continue
        allowed = split_list(inst.technologies.loc[tech, "sectors"])
        if sector != "*" and sector not in allowed:
            out.append(
                InputProblem(
                    f,
                    r,
                    "sector",
                    sector,
                    f"is not a sector of {tech} (expected * or one of: {', '.join(allowed)})",
                )
            )
        if (tech, sector) in seen:
            out.append(
                InputProblem(
                    f, r, "sector", sector, f"duplicates row {seen[(tech, sector)]} (tech_id, sector)"
                )
            )
        seen.setdefault((tech, sector), r)
    return out
