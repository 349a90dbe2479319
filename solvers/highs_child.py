"""One HiGHS run inside a solver child process, reporting to its parent through a queue.

The child builds the HiGHS model (costs scaled by a power of two), sets the options (each
racer its own seed and heuristic effort), streams every improving incumbent and, while racing,
its dual bound, and ends with a ``final`` message. It dies with its parent however the parent
ends. The parent side, which races, pools and kills children, is :mod:`optimizer.solvers.highs`.
"""

from __future__ import annotations

import ctypes
import os
import queue
import signal
import sys
import threading
import time
from typing import Any

import numpy as np

from optimizer.solvers.base import SolverOptions, StandardForm

_INF = 1e30


def _to_highs_bounds(values: np.ndarray) -> np.ndarray:
    return np.clip(np.nan_to_num(values, nan=0.0, posinf=_INF, neginf=-_INF), -_INF, _INF)


def _build(form: StandardForm, relax: bool, verbose: bool = False) -> tuple[Any, float]:
    """A HiGHS object holding ``form`` with its costs times a power of two, and that factor.

    Every objective value, bound and dual HiGHS reports must be divided by the factor
    (:func:`objective_scale_exponent`); a power of two keeps the scaling exact.
    """
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", bool(verbose))
    A = form.A.tocsc()
    A.sort_indices()
    n_rows, n_cols = form.shape
    lp = highspy.HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = n_rows
    factor = 2.0 ** objective_scale_exponent(form.c)
    lp.col_cost_ = form.c.astype(np.float64) * factor
    lp.offset_ = float(form.offset) * factor
    lp.col_lower_ = _to_highs_bounds(form.col_lower)
    lp.col_upper_ = _to_highs_bounds(form.col_upper)
    lp.row_lower_ = _to_highs_bounds(form.row_lower)
    lp.row_upper_ = _to_highs_bounds(form.row_upper)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = A.indptr.astype(np.int32)
    lp.a_matrix_.index_ = A.indices.astype(np.int32)
    lp.a_matrix_.value_ = A.data.astype(np.float64)
    lp.a_matrix_.num_col_ = n_cols
    lp.a_matrix_.num_row_ = n_rows
    if not relax and form.integer.any():
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in form.integer
        ]
    h.passModel(lp)
    return h, factor


OBJECTIVE_TARGET_MAX = 5e5
"""Largest |cost| HiGHS should see after user objective scaling. Plan costs run to 1e9 CNY per
unit (capex of a kiln line) and HiGHS warns that its dual feasibility tolerance (1e-7) is then
1e16 times smaller; scaling the costs by a power of two (exact; every figure reported is unscaled) cut
zhejiang's root LP from 21.0 s to 7.4 s (41 575 to 29 528 simplex iterations, same optimum)."""


def objective_scale_exponent(c: np.ndarray) -> int:
    """The power of two that brings max |c| to about 5e5 (0: none)."""
    largest = float(np.max(np.abs(c))) if len(c) else 0.0
    if largest <= OBJECTIVE_TARGET_MAX:
        return 0
    return -int(np.ceil(np.log2(largest / OBJECTIVE_TARGET_MAX)))


BOUND_REPORT_EVERY_S = 1.0
"""How often a racing child reports its dual bound (pooled bounds can end a race early)."""

RACER_HEURISTIC_EFFORT = 0.3
"""HiGHS's ``mip_heuristic_effort`` for every racer but the first (HiGHS default: 0.05), so the
race is over two strategies, not only two seeds. Measured single runs to 0.1 %, seeds 0 and 1,
default vs 0.3: guizhou 76/84 s vs 27/27 s, xinjiang 31/92 s vs 31/28 s, chongqing 15/14 s vs
17/17 s, zhejiang (seeds 1, 2) 49/115 s vs 49/93 s; 0.3 also found better incumbents."""


PR_SET_PDEATHSIG = 1  # linux/prctl.h
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}
WATCHDOG_EVERY_S = 0.5
"""How often a solver child checks that its parent is still alive (the fallback for
PR_SET_PDEATHSIG, which is Linux only and tied to the forking thread)."""


