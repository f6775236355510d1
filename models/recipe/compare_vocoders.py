"""Vocoder candidates side by side on held-out clips of one speaker (CPU is enough): copy-synthesis (the clip's
own mel -> audio -> mel) and, with --fs2, the acoustic model's teacher-forced mel of the clip -> audio -> mel,
each against the recording's mel. Distances: mean log-mel L1, and a mel-cepstral distance in dB (DCT of the 80
log-mel bands, coefficients 1-24, scaled like MCD but not comparable with the eval's MCD: a relative measure
between candidates; frames are aligned by construction, so no time warping).

  python3 compare_vocoders.py --heldout heldout.npz [--fs2 fs2.pt --durations durations.npz] NAME=GENERATOR ...
"""

import argparse
import json
import math

import numpy as np
import torch

import mel as mel_def
from clipdata import Pack
from export_fs2 import load_fs2, load_generator
from train_fs2 import load_durations, pad, token_targets

MCD_DB = 10.0 / math.log(10) * math.sqrt(2.0)


def dct_basis(n_in=80, n_out=25):
    k = torch.arange(n_out).unsqueeze(1).float()
    n = torch.arange(n_in).unsqueeze(0).float()
    return torch.cos(math.pi / n_in * (n + 0.5) * k) * math.sqrt(2.0 / n_in)


def distances(gen, mels, refs):
    basis = dct_basis()
    l1, mcd = [], []
    with torch.no_grad():
        for m, ref in zip(mels, refs):
            audio = gen(m.unsqueeze(0).float()).squeeze(1)
            out = mel_def.mel_spectrogram(audio)[0, :, : ref.size(1)]
            ref = ref[:, : out.size(1)]
            l1.append(torch.abs(out - ref).mean().item())
            diff = (basis @ (out - ref))[1:]
            mcd.append((MCD_DB * diff.pow(2).sum(0).sqrt()).mean().item())
    return {"mel_l1": round(float(np.mean(l1)), 4), "cepstral_distance": round(float(np.mean(mcd)), 3)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--heldout", required=True)
    ap.add_argument("--speaker", default="lj")
    ap.add_argument("--fs2")
    ap.add_argument("--durations")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("generators", nargs="+", help="NAME=PATH")
    args = ap.parse_args()
    torch.manual_seed(0)
    held = Pack(args.heldout, torch.device("cpu"))
    idx = [i for i in range(len(held)) if held.speaker_names[int(held.speaker[i])] == args.speaker]
    idx = idx[: args.limit or None]
    refs = [held.mels[i] for i in idx]
    sources = {"copy_synthesis": refs}
    if args.fs2:
        model, ck = load_fs2(args.fs2)
        dur = load_durations(args.durations, held, torch.device("cpu"))
        pitch, energy, _ = token_targets(held, dur, ck["stats"], ck.get("f0", "voiced") == "interp")
        with torch.no_grad():
            sources["teacher_forced"] = [
                model(held.ids[i][None], held.speaker[i : i + 1], dur[i][None], pitch[i][None], energy[i][None])[1][0]
                for i in idx
            ]
    result = {"clips": len(idx)}
    for spec in args.generators:
        name, path = spec.split("=", 1)
        gen = load_generator(path)
        result[name] = {src: distances(gen, mels, refs) for src, mels in sources.items()}
        print(name, json.dumps(result[name]), flush=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
