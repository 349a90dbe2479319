"""Import real line inventories: our CSV/Excel template, or the GEM cement tracker layout.

The Global Energy Monitor "Global Cement and Concrete Tracker" lists plants with name, owner,
subnational unit, clinker capacity (Mtpa), production type, status and start date
(:mod:`optimizer.data.gem` reads it as published). It has no energy or emission figures, so
imported lines receive documented sector defaults flagged ``U`` that a planner should replace.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from optimizer.data.gem import GEM_ATTRIBUTION, read_gem
from optimizer.data.gem_fleet import FleetRules, clinker_plants, plant_columns, province_fleet
from optimizer.data.schema import read_raw_table, source_rows, table_schema, validate_table
from optimizer.errors import InputError, InputProblem


@dataclass(frozen=True)
class ClinkerDefaults:
    """Figures given to GEM lines, which carry none (kgce/t, kWh/t net of waste-heat power)."""

    fuel_kgce_per_t: float = 103.5
    electricity_kwh_per_t: float = 30.0
    process_co2_t_per_t: float = 0.535
    operating_days: float = 250.0
    roof_m2_per_t_per_day: float = 10.0
    source: str = (
        "GEM tracker has no energy data: national-mean defaults (fuel 103.5 kgce/t, "
        "power 30 kWh/t net of WHR, 0.535 tCO2/t process) - replace with measured figures"
    )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def gem_province_name(name: str, plants: pd.DataFrame) -> str:
    """A province given in English (any case, spaces or underscores) or Chinese -> GEM's name."""
    known = {_slug(p): p for p in plants["province"].unique()}
    if _slug(name) in known:
        return known[_slug(name)]
    cities = resources.files("optimizer.instances").joinpath("catalogue/cities.csv")
    table = pd.read_csv(io.StringIO(cities.read_text("utf-8")), dtype=str, keep_default_na=False)
    for english, chinese in zip(table["province_en"], table["province_zh"], strict=True):
        if len(name.strip()) >= 2 and str(chinese).startswith(name.strip()):
            return str(english)
    raise InputError(
        [
            InputProblem(
                "--province",
                None,
                None,
                name,
                f"is not a province of the file (provinces: {', '.join(sorted(known.values()))})",
            )
        ]
    )


def import_gem(
    path: Path,
    province: str | None = None,
    defaults: ClinkerDefaults | None = None,
    capacity_t: float | None = None,
    rules: FleetRules | None = None,
) -> pd.DataFrame:
    """Map the GEM tracker's clinker plants to ``lines`` rows, one per kiln line.

    Plants, imputed capacity, optional calibration to ``capacity_t`` (t/yr, one province only)
    and the kiln split follow :mod:`optimizer.data.gem_fleet`; a broken row is an error naming
    its row and column (:func:`optimizer.data.gem.read_gem`). Energy figures are national-mean
    defaults flagged U, to be replaced by measured ones.
    """
    return lines_from_gem(read_gem(path), province, defaults, capacity_t, rules)


def lines_from_gem(
    plants: pd.DataFrame,
    province: str | None = None,
    defaults: ClinkerDefaults | None = None,
    capacity_t: float | None = None,
    rules: FleetRules | None = None,
) -> pd.DataFrame:
    """:func:`import_gem` on plants already read by :func:`optimizer.data.gem.read_gem`."""
    defaults = defaults or ClinkerDefaults()
    rules = rules or FleetRules()
    label = str(plants.attrs.get("label", "GEM tracker"))
    national = clinker_plants(plants)
    if province is not None:
        provinces = [gem_province_name(province, plants)]
    else:
        provinces = sorted(national["province"].unique())
        if capacity_t is not None:
            raise InputError([InputProblem("--capacity", None, None, capacity_t, "needs --province")])
    rows: list[dict[str, object]] = []
    for name in provinces:
        fleet, _ = province_fleet(plants, national, name, capacity_t, rules)
        known_years = fleet["start_year"].dropna()
        median_year = int(known_years.median()) if len(known_years) else 2008
        for _, line in fleet.iterrows():
            size = float(line["size_t_per_day"])
            start_known = not pd.isna(line["start_year"])
            rows.append(
                {
                    "line_id": f"GEM-{line['gem_plant_id'] or 'row' + str(line['source_row'])}-"
                    f"{line['line_number']}",
                    "province": _slug(name),
                    "city": line["municipality"] or name,
                    **plant_columns(line),
                    "operating_days": 0.0 if line["status"] == "mothballed" else defaults.operating_days,
                    "commissioning_year": int(line["start_year"]) if start_known else median_year,
                    "fuel_kgce_per_unit": defaults.fuel_kgce_per_t,
                    "electricity_kwh_per_unit": defaults.electricity_kwh_per_t,
                    "gas_share": 0.0,
                    "alt_fuel_share": 0.0,
                    "process_co2_t_per_unit": defaults.process_co2_t_per_t,
                    "clinker_ratio": "",
                    "roof_area_m2": round(size * defaults.roof_m2_per_t_per_day, 0),
                    "pollution_grade": "C",
                    "attributes": "",
                    "carbide_slag": "false",
                    "source": f"{GEM_ATTRIBUTION} {label} row {line['source_row']}: capacity "
                    f"{line['capacity_basis']} x {float(line['capacity_scale']):.3f}, kiln "
                    f"{line['line_number']} of {line['lines_in_plant']} (optimizer/data/gem_fleet.py)"
                    + ("" if start_known else f", start year unknown: median {median_year}")
                    + "; "
                    + defaults.source,
                    "flag": "U",
                }
            )
    if not rows:
        raise InputError(
            [
                InputProblem(
                    label,
                    None,
                    None,
                    province,
                    "no operating clinker plant found (grinding stations make none)",
                )
            ]
        )
    return pd.DataFrame(rows, columns=[s.name for s in table_schema("lines")])


