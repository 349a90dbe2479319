#!/usr/bin/env bash
# One command for the main job: creates .venv if needed, installs the package and plans the
# shipped default instance (Zhejiang) to a proven 0.1 % gap. Extra arguments go to `optimize`.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
exec .venv/bin/optimize --province zhejiang --gap 1e-3 "$@"
