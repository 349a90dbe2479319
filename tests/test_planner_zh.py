"""Chinese a planner can take to the meeting: descriptions quoting the seed documents, citations
by title, province names in Chinese, and the report showing the language it was asked for."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from optimizer.cli import app
from optimizer.data.documents import citation
from optimizer.data.instance import instance_dir, load_instance, shipped_instances
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
