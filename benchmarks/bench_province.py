"""Province solve benchmark: time to a proven gap, where the time goes, and what the strong
formulation buys over a naive one.

For each province: one end-to-end run with the product's defaults (packages, build, hand-over,
solve, evaluation; solver_share = solve time / total), the LP relaxation bound of the model
(root_gap = (objective − LP bound) / objective), then the naive formulation of the same instance
(``optimizer.models.naive``: per-technology binaries, big-M output and targets) solved to the same
gap with a time limit of ``--naive-factor`` × the strong solve time, both with the CLI's solver
settings (``--race``). naive_ratio = naive solve time / strong solve time; when the naive model
does not reach the gap in its limit (naive_reached=0) the ratio printed is a lower bound.

first_plan_s: seconds from the start of the run to its first verified-feasible plan (the warm
start's first: the greedy's repaired plan, before its descent; else total_s, an upper bound, with
first_plan_from_warm_start=0).

vs_highs_plain: the same model (Pyomo build, unscaled costs) written as MPS and solved by HiGHS
alone from that file, with its defaults on one thread, to the gap our run reached, divided by
our time from the built model to the verified plan (hand-over, warm start, solve, evaluation;
both sides skip packages and the build). HiGHS is stopped at ``--plain-factor`` times our time;
then highs_plain_reached=0 and the ratio is a lower bound. ``--no-plain`` skips it.

vs_scip: the same MPS file solved by SCIP alone (pyscipopt, the optional extra ``scip``: ``pip
install -e '.[scip]'``), defaults, one thread, to the same gap and under the same cap, divided by
our time; scip_reached=0 marks a lower bound. Printed only where pyscipopt is installed
(``--no-scip`` skips it).

Usage: python benchmarks/bench_province.py [--province NAME|all] [--time-limit S] [--gap G]
       [--naive-factor F] [--no-naive] [--plain-factor F] [--no-plain] [--no-scip] [--quick]
--quick solves the small test instance (CI smoke run). Last line: key=value results (with
--province all: the worst figure over the provinces).
"""

from __future__ import annotations

import argparse
import importlib.util
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from optimizer.data.instance import Instance
from optimizer.data.load import instance_dir, load_instance, shipped_instances
from optimizer.instance_model import build_instance_model
from optimizer.models.naive import make_naive
from optimizer.run import solve_instance
from optimizer.run_options import RunOptions, default_race
from optimizer.solve import solve_built
from optimizer.solvers.base import SolverOptions, Status
from optimizer.solvers.highs import HighsSolver
from optimizer.solvers.highs_child import _build

HERE = Path(__file__).resolve().parent


def lp_bound(inst: Instance, naive: bool) -> float:
    built = build_instance_model(inst, fix=make_naive if naive else None)
    lp = HighsSolver().solve_lp_duals(built.form, SolverOptions(time_limit_s=600))
    if lp.status is not Status.OPTIMAL or lp.objective is None:
        raise RuntimeError(f"LP relaxation not solved: {lp.termination}")
    return float(lp.objective)


def exported_mps(inst: Instance, folder: Path) -> Path:
    """The model (Pyomo build, unscaled costs) written as MPS by HiGHS into ``folder``: the file
    every solver run alone reads, so all of them solve the same model."""
    form = build_instance_model(inst).form
    h, factor = _build(form, relax=False)
    if factor != 1.0:  # our power-of-two cost scaling is part of what is compared: undo it
        n = form.shape[1]
        h.changeColsCost(n, np.arange(n, dtype=np.int32), form.c.astype(np.float64))
        h.changeObjectiveOffset(float(form.offset))
    path = folder / "model.mps"
    h.writeModel(str(path))
    return path


def highs_plain(mps: Path, gap: float, time_limit_s: float) -> tuple[float, bool, float | None]:
    """(seconds, reached the gap, objective) for HiGHS alone on the model read back from MPS."""
    import highspy

    plain = highspy.Highs()
    plain.setOptionValue("output_flag", False)
    plain.readModel(str(mps))
    plain.setOptionValue("threads", 1)
    plain.setOptionValue("mip_rel_gap", float(gap))
    plain.setOptionValue("time_limit", float(time_limit_s))
    t0 = time.perf_counter()
    plain.run()
    seconds = time.perf_counter() - t0
    info = plain.getInfo()
    found = info.primal_solution_status == 2
    reached = plain.modelStatusToString(plain.getModelStatus()) == "Optimal" and found
    return seconds, reached, float(info.objective_function_value) if found else None


