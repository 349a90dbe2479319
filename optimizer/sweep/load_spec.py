"""Find and read a sweep spec (YAML or CSV) into a checked :class:`SweepSpec`."""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

from optimizer.errors import InputError, InputProblem
from optimizer.sweep.spec import SweepSpec
from optimizer.sweep.spec_csv import load_csv
from optimizer.sweep.spec_yaml import load_yaml


def shipped_specs() -> dict[str, Path]:
    """Example specs shipped with the package (``instances/sweeps/``), by file stem."""
    folder = Path(str(resources.files("optimizer.instances").joinpath("sweeps")))
    return {p.stem: p for p in sorted(folder.glob("*.y*ml"))} if folder.is_dir() else {}


def resolve_spec(path: Path | str) -> Path:
    """``path`` if it is a file, else the shipped example of that name (with or without .yaml)."""
    path = Path(path)
    if path.is_file():
        return path
    shipped = shipped_specs()
    name = path.name.removesuffix(".yaml").removesuffix(".yml")
    if len(path.parts) == 1 and name in shipped:
        return shipped[name]
    raise InputError(
        [
            InputProblem(
                str(path),
                None,
                None,
                None,
                "sweep spec file not found (shipped examples: " + (", ".join(shipped) or "none") + ")",
            )
        ]
    )


def load_spec(path: Path | str) -> SweepSpec:
    """Read and check a sweep spec; raise :class:`InputError` listing every problem found."""
    path = resolve_spec(path)
    text = path.read_bytes()
    digest = hashlib.sha256(text).hexdigest()
    if path.suffix.lower() in {".yaml", ".yml"}:
        return load_yaml(path, text.decode("utf-8"), digest)
    if path.suffix.lower() == ".csv":
        return load_csv(path, digest)
    raise InputError(
        [
            InputProblem(
                path.name, None, None, path.suffix, "is not a spec format (expected .yaml, .yml or .csv)"
            )
        ]
    )
