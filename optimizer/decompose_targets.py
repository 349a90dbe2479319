"""How national targets and supplies split over provinces in a decomposed run: each target
kind's ``decompose`` rule (optimizer.targets.registry) applied to one province's lines, and
each national supply shared by base-year output (:func:`province_supplies`)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from optimizer.data.consistency import split_list
from optimizer.data.instance import Instance
from optimizer.evaluator.api import evaluate
from optimizer.evaluator.plan import Plan
from optimizer.portfolio.company import base_year_output
from optimizer.targets.registry import KINDS

SEPARABLE = {name for name, k in KINDS.items() if k.decompose == "separable"}
SAME_IN_EACH = {name for name, k in KINDS.items() if k.decompose == "same"}
SPLIT = {name: k.decompose.split(":", 1)[1] for name, k in KINDS.items() if k.decompose.startswith("split:")}


def province_targets(instance: Instance, lines: pd.DataFrame, bound: str) -> pd.DataFrame:
    """The province's share of every national target (allocation rules: optimizer/decompose.py docstring)."""
    rows = []
    all_lines = instance.lines
    for _, t in instance.targets.iterrows():
        scope = [s.strip() for s in str(t["sectors"]).split(";")]
        in_scope = lines if scope == ["*"] else lines[lines["sector"].isin(scope)]
        provinces = split_list(t.get("provinces", ""))
        if provinces:  # a per-line rule of some provinces: only theirs carry it
            in_scope = in_scope[in_scope["province"].isin(provinces)]
        if in_scope.empty and KINDS[t["kind"]].in_model_years:
            continue
        if t["kind"] in SEPARABLE or (bound == "upper" and t["kind"] in SAME_IN_EACH):
            if KINDS[t["kind"]].reference_unit is not None and "reference_value" in t:
                # a national reference figure is no province's: each is cut from its own base year
                t = t.copy()
                t["reference_year"], t["reference_value"], t["reference_source"] = 0, 0.0, ""
            rows.append(t)
        elif bound == "upper" and t["kind"] in SPLIT:
            everyone = all_lines if scope == ["*"] else all_lines[all_lines["sector"].isin(scope)]
            basis = SPLIT[t["kind"]]
            if basis == "lines":
                share = len(in_scope) / len(everyone)
            elif basis == "roof":
                share = in_scope["roof_area_m2"].sum() / max(everyone["roof_area_m2"].sum(), 1e-9)
            elif basis == "emissions":
                share = _base_emissions(instance, in_scope) / max(_base_emissions(instance, everyone), 1e-9)
            else:
                share = in_scope["capacity_per_year"].sum() / everyone["capacity_per_year"].sum()
            row = t.copy()
            row["value"] = t["value"] * share
            rows.append(row)
    frame = pd.DataFrame(rows, columns=instance.targets.columns)
    return frame


def _base_emissions(instance: Instance, lines: pd.DataFrame) -> float:
    sub = replace(instance, lines=lines)
    return float(evaluate(sub, Plan.business_as_usual(sub)).measure("total_co2_t")[:, 0].sum())


def province_supplies(instance: Instance, lines: pd.DataFrame, bound: str) -> pd.DataFrame:
    """The province's supplies.csv rows: its own, and of a national row (province ``*``) all of
    it for a bound (each province may use the whole pool: a relaxation) or, for the national
    plan ("upper"), its share of the base-year output of the sectors that draw on supplies —
    the share it keeps of demand (clinker and lime kilns draw on them today), so
    the provinces' shares add up to the pool and the assembled plan stays within it."""
    supplies = instance.supplies
    if supplies.empty:
        return supplies
    province = str(lines["province"].iloc[0]) if len(lines) else ""
    rows = supplies[supplies["province"].isin(["*", province])].copy()
    if bound == "upper":
        national = rows["province"] == "*"
        rows.loc[national, "available"] = rows.loc[national, "available"] * supply_share(instance, lines)
    return rows


def supply_share(instance: Instance, lines: pd.DataFrame) -> float:
    """``lines``' share of the base-year output of the sectors whose technologies draw on a
    supply (raw-meal substitutes, alternative fuel, co-processing)."""
    techs = instance.technologies
    draws = (
        techs[["to_alt_fuel_frac", "to_coprocessing_frac", "raw_cao_substitution_frac"]]
        .fillna(0)
        .gt(0)
        .any(axis=1)
    )
    sectors = {s for cell in techs.loc[draws, "sectors"] for s in split_list(cell)}
    output = base_year_output(instance)[instance.lines["sector"].isin(sectors)]
    return float(output[output.index.isin(lines.index)].sum() / max(output.sum(), 1e-9))
