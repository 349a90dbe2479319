"""The Excel workbook: one sheet per table, bold headers with units, frozen header row.

Written in openpyxl's write-only mode: a national run has ~40 000 plan rows, which the
normal mode builds as a cell graph in memory and writes several times slower.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from optimizer.report.tables import Column, Table

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="305496")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
HEADER_BORDER = Border(bottom=Side(style="thin", color="000000"))
ROW_FILLS = {
    "met": PatternFill("solid", fgColor="E2EFDA"),
    "missed": PatternFill("solid", fgColor="F8CBAD"),
    "soft": PatternFill("solid", fgColor="FFE699"),
}
MAX_SHEET_TITLE = 31
"""Excel refuses longer sheet names."""


def _width(column: Column) -> float:
    if column.width is not None:
        return max(column.width, min(len(column.header) * 1.1, 40))
    longest = max((len(str(v)) for v in column.values[:200] if v is not None), default=8)
    return float(min(max(longest, len(column.header)) + 2, 50))


def _header_cell(ws: WriteOnlyWorksheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=text)
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.alignment = HEADER_ALIGN
    cell.border = HEADER_BORDER
    return cell


def _number_format(column: Column, row: int) -> str | None:
    """Excel format of one cell: a percent row of a mixed column, else the column's format."""
    if column.percent_rows is not None and column.percent_rows[row]:
        return "0.00%"
    return column.fmt if column.kind in {"num", "int", "pct"} else None


def add_sheet(wb: Workbook, table: Table) -> None:
    """Append ``table`` as a sheet (skipped when it has no columns)."""
    if not table.columns:
        return
    ws = wb.create_sheet(table.title[:MAX_SHEET_TITLE])
    # write-only sheets take layout settings only before the first row is written
    ws.freeze_panes = "B2" if table.key in {"plan", "targets"} else "A2"
    for i, column in enumerate(table.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = _width(column)
    if table.n_rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{table.n_rows + 1}"
    ws.append([_header_cell(ws, c.header) for c in table.columns])
    for r in range(table.n_rows):
        fill = ROW_FILLS.get(table.row_class[r]) if table.row_class else None
        cells: list[object] = []
        for column in table.columns:
            value = column.values[r]
            fmt = _number_format(column, r) if isinstance(value, (int, float)) else None
            if fmt is None and fill is None:
                cells.append(value)  # plain values are much cheaper to write than styled cells
                continue
            cell = WriteOnlyCell(ws, value=value)
            if fmt is not None:
                cell.number_format = fmt
            if fill is not None:
                cell.fill = fill
            cells.append(cell)
        ws.append(cells)
    if table.chart == "stacked_bar" and table.n_rows and len(table.columns) > 1:
        _add_chart(ws, table)


def _add_chart(ws: WriteOnlyWorksheet, table: Table) -> None:
    """A native stacked bar chart of ``table`` (categories in column A, a series per column)."""
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = table.title
    chart.y_axis.title = table.columns[1].header.split("(")[-1].rstrip(")") if len(table.columns) > 1 else ""
    chart.height, chart.width = 9, 18
    n = table.n_rows
    data = Reference(ws, min_col=2, max_col=len(table.columns), min_row=1, max_row=n + 1)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=n + 1))
    ws.add_chart(chart, f"{get_column_letter(len(table.columns) + 2)}2")


def write_workbook(path: Path, tables: list[Table]) -> None:
    wb = Workbook(write_only=True)
    for table in tables:
        add_sheet(wb, table)
    wb.save(path)
