"""Writing an MGA run: DIR/alt-k/ with the usual run files, alternatives.csv and the page."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import pandas as pd
from rich.console import Console

from optimizer.alternatives.mga import Alternative, hamming
from optimizer.compare.lines import decision_delta, line_differences
from optimizer.compare.page import Section, page_html
from optimizer.data.instance import Instance
from optimizer.run_options import RunOptions
from optimizer.write import result_tables, write_run

TITLE = {"zh": "近似最优备选方案（MGA）", "en": "Near-optimal alternatives (MGA)"}


def folder_name(k: int) -> str:
    return "optimum" if k == 0 else f"alt-{k}"


def alternatives_table(plans: list[Alternative]) -> pd.DataFrame:
    """One row per plan: status, NPV, emissions, extra cost and Hamming distance to each plan."""
    best = plans[0].result.npv_cny
    rows = []
    for p in plans:
        ev = p.result.evaluation
        npv = p.result.npv_cny
        row = {
            "plan": folder_name(p.k),
            "status": p.result.status,
            "npv_cny": npv,
            "extra_cost_frac": (npv - best) / abs(best) if npv is not None and best else None,
            "total_co2_t": float(ev.measure("total_co2_t").sum()) if ev is not None else None,
            "distance_to_optimum": hamming(p.ones, plans[0].ones),
            "min_distance_to_others": min(
                (hamming(p.ones, q.ones) for q in plans if q is not p), default=None
            ),
            "note": p.note,
        }
        row |= {f"distance_to_{folder_name(q.k)}": hamming(p.ones, q.ones) for q in plans}
        rows.append(row)
    return pd.DataFrame(rows)


def robust_and_contested(
    plans: list[Alternative], tables: dict[str, dict[str, pd.DataFrame]]
) -> pd.DataFrame:
    """Per line: each plan's story; ``robust`` when every plan does the same to the line."""
    lines = line_differences({name: t["plan"] for name, t in tables.items() if "plan" in t})
    lines.insert(1, "robust", ~lines["differs"])
    return lines.drop(columns=["in_runs"])


def lines_changed_by_sector(instance: Instance, lines: pd.DataFrame, plan: str, lang: str) -> str:
    """Lines whose story in ``plan`` differs from the optimum's, counted per sector
    ("陶瓷砖 12; 石灰 3"): what a planner reads first, before the line-by-line tables."""
    if plan not in lines.columns or "optimum" not in lines.columns:
        return ""
    changed = lines.loc[lines[plan].fillna("") != lines["optimum"].fillna(""), "line_id"]
    sector_of = instance.lines["sector"]
    counts = sector_of.reindex(changed).value_counts()
    name = "name_zh" if lang == "zh" else "name_en"
    order = [s for s in instance.sectors.index if s in counts.index]
    return "; ".join(f"{instance.sectors.at[s, name]!s} {int(counts[s])}" for s in order)


def write_alternatives(
    instance: Instance, options: RunOptions, plans: list[Alternative], out: Path, slack: float
) -> Path:
    """Everything into the new folder ``out`` (built in a temp folder, then renamed)."""
    if out.exists():
        raise FileExistsError(f"{out} already exists; choose a new --out (nothing is overwritten)")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        per_plan: dict[str, dict[str, pd.DataFrame]] = {}
        for p in plans:
            name = folder_name(p.k)
            per_plan[name] = result_tables(instance, p.result)
            # the one writer of every run folder: the same files, summary and report as a run;
            # quiet, as the folder it names is still the temp one
            write_run(
                instance,
                replace(options, out=tmp / name),
                p.result,
                Console(quiet=True),
                summary={"mga_k": p.k, "mga_slack": slack},
            )
        overview = alternatives_table(plans)
        first = per_plan["optimum"].get("plan")
        overview["differs_from_optimum"] = [
            decision_delta(first, per_plan[name]["plan"])
            if first is not None and "plan" in per_plan[name]
            else ""
            for name in overview["plan"]
        ]
        overview.to_csv(tmp / "alternatives.csv", index=False)
        lines = robust_and_contested(plans, per_plan)
        lines.to_csv(tmp / "robust_contested.csv", index=False)
        note = {
            "zh": f"成本不超过最优 {slack:.1%}；距离 = 不同的线-年二元决策（退出、技术包）个数。",
            "en": f"Cost within {slack:.1%} of the optimum; distance = number of line-year binary "
            "decisions (retirement, package) that differ.",
        }
        stories = tuple(c for c in (folder_name(p.k) for p in plans) if c in lines.columns)
        techs = instance.technologies
        names_zh = {
            str(t): (str(n) if isinstance(n, str) and n else str(t))
            for t, n in zip(techs["tech_id"], techs["name_zh"], strict=True)
        }
        sections = [
            Section({"zh": "方案一览", "en": "Plans"}, overview, note),
            Section(
                {"zh": "稳健决策（所有方案一致）", "en": "Robust decisions (shared by every plan)"},
                lines[lines["robust"]].drop(columns=["robust", "differs"]),
                stories=stories,
                tech_names_zh=names_zh,
            ),
            Section(
                {"zh": "有争议的决策（方案之间不同）", "en": "Contested decisions (plans differ)"},
                lines[~lines["robust"]].drop(columns=["robust", "differs"]),
                stories=stories,
                tech_names_zh=names_zh,
            ),
        ]
        for lang in ("zh", "en"):
            # the page counts changed lines per sector; the CSV keeps every decision changed
            page_overview = overview.drop(columns=["differs_from_optimum"])
            page_overview["lines_changed_by_sector"] = [
                lines_changed_by_sector(instance, lines, name, lang) for name in overview["plan"]
            ]
            sections[0] = Section(sections[0].heading, page_overview, note)
            (tmp / f"alternatives.{lang}.html").write_text(
                page_html(TITLE, sections, [], lang), encoding="utf-8"
            )
        tmp.rename(out)
        for p in plans:
            p.result.out_dir = out / folder_name(p.k)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


__all__ = ["alternatives_table", "lines_changed_by_sector", "robust_and_contested", "write_alternatives"]
