"""Each line's effective energy floors and raw-material figures, from its product's floors.

The figures a line is given already include its pre-installed technologies; this module
moves the product floors onto the same footing. What the kernels do with them is in
:mod:`optimizer.evaluator.kernels`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from optimizer.evaluator.arrays import f64


def stream_factors(techs: Any) -> tuple[np.ndarray, np.ndarray]:
    """Per technology, the factor it applies to the whole fuel and electricity stream.

    A saving acts on the whole stream (not on the gap above the floor) when it is negative
    (extra use: moisture in alternative fuel, fans of a low-NOx upgrade) or when the
    technology's ``savings_act_on`` is ``stream`` (waste-heat power, electric kilns); 1 else.
    """
    fuel = np.asarray(techs["fuel_saving_frac"], dtype=np.float64)
    elec = np.asarray(techs["elec_saving_frac"], dtype=np.float64)
    stream = np.asarray(techs["savings_act_on"] == "stream", dtype=np.bool_)
    return (
        np.where(stream | (fuel < 0), 1.0 - fuel, 1.0),
        np.where(stream | (elec < 0), 1.0 - elec, 1.0),
    )


def floors_and_raw(
    *,
    fuel0: np.ndarray,
    elec0: np.ndarray,
    proc0: np.ndarray,
    preinstalled: np.ndarray,
    techs: Any,
    fuel_floor: np.ndarray,
    elec_floor: np.ndarray,
    carbonate: np.ndarray,
    slag_credit: np.ndarray,
    dry_fuel: np.ndarray,
    dry_slag: np.ndarray,
) -> dict[str, np.ndarray]:
    """Effective floors and raw-material figures of every line (rules in kernels.py).

    A line's figures already include its pre-installed technologies. Their efficiency savings
    stay in the figure (the gap above the floor is what is left), but their whole-stream
    factors W (waste-heat power, extra use) scale the floor too, so the floor stays on the
    line's own consumption: phi = min(W x floor, figure). A line already at or below its floor
    keeps its figure and efficiency savings act on nothing (phi = figure).

    Dry-slag lines (``carbide_slag`` = true) take sigma0 = 1 - proc0 / carbonate of their CaO
    from carbide slag already (their process figure says so); the chemistry lowers their fuel
    floor by dry_fuel x sigma0 (dry_fuel < 0) and further slag moves figure and floor alike.
    """
    w_fuel_k, w_elec_k = stream_factors(techs)
    w_fuel = (
        np.where(preinstalled, w_fuel_k[None, :], 1.0).prod(axis=1)
        if preinstalled.size
        else np.ones(len(fuel0))
    )
    w_elec = (
        np.where(preinstalled, w_elec_k[None, :], 1.0).prod(axis=1)
        if preinstalled.size
        else np.ones(len(elec0))
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        own = np.where(dry_slag & (carbonate > 0), 1.0 - proc0 / carbonate, 0.0)
        sigma0 = np.clip(np.nan_to_num(own), 0.0, 1.0)
        slag_t = np.where(slag_credit > 0, sigma0 * carbonate / slag_credit, 0.0)
    slag_fuel = np.where(dry_slag, dry_fuel, 0.0)
    return {
        "fuel_floor_kgce_per_unit": f64(
            np.minimum(w_fuel * np.maximum(fuel_floor + slag_fuel * sigma0, 0.0), fuel0)
        ),
        "elec_floor_kwh_per_unit": f64(np.minimum(w_elec * elec_floor, elec0)),
        "carbonate_co2_t_per_unit": f64(carbonate),
        "raw_cao_frac0": f64(sigma0),
        "slag_fuel_kgce_per_unit": f64(slag_fuel * w_fuel),
        "base_carbide_slag_t_per_unit": f64(slag_t),
    }
