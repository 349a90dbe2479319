"""The GEM Global Cement and Concrete Tracker: reader, fleet rules, importer and shipped fleets.

Figures for the committed excerpt (tests/data/gem_excerpt.xlsx: eleven rows of the July 2025
workbook, its `About` sheet first as in the real file) are derived by hand in the comments.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from optimizer.data.gem import clean_name, main_holder, read_gem
from optimizer.data.gem_fleet import FleetRules, clinker_plants, province_fleet, split_into_lines
from optimizer.data.importer import import_gem, lines_from_gem, write_instance_folder
from optimizer.data.load import instance_dir, load_instance
from optimizer.errors import InputError
from optimizer.portfolio.company import company_lines

DATA = Path(__file__).parent / "data"
EXCERPT = DATA / "gem_excerpt.xlsx"
WORKBOOK = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "data"
    / "gem"
    / "Global-Cement-and-Concrete-Tracker_July-2025.xlsx"
)
SEEDS = {"zhejiang": 52e6, "guizhou": 91e6, "xinjiang": 73e6, "chongqing": 59e6}


def _real() -> Path:
    if not WORKBOOK.exists():
        pytest.skip(f"the GEM workbook is not beside the repository ({WORKBOOK})")
    return WORKBOOK


@pytest.fixture(scope="module")
def real_plants() -> pd.DataFrame:
    return read_gem(_real())


def test_names_are_cleaned() -> None:
    assert clean_name("安徽海螺水泥有限公司 (Chinese) [100%]") == "安徽海螺水泥有限公司"
    assert main_holder("A Co [29.4%]; B Co [70.6%]") == "B Co"
    assert main_holder("unknown [60%]; C Co [40%]") == "C Co"


def test_excerpt_reads_plant_sheet_not_about() -> None:
    plants = read_gem(EXCERPT)
    # 11 rows, 2 of them Afghan: the country filter keeps 9
    assert len(plants) == 9
    assert set(plants["status"]) == {"operating", "retired", "mothballed"}
    jiande = plants.set_index("gem_plant_id").loc["P100000123078"]
    assert jiande["name_en"] == "Jiande Conch Cement Co Ltd Cement Plant"
    assert jiande["name_zh"] and "(Chinese)" not in jiande["name_zh"]
    assert jiande["clinker_mtpa"] == 3.6 and jiande["start_year"] == 2003
    lanxi = plants.set_index("gem_plant_id").loc["P100000123262"]
    assert not lanxi["clinker_reported"] and pd.isna(lanxi["start_year"])  # '>0' and 'unknown'


def test_earlier_column_names_are_read() -> None:
    plants = read_gem(DATA / "gem_excerpt_old_columns.csv")
    assert len(plants) == 9 and plants["name_en"].str.len().gt(0).all()


def test_fleet_rules_by_hand() -> None:
    plants = read_gem(EXCERPT)
    national = clinker_plants(plants)
    # China clinker plants: 5 Zhejiang (grinding excluded), mothballed Sichuan, Hebei clinker-only
    assert len(national) == 7
    lines, calibration = province_fleet(plants, national, "Zhejiang", None)
    # ratio: only 2 Zhejiang plants report both (3.6/2 = 1.8 clipped to 1.5; 4/4.2 = 0.952) < 5,
    # so the national median of the same two: (1.5 + 0.95238) / 2 = 1.22619
    assert calibration.clinker_to_cement_ratio == pytest.approx((1.5 + 4 / 4.2) / 2)
    per_plant = lines.groupby("gem_plant_id")["capacity_t_per_year"].sum() / 1e6
    assert per_plant["P100000123262"] == pytest.approx(1.47 * 1.2261905, rel=1e-6)  # from cement
    assert per_plant["P100000124671"] == pytest.approx(1.5 * 1.2261905, rel=1e-6)
    assert calibration.gem_reported_t == pytest.approx(9.1e6)  # 3.6 + 4 + 1.5
    assert calibration.imputed_share == pytest.approx((2.97 * 1.2261905) / (9.1 + 2.97 * 1.2261905))
    counts = lines.groupby("gem_plant_id")["lines_in_plant"].first()
    # Jiande 3.6 Mt = 11 613 t/d, 2003 -> 5 000 t/d lines: 3; Changshan 12 903 t/d, 2004: 3;
    # Fuyang 4 839 t/d, year unknown (5 000): 1; Lanxi 5 815 t/d: 2; Liudongshan 5 935 t/d: 2
    assert counts.to_dict() == {
        "P100000123078": 3,
        "P100000123262": 2,
        "P100000123274": 3,
        "P100000123320": 1,
        "P100000124671": 2,
    }
    assert calibration.scale_factor == 1.0
    doubled = 2 * lines["capacity_t_per_year"].sum()
    scaled, calibration2 = province_fleet(plants, national, "Zhejiang", doubled)
    assert calibration2.scale_factor == pytest.approx(2.0)
    assert scaled["capacity_t_per_year"].sum() == pytest.approx(2 * lines["capacity_t_per_year"].sum())
    assert scaled.groupby("gem_plant_id")["lines_in_plant"].first()["P100000123078"] == 5  # 23 226 t/d


def test_split_rule_by_era() -> None:
    rules = FleetRules()
    assert len(split_into_lines(2500 * 310, 1995, rules)) == 1
    assert len(split_into_lines(2501 * 310, 1995, rules)) == 2
    assert len(split_into_lines(6000 * 310, 2015, rules)) == 1
    assert len(split_into_lines(6000 * 310, 2005, rules)) == 2
    assert sum(split_into_lines(7.3e6, None, rules)) == pytest.approx(7.3e6)


def test_broken_rows_are_named(tmp_path: Path) -> None:
    frame = pd.read_excel(EXCERPT, sheet_name="Plant Data", dtype=str, keep_default_na=False)
    frame.loc[0, "Clinker Capacity (millions metric tonnes per annum)"] = "lots"
    frame.loc[2, "Start date"] = "20x4"
    frame.loc[3, "Operating status"] = "sleeping"
    frame.loc[4, "Coordinates"] = "north, east"
    path = tmp_path / "broken.xlsx"
    with pd.ExcelWriter(path) as writer:
        frame.to_excel(writer, sheet_name="Plant Data", index=False)
    with pytest.raises(InputError) as caught:
        read_gem(path)
    found = {(p.row, p.column) for p in caught.value.problems}
    assert found == {
        (2, "Clinker Capacity (millions metric tonnes per annum)"),
        (4, "Start date"),
        (5, "Operating status"),
        (6, "Coordinates"),
    }
    assert all("broken.xlsx" in p.file for p in caught.value.problems)


def test_workbook_without_plant_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "about_only.xlsx"
    pd.DataFrame({"About": ["nothing here"]}).to_excel(path, sheet_name="About", index=False)
    with pytest.raises(InputError, match="no sheet has the GEM plant columns"):
        read_gem(path)


def test_excerpt_imports_into_a_valid_instance(tmp_path: Path) -> None:
    lines = import_gem(EXCERPT, "浙江")  # Chinese province names are accepted
    assert len(lines) == 11 and lines["gem_plant_id"].nunique() == 5
    folder = write_instance_folder(lines, tmp_path / "mine", instance_dir("zhejiang"))
    inst = load_instance(folder)
    assert len(inst.lines) == 11
    with pytest.raises(InputError, match="is not a province of the file"):
        import_gem(EXCERPT, "Atlantis")


def test_real_workbook_every_province_imports_and_validates(
    real_plants: pd.DataFrame, tmp_path: Path
) -> None:
    assert len(real_plants) == 1094  # China rows of the July 2025 release (GEM README)
    assert (real_plants["status"] == "operating").sum() == 1016
    provinces = sorted(clinker_plants(real_plants)["province"].unique())
    assert len(provinces) == 30  # Shanghai has grinding stations only
    for name in provinces:
        lines = lines_from_gem(real_plants, name)
        assert len(lines) > 0 and lines["capacity_per_year"].gt(0).all(), name
    every = lines_from_gem(real_plants)
    folder = write_instance_folder(every, tmp_path / "china", instance_dir("national"))
    inst = load_instance(folder)
    assert inst.lines["gem_plant_id"].nunique() >= 700
    # the template's per-province supplies and rules follow the fleet: Shanghai (no clinker) goes
    assert set(inst.supplies["province"]) == set(inst.lines["province"]) == set(provinces_keys(provinces))
    shutil.rmtree(folder)
    hebei_lines = lines_from_gem(real_plants, "Hebei")
    hebei = write_instance_folder(hebei_lines, tmp_path / "hebei", instance_dir("national"))
    inst = load_instance(hebei)
    assert set(inst.supplies["province"]) == {"hebei"}
    scoped = inst.targets[inst.targets["provinces"].fillna("") != ""]
    assert list(scoped["provinces"]) == ["hebei"]  # north China's staggered days, its own only


def provinces_keys(names: list[str]) -> set[str]:
    return {name.lower().replace(" ", "_") for name in names}


@pytest.mark.parametrize("name", [*sorted(SEEDS), "national"])
def test_shipped_clinker_fleets_are_real_plants(name: str) -> None:
    inst = load_instance(instance_dir(name))
    clinker = inst.lines[inst.lines["sector"] == "cement_clinker"]
    real = clinker["gem_plant_id"].fillna("").str.startswith("P")
    share = clinker.loc[real, "capacity_per_year"].sum() / clinker["capacity_per_year"].sum()
    assert share >= 0.95
    target = 1.79e9 if name == "national" else SEEDS[name]
    assert clinker["capacity_per_year"].sum() == pytest.approx(target, rel=0.02)
    for column in ("plant_name", "plant_name_zh", "company_zh", "city_zh", "latitude", "gem_status"):
        assert clinker.loc[real, column].notna().all(), column
    if name == "national":
        assert clinker["gem_plant_id"].nunique() >= 700
        assert clinker["province"].nunique() == 30


def test_company_named_by_owner_group_or_fragment() -> None:
    inst = load_instance(instance_dir("zhejiang"))
    name, lines = company_lines(inst, "changshan nanfang cement co ltd")
    assert name == "Changshan Nanfang Cement Co Ltd" and len(lines) >= 1
    _, zh_lines = company_lines(inst, "常山南方水泥有限公司")
    assert set(zh_lines.index) == set(lines.index)
    _, group_lines = company_lines(inst, "南方水泥有限公司")
    assert len(group_lines) > len(lines) and set(lines.index) <= set(group_lines.index)
    _, fragment = company_lines(inst, "Changshan Nanfang")
    assert set(fragment.index) == set(lines.index)
    with pytest.raises(InputError, match=r"names .* companies; say which") as caught:
        company_lines(inst, "Nanfang")
    assert "Changshan Nanfang Cement Co Ltd" in str(caught.value)
    with pytest.raises(InputError, match="owns no line here"):
        company_lines(inst, "Synthetic Cement Z")
