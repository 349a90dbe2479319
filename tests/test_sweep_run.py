"""Sweeps end to end on tests/data/tiny: warm = cold, kill and resume, an external Dask
scheduler, every design's summary. Clusters are small (2 single-thread workers) and the
scenarios are tiny so the whole file stays within a few tens of seconds on 2 cores."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest
from conftest import DATA
from rich.console import Console

from optimizer.sweep.bases import read_base
from optimizer.sweep.designs import expand
from optimizer.sweep.load_spec import load_spec
from optimizer.sweep.packages import corner_packages, corners, union_packages
from optimizer.sweep.results import load_results
from optimizer.sweep.runner import SweepError, open_client, prepare, run_sweep
from optimizer.sweep.summary import write_summary
from optimizer.sweep.worker import ScenarioTask, run_scenario

TINY = DATA / "tiny"
PY = sys.executable
ENV = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False", "PYTHONUNBUFFERED": "1"}

GRID20 = f"""\
name: tiny-grid-20
instance: {TINY}
parameters:
  carbon: {{address: "prices.carbon_cny_per_tco2[year>=2026]", change: substitute}}
  coal: {{address: prices.coal_cny_per_tce, change: relative}}
design:
  type: grid
  values: {{carbon: [40, 100, 160, 220, 300], coal: [0.8, 1.0, 1.2, 1.4]}}
"""


def spec_file(tmp_path: Path, text: str, name: str = "spec.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def quiet() -> Console:
    return Console(file=open(os.devnull, "w"), width=120)


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with open_client(None, 2) as c:
        yield c


# ---------------------------------------------------------------- warm path = cold path


def test_warm_and_cold_resolves_take_the_same_decisions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # prices and technology costs: the warm path re-costs the sweep's package set and starts
    # from the previous plan; the cold path enumerates packages for the scenario. capex x3 is
    # the case where re-costing the base's own package set alone would miss the optimum.
    # Package sets are kept whole (no MAX_KEPT bound): since savings stop at floors, tiny's
    # Pareto sets exceed 24 packages and a bounded cold set can miss a package the warm union
    # holds (capex x0.4: alt_fuel_high from 2027), which would test the bound, not the paths.
    monkeypatch.setattr("optimizer.evaluator.package_pruning.MAX_KEPT", 10_000)
    text = f"""\
instance: {TINY}
parameters:
  carbon: {{address: "prices.carbon_cny_per_tco2[year>=2026]", change: substitute}}
  capex: {{address: technologies.capex_cny_per_t_per_day, change: relative}}
design:
  type: list
  scenarios: [{{carbon: 300, capex: 3}}, {{capex: 0.4}}]
