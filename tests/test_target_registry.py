"""The registry of target kinds agrees with the schema and keeps the model's row order."""

from __future__ import annotations

import ast
import dataclasses
import tokenize
from pathlib import Path

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


REPO = Path(__file__).resolve().parents[1]
SOURCE_DIRS = ("optimizer", "models", "solvers", "instances", "benchmarks")
WRITES_INSTANCE_DATA = "instances/generate_synthetic.py"  # writes the synthetic targets.csv rows


def _names_in_code(path: Path) -> set[str]:
    """Identifiers and string literals of one source file (comments and docstrings excluded)."""
    names: set[str] = set()
    with path.open("rb") as handle:
        for token in tokenize.tokenize(handle.readline):
            if token.type == tokenize.NAME:
                names.add(token.string)
            elif token.type == tokenize.STRING:
                try:
                    value = ast.literal_eval(token.string)
                except (ValueError, SyntaxError):
                    continue
                if isinstance(value, str):
                    names.add(value)
    return names


def test_each_kind_is_named_only_in_its_own_module() -> None:
    # adding a kind must be one module, one schema entry and its tests: no other source file
    # compares against, lists or builds it by name
    files = [p for d in SOURCE_DIRS for p in (REPO / d).rglob("*.py")]
    named = {str(p.relative_to(REPO)): _names_in_code(p) for p in files}
    for name in KINDS:
        where = {f for f, names in named.items() if name in names}
        own = f"optimizer/targets/kinds/{name}.py"
        assert own in where
        others = where - {own, WRITES_INSTANCE_DATA}
        assert not others, f"{name} is named outside its module in {sorted(others)}"


def test_a_kind_module_that_declares_another_name_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import optimizer.targets.kinds.size_exit as module
    from optimizer.targets import registry

    monkeypatch.setattr(module, "KIND", dataclasses.replace(module.KIND, name="size_exit_v2"))
    with pytest.raises(RuntimeError, match=r"kinds/size_exit\.py declares kind 'size_exit_v2'"):
        registry._load_kinds()
