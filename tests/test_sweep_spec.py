"""Sweep specs: addresses, changes, designs, and bad specs rejected before anything runs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import DATA
from typer.testing import CliRunner

from optimizer.data.schema import read_raw_table
from optimizer.errors import InputError
from optimizer.sweep.designs import expand, sample_matrix
from optimizer.sweep.load_spec import load_spec
from optimizer.sweep.params import apply_change, parse_address, select_rows
from optimizer.sweep.runner import prepare

TINY = DATA / "tiny"
SHIPPED = Path(__file__).resolve().parent.parent / "instances" / "sweeps"


def write(tmp_path: Path, text: str, name: str = "spec.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text.replace("TINY", str(TINY)), "utf-8")
    return path


GRID = """\
instance: TINY
parameters:
  carbon: {address: "prices.carbon_cny_per_tco2[year>=2026]", change: substitute}
  coal: {address: prices.coal_cny_per_tce, change: relative}
design:
  type: grid
  values: {carbon: [50, 100], coal: [0.8, 1.0, 1.2]}
"""


def problems_of(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        prepare(path)
    return str(caught.value)


# ---------------------------------------------------------------- addresses and changes


def test_address_selects_rows_and_changes_apply() -> None:
    prices = read_raw_table(TINY / "prices.csv")
    address = parse_address("prices.carbon_cny_per_tco2[year>=2026,year!=2028]")
    assert select_rows(address, prices).tolist() == [False, False, True, True, False, True, True]
    assert apply_change(prices, address, "absolute", 10)["carbon_cny_per_tco2"].tolist()[2] == "110.0"
    assert apply_change(prices, address, "relative", 2)["carbon_cny_per_tco2"].tolist()[3] == "220.0"
    out = apply_change(prices, address, "substitute", 300)["carbon_cny_per_tco2"].tolist()
    assert out == ["80", "90", "300.0", "300.0", "120", "300.0", "300.0"]
    # the base frame is untouched (every scenario starts from the same base)
    assert prices["carbon_cny_per_tco2"].tolist()[2] == "100"


def test_scenario_shorthand_and_key_value_rows() -> None:
    scenario = read_raw_table(TINY / "scenario.csv")
    short = parse_address("scenario.discount_rate")
    assert short == parse_address("scenario.value[parameter=discount_rate]")
    assert short.warm
    assert not parse_address("scenario.model_years").warm
    changed = apply_change(scenario, short, "relative", 0.5)
    assert changed.set_index("parameter").loc["discount_rate", "value"] == "0.04"


def test_integer_columns_are_rounded_and_blank_cells_use_the_default() -> None:
    techs = read_raw_table(
        Path(__file__).resolve().parent.parent / "instances" / "catalogue" / "technologies.csv"
    )
    life = parse_address("technologies.lifetime_years[tech_id=cooler_4th_gen]")
    assert apply_change(techs, life, "relative", 1.04).set_index("tech_id").loc[
        "cooler_4th_gen", "lifetime_years"
    ] in {
        "16",
        "21",
        "26",
        "31",
    }
    prices = read_raw_table(TINY / "prices.csv").drop(columns=["free_allocation_frac"])
    free = parse_address("prices.free_allocation_frac")
    assert apply_change(prices, free, "absolute", 0.25)["free_allocation_frac"].tolist()[0] == "0.25"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("price.coal", "names no table"),
        ("prices.coal", "'coal' is not a column of prices.csv"),
        ("prices.coal_cny_per_tce[yr=2026]", "selector column 'yr'"),
        ("prices.coal_cny_per_tce[]", "empty selector"),
        ("prices.coal_cny_per_tce[year~2026]", "is not column<op>value"),
        ("coal_cny_per_tce", "is not an address"),
    ],
)
def test_bad_addresses_say_what_is_expected(text: str, expected: str) -> None:
    with pytest.raises(ValueError, match=expected.replace("[", r"\[")):
        parse_address(text)


# ---------------------------------------------------------------- designs


def test_grid_oat_and_list_designs_expand_deterministically(tmp_path: Path) -> None:
    grid = prepare(write(tmp_path, GRID))
    assert [s.scenario_id for s in grid.scenarios] == [f"tiny-{i:04d}" for i in range(6)]
    assert grid.scenarios[1].values == {"carbon": 50.0, "coal": 1.0}
    oat = load_spec(write(tmp_path, GRID.replace("type: grid", "type: oat"), "oat.yaml"))
    scenarios = expand(oat)
    assert [s.role for s in scenarios] == ["base", *["oat:carbon"] * 2, *["oat:coal"] * 3]
    assert scenarios[0].values == {} and scenarios[3].values == {"coal": 0.8}


def test_random_designs_are_reproducible_and_within_their_support(tmp_path: Path) -> None:
    text = """\
