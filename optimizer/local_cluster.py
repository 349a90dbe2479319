"""A dask LocalCluster of worker processes (the sweep, the by-province path) that leaves this
process's environment as it found it.

Dask's nanny applies ``distributed.nanny.pre-spawn-environ`` (OMP_NUM_THREADS=1,
MKL_NUM_THREADS=1, OPENBLAS_NUM_THREADS=1, MALLOC_TRIM_THRESHOLD_=65536) to its own
``os.environ`` before it spawns a worker, and with a LocalCluster the nannies live in this
process: every process started afterwards (a solver child, a report's browser, the next
cluster's scheduler) inherited single-threaded BLAS and a pinned allocator. The workers still
get the variables; this process gets its own back once the workers are up, and again on close.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def local_cluster(n_workers: int, **options: Any) -> Iterator[Any]:
    """A LocalCluster of ``n_workers`` non-daemonic processes with one thread each (the HiGHS
    adapter runs each solve in a child process, which daemonic processes may not have)."""
    import dask
    from distributed import LocalCluster

    before = dict(os.environ)
    try:
        with dask.config.set({"distributed.worker.daemon": False}):
            cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, **options)
        _restore(before)
        try:
            yield cluster
        finally:
            cluster.close()
    finally:
        _restore(before)


def _restore(before: dict[str, str]) -> None:
    for key in set(os.environ) - set(before):
        del os.environ[key]
    for key, value in before.items():
        if os.environ.get(key) != value:
            os.environ[key] = value
