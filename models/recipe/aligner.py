"""A learned aligner for real speech (after "One TTS Alignment To Rule Them All", Badlani et al. 2022): small
convolutional encoders for tokens and mel frames, a soft attention from the distance between them (with a
beta-binomial prior that favours the diagonal), trained with the forward-sum (CTC) loss; monotonic
alignment search (MAS) over the soft attention gives per-token durations that sum to the frame count."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

try:
    import numba

    _njit = numba.njit(cache=False)
except ImportError:  # pragma: no cover - numpy fallback
    numba = None

    def _njit(f):
        return f


class ConvStack(nn.Module):
    def __init__(self, chans, kernels):
        super().__init__()
        self.convs = nn.ModuleList(
            nn.Conv1d(chans[i], chans[i + 1], k, padding=k // 2) for i, k in enumerate(kernels)
        )

    def forward(self, x):  # [B, C, T]
        for i, conv in enumerate(self.convs):
            x = conv(x)
            if i < len(self.convs) - 1:
                x = F.relu(x)
        return x


class Aligner(nn.Module):
    def __init__(self, n_symbols, n_speakers, n_mels=80, dim=256, att_dim=80, temperature=0.0005):
        super().__init__()
        self.embed = nn.Embedding(n_symbols, dim, padding_idx=0)
        self.speaker = nn.Embedding(n_speakers, n_mels)
        self.key = ConvStack([dim, dim * 2, att_dim], [3, 1])
        self.query = ConvStack([n_mels, n_mels * 2, n_mels, att_dim], [3, 1, 1])
        self.temperature = temperature

    def forward(self, ids, mel, speaker, prior=None):
        """ids [B, N], mel [B, 80, T] -> log attention [B, T, N] (log-softmax over tokens, padding masked)."""
        keys = self.key(self.embed(ids).transpose(1, 2))  # [B, A, N]
        queries = self.query(mel + self.speaker(speaker).unsqueeze(-1))  # [B, A, T]
        # squared distances [B, T, N] as |q|^2 + |k|^2 - 2 q.k (a matmul, not a [B, A, T, N] tensor)
        dist = (queries.pow(2).sum(1).unsqueeze(2) + keys.pow(2).sum(1).unsqueeze(1)
                - 2 * torch.matmul(queries.transpose(1, 2), keys)).clamp(min=0)
        logits = -self.temperature * dist
        logits = logits.masked_fill(ids.eq(0).unsqueeze(1), -1e4)
        logp = F.log_softmax(logits, dim=-1)
        if prior is not None:
            logp = F.log_softmax(logp + prior, dim=-1)
        return logp


def batch_prior(tokens, frames, scale=1.0):
    """log P(token | frame) [B, T, N]: per item a beta-binomial over its tokens whose mean moves along the
    diagonal as the frame advances; padding gets -1e4."""
    device = tokens.device
    t_max, n_max = int(frames.max()), int(tokens.max())
    t = torch.arange(1, t_max + 1, device=device, dtype=torch.float64).view(1, -1, 1)
    k = torch.arange(n_max, device=device, dtype=torch.float64).view(1, 1, -1)
    big_t = frames.double().view(-1, 1, 1)
    big_n = tokens.double().view(-1, 1, 1) - 1
    a, b = scale * t, (scale * (big_t + 1 - t)).clamp(min=1e-3)
    kk = torch.minimum(k, big_n.clamp(min=0))
    lg = torch.lgamma
    logp = (lg(kk + a) + lg(big_n - kk + b) - lg(big_n + a + b) - (lg(a) + lg(b) - lg(a + b))
            + lg(big_n + 1) - lg(kk + 1) - lg(big_n - kk + 1))
    valid = (k <= big_n) & (t <= big_t)
    return logp.float().masked_fill(~valid, -1e4)


def forward_sum_loss(logp, tokens, frames, blank_logp=-1.0):
    """CTC over the token sequence 1..N with a blank: every monotonic path through the attention counts."""
    b, t, n = logp.shape
    padded = F.pad(logp, (1, 0), value=blank_logp)  # blank is class 0
    tok_idx = torch.arange(n + 1, device=logp.device).view(1, 1, -1)
    padded = padded.masked_fill(tok_idx > tokens.view(-1, 1, 1), -1e4)
    padded = F.log_softmax(padded, dim=-1).transpose(0, 1)  # [T, B, N+1]
    targets = torch.arange(1, n + 1, device=logp.device).unsqueeze(0).expand(b, -1)
    return F.ctc_loss(padded.float(), targets, frames, tokens, blank=0, reduction="mean", zero_infinity=True)


@_njit
def _mas(value, n_tok, n_frm):
    """value [T, N] log probabilities; returns the best path's token for each frame (each token >= 1 frame)."""
    neg = -1e9
    acc = np.full((n_frm, n_tok), neg)
    acc[0, 0] = value[0, 0]
    for t in range(1, n_frm):
        lo = max(0, n_tok - (n_frm - t))
        hi = min(n_tok, t + 1)
        for j in range(lo, hi):
            stay = acc[t - 1, j]
            move = acc[t - 1, j - 1] if j > 0 else neg
            acc[t, j] = value[t, j] + (stay if stay > move else move)
    path = np.zeros(n_frm, dtype=np.int64)
    j = n_tok - 1
    for t in range(n_frm - 1, -1, -1):
        path[t] = j
        if t > 0 and j > 0 and acc[t - 1, j - 1] > acc[t - 1, j]:
            j -= 1
    return path


def mas_durations(logp, tokens, frames):
    """Hard alignment of each item: durations [N_i] (int) summing to frames[i]."""
    out = []
    lp = logp.detach().float().cpu().numpy().astype(np.float64)
    for i, (n, t) in enumerate(zip(tokens.tolist(), frames.tolist())):
        path = _mas(np.ascontiguousarray(lp[i, :t, :n]), n, t)
        out.append(np.bincount(path, minlength=n).astype(np.int64))
    return out
