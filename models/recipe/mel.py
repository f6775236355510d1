"""The mel definition the HiFi-GAN V2 vocoder expects (see the voice's voice.json and MODEL_CARD.md):
22050 Hz, n_fft 1024, hop 256, window 1024 (periodic Hann), reflect padding of 384 samples each side and no
centring, magnitude spectrum, 80 Slaney mel bands 0-8000 Hz, natural log of max(x, 1e-5)."""

import torch
import torch.nn.functional as F
import torchaudio

SAMPLE_RATE = 22050
N_FFT = 1024
HOP = 256
WIN = 1024
N_MELS = 80
F_MIN = 0.0
F_MAX = 8000.0
FRAMES_PER_SECOND = SAMPLE_RATE / HOP

_cache = {}


def _basis(device):
    key = str(device)
    if key not in _cache:
        fb = torchaudio.functional.melscale_fbanks(
            N_FFT // 2 + 1, F_MIN, F_MAX, N_MELS, SAMPLE_RATE, norm="slaney", mel_scale="slaney"
        )
        _cache[key] = (fb.T.contiguous().to(device), torch.hann_window(WIN, periodic=True, device=device))
    return _cache[key]


def mel_spectrogram(audio):
    """audio [B, L] float in [-1, 1] -> log mel [B, 80, L // 256]."""
    basis, window = _basis(audio.device)
    pad = (N_FFT - HOP) // 2
    y = F.pad(audio.unsqueeze(1), (pad, pad), mode="reflect").squeeze(1)
    spec = torch.stft(y, N_FFT, hop_length=HOP, win_length=WIN, window=window, center=False, return_complex=True)
    mag = torch.sqrt(spec.real.pow(2) + spec.imag.pow(2) + 1e-9)
    return torch.log(torch.clamp(basis @ mag, min=1e-5))
