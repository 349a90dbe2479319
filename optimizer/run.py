"""The main job: build, solve, verify and report a plan for one instance (perfect foresight
here, myopic in :mod:`optimizer.myopic`; the stages in :mod:`optimizer.instance_model`,
:mod:`optimizer.solve`, :mod:`optimizer.write` and :mod:`optimizer.console`)."""

from __future__ import annotations

import time

import numpy as np
from rich.console import Console

from optimizer.console import print_summary
from optimizer.console_text import build_stage, say
from optimizer.data.instance import Instance
from optimizer.evaluator.packages import PackageSet
from optimizer.instance_model import build_instance_model
from optimizer.myopic import solve_myopic
from optimizer.overrides import apply_overrides
from optimizer.run_options import PlanResult, RunOptions
from optimizer.solve import solve_built
from optimizer.solvers.stop import raise_if_stopped


def solve_instance(
    instance: Instance,
    options: RunOptions,
    packages: PackageSet | None = None,
    start: np.ndarray | None = None,
) -> PlanResult:
    """Build the model, solve it, re-evaluate the plan and check every target.

    ``packages`` reuses a package set (e.g. :func:`recost_packages` of a base scenario, so the
    model keeps its structure) and ``start`` gives HiGHS a starting point for that structure
    (e.g. the previous scenario's ``result.solve.x``); without ``start`` the warm start of
    :func:`optimizer.solvers.warm_start.starting_plan` is used when ``options.warm_start``.
    """
    t_start = time.perf_counter()
    timings: dict[str, float] = {}
    instance = apply_overrides(instance, options.carbon_price, options.overrides)
    if options.mode == "myopic":
        return solve_myopic(instance, options, packages, timings, t_start)
    if options.mode != "perfect":
        raise ValueError(f"unknown mode {options.mode!r} (expected perfect or myopic)")
    if options.progress is not None:
        options.progress.stage(build_stage(options.progress.lang, instance.name, len(instance.lines)))
    built = build_instance_model(instance, timings, packages)
    raise_if_stopped()  # a stop during the build that a library swallowed (solvers/stop.py)
    if options.progress is not None:
        c = built.counts
        options.progress.stage(say(options.progress.lang, "stage_built", seconds=sum(timings.values()), **c))
    return solve_built(instance, built, options, start, timings, t_start)


def run_plan(instance: Instance, options: RunOptions, console: Console) -> int:
    """The CLI's default action: solve, print the summary, write the outputs."""
    from optimizer.write import write_run

    result = solve_instance(instance, options)
    print_summary(instance, result, console, options)
    if options.write:
        write_run(instance, options, result, console)
    return result.exit_code