instance: TINY
parameters:
  a: {address: prices.coal_cny_per_tce, change: relative}
  b: {address: "technologies.capex_fixed_cny[tech_id=cooler_4th_gen]", change: relative}
design:
  type: monte_carlo
  samples: 200
  seed: 7
  distributions:
    a: {dist: normal, mean: 1.0, sd: 0.3, low: 0.5, high: 1.5}
    b: {dist: triangular, low: 0.8, mode: 1.0, high: 1.5}
"""
    spec = load_spec(write(tmp_path, text))
    x = sample_matrix(spec)
    assert x.shape == (200, 2)
    np.testing.assert_array_equal(x, sample_matrix(load_spec(write(tmp_path, text, "again.yaml"))))
    assert x[:, 0].min() >= 0.5 and x[:, 0].max() <= 1.5 and x[:, 1].min() >= 0.8
    morris = load_spec(
        write(
            tmp_path,
            text.split("design:")[0]
            + "design:\n  type: morris\n  trajectories: 3\n  seed: 1\n"
            + "  bounds: {a: [0.8, 1.2], b: [0.5, 1.5]}\n",
            "morris.yaml",
        )
    )
    assert sample_matrix(morris).shape == (3 * 3, 2)
    sobol = load_spec(
        write(
            tmp_path,
            text.split("design:")[0]
            + "design:\n  type: sobol\n  samples: 8\n  bounds: {a: [0.8, 1.2], b: [0.5, 1.5]}\n",
            "sobol.yaml",
        )
    )
    assert len(expand(sobol)) == 8 * (2 + 2)


def test_csv_spec_is_a_scenario_list_with_row_bases(tmp_path: Path) -> None:
    path = tmp_path / "spec.csv"
    pd.DataFrame(
        {
            "scenario_id": ["low", "high"],
            "instance": [str(TINY), str(TINY)],
            "carbon=prices.carbon_cny_per_tco2[year>=2026]": ["50", "400"],
            "coal=relative:prices.coal_cny_per_tce": ["", "1.2"],
        }
    ).to_csv(path, index=False)
    prepared = prepare(path)
    assert [(s.scenario_id, s.values) for s in prepared.scenarios] == [
        ("low", {"carbon": 50.0}),
        ("high", {"carbon": 400.0, "coal": 1.2}),
    ]
    assert prepared.spec.parameters["coal"].change == "relative"


def test_shipped_example_specs_are_valid() -> None:
    specs = sorted(SHIPPED.glob("*.yaml"))
    assert len(specs) >= 2
    kinds = {load_spec(p).design.kind for p in specs}
    assert {"grid", "monte_carlo"} <= kinds
    for path in specs:
        prepare(path)
    assert load_spec(specs[0].stem).path == specs[0]  # shipped examples by name
    with pytest.raises(InputError, match="shipped examples: zhejiang"):
        load_spec("no_such_sweep")


# ---------------------------------------------------------------- bad specs


def test_yaml_errors_name_file_line_key_and_expectation(tmp_path: Path) -> None:
    text = """\
instance: TINY
colour: blue
parameters:
  carbon: {address: "prices.carbon_cny_per_tco2[year>=2026]", change: multiply}
  coal: {address: prices.coal, change: relative}
design:
  type: grid
  values: {carbon: [50], coal: [1.0], gas: [2]}
