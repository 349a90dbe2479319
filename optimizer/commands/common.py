"""What every ``optimize`` command shares: consoles, instance options, input-error exits.

Error paths end the command with the exit codes of :mod:`optimizer.exit_codes`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from optimizer.data.instance import Instance
from optimizer.data.load import instance_dir, load_instance
from optimizer.errors import InputError
from optimizer.exit_codes import EXIT_INPUT, EXIT_INTERRUPTED
from optimizer.preflight import check_or_exit, out_dir_problems

console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True, soft_wrap=True)

ProvinceOpt = Annotated[str | None, typer.Option("--province", "-p", help="Shipped instance name")]
InstanceOpt = Annotated[Path | None, typer.Option("--instance", "-i", help="Instance folder")]

STARTED_AT: float | None = None
"""When the process started (:func:`optimizer.preflight.process_started_at`), set by the console
script (:func:`optimizer.cli.main`); None when the commands are invoked in-process (tests)."""


def load_from_options(province: str | None, instance: Path | None) -> Instance:
    """The instance named by exactly one of --province and --instance."""
    if (province is None) == (instance is None):
        raise typer.BadParameter("give exactly one of --province NAME or --instance DIR")
    folder = instance_dir(province) if province else instance
    assert folder is not None
    return load_instance(folder)


def fail_input(error: InputError) -> None:
    """Print an input error and end the command with exit code 1."""
    err_console.print(f"[bold red]Input error[/] — {escape(str(error))}")
    raise typer.Exit(EXIT_INPUT)


def preflight(option_errors: list[str], out: Path | None) -> None:
    """Options out of range (exit 2), then an --out that exists or cannot be written (exit 1),
    before any table is read: nothing is solved to be thrown away."""
    try:
        check_or_exit(option_errors, out_dir_problems(out))
    except InputError as error:
        fail_input(error)


def interrupted_without_plan() -> None:
    """Ctrl-C or SIGTERM before the solver had a plan (reading, packages, build): nothing to
    keep, so nothing is written."""
    err_console.print("[bold yellow]interrupted[/] before any plan was found; nothing written")
    raise typer.Exit(EXIT_INTERRUPTED)
