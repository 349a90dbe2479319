"""What a target kind is: one record holding everything the engine knows about it.

Each kind lives in its own module under :mod:`optimizer.targets.kinds` and exports ``KIND``, a
:class:`TargetKind`; :mod:`optimizer.targets.registry` lists them. Validation, the planning
model, the evaluator's check, decomposition, prices, relaxations, portfolio goals and labels
read these records instead of naming kinds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from optimizer.data.instance import Instance
    from optimizer.evaluator.api import Evaluation
    from optimizer.targets.check_terms import RowTerms
    from optimizer.targets.model_terms import Scope
    from optimizer.targets.rows import TargetRow

RowValue = tuple[Any, str, float, float]
"""(expression, sense, rhs, slack scale) of one model row."""
Checked = tuple[float, float, "bool | None"]
"""(required, achieved, met) of one checked row."""
RowBody = Callable[[Any, Any, "TargetRow", "Scope", int], tuple[object, str, float, float]]
"""(model, model data, row, scope, model year) -> (expression, sense, rhs, slack scale)."""
ExtraRows = Callable[[Any, Any, list["TargetRow"]], None]
"""Adds constraint families of the kind beyond its shared family (model, model data, rows)."""
Check = Callable[["RowTerms", "TargetRow", int], tuple[float, float, bool | None]]
"""(evaluator terms of the row, row, model year) -> (required, achieved, met)."""
PriceFactor = Callable[["Instance", "Evaluation", tuple[str, ...], int], float]
"""d(row right-hand side) per unit of the target (per percentage point for shares and cuts)."""


@dataclass(frozen=True)
class Relaxation:
    """How a slack of the kind's rows reads: ``per`` target units per unit of slack (None: the
    absolute figure is the target's unit), the units, and the sentence (u: in unit, a: absolute)."""

    per: float | None
    unit: str
    absolute_unit: str
    sentence: str


@dataclass(frozen=True)
class TargetKind:
    """One kind of target (a row of targets.csv has a kind).

    ``family`` names the constraint family its rows join in the planning model (None: not a
    priced row of the model); ``years`` says when it holds: ``from`` its year on, ``at`` its
    year only, ``every`` model year. ``decompose`` says how a national target splits over
    provinces: ``separable`` (each province keeps the row), ``same`` (the same share or cut in
    each province), ``split:<basis>`` (the value split by capacity, emissions, roof or lines).
    ``value_rule`` is the validation of its value: ``fraction`` (0..1), ``nonnegative``,
    ``ratio`` (≥ 1) or None.
    """

    name: str
    check: Check
    label_zh: str | None = None
    label_en: str | None = None
    family: str | None = None
    row: RowBody | None = None
    extra: ExtraRows | None = None
    extra_families: tuple[str, ...] = ()
    naive: ExtraRows | None = None  # its rows in the naive reference formulation (models/naive.py)
    years: str = "from"
    per_sector: bool = False  # pooled=false expands it to one row per sector of its scope
    in_model_years: bool = True  # its year becomes a model year and must lie in the horizon
    in_model: bool = True  # hard rows are enforced by the model (in a family or elsewhere)
    scope_free: bool = False  # an empty scope is not an input error
    decompose: str = "separable"
    value_rule: str | None = None
    needs_attribute: bool = False
    at_least: bool = False  # achieved ≥ required (else ≤)
    percent: bool = False  # prices and bindings in percentage points
    price_unit: str | None = None
    price_factor: PriceFactor | None = None
    relaxation: Relaxation | None = None
    counts_projects: bool = False  # needs retrofit starts a tied to real adoptions
    sets_swap_ratio: bool = False  # v is its sectors' t retired per t built in the swap rows
    caps_operating_days: bool = False  # v caps each line's operating days from its year on
    retires_small_lines: bool = False  # lines of ≤ v t/d are retired from its year on
    unmeasured: str | None = None  # label key shown when achieved is not a number (no new build)
    chart: str | None = None  # how report figures draw it (optimizer/report/figures/target_marks.py)
    goal_unit: str = "fraction"  # unit of a company --goal of this kind
    goal_attribute: str = ""  # attribute a company --goal of this kind counts
    reference_unit: str | None = None  # a cut measured from a stated reference value in this unit

    @property
    def per_line(self) -> bool:
        """A rule on each line by itself (a day cap, a size exit), so it may cover only some
        provinces' lines; aggregates (capacity, shares, emissions) cover whole sectors."""
        return self.caps_operating_days or self.retires_small_lines

    def applies(self, year: int, t: int) -> bool:
        if self.years == "every":
            return True
        if self.years == "at":
            return t == year
        return t >= year

    def holds(self, row: TargetRow, t: int) -> bool:
        """The row of this kind holds in model year ``t``: caps, floors and shares from their
        year on; project floors ("≥ 100 projects every year", ZJ 三(二)) in every model year; a
        peak at its year; none after the row's ``until`` (the reported part of a late target)."""
        return self.applies(row.year, t) and t <= row.until
