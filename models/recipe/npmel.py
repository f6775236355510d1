"""numpy twins of mel.py and a YIN pitch tracker, for machines without PyTorch (data packing on the dev
machine). Same mel definition as mel.py: 22050 Hz, n_fft 1024, hop 256, periodic Hann, reflect padding of
384 samples, magnitude, 80 Slaney bands 0-8000 Hz, ln(max(x, 1e-5)). F0 frames line up with mel frames."""

import numpy as np

SAMPLE_RATE = 22050
N_FFT = 1024
HOP = 256
N_MELS = 80
F_MAX = 8000.0
LOG_FLOOR = float(np.log(1e-5))


def _hz_to_mel(f):
    f = np.asarray(f, dtype=np.float64)
    lin = f / (200.0 / 3)
    log = 15.0 + np.log(np.maximum(f, 1e-9) / 1000.0) / (np.log(6.4) / 27.0)
    return np.where(f >= 1000.0, log, lin)


def _mel_to_hz(m):
    m = np.asarray(m, dtype=np.float64)
    lin = m * (200.0 / 3)
    log = 1000.0 * np.exp((np.log(6.4) / 27.0) * (m - 15.0))
    return np.where(m >= 15.0, log, lin)


def mel_basis():
    """[80, 513] Slaney-normalised triangular filters (torchaudio melscale_fbanks(norm/mel_scale='slaney'))."""
    freqs = np.linspace(0, SAMPLE_RATE / 2, N_FFT // 2 + 1)
    pts = _mel_to_hz(np.linspace(_hz_to_mel(0.0), _hz_to_mel(F_MAX), N_MELS + 2))
    diff = np.diff(pts)
    slopes = pts[None, :] - freqs[:, None]  # [513, 82]
    down = -slopes[:, :-2] / diff[:-1]
    up = slopes[:, 2:] / diff[1:]
    fb = np.maximum(0.0, np.minimum(down, up))  # [513, 80]
    fb *= 2.0 / (pts[2 : N_MELS + 2] - pts[:N_MELS])
    return fb.T.astype(np.float32)


_BASIS = mel_basis()
_WINDOW = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)).astype(np.float32)


def log_mel(audio):
    """audio float32 [L] in [-1, 1] -> log mel [80, L // 256]."""
    pad = (N_FFT - HOP) // 2
    y = np.pad(audio.astype(np.float32), (pad, pad), mode="reflect")
    n = (len(y) - N_FFT) // HOP + 1
    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(n)[:, None]
    spec = np.fft.rfft(y[idx] * _WINDOW, axis=1)
    mag = np.sqrt(spec.real**2 + spec.imag**2 + 1e-9).astype(np.float32)  # [n, 513]
    mel = _BASIS @ mag.T
    return np.log(np.maximum(mel, 1e-5))[:, : len(audio) // HOP]


def yin_f0(audio, fmin=65.0, fmax=500.0, threshold=0.2, window=768):
    """F0 in Hz per mel frame (0 = unvoiced). Frame t is centred where mel frame t's window is centred."""
    tau_min, tau_max = int(SAMPLE_RATE / fmax), int(SAMPLE_RATE / fmin)
    n_frames = len(audio) // HOP
    span = window + tau_max
    centre = np.arange(n_frames) * HOP + HOP // 2
    start = centre - span // 2
    y = np.pad(audio.astype(np.float64), (span, span))
    idx = (start + span)[:, None] + np.arange(span)[None, :]
    frames = y[idx]  # [T, span]
    x0 = frames[:, :window]
    size = 1 << int(np.ceil(np.log2(span + window)))
    corr = np.fft.irfft(np.conj(np.fft.rfft(x0, size, axis=1)) * np.fft.rfft(frames, size, axis=1), size, axis=1)
    corr = corr[:, : tau_max + 1]
    sq = np.concatenate([np.zeros((n_frames, 1)), np.cumsum(frames**2, axis=1)], axis=1)
    e0 = sq[:, window][:, None]
    taus = np.arange(tau_max + 1)
    e_tau = sq[:, taus + window] - sq[:, taus]
    d = np.maximum(e0 + e_tau - 2 * corr, 0.0)
    d[:, 0] = 0.0
    cum = np.cumsum(d[:, 1:], axis=1) / np.arange(1, tau_max + 1)
    cmnd = np.ones_like(d)
    cmnd[:, 1:] = d[:, 1:] / np.maximum(cum, 1e-12)
    f0 = np.zeros(n_frames, dtype=np.float32)
    energy = e0[:, 0] / window
    loud = energy > 1e-6 * max(energy.max(), 1e-12) * 10  # ignore near-digital silence
    for t in np.nonzero(loud)[0]:
        row = cmnd[t]
        below = np.nonzero(row[tau_min:tau_max] < threshold)[0]
        if below.size == 0:
            continue
        k = below[0] + tau_min
        while k + 1 < tau_max and row[k + 1] < row[k]:  # walk down to the local minimum
            k += 1
        a, b, c = row[k - 1], row[k], row[k + 1]
        denom = a - 2 * b + c
        shift = 0.5 * (a - c) / denom if abs(denom) > 1e-12 else 0.0
        f0[t] = SAMPLE_RATE / (k + float(np.clip(shift, -1, 1)))
    return f0
