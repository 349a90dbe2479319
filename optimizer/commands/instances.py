"""Commands about instance folders, solving nothing: list, validate, info, import, template, schema."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from optimizer.commands.common import (
    InstanceOpt,
    ProvinceOpt,
    console,
    fail_input,
    load_from_options,
    preflight,
)
from optimizer.data.load import instance_dir, load_instance, shipped_instances
from optimizer.errors import InputError


def list_instances() -> None:
    """List the shipped instances."""
    table = Table(title="Shipped instances")
    for column in ("name", "lines", "sectors", "targets"):
        table.add_column(column)
    for name in shipped_instances():
        inst = load_instance(instance_dir(name))
        table.add_row(
            name, str(len(inst.lines)), ", ".join(inst.line_sectors), ", ".join(inst.targets["target_id"])
        )
    console.print(table)


def validate(province: ProvinceOpt = None, instance: InstanceOpt = None) -> None:
    """Validate an instance without solving; exit 1 listing every problem found."""
    try:
        inst = load_from_options(province, instance)
    except InputError as error:
        fail_input(error)
    console.print(
        f"[green]valid[/]: {inst.name} — {len(inst.lines)} lines, "
        f"{len(inst.technologies)} technologies, {len(inst.targets)} targets"
    )


def info(
    province: ProvinceOpt = None,
    instance: InstanceOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts")] = False,
) -> None:
    """Base-year summary per sector (lines, capacity, output, intensity, emissions, shares)."""
    from optimizer.data.gem import GEM_ATTRIBUTION
    from optimizer.summary import base_year_summary, real_plants_summary

    try:
        inst = load_from_options(province, instance)
    except InputError as error:
        fail_input(error)
    sectors = base_year_summary(inst)
    real = real_plants_summary(inst)
    if as_json:
        sys.stdout.write(
            json.dumps(
                {
                    "instance": inst.name,
                    "base_year": inst.scenario.base_year,
                    "sectors": sectors,
                    "real_plants": real,
                },
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        )
        return
    table = Table(title=f"{inst.name}: base year {inst.scenario.base_year}")
    for column in (
        "sector",
        "lines",
        "capacity/yr",
        "output/yr",
        "unit",
        "kgce/unit",
        "direct+indirect Mt CO2",
        "at benchmark",
        "worse than baseline",
    ):
        table.add_column(column, justify="right")
    for s in sectors:
        table.add_row(
            s["sector"],
            str(s["lines"]),
            f"{s['capacity_per_year']:,.0f}",
            f"{s['output_per_year']:,.0f}",
            s["unit"],
            f"{s['intensity_kgce_per_unit']:.2f}",
            f"{s['emissions_tco2'] / 1e6:.2f}",
            f"{s['share_at_benchmark']:.1%}",
            f"{s['share_below_baseline']:.1%}",
        )
    console.print(table)
    for r in real:
        if not r["real_lines"]:
            console.print(f"{r['sector']}: {r['lines']} lines, all synthetic (flag S)")
            continue
        scale = (
            f"{r['scale_factor']:.3f}"
            if abs(r["scale_max"] - r["scale_min"]) < 1e-9
            else f"{r['scale_factor']:.3f} (per province {r['scale_min']:.3f}-{r['scale_max']:.3f})"
        )
        console.print(
            f"{r['sector']}: {r['real_lines']} of {r['lines']} lines are real plants "
            f"({r['real_plants']} GEM plants, {r['real_capacity_share']:.1%} of capacity); GEM reports "
            f"{r['gem_reported_t'] / 1e6:,.2f} Mt/yr, imputed {r['imputed_share']:.1%}, scale factor {scale}"
        )
    if any(r["real_lines"] for r in real):
        console.print(f"Plant data: {GEM_ATTRIBUTION} (CC BY 4.0)")


def import_inventory(
    source: Annotated[Path, typer.Argument(help="Inventory file (CSV or Excel)")],
    out: Annotated[Path, typer.Option(help="New instance folder to write")],
    like: Annotated[
        str, typer.Option(help="Shipped instance whose targets, scenario, prices and demand are copied")
    ] = "zhejiang",
    gem: Annotated[bool, typer.Option(help="The file uses the GEM cement tracker layout")] = False,
    province: Annotated[
        str | None, typer.Option(help="Keep only this province (GEM subnational unit; English or Chinese)")
    ] = None,
    capacity: Annotated[
        float | None,
        typer.Option(help="Scale the province's clinker capacity to this published total (t/yr; GEM only)"),
    ] = None,
) -> None:
    """Turn a real inventory into an instance folder, validated before anything is kept."""
    import shutil

    from optimizer.data.importer import blame_source, import_gem, import_template, write_instance_folder

    preflight([], out)
    try:
        lines = import_gem(source, province, capacity_t=capacity) if gem else import_template(source)
        folder = write_instance_folder(lines, out, instance_dir(like))
        try:
            inst = load_instance(folder)
        except InputError as error:
            shutil.rmtree(folder, ignore_errors=True)
            raise InputError(blame_source(error.problems, source, lines, gem)) from None
    except InputError as error:
        fail_input(error)
    console.print(
        f"[green]imported[/] {len(inst.lines)} lines into {folder} "
        f"(tables other than lines copied from {like}: review targets and demand)"
    )


def template_command(
    out: Annotated[Path, typer.Option(help="New folder for lines.csv and lines.xlsx")],
    lang: Annotated[str, typer.Option("--lang", help="Header language: zh or en")] = "zh",
) -> None:
    """Write the lines inventory template (CSV and Excel) that ``optimize import`` reads."""
    from optimizer.data.template import write_template
    from optimizer.report.labels import check_lang

    try:
        lang = check_lang(lang)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--lang") from error
    try:
        paths = write_template(out, lang)
    except InputError as error:
        fail_input(error)
    console.print("template written: " + ", ".join(str(p) for p in paths))


def schema() -> None:
    """Print every table schema (columns, types, units, ranges) as Markdown."""
    from optimizer.data.schema import schema_markdown

    sys.stdout.write(schema_markdown())
