"""Shipped instances: valid, calibrated to the published aggregates, every seed target cited."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from optimizer.data.load import instance_dir, load_instance, shipped_instances
from optimizer.summary import base_year_summary

DIGEST = Path(__file__).resolve().parents[2] / "shared" / "reference" / "targets.md"

# facts.md s4: clinker capacity (t/yr) and capacity-weighted clinker energy (kgce/t)
CALIBRATION = {
    "zhejiang": (52e6, 106.9),
    "guizhou": (91e6, None),
    "xinjiang": (73e6, None),
    "chongqing": (59e6, None),
    "national": (1.79e9, None),
}


def test_all_five_instances_ship() -> None:
    assert set(shipped_instances()) == {"zhejiang", "guizhou", "xinjiang", "chongqing", "national"}


@pytest.mark.parametrize("name", sorted(CALIBRATION))
def test_base_year_matches_published_aggregates(name: str) -> None:
    inst = load_instance(instance_dir(name))
    clinker = next(s for s in base_year_summary(inst) if s["sector"] == "cement_clinker")
    capacity, intensity = CALIBRATION[name]
    assert clinker["capacity_t_per_year"] == pytest.approx(capacity, rel=0.02)
    if intensity is not None:
        assert clinker["intensity_kgce_per_unit"] == pytest.approx(intensity, rel=0.02)


def test_national_instance_is_large() -> None:
    inst = load_instance(instance_dir("national"))
    assert len(inst.lines) >= 5000
    assert inst.lines["province"].nunique() == 31


def test_national_fleet_keeps_each_provinces_staggered_production() -> None:
    """Every province carries a rule: its known one (floors.md s4), a seed province its own
    instance's, and the south without a count found 300 d, as Zhejiang (every clinker line must
    stagger, 201号); the base-year fleet runs within them and makes the 2024 clinker output."""
    inst = load_instance(instance_dir("national"))
    rules = inst.targets[inst.targets["kind"] == "operating_days_max"]
    cap = {p: float(r["value"]) for _, r in rules.iterrows() for p in str(r["provinces"]).split(";")}
    assert set(cap) == set(inst.lines["province"]) and {"hebei", "ningxia", "sichuan"} <= set(cap)
    assert cap["anhui"] == cap["guangdong"] == cap["xizang"] == cap["zhejiang"] == 300.0
    for seed in ("zhejiang", "guizhou", "xinjiang", "chongqing"):
        own = load_instance(instance_dir(seed)).targets
        assert cap[seed] == float(own.loc[own["kind"] == "operating_days_max", "value"].iloc[0]), seed
    clinker = inst.lines[inst.lines["sector"] == "cement_clinker"]
    limit = clinker["province"].map(cap)
    assert (clinker["operating_days"] <= limit + 1e-9).all()
    output_t = (clinker["capacity_per_year"] * clinker["operating_days"] / 310.0).sum()
    assert output_t == pytest.approx(1825e6 * 0.665, rel=1e-4)  # cement 2024 (facts.md s6) x clinker


def test_national_supplies_are_each_provinces_own() -> None:
    """No national pool: every province has its own rows (carbide slag is a wet slurry, fuels are
    municipal wastes), the named carbide provinces hold resources.md s1a's figures, a seed province
    its instance's, and the rows add up to the national figures."""
    inst = load_instance(instance_dir("national"))
    supplies = inst.supplies
    assert "*" not in set(supplies["province"])
    assert set(supplies["province"]) == set(inst.lines["province"])
    slag = supplies[(supplies["resource"] == "carbide_slag") & (supplies["year"] == 2030)]
    slag_t = dict(zip(slag["province"], slag["available"], strict=True))
    assert sum(slag_t.values()) == pytest.approx(17.5e6, rel=1e-6)
    assert slag_t["inner_mongolia"] == 5.0e6 and slag_t["ningxia"] == 2.5e6
    assert max(slag_t, key=lambda k: slag_t[k]) == "inner_mongolia"
    for seed in ("zhejiang", "guizhou", "xinjiang", "chongqing"):
        own = load_instance(instance_dir(seed)).supplies
        for resource in ("carbide_slag", "other_calcium_waste"):
            mine = own[(own["resource"] == resource) & (own["year"] == 2030)]["available"].iloc[0]
            rows = supplies[(supplies["resource"] == resource) & (supplies["year"] == 2030)]
            assert rows.loc[rows["province"] == seed, "available"].iloc[0] == mine, (seed, resource)
    waste = supplies[(supplies["resource"] == "other_calcium_waste") & (supplies["year"] == 2030)]
    assert waste["available"].sum() == pytest.approx(30e6, rel=1e-6)


