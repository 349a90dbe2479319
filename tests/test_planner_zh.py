"""Chinese a planner can take to the meeting: descriptions quoting the seed documents, citations
by title, province names in Chinese, and the report showing the language it was asked for."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from optimizer.cli import app
from optimizer.data.documents import citation
from optimizer.data.load import instance_dir, load_instance, shipped_instances
from optimizer.evaluator.api import evaluate
from optimizer.evaluator.plan import Plan
from optimizer.evaluator.targets import check_targets
from optimizer.report import write_report

runner = CliRunner()
SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
HAN = re.compile(r"[\u4e00-\u9fff]")


def _squash(text: str) -> str:
    """Seed files break sentences over lines and pad numbers with spaces; quotes nest as ‘’ or “”."""
    return re.sub(r"[\s*“”‘’\"']", "", text)


@pytest.mark.parametrize("name", shipped_instances())
def test_every_target_has_a_chinese_description(name: str) -> None:
    targets = load_instance(instance_dir(name)).targets
    for target_id, zh in zip(targets["target_id"], targets["description_zh"], strict=True):
        assert HAN.search(str(zh)), f"{name} {target_id}: no Chinese description"


@pytest.mark.parametrize("name", [n for n in shipped_instances() if n != "national"])
def test_quoted_words_are_the_documents_own(name: str) -> None:
    """Every 原文：“…” quote is found word for word in the seed document the target cites
    (editorial inserts in [] and omissions …… excluded)."""
    if not SEEDS.is_dir():
        pytest.fail(f"seed documents not found at {SEEDS}")
    targets = load_instance(instance_dir(name)).targets
    quoted = 0
    for row in targets.itertuples():
        match = re.match(r"原文：“(.*?)”(?:（|；|$)", str(row.description_zh))
        if not match:
            continue
        text = _squash((SEEDS / row.document).read_text(encoding="utf-8"))
        for part in re.sub(r"\[.*?\]", "……", match.group(1)).split("……"):
            if part.strip():
                assert _squash(part) in text, f"{row.target_id}: {part!r} not in {row.document}"
                quoted += 1
    assert quoted >= len(targets) - 1  # the national plan is not a seed; provinces quote all but one


def test_citations_name_the_document_not_the_file() -> None:
    inst = load_instance(instance_dir("zhejiang"))
    assert (
        citation(inst.documents, "002_80abbfb82bbf9b55.txt", "一(三)", "zh")
        == "《浙江省建材行业碳达峰行动方案》一(三)"
    )
    assert citation(inst.documents, "002_80abbfb82bbf9b55.txt", "一(三)", "en").startswith("Zhejiang")
    assert citation(inst.documents, "my_memo.pdf", "2", "zh") == "my_memo.pdf 2"  # unknown: as written
    # a company's own --goal has no policy text: the citation says so in the reader's language
    assert citation(inst.documents, "company goal", "--goal", "zh") == "企业自定目标(--goal)"
    assert citation(inst.documents, "company goal", "--goal", "en") == "company goal (--goal)"
    for name in shipped_instances():
        docs = load_instance(instance_dir(name))
        missing = set(docs.targets["document"]) - set(docs.documents.index)
        assert not missing, f"{name}: documents table lacks {missing}"


def test_report_language_follows_lang(tmp_path: Path) -> None:
    """A zh report of Zhejiang shows no seed file name and no English description; en the reverse."""
    inst = load_instance(instance_dir("zhejiang"))
    evaluation = evaluate(inst, Plan.business_as_usual(inst))
    folder = tmp_path / "run"
    folder.mkdir()
    check_targets(inst, evaluation.arrays, evaluation.values).to_csv(folder / "targets.csv", index=False)
    summary = {"instance": "zhejiang", "instance_path": str(inst.path), "status": "feasible", "overrides": []}
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    # the page without its scripts (plotly.js itself mentions LICENSE.txt)
    zh = re.sub(
        r"<script.*?</script>", "", write_report(folder, "zh")[0].read_text(encoding="utf-8"), flags=re.S
    )
    en = re.sub(
        r"<script.*?</script>", "", write_report(folder, "en")[0].read_text(encoding="utf-8"), flags=re.S
    )
    assert ".txt" not in zh and "《浙江省建材行业碳达峰行动方案》" in zh and "浙江省" in zh
    for description in inst.targets["description"]:
        assert description.split(" (")[0] not in zh
        assert html.escape(description.split(" (")[0], quote=False) in en
    assert "原文" not in en and "— Zhejiang" in en
    # the header names the province in the report's language, and its folder
    assert "实例: <b>浙江省 (zhejiang)</b>" in zh and "Instance: <b>Zhejiang (zhejiang)</b>" in en


@pytest.mark.parametrize("name", ["浙江", "浙江省", "Zhejiang", "ZHEJIANG", "新疆"])
def test_province_in_chinese_or_english(name: str) -> None:
    result = runner.invoke(app, ["validate", "--province", name])
    assert result.exit_code == 0, result.output
    assert "valid" in result.output


def test_unknown_lang_rejected_before_any_work(tmp_path: Path) -> None:
    out = tmp_path / "never"
    result = runner.invoke(app, ["--province", "zhejiang", "--lang", "fr", "--out", str(out)])
    assert result.exit_code == 2 and "fr" in result.output
    assert not out.exists()


def test_old_run_folders_without_chinese_columns_still_report(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    pd.DataFrame(
        {
            "target_id": ["A"],
            "group": ["pooled"],
            "year": [2025],
            "kind": ["capacity_cut"],
            "scope": ["cement_clinker"],
            "required": [0.1],
            "achieved": [0.2],
            "unit": ["fraction"],
            "met": [True],
            "hard": [True],
            "source": ["doc.txt 1"],
            "description": ["old words"],
        }
    ).to_csv(folder / "targets.csv", index=False)
    (folder / "summary.json").write_text(json.dumps({"instance": "x", "status": "optimal"}), encoding="utf-8")
    page = write_report(folder, "zh")[0].read_text(encoding="utf-8")
    assert "old words" in page and "doc.txt 1" in page


def _targets_row(**values: object) -> dict[str, object]:
    row: dict[str, object] = {"target_id": "X", "group": "pooled", "year": 2030, "met": True, "hard": True}
    row |= {"source": "《某方案》一(三)", "source_en": "Some Plan 1(3)"}
    return row | values


def test_console_targets_table_in_chinese_units() -> None:
    """zh: shares in percent, capacity in 万吨/年, tCO2 in 万吨, kinds and met words in Chinese."""
    from rich.console import Console

    from optimizer.console_text import targets_console_table

    frame = pd.DataFrame(
        [
            _targets_row(target_id="A", kind="capacity_cut", required=0.08, achieved=0.152, unit="fraction"),
            _targets_row(
                target_id="B",
                kind="capacity_cap",
                required=1.2e7,
                achieved=1.15e7,
                unit="t/yr",
                group="cement_clinker",
            ),
            _targets_row(
                target_id="C", kind="emissions_cap", required=3.0e6, achieved=3.5e6, unit="tCO2", met=False
            ),
            _targets_row(
                target_id="D",
                kind="replacement_ratio_min",
                required=1.5,
                achieved=float("inf"),
                unit="t retired per t built",
                hard=False,
                met=False,
            ),
        ]
    )
    console = Console(record=True, width=300)
    console.print(targets_console_table(frame, "zh", {"cement_clinker": "水泥熟料"}))
    text = console.export_text()
    rows = {line.split("│")[1].split()[0]: line for line in text.splitlines() if "│" in line}
    assert "目标完成情况" in text
    assert "产能压减" in rows["A"] and "│ 8 " in rows["A"] and "15.2" in rows["A"] and "%" in rows["A"]
    assert (
        "B (水泥熟料)" in rows["B"] and "1200" in rows["B"] and "1150" in rows["B"] and "万吨/年" in rows["B"]
    )  # 1.2e7 t = 1200 万吨
    assert "350" in rows["C"] and "未完成" in rows["C"] and "《某方案》一(三)" in rows["C"]
    assert "无新建" in rows["D"] and "未完成(参考性)" in rows["D"]
    console = Console(record=True, width=300)
    console.print(targets_console_table(frame, "en"))
    english = console.export_text()
    assert "Targets" in english and "MISSED (soft)" in english and "Some Plan 1(3)" in english
    assert "0.152" in english and "11,500,000" in english and "《" not in english


def test_time_limit_ending_said_in_chinese() -> None:
    from optimizer.console_text import message_text

    english = (
        "requested gap not reached: the 120s time limit stopped the search at a gap of 0.182% "
        "(requested 0.100%); the plan is feasible and verified but may not be the cheapest."
    )
    zh = message_text("zh", english, 1e-3, 1.82e-3, 120.0)
    assert "未达到要求的最优性间隙" in zh and "0.182%" in zh and "0.100%" in zh and "120 秒" in zh
    assert message_text("en", english, 1e-3, 1.82e-3, 120.0) == english
    warm = "warm start: relax-and-round start found, NPV 2,694,465,708 CNY"
    assert message_text("zh", warm, 1e-3, None, 60.0) == "热启动:松弛取整得到初始方案,净现值 2,694,465,708 元"
    failed = "warm start: rounded plan infeasible (Infeasible)"
    assert message_text("zh", failed, 1e-3, None, 60.0) == "热启动:取整后的方案不可行 (Infeasible)"
    assert (
        message_text("zh", "hard wall-clock limit, no incumbent", 1e-3, None, 60.0)
        == "已到硬性时限,尚无可行方案"
    )
    stopped = (
        "interrupted (Ctrl-C or SIGTERM): best incumbent so far: verified by the evaluator below, "
        "MIP gap 0.0031"
    )
    said = message_text("zh", stopped, 1e-3, 3.1e-3, 60.0)
    assert said.startswith("已中断") and not re.search("[a-z]{3}", said.replace("Ctrl-C", ""))


def test_run_speaks_the_chosen_language(tmp_path: Path) -> None:
    data = Path(__file__).parent / "data" / "tiny"
    args = ["--instance", str(data), "--no-report", "--race", "1", "--no-target-costs"]
    zh = runner.invoke(app, [*args, "--out", str(tmp_path / "zh")])  # zh is the default
    assert zh.exit_code == 0, zh.output
    for words in (
        "条生产线生成技术组合",
        "求解至 0.10% 的最优性间隙",
        "求解状态",
        "目标完成情况",
        "结果已写入",
    ):
        assert words in zh.output, words
    assert "status" not in zh.output and "results written" not in zh.output
    en = runner.invoke(app, [*args, "--lang", "en", "--out", str(tmp_path / "en")])
    assert en.exit_code == 0, en.output
    assert "solving to a 0.10% gap" in en.output and "status optimal" in en.output
    assert not HAN.search(en.output.replace("亿", "").replace("元", ""))  # NPV is quoted in 亿 CNY
    summary_zh = json.loads((tmp_path / "zh" / "summary.json").read_text("utf-8"))
    summary_en = json.loads((tmp_path / "en" / "summary.json").read_text("utf-8"))
    assert summary_zh["status"] == summary_en["status"] == "optimal"  # files keep stable keys


def test_every_target_kind_has_words_in_both_languages() -> None:
    """Portfolio goal kinds (emissions_cut, capex_budget) included: the schema's list is the
    one every targets.csv and --goal is checked against."""
    from optimizer.data.schema import table_schema
    from optimizer.report.labels import TARGET_KINDS

    kinds = next(s.allowed for s in table_schema("targets") if s.name == "kind")
    for lang in ("zh", "en"):
        missing = [k for k in kinds if k not in TARGET_KINDS[lang]]
        assert not missing, f"{lang}: no words for {missing}"
    assert all(HAN.search(TARGET_KINDS["zh"][k]) for k in kinds)


@pytest.mark.parametrize(("lang", "missed"), [("zh", "未完成"), ("en", "MISSED")])
def test_evaluate_prints_targets_in_the_chosen_language(tmp_path: Path, lang: str, missed: str) -> None:
    """Business as usual on tiny misses TT-2 (no line at the 100 kgce/t benchmark: see
    tests/test_evaluate_plan.py), which the table says in the language asked for."""
    rows = [
        {"line_id": lid, "year": y, "action": "keep", "technologies": "", "operating_days": d}
        for lid, d in (("L1", 280), ("L2", 300), ("G1", 365))
        for y in range(2024, 2031)
    ]
    plan = tmp_path / "bau.csv"
    pd.DataFrame(rows).to_csv(plan, index=False)
    data = Path(__file__).parent / "data" / "tiny"
    args = ["evaluate", "--instance", str(data), "--plan", str(plan), "--out", str(tmp_path / "o")]
    result = runner.invoke(app, [*args, "--lang", lang])
    assert result.exit_code == 6, result.output
    tt2 = [line for line in result.output.splitlines() if "TT-2" in line]
    assert tt2 and all(missed in line for line in tt2)
    summary = json.loads((tmp_path / "o" / "summary.json").read_text("utf-8"))
    assert summary["status"] == "targets_missed" and Path(summary["instance_path"]) == data.resolve()
    page = write_report(tmp_path / "o", lang)[0].read_text(encoding="utf-8")  # names the outcome
    assert ("有约束性目标未完成" if lang == "zh" else "hard targets missed") in page


def test_report_of_a_run_without_plan_says_why(tmp_path: Path) -> None:
    """A run the clock stopped before any plan: the report says so and what to do."""
    folder = tmp_path / "run"
    folder.mkdir()
    summary = {"instance": "zhejiang", "status": "no_solution", "exit_code": 4, "time_limit_s": 240.0}
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    zh = write_report(folder, "zh")[0].read_text(encoding="utf-8")
    assert "240 秒的求解时限内未找到可行规划" in zh and "--time-limit" in zh
    en = write_report(folder, "en")[0].read_text(encoding="utf-8")
    assert "no plan was found within the 240 s time limit" in en


def test_a_binding_target_not_re_solved_is_not_called_a_failure(tmp_path: Path) -> None:
    """--no-target-costs leaves binding targets without a cost: the report says it was not
    attempted (it said "could not be re-solved in time (not re-solved)")."""
    from optimizer.target_prices import PRICE_COLUMNS

    folder = tmp_path / "run"
    folder.mkdir()
    row = {c: "" for c in PRICE_COLUMNS}
    row |= {"target_id": "XE-T2", "year": 2025, "kind": "baseline_clear", "binding": True}
    row |= {"target_cost_cny": float("nan"), "resolve_status": "not re-solved", "unit": "t/yr"}
    pd.DataFrame([row], columns=PRICE_COLUMNS).to_csv(folder / "target_prices.csv", index=False)
    summary = {"instance": "xinjiang", "status": "feasible", "evaluator_npv_cny": 1.0, "overrides": []}
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    zh = write_report(folder, "zh")[0].read_text(encoding="utf-8")
    assert "XE-T2(2025年,能效基准水平以下产能清零):起约束作用;本次未重新求解其代价" in zh
    assert "not re-solved" not in zh and "未能在时限内" not in zh
    en = write_report(folder, "en")[0].read_text(encoding="utf-8")
    assert "its cost was not re-solved in this run" in en


def _folded_targets(page: str) -> list[list[str]]:
    """The page's targets table as rows of cell texts (tags stripped)."""
    table = re.search(r"<h2>(?:目标完成情况|Targets)</h2>.*?<tbody>(.*?)</tbody>", page, re.S)
    assert table
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S)
    return [[re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)] for r in rows]


