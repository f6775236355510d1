"""Export a voice of the multi-speaker model: acoustic.onnx (fs2.py, one speaker baked in), vocoder.onnx (a
HiFi-GAN generator checkpoint: the pretrained V2 or a fine-tuned one) and voice.json, each ONNX file checked
against PyTorch with onnxruntime. Also measures the vocoder's copy-synthesis of held-out clips (their own
mels -> audio -> mels, L1), the yardstick for vocoder fine-tuning."""

import argparse
import json
import os

import numpy as np
import onnxruntime as ort
import torch

import mel as mel_def
from clipdata import Pack
from export import sha256
from fs2 import FastSpeech2, FastSpeech2Export
from hifigan import Generator, load_pretrained
from train_acoustic import symbol_min_frames

# PyTorch 2 defaults to the dynamo exporter; the TorchScript one (the only one in 1.x) is what the voices use.
LEGACY_EXPORTER = {"dynamo": False} if int(torch.__version__.split(".")[0]) >= 2 else {}


def load_fs2(path, device="cpu"):
    ck = torch.load(path, map_location=device)
    c = ck["config"]
    model = FastSpeech2(c["n_symbols"], c["n_speakers"], symbol_min_frames(ck["symbols"]), dim=c["dim"],
                        heads=c["heads"], enc_layers=c["enc_layers"], dec_layers=c["dec_layers"],
                        ffn_dim=c["ffn_dim"], enc_kernel=c["enc_kernel"], dec_kernel=c["dec_kernel"])
    model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in ck["model"].items()})
    return model.eval(), ck


def export_acoustic(model, speaker, n_symbols, out_path):
    wrapper = FastSpeech2Export(model, speaker).eval()
    ids = torch.tensor([[1, 20, 50, 3, 30, 60, 2]], dtype=torch.long)
    scale = torch.tensor([1.0])
    torch.onnx.export(wrapper, (ids, scale), out_path, input_names=["ids", "length_scale"],
                      output_names=["mel", "durations"],
                      dynamic_axes={"ids": {1: "tokens"}, "mel": {2: "frames"}, "durations": {1: "tokens"}},
                      opset_version=17, **LEGACY_EXPORTER)
    sess = ort.InferenceSession(out_path, providers=["CPUExecutionProvider"])
    worst, rng = 0.0, np.random.default_rng(0)
    for n in (5, 23, 80):
        x = np.concatenate([[1], rng.integers(12, n_symbols, n), [2]]).astype(np.int64)[None]
        for s in (1.0, 1.3):
            with torch.no_grad():
                ref_mel, ref_dur = wrapper(torch.from_numpy(x), torch.tensor([s]))
            got_mel, got_dur = sess.run(None, {"ids": x, "length_scale": np.array([s], np.float32)})
            assert np.array_equal(got_dur, ref_dur.numpy()), "durations differ between PyTorch and ONNX"
            worst = max(worst, float(np.abs(got_mel - ref_mel.numpy()).max()))
    return {"max_abs_diff_mel": worst}


def load_generator(path):
    gen = Generator()
    ck = torch.load(path, map_location="cpu", weights_only=False)
    if "gen" in ck:
        gen.load_state_dict(ck["gen"])
    else:
        load_pretrained(gen, path)
    return gen.eval()


def export_vocoder(gen, out_path):
    gen.remove_weight_norm()
    x = torch.randn(1, 80, 40) - 5
    torch.onnx.export(gen, (x,), out_path, input_names=["mel"], output_names=["audio"],
                      dynamic_axes={"mel": {0: "batch", 2: "frames"}, "audio": {0: "batch", 2: "samples"}},
                      opset_version=17, **LEGACY_EXPORTER)
    sess = ort.InferenceSession(out_path, providers=["CPUExecutionProvider"])
    worst = 0.0
    for b, t in ((1, 7), (1, 100), (3, 32)):
        x = (torch.randn(b, 80, t) * 2 - 6).float()
        with torch.no_grad():
            ref = gen(x).numpy()
        worst = max(worst, float(np.abs(sess.run(None, {"mel": x.numpy()})[0] - ref).max()))
    return {"max_abs_diff_audio": worst}


def copy_synthesis(gen, held, device):
    """Mean log-mel L1 between each held-out clip's mel and the mel of the vocoder's audio, per speaker."""
    gen = gen.to(device)
    out = {}
    with torch.no_grad():
        for i in range(len(held)):
            m = held.mels[i].unsqueeze(0)
            audio = gen(m).squeeze(1)
            l1 = torch.abs(mel_def.mel_spectrogram(audio)[:, :, : m.size(2)] - m).mean().item()
            out.setdefault(held.speaker_names[int(held.speaker[i])], []).append(l1)
    return {k: round(float(np.mean(v)), 4) for k, v in out.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fs2", required=True)
    ap.add_argument("--vocoder", required=True, help="HiFi-GAN generator checkpoint (pretrained or ours)")
    ap.add_argument("--speaker", default=None, help="speaker name in the pack (default: the first)")
    ap.add_argument("--voice-id", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--frontend-version", required=True)
    ap.add_argument("--heldout", help="heldout.npz for the copy-synthesis measure")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    model, ck = load_fs2(args.fs2)
    speaker = ck["speakers"].index(args.speaker) if args.speaker else 0
    acoustic_path, vocoder_path = os.path.join(args.out, "acoustic.onnx"), os.path.join(args.out, "vocoder.onnx")
    parity = {"acoustic": export_acoustic(model, speaker, len(ck["symbols"]), acoustic_path)}
    gen = load_generator(args.vocoder)
    copy = None
    if args.heldout:
        device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        copy = copy_synthesis(gen, Pack(args.heldout, device), device)
        gen = gen.cpu()
    parity["vocoder"] = export_vocoder(gen, vocoder_path)
    manifest = {
        "id": args.voice_id,
        "name": args.name,
        "language": "en-US",
        "sampleRate": mel_def.SAMPLE_RATE,
        "mel": {"nFft": mel_def.N_FFT, "hop": mel_def.HOP, "win": mel_def.WIN, "nMels": mel_def.N_MELS,
                "fMin": mel_def.F_MIN, "fMax": mel_def.F_MAX, "log": "ln(max(x, 1e-5))"},
        "frontend": {"version": args.frontend_version, "symbols": ck["symbols"]},
        "files": {
            "acoustic": {"path": "acoustic.onnx", "sha256": sha256(acoustic_path),
                         "inputs": ["ids", "length_scale"], "outputs": ["mel", "durations"]},
            "vocoder": {"path": "vocoder.onnx", "sha256": sha256(vocoder_path), "inputs": ["mel"],
                        "outputs": ["audio"], "hop": mel_def.HOP},
        },
        "parity": parity,
        "training": {"acoustic": {"steps": ck.get("total_steps"), "minutes": ck.get("total_minutes"),
                                  "speakers": ck["speakers"], "speaker": ck["speakers"][speaker]},
                     "vocoder_copy_synthesis_heldout_mel_l1": copy},
    }
    json.dump(manifest, open(os.path.join(args.out, "voice.json"), "w"), indent=1, ensure_ascii=False)
    print("export:", json.dumps({"parity": parity, "copy_synthesis": copy}), flush=True)


if __name__ == "__main__":
    main()
