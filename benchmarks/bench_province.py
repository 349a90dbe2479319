"""Province solve benchmark: where the time goes (packages, build, hand-over, solve, evaluate).

Usage: python benchmarks/bench_province.py [--province NAME] [--time-limit S] [--gap G] [--quick]
--quick solves the small test instance (CI smoke run). Last line: key=value results.
"""

from __future__ import annotations

import argparse
import resource
import sys
from pathlib import Path

from optimizer.data.instance import instance_dir, load_instance
from optimizer.run import RunOptions, solve_instance

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--province", default="zhejiang")
    parser.add_argument("--time-limit", type=float, default=300.0)
    parser.add_argument("--gap", type=float, default=1e-3)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    folder = HERE.parent / "tests" / "data" / "tiny" if args.quick else instance_dir(args.province)
    name = "tiny" if args.quick else args.province
    inst = load_instance(folder)
    result = solve_instance(
        inst, RunOptions(time_limit_s=args.time_limit, gap=args.gap, shadow_prices=False, write=False)
    )
    t = result.timings
    total = t["total_s"]
    print(f"instance {name}: status {result.status}, objective {result.objective_cny:,.0f} CNY")
    for key, value in t.items():
        print(f"  {key:<12} {value:8.2f} s  ({value / total:6.1%})")
    print(f"  counts: {result.counts}")
    rss_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    gap = result.mip_gap if result.mip_gap is not None else float("nan")
    print(
        f"province={name} gap={gap:.5f} solver_share={t['solve_s'] / total:.3f} "
        f"total_s={total:.1f} packages_s={t['packages_s']:.1f} build_s={t['build_s']:.2f} "
        f"handover_s={t['handover_s']:.2f} peak_rss_gb={rss_gb:.2f}"
    )
    sys.exit(0 if result.exit_code == 0 else 1)


if __name__ == "__main__":
    main()
