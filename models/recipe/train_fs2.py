"""Train the multi-speaker FastSpeech 2 model (fs2.py) on a clip pack with the aligner's durations, for a
wall-clock budget. Pitch and energy targets are token averages: log F0 over a token's voiced frames (YIN, from
the pack; --f0 interp: of the contour interpolated across unvoiced frames) and the mean log mel, both
normalised per speaker. Resumable: --init continues
from a previous run's weights with a fresh schedule (checkpoints carry fp16 weights to stay small)."""

import argparse
import json
import os
import time
from hashlib import sha1

import numpy as np
import torch
import torch.nn.functional as F

from clipdata import Pack
from common import TimeBudget, bf16_autocast, cosine_lr, length_batches, save_atomic
from fs2 import FastSpeech2
from train_acoustic import symbol_min_frames


def stable_hash(x):
    return sha1(x.encode()).hexdigest()


def interpolated_log_f0(f0):
    """log F0 on every frame: voiced frames as measured, unvoiced ones linearly between their voiced neighbours
    (the nearest one at the edges); all zeros if nothing is voiced."""
    f = f0.float().cpu().numpy()
    voiced = np.flatnonzero(f > 0)
    if len(voiced) == 0:
        return torch.zeros_like(f0, dtype=torch.float32), torch.zeros_like(f0, dtype=torch.float32)
    lf = np.interp(np.arange(len(f)), voiced, np.log(f[voiced]))
    return torch.from_numpy(lf.astype(np.float32)).to(f0.device), torch.ones_like(f0, dtype=torch.float32)


def token_targets(pack, durations, stats=None, interpolate=True):
    """Per clip: log F0 and energy per token, normalised per speaker (so the predictors learn contours and the
    speaker embedding the level). With interpolate, a token's pitch is the mean of the interpolated contour over
    its frames, so consonants and pauses carry the contour across instead of a flat 0 (the speaker's mean) that
    pulls the predictor towards monotony; otherwise tokens without a voiced frame get 0."""
    pitch, energy = [], []
    for mel, f0, dur in zip(pack.mels, pack.f0, durations):
        token = torch.repeat_interleave(torch.arange(len(dur), device=dur.device), dur)
        n = len(dur)
        if interpolate:
            lf0, voiced = interpolated_log_f0(f0)  # every frame counts, unless nothing is voiced
        else:
            voiced = (f0 > 0).float()
            lf0 = torch.log(f0.clamp(min=1.0)) * voiced
        cnt = torch.zeros(n, device=dur.device).index_add_(0, token, voiced)
        tot = torch.zeros(n, device=dur.device).index_add_(0, token, lf0)
        pitch.append(torch.where(cnt > 0, tot / cnt.clamp(min=1), torch.full_like(tot, float("nan"))))
        etot = torch.zeros(n, device=dur.device).index_add_(0, token, mel.mean(0))
        energy.append(etot / dur.clamp(min=1).float())
    speakers = [int(s) for s in pack.speaker.tolist()]
    if stats is None:
        stats = {"pitch_mean": [], "pitch_std": [], "energy_mean": [], "energy_std": []}
        for spk in range(len(pack.speaker_names)):
            if spk not in speakers:  # none of this speaker's clips (smoke runs)
                for k, v in (("pitch_mean", 5.3), ("pitch_std", 0.25), ("energy_mean", -4.5), ("energy_std", 1.0)):
                    stats[k].append(v)
                continue
            p = torch.cat([x for x, s in zip(pitch, speakers) if s == spk])
            p = p[~torch.isnan(p)]
            e = torch.cat([x for x, s in zip(energy, speakers) if s == spk])
            for k, v in (("pitch_mean", p.mean()), ("pitch_std", p.std()), ("energy_mean", e.mean()),
                         ("energy_std", e.std())):
                stats[k].append(round(v.item(), 5))
    pitch = [torch.nan_to_num((p - stats["pitch_mean"][s]) / stats["pitch_std"][s], nan=0.0)
             for p, s in zip(pitch, speakers)]
    energy = [(e - stats["energy_mean"][s]) / stats["energy_std"][s] for e, s in zip(energy, speakers)]
    return pitch, energy, stats


def pad(seqs, idx):
    return torch.nn.utils.rnn.pad_sequence([seqs[i] for i in idx], batch_first=True)


def losses(model, b, dur, pitch, energy, pitch_weight=1.0):
    mel_pred, mel_post, log_dur, p_pred, e_pred, frame_pad = model(b["ids"], b["speaker"], dur, pitch, energy)
    keep = (~frame_pad).unsqueeze(1).float()
    n = keep.sum() * b["mel"].size(1)
    mel = b["mel"][:, :, : mel_pred.size(2)]
    l_mel = (torch.abs(mel_pred.float() - mel) * keep).sum() / n
    l_post = (torch.abs(mel_post.float() - mel) * keep).sum() / n
    tok = b["ids"].ne(0).float()
    ntok = tok.sum()
    l_dur = (((log_dur.float() - torch.log1p(dur.float())) ** 2) * tok).sum() / ntok
    l_pitch = pitch_weight * (((p_pred.float() - pitch) ** 2) * tok).sum() / ntok
    l_energy = (((e_pred.float() - energy) ** 2) * tok).sum() / ntok
    return {"mel": l_mel, "post": l_post, "dur": l_dur, "pitch": l_pitch, "energy": l_energy}