def _die_with_parent(parent_pid: int, parent_death_signal: bool) -> None:
    """Make a solver child end when its parent ends, however the parent ends (SIGKILL too).

    ``daemon=True`` only helps when the parent exits normally. On Linux the kernel sends
    SIGKILL to the child when the forking thread dies (PR_SET_PDEATHSIG); the caller asks for
    it only when forking from the main thread, since a pool thread that retires would take the
    child with it. A watchdog thread (HiGHS releases the GIL while it runs) also exits the child
    as soon as it is re-parented, on any platform. Keyboard interrupts are the parent's to
    handle: the child ignores SIGINT (a terminal sends it to the whole process group) and
    dies on SIGTERM, which is how the parent stops it.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)  # blocked by the parent for the fork
    if parent_death_signal and sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the watchdog below still holds
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)

    def watchdog() -> None:
        while True:
            time.sleep(WATCHDOG_EVERY_S)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watchdog, name="parent-watchdog", daemon=True).start()


def latest(inbox: Any) -> tuple[float, np.ndarray] | None:
    """The cheapest plan waiting in ``inbox`` (others dropped), or None."""
    best = None
    while inbox is not None:
        try:
            plan = inbox.get_nowait()
        except (queue.Empty, OSError, EOFError, ValueError):
            break
        if best is None or plan[0] < best[0]:
            best = plan
    return best


def run_search_child(
    form: StandardForm,
    options: SolverOptions,
    start: np.ndarray,
    out: Any,
    racer: int,
    parent_pid: int,
    parent_death_signal: bool,
    inbox: Any,
) -> None:
    """Racer ``racer`` as a large-neighbourhood search from ``start`` (a full plan), reporting
    every cheaper plan on ``out`` and taking cheaper plans of the other racers from ``inbox``."""
    from optimizer.solvers.neighbourhood_search import search

    _die_with_parent(parent_pid, parent_death_signal)
    assert options.neighbourhoods is not None
    t0 = time.perf_counter()

    def on_better(objective: float, x: np.ndarray) -> None:
        out.put((racer, "incumbent", objective, -np.inf, x))

    objective, x = search(
        form,
        options.neighbourhoods,
        np.asarray(start, dtype=float),
        t0 + options.time_limit_s,
        on_better,
        incoming=lambda: latest(inbox),
        seed=options.seed + racer,
        on_bound=lambda bound: out.put((racer, "bound", bound)),
    )
    out.put((racer, "final", "time limit", objective, None, x, None, time.perf_counter() - t0))


def run_child(
    form: StandardForm,
    options: SolverOptions,
    start: np.ndarray | None,
    relax: bool,
    out: Any,
    racer: int = 0,
    parent_pid: int | None = None,
    parent_death_signal: bool = False,
    inbox: Any = None,
) -> None:
    """Solve ``form`` with HiGHS as racer ``racer`` and report on ``out`` (a child's target).

    ``inbox``: plans of the other racers, (objective, x), handed to HiGHS when it asks for a
    user solution (it does at the root and between nodes)."""
    import highspy

    if parent_pid is not None:
        _die_with_parent(parent_pid, parent_death_signal)
    else:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    if not (options.verbose and racer == 0):
        # HiGHS prints its copyright banner when the Highs object is created, before any
        # option can switch output off: silence this child's stdout (it reports on the queue)
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    h, factor = _build(form, relax, options.verbose and racer == 0)
    h.setOptionValue("time_limit", float(options.time_limit_s))
    h.setOptionValue("mip_rel_gap", float(options.mip_rel_gap))
    h.setOptionValue("random_seed", int(options.seed) + racer)
    if racer > 0:
        h.setOptionValue("mip_heuristic_effort", RACER_HEURISTIC_EFFORT)
    threads = options.threads if options.threads > 0 else (1 if options.race > 1 else 0)
    if threads > 0:
        h.setOptionValue("threads", int(threads))
    if start is not None and not relax:
        sol = highspy.HighsSolution()
        sol.col_value = list(np.asarray(start, dtype=float))
        sol.value_valid = True
        h.setSolution(sol)

    def on_improving(event: Any) -> None:
        data = event.data_out
        out.put(
            (
                racer,
                "incumbent",
                float(data.objective_function_value) / factor,
                float(data.mip_dual_bound) / factor,
                np.array(data.mip_solution, dtype=float),
            )
        )

    reported = {"bound": -np.inf, "at": 0.0}

    def on_interrupt(event: Any) -> None:
        bound = float(event.data_out.mip_dual_bound) / factor
        now = time.perf_counter()
        if bound > reported["bound"] and now - reported["at"] >= BOUND_REPORT_EVERY_S:
            reported.update(bound=bound, at=now)
            out.put((racer, "bound", bound))

    given = {"objective": np.inf}

    def on_user_solution(event: Any) -> None:
        plan = latest(inbox)
        if plan is not None and plan[0] < given["objective"]:
            given["objective"] = plan[0]
            event.data_in.setSolution(list(np.asarray(plan[1], dtype=float)))

    if form.integer.any() and not relax:
        h.cbMipImprovingSolution.subscribe(on_improving)
        if inbox is not None:
            h.cbMipUserSolution.subscribe(on_user_solution)
        if options.race > 1 or options.progress is not None:
            h.cbMipInterrupt.subscribe(on_interrupt)
    t0 = time.perf_counter()
    h.run()
    seconds = time.perf_counter() - t0
    model_status = h.getModelStatus()
    status_text = h.modelStatusToString(model_status)
    info = h.getInfo()
    x = None
    duals = None
    if info.primal_solution_status == 2:  # kSolutionStatusFeasible
        solution = h.getSolution()
        x = np.array(solution.col_value, dtype=float)
        if solution.dual_valid:
            duals = np.array(solution.row_dual, dtype=float) / factor
    bound = float(info.mip_dual_bound) / factor if form.integer.any() and not relax else None
    out.put(
        (
            racer,
            "final",
            status_text,
            float(info.objective_function_value) / factor if x is not None else None,
            bound,
            x,
            duals,
            seconds,
        )
    )
