"""Render the training corpus with the Festival teacher voice (cmu_us_slt_arctic_hts).

Input: corpus.jsonl written by `speechgate phonemize` (one sentence a line, with the front end's symbols and
its normalised `spoken` text). Festival reads the normalised text, so numbers, dates and abbreviations are
spoken exactly as our own front end reads them; only pronunciation details differ, and align.py reconciles
those. Output: <out>/wav/<id>.wav (32 kHz) and <out>/segs/<id>.segs (phone end times), rendered by N
Festival processes in parallel, each loading the voice once. Resumable: existing outputs are skipped.
"""

import argparse
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

# Pauses only where the text has punctuation, so that every teacher pause has a token in our input that can
# carry its duration. Festival's default phrasing also breaks between words, which no input token predicts.
PHRASING = """
(set! sg_phrase_tree
 '((lisp_token_end_punc in ("?" "." ":" "!"))
   ((BB))
   ((lisp_token_end_punc in ("," ";" "..."))
    ((B))
    ((n.name is 0) ((BB)) ((NB))))))
(Parameter.set 'Phrase_Method 'cart_tree)
(set! phrase_cart_tree sg_phrase_tree)
"""


def festival_text(spoken: str) -> str:
    text = spoken.replace("—", ",").replace("…", ",")
    return text.replace("\\", " ").replace('"', " ")


def scheme_script(items, out_dir):
    lines = ["(voice_cmu_us_slt_arctic_hts)", PHRASING]
    for utt_id, text in items:
        wav = os.path.join(out_dir, "wav", utt_id + ".wav")
        segs = os.path.join(out_dir, "segs", utt_id + ".segs")
        # unwind-protect: one sentence Festival cannot say must not end the whole batch
        lines.append(
            f'(unwind-protect (let ((u (utt.synth (eval (list \'Utterance \'Text "{text}")))))'
            f' (utt.save.wave u "{wav}.tmp" \'riff) (utt.save.segs u "{segs}.tmp")) nil)'
        )
    return "\n".join(lines) + "\n"


def run_batch(festival_cmd, script_path, log_path):
    with open(log_path, "w") as log:
        return subprocess.call(festival_cmd + ["--batch", script_path], stdout=log, stderr=subprocess.STDOUT)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--festival", default="festival", help="festival binary (festival-run from the bundle)")
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()

    os.makedirs(os.path.join(args.out, "wav"), exist_ok=True)
    os.makedirs(os.path.join(args.out, "segs"), exist_ok=True)
    todo = []
    with open(args.corpus) as f:
        for line in f:
            rec = json.loads(line)
            if os.path.exists(os.path.join(args.out, "segs", rec["id"] + ".segs")):
                continue
            todo.append((rec["id"], festival_text(rec["spoken"])))
            if args.limit and len(todo) >= args.limit:
                break
    print(f"render: {len(todo)} sentences to render with {args.jobs} festival processes", flush=True)
    if not todo:
        return
    jobs = max(1, min(args.jobs, len(todo)))
    shards = [todo[i::jobs] for i in range(jobs)]
    scripts = []
    for i, shard in enumerate(shards):
        path = os.path.join(args.out, f"batch{i}.scm")
        with open(path, "w") as f:
            f.write(scheme_script(shard, args.out))
        scripts.append(path)
    with ThreadPoolExecutor(jobs) as pool:
        codes = list(pool.map(lambda p: run_batch([args.festival], p, p + ".log"), scripts))
    # Outputs are written under .tmp names and renamed only when both exist, so a killed run never leaves a
    # half-written pair behind that a resumed run would mistake for done.
    done = 0
    for utt_id, _ in todo:
        wav = os.path.join(args.out, "wav", utt_id + ".wav")
        segs = os.path.join(args.out, "segs", utt_id + ".segs")
        if os.path.exists(wav + ".tmp") and os.path.exists(segs + ".tmp"):
            os.replace(wav + ".tmp", wav)
            os.replace(segs + ".tmp", segs)
            done += 1
    print(f"render: {done}/{len(todo)} rendered; festival exit codes {sorted(set(codes))}", flush=True)
    if done < 0.9 * len(todo):
        sys.exit("render: too many sentences failed; see batch*.scm.log")


if __name__ == "__main__":
    main()
