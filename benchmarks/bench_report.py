"""Report benchmark: time to write the HTML page and the workbook of a run folder, per language.

Usage: python benchmarks/bench_report.py [--run DIR | --province NAME] [--time-limit S] [--quick]
--run reports an existing run folder (copied first: nothing is written into it); otherwise the
province is solved into a temporary folder (--quick: the small test instance, CI smoke run).
Last line: key=value results.
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console

from optimizer.data.load import instance_dir, load_instance
from optimizer.report import LANGS, write_report
from optimizer.run import run_plan
from optimizer.run_options import RunOptions

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--run", type=Path, default=None)
    parser.add_argument("--province", default="zhejiang")
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        folder = Path(tmp) / "run"
        if args.run is not None:
            shutil.copytree(args.run, folder, ignore=shutil.ignore_patterns("report_*"))
            name = args.run.name
        else:
            source = HERE.parent / "tests" / "data" / "tiny" if args.quick else instance_dir(args.province)
            name = "tiny" if args.quick else args.province
            options = RunOptions(out=folder, time_limit_s=args.time_limit, gap=1e-3)
            if run_plan(load_instance(source), options, Console(file=io.StringIO())) != 0:
                print(f"{name}: the run found no verified plan", file=sys.stderr)
                sys.exit(1)
        results = []
        for lang in LANGS:
            t0 = time.perf_counter()
            paths = write_report(folder, lang)
            seconds = time.perf_counter() - t0
            sizes = {p.suffix: p.stat().st_size / 1e6 for p in paths}
            print(
                f"{name} {lang}: {seconds:6.2f} s, html {sizes['.html']:.1f} MB, xlsx {sizes['.xlsx']:.1f} MB"
            )
            results.append(f"{lang}_s={seconds:.2f} {lang}_html_mb={sizes['.html']:.1f}")
        print(f"run={name} " + " ".join(results))


if __name__ == "__main__":
    main()
