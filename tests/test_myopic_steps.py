"""Myopic runs report each step and are never more optimal than their worst step."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from optimizer.cli import app
from optimizer.myopic import worst_of_steps
from optimizer.run_options import PlanResult

runner = CliRunner()


def _last(status: str, gap: float) -> PlanResult:
    return PlanResult(status, 0, 1.0, 1.0, gap, 1.0, None, None, None, None, {}, {})


def test_a_time_limited_step_makes_the_run_feasible_not_optimal() -> None:
    steps = [
        {"year": 2025, "status": "feasible", "mip_gap": 0.03, "solve_s": 60.0},
        {"year": 2030, "status": "optimal", "mip_gap": 0.0, "solve_s": 1.0},
    ]
    result = worst_of_steps(_last("optimal", 0.0), steps)
    assert result.status == "feasible"
    assert result.mip_gap == 0.03  # the worst step's gap, not the last step's 0
    assert result.steps == steps
    assert any("myopic step 2025 ended feasible" in m for m in result.messages)


def test_all_optimal_steps_keep_the_run_optimal() -> None:
    steps = [
        {"year": 2025, "status": "optimal", "mip_gap": 0.0005, "solve_s": 1.0},
        {"year": 2030, "status": "optimal", "mip_gap": 0.0, "solve_s": 1.0},
    ]
    result = worst_of_steps(_last("optimal", 0.0), steps)
    assert result.status == "optimal" and result.mip_gap == 0.0005 and result.messages == []


def test_myopic_summary_has_one_entry_per_model_year(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    done = runner.invoke(
        app,
        ["--instance", str(tiny), "--mode", "myopic", "--out", str(out), "--no-report", "--time-limit", "60"],
    )
    assert done.exit_code == 0, done.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert [s["year"] for s in summary["steps"]] == [2025, 2027, 2030]  # tiny's model years
    assert all(s["status"] == "optimal" for s in summary["steps"])
    assert summary["status"] == "optimal" and summary["gap_met"] is True