def test_targets_fold_by_target_with_years_as_columns(tmp_path: Path) -> None:
    """One row per target (and sector), the years as columns, the missed years named in order;
    the workbook keeps one row per target and year, as targets.csv."""
    folder = tmp_path / "run"
    folder.mkdir()
    rows = []
    # T: soft in 2025 (hard from 2026), missed 2025-2026, met 2027
    for year, met, hard in [(2025, False, False), (2026, False, True), (2027, True, True)]:
        rows.append(
            _targets_row(
                target_id="T",
                year=year,
                met=met,
                hard=hard,
                kind="capacity_cut",
                scope="cement_clinker",
                required=0.5,
                achieved=0.1 * (year - 2024),
                unit="fraction",
            )
        )
    # C: a cap whose requirement tightens, checked per sector (two rows of the folded table)
    for group in ["cement_clinker", "lime"]:
        for year, cap in [(2025, 100.0), (2027, 80.0)]:
            rows.append(
                _targets_row(
                    target_id="C",
                    group=group,
                    scope=group,
                    year=year,
                    kind="emissions_cap",
                    required=cap,
                    achieved=90.0,
                    unit="tCO2",
                    met=cap >= 90.0,
                    hard=True,
                )
            )
    frame = pd.DataFrame(rows).assign(description="words", description_zh="原文")
    frame.to_csv(folder / "targets.csv", index=False)
    (folder / "summary.json").write_text(json.dumps({"instance": "x", "status": "optimal"}), encoding="utf-8")
    html_path, xlsx_path = write_report(folder, "en")
    page = html_path.read_text(encoding="utf-8")
    table = _folded_targets(page)
    assert [r[0] for r in table] == ["T", "C", "C"]
    header = re.search(r"<h2>Targets</h2>.*?<thead>(.*?)</thead>", page, re.S)
    assert header and [h for h in ("2025", "2026", "2027") if f"<th>{h}</th>" in header.group(1)] == [
        "2025",
        "2026",
        "2027",
    ]
    t_row, c_row = table[0], table[1]
    assert "MISSED 2025 (soft), 2026" in t_row and "from 2026" in t_row
    assert [c for c in t_row if c.endswith("%") and c != "50.0%"][:3] == ["10.0%", "20.0%", "30.0%"]
    # each year's cell coloured by that year's verdict
    assert re.search(r'class="n cell-soft">10\.0%', page) and re.search(r'class="n cell-met">30\.0%', page)
    # a tightening requirement is listed year by year; 2026 (not checked for C) is blank
    assert any(c.startswith("2025: ") and "; 2027: " in c for c in c_row)
    assert "MISSED 2027" in c_row
    wb_rows = list(load_workbook(xlsx_path)["Targets"].iter_rows(min_row=2, values_only=True))
    assert len(wb_rows) == len(rows) == 7


