"""The registry of target kinds agrees with the schema and keeps the model's row order."""

from __future__ import annotations

import pytest

from optimizer.data.schema import table_schema
from optimizer.targets.registry import KINDS, constraint_families, kind


def test_schema_allows_exactly_the_registered_kinds() -> None:
    spec = next(s for s in table_schema("targets") if s.name == "kind")
    assert set(spec.allowed) == set(KINDS)


def test_family_order_is_the_historical_build_order() -> None:
    # row order in the matrix (and so golden hashes and HiGHS paths) follows this order; new
    # families go after the existing ones
    assert constraint_families()[:10] == (
        "capacity_target",
        "intensity_cut",
        "benchmark_share",
        "baseline_clear",
        "clean_energy_mw",
        "attribute_share",
        "emissions_target",
        "emissions_peak_falling",
        "projects_min",
        "capex_budget",
    )


@pytest.mark.parametrize("name", sorted(KINDS))
def test_every_modelled_kind_has_a_row_a_price_unit_and_a_relaxation(name: str) -> None:
    k = KINDS[name]
    assert k.name == name
    assert k.years in {"from", "at", "every"}
    assert k.decompose in {"separable", "same"} or k.decompose.startswith("split:")
    if k.family is not None:
        assert k.row is not None and k.price_unit and k.relaxation is not None


def test_unknown_kind_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="unknown target kind 'peak_share'; known: capacity_cut"):
        kind("peak_share")
