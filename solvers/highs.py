"""HiGHS through highspy, run in a child process under a hard wall-clock limit.

HiGHS was seen to overrun its own ``time_limit`` on large models, so the solve runs in a child
process: HiGHS gets the time limit, and the parent kills the child ``hard_limit_grace_s`` later
if it has not returned. Every improving MIP solution is streamed to the parent through the
MIP-improving-solution callback, so a killed solve still returns its best incumbent and bound.
What runs inside the child is :mod:`optimizer.solvers.highs_child`.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import signal
import threading
import time

import numpy as np

from optimizer.solvers.base import (
    Feature,
    SolveResult,
    SolverOptions,
    StandardForm,
    Status,
    relative_gap,
)
from optimizer.solvers.highs_child import STOP_SIGNALS, run_child, run_search_child
from optimizer.solvers.stop import STOP, raise_if_stopped


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
        # a run that keeps its interrupted plan starts no other solve (the warm start's LP, a
        # myopic milestone, the infeasibility diagnosis)
        raise_if_stopped()
        ctx = mp.get_context("fork")
        channel = ctx.Queue()
        racers = 1 if relax or not form.integer.any() else max(1, int(options.race))
        main_thread = threading.current_thread() is threading.main_thread()
        # racers hand each other their plans; with neighbourhoods and a start, the second racer
        # searches them instead of running HiGHS a second time
        inboxes = [ctx.Queue() if racers > 1 else None for _ in range(racers)]
        for inbox in inboxes:
            if inbox is not None:  # a plan a stopped racer never read must not hold this process
                inbox.cancel_join_thread()
        hoods = options.neighbourhoods
        searcher = (
            1
            if racers > 1
            and start is not None
            and hoods is not None
            and len(hoods.line_of_col) == form.shape[1]
            else -1
        )
        children = [
            ctx.Process(
                target=run_search_child,
                args=(form, options, start, channel, i, os.getpid(), main_thread, inboxes[i]),
                daemon=True,
            )
            if i == searcher
            else ctx.Process(
                target=run_child,
                args=(form, options, start, relax, channel, i, os.getpid(), main_thread, inboxes[i]),
                daemon=True,
            )
            for i in range(racers)
        ]
        t0 = time.perf_counter()
        # a child forked while the parent's Ctrl-C/SIGTERM handler is still its own would raise
        # KeyboardInterrupt (and print a traceback) if stopped before it resets its handlers:
        # the signals stay blocked across the fork and the child unblocks them once it has
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            for child in children:
                child.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        deadline = t0 + options.time_limit_s + options.hard_limit_grace_s
        best: tuple[float, float, np.ndarray] | None = None
        # improvements over the start (or the first plan) by each kind of racer, for the summary
        plans = {"highs": 0.0, "search": 0.0, "best_from_search": 0.0}
        reference = float(form.c @ start + form.offset) if start is not None else np.inf
        bounds = [-np.inf] * racers
        finals: dict[int, tuple] = {}
        winner: tuple | None = None
        pooled = False
        interrupted = False

        def take(message: tuple) -> None:
            nonlocal best, winner, reference
            racer, kind = message[0], message[1]
            if kind == "incumbent":
                _, _, objective, bound, x = message
                bounds[racer] = max(bounds[racer], bound)
                if objective < reference - 1e-9 * abs(reference):
                    reference = objective
                    plans["search" if racer == searcher else "highs"] += 1
                    plans["best_from_search"] = float(racer == searcher)
                if best is None or objective <= best[0]:
                    best = (objective, bound, x)
                    for other, inbox in enumerate(inboxes):
                        if inbox is not None and other != racer:
                            inbox.put((objective, x))
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
                raise_if_stopped()  # a stop whose KeyboardInterrupt something swallowed
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
        for inbox in inboxes:
            if inbox is not None:
                inbox.close()
        if interrupted:
            result = self._pool(best, bounds, finals, None, False, wall, options.mip_rel_gap)
            result.interrupted = True
            result.termination = "interrupted (Ctrl-C or SIGTERM)" + (
                ": best incumbent so far" if result.has_solution else ", no incumbent"
            )
            result.info.update(plans)
            return result
        if winner is None and racers == 1 and 0 in finals:
            winner = finals[0]
        if winner is not None and racers == 1:
            status_text, objective, bound, x, duals, seconds = winner
            return self._result(
                status_text, objective, bound, x, duals, seconds, wall, relax, options.mip_rel_gap
            )
        result = self._pool(best, bounds, finals, winner, pooled, wall, options.mip_rel_gap)
        result.info.update(plans)
        return result

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