def test_zhejiang_targets_fold_to_one_row_per_target(tmp_path: Path) -> None:
    inst = load_instance(instance_dir("zhejiang"))
    evaluation = evaluate(inst, Plan.business_as_usual(inst))
    folder = tmp_path / "run"
    folder.mkdir()
    targets = check_targets(inst, evaluation.arrays, evaluation.values)
    targets.to_csv(folder / "targets.csv", index=False)
    summary = {"instance": "zhejiang", "instance_path": str(inst.path), "status": "feasible", "overrides": []}
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    table = _folded_targets(write_report(folder, "zh")[0].read_text(encoding="utf-8"))
    groups = targets[["target_id", "group"]].drop_duplicates()
    assert len(targets) > 3 * len(groups)  # yearly rows: 75 in 2025-2030
    assert len(table) == len(groups)
    assert sorted(r[0] for r in table) == sorted(groups["target_id"])


def test_console_targets_fold_the_checked_years() -> None:
    """A target checked 2025-2030 is one console row: the years as a range, achieved first ->
    last, the missed years named (a soft first year marked)."""
    from rich.console import Console

    from optimizer.console_text import targets_console_table

    rows = [
        _targets_row(
            target_id="T",
            year=y,
            kind="capacity_cut",
            required=0.08,
            achieved=0.02 * (y - 2024),
            unit="fraction",
            met=0.02 * (y - 2024) >= 0.08,
            hard=y >= 2026,
        )
        for y in range(2025, 2031)
    ]
    rows.append(
        _targets_row(target_id="P", year=2030, kind="emissions_peak", required=1e6, achieved=9e5, unit="tCO2")
    )
    for lang, expected in (
        ("zh", "未完成 2025 (参考性), 2026–2027"),
        ("en", "MISSED 2025 (soft), 2026–2027"),
    ):
        console = Console(record=True, width=300)
        console.print(targets_console_table(pd.DataFrame(rows), lang))
        lines = [line for line in console.export_text().splitlines() if "│" in line]
        body = {line.split("│")[1].split()[0]: line for line in lines}
        assert set(body) == {"T", "P"}, lines
        assert "2025–2030" in body["T"] and expected in body["T"]
    assert "0.02 → 0.12" in body["T"] and "│ 2030 " in body["P"]
