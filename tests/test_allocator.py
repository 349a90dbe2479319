"""glibc's thresholds pinned by a sweep worker's environment are raised again (solvers/allocator)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = """
import resource
import numpy as np
from optimizer.solvers.allocator import keep_freed_memory_for_reuse

def page_faults():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(200):
        x = np.ones(1 << 17)  # 1 MiB, allocated, touched and freed
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

pinned = page_faults()
changed = keep_freed_memory_for_reuse()
print(pinned, changed, page_faults())
"""


def _probe(**env: str) -> tuple[int, bool, int]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env={**clean, **env}, capture_output=True, text=True, check=True
    ).stdout.split()
    return int(out[0]), out[1] == "True", int(out[2])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_a_pinned_trim_threshold_no_longer_maps_every_array_afresh() -> None:
    # dask's value: each 1 MiB array is a fresh mmap, 256 page faults a time (51 400 measured)
    pinned, changed, after = _probe(MALLOC_TRIM_THRESHOLD_="65536")
    assert changed
    assert pinned > 200 * 200
    assert after < pinned / 20  # reused from the heap (about 500 measured)


def test_without_the_variable_nothing_changes() -> None:
    _, changed, _ = _probe()
    assert not changed
