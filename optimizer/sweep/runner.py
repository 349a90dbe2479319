"""Run a sweep on Dask: a LocalCluster by default or an existing scheduler, one code path.

Tasks are one scenario each (fine-grained progress, a failure costs one scenario, resume is
per scenario); the warm re-solve comes from the per-worker cache in
:mod:`optimizer.sweep.worker`, and tasks are submitted in design order so that a worker's
previous scenario is a near neighbour of its next one. The client writes every record as it
arrives, so a killed sweep keeps everything finished so far and ``resume`` runs only the rest.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from optimizer.sweep import package_store
from optimizer.sweep.bases import BaseTables, read_base
from optimizer.sweep.check import check_sweep
from optimizer.sweep.designs import ScenarioDef, expand
from optimizer.sweep.load_spec import load_spec
from optimizer.sweep.packages import corner_packages, corners, union_packages
from optimizer.sweep.results import (
    build_database,
    finished,
    read_manifest,
    remove_stale,
    write_manifest,
    write_record,
)
from optimizer.sweep.spec import SweepSpec
from optimizer.sweep.worker import ScenarioTask, infrastructure_failure, run_scenario, scenario_values

PACKAGES = "packages"
DEFAULT_GAP = 1e-3
DEFAULT_TIME_LIMIT_S = 120.0


class SweepError(Exception):
    """A sweep that cannot start or continue (output folder, resume mismatch, cluster)."""


@dataclass
class Prepared:
    """A checked spec, its scenarios and the base tables: everything before any solve."""

    spec: SweepSpec
    scenarios: list[ScenarioDef]
    bases: dict[str, BaseTables]


@dataclass
class SweepReport:
    total: int
    skipped: int
    submitted: int
    succeeded: int
    failed: int
    lost: int
    seconds: float
    run_id: str


def prepare(spec_path: Path) -> Prepared:
    """Load, expand and check a spec against its bases (raises ``InputError``)."""
    spec = load_spec(spec_path)
    scenarios = expand(spec)
    bases = {b.name: read_base(b.name, b.folder) for b in spec.bases}
    check_sweep(spec, scenarios, bases)
    return Prepared(spec, scenarios, bases)


@contextmanager
def open_client(scheduler: str | None, workers: int | None) -> Iterator[Any]:
    """A Dask client: to ``scheduler`` if given, else to a new LocalCluster of processes."""
    from distributed import Client

    from optimizer.local_cluster import local_cluster

    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")
        except OSError as error:
            raise SweepError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from error
        try:
            try:
                client.wait_for_workers(workers or 1, timeout=60)
            except TimeoutError as error:
                raise SweepError(
                    f"the scheduler at {scheduler} has {len(client.scheduler_info()['workers'])} worker(s), "
                    f"expected {workers or 1} within 60 s"
                ) from error
            yield client
        finally:
            client.close()
        return
    n = workers or os.cpu_count() or 1
    # dashboard on any free port: a fixed one clashes with a second sweep on the machine;
    # shutdown races log errors, while real failures arrive as task errors
    with local_cluster(n, dashboard_address=":0", silence_logs=50) as cluster, Client(cluster) as client:
        yield client


def _worker_check() -> tuple[bool, str]:
    """Run on every worker: can it start the solver's child process and import the package?"""
    import optimizer.sweep.worker  # noqa: F401 - fails here, clearly, if not installed

    return bool(multiprocessing.current_process().daemon), os.uname().nodename


def preflight(client: Any) -> None:
    try:
        answers = client.run(_worker_check)
    except Exception as error:
        raise SweepError(
            f"the Dask workers cannot run sweep tasks ({type(error).__name__}: {error}); install "
            "carbonpeak-optimizer (same version) in every worker's environment"
        ) from error
    daemonic = [address for address, (is_daemon, _) in answers.items() if is_daemon]
    if daemonic:
        raise SweepError(
            f"worker(s) {', '.join(daemonic)} run as daemonic processes, which may not start the "
            "solver's child process; start them with DASK_DISTRIBUTED__WORKER__DAEMON=False in the "
            "environment (or `dask worker --no-nanny`)"
        )


