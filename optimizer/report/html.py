"""One self-contained HTML page: plotly.js inline, figures as JSON, no network needed.

The page records its own health for automated checks (and for a planner who wonders why a
chart is blank): script errors and console errors go into ``#report-errors`` and
``body[data-errors]``, and once every chart has been drawn ``body[data-charts-drawn]`` holds the
number of plots that have an SVG, next to ``data-charts-expected``.
"""

from __future__ import annotations

import html
import json
import math
import re
from datetime import datetime

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from optimizer.data.provinces import display_name
from optimizer.report.data import RunData, data_sources_text
from optimizer.report.figures.emissions import plan_peak_year
from optimizer.report.figures.style import FONT
from optimizer.report.figures.timeline import TIMELINE_MAX_LINES
from optimizer.report.labels import status_text, unit
from optimizer.report.tables import Column, Table

TIMELINE_ID = "chart-timeline"

_CSS = """
body { font-family: %(font)s; margin: 0 auto; max-width: 1280px; padding: 16px 24px; color: #222; }
h1 { font-size: 24px; margin: 8px 0 4px; }
h2 { font-size: 19px; margin: 28px 0 8px; border-bottom: 2px solid #305496; padding-bottom: 4px; }
.meta { color: #555; font-size: 13px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.card { border: 1px solid #d0d7e2; border-radius: 6px; padding: 8px 14px; min-width: 150px;
  background: #f7f9fc; }
.card .k { font-size: 12px; color: #555; } .card .v { font-size: 20px; font-weight: bold; }
table.data { border-collapse: collapse; font-size: 13px; width: 100%%; }
table.data th { background: #305496; color: white; padding: 5px 6px; text-align: center;
  position: sticky; top: 0; }
table.data td { border-bottom: 1px solid #e3e3e3; padding: 4px 6px; vertical-align: top; }
table.data td:first-child { white-space: nowrap; }
table.data td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.data td:not(.n) { min-width: 4em; }
tr.met td.status { background: #e2efda; color: #1e6b1e; font-weight: bold; }
tr.missed td { background: #fbe0d6; } tr.missed td.status { color: #b00000; font-weight: bold; }
tr.soft td.status { background: #fff2cc; color: #8a6100; font-weight: bold; }
tr.na td.status { color: #888; }
td.cell-met { color: #1e6b1e; } td.cell-missed { color: #b00000; font-weight: bold; }
td.cell-soft { background: #fff2cc; color: #8a6100; } td.cell-na { color: #888; }
.note { color: #555; font-size: 13px; margin: 4px 0 8px; }
.warning { background: #fff2cc; border-left: 4px solid #bf9000; padding: 8px 12px; font-size: 14px; }
.chart { margin: 18px 0; }
.filters { display: flex; gap: 16px; align-items: center; font-size: 14px; margin-top: 8px; }
.filters select { font-size: 14px; padding: 2px 4px; max-width: 320px; }
#report-errors { color: #b00000; white-space: pre-wrap; }
details summary { cursor: pointer; font-weight: bold; margin: 8px 0; }
.scroll { max-height: 520px; overflow: auto; } .scroll.tall { max-height: 760px; }
table.data td[rowspan] { background: #fafafa; }
"""

# Runs first, before plotly.js, so errors raised while loading or drawing are recorded.
_ERROR_CAPTURE = """
(function () {
  var box = null, count = 0;
  function record(text) {
    count += 1;
    document.body.setAttribute('data-errors', String(count));
    box = box || document.getElementById('report-errors');
    if (box) { box.hidden = false; box.textContent += text + '\\n'; }
  }
  window.addEventListener('error', function (e) {
    record('error: ' + (e.message || e.type) + (e.filename ? ' @ ' + e.filename + ':' + e.lineno : ''));
  });
  window.addEventListener('unhandledrejection', function (e) { record('rejection: ' + String(e.reason)); });
  var original = console.error;
  console.error = function () {
    record('console.error: ' + Array.prototype.map.call(arguments, String).join(' '));
    return original.apply(console, arguments);
  };
  window.reportError = record;
})();
"""

