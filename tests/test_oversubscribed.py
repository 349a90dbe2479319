"""A run asked for more solver threads than the machine has cores is told so before it solves
(on 2 cores, two racers of 2 threads each left chongqing's bound at the LP for 150 s)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from optimizer.cli import app
from optimizer.run_options import oversubscribed

TINY = Path(__file__).parent / "data" / "tiny"


@pytest.mark.parametrize(
    ("threads", "race", "cores", "expected"),
    [
        (2, 2, 2, True),  # the measured trap
        (4, 2, 4, True),
        (2, 2, 4, False),  # fits
        (1, 2, 2, False),  # the default: one thread per racer
        (0, 2, 2, False),  # 0: each racer's own default (one thread when racing)
        (8, 1, 2, False),  # one racer: HiGHS alone may use what it asks for
    ],
)
def test_oversubscribed(threads: int, race: int, cores: int, expected: bool) -> None:
    assert oversubscribed(threads, race, cores) is expected


@pytest.mark.parametrize(("threads", "warned"), [("2", True), ("1", False)])
def test_the_cli_warns_before_solving(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, threads: str, warned: bool
) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    args = ["--instance", str(TINY), "--out", str(tmp_path / "out"), "--time-limit", "60"]
    args += ["--threads", threads, "--race", "2", "--lang", "en", "--no-report"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert ("more than this machine's 2 cores" in result.output) is warned
