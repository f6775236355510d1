#!/bin/bash
# Real recordings -> a training pack for the GPU machine (runs on any machine with Node, python3 + numpy, sox).
#   models/recipe/prepare_clips.sh OUT NAME=CLIPS_DIR [NAME=CLIPS_DIR ...]
# Each CLIPS_DIR holds metadata.csv ("ID|transcript[|...]", one line per clip) and flac/ or wav/ with
# ID.flac / ID.wav at any sample rate. The first speaker becomes speaker 0, the exported default voice.
# Transcripts go through the gateway's own front end (`speechgate phonemize`), so the model learns exactly
# the symbols the gateway feeds it. PACK_ARGS passes options to pack_clips.py (e.g. --heldout 20).
set -euo pipefail
OUT=$(mkdir -p "$1" && cd "$1" && pwd); shift
R=$(cd "$(dirname "$0")" && pwd)
specs=()
for spec in "$@"; do
  name=${spec%%=*}; dir=$(cd "${spec#*=}" && pwd)
  specs+=("$name=$dir")
done
cd "$R/../.."
[ -f dist/src/cli/main.js ] || npm run build >/dev/null
packs=()
for spec in "${specs[@]}"; do
  name=${spec%%=*}; dir=${spec#*=}
  cut -d'|' -f1,2 "$dir/metadata.csv" | node dist/src/cli/main.js phonemize --with-ids > "$OUT/$name.jsonl"
  echo "$name: $(wc -l < "$OUT/$name.jsonl") transcripts phonemised"
  packs+=("$name=$dir:$OUT/$name.jsonl")
done
node dist/src/cli/main.js phonemize --symbols > "$OUT/symbols.json"
node -e "import('./dist/src/text/phonemes.js').then((m) => process.stdout.write(m.FRONTEND_VERSION))" > "$OUT/frontend-version.txt"
(cd "$R" && python3 pack_clips.py --out "$OUT" ${PACK_ARGS:-} "${packs[@]}")
ls -la "$OUT"
