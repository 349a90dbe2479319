"""Bad input is rejected before any model is built, with file, row, column, value and what is
expected; nothing is written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import edit_csv

from optimizer.data.load import load_instance
from optimizer.errors import InputError


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(InputError) as info:
        load_instance(folder)
    return [str(p) for p in info.value.problems]


def test_tiny_instance_loads(tiny: Path) -> None:
    inst = load_instance(tiny)
    assert list(inst.lines.index) == ["L1", "L2", "G1"]
    assert inst.scenario.model_years == (2025, 2027, 2030)
    # catalogue tables came from the package because the folder has none
    assert inst.files["technologies"].parent.name == "catalogue"


def test_negative_capacity_names_file_row_column_value(tiny: Path) -> None:
    edit_csv(tiny / "lines.csv", row=3, column="size_t_per_day", value=-2500)
    assert problems_of(tiny) == ["lines.csv row 3, size_t_per_day: '-2500' is below 0.001 t/d"]


def test_unknown_and_missing_columns(tiny: Path) -> None:
    edit_csv(tiny / "lines.csv", drop_column="operating_days", add_column="colour")
    found = problems_of(tiny)
    assert any("lines.csv row 1, colour: unknown column" in p for p in found)
    assert "lines.csv row 1, operating_days: required column is missing" in found


def test_text_in_number_column(tiny: Path) -> None:
    edit_csv(tiny / "lines.csv", row=2, column="operating_days", value="many")
    assert problems_of(tiny) == [
        "lines.csv row 2, operating_days: 'many' is not a number (expected float in d/yr)"
    ]


def test_unknown_sector_and_product(tiny: Path) -> None:
    edit_csv(tiny / "lines.csv", row=2, column="sector", value="cheese")
    found = problems_of(tiny)
    assert len(found) == 1 and found[0].startswith("lines.csv row 2, sector: 'cheese' is not a sector")


def test_product_of_another_sector(tiny: Path) -> None:
    edit_csv(tiny / "lines.csv", row=2, column="product", value="sanitary")
    assert problems_of(tiny) == [
        "lines.csv row 2, product: 'sanitary' belongs to sector sanitary_ceramics, not cement_clinker"
    ]


def test_size_outside_product_class(tiny: Path) -> None:
    edit_csv(tiny / "lines.csv", row=4, column="size_t_per_day", value=1200)
    found = problems_of(tiny)
    assert found == [
        "lines.csv row 4, size_t_per_day: 1200.0 is outside the size class of "
        "flat_glass_500_800 (500.001..800 t/d)"
    ]


def test_duplicate_line_id(tiny: Path) -> None:
    edit_csv(tiny / "lines.csv", row=3, column="line_id", value="L1")
    assert problems_of(tiny) == ["lines.csv row 3, line_id: 'L1' duplicates the id in row 2"]


def test_target_with_empty_scope(tiny: Path) -> None:
    edit_csv(tiny / "targets.csv", row=2, column="sectors", value="lime")
    found = problems_of(tiny)
    assert found == [
        "targets.csv row 2, sectors: 'lime' scope is empty: no line of the instance is in these sectors"
    ]


def test_unknown_target_kind(tiny: Path) -> None:
    edit_csv(tiny / "targets.csv", row=3, column="kind", value="world_peace")
    found = problems_of(tiny)
    assert len(found) == 1 and found[0].startswith("targets.csv row 3, kind: 'world_peace' is not allowed")


def test_unknown_technology_reference(tiny: Path) -> None:
    catalogue = load_instance(tiny).files["technologies"]
    shutil.copy(catalogue, tiny / "technologies.csv")
    edit_csv(tiny / "technologies.csv", row=2, column="prerequisites", value="teleporter")
    found = problems_of(tiny)
    assert found == [
        "technologies.csv row 2, prerequisites: 'teleporter' is not another technology in technologies.csv"
    ]


def test_scenario_unknown_and_missing_parameters(tiny: Path) -> None:
    frame = pd.read_csv(tiny / "scenario.csv", dtype=str)
    frame = frame[frame["parameter"] != "discount_rate"]
    extra = pd.DataFrame([["warp_factor", "9", "-", "test", "S"]], columns=frame.columns)
    pd.concat([frame, extra]).to_csv(tiny / "scenario.csv", index=False)
    found = problems_of(tiny)
    # 10 parameters, one removed, one added: the new one is the 10th data row, row 11
    assert any("scenario.csv row 11, parameter: 'warp_factor' is not a known parameter" in p for p in found)
    assert "scenario.csv, parameter: 'discount_rate' required parameter is missing" in found


def test_prices_must_cover_the_horizon(tiny: Path) -> None:
    frame = pd.read_csv(tiny / "prices.csv", dtype=str)
    frame[frame["year"] != "2028"].to_csv(tiny / "prices.csv", index=False)
    found = problems_of(tiny)
    assert found == ["prices.csv, year: [2028] years missing: prices must cover base_year..horizon_end"]


def test_every_problem_is_reported_at_once(tiny: Path) -> None:
    edit_csv(tiny / "lines.csv", row=2, column="operating_days", value=-1)
    edit_csv(tiny / "lines.csv", row=3, column="gas_share", value=2)
    assert len(problems_of(tiny)) == 2


def test_excel_tables_are_read(tiny: Path) -> None:
    frame = pd.read_csv(tiny / "lines.csv", dtype=str, keep_default_na=False)
    frame.loc[0, "size_t_per_day"] = "-5"
    frame.to_excel(tiny / "lines.xlsx", index=False)
    (tiny / "lines.csv").unlink()
    assert problems_of(tiny) == ["lines.xlsx row 2, size_t_per_day: '-5' is below 0.001 t/d"]
