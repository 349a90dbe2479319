"""``optimize compare``: several run folders side by side (costs, paths, targets, lines)."""

from __future__ import annotations

from pathlib import Path

from optimizer.compare.lines import instance_tech_names_zh
from optimizer.compare.page import Section, page_html, write_folder
from optimizer.compare.tables import compare_tables, mismatches, read_run, unique_names

TITLE = {"zh": "方案对比", "en": "Run comparison"}
HEADINGS = {
    "overview": {
        "zh": "概览（状态、差距、净现值；“比第一个方案多出的成本”即相对第一个方案的额外成本，如短视的代价）",
        "en": "Overview (status, gap, NPV; npv_minus_first_cny = extra cost against the first run, "
        "e.g. the cost of myopia)",
    },
    "costs": {"zh": "成本构成（贴现，元）", "en": "Cost breakdown (discounted CNY)"},
    "path_total_co2_t": {"zh": "年排放（tCO2/年）", "en": "Emissions path (tCO2/yr)"},
    "path_capacity_per_year": {"zh": "在运产能（单位/年）", "en": "Running capacity (unit/yr)"},
    "path_output_units": {"zh": "产量（单位/年）", "en": "Output (unit/yr)"},
    "targets": {"zh": "目标逐项对比", "en": "Targets side by side"},
    "lines": {
        "zh": "逐线差异（每个方案对该线做什么、何时）",
        "en": "Line by line: what each run does and when",
    },
}


def compare_runs(paths: list[Path], out: Path) -> Path:
    """Read the run folders, write the comparison tables and the zh/en pages into ``out``."""
    if len(paths) < 2:
        raise ValueError("optimize compare needs at least two run folders")
    runs = [read_run(p, n) for p, n in zip(paths, unique_names(paths), strict=True)]
    tables = compare_tables(runs)
    notes = mismatches(runs)
    names = instance_tech_names_zh([r.summary.get("instance_path") for r in runs])
    sections = [
        Section(
            HEADINGS[name],
            frame,
            highlight="differs" if name == "lines" else None,
            stories=tuple(r.name for r in runs) if name == "lines" else (),
            tech_names_zh=names,
        )
        for name, frame in tables.items()
    ]
    pages = {f"compare.{lang}.html": page_html(TITLE, sections, notes, lang) for lang in ("zh", "en")}
    return write_folder(out, tables, pages)


__all__ = ["compare_runs"]
