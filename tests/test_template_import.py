"""``optimize template`` writes a lines template that ``optimize import`` reads back, in Chinese
or English headers; Chinese headers a planner types are understood, unknown ones named."""

from __future__ import annotations

import csv
import io
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from optimizer.cli import app
from optimizer.data.headers import canonical_headers, resolve_header, table_headers
from optimizer.data.importer import import_template
from optimizer.data.load import load_instance
from optimizer.data.schema import table_schema
from optimizer.data.template import EXAMPLE_LINE
from optimizer.errors import InputError

runner = CliRunner()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_template_imports_and_validates(tmp_path: Path, lang: str, suffix: str) -> None:
    result = runner.invoke(app, ["template", "--out", str(tmp_path / "t"), "--lang", lang])
    assert result.exit_code == 0, result.output
    source = tmp_path / "t" / f"lines{suffix}"
    result = runner.invoke(app, ["import", str(source), "--out", str(tmp_path / "inst")])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["validate", "--instance", str(tmp_path / "inst")])
    assert result.exit_code == 0 and "1 lines" in result.output, result.output
    line = load_instance(tmp_path / "inst").lines.iloc[0]
    assert line["line_id"] == "EX-CK001" and line["company_zh"] == "示例水泥有限公司"
    assert float(line["size_t_per_day"]) == 2500.0
    assert float(line["capacity_per_year"]) == 2500.0 * 310  # the example's 310 rated days


def test_template_headers_carry_units(tmp_path: Path) -> None:
    runner.invoke(app, ["template", "--out", str(tmp_path / "zh"), "--lang", "zh"])
    header = next(csv.reader(io.StringIO((tmp_path / "zh" / "lines.csv").read_text("utf-8-sig"))))
    assert header[0] == "生产线编号" and "日产规模(吨/日)" in header and "企业名称" in header
    assert len(header) == len(table_schema("lines"))
    book = load_workbook(tmp_path / "zh" / "lines.xlsx", read_only=True)
    assert book.sheetnames == ["生产线", "填写说明"]
    example = next(book["生产线"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert example[header.index("日产规模(吨/日)")] == 2500  # a number, not text
    notes = list(book["填写说明"].iter_rows(min_row=2, values_only=True))
    assert [n[1] for n in notes] == [s.name for s in table_schema("lines")]
    book.close()


def test_mapping_names_only_schema_columns() -> None:
    text = resources.files("optimizer.schema").joinpath("headers_zh.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    for row in rows:
        assert row["column"] in {s.name for s in table_schema(row["table"])}, row
    headers = table_headers("lines")
    every_name = [n for h in headers for n in (h.column, h.zh, *h.aliases_zh)]
    assert len(every_name) == len(set(every_name)), "a header must name one column only"
    assert all(h.zh != h.column for h in headers), "every lines column has a Chinese header"


@pytest.mark.parametrize(
    ("written", "column"),
    [
        ("熟料产能(吨/日)", "size_t_per_day"),  # an alias with its unit
        ("日产规模（吨/日）", "size_t_per_day"),  # full-width brackets, as an IME types them
        (" 企业名称 ", "company"),
        ("企业名称(全称)", "company"),  # a note on a column without a unit
        ("Line_ID", "line_id"),
    ],
)
def test_chinese_headers_resolve(written: str, column: str) -> None:
    assert resolve_header(written, "lines") == (column, "")


def test_import_reads_a_planners_own_chinese_sheet(tmp_path: Path) -> None:
    """Headers typed by hand (aliases, full-width brackets, other order) import as the schema."""
    row = dict(EXAMPLE_LINE)
    renamed = {
        "line_id": "产线编号",
        "company": "企业",
        "size_t_per_day": "熟料产能（吨/日）",
        "capacity_per_year": "设计产能(产品单位/年)",
    }
    frame = pd.DataFrame([{renamed.get(k, k): v for k, v in reversed(row.items())}])
    path = tmp_path / "我的产线.csv"
    frame.to_csv(path, index=False, encoding="gb18030")  # as WPS saves it on Chinese Windows
    lines = import_template(path)
    assert lines.loc[0, "size_t_per_day"] == "2500" and lines.loc[0, "company"] == "Example Cement Co Ltd"
    assert lines.loc[0, "company_zh"] == "示例水泥有限公司"


def test_unknown_and_wrong_unit_headers_are_named(tmp_path: Path) -> None:
    runner.invoke(app, ["template", "--out", str(tmp_path / "t")])
    text = (tmp_path / "t" / "lines.csv").read_text("utf-8-sig")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        text.replace("生产线编号", "生产线编码").replace("日产规模(吨/日)", "日产规模(吨/年)"), "utf-8"
    )
    with pytest.raises(InputError) as caught:
        import_template(bad)
    problems = {p.column: p for p in caught.value.problems}
    assert set(problems) == {"生产线编码 (column 1)", "日产规模(吨/年) (column 7)"}
    assert all(p.file == "bad.csv" and p.row == 1 for p in problems.values())
    assert "did you mean 生产线编号?" in problems["生产线编码 (column 1)"].expected
    assert "日产规模(吨/日)" in problems["日产规模(吨/年) (column 7)"].expected
    result = runner.invoke(app, ["import", str(bad), "--out", str(tmp_path / "inst")])
    assert result.exit_code == 1 and "生产线编码" in result.output and not (tmp_path / "inst").exists()


def test_a_column_named_twice_is_an_error() -> None:
    raw = pd.DataFrame([["A", "B"]], columns=["企业名称", "company"])
    with pytest.raises(InputError) as caught:
        canonical_headers(raw, "lines", "x.csv")
    assert "names company again" in str(caught.value) and "column 2" in str(caught.value)


def test_template_never_overwrites_and_checks_lang(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    assert runner.invoke(app, ["template", "--out", str(folder)]).exit_code == 0
    before = (folder / "lines.csv").read_bytes()
    assert runner.invoke(app, ["template", "--out", str(folder), "--lang", "en"]).exit_code == 1
    assert (folder / "lines.csv").read_bytes() == before
    result = runner.invoke(app, ["template", "--out", str(tmp_path / "fr"), "--lang", "fr"])
    assert result.exit_code == 2 and not (tmp_path / "fr").exists()
