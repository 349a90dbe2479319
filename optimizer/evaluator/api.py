"""Evaluate plans: the entry points the rest of the tool calls, and tidy result tables.

``evaluate(instance, plan)`` is the single source of truth for what a plan does (formulas in
:mod:`optimizer.evaluator.kernels`). ``evaluate_batch`` runs many plans on the same lines in one
parallel kernel call, for sweeps, heuristics and Monte Carlo.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimizer.data.instance import Instance
from optimizer.evaluator.arrays import EvalArrays, PlanArrays, new_line_signature, with_plan
from optimizer.evaluator.flatten import build_arrays, plan_arrays
from optimizer.evaluator.kernels import (
    MEASURE_INDEX,
    MEASURES,
    N_MEASURES,
    run_batch_kernel,
    run_batch_totals_kernel,
    run_kernel,
)
from optimizer.evaluator.plan import Plan
from optimizer.evaluator.reference import evaluate_reference_arrays

LABEL_COLUMNS = ("line_id", "company", "city", "province", "sector", "product", "year", "is_new")

_INTENSITY_COLUMNS = (
    "fuel_kgce_per_unit",
    "electricity_kwh_per_unit",
    "intensity_kgce_per_unit",
    "raw_cao_substitution_frac",
)
"""Per-unit measures and shares: undefined (NaN in tables) while a line does not run."""

_FLAG_COLUMNS = ("running", "at_benchmark", "worse_than_baseline")

_OM_PARTS = ("tech_om_cny", "fixed_om_cny", "variable_om_cny")

SUMMED_MEASURES = tuple(
    m
    for m in MEASURES
    if m not in {*_INTENSITY_COLUMNS, "running", "at_benchmark", "worse_than_baseline", "attr_bits"}
)
"""Measures that add up over lines (flows, capacity, money)."""

_COST_ROWS = (
    ("capex", ("capex_cny",), 1.0),
    ("om", _OM_PARTS, 1.0),
    ("fuel", ("fuel_cost_cny",), 1.0),
    ("electricity", ("electricity_cost_cny",), 1.0),
    ("carbon", ("carbon_cost_cny",), 1.0),
    ("salvage", ("salvage_cny",), -1.0),
)


def closure_costs(instance: Instance, retire_year: np.ndarray, years: Sequence[int]) -> np.ndarray:
    """(L, Y) one-off closure cost of each line in the year it closes, CNY (nominal).

    χ_l = pace.csv ``closure_cost_cny_per_unit_capacity`` of the line's sector × its capacity,
    booked in ``retire_year[l]`` when that lies after the base year and within the horizon (a
    line retired in the base year never ran in the plan). The planning model charges the same
    χ_l in the same year (:mod:`optimizer.models.objective`).
    """
    from optimizer.models.data import closure_cost_per_line

    per_line = closure_cost_per_line(instance)
    out = np.zeros((len(per_line), len(years)))
    col = {int(y): i for i, y in enumerate(years)}
    base = instance.scenario.base_year
    for l, y in enumerate(retire_year[: len(per_line)]):
        if per_line[l] > 0 and int(y) in col and int(y) > base:
            out[l, col[int(y)]] = per_line[l]
    return out


@dataclass(frozen=True)
class Evaluation:
    """What a plan does: ``values[m, l, y]`` for the measures ``MEASURES[m]`` plus labels."""

    arrays: EvalArrays
    values: np.ndarray  # (M, N, Y) float64
    closure_cny: np.ndarray | None = None  # (L, Y) closure costs (pace.csv), nominal CNY

    def closure_npv_cny(self) -> float:
        """Discounted closure costs, base-year CNY (0 without pace.csv closure costs)."""
        if self.closure_cny is None:
            return 0.0
        return float((self.closure_cny.sum(axis=0) * self.arrays.years_p.discount_factor).sum())

    def measure(self, name: str) -> np.ndarray:
        """One measure as an (N, Y) array (a view)."""
        return self.values[MEASURE_INDEX[name]]

    @property
    def years(self) -> list[int]:
        return [int(y) for y in self.arrays.years]

    @property
    def npv_cny(self) -> float:
        """Net present value of all costs over the horizon, base-year CNY (the kernels' costs
        plus closure costs)."""
        return float(self.measure("npv_cny").sum()) + self.closure_npv_cny()

    def total_co2_t(self) -> pd.Series:
        """Direct + indirect CO2 of all lines per year (tCO2)."""
        return pd.Series(self.measure("total_co2_t").sum(axis=0), index=self.years, name="total_co2_t")

    def line_year(self) -> pd.DataFrame:
        """One row per line and year: labels, every measure (units in the names), O&M total
        ``om_cny`` and one boolean ``attr_<name>`` column per attribute.

        Per-unit intensities are NaN in years a line does not run.
        """
        a = self.arrays
        n_lines, n_years = a.n_lines, a.n_years
        rows = np.repeat(np.arange(n_lines), n_years)
        running = self.measure("running").reshape(-1) > 0.5
        data: dict[str, object] = {
            "line_id": np.asarray(a.line_ids, dtype=object)[rows],
            "company": np.asarray(a.companies, dtype=object)[rows],
            "city": np.asarray(a.cities, dtype=object)[rows],
            "province": np.asarray(a.provinces, dtype=object)[rows],
            "sector": np.asarray(a.sector_names, dtype=object)[a.sector_index][rows],
            "product": np.asarray(a.products, dtype=object)[rows],
            "year": np.tile(a.years, n_lines),
            "is_new": a.is_new[rows],
        }
        for m in MEASURES:
            flat = self.measure(m).reshape(-1)
            if m in _FLAG_COLUMNS:
                data[m] = flat > 0.5
            elif m in _INTENSITY_COLUMNS:
                data[m] = np.where(running, flat, np.nan)
            elif m == "attr_bits":
                bits = flat.astype(np.int64)
                for i, name in enumerate(a.attribute_names):
                    data[f"attr_{name}"] = (bits >> i) & 1 == 1
            else:
                data[m] = flat
            if m == "variable_om_cny":
                data["om_cny"] = sum(self.measure(p).reshape(-1) for p in _OM_PARTS)
        return pd.DataFrame(data)

    def _grouped(self, labels: Sequence[str], key: str, per_sector: bool) -> pd.DataFrame:
        """Sums per group and year plus capacity-weighted intensity and shares."""
        a = self.arrays
        line_sector = np.asarray(a.sector_names, dtype=object)[a.sector_index]
        keys = list(zip(labels, line_sector, strict=True)) if per_sector else list(labels)
        codes, uniques = pd.factorize(pd.Series(keys, dtype=object))
        n_groups = len(uniques)
        member = np.zeros((n_groups, a.n_lines))
        member[codes, np.arange(a.n_lines)] = 1.0
        # (G, N) @ (M, N, Y) -> (M, G, Y): every summed measure in one product
        sums = np.matmul(member, self.values)
        cap = self.measure("capacity_per_year")
        weighted = {
            "intensity_kgce_per_unit": member @ (cap * self.measure("intensity_kgce_per_unit")),
            "capacity_at_benchmark": member @ (cap * self.measure("at_benchmark")),
            "capacity_worse_than_baseline": member @ (cap * self.measure("worse_than_baseline")),
        }
        bits = self.measure("attr_bits").astype(np.int64)
        for i, name in enumerate(a.attribute_names):
            weighted[f"capacity_attr_{name}"] = member @ (cap * ((bits >> i) & 1))
        cap_sum = sums[MEASURE_INDEX["capacity_per_year"]]
        # raw-material substitution: share of the CaO (per unit of output) from decarbonated
        # materials, weighted by output (Σ q·sigma / Σ q) over lines whose product has a
        # carbonate process factor (clinker); NaN where no such line produces
        output = self.measure("output_units")
        has_carbonate = (a.lines.carbonate_co2_t_per_unit > 0)[:, None]
        raw_out = member @ (output * has_carbonate)
        raw_num = member @ (output * has_carbonate * self.measure("raw_cao_substitution_frac"))
        raw_share = np.full_like(raw_num, np.nan)
        np.divide(raw_num, raw_out, out=raw_share, where=raw_out > 0)

        def share(numerator: np.ndarray) -> np.ndarray:
            out = np.full_like(numerator, np.nan)
            np.divide(numerator, cap_sum, out=out, where=cap_sum > 0)
            return out

        data: dict[str, object] = {}
        if per_sector:
            data[key] = np.repeat([u[0] for u in uniques], a.n_years)
            data["sector"] = np.repeat([u[1] for u in uniques], a.n_years)
        else:
            data[key] = np.repeat(np.asarray(uniques, dtype=object), a.n_years)
        data["year"] = np.tile(a.years, n_groups)
        data["running_lines"] = sums[MEASURE_INDEX["running"]].reshape(-1)
        for m in SUMMED_MEASURES:
            data[m] = sums[MEASURE_INDEX[m]].reshape(-1)
            if m == "variable_om_cny":
                data["om_cny"] = sum(sums[MEASURE_INDEX[p]] for p in _OM_PARTS).reshape(-1)
        intensity = share(weighted.pop("intensity_kgce_per_unit"))
        data["intensity_kgce_per_unit"] = intensity.reshape(-1)
        if key == "sector":
            with np.errstate(divide="ignore", invalid="ignore"):
                change = intensity / intensity[:, :1] - 1.0
            data["intensity_change_vs_base_frac"] = change.reshape(-1)
        data["share_at_benchmark"] = share(weighted["capacity_at_benchmark"]).reshape(-1)
        data["raw_cao_substitution_frac"] = raw_share.reshape(-1)
        data["capacity_worse_than_baseline"] = weighted["capacity_worse_than_baseline"].reshape(-1)
        data["share_worse_than_baseline"] = share(weighted.pop("capacity_worse_than_baseline")).reshape(-1)
        weighted.pop("capacity_at_benchmark")
        for name, numerator in weighted.items():
            data[name.replace("capacity_attr_", "share_attr_")] = share(numerator).reshape(-1)
        return pd.DataFrame(data)

    def by_sector(self) -> pd.DataFrame:
        """Per sector and year: summed flows and costs, running capacity, capacity-weighted
        intensity (Σ cap·I / Σ cap over running lines), its change against the base year,
        shares of capacity at benchmark / worse than baseline / holding each attribute, the
        output-weighted share of CaO from decarbonated raw materials
        (``raw_cao_substitution_frac``) and the t of carbide slag and of all raw substitutes."""
        a = self.arrays
        names = np.asarray(a.sector_names, dtype=object)[a.sector_index]
        return self._grouped(list(names), "sector", per_sector=False)

    def by_province(self, per_sector: bool = False) -> pd.DataFrame:
        """As :meth:`by_sector` per province. Capacity, output and intensities add up units
        of different sectors unless ``per_sector`` splits the rows by sector too."""
        return self._grouped(self.arrays.provinces, "province", per_sector)

    def by_company(self, per_sector: bool = False) -> pd.DataFrame:
        """As :meth:`by_province`, per owning company."""
        return self._grouped(self.arrays.companies, "company", per_sector)

    def cost_breakdown(self) -> pd.DataFrame:
        """Horizon totals per cost component, nominal and discounted (base-year CNY).

        Salvage is a credit and shown negative, so the ``total`` row's discounted value is
        the NPV.
        """
        df = self.arrays.years_p.discount_factor
        rows = []
        for name, parts, sign in _COST_ROWS:
            per_year = sign * sum(self.measure(p).sum(axis=0) for p in parts)
            rows.append((name, float(per_year.sum()), float((per_year * df).sum())))
        closure = self.closure_cny.sum(axis=0) if self.closure_cny is not None else np.zeros(len(df))
        rows.append(("closure", float(closure.sum()), float((closure * df).sum())))
        frame = pd.DataFrame(rows, columns=["component", "nominal_cny", "discounted_cny"])
        total = pd.DataFrame(
            [("total", frame["nominal_cny"].sum(), frame["discounted_cny"].sum())], columns=frame.columns
        )
        return pd.concat([frame, total], ignore_index=True).set_index("component")


def evaluate_arrays(arrs: EvalArrays, use_numba: bool = True) -> Evaluation:
    """Evaluate already-built arrays (numba kernel, or the plain-Python reference)."""
    values = run_kernel(arrs) if use_numba else evaluate_reference_arrays(arrs)
    return Evaluation(arrays=arrs, values=values)


def evaluate(instance: Instance, plan: Plan, use_numba: bool = True) -> Evaluation:
    """Everything ``plan`` does on ``instance``, line by line and year by year (closure costs
    of pace.csv included)."""
    ev = evaluate_arrays(build_arrays(instance, plan), use_numba=use_numba)
    closure = closure_costs(instance, plan.retire_year, ev.years)
    return Evaluation(arrays=ev.arrays, values=ev.values, closure_cny=closure)


def evaluate_reference(instance: Instance, plan: Plan) -> Evaluation:
    """Same as :func:`evaluate` with the slow plain-Python reference implementation."""
    return evaluate(instance, plan, use_numba=False)


def _stack(arrs: EvalArrays, plans: Sequence[Plan]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    decided = [plan_arrays(arrs, p) for p in plans]
    return (
        np.stack([d.retire_year for d in decided]),
        np.stack([d.adopt_year for d in decided]),
        np.stack([d.operating_days for d in decided]),
    )


def _shares_lines(plans: Sequence[Plan]) -> bool:
    first = new_line_signature(plans[0])
    return all(new_line_signature(p) == first for p in plans[1:])


def evaluate_batch(instance: Instance, plans: Sequence[Plan], use_numba: bool = True) -> np.ndarray:
    """Evaluate many plans: (P, M, N, Y) float64, ``values[p]`` as ``evaluate(plans[p])``.

    When every plan builds the same new lines (sector, start year, count; operating days may
    differ) the instance arrays are built once and all plans run in one parallel kernel call.
    Otherwise each plan is evaluated alone and plans with fewer rows are padded with zero
    rows (a zero row is a line that never runs and costs nothing) at the end.
    """
    if not plans:
        raise ValueError("evaluate_batch needs at least one plan")
    if _shares_lines(plans):
        arrs = build_arrays(instance, plans[0])
        retire, adopt, days = _stack(arrs, plans)
        if use_numba:
            return run_batch_kernel(arrs, retire, adopt, days)
        return np.stack(
            [
                evaluate_reference_arrays(with_plan(arrs, PlanArrays(r, a, d)))
                for r, a, d in zip(retire, adopt, days, strict=True)
            ]
        )
    each = [evaluate(instance, p, use_numba=use_numba).values for p in plans]
    n_rows = max(v.shape[1] for v in each)
    out = np.zeros((len(each), N_MEASURES, n_rows, each[0].shape[2]))
    for i, v in enumerate(each):
        out[i, :, : v.shape[1], :] = v
    return out


def evaluate_batch_totals(instance: Instance, plans: Sequence[Plan]) -> np.ndarray:
    """Every plan's measures summed over all lines: (P, M, Y) float64.

    The fast path for Monte Carlo and heuristics: the (P, M, N, Y) array is never built.
    Sums are meaningful for flows, capacity and money (not intensities, flags, attr_bits).
    """
    if not plans:
        raise ValueError("evaluate_batch_totals needs at least one plan")
    if _shares_lines(plans):
        arrs = build_arrays(instance, plans[0])
        return run_batch_totals_kernel(arrs, *_stack(arrs, plans))
    return np.stack([evaluate(instance, p).values.sum(axis=1) for p in plans])


def batch_summary(instance: Instance, plans: Sequence[Plan]) -> pd.DataFrame:
    """One row per plan: ``npv_cny``, ``capex_cny`` and ``total_co2_t_<year>`` for every year."""
    totals = evaluate_batch_totals(instance, plans)
    years = [int(y) for y in instance.scenario.years]
    frame = pd.DataFrame(
        {
            "npv_cny": totals[:, MEASURE_INDEX["npv_cny"]].sum(axis=1),
            "capex_cny": totals[:, MEASURE_INDEX["capex_cny"]].sum(axis=1),
        }
    )
    co2 = totals[:, MEASURE_INDEX["total_co2_t"]]
    for i, y in enumerate(years):
        frame[f"total_co2_t_{y}"] = co2[:, i]
    return frame
