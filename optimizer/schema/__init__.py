"""Table schemas as data: one CSV per table (column, type, unit, range, description)."""
