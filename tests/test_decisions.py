"""Decisions a planner has already taken (decisions.csv) are honoured by the optimiser."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import edit_csv

from optimizer.data.load import load_instance
from optimizer.errors import InputError
from optimizer.evaluator.plan import NEVER
from optimizer.run import solve_instance
from optimizer.run_options import RunOptions

DECISIONS = """line_id,action,technology,year,note
L1,keep,,,approved in 2024
L1,adopt,cooler_4th_gen,2027,contract signed
L2,forbid,preheater_low_resistance,,site cannot host it
G1,retire,,2027,scheduled closure
"""


def test_decisions_are_honoured(tiny: Path) -> None:
    (tiny / "decisions.csv").write_text(DECISIONS, encoding="utf-8")
    inst = load_instance(tiny)
    result = solve_instance(inst, RunOptions(time_limit_s=60, shadow_prices=False, write=False))
    assert result.exit_code == 0
    plan = result.plan
    techs = list(inst.technologies.index)
    assert plan.retire_year[0] == NEVER  # L1 kept open
    assert plan.adopt_year[0, techs.index("cooler_4th_gen")] <= 2027
    assert plan.adopt_year[1, techs.index("preheater_low_resistance")] == NEVER
    assert plan.retire_year[2] == 2027  # G1 closes in 2027, not earlier


def test_decision_on_unknown_line_is_rejected(tiny: Path) -> None:
    (tiny / "decisions.csv").write_text(DECISIONS, encoding="utf-8")
    edit_csv(tiny / "decisions.csv", row=3, column="line_id", value="L7")
    with pytest.raises(InputError) as info:
        load_instance(tiny)
    assert [str(p) for p in info.value.problems] == [
        "decisions.csv row 3, line_id: 'L7' is not a line of the instance"
    ]


def test_adopting_a_technology_of_another_sector_is_rejected(tiny: Path) -> None:
    (tiny / "decisions.csv").write_text(DECISIONS, encoding="utf-8")
    edit_csv(tiny / "decisions.csv", row=3, column="technology", value="one_kiln_multi_line")
    with pytest.raises(InputError) as info:
        load_instance(tiny)
    assert [str(p) for p in info.value.problems] == [
        "decisions.csv row 3, technology: 'one_kiln_multi_line' does not fit line L1's sector"
    ]
