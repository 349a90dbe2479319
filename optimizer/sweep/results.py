"""Sweep output folder: one Parquet file per scenario, a DuckDB database over all of them.

Layout of ``DIR``::

    sweep.json              spec, its digest, solver settings, scenario count (resume checks it)
    scenarios/<id>.parquet  one row per scenario, written atomically (temp file + rename)
    packages/<base>.npz     the sweep's package set of each base (reused by --resume, NPZ
                            read with a schema check: sweep/package_store.py)
    results.duckdb          tables scenarios, targets, retrofits, inputs, emissions (rebuilt
                            at the end of every run; the Parquet files stay the source of truth)
    summary/                charts and CSV tables (see optimizer.sweep.summary)

Ad-hoc queries need no database: ``SELECT * FROM read_parquet('DIR/scenarios/*.parquet',
union_by_name=true)`` in DuckDB reads the same rows.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from optimizer.sweep.records import Record

SCENARIOS = "scenarios"
DATABASE = "results.duckdb"
MANIFEST = "sweep.json"


def scenario_file(out: Path, scenario_id: str) -> Path:
    return out / SCENARIOS / f"{scenario_id}.parquet"


def write_record(out: Path, record: Record) -> Path:
    """Write one scenario's row; readers never see a half-written file."""
    target = scenario_file(out, str(record.values["scenario_id"]))
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    pq.write_table(record.table(), temp)
    os.replace(temp, target)  # atomic on POSIX within one file system
    return target


def remove_stale(out: Path) -> int:
    """Delete temporary files a killed run left behind (never a finished scenario's file)."""
    stale = list((out / SCENARIOS).glob(".*.tmp")) if (out / SCENARIOS).is_dir() else []
    for path in stale:
        path.unlink(missing_ok=True)
    return len(stale)


def finished(out: Path, spec_digest: str) -> set[str]:
    """Ids of scenarios with a final record of this spec (lost tasks are not final)."""
    import duckdb

    folder = out / SCENARIOS
    if not folder.is_dir() or not any(folder.glob("*.parquet")):
        return set()
    try:  # one scan over every file: thousands of scenarios resume in a second
        with duckdb.connect() as db:
            rows = db.execute(
                f"SELECT scenario_id FROM read_parquet('{_glob(out)}', union_by_name=true) "
                "WHERE final AND spec_digest = ?",
                [spec_digest],
            ).fetchall()
        return {str(r[0]) for r in rows}
    except duckdb.Error:
        pass  # a damaged file: fall back to reading them one by one and skipping it
    done = set()
    for path in folder.glob("*.parquet"):
        try:
            table = pq.read_table(path, columns=["scenario_id", "final", "spec_digest"])
        except (pa.ArrowInvalid, OSError):
            continue  # unreadable: treated as not finished, so it is computed again
        row = table.to_pylist()[0]
        if row["final"] and row["spec_digest"] == spec_digest:
            done.add(str(row["scenario_id"]))
    return done


def read_manifest(out: Path) -> dict[str, Any] | None:
    path = out / MANIFEST
    return json.loads(path.read_text("utf-8")) if path.exists() else None


def write_manifest(out: Path, manifest: dict[str, Any]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    temp = out / f".{MANIFEST}.tmp"
    temp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False, default=str), "utf-8")
    os.replace(temp, out / MANIFEST)


def _glob(out: Path) -> str:
    return str((out / SCENARIOS).resolve() / "*.parquet").replace("'", "''")


def build_database(out: Path) -> Path | None:
    """(Re)build ``results.duckdb`` from the Parquet files; None when there are none yet."""
    import duckdb

    if not any((out / SCENARIOS).glob("*.parquet")):
        return None
    target = out / DATABASE
    temp = out / f".{DATABASE}.{os.getpid()}.tmp"
    temp.unlink(missing_ok=True)
    source = f"read_parquet('{_glob(out)}', union_by_name=true)"
    with duckdb.connect(str(temp)) as db:
        db.execute(f"CREATE TABLE scenarios AS SELECT * FROM {source} ORDER BY base, design_index")
        db.execute(
            'CREATE TABLE targets AS SELECT scenario_id, base, t.target_id, t."group", t.year, t.kind, '
            "t.required, t.achieved, t.met, t.hard FROM "
            "(SELECT scenario_id, base, unnest(targets) AS t FROM scenarios)"
        )
        db.execute(
            "CREATE TABLE retrofits AS SELECT scenario_id, base, r.tech_id, r.lines FROM "
            "(SELECT scenario_id, base, unnest(retrofits) AS r FROM scenarios)"
        )
        db.execute(
            "CREATE TABLE inputs AS SELECT scenario_id, base, i.name, i.address, i.change, i.value FROM "
            "(SELECT scenario_id, base, unnest(inputs) AS i FROM scenarios)"
        )
        years = [
            c
            for (c,) in db.execute("SELECT column_name FROM (DESCRIBE scenarios)").fetchall()
            if c.startswith("co2_t_")
        ]
        if years:
            cols = ", ".join(f'"{c}"' for c in years)
            db.execute(
                "CREATE TABLE emissions AS SELECT scenario_id, base, "
                "CAST(replace(year, 'co2_t_', '') AS INTEGER) AS year, co2_t FROM "
                f"(UNPIVOT (SELECT scenario_id, base, {cols} FROM scenarios) ON {cols} "
                "INTO NAME year VALUE co2_t)"
            )
        else:
            db.execute(
                "CREATE TABLE emissions (scenario_id VARCHAR, base VARCHAR, year INTEGER, co2_t DOUBLE)"
            )
    os.replace(temp, target)
    return target


def load_results(out: Path) -> pd.DataFrame:
    """Every scenario row (Parquet files read directly, so it works mid-sweep too)."""
    import duckdb

    if not any((out / SCENARIOS).glob("*.parquet")):
        return pd.DataFrame()
    with duckdb.connect() as db:
        # through Arrow: DuckDB's own .df() calls a pandas API that pandas 3 deprecates
        table = db.sql(
            f"SELECT * FROM read_parquet('{_glob(out)}', union_by_name=true) ORDER BY base, design_index"
        ).to_arrow_table()
    return table.to_pandas()
