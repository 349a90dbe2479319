"""Sweep benchmark: warm vs cold re-solves, and the speed-up of a second Dask worker.

Usage: python benchmarks/bench_sweep.py [--province NAME | --instance DIR] [--scenarios N]
       [--gap G] [--time-limit S] [--quick]

* warm vs cold: the same carbon-price ladder solved one after another in this process, cold
  (packages enumerated for each scenario, relax-and-round start: what a plain ``optimize`` run
  does) and warm (the sweep's package set re-costed, the previous plan as start: what a sweep
  worker does). Ratio = cold seconds / warm seconds; decisions are compared scenario by scenario.
* 2 workers: the whole sweep (package set, scenarios, database) on a LocalCluster of one worker
  process, then of two. Ratio = one-worker seconds / two-worker seconds (at most 2 on 2 cores,
  less when the machine is shared).

--quick runs tests/data/tiny with 4 scenarios (CI smoke run). Last line: key=value results.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
from rich.console import Console

from optimizer.data.load import instance_dir
from optimizer.evaluator.packages import build_packages, recost_packages
from optimizer.instance_model import build_instance_model
from optimizer.run_options import RunOptions
from optimizer.solve import solve_built
from optimizer.sweep.bases import read_base
from optimizer.sweep.check import scenario_instance
from optimizer.sweep.packages import corner_packages, corners, union_packages
from optimizer.sweep.records import decisions_summary
from optimizer.sweep.runner import open_client, prepare, run_sweep

HERE = Path(__file__).resolve().parent


def write_spec(folder: Path, instance: Path, prices: list[float]) -> Path:
    spec = folder / "bench.yaml"
    spec.write_text(
        f"name: bench\ninstance: {instance}\nparameters:\n"
        '  carbon: {address: "prices.carbon_cny_per_tco2[year>=2026]", change: substitute}\n'
        f"design:\n  type: grid\n  values: {{carbon: {prices}}}\n",
        "utf-8",
    )
    return spec


def solve(instance, packages, start, options):  # type: ignore[no-untyped-def]
    """What a sweep worker does for one scenario (worker._solve), without Dask."""
    timings: dict[str, float] = {}
    built = build_instance_model(instance, timings, packages)
    return solve_built(instance, built, options, start, timings, time.perf_counter())


def warm_vs_cold(spec: Path, gap: float, time_limit: float) -> tuple[float, int, int]:
    prepared = prepare(spec)
    base = read_base(prepared.spec.bases[0].name, prepared.spec.bases[0].folder)
    params = prepared.spec.parameters
    options = RunOptions(time_limit_s=time_limit, gap=gap, threads=1, shadow_prices=False, write=False)
    # the sweep's package set is built once per sweep (and warms numba up for both paths)
    union = union_packages(
        base, *(corner_packages(base, params, c) for c in corners(prepared.scenarios, params))
    )
    cold_s = warm_s = 0.0
    same = 0
    previous: np.ndarray | None = None
    for s in prepared.scenarios:
        instance = scenario_instance(base, params, s.values)
        t0 = time.perf_counter()
        cold = solve(instance, build_packages(instance), None, options)
        cold_s += time.perf_counter() - t0
        t0 = time.perf_counter()
        warm = solve(instance, recost_packages(union, instance), previous, options)
        warm_s += time.perf_counter() - t0
        previous = warm.solve.x if warm.solve is not None else None
        if cold.plan is not None and warm.plan is not None:
            same += (
                decisions_summary(instance, cold.plan)["decisions_hash"]
                == (decisions_summary(instance, warm.plan)["decisions_hash"])
            )
        nan = float("nan")
        print(
            f"  carbon {s.values['carbon']:>6g}: cold {cold.status} {cold.objective_cny or nan:,.0f}"
            f" | warm {warm.status} {warm.objective_cny or nan:,.0f} | solver: cold "
            f"{cold.timings.get('solve_s', 0):.2f} s, warm {warm.timings.get('solve_s', 0):.2f} s"
        )
    n = len(prepared.scenarios)
    print(f"warm vs cold: cold {cold_s:.1f} s, warm {warm_s:.1f} s, same decisions {same}/{n}")
    return cold_s / max(warm_s, 1e-9), same, len(prepared.scenarios)


def sweep_seconds(spec: Path, workers: int, gap: float, time_limit: float) -> float:
    prepared = prepare(spec)
    out = Path(tempfile.mkdtemp(prefix="bench-sweep-"))
    try:
        with open_client(None, workers) as client:
            client.run(lambda: None)  # workers up; their imports are not part of the sweep time
            t0 = time.perf_counter()
            report = run_sweep(
                prepared, out / "run", time_limit=time_limit, gap=gap, client=client,
                console=Console(quiet=True),
            )  # fmt: skip
            seconds = time.perf_counter() - t0
    finally:
        shutil.rmtree(out, ignore_errors=True)
    print(f"sweep on {workers} worker(s): {seconds:.1f} s, {report.succeeded}/{report.total} solved")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--province", default=None)
    parser.add_argument("--instance", type=Path, default=None)
    parser.add_argument("--scenarios", type=int, default=8)
    parser.add_argument("--gap", type=float, default=1e-3)
    parser.add_argument("--time-limit", type=float, default=300.0)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        folder, n = HERE.parent / "tests" / "data" / "tiny", 4
    elif args.province:
        folder, n = instance_dir(args.province), args.scenarios
    else:
        folder, n = args.instance or HERE.parent / "tests" / "data" / "tiny", args.scenarios
    prices = [float(round(p)) for p in np.linspace(40, 400, n)]
    with tempfile.TemporaryDirectory() as tmp:
        spec = write_spec(Path(tmp), folder, prices)
        print(f"instance {folder.name}: {n} carbon prices {prices}, gap {args.gap:g}")
        ratio, same, total = warm_vs_cold(spec, args.gap, args.time_limit)
        one = sweep_seconds(spec, 1, args.gap, args.time_limit)
        two = sweep_seconds(spec, 2, args.gap, args.time_limit)
    print(
        f"instance={folder.name} scenarios={n} same_decisions={same}/{total} "
        f"sweep_1_worker_s={one:.1f} sweep_2_workers_s={two:.1f}"
    )
    print(f"warm_vs_cold={ratio:.2f} speedup_2_workers={one / two:.2f}")


if __name__ == "__main__":
    main()
