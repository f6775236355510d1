#!/bin/bash
# The GPU steps for a voice from real recordings, sized for one device call (10 minutes): a smoke run of the
# whole chain on a few clips, the aligner, then the acoustic model for whatever time is left.
#   models/recipe/run_clips.sh DATA WORK
# DATA: pack.npz, heldout.npz, symbols.json, frontend-version.txt (prepare_clips.sh), generator_v2.
# Environment: A_MIN aligner minutes (default 2.5; 0 = use DURATIONS), DURATIONS an earlier durations.npz,
# F_MIN acoustic minutes (default 5), FS2_INIT an earlier fs2.pt to continue from, SMOKE=0 to skip the
# smoke run, EXPORT="ID|NAME" to export a voice of speaker 0 at the end (WORK/voice).
set -euo pipefail
DATA=$1 WORK=$2
R=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$WORK"
log() { echo "[$(date +%H:%M:%S)] $*"; }
if [ "${SMOKE:-1}" = 1 ]; then
  log "smoke: mel definition, aligner, acoustic model, export on a few clips"
  python3 - "$R" <<'PY'
import sys; sys.path.insert(0, sys.argv[1])
import numpy as np, torch, npmel, mel
rng = np.random.default_rng(0)
x = (0.3 * np.sin(2 * np.pi * 220 * np.arange(22050) / 22050) + 0.05 * rng.standard_normal(22050)).astype(np.float32)
a, b = npmel.log_mel(x), mel.mel_spectrogram(torch.from_numpy(x)[None])[0].numpy()
print("numpy mel vs torch mel: shapes", a.shape, b.shape, "max abs diff", float(np.abs(a - b).max()), flush=True)
assert a.shape == b.shape and np.abs(a - b).max() < 1e-2
PY
  S=$WORK/smoke SD=${DURATIONS:-$WORK/smoke/durations.npz}
  [ "${A_MIN:-2.5}" = 0 ] || python3 "$R/train_aligner.py" --data "$DATA" --work "$S" --minutes 0.1 --limit 40
  python3 "$R/train_fs2.py" --data "$DATA" --durations "$SD" --work "$S" --minutes 0.1 --limit 40 --valid-every 2
  python3 "$R/train_fs2.py" --data "$DATA" --durations "$SD" --work "$S/b" --minutes 0.05 --limit 40 --init "$S/fs2.pt"
  python3 "$R/export_fs2.py" --fs2 "$S/b/fs2.pt" --vocoder "$DATA/generator_v2" --voice-id smoke --name smoke \
    --frontend-version x --heldout "$DATA/heldout.npz" --out "$S/voice"
  log "smoke passed"
fi
DUR=${DURATIONS:-$WORK/durations.npz}
if [ "${A_MIN:-2.5}" != 0 ]; then
  log "aligner (${A_MIN:-2.5} min)"
  python3 "$R/train_aligner.py" --data "$DATA" --work "$WORK" --minutes "${A_MIN:-2.5}"
  DUR=$WORK/durations.npz
fi
log "acoustic model (${F_MIN:-5} min)"
python3 "$R/train_fs2.py" --data "$DATA" --durations "$DUR" --work "$WORK" --minutes "${F_MIN:-5}" ${FS2_INIT:+--init "$FS2_INIT"} ${FS2_ARGS:-}
if [ -n "${EXPORT:-}" ]; then
  log "export"
  python3 "$R/export_fs2.py" --fs2 "$WORK/fs2.pt" --vocoder "${VOCODER:-$DATA/generator_v2}" --voice-id "${EXPORT%%|*}" \
    --name "${EXPORT#*|}" --frontend-version "$(cat "$DATA/frontend-version.txt")" --heldout "$DATA/heldout.npz" --out "$WORK/voice"
fi
log "done"
