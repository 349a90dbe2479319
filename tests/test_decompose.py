"""Solving by province on dask: bounds, assembly and national verification."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import DATA
from handmade import write_supplies
from typer.testing import CliRunner

from optimizer import decompose
from optimizer.cli import EXIT_INPUT, EXIT_OK, EXIT_VERIFY, app
from optimizer.data.load import load_instance
from optimizer.decompose import NationalResult, choose_plans, province_targets, solve_national
from optimizer.decompose_targets import province_supplies
from optimizer.evaluator.api import evaluate
from optimizer.models.data import pool_use
from optimizer.overrides import apply_overrides
from optimizer.plan_io import read_plan

runner = CliRunner()
CARBON_PRICE_CNY_PER_TCO2 = 800.0
"""High enough that the tiny lines adopt capture (see test_capture_costs_are_counted_once)."""


def _nation(folder: Path, extra_target: dict[str, str]) -> Path:
    """tiny twice over: province north (the tiny lines) and south (copies with 3 % more fuel),
    with ``extra_target`` added as the national target TT-3."""
    shutil.copytree(DATA / "tiny", folder)
    lines = pd.read_csv(folder / "lines.csv", dtype=str, keep_default_na=False)
    north = lines.assign(province="north")
    south = lines.assign(
        province="south",
        line_id=lines["line_id"] + "-S",
        fuel_kgce_per_unit=(lines["fuel_kgce_per_unit"].astype(float) * 1.03).round(3).astype(str),
    )
    pd.concat([north, south]).to_csv(folder / "lines.csv", index=False)
    demand = pd.read_csv(folder / "demand.csv")
    demand["demand_per_year"] *= 2
    demand.to_csv(folder / "demand.csv", index=False)
    targets = pd.read_csv(folder / "targets.csv", dtype=str, keep_default_na=False)
    row = {str(k): v for k, v in targets.iloc[0].items()} | {"target_id": "TT-3", **extra_target}
    extra = pd.DataFrame([row])
    pd.concat([targets, extra]).to_csv(folder / "targets.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def two_provinces(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A national clinker cap of 4 Mt/yr, which the provinces' own cheapest plans meet together."""
    cap = {"kind": "capacity_cap", "value": "4000000", "unit": "t/yr", "description": "national clinker cap"}
    return _nation(tmp_path_factory.mktemp("nation") / "nation", cap)


def test_allocation_makes_provincial_targets_sufficient(two_provinces: Path) -> None:
    inst = load_instance(two_provinces)
    north = inst.lines[inst.lines["province"] == "north"]
    upper = province_targets(inst, north, "upper").set_index("target_id")
    # a share applies unchanged; a cap is split by base capacity: north has half the clinker
    assert upper.loc["TT-2", "value"] == 0.5
    assert upper.loc["TT-3", "value"] == pytest.approx(2_000_000)
    lower = province_targets(inst, north, "lower")
    assert lower.empty  # every target here couples the provinces: the relaxation drops them


@pytest.fixture(scope="module")
def plain(two_provinces: Path) -> NationalResult:
    """The national solve without overrides, perfect foresight (shared: a solve takes ~15 s)."""
    inst = load_instance(two_provinces)
    return solve_national(inst, time_limit_s=60, gap=1e-6, workers=2, progress=False)


def _by_province(folder: Path, out: Path, *extra: str) -> list[str]:
    """CLI arguments of a decomposed run as tight as the API solve in ``plain``."""
    return [
        "--instance",
        str(folder),
        "--decompose",
        "--out",
        str(out),
        "--time-limit",
        "60",
        "--gap",
        "1e-6",
        "--no-report",
        *extra,
    ]


