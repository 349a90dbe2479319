"""Options of a run and what it produced: one type each for every run path."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.evaluator.api import Evaluation
from optimizer.evaluator.plan import Plan
from optimizer.progress import Progress
from optimizer.solvers.base import SolveResult, Status

DEFAULT_GAP = 1e-3
"""The one default relative MIP gap (0.1 %, as the README promises), for the CLI and RunOptions."""

VERIFY_REL_TOL = 1e-6
"""Model objective and evaluator NPV must agree to this relative tolerance."""


def default_race() -> int:
    """Two racers when there are two cores (HiGHS and the neighbourhood search): one is idle
    otherwise (HiGHS's MIP search is mostly single-threaded)."""
    return 2 if (os.cpu_count() or 1) >= 2 else 1


def oversubscribed(threads: int, race: int, cores: int | None = None) -> bool:
    """More solver threads than cores: ``race`` racers of ``threads`` each.

    Measured on chongqing (2 cores, two racers of 2 threads): the bound stayed at the LP, 0.390 %,
    for all 150 s, where the default (one thread each) proved 0.088 % in 46 s."""
    cores = (os.cpu_count() or 1) if cores is None else cores
    return threads > 1 and race > 1 and threads * race > cores


def gap_reached(result: SolveResult, requested: float) -> bool:
    """The search ended within the requested gap (a proven optimum to that tolerance).

    A solver that says optimal without a bound (an LP, or a MIP whose integers are all fixed,
    as the alternatives' fixed re-solve) has proven its optimum: it counts as reached.
    """
    if result.gap is None:
        return result.status is Status.OPTIMAL
    return result.gap <= requested * (1 + 1e-9)


@dataclass
class RunOptions:
    out: Path | None = None
    time_limit_s: float = 300.0
    gap: float = DEFAULT_GAP
    threads: int = 0
    seed: int = 0
    race: int = 1  # racers: HiGHS, the neighbourhood search, more HiGHS seeds (SolverOptions.race)
    carbon_price: float | None = None
    overrides: list[str] = field(default_factory=list)
    mode: str = "perfect"
    workers: int = 2  # a decomposed run's dask workers (optimizer/decompose.py)
    scheduler: str | None = None  # a decomposed run's dask scheduler address (None: a local cluster)
    warm_start: bool = True
    verbose: bool = False
    write: bool = True
    shadow_prices: bool = True
    target_costs: bool = False  # re-solve without each binding target (the CLI turns it on)
    report: bool = False  # the CLI turns it on unless --no-report
    report_lang: str = "zh"
    started_at: float | None = None  # time.perf_counter() when the command started: time_limit_s
    # then bounds the whole command (reading, packages, build, solve, diagnosis), not the solve
    progress: Progress | None = None  # stage lines and live solver updates (optimizer/progress.py)


@dataclass
class PlanResult:
    """Everything a run produced, for the CLI, tests and benchmarks."""

    status: str
    exit_code: int
    objective_cny: float | None
    npv_cny: float | None
    mip_gap: float | None
    bound_cny: float | None
    solve: SolveResult | None
    plan: Plan | None
    evaluation: Evaluation | None
    targets: pd.DataFrame | None
    timings: dict[str, float]
    counts: dict[str, int]
    relaxation: pd.DataFrame | None = None
    shadow_prices: pd.DataFrame | None = None
    out_dir: Path | None = None
    messages: list[str] = field(default_factory=list)
    package_stats: pd.DataFrame | None = None  # per line: candidates, enumerated, pareto, kept
    target_prices: pd.DataFrame | None = None  # per target row: binding, price, cost (target_prices.py)
    steps: list[dict[str, Any]] | None = None  # myopic runs: status, gap and time of each step

    @classmethod
    def without_plan(
        cls,
        status: str,
        exit_code: int,
        solve: SolveResult,
        timings: dict[str, float],
        counts: dict[str, int],
        bound_cny: float | None = None,
        **extra: Any,
    ) -> PlanResult:
        """A run that ended with no plan (infeasible, or no incumbent in time)."""
        return cls(
            status, exit_code, None, None, None, bound_cny, solve, None, None, None, timings, counts, **extra
        )
