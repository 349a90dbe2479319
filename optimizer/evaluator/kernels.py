r"""Numba kernels: what a plan does to every line in every year.

This docstring is the one definition of the formulas; :mod:`optimizer.evaluator.reference`
implements the same ones in plain Python and :func:`evaluate_numpy` in vectorised NumPy.
Indices: line ``l``, calendar year ``y`` (base year .. horizon end ``H``), technology ``k`` in
catalogue order. Output: ``out[m, l, y]`` for the measures ``m`` in :data:`MEASURES`.

Running and active
    running(l, y) = start_year[l] <= y < retire_year[l]. A line that is not running has every
    measure 0 except the capex bookkeeping (capex, annuity, salvage, projects, npv of those).
    active(l, k, y) = adopt_year[l, k] <= y and adopt_year[l, k] < retire_year[l] (a retrofit
    "adopted" at or after retirement never happens). Effects below only apply while running.
    Pre-installed technologies (ids in a line's attributes cell) are already reflected in the
    line's measured figures: they are never active (no effect applied again), never charged
    (no capex item, project or O&M) and only block re-adoption; the attributes they grant are
    part of the line's own bits.

Production and energy (while running)
    q   = capacity_per_year x operating_days[l, y] / rated_days_per_year            [unit/yr]
    Floors (one rule for fuel and electricity, the package builder evaluates packages with
    these kernels, so packages and plans share it). A technology's saving s on a stream is an
    *efficiency* saving when s > 0 and its savings_act_on is "gap"; it is a *stream* factor
    when s < 0 (extra use) or savings_act_on is "stream" (waste-heat power supplies power,
    electric kilns replace fuel: they do not make the line use less energy).
    Efficiency savings act on the gap above the line's floor phi, so combined savings approach
    it and never pass it. s_k is what the measure saves of the line's figure x0 on its own (the
    catalogue's figure), so on the gap it is g_k = min(1, s_k x x0 / (x0 - phi)) (0 if x0 <= phi):
          G = Π_active efficiency (1 - g_k),  W = Π_active stream (1 - s_k)
    and stream factors scale what is left:
    f   = max(0, phi_f + (fuel0 - phi_f) x G_f + slag_fuel x dsigma_cs) x W_f          [kgce/unit]
    e   = (phi_e + (elec0 - phi_e) x G_e) x W_e                                       [kWh/unit]
          (floor 0: g = s, the old rule, two 5 % savings give 9.75 %; floor 88 and fuel 100:
          one 5 % saving alone gives 95 (g = 5/12), two give 88 + 12 x (7/12)^2 = 92.083,
          never 88 or below). phi = min(W_pre x product floor, figure) is built in floors.py: a
          line at or below its floor keeps its figure (savings act on nothing); pre-installed
          stream technologies (W_pre, e.g. waste-heat power in the figure) scale the floor so
          that it stays on the line's own consumption. Fuel switches (gas, alternative fuel)
          change the mix, not the heat, so the floor is on heat whatever supplies it; PV and
          capture power act on grid power after e (PV offsets, it never saves).
    Raw materials: sigma = share of the clinker's CaO from decarbonated materials, sigma0 the
    line's own (dry-slag lines, floors.py). For active k in catalogue order
          d_k = min(raw_cao_substitution_frac_k, 1 - sigma); sigma += d_k
    dsigma = sigma - sigma0, dsigma_cs its carbide-slag part (raw_is_carbide_slag_k);
    slag_fuel = the product's dry_slag_fuel (-28 kgce/t at 100 %) on dry-slag lines, else 0
    (wet slag's drying cancels the gain), so the fuel floor moves with the slag share.
    raw_cao_substitution_frac = sigma
    carbide_slag_t = q x (base_carbide_slag_t_per_unit + carbonate x Σ_cs d_k x t_per_tco2_k)
    raw_substitute_t = q x (base_carbide_slag_t_per_unit + carbonate x Σ d_k x t_per_tco2_k)
          (t of material per tCO2 of deduction: carbide slag 1 / 0.48 -> 1.11 t/t clinker at 100 %)
    I   = f + e x kgce_per_kwh        comprehensive intensity, production only     [kgce/unit]
    fuel mix: c = 1 - gas0 - alt0, g = gas0, a = alt0; then for active k in catalogue order
          dg = c x to_gas_frac_k, da = c x to_alt_fuel_frac_k, dw = c x to_coprocessing_frac_k;
          g += dg; a += da; w += dw; c -= dg + da + dw (w: waste co-processed as fuel, from 0)
    F   = f x q                                                                      [kgce]
    coal_tce = F c / 1000, gas_m3 = F g / kgce_per_m3_gas, alt_fuel_tce = F a / 1000,
    coprocessed_tce = F w / 1000 (its own scarce input and gate fee; burnt like alternative fuel)
    P   = max(0, proc0 - carbonate x dsigma) x Π_active (1 - process_co2_cut_frac_k) x q  [tCO2]
          (each percentage point of CaO from decarbonated material: -0.00535 tCO2/t clinker)
    fuel_co2 (fossil) = coal_tce x coal_tco2_per_tce + gas_m3 x gas_kgco2_per_m3 / 1000
                        + (alt_fuel_tce + coprocessed_tce) x alt_fuel_tco2_per_tce
                          x (1 - alt_fuel_biogenic_frac)
    biogenic_co2 = (alt_fuel_tce + coprocessed_tce) x alt_fuel_tco2_per_tce
                   x alt_fuel_biogenic_frac (not in totals)
    capture: R = P + fuel_co2; for active k in catalogue order cap_k = R x capture_rate_k;
          R -= cap_k; captured += cap_k; capture_kwh += cap_k x capture_kwh_per_tco2_k;
          capture_opex += cap_k x capture_cny_per_tco2_k
    E   = e x q + capture_kwh                                                        [kWh]
    kwp = roof_area_m2 x Σ_active pv_kwp_per_m2_k;  pv_kwh = Σ_active roof x pv_kwp_per_m2_k
          x pv_yield_kwh_per_kwp_k; pv_self = min(pv_kwh, E) (PV only offsets the line's own
          use); grid_kwh = E - pv_self; pv_mw = kwp / 1000
    energy_kgce = F + E x kgce_per_kwh (all energy used, capture power included, PV not netted)
    direct_co2 = P + fuel_co2 - captured;  indirect_co2 = grid_kwh x grid_kgco2_per_kwh / 1000
    total_co2 = direct_co2 + indirect_co2                                            [tCO2]

KPIs (while running)
    running = 1; capacity_per_year; at_benchmark = [I <= benchmark + 1e-9];
    worse_than_baseline = [I > baseline + 1e-9]; attr_bits = line bits | grant bits of active k
    (float64, exact below 2**52); projects_started(y) = #k with adopt_year == y that are capex
    items (see below) - counted even if the line is not running in y.

Costs (nominal CNY in year y)
    capex items: technology k on line l with adopt_year a, not pre-installed, a < retire_year
    and base_year <= a <= H, costing capex_fixed_cny + capex_cny_per_t_per_day x size_t_per_day
    + capex_cny_per_kwp x roof_area_m2 x pv_kwp_per_m2_k, lifetime n = lifetime_years_k; and a
    new line's build cost line_capex_cny spent in its start year (if within the horizon).
    capex(y)         = Σ items with a == y of capex
    capex_annuity(y) = Σ items with a <= y <= a + n - 1 of capex x CRF(r, n), CRF =
                       r / (1 - (1 + r)^-n), or 1 / n when r = 0 (kept after retirement:
                       the debt stays); reported only, not part of the NPV
    tech_om          = Σ_active om_frac_per_year_k x capex_k (0 for pre-installed)
    fixed_om         = fixed_om_cny_per_unit_capacity_year x capacity_per_year
    variable_om      = variable_om_cny_per_unit x q + capture_opex (capture_opex also alone)
    fuel_cost        = coal_tce x coal_price + gas_m3 x gas_price + alt_fuel_tce x alt_price
                       + coprocessed_tce x coprocessing_price (a gate fee earned is negative)
    electricity_cost = grid_kwh x electricity_price
    carbon_cost      = carbon_price x direct_co2 x (1 - free_allocation_frac)
    salvage (in the H column only) = Σ items capex x max(0, a + n - 1 - H) / n / (1 + r)
                       (valued at H + 1, divided by 1 + r so the H discount factor applies;
                       only items on lines still running at H: scrapped equipment has no value)
    npv(l, y) = df[y] x (capex + tech_om + fixed_om + variable_om + fuel_cost
                         + electricity_cost + carbon_cost - salvage),  df[y] = (1+r)^-(y-base)
Nothing divides by q, so zero operating days are fine.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numba
import numpy as np
from numba import njit, prange

from optimizer.evaluator.arrays import Constants, EvalArrays, LineParams, TechParams, YearParams

MEASURES: tuple[str, ...] = (
    "running",
    "capacity_per_year",
    "output_units",
    "fuel_kgce_per_unit",
    "electricity_kwh_per_unit",
    "intensity_kgce_per_unit",
    "at_benchmark",
    "worse_than_baseline",
    "fuel_kgce",
    "coal_tce",
    "gas_m3",
    "alt_fuel_tce",
    "coprocessed_tce",
    "electricity_kwh",
    "capture_kwh",
    "pv_kwh",
    "pv_self_kwh",
    "grid_kwh",
    "energy_kgce",
    "process_co2_t",
    "raw_cao_substitution_frac",
    "carbide_slag_t",
    "raw_substitute_t",
    "fuel_co2_t",
    "biogenic_co2_t",
    "captured_co2_t",
    "direct_co2_t",
    "indirect_co2_t",
    "total_co2_t",
    "pv_mw",
    "attr_bits",
    "projects_started",
    "capex_cny",
    "capex_annuity_cny",
    "tech_om_cny",
    "fixed_om_cny",
    "variable_om_cny",
    "capture_opex_cny",
    "fuel_cost_cny",
    "electricity_cost_cny",
    "carbon_cost_cny",
    "salvage_cny",
    "npv_cny",
)
"""Names of the first axis of every result array, in order."""

N_MEASURES = len(MEASURES)
MEASURE_INDEX: dict[str, int] = {name: i for i, name in enumerate(MEASURES)}

YEARLY_COST_MEASURES: tuple[str, ...] = (
    "tech_om_cny",
    "fixed_om_cny",
    "variable_om_cny",
    "fuel_cost_cny",
    "electricity_cost_cny",
    "carbon_cost_cny",
)
"""The yearly costs that enter the NPV besides capex and salvage. capture_opex_cny is part of
variable_om_cny (reported apart only): adding it again counts capture twice."""

# Compile-time constants for the kernel (numba freezes module-level ints).
_RUNNING = MEASURE_INDEX["running"]
_CAPACITY = MEASURE_INDEX["capacity_per_year"]
_OUTPUT = MEASURE_INDEX["output_units"]
_FUEL_INT = MEASURE_INDEX["fuel_kgce_per_unit"]
_ELEC_INT = MEASURE_INDEX["electricity_kwh_per_unit"]
_INTENSITY = MEASURE_INDEX["intensity_kgce_per_unit"]
_AT_BENCH = MEASURE_INDEX["at_benchmark"]
_WORSE = MEASURE_INDEX["worse_than_baseline"]
_FUEL = MEASURE_INDEX["fuel_kgce"]
_COAL = MEASURE_INDEX["coal_tce"]
_GAS = MEASURE_INDEX["gas_m3"]
_ALT = MEASURE_INDEX["alt_fuel_tce"]
_COPROCESSED = MEASURE_INDEX["coprocessed_tce"]
_ELEC = MEASURE_INDEX["electricity_kwh"]
_CAPTURE_KWH = MEASURE_INDEX["capture_kwh"]
_PV_KWH = MEASURE_INDEX["pv_kwh"]
_PV_SELF = MEASURE_INDEX["pv_self_kwh"]
_GRID = MEASURE_INDEX["grid_kwh"]
_ENERGY = MEASURE_INDEX["energy_kgce"]
_PROCESS = MEASURE_INDEX["process_co2_t"]
_RAW_FRAC = MEASURE_INDEX["raw_cao_substitution_frac"]
_CARBIDE_T = MEASURE_INDEX["carbide_slag_t"]
_RAW_T = MEASURE_INDEX["raw_substitute_t"]
_FUEL_CO2 = MEASURE_INDEX["fuel_co2_t"]
_BIO_CO2 = MEASURE_INDEX["biogenic_co2_t"]
_CAPTURED = MEASURE_INDEX["captured_co2_t"]
_DIRECT = MEASURE_INDEX["direct_co2_t"]
_INDIRECT = MEASURE_INDEX["indirect_co2_t"]
_TOTAL = MEASURE_INDEX["total_co2_t"]
_PV_MW = MEASURE_INDEX["pv_mw"]
_ATTR = MEASURE_INDEX["attr_bits"]
_PROJECTS = MEASURE_INDEX["projects_started"]
_CAPEX = MEASURE_INDEX["capex_cny"]
_ANNUITY = MEASURE_INDEX["capex_annuity_cny"]
_TECH_OM = MEASURE_INDEX["tech_om_cny"]
_FIXED_OM = MEASURE_INDEX["fixed_om_cny"]
_VAR_OM = MEASURE_INDEX["variable_om_cny"]
_CAPTURE_OPEX = MEASURE_INDEX["capture_opex_cny"]
_FUEL_COST = MEASURE_INDEX["fuel_cost_cny"]
_ELEC_COST = MEASURE_INDEX["electricity_cost_cny"]
_CARBON_COST = MEASURE_INDEX["carbon_cost_cny"]
_SALVAGE = MEASURE_INDEX["salvage_cny"]
_NPV = MEASURE_INDEX["npv_cny"]

_TOL = 1e-9
"""Slack on the benchmark / baseline comparisons so a line exactly at the level counts."""


@njit(cache=True)
def _crf(discount_rate, lifetime_years):
    """Capital recovery factor; r = 0 is the plain 1/n repayment."""
    if discount_rate > 0.0:
        return discount_rate / (1.0 - (1.0 + discount_rate) ** (-lifetime_years))
    return 1.0 / lifetime_years


@njit(cache=True)
def _tech_crf(tp, discount_rate):
    """CRF of every technology, computed once per call (pow is slow in the line loop)."""
    n_techs = tp.lifetime_years.shape[0]
    crf = np.empty(n_techs)
    for k in range(n_techs):
        crf[k] = _crf(discount_rate, tp.lifetime_years[k])
    return crf


@njit(cache=True)
def _add_capex_item(
    out,
    row,
    spent_year,
    capex_cny,
    lifetime_years,
    crf,
    base_year,
    horizon_end,
    discount_rate,
    discount_factor,
    salvage_ok,
):
    """Book one capex item: spend, annuity over its lifetime, salvage beyond the horizon.

    Branch-free (fixed trip counts, 0/1 masks): items start in irregular years.
    """
    yi = spent_year - base_year
    out[_CAPEX, row, yi] += capex_cny
    out[_NPV, row, yi] += discount_factor[yi] * capex_cny
    last_year = spent_year + lifetime_years - 1
    payment = capex_cny * crf
    for yj in range(horizon_end - base_year + 1):
        y = base_year + yj
        out[_ANNUITY, row, yj] += payment * ((y >= spent_year) & (y <= last_year))
    years_left = max(last_year - horizon_end, 0)
    hi = horizon_end - base_year
    salvage = salvage_ok * capex_cny * years_left / lifetime_years / (1.0 + discount_rate)
    out[_SALVAGE, row, hi] += salvage
    out[_NPV, row, hi] -= discount_factor[hi] * salvage


# state rows of the per-year scratch filled by the technology pass
_S_FUEL = 0  # G_f: Π (1 - fuel_saving_frac) of efficiency savings (act on the gap)
_S_ELEC = 1  # G_e: Π (1 - elec_saving_frac) of efficiency savings
_S_PROC = 2  # Π (1 - process_co2_cut_frac)
_S_COAL = 3  # fuel-mix shares
_S_GAS = 4
_S_ALT = 5
_S_UNCAPTURED = 6  # Π (1 - capture_rate): share of the raw CO2 not captured
_S_CAP_KWH = 7  # capture kWh per t of raw CO2
_S_CAP_CNY = 8  # capture CNY per t of raw CO2
_S_KWP_M2 = 9  # kWp per m2 of roof
_S_PV_M2 = 10  # kWh per m2 of roof
_S_TECH_OM = 11  # CNY/yr
_S_FUEL_W = 12  # W_f: stream factors on fuel
_S_ELEC_W = 13  # W_e: stream factors on electricity
_S_RAW = 14  # sigma: CaO share from decarbonated materials
_S_RAW_CS = 15  # dsigma_cs: added share from carbide slag
_S_RAW_T = 16  # Σ d_k x t_per_tco2_k, all materials
_S_CS_T = 17  # the same, carbide slag only
_S_COP = 18  # share of fuel heat from co-processed waste
N_STATE = 19


@njit(cache=True)
def _evaluate_lines(
    out,
    row0,
    p,
    first,
    last,
    retire_year,
    adopt_year,
    operating_days,
    lp,
    tp,
    yp,
    c,
    tech_crf,
    live,
    live_year,
    live_om,
    state,
    bits,
):
    """Fill out[:, row0 + l - first, :] (out is (M, rows, Y)) for lines first..last-1 of plan
    p (formulas in the module docstring).

    tech_crf (K,): CRF per technology. Scratch from the caller: live, live_year, live_om
    (K,); state (N_STATE, Y); bits (Y,).
    Works on a block of lines so the many array arguments are passed once per block.
    """
    n_years = out.shape[2]
    n_techs = adopt_year.shape[2]
    base_year = c.base_year
    horizon_end = base_year + n_years - 1
    alt_fossil_tco2_per_tce = c.alt_fuel_tco2_per_tce * (1.0 - c.alt_fuel_biogenic_frac)
    alt_bio_tco2_per_tce = c.alt_fuel_tco2_per_tce * c.alt_fuel_biogenic_frac
    gas_tco2_per_m3 = c.gas_kgco2_per_m3 / 1000.0
    grid_tco2_per_kwh = c.grid_kgco2_per_kwh / 1000.0

    for l in range(first, last):
        row = row0 + l - first
        start = lp.start_year[l]
        retire = retire_year[p, l]
        cap = lp.capacity_per_year[l]
        size = lp.size_t_per_day[l]
        roof = lp.roof_area_m2[l]
        gas0 = lp.gas_share[l]
        alt0 = lp.alt_fuel_share[l]
        # a measure saves s of the line's figure on its own: s x figure / gap of the gap above
        # the floor (capped at the whole gap); no gap, nothing to save
        gap_f = lp.fuel_kgce_per_unit[l] - lp.fuel_floor_kgce_per_unit[l]
        gap_e = lp.electricity_kwh_per_unit[l] - lp.elec_floor_kwh_per_unit[l]
        scale_f = lp.fuel_kgce_per_unit[l] / gap_f if gap_f > 0.0 else 0.0
        scale_e = lp.electricity_kwh_per_unit[l] / gap_e if gap_e > 0.0 else 0.0

        # Technologies that happen on this line within the horizon, in catalogue order, with
        # their yearly O&M: usually a handful of the K columns. Written without branches
        # (always store, advance only if it happens): adoption patterns are too irregular
        # for the branch predictor.
        n_live = 0
        for k in range(n_techs):
            a = adopt_year[p, l, k]
            live[n_live] = k
            live_year[n_live] = a
            live_om[n_live] = (
                (1.0 - lp.preinstalled[l, k])
                * tp.om_frac_per_year[k]
                * (
                    tp.capex_fixed_cny[k]
                    + tp.capex_cny_per_t_per_day[k] * size
                    + tp.capex_cny_per_kwp[k] * roof * tp.pv_kwp_per_m2[k]
                )
            )
            n_live += (a < retire) & (a <= horizon_end) & (not lp.preinstalled[l, k])

        # Technology pass: technology by technology (catalogue order), over the years it is
        # active. Years are independent, so this inner loop has no branches and vectorises;
        # each year still sees its technologies in catalogue order, as the formulas require.
        for yi in range(n_years):
            state[_S_FUEL, yi] = 1.0
            state[_S_ELEC, yi] = 1.0
            state[_S_PROC, yi] = 1.0
            state[_S_COAL, yi] = 1.0 - gas0 - alt0
            state[_S_GAS, yi] = gas0
            state[_S_ALT, yi] = alt0
            state[_S_COP, yi] = 0.0
            state[_S_UNCAPTURED, yi] = 1.0
            state[_S_CAP_KWH, yi] = 0.0
            state[_S_CAP_CNY, yi] = 0.0
            state[_S_KWP_M2, yi] = 0.0
            state[_S_PV_M2, yi] = 0.0
            state[_S_TECH_OM, yi] = 0.0
            state[_S_FUEL_W, yi] = 1.0
            state[_S_ELEC_W, yi] = 1.0
            state[_S_RAW, yi] = lp.raw_cao_frac0[l]
            state[_S_RAW_CS, yi] = 0.0
            state[_S_RAW_T, yi] = 0.0
            state[_S_CS_T, yi] = 0.0
            bits[yi] = lp.attr_bits[l]
        last_yi = min(retire - base_year, n_years)
        for j in range(n_live):
            k = live[j]
            keep_fuel = 1.0 - tp.fuel_saving_frac[k]
            keep_elec = 1.0 - tp.elec_saving_frac[k]
            # efficiency savings shrink the gap above the floor; the rest scale the stream
            stream = tp.saving_on_stream[k] > 0.5
            fuel_on_gap = (tp.fuel_saving_frac[k] > 0.0) and not stream
            elec_on_gap = (tp.elec_saving_frac[k] > 0.0) and not stream
            gap_fuel = 1.0 - min(tp.fuel_saving_frac[k] * scale_f, 1.0) if fuel_on_gap else 1.0
            w_fuel = 1.0 if fuel_on_gap else keep_fuel
            gap_elec = 1.0 - min(tp.elec_saving_frac[k] * scale_e, 1.0) if elec_on_gap else 1.0
            w_elec = 1.0 if elec_on_gap else keep_elec
            raw_frac = tp.raw_cao_substitution_frac[k]
            raw_t = tp.raw_material_t_per_tco2[k]
            is_cs = tp.raw_is_carbide_slag[k]
            keep_proc = 1.0 - tp.process_co2_cut_frac[k]
            to_gas = tp.to_gas_frac[k]
            to_alt = tp.to_alt_fuel_frac[k]
            to_cop = tp.to_coprocessing_frac[k]
            rate = tp.capture_rate[k]
            kwh_per_t = tp.capture_kwh_per_tco2[k]
            cny_per_t = tp.capture_cny_per_tco2[k]
            kwp_m2 = tp.pv_kwp_per_m2[k]
            pv_m2 = tp.pv_kwp_per_m2[k] * tp.pv_yield_kwh_per_kwp[k]
            om = live_om[j]
            grant = tp.grant_bits[k]
            for yi in range(max(live_year[j] - base_year, 0), last_yi):
                state[_S_FUEL, yi] *= gap_fuel
                state[_S_ELEC, yi] *= gap_elec
                state[_S_FUEL_W, yi] *= w_fuel
                state[_S_ELEC_W, yi] *= w_elec
                # raw substitution takes CaO only from the limestone still there
                d_raw = min(raw_frac, max(1.0 - state[_S_RAW, yi], 0.0))
                state[_S_RAW, yi] += d_raw
                state[_S_RAW_CS, yi] += d_raw * is_cs
                state[_S_RAW_T, yi] += d_raw * raw_t
                state[_S_CS_T, yi] += d_raw * raw_t * is_cs
                state[_S_PROC, yi] *= keep_proc
                coal = state[_S_COAL, yi]
                d_gas = coal * to_gas
                d_alt = coal * to_alt
                d_cop = coal * to_cop
                state[_S_GAS, yi] += d_gas
                state[_S_ALT, yi] += d_alt
                state[_S_COP, yi] += d_cop
                state[_S_COAL, yi] = coal - (d_gas + d_alt + d_cop)
                # capture acts on what earlier capture units left: share of the raw CO2
                share = state[_S_UNCAPTURED, yi] * rate
                state[_S_CAP_KWH, yi] += share * kwh_per_t
                state[_S_CAP_CNY, yi] += share * cny_per_t
                state[_S_UNCAPTURED, yi] *= 1.0 - rate
                state[_S_KWP_M2, yi] += kwp_m2
                state[_S_PV_M2, yi] += pv_m2
                state[_S_TECH_OM, yi] += om
                bits[yi] |= grant

        units_per_day = cap / lp.rated_days_per_year[l]
        fixed_om = lp.fixed_om_cny_per_unit_capacity_year[l] * cap
        var_om_rate = lp.variable_om_cny_per_unit[l]
        bench = lp.benchmark_kgce_per_unit[l] + _TOL
        baseline = lp.baseline_kgce_per_unit[l] + _TOL
        fuel0 = lp.fuel_kgce_per_unit[l]
        elec0 = lp.electricity_kwh_per_unit[l]
        proc0 = lp.process_co2_t_per_unit[l]
        floor_f = lp.fuel_floor_kgce_per_unit[l]
        floor_e = lp.elec_floor_kwh_per_unit[l]
        carbonate = lp.carbonate_co2_t_per_unit[l]
        sigma0 = lp.raw_cao_frac0[l]
        slag_fuel = lp.slag_fuel_kgce_per_unit[l]
        base_slag = lp.base_carbide_slag_t_per_unit[l]
        for yi in range(n_years):
            y = base_year + yi
            if y < start or y >= retire:
                for m in range(N_MEASURES):
                    out[m, row, yi] = 0.0
                continue
            q = units_per_day * operating_days[p, l, yi]
            f = (
                max(floor_f + (fuel0 - floor_f) * state[_S_FUEL, yi] + slag_fuel * state[_S_RAW_CS, yi], 0.0)
                * state[_S_FUEL_W, yi]
            )
            e = (floor_e + (elec0 - floor_e) * state[_S_ELEC, yi]) * state[_S_ELEC_W, yi]
            intensity = f + e * c.kgce_per_kwh
            fuel_kgce = f * q
            coal_tce = fuel_kgce * state[_S_COAL, yi] / 1000.0
            gas_m3 = fuel_kgce * state[_S_GAS, yi] / c.kgce_per_m3_gas
            alt_tce = fuel_kgce * state[_S_ALT, yi] / 1000.0
            cop_tce = fuel_kgce * state[_S_COP, yi] / 1000.0
            process = max(proc0 - carbonate * (state[_S_RAW, yi] - sigma0), 0.0) * state[_S_PROC, yi] * q
            fuel_co2 = (
                coal_tce * c.coal_tco2_per_tce
                + gas_m3 * gas_tco2_per_m3
                + (alt_tce + cop_tce) * alt_fossil_tco2_per_tce
            )
            bio_co2 = (alt_tce + cop_tce) * alt_bio_tco2_per_tce
            raw_co2 = process + fuel_co2
            captured = raw_co2 * (1.0 - state[_S_UNCAPTURED, yi])
            capture_kwh = raw_co2 * state[_S_CAP_KWH, yi]
            capture_opex = raw_co2 * state[_S_CAP_CNY, yi]
            elec_kwh = e * q + capture_kwh
            pv_kwh = roof * state[_S_PV_M2, yi]
            pv_self = min(pv_kwh, elec_kwh)
            grid_kwh = elec_kwh - pv_self
            direct = raw_co2 - captured
            indirect = grid_kwh * grid_tco2_per_kwh
            tech_om = state[_S_TECH_OM, yi]
            var_om = var_om_rate * q + capture_opex
            fuel_cost = (
                coal_tce * yp.coal_cny_per_tce[yi]
                + gas_m3 * yp.gas_cny_per_m3[yi]
                + alt_tce * yp.alt_fuel_cny_per_tce[yi]
                + cop_tce * yp.coprocessing_cny_per_tce[yi]
            )
            elec_cost = grid_kwh * yp.electricity_cny_per_kwh[yi]
            carbon_cost = yp.carbon_cny_per_tco2[yi] * direct * (1.0 - yp.free_allocation_frac[yi])

            out[_RUNNING, row, yi] = 1.0
            out[_CAPACITY, row, yi] = cap
            out[_OUTPUT, row, yi] = q
            out[_FUEL_INT, row, yi] = f
            out[_ELEC_INT, row, yi] = e
            out[_INTENSITY, row, yi] = intensity
            out[_AT_BENCH, row, yi] = intensity <= bench  # stored as 0.0 / 1.0
            out[_WORSE, row, yi] = intensity > baseline
            out[_FUEL, row, yi] = fuel_kgce
            out[_COAL, row, yi] = coal_tce
            out[_GAS, row, yi] = gas_m3
            out[_ALT, row, yi] = alt_tce
            out[_COPROCESSED, row, yi] = cop_tce
            out[_ELEC, row, yi] = elec_kwh
            out[_CAPTURE_KWH, row, yi] = capture_kwh
            out[_PV_KWH, row, yi] = pv_kwh
            out[_PV_SELF, row, yi] = pv_self
            out[_GRID, row, yi] = grid_kwh
            out[_ENERGY, row, yi] = fuel_kgce + elec_kwh * c.kgce_per_kwh
            out[_PROCESS, row, yi] = process
            out[_RAW_FRAC, row, yi] = state[_S_RAW, yi]
            out[_CARBIDE_T, row, yi] = q * (base_slag + carbonate * state[_S_CS_T, yi])
            out[_RAW_T, row, yi] = q * (base_slag + carbonate * state[_S_RAW_T, yi])
            out[_FUEL_CO2, row, yi] = fuel_co2
            out[_BIO_CO2, row, yi] = bio_co2
            out[_CAPTURED, row, yi] = captured
            out[_DIRECT, row, yi] = direct
            out[_INDIRECT, row, yi] = indirect
            out[_TOTAL, row, yi] = direct + indirect
            out[_PV_MW, row, yi] = roof * state[_S_KWP_M2, yi] / 1000.0
            out[_ATTR, row, yi] = float(bits[yi])
            out[_PROJECTS, row, yi] = 0.0
            out[_CAPEX, row, yi] = 0.0
            out[_ANNUITY, row, yi] = 0.0
            out[_TECH_OM, row, yi] = tech_om
            out[_FIXED_OM, row, yi] = fixed_om
            out[_VAR_OM, row, yi] = var_om
            out[_CAPTURE_OPEX, row, yi] = capture_opex
            out[_FUEL_COST, row, yi] = fuel_cost
            out[_ELEC_COST, row, yi] = elec_cost
            out[_CARBON_COST, row, yi] = carbon_cost
            out[_SALVAGE, row, yi] = 0.0
            out[_NPV, row, yi] = yp.discount_factor[yi] * (
                tech_om + fixed_om + var_om + fuel_cost + elec_cost + carbon_cost
            )

        # Capex items are booked after the year loop because they land in years the line may
        # not run (annuities and salvage outlive retirement).
        for j in range(n_live):
            k = live[j]
            a = live_year[j]
            if lp.preinstalled[l, k] or a < base_year:
                continue
            capex_k = (
                tp.capex_fixed_cny[k]
                + tp.capex_cny_per_t_per_day[k] * size
                + tp.capex_cny_per_kwp[k] * roof * tp.pv_kwp_per_m2[k]
            )
            out[_PROJECTS, row, a - base_year] += 1.0
            _add_capex_item(
                out,
                row,
                a,
                capex_k,
                tp.lifetime_years[k],
                tech_crf[k],
                base_year,
                horizon_end,
                c.discount_rate,
                yp.discount_factor,
                1.0 if retire > horizon_end else 0.0,
            )
        if base_year <= start <= horizon_end and start < retire:
            life = lp.line_lifetime_years[l]
            _add_capex_item(
                out,
                row,
                start,
                lp.line_capex_cny[l],
                life,
                _crf(c.discount_rate, life),
                base_year,
                horizon_end,
                c.discount_rate,
                yp.discount_factor,
                1.0 if retire > horizon_end else 0.0,
            )


_CHUNK_LINES = 64
"""Lines per parallel task: amortises the scratch allocation, keeps a block in L2 cache."""


@njit(cache=True, parallel=True)
def evaluate_batch_into(out, retire_year, adopt_year, operating_days, lp, tp, yp, c):
    """Fill out (P, M, N, Y) for P plans sharing their lines: retire (P, N), adopt (P, N, K),
    days (P, N, Y). Lets callers reuse one output buffer (no page faults on a fresh one)."""
    n_plans, n_lines = retire_year.shape
    n_years = operating_days.shape[2]
    n_techs = adopt_year.shape[2]
    n_chunks = (n_lines + _CHUNK_LINES - 1) // _CHUNK_LINES
    tech_crf = _tech_crf(tp, c.discount_rate)
    for i in prange(n_plans * n_chunks):
        p = i // n_chunks
        first = (i - p * n_chunks) * _CHUNK_LINES
        last = min(first + _CHUNK_LINES, n_lines)
        live = np.empty(n_techs, dtype=np.int64)
        live_year = np.empty(n_techs, dtype=np.int64)
        live_om = np.empty(n_techs)
        state = np.empty((N_STATE, n_years))
        bits = np.empty(n_years, dtype=np.int64)
        _evaluate_lines(
            out[p],
            first,
            p,
            first,
            last,
            retire_year,
            adopt_year,
            operating_days,
            lp,
            tp,
            yp,
            c,
            tech_crf,
            live,
            live_year,
            live_om,
            state,
            bits,
        )


@njit(cache=True, parallel=True)
def evaluate_batch_totals_kernel(retire_year, adopt_year, operating_days, lp, tp, yp, c):
    """Like :func:`evaluate_batch_kernel` but summed over lines: out (P, M, Y) float64.

    Never holds the (P, M, N, Y) array: lines are evaluated in blocks into a scratch array
    and added up, so Monte Carlo and heuristics can run thousands of plans. Sums are
    meaningful for flows, capacity and money, not for intensities, flags or attr_bits.
    """
    n_plans, n_lines = retire_year.shape
    n_years = operating_days.shape[2]
    n_chunks = (n_lines + _CHUNK_LINES - 1) // _CHUNK_LINES
    n_techs = adopt_year.shape[2]
    partial = np.zeros((n_plans * n_chunks, N_MEASURES, n_years))
    tech_crf = _tech_crf(tp, c.discount_rate)
    for i in prange(n_plans * n_chunks):
        p = i // n_chunks
        first = (i - p * n_chunks) * _CHUNK_LINES
        last = min(first + _CHUNK_LINES, n_lines)
        scratch = np.empty((N_MEASURES, _CHUNK_LINES, n_years))
        live = np.empty(n_techs, dtype=np.int64)
        live_year = np.empty(n_techs, dtype=np.int64)
        live_om = np.empty(n_techs)
        state = np.empty((N_STATE, n_years))
        bits = np.empty(n_years, dtype=np.int64)
        _evaluate_lines(
            scratch,
            0,
            p,
            first,
            last,
            retire_year,
            adopt_year,
            operating_days,
            lp,
            tp,
            yp,
            c,
            tech_crf,
            live,
            live_year,
            live_om,
            state,
            bits,
        )
        for m in range(N_MEASURES):
            for j in range(last - first):
                for yi in range(n_years):
                    partial[i, m, yi] += scratch[m, j, yi]
    out = np.zeros((n_plans, N_MEASURES, n_years))
    for i in range(n_plans * n_chunks):
        p = i // n_chunks
        for m in range(N_MEASURES):
            for yi in range(n_years):
                out[p, m, yi] += partial[i, m, yi]
    return out


PARALLEL_MIN_ROWS = 2048
"""Below this many rows (plans x lines) the kernels run on one thread: waking the thread team
costs more than it saves, and on a busy machine a parallel region waits for its slowest,
possibly descheduled, thread."""


@contextmanager
def _threads_for(rows: int) -> Iterator[None]:
    if rows >= PARALLEL_MIN_ROWS:
        yield
        return
    previous = numba.get_num_threads()
    numba.set_num_threads(1)  # thread-local setting: safe with concurrent callers
    try:
        yield
    finally:
        numba.set_num_threads(previous)


def evaluate_batch_kernel(
    retire_year: np.ndarray,
    adopt_year: np.ndarray,
    operating_days: np.ndarray,
    lp: LineParams,
    tp: TechParams,
    yp: YearParams,
    c: Constants,
) -> np.ndarray:
    """Evaluate P plans sharing their lines: retire (P, N), adopt (P, N, K), days (P, N, Y).

    Returns out (P, M, N, Y) float64, M = len(MEASURES). The allocation is done here, in
    Python, so that no jitted function calls the parallel one (nesting a cached parallel
    function in another cached function is fragile in numba).
    """
    n_plans, n_lines = retire_year.shape
    out = np.empty((n_plans, N_MEASURES, n_lines, operating_days.shape[2]))
    with _threads_for(n_plans * n_lines):
        evaluate_batch_into(out, retire_year, adopt_year, operating_days, lp, tp, yp, c)
    return out


def evaluate_kernel(
    retire_year: np.ndarray,
    adopt_year: np.ndarray,
    operating_days: np.ndarray,
    lp: LineParams,
    tp: TechParams,
    yp: YearParams,
    c: Constants,
) -> np.ndarray:
    """Evaluate one plan: retire (N,), adopt (N, K), days (N, Y) -> out (M, N, Y) float64."""
    return evaluate_batch_kernel(retire_year[None], adopt_year[None], operating_days[None], lp, tp, yp, c)[0]


def run_kernel(arrs: EvalArrays, out: np.ndarray | None = None) -> np.ndarray:
    """Evaluate the plan held in ``arrs`` with numba: (M, N, Y) float64.

    ``out``, a C-contiguous float64 (M, N, Y) array, is filled and returned instead of a new
    array (worth it in loops: a fresh 10 MB result costs as much in page faults as the work).
    """
    if out is None:
        return evaluate_kernel(
            arrs.retire_year,
            arrs.adopt_year,
            arrs.operating_days,
            arrs.lines,
            arrs.techs,
            arrs.years_p,
            arrs.consts,
        )
    shape = (N_MEASURES, arrs.n_lines, arrs.n_years)
    if out.shape != shape or out.dtype != np.float64 or not out.flags.c_contiguous:
        raise ValueError(f"out must be a C-contiguous float64 array of shape {shape}")
    with _threads_for(arrs.n_lines):
        evaluate_batch_into(
            out[None],
            arrs.retire_year[None],
            arrs.adopt_year[None],
            arrs.operating_days[None],
            arrs.lines,
            arrs.techs,
            arrs.years_p,
            arrs.consts,
        )
    return out


def run_batch_kernel(
    arrs: EvalArrays, retire_year: np.ndarray, adopt_year: np.ndarray, operating_days: np.ndarray
) -> np.ndarray:
    """Evaluate stacked plans on the lines of ``arrs``: (P, M, N, Y) float64."""
    return evaluate_batch_kernel(
        np.ascontiguousarray(retire_year, dtype=np.int64),
        np.ascontiguousarray(adopt_year, dtype=np.int64),
        np.ascontiguousarray(operating_days, dtype=np.float64),
        arrs.lines,
        arrs.techs,
        arrs.years_p,
        arrs.consts,
    )


def run_batch_totals_kernel(
    arrs: EvalArrays, retire_year: np.ndarray, adopt_year: np.ndarray, operating_days: np.ndarray
) -> np.ndarray:
    """Stacked plans on the lines of ``arrs``, summed over lines: (P, M, Y) float64."""
    retire = np.ascontiguousarray(retire_year, dtype=np.int64)
    with _threads_for(retire.size):
        return evaluate_batch_totals_kernel(
            retire,
            np.ascontiguousarray(adopt_year, dtype=np.int64),
            np.ascontiguousarray(operating_days, dtype=np.float64),
            arrs.lines,
            arrs.techs,
            arrs.years_p,
            arrs.consts,
        )


def _exclusive_cumprod(factors: np.ndarray) -> np.ndarray:
    """Product of the factors before each position along the last axis (1 at position 0)."""
    before = np.ones_like(factors)
    if factors.shape[-1] > 1:
        before[..., 1:] = np.cumprod(factors[..., :-1], axis=-1)
    return before


def evaluate_numpy(arrs: EvalArrays) -> np.ndarray:
    """The same formulas vectorised with NumPy over (line, year, technology) arrays.

    Exists to measure what the numba kernel buys and to cross-check it; (M, N, Y) float64.
    """
    lp: LineParams = arrs.lines
    tp: TechParams = arrs.techs
    yp: YearParams = arrs.years_p
    c: Constants = arrs.consts
    n_lines, n_techs = arrs.adopt_year.shape
    n_years = arrs.operating_days.shape[1]
    base, horizon_end, r = c.base_year, c.base_year + n_years - 1, c.discount_rate
    years = base + np.arange(n_years)
    retire = arrs.retire_year[:, None]
    adopt = arrs.adopt_year
    running = (lp.start_year[:, None] <= years) & (years < retire)  # (N, Y)
    run = running.astype(np.float64)
    happens = (adopt < retire) & ~lp.preinstalled  # (N, K); pre-installed: already in figures
    active = (adopt[:, None, :] <= years[None, :, None]) & happens[:, None, :]  # (N, Y, K)
    act = active.astype(np.float64)

    def prod_active(frac: np.ndarray) -> np.ndarray:
        return np.where(active, 1.0 - frac, 1.0).prod(axis=2)

    stream = tp.saving_on_stream > 0.5
    fuel_gap = (tp.fuel_saving_frac > 0.0) & ~stream  # (K,) efficiency savings on fuel
    elec_gap = (tp.elec_saving_frac > 0.0) & ~stream
    gap_f = lp.fuel_kgce_per_unit - lp.fuel_floor_kgce_per_unit
    gap_e = lp.electricity_kwh_per_unit - lp.elec_floor_kwh_per_unit
    with np.errstate(divide="ignore", invalid="ignore"):
        scale_f = np.where(gap_f > 0.0, lp.fuel_kgce_per_unit / gap_f, 0.0)  # (N,)
        scale_e = np.where(gap_e > 0.0, lp.electricity_kwh_per_unit / gap_e, 0.0)
    # on the gap: g = min(1, s x figure / gap), per line and technology (N, K)
    g_fuel = np.where(fuel_gap, np.minimum(tp.fuel_saving_frac * scale_f[:, None], 1.0), 0.0)
    g_elec = np.where(elec_gap, np.minimum(tp.elec_saving_frac * scale_e[:, None], 1.0), 0.0)
    fuel_mult = np.where(active, 1.0 - g_fuel[:, None, :], 1.0).prod(axis=2)  # G_f
    fuel_w = prod_active(np.where(fuel_gap, 0.0, tp.fuel_saving_frac))  # W_f
    elec_mult = np.where(active, 1.0 - g_elec[:, None, :], 1.0).prod(axis=2)
    elec_w = prod_active(np.where(elec_gap, 0.0, tp.elec_saving_frac))
    proc_mult = prod_active(tp.process_co2_cut_frac)
    # raw substitution cascade in catalogue order: each takes CaO from the limestone left
    sigma = np.broadcast_to(lp.raw_cao_frac0[:, None], (n_lines, n_years)).copy()
    raw_cs = np.zeros((n_lines, n_years))
    raw_t = np.zeros((n_lines, n_years))
    cs_t = np.zeros((n_lines, n_years))
    for k in range(n_techs):
        d = act[:, :, k] * np.minimum(tp.raw_cao_substitution_frac[k], np.maximum(1.0 - sigma, 0.0))
        sigma = sigma + d
        raw_cs = raw_cs + d * tp.raw_is_carbide_slag[k]
        raw_t = raw_t + d * tp.raw_material_t_per_tco2[k]
        cs_t = cs_t + d * tp.raw_material_t_per_tco2[k] * tp.raw_is_carbide_slag[k]
    switch = tp.to_gas_frac + tp.to_alt_fuel_frac + tp.to_coprocessing_frac
    coal_keep = np.where(active, 1.0 - switch, 1.0)
    coal0 = (1.0 - lp.gas_share - lp.alt_fuel_share)[:, None, None]
    coal_before = coal0 * _exclusive_cumprod(coal_keep)  # coal share when k acts
    gas = lp.gas_share[:, None] + (coal_before * act * tp.to_gas_frac).sum(axis=2)
    alt = lp.alt_fuel_share[:, None] + (coal_before * act * tp.to_alt_fuel_frac).sum(axis=2)
    waste = (coal_before * act * tp.to_coprocessing_frac).sum(axis=2)
    coal = coal0[:, :, 0] * coal_keep.prod(axis=2)
    cap_keep = np.where(active, 1.0 - tp.capture_rate, 1.0)
    cap_share = _exclusive_cumprod(cap_keep) * act * tp.capture_rate  # of the raw CO2
    capture_kwh_per_t = (cap_share * tp.capture_kwh_per_tco2).sum(axis=2)
    capture_cny_per_t = (cap_share * tp.capture_cny_per_tco2).sum(axis=2)
    uncaptured = cap_keep.prod(axis=2)
    kwp_per_m2 = act @ tp.pv_kwp_per_m2
    pv_kwh_per_m2 = act @ (tp.pv_kwp_per_m2 * tp.pv_yield_kwh_per_kwp)
    grants = np.where(active, tp.grant_bits, 0)
    bits = lp.attr_bits[:, None] | np.bitwise_or.reduce(grants, axis=2)
    roof = lp.roof_area_m2
    capex_k = (
        tp.capex_fixed_cny
        + np.outer(lp.size_t_per_day, tp.capex_cny_per_t_per_day)
        + np.outer(roof, tp.capex_cny_per_kwp * tp.pv_kwp_per_m2)
    )  # (N, K)
    capex_k = np.where(lp.preinstalled, 0.0, capex_k)
    tech_om = (act * (tp.om_frac_per_year * capex_k)[:, None, :]).sum(axis=2) * run

    q = (lp.capacity_per_year / lp.rated_days_per_year)[:, None] * arrs.operating_days * run
    phi_f = lp.fuel_floor_kgce_per_unit[:, None]
    phi_e = lp.elec_floor_kwh_per_unit[:, None]
    f_line = phi_f + (lp.fuel_kgce_per_unit[:, None] - phi_f) * fuel_mult
    f = np.maximum(f_line + lp.slag_fuel_kgce_per_unit[:, None] * raw_cs, 0.0) * fuel_w * run
    e = (phi_e + (lp.electricity_kwh_per_unit[:, None] - phi_e) * elec_mult) * elec_w * run
    intensity = f + e * c.kgce_per_kwh
    fuel_kgce = f * q
    coal_tce = fuel_kgce * coal / 1000.0
    gas_m3 = fuel_kgce * gas / c.kgce_per_m3_gas
    alt_tce = fuel_kgce * alt / 1000.0
    cop_tce = fuel_kgce * waste / 1000.0
    carbonate = lp.carbonate_co2_t_per_unit[:, None]
    left_proc = np.maximum(
        lp.process_co2_t_per_unit[:, None] - carbonate * (sigma - lp.raw_cao_frac0[:, None]), 0.0
    )
    process = left_proc * proc_mult * q
    base_slag = lp.base_carbide_slag_t_per_unit[:, None]
    fuel_co2 = (
        coal_tce * c.coal_tco2_per_tce
        + gas_m3 * (c.gas_kgco2_per_m3 / 1000.0)
        + (alt_tce + cop_tce) * (c.alt_fuel_tco2_per_tce * (1.0 - c.alt_fuel_biogenic_frac))
    )
    raw = process + fuel_co2
    captured = raw * (1.0 - uncaptured)
    capture_kwh = raw * capture_kwh_per_t
    capture_opex = raw * capture_cny_per_t
    elec_kwh = e * q + capture_kwh
    pv_kwh = roof[:, None] * pv_kwh_per_m2 * run
    pv_self = np.minimum(pv_kwh, elec_kwh)
    grid = elec_kwh - pv_self
    direct = raw - captured
    indirect = grid * (c.grid_kgco2_per_kwh / 1000.0)
    fixed_om = (lp.fixed_om_cny_per_unit_capacity_year * lp.capacity_per_year)[:, None] * run
    var_om = lp.variable_om_cny_per_unit[:, None] * q + capture_opex
    fuel_cost = (
        coal_tce * yp.coal_cny_per_tce
        + gas_m3 * yp.gas_cny_per_m3
        + alt_tce * yp.alt_fuel_cny_per_tce
        + cop_tce * yp.coprocessing_cny_per_tce
    )
    elec_cost = grid * yp.electricity_cny_per_kwh
    carbon_cost = yp.carbon_cny_per_tco2 * direct * (1.0 - yp.free_allocation_frac)

    # capex items: technologies (N, K) then the line itself (N,)
    items = ~lp.preinstalled & happens & (adopt >= base) & (adopt <= horizon_end)
    item_capex = np.concatenate([np.where(items, capex_k, 0.0), np.zeros((n_lines, 1))], axis=1)
    line_item = (lp.start_year >= base) & (lp.start_year <= horizon_end) & (lp.start_year < arrs.retire_year)
    item_capex[:, -1] = np.where(line_item, lp.line_capex_cny, 0.0)
    item_year = np.concatenate([adopt, lp.start_year[:, None]], axis=1)
    item_life = np.concatenate(
        [np.broadcast_to(tp.lifetime_years, (n_lines, n_techs)), lp.line_lifetime_years[:, None]], axis=1
    ).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        crf = (r / (1.0 - (1.0 + r) ** -item_life)) if r > 0 else 1.0 / item_life
    spent = item_year[:, :, None] == years  # (N, K+1, Y)
    capex = (spent * item_capex[:, :, None]).sum(axis=1)
    projects = (spent[:, :n_techs] & items[:, :, None]).sum(axis=1).astype(np.float64)
    in_life = (years >= item_year[:, :, None]) & (years <= item_year[:, :, None] + item_life[:, :, None] - 1)
    annuity = (in_life * (item_capex * crf)[:, :, None]).sum(axis=1)
    left = np.maximum(0.0, item_year + item_life - 1 - horizon_end)
    salvage = np.zeros((n_lines, n_years))
    alive_at_end = (arrs.retire_year > horizon_end)[:, None]
    salvage[:, -1] = (item_capex * left / item_life * alive_at_end).sum(axis=1) / (1.0 + r)
    npv = yp.discount_factor * (
        capex + tech_om + fixed_om + var_om + fuel_cost + elec_cost + carbon_cost - salvage
    )
    cap = lp.capacity_per_year[:, None] * run
    result = {
        "running": run,
        "capacity_per_year": cap,
        "output_units": q,
        "fuel_kgce_per_unit": f,
        "electricity_kwh_per_unit": e,
        "intensity_kgce_per_unit": intensity,
        "at_benchmark": running * (intensity <= lp.benchmark_kgce_per_unit[:, None] + _TOL),
        "worse_than_baseline": running * (intensity > lp.baseline_kgce_per_unit[:, None] + _TOL),
        "fuel_kgce": fuel_kgce,
        "coal_tce": coal_tce,
        "gas_m3": gas_m3,
        "alt_fuel_tce": alt_tce,
        "coprocessed_tce": cop_tce,
        "electricity_kwh": elec_kwh,
        "capture_kwh": capture_kwh,
        "pv_kwh": pv_kwh,
        "pv_self_kwh": pv_self,
        "grid_kwh": grid,
        "energy_kgce": fuel_kgce + elec_kwh * c.kgce_per_kwh,
        "process_co2_t": process,
        "raw_cao_substitution_frac": sigma * run,
        "carbide_slag_t": q * (base_slag + carbonate * cs_t),
        "raw_substitute_t": q * (base_slag + carbonate * raw_t),
        "fuel_co2_t": fuel_co2,
        "biogenic_co2_t": (alt_tce + cop_tce) * (c.alt_fuel_tco2_per_tce * c.alt_fuel_biogenic_frac),
        "captured_co2_t": captured,
        "direct_co2_t": direct,
        "indirect_co2_t": indirect,
        "total_co2_t": direct + indirect,
        "pv_mw": roof[:, None] * kwp_per_m2 / 1000.0 * run,
        "attr_bits": np.where(running, bits, 0),
        "projects_started": projects,
        "capex_cny": capex,
        "capex_annuity_cny": annuity,
        "tech_om_cny": tech_om,
        "fixed_om_cny": fixed_om,
        "variable_om_cny": var_om,
        "capture_opex_cny": capture_opex,
        "fuel_cost_cny": fuel_cost,
        "electricity_cost_cny": elec_cost,
        "carbon_cost_cny": carbon_cost,
        "salvage_cny": salvage,
        "npv_cny": npv,
    }
    return np.stack([np.asarray(result[m], dtype=np.float64) for m in MEASURES])


__all__ = [
    "MEASURES",
    "MEASURE_INDEX",
    "N_MEASURES",
    "PARALLEL_MIN_ROWS",
    "evaluate_batch_into",
    "evaluate_batch_kernel",
    "evaluate_batch_totals_kernel",
    "evaluate_kernel",
    "evaluate_numpy",
    "run_batch_kernel",
    "run_batch_totals_kernel",
    "run_kernel",
]
