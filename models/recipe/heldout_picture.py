"""Spectrogram and F0 contour of a held-out recording next to voices' renderings of its transcript (exported ONNX
files, onnxruntime on CPU), for a model card; prints each rendering's F0 spread (semitones over voiced frames).

  python3 heldout_picture.py --heldout heldout.npz --clips DIR --out PNG [--index 0] LABEL=ACOUSTIC.onnx,VOCODER.onnx ...
"""

import argparse
import os

import numpy as np
import onnxruntime as ort

import npmel
from pack_clips import find_audio, load_audio


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--heldout", required=True)
    ap.add_argument("--clips", required=True, help="the speaker's clips folder (flac/ or wav/)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--index", type=int, default=0, help="which held-out clip")
    ap.add_argument("voices", nargs="+", help="LABEL=ACOUSTIC.onnx,VOCODER.onnx")
    args = ap.parse_args()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    z = np.load(args.heldout)
    to = np.concatenate([[0], np.cumsum(z["tokens"])])
    i, key = args.index, str(z["names"][args.index])
    ids = z["ids"][to[i] : to[i + 1]].astype(np.int64)[None]
    rows = [("recording", load_audio(find_audio(args.clips, key.split("/", 1)[1])))]
    for spec in args.voices:
        label, files = spec.split("=", 1)
        acoustic, vocoder = files.split(",")
        mel, _ = ort.InferenceSession(acoustic).run(None, {"ids": ids, "length_scale": np.array([1.0], np.float32)})
        rows.append((label, ort.InferenceSession(vocoder).run(None, {"mel": mel})[0][0, 0]))
    fig, axes = plt.subplots(len(rows) + 1, 1, figsize=(10, 9))
    for ax, (label, audio) in zip(axes, rows):
        ax.imshow(npmel.log_mel(audio.astype(np.float32)), aspect="auto", origin="lower", vmin=-11.5, vmax=2)
        ax.set_title(f"{key}: {label}", fontsize=9)
        ax.set_yticks([])
    ax = axes[-1]
    for label, audio in rows:
        f0 = npmel.yin_f0(audio.astype(np.float32))
        ax.plot(np.arange(len(f0)) / len(f0), np.where(f0 > 0, f0, np.nan), ".-", ms=2, lw=0.8, label=label)
        voiced = f0[f0 > 0]
        print(f"{label}: F0 spread {np.std(12 * np.log2(voiced)):.2f} semitones over {len(voiced)} voiced frames")
    ax.set_xlabel("relative time")
    ax.set_ylabel("F0 Hz (YIN)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    fig.savefig(args.out, dpi=60)


if __name__ == "__main__":
    main()
