"""Broken input never gives a traceback: the corpus of tests/broken_corpus.py, bad options and
output folders (all refused before any solve), --set and import blame, and a fuzz of the reader."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import pytest
from broken_corpus import CASES, TINY, Case, build_case
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from optimizer.cli import app
from optimizer.data.consistency import DEMAND_CAPACITY_FACTOR
from optimizer.data.load import load_instance
from optimizer.data.schema import read_raw_table, source_rows
from optimizer.errors import InputError

runner = CliRunner()
LABELS = ("lines.", "demand.", "prices.", "targets.", "scenario.", "catalogue/")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus_case(case: Case, tmp_path: Path) -> None:
    folder = build_case(case, tmp_path)
    if case.loads:
        inst = load_instance(folder)
        assert len(inst.lines) == 3
        if "utf8_bom" in case.name or "gb" in case.name or "utf16" in case.name or "xlsx" in case.name:
            # the Chinese names came through the decoding unchanged
            assert inst.lines.loc["L1", "company"] == "浙江示范水泥有限公司"
            assert inst.lines.loc["L2", "city"] == "湖州市"
        assert list(inst.lines["_row"]) == [2, 3, 4]
        return
    with pytest.raises(InputError) as info:
        load_instance(folder)
    messages = [str(p) for p in info.value.problems]
    joined = "\n".join(messages)
    for expected in case.expect:
        assert expected in joined, joined
    for message in messages:  # every message names its file
        assert any(label in message.split(":")[0] for label in LABELS) or str(folder) in message, message


def test_blank_lines_keep_spreadsheet_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2\n\n\n3,4\n,\n5,6\n", encoding="utf-8")
    frame = read_raw_table(path)
    assert list(frame["a"]) == ["1", "3", "5"]  # the all-empty row 6 is dropped too
    assert source_rows(frame) == [2, 5, 7]


def test_quoted_multiline_cell_counts_its_lines(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('a,b\n"x\ny",2\n3,4\n', encoding="utf-8")
    frame = read_raw_table(path)
    assert list(frame["a"]) == ["x\ny", "3"]
    assert source_rows(frame) == [2, 4]


def test_demand_check_threshold_by_hand(tiny: Path) -> None:
    """tiny's clinker lines: 775 000 + 1 550 000 = 2 325 000 t/yr; 1.5 x that is 3 487 500."""
    rows = list(csv.reader((tiny / "demand.csv").open(encoding="utf-8")))
    column = rows[0].index("demand_per_year")
    rows[1][column] = "3487000"  # just under: accepted
    rows[2][column] = "3488000"  # just over: refused
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    (tiny / "demand.csv").write_text(buffer.getvalue(), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_instance(tiny)
    assert [(p.file, p.row, p.column) for p in info.value.problems] == [("demand.csv", 3, "demand_per_year")]
    assert math.isclose(3488000 / 2325000, 1.5002, rel_tol=1e-4) and DEMAND_CAPACITY_FACTOR == 1.5


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--time-limit", "0"], "--time-limit"),
        (["--time-limit", "-5"], "--time-limit"),
        (["--time-limit", "nan"], "--time-limit"),
        (["--gap", "-1"], "--gap"),
        (["--gap", "0"], "--gap"),
        (["--gap", "1"], "--gap"),
        (["--threads", "-1"], "--threads"),
        (["--race", "0"], "--race"),
        (["--workers", "0"], "--workers"),
        (["--seed", "-1"], "--seed"),
        (["--carbon-price", "-5"], "--carbon-price"),
        (["--lang", "fr"], "--lang"),
    ],
)
def test_bad_options_are_usage_errors_before_loading(
    args: list[str], expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_loading(monkeypatch)
    result = runner.invoke(app, ["--instance", str(TINY), "--out", str(tmp_path / "new"), *args])
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert not (tmp_path / "new").exists()


def _no_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the command reads the instance (so the checks provably come first)."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the instance was loaded before the option checks")

    monkeypatch.setattr("optimizer.commands.common.load_instance", refuse)


