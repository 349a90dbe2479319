"""`optimize portfolio` on a company of the tiny instance."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import DATA
from openpyxl import load_workbook
from typer.testing import CliRunner

from optimizer.cli import app

runner = CliRunner()


def _tiny(company: str, *goals: str) -> list[str]:
    """`optimize portfolio` on the tiny instance for ``company`` with these ``--goal`` values."""
    return ["portfolio", "--instance", str(DATA / "tiny"), "--company", company] + [
        a for g in goals for a in ("--goal", g)
    ]


def _own_plan(path: Path, tech: str) -> Path:
    """The company's own plan.csv: L1 kept 2024-2030 at 280 days, ``tech`` from 2025 ('' none)."""
    rows = [
        {
            "line_id": "L1",
            "year": y,
            "action": "keep",
            "technologies": tech if y >= 2025 else "",
            "operating_days": 280,
        }
        for y in range(2024, 2031)
    ]
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


ACME = _tiny("Acme Cement", "benchmark_share=1@2025")


def test_company_portfolio_with_k_best_and_own_plan(tmp_path: Path) -> None:
    # Acme Cement owns L1 only. Its own portfolio: the 4th-generation cooler in 2025 and nothing
    # else; the goal is every line at the benchmark from 2025, so that plan misses it.
    own = _own_plan(tmp_path / "mine.csv", "cooler_4th_gen")
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            *ACME,
            "--plan",
            str(own),
            "--k-best",
            "3",
            "--time-limit",
            "60",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    comparison = pd.read_csv(out / "comparison.csv").set_index("portfolio")
    assert bool(comparison.loc["optimal", "goals_met"])
    assert not bool(comparison.loc["yours", "goals_met"])
    mine = pd.read_csv(out / "measures_yours.csv")
    assert list(mine["technology"]) == ["cooler_4th_gen"]
    kbest = pd.read_csv(out / "kbest.csv")
    assert list(kbest["rank"]) == [1, 2, 3]
    assert kbest["npv_cny"].is_monotonic_increasing
    assert kbest["npv_cny"].iloc[0] == comparison.loc["optimal", "npv_cny"]
    # one plan per rank, and every lower rank says how it differs from rank 1 (distinct decisions)
    ranks = {r: pd.read_csv(out / f"plan_rank{r}.csv") for r in (1, 2, 3)}
    assert all(set(p["line_id"]) >= {"L1"} for p in ranks.values())
    differs = kbest.set_index("rank")["differs_from_rank_1"]
    assert pd.isna(differs[1]) or differs[1] == ""
    assert differs[2].startswith("L1: +") and differs[3].startswith("L1: +")
    macc = pd.read_csv(out / "macc.csv")
    assert macc["abatement_cost_cny_per_tco2"].dropna().is_monotonic_increasing  # NaN: no CO2 avoided
    assert set(macc["line_id"]) == {"L1"}
    assert (out / "report_zh.html").is_file(), result.output
    # the report page leads with yours against the optimal, each measure and the k best
    page = (out / "report_zh.html").read_text(encoding="utf-8")
    lead = page.index("企业方案:您的方案与最优方案")
    assert lead < page.index("目标完成情况")
    assert "<td>您的方案</td>" in page and "<td>第四代篦冷机</td>" in page
    assert re.search(r"<td>L1: 增加 \d{4} 年", page)
    # optimize report on the folder rebuilds the company's instance (not the whole province)
    report = runner.invoke(app, ["report", str(out), "--lang", "en"])
    assert report.exit_code == 0, report.output
    en = (out / "report_en.html").read_text(encoding="utf-8")
    assert (
        "Company portfolio: yours against the optimal" in en
        and "<td>Fourth-generation grate cooler</td>" in en
    )
    npv_m = comparison.loc["optimal", "npv_cny"] / 1e6
    assert f"{npv_m:,.2f}" in en  # the NPV card: the company's optimum, evaluated again
    sheets = load_workbook(out / "report_en.xlsx").sheetnames
    assert sheets[1:4] == ["Portfolios", "Measures", "K best"]


def test_forbidden_choice_is_honoured_and_priced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            *ACME,
            "--forbid",
            "L1:preheater_low_resistance",
            "--time-limit",
            "60",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    plan = pd.read_csv(out / "plan.csv", keep_default_na=False)
    assert not plan["technologies"].str.contains("preheater_low_resistance").any()
    comparison = pd.read_csv(out / "comparison.csv")
    assert comparison["fixed_choices_cost_cny"].iloc[0] >= 0


def test_bad_goal_and_unknown_company() -> None:
    bad = runner.invoke(
        app,
        _tiny("Acme Cement", "benchmark_share"),
    )
    assert bad.exit_code == 1 and "expected kind=value[@year]" in bad.output
    unknown = runner.invoke(
        app,
        _tiny("Nobody", "benchmark_share=1@2025"),
    )
    assert unknown.exit_code == 1 and "owns no line here" in unknown.output


def test_goal_for_one_sector_and_own_plan_under_infeasible_goals(tmp_path: Path) -> None:
    # every clinker line at the benchmark from 2025 with no capex at all: no portfolio can meet
    # both, yet the company's own portfolio is evaluated and written
    own = _own_plan(tmp_path / "mine.csv", "")
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            *_tiny("Acme Cement", "benchmark_share=1@2025:cement_clinker", "capex_budget=0"),
            "--plan",
            str(own),
            "--time-limit",
            "60",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 3, result.output
    targets = pd.read_csv(out / "targets_yours.csv")
    goal = targets[targets["target_id"] == "CO-G1"]
    assert set(goal["scope"]) == {"cement_clinker"} and not goal["met"].astype(bool).any()
    comparison = pd.read_csv(out / "comparison.csv")
    assert list(comparison["portfolio"]) == ["yours"] and not bool(comparison["goals_met"].iloc[0])
    # a sector the instance does not have is named before any solving
    bad = runner.invoke(
        app,
        _tiny("Acme Cement", "benchmark_share=1@2025:glas"),
    )
    # named by the --goal that says it, not by a targets.csv row the user never wrote
    assert bad.exit_code == 1 and "--goal benchmark_share=1@2025:glas, sectors: 'glas'" in bad.output


def test_emissions_cut_goal_reads_as_a_fraction(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [*ACME[:-1], "emissions_cut=0.1@2030", "--time-limit", "60", "--out", str(out), "--no-report"],
    )
    assert result.exit_code == 0, result.output
    targets = pd.read_csv(out / "targets.csv")
    row = targets[targets["target_id"] == "CO-G1"].iloc[-1]
    kpis = pd.read_csv(out / "kpis.csv").groupby("year")["total_co2_t"].sum()
    # required and achieved are cuts against the base year, in the row's unit
    assert row["unit"] == "fraction" and row["required"] == 0.1
    assert row["achieved"] == pytest.approx(1 - kpis[2030] / kpis[kpis.index.min()], rel=1e-9)
    assert row["achieved"] >= 0.1 - 1e-9 and bool(row["met"])
