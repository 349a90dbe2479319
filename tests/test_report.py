"""Reports checked as a planner would: the page opens offline in a real browser with every chart
drawn and no script error, the workbook's figures equal the run's CSV files, in both languages.

One tiny run is solved for the whole module; its report is written once per language.
Chromium: missing is a failure under CI (CI installs Debian's ``chromium``), a skip elsewhere.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from conftest import infeasible_run
from openpyxl import load_workbook
from rich.console import Console
from typer.testing import CliRunner

from optimizer.data.load import load_instance
from optimizer.evaluator.api import evaluate
from optimizer.evaluator.plan import NEVER
from optimizer.plan_io import read_plan
from optimizer.report import distribution_figure, report_command, tornado_figure, write_report
from optimizer.report.mac import mac_table
from optimizer.run import run_plan
from optimizer.run_options import RunOptions

DATA = Path(__file__).parent / "data"
LANGS = ("zh", "en")
# display factors the report promises (raw CSV unit per shown unit)
CO2 = {"zh": 1e4, "en": 1e6}  # 万吨CO2 / MtCO2
CAPACITY = {"zh": 1e4, "en": 1e6}  # 万吨 (万单位) / Mt (M units)
MONEY = {"zh": 1e8, "en": 1e6}  # 亿元 / M CNY
TARGET_UNIT = {"tCO2": CO2, "t/yr": CAPACITY, "unit/yr": CAPACITY}
REL = 1e-12


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "tiny-run"
    code = run_plan(
        load_instance(DATA / "tiny"),
        RunOptions(out=out, time_limit_s=60),
        Console(file=io.StringIO()),
    )
    assert code == 0
    return out


@pytest.fixture(scope="module")
def reports(run_dir: Path) -> dict[str, list[Path]]:
    return {lang: write_report(run_dir, lang) for lang in LANGS}


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    message = (
        "headless Chromium is needed to check the HTML report: install Debian's package "
        "(apt-get install -y chromium)"
    )
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _headless(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--virtual-time-budget=10000",
    ]
    return subprocess.run(
        [_chromium(), *flags, *args], capture_output=True, text=True, timeout=90, check=False
    )


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=REL, abs_tol=1e-9)


def test_files_written_atomically(reports: dict[str, list[Path]], run_dir: Path) -> None:
    for lang, paths in reports.items():
        assert [p.name for p in paths] == [f"report_{lang}.html", f"report_{lang}.xlsx"]
        assert all(p.stat().st_size > 0 for p in paths)
    assert not [p.name for p in run_dir.iterdir() if p.name.startswith(".")], "temporary files left"


@pytest.mark.parametrize("lang", LANGS)
def test_html_is_self_contained(reports: dict[str, list[Path]], lang: str) -> None:
    page = reports[lang][0].read_text(encoding="utf-8")
    # nothing fetched when the page opens: no external scripts, styles or frames
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"<link[^>]+href=", page)
    assert "Plotly.newPlot" in page and len(page) > 1_000_000  # plotly.js inline


@pytest.mark.parametrize("lang", LANGS)
def test_html_draws_every_chart_in_chromium(
    reports: dict[str, list[Path]], lang: str, tmp_path: Path
) -> None:
    html = reports[lang][0]
    shot = tmp_path / f"report_{lang}.png"
    # the English page is opened filtered on one city, as a shared link would
    url = html.as_uri() + ("#city=Beta" if lang == "en" else "")
    # one browser start does both: the DOM after the scripts ran, and a picture of the page
    dumped = _headless(
        tmp_path, f"--screenshot={shot}", "--window-size=1300,2400", "--hide-scrollbars", "--dump-dom", url
    )
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    body = re.search(r"<body([^>]*)>", dumped.stdout)
    assert body, "no <body> in the dumped DOM"
    attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', body.group(1)))
    errors = re.search(r'<pre id="report-errors"[^>]*>(.*?)</pre>', dumped.stdout, re.S)
    assert attrs.get("data-errors") == "0", errors.group(1) if errors else attrs
    assert errors is not None and errors.group(1).strip() == ""
    expected = int(attrs["data-charts-expected"])
    assert expected == 8  # emissions, capacity, shares, PV, investment by year, costs, MAC, timeline
    assert attrs.get("data-charts-drawn") == str(expected), attrs
    # the timeline filter filled its selects and filtered the lines (tiny: L1 and G1 in Alpha
    # retire, L2 in Beta is retrofitted)
    assert re.search(r'<select id="filter-city">.*<option value="Alpha">', dumped.stdout)
    note = re.search(r'id="filter-note"[^>]*data-shown="(\d+)" data-matching="(\d+)"', dumped.stdout)
    assert note, "the timeline filter did not run"
    assert note.groups() == (("1", "1") if lang == "en" else ("3", "3"))

    assert shot.exists() and shot.stat().st_size > 20_000  # a blank page is a few kB
    keep = os.environ.get("REPORT_SCREENSHOT_DIR")
    if keep:  # look at it: REPORT_SCREENSHOT_DIR=/tmp/shots pytest tests/test_report.py
        shutil.copy(shot, Path(keep) / shot.name)


@pytest.mark.parametrize("lang", LANGS)
def test_language_of_labels(reports: dict[str, list[Path]], lang: str) -> None:
    page = reports[lang][0].read_text(encoding="utf-8")
    # chart labels sit in the figures' JSON, where plotly escapes non-ASCII characters
    block = re.search(r'<script type="application/json" id="report-figures">(.*?)</script>', page, re.S)
    assert block
    page += json.dumps(json.loads(block.group(1).replace("<\\/", "</")), ensure_ascii=False)
    if lang == "zh":
        for word in ("目标完成情况", "水泥熟料", "万吨CO₂", "亿元", "技术改造"):
            assert word in page
    else:
        for word in ("Targets", "Cement clinker", "MtCO₂", "M CNY", "retrofit"):
            assert word in page
        assert "目标完成情况" not in page and "水泥熟料" not in page


def _sheet(path: Path, title: str) -> tuple[list[str], list[tuple]]:
    wb = load_workbook(path)
    ws = wb[title]
    rows = list(ws.iter_rows(values_only=True))
    return [str(h) for h in rows[0]], rows[1:]


@pytest.mark.parametrize("lang", LANGS)
def test_excel_layout(reports: dict[str, list[Path]], lang: str) -> None:
    wb = load_workbook(reports[lang][1])
    expected = {
        # target prices and the yearly schedule (by city, by company) follow the targets; the
        # limits sheet holds the catalogue's roll-out ceilings of capture (2 clinker lines: one)
        "zh": [
            "概要",
            "目标",
            "目标代价",
            "年度安排",
            "限额与用量",
            "逐年投资",
            "按城市",
            "按企业",
            "规划",
            "分行业指标",
            "成本",
            "边际减排成本",
            "影子价格",
        ],
        "en": [
            "Summary",
            "Targets",
            "Target prices",
            "Schedule",
            "Limits",
            "Investment by year",
            "By city",
            "By company",
            "Plan",
            "Sector KPIs",
            "Costs",
            "MAC",
            "Shadow prices",
        ],
    }
    assert wb.sheetnames == expected[lang]
    # investment by year: a native stacked bar chart whose figures add up to schedule.csv's capex
    invest = wb["逐年投资" if lang == "zh" else "Investment by year"]
    assert len(invest._charts) == 1
    schedule = pd.read_csv(reports[lang][1].parent / "schedule.csv")
    shown = sum(v for row in invest.iter_rows(min_row=2, min_col=2, values_only=True) for v in row if v)
    assert _close(shown * MONEY[lang], float(schedule["capex_cny"].sum()))
    for ws in wb.worksheets:
        assert ws.freeze_panes in {"A2", "B2"}, ws.title
        assert all(c.font.bold for c in ws[1]), ws.title
        widths = [ws.column_dimensions[c.column_letter].width for c in ws[1]]
        assert all(w and w >= 6 for w in widths), (ws.title, widths)
    headers = [c.value for c in wb["规划" if lang == "zh" else "Plan"][1]]
    # units are in the header text
    assert any(("万吨CO₂" if lang == "zh" else "MtCO₂") in str(h) for h in headers)
    assert any(("亿元" if lang == "zh" else "M CNY") in str(h) for h in headers)


@pytest.mark.parametrize("lang", LANGS)
def test_excel_targets_equal_targets_csv(reports: dict[str, list[Path]], run_dir: Path, lang: str) -> None:
    csv = pd.read_csv(run_dir / "targets.csv")
    headers, rows = _sheet(reports[lang][1], "目标" if lang == "zh" else "Targets")
    assert len(rows) == len(csv)
    col = {h: i for i, h in enumerate(headers)}
    req, ach = ("要求值", "实现值") if lang == "zh" else ("Required", "Achieved")
    met_word = {"zh": ("完成", "未完成"), "en": ("met", "MISSED")}[lang]
    for row, ref in zip(rows, csv.to_dict("records"), strict=True):
        assert row[0] == ref["target_id"] and row[col["年份" if lang == "zh" else "Year"]] == ref["year"]
        unit = str(ref["unit"])
        factor = TARGET_UNIT[unit][lang] if unit in TARGET_UNIT else 1.0
        for header, key in ((req, "required"), (ach, "achieved")):
            cell, value = row[col[header]], float(ref[key])
            if math.isinf(value):
                assert cell == "∞"
            else:
                assert _close(cell * factor, value), (ref["target_id"], header, cell, value)
        met = row[col["是否完成" if lang == "zh" else "Met"]]
        assert met.startswith(met_word[0] if ref["met"] else met_word[1])


@pytest.mark.parametrize("lang", LANGS)
def test_excel_plan_equals_plan_csv(reports: dict[str, list[Path]], run_dir: Path, lang: str) -> None:
    csv = pd.read_csv(run_dir / "plan.csv", dtype={"technologies": str}, keep_default_na=False)
    headers, rows = _sheet(reports[lang][1], "规划" if lang == "zh" else "Plan")
    assert len(rows) == len(csv)
    col = {h.split(" (")[0]: i for i, h in enumerate(headers)}
    names = (
        {
            "capacity": "产能",
            "output": "产量",
            "co2": "碳排放",
            "capex": "投资",
            "cost": "年成本",
            "intensity": "单位产品综合能耗",
            "days": "运行天数",
            "year": "年份",
            "line": "产线",
        }
        if lang == "zh"
        else {
            "capacity": "Capacity",
            "output": "Output",
            "co2": "CO₂",
            "capex": "Capex",
            "cost": "Cost",
            "intensity": "Energy intensity",
            "days": "Operating days",
            "year": "Year",
            "line": "Line",
        }
    )
    checks = (
        ("capacity", "capacity_per_year", CAPACITY[lang]),
        ("output", "output_units", CAPACITY[lang]),
        ("co2", "total_co2_t", CO2[lang]),
        ("capex", "capex_cny", MONEY[lang]),
        ("cost", "cost_cny", MONEY[lang]),
        ("intensity", "intensity_kgce_per_unit", 1.0),
        ("days", "operating_days", 1.0),
    )
    for row, ref in zip(rows, csv.to_dict("records"), strict=True):
        assert row[col[names["line"]]] == ref["line_id"] and row[col[names["year"]]] == ref["year"]
        for key, column, factor in checks:
            assert _close(row[col[names[key]]] * factor, ref[column]), (ref["line_id"], ref["year"], column)
    # totals a planner would add up in Excel agree with the CSV too
    co2 = sum(r[col[names["co2"]]] for r in rows) * CO2[lang]
    assert math.isclose(co2, csv["total_co2_t"].sum(), rel_tol=1e-9)


def test_mac_matches_an_independent_evaluation(run_dir: Path) -> None:
    """ΔNPV and ΔCO2 of one measure equal evaluating the plan without it via the public API."""
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    inst = load_instance(summary["instance_path"])
    plan = read_plan(inst, run_dir / "plan.csv")
    ev = evaluate(inst, plan)
    mac = mac_table(ev)
    assert len(mac) > 0 and mac["abated_t"].gt(0).all()
    techs = list(inst.technologies.index)
    adopted = {techs[int(k)] for k in np.flatnonzero((plan.adopt_year < NEVER).any(axis=0))}
    assert set(mac["tech_id"]) == adopted
    curve = mac["mac_cny_per_t"].dropna().to_numpy()
    assert np.all(np.diff(curve) >= 0), "MAC bars are sorted by cost"
    row = mac.iloc[0]
    k = techs.index(row["tech_id"])
    without = plan.copy()
    without.adopt_year[:, k] = NEVER
    ev2 = evaluate(inst, without)
    assert math.isclose(row["delta_npv_cny"], ev.npv_cny - ev2.npv_cny, rel_tol=1e-9)
    abated = ev2.total_co2_t().sum() - ev.total_co2_t().sum()
    assert math.isclose(row["abated_t"], abated, rel_tol=1e-9)


def test_report_command_and_bad_language(run_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(run_dir, folder)
    app = typer.Typer()
    app.command("report")(report_command)
    app.command("noop")(lambda: None)  # two commands, so "report" is a subcommand as in the CLI
    runner = CliRunner()
    ok = runner.invoke(app, ["report", str(folder), "--lang", "en"])
    assert ok.exit_code == 0, ok.output
    assert (folder / "report_en.html").exists() and (folder / "report_en.xlsx").exists()
    bad = runner.invoke(app, ["report", str(folder), "--lang", "fr"])
    assert bad.exit_code == 2 and "zh" in bad.output
    missing = runner.invoke(app, ["report", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2


def test_report_without_instance_still_written(run_dir: Path, tmp_path: Path) -> None:
    """A run folder whose instance moved: ids instead of names, no MAC curve, a note why."""
    folder = tmp_path / "moved"
    shutil.copytree(run_dir, folder, ignore=shutil.ignore_patterns("report_*"))
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    summary["instance_path"] = str(tmp_path / "gone")
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    html, xlsx = write_report(folder, "en")
    page = html.read_text(encoding="utf-8")
    assert (
        'data-charts-expected="7"' in page and "could not be loaded" in page
    )  # no MAC; investment by year is drawn from schedule.csv
    assert "Cement clinker" in page  # names fall back to the shipped catalogue
    assert "MAC" not in load_workbook(xlsx).sheetnames


def test_failed_write_keeps_previous_report(
    run_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "atomic"
    shutil.copytree(run_dir, folder)
    before = (folder / "report_zh.xlsx").read_bytes()

    def broken(path: Path, tables: object) -> None:
        path.write_bytes(b"half a workbook")
        raise OSError("disk full")

    monkeypatch.setattr("optimizer.report.build.write_workbook", broken)
    with pytest.raises(OSError, match="disk full"):
        write_report(folder, "zh")
    assert (folder / "report_zh.xlsx").read_bytes() == before
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


def test_sweep_figures_from_tidy_frames() -> None:
    tornado = pd.DataFrame(
        {
            "parameter": ["coal price", "coal price", "carbon price", "carbon price"],
            "case": ["low", "high", "low", "high"],
            "value": [90.0, 120.0, 99.0, 101.0],
            "base": 100.0,
        }
    )
    fig = tornado_figure(tornado, title="NPV")
    assert [t.name for t in fig.data] == ["low", "high"]
    assert list(fig.data[0].y) == ["carbon price", "coal price"]  # widest swing drawn on top
    assert list(fig.data[1].x) == [1.0, 20.0] and fig.data[1].base == 100.0
    samples = pd.DataFrame({"metric": ["npv"] * 4 + ["co2"] * 4, "value": [1, 2, 3, 4, 5, 6, 7, 8]})
    dist = distribution_figure(samples)
    assert len(dist.data) == 2
    with pytest.raises(ValueError, match="parameter"):
        tornado_figure(pd.DataFrame({"value": [1.0]}))


@pytest.mark.parametrize("lang", LANGS)
def test_report_of_a_run_without_plan(tmp_path: Path, lang: str) -> None:
    """Infeasible targets: no plan, no charts; the summary and the least relaxation are shown."""
    frame = pd.DataFrame(
        {
            "target": ["TT-9"],
            "year": [2025],
            "relaxation": [0.25],
            "note": ["relative relaxation needed"],
            "plan_npv_cny_with_relaxation": [2.5e9],
        }
    )
    folder = infeasible_run(tmp_path / "infeasible", frame)
    html, xlsx = write_report(folder, lang)
    page = html.read_text(encoding="utf-8")
    assert 'data-charts-expected="0"' in page and "TT-9" in page
    wb = load_workbook(xlsx)
    sheet = "不可行分析" if lang == "zh" else "Infeasibility"
    assert wb.sheetnames[-1] == sheet
    row = next(wb[sheet].iter_rows(min_row=2, values_only=True))
    assert row[0] == "TT-9" and row[1] == 2025 and _close(row[4] * MONEY[lang], 2.5e9)


def test_missed_soft_unmodelled_and_infinite_targets(run_dir: Path, tmp_path: Path) -> None:
    """Rows a tiny optimal run never has: a missed hard target, a missed soft one, a target
    that is not modelled (met empty) and a replacement ratio with nothing built (achieved inf)."""
    folder = tmp_path / "targets"
    shutil.copytree(run_dir, folder, ignore=shutil.ignore_patterns("report_*"))
    targets = pd.read_csv(folder / "targets.csv")
    extra = targets.iloc[[0, 0, 0, 0]].copy()
    extra["target_id"] = ["X-HARD", "X-SOFT", "X-NM", "X-RATIO"]
    extra["met"] = [False, False, None, True]
    extra["hard"] = [True, False, True, True]
    extra["kind"] = ["capacity_cut", "capacity_cut", "not_modelled", "replacement_ratio_min"]
    extra["achieved"] = [-0.1, -0.1, float("nan"), float("inf")]
    extra["unit"] = ["fraction", "fraction", "enterprises", "t retired per t built"]
    pd.concat([targets, extra]).to_csv(folder / "targets.csv", index=False)
    # and a run whose recorded NPV no longer matches its instance files (edited since)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    summary["evaluator_npv_cny"] += 1e6
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    html, xlsx = write_report(folder, "en")
    page = html.read_text(encoding="utf-8")
    assert "edited after the run" in page
    for cls, target in (("missed", "X-HARD"), ("soft", "X-SOFT"), ("na", "X-NM"), ("met", "X-RATIO")):
        assert re.search(rf'<tr class="{cls}"><td>{target}</td>', page), target
    rows = {r[0]: r for r in load_workbook(xlsx)["Targets"].iter_rows(min_row=2, values_only=True)}
    assert rows["X-HARD"][8] == "MISSED" and rows["X-SOFT"][8] == "MISSED (soft)"
    assert rows["X-NM"][8] == "n/a" and rows["X-NM"][6] is None
    # a ratio with nothing built reads "no new build" (older run folders wrote inf), not ∞
    assert rows["X-RATIO"][6] == "no new build" and rows["X-HARD"][6] == -0.1
    hard_met = re.search(r"Hard targets met</div><div class=\"v\">(\d+) / (\d+)<", page)
    assert hard_met and hard_met.group(1) != hard_met.group(2)
