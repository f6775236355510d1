"""A small non-autoregressive text-to-mel model in the FastSpeech family.

Encoder over phoneme tokens -> duration predictor -> length regulator (each token's vector repeated for its
frames) -> decoder over frames -> 80-band log mel, plus a convolutional post-net. About 3-4 M parameters:
small enough to run many times faster than real time on one CPU core.
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class PositionalEncoding(nn.Module):
    """Sinusoidal positions computed for the actual length (no table: any length, and a smaller ONNX file)."""

    def __init__(self, dim):
        super().__init__()
        div = torch.exp(torch.arange(0, dim, 2) * (-math.log(10000.0) / dim))
        self.register_buffer("div", div, persistent=False)

    def forward(self, x):  # x [B, T, C]
        pos = torch.arange(x.size(1), device=x.device, dtype=torch.float32).unsqueeze(1) * self.div
        pe = torch.stack([torch.sin(pos), torch.cos(pos)], dim=-1).flatten(1)  # sin, cos interleaved
        return x + pe.unsqueeze(0)


class SelfAttention(nn.Module):
    """Plain multi-head self-attention (explicit ops, so that the ONNX export is simple and portable)."""

    def __init__(self, dim, heads, dropout):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.out = nn.Linear(dim, dim)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x, pad_mask):
        b, t, c = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(c // self.heads)
        scores = scores.masked_fill(pad_mask.view(b, 1, 1, t), -1e4)
        weights = self.dropout(torch.softmax(scores.float(), dim=-1).to(v.dtype))
        return self.out(torch.matmul(weights, v).transpose(1, 2).reshape(b, t, c))


class FFTBlock(nn.Module):
    """Self-attention plus a convolutional feed-forward layer, pre-norm residuals."""

    def __init__(self, dim, heads, ffn_dim, kernel, dropout):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = SelfAttention(dim, heads, dropout)
        self.norm2 = nn.LayerNorm(dim)
        self.conv1 = nn.Conv1d(dim, ffn_dim, kernel, padding=kernel // 2)
        self.conv2 = nn.Conv1d(ffn_dim, dim, 1)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x, pad_mask):  # pad_mask [B, T] True where padding
        h = self.norm1(x)
        h = self.attn(h, pad_mask)
        x = x + self.dropout(h)
        h = self.norm2(x).transpose(1, 2)
        h = self.conv2(self.dropout(F.gelu(self.conv1(h)))).transpose(1, 2)
        x = x + self.dropout(h)
        return x.masked_fill(pad_mask.unsqueeze(-1), 0.0)


class DurationPredictor(nn.Module):
    def __init__(self, dim, hidden=256, kernel=3, dropout=0.1):
        super().__init__()
        self.conv1 = nn.Conv1d(dim, hidden, kernel, padding=kernel // 2)
        self.norm1 = nn.LayerNorm(hidden)
        self.conv2 = nn.Conv1d(hidden, hidden, kernel, padding=kernel // 2)
        self.norm2 = nn.LayerNorm(hidden)
        self.out = nn.Linear(hidden, 1)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x, pad_mask):  # -> log(1 + frames) [B, N]
        h = F.relu(self.conv1(x.transpose(1, 2))).transpose(1, 2)
        h = self.dropout(self.norm1(h))
        h = F.relu(self.conv2(h.transpose(1, 2))).transpose(1, 2)
        h = self.dropout(self.norm2(h))
        return self.out(h).squeeze(-1).masked_fill(pad_mask, 0.0)


class PostNet(nn.Module):
    def __init__(self, n_mels=80, hidden=256, kernel=5, layers=3, dropout=0.1):
        super().__init__()
        chans = [n_mels] + [hidden] * (layers - 1) + [n_mels]
        self.convs = nn.ModuleList(
            nn.Conv1d(chans[i], chans[i + 1], kernel, padding=kernel // 2) for i in range(layers)
        )
        self.norms = nn.ModuleList(nn.BatchNorm1d(chans[i + 1]) for i in range(layers - 1))
        self.dropout = nn.Dropout(dropout)

    def forward(self, mel):  # [B, 80, T]
        h = mel
        for i, conv in enumerate(self.convs):
            h = conv(h)
            if i < len(self.norms):
                h = self.dropout(torch.tanh(self.norms[i](h)))
        return mel + h


class Acoustic(nn.Module):
    def __init__(self, n_symbols, min_frames, dim=192, heads=2, enc_layers=4, dec_layers=4, ffn_dim=384,
                 kernel=3, n_mels=80, dropout=0.1):
        super().__init__()
        self.config = dict(n_symbols=n_symbols, dim=dim, heads=heads, enc_layers=enc_layers,
                           dec_layers=dec_layers, ffn_dim=ffn_dim, kernel=kernel, n_mels=n_mels)
        self.embed = nn.Embedding(n_symbols, dim, padding_idx=0)
        self.pos = PositionalEncoding(dim)
        self.encoder = nn.ModuleList(FFTBlock(dim, heads, ffn_dim, kernel, dropout) for _ in range(enc_layers))
        self.duration = DurationPredictor(dim)
        self.decoder = nn.ModuleList(FFTBlock(dim, heads, ffn_dim, kernel, dropout) for _ in range(dec_layers))
        self.dec_norm = nn.LayerNorm(dim)
        self.to_mel = nn.Linear(dim, n_mels)
        self.postnet = PostNet(n_mels)
        # Sounding phonemes always get at least one frame, whatever the predictor says.
        self.register_buffer("min_frames", torch.tensor(min_frames, dtype=torch.long), persistent=True)

    def encode(self, ids, pad_mask):
        x = self.pos(self.embed(ids) * math.sqrt(self.embed.embedding_dim))
        for block in self.encoder:
            x = block(x, pad_mask)
        return x

    def decode(self, frames, frame_pad):
        x = self.pos(frames)
        for block in self.decoder:
            x = block(x, frame_pad)
        mel = self.to_mel(self.dec_norm(x)).transpose(1, 2)  # [B, 80, T]
        return mel, self.postnet(mel)

    def forward(self, ids, durations):
        """Training: ids [B, N] (0 = padding), durations [B, N] ground-truth frames."""
        pad = ids.eq(0)
        enc = self.encode(ids, pad)
        log_dur = self.duration(enc, pad)
        frames, frame_pad = regulate_batch(enc, durations)
        mel, mel_post = self.decode(frames, frame_pad)
        return mel, mel_post, log_dur, frame_pad

    def predict_durations(self, ids, length_scale):
        pad = ids.eq(0)
        enc = self.encode(ids, pad)
        log_dur = self.duration(enc, pad)
        frames = torch.round(torch.clamp(torch.exp(log_dur) - 1.0, min=0.0) * length_scale).long()
        frames = torch.maximum(frames, self.min_frames[ids]).masked_fill(pad, 0)
        return enc, frames


def regulate_batch(enc, durations):
    """Repeat each token's vector for its frames; returns [B, T, C] and a padding mask [B, T]."""
    lengths = durations.sum(1)
    t_max = int(lengths.max().item())
    cum = torch.cumsum(durations, 1)  # [B, N]
    frame = torch.arange(t_max, device=enc.device)
    token = (frame.view(1, -1, 1) >= cum.unsqueeze(1)).sum(-1)  # [B, T]
    token = token.clamp(max=enc.size(1) - 1)
    out = torch.gather(enc, 1, token.unsqueeze(-1).expand(-1, -1, enc.size(2)))
    frame_pad = frame.view(1, -1) >= lengths.view(-1, 1)
    return out.masked_fill(frame_pad.unsqueeze(-1), 0.0), frame_pad


class AcousticExport(nn.Module):
    """Single-utterance inference graph for ONNX: ids [1, N], length_scale [1] -> mel [1, 80, T], durations [1, N]."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, ids, length_scale):
        enc, frames = self.model.predict_durations(ids, length_scale)
        cum = torch.cumsum(frames[0], 0)
        frame = torch.arange(cum[-1], device=ids.device)
        token = (frame.unsqueeze(1) >= cum.unsqueeze(0)).sum(1)
        regulated = enc[0].index_select(0, token).unsqueeze(0)
        pad = torch.zeros(1, regulated.size(1), dtype=torch.bool, device=ids.device)
        _, mel = self.model.decode(regulated, pad)
        return mel, frames
