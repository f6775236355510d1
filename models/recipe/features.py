"""Rendered corpus -> training features: 22050 Hz audio cropped to the spoken part, HiFi-GAN mels, and
per-token durations in mel frames. Written as shards of tensors that the trainers load whole."""

import argparse
import json
import os
import wave
from multiprocessing import Pool

import numpy as np
import torch
import torchaudio

import align
from mel import FRAMES_PER_SECOND, HOP, SAMPLE_RATE, mel_spectrogram

MAX_MISMATCH = 0.25  # drop sentences whose phones disagree with the teacher's on more than this share


def read_wav(path):
    with wave.open(path, "rb") as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 1
        rate = w.getframerate()
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768.0
    return torch.from_numpy(data), rate


def process(args):
    rec, render_dir = args
    torch.set_num_threads(1)
    segs_path = os.path.join(render_dir, "segs", rec["id"] + ".segs")
    wav_path = os.path.join(render_dir, "wav", rec["id"] + ".wav")
    if not (os.path.exists(segs_path) and os.path.exists(wav_path)):
        return rec["id"], None, "missing"
    with open(segs_path) as f:
        segs = align.parse_segs(f.read())
    result = align.align(rec["symbols"], segs)
    if result is None:
        return rec["id"], None, "unaligned"
    if result["cost"] > MAX_MISMATCH:
        return rec["id"], None, "mismatch"
    audio, rate = read_wav(wav_path)
    start, end = result["crop"]
    audio = audio[int(start * rate) : int(end * rate)]
    audio = torchaudio.functional.resample(audio, rate, SAMPLE_RATE)
    peak = audio.abs().max().clamp(min=1e-4)
    audio = audio / peak * 0.95  # the vocoder was trained on peak-normalised audio
    n_frames = audio.numel() // HOP
    audio = audio[: n_frames * HOP]
    frames, diff = align.to_frames(result["seconds"], n_frames, FRAMES_PER_SECOND)
    if frames is None or abs(diff) > 3:
        return rec["id"], None, "length"
    with torch.no_grad():
        mel = mel_spectrogram(audio.unsqueeze(0))[0]
    assert mel.shape[1] == n_frames
    # numpy, not tensors: torch would pass tensors between processes as shared-memory handles, one file
    # descriptor each, and thousands of sentences exhaust them.
    return rec["id"], {
        "ids": np.asarray(rec["ids"], dtype=np.int16),
        "durations": np.asarray(frames, dtype=np.int16),
        "mel": mel.to(torch.float16).numpy(),
        "audio": (audio * 32767).round().to(torch.int16).numpy(),
        "cost": result["cost"],
    }, "ok"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--render", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    if os.path.exists(os.path.join(args.out, "features.done")):
        print("features: already done", flush=True)
        return
    os.makedirs(args.out, exist_ok=True)
    records = [json.loads(line) for line in open(args.corpus)]
    if args.limit:
        records = records[: args.limit]
    kept, reasons, costs = {}, {}, []
    with Pool(args.jobs) as pool:
        for utt_id, item, status in pool.imap(process, [(r, args.render) for r in records], chunksize=16):
            reasons[status] = reasons.get(status, 0) + 1
            if item is not None:
                costs.append(item.pop("cost"))
                kept[utt_id] = {k: torch.from_numpy(v) for k, v in item.items()}
    torch.save(kept, os.path.join(args.out, "features.pt"))
    frames = sum(int(v["durations"].sum()) for v in kept.values())
    stats = {
        "sentences": len(records),
        "kept": len(kept),
        "status": reasons,
        "mean_phone_mismatch": float(np.mean(costs)) if costs else None,
        "hours": frames / FRAMES_PER_SECOND / 3600,
    }
    with open(os.path.join(args.out, "features.json"), "w") as f:
        json.dump(stats, f, indent=1)
    open(os.path.join(args.out, "features.done"), "w").close()
    print("features:", json.dumps(stats), flush=True)


if __name__ == "__main__":
    main()
