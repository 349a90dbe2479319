"""Rules 4 and 5 of :mod:`optimizer.evaluator.packages`: drop dominated packages, bound the rest."""

from __future__ import annotations

import numba
import numpy as np

MAX_KEPT = 24
CARBON_GRID = (0.0, 50.0, 100.0, 200.0, 400.0, 800.0, 1600.0)


def pareto_front(
    idx: np.ndarray,
    earliest: np.ndarray,
    cost: np.ndarray,
    intensity: np.ndarray,
    co2: np.ndarray,
    pv: np.ndarray,
    attr: np.ndarray,
    n_techs: np.ndarray | None,
    resources: np.ndarray | None = None,
) -> list[int]:
    """Indices in ``idx`` not dominated by another (rule 4); ties keep the cheaper package.

    Candidates are visited by increasing cost (then intensity, CO2, fewer digits; stable), so a
    package can only be dominated by one already kept.
    """
    idx = np.asarray(idx, dtype=np.int64)
    digits = np.array([len(str(j)) for j in idx], dtype=np.int64)
    order = idx[np.lexsort((digits, co2[idx], intensity[idx], cost[idx]))]
    use_n = n_techs is not None
    counts = np.asarray(n_techs, dtype=np.float64) if use_n else np.zeros(1)
    res = np.zeros((len(cost), 0)) if resources is None else np.asarray(resources, dtype=np.float64)
    kept = _pareto_sorted(
        order,
        np.asarray(earliest, dtype=np.float64),
        np.asarray(cost, dtype=np.float64),
        np.asarray(intensity, dtype=np.float64),
        np.asarray(co2, dtype=np.float64),
        np.asarray(pv, dtype=np.float64),
        np.asarray(attr, dtype=np.int64),
        counts,
        use_n,
        res,
    )
    return [int(j) for j in kept]


@numba.njit(cache=True)
def _pareto_sorted(order, earliest, cost, intensity, co2, pv, attr, n_techs, use_n, resources):
    tol = 1e-9
    n_res = resources.shape[1]
    kept = np.empty(len(order), dtype=np.int64)
    n = 0
    for j in order:
        dominated = False
        for i in range(n):
            k = kept[i]
            if (
                earliest[k] <= earliest[j]
                and cost[k] <= cost[j] + tol * abs(cost[j])
                and intensity[k] <= intensity[j] + tol
                and co2[k] <= co2[j] + tol * abs(co2[j])
                and pv[k] >= pv[j] - tol
                and (attr[k] & attr[j]) == attr[j]
                and (not use_n or n_techs[k] >= n_techs[j])
            ):
                more = False
                for r in range(n_res):
                    if resources[k, r] > resources[j, r] + tol * abs(resources[j, r]) + 1e-12:
                        more = True
                        break
                if more:
                    continue
                dominated = True
                break
        if not dominated:
            kept[n] = j
            n += 1
    return kept[:n]


def bounded_selection(
    idx: np.ndarray,
    pareto: list[int],
    combos: list[tuple[int, ...]],
    cost: np.ndarray,
    co2: np.ndarray,
    at_bench: np.ndarray,
    attr: np.ndarray,
    pv: np.ndarray,
) -> set[int]:
    """Apply rule 5 to a line's Pareto set."""
    empty = [int(j) for j in idx if len(combos[j]) == 0]
    if len(pareto) + len(empty) <= MAX_KEPT:
        return set(pareto) | set(empty)
    chosen = set(empty)
    chosen |= {j for j in pareto if len(combos[j]) == 1}
    attr_values = {int(a) for j in pareto for a in _bits(int(attr[j]))}
    for price in CARBON_GRID:
        score = {j: cost[j] + price * co2[j] for j in pareto}
        chosen.add(min(pareto, key=score.__getitem__))
        bench = [j for j in pareto if at_bench[j]]
        if bench:
            chosen.add(min(bench, key=score.__getitem__))
        with_pv = [j for j in pareto if pv[j] > 0]
        if with_pv:
            chosen.add(min(with_pv, key=score.__getitem__))
        for bit in attr_values:
            holders = [j for j in pareto if attr[j] & bit]
            if holders:
                chosen.add(min(holders, key=score.__getitem__))
    rest = sorted((j for j in pareto if j not in chosen), key=lambda j: cost[j] + 200.0 * co2[j])
    for j in rest:
        if len(chosen) >= MAX_KEPT:
            break
        chosen.add(j)
    return chosen


def _bits(mask: int) -> list[int]:
    return [1 << i for i in range(mask.bit_length()) if mask >> i & 1]
