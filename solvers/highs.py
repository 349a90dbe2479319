"""HiGHS through highspy, run in a child process under a hard wall-clock limit.

HiGHS was seen to overrun its own ``time_limit`` on large models, so the solve runs in a child
process: HiGHS gets the time limit, and the parent kills the child ``hard_limit_grace_s`` later
if it has not returned. Every improving MIP solution is streamed to the parent through the
MIP-improving-solution callback, so a killed solve still returns its best incumbent and bound.
"""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import queue
import signal
import sys
import threading
import time
from typing import Any

import numpy as np

from optimizer.solvers.base import (
    Feature,
    SolveResult,
    SolverOptions,
    StandardForm,
    Status,
    relative_gap,
)

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
_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}
WATCHDOG_EVERY_S = 0.5
"""How often a solver child checks that its parent is still alive (the fallback for
PR_SET_PDEATHSIG, which is Linux only and tied to the forking thread)."""

STOP = threading.Event()
"""Set once a solve was interrupted (Ctrl-C, SIGTERM): every later solve of this process stops
at once, so a run that keeps its interrupted plan does not start another solve (the warm
start's LP, a myopic milestone, the infeasibility diagnosis)."""


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
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)  # blocked by the parent for the fork
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


def _child(
    form: StandardForm,
    options: SolverOptions,
    start: np.ndarray | None,
    relax: bool,
    out: Any,
    racer: int = 0,
    parent_pid: int | None = None,
    parent_death_signal: bool = False,
) -> None:
    import highspy

    if parent_pid is not None:
        _die_with_parent(parent_pid, parent_death_signal)
    else:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
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

    if form.integer.any() and not relax:
        h.cbMipImprovingSolution.subscribe(on_improving)
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


def _conclusive(status_text: str) -> bool:
    """A racer's final status that ends the race: proven optimal, infeasible or unbounded."""
    text = status_text.lower()
    return text == "optimal" or "infeasible" in text or "unbounded" in text