"""
    spec = load_spec(spec_file(tmp_path, text))
    base = read_base("tiny", TINY)
    scenarios = expand(spec)
    packages = union_packages(
        base, *(corner_packages(base, spec.parameters, c) for c in corners(scenarios, spec.parameters))
    )
    starts = []
    for s in scenarios:
        task = ScenarioTask(
            s.scenario_id, s.base, s.design_index, s.role, s.values, spec.parameters,
            warm=True, verify_cold=True, time_limit_s=60, gap=1e-3, run_id="t", spec_digest=spec.digest,
        )  # fmt: skip
        v = run_scenario(task, base, packages).values
        assert v["status"] == "optimal", v["reason"]
        assert v["path"] == "warm"
        assert v["cold_same_decisions"], (s.values, v["objective_cny"], v["cold_objective_cny"])
        assert v["objective_cny"] == pytest.approx(v["cold_objective_cny"], rel=1e-3)
        starts.append(v["start"])
    assert starts[1:] == ["previous"]  # the persistent model: each re-solve starts from the last plan


# ---------------------------------------------------------------- kill and resume


def _parquets(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in (out / "scenarios").glob("*.parquet")}


def test_killed_sweep_resumes_without_losing_or_recomputing(tmp_path: Path, client: Any) -> None:
    spec = spec_file(tmp_path, GRID20)
    out = tmp_path / "out"
    command = [PY, "-m", "optimizer.sweep", str(spec), "--out", str(out), "--workers", "2"]
    first = subprocess.Popen(
        command, env=ENV, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 120
    while len(_parquets(out)) < 6 and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)  # the sweep, its cluster and solver children: a hard stop
    first.wait(30)
    before = _parquets(out)
    assert 6 <= len(before) < 20, f"killed at {len(before)} of 20 finished scenarios"
    first_run = {pq.read_table(out / "scenarios" / n).column("run_id")[0].as_py() for n in before}
    assert len(first_run) == 1

    # resumed in a new process of its own: here the test's cluster, through the same run_sweep
    prepared = prepare(spec)
    with pytest.raises(SweepError, match="add --resume"):
        run_sweep(prepared, out, client=client, console=quiet())
    changed = prepare(spec_file(tmp_path, GRID20.replace("300]", "301]"), "changed.yaml"))
    with pytest.raises(SweepError, match="the spec file changed since it was started"):
        run_sweep(changed, out, resume=True, client=client, console=quiet())
    report = run_sweep(prepared, out, resume=True, client=client, console=quiet())
    assert (report.skipped, report.submitted, report.lost) == (len(before), 20 - len(before), 0)
    after = _parquets(out)
    assert len(after) == 20  # none lost
    assert {n: after[n] for n in before} == before  # none rewritten
    frame = load_results(out)
    runs = frame.groupby("run_id").size().to_dict()
    assert runs[first_run.pop()] == len(before) and sum(runs.values()) == 20  # none computed twice
    assert (frame["status"] == "optimal").all()
    with duckdb.connect(str(out / "results.duckdb"), read_only=True) as db:
        assert db.execute("SELECT count(DISTINCT scenario_id) FROM scenarios").fetchone() == (20,)
        monotone = db.execute(
            "SELECT count(*) FROM emissions WHERE year = 2030 AND co2_t IS NOT NULL"
        ).fetchone()
        assert monotone == (20,)
    output = first.stdout.read().decode() if first.stdout else ""
    assert "20 scenarios, 20 to run" in output and "done," in output  # progress, also when piped


# ---------------------------------------------------------------- an external scheduler


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _dask(*args: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    dask = str(Path(PY).with_name("dask"))
    return subprocess.Popen(
        [dask, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


def test_same_spec_runs_on_a_separately_started_scheduler_and_worker(tmp_path: Path) -> None:
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    text = GRID20.replace("[40, 100, 160, 220, 300]", "[40, 300]").replace(
        "[0.8, 1.0, 1.2, 1.4]", "[0.8, 1.2]"
    )
    prepared = prepare(spec_file(tmp_path, text))
    daemonic_env = {k: v for k, v in ENV.items() if k != "DASK_DISTRIBUTED__WORKER__DAEMON"}
    scheduler = _dask("scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard", env=ENV)
    workers = []
    try:
        # a default `dask worker` runs daemonic processes: refused up front with the fix named
        workers.append(_dask("worker", address, "--nthreads", "1", "--no-dashboard", env=daemonic_env))
        with pytest.raises(SweepError, match="DASK_DISTRIBUTED__WORKER__DAEMON=False"):
            run_sweep(prepared, tmp_path / "refused", scheduler=address, workers=1, console=quiet())
        _stop(workers.pop())
        workers.append(_dask("worker", address, "--nthreads", "1", "--no-dashboard", env=ENV))
        report = run_sweep(prepared, tmp_path / "out", scheduler=address, workers=1, console=quiet())
    finally:
        for process in [*workers, scheduler]:
            _stop(process)
    assert (report.submitted, report.succeeded, report.failed, report.lost) == (4, 4, 0, 0)
    frame = load_results(tmp_path / "out")
    assert frame["worker"].str.startswith("tcp://127.0.0.1").all()
    assert sorted(frame["in.carbon"]) == [40, 40, 300, 300]


# ---------------------------------------------------------------- designs, failures, summaries


def test_oat_sweep_records_failures_and_draws_a_tornado(tmp_path: Path, client: Any) -> None:
    text = f"""\
instance: {TINY}
parameters:
  carbon: {{address: "prices.carbon_cny_per_tco2[year>=2026]", change: substitute}}
  demand: {{address: demand.demand_per_year, change: relative}}
design:
  type: oat
  values: {{carbon: [40, 300], demand: [0.8, 2.2]}}