def pitch_contour(model, b, dur, pitch, energy):
    """How far the pitch predictor follows the recordings' token contour: correlation, and the ratio of its
    spread to theirs (near 0 = flat intonation)."""
    p_pred = model(b["ids"], b["speaker"], dur, pitch, energy)[3].float()
    keep = b["ids"].ne(0)
    x, y = p_pred[keep], pitch[keep]
    corr = torch.corrcoef(torch.stack([x, y]))[0, 1] if len(x) > 1 else torch.tensor(0.0)
    return {"pitch_corr": round(corr.item(), 4), "pitch_std_ratio": round((x.std() / y.std().clamp(min=1e-6)).item(), 4)}


def load_durations(path, pack, device):
    z = np.load(path)
    return [torch.from_numpy(z[name.replace("/", "__")].astype(np.int64)).to(device) for name in pack.names]


def picture(path, model, held, hdur, hp, he, symbols, device):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from fs2 import FastSpeech2Export

    i = 0  # first held-out clip (speaker 0)
    b = held.batch([i])
    with torch.no_grad():
        _, tf_mel, _, p_pred, _, _ = model(b["ids"], b["speaker"], hdur[i][None], hp[i][None], he[i][None])
        free_mel, _ = FastSpeech2Export(model, int(held.speaker[i])).to(device)(b["ids"], torch.tensor([1.0], device=device))
    fig, axes = plt.subplots(4, 1, figsize=(13, 12))
    for ax, m, title in zip(axes, [b["mel"][0], tf_mel[0], free_mel[0]],
                            ["recording", "model, the recording's durations and prosody", "model, free running"]):
        ax.imshow(m.float().cpu().numpy(), aspect="auto", origin="lower", vmin=-11.5, vmax=2)
        ax.set_title(f"{held.names[i]}: {title}", fontsize=9)
    ax = axes[3]
    ax.plot(hp[i].cpu().numpy(), "o-", label="recording (token mean, normalised log F0)")
    ax.plot(p_pred[0].float().cpu().numpy(), "x-", label="pitch predictor")
    ax.set_xticks(range(len(held.ids[i])))
    ax.set_xticklabels([symbols[t] for t in held.ids[i].tolist()], fontsize=5)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--durations", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--minutes", type=float, default=5)
    ap.add_argument("--max-frames", type=int, default=20000)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--warmup", type=int, default=400)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--init", help="weights (fs2.pt) of a previous run: continue with a fresh schedule")
    ap.add_argument("--save-every", type=float, default=120, help="seconds between checkpoints")
    ap.add_argument("--valid-every", type=float, default=20, help="seconds between validation passes")
    ap.add_argument("--f0", choices=["voiced", "interp"], default="voiced", help="token pitch from voiced "
                    "frames only (default, the shipped lj-en-us) or from the interpolated contour")
    ap.add_argument("--pitch-dropout", type=float, default=None, help="dropout of the pitch predictor "
                    "(default: that of the other predictors, 0.5)")
    ap.add_argument("--pitch-weight", type=float, default=1.0)
    args = ap.parse_args()
    torch.manual_seed(1234)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    os.makedirs(args.work, exist_ok=True)
    log = open(os.path.join(args.work, "fs2.log"), "a")

    def say(msg):
        print(msg, flush=True)
        log.write(msg + "\n")
        log.flush()

    symbols = json.load(open(os.path.join(args.data, "symbols.json")))
    train = Pack(os.path.join(args.data, "pack.npz"), device, args.limit)
    held = Pack(os.path.join(args.data, "heldout.npz"), device, min(args.limit, 8) if args.limit else 0)
    tdur, hdur = load_durations(args.durations, train, device), load_durations(args.durations, held, device)
    prev = torch.load(args.init, map_location=device) if args.init else None
    interp = args.f0 == "interp"
    tp, te, stats = token_targets(train, tdur, prev["stats"] if prev else None, interp)
    hp, he, _ = token_targets(held, hdur, stats, interp)
    model = FastSpeech2(len(symbols), len(train.speaker_names), symbol_min_frames(symbols),
                        pitch_dropout=args.pitch_dropout).to(device)
    total_steps, total_minutes = 0, 0.0
    if prev:
        model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in prev["model"].items()})
        total_steps, total_minutes = prev.get("total_steps", 0), prev.get("total_minutes", 0.0)
        say(f"fs2: initialised from {args.init} ({total_steps} steps, {total_minutes:.1f} min before)")
    params = sum(p.numel() for p in model.parameters())
    # A validation split of the training clips (not the held-out evaluation clips) picks the weights to keep:
    # with an hour of speech the model starts to memorise within minutes.
    valid_idx = [i for i, n in enumerate(train.names) if int(stable_hash(n)[:8], 16) / 0xFFFFFFFF < 0.05]
    valid_idx = valid_idx or list(range(min(4, len(train))))  # tiny smoke packs
    train_idx = [i for i in range(len(train)) if i not in set(valid_idx)]
    say(f"fs2: {params/1e6:.2f} M parameters, {len(train_idx)} train / {len(valid_idx)} valid / {len(held)} "
        f"held-out clips, stats {stats}")
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.98), weight_decay=0.01)
    ckpt = os.path.join(args.work, "fs2.pt")

    best = {"score": float("inf"), "step": 0, "state": None, "valid": None}

    def validate(step):
        model.eval()
        with torch.no_grad():
            ls = {}
            for k in range(0, len(valid_idx), 32):
                chunk = valid_idx[k : k + 32]
                for name, v in losses(model, train.batch(chunk), pad(tdur, chunk), pad(tp, chunk), pad(te, chunk)).items():
                    ls[name] = ls.get(name, 0.0) + v.item() * len(chunk) / len(valid_idx)
        # Selected on mel and durations: the pitch and energy predictors' validation losses bottom out within a
        # minute or two and then creep up slowly, while the mel keeps improving for much longer.
        score = ls["post"] + ls["dur"]
        if score < best["score"]:
            best.update(score=score, step=step, valid={k: round(v, 4) for k, v in ls.items()},
                        state={k: v.detach().clone() for k, v in model.state_dict().items()})
        return ls

    def save(step, budget):
        state = best["state"] or model.state_dict()
        save_atomic({"model": {k: v.half() if v.is_floating_point() else v for k, v in state.items()},
                     "best_step": best["step"], "valid": best["valid"],
                     "config": model.config, "stats": stats, "f0": args.f0, "symbols": symbols,
                     "speakers": train.speaker_names,
                     "total_steps": total_steps + step, "total_minutes": total_minutes + budget.elapsed / 60}, ckpt)

    budget, step, epoch, t_log, t_save, t_valid = TimeBudget(args.minutes), 0, 0, time.time(), time.time(), time.time()
    while not budget.done():
        for sub in length_batches([train.frames[i] for i in train_idx], args.max_frames, 64, 1000 + epoch):
            if budget.done():
                break
            batch = [train_idx[i] for i in sub]
            model.train()
            b = train.batch(batch)
            for g in opt.param_groups:
                g["lr"] = cosine_lr(args.lr, budget.fraction, step, args.warmup)
            with bf16_autocast(device):
                ls = losses(model, b, pad(tdur, batch), pad(tp, batch), pad(te, batch), args.pitch_weight)
            loss = sum(ls.values())
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            step += 1
            if time.time() - t_log > 30:
                say(f"fs2 step {step} ep {epoch} {budget.elapsed/60:.1f} min " +
                    " ".join(f"{k} {v.item():.4f}" for k, v in ls.items()))
                t_log = time.time()
            if time.time() - t_valid > args.valid_every:
                ls = validate(step)
                say(f"fs2 valid at step {step}: " + " ".join(f"{k} {v:.4f}" for k, v in ls.items())
                    + f" (best at step {best['step']})")
                t_valid = time.time()
            if time.time() - t_save > args.save_every:
                save(step, budget)
                t_save = time.time()
        epoch += 1
    validate(step)
    say(f"fs2: keeping the weights of step {best['step']} (valid {best['valid']})")
    model.load_state_dict(best["state"])
    save(step, budget)
    model.eval()
    sums = {}
    with torch.no_grad():
        for spk in range(len(train.speaker_names)):
            idx = [i for i in range(len(held)) if int(held.speaker[i]) == spk]
            if not idx:
                continue
            b = held.batch(idx)
            ls = losses(model, b, pad(hdur, idx), pad(hp, idx), pad(he, idx))
            sums[train.speaker_names[spk]] = {k: round(v.item(), 4) for k, v in ls.items()}
            sums[train.speaker_names[spk]].update(pitch_contour(model, b, pad(hdur, idx), pad(hp, idx), pad(he, idx)))
    report = {"steps": step, "epochs": epoch, "minutes": budget.elapsed / 60, "parameters": params,
              "total_steps": total_steps + step, "total_minutes": total_minutes + budget.elapsed / 60,
              "best_step": best["step"], "valid": best["valid"], "heldout_teacher_forced": sums}
    json.dump(report, open(os.path.join(args.work, "fs2.json"), "w"), indent=1)
    say("fs2 done: " + json.dumps(report))
    picture(os.path.join(args.work, "fs2.png"), model, held, hdur, hp, he, symbols, device)


if __name__ == "__main__":
    main()
