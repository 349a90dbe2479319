"""Scenario parameters: the key-value ``scenario.csv`` of an instance, typed and checked."""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields

import pandas as pd

from optimizer.errors import InputProblem


@dataclass(frozen=True)
class Scenario:
    """Scalar scenario settings. Units are in the field names."""

    base_year: int
    horizon_end: int
    model_years: tuple[int, ...]
    discount_rate: float
    grid_kgco2_per_kwh: float
    coal_tco2_per_tce: float
    gas_kgco2_per_m3: float
    alt_fuel_tco2_per_tce: float
    alt_fuel_biogenic_frac: float
    replacement_ratio: float
    kgce_per_kwh: float = 0.1229
    kgce_per_m3_gas: float = 1.33
    capex_budget_cny_per_year: float = 0.0  # 0: no yearly capex budget

    @property
    def years(self) -> tuple[int, ...]:
        """Every calendar year evaluated: the base year to the horizon end."""
        return tuple(range(self.base_year, self.horizon_end + 1))


# name -> (kind, min, max); kind "years" is a semicolon list of years
_PARAMETERS: dict[str, tuple[str, float, float]] = {
    "base_year": ("int", 2000, 2100),
    "horizon_end": ("int", 2000, 2100),
    "model_years": ("years", 2000, 2100),
    "discount_rate": ("float", 0.0, 0.5),
    "grid_kgco2_per_kwh": ("float", 0.0, 2.0),
    "coal_tco2_per_tce": ("float", 0.0, 5.0),
    "gas_kgco2_per_m3": ("float", 0.0, 5.0),
    "alt_fuel_tco2_per_tce": ("float", 0.0, 5.0),
    "alt_fuel_biogenic_frac": ("float", 0.0, 1.0),
    "replacement_ratio": ("float", 1.0, 10.0),
    "kgce_per_kwh": ("float", 0.05, 0.5),
    "kgce_per_m3_gas": ("float", 0.5, 2.0),
    "capex_budget_cny_per_year": ("float", 0.0, 1e13),
}


def parse_scenario(table: pd.DataFrame, file_label: str) -> tuple[Scenario | None, list]:
    """Turn the key-value table into a :class:`Scenario`, reporting every bad or missing row."""
    problems: list[InputProblem] = []
    values: dict[str, object] = {}
    for _, row in table.iterrows():
        name = str(row["parameter"])
        r = int(row["_row"])
        if name not in _PARAMETERS:
            problems.append(
                InputProblem(
                    file_label,
                    r,
                    "parameter",
                    name,
                    f"is not a known parameter (expected one of: {', '.join(_PARAMETERS)})",
                )
            )
            continue
        if name in values:
            problems.append(InputProblem(file_label, r, "parameter", name, "is given twice"))
            continue
        kind, low, high = _PARAMETERS[name]
        text = str(row["value"]).strip()
        try:
            if kind == "years":
                parsed: object = tuple(sorted(int(v) for v in text.split(";") if v.strip()))
                numbers = list(parsed)  # type: ignore[call-overload]
                if not numbers:
                    raise ValueError
            elif kind == "int":
                parsed = int(text)
                numbers = [parsed]
            else:
                parsed = float(text)
                numbers = [parsed]
        except ValueError:
            problems.append(InputProblem(file_label, r, "value", text, f"is not a valid {kind}"))
            continue
        bad = [n for n in numbers if not low <= n <= high]
        if bad:
            problems.append(InputProblem(file_label, r, "value", text, f"is outside {low:g}..{high:g}"))
            continue
        values[name] = parsed
    required = [f.name for f in fields(Scenario) if f.default is MISSING]
    for name in required:
        if name not in values and not any(p.value == name for p in problems):
            problems.append(
                InputProblem(file_label, None, "parameter", name, "required parameter is missing")
            )
    if problems:
        return None, problems
    scenario = Scenario(**values)  # type: ignore[arg-type]
    if scenario.horizon_end <= scenario.base_year:
        problems.append(
            InputProblem(
                file_label, None, "value", scenario.horizon_end, "horizon_end must be after base_year"
            )
        )
    if any(y <= scenario.base_year or y > scenario.horizon_end for y in scenario.model_years):
        problems.append(
            InputProblem(
                file_label,
                None,
                "value",
                scenario.model_years,
                "model_years must lie after base_year and up to horizon_end",
            )
        )
    return (None if problems else scenario), problems
