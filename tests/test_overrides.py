"""``--set`` overrides share the sweep specs' address syntax: selectors, ``*=`` and ``+=``."""

from __future__ import annotations

import pytest
from conftest import DATA

from optimizer.data.load import load_instance
from optimizer.errors import InputError
from optimizer.overrides import apply_overrides


@pytest.fixture(scope="module")
def base():  # type: ignore[no-untyped-def]
    return load_instance(DATA / "tiny")


def test_selector_changes_only_the_selected_rows(base) -> None:  # type: ignore[no-untyped-def]
    after = apply_overrides(base, None, ["prices.carbon_cny_per_tco2[year>=2027]=200"])
    for (year, before), now in zip(
        base.prices["carbon_cny_per_tco2"].items(), after.prices["carbon_cny_per_tco2"], strict=True
    ):
        assert now == (200.0 if int(base.prices.loc[year, "year"]) >= 2027 else before)
    assert (after.prices["coal_cny_per_tce"] == base.prices["coal_cny_per_tce"]).all()


def test_relative_and_absolute_changes(base) -> None:  # type: ignore[no-untyped-def]
    after = apply_overrides(
        base,
        None,
        [
            "technologies.capex_fixed_cny[tech_id=cooler_4th_gen]*=0.8",
            "prices.coal_cny_per_tce+=100",
        ],
    )
    tech = after.technologies["capex_fixed_cny"]
    assert tech["cooler_4th_gen"] == pytest.approx(
        0.8 * base.technologies["capex_fixed_cny"]["cooler_4th_gen"]
    )
    others = [t for t in tech.index if t != "cooler_4th_gen"]
    assert tech[others].equals(base.technologies["capex_fixed_cny"][others])
    assert (after.prices["coal_cny_per_tce"] == base.prices["coal_cny_per_tce"] + 100).all()


def test_scenario_parameter_and_carbon_price_together(base) -> None:  # type: ignore[no-untyped-def]
    after = apply_overrides(base, 150.0, ["scenario.discount_rate=0.06"])
    assert after.scenario.discount_rate == 0.06
    assert (after.prices["carbon_cny_per_tco2"] == 150.0).all()
    assert base.scenario.discount_rate != 0.06  # the input instance is untouched


@pytest.mark.parametrize(
    ("expression", "says"),
    [
        ("prices.no_such_column=1", "is not a column of prices.csv"),
        ("nowhere.coal_cny_per_tce=1", "names no table"),
        ("prices.coal_cny_per_tce", "expected table.column[selector]=value"),
        ("prices.coal_cny_per_tce[year>=2099]=1", "selects no row of prices.csv"),
        ("prices.coal_cny_per_tce*=cheap", "*= needs a number"),
        ("lines.city*=2", "is text"),
        ("prices.coal_cny_per_tce=-5", "prices.csv"),  # the validator's own range check
    ],
)
def test_bad_overrides_are_named(base, expression: str, says: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as caught:
        apply_overrides(base, None, [expression])
    assert says in str(caught.value)
