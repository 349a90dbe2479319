"""The numba kernel, the NumPy version and the plain-Python reference must agree.

Random arrays come from :func:`synthetic_arrays` driven by hypothesis-drawn sizes, seeds and
edge-case switches; random plans on ``tests/data/tiny`` go through the whole ``evaluate`` path
(pre-installed technologies, new lines, retirements, zero days).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.data.instance import Instance
from optimizer.data.load import load_instance
from optimizer.evaluator.api import (
    batch_summary,
    evaluate,
    evaluate_arrays,
    evaluate_batch,
    evaluate_batch_totals,
    evaluate_reference,
)
from optimizer.evaluator.arrays import EvalArrays
from optimizer.evaluator.kernels import (
    MEASURE_INDEX,
    MEASURES,
    PARALLEL_MIN_ROWS,
    evaluate_numpy,
    run_batch_kernel,
    run_batch_totals_kernel,
    run_kernel,
)
from optimizer.evaluator.plan import NEVER, NewLine, Plan
from optimizer.evaluator.reference import evaluate_reference_arrays
from optimizer.evaluator.synthetic import synthetic_arrays

TINY = Path(__file__).parent / "data" / "tiny"
RTOL = 1e-9


def assert_same(got: np.ndarray, want: np.ndarray) -> None:
    """Agreement to rtol 1e-9 per measure; the absolute floor (1e-12 of the measure's largest
    value) only absorbs cancellation, e.g. grid power when PV almost covers own use."""
    assert got.shape == want.shape
    for i, name in enumerate(MEASURES):
        floor = 1e-12 * max(float(np.abs(want[i]).max(initial=0.0)), 1.0)
        np.testing.assert_allclose(got[i], want[i], rtol=RTOL, atol=floor, err_msg=name)


@st.composite
def random_arrays(draw: st.DrawFn) -> EvalArrays:
    n_lines = draw(st.integers(1, 12))
    n_techs = draw(st.integers(0, 9))
    n_years = draw(st.integers(1, 7))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    arrs = synthetic_arrays(
        rng,
        n_lines,
        n_techs,
        n_years,
        adopt_prob=draw(st.sampled_from([0.0, 0.3, 0.8, 1.0])),
        retire_prob=draw(st.sampled_from([0.0, 0.3, 1.0])),
        zero_days_prob=draw(st.sampled_from([0.0, 0.3, 1.0])),
        preinstalled_prob=draw(st.sampled_from([0.0, 0.2])),
        new_line_frac=draw(st.sampled_from([0.0, 0.3])),
    )
    base = arrs.consts.base_year
    retire = arrs.retire_year.copy()
    adopt = arrs.adopt_year.copy()
    days = arrs.operating_days.copy()
    roof = arrs.lines.roof_area_m2.copy()
    old = ~arrs.is_new
    if draw(st.booleans()):  # a line retired in the base year never runs
        retire[0] = np.where(old[0], base, retire[0])
    if draw(st.booleans()):  # every retrofit at once on one line
        row = n_lines - 1
        adopt[row] = np.where(old[row], base + draw(st.integers(0, n_years)), NEVER)
    if draw(st.booleans()):  # PV far bigger than own use
        roof *= 1e4
    if draw(st.booleans()):  # a year with zero operating days on every line
        days[:, draw(st.integers(0, n_years - 1))] = 0.0
    techs = arrs.techs
    if draw(st.booleans()):  # harsh technologies: full coal switch, 99 % capture
        techs = techs._replace(
            to_gas_frac=np.where(techs.to_gas_frac > 0, 1.0, 0.0),
            capture_rate=np.where(techs.capture_rate > 0, 0.99, 0.0),
        )
    return replace(
        arrs,
        retire_year=retire,
        adopt_year=adopt,
        operating_days=days,
        lines=arrs.lines._replace(roof_area_m2=roof),
        techs=techs,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_arrays())
def test_kernel_matches_reference_and_numpy(arrs: EvalArrays) -> None:
    fast = run_kernel(arrs)
    assert fast.shape == (len(MEASURES), arrs.n_lines, arrs.n_years)
    assert np.isfinite(fast).all()
    assert_same(fast, evaluate_reference_arrays(arrs))
    assert_same(evaluate_numpy(arrs), fast)


@settings(max_examples=30, deadline=None)
@given(random_arrays())
def test_invariants(arrs: EvalArrays) -> None:
    """Relations any correct evaluation keeps, whatever the parameters."""
    out = run_kernel(arrs)

    def m(name: str) -> np.ndarray:
        return out[MEASURE_INDEX[name]]

    running = m("running") > 0.5
    tol = 1e-9 * (1.0 + np.abs(m("electricity_kwh")))
    assert (m("pv_self_kwh") <= m("electricity_kwh") + tol).all()
    assert (m("pv_self_kwh") <= m("pv_kwh") + tol).all()
    assert (m("grid_kwh") >= -tol).all()
    np.testing.assert_allclose(
        m("coal_tce") * 1000
        + m("gas_m3") * arrs.consts.kgce_per_m3_gas
        + (m("alt_fuel_tce") + m("coprocessed_tce")) * 1000,
        m("fuel_kgce"),
        rtol=1e-9,
        atol=1e-6,
    )
    np.testing.assert_allclose(
        m("direct_co2_t") + m("captured_co2_t"), m("process_co2_t") + m("fuel_co2_t"), rtol=1e-9, atol=1e-6
    )
    # nothing flows on a line that does not run
    for name in (
        "output_units",
        "fuel_kgce",
        "electricity_kwh",
        "total_co2_t",
        "pv_mw",
        "fixed_om_cny",
        "tech_om_cny",
        "fuel_cost_cny",
        "attr_bits",
    ):
        assert not m(name)[~running].any(), name
    # capacity only counts running lines
    assert (m("capacity_per_year")[~running] == 0).all()
    # salvage only in the last column
    assert not m("salvage_cny")[:, :-1].any()


def test_edge_cases_explicitly() -> None:
    """The edge cases the property test may or may not draw, forced on one array set."""
    arrs = synthetic_arrays(np.random.default_rng(7), 8, 12, 5, new_line_frac=0.0, preinstalled_prob=0.0)
    base = arrs.consts.base_year
    retire = arrs.retire_year.copy()
    adopt = arrs.adopt_year.copy()
    days = arrs.operating_days.copy()
    retire[0] = base  # retired in the base year
    adopt[0] = base
    adopt[1] = base + 1  # all retrofits at once
    retire[1] = NEVER
    days[2] = 0.0  # zero operating days
    roof = arrs.lines.roof_area_m2.copy()
    roof[3] = 1e9  # PV far beyond own use
    adopt[3] = base
    retire[3] = NEVER
    arrs = replace(
        arrs,
        retire_year=retire,
        adopt_year=adopt,
        operating_days=days,
        lines=arrs.lines._replace(roof_area_m2=roof),
    )
    out = run_kernel(arrs)
    assert_same(out, evaluate_reference_arrays(arrs))
    assert_same(evaluate_numpy(arrs), out)
    m = {name: out[i] for i, name in enumerate(MEASURES)}
    assert not out[:, 0, :].any()  # never runs, its adoptions never happen
    assert m["projects_started"][1].sum() == arrs.n_techs
    assert m["output_units"][2].sum() == 0.0 and m["running"][2].all()
    assert (m["grid_kwh"][3] == 0.0).all()
    assert (m["pv_self_kwh"][3] == m["electricity_kwh"][3]).all()


@pytest.fixture(scope="module")
def tiny_instance() -> Instance:
    return load_instance(TINY)


@st.composite
def random_plans(draw: st.DrawFn, instance: Instance, with_new: bool = True) -> Plan:
    plan = Plan.business_as_usual(instance)
    n_lines, n_techs = plan.adopt_year.shape
    years = list(instance.scenario.years)
    year_or_never = st.sampled_from([*years, years[-1] + 1, NEVER])
    for i in range(n_lines):
        plan.retire_year[i] = draw(year_or_never)
        for k in draw(st.lists(st.integers(0, n_techs - 1), max_size=n_techs)):
            plan.adopt_year[i, k] = draw(year_or_never)
        plan.operating_days[i] = draw(
            st.lists(st.sampled_from([0.0, 150.0, 280.0, 365.0]), min_size=len(years), max_size=len(years))
        )
    if with_new:
        for j in range(draw(st.integers(0, 2))):
            sector = draw(st.sampled_from(list(instance.new_builds.index)))
            plan.new_lines.append(
                NewLine(
                    f"N{j}",
                    sector,
                    draw(st.sampled_from([*years, years[-1] + 1])),
                    draw(st.sampled_from([0.5, 1.0, 2.0])),
                    np.full(len(years), draw(st.sampled_from([0.0, 300.0]))),
                )
            )
    return plan


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_evaluate_matches_reference_on_tiny(tiny_instance: Instance, data: st.DataObject) -> None:
    plan = data.draw(random_plans(tiny_instance))
    want = evaluate_reference(tiny_instance, plan).values
    assert_same(evaluate(tiny_instance, plan).values, want)


def test_business_as_usual_on_tiny(tiny_instance: Instance) -> None:
    ev = evaluate(tiny_instance, Plan.business_as_usual(tiny_instance))
    ly = ev.line_year()
    assert len(ly) == 3 * 7 and ly["running"].all()
    assert not ly[["capex_cny", "salvage_cny", "projects_started"]].to_numpy().any()
    # L1: 775 000 t/yr x 280 d / 310 d = 700 000 t, 102 kgce/t all coal -> 71 400 tce
    l1 = ly[(ly["line_id"] == "L1") & (ly["year"] == 2024)].iloc[0]
    assert l1["output_units"] == pytest.approx(700_000)
    assert l1["coal_tce"] == pytest.approx(71_400)
    # L2 holds grade_a from its attributes cell and from pollution grade A
    l2 = ly[ly["line_id"] == "L2"]
    assert l2["attr_grade_a"].all()
    assert not ly[ly["line_id"] == "L1"]["attr_grade_a"].any()
    # BAU is the same every year apart from the carbon price: CO2 is flat
    co2 = ev.total_co2_t()
    assert co2.nunique() == 1 and co2.iloc[0] > 0
    assert ev.cost_breakdown().loc["total", "discounted_cny"] == pytest.approx(ev.npv_cny)
    sector = ev.by_sector()
    assert set(sector["sector"]) == {"cement_clinker", "flat_glass"}
    assert (sector["intensity_change_vs_base_frac"].abs() < 1e-12).all()
    assert ev.by_company()["company"].nunique() == 3
    assert ev.by_province(per_sector=True).shape[0] == 2 * 7


@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_batch_equals_single(tiny_instance: Instance, data: st.DataObject) -> None:
    plans = [data.draw(random_plans(tiny_instance, with_new=False)) for _ in range(3)]
    shared_new = NewLine("N0", "cement_clinker", 2027, 1.0, np.full(7, 300.0))
    for i, p in enumerate(plans):  # same new lines, different operating days
        p.new_lines.append(
            NewLine(
                shared_new.new_id,
                shared_new.sector,
                shared_new.start_year,
                shared_new.count,
                shared_new.operating_days * (i + 1) / 3,
            )
        )
    batch = evaluate_batch(tiny_instance, plans)
    assert batch.shape == (3, len(MEASURES), 4, 7)
    for p, values in zip(plans, batch, strict=True):
        np.testing.assert_array_equal(values, evaluate(tiny_instance, p).values)
    totals = evaluate_batch_totals(tiny_instance, plans)
    np.testing.assert_allclose(totals, batch.sum(axis=2), rtol=1e-12, atol=1e-6)
    summary = batch_summary(tiny_instance, plans)
    npvs = [evaluate(tiny_instance, p).npv_cny for p in plans]
    np.testing.assert_allclose(summary["npv_cny"], npvs, rtol=1e-12)
    np.testing.assert_allclose(
        summary["total_co2_t_2030"],
        [evaluate(tiny_instance, p).total_co2_t()[2030] for p in plans],
        rtol=1e-12,
    )


def test_batch_with_different_new_lines(tiny_instance: Instance) -> None:
    bau = Plan.business_as_usual(tiny_instance)
    swap = bau.copy()
    swap.retire_year[0] = 2026
    swap.new_lines.append(NewLine("N0", "cement_clinker", 2026, 1.0, np.full(7, 300.0)))
    batch = evaluate_batch(tiny_instance, [bau, swap])
    assert batch.shape == (2, len(MEASURES), 4, 7)
    np.testing.assert_array_equal(batch[1], evaluate(tiny_instance, swap).values)
    np.testing.assert_array_equal(batch[0, :, :3], evaluate(tiny_instance, bau).values)
    assert not batch[0, :, 3].any()  # padding row
    ref = evaluate_batch(tiny_instance, [bau, swap], use_numba=False)
    assert_same(batch[1], ref[1])
    totals = evaluate_batch_totals(tiny_instance, [bau, swap])
    np.testing.assert_allclose(totals, batch.sum(axis=2), rtol=1e-12, atol=1e-6)


def test_batch_totals_on_many_lines() -> None:
    """More lines than one scratch block, several plans: blocks must add up exactly once."""
    arrs = synthetic_arrays(np.random.default_rng(11), 300, 10, 6)
    rng = np.random.default_rng(12)
    retire = np.stack([arrs.retire_year, np.where(rng.random(300) < 0.5, 2026, NEVER)])
    adopt = np.stack([arrs.adopt_year, np.full_like(arrs.adopt_year, 2025)])
    days = np.stack([arrs.operating_days, arrs.operating_days[:, ::-1]])
    full = run_batch_kernel(arrs, retire, adopt, days)
    totals = run_batch_totals_kernel(arrs, retire, adopt, days)
    np.testing.assert_allclose(totals, full.sum(axis=2), rtol=1e-12)
    single = evaluate_reference_arrays(
        replace(arrs, retire_year=retire[1], adopt_year=adopt[1], operating_days=days[1])
    )
    assert_same(full[1], single)


def test_preinstalled_technology_is_not_charged(tiny_instance: Instance) -> None:
    lines = tiny_instance.lines.copy()
    lines.loc["L1", "attributes"] = "waste_heat_power"
    inst = replace(tiny_instance, lines=lines)
    k = list(tiny_instance.technologies.index).index("waste_heat_power")
    plan = Plan.business_as_usual(inst)
    plan.adopt_year[0, k] = 2027  # overridden: it is already there
    ev = evaluate(inst, plan)
    bau = evaluate(tiny_instance, Plan.business_as_usual(tiny_instance))
    assert ev.arrays.adopt_year[0, k] == 2024
    assert ev.measure("capex_cny")[0].sum() == 0.0
    assert ev.measure("projects_started")[0].sum() == 0.0
    assert ev.measure("tech_om_cny")[0].sum() == 0.0
    # the line's 60 kWh/t is measured with the WHR unit running: its 45 % saving must not be
    # applied a second time, in any year
    assert ev.measure("electricity_kwh_per_unit")[0] == pytest.approx(np.full(7, 60.0))
    assert bau.measure("electricity_kwh_per_unit")[0, 0] == pytest.approx(60)
    assert_same(ev.values, evaluate_reference(inst, plan).values)


def test_bad_plans_are_refused(tiny_instance: Instance) -> None:
    plan = Plan.business_as_usual(tiny_instance)
    plan.adopt_year[0, 0] = 2020
    with pytest.raises(ValueError, match="before the base year"):
        evaluate(tiny_instance, plan)
    plan = Plan.business_as_usual(tiny_instance)
    plan.operating_days = plan.operating_days[:, :3]
    with pytest.raises(ValueError, match="shapes"):
        evaluate(tiny_instance, plan)
    plan = Plan.business_as_usual(tiny_instance)
    plan.new_lines.append(NewLine("N", "lime", 2026, 1.0, np.full(7, 300.0)))
    with pytest.raises(ValueError, match="new_builds"):
        evaluate(tiny_instance, plan)


def test_evaluate_arrays_switch_agrees() -> None:
    arrs = synthetic_arrays(np.random.default_rng(3), 40)
    assert_same(evaluate_arrays(arrs).values, evaluate_arrays(arrs, use_numba=False).values)


def test_parallel_path_and_reused_buffer() -> None:
    """Enough lines for the multi-threaded path; reusing an output buffer gives the same."""
    arrs = synthetic_arrays(np.random.default_rng(5), PARALLEL_MIN_ROWS + 500, 30, 7)
    fresh = run_kernel(arrs)
    assert_same(evaluate_numpy(arrs), fresh)
    buffer = np.full_like(fresh, np.nan)  # stale content must all be overwritten
    assert run_kernel(arrs, out=buffer) is buffer
    np.testing.assert_array_equal(buffer, fresh)
    with pytest.raises(ValueError, match="C-contiguous"):
        run_kernel(arrs, out=np.empty((3, 3)))
    stacked = run_batch_totals_kernel(
        arrs, arrs.retire_year[None], arrs.adopt_year[None], arrs.operating_days[None]
    )
    np.testing.assert_allclose(stacked[0], fresh.sum(axis=1), rtol=1e-12, atol=1e-6)
