#!/usr/bin/env bash
# Runs the native-models pytest suite in its venv (created by setup.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
[ -x .venv/bin/python ] || bash scripts/setup.sh
exec .venv/bin/python -m pytest -q "$@"
