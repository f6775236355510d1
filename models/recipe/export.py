"""Export both models to ONNX, check them against PyTorch with onnxruntime, and write the voice folder:
acoustic.onnx, vocoder.onnx and voice.json (the manifest the gateway loads)."""

import argparse
import hashlib
import json
import os

import numpy as np
import onnxruntime as ort
import torch

import mel as mel_def
from acoustic import Acoustic, AcousticExport
from hifigan import Generator
from train_acoustic import symbol_min_frames


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def export_acoustic(work, symbols, out_path):
    ck = torch.load(os.path.join(work, "acoustic.ckpt"), map_location="cpu")
    model = Acoustic(len(symbols), symbol_min_frames(symbols))
    model.load_state_dict(ck["model"])
    model.eval()
    wrapper = AcousticExport(model).eval()
    ids = torch.tensor([[1, 20, 50, 3, 30, 60, 2]], dtype=torch.long)
    scale = torch.tensor([1.0])
    torch.onnx.export(wrapper, (ids, scale), out_path, input_names=["ids", "length_scale"],
                      output_names=["mel", "durations"],
                      dynamic_axes={"ids": {1: "tokens"}, "mel": {2: "frames"}, "durations": {1: "tokens"}},
                      opset_version=17, dynamo=False)
    sess = ort.InferenceSession(out_path, providers=["CPUExecutionProvider"])
    worst = 0.0
    rng = np.random.default_rng(0)
    for n in (5, 23, 80):
        x = np.concatenate([[1], rng.integers(12, len(symbols), n), [2]]).astype(np.int64)[None]
        with torch.no_grad():
            ref_mel, ref_dur = wrapper(torch.from_numpy(x), scale)
        got_mel, got_dur = sess.run(None, {"ids": x, "length_scale": np.array([1.0], np.float32)})
        assert np.array_equal(got_dur, ref_dur.numpy()), "durations differ between PyTorch and ONNX"
        worst = max(worst, float(np.abs(got_mel - ref_mel.numpy()).max()))
    return {"max_abs_diff_mel": worst, "steps": ck["step"]}


def export_vocoder(work, out_path):
    gen = Generator()
    ck = torch.load(os.path.join(work, "vocoder.ckpt"), map_location="cpu")
    gen.load_state_dict(ck["gen"])
    gen.eval()
    gen.remove_weight_norm()
    x = torch.randn(1, 80, 40) - 5
    torch.onnx.export(gen, (x,), out_path, input_names=["mel"], output_names=["audio"],
                      dynamic_axes={"mel": {0: "batch", 2: "frames"}, "audio": {0: "batch", 2: "samples"}},
                      opset_version=17, dynamo=False)
    sess = ort.InferenceSession(out_path, providers=["CPUExecutionProvider"])
    worst = 0.0
    for b, t in ((1, 7), (1, 100), (3, 32)):
        x = (torch.randn(b, 80, t) * 2 - 6).float()
        with torch.no_grad():
            ref = gen(x).numpy()
        got = sess.run(None, {"mel": x.numpy()})[0]
        worst = max(worst, float(np.abs(got - ref).max()))
    return {"max_abs_diff_audio": worst, "steps": ck["step"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--symbols", required=True)
    ap.add_argument("--frontend-version", required=True)
    ap.add_argument("--voice-id", default="slt-en-us")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    symbols = json.load(open(args.symbols))
    acoustic_path = os.path.join(args.out, "acoustic.onnx")
    vocoder_path = os.path.join(args.out, "vocoder.onnx")
    parity = {"acoustic": export_acoustic(args.work, symbols, acoustic_path),
              "vocoder": export_vocoder(args.work, vocoder_path)}
    training = {}
    for name in ("features", "acoustic", "vocoder"):
        path = os.path.join(args.work, name + ".json")
        if os.path.exists(path):
            training[name] = json.load(open(path))
    manifest = {
        "id": args.voice_id,
        "name": "SLT (US English, female), distilled from Festival's cmu_us_slt_arctic_hts",
        "language": "en-US",
        "sampleRate": mel_def.SAMPLE_RATE,
        "mel": {"nFft": mel_def.N_FFT, "hop": mel_def.HOP, "win": mel_def.WIN, "nMels": mel_def.N_MELS,
                "fMin": mel_def.F_MIN, "fMax": mel_def.F_MAX, "log": "ln(max(x, 1e-5))"},
        "frontend": {"version": args.frontend_version, "symbols": symbols},
        "files": {
            "acoustic": {"path": "acoustic.onnx", "sha256": sha256(acoustic_path),
                         "inputs": ["ids", "length_scale"], "outputs": ["mel", "durations"]},
            "vocoder": {"path": "vocoder.onnx", "sha256": sha256(vocoder_path), "inputs": ["mel"],
                        "outputs": ["audio"], "hop": mel_def.HOP},
        },
        "parity": parity,
        "training": training,
    }
    json.dump(manifest, open(os.path.join(args.out, "voice.json"), "w"), indent=1, ensure_ascii=False)
    print("export:", json.dumps(parity), flush=True)


if __name__ == "__main__":
    main()
