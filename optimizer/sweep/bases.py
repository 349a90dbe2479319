"""Base instances shipped to the workers as raw text tables.

The client reads every table of a base (the instance's own and the catalogue's) once and the
workers re-create the folder in a private temporary directory. A worker therefore needs neither
the spec's paths nor a shared file system, so a remote ``dask worker`` runs the same scenarios
as a local one; and the digest of the tables ties finished results to the exact inputs.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from optimizer.data.load import CATALOGUE_TABLES, catalogue_dir
from optimizer.data.schema import TABLES, read_raw_table


@dataclass(frozen=True)
class BaseTables:
    """Every table file of one base instance as text, keyed by table name."""

    name: str
    tables: dict[str, pd.DataFrame]
    digest: str


def _table_file(folder: Path, table: str) -> Path | None:
    for suffix in (".csv", ".xlsx"):  # the suffixes load_instance accepts
        if (folder / f"{table}{suffix}").exists():
            return folder / f"{table}{suffix}"
    return None


def read_base(name: str, folder: Path) -> BaseTables:
    """Read the raw tables of ``folder`` (catalogue tables from the catalogue when absent)."""
    tables: dict[str, pd.DataFrame] = {}
    for table in TABLES:
        path = _table_file(folder, table)
        if path is None and table in CATALOGUE_TABLES:
            path = _table_file(catalogue_dir(), table)
        if path is not None:
            tables[table] = read_raw_table(path)
    digest = hashlib.sha256()
    for table in sorted(tables):
        digest.update(table.encode())
        digest.update(tables[table].to_csv(index=False).encode("utf-8"))
    return BaseTables(name, tables, digest.hexdigest())


_folders: dict[str, Path] = {}
_lock = threading.Lock()


def materialize(base: BaseTables) -> Path:
    """The base written as an instance folder private to this process (written once)."""
    with _lock:
        folder = _folders.get(base.digest)
        if folder is not None and folder.is_dir():
            return folder
        root = Path(tempfile.mkdtemp(prefix=f"sweep-{base.digest[:8]}-{os.getpid()}-"))
        folder = root / base.name  # load_instance names the instance after its folder
        folder.mkdir()
        for table, frame in base.tables.items():
            frame.to_csv(folder / f"{table}.csv", index=False)
        _folders[base.digest] = folder
        atexit.register(shutil.rmtree, root, True)
        return folder