_DRAW = """
(function () {
  var specs = JSON.parse(document.getElementById('report-figures').textContent);
  var text = JSON.parse(document.getElementById('report-text').textContent);
  var config = {displaylogo: false, responsive: true};
  var jobs = [];
  Object.keys(specs).forEach(function (id) {
    if (id === text.timelineId) { return; }
    jobs.push(Plotly.newPlot(id, specs[id].data, specs[id].layout, config));
  });
  if (specs[text.timelineId]) { jobs.push(timeline(specs[text.timelineId])); }
  Promise.all(jobs).then(function () {
    var drawn = Array.prototype.filter.call(document.querySelectorAll('.js-plotly-plot'), function (el) {
      return el.querySelector('.main-svg') !== null;
    }).length;
    document.body.setAttribute('data-charts-drawn', String(drawn));
  }).catch(function (e) { window.reportError('draw: ' + e); });

  // Per-line timeline: filter every trace's points by [city, company, label] in customdata.
  function timeline(fig) {
    var div = document.getElementById(text.timelineId);
    var citySel = document.getElementById('filter-city');
    var companySel = document.getElementById('filter-company');
    var note = document.getElementById('filter-note');
    var order = fig.layout.yaxis.categoryarray.slice();
    var info = {};
    fig.data.forEach(function (tr) {
      (tr.customdata || []).forEach(function (c) { info[c[2]] = [c[0], c[1]]; });
    });
    function fill(sel, values) {
      var current = sel.value;
      sel.innerHTML = '';
      [''].concat(values).forEach(function (v) {
        var o = document.createElement('option');
        o.value = v; o.textContent = v === '' ? text.all : v; sel.appendChild(o);
      });
      sel.value = values.indexOf(current) >= 0 ? current : '';
    }
    function unique(values) { return Array.from(new Set(values)).sort(); }
    fill(citySel, unique(order.map(function (l) { return info[l][0]; })));
    function companies() {
      var city = citySel.value;
      fill(companySel, unique(order.filter(function (l) { return !city || info[l][0] === city; })
        .map(function (l) { return info[l][1]; })));
    }
    // a link may preselect the filter: report_zh.html#city=Hangzhou&company=...
    var wanted = {};
    location.hash.replace(/^#/, '').split('&').forEach(function (pair) {
      var kv = pair.split('=');
      if (kv.length === 2) { wanted[kv[0]] = decodeURIComponent(kv[1]); }
    });
    if (wanted.city) { citySel.value = wanted.city; }
    companies();
    if (wanted.company) { companySel.value = wanted.company; }
    function keepPoints(tr, shown) {
      var idx = [];
      (tr.customdata || []).forEach(function (c, i) { if (shown.has(c[2])) { idx.push(i); } });
      var out = Object.assign({}, tr);
      ['x', 'y', 'customdata'].forEach(function (k) {
        if (Array.isArray(tr[k])) { out[k] = idx.map(function (i) { return tr[k][i]; }); }
      });
      return out;
    }
    function apply() {
      var city = citySel.value, company = companySel.value;
      var labels = order.filter(function (l) {
        return (!city || info[l][0] === city) && (!company || info[l][1] === company);
      });
      var visible = labels.slice(0, text.maxLines);
      var shown = new Set(visible);
      var layout = Object.assign({}, fig.layout);
      layout.yaxis = Object.assign({}, fig.layout.yaxis,
        {categoryarray: visible, range: [visible.length - 0.5, -0.5]});
      layout.height = Math.max(320, 150 + 18 * visible.length);
      note.textContent = text.shown + ' ' + visible.length + ' ' + text.of + ' ' + labels.length + ' '
        + text.linesWord + (visible.length < labels.length ? ' ' + text.narrow : '');
      note.setAttribute('data-shown', String(visible.length));
      note.setAttribute('data-matching', String(labels.length));
      return Plotly.react(div, fig.data.map(function (tr) { return keepPoints(tr, shown); }), layout, config);
    }
    citySel.addEventListener('change', function () { companies(); apply(); });
    companySel.addEventListener('change', apply);
    return apply();
  }
})();
"""


