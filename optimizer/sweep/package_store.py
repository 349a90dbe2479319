"""A sweep's package set on disk as NPZ, read back only after a schema check (never pickle).

``--resume`` reuses ``<out>/packages/<base>.npz``. Unpickling would run whatever code a file
in that folder carries; an NPZ read with ``allow_pickle=False`` holds plain arrays only, and
:func:`load_packages` checks every array's presence, dtype kind and shape, the index ranges,
the format version and the digest of the base tables it was built for before handing back a
:class:`PackageSet`. A file that fails any check is reported and rebuilt, never used.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from optimizer.evaluator.packages import PackageSet

FORMAT = "carbonpeak-packages/2"  # 2: raw-material and alternative-fuel use per package
SUFFIX = ".npz"

# name -> (dtype kind, dimensions): "P" packages, "Y" years, "L" lines, "K" technologies
_PER_PACKAGE: dict[str, tuple[str, tuple[str, ...]]] = {
    "line_pos": ("i", ("P",)),
    "earliest_year": ("i", ("P",)),
    "intensity_kgce_per_unit": ("f", ("P",)),
    "at_benchmark": ("b", ("P",)),
    "worse_than_baseline": ("b", ("P",)),
    "pv_mw": ("f", ("P",)),
    "attr_bits": ("i", ("P",)),
    "cost_fixed_cny": ("f", ("P", "Y")),
    "cost_per_unit_cny": ("f", ("P", "Y")),
    "co2_fixed_t": ("f", ("P", "Y")),
    "co2_per_unit_t": ("f", ("P", "Y")),
    "q_min": ("f", ("P",)),
    "q_max": ("f", ("P",)),
    "tech_capex_cny": ("f", ("L", "K")),
    "carbide_slag_t_per_unit": ("f", ("P", "Y")),
    "raw_substitute_t_per_unit": ("f", ("P", "Y")),
    "alt_fuel_tce_per_unit": ("f", ("P", "Y")),
    "coprocessed_tce_per_unit": ("f", ("P", "Y")),
    "raw_cao_substitution_frac": ("f", ("P",)),
}
_STATS = "stats__"


class PackageFileError(ValueError):
    """A package file that is not one this module wrote for this base."""


def save_packages(path: Path, packages: PackageSet, base_digest: str) -> None:
    """Write ``packages`` atomically (temporary file, then rename)."""
    arrays: dict[str, np.ndarray] = {name: np.asarray(getattr(packages, name)) for name in _PER_PACKAGE}
    lengths = np.array([len(t) for t in packages.techs], dtype=np.int64)
    arrays["techs_offsets"] = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    arrays["techs_flat"] = np.array([k for t in packages.techs for k in t], dtype=np.int64)
    arrays["attribute_names"] = np.array(list(packages.attribute_names), dtype=str)
    arrays["format"] = np.array(FORMAT)
    arrays["base_digest"] = np.array(base_digest)
    for column in packages.stats.columns:
        values = packages.stats[column].to_numpy()
        arrays[_STATS + str(column)] = values.astype(str) if values.dtype == object else values
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(path.name + ".tmp.npz")
    np.savez(temp, **arrays)  # type: ignore[arg-type]
    os.replace(temp, path)


def load_packages(path: Path, base_digest: str) -> PackageSet:
    """Read a file written by :func:`save_packages` for the base of ``base_digest``, or raise
    :class:`PackageFileError` saying what is wrong with it."""
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
    except (OSError, ValueError, EOFError) as error:  # not an NPZ, or an object (pickled) array
        raise PackageFileError(f"not a plain NPZ file ({error})") from None
    if str(arrays.get("format", "")) != FORMAT:
        raise PackageFileError(f"format is {str(arrays.get('format', 'missing'))!r}, expected {FORMAT!r}")
    if str(arrays.get("base_digest", "")) != base_digest:
        raise PackageFileError("built for other base tables than this sweep's")
    sizes: dict[str, int] = {}
    for name, (kind, dims) in _PER_PACKAGE.items():
        if name not in arrays:
            raise PackageFileError(f"array {name} is missing")
        array = arrays[name]
        if array.dtype.kind != kind or array.ndim != len(dims):
            raise PackageFileError(
                f"{name} is {array.dtype} with {array.ndim} dimensions, expected {kind}{dims}"
            )
        for dim, size in zip(dims, array.shape, strict=True):
            if sizes.setdefault(dim, size) != size:
                raise PackageFileError(f"{name} has {size} along {dim}, other arrays {sizes[dim]}")
    n_packages, n_lines, n_techs = sizes["P"], sizes["L"], sizes["K"]
    offsets, flat = arrays.get("techs_offsets"), arrays.get("techs_flat")
    if offsets is None or flat is None or offsets.dtype.kind != "i" or flat.dtype.kind != "i":
        raise PackageFileError("techs_offsets / techs_flat are missing or not integers")
    if (
        offsets.shape != (n_packages + 1,)
        or offsets[0] != 0
        or offsets[-1] != len(flat)
        or np.any(np.diff(offsets) < 0)
    ):
        raise PackageFileError("techs_offsets do not partition techs_flat into one list per package")
    if len(flat) and (flat.min() < 0 or flat.max() >= n_techs):
        raise PackageFileError(f"a technology index lies outside 0..{n_techs - 1}")
    line_pos = arrays["line_pos"]
    if n_packages and (line_pos.min() < 0 or line_pos.max() >= n_lines):
        raise PackageFileError(f"a line index lies outside 0..{n_lines - 1}")
    names = arrays.get("attribute_names")
    if names is None or names.dtype.kind != "U" or names.ndim != 1:
        raise PackageFileError("attribute_names is missing or not text")
    stats = pd.DataFrame(
        {
            name[len(_STATS) :]: (a.astype(object) if a.dtype.kind == "U" else a)
            for name, a in arrays.items()
            if name.startswith(_STATS)
        }
    )
    if len(stats) != n_lines:
        raise PackageFileError(f"stats has {len(stats)} rows, expected one per line ({n_lines})")
    techs = [tuple(int(k) for k in flat[offsets[j] : offsets[j + 1]]) for j in range(n_packages)]
    return PackageSet(
        **{name: arrays[name] for name in _PER_PACKAGE},
        techs=techs,
        stats=stats,
        attribute_names=tuple(str(n) for n in names),
    )
