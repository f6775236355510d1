"""Folders of real recordings + phonemised transcripts -> one compact training pack (numpy only, no PyTorch),
small enough to carry to the GPU machine: per clip the front end's ids, a log mel quantised to 8 bits (stored
as differences along time, which xz compresses to about two thirds) and a YIN F0 contour on the mel frames. A fixed set of clips per speaker is held out (never trained on) for
evaluation; for a speaker who read a prompt several times, every take of a held-out prompt is held out.

  python3 pack_clips.py --out DIR [--heldout 20] NAME=CLIPS_DIR:PHONEMES_JSONL [...]

CLIPS_DIR holds flac/ or wav/ (any rate; sox resamples to 22050 Hz). The first speaker is speaker 0 (the
default voice of the exported model). Writes DIR/pack.npz, DIR/heldout.npz and DIR/clips.json.
"""

import argparse
import hashlib
import json
import os
import re
import subprocess
from multiprocessing import Pool

import numpy as np

import npmel

MEL_LO, MEL_HI = npmel.LOG_FLOOR, 2.5  # 8-bit code c means LO + c * (HI - LO) / 255


def quantise(mel):
    return np.clip(np.round((mel - MEL_LO) / (MEL_HI - MEL_LO) * 255), 0, 255).astype(np.uint8)


def find_audio(clips_dir, clip_id):
    for sub, ext in (("flac", ".flac"), ("wav", ".wav"), ("", ".flac"), ("", ".wav")):
        path = os.path.join(clips_dir, sub, clip_id + ext)
        if os.path.exists(path):
            return path
    return None


def load_audio(path):
    """22050 Hz mono float32, peak-normalised to 0.95 (as the vocoder was trained); no dither."""
    raw = subprocess.run(["sox", "-D", path, "-t", "raw", "-e", "signed", "-b", "16", "-c", "1", "-r",
                          str(npmel.SAMPLE_RATE), "-"], check=True, capture_output=True).stdout
    audio = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    return audio / max(float(np.abs(audio).max()), 1e-4) * 0.95


def features(job):
    path = job["path"]
    audio = load_audio(path)
    n = len(audio) // npmel.HOP
    audio = audio[: n * npmel.HOP]
    return job["key"], quantise(npmel.log_mel(audio)).T.copy(), npmel.yin_f0(audio).astype(np.float16)


def prompt_of(clip_id):
    """Takes of one prompt share an id up to a trailing _<unix time> (Kathleen); otherwise the id itself."""
    return re.sub(r"_\d{9,}$", "", clip_id)


def stable(x):
    return hashlib.sha1(x.encode()).hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--heldout", type=int, default=20, help="prompts held out per speaker")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--latest-take-only", action="store_true", help="one take per prompt (the latest)")
    ap.add_argument("speakers", nargs="+", help="NAME=CLIPS_DIR:PHONEMES_JSONL")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    clips, names = [], []
    for s, spec in enumerate(args.speakers):
        name, rest = spec.split("=", 1)
        clips_dir, jsonl = rest.rsplit(":", 1)
        names.append(name)
        recs = [json.loads(line) for line in open(jsonl)]
        by_prompt = {}
        for r in recs:
            by_prompt.setdefault(prompt_of(r["id"]), []).append(r)
        held = set(sorted(by_prompt, key=stable)[: args.heldout])
        for prompt, takes in sorted(by_prompt.items()):
            takes.sort(key=lambda r: r["id"])
            latest = takes[-1]["id"]
            for r in takes:
                if args.latest_take_only and r["id"] != latest and prompt not in held:
                    continue
                if prompt in held and r["id"] != latest:
                    continue  # the other takes of a held-out prompt are neither trained on nor evaluated
                path = find_audio(clips_dir, r["id"])
                if path is None:
                    print(f"no audio for {r['id']}, skipped", flush=True)
                    continue
                clips.append({"key": f"{name}/{r['id']}", "id": r["id"], "speaker": s, "path": path,
                              "text": r["text"], "ids": r["ids"], "heldout": prompt in held})
    feats = {}
    with Pool(args.jobs) as pool:
        for i, (key, mel, f0) in enumerate(pool.imap_unordered(features, clips, chunksize=4)):
            feats[key] = (mel, f0)
            if (i + 1) % 200 == 0:
                print(f"{i + 1}/{len(clips)} clips", flush=True)

    def write(path, subset):
        mels = [feats[c["key"]][0] for c in subset]
        f0s = [feats[c["key"]][1] for c in subset]
        ids = [np.asarray(c["ids"], dtype=np.int16) for c in subset]
        np.savez(path, names=np.array([c["key"] for c in subset]), speaker=np.array([c["speaker"] for c in subset], np.int8),
                 frames=np.array([len(m) for m in mels], np.int32), tokens=np.array([len(t) for t in ids], np.int32),
                 mel_delta=np.diff(np.concatenate(mels).astype(np.int16), axis=0, prepend=0).astype(np.uint8),
                 f0=np.concatenate(f0s), ids=np.concatenate(ids),
                 mel_range=np.array([MEL_LO, MEL_HI], np.float32), speakers=np.array(names))

    train = [c for c in clips if not c["heldout"]]
    held = [c for c in clips if c["heldout"]]
    write(os.path.join(args.out, "pack.npz"), train)
    write(os.path.join(args.out, "heldout.npz"), held)
    summary = {"speakers": names, "train_clips": len(train), "heldout_clips": len(held),
               "train_minutes": {n: round(sum(len(feats[c["key"]][0]) for c in train if c["speaker"] == s)
                                        * npmel.HOP / npmel.SAMPLE_RATE / 60, 2) for s, n in enumerate(names)},
               "heldout": [{"key": c["key"], "speaker": names[c["speaker"]], "text": c["text"]} for c in held]}
    json.dump(summary, open(os.path.join(args.out, "clips.json"), "w"), indent=1)
    print(json.dumps({k: v for k, v in summary.items() if k != "heldout"}), flush=True)


if __name__ == "__main__":
    main()
