"""Summaries of a finished sweep in ``DIR/summary/``: CSV tables, PNG charts and an index.html.

* ``scenarios.csv``: one row per scenario (inputs, status, NPV, report-year emissions, decisions);
* ``status.csv``: scenarios per base and status (failures are results, not omissions);
* ``plans.csv``: the distinct sets of decisions and how many scenarios took each;
* ``target_probability.csv/.png``: share of solved scenarios in which each target is met;
* OAT: ``tornado_<base>.csv/.png`` for NPV and report-year emissions;
* Monte Carlo (and Morris/Sobol samples): ``distribution_<base>.png`` and ``quantiles.csv``;
* Morris / Sobol: ``morris_indices.csv`` / ``sobol_indices.csv`` (SALib) and their charts.

Charts: :mod:`optimizer.sweep.summary_charts`.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from optimizer.sweep.designs import salib_problem, sample_matrix
from optimizer.sweep.spec import SweepSpec
from optimizer.sweep.summary_charts import (
    distribution_chart,
    indices_chart,
    probability_chart,
    spread,
    tornado_chart,
)

SUMMARY = "summary"
UNPROVEN = frozenset({"not shown", "not checked"})
"""Values of infeasibility.csv's ``needed`` (optimizer.diagnose_check.NEEDED) that leave open
whether the target had to be relaxed (not imported from there: it pulls in the solvers)."""


def report_year(spec: SweepSpec, frame: pd.DataFrame) -> int | None:
    """The emissions year the summaries use: the spec's, else 2030 when evaluated, else the last."""
    years = sorted(int(c.removeprefix("co2_t_")) for c in frame.columns if c.startswith("co2_t_"))
    if not years:
        return None
    if spec.report_year in years:
        return spec.report_year
    return 2030 if 2030 in years else years[-1]


def metrics(spec: SweepSpec, frame: pd.DataFrame) -> dict[str, str]:
    """Output column -> label, for the indices and charts."""
    out = {"objective_cny": "NPV (CNY)"}
    year = report_year(spec, frame)
    if year is not None:
        out[f"co2_t_{year}"] = f"{year} emissions (tCO2)"
    return out


def write_summary(out: Path, spec: SweepSpec, frame: pd.DataFrame) -> list[Path]:
    """Write every summary that applies to the design; returns the files written."""
    folder = out / SUMMARY
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if frame.empty:
        return written
    names = metrics(spec, frame)
    solved = frame[frame["exit_code"] == 0]
    flat = [c for c in frame.columns if c.startswith("in.")]
    keep = ["scenario_id", "base", "design_index", "role", "status", "reason", *flat, *names]
    keep += [
        "mip_gap",
        "path",
        "lines_retired",
        "retrofits_total",
        "new_lines",
        "targets_met",
        "all_hard_met",
    ]
    table = frame[[c for c in keep if c in frame.columns]].copy()
    if "objective_cny" in frame:
        table = table.join(npv_change_vs_base(frame))
    written.append(_csv(table, folder / "scenarios.csv"))
    status = frame.groupby(["base", "status"]).size().rename("scenarios").reset_index()
    written.append(_csv(status, folder / "status.csv"))
    if "decisions_hash" in solved and solved["decisions_hash"].notna().any():
        written.append(_csv(distinct_plans(solved), folder / "plans.csv"))
    probability = target_probability(frame)
    if not probability.empty:
        written.append(_csv(probability, folder / "target_probability.csv"))
        written.append(probability_chart(probability, folder / "target_probability.png"))
    kind = spec.design.kind
    if kind == "oat":
        for base, rows in frame.groupby("base"):
            table = tornado(spec, rows, names)
            if not table.empty:
                written.append(_csv(table, folder / f"tornado_{base}.csv"))
                written.append(tornado_chart(table, names, folder / f"tornado_{base}.png", str(base)))
    if kind in {"monte_carlo", "morris", "sobol"}:
        written.append(_csv(quantiles(solved, names), folder / "quantiles.csv"))
        for base, rows in solved.groupby("base"):
            written.append(distribution_chart(rows, names, folder / f"distribution_{base}.png", str(base)))
    if kind in {"morris", "sobol"}:
        table = sensitivity_indices(spec, frame, names)
        written.append(_csv(table, folder / f"{kind}_indices.csv"))
        if "note" not in table.columns or table["note"].isna().any():
            written.append(indices_chart(table, kind, names, folder / f"{kind}_indices.png"))
    written.append(_index_html(folder, spec, written))
    return written


