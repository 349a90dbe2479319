"""A local dask cluster leaves this process's environment alone (its nannies used to set
single-threaded BLAS and a pinned allocator threshold here for good)."""

from __future__ import annotations

import multiprocessing
import os

import pytest

from optimizer.local_cluster import local_cluster


def _worker_view() -> tuple[str | None, bool]:
    return os.environ.get("OMP_NUM_THREADS"), bool(multiprocessing.current_process().daemon)


def test_workers_get_dask_settings_and_this_process_keeps_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    from distributed import Client

    pinned = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "MALLOC_TRIM_THRESHOLD_")
    for name in pinned:
        monkeypatch.delenv(name, raising=False)
    with local_cluster(1, dashboard_address=None) as cluster, Client(cluster) as client:
        assert not set(pinned) & set(os.environ)
        (seen,) = client.run(_worker_view).values()
        # dask's pre-spawn setting reaches the worker; the worker may start solver children
        assert seen == ("1", False)
    assert not set(pinned) & set(os.environ)
