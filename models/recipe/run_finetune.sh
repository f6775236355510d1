#!/bin/bash
# Continue a voice from real recordings in one device call: the acoustic model from its checkpoint, then its
# teacher-forced mels of the clips with audio, then the HiFi-GAN generator fine-tuned on those mels and the real
# audio (fresh discriminators, warmed up with the generator frozen), then the export. Each phase copies its
# results to OUT as soon as it ends, so a call cut short still returns what was done.
#   models/recipe/run_finetune.sh DATA WORK OUT
# DATA: pack.npz heldout.npz symbols.json frontend-version.txt (prepare_clips.sh), audio.npz (pack_audio.py),
#       generator_v2 (or a fine-tuned generator), durations.npz and fs2.pt (models/checkpoints/...).
# Env: F_MIN acoustic minutes (1.5; 0 = keep fs2.pt as it is), V_MIN vocoder minutes (2.5), D_WARMUP_S seconds
#      of discriminator warm-up (20), FS2_ARGS, VOC_ARGS, EXPORT="ID|NAME" (default lj-en-us).
set -euo pipefail
DATA=$1 WORK=$2 OUT=$3
R=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$WORK/fs2" "$WORK/voc" "$OUT"
log() { echo "[$(date +%H:%M:%S)] $*"; }
report() {  # every phase's JSON so far -> OUT/report.json
  python3 -c '
import json, os, sys
work, out = sys.argv[1:3]
parts = {}
for name in ("fs2/fs2.json", "voc/gta.json", "voc/vocoder.json", "export.json"):
    path = os.path.join(work, name)
    if os.path.exists(path):
        parts[name.split("/")[-1][:-5]] = json.load(open(path))
json.dump(parts, open(os.path.join(out, "report.json"), "w"), indent=1)' "$WORK" "$OUT"
}
FS2=$DATA/fs2.pt
if [ "${F_MIN:-1.5}" != 0 ]; then
  log "acoustic model (${F_MIN:-1.5} min from $DATA/fs2.pt)"
  python3 "$R/train_fs2.py" --data "$DATA" --durations "$DATA/durations.npz" --work "$WORK/fs2" \
    --minutes "${F_MIN:-1.5}" --init "$DATA/fs2.pt" ${FS2_ARGS:-}
  FS2=$WORK/fs2/fs2.pt
  cp "$FS2" "$OUT/fs2.pt"
  report
fi
log "teacher-forced mels"
python3 "$R/gta.py" --fs2 "$FS2" --data "$DATA" --durations "$DATA/durations.npz" --audio "$DATA/audio.npz" \
  --work "$WORK/voc"
report
log "vocoder (${V_MIN:-2.5} min)"
python3 "$R/train_vocoder.py" --features "$WORK/voc" --pretrained "$DATA/generator_v2" --work "$WORK/voc" \
  --minutes "${V_MIN:-2.5}" --min-gta-minutes 0 --mel-only-steps 0 --d-warmup-seconds "${D_WARMUP_S:-20}" \
  --save-every 40 --gen-out "$OUT/generator.pt" --no-full-state ${VOC_ARGS:-}
report
log "export"
EXPORT=${EXPORT:-"lj-en-us|LJ (US English, female), learned from real LJ Speech recordings"}
python3 "$R/export_fs2.py" --fs2 "$FS2" --vocoder "$OUT/generator.pt" --voice-id "${EXPORT%%|*}" \
  --name "${EXPORT#*|}" --frontend-version "$(cat "$DATA/frontend-version.txt")" --heldout "$DATA/heldout.npz" \
  --out "$WORK/voice" | tee "$WORK/export.txt"
sed -n 's/^export: //p' "$WORK/export.txt" > "$WORK/export.json"
python3 "$R/fp16_weights.py" "$WORK/voice/acoustic.onnx" "$OUT/acoustic.onnx"
cp "$WORK/voice/vocoder.onnx" "$WORK/voice/voice.json" "$OUT/"
report
log "done"
