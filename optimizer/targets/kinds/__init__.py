"""One module per target kind, each exporting ``KIND`` (see :mod:`optimizer.targets.kind`)."""
