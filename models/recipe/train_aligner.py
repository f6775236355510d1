"""Train the aligner (aligner.py) on a clip pack for a wall-clock budget, then write per-token durations for
every clip (training and held-out) by monotonic alignment search, alignment pictures, and checks: durations
sum to the frame counts; the forward-sum loss on held-out clips; where the silences fall."""

import argparse
import json
import os
import time

import numpy as np
import torch

from aligner import Aligner, batch_prior, forward_sum_loss, mas_durations
from clipdata import Pack
from common import TimeBudget, cosine_lr, length_batches, save_atomic

MARKERS = {"<bos>", "<eos>", "_", ",", ".", "?", "!", ";", ":", "—", "…"}


def run_batches(model, pack, max_frames, device):
    """(name, durations, logp) per clip, in pack order, with the prior as in training."""
    order = list(range(len(pack)))
    out = {}
    for batch in length_batches(pack.frames, max_frames, 64, 0):
        b = pack.batch(batch)
        with torch.no_grad():
            logp = model(b["ids"], b["mel"], b["speaker"], batch_prior(b["tokens"], b["frames"]))
            loss = forward_sum_loss(logp, b["tokens"], b["frames"]).item()
        for j, d in zip(batch, mas_durations(logp, b["tokens"], b["frames"])):
            out[j] = (d, loss)
    return [out[i] for i in order]


def silence_check(pack, durations, symbols):
    """Pause frames (markers) that are quiet, and quiet runs inside the clip that the alignment gives to a
    marker: a cheap held-out check that needs no hand labels."""
    quiet_in_marker, marker_frames, runs, runs_on_marker = 0, 0, 0, 0
    for mel, ids, dur in zip(pack.mels, pack.ids, durations):
        energy = mel.float().mean(0).cpu().numpy()
        lo, hi = np.percentile(energy, 2), np.percentile(energy, 98)
        quiet = energy < lo + 0.25 * (hi - lo)
        token = np.repeat(np.arange(len(dur)), dur)
        is_marker = np.array([symbols[i] in MARKERS for i in ids.tolist()])[token]
        marker_frames += int(is_marker.sum())
        quiet_in_marker += int((is_marker & quiet).sum())
        # quiet runs of >= 10 frames (116 ms) away from the clip's ends
        t, n = 0, len(quiet)
        while t < n:
            if quiet[t]:
                u = t
                while u < n and quiet[u]:
                    u += 1
                if u - t >= 10 and t > 0 and u < n:
                    runs += 1
                    runs_on_marker += int(is_marker[t:u].mean() >= 0.5)
                t = u
            else:
                t += 1
    return {"marker_frames_quiet": quiet_in_marker / max(1, marker_frames),
            "inner_pauses": runs, "inner_pauses_on_marker": runs_on_marker / max(1, runs)}


def picture(path, pack, model, items, symbols, device):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(items), 1, figsize=(14, 4.2 * len(items)))
    for ax, i in zip(np.atleast_1d(axes), items):
        b = pack.batch([i])
        with torch.no_grad():
            logp = model(b["ids"], b["mel"], b["speaker"], batch_prior(b["tokens"], b["frames"]))
        d = mas_durations(logp, b["tokens"], b["frames"])[0]
        ax.imshow(logp[0].exp().T.cpu().numpy(), aspect="auto", origin="lower", cmap="magma")
        edges = np.cumsum(d)
        ax.step(np.concatenate([[0], edges]), np.arange(len(d) + 1) - 0.5, where="post", color="cyan", lw=0.8)
        ax.set_yticks(range(len(d)))
        ax.set_yticklabels([symbols[t] for t in pack.ids[i].tolist()], fontsize=5)
        ax.set_title(f"{pack.names[i]}: soft attention and MAS path (frames of 11.6 ms)", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True, help="folder with pack.npz, heldout.npz, symbols.json")
    ap.add_argument("--work", required=True)
    ap.add_argument("--minutes", type=float, default=2.5)
    ap.add_argument("--max-frames", type=int, default=24000)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--limit", type=int, default=0, help="first N clips only (smoke runs)")
    ap.add_argument("--init", help="aligner weights to start from")
    args = ap.parse_args()
    torch.manual_seed(1234)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    os.makedirs(args.work, exist_ok=True)
    log = open(os.path.join(args.work, "aligner.log"), "a")

    def say(msg):
        print(msg, flush=True)
        log.write(msg + "\n")
        log.flush()

    symbols = json.load(open(os.path.join(args.data, "symbols.json")))
    train = Pack(os.path.join(args.data, "pack.npz"), device, args.limit)
    held = Pack(os.path.join(args.data, "heldout.npz"), device, min(args.limit, 8) if args.limit else 0)
    model = Aligner(len(symbols), len(train.speaker_names)).to(device)
    if args.init:
        model.load_state_dict(torch.load(args.init, map_location=device)["model"])
        say(f"aligner: initialised from {args.init}")
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-6)
    say(f"aligner: {sum(p.numel() for p in model.parameters())/1e6:.2f} M parameters, {len(train)} train / "
        f"{len(held)} held-out clips")
    budget, step, epoch, t_log = TimeBudget(args.minutes), 0, 0, time.time()
    while not budget.done():
        for batch in length_batches(train.frames, args.max_frames, 64, epoch):
            if budget.done():
                break
            b = train.batch(batch)
            for g in opt.param_groups:
                g["lr"] = cosine_lr(args.lr, budget.fraction, step, 100)
            logp = model(b["ids"], b["mel"], b["speaker"], batch_prior(b["tokens"], b["frames"]))
            loss = forward_sum_loss(logp, b["tokens"], b["frames"])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            step += 1
            if time.time() - t_log > 20:
                say(f"aligner step {step} ep {epoch} {budget.elapsed/60:.1f} min forward-sum {loss.item():.4f}")
                t_log = time.time()
        epoch += 1
    save_atomic({"model": model.state_dict(), "step": step, "symbols": symbols,
                 "speakers": train.speaker_names}, os.path.join(args.work, "aligner.pt"))
    model.eval()
    durations, report = {}, {"steps": step, "epochs": epoch, "minutes": budget.elapsed / 60}
    for label, pack in (("train", train), ("heldout", held)):
        res = run_batches(model, pack, args.max_frames, device)
        durs = [r[0] for r in res]
        bad = sum(int(d.sum()) != f for d, f in zip(durs, pack.frames))
        assert bad == 0, f"{bad} {label} clips whose durations do not sum to their frame count"
        for name, d in zip(pack.names, durs):
            durations[name] = d.astype(np.int16)
        report[label] = {"clips": len(pack), "forward_sum": float(np.mean([r[1] for r in res])),
                         "durations_sum_to_frames": True, **silence_check(pack, durs, symbols),
                         "mean_frames_per_phone": float(np.mean([
                             d[i] for d, ids in zip(durs, pack.ids) for i, s in enumerate(ids.tolist())
                             if symbols[s] not in MARKERS]))}
    np.savez(os.path.join(args.work, "durations.npz"), **{k.replace("/", "__"): v for k, v in durations.items()})
    picture(os.path.join(args.work, "align.png"), held, model, [0, len(held) - 1], symbols, device)
    json.dump(report, open(os.path.join(args.work, "aligner.json"), "w"), indent=1)
    say("aligner done: " + json.dumps(report))


if __name__ == "__main__":
    main()