"""
    message = problems_of(write(tmp_path, text))
    assert "spec.yaml line 2, colour: unknown key" in message
    assert "spec.yaml line 4, parameters.carbon.change: 'multiply' is not a change" in message
    assert "absolute, relative, substitute" in message
    assert "spec.yaml line 5, parameters.coal.address: 'prices.coal'" in message
    assert "'coal' is not a column of prices.csv" in message
    assert "spec.yaml line 8, design.values.gas: 'gas' is not a declared parameter" in message


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            ("type: grid", "type: factorial"),
            "design.type: 'factorial' is not a design (expected one of: grid",
        ),
        (("carbon: [50, 100]", "carbon: []"), "design.values.carbon: expected a non-empty list of values"),
        (
            ("  values: {carbon: [50, 100], coal: [0.8, 1.0, 1.2]}", "  values: {carbon: [50]}"),
            "'coal' parameter has no entry in the grid design",
        ),
        (("instance: TINY", "province: atlantis"), "province: 'atlantis' is not a shipped instance"),
        (
            ("instance: TINY", "instance: nowhere/at/all"),
            "instance: 'nowhere/at/all' is not an instance folder",
        ),
        (("[year>=2026]", "[year>=2046]"), "selects no row of prices.csv (base tiny)"),
        (
            ("carbon: [50, 100]", "carbon: [50, -100]"),
            "scenarios tiny-0003, tiny-0004, tiny-0005: carbon (prices.carbon_cny_per_tco2[year>=2026])"
            " gives -100, below 0 CNY/tCO2",
        ),
        (
            ("carbon: [50, 100]", "carbon: [50, cheap]"),
            "is text but prices.carbon_cny_per_tco2 holds numbers",
        ),
        (
            (
                "change: relative",
                "change: absolute}\n  grade: {address: lines.pollution_grade, change: relative",
            ),
            "lines.pollution_grade is text: only 'substitute' applies",
        ),
    ],
)
def test_bad_specs_are_rejected_with_a_clear_reason(
    tmp_path: Path, edit: tuple[str, str], expected: str
) -> None:
    text = GRID.replace(*edit)
    if "grade" in text:
        text = text.replace("coal: [0.8, 1.0, 1.2]}", "coal: [0.8, 1.0, 1.2], grade: [2]}")
    assert expected in problems_of(write(tmp_path, text))


def test_random_design_errors(tmp_path: Path) -> None:
    text = """\
instance: TINY
parameters:
  a: {address: prices.coal_cny_per_tce, change: relative}
  b: {address: prices.gas_cny_per_m3, change: relative}
design:
  type: sobol
  samples: 6
  seed: -1
  bounds: {a: [1.2, 0.8], b: [0.5, 1.5]}
"""
    message = problems_of(write(tmp_path, text))
    assert "line 7, design.samples: 6 expected a power of 2" in message
    assert "line 8, design.seed: -1 expected a whole number >= 0" in message
    assert "line 9, design.bounds.a: [1.2, 0.8] expected [low, high] with low < high" in message
    mc = (
        text.replace("type: sobol", "type: monte_carlo")
        .replace(
            "  bounds: {a: [1.2, 0.8], b: [0.5, 1.5]}",
            "  distributions:\n    a: {dist: gamma, k: 2}\n"
            "    b: {dist: triangular, low: 1, mode: 3, high: 2}",
        )
        .replace("  seed: -1\n", "")
    )
    message = problems_of(write(tmp_path, mc, "mc.yaml"))
    assert "design.distributions.a: expected {dist: uniform | normal | triangular | lognormal" in message
    assert "design.distributions.b: triangular needs low <= mode <= high" in message


def test_scenarios_that_make_the_instance_invalid_are_caught_before_running(tmp_path: Path) -> None:
    # discount_rate is text in scenario.csv: the range check is the instance's own (0..0.5)
    text = """\
instance: TINY
parameters:
  rate: {address: scenario.discount_rate, change: substitute}
design:
  type: list
  scenarios: [{rate: 0.05}, {rate: 0.9}]
