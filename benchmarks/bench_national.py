"""National decomposition benchmark: bound, gap, 1- vs 2-worker speed-up, peak memory.

Usage: python benchmarks/bench_national.py [--provinces N] [--time-limit S] [--gap G] [--quick]
Without --quick it solves the N smallest provinces of the shipped national instance (default 8;
``--provinces 31`` is the whole country, ~15 min on 2 cores) once with one worker and once with
two. --quick uses a two-province copy of the test instance (CI smoke run).
Last line: national_gap=<gap> speedup_2_workers=<x> peak_rss_gb=<y>
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd

from optimizer.data.load import instance_dir, load_instance
from optimizer.decompose import solve_national

HERE = Path(__file__).resolve().parent


def quick_instance() -> Path:
    folder = Path(tempfile.mkdtemp()) / "nation"
    shutil.copytree(HERE.parent / "tests" / "data" / "tiny", folder)
    lines = pd.read_csv(folder / "lines.csv", dtype=str, keep_default_na=False)
    south = lines.assign(province="south", line_id=lines["line_id"] + "-S")
    pd.concat([lines.assign(province="north"), south]).to_csv(folder / "lines.csv", index=False)
    return folder


def children_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--provinces", type=int, default=8)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--gap", type=float, default=5e-3)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        inst = load_instance(quick_instance())
        names = None
    else:
        inst = load_instance(instance_dir("national"))
        sizes = inst.lines.groupby("province").size().sort_values()
        names = list(sizes.index[: args.provinces])
    runs = {}
    for workers in (1, 2):
        t0 = time.perf_counter()
        runs[workers] = solve_national(
            inst, args.time_limit, args.gap, workers, provinces=names, progress=False
        )
        run = runs[workers]
        print(
            f"{workers} worker(s): {time.perf_counter() - t0:7.1f} s, upper {run.upper_cny:,.0f} CNY, "
            f"lower {run.lower_cny:,.0f} CNY, gap {run.gap:.4%}"
        )
    speedup = runs[1].seconds / runs[2].seconds
    rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6, children_rss_gb())
    n_lines = int(inst.lines["province"].isin(names).sum()) if names else len(inst.lines)
    print(f"provinces={len(names) if names else 2} lines={n_lines}")
    print(f"national_gap={runs[2].gap:.5f} speedup_2_workers={speedup:.2f} peak_rss_gb={rss:.2f}")


if __name__ == "__main__":
    main()
