"""What a Dask worker runs: one scenario per task, never raising.

A scenario that only changes prices, costs, emission factors, demand or target values re-costs
the sweep's package set of its base (``recost_packages``: same columns for every scenario, see
:mod:`optimizer.sweep.packages`) and starts HiGHS from the last plan this worker thread solved
on that base (warm path: the "persistent model"); any other scenario enumerates its own
packages and starts from the warm start of optimizer.solvers.warm_start (cold path). Every failure,
including a scenario whose edited tables are invalid or a solver that hits its time limit,
becomes a record with its reason.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from optimizer.data.instance import Instance
from optimizer.data.load import load_instance
from optimizer.errors import InputError
from optimizer.evaluator.packages import PackageSet, build_packages, recost_packages
from optimizer.instance_model import build_instance_model
from optimizer.run_options import PlanResult, RunOptions
from optimizer.solve import solve_built
from optimizer.sweep.bases import BaseTables, materialize
from optimizer.sweep.check import scenario_tables
from optimizer.sweep.records import Record, decisions_summary, now_utc, number_or_none, target_rows
from optimizer.sweep.spec import Parameter


@dataclass(frozen=True)
class ScenarioTask:
    """Everything a worker needs besides the base tables (sent once per worker)."""

    scenario_id: str
    base: str
    design_index: int
    role: str
    values: dict[str, Any]
    parameters: dict[str, Parameter]
    warm: bool  # every changed address keeps the package structure
    verify_cold: bool
    time_limit_s: float
    gap: float
    run_id: str
    spec_digest: str


@dataclass
class _BaseState:
    """Per thread and base: the base package set and the last plan solved on it."""

    folder: Any
    packages: PackageSet | None = None
    last_x: np.ndarray | None = None
    last_structure: str | None = None  # the package set last_x belongs to


def structure_key(packages: PackageSet) -> str:
    """Identity of a package set's columns: a start is reused only on the same structure
    (two sweeps on one long-lived cluster may share a base but not its package set)."""
    h = hashlib.sha1(np.ascontiguousarray(packages.line_pos, dtype=np.int64).tobytes())
    h.update(repr(packages.techs).encode())
    return h.hexdigest()


_local = threading.local()


def _state(base: BaseTables) -> _BaseState:
    states: dict[str, _BaseState] = getattr(_local, "states", None) or {}
    _local.states = states
    if base.digest not in states:
        states[base.digest] = _BaseState(materialize(base))
    return states[base.digest]


def _options(task: ScenarioTask) -> RunOptions:
    # one HiGHS thread: the cluster runs one task per core, more threads would oversubscribe
    return RunOptions(
        time_limit_s=task.time_limit_s,
        gap=task.gap,
        threads=1,
        shadow_prices=False,
        write=False,
        warm_start=True,
    )


def _solve(
    instance: Instance, packages: PackageSet | None, start: np.ndarray | None, options: RunOptions
) -> tuple[PlanResult, str]:
    """Build and solve; the start is used only if it fits the model's columns."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    built = build_instance_model(instance, timings, packages)
    if start is not None and len(start) != built.form.shape[1]:
        start = None  # structure changed after all (e.g. a target row family vanished)
    result = solve_built(instance, built, options, start, timings, t0)
    return result, ("previous" if start is not None else "relax_and_round")


def run_scenario(task: ScenarioTask, base: BaseTables, packages: PackageSet | None = None) -> Record:
    """Solve one scenario and describe the outcome; exceptions become failure records.

    ``packages`` is the sweep's package set of the base (warm scenarios); without it a warm
    scenario re-costs the base's own package set, built once per worker thread.
    """
    t0 = time.perf_counter()
    record = Record()
    record.values.update(
        scenario_id=task.scenario_id,
        base=task.base,
        design_index=task.design_index,
        role=task.role,
        run_id=task.run_id,
        spec_digest=task.spec_digest,
        base_digest=base.digest,
        pid=os.getpid(),
        worker=_worker_name(),
        inputs=[
            {
                "name": name,
                "address": str(task.parameters[name].address),
                "change": task.parameters[name].change,
                "value": str(value),
            }
            for name, value in task.values.items()
        ],
    )
    record.inputs = {name: number_or_none(task.values.get(name)) for name in task.parameters}
    try:
        _limit_numba_threads()
        state = _state(base)
        try:
            tables = scenario_tables(base, task.parameters, task.values)
            instance = load_instance(state.folder, overrides=tables or None)
        except InputError as error:
            return _failed(record, t0, "invalid_input", 1, f"the scenario's tables are invalid: {error}")
        options = _options(task)
        t1 = time.perf_counter()
        if task.warm:
            if packages is None and state.packages is None:
                state.packages = build_packages(load_instance(state.folder))
            shared = packages if packages is not None else state.packages
            assert shared is not None
            mine = recost_packages(shared, instance)
            path = "warm"
        else:
            mine = build_packages(instance)
            path = "cold"
        record.values["time_packages_s"] = time.perf_counter() - t1
        structure = structure_key(mine) if task.warm else None
        previous = state.last_x if task.warm and state.last_structure == structure else None
        result, start = _solve(instance, mine, previous, options)
        if task.warm and result.solve is not None and result.solve.x is not None:
            state.last_x, state.last_structure = result.solve.x, structure
        _fill(record, instance, result, path, start)
        if task.verify_cold and path == "warm":
            t2 = time.perf_counter()
            cold, _ = _solve(instance, build_packages(instance), None, options)
            record.values["time_cold_total_s"] = time.perf_counter() - t2
            record.values["cold_objective_cny"] = cold.objective_cny
            if cold.plan is not None:
                cold_hash = decisions_summary(instance, cold.plan)["decisions_hash"]
                record.values["cold_decisions_hash"] = cold_hash
                record.values["cold_same_decisions"] = cold_hash == record.values.get("decisions_hash")
    except Exception as error:
        last = traceback.format_exception_only(type(error), error)[-1].strip()
        return _failed(record, t0, "error", 1, f"{last} (in {_where(error)})")
    record.values["time_total_s"] = time.perf_counter() - t0
    record.values["finished_at"] = now_utc()
    return record