"""
    message = problems_of(write(tmp_path, text))
    assert "line 6, design.scenarios[1]: scenario tiny-0001 makes the instance invalid" in message
    assert "scenario.csv" in message and "is outside 0..0.5" in message


def test_csv_errors_name_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "spec.csv"
    pd.DataFrame(
        {
            "instance": [str(TINY), ""],
            "double:prices.coal_cny_per_tce": ["2", "3"],
            "prices.gas_cny_per_m3": ["1", "x"],
        }
    ).to_csv(path, index=False)
    message = problems_of(path)
    assert "spec.csv row 1, double:prices.coal_cny_per_tce: 'double' is not a change" in message
    assert "spec.csv row 3, province: expected exactly one of province or instance in each row" in message


def test_cli_exits_1_on_a_bad_spec_naming_the_file(tmp_path: Path) -> None:
    import typer

    from optimizer.sweep.cli import sweep_command

    app = typer.Typer()
    app.command()(sweep_command)
    spec = write(tmp_path, GRID.replace("change: relative", "change: scale"))
    result = CliRunner().invoke(app, [str(spec), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "spec.yaml line 4, parameters.coal.change: 'scale' is not a change" in result.output
    assert not (tmp_path / "out").exists()  # nothing ran, nothing written


def test_a_relaxation_not_shown_needed_gives_no_verdict() -> None:
    from optimizer.diagnose_check import NEEDED
    from optimizer.sweep.summary import UNPROVEN, target_probability

    assert UNPROVEN.issubset(NEEDED)
    met = [{"target_id": "T2", "group": "pooled", "year": 2030, "hard": True, "met": True}]
    frame = pd.DataFrame(
        {
            "scenario_id": ["a", "b", "c"],
            "base": ["x"] * 3,
            "status": ["optimal", "infeasible", "infeasible"],
            "targets": [met, None, None],
            "relaxed_targets": [
                None,
                [{"target": "T2", "year": 2030, "relaxation": 0.1, "needed": "yes"}],
                [{"target": "T2", "year": 2030, "relaxation": 0.1, "needed": "not shown"}],
            ],
        }
    )
    row = target_probability(frame).set_index("target_id").loc["T2"]
    # a met it, b had to relax it, c relaxed it without proof it must: 1 of the 2 with a verdict
    assert row["infeasible_scenarios_relaxing_it"] == 2
    assert row["infeasible_scenarios_not_shown_needed"] == 1
    assert row["probability_met_incl_infeasible"] == pytest.approx(1 / 2)


def test_target_probability_counts_infeasible_scenarios_by_their_relaxation() -> None:
    from optimizer.sweep.summary import distinct_plans, target_probability

    def targets(met: bool) -> list[dict[str, object]]:
        return [
            {"target_id": "T1", "group": "pooled", "year": 2030, "hard": True, "met": True},
            {"target_id": "T2", "group": "cement", "year": 2030, "hard": False, "met": met},
        ]

    frame = pd.DataFrame(
        {
            "scenario_id": ["a", "b", "c", "d"],
            "base": ["x"] * 4,
            "status": ["optimal", "optimal", "infeasible", "infeasible"],
            "exit_code": [0, 0, 3, 3],
            "targets": [targets(True), targets(False), None, None],
            "relaxed_targets": [None, None, [{"target": "T2:cement", "year": 2030, "relaxation": 0.1}], []],
            "decisions_hash": ["h1", "h2", None, None],
            "lines_retired": [1, 2, None, None],
        }
    )
    table = target_probability(frame).set_index("target_id")
    assert table.loc["T1", "probability_met"] == 1.0 and table.loc["T2", "probability_met"] == 0.5
    # c relaxes T2 (missed there, T1 met); d is structural (no verdict): 2 of 3 and 1 of 3
    assert table.loc["T1", "probability_met_incl_infeasible"] == 1.0
    assert table.loc["T2", "probability_met_incl_infeasible"] == pytest.approx(1 / 3)
    assert table.loc["T2", "infeasible_scenarios_relaxing_it"] == 1
    assert table.loc["T2", "infeasible_scenarios_not_shown_needed"] == 0
    plans = distinct_plans(frame[frame["exit_code"] == 0])
    assert plans["scenarios"].tolist() == [1, 1]
