#!/usr/bin/env bash
# One command for the tests: installs headless Chromium (report tests render the HTML) when it is
# missing, creates .venv if needed, installs the package with its dev extras and SCIP (the province
# benchmark's vs_scip), then runs ruff, mypy and pytest. Usage: bash .ci/test.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev,scip]'
.venv/bin/ruff check optimizer models solvers instances tests benchmarks
.venv/bin/mypy optimizer models solvers
.venv/bin/python -m pytest "$@"