def _check_out(out: Path, prepared: Prepared, resume: bool, time_limit: float, gap: float) -> dict[str, Any]:
    """The manifest for this run, after checking the folder may hold it."""
    spec = prepared.spec
    manifest = {
        "spec": spec.to_json(),
        "spec_digest": spec.digest,
        "base_digests": {name: b.digest for name, b in prepared.bases.items()},
        "time_limit_s": time_limit,
        "gap": gap,
        "scenarios": len(prepared.scenarios),
    }
    existing = read_manifest(out)
    if existing is None:
        if out.exists() and any(out.iterdir()) and not resume:
            raise SweepError(f"{out} is not empty and holds no sweep: choose a new --out folder")
        return manifest
    if not resume:
        raise SweepError(
            f"{out} already holds the sweep '{existing['spec']['name']}': add --resume to continue it, "
            "or choose a new --out folder"
        )
    for key, label in (("spec_digest", "the spec file"), ("base_digests", "the base instance tables")):
        if existing.get(key) != manifest[key]:
            raise SweepError(
                f"cannot resume {out}: {label} changed since it was started; use a new --out folder"
            )
    for key, option in (("gap", "--gap"), ("time_limit_s", "--time-limit")):
        before, now = existing.get(key), manifest[key]
        if before != now:
            raise SweepError(
                f"cannot resume {out}: it was started with {option} {before}, now {now}; "
                f"resume with {option} {before} or use a new --out folder"
            )
    manifest["started_at"] = existing.get("started_at")
    return manifest


def _tasks(
    prepared: Prepared, todo: list[ScenarioDef], time_limit: float, gap: float, run_id: str
) -> list[ScenarioTask]:
    spec = prepared.spec
    warm = [all(spec.parameters[n].address.warm for n in s.values) for s in todo]
    # the cold cross-check: spread over the warm scenarios so it samples the whole design
    candidates = [i for i, w in enumerate(warm) if w]
    k = min(spec.verify_cold, len(candidates))
    verify = {candidates[round(j * (len(candidates) - 1) / max(k - 1, 1))] for j in range(k)} if k else set()
    return [
        ScenarioTask(
            scenario_id=s.scenario_id,
            base=s.base,
            design_index=s.design_index,
            role=s.role,
            values=scenario_values(s.values),
            parameters=dict(spec.parameters),
            warm=warm[i],
            verify_cold=i in verify,
            time_limit_s=time_limit,
            gap=gap,
            run_id=run_id,
            spec_digest=spec.digest,
        )
        for i, s in enumerate(todo)
    ]


def run_sweep(
    prepared: Prepared,
    out: Path,
    scheduler: str | None = None,
    workers: int | None = None,
    resume: bool = False,
    time_limit: float = DEFAULT_TIME_LIMIT_S,
    gap: float = DEFAULT_GAP,
    console: Console | None = None,
    client: Any = None,
) -> SweepReport:
    """Run every scenario not finished yet; each record is written as soon as it arrives.

    ``client`` reuses a connected Dask client (tests, notebooks); otherwise one is opened from
    ``scheduler``/``workers`` and closed at the end.
    """
    console = console or Console()
    t0 = time.perf_counter()
    run_id = f"{datetime.now(timezone.utc):%Y%m%dT%H%M%S}-{os.getpid()}"
    manifest = _check_out(out, prepared, resume, time_limit, gap)
    manifest["started_at"] = manifest.get("started_at") or datetime.now(timezone.utc).isoformat()
    manifest["last_run_id"] = run_id
    write_manifest(out, manifest)
    remove_stale(out)
    done = finished(out, prepared.spec.digest) if resume else set()
    todo = [s for s in prepared.scenarios if s.scenario_id not in done]
    report = SweepReport(
        len(prepared.scenarios), len(prepared.scenarios) - len(todo), len(todo), 0, 0, 0, 0.0, run_id
    )
    console.print(
        f"sweep [bold]{escape(prepared.spec.name)}[/]: {report.total} scenarios"
        + (f", {report.skipped} already finished" if report.skipped else "")
        + f", {len(todo)} to run (gap {gap:g}, time limit {time_limit:g} s)"
    )
    if todo:
        tasks = _tasks(prepared, todo, time_limit, gap, run_id)
        if client is not None:
            _submit_all(client, prepared, tasks, out, report, console)
        else:
            with open_client(scheduler, workers) as own:
                _submit_all(own, prepared, tasks, out, report, console)
    build_database(out)
    report.seconds = time.perf_counter() - t0
    manifest["finished_at"] = datetime.now(timezone.utc).isoformat()
    write_manifest(out, manifest)
    return report


