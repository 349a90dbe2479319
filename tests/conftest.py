"""Shared fixtures: copies of instances that tests may edit, and CSV editing helpers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from optimizer.data.load import instance_dir

DATA = Path(__file__).parent / "data"


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """An editable copy of tests/data/tiny (three lines, catalogue from the package)."""
    target = tmp_path / "tiny"
    shutil.copytree(DATA / "tiny", target)
    return target


@pytest.fixture
def zhejiang_copy(tmp_path: Path) -> Path:
    target = tmp_path / "zhejiang"
    shutil.copytree(instance_dir("zhejiang"), target)
    return target


def edit_csv(
    path: Path,
    row: int | None = None,
    column: str | None = None,
    value: object = None,
    drop_column: str | None = None,
    add_column: str | None = None,
) -> None:
    """Edit one cell (row = spreadsheet row number, header is row 1) or a column of a CSV."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    if drop_column:
        frame = frame.drop(columns=[drop_column])
    if add_column:
        frame[add_column] = "x"
    if row is not None and column is not None:
        frame.loc[row - 2, column] = str(value)
    frame.to_csv(path, index=False)


def infeasible_run(folder: Path, infeasibility: pd.DataFrame) -> Path:
    """A run folder of the tiny instance as an infeasible run leaves it: summary.json and
    ``infeasibility`` as infeasibility.csv, no plan."""
    folder.mkdir()
    summary = {
        "instance": "tiny",
        "instance_path": str(DATA / "tiny"),
        "status": "infeasible",
        "overrides": [],
    }
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    infeasibility.to_csv(folder / "infeasibility.csv", index=False)
    return folder
