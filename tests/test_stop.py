"""A stop request (Ctrl-C, SIGTERM) outlives a library that swallows its KeyboardInterrupt: the
run stops at the next solve instead of solving on (a SIGTERM during the build once did)."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from test_lp_session import dense_lp

import optimizer.run
from optimizer.data.load import load_instance
from optimizer.run import solve_instance
from optimizer.run_options import RunOptions
from optimizer.solvers.lp_session import LpSession
from optimizer.solvers.stop import STOP, stop_on_signal


@pytest.fixture(autouse=True)
def fresh_stop() -> Iterator[None]:
    STOP.clear()
    yield
    STOP.clear()


def _swallowed_stop() -> None:
    """The signal handler runs where a library catches everything, as a bare ``except:`` does."""
    with contextlib.suppress(BaseException):
        stop_on_signal(signal.SIGTERM, None)


def test_the_handler_interrupts_and_remembers() -> None:
    with pytest.raises(KeyboardInterrupt):
        stop_on_signal(signal.SIGTERM, None)
    assert STOP.is_set()


def test_no_lp_starts_after_a_stop() -> None:
    session = LpSession(dense_lp(20))
    assert session.solve().optimal
    _swallowed_stop()
    with pytest.raises(KeyboardInterrupt):
        session.solve()


def test_a_stop_swallowed_during_the_build_ends_the_run_before_any_solve(
    tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build = optimizer.run.build_instance_model
    solves: list[object] = []

    def build_then_swallow(*args, **kwargs):  # type: ignore[no-untyped-def]
        built = build(*args, **kwargs)
        _swallowed_stop()
        return built

    monkeypatch.setattr(optimizer.run, "build_instance_model", build_then_swallow)
    monkeypatch.setattr(optimizer.run, "solve_built", lambda *a, **k: solves.append(a))
    with pytest.raises(KeyboardInterrupt, match="stop was requested"):
        solve_instance(load_instance(tiny), RunOptions(time_limit_s=30, write=False))
    assert solves == []


def test_without_a_stop_the_same_run_solves(tiny: Path) -> None:
    # the control of the test above: the tiny instance solves when nothing was stopped
    result = solve_instance(load_instance(tiny), RunOptions(time_limit_s=30, write=False))
    assert result.plan is not None and np.isfinite(result.objective_cny)