def _number(value: Any) -> float:
    return float(value) if value is not None and not pd.isna(value) else float("nan")


def npv_change_vs_base(frame: pd.DataFrame) -> pd.DataFrame:
    """Per scenario: its NPV's change from its base scenario's, relative to it, and whether that
    change is within the looser of the two MIP gaps (then it may be solver noise)."""
    base_of: dict[Any, tuple[float, Any]] = {}
    for r in frame.itertuples(index=False):
        if getattr(r, "role", None) == "base" and getattr(r, "exit_code", None) == 0:
            base_of[r.base] = (_number(r.objective_cny), getattr(r, "mip_gap", None))
    change: list[float | None] = []
    within: list[bool | None] = []
    for r in frame.itertuples(index=False):
        reference = base_of.get(r.base)
        value = _number(r.objective_cny)
        if reference is None or getattr(r, "exit_code", None) != 0 or np.isnan(value):
            change.append(None)
            within.append(None)
            continue
        npv, gap = reference
        relative = (value - npv) / max(abs(npv), 1e-12)
        band = solver_gap(gap, getattr(r, "mip_gap", None))
        change.append(relative)
        within.append(bool(band > 0 and abs(relative) <= band))
    return pd.DataFrame(
        {"npv_change_vs_base": change, "npv_change_within_solver_gap": within}, index=frame.index
    )


def distinct_plans(solved: pd.DataFrame) -> pd.DataFrame:
    """The distinct sets of decisions taken, with how many scenarios chose each.

    A sweep whose scenarios all share one plan either has decisions that the swept inputs do
    not move or a MIP gap too loose to see them move (a re-solve from the previous plan keeps
    it whenever it is within the gap): check this before reading the tornado as "no effect".
    """
    columns = ["lines_retired", "lines_swapped", "retrofits_total", "new_lines"]
    grouped = solved.groupby(["base", "decisions_hash"], sort=False)
    table = grouped.agg(
        scenarios=("scenario_id", "size"),
        first_scenario=("scenario_id", "first"),
        **{c: (c, "first") for c in columns if c in solved},
    ).reset_index()
    return table.sort_values(["base", "scenarios"], ascending=[True, False])


def _column(frame: pd.DataFrame, name: str) -> list[Any]:
    return list(frame[name]) if name in frame else [None] * len(frame)


