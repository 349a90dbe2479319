"""Every target kind, in the order their constraint families are built (which fixes row order
in the matrix).

The order is the ``kind`` column's allowed values in ``schema/targets.csv``; each name is the
module of that name under :mod:`optimizer.targets.kinds`, which exports ``KIND``. Adding a kind:
one module there, its name in that list (where its family is built) and its tests; nothing else
names it.
"""

from __future__ import annotations

from importlib import import_module

from optimizer.data.schema import table_schema
from optimizer.targets.kind import TargetKind


def _load_kinds() -> dict[str, TargetKind]:
    (spec,) = [s for s in table_schema("targets") if s.name == "kind"]
    kinds: dict[str, TargetKind] = {}
    for name in spec.allowed:
        record = import_module(f"optimizer.targets.kinds.{name}").KIND
        if record.name != name:
            raise RuntimeError(f"optimizer/targets/kinds/{name}.py declares kind {record.name!r}")
        kinds[name] = record
    return kinds


KINDS: dict[str, TargetKind] = _load_kinds()


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