def import_template(path: Path) -> pd.DataFrame:
    """Read our own lines template (CSV or Excel) as text and check it against the lines schema,
    so problems name the file the planner edits (not the ``lines.csv`` written from it).
    Headers may be Chinese or English (:mod:`optimizer.data.headers`)."""
    from optimizer.data.headers import canonical_headers

    raw = canonical_headers(read_raw_table(path), "lines", path.name)
    _, problems = validate_table(raw, "lines", path.name)
    if problems:
        raise InputError(problems)
    return raw


def blame_source(
    problems: list[InputProblem], source: Path, lines: pd.DataFrame, gem: bool
) -> list[InputProblem]:
    """Problems found in the written ``lines.csv`` of an import, named after the imported file.

    A template row maps to its own row of the source (blank rows skipped included); GEM rows
    are filtered and reshaped, so they name the written row, whose ``source`` cell cites the
    tracker row."""
    rows = source_rows(lines)
    out = []
    for p in problems:
        if p.file != "lines.csv":
            out.append(p)
        elif gem or p.row is None or not 2 <= p.row < len(rows) + 2:
            where = (
                f" (imported as lines.csv row {p.row})" if p.row is not None else " (imported as lines.csv)"
            )
            out.append(InputProblem(source.name, None, p.column, p.value, p.expected + where))
        else:
            out.append(InputProblem(source.name, rows[p.row - 2], p.column, p.value, p.expected))
    return out


def scale_demand(
    demand: pd.DataFrame, like_lines: pd.DataFrame, lines: pd.DataFrame, like: str
) -> pd.DataFrame:
    """``like``'s demand scaled, sector by sector, to the imported fleet's share of ``like``'s
    base-year capacity; sectors the import has no line of are dropped.

    A province's demand on an imported plant or company would be many times its capacity
    (rejected by the demand-vs-capacity check); the share keeps the province's demand path,
    as ``optimize portfolio`` does for a company."""

    def capacity(frame: pd.DataFrame) -> pd.Series:
        numbers = pd.to_numeric(frame["capacity_per_year"], errors="coerce").fillna(0.0)
        return numbers.groupby(frame["sector"].astype(str).str.strip()).sum()

    mine, theirs = capacity(lines), capacity(like_lines)
    out = demand.copy()
    sector = out["sector"].astype(str).str.strip()
    keep = sector.isin(mine.index[mine > 0])
    out, sector = out[keep].copy(), sector[keep]
    share = sector.map(lambda s: mine[s] / theirs[s] if theirs.get(s, 0.0) > 0 else 1.0)
    values = pd.to_numeric(out["demand_per_year"], errors="coerce")
    out["demand_per_year"] = [
        repr(round(float(v * f), 3)) if pd.notna(v) else text
        for v, f, text in zip(values, share, out["demand_per_year"], strict=True)
    ]
    out["source"] = [
        f"{src} (scaled to the imported fleet: {f:.4g} of {like}'s capacity)"
        for src, f in zip(out["source"], share, strict=True)
    ]
    out["flag"] = "P"
    out.attrs.pop("source_rows", None)
    return out


def write_instance_folder(lines: pd.DataFrame, out: Path, like: Path) -> Path:
    """Write an instance folder: imported ``lines`` plus the other tables copied from ``like``.

    Files are written to a temporary folder first and renamed into place, so a failed import
    never leaves a half-written instance behind.
    """
    import shutil
    import tempfile

    if out.exists():
        raise InputError(
            [
                InputProblem(
                    str(out), None, None, None, "already exists; choose a new folder (nothing is overwritten)"
                )
            ]
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".import-", dir=out.parent))
    try:
        for item in like.iterdir():
            if item.suffix in {".csv", ".xlsx"} and item.stem not in {"lines", "demand"}:
                shutil.copy2(item, tmp / item.name)
        demand = next(
            (like / f"demand{s}" for s in (".csv", ".xlsx") if (like / f"demand{s}").exists()), None
        )
        if demand is not None:
            like_lines = next(like / f"lines{s}" for s in (".csv", ".xlsx") if (like / f"lines{s}").exists())
            scaled = scale_demand(read_raw_table(demand), read_raw_table(like_lines), lines, like.name)
            scaled.to_csv(tmp / "demand.csv", index=False)
        lines.to_csv(tmp / "lines.csv", index=False)
        _fit_to_fleet(tmp, set(lines["province"].astype(str)))
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def _fit_to_fleet(folder: Path, provinces: set[str]) -> None:
    """Drop what the copied tables say of provinces the imported fleet has none of: a supply row
    of such a province (the template's own provinces may not be the import's), and such a
    province from a per-line rule's ``provinces`` list (the rule goes when none is left)."""
    from optimizer.data.consistency import split_list

    supplies = folder / "supplies.csv"
    if supplies.exists():
        table = pd.read_csv(supplies, dtype={"province": str}, keep_default_na=False)
        keep = table["province"].isin(provinces | {"*"})
        if not keep.all():
            table[keep].to_csv(supplies, index=False)
    targets = folder / "targets.csv"
    if targets.exists():
        table = pd.read_csv(targets, dtype=str, keep_default_na=False)
        if "provinces" in table.columns and table["provinces"].ne("").any():
            scoped = table["provinces"].ne("")
            kept = table["provinces"].map(
                lambda cell: ";".join(p for p in split_list(cell) if p in provinces)
            )
            table["provinces"] = kept
            table[~scoped | kept.ne("")].to_csv(targets, index=False)
