"""A run of the tiny instance writes the same files as the stored reference, byte for byte.

The reference (tests/data/tiny_reference) was written before the target-kind registry and the
run.py split (issue 13) and must not move with refactors; a deliberate change of the plan or of
a file's format regenerates it and says why in the commit.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from optimizer.data.load import load_instance
from optimizer.run import run_plan
from optimizer.run_options import RunOptions

DATA = Path(__file__).parent / "data"
FILES = ("plan.csv", "targets.csv", "costs.csv", "kpis.csv", "schedule.csv", "shadow_prices.csv")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tiny") / "out"
    options = RunOptions(out=out, time_limit_s=120, target_costs=False, report=False)
    assert run_plan(load_instance(DATA / "tiny"), options, Console(quiet=True)) == 0
    return out


@pytest.mark.parametrize("name", FILES)
def test_output_file_matches_reference(run_dir: Path, name: str) -> None:
    expected = (DATA / "tiny_reference" / name).read_text(encoding="utf-8")
    assert (run_dir / name).read_text(encoding="utf-8") == expected
