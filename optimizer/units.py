"""Physical conversion constants used throughout (GB/T 2589 and the national ETS guidelines).

These are the defaults; every instance may override the emission factors in ``scenario.csv``.
"""

KGCE_PER_KWH = 0.1229
"""Electricity, equivalent-calorific conversion (kgce/kWh), GB/T 2589."""

KGCE_PER_M3_GAS = 1.33
"""Natural gas (kgce/m3)."""

MJ_PER_KGCE = 29.3076
"""Energy content of one kg of coal equivalent (MJ)."""

KG_PER_WEIGHT_BOX = 50.0
"""One weight box of flat glass is 50 kg of 2 mm glass."""
