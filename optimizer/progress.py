"""What a run is doing while it runs: stages, and the solve's best plan, bound and gap.

On a terminal the solve is one live line (rich) redrawn in place; otherwise (a log, CI, a pipe)
one plain line per update, at most every :data:`LOG_EVERY_S` seconds unless the best plan
improved, so a log of a five-minute solve stays a few dozen lines.
"""

from __future__ import annotations

import time

from rich.console import Console
from rich.status import Status

from optimizer.console_text import money_text, say
from optimizer.solvers.base import relative_gap

LOG_EVERY_S = 10.0
"""Plain-text mode: a bound-only update is printed at most this often."""


class Progress:
    """Stage lines and solver updates for one run, written to ``console``."""

    def __init__(self, console: Console, live: bool | None = None, lang: str = "en") -> None:
        self.console = console
        self.lang = lang  # of the stage lines and solver updates (optimizer/console_text.py)
        self.live = console.is_terminal if live is None else live
        self.t0 = time.perf_counter()
        self._status: Status | None = None
        self._last_line = -1e9
        self._last_best: float | None = None
        self._known: float | None = None  # a plan the solver started from (warm start)

    def known_plan(self, objective: float | None) -> None:
        """The solver starts from a plan of this cost: shown until it finds a better one."""
        self._known = objective

    def stage(self, text: str) -> None:
        """A stage starts (packages, model, warm start, solve, evaluation)."""
        self._stop_live()
        self.console.print(f"[{time.perf_counter() - self.t0:6.1f}s] {text}", highlight=False)

    def solver(self, elapsed: float, best: float | None, bound: float | None) -> None:
        """A racer reported a new incumbent or bound (the solver's progress callback)."""
        if self._known is not None and (best is None or self._known < best):
            best = self._known
        gap = relative_gap(best, bound)
        text = f"[{time.perf_counter() - self.t0:6.1f}s] " + say(
            self.lang,
            "solving",
            elapsed=elapsed,
            best=money_text(self.lang, best),
            bound=money_text(self.lang, bound),
            gap="—" if gap is None else f"{gap:.3%}",
        )
        if self.live:
            if self._status is None:
                self._status = self.console.status(text)
                self._status.start()
            else:
                self._status.update(text)
            return
        now = time.perf_counter()
        improved = best is not None and (self._last_best is None or best < self._last_best)
        if improved or now - self._last_line >= LOG_EVERY_S:
            self.console.print(text, highlight=False)
            self._last_line = now
            self._last_best = best if best is not None else self._last_best

    def done(self) -> None:
        self._stop_live()

    def _stop_live(self) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None


__all__ = ["LOG_EVERY_S", "Progress"]
