"""glibc's allocator thresholds, reset where an environment variable pinned them low.

Dask's nanny sets ``MALLOC_TRIM_THRESHOLD_=65536`` in its own ``os.environ`` (its default
``distributed.nanny.pre-spawn-environ``), so sweep and by-province workers inherit it (the
process that started the cluster gets its own environment back: optimizer/local_cluster.py).
A trim threshold in the environment also turns off glibc's dynamic mmap threshold: every
allocation over 128 KiB is then a fresh mmap, every free an munmap, and each reuse page-faults
again. The greedy start allocates such arrays in every round and HiGHS in every LP: on
zhejiang the greedy's rounds took 2.5-10 s instead of 2 s, so a 30 s run that proves
infeasibility in 31 s without the variable ended with no result at 37 s with it.

:func:`keep_freed_memory_for_reuse` sets the thresholds glibc's dynamic rule converges to
(mmap 32 MiB, trim twice that): memory is still returned to the system, in large pieces.
"""

from __future__ import annotations

import ctypes
import os
import sys

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 32 * 1024 * 1024
"""glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit systems: the most its dynamic rule reaches."""
TRIM_THRESHOLD_BYTES = 2 * MMAP_THRESHOLD_BYTES

PINNING_VARIABLES = ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_")


def keep_freed_memory_for_reuse() -> bool:
    """Raise glibc's trim and mmap thresholds when the environment pinned them (module
    docstring); True when they were changed. Elsewhere (no variable, not Linux, not glibc)
    nothing changes."""
    if not sys.platform.startswith("linux") or not any(v in os.environ for v in PINNING_VARIABLES):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)) and bool(
        mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES)
    )
