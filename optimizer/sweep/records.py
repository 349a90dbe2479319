"""One scenario's outcome as one row: inputs, status, objective, emissions, targets, decisions.

Scalar KPIs are flat columns (``co2_t_2030``, ``in.carbon``) so DuckDB queries stay simple;
per-target and per-technology detail are nested lists, unnested into tables in the database.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import numpy as np
import pyarrow as pa

from optimizer.data.instance import Instance
from optimizer.evaluator.plan import NEVER, Plan

TARGET_TYPE = pa.struct(
    [
        ("target_id", pa.string()),
        ("group", pa.string()),
        ("year", pa.int32()),
        ("kind", pa.string()),
        ("required", pa.float64()),
        ("achieved", pa.float64()),
        ("met", pa.bool_()),
        ("hard", pa.bool_()),
    ]
)
INPUT_TYPE = pa.struct(
    [("name", pa.string()), ("address", pa.string()), ("change", pa.string()), ("value", pa.string())]
)
RETROFIT_TYPE = pa.struct([("tech_id", pa.string()), ("lines", pa.int32())])
RELAXED_TYPE = pa.struct(
    [("target", pa.string()), ("year", pa.int32()), ("relaxation", pa.float64()), ("needed", pa.string())]
)
"""``needed``: infeasibility.csv's column (optimizer.diagnose_check.NEEDED), "" when it has none."""
NEW_LINE_TYPE = pa.struct([("sector", pa.string()), ("start_year", pa.int32()), ("count", pa.float64())])

FIXED_FIELDS: list[tuple[str, pa.DataType]] = [
    ("scenario_id", pa.string()),
    ("base", pa.string()),
    ("design_index", pa.int64()),
    ("role", pa.string()),
    ("status", pa.string()),
    ("exit_code", pa.int32()),
    ("final", pa.bool_()),
    ("reason", pa.string()),
    ("objective_cny", pa.float64()),
    ("npv_cny", pa.float64()),
    ("mip_gap", pa.float64()),
    ("bound_cny", pa.float64()),
    ("path", pa.string()),
    ("start", pa.string()),
    ("targets_met", pa.int32()),
    ("targets_checked", pa.int32()),
    ("all_hard_met", pa.bool_()),
    ("lines_retired", pa.int32()),
    ("lines_swapped", pa.int32()),
    ("retrofits_total", pa.int32()),
    ("new_lines", pa.float64()),
    ("decisions_hash", pa.string()),
    ("retired_line_ids", pa.list_(pa.string())),
    ("retrofits", pa.list_(RETROFIT_TYPE)),
    ("new_line_builds", pa.list_(NEW_LINE_TYPE)),
    ("targets", pa.list_(TARGET_TYPE)),
    ("relaxed_targets", pa.list_(RELAXED_TYPE)),
    ("inputs", pa.list_(INPUT_TYPE)),
    ("cold_objective_cny", pa.float64()),
    ("cold_decisions_hash", pa.string()),
    ("cold_same_decisions", pa.bool_()),
    ("time_total_s", pa.float64()),
    ("time_packages_s", pa.float64()),
    ("time_solve_s", pa.float64()),
    ("time_cold_total_s", pa.float64()),
    ("worker", pa.string()),
    ("pid", pa.int64()),
    ("run_id", pa.string()),
    ("spec_digest", pa.string()),
    ("base_digest", pa.string()),
    ("finished_at", pa.timestamp("ms", tz="UTC")),
]


@dataclass
class Record:
    """Builder for one scenario row; unset KPIs stay null (failed scenarios)."""

    values: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, float | None] = field(default_factory=dict)  # in.<name>
    emissions: dict[int, float] = field(default_factory=dict)  # co2_t_<year>

    def table(self) -> pa.Table:
        columns: dict[str, pa.Array] = {}
        fields = []
        for name, kind in FIXED_FIELDS:
            columns[name] = pa.array([self.values.get(name)], type=kind)
            fields.append(pa.field(name, kind))
        for name, value in self.inputs.items():
            columns[f"in.{name}"] = pa.array([value], type=pa.float64())
            fields.append(pa.field(f"in.{name}", pa.float64()))
        for year, value in sorted(self.emissions.items()):
            columns[f"co2_t_{year}"] = pa.array([value], type=pa.float64())
            fields.append(pa.field(f"co2_t_{year}", pa.float64()))
        return pa.Table.from_arrays(list(columns.values()), schema=pa.schema(fields))


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def number_or_none(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def target_rows(targets: Any) -> list[dict[str, Any]]:
    """The evaluator's target check as plain rows (``met`` is null where not checked)."""
    rows = []
    for r in targets.itertuples(index=False):
        met = r.met
        met_value = None if met is None or (isinstance(met, float) and math.isnan(met)) else bool(met)
        rows.append(
            {
                "target_id": str(r.target_id),
                "group": str(r.group),
                "year": int(r.year),
                "kind": str(r.kind),
                "required": number_or_none(r.required),
                "achieved": number_or_none(r.achieved),
                "met": met_value,
                "hard": bool(r.hard),
            }
        )
    return rows


def decisions_summary(instance: Instance, plan: Plan) -> dict[str, Any]:
    """Lines retired and swapped, retrofits per technology, new lines, and a hash of it all."""
    retired = plan.retire_year != NEVER
    adopted = plan.adopt_year != NEVER
    tech_ids = [str(t) for t in instance.technologies.index]
    line_ids = [str(lid) for lid in instance.lines.index]
    per_tech = adopted.sum(axis=0)
    new_lines = [
        {"sector": n.sector, "start_year": int(n.start_year), "count": float(n.count)}
        for n in plan.new_lines
        if n.count > 1e-9
    ]
    return {
        "lines_retired": int(retired.sum()),
        "lines_swapped": int((plan.swapped & retired).sum()),
        "retrofits_total": int(adopted.sum()),
        "new_lines": float(sum(float(n.count) for n in plan.new_lines if n.count > 1e-9)),
        "retired_line_ids": [line_ids[i] for i in np.flatnonzero(retired)],
        "retrofits": [{"tech_id": tech_ids[k], "lines": int(c)} for k, c in enumerate(per_tech) if c > 0],
        "new_line_builds": new_lines,
        "decisions_hash": decisions_hash(plan),
    }


def decisions_hash(plan: Plan) -> str:
    """Fingerprint of the discrete decisions (retire and adoption years, swaps, new lines).

    Operating days are left out: they are continuous and may differ within solver tolerance
    between two runs that took the same decisions.
    """
    h = hashlib.sha1()
    h.update(np.ascontiguousarray(plan.retire_year, dtype=np.int64).tobytes())
    h.update(np.ascontiguousarray(plan.swapped, dtype=np.bool_).tobytes())
    h.update(np.ascontiguousarray(plan.adopt_year, dtype=np.int64).tobytes())
    for n in sorted(plan.new_lines, key=lambda n: (n.sector, n.start_year)):
        if n.count > 1e-9:
            h.update(f"{n.sector}|{n.start_year}|{n.count:.6f}".encode())
    return h.hexdigest()[:16]
