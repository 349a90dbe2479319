"""Plain-Python reference evaluator: the formulas of :mod:`optimizer.evaluator.kernels`, spelled
out with loops, ``math`` and Python floats, for checking the fast paths.

It reads the same :class:`EvalArrays` but shares no code with the kernels: discount factors and
capital recovery factors are recomputed here, the fuel switch and the capture cascade are
applied literally step by step. Slow (about a microsecond per line, year and technology).
"""

from __future__ import annotations

import math

import numpy as np

from optimizer.evaluator.arrays import EvalArrays
from optimizer.evaluator.kernels import MEASURES

_TOL = 1e-9


def _crf(rate: float, lifetime_years: int) -> float:
    """Capital recovery factor: the constant yearly payment that repays 1 CNY over n years."""
    if rate == 0.0:
        return 1.0 / lifetime_years
    return rate / (1.0 - math.pow(1.0 + rate, -lifetime_years))


def evaluate_reference_arrays(arrs: EvalArrays) -> np.ndarray:
    """Evaluate the plan in ``arrs`` with plain loops: (M, N, Y) float64 like the kernel."""
    lp = {name: value.tolist() for name, value in arrs.lines._asdict().items()}
    tp = {name: value.tolist() for name, value in arrs.techs._asdict().items()}
    yp = {name: value.tolist() for name, value in arrs.years_p._asdict().items()}
    c = arrs.consts
    retire_years = arrs.retire_year.tolist()
    adopt_years = arrs.adopt_year.tolist()
    days = arrs.operating_days.tolist()
    n_lines = len(retire_years)
    n_years = len(days[0]) if n_lines else int(arrs.years.shape[0])
    n_techs = len(tp["capex_fixed_cny"])
    base = c.base_year
    last_year = base + n_years - 1
    rate = c.discount_rate
    discount = [math.pow(1.0 + rate, -(y - base)) for y in range(base, last_year + 1)]

    per_line: list[list[list[float]]] = []
    for l in range(n_lines):
        rows = {m: [0.0] * n_years for m in MEASURES}
        start = lp["start_year"][l]
        retire = retire_years[l]
        size = lp["size_t_per_day"][l]
        roof = lp["roof_area_m2"][l]
        cap = lp["capacity_per_year"][l]

        def tech_capex(k: int, size: float = size, roof: float = roof) -> float:
            return (
                tp["capex_fixed_cny"][k]
                + tp["capex_cny_per_t_per_day"][k] * size
                + tp["capex_cny_per_kwp"][k] * roof * tp["pv_kwp_per_m2"][k]
            )

        for yi in range(n_years):
            y = base + yi
            if not start <= y < retire:
                continue  # everything stays 0; capex bookkeeping comes below
            active = [
                k
                for k in range(n_techs)
                if adopt_years[l][k] <= y and adopt_years[l][k] < retire and not lp["preinstalled"][l][k]
            ]
            q = cap * days[l][yi] / lp["rated_days_per_year"][l]
            # floors: efficiency savings (positive, savings_act_on = gap) shrink the gap above
            # the floor; extra use and stream technologies scale the whole stream
            # the whole stream; a measure saves s of the figure on its own, s x figure / gap of
            # the gap (capped at the whole gap)
            floor_f = lp["fuel_floor_kgce_per_unit"][l]
            floor_e = lp["elec_floor_kwh_per_unit"][l]
            fuel0 = lp["fuel_kgce_per_unit"][l]
            elec0 = lp["electricity_kwh_per_unit"][l]
            fuel_gap_keep = fuel_stream = elec_gap_keep = elec_stream = 1.0
            proc_keep = 1.0
            for k in active:
                on_stream = tp["saving_on_stream"][k] > 0.5
                s_fuel = tp["fuel_saving_frac"][k]
                s_elec = tp["elec_saving_frac"][k]
                if s_fuel > 0.0 and not on_stream:
                    if fuel0 > floor_f:
                        fuel_gap_keep *= 1.0 - min(s_fuel * fuel0 / (fuel0 - floor_f), 1.0)
                else:
                    fuel_stream *= 1.0 - s_fuel
                if s_elec > 0.0 and not on_stream:
                    if elec0 > floor_e:
                        elec_gap_keep *= 1.0 - min(s_elec * elec0 / (elec0 - floor_e), 1.0)
                else:
                    elec_stream *= 1.0 - s_elec
                proc_keep *= 1.0 - tp["process_co2_cut_frac"][k]
            # raw materials, catalogue order: CaO only from the limestone that is left
            sigma0 = lp["raw_cao_frac0"][l]
            sigma = sigma0
            added_cs = tonnes_per_tco2 = cs_tonnes_per_tco2 = 0.0
            for k in active:
                d = min(tp["raw_cao_substitution_frac"][k], max(1.0 - sigma, 0.0))
                sigma += d
                tonnes_per_tco2 += d * tp["raw_material_t_per_tco2"][k]
                if tp["raw_is_carbide_slag"][k] > 0.5:
                    added_cs += d
                    cs_tonnes_per_tco2 += d * tp["raw_material_t_per_tco2"][k]
            fuel_line = floor_f + (fuel0 - floor_f) * fuel_gap_keep
            f = max(fuel_line + lp["slag_fuel_kgce_per_unit"][l] * added_cs, 0.0) * fuel_stream
            e = (floor_e + (elec0 - floor_e) * elec_gap_keep) * elec_stream
            carbonate = lp["carbonate_co2_t_per_unit"][l]
            proc = max(lp["process_co2_t_per_unit"][l] - carbonate * (sigma - sigma0), 0.0) * proc_keep
            base_slag = lp["base_carbide_slag_t_per_unit"][l]
            intensity = f + e * c.kgce_per_kwh

            coal = 1.0 - lp["gas_share"][l] - lp["alt_fuel_share"][l]
            gas = lp["gas_share"][l]
            alt = lp["alt_fuel_share"][l]
            waste = 0.0
            for k in active:
                to_gas = coal * tp["to_gas_frac"][k]
                to_alt = coal * tp["to_alt_fuel_frac"][k]
                to_waste = coal * tp["to_coprocessing_frac"][k]
                gas += to_gas
                alt += to_alt
                waste += to_waste
                coal -= to_gas + to_alt + to_waste

            fuel_kgce = f * q
            coal_tce = fuel_kgce * coal / 1000.0
            gas_m3 = fuel_kgce * gas / c.kgce_per_m3_gas
            alt_tce = fuel_kgce * alt / 1000.0
            waste_tce = fuel_kgce * waste / 1000.0
            process_t = proc * q
            alt_t = (alt_tce + waste_tce) * c.alt_fuel_tco2_per_tce
            fuel_t = (
                coal_tce * c.coal_tco2_per_tce
                + gas_m3 * c.gas_kgco2_per_m3 / 1000.0
                + alt_t * (1.0 - c.alt_fuel_biogenic_frac)
            )
            biogenic_t = alt_t * c.alt_fuel_biogenic_frac

            remaining = process_t + fuel_t
            captured = capture_kwh = capture_cny = 0.0
            for k in active:
                if tp["capture_rate"][k] > 0.0:
                    caught = remaining * tp["capture_rate"][k]
                    remaining -= caught
                    captured += caught
                    capture_kwh += caught * tp["capture_kwh_per_tco2"][k]
                    capture_cny += caught * tp["capture_cny_per_tco2"][k]

            used_kwh = e * q + capture_kwh
            kwp = 0.0
            pv_kwh = 0.0
            for k in active:
                kwp_k = roof * tp["pv_kwp_per_m2"][k]
                kwp += kwp_k
                pv_kwh += kwp_k * tp["pv_yield_kwh_per_kwp"][k]
            own_pv = min(pv_kwh, used_kwh)
            grid_kwh = used_kwh - own_pv
            direct = process_t + fuel_t - captured
            indirect = grid_kwh * c.grid_kgco2_per_kwh / 1000.0

            bits = lp["attr_bits"][l]
            for k in active:
                bits |= tp["grant_bits"][k]
            tech_om = sum(
                tp["om_frac_per_year"][k] * tech_capex(k) for k in active if not lp["preinstalled"][l][k]
            )
            fixed_om = lp["fixed_om_cny_per_unit_capacity_year"][l] * cap
            variable_om = lp["variable_om_cny_per_unit"][l] * q + capture_cny
            fuel_cost = (
                coal_tce * yp["coal_cny_per_tce"][yi]
                + gas_m3 * yp["gas_cny_per_m3"][yi]
                + alt_tce * yp["alt_fuel_cny_per_tce"][yi]
                + waste_tce * yp["coprocessing_cny_per_tce"][yi]
            )
            elec_cost = grid_kwh * yp["electricity_cny_per_kwh"][yi]
            carbon_cost = yp["carbon_cny_per_tco2"][yi] * direct * (1.0 - yp["free_allocation_frac"][yi])

            values = {
                "running": 1.0,
                "capacity_per_year": cap,
                "output_units": q,
                "fuel_kgce_per_unit": f,
                "electricity_kwh_per_unit": e,
                "intensity_kgce_per_unit": intensity,
                "at_benchmark": float(intensity <= lp["benchmark_kgce_per_unit"][l] + _TOL),
                "worse_than_baseline": float(intensity > lp["baseline_kgce_per_unit"][l] + _TOL),
                "fuel_kgce": fuel_kgce,
                "coal_tce": coal_tce,
                "gas_m3": gas_m3,
                "alt_fuel_tce": alt_tce,
                "coprocessed_tce": waste_tce,
                "electricity_kwh": used_kwh,
                "capture_kwh": capture_kwh,
                "pv_kwh": pv_kwh,
                "pv_self_kwh": own_pv,
                "grid_kwh": grid_kwh,
                "energy_kgce": fuel_kgce + used_kwh * c.kgce_per_kwh,
                "process_co2_t": process_t,
                "raw_cao_substitution_frac": sigma,
                "carbide_slag_t": q * (base_slag + carbonate * cs_tonnes_per_tco2),
                "raw_substitute_t": q * (base_slag + carbonate * tonnes_per_tco2),
                "fuel_co2_t": fuel_t,
                "biogenic_co2_t": biogenic_t,
                "captured_co2_t": captured,
                "direct_co2_t": direct,
                "indirect_co2_t": indirect,
                "total_co2_t": direct + indirect,
                "pv_mw": kwp / 1000.0,
                "attr_bits": float(bits),
                "tech_om_cny": tech_om,
                "fixed_om_cny": fixed_om,
                "variable_om_cny": variable_om,
                "capture_opex_cny": capture_cny,
                "fuel_cost_cny": fuel_cost,
                "electricity_cost_cny": elec_cost,
                "carbon_cost_cny": carbon_cost,
            }
            for name, value in values.items():
                rows[name][yi] = value

        # capital items: (year spent, CNY, lifetime)
        items: list[tuple[int, float, int]] = []
        for k in range(n_techs):
            a = adopt_years[l][k]
            if lp["preinstalled"][l][k] or a >= retire or not base <= a <= last_year:
                continue
            items.append((a, tech_capex(k), tp["lifetime_years"][k]))
            rows["projects_started"][a - base] += 1.0
        if base <= start <= last_year and start < retire:
            items.append((start, lp["line_capex_cny"][l], lp["line_lifetime_years"][l]))
        for a, capex, life in items:
            rows["capex_cny"][a - base] += capex
            for y in range(a, min(a + life - 1, last_year) + 1):
                rows["capex_annuity_cny"][y - base] += capex * _crf(rate, life)
            if retire > last_year:  # scrapped equipment earns no salvage
                rows["salvage_cny"][-1] += capex * max(0, a + life - 1 - last_year) / life / (1.0 + rate)

        for yi in range(n_years):
            cash = (
                rows["capex_cny"][yi]
                + rows["tech_om_cny"][yi]
                + rows["fixed_om_cny"][yi]
                + rows["variable_om_cny"][yi]
                + rows["fuel_cost_cny"][yi]
                + rows["electricity_cost_cny"][yi]
                + rows["carbon_cost_cny"][yi]
                - rows["salvage_cny"][yi]
            )
            rows["npv_cny"][yi] = discount[yi] * cash
        per_line.append([rows[m] for m in MEASURES])

    out = np.zeros((len(MEASURES), n_lines, n_years), dtype=np.float64)
    for l, line_rows in enumerate(per_line):
        out[:, l, :] = np.array(line_rows, dtype=np.float64)
    return out