def scip_available() -> bool:
    return importlib.util.find_spec("pyscipopt") is not None


def scip_plain(mps: Path, gap: float, time_limit_s: float) -> tuple[float, bool, float | None]:
    """(seconds, reached the gap, objective) for SCIP alone (defaults, one thread) on the MPS."""
    from pyscipopt import Model

    scip = Model()
    scip.hideOutput()
    scip.readProblem(str(mps))
    scip.setParam("limits/gap", float(gap))
    scip.setParam("limits/time", float(time_limit_s))
    scip.setParam("parallel/maxnthreads", 1)
    t0 = time.perf_counter()
    scip.optimize()
    seconds = time.perf_counter() - t0
    found = scip.getNSols() > 0
    reached = scip.getStatus() in ("optimal", "gaplimit") and found
    return seconds, reached, float(scip.getObjVal()) if found else None


def bench_one(name: str, inst: Instance, args: argparse.Namespace) -> dict[str, float]:
    options = RunOptions(
        time_limit_s=args.time_limit, gap=args.gap, race=args.race, shadow_prices=False, write=False
    )
    result = solve_instance(inst, options)
    t = result.timings
    total = t["total_s"]
    print(f"instance {name}: status {result.status}, objective {result.objective_cny:,.0f} CNY")
    for key, value in t.items():
        print(f"  {key:<12} {value:8.2f} s  ({value / total:6.1%})")
    print(f"  counts: {result.counts}")
    if result.exit_code != 0 or result.objective_cny is None:
        raise SystemExit(f"{name}: the strong formulation gave no verified plan ({result.status})")
    objective = result.objective_cny
    gap = result.mip_gap if result.mip_gap is not None else float("nan")
    # the warm start's message carries the NPV of the plan it found (solve.py)
    warm_found = any(m.startswith("warm start:") and ", NPV " in m for m in result.messages)
    stages = ("packages_s", "build_s", "handover_s", "warm_start_s")
    before_solve = sum(v for k, v in t.items() if k in stages)
    out = {
        # the warm start's plan is verified-feasible by construction (an LP with every integer
        # fixed); without one, HiGHS's first incumbent time is not recorded: total_s bounds it
        "first_plan_s": t.get("first_plan_s", before_solve) if warm_found else total,
        "first_plan_from_warm_start": float(warm_found),
        "gap": gap,
        "solver_share": t["solve_s"] / total,
        "total_s": total,
        "solve_s": t["solve_s"],
        "root_gap": (objective - lp_bound(inst, naive=False)) / abs(objective),
    }
    if not args.no_naive:
        naive_limit = max(args.naive_factor * t["solve_s"], 5.0)
        built = build_instance_model(inst, fix=make_naive)
        naive_options = RunOptions(
            time_limit_s=naive_limit,
            gap=args.gap,
            race=args.race,
            shadow_prices=False,
            write=False,
            warm_start=False,
        )
        naive = solve_built(inst, built, naive_options, None, {}, time.perf_counter())
        naive_s = naive.timings["solve_s"]
        reached = naive.status == "optimal"
        print(
            f"  naive: status {naive.status}, gap {naive.mip_gap}, solve {naive_s:.1f} s "
            f"(limit {naive_limit:.1f} s), counts {built.counts}"
        )
        if naive.exit_code not in (0, 4):  # 4: no plan within the limit
            raise SystemExit(f"{name}: the naive plan failed verification: {naive.messages}")
        if naive.objective_cny is not None and reached:
            # both proven within the gap: their objectives agree within it
            assert abs(naive.objective_cny - objective) <= 2 * args.gap * abs(objective)
        out["naive_root_gap"] = (objective - lp_bound(inst, naive=True)) / abs(objective)
        out["naive_ratio"] = naive_s / max(t["solve_s"], 1e-9)
        out["naive_reached"] = float(reached)
    ours_s = total - sum(v for k, v in t.items() if k in ("packages_s", "build_s"))
    gap_to_reach = max(gap, args.gap) if gap == gap else args.gap
    limit = max(args.plain_factor * ours_s, 5.0)
    alone = {"highs": highs_plain} if not args.no_plain else {}
    if not args.no_scip and scip_available():
        alone["scip"] = scip_plain
    with tempfile.TemporaryDirectory() as tmp:
        mps = exported_mps(inst, Path(tmp)) if alone else None
        for solver, run_alone in alone.items():
            assert mps is not None
            seconds, reached, found = run_alone(mps, gap_to_reach, limit)
            print(
                f"  {solver} alone from MPS: {seconds:.1f} s (limit {limit:.1f} s), reached {reached}, "
                f"objective {found}; ours {ours_s:.1f} s"
            )
            if reached and found is not None:  # both proven within the gap: they agree within it
                assert abs(found - objective) <= 2 * gap_to_reach * abs(objective), (solver, found)
            key = "highs_plain" if solver == "highs" else solver
            out[f"vs_{key}"] = seconds / max(ours_s, 1e-9)
            out[f"{key}_reached"] = float(reached)
    return out


