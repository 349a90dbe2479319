"""Checks of command-line options and of the output folder, run before any table is read.

A solve can take minutes; an option that HiGHS would reject or silently accept (a negative
time limit, a gap of -1) or an output folder that cannot be written must fail first, not after
the solve has been thrown away. Every problem found is reported at once, naming the option.
"""

from __future__ import annotations

import math
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import typer

from optimizer.errors import InputError, InputProblem

HIGHS_SEED_MAX = 2_147_483_647  # HiGHS's random_seed is a C int


@dataclass(frozen=True)
class Rule:
    option: str
    ok: Callable[[float], bool]
    expected: str


def _finite(v: float) -> bool:
    return isinstance(v, (int, float)) and math.isfinite(v)


RULES: dict[str, Rule] = {
    "time_limit": Rule("--time-limit", lambda v: _finite(v) and v > 0, "must be a number of seconds above 0"),
    "gap": Rule(
        "--gap", lambda v: _finite(v) and 0 < v < 1, "must lie strictly between 0 and 1 (1e-3 is 0.1 %)"
    ),
    "threads": Rule("--threads", lambda v: v >= 0, "must be 0 (solver default) or more"),
    "seed": Rule("--seed", lambda v: 0 <= v <= HIGHS_SEED_MAX, f"must lie in 0..{HIGHS_SEED_MAX}"),
    "race": Rule("--race", lambda v: v >= 1, "must be 1 or more"),
    "workers": Rule("--workers", lambda v: v >= 1, "must be 1 or more"),
    "carbon_price": Rule(
        "--carbon-price", lambda v: _finite(v) and v >= 0, "must be a price of 0 CNY/tCO2 or more"
    ),
    "k_best": Rule("--k-best", lambda v: v >= 1, "must be 1 or more"),
}
LANGS = ("zh", "en")


def option_problems(**values: object) -> list[str]:
    """One message per option outside its range; ``None`` values (not given) are skipped."""
    problems = []
    for name, value in values.items():
        if value is None:
            continue
        if name == "lang":
            if value not in LANGS:
                problems.append(f"--lang {value!r} must be one of: {', '.join(LANGS)}")
            continue
        rule = RULES[name]
        assert isinstance(value, (int, float))
        if not rule.ok(float(value)):
            problems.append(f"{rule.option} {value!r} {rule.expected}")
    return problems


def out_dir_problems(out: Path | None, option: str = "--out") -> list[InputProblem]:
    """``out`` must not exist and must be creatable; without ``out`` the default ``runs/``
    folder under the working directory must be writable. The check creates and removes one
    empty probe folder, the only reliable test (root ignores permission bits, not read-only
    file systems)."""
    if out is not None and (out.exists() or out.is_symlink()):
        kind = "folder" if out.is_dir() else "file"
        return [
            InputProblem(
                option,
                None,
                None,
                str(out),
                f"a {kind} of that name already exists (expected a new folder: nothing is overwritten)",
            )
        ]
    target = out if out is not None else Path.cwd() / "runs" / "probe"
    ancestor = target.parent
    while not ancestor.exists():
        if ancestor.parent == ancestor:
            break
        ancestor = ancestor.parent
    shown = str(out) if out is not None else f"(default) {target.parent}"
    if not ancestor.is_dir():
        return [
            InputProblem(
                option, None, None, shown, f"cannot be created: {ancestor} is a file (expected a folder)"
            )
        ]
    try:
        probe = tempfile.mkdtemp(prefix=".write-probe-", dir=ancestor)
    except OSError as error:
        return [
            InputProblem(
                option,
                None,
                None,
                shown,
                f"cannot be written: {ancestor} refuses ({error.strerror or error})",
            )
        ]
    os.rmdir(probe)
    return []


def check_or_exit(options: list[str], out: list[InputProblem] | None = None) -> None:
    """Raise a usage error (exit code 2) listing every option out of range, then an
    :class:`InputError` (exit code 1, as for any input that would be refused) for ``--out``."""
    if options:
        raise typer.BadParameter("; ".join(options))
    if out:
        raise InputError(out)


def process_started_at() -> float:
    """When this process started, on the ``time.perf_counter()`` clock, so ``--time-limit``
    also covers the seconds spent importing Pyomo, numba and HiGHS before the command runs
    (4 s on a busy machine). Linux: from /proc; elsewhere: now."""
    now = time.perf_counter()
    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return now
    age = uptime - ticks / os.sysconf("SC_CLK_TCK")
    return now - age if 0 <= age < 3600 else now
