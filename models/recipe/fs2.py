"""A multi-speaker FastSpeech 2-style text-to-mel model with explicit prosody, for voices learned from real
recordings: the FFT encoder of acoustic.py over tokens, a speaker embedding, token-level duration, pitch and
energy predictors (the pitch and energy values are embedded and added back, so intonation is a decision the
model makes per syllable rather than an average the decoder blurs), a length regulator, an FFT decoder over
frames and a post-net. The exported graph has the gateway's interface: ids + length scale -> mel +
durations, with one speaker baked in."""

import math

import torch
import torch.nn as nn

from acoustic import DurationPredictor, FFTBlock, PositionalEncoding, PostNet, regulate_batch


class VarianceEmbedding(nn.Module):
    """A scalar per token -> a vector per token (a small convolution, so neighbours inform each other)."""

    def __init__(self, dim, kernel=3):
        super().__init__()
        self.conv = nn.Conv1d(1, dim, kernel, padding=kernel // 2)

    def forward(self, value):  # [B, N] -> [B, N, C]
        return self.conv(value.unsqueeze(1)).transpose(1, 2)


class FastSpeech2(nn.Module):
    def __init__(self, n_symbols, n_speakers, min_frames, dim=192, heads=2, enc_layers=4, dec_layers=4,
                 ffn_dim=384, enc_kernel=3, dec_kernel=5, n_mels=80, dropout=0.2, var_dropout=0.5,
                 pitch_dropout=None):
        super().__init__()
        self.config = dict(n_symbols=n_symbols, n_speakers=n_speakers, dim=dim, heads=heads,
                           enc_layers=enc_layers, dec_layers=dec_layers, ffn_dim=ffn_dim, enc_kernel=enc_kernel,
                           dec_kernel=dec_kernel, n_mels=n_mels)
        self.embed = nn.Embedding(n_symbols, dim, padding_idx=0)
        self.speaker = nn.Embedding(n_speakers, dim)
        nn.init.normal_(self.speaker.weight, std=0.1)
        self.pos = PositionalEncoding(dim)
        self.encoder = nn.ModuleList(FFTBlock(dim, heads, ffn_dim, enc_kernel, dropout) for _ in range(enc_layers))
        # Heavy dropout in the predictors (FastSpeech 2 uses 0.5): with an hour of speech they memorise otherwise.
        self.duration = DurationPredictor(dim, dropout=var_dropout)
        # Pitch may take less: at 0.5 it learned little more than each speaker's mean (flat intonation).
        pitch_dropout = var_dropout if pitch_dropout is None else pitch_dropout
        self.pitch = DurationPredictor(dim, dropout=pitch_dropout)  # same shape of network: a scalar per token
        self.energy = DurationPredictor(dim, dropout=var_dropout)
        self.pitch_embed = VarianceEmbedding(dim)
        self.energy_embed = VarianceEmbedding(dim)
        self.decoder = nn.ModuleList(FFTBlock(dim, heads, ffn_dim, dec_kernel, dropout) for _ in range(dec_layers))
        self.dec_norm = nn.LayerNorm(dim)
        self.to_mel = nn.Linear(dim, n_mels)
        self.postnet = PostNet(n_mels)
        self.register_buffer("min_frames", torch.tensor(min_frames, dtype=torch.long), persistent=True)

    def encode(self, ids, speaker, pad):
        x = self.pos(self.embed(ids) * math.sqrt(self.embed.embedding_dim))
        for block in self.encoder:
            x = block(x, pad)
        return (x + self.speaker(speaker).unsqueeze(1)).masked_fill(pad.unsqueeze(-1), 0.0)

    def variances(self, h, pad):
        return self.duration(h, pad), self.pitch(h, pad), self.energy(h, pad)

    def add_prosody(self, h, pitch, energy, pad):
        h = h + self.pitch_embed(pitch) + self.energy_embed(energy)
        return h.masked_fill(pad.unsqueeze(-1), 0.0)

    def decode(self, frames, frame_pad, speaker):
        x = self.pos(frames + self.speaker(speaker).unsqueeze(1))
        for block in self.decoder:
            x = block(x, frame_pad)
        mel = self.to_mel(self.dec_norm(x)).transpose(1, 2)  # [B, 80, T]
        return mel, self.postnet(mel)

    def forward(self, ids, speaker, durations, pitch, energy):
        """Training with ground truth durations, token pitch and energy (normalised)."""
        pad = ids.eq(0)
        h = self.encode(ids, speaker, pad)
        log_dur, p_pred, e_pred = self.variances(h, pad)
        h = self.add_prosody(h, pitch, energy, pad)
        frames, frame_pad = regulate_batch(h, durations)
        mel, mel_post = self.decode(frames, frame_pad, speaker)
        return mel, mel_post, log_dur, p_pred, e_pred, frame_pad


class FastSpeech2Export(nn.Module):
    """One utterance of one baked-in speaker: ids [1, N], length_scale [1] -> mel [1, 80, T], durations [1, N]."""

    def __init__(self, model, speaker):
        super().__init__()
        self.model = model
        self.register_buffer("spk", torch.tensor([speaker], dtype=torch.long))

    def forward(self, ids, length_scale):
        m = self.model
        pad = ids.eq(0)
        h = m.encode(ids, self.spk, pad)
        log_dur, pitch, energy = m.variances(h, pad)
        frames = torch.round(torch.clamp(torch.exp(log_dur) - 1.0, min=0.0) * length_scale).long()
        frames = torch.maximum(frames, m.min_frames[ids]).masked_fill(pad, 0)
        h = m.add_prosody(h, pitch, energy, pad)
        cum = torch.cumsum(frames[0], 0)
        frame = torch.arange(cum[-1], device=ids.device)
        token = (frame.unsqueeze(1) >= cum.unsqueeze(0)).sum(1)
        regulated = h[0].index_select(0, token).unsqueeze(0)
        frame_pad = torch.zeros(1, regulated.size(1), dtype=torch.bool, device=ids.device)
        _, mel = m.decode(regulated, frame_pad, self.spk)
        return mel, frames
