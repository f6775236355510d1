"""Ground-truth-aligned (teacher-forced) mels for vocoder fine-tuning: the acoustic model (fs2.py) run with each
clip's true durations, pitch and energy, paired with the clip's real audio (pack_audio.py), so that the vocoder
learns to turn the model's over-smoothed mels into the recording. Writes, in the layout train_vocoder.py reads:
WORK/features.pt ({key: {"audio": int16, "mel": true mel}}), WORK/gta.pt ({key: teacher-forced mel}) and
WORK/acoustic.done.

  python3 gta.py --fs2 fs2.pt --data DIR --durations durations.npz --audio audio.npz --work WORK
"""

import argparse
import json
import os

import torch

import pack_audio
from clipdata import Pack
from export_fs2 import load_fs2
from train_fs2 import load_durations, pad, token_targets


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fs2", required=True)
    ap.add_argument("--data", required=True, help="folder with pack.npz")
    ap.add_argument("--durations", required=True)
    ap.add_argument("--audio", required=True, help="audio.npz of pack_audio.py")
    ap.add_argument("--work", required=True)
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    os.makedirs(args.work, exist_ok=True)
    audio = pack_audio.load(args.audio)
    model, ck = load_fs2(args.fs2, device)
    model = model.to(device)
    train = Pack(os.path.join(args.data, "pack.npz"), device)
    idx = [i for i, n in enumerate(train.names) if n in audio][: args.limit or None]
    durations = load_durations(args.durations, train, device)
    pitch, energy, _ = token_targets(train, durations, ck["stats"], ck.get("f0", "voiced") == "interp")
    features, gta, l1 = {}, {}, []
    with torch.no_grad():
        for k in range(0, len(idx), 16):
            chunk = idx[k : k + 16]
            b = train.batch(chunk)
            mel_post = model(b["ids"], b["speaker"], pad(durations, chunk), pad(pitch, chunk), pad(energy, chunk))[1]
            for j, i in enumerate(chunk):
                key, n = train.names[i], train.frames[i]
                gta[key] = mel_post[j, :, :n].half().cpu()
                features[key] = {"audio": torch.from_numpy(audio[key].copy()), "mel": train.mels[i].half().cpu()}
                l1.append(torch.abs(mel_post[j, :, :n].float() - train.mels[i]).mean().item())
    torch.save(features, os.path.join(args.work, "features.pt"))
    torch.save(gta, os.path.join(args.work, "gta.pt"))
    open(os.path.join(args.work, "acoustic.done"), "w").close()
    minutes = sum(len(features[k]["audio"]) for k in features) / 22050 / 60
    report = {"clips": len(gta), "minutes": round(minutes, 2), "gta_mel_l1": round(sum(l1) / max(1, len(l1)), 4)}
    json.dump(report, open(os.path.join(args.work, "gta.json"), "w"))
    print("gta:", json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
