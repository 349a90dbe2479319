"""One stop request per process: Ctrl-C or SIGTERM, remembered until the process ends.

A signal handler's ``KeyboardInterrupt`` is raised wherever the main thread happens to be, and a
library that catches every exception there (bare ``except:`` in a dependency, a finaliser)
can swallow it: a SIGTERM sent during the build once left a run solving for minutes. So the
request is also kept in :data:`STOP`, and every place that starts a solve checks it
(:func:`raise_if_stopped`): a swallowed stop is acted on at the next solve at the latest.
Code that keeps a plan found before the stop (the warm start's improvement steps, the solver's
incumbents) still catches the ``KeyboardInterrupt`` and hands the plan on; no later solve starts.
"""

from __future__ import annotations

import threading

STOP = threading.Event()
"""Set by :func:`stop_on_signal` and by a solve that was interrupted; never cleared in a run."""


def stop_on_signal(signum: int, frame: object) -> None:
    """Signal handler for SIGINT and SIGTERM: remember the stop, then interrupt like Ctrl-C."""
    STOP.set()
    raise KeyboardInterrupt(f"signal {signum}")


def raise_if_stopped() -> None:
    """Raise ``KeyboardInterrupt`` when a stop was requested in this process."""
    if STOP.is_set():
        raise KeyboardInterrupt("a stop was requested in this process")
