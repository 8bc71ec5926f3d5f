#!/usr/bin/env bash
# Retrain the recognizer's two models from the shared data (never in CI or at install): the state
# classifier, then the plate reader. First the general text reader is derived from PaddleOCR's
# published model (downloaded, checked and pruned, not trained). Installs what training needs,
# idempotently: the fonts the synthetic plates are drawn in, and a separate virtualenv with PyTorch
# (requirements-train.txt).
# Each command records its model's SHA-256, the data it saw and its held-out figures in
# ingest/recognizer/model/manifest.json. About 40 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."

TRAIN_VENV=${TRAIN_VENV:-/tmp/alpr-train-venv}
DATASETS=${DATASETS:-../shared/datasets}
DEV_PHOTOS=${DEV_PHOTOS:-../shared/benchmarks/plates-us}
FONTS=(fonts-liberation fonts-dejavu-core fonts-dejavu-extra fonts-urw-base35 fonts-roboto)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
for package in "${FONTS[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

[ -x "$TRAIN_VENV/bin/python" ] || python3 -m venv "$TRAIN_VENV"
"$TRAIN_VENV/bin/python" -m pip install -q -r requirements-train.txt

"$TRAIN_VENV/bin/python" -m ingest.recognizer.training.general_reader --dev-dir "$DEV_PHOTOS" \
  --out ingest/recognizer/model/general_text_reader.onnx
"$TRAIN_VENV/bin/python" -m ingest.recognizer.training.train_state --datasets "$DATASETS" \
  --dev-dir "$DEV_PHOTOS" --out ingest/recognizer/model/plate_state.onnx
"$TRAIN_VENV/bin/python" -m ingest.recognizer.training.train --dev-dir "$DEV_PHOTOS" \
  --crops "$DATASETS/us-plate-crops" --out ingest/recognizer/model/plate_ctc.onnx
