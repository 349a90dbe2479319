"""MGA alternatives on a hand-made twin-line instance, and optimize compare on their folders."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from optimizer.alternatives import generate_alternatives, hamming, write_alternatives
from optimizer.alternatives.mga import cost_cap_cny
from optimizer.compare import compare_runs
from optimizer.compare.lines import ABSENT, line_actions
from optimizer.data.load import load_instance
from optimizer.run_options import RunOptions


@pytest.fixture
def twins(tiny: Path) -> Path:
    """Two identical clinker lines L1, L1B; demand one line can meet; capacity to be cut by half.

    By hand: one of the twins must close in 2025 (the cut) and either closing costs the same,
    so the optimum closes one and a 0-slack alternative that avoids the optimum's binaries must
    close the other."""
    lines = pd.read_csv(tiny / "lines.csv", dtype=str, keep_default_na=False)
    l1 = lines[lines["line_id"] == "L1"]
    twin = l1.assign(line_id="L1B")
    pd.concat([l1, twin]).to_csv(tiny / "lines.csv", index=False)
    demand = pd.read_csv(tiny / "demand.csv")
    demand = demand[demand["sector"] == "cement_clinker"].assign(demand_per_year=400000)
    demand.to_csv(tiny / "demand.csv", index=False)
    targets = pd.read_csv(tiny / "targets.csv", dtype=str, keep_default_na=False)
    targets = targets[targets["target_id"] == "TT-1"].assign(value="0.5")
    targets.to_csv(tiny / "targets.csv", index=False)
    return tiny


def _closed(plan: pd.DataFrame) -> dict[str, int | None]:
    actions = line_actions(plan).set_index("line_id")
    return {i: actions.at[i, "exit_year"] for i in actions.index if actions.at[i, "exit_action"]}


def test_alternative_closes_the_other_twin(twins: Path, tmp_path: Path) -> None:
    from optimizer.write import result_tables

    inst = load_instance(twins)
    plans = generate_alternatives(inst, RunOptions(time_limit_s=60, write=False), k=1, slack=1e-4)
    assert [p.result.status for p in plans] == ["optimal", "optimal"]
    assert all(p.result.exit_code == 0 for p in plans)  # verified by the evaluator
    optimum, alt = (result_tables(inst, p.result)["plan"] for p in plans)
    closed_opt, closed_alt = _closed(optimum), _closed(alt)
    assert len(closed_opt) == 1 and len(closed_alt) == 1
    assert set(closed_opt) | set(closed_alt) == {"L1", "L1B"}
    cap = cost_cap_cny(plans[0].result.npv_cny, 1e-4)
    assert plans[1].result.npv_cny <= cap * (1 + 1e-9)
    assert hamming(plans[0].ones, plans[1].ones) > 0

    out = write_alternatives(inst, RunOptions(), plans, tmp_path / "alts", 1e-4)
    table = pd.read_csv(out / "alternatives.csv")
    assert list(table["plan"]) == ["optimum", "alt-1"]
    assert table.loc[1, "distance_to_optimum"] == hamming(plans[0].ones, plans[1].ones)
    assert table.loc[0, "distance_to_optimum"] == 0
    lines = pd.read_csv(out / "robust_contested.csv").set_index("line_id")
    assert not lines.at["L1", "robust"] and not lines.at["L1B", "robust"]
    for name in ("optimum", "alt-1"):
        assert (out / name / "plan.csv").is_file() and (out / name / "summary.json").is_file()
    assert "L1B" in (out / "alternatives.en.html").read_text(encoding="utf-8")
    # the zh page speaks Chinese in its headers; the CSV keeps the English keys
    zh = (out / "alternatives.zh.html").read_text(encoding="utf-8")
    assert "<th>总成本净现值(元)</th>" in zh and "<th>与最优方案的距离</th>" in zh
    assert "<th>npv_cny</th>" not in zh and "<th>distance_to_optimum</th>" not in zh
    assert "<th>npv_cny</th>" in (out / "alternatives.en.html").read_text(encoding="utf-8")
    # the page counts changed lines per sector (both twins changed: 水泥熟料 2), not each decision
    assert "<th>与最优方案不同的生产线(按行业)</th>" in zh and "<td>水泥熟料 2</td>" in zh
    assert "<td>Cement clinker 2</td>" in (out / "alternatives.en.html").read_text(encoding="utf-8")
    assert "differs_from_optimum" in table.columns
    # and tells each line's story in Chinese: the twin the optimum closes reads "… 年退出"
    exit_year = int(next(iter(closed_opt.values())) or 0)
    assert f"{exit_year} 年退出" in zh and f"<td>retire {exit_year}</td>" not in zh
    assert f"retire {exit_year}" in (out / "alternatives.en.html").read_text(encoding="utf-8")

    cmp = compare_runs([out / "optimum", out / "alt-1"], tmp_path / "cmp")
    diff = pd.read_csv(cmp / "lines.csv").set_index("line_id")
    assert diff.loc[["L1", "L1B"], "differs"].all()
    costs = pd.read_csv(cmp / "costs.csv").set_index("component")
    assert costs.at["total", "optimum"] == pytest.approx(plans[0].result.npv_cny)
    assert costs.at["total", "alt-1"] == pytest.approx(plans[1].result.npv_cny)
    assert (cmp / "compare.zh.html").is_file() and (cmp / "tables.xlsx").is_file()
    assert f"{exit_year} 年退出" in (cmp / "compare.zh.html").read_text(encoding="utf-8")


def test_each_alternative_starts_from_a_plan_within_the_cost_cap(twins: Path) -> None:
    # the MGA model starts from the optimum, which meets every row of it (the cost cap too),
    # so a step cut short by the time limit still has a plan instead of none
    import numpy as np

    from optimizer.alternatives.mga import mga_hook, ones_of, start_from
    from optimizer.instance_model import build_instance_model
    from optimizer.models.extract import read_decisions
    from optimizer.solve import solve_built

    inst = load_instance(twins)
    first = build_instance_model(inst)
    optimum = solve_built(inst, first, RunOptions(time_limit_s=60, write=False), None, {}, 0.0)
    assert optimum.objective_cny is not None
    ones = ones_of(read_decisions(first.model, first.data))
    cap = cost_cap_cny(optimum.objective_cny, 0.0)
    built = build_instance_model(inst, {}, first.packages, fix=mga_hook([ones], cap))
    x = start_from(first, built)
    form = built.form
    activity = form.A @ x
    scale = np.maximum(1.0, np.abs(activity))
    assert np.all(activity >= form.row_lower - 1e-6 * scale)
    assert np.all(activity <= form.row_upper + 1e-6 * scale)
    assert np.all((x >= form.col_lower - 1e-9) & (x <= form.col_upper + 1e-9))
    # and it is the optimum: its overlap with itself is every binary it sets
    assert float(form.c @ x + form.offset) == pytest.approx(len(ones))
    # a cap below the optimum's cost is a row the start breaks: the check above can fail
    tight = build_instance_model(inst, {}, first.packages, fix=mga_hook([ones], optimum.objective_cny - 1e6))
    y = start_from(first, tight)
    assert np.any(tight.form.A @ y > tight.form.row_upper + 1e-6)


def test_compare_reports_lines_missing_from_a_run(tmp_path: Path) -> None:
    def run(name: str, ids: list[str], npv: float) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        (folder / "summary.json").write_text(
            f'{{"instance": "{name}", "status": "optimal", "evaluator_npv_cny": {npv}}}', encoding="utf-8"
        )
        pd.DataFrame({"line_id": ids, "year": 2025, "action": "retire", "new_technologies": ""}).to_csv(
            folder / "plan.csv", index=False
        )
        return folder

    a, b = run("a", ["L1", "L2"], 10.0), run("b", ["L1"], 12.0)
    out = compare_runs([a, b], tmp_path / "cmp")
    lines = pd.read_csv(out / "lines.csv").set_index("line_id")
    assert lines.at["L2", "b"] == ABSENT and bool(lines.at["L2", "differs"])
    assert not bool(lines.at["L1", "differs"])
    overview = pd.read_csv(out / "overview.csv")
    assert list(overview["npv_minus_first_cny"]) == [0.0, 2.0]
    page = (out / "compare.en.html").read_text(encoding="utf-8")
    assert "different instances" in page and "lines not in every run" in page
    with pytest.raises(FileExistsError):
        compare_runs([a, b], out)


def test_compare_rejects_a_folder_without_summary(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    with pytest.raises(FileNotFoundError, match=r"summary\.json"):
        compare_runs([tmp_path / "x", tmp_path / "y"], tmp_path / "out")


def test_alternatives_command_writes_every_plan(twins: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from optimizer.cli import app

    out = tmp_path / "alts"
    args = ["alternatives", "--instance", str(twins), "--k", "1", "--slack", "0.0001", "--time-limit", "60"]
    done = CliRunner().invoke(app, [*args, "--out", str(out)])
    assert done.exit_code == 0, done.output
    table = pd.read_csv(out / "alternatives.csv").set_index("plan")
    # the alternative swaps which twin closes: the delta names both lines' exits
    delta = table.at["alt-1", "differs_from_optimum"]
    changes = dict(part.split(": ", 1) for part in delta.split("; "))
    assert "exit" in changes["L1"] and "exit" in changes["L1B"]
    # each plan's folder is a run folder like any other: files, summary and its own report
    for name in ("optimum", "alt-1"):
        summary = json.loads((out / name / "summary.json").read_text(encoding="utf-8"))
        assert summary["mga_k"] == (0 if name == "optimum" else 1) and "gap_reached" in summary
        assert (out / name / "report_zh.html").is_file() and (out / name / "schedule.csv").is_file()
    assert not list(tmp_path.glob(".alts-*")), "the temp folder is renamed, not left behind"
    bad = CliRunner().invoke(app, [*args[:4], "0", *args[5:], "--out", str(tmp_path / "bad")])
    assert bad.exit_code == 2 and "--k must be at least 1" in bad.output
    assert not (tmp_path / "bad").exists()


def test_alternatives_without_an_optimum_write_why(twins: Path, tmp_path: Path) -> None:
    # a cut no fleet can make (all capacity and more): no optimum, so no alternatives; the folder
    # still says so (it crashed on the empty line table after the whole solve, losing the run)
    from typer.testing import CliRunner

    from optimizer.cli import app

    targets = pd.read_csv(twins / "targets.csv", dtype=str, keep_default_na=False)
    targets.assign(value="1.0").to_csv(twins / "targets.csv", index=False)
    out = tmp_path / "alts"
    args = ["alternatives", "--instance", str(twins), "--k", "2", "--time-limit", "30", "--out", str(out)]
    done = CliRunner().invoke(app, args)
    assert done.exception is None or isinstance(done.exception, SystemExit), done.output
    assert done.exit_code == 3, done.output  # targets cannot all be met
    table = pd.read_csv(out / "alternatives.csv")
    assert list(table["plan"]) == ["optimum"] and table.at[0, "note"] == "no optimum: no alternatives"
    summary = json.loads((out / "optimum" / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "infeasible"
    assert pd.read_csv(out / "robust_contested.csv").empty


def test_a_search_that_stays_at_the_optimum_falls_back_to_one_sector_at_a_time(
    twins: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # HiGHS over all binaries at once may not move off its start within its time (zhejiang:
    # 250 s); here the whole-model search is made to return its start, and the window search
    # (one sector free in every year, the rest fixed at the optimum) must still close the other twin
    import optimizer.alternatives.mga as mga
    from optimizer.solvers.highs import HighsSolver

    class StaysAtStart(HighsSolver):
        calls = 0

        def solve(self, form, options, start=None):  # type: ignore[no-untyped-def]
            StaysAtStart.calls += 1
            if StaysAtStart.calls == 1:  # the whole-model MGA solve
                from optimizer.solvers.base import SolveResult, Status

                return SolveResult(Status.FEASIBLE, "time limit", float(form.c @ start), x=start.copy())
            return super().solve(form, options, start)

    monkeypatch.setattr(mga, "get_solver", StaysAtStart)
    inst = load_instance(twins)
    plans = generate_alternatives(inst, RunOptions(time_limit_s=60, write=False), k=1, slack=1e-4)
    assert StaysAtStart.calls >= 2, "the window search did not run"
    assert [p.result.status for p in plans] == ["optimal", "optimal"]
    assert hamming(plans[0].ones, plans[1].ones) > 0
    assert any("searched with only cement_clinker's decisions free" in m for m in plans[1].result.messages)
    from optimizer.write import result_tables

    closed = [_closed(result_tables(inst, p.result)["plan"]) for p in plans]
    assert set(closed[0]) | set(closed[1]) == {"L1", "L1B"}


def test_a_story_reads_in_chinese_with_the_technology_names() -> None:
    from optimizer.compare.lines import catalogue_tech_names_zh, story_in

    names = catalogue_tech_names_zh()
    story = "adopt cooler_4th_gen@2026; adopt my_own_tech@2027; retire 2029"
    zh = story_in("zh", story, names)
    assert zh == f"2026 年采用 {names['cooler_4th_gen']}; 2027 年采用 my_own_tech; 2029 年退出"
    assert names["cooler_4th_gen"] != "cooler_4th_gen"
    assert story_in("en", story, names) == story and story_in("zh", "keep", names).startswith("保留")


def test_compare_page_in_chinese_keeps_english_keys_in_the_csv(tmp_path: Path) -> None:
    def run(name: str, capex: float, met: bool) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        summary = {"instance": "x", "status": "optimal", "mode": "myopic", "gap_met": True}
        (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
        pd.DataFrame({"component": ["capex", "carbon"], "discounted_cny": [capex, 5.0]}).to_csv(
            folder / "costs.csv", index=False
        )
        pd.DataFrame(
            {"target_id": ["T"], "year": [2030], "kind": ["capacity_cut"], "met": [met], "achieved": [0.1]}
        ).to_csv(folder / "targets.csv", index=False)
        return folder

    out = compare_runs([run("a", 1.0, True), run("b", 2.0, False)], tmp_path / "cmp")
    zh = (out / "compare.zh.html").read_text(encoding="utf-8")
    en = (out / "compare.en.html").read_text(encoding="utf-8")
    for word in ("<td>投资</td>", "<td>碳成本</td>", "<td>产能压减</td>", "<td>是</td>", "<td>否</td>"):
        assert word in zh, word
    assert "是否完成:a" in zh and "实现值:b" in zh and "逐期滚动(近视)" in zh
    assert "True" not in zh and "capex" not in zh and "capacity_cut" not in zh
    assert "<td>capex</td>" in en and "met:a" in en
    costs = pd.read_csv(out / "costs.csv")
    assert list(costs["component"]) == ["capex", "carbon"]


def test_compare_stories_use_the_run_instances_own_technology_names(tmp_path: Path) -> None:
    instance = tmp_path / "inst"
    instance.mkdir()
    pd.DataFrame({"tech_id": ["my_kiln", "cooler_4th_gen"], "name_zh": ["自研窑炉", "我们的篦冷机"]}).to_csv(
        instance / "technologies.csv", index=False
    )

    def run(name: str, tech: str) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        summary = {"instance": "x", "status": "optimal", "instance_path": str(instance)}
        (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
        pd.DataFrame(
            {"line_id": ["L1"], "year": [2026], "action": ["retrofit"], "new_technologies": [tech]}
        ).to_csv(folder / "plan.csv", index=False)
        return folder

    out = compare_runs([run("a", "my_kiln"), run("b", "preheater_low_resistance")], tmp_path / "cmp")
    zh = (out / "compare.zh.html").read_text(encoding="utf-8")
    # the instance's own name, and the catalogue's for a technology the instance does not rename
    assert "2026 年采用 自研窑炉" in zh and "2026 年采用 高固气比/低阻旋风预热器" in zh


def test_a_large_model_goes_straight_to_the_sector_windows(
    twins: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # above WHOLE_MODEL_MAX_INTEGERS no step tries every binary at once first; below it (the
    # default on the twins) the whole-model search finds the alternative itself
    import optimizer.alternatives.mga as mga

    inst = load_instance(twins)
    options = RunOptions(time_limit_s=60, write=False)
    whole = generate_alternatives(inst, options, k=1, slack=1e-4)
    assert any("searched over every year at once" in m for m in whole[1].result.messages)
    monkeypatch.setattr(mga, "WHOLE_MODEL_MAX_INTEGERS", 0)
    windows = generate_alternatives(inst, options, k=1, slack=1e-4)
    messages = windows[1].result.messages
    assert any("searched with only cement_clinker's decisions free" in m for m in messages), messages
    assert not any("every year at once" in m for m in messages)
    assert hamming(windows[0].ones, windows[1].ones) > 0


def test_compare_targets_keep_a_per_sector_target_apart(tmp_path: Path) -> None:
    # a target judged per sector has one row per sector and year: the comparison pairs each
    # sector with the same sector of the other run, never with every other sector
    def run(name: str, shares: list[float]) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        (folder / "summary.json").write_text(
            json.dumps({"instance": "x", "status": "optimal"}), encoding="utf-8"
        )
        pd.DataFrame(
            {
                "target_id": ["S", "S"],
                "group": ["cement_clinker", "flat_glass"],
                "year": [2025, 2025],
                "kind": ["benchmark_share"] * 2,
                "required": [0.5, 0.5],
                "met": [s >= 0.5 for s in shares],
                "achieved": shares,
            }
        ).to_csv(folder / "targets.csv", index=False)
        return folder

    out = compare_runs([run("a", [0.6, 0.7]), run("b", [0.55, 0.4])], tmp_path / "cmp")
    targets = pd.read_csv(out / "targets.csv").set_index("group")
    assert len(targets) == 2
    assert targets.loc["flat_glass", "achieved:a"] == 0.7 and targets.loc["flat_glass", "achieved:b"] == 0.4
    assert not bool(targets.loc["flat_glass", "met:b"])
    zh = (out / "compare.zh.html").read_text(encoding="utf-8")
    assert "<td>平板玻璃</td>" in zh and "None" not in zh