def target_probability(frame: pd.DataFrame) -> pd.DataFrame:
    """Share of scenarios meeting each target (per base, target, sector group, year).

    ``probability_met`` counts solved scenarios only. ``probability_met_incl_infeasible`` also
    counts the scenarios where the targets cannot all be met: a target that the least
    relaxation has to relax is missed there, the others are met, and one it relaxes without
    proof that it must (``infeasible_scenarios_not_shown_needed``: the diagnosis stopped short
    and its LP check did not show the need) counts neither way.
    """
    solved = frame[frame["exit_code"] == 0] if "exit_code" in frame else frame
    rows = []
    for r in solved.itertuples(index=False):
        targets: list[dict[str, Any]] = list(r.targets) if isinstance(r.targets, (list, np.ndarray)) else []
        for t in targets:
            if t["met"] is not None and not (isinstance(t["met"], float) and np.isnan(t["met"])):
                rows.append(
                    {
                        "base": r.base,
                        **{k: t[k] for k in ("target_id", "group", "year", "hard")},
                        "met": bool(t["met"]),
                    }
                )
    if not rows:
        return pd.DataFrame()
    met = pd.DataFrame(rows)
    grouped = met.groupby(["base", "target_id", "group", "year", "hard"], sort=True)["met"]
    table = grouped.agg(probability_met="mean", scenarios="size").reset_index()
    infeasible = frame[frame["status"] == "infeasible"] if "status" in frame else frame.iloc[0:0]
    relaxed: dict[tuple[str, str, int], int] = {}
    unproven: dict[tuple[str, str, int], int] = {}
    count: dict[str, int] = {}
    for base, items in zip(infeasible["base"], _column(infeasible, "relaxed_targets"), strict=True):
        found = list(items) if isinstance(items, (list, np.ndarray)) else []
        if not found:
            continue  # structural: infeasible even with every target relaxed, so no verdict
        count[str(base)] = count.get(str(base), 0) + 1
        for item in found:
            key = (str(base), str(item["target"]), int(item["year"]))
            relaxed[key] = relaxed.get(key, 0) + 1
            if item.get("needed") in UNPROVEN:
                unproven[key] = unproven.get(key, 0) + 1
    labels = [
        t if g == "pooled" else f"{t}:{g}" for t, g in zip(table["target_id"], table["group"], strict=True)
    ]
    keys = list(zip(table["base"], labels, table["year"].astype(int), strict=True))
    table["infeasible_scenarios_relaxing_it"] = [relaxed.get(k, 0) for k in keys]
    table["infeasible_scenarios_not_shown_needed"] = [unproven.get(k, 0) for k in keys]
    n_infeasible = table["base"].map(count).fillna(0)
    met_count = table["probability_met"] * table["scenarios"]
    # an infeasible scenario whose plan relaxes the target without proof that it must (the
    # diagnosis stopped short) has no verdict on it: left out of both counts
    table["probability_met_incl_infeasible"] = (
        met_count + n_infeasible - table["infeasible_scenarios_relaxing_it"]
    ) / (table["scenarios"] + n_infeasible - table["infeasible_scenarios_not_shown_needed"])
    return table


def solver_gap(*gaps: Any) -> float:
    """The loosest MIP gap among scenarios (0 when none has one: LPs, or no bound)."""
    known = [float(g) for g in gaps if g is not None and not pd.isna(g)]
    return max(known, default=0.0)


def tornado(spec: SweepSpec, rows: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Per parameter and output: the output at the parameter's lowest and highest OAT value.

    ``within_solver_gap`` flags a row whose largest change from the base, relative to the base,
    is no larger than the loosest MIP gap of the scenarios compared (``solver_gap``): each plan
    is only known to within its gap, so such a change may be the solver's, not the
    parameter's (a zhejiang sweep at a 0.73 % base gap once showed higher 2030 emissions at 300
    CNY/t than at the base). Tighten the sweep's --gap to tell them apart.
    """
    base = rows[(rows["role"] == "base") & (rows["exit_code"] == 0)]
    if base.empty:
        return pd.DataFrame()
    base_gap = base["mip_gap"].iloc[0] if "mip_gap" in base else None
    out = []
    for metric in names:
        centre = float(base[metric].iloc[0])
        for name in spec.parameters:
            mine = rows[(rows["role"] == f"oat:{name}") & (rows["exit_code"] == 0)]
            column = f"in.{name}"
            if mine.empty or column not in mine:
                continue
            ordered = mine.sort_values(column)
            low, high = ordered.iloc[0], ordered.iloc[-1]
            gap = solver_gap(base_gap, *mine.get("mip_gap", []))
            change = float((mine[metric] - centre).abs().max()) / max(abs(centre), 1e-12)
            out.append(
                {
                    "metric": metric,
                    "parameter": name,
                    "low_value": low[column],
                    "high_value": high[column],
                    "base_output": centre,
                    "output_at_low": float(low[metric]),
                    "output_at_high": float(high[metric]),
                    "min_output": float(mine[metric].min()),
                    "max_output": float(mine[metric].max()),
                    "swing": float(mine[metric].max() - mine[metric].min()),
                    "failed": int(((rows["role"] == f"oat:{name}") & (rows["exit_code"] != 0)).sum()),
                    "relative_change": change,
                    "solver_gap": gap,
                    "within_solver_gap": bool(gap > 0 and change <= gap),
                }
            )
    return pd.DataFrame(out).sort_values(["metric", "swing"], ascending=[True, False])


def quantiles(solved: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    rows = []
    for base, frame in solved.groupby("base"):
        for metric in names:
            values = frame[metric].dropna().to_numpy(float)
            if len(values) == 0:
                continue
            p5, p50, p95 = np.percentile(values, [5, 50, 95])
            rows.append(
                {
                    "base": base,
                    "metric": metric,
                    "scenarios": len(values),
                    "mean": values.mean(),
                    "sd": values.std(ddof=1) if len(values) > 1 else 0.0,
                    "p5": p5,
                    "p50": p50,
                    "p95": p95,
                }
            )
    return pd.DataFrame(rows)


def sensitivity_indices(spec: SweepSpec, frame: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Morris (mu, mu*, sigma) or Sobol (S1, ST) indices per base and output, from SALib.

    Both methods need an output for every sample point: a base with a failed scenario gets a
    note instead of indices (filling gaps would bias the estimates without saying so).
    """
    problem = salib_problem(spec)
    x = sample_matrix(spec)
    rows: list[dict[str, Any]] = []
    for base, mine in frame.groupby("base"):
        ordered = mine.set_index("design_index").reindex(range(len(x)))
        for metric in names:
            y = ordered[metric].to_numpy(float) if metric in ordered else np.full(len(x), np.nan)
            bad = int((ordered["exit_code"] != 0).sum() + np.isnan(y).sum())
            if bad:
                rows.append(
                    {"base": base, "metric": metric, "note": f"{bad} sample points without a solved result"}
                )
                continue
            if spec.design.kind == "sobol" and not spread(y):
                # variance-based indices divide by the output's variance: undefined when it is 0
                rows.append({"base": base, "metric": metric, "note": "output constant over the sample"})
                continue
            rows.extend({"base": base, "metric": metric, **r} for r in _indices(spec, problem, x, y))
    return pd.DataFrame(rows)


