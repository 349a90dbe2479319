#!/usr/bin/env bash
# One command for the tests: creates .venv if needed, installs the package with its dev extras,
# then runs ruff, mypy and pytest. Usage: bash .ci/test.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev]'
.venv/bin/ruff check optimizer models solvers instances tests benchmarks
.venv/bin/mypy optimizer models solvers
.venv/bin/python -m pytest "$@"
