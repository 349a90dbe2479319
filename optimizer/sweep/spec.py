"""Sweep specifications: a YAML file (any design) or a CSV file (an explicit scenario list).

YAML::

    name: zhejiang-carbon-coal          # optional, default: the file name
    province: zhejiang                  # or a list; and/or instance: path (relative to this file)
    report_year: 2030                   # year of the emissions KPI in the summaries (optional)
    verify_cold: 2                      # re-solve this many warm scenarios from scratch (optional)
    parameters:
      carbon: {address: "prices.carbon_cny_per_tco2[year>=2026]", change: substitute}
      coal:   {address: prices.coal_cny_per_tce, change: relative}
    design:
      type: grid                        # grid | oat | list | monte_carlo | morris | sobol
      values: {carbon: [50, 100, 200], coal: [0.8, 1.0, 1.2]}

Design settings: ``grid`` and ``oat`` take ``values`` (a list per parameter; OAT adds the
unchanged base scenario); ``list`` takes ``scenarios`` (a list of {parameter: value}, missing
parameters unchanged); ``monte_carlo`` takes ``samples``, ``seed`` and ``distributions``
({parameter: {dist: uniform, low, high} | {dist: normal, mean, sd[, low, high]} |
{dist: triangular, low, mode, high} | {dist: lognormal, mu, sigma}}, lognormal's mu and sigma
being those of the underlying normal); ``morris`` takes ``trajectories``, ``levels`` (default 4),
``seed`` and ``bounds`` ({parameter: [low, high]}); ``sobol`` takes ``samples`` (a power of 2),
``seed``, ``second_order`` (default false) and ``bounds``.

CSV: one scenario per row. Columns ``province`` and/or ``instance`` name the row's base,
``scenario_id`` is optional, every other header is ``[name=][change:]address`` (change defaults to
substitute), e.g. ``coal=relative:prices.coal_cny_per_tce``; an empty cell leaves it unchanged.

Every problem is reported with the file, the YAML line and key (or the CSV row and column) and
what is expected, all at once, before anything runs.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from optimizer.errors import InputError, InputProblem
from optimizer.sweep.params import Address

DESIGNS = ("grid", "oat", "list", "monte_carlo", "morris", "sobol")
DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "uniform": ("low", "high"),
    "normal": ("mean", "sd"),
    "triangular": ("low", "mode", "high"),
    "lognormal": ("mu", "sigma"),
}
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
MAX_SCENARIOS = 100_000


@dataclass(frozen=True)
class Where:
    """Where a spec item was written, for error messages: YAML line and key, or CSV row and column."""

    file: str
    line: int | None = None
    key: str | None = None
    row: int | None = None

    def problem(self, value: object, expected: str) -> InputProblem:
        label = self.file if self.line is None else f"{self.file} line {self.line}"
        return InputProblem(label, self.row, self.key, value, expected)


@dataclass(frozen=True)
class BaseRef:
    """A base instance: ``province: NAME`` or ``instance: PATH``."""

    name: str
    folder: Path
    where: Where


@dataclass(frozen=True)
class Parameter:
    name: str
    address: Address
    change: str
    where: Where


@dataclass(frozen=True)
class Distribution:
    dist: str
    args: dict[str, float]
    where: Where


@dataclass
class Design:
    kind: str
    where: Where
    values: dict[str, list[Any]] = field(default_factory=dict)  # grid, oat
    rows: list[dict[str, Any]] = field(default_factory=list)  # list
    row_bases: list[str | None] = field(default_factory=list)  # list (CSV): base of each row
    row_ids: list[str | None] = field(default_factory=list)  # list (CSV): given scenario ids
    row_where: list[Where] = field(default_factory=list)
    samples: int = 0  # monte_carlo, sobol
    seed: int = 0
    distributions: dict[str, Distribution] = field(default_factory=dict)
    bounds: dict[str, tuple[float, float]] = field(default_factory=dict)  # morris, sobol
    trajectories: int = 0
    levels: int = 4
    second_order: bool = False
    entry_where: dict[str, Where] = field(default_factory=dict)  # where each parameter's entry is


@dataclass
class SweepSpec:
    path: Path
    name: str
    bases: list[BaseRef]
    parameters: dict[str, Parameter]
    design: Design
    report_year: int | None
    verify_cold: int
    digest: str  # of the file's content: resuming needs the same spec

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "name": self.name,
            "bases": [{"name": b.name, "folder": str(b.folder)} for b in self.bases],
            "parameters": {
                n: {"address": str(p.address), "change": p.change} for n, p in self.parameters.items()
            },
            "design": self.design.kind,
            "report_year": self.report_year,
            "verify_cold": self.verify_cold,
            "digest": self.digest,
        }


def resolve_base(
    path: Path, kind: str, value: str, where: Where, problems: list[InputProblem]
) -> BaseRef | None:
    from optimizer.data.load import instance_dir, shipped_instances

    if kind == "province":
        try:
            folder = instance_dir(value)
        except InputError:
            problems.append(
                where.problem(
                    value, f"is not a shipped instance (expected one of: {', '.join(shipped_instances())})"
                )
            )
            return None
        return BaseRef(value.strip().lower(), folder, where)
    folder = Path(value).expanduser()
    candidates = [folder] if folder.is_absolute() else [path.parent / folder, Path.cwd() / folder]
    for candidate in candidates:
        if candidate.is_dir():
            return BaseRef(candidate.resolve().name, candidate.resolve(), where)
    problems.append(
        where.problem(
            value, "is not an instance folder (looked in: " + ", ".join(str(c) for c in candidates) + ")"
        )
    )
    return None


def check_unique_bases(bases: list[BaseRef], problems: list[InputProblem]) -> None:
    seen: dict[str, BaseRef] = {}
    for base in bases:
        if base.name in seen and seen[base.name].folder != base.folder:
            problems.append(
                base.where.problem(
                    base.name,
                    f"has the same folder name as {seen[base.name].folder}: scenario ids would clash",
                )
            )
        seen.setdefault(base.name, base)


def as_number(value: Any) -> float | None:
    """A finite number from YAML (PyYAML reads ``1e-3`` as text: accept numeric text too)."""
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def as_int(value: Any) -> int | None:
    number = as_number(value)
    return int(number) if number is not None and number == int(number) else None


def spec_json(spec: SweepSpec) -> str:
    return json.dumps(spec.to_json(), indent=2, ensure_ascii=False)
