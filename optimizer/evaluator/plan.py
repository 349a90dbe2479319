"""A plan: what happens to every line in every evaluated year, as aligned arrays.

Rows follow ``instance.lines`` order, technology columns follow ``instance.technologies``
order and year columns follow ``instance.scenario.years`` (base year .. horizon end).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from optimizer.data.instance import Instance

NEVER = 9999
"""Year used for 'never' (not retired, technology not adopted)."""


@dataclass
class NewLine:
    """Replacement capacity built by a swap: ``count`` standard lines of the sector's
    ``new_builds`` row, running from ``start_year``."""

    new_id: str
    sector: str
    start_year: int
    count: float
    operating_days: np.ndarray  # (Y,) days per year while running
    province: str = ""  # where it is built, when the plan spans provinces ("": Instance.new_line_province)


@dataclass
class Plan:
    """Decisions over the horizon.

    - ``retire_year[l]``: first year line ``l`` no longer runs (``NEVER`` if it keeps running);
      a line retired in the base year never runs.
    - ``swapped[l]``: the retirement was a swap-out whose capacity backs a new line.
    - ``adopt_year[l, k]``: year technology ``k`` starts on line ``l`` (``NEVER`` if never);
      once adopted a retrofit stays until the line retires.
    - ``operating_days[l, y]``: days the line runs in year ``y`` (ignored when not running).
    """

    retire_year: np.ndarray
    swapped: np.ndarray
    adopt_year: np.ndarray
    operating_days: np.ndarray
    new_lines: list[NewLine] = field(default_factory=list)

    @classmethod
    def business_as_usual(cls, instance: Instance) -> Plan:
        """Every line keeps running as in the base year; nothing is adopted or built."""
        n_lines = len(instance.lines)
        n_tech = len(instance.technologies)
        n_years = len(instance.scenario.years)
        days = instance.lines["operating_days"].to_numpy(dtype=np.float64)
        return cls(
            retire_year=np.full(n_lines, NEVER, dtype=np.int64),
            swapped=np.zeros(n_lines, dtype=np.bool_),
            adopt_year=np.full((n_lines, n_tech), NEVER, dtype=np.int64),
            operating_days=np.repeat(days[:, None], n_years, axis=1),
        )

    def copy(self) -> Plan:
        return Plan(
            retire_year=self.retire_year.copy(),
            swapped=self.swapped.copy(),
            adopt_year=self.adopt_year.copy(),
            operating_days=self.operating_days.copy(),
            new_lines=[
                NewLine(n.new_id, n.sector, n.start_year, n.count, n.operating_days.copy())
                for n in self.new_lines
            ],
        )