def _esc(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _decimals(fmt: str) -> int:
    match = re.search(r"\.(0+)", fmt)
    return len(match.group(1)) if match else 0


def format_cell(column: Column, row: int) -> tuple[str, bool]:
    """Text of one cell as the page shows it, and whether it is a number (right-aligned)."""
    value = column.values[row]
    if value is None:
        return "", False
    if isinstance(value, str) or column.kind == "text":
        return _esc(value), False
    if isinstance(value, bool):
        return _esc(value), False
    number = float(value)  # type: ignore[arg-type]
    if math.isnan(number):
        return "", False
    if (column.percent_rows is not None and column.percent_rows[row]) or column.kind == "pct":
        return f"{number:.1%}", True
    if column.kind == "int":
        # years (format "0") without a thousands separator: 2030, not 2,030
        return (f"{round(number)}" if column.fmt == "0" else f"{round(number):,}"), True
    return f"{number:,.{_decimals(column.fmt)}f}", True


def _spans(table: Table, column: Column) -> list[int]:
    """Rowspan of each cell of ``column``: runs of equal values within the same first-column
    key (0 for a covered cell). Keeps a target's long description once per target, not once
    per checked year."""
    key = table.columns[0].values
    spans = [1] * table.n_rows
    start = 0
    for r in range(1, table.n_rows + 1):
        same = r < table.n_rows and key[r] == key[start] and column.values[r] == column.values[start]
        if not same:
            spans[start] = r - start
            for covered in range(start + 1, r):
                spans[covered] = 0
            start = r
    return spans


def table_html(table: Table, status_column: str | None = None, merge: tuple[str, ...] = ()) -> str:
    """An HTML table; ``status_column`` names the column coloured by ``table.row_class``;
    ``merge`` names columns whose repeated values are shown once (rowspan)."""
    head = "".join(f"<th>{_esc(c.header)}</th>" for c in table.columns)
    spans = {c.header: _spans(table, c) for c in table.columns if c.header in merge}
    rows = []
    for r in range(table.n_rows):
        cls = f' class="{table.row_class[r]}"' if table.row_class else ""
        cells = []
        for column in table.columns:
            span = spans[column.header][r] if column.header in spans else 1
            if span == 0:
                continue
            text, numeric = format_cell(column, r)
            classes = (["n"] if numeric else []) + (["status"] if column.header == status_column else [])
            if column.cell_class is not None and column.cell_class[r]:
                classes.append(f"cell-{column.cell_class[r]}")
            attr = f' class="{" ".join(classes)}"' if classes else ""
            attr += f' rowspan="{span}"' if span > 1 else ""
            cells.append(f"<td{attr}>{text}</td>")
        rows.append(f"<tr{cls}>{''.join(cells)}</tr>")
    return f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _json_script(element_id: str, payload: str) -> str:
    # "</" would end the script element early; "<\/" is the same JSON string
    safe = payload.replace("</", "<\\/")
    return f'<script type="application/json" id="{element_id}">{safe}</script>'


def _cards(data: RunData) -> str:
    money, co2 = unit(data.lang, "money"), unit(data.lang, "co2")
    items: list[tuple[str, str]] = [(data.t("status"), status_text(data.lang, data.summary))]
    npv = data.summary.get("evaluator_npv_cny")
    if npv is not None:
        items.append((f"{data.t('npv')} ({money.label})", f"{float(npv) / money.factor:,.2f}"))
    if data.kpis is not None and len(data.kpis):
        total = data.kpis.groupby("year")["total_co2_t"].sum()
        first, last = int(total.index[0]), int(total.index[-1])
        items.append(
            (
                f"{data.t('emissions')} {first}→{last} ({co2.label})",
                f"{total.iloc[0] / co2.factor:,.1f} → {total.iloc[-1] / co2.factor:,.1f}",
            )
        )
        items.append((data.t("peak_year"), str(plan_peak_year(total))))
    if data.targets is not None and len(data.targets):
        hard = data.targets[data.targets["hard"].astype(str).str.lower() == "true"]
        judged = hard[hard["met"].notna()]
        met = int(sum(bool(m) for m in judged["met"]))
        items.append((data.t("targets_met"), f"{met} / {len(judged)}"))
    return (
        '<div class="cards">'
        + "".join(
            f'<div class="card"><div class="k">{_esc(k)}</div><div class="v">{_esc(v)}</div></div>'
            for k, v in items
        )
        + "</div>"
    )


def gap_warning(data: RunData) -> str:
    """Said above everything when the time limit ended the search before the requested gap, or
    before any plan was found."""
    s = data.summary
    if s.get("status") == "no_solution" and s.get("time_limit_s") is not None:
        # no plan at all: the clock (or the solver) ended the search before a first plan
        return data.t("no_plan_time_limit").format(limit=float(s["time_limit_s"]))
    if s.get("gap_met", True) or s.get("gap_requested") is None or s.get("evaluator_npv_cny") is None:
        return ""
    reached = s.get("gap_reached")
    return data.t("gap_warning").format(
        requested=float(s["gap_requested"]), reached="—" if reached is None else f"{float(reached):.2%}"
    )


def _sections(tables: list[tuple[str, Table, str]]) -> list[str]:
    """(heading, table, note) as page parts; empty tables are left out."""
    parts: list[str] = []
    for heading, table, note in tables:
        if not table.n_rows:
            continue
        parts.append(f"<h2>{_esc(heading)}</h2>")
        for line in note.split("\n") if note else []:
            parts.append(f'<p class="note">{_esc(line)}</p>')
        parts.append(f'<div class="scroll">{table_html(table)}</div>')
    return parts


def render_page(
    data: RunData,
    figures: dict[str, go.Figure],
    targets: Table,
    extra_tables: list[tuple[str, Table, str]],
    lead_tables: list[tuple[str, Table, str]] | None = None,
) -> str:
    """The whole page. ``extra_tables``: (heading, table, note) shown after the charts;
    ``lead_tables`` the same, above the targets (a company portfolio: yours against the optimal)."""
    t = data.t
    s = data.summary
    lang_attr = "zh-CN" if data.lang == "zh" else "en"
    overrides = "; ".join(s.get("overrides") or []) or t("none")
    carbon = s.get("carbon_price")
    status = status_text(data.lang, s)
    folder = str(s.get("instance"))
    shown = display_name(folder, data.lang)
    # the province in the report's language; the folder name too, to find the run's inputs
    instance = shown if shown == folder else f"{shown} ({folder})"
    meta = (
        f"{t('instance')}: <b>{_esc(instance)}</b> · {t('status')}: <b>{_esc(status)}</b>"
        f" · {t('carbon_price')}: {_esc(carbon if carbon is not None else t('none'))}"
        f" · {t('overrides')}: {_esc(overrides)}"
        f" · {t('generated')}: {datetime.now().strftime('%Y-%m-%d %H:%M')}"
    )
    parts = [
        f"<h1>{_esc(t('title'))} — {_esc(display_name(str(s.get('instance')), data.lang))}</h1>",
        f'<div class="meta">{meta}</div>',
        f'<p class="note" id="data-sources">{_esc(data_sources_text(data))}</p>',
        '<pre id="report-errors" hidden></pre>',
        *([f'<p class="warning">{_esc(gap_warning(data))}</p>'] if gap_warning(data) else []),
        _cards(data),
        *_sections(lead_tables or []),
        f"<h2>{_esc(t('targets'))}</h2>",
        f'<p class="note">{_esc(t("targets_note"))}</p>',
        (
            '<div class="scroll tall">'
            + table_html(targets, status_column=t("met"), merge=(t("clause"), t("description"), t("kind")))
            + "</div>"
        )
        if targets.n_rows
        else f"<p>{_esc(t('no_plan'))}</p>",
    ]
    parts.extend(f'<p class="note">{_esc(n)}</p>' for n in data.notes)
    for element_id, fig in figures.items():
        # charts with controls or a note get their heading on the page, above them
        if element_id in (TIMELINE_ID, "chart-mac"):
            parts.append(f"<h2>{_esc(fig.layout.title.text)}</h2>")
        if element_id == TIMELINE_ID:
            parts.append(
                '<div class="filters">'
                f'<label>{_esc(t("city"))} <select id="filter-city"></select></label>'
                f'<label>{_esc(t("company"))} <select id="filter-company"></select></label>'
                '<span id="filter-note" class="note"></span></div>'
                f'<p class="note">{_esc(t("timeline_note"))}</p>'
            )
        if element_id == "chart-mac":
            parts.append(f'<p class="note">{_esc(t("mac_note"))}</p>')
        parts.append(f'<div class="chart" id="{element_id}"></div>')
    parts.extend(_sections(extra_tables))
    # their heading is on the page (above the filter or the note): no title, less top margin
    untitled = {
        k: (
            go.Figure(f).update_layout(title_text="", margin_t=60 if k == TIMELINE_ID else 30)
            if k in (TIMELINE_ID, "chart-mac")
            else f
        )
        for k, f in figures.items()
    }
    figures_json = (
        "{" + ",".join(f"{json.dumps(k)}:{pio.to_json(f, validate=False)}" for k, f in untitled.items()) + "}"
    )
    text_json = json.dumps(
        {
            "timelineId": TIMELINE_ID,
            "maxLines": TIMELINE_MAX_LINES,
            "all": t("all"),
            "shown": t("shown"),
            "of": t("of"),
            "linesWord": t("lines_word"),
            "narrow": t("narrow"),
        },
        ensure_ascii=False,
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{lang_attr}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_esc(t('title'))} — {_esc(display_name(str(s.get('instance')), data.lang))}</title>"
        f"<style>{_CSS % {'font': FONT}}</style></head>"
        f'<body data-charts-expected="{len(figures)}" data-errors="0">'
        f"<script>{_ERROR_CAPTURE}</script>"
        + "\n".join(parts)
        + f"\n<script>{get_plotlyjs()}</script>\n"
        + _json_script("report-figures", figures_json)
        + _json_script("report-text", text_json)
        + f"\n<script>{_DRAW}</script>\n</body></html>\n"
    )
