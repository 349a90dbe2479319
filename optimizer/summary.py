"""Base-year summary per sector, from the exact evaluator (what ``optimize info`` prints)."""

from __future__ import annotations

import numpy as np

from optimizer.data.instance import Instance
from optimizer.evaluator.api import evaluate
from optimizer.evaluator.plan import Plan


def base_year_summary(instance: Instance) -> list[dict]:
    """One dict per sector: lines, capacity, output, capacity-weighted intensity, emissions,
    share of capacity at the benchmark and share worse than the baseline (base year)."""
    evaluation = evaluate(instance, Plan.business_as_usual(instance))
    v = evaluation.measure
    sectors = np.array(instance.lines["sector"])
    out = []
    for sector in instance.line_sectors:
        mask = (sectors == sector) & (v("running")[:, 0] > 0.5)
        cap = v("capacity_per_year")[mask, 0]
        intensity = v("intensity_kgce_per_unit")[mask, 0]
        total = float(cap.sum())
        unit = str(instance.sectors.loc[sector, "unit"])
        out.append(
            {
                "sector": sector,
                "name_en": str(instance.sectors.loc[sector, "name_en"]),
                "name_zh": str(instance.sectors.loc[sector, "name_zh"]),
                "unit": unit,
                "lines": int(mask.sum()),
                "capacity_per_year": total,
                f"capacity_{unit}_per_year": total,
                "output_per_year": float(v("output_units")[mask, 0].sum()),
                "intensity_kgce_per_unit": float((cap * intensity).sum() / total) if total else 0.0,
                "energy_tce": float(v("energy_kgce")[mask, 0].sum() / 1000.0),
                "emissions_tco2": float(v("total_co2_t")[mask, 0].sum()),
                "direct_co2_t": float(v("direct_co2_t")[mask, 0].sum()),
                "share_at_benchmark": float(cap[v("at_benchmark")[mask, 0] > 0.5].sum() / total)
                if total
                else 0.0,
                "share_below_baseline": float(cap[v("worse_than_baseline")[mask, 0] > 0.5].sum() / total)
                if total
                else 0.0,
            }
        )
    return out