def _package_sets(
    client: Any,
    prepared: Prepared,
    tasks: list[ScenarioTask],
    bases: dict[str, Any],
    console: Console,
    folder: Path,
) -> dict[str, Any]:
    """Per base with warm scenarios, a future of the sweep's package set (see sweep.packages).

    Built from every scenario of the design, not only those left to run, and kept in
    ``DIR/packages/``: a resumed sweep solves on the very package set of the run it continues
    (the manifest check guarantees the same spec and base tables) without rebuilding it.
    """
    out = {}
    for name in sorted({t.base for t in tasks if t.warm}):
        path = folder / PACKAGES / f"{name}{package_store.SUFFIX}"
        digest = prepared.bases[name].digest
        if path.with_suffix(".pkl").exists():
            console.print(
                f"[yellow]{escape(name)}: {escape(str(path.with_suffix('.pkl')))} is not read "
                "(pickle files are never loaded); the package set is rebuilt[/]"
            )
        if path.exists():
            try:
                cached = package_store.load_packages(path, digest)
            except package_store.PackageFileError as error:
                console.print(
                    f"[yellow]{escape(name)}: {escape(str(path))} fails its schema check "
                    f"({escape(str(error))}); rebuilt[/]"
                )
            else:
                out[name] = client.scatter(cached, broadcast=True, hash=False)
                console.print(f"{escape(name)}: sweep package set reused from {escape(str(path))}")
                continue
        t0 = time.perf_counter()
        points = corners([s for s in prepared.scenarios if s.base == name], prepared.spec.parameters)
        sets = [
            client.submit(corner_packages, bases[name], prepared.spec.parameters, c, pure=False)
            for c in points
        ]
        future = client.submit(union_packages, bases[name], *sets, pure=False)
        try:
            packages = future.result()
        except Exception as error:
            console.print(
                f"[red]{escape(name)}: no sweep package set ({escape(f'{type(error).__name__}: {error}')})"
                "; its scenarios are solved cold[/]"
            )
            continue
        out[name] = future
        package_store.save_packages(path, packages, digest)
        console.print(
            f"{escape(name)}: sweep package set of {len(packages.techs)} packages from "
            f"{len(points)} corner scenarios in {time.perf_counter() - t0:.1f} s"
        )
    return out


def _submit_all(
    client: Any,
    prepared: Prepared,
    tasks: list[ScenarioTask],
    out: Path,
    report: SweepReport,
    console: Console,
) -> None:
    from distributed import as_completed

    preflight(client)
    needed = {t.base for t in tasks}
    # the base tables go to every worker once, not with every task
    bases = {name: client.scatter(prepared.bases[name], broadcast=True, hash=False) for name in needed}
    packages = _package_sets(client, prepared, tasks, bases, console, out)
    # warm scenarios whose base has no package set fall back to the cold path
    tasks = [t if not t.warm or t.base in packages else replace(t, warm=False) for t in tasks]
    futures = {}
    for task in tasks:
        key = f"sweep-{report.run_id}-{task.scenario_id}"
        shared = packages.get(task.base) if task.warm else None
        future = client.submit(run_scenario, task, bases[task.base], shared, key=key, pure=False)
        futures[key] = (future, task)
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("failed [red]{task.fields[failed]}[/]"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    # on a non-terminal (CI logs, a pipe) the bar cannot redraw: print a line every 10 % instead
    step = max(1, len(tasks) // 10)
    with Progress(*columns, console=console, transient=False) as progress:
        bar = progress.add_task("scenarios", total=len(tasks), failed=0)
        try:
            for count, future in enumerate(as_completed([f for f, _ in futures.values()]), start=1):
                task = futures[future.key][1]
                try:
                    record = future.result()
                except Exception as error:
                    record = infrastructure_failure(task, f"{type(error).__name__}: {error}")
                write_record(out, record)
                status = record.values.get("status")
                if status in {"optimal", "feasible"} and record.values.get("exit_code") == 0:
                    report.succeeded += 1
                elif record.values.get("final"):
                    report.failed += 1
                else:
                    report.lost += 1
                progress.update(bar, advance=1, failed=report.failed + report.lost)
                if not console.is_terminal and (count % step == 0 or count == len(tasks)):
                    console.print(
                        f"  {count}/{len(tasks)} done, {report.failed + report.lost} failed, "
                        f"{progress.tasks[0].elapsed or 0:.0f} s"
                    )
        finally:
            for future, _ in futures.values():
                future.cancel()
