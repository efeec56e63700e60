#!/usr/bin/env bash
# Creates native-models/.venv with the CPU build of PyTorch and the training/export tools.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
# torch==2.13.0 resolves to the CPU build on this machine's disk; a plain 'torch' would pull a CUDA build.
.venv/bin/pip install -q --disable-pip-version-check torch==2.13.0
.venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
.venv/bin/pip install -q --disable-pip-version-check --no-deps -e .
