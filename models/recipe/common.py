"""Shared training utilities: batching by length, time-based cosine schedule, checkpoints."""

import math
import os
import random
import time

import torch


def length_batches(lengths, max_frames, max_items, seed):
    """Batches of similar length (less padding) with a frame budget, shuffled."""
    rng = random.Random(seed)
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], rng.random()))
    batches, current, longest = [], [], 0
    for i in order:
        longest_if_added = max(longest, lengths[i])
        if current and (longest_if_added * (len(current) + 1) > max_frames or len(current) >= max_items):
            batches.append(current)
            current, longest_if_added = [], lengths[i]
        current.append(i)
        longest = longest_if_added
    if current:
        batches.append(current)
    rng.shuffle(batches)
    return batches


def split_ids(ids, valid_share=0.01):
    """Deterministic validation split by a stable hash of the id."""
    import hashlib

    def h(x):
        return int(hashlib.sha1(x.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF

    valid = sorted(i for i in ids if h(i) < valid_share)
    train = sorted(i for i in ids if h(i) >= valid_share)
    return train, valid


class TimeBudget:
    """Wall-clock training budget that survives restarts (elapsed time is checkpointed)."""

    def __init__(self, minutes, elapsed=0.0):
        self.total = minutes * 60.0
        self.base = elapsed
        self.start = time.time()

    @property
    def elapsed(self):
        return self.base + time.time() - self.start

    @property
    def fraction(self):
        return min(1.0, self.elapsed / max(self.total, 1e-6))

    def done(self):
        return self.elapsed >= self.total


def cosine_lr(peak, fraction, step, warmup_steps, floor=0.05):
    warm = min(1.0, (step + 1) / warmup_steps)
    return peak * warm * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * fraction)))


def save_atomic(obj, path):
    tmp = path + ".tmp"
    torch.save(obj, tmp)
    os.replace(tmp, path)


def bf16_autocast(device):
    """bfloat16 autocast on CUDA, nothing elsewhere (PyTorch 1.x checks CUDA even for a disabled CUDA autocast)."""
    import contextlib

    if device.type != "cuda":
        return contextlib.nullcontext()
    return torch.autocast("cuda", dtype=torch.bfloat16)
