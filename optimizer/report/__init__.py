"""Reports planners can read and share: one offline HTML page and one Excel workbook per
run folder and language (``report_zh.*`` / ``report_en.*``).

Public API: :func:`write_report`, :func:`report_command` (the ``optimize report`` command),
and :func:`tornado_figure` / :func:`distribution_figure` for sweep results.
"""

from optimizer.report.build import report_command, report_paths, write_report
from optimizer.report.labels import LANGS
from optimizer.report.sweep import distribution_figure, tornado_figure

__all__ = ["LANGS", "distribution_figure", "report_command", "report_paths", "tornado_figure", "write_report"]