def fmt(name: str, r: dict[str, float]) -> str:
    text = (
        f"province={name} gap={r['gap']:.5f} solver_share={r['solver_share']:.3f} "
        f"root_gap={r['root_gap']:.5f} total_s={r['total_s']:.1f} first_plan_s={r['first_plan_s']:.1f}"
        f" first_plan_from_warm_start={int(r['first_plan_from_warm_start'])}"
    )
    if "naive_ratio" in r:
        text += (
            f" naive_root_gap={r['naive_root_gap']:.5f} naive_ratio={r['naive_ratio']:.2f}"
            f" naive_reached={int(r['naive_reached'])}"
        )
    if "vs_highs_plain" in r:
        text += f" vs_highs_plain={r['vs_highs_plain']:.2f}"
        text += f" highs_plain_reached={int(r['highs_plain_reached'])}"
    if "vs_scip" in r:
        text += f" vs_scip={r['vs_scip']:.2f} scip_reached={int(r['scip_reached'])}"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--province", default="zhejiang", help="a shipped province, or 'all'")
    parser.add_argument("--time-limit", type=float, default=300.0)
    parser.add_argument("--gap", type=float, default=1e-3)
    parser.add_argument("--naive-factor", type=float, default=6.0)
    parser.add_argument("--no-naive", action="store_true")
    parser.add_argument("--plain-factor", type=float, default=5.0)
    parser.add_argument("--no-plain", action="store_true")
    parser.add_argument("--no-scip", action="store_true", help="skip SCIP alone (pyscipopt installed)")
    parser.add_argument("--race", type=int, default=default_race(), help="racing HiGHS seeds (CLI default)")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        names = ["tiny"]
    elif args.province == "all":
        names = [n for n in shipped_instances() if n != "national"]
    else:
        names = [args.province]
    results = {}
    for name in names:
        folder = HERE.parent / "tests" / "data" / "tiny" if name == "tiny" else instance_dir(name)
        results[name] = bench_one(name, load_instance(folder), args)
        if len(names) > 1:
            print(fmt(name, results[name]))
    rss_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    if len(results) == 1:
        print(f"{fmt(names[0], results[names[0]])} peak_rss_gb={rss_gb:.2f}")
        return
    worst = {
        "gap": max(r["gap"] for r in results.values()),
        "solver_share": min(r["solver_share"] for r in results.values()),
        "root_gap": max(r["root_gap"] for r in results.values()),
        "total_s": max(r["total_s"] for r in results.values()),
        "first_plan_s": max(r["first_plan_s"] for r in results.values()),
        "first_plan_from_warm_start": min(r["first_plan_from_warm_start"] for r in results.values()),
    }
    if all("naive_ratio" in r for r in results.values()):
        worst["naive_root_gap"] = min(r["naive_root_gap"] for r in results.values())
        worst["naive_ratio"] = min(r["naive_ratio"] for r in results.values())
        worst["naive_reached"] = max(r["naive_reached"] for r in results.values())
    if all("vs_highs_plain" in r for r in results.values()):
        worst["vs_highs_plain"] = min(r["vs_highs_plain"] for r in results.values())
        worst["highs_plain_reached"] = max(r["highs_plain_reached"] for r in results.values())
    if all("vs_scip" in r for r in results.values()):
        worst["vs_scip"] = min(r["vs_scip"] for r in results.values())
        worst["scip_reached"] = max(r["scip_reached"] for r in results.values())
    print(f"{fmt('all', worst)} provinces={len(results)} peak_rss_gb={rss_gb:.2f}")
    sys.exit(0)


if __name__ == "__main__":
    main()
