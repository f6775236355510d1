"""Real audio for vocoder fine-tuning, small enough to carry (numpy + sox, no PyTorch): for the training clips of
one speaker in a pack, the 22050 Hz audio exactly as pack_clips.py made its mels (peak 0.95, cut to whole
frames), as 16-bit PCM. Lossless and decodable with numpy alone: the second difference of the samples, wrapped
to 16 bits, compressed with xz (about 70 % of raw PCM; speech is smooth). Clips are taken in a stable hashed
order until --max-mb is reached. Optionally writes a pack of only that speaker (--speaker-pack), to leave the
carry room to audio.

  python3 pack_audio.py --pack pack.npz --speaker lj --clips DIR --max-mb 24 --out audio.npz [--speaker-pack OUT.npz]
"""

import argparse
import hashlib
import lzma

import numpy as np

import npmel
from pack_clips import find_audio, load_audio


def encode(pcm):
    return np.diff(pcm.astype(np.int32), n=2, prepend=[0, 0]).astype(np.int16)


def decode(residual):
    """Inverse of encode: two wrapping 16-bit cumulative sums give the samples back exactly."""
    return np.cumsum(np.cumsum(residual, dtype=np.int16), dtype=np.int16)


def load(path):
    """{clip key: int16 samples} from a file written by this script."""
    z = np.load(path)
    flat = decode(np.frombuffer(lzma.decompress(z["blob"].tobytes()), dtype=np.int16))
    out, at = {}, 0
    for name, n in zip(z["names"], z["samples"]):
        out[str(name)] = flat[at : at + int(n)]
        at += int(n)
    return out


def speaker_pack(z, keep, path):
    """The pack restricted to clips `keep` (same format; mel deltas recomputed across the new neighbours)."""
    fo = np.concatenate([[0], np.cumsum(z["frames"])])
    to = np.concatenate([[0], np.cumsum(z["tokens"])])
    codes = np.cumsum(z["mel_delta"], axis=0, dtype=np.uint8)
    mel = np.concatenate([codes[fo[i] : fo[i + 1]] for i in keep])
    np.savez(path, names=z["names"][keep], speaker=z["speaker"][keep], frames=z["frames"][keep],
             tokens=z["tokens"][keep],
             mel_delta=np.diff(mel.astype(np.int16), axis=0, prepend=0).astype(np.uint8),
             f0=np.concatenate([z["f0"][fo[i] : fo[i + 1]] for i in keep]),
             ids=np.concatenate([z["ids"][to[i] : to[i + 1]] for i in keep]),
             mel_range=z["mel_range"], speakers=z["speakers"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pack", required=True)
    ap.add_argument("--speaker", required=True, help="speaker name in the pack")
    ap.add_argument("--clips", required=True, help="that speaker's clips folder (flac/ or wav/)")
    ap.add_argument("--max-mb", type=float, default=24)
    ap.add_argument("--out", required=True)
    ap.add_argument("--speaker-pack")
    args = ap.parse_args()
    z = np.load(args.pack)
    spk = [str(s) for s in z["speakers"]].index(args.speaker)
    mine = [i for i in range(len(z["names"])) if int(z["speaker"][i]) == spk]
    if args.speaker_pack:
        speaker_pack(z, mine, args.speaker_pack)
    order = sorted(mine, key=lambda i: hashlib.sha1(str(z["names"][i]).encode()).hexdigest())
    names, samples, parts, size = [], [], [], 0
    for i in order:
        key = str(z["names"][i])
        audio = load_audio(find_audio(args.clips, key.split("/", 1)[1]))
        n = int(z["frames"][i]) * npmel.HOP
        assert len(audio) // npmel.HOP == int(z["frames"][i]), f"{key}: audio and mel frames disagree"
        pcm = np.round(audio[:n] * 32767).astype(np.int16)
        size += len(lzma.compress(encode(pcm).tobytes(), preset=6))  # per clip, close to the joint size
        if size > args.max_mb * 1e6:
            break
        names.append(key)
        samples.append(n)
        parts.append(pcm)
    blob = lzma.compress(encode(np.concatenate(parts)).tobytes(), preset=9)
    np.savez(args.out, names=np.array(names), samples=np.array(samples, np.int64),
             blob=np.frombuffer(blob, dtype=np.uint8))
    minutes = sum(samples) / npmel.SAMPLE_RATE / 60
    print(f"{len(names)} of {len(mine)} clips of {args.speaker}, {minutes:.1f} min, {len(blob) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