@pytest.mark.parametrize("name", sorted(CALIBRATION))
def test_real_and_synthetic_lines_are_labelled(name: str) -> None:
    """Clinker lines are GEM plants; every other sector is synthetic and says so."""
    inst = load_instance(instance_dir(name))
    clinker = inst.lines["sector"] == "cement_clinker"
    assert inst.lines.loc[clinker, "source"].str.contains("Global Energy Monitor").all()
    others = inst.lines[~clinker]
    assert (others["flag"] == "S").all()
    assert others["source"].str.contains("synthetic").all()
    assert (others["gem_plant_id"].fillna("") == "").all()
    readme = (instance_dir(name) / "README.md").read_text(encoding="utf-8")
    assert "real plants" in readme and "SYNTHETIC" in readme
    assert "Global Energy Monitor, Global Cement and Concrete Tracker, July 2025 (V1) release." in readme


def _digest_ids() -> set[str]:
    if not DIGEST.exists():
        pytest.skip("shared/reference/targets.md is not beside the repository")
    return set(re.findall(r"\|\s*((?:ZJ|GZ|XJ|XE|CQ)-T\d)\s*\|", DIGEST.read_text(encoding="utf-8")))


def test_every_digest_target_is_in_an_instance() -> None:
    ids = _digest_ids()
    assert len(ids) >= 23
    shipped: set[str] = set()
    for name in shipped_instances():
        inst = load_instance(instance_dir(name))
        shipped |= set(inst.targets["target_id"])
        assert inst.targets["document"].str.len().gt(0).all()
        assert inst.targets["clause"].str.len().gt(0).all()
    assert ids <= shipped, f"missing: {sorted(ids - shipped)}"


def test_zhejiang_rules_are_encoded() -> None:
    targets = load_instance(instance_dir("zhejiang")).targets.set_index("target_id")
    assert targets.loc["ZJ-R1", "kind"] == "replacement_ratio_min" and targets.loc["ZJ-R1", "value"] == 2
    assert targets.loc["ZJ-R2", "kind"] == "size_exit" and targets.loc["ZJ-R2", "value"] == 2500
    assert targets.loc["ZJ-R3", "kind"] == "projects_min" and targets.loc["ZJ-R3", "value"] == 100


def test_generator_is_reproducible(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Regenerating into a scratch folder reproduces the committed fleets byte for byte."""
    import shutil

    from optimizer.instances import generate_synthetic as gen

    if not gen.GEM_WORKBOOK.exists():
        pytest.skip(f"the GEM workbook is not beside the repository ({gen.GEM_WORKBOOK})")
    scratch = tmp_path / "instances"
    shutil.copytree(Path(gen.__file__).parent / "catalogue", scratch / "catalogue")
    monkeypatch.setattr(gen, "HERE", scratch)
    monkeypatch.setattr(gen, "CATALOGUE", scratch / "catalogue")
    gen.generate_all()
    for name in ("zhejiang", "chongqing"):
        shipped = (instance_dir(name) / "lines.csv").read_text(encoding="utf-8")
        assert (scratch / name / "lines.csv").read_text(encoding="utf-8") == shipped


@pytest.mark.parametrize("name", ["zhejiang", "guizhou", "xinjiang", "chongqing"])
def test_electric_kilns_buy_the_heat_they_replace(name: str) -> None:
    # An electric kiln replaces gas or coal firing by resistive heat: with no flue-gas loss it
    # needs somewhat less than one kWh of power per kWh of fuel heat it replaces, never a
    # quarter of it; the catalogue scales the line's own power, so provinces with little fuel
    # and much power per unit come out near 1.0 (the first catalogue row: 0.9 of the fuel for
    # +2.5 x the line's power).
    inst = load_instance(instance_dir(name))
    kwh_per_kgce = 1.0 / 0.1229  # GB/T 2589 equivalent value, as kgce_per_kwh in scenario.csv
    techs = inst.technologies.set_index("tech_id")
    for tech_id, sector in [
        ("ceramic_electric_kiln_tile", "ceramic_tile"),
        ("ceramic_electric_kiln_sanitary", "sanitary_ceramics"),
    ]:
        tech = techs.loc[tech_id]
        assert tech["savings_act_on"] == "stream" and tech["sectors"] == sector
        lines = inst.lines[inst.lines["sector"] == sector]
        heat_replaced_kwh = lines["fuel_kgce_per_unit"] * tech["fuel_saving_frac"] * kwh_per_kgce
        power_added_kwh = lines["electricity_kwh_per_unit"] * -tech["elec_saving_frac"]
        ratio = float(power_added_kwh.sum() / heat_replaced_kwh.sum())
        assert 0.6 <= ratio <= 1.05, f"{name} {tech_id}: {ratio:.2f} kWh of power per kWh of heat"
        # firing is most of the fuel, never all of it (drying and spray drying stay on fuel)
        assert 0.5 <= tech["fuel_saving_frac"] <= 0.8
