"""A retrofit's NPV, payback and IRR derived by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from handmade import make_instance

from optimizer.data.load import load_instance
from optimizer.evaluator.api import evaluate
from optimizer.evaluator.plan import Plan
from optimizer.portfolio.finance import irr, measure_table, portfolio_summary


def test_irr_of_a_textbook_flow() -> None:
    # -100 then 110 one year later: 10 %
    assert irr([-100.0, 110.0]) == pytest.approx(0.10, abs=1e-9)
    assert irr([100.0, 50.0]) is None  # no sign change, no rate


def test_one_retrofit_by_hand(tmp_path: Path) -> None:
    # One line: 300 kt/yr rated at 300 days, running 150 days -> 150 kt/yr of clinker at
    # 100 kgce/t; coal 1000 CNY/tce; nothing else costs. The burner saves 10 % of the fuel:
    # 150e3 t x 10 kgce/t = 1 500 tce/yr -> 1.5 M CNY/yr, and 1 500 tce x 2.62 = 3 930 tCO2/yr.
    # Capex 10 M CNY in 2025, lifetime 10 years, horizon 2025-2026.
    #  simple payback = 10 / 1.5 = 6.667 years
    #  cash flows: 2025: 1.5 - 10 = -8.5 M; 2026 .. 2034 (9 more years of the lifetime, the
    #  last horizon year's saving repeated): +1.5 M each. IRR r solves
    #  -8.5 + 1.5 x (1 - (1 + r)^-9) / r = 0  (checked below with that closed form).
    #  abatement cost at 8 %: (10 M x 0.08 / (1 - 1.08^-10) - 1.5 M) / 3 930 t
    #  NPV of the plan at 8 % (base year 2024 has no retrofit):
    #   2024: 1.5 M x 10 (150e3 x 0.1 tce x 1000) = 15.0 M
    #   2025: (10 M capex + 13.5 M fuel) / 1.08 ; 2026: 13.5 M / 1.08^2
    #   salvage: 10 M x (2025 + 10 - 1 - 2026) / 10 = 8 M valued at 2027 -> - 8 M / 1.08^3
    folder = make_instance(
        tmp_path / "i",
        lines=[{"line_id": "A", "fuel_kgce_per_unit": 100}],
        techs=[
            {"tech_id": "burner", "fuel_saving_frac": 0.10, "capex_fixed_cny": 10e6, "lifetime_years": 10}
        ],
        targets=[{"target_id": "T0", "kind": "capacity_cap", "year": 2025, "value": 1e9}],
        demand={2025: 150e3, 2026: 150e3},
        coal_cny_per_tce=1000,
    )
    sc_rows = (folder / "scenario.csv").read_text().replace("discount_rate,0.0", "discount_rate,0.08")
    (folder / "scenario.csv").write_text(sc_rows)
    inst = load_instance(folder)
    plan = Plan.business_as_usual(inst)
    plan.adopt_year[0, 0] = 2025
    table = measure_table(inst, plan).set_index("technology")
    row = table.loc["burner"]
    assert row["capex_cny"] == pytest.approx(10e6)
    assert row["saving_cny_per_year"] == pytest.approx(1.5e6)
    assert row["payback_years"] == pytest.approx(10 / 1.5)
    r = row["irr"]
    assert -8.5 + 1.5 * (1 - (1 + r) ** -9) / r == pytest.approx(0.0, abs=1e-7)
    assert 0.08 < r < 0.12
    assert row["co2_avoided_t_per_year"] == pytest.approx(3930.0)
    levelised = 10e6 * 0.08 / (1 - 1.08**-10) - 1.5e6
    assert row["abatement_cost_cny_per_tco2"] == pytest.approx(levelised / 3930.0)
    npv = 15.0e6 + (10e6 + 13.5e6) / 1.08 + 13.5e6 / 1.08**2 - 8e6 / 1.08**3
    assert evaluate(inst, plan).npv_cny == pytest.approx(npv, rel=1e-12)
    whole = portfolio_summary(inst, plan, Plan.business_as_usual(inst))
    assert whole["capex_cny"] == pytest.approx(10e6)
    assert whole["payback_years"] == pytest.approx(10 / 1.5)
    assert whole["npv_cny"] == pytest.approx(npv, rel=1e-12)
