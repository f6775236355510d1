"""Train the acoustic model on the rendered corpus for a wall-clock budget, then write the ground-truth-aligned
(teacher-forced) mels that the vocoder is fine-tuned on, and the final checkpoint."""

import argparse
import json
import os
import time

import torch
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence

from acoustic import Acoustic
from common import TimeBudget, cosine_lr, length_batches, save_atomic, split_ids


def symbol_min_frames(symbols):
    markers = {"<pad>", "<bos>", "<eos>", "_", ",", ".", "?", "!", ";", ":", "—", "…"}
    return [0 if s in markers else 1 for s in symbols]


def make_batch(items, device):
    ids = pad_sequence([x["ids"].long() for x in items], batch_first=True).to(device)
    dur = pad_sequence([x["durations"].long() for x in items], batch_first=True).to(device)
    mel = pad_sequence([x["mel"].T.float() for x in items], batch_first=True).transpose(1, 2).to(device)
    return ids, dur, mel


def losses(model, ids, dur, mel):
    mel_pred, mel_post, log_dur, frame_pad = model(ids, dur)
    keep = (~frame_pad).unsqueeze(1).float()
    n = keep.sum() * mel.size(1)
    l_mel = (torch.abs(mel_pred.float() - mel) * keep).sum() / n
    l_post = (torch.abs(mel_post.float() - mel) * keep).sum() / n
    tok = ids.ne(0).float()
    l_dur = (((log_dur.float() - torch.log1p(dur.float())) ** 2) * tok).sum() / tok.sum()
    return l_mel, l_post, l_dur


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--features", required=True)
    ap.add_argument("--symbols", required=True, help="symbols.json from the front end")
    ap.add_argument("--work", required=True)
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--max-frames", type=int, default=16000)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--init", help="start from these weights (a previous run's model) with a fresh schedule")
    ap.add_argument("--warmup", type=int, default=600)
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    os.makedirs(args.work, exist_ok=True)
    log = open(os.path.join(args.work, "acoustic.log"), "a")

    def say(msg):
        print(msg, flush=True)
        log.write(msg + "\n")
        log.flush()

    symbols = json.load(open(args.symbols))
    data = torch.load(os.path.join(args.features, "features.pt"))
    train_ids, valid_ids = split_ids(list(data.keys()))
    valid_ids = valid_ids or train_ids[:4]  # tiny smoke corpora
    train = [data[i] for i in train_ids]
    valid = [data[i] for i in valid_ids][:64]
    lengths = [int(x["durations"].sum()) for x in train]

    model = Acoustic(len(symbols), symbol_min_frames(symbols)).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.98), weight_decay=0.01)
    ckpt_path = os.path.join(args.work, "acoustic.ckpt")
    step, elapsed, epoch = 0, 0.0, 0
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path, map_location=device)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        step, elapsed, epoch = ck["step"], ck["elapsed"], ck["epoch"]
        say(f"resumed at step {step}, {elapsed/60:.1f} min")
    elif args.init:
        model.load_state_dict(torch.load(args.init, map_location=device)["model"])
        say(f"initialised from {args.init}")
    params = sum(p.numel() for p in model.parameters())
    say(f"acoustic: {params/1e6:.2f} M parameters, {len(train)} train / {len(valid)} valid sentences")
    budget = TimeBudget(args.minutes, elapsed)
    last_save = time.time()
    while not budget.done():
        for batch in length_batches(lengths, args.max_frames, 64, args.seed + epoch):
            if budget.done():
                break
            model.train()
            ids, dur, mel = make_batch([train[i] for i in batch], device)
            lr = cosine_lr(args.lr, budget.fraction, step, args.warmup)
            for g in opt.param_groups:
                g["lr"] = lr
            with torch.autocast("cuda", dtype=torch.bfloat16, enabled=device.type == "cuda"):
                l_mel, l_post, l_dur = losses(model, ids, dur, mel)
            loss = l_mel + l_post + l_dur
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            step += 1
            if step % 200 == 0:
                say(f"step {step} ep {epoch} {budget.elapsed/60:.1f}min lr {lr:.2e} mel {l_mel.item():.4f} "
                    f"post {l_post.item():.4f} dur {l_dur.item():.4f}")
            if time.time() - last_save > 120:
                save_atomic({"model": model.state_dict(), "opt": opt.state_dict(), "step": step,
                             "elapsed": budget.elapsed, "epoch": epoch}, ckpt_path)
                last_save = time.time()
        epoch += 1
    save_atomic({"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "elapsed": budget.elapsed,
                 "epoch": epoch, "config": model.config, "symbols": symbols}, ckpt_path)

    model.eval()
    with torch.no_grad():
        ids, dur, mel = make_batch(valid, device)
        l_mel, l_post, l_dur = losses(model, ids, dur, mel)
    summary = {"steps": step, "epochs": epoch, "minutes": budget.elapsed / 60, "parameters": params,
               "valid_mel_l1": l_post.item(), "valid_mel_l1_prenet": l_mel.item(), "valid_log_dur_mse": l_dur.item(),
               "train_sentences": len(train), "valid_sentences": len(valid)}
    say("acoustic done: " + json.dumps(summary))
    json.dump(summary, open(os.path.join(args.work, "acoustic.json"), "w"), indent=1)

    # Teacher-forced mels for every sentence, for the vocoder to learn to undo this model's blur.
    gta = {}
    with torch.no_grad():
        keys = list(data.keys())
        for k in range(0, len(keys), 32):
            chunk = keys[k : k + 32]
            ids, dur, _ = make_batch([data[i] for i in chunk], device)
            _, mel_post, _, _ = model(ids, dur)
            for j, key in enumerate(chunk):
                n = int(dur[j].sum())
                gta[key] = mel_post[j, :, :n].to(torch.float16).cpu()
    save_atomic(gta, os.path.join(args.work, "gta.pt"))
    open(os.path.join(args.work, "acoustic.done"), "w").close()
    say("acoustic: wrote teacher-forced mels")


if __name__ == "__main__":
    main()