def _fill(record: Record, instance: Instance, result: PlanResult, path: str, start: str) -> None:
    v = record.values
    v.update(
        status=result.status,
        exit_code=result.exit_code,
        final=True,
        reason="; ".join(m for m in result.messages if not m.startswith("warm start")) or None,
        objective_cny=result.objective_cny,
        npv_cny=result.npv_cny,
        mip_gap=number_or_none(result.mip_gap),
        bound_cny=number_or_none(result.bound_cny),
        path=path,
        start=start,
        time_solve_s=result.timings.get("solve_s"),
    )
    if result.relaxation is not None and not result.relaxation.empty and "note" in result.relaxation:
        structural = result.relaxation[result.relaxation["target"] == "(structural)"]
        if not structural.empty:
            v["reason"] = str(structural["note"].iloc[0])
        else:
            v["reason"] = "the targets cannot all be met; least relaxation: " + ", ".join(
                f"{t}@{int(y)} by {x:.3g}"
                for t, y, x in zip(
                    result.relaxation["target"],
                    result.relaxation["year"],
                    result.relaxation["relaxation"],
                    strict=True,
                )
            )
    if result.status in {"infeasible", "no_solution", "unbounded", "error"} and not v["reason"]:
        termination = result.solve.termination if result.solve else ""
        v["reason"] = {
            "infeasible": "the targets cannot all be met",
            "no_solution": f"no plan within the time limit ({termination})",
        }.get(result.status, result.status)
    if result.relaxation is not None and "relaxation" in result.relaxation:
        # infeasible: the targets that must give way, and by how much (relative units)
        relaxation = result.relaxation.dropna(subset=["year", "relaxation"])
        needed = relaxation["needed"].fillna("") if "needed" in relaxation else [""] * len(relaxation)
        v["relaxed_targets"] = [
            {"target": str(t), "year": int(y), "relaxation": float(x), "needed": str(n)}
            for t, y, x, n in zip(
                relaxation["target"],
                relaxation["year"].to_numpy(float),
                relaxation["relaxation"].to_numpy(float),
                needed,
                strict=True,
            )
        ]
    if result.evaluation is not None:
        co2 = result.evaluation.total_co2_t()
        record.emissions = {int(y): float(c) for y, c in zip(co2.index, co2.to_numpy(), strict=True)}
    if result.targets is not None:
        rows = target_rows(result.targets)
        v["targets"] = rows
        checked = [r for r in rows if r["met"] is not None]
        v["targets_checked"] = len(checked)
        v["targets_met"] = sum(1 for r in checked if r["met"])
        v["all_hard_met"] = all(r["met"] for r in checked if r["hard"])
    if result.plan is not None:
        v.update(decisions_summary(instance, result.plan))


def _failed(record: Record, t0: float, status: str, code: int, reason: str) -> Record:
    record.values.update(status=status, exit_code=code, final=True, reason=reason)
    record.values["time_total_s"] = time.perf_counter() - t0
    record.values["finished_at"] = now_utc()
    return record


def infrastructure_failure(task: ScenarioTask, reason: str) -> Record:
    """A record for a task the cluster lost (worker died, cancelled): retried by --resume."""
    record = Record()
    record.values.update(
        scenario_id=task.scenario_id,
        base=task.base,
        design_index=task.design_index,
        role=task.role,
        status="lost",
        exit_code=-1,
        final=False,
        reason=reason,
        run_id=task.run_id,
        spec_digest=task.spec_digest,
        finished_at=now_utc(),
    )
    record.inputs = {name: number_or_none(task.values.get(name)) for name in task.parameters}
    return record


def _where(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return "?"
    last = frames[-1]
    return f"{os.path.basename(last.filename)}:{last.lineno}"


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):
        return f"pid {os.getpid()}"


def _limit_numba_threads() -> None:
    # one scenario per core already uses every core; numba's parallel kernels would oversubscribe
    import numba

    if numba.get_num_threads() != 1:
        numba.set_num_threads(1)


def scenario_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Plain Python values (numpy scalars do not round-trip through every serializer)."""
    return {k: (float(v) if isinstance(v, (np.floating, np.integer)) else v) for k, v in values.items()}
