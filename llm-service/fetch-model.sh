#!/usr/bin/env bash
# Downloads DistilGPT2 (Hugging Face "distilgpt2", Apache-2.0) into a model directory for llm-service.
#
#   llm-service/fetch-model.sh [MODEL_DIR]        default: models/distilgpt2
#
# Then start the service with boxoffice.llm.model-dir (or BOXOFFICE_LLM_MODEL_DIR) pointing at it.
# Needs network access to huggingface.co; uses huggingface-cli when installed, curl otherwise.
# Set HF_REVISION to pin a commit of the model repository (default: main).
set -euo pipefail

MODEL_DIR="${1:-models/distilgpt2}"
REPO="distilgpt2"
REVISION="${HF_REVISION:-main}"
FILES=(config.json model.safetensors vocab.json merges.txt)

mkdir -p "$MODEL_DIR"
if command -v huggingface-cli >/dev/null 2>&1; then
  huggingface-cli download "$REPO" "${FILES[@]}" --revision "$REVISION" --local-dir "$MODEL_DIR"
else
  for file in "${FILES[@]}"; do
    echo "fetching $file"
    curl --fail --location --retry 3 --output "$MODEL_DIR/$file.part" \
      "https://huggingface.co/$REPO/resolve/$REVISION/$file"
    mv "$MODEL_DIR/$file.part" "$MODEL_DIR/$file"
  done
fi

for file in "${FILES[@]}"; do
  if [[ ! -s "$MODEL_DIR/$file" ]]; then
    echo "error: $MODEL_DIR/$file is missing or empty" >&2
    exit 1
  fi
done
grep -q '"n_layer": 6' "$MODEL_DIR/config.json" || echo "warning: config.json is not DistilGPT2's 6-layer shape" >&2
echo "DistilGPT2 is in $MODEL_DIR; start llm-service with BOXOFFICE_LLM_MODEL_DIR=$MODEL_DIR"
