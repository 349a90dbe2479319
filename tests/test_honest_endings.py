"""Honest endings: one default gap, the gap reached recorded, time-limit stops said, no solver
banners, progress lines while a run works."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from optimizer.report.data import RunData
from optimizer.report.html import gap_warning
from optimizer.run_options import DEFAULT_GAP, RunOptions, gap_reached
from optimizer.solve import time_limit_message
from optimizer.solvers.base import SolveResult, Status

DATA = Path(__file__).parent / "data"


def test_one_default_gap_the_readme_s() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert DEFAULT_GAP == 1e-3 and RunOptions().gap == DEFAULT_GAP and "0.1 %" in readme
    result = subprocess.run(
        [sys.executable, "-m", "optimizer", "--help"], capture_output=True, text=True, check=True
    )
    assert "0.001" in result.stdout


def test_time_limit_ending_is_said() -> None:
    stopped = SolveResult(Status.FEASIBLE, "time limit", objective=100.0, bound=99.8, gap=2e-3, x=np.zeros(1))
    proven = SolveResult(Status.OPTIMAL, "optimal", objective=100.0, bound=99.95, gap=5e-4, x=np.zeros(1))
    assert not gap_reached(stopped, 1e-3) and gap_reached(proven, 1e-3)
    # optimal without a bound (an LP, a MIP with every integer fixed) is proven; a plan
    # without a bound that the solver did not call optimal is not
    fixed = SolveResult(Status.OPTIMAL, "optimal", objective=100.0, x=np.zeros(1))
    unbounded_search = SolveResult(Status.FEASIBLE, "time limit", objective=100.0, x=np.zeros(1))
    assert gap_reached(fixed, 1e-3) and not gap_reached(unbounded_search, 1e-3)
    text = time_limit_message(stopped, RunOptions(time_limit_s=120, gap=1e-3))
    assert "0.200%" in text and "0.100%" in text and "120s" in text
    data = RunData(
        Path("."),
        "zh",
        {"gap_met": False, "gap_requested": 1e-3, "gap_reached": 2e-3, "evaluator_npv_cny": 1.0},
        None,
        None,
        None,
        None,
        None,
        None,
    )
    assert "0.20%" in gap_warning(data) and "未达到" in gap_warning(data)
    data.summary["gap_met"] = True
    assert gap_warning(data) == ""


def test_cli_run_is_quiet_and_shows_progress(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "optimizer",
            "--instance",
            str(DATA / "tiny"),
            "--time-limit",
            "60",
            "--out",
            str(out),
            "--no-report",
            "--race",
            "1",
            "--lang",  # the stage lines below are the English ones (zh: tests/test_planner_zh.py)
            "en",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Copyright" not in result.stdout + result.stderr  # no HiGHS banner without -v
    assert "technology packages and model" in result.stdout and "solving to a 0.10% gap" in result.stdout
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["gap_requested"] == 1e-3 and summary["gap_reached"] <= 1e-3 and summary["gap_met"]
    assert (out / "target_prices.csv").exists() and (out / "schedule.csv").exists()
    verbose = subprocess.run(
        [
            sys.executable,
            "-m",
            "optimizer",
            "--instance",
            str(DATA / "tiny"),
            "--time-limit",
            "60",
            "--out",
            str(tmp_path / "v"),
            "--no-report",
            "--race",
            "1",
            "--no-target-costs",
            "-v",
        ],
        capture_output=True,
        text=True,
    )
    assert verbose.returncode == 0 and "HiGHS" in verbose.stdout  # -v shows the solver's log


def test_progress_plain_lines_improve_or_wait() -> None:
    """Off a terminal: a line per better plan, bound-only updates at most every LOG_EVERY_S."""
    import io

    from rich.console import Console

    from optimizer.progress import Progress

    buffer = io.StringIO()
    progress = Progress(Console(file=buffer, width=200), live=False)
    progress.known_plan(110e8)  # the warm start's plan
    progress.solver(1.0, None, 100e8)  # first update: printed, best from the warm start
    progress.solver(1.5, None, 100.5e8)  # bound only, too soon: not printed
    progress.solver(2.0, 105e8, 101e8)  # a better plan: printed
    lines = buffer.getvalue().strip().splitlines()
    assert len(lines) == 2
    assert "best plan 110.0000 亿元" in lines[0] and "gap 9.091%" in lines[0]
    assert "best plan 105.0000 亿元" in lines[1] and "bound 101.0000 亿元" in lines[1]
