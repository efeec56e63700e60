#!/usr/bin/env bash
# Quick start: contour the bundled demo study (TCIA STS_002, CC BY 3.0) with the shipped PET/CT
# model and write the RTSTRUCT, mask, uncertainty map and report to demo-output/. Installs Node 22
# and the npm dependencies on the first run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node22.sh
[ -d node_modules/onnxruntime-node ] || npm ci --no-audit --no-fund --loglevel=error
out="demo-output/$(date +%Y%m%d-%H%M%S)"
exec node bin/delineo.mjs segment demo/sts-002 --out "$out" "$@"
