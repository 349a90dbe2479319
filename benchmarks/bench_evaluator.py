"""Time the evaluator: numba kernel vs NumPy vectorised vs plain Python, and a memory floor.

    python benchmarks/bench_evaluator.py [--quick]

Synthetic instances (fixed seed, 30 technologies, 7 years) of 200 and 5000 lines (--quick: 50
and 500). Times are the best of several runs, after a warm-up that loads the cached numba
code. ``numba`` allocates its result like ``evaluate`` does; ``numba_out`` refills a reused
buffer (``run_kernel(arrs, out=...)``), which saves the page faults of a fresh array. The
memory floor is the time ``np.copyto`` takes to copy as many bytes as the kernel reads (all
input arrays) plus writes (the result). The last line is machine-readable:
``numba_vs_numpy=<x> numba_vs_python=<y> memory_floor_ratio=<z>`` for the largest size, with
numpy_time/numba_time, python_time/numba_time and numba_time/floor_time (``numba`` row)."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numba
import numpy as np

from optimizer.evaluator.arrays import EvalArrays
from optimizer.evaluator.kernels import MEASURES, evaluate_numpy, run_kernel
from optimizer.evaluator.reference import evaluate_reference_arrays
from optimizer.evaluator.synthetic import synthetic_arrays

SEED = 20240601
N_TECHS = 30
N_YEARS = 7


def best_time(fn: Callable[[], object], repeats: int, budget_s: float) -> float:
    """Best wall time of ``fn`` over up to ``repeats`` runs (stopping early past the budget)."""
    best = float("inf")
    spent = 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - start
        best = min(best, elapsed)
        spent += elapsed
        if spent > budget_s:
            break
    return best


def input_bytes(arrs: EvalArrays) -> int:
    total = arrs.retire_year.nbytes + arrs.adopt_year.nbytes + arrs.operating_days.nbytes
    for group in (arrs.lines, arrs.techs, arrs.years_p):
        total += sum(a.nbytes for a in group)
    return int(total)


def check_agree(name: str, got: np.ndarray, want: np.ndarray) -> None:
    for i, measure in enumerate(MEASURES):
        floor = 1e-12 * max(float(np.abs(want[i]).max(initial=0.0)), 1.0)
        if not np.allclose(got[i], want[i], rtol=1e-9, atol=floor):
            raise AssertionError(f"{name} disagrees with numba on {measure}")


def run_size(n_lines: int, repeats: int) -> dict[str, float]:
    arrs = synthetic_arrays(np.random.default_rng(SEED), n_lines, N_TECHS, N_YEARS)
    fast = run_kernel(arrs)  # warm-up: load or compile the cached kernel
    check_agree("numpy", evaluate_numpy(arrs), fast)
    check_agree("python", evaluate_reference_arrays(arrs), fast)
    n_bytes = input_bytes(arrs) + fast.nbytes
    src = np.ones(n_bytes, dtype=np.uint8)
    dst = np.zeros(n_bytes, dtype=np.uint8)
    reused = np.empty_like(fast)
    return {
        "numba": best_time(lambda: run_kernel(arrs), repeats * 10, 2.0),
        "numba_out": best_time(lambda: run_kernel(arrs, out=reused), repeats * 10, 2.0),
        "numpy": best_time(lambda: evaluate_numpy(arrs), repeats, 5.0),
        "python": best_time(lambda: evaluate_reference_arrays(arrs), max(2, repeats // 3), 10.0),
        "floor": best_time(lambda: np.copyto(dst, src), repeats * 10, 1.0),
        "bytes": float(n_bytes),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a few seconds")
    args = parser.parse_args()
    sizes = (50, 500) if args.quick else (200, 5000)
    repeats = 3 if args.quick else 9
    print(
        f"numba {numba.__version__}, {numba.get_num_threads()} threads; "
        f"{N_TECHS} technologies, {N_YEARS} years, {len(MEASURES)} measures"
    )
    print(f"{'lines':>6} {'method':<9} {'ms':>10} {'ns/line-yr':>11} {'x numba':>9}")
    result: dict[str, float] = {}
    for n_lines in sizes:
        result = run_size(n_lines, repeats)
        cells = n_lines * N_YEARS
        for method in ("numba", "numba_out", "numpy", "python", "floor"):
            seconds = result[method]
            print(
                f"{n_lines:>6} {method:<9} {seconds * 1e3:>10.3f} {seconds / cells * 1e9:>11.1f}"
                f" {seconds / result['numba']:>9.2f}"
            )
        print(f"{n_lines:>6} floor copies {result['bytes'] / 2**20:.1f} MiB")
    print(
        f"numba_vs_numpy={result['numpy'] / result['numba']:.2f} "
        f"numba_vs_python={result['python'] / result['numba']:.2f} "
        f"memory_floor_ratio={result['numba'] / result['floor']:.2f}"
    )


if __name__ == "__main__":
    main()
