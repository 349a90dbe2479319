"""Batch sensitivity sweeps: specs, designs, Dask execution, Parquet/DuckDB results, summaries.

Public API::

    from optimizer.sweep import prepare, run_sweep, load_results, write_summary
    prepared = prepare(Path("instances/sweeps/zhejiang_carbon_coal_grid.yaml"))  # checks all
    report = run_sweep(prepared, Path("out"), workers=2)
    frame = load_results(Path("out"))
    write_summary(Path("out"), prepared.spec, frame)

Names are imported lazily: ``optimize`` registers ``optimizer.sweep.cli.sweep_command`` and must
not pay for Dask, DuckDB and Pyomo imports on every other command.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "Prepared": "optimizer.sweep.runner",
    "SweepError": "optimizer.sweep.runner",
    "SweepReport": "optimizer.sweep.runner",
    "open_client": "optimizer.sweep.runner",
    "prepare": "optimizer.sweep.runner",
    "run_sweep": "optimizer.sweep.runner",
    "ScenarioDef": "optimizer.sweep.designs",
    "expand": "optimizer.sweep.designs",
    "build_database": "optimizer.sweep.results",
    "load_results": "optimizer.sweep.results",
    "SweepSpec": "optimizer.sweep.spec",
    "load_spec": "optimizer.sweep.spec",
    "write_summary": "optimizer.sweep.summary",
    "sweep_command": "optimizer.sweep.cli",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'optimizer.sweep' has no attribute {name!r}")
