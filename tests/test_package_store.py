"""Sweep package sets on disk: NPZ round trip, and every tampered file refused (never unpickled)."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest
from conftest import DATA

from optimizer.data.load import load_instance
from optimizer.evaluator.packages import PackageSet, build_packages
from optimizer.sweep.package_store import PackageFileError, load_packages, save_packages


@pytest.fixture(scope="module")
def packages() -> PackageSet:
    return build_packages(load_instance(DATA / "tiny"))


def test_round_trip_is_exact(packages: PackageSet, tmp_path: Path) -> None:
    path = tmp_path / "tiny.npz"
    save_packages(path, packages, "abc")
    back = load_packages(path, "abc")
    assert back.techs == packages.techs
    assert back.attribute_names == packages.attribute_names
    for name in ("line_pos", "earliest_year", "cost_fixed_cny", "co2_per_unit_t", "q_max", "at_benchmark"):
        np.testing.assert_array_equal(getattr(back, name), getattr(packages, name))
    np.testing.assert_array_equal(back.tech_capex_cny, packages.tech_capex_cny)  # nan where n/a
    assert back.stats.to_dict("list") == packages.stats.to_dict("list")


def _rewrite(path: Path, **changes: object) -> None:
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    for key, value in changes.items():
        if value is None:
            del arrays[key]
        else:
            arrays[key] = value  # type: ignore[assignment]
    np.savez(path, **arrays)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "changes, message",
    [
        (lambda n: {"base_digest": np.array("other")}, "other base tables"),
        (lambda n: {"format": np.array("v0")}, "format"),
        (lambda n: {"q_min": None}, "q_min is missing"),
        (lambda n: {"q_min": np.zeros(n + 3)}, "q_min has"),
        (lambda n: {"line_pos": None}, "line_pos is missing"),
        (lambda n: {"techs_flat": np.array([99], dtype=np.int64)}, "techs_offsets"),
        (lambda n: {"attr_bits": np.zeros(n, dtype=float)}, "attr_bits is float64"),
        (lambda n: {"attribute_names": None}, "attribute_names"),
    ],
    ids=["digest", "format", "missing", "shape", "missing-index", "offsets", "dtype", "names"],
)
def test_tampered_files_are_refused(packages: PackageSet, tmp_path: Path, changes, message: str) -> None:
    path = tmp_path / "tiny.npz"
    save_packages(path, packages, "abc")
    _rewrite(path, **changes(len(packages.techs)))
    with pytest.raises(PackageFileError, match=message):
        load_packages(path, "abc")


def test_out_of_range_indices_are_refused(packages: PackageSet, tmp_path: Path) -> None:
    path = tmp_path / "tiny.npz"
    save_packages(path, packages, "abc")
    bad = packages.line_pos.copy()
    bad[0] = 10_000
    _rewrite(path, line_pos=bad)
    with pytest.raises(PackageFileError, match="line index"):
        load_packages(path, "abc")


class _Boom:
    def __reduce__(self):  # what a hostile pickle would do on load
        return (Path("/nonexistent-carbonpeak").mkdir, ())


def test_pickled_content_is_never_executed(tmp_path: Path) -> None:
    path = tmp_path / "evil.npz"
    np.savez(path, format=np.array([_Boom()], dtype=object))
    with pytest.raises(PackageFileError, match="not a plain NPZ"):
        load_packages(path, "abc")
    raw = tmp_path / "evil2.npz"
    raw.write_bytes(pickle.dumps(_Boom()))
    with pytest.raises(PackageFileError, match="not a plain NPZ"):
        load_packages(raw, "abc")
    assert not Path("/nonexistent-carbonpeak").exists()
