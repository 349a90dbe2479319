"""The subcommands of ``optimize``, one module per group; :mod:`optimizer.cli` registers them."""