@pytest.mark.parametrize("kind", ["non_empty", "empty", "under_a_file", "is_a_file"])
def test_out_refused_before_loading(kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _no_loading(monkeypatch)
    out = tmp_path / "out"
    if kind == "non_empty":
        out.mkdir()
        (out / "plan.csv").write_text("x", encoding="utf-8")
    elif kind == "empty":
        out.mkdir()
    elif kind == "under_a_file":
        (tmp_path / "file").write_text("x", encoding="utf-8")
        out = tmp_path / "file" / "sub" / "out"
    else:
        out.write_text("x", encoding="utf-8")
    for command in (
        ["--instance", str(TINY), "--time-limit", "5"],
        ["evaluate", "--instance", str(TINY), "--plan", "p.csv"],
        ["portfolio", "--instance", str(TINY), "--company", "Acme Cement", "--goal", "capex_budget=1e8"],
    ):
        result = runner.invoke(app, [*command, "--out", str(out)])
        assert result.exit_code == 1, result.output
        assert "--out" in result.output
        assert ("already exists" in result.output) or ("is a file" in result.output)


def test_out_on_a_read_only_file_system(monkeypatch: pytest.MonkeyPatch) -> None:
    """/proc refuses new folders even to root (permission bits do not stop root)."""
    _no_loading(monkeypatch)
    result = runner.invoke(app, ["--instance", str(TINY), "--out", "/proc/carbonpeak-out/x"])
    assert result.exit_code == 1, result.output
    assert "--out" in result.output and "cannot be written" in result.output


def test_set_value_errors_blame_the_set_argument(tiny: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["--instance", str(tiny), "--out", str(tmp_path / "o"), "--set", "prices.coal_cny_per_tce=-5"]
    )
    assert result.exit_code == 1
    problem_lines = [line for line in result.output.splitlines() if line.strip().startswith("-")]
    assert len(problem_lines) == 1, result.output
    assert problem_lines[0].strip().startswith("- --set prices.coal_cny_per_tce=-5, coal_cny_per_tce")
    assert "prices.csv rows 2, 3, 4, 5, 6, 7, 8" in problem_lines[0]
    result = runner.invoke(
        app, ["--instance", str(tiny), "--out", str(tmp_path / "o"), "--carbon-price", "nan"]
    )
    assert result.exit_code == 2 and "--carbon-price" in result.output


def test_set_syntax_is_checked_before_loading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _no_loading(monkeypatch)
    for bad in ("prices.coal_cny_per_tce", "prices.coal_cny_per_tce*=cheap", "nosuchtable.x=1"):
        result = runner.invoke(app, ["--instance", str(TINY), "--out", str(tmp_path / "o"), "--set", bad])
        assert result.exit_code == 1, result.output
        assert "--set" in result.output


def test_xlsx_import_names_the_xlsx_file(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.name == "xlsx_bad_cell")
    folder = build_case(case, tmp_path / "cases")
    result = runner.invoke(app, ["import", str(folder / "lines.xlsx"), "--out", str(tmp_path / "mine")])
    assert result.exit_code == 1
    assert "lines.xlsx row 3, operating_days: 'many'" in result.output
    assert "lines.csv" not in result.output
    assert not (tmp_path / "mine").exists()


def test_import_scales_demand_to_the_imported_fleet(tmp_path: Path) -> None:
    """One 5000 t/d plant imported like zhejiang: zhejiang's clinker demand times the plant's
    share of zhejiang's clinker capacity; other sectors dropped (no line of theirs)."""
    from optimizer.data.load import instance_dir

    gem = tmp_path / "gem.csv"
    gem.write_text(
        "Plant name,Owner,Subnational unit,Clinker capacity (Mtpa),Status,Start date\n"
        "A,B,Zhejiang,1.55,operating,2010\n",
        encoding="utf-8",
    )
    out = tmp_path / "mine"
    result = runner.invoke(app, ["import", str(gem), "--gem", "--out", str(out)])
    assert result.exit_code == 0, result.output
    zj = load_instance(instance_dir("zhejiang"))
    mine = load_instance(out)
    share = 1_550_000 / zj.lines.loc[zj.lines["sector"] == "cement_clinker", "capacity_per_year"].sum()
    theirs = zj.demand[zj.demand["sector"] == "cement_clinker"]["demand_per_year"].to_numpy()
    assert set(mine.demand["sector"]) == {"cement_clinker"}
    assert mine.demand["demand_per_year"].to_numpy() == pytest.approx(theirs * share, rel=1e-9)


# --- fuzz of the loaders -------------------------------------------------------------------

_LINES_BYTES = (TINY / "lines.csv").read_bytes()


def _mutate(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    out = bytearray(data)
    for position, delete, insert in edits:
        at = position % (len(out) + 1)
        out[at : at + delete] = insert
    return bytes(out)


_EDITS = st.lists(
    st.tuples(
        st.integers(0, len(_LINES_BYTES)),
        st.integers(0, 6),
        st.one_of(
            st.binary(max_size=4),
            st.sampled_from(
                [b",", b";", b"\t", b'"', b"\n", b"\r\n", b"nan", b"-1", b"1e400", "浙".encode()]
            ),
        ),
    ),
    max_size=6,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=_EDITS, encoding=st.sampled_from(["utf-8", "gbk", "utf-16"]))
def test_fuzzed_lines_load_or_name_their_place(
    tmp_path_factory: pytest.TempPathFactory, edits, encoding
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    for item in TINY.iterdir():
        (folder / item.name).write_bytes(item.read_bytes())
    data = _mutate(_LINES_BYTES, edits)
    if encoding != "utf-8":
        data = data.decode("utf-8", errors="replace").encode(encoding, errors="replace")
    (folder / "lines.csv").write_bytes(data)
    try:
        load_instance(folder)
    except InputError as error:
        assert error.problems
        for p in error.problems:
            assert p.file.startswith(LABELS), str(p)
            assert p.expected, str(p)


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".xlsx", ".xls", ".txt"]))
def test_fuzzed_bytes_never_crash_the_reader(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, suffix
) -> None:
    path = tmp_path_factory.mktemp("raw") / f"table{suffix}"
    path.write_bytes(data)
    try:
        frame = read_raw_table(path)
    except InputError as error:
        assert all(p.file == path.name for p in error.problems)
    else:
        assert len(source_rows(frame)) == len(frame)