"""
    # x2.2: 3.3 Mt/yr on 2.325 Mt/yr of lines passes the up-front demand check (1.5x capacity)
    # but not the solve; x3 (1.94x) is now refused before the sweep starts
    out = tmp_path / "out"
    prepared = prepare(spec_file(tmp_path, text))
    report = run_sweep(prepared, out, client=client, console=quiet())
    assert (report.submitted, report.failed, report.lost) == (5, 1, 0)
    frame = load_results(out)
    failed = frame[frame["status"] != "optimal"]
    # demand x2.2 exceeds what the lines and the replacement rule allow: recorded, sweep went on
    assert failed["in.demand"].tolist() == [2.2]
    assert failed["status"].tolist() == ["infeasible"] and failed["final"].all()
    assert "still infeasible with every target relaxed" in failed["reason"].iloc[0]
    write_summary(out, prepared.spec, frame)
    tornado = __import__("pandas").read_csv(out / "summary" / "tornado_tiny.csv")
    assert set(tornado["parameter"]) == {"carbon", "demand"}
    assert set(tornado["metric"]) == {"objective_cny", "co2_t_2030"}
    carbon = tornado[(tornado["parameter"] == "carbon") & (tornado["metric"] == "objective_cny")].iloc[0]
    assert carbon["output_at_low"] < carbon["base_output"] < carbon["output_at_high"]
    demand = tornado[(tornado["parameter"] == "demand") & (tornado["metric"] == "objective_cny")].iloc[0]
    assert demand["failed"] == 1
    assert (out / "summary" / "tornado_tiny.png").stat().st_size > 1000
    assert (out / "summary" / "index.html").exists()
    # every row says whether its change is within the solver's gap: here the carbon price moves
    # the NPV by far more than the 0.1 % the scenarios were solved to
    assert carbon["solver_gap"] <= 1e-3 and carbon["relative_change"] > 10 * carbon["solver_gap"]
    assert not carbon["within_solver_gap"]
    scenarios = __import__("pandas").read_csv(out / "summary" / "scenarios.csv")
    base_row = scenarios[scenarios["role"] == "base"].iloc[0]
    assert base_row["npv_change_vs_base"] == 0 and bool(base_row["npv_change_within_solver_gap"])
    # the sweep's base scenario is the standalone run of the same settings
    from optimizer.data.load import load_instance
    from optimizer.run import solve_instance
    from optimizer.run_options import RunOptions

    alone = solve_instance(
        load_instance(TINY), RunOptions(time_limit_s=60, gap=1e-3, shadow_prices=False, write=False)
    )
    base_npv = float(frame[frame["role"] == "base"]["objective_cny"].iloc[0])
    assert base_npv == pytest.approx(alone.objective_cny, rel=1e-3)


def test_a_change_within_the_solver_gap_is_flagged() -> None:
    # a base at 100 solved to 1 %, one parameter moving the output to 99.5 and 100.8 (within
    # the gap: may be solver noise), another to 90 and 120 (an effect)
    from types import SimpleNamespace

    import pandas as pd

    from optimizer.sweep.summary import npv_change_vs_base, tornado

    spec = SimpleNamespace(parameters={"a": None, "b": None})

    frame = pd.DataFrame(
        [
            ("base", 0, 100.0, 0.01, None, None),
            ("oat:a", 0, 99.5, 0.002, 1.0, None),
            ("oat:a", 0, 100.8, 0.004, 2.0, None),
            ("oat:b", 0, 90.0, 0.001, None, 1.0),
            ("oat:b", 0, 120.0, 0.001, None, 2.0),
        ],
        columns=["role", "exit_code", "objective_cny", "mip_gap", "in.a", "in.b"],
    ).assign(base="t", scenario_id=range(5))
    table = tornado(spec, frame, {"objective_cny": "NPV"}).set_index("parameter")  # type: ignore[arg-type]
    assert bool(table.loc["a", "within_solver_gap"]) and table.loc["a", "solver_gap"] == 0.01
    assert not bool(table.loc["b", "within_solver_gap"])
    assert table.loc["b", "relative_change"] == pytest.approx(0.2)
    flags = npv_change_vs_base(frame)["npv_change_within_solver_gap"].tolist()
    assert flags == [True, True, True, False, False]


def test_random_designs_give_distributions_probabilities_and_indices(tmp_path: Path, client: Any) -> None:
    head = f"""\
instance: {TINY}
parameters:
  carbon: {{address: "prices.carbon_cny_per_tco2[year>=2026]", change: substitute}}
  coal: {{address: prices.coal_cny_per_tce, change: relative}}
"""
    # Monte Carlo over the carbon price only: one parameter keeps the package corners few
    one = head.replace("  coal: {address: prices.coal_cny_per_tce, change: relative}\n", "")
    bounds = "  bounds: {carbon: [40, 300], coal: [0.7, 1.3]}\n"
    designs = {
        "monte_carlo": "  type: monte_carlo\n  samples: 4\n  seed: 3\n  distributions:\n"
        "    carbon: {dist: lognormal, mu: 4.6, sigma: 0.4}\n",
        "morris": "  type: morris\n  trajectories: 2\n  seed: 3\n" + bounds,
        "sobol": "  type: sobol\n  samples: 2\n  seed: 3\n" + bounds,
    }
    for kind, design in designs.items():
        out = tmp_path / kind
        text = (one if kind == "monte_carlo" else head) + "design:\n" + design
        prepared = prepare(spec_file(tmp_path, text, f"{kind}.yaml"))
        report = run_sweep(prepared, out, client=client, console=quiet())
        assert report.succeeded == report.total, kind
        files = {p.name for p in write_summary(out, prepared.spec, load_results(out))}
        assert "target_probability.csv" in files and "quantiles.csv" in files, kind
        assert "distribution_tiny.png" in files
        if kind != "monte_carlo":
            indices = __import__("pandas").read_csv(out / "summary" / f"{kind}_indices.csv")
            assert set(indices["metric"]) == {"objective_cny", "co2_t_2030"}
            named = indices.dropna(subset=["parameter"])
            assert set(named["parameter"]) == {"carbon", "coal"}
            if kind == "sobol":  # tiny's 2030 emissions do not move here: no variance to split
                notes = indices.set_index("metric")["note"]
                assert notes["co2_t_2030"] == "output constant over the sample"
            # NPV moves with both prices; the coal factor spans +-30 % of a large fuel bill
            npv = named[named["metric"] == "objective_cny"].set_index("parameter")
            column = "mu_star" if kind == "morris" else "ST"
            assert npv.loc["coal", column] > 0 and npv.loc["carbon", column] > 0
    probability = __import__("pandas").read_csv(
        tmp_path / "monte_carlo" / "summary" / "target_probability.csv"
    )
    assert set(probability["target_id"]) == {"TT-1", "TT-2"}
    assert probability["probability_met"].between(0, 1).all()
