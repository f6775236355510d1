"""Loads a pack written by pack_clips.py into per-clip tensors on the training device, and pads batches."""

import numpy as np
import torch
from torch.nn.utils.rnn import pad_sequence


class Pack:
    def __init__(self, path, device, limit=0):
        z = np.load(path)
        self.speaker_names = [str(s) for s in z["speakers"]]
        lo, hi = (float(v) for v in z["mel_range"])
        frames, tokens = z["frames"], z["tokens"]
        if limit:
            frames, tokens = frames[:limit], tokens[:limit]
        fo = np.concatenate([[0], np.cumsum(frames)])
        to = np.concatenate([[0], np.cumsum(tokens)])
        n_fr, n_tok = int(fo[-1]), int(to[-1])
        if "mel_delta" in z:  # 8-bit codes stored as differences along time (they compress better)
            codes = np.cumsum(z["mel_delta"][:n_fr], axis=0, dtype=np.uint8)
        else:
            codes = z["mel"][:n_fr]
        mel = torch.from_numpy(codes).to(device).float() * ((hi - lo) / 255.0) + lo  # [F, 80]
        f0 = torch.from_numpy(z["f0"][:n_fr].astype(np.float32)).to(device)
        ids = torch.from_numpy(z["ids"][:n_tok].astype(np.int64)).to(device)
        self.names = [str(s) for s in z["names"][: len(frames)]]
        self.speaker = torch.from_numpy(z["speaker"][: len(frames)].astype(np.int64)).to(device)
        self.mels = [mel[fo[i] : fo[i + 1]].T for i in range(len(frames))]  # [80, T] views
        self.f0 = [f0[fo[i] : fo[i + 1]] for i in range(len(frames))]
        self.ids = [ids[to[i] : to[i + 1]] for i in range(len(frames))]
        self.frames = [int(x) for x in frames]
        self.tokens = [int(x) for x in tokens]

    def __len__(self):
        return len(self.names)

    def batch(self, idx, durations=None):
        """ids [B, N], mel [B, 80, T], f0 [B, T], speaker [B], tokens [B], frames [B] (+ durations [B, N])."""
        ids = pad_sequence([self.ids[i] for i in idx], batch_first=True)
        mel = pad_sequence([self.mels[i].T for i in idx], batch_first=True, padding_value=float(np.log(1e-5)))
        f0 = pad_sequence([self.f0[i] for i in idx], batch_first=True)
        dev = ids.device
        out = {"ids": ids, "mel": mel.transpose(1, 2), "f0": f0, "speaker": self.speaker[idx],
               "tokens": torch.tensor([self.tokens[i] for i in idx], device=dev),
               "frames": torch.tensor([self.frames[i] for i in idx], device=dev)}
        if durations is not None:
            out["durations"] = pad_sequence([durations[i] for i in idx], batch_first=True)
        return out
