"""The ``optimize`` command as a user calls it."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import edit_csv
from typer.testing import CliRunner

from optimizer.cli import app

runner = CliRunner()


def test_list_shows_every_instance() -> None:
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 0
    for name in ("zhejiang", "guizhou", "xinjiang", "chongqing", "national"):
        assert name in result.output


def test_validate_ok_and_bad(tiny: Path) -> None:
    assert runner.invoke(app, ["validate", "--instance", str(tiny)]).exit_code == 0
    edit_csv(tiny / "lines.csv", row=2, column="capacity_per_year", value=-1)
    result = runner.invoke(app, ["validate", "--instance", str(tiny)])
    assert result.exit_code == 1
    assert "lines.csv row 2, capacity_per_year" in result.output


def test_validate_unknown_province() -> None:
    result = runner.invoke(app, ["validate", "--province", "atlantis"])
    assert result.exit_code == 1
    assert "is not a shipped instance" in result.output


def test_info_json_has_the_documented_keys() -> None:
    result = runner.invoke(app, ["info", "--province", "chongqing", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    sectors = {s["sector"]: s for s in data["sectors"]}
    assert {"cement_clinker", "hot_rolled_bar", "industrial_silicon"} <= set(sectors)
    for s in data["sectors"]:
        for key in (
            "sector",
            "lines",
            "unit",
            "intensity_kgce_per_unit",
            "share_at_benchmark",
            "share_below_baseline",
        ):
            assert key in s
    assert "capacity_t_per_year" in sectors["cement_clinker"]


def test_import_gem_layout(tmp_path: Path) -> None:
    gem = tmp_path / "gem.csv"
    gem.write_text(
        "Plant name (English),Owner name (English),Subnational unit,City,"
        "Clinker Capacity (millions metric tonnes per annum),Production type,Operating status,Start date\n"
        "Alpha Cement,Alpha Group,Zhejiang,Huzhou,1.55,Integrated,operating,2010\n"
        "Beta Grinding,Beta Group,Zhejiang,Ningbo,0,Grinding,operating,2012\n"
        "Gamma Cement,Gamma Group,Zhejiang,Quzhou,0.775,Integrated,retired,1999\n"
        "Delta Cement,Delta Group,Anhui,Wuhu,3.1,Integrated,operating,2015\n",
        encoding="utf-8",
    )
    out = tmp_path / "mine"
    result = runner.invoke(
        app, ["import", str(gem), "--gem", "--province", "zhejiang", "--out", str(out), "--like", "zhejiang"]
    )
    assert result.exit_code == 0, result.output
    lines = (out / "lines.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2  # header + the one operating integrated Zhejiang plant
    assert "1550000" in lines[1] and "5000.0" in lines[1]  # 1.55 Mt/yr at 310 d -> 5000 t/d


def test_import_never_overwrites(tmp_path: Path) -> None:
    out = tmp_path / "exists"
    out.mkdir()
    gem = tmp_path / "gem.csv"
    gem.write_text(
        "Plant name,Owner,Subnational unit,Clinker capacity (Mtpa),Status\nA,B,Zhejiang,1,operating\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["import", str(gem), "--gem", "--out", str(out)])
    assert result.exit_code == 1
    assert "already exists" in result.output
