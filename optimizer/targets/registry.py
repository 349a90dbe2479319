"""Every target kind, in the order their constraint families are built (which fixes row order
in the matrix). Adding a kind: one module under :mod:`optimizer.targets.kinds`, one line here,
its name in the ``kind`` column's allowed values of ``schema/targets.csv``, and its tests."""

from __future__ import annotations

from optimizer.targets.kind import TargetKind
from optimizer.targets.kinds import (
    attribute_share,
    baseline_clear,
    benchmark_share,
    capacity_cap,
    capacity_cut,
    capex_budget,
    clean_energy_mw,
    emissions_cap,
    emissions_cut,
    emissions_peak,
    intensity_cut,
    not_modelled,
    operating_days_max,
    projects_min,
    raw_substitution_share,
    replacement_ratio,
    size_exit,
)

KINDS: dict[str, TargetKind] = {
    module.KIND.name: module.KIND
    for module in (
        capacity_cut,
        capacity_cap,
        intensity_cut,
        benchmark_share,
        baseline_clear,
        clean_energy_mw,
        attribute_share,
        emissions_cap,
        emissions_cut,
        emissions_peak,
        projects_min,
        capex_budget,
        raw_substitution_share,
        size_exit,
        replacement_ratio,
        operating_days_max,
        not_modelled,
    )
}


def kind(name: str) -> TargetKind:
    """The kind of that name (kinds are validated on load against the schema)."""
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown target kind {name!r}; known: {', '.join(KINDS)}") from None


def constraint_families() -> tuple[str, ...]:
    """Model constraint families of target rows, in build order (each kind's extras after its
    family)."""
    families: list[str] = []
    for k in KINDS.values():
        for name in (k.family, *k.extra_families):
            if name is not None and name not in families:
                families.append(name)
    return tuple(families)


def kinds_of_family(family: str) -> list[TargetKind]:
    return [k for k in KINDS.values() if k.family == family]
