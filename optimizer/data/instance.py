"""What an instance is: its validated tables, typed and indexed by their ids
(:func:`optimizer.data.load.load_instance` reads one from a folder)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from optimizer.data.scenario import Scenario


@dataclass
class Instance:
    """A validated instance: every table typed, indexed by its id, in file order."""

    name: str
    path: Path
    scenario: Scenario
    sectors: pd.DataFrame
    products: pd.DataFrame
    lines: pd.DataFrame
    technologies: pd.DataFrame
    new_builds: pd.DataFrame
    targets: pd.DataFrame
    prices: pd.DataFrame
    demand: pd.DataFrame
    files: dict[str, Path] = field(default_factory=dict)
    decisions: pd.DataFrame = field(default_factory=pd.DataFrame)
    documents: pd.DataFrame = field(default_factory=pd.DataFrame)  # cited documents, by file
    pace: pd.DataFrame = field(default_factory=pd.DataFrame)  # per sector: pace limits, closure cost
    supplies: pd.DataFrame = field(default_factory=pd.DataFrame)  # scarce inputs per year
    deployment: pd.DataFrame = field(default_factory=pd.DataFrame)  # roll-out ceilings per technology

    @property
    def line_sectors(self) -> list[str]:
        """Sectors that have at least one line, in sectors-table order."""
        present = set(self.lines["sector"])
        return [s for s in self.sectors.index if s in present]

    @property
    def new_line_province(self) -> str:
        """Province of a replacement line the plan builds: the instance's own when it has one
        province (a seed, a decomposed run's sub-problem), else "" (a model of several
        provinces builds them for no province in particular)."""
        provinces = set(self.lines["province"])
        return next(iter(provinces)) if len(provinces) == 1 else ""

    def intensity_kgce_per_unit(self) -> pd.Series:
        """Base-year comprehensive energy intensity of each line (fuel + electricity)."""
        return (
            self.lines["fuel_kgce_per_unit"]
            + self.lines["electricity_kwh_per_unit"] * self.scenario.kgce_per_kwh
        )
