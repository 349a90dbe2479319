"""Marginal abatement cost of each technology the plan adopts.

For technology ``k`` the plan is evaluated again with ``k`` taken off every line that adopts
it, everything else unchanged (retirements, swaps, other retrofits, operating days):

    abated_t      = Σ_years CO2(plan without k) - CO2(plan)          [tCO2 over the horizon]
    delta_npv_cny = NPV(plan) - NPV(plan without k)                   [base-year CNY]
    mac           = delta_npv_cny / abated_t                          [CNY/tCO2]

This is the cost of the measure *as chosen* (on the lines and in the years the optimiser
picked it), not a catalogue figure, and interactions are counted once per measure, so the
bars need not add up to the plan's total abatement.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from optimizer.evaluator.api import Evaluation, evaluate_arrays
from optimizer.evaluator.arrays import PlanArrays, with_plan
from optimizer.evaluator.plan import NEVER

MAC_COLUMNS = ["tech_id", "lines", "abated_t", "delta_npv_cny", "mac_cny_per_t"]


def adopted_mask(evaluation: Evaluation) -> np.ndarray:
    """(N, K) True where the plan installs (and pays for) technology k on line l."""
    a = evaluation.arrays
    horizon_end = int(a.years[-1])
    return (
        (a.adopt_year < a.retire_year[:, None])
        & (a.adopt_year <= horizon_end)
        & ~a.lines.preinstalled.astype(bool)
    )


def mac_table(evaluation: Evaluation) -> pd.DataFrame:
    """One row per adopted technology, cheapest abatement first; non-abating ones last.

    Uses the already-built arrays and the single-plan kernel (compiled by the run itself), so
    no instance is rebuilt and no further numba compilation happens.
    """
    a = evaluation.arrays
    mask = adopted_mask(evaluation)
    co2 = float(evaluation.measure("total_co2_t").sum())
    npv = evaluation.npv_cny
    rows = []
    for k in np.flatnonzero(mask.any(axis=0)):
        adopt = a.adopt_year.copy()
        adopt[mask[:, k], k] = NEVER
        without = evaluate_arrays(with_plan(a, PlanArrays(a.retire_year, adopt, a.operating_days)))
        abated = float(without.measure("total_co2_t").sum()) - co2
        delta = npv - without.npv_cny
        rows.append(
            {
                "tech_id": a.tech_ids[k],
                "lines": int(mask[:, k].sum()),
                "abated_t": abated,
                "delta_npv_cny": delta,
                # a measure that abates nothing (e.g. a pollution upgrade) has no MAC
                "mac_cny_per_t": delta / abated if abated > 1e-6 else np.nan,
            }
        )
    frame = pd.DataFrame(rows, columns=MAC_COLUMNS)
    frame["_no_mac"] = frame["mac_cny_per_t"].isna()
    frame = frame.sort_values(["_no_mac", "mac_cny_per_t", "tech_id"]).drop(columns="_no_mac")
    return frame.reset_index(drop=True)
