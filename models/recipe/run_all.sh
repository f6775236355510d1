#!/bin/bash
# The whole voice recipe on the GPU machine, in resumable steps (each step skips what is already done).
#   models/recipe/run_all.sh DATA WORK VOICE_OUT [smoke]
# DATA holds corpus.jsonl and symbols.json (from `speechgate phonemize`), frontend-version.txt and
# generator_v2 (the pretrained HiFi-GAN V2 checkpoint). Festival with the slt voice must be on PATH as
# festival-run (shared/gpu/pack-carry.sh --festival) or festival.
set -euo pipefail
DATA=$1 WORK=$2 VOICE=$3 MODE=${4:-full}
R=$(cd "$(dirname "$0")" && pwd)
FEST=$(command -v festival-run || command -v festival)
JOBS=$(nproc)
if [ "$MODE" = smoke ]; then LIMIT=64 A_MIN=${A_MIN:-0.4} V_MIN=${V_MIN:-0.4} G_MIN=${G_MIN:-0.1}; else LIMIT=0 A_MIN=${A_MIN:-11} V_MIN=${V_MIN:-11} G_MIN=${G_MIN:-4}; fi
mkdir -p "$WORK" "$VOICE"
log() { echo "[$(date +%H:%M:%S)] $*"; }

if [ "$MODE" = full ] && [ ! -f "$WORK/smoke.ok" ]; then
  # A miniature run of every step (64 sentences, seconds of training) beside the full render, so a broken
  # step shows up in two minutes rather than after the render.
  log "render (full, $((JOBS - 1)) processes) beside a smoke run of the whole recipe"
  python3 "$R/render.py" --corpus "$DATA/corpus.jsonl" --out "$WORK/render" --festival "$FEST" --jobs $((JOBS - 1)) > "$WORK/render.out" 2>&1 &
  render_pid=$!
  if A_MIN=0.3 V_MIN=0.3 G_MIN=0.05 "$0" "$DATA" "$WORK/smoke" "$WORK/smoke-voice" smoke > "$WORK/smoke.out" 2>&1; then
    touch "$WORK/smoke.ok"; log "smoke run passed"
  else
    log "smoke run FAILED:"; tail -n 40 "$WORK/smoke.out"; kill $render_pid 2>/dev/null || true; exit 1
  fi
  wait $render_pid || { log "render failed"; tail -n 20 "$WORK/render.out"; exit 1; }
fi
log "render ($JOBS festival processes; resumes where it stopped)"
python3 "$R/render.py" --corpus "$DATA/corpus.jsonl" --out "$WORK/render" --festival "$FEST" --jobs "$JOBS" --limit "$LIMIT"
log "features"
python3 "$R/features.py" --corpus "$DATA/corpus.jsonl" --render "$WORK/render" --out "$WORK/features" --jobs "$JOBS" --limit "$LIMIT"
mkdir -p "$WORK/train" && cp "$WORK/features/features.json" "$WORK/train/" 2>/dev/null || true
log "train acoustic ($A_MIN min) and vocoder ($V_MIN min, >= $G_MIN on teacher-forced mels) side by side"
apid="" vpid=""
if [ ! -f "$WORK/train/acoustic.done" ]; then
  python3 "$R/train_acoustic.py" --features "$WORK/features" --symbols "$DATA/symbols.json" --work "$WORK/train" --minutes "$A_MIN" ${ACOUSTIC_ARGS:-} > "$WORK/acoustic.out" 2>&1 &
  apid=$!
fi
if [ ! -f "$WORK/train/vocoder.done" ]; then
  python3 "$R/train_vocoder.py" --features "$WORK/features" --pretrained "${VOCODER_INIT:-$DATA/generator_v2}" --work "$WORK/train" --minutes "$V_MIN" --min-gta-minutes "$G_MIN" > "$WORK/vocoder.out" 2>&1 &
  vpid=$!
fi
# The vocoder waits for the acoustic model's mels: if the acoustic model fails, stop the vocoder too.
if [ -n "$apid" ] && ! wait "$apid"; then
  [ -n "$vpid" ] && kill "$vpid" 2>/dev/null
  log "acoustic training failed"; tail -n 30 "$WORK/acoustic.out"; exit 1
fi
if [ -n "$vpid" ] && ! wait "$vpid"; then log "vocoder training failed"; tail -n 30 "$WORK/vocoder.out"; exit 1; fi
tail -n 2 "$WORK/acoustic.out" "$WORK/vocoder.out" 2>/dev/null || true
log "export"
python3 "$R/export.py" --work "$WORK/train" --symbols "$DATA/symbols.json" --frontend-version "$(cat "$DATA/frontend-version.txt")" --out "$VOICE"
log "done"