class HighsSolver:
    """HiGHS adapter: MIP, warm start, duals of the fixed LP, hard wall-clock limit."""

    name = "highs"
    features = frozenset({Feature.MIP, Feature.WARM_START, Feature.DUALS, Feature.HARD_WALL_CLOCK})

    def solve(
        self, form: StandardForm, options: SolverOptions, start: np.ndarray | None = None
    ) -> SolveResult:
        return self._run(form, options, start, relax=False)

    def solve_lp_duals(self, form: StandardForm, options: SolverOptions) -> SolveResult:
        """Solve ``form`` as an LP (integrality dropped) and return row duals."""
        return self._run(form, options, None, relax=True)

    def _run(
        self, form: StandardForm, options: SolverOptions, start: np.ndarray | None, relax: bool
    ) -> SolveResult:
        # fork: no re-import of the caller (scripts need no __main__ guard) and no start-up cost;
        # the child only runs HiGHS, never numba, so inherited thread pools are not used.
        if STOP.is_set():
            raise KeyboardInterrupt("a solve of this process was interrupted")
        ctx = mp.get_context("fork")
        channel = ctx.Queue()
        racers = 1 if relax or not form.integer.any() else max(1, int(options.race))
        main_thread = threading.current_thread() is threading.main_thread()
        children = [
            ctx.Process(
                target=_child,
                args=(form, options, start, relax, channel, i, os.getpid(), main_thread),
                daemon=True,
            )
            for i in range(racers)
        ]
        t0 = time.perf_counter()
        # a child forked while the parent's Ctrl-C/SIGTERM handler is still its own would raise
        # KeyboardInterrupt (and print a traceback) if stopped before it resets its handlers:
        # the signals stay blocked across the fork and the child unblocks them once it has
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
        try:
            for child in children:
                child.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        deadline = t0 + options.time_limit_s + options.hard_limit_grace_s
        best: tuple[float, float, np.ndarray] | None = None
        bounds = [-np.inf] * racers
        finals: dict[int, tuple] = {}
        winner: tuple | None = None
        pooled = False
        interrupted = False

        def take(message: tuple) -> None:
            nonlocal best, winner
            racer, kind = message[0], message[1]
            if kind == "incumbent":
                _, _, objective, bound, x = message
                bounds[racer] = max(bounds[racer], bound)
                if best is None or objective <= best[0]:
                    best = (objective, bound, x)
            elif kind == "bound":
                bounds[racer] = max(bounds[racer], message[2])
            if kind in {"incumbent", "bound"} and options.progress is not None:
                top = max(bounds)
                options.progress(
                    time.perf_counter() - t0,
                    best[0] if best is not None else None,
                    top if np.isfinite(top) else None,
                )
            if kind == "final":
                finals[racer] = message[2:]
                if racers == 1 or _conclusive(message[2]):
                    winner = message[2:]

        try:
            while winner is None and len(finals) < racers:
                remaining = deadline - time.perf_counter()
                if remaining <= 0:
                    break
                try:
                    message = channel.get(timeout=min(remaining, 0.5))
                except queue.Empty:
                    if not any(c.is_alive() for c in children) and channel.empty():
                        break
                    continue
                take(message)
                if racers > 1 and best is not None and winner is None:
                    # Each racer's bound is valid for the same model, so the best of them with
                    # the best incumbent of any racer is a proven gap.
                    gap = relative_gap(best[0], max(bounds))
                    pooled = gap is not None and gap <= options.mip_rel_gap
                    if pooled:
                        break
        except KeyboardInterrupt:
            # Ctrl-C or SIGTERM: keep what the children have streamed so far (every improving
            # incumbent arrives through the callback), then stop them below.
            interrupted = True
            STOP.set()
            for _ in range(10_000):
                try:
                    take(channel.get_nowait())
                except (queue.Empty, OSError, EOFError, ValueError):
                    break
            if relax:
                self._stop(children)
                raise
        wall = time.perf_counter() - t0
        self._stop(children)
        if interrupted:
            result = self._pool(best, bounds, finals, None, False, wall, options.mip_rel_gap)
            result.interrupted = True
            result.termination = "interrupted (Ctrl-C or SIGTERM)" + (
                ": best incumbent so far" if result.has_solution else ", no incumbent"
            )
            return result
        if winner is None and racers == 1 and 0 in finals:
            winner = finals[0]
        if winner is not None and racers == 1:
            status_text, objective, bound, x, duals, seconds = winner
            return self._result(
                status_text, objective, bound, x, duals, seconds, wall, relax, options.mip_rel_gap
            )
        return self._pool(best, bounds, finals, winner, pooled, wall, options.mip_rel_gap)

    @staticmethod
    def _stop(children: list) -> None:
        for child in children:
            if child.is_alive():
                child.terminate()
        for child in children:
            child.join(5)
            if child.is_alive():  # SIGTERM ignored or stuck in a system call
                child.kill()
                child.join(5)

    def _pool(
        self,
        best: tuple[float, float, np.ndarray] | None,
        bounds: list[float],
        finals: dict[int, tuple],
        winner: tuple | None,
        pooled: bool,
        wall: float,
        requested_gap: float,
    ) -> SolveResult:
        """One result from racing runs (or a killed single run): best incumbent, best bound."""
        killed = winner is None and not pooled and len(finals) < len(bounds)
        for _text, objective, bound, x, _duals, _seconds in finals.values():
            if bound is not None:
                bounds.append(bound)
            if x is not None and objective is not None and (best is None or objective <= best[0]):
                best = (objective, bound if bound is not None else -np.inf, x)
        if winner is not None and not winner[0].lower().startswith("optimal"):
            # infeasible or unbounded is conclusive for every racer
            return self._result(winner[0], None, None, None, None, winner[5], wall, False, requested_gap)
        if best is None:
            text = "hard wall-clock limit, no incumbent" if killed else "time limit, no incumbent"
            return SolveResult(Status.NO_SOLUTION, text, wall_seconds=wall, killed_at_hard_limit=killed)
        objective, _, x = best
        bound = max(b for b in bounds if np.isfinite(b)) if any(np.isfinite(b) for b in bounds) else None
        gap = relative_gap(objective, bound)
        status = Status.OPTIMAL if gap is not None and gap <= requested_gap else Status.FEASIBLE
        if pooled:
            text = "gap reached by the racers' pooled incumbent and bound"
        elif winner is not None:
            text = "optimal (first racer to prove the gap)"
        else:
            text = "hard wall-clock limit" if killed else "time limit"
        return SolveResult(
            status,
            text,
            objective=objective,
            bound=bound,
            gap=gap,
            x=x,
            wall_seconds=wall,
            solve_seconds=wall,
            killed_at_hard_limit=killed,
        )

    @staticmethod
    def _result(
        status_text: str,
        objective: float | None,
        bound: float | None,
        x: np.ndarray | None,
        duals: np.ndarray | None,
        seconds: float,
        wall: float,
        relax: bool,
        requested_gap: float,
    ) -> SolveResult:
        text = status_text.lower()
        if "infeasible" in text and "unbounded" not in text:
            status = Status.INFEASIBLE
        elif "unbounded" in text:
            status = Status.UNBOUNDED
        elif x is None:
            status = Status.NO_SOLUTION
        elif text == "optimal":
            status = Status.OPTIMAL
        else:
            status = Status.FEASIBLE
        gap = 0.0 if relax and status is Status.OPTIMAL else relative_gap(objective, bound)
        if status is Status.FEASIBLE and gap is not None and gap <= requested_gap:
            status = Status.OPTIMAL
        return SolveResult(
            status,
            status_text,
            objective=objective,
            bound=bound,
            gap=gap,
            x=x,
            row_duals=duals,
            solve_seconds=seconds,
            wall_seconds=wall,
        )
