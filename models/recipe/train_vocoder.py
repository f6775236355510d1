"""Fine-tune the pretrained HiFi-GAN V2 generator on the teacher's audio. It starts on mels computed from the
audio itself and switches to the acoustic model's teacher-forced mels (gta.pt) as soon as they exist, so it
learns to undo the acoustic model's over-smoothing. Fresh discriminators; the first steps train the
generator on the mel loss alone while the discriminators catch up (or, with --d-warmup-seconds, leave it
frozen while they do)."""

import argparse
import json
import os
import random
import time

import torch
import torch.nn.functional as F

from common import TimeBudget, bf16_autocast, save_atomic, split_ids
from hifigan import (Generator, MultiPeriodDiscriminator, MultiScaleDiscriminator, discriminator_loss,
                     feature_matching_loss, generator_adv_loss, load_pretrained)
from mel import HOP, mel_spectrogram

SEGMENT_FRAMES = 32


class Segments:
    """All sentences concatenated on the GPU, so a batch is a gather rather than a data loader."""

    def __init__(self, items, mels, device):
        keep = [i for i, x in enumerate(items) if x["mel"].shape[1] >= SEGMENT_FRAMES]
        self.n_frames = [items[i]["mel"].shape[1] for i in keep]
        self.audio = torch.cat([items[i]["audio"] for i in keep]).to(device)
        self.mel = torch.cat([mels[i].float() for i in keep], dim=1).to(device)
        offsets, acc = [], 0
        for n in self.n_frames:
            offsets.append(acc)
            acc += n
        self.offsets = offsets
        self.weights = [n - SEGMENT_FRAMES + 1 for n in self.n_frames]

    def batch(self, size, rng):
        picks = rng.choices(range(len(self.offsets)), weights=self.weights, k=size)
        starts = [self.offsets[p] + rng.randrange(self.weights[p]) for p in picks]
        frame_idx = torch.tensor(starts, device=self.mel.device).unsqueeze(1) + torch.arange(
            SEGMENT_FRAMES, device=self.mel.device)
        mel = self.mel[:, frame_idx].permute(1, 0, 2)  # [B, 80, F]
        sample_idx = frame_idx[:, :1] * HOP + torch.arange(SEGMENT_FRAMES * HOP, device=self.mel.device)
        audio = self.audio[sample_idx].float().unsqueeze(1) / 32767.0
        return mel, audio


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--features", required=True)
    ap.add_argument("--pretrained", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--minutes", type=float, default=8)
    ap.add_argument("--min-gta-minutes", type=float, default=3)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--mel-only-steps", type=int, default=400)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--d-warmup-seconds", type=float, default=0, help="generator frozen while the fresh "
                    "discriminators learn (then adversarial at once)")
    ap.add_argument("--save-every", type=float, default=120, help="seconds between checkpoints")
    ap.add_argument("--gen-out", help="also write the generator alone ({'gen': state}) here at every checkpoint")
    ap.add_argument("--no-full-state", action="store_true", help="skip vocoder.ckpt (discriminators and "
                    "optimisers, ~1 GB): when only the generator is kept")
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    os.makedirs(args.work, exist_ok=True)
    log = open(os.path.join(args.work, "vocoder.log"), "a")

    def say(msg):
        print(msg, flush=True)
        log.write(msg + "\n")
        log.flush()

    data = torch.load(os.path.join(args.features, "features.pt"))
    train_ids, valid_ids = split_ids(list(data.keys()))
    valid_ids = valid_ids or train_ids[:4]  # tiny smoke corpora
    items = [data[i] for i in train_ids]
    valid = [data[i] for i in valid_ids][:16]
    gt = Segments(items, [x["mel"] for x in items], device)
    gta_path = os.path.join(args.work, "gta.pt")
    source, gta = gt, None

    gen = load_pretrained(Generator(), args.pretrained).to(device)
    mpd, msd = MultiPeriodDiscriminator().to(device), MultiScaleDiscriminator().to(device)
    opt_g = torch.optim.AdamW(gen.parameters(), lr=args.lr, betas=(0.8, 0.99))
    opt_d = torch.optim.AdamW(list(mpd.parameters()) + list(msd.parameters()), lr=args.lr * 2, betas=(0.8, 0.99))
    ckpt_path = os.path.join(args.work, "vocoder.ckpt")
    step, elapsed, gta_elapsed = 0, 0.0, 0.0
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path, map_location=device)
        gen.load_state_dict(ck["gen"]); mpd.load_state_dict(ck["mpd"]); msd.load_state_dict(ck["msd"])
        opt_g.load_state_dict(ck["opt_g"]); opt_d.load_state_dict(ck["opt_d"])
        step, elapsed, gta_elapsed = ck["step"], ck["elapsed"], ck.get("gta_elapsed", 0.0)
        say(f"resumed at step {step}")

    def valid_l1():
        gen.eval()
        total = 0.0
        with torch.no_grad():
            for key, x in zip(valid_ids, valid):
                m = (gta[key] if gta is not None else x["mel"]).float().to(device)
                y = gen(m.unsqueeze(0))
                total += F.l1_loss(mel_spectrogram(y.squeeze(1)), x["mel"].float().to(device).unsqueeze(0)).item()
        gen.train()
        return total / max(1, len(valid))

    budget = TimeBudget(args.minutes, elapsed)
    say(f"vocoder: fine-tuning from pretrained; valid mel L1 before: {valid_l1():.4f} (own mels)")
    last_save, gta_start, t0 = time.time(), None, time.time()

    def checkpoint(on_gta):
        if args.gen_out:
            save_atomic({"gen": gen.state_dict(), "step": step}, args.gen_out)
        if not args.no_full_state:
            save_atomic({"gen": gen.state_dict(), "mpd": mpd.state_dict(), "msd": msd.state_dict(),
                         "opt_g": opt_g.state_dict(), "opt_d": opt_d.state_dict(), "step": step,
                         "elapsed": budget.elapsed, "gta_elapsed": on_gta}, ckpt_path)

    while True:
        if gta is None and os.path.exists(gta_path) and os.path.exists(os.path.join(args.work, "acoustic.done")):
            all_gta = torch.load(gta_path)
            gta = {k: all_gta[k] for k in valid_ids if k in all_gta}
            source = Segments(items, [all_gta[i] for i in train_ids], device)
            gta_start = time.time()
            say(f"step {step}: switched to teacher-forced mels; valid L1 on them {valid_l1():.4f}")
        on_gta = gta_elapsed + (time.time() - gta_start if gta_start else 0.0)
        if budget.done() and (gta is not None and on_gta >= args.min_gta_minutes * 60):
            break
        if budget.elapsed > (args.minutes + 8) * 60:
            say("vocoder: acoustic model never delivered teacher-forced mels; stopping on own mels")
            break
        mel, audio = source.batch(args.batch, rng)
        frozen = time.time() - t0 < args.d_warmup_seconds
        with bf16_autocast(device), \
                torch.set_grad_enabled(not frozen):
            fake = gen(mel)
        fake = fake.float()
        adversarial = step >= args.mel_only_steps
        # Discriminators
        with bf16_autocast(device):
            d_loss = discriminator_loss(mpd(audio), mpd(fake.detach())) + discriminator_loss(msd(audio), msd(fake.detach()))
        opt_d.zero_grad(set_to_none=True)
        d_loss.float().backward()
        opt_d.step()
        if frozen:
            step += 1
            continue
        # Generator
        l_mel = F.l1_loss(mel_spectrogram(fake.squeeze(1)), mel_spectrogram(audio.squeeze(1)))
        g_loss = 45 * l_mel
        if adversarial:
            with bf16_autocast(device):
                p_real, p_fake = mpd(audio), mpd(fake)
                s_real, s_fake = msd(audio), msd(fake)
                g_loss = g_loss + (generator_adv_loss(p_fake) + generator_adv_loss(s_fake)
                                   + feature_matching_loss(p_real, p_fake) + feature_matching_loss(s_real, s_fake)).float()
        opt_g.zero_grad(set_to_none=True)
        g_loss.backward()
        torch.nn.utils.clip_grad_norm_(gen.parameters(), 100.0)
        opt_g.step()
        step += 1
        if step % 200 == 0:
            say(f"step {step} {budget.elapsed/60:.1f}min mel {l_mel.item():.4f} d {d_loss.item():.3f} "
                f"g {g_loss.item():.3f} gta {gta is not None}")
        if time.time() - last_save > args.save_every:
            checkpoint(on_gta)
            last_save = time.time()
    on_gta = gta_elapsed + (time.time() - gta_start if gta_start else 0.0)
    checkpoint(on_gta)
    summary = {"steps": step, "minutes": budget.elapsed / 60, "minutes_on_teacher_forced": on_gta / 60,
               "d_warmup_seconds": args.d_warmup_seconds, "train_clips": len(items),
               "valid_mel_l1_teacher_forced": valid_l1() if gta is not None else None,
               "parameters": sum(p.numel() for p in gen.parameters())}
    say("vocoder done: " + json.dumps(summary))
    json.dump(summary, open(os.path.join(args.work, "vocoder.json"), "w"), indent=1)
    open(os.path.join(args.work, "vocoder.done"), "w").close()


if __name__ == "__main__":
    main()
