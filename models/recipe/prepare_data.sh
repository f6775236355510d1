#!/bin/bash
# Step 1 of the recipe, on any machine with Node (no GPU): the corpus, phonemised by the gateway's own
# front end, plus what the GPU steps need beside it.
#   models/recipe/prepare_data.sh DATA_DIR [LJSPEECH_METADATA] [HIFIGAN_V2_CHECKPOINT]
set -euo pipefail
DATA=$(mkdir -p "$1" && cd "$1" && pwd)
LJ=${2:-../shared/data/ljspeech/metadata.csv}
CKPT=${3:-../shared/models/hifigan-lj-v2/generator_v2}
cd "$(dirname "$0")/../.."
npm run build >/dev/null
node dist/scripts/build-corpus.js --ljspeech "$LJ" --extra 2500 --out "$DATA/corpus.txt"
node dist/src/cli/main.js phonemize --with-ids --dictionary-only < "$DATA/corpus.txt" > "$DATA/corpus.jsonl"
node dist/src/cli/main.js phonemize --symbols > "$DATA/symbols.json"
node -e "import('./dist/src/text/phonemes.js').then((m) => process.stdout.write(m.FRONTEND_VERSION))" > "$DATA/frontend-version.txt"
cp "$CKPT" "$DATA/generator_v2"
echo "prepared $DATA: $(wc -l < "$DATA/corpus.jsonl") sentences, front end $(cat "$DATA/frontend-version.txt")"