def _indices(spec: SweepSpec, problem: dict[str, Any], x: np.ndarray, y: np.ndarray) -> list[dict[str, Any]]:
    if spec.design.kind == "morris":
        from SALib.analyze import morris

        res = morris.analyze(problem, x, y, num_levels=spec.design.levels, seed=spec.design.seed)
        return [
            {
                "parameter": n,
                "mu": float(res["mu"][i]),
                "mu_star": float(res["mu_star"][i]),
                "sigma": float(res["sigma"][i]),
                "mu_star_conf": float(res["mu_star_conf"][i]),
            }
            for i, n in enumerate(problem["names"])
        ]
    from SALib.analyze import sobol

    res = sobol.analyze(problem, y, calc_second_order=spec.design.second_order, seed=spec.design.seed)
    return [
        {
            "parameter": n,
            "S1": float(res["S1"][i]),
            "S1_conf": float(res["S1_conf"][i]),
            "ST": float(res["ST"][i]),
            "ST_conf": float(res["ST_conf"][i]),
        }
        for i, n in enumerate(problem["names"])
    ]


# ---------------------------------------------------------------- files


def _csv(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False)
    return path


def _index_html(folder: Path, spec: SweepSpec, files: list[Path]) -> Path:
    parts = [f"<html><head><meta charset='utf-8'><title>{html.escape(spec.name)}</title></head><body>"]
    parts.append(f"<h1>Sweep {html.escape(spec.name)}</h1><p>design: {spec.design.kind}</p>")
    for path in files:
        if path.suffix == ".png":
            parts.append(f"<h2>{html.escape(path.stem)}</h2><img src='{html.escape(path.name)}'>")
        elif path.suffix == ".csv" and path.name != "scenarios.csv":
            parts.append(f"<h2>{html.escape(path.stem)}</h2>")
            parts.append(pd.read_csv(path).to_html(index=False, float_format=lambda v: f"{v:.4g}"))
    parts.append(
        "<p>Every scenario: scenarios.csv; full records: ../scenarios/*.parquet, ../results.duckdb</p>"
    )
    parts.append("</body></html>")
    path = folder / "index.html"
    path.write_text("\n".join(parts), "utf-8")
    return path