def test_national_plan_is_verified_and_bounded(plain: NationalResult) -> None:
    result = plain
    assert result.plan is not None and result.targets is not None and result.upper_cny is not None
    # the lower-bound plans meet the national cap together (3.1 of 4 Mt/yr): they are the plan,
    # and no province is solved a second time under its share
    assert set(result.provinces["bound_kind"]) == {"lower"} and result.provinces["in_plan"].all()
    assert result.provinces["meets_allocation"].all()
    assert (result.provinces["time_limit_s"] == 60.0).all()  # two provinces of the same size
    assert result.lower_plans_missed == []
    assert result.provinces["messages"].str.contains("warm start").all()  # how each one went
    # the assembled plan's exact NPV is the sum of the provincial objectives
    in_plan = result.provinces[result.provinces["in_plan"]]
    assert result.upper_cny == pytest.approx(in_plan["objective_cny"].sum(), rel=1e-9)
    assert result.lower_cny is not None and result.lower_cny <= result.upper_cny * (1 + 1e-9)
    assert result.gap is not None and 0 <= result.gap < 0.05
    assert result.targets[result.targets["hard"]]["met"].all()


@pytest.fixture(scope="module")
def scarce_slag(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two provinces under one national carbide-slag pool of 600 kt/yr: each province's own
    cheapest plan burns 501.6 kt a year from 2025 (the tiny plan's L2), 1 003 kt together."""
    cap = {"kind": "capacity_cap", "value": "4000000", "unit": "t/yr", "description": "national clinker cap"}
    folder = _nation(tmp_path_factory.mktemp("slag") / "nation", cap)
    years = range(2025, 2031)
    return write_supplies(
        folder, [{"resource": "carbide_slag", "year": y, "available": 600e3, "unit": "t/yr"} for y in years]
    )


def test_a_national_supply_is_shared_by_base_year_output(scarce_slag: Path) -> None:
    inst = load_instance(scarce_slag)
    north = inst.lines[inst.lines["province"] == "north"]
    # the south copies the north's lines and days: half the base-year clinker output each
    assert province_supplies(inst, north, "upper")["available"].tolist() == pytest.approx([300e3] * 6)
    assert province_supplies(inst, north, "lower")["available"].tolist() == pytest.approx([600e3] * 6)


def test_provinces_do_not_each_use_the_whole_national_supply(scarce_slag: Path) -> None:
    result = solve_national(load_instance(scarce_slag), time_limit_s=60, gap=1e-6, workers=2, progress=False)
    assert result.lower_plans_missed is not None
    assert "supply carbide_slag *@2030" in result.lower_plans_missed
    # both lower-bound plans overdraw their half, so both are solved again under it
    upper = result.provinces[result.provinces["bound_kind"] == "upper"]
    assert set(upper["province"]) == {"north", "south"} and upper["in_plan"].all()
    assert result.evaluation is not None and result.limits_exceeded == []
    # a line's substitution takes 501.6 kt, more than a 300 kt half: neither plan burns slag now,
    # and each pays for it against its lower-bound plan
    assert pool_use(result.evaluation)["carbide_slag"].max() == 0
    by_kind = result.provinces.set_index(["province", "bound_kind"])["objective_cny"]
    assert all(by_kind[(p, "upper")] > by_kind[(p, "lower")] for p in ("north", "south"))
    assert decompose.national_ok(result)


@pytest.fixture(scope="module")
def shared_cut(tmp_path_factory: pytest.TempPathFactory) -> NationalResult:
    """A national clinker energy cut of 12.1 % by 2030: the provinces' cheapest plans reach
    11.98 % together; south's alone reaches its share (its lines burn 3 % more fuel, so its
    retrofits cut more), north's does not."""
    cut = {
        "kind": "intensity_cut",
        "value": "0.121",
        "unit": "fraction",
        "year": "2030",
        "description": "national clinker energy cut",
    }
    folder = _nation(tmp_path_factory.mktemp("cut") / "nation", cut)
    return solve_national(load_instance(folder), time_limit_s=60, gap=1e-6, workers=2, progress=False)


def test_only_provinces_short_of_their_share_are_solved_again(shared_cut: NationalResult) -> None:
    table = shared_cut.provinces.set_index(["province", "bound_kind"])
    assert sorted(table.index) == [("north", "lower"), ("north", "upper"), ("south", "lower")]
    assert shared_cut.lower_plans_missed == ["TT-3 2030"]
    assert not table.loc[("north", "lower"), "meets_allocation"]
    assert table.loc[("south", "lower"), "meets_allocation"]
    # north's plan under its share, south's own cheapest plan
    assert list(table.index[table["in_plan"].astype(bool)]) == [("north", "upper"), ("south", "lower")]
    in_plan = table[table["in_plan"].astype(bool)]
    assert shared_cut.upper_cny == pytest.approx(in_plan["objective_cny"].sum(), rel=1e-9)
    assert shared_cut.targets is not None and shared_cut.targets[shared_cut.targets["hard"]]["met"].all()
    cut = shared_cut.targets.query("target_id == 'TT-3'")
    assert float(cut["achieved"].iloc[0]) >= 0.121
    # the share costs north something: the plan is above the bound, and the bound is the
    # sum of the relaxations' optima (proven at gap 1e-6)
    lowers = table.xs("lower", level="bound_kind")
    assert shared_cut.lower_cny == pytest.approx(lowers["bound_cny"].sum(), rel=1e-9)
    assert shared_cut.gap is not None and shared_cut.gap > 1e-3


def test_carbon_price_by_province_is_planned_and_checked_under_it(
    two_provinces: Path, plain: NationalResult, tmp_path: Path
) -> None:
    out = tmp_path / "priced"
    result = runner.invoke(
        app, _by_province(two_provinces, out, "--carbon-price", str(CARBON_PRICE_CNY_PER_TCO2))
    )
    assert result.exit_code == EXIT_OK, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["carbon_price"] == CARBON_PRICE_CNY_PER_TCO2
    assert summary["overrides"] == [] and summary["mode"] == "perfect"
    # the assembled plan's NPV is the evaluator's under the overridden prices...
    priced = apply_overrides(load_instance(two_provinces), CARBON_PRICE_CNY_PER_TCO2, [])
    npv_cny = evaluate(priced, read_plan(priced, out / "plan.csv")).npv_cny
    assert summary["evaluator_npv_cny"] == pytest.approx(npv_cny, rel=1e-9)
    # ...which the provinces planned under too (their objectives add up to it), so the run is
    # not the one without the price
    in_plan = pd.read_csv(out / "provinces.csv").query("in_plan")
    assert in_plan["objective_cny"].sum() == pytest.approx(npv_cny, rel=1e-9)
    assert plain.upper_cny is not None
    assert summary["evaluator_npv_cny"] != pytest.approx(plain.upper_cny, rel=1e-3)


def test_bad_set_by_province_fails_before_solving_and_writes_nothing(
    two_provinces: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_cluster(*_: object) -> None:
        raise AssertionError("a bad --set must fail before any sub-problem is sent")

    monkeypatch.setattr(decompose, "_dask_client", no_cluster)
    bad = ["--set", "lines.no_such_column=1"]
    by_province = runner.invoke(app, _by_province(two_provinces, tmp_path / "by-province", *bad))
    single = runner.invoke(
        app, ["--instance", str(two_provinces), "--no-decompose", "--out", str(tmp_path / "single"), *bad]
    )
    assert by_province.exit_code == single.exit_code == EXIT_INPUT, by_province.output
    error = single.output[single.output.index("Input error") :]
    assert "no_such_column" in error and "is not a column of lines.csv" in error
    assert error in by_province.output
    assert list(tmp_path.iterdir()) == []  # no output folder, no half-written temporary one


def test_myopic_by_province_checks_every_hard_target(two_provinces: Path, tmp_path: Path) -> None:
    out = tmp_path / "myopic"
    result = runner.invoke(app, _by_province(two_provinces, out, "--mode", "myopic"))
    assert result.exit_code in (EXIT_OK, EXIT_VERIFY), result.output
    hard = pd.read_csv(out / "targets.csv").query("hard")
    assert not hard.empty and hard["met"].notna().all()  # each one met or reported missed
    assert result.exit_code == (EXIT_OK if hard["met"].astype(bool).all() else EXIT_VERIFY)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["mode"] == "myopic"
    # the bound is perfect foresight: no optimality gap of the myopic plan is claimed
    assert summary["mip_gap"] is None
    assert summary["gap_vs_perfect_foresight_bound"] >= -1e-9
    assert "gap vs the perfect-foresight lower bound" in result.output
    provinces = pd.read_csv(out / "provinces.csv")
    assert set(zip(provinces["bound_kind"], provinces["mode"], strict=True)) == {
        ("upper", "myopic"),
        ("lower", "perfect"),
    }


def test_myopic_fallback_is_planned_myopically() -> None:
    plan: dict = {}
    parts: list[dict] = [
        {"province": "north", "bound_kind": "upper", "status": "infeasible"},
        {"province": "north", "bound_kind": "lower", "status": "optimal", "plan": plan},
        {"province": "south", "bound_kind": "upper", "status": "optimal", "plan": plan},
    ]
    chosen, notes = choose_plans(parts, "perfect")
    assert [p["bound_kind"] for p in chosen] == ["lower", "upper"]
    assert notes == {"north": "infeasible (lower-bound plan used)"}
    # a perfect-foresight plan never stands in for a myopic province: no plan until a relaxed one
    chosen, _ = choose_plans(parts, "myopic")
    assert [p["province"] for p in chosen] == ["south"]
    relaxed = {"province": "north", "bound_kind": "relaxed", "status": "optimal", "plan": plan}
    chosen, notes = choose_plans([*parts, relaxed], "myopic")
    assert [p["bound_kind"] for p in chosen] == ["relaxed", "upper"]
    assert notes == {"north": "infeasible (myopic plan without the coupling targets used)"}


def test_time_limits_follow_province_size() -> None:
    # mean 200 lines: 100 lines get half the limit, 300 lines one and a half times it
    assert decompose.sub_problem_limits(pd.Series({"a": 100, "b": 300}), 100.0) == {"a": 50.0, "b": 150.0}
    # mean 250: 10 lines would get 4 %, held at half; 970 lines would get 3.88 times, held at 3
    limits = decompose.sub_problem_limits(pd.Series({"a": 10, "b": 10, "c": 10, "d": 970}), 100.0)
    assert limits == {"a": 50.0, "b": 50.0, "c": 50.0, "d": 300.0}


def test_lower_bound_plan_stands_in_unnoted_where_no_upper_was_needed() -> None:
    plan: dict = {}
    parts: list[dict] = [
        {"province": "north", "bound_kind": "lower", "status": "optimal", "plan": plan},
        {"province": "south", "bound_kind": "lower", "status": "optimal", "plan": plan},
        {"province": "south", "bound_kind": "upper", "status": "optimal", "plan": plan},
    ]
    chosen, notes = choose_plans(parts, "perfect")
    assert [(p["province"], p["bound_kind"]) for p in chosen] == [("north", "lower"), ("south", "upper")]
    assert notes == {}


def test_solver_settings_reach_every_sub_problem(
    two_provinces: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # --seed, --threads and --no-warm-start used to be dropped on the by-province path
    import optimizer.run

    seen = []

    def capture(instance, options):  # type: ignore[no-untyped-def]
        seen.append(options)
        raise RuntimeError("captured")

    monkeypatch.setattr(optimizer.run, "solve_instance", capture)
    settings = decompose.SubproblemSolver(seed=7, threads=1, warm_start=False)
    task = decompose.ProvinceTask(str(two_provinces), "north", "upper", 5.0, 1e-3, solver=settings)
    with pytest.raises(RuntimeError, match="captured"):
        decompose.solve_province(task)
    (options,) = seen
    assert (options.seed, options.threads, options.warm_start, options.race) == (7, 1, False, 1)


def test_cli_hands_solver_settings_to_the_by_province_path(
    two_provinces: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = {}

    def capture(instance, options, console):  # type: ignore[no-untyped-def]
        seen["solver"] = decompose.subproblem_solver(options)
        return EXIT_OK

    monkeypatch.setattr(decompose, "run_decomposed", capture)
    args = [
        "--instance",
        str(two_provinces),
        "--decompose",
        "--seed",
        "3",
        "--threads",
        "1",
        "--no-warm-start",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == EXIT_OK, result.output
    assert seen["solver"] == decompose.SubproblemSolver(seed=3, threads=1, warm_start=False)
