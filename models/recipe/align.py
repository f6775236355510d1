"""Turn the teacher's phone timings into per-token durations for our front end's symbols.

Why Festival's timings and not a learned aligner: the teacher voice decides its own durations, so its
segment file is the exact ground truth of where each phone lies in the audio; a learned alignment (monotonic
alignment search) could only estimate that. What differs is the phone sequence: Festival has its own lexicon
and post-lexical rules ("the" as dh ax). A weighted edit-distance alignment maps its phones onto ours;
sentences that disagree too much are dropped (their share is reported by features.py).
"""

VOWELS = {"aa", "ae", "ah", "ao", "aw", "ay", "eh", "er", "ey", "ih", "iy", "ow", "oy", "uh", "uw"}
FESTIVAL_TO_CMU = {"ax": "ah", "axr": "er", "el": "l", "em": "m", "en": "n"}
PAUSE_CARRIERS_ORDER = ("punct", "_", "<eos>")
PUNCT = {",", ".", "?", "!", ";", ":", "—", "…"}


def base_phone(symbol):
    return symbol.rstrip("012").lower()


def token_kind(symbol):
    if symbol in ("<bos>", "<eos>", "_"):
        return symbol
    if symbol in PUNCT:
        return "punct"
    return "phone"


def parse_segs(text):
    """Festival .segs: a '#' line, then 'end_time stress_or_num phone' per segment."""
    segs = []
    start = 0.0
    for line in text.splitlines():
        parts = line.split()
        if len(parts) != 3 or parts[0] == "#":
            continue
        end = float(parts[0])
        segs.append((parts[2], start, end))
        start = end
    return segs


def edit_alignment(ours, theirs):
    """Weighted Levenshtein alignment of two phone lists; returns (pairs, cost) with pairs (i|None, j|None)."""
    n, m = len(ours), len(theirs)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back = [[0] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            c = cost[i][j]
            if c == inf:
                continue
            if i < n and j < m:
                a, b = ours[i], theirs[j]
                s = 0.0 if a == b else (0.5 if (a in VOWELS and b in VOWELS) else 1.0)
                if c + s < cost[i + 1][j + 1]:
                    cost[i + 1][j + 1] = c + s
                    back[i + 1][j + 1] = 0
            if i < n and c + 1 < cost[i + 1][j]:
                cost[i + 1][j] = c + 1
                back[i + 1][j] = 1
            if j < m and c + 1 < cost[i][j + 1]:
                cost[i][j + 1] = c + 1
                back[i][j + 1] = 2
    pairs = []
    i, j = n, m
    while i > 0 or j > 0:
        move = back[i][j]
        if move == 0:
            i, j = i - 1, j - 1
            pairs.append((i, j))
        elif move == 1:
            i -= 1
            pairs.append((i, None))
        else:
            j -= 1
            pairs.append((None, j))
    pairs.reverse()
    return pairs, cost[n][m]


def align(symbols, segs, keep_lead=0.03, keep_trail=0.15):
    """Returns dict(seconds=[per token], crop=(start_s, end_s), cost=relative mismatch) or None if unusable."""
    phones = [(k, FESTIVAL_TO_CMU.get(p, p), s, e) for k, (p, s, e) in enumerate(segs) if p != "pau"]
    if not phones:
        return None
    ours = [(t, base_phone(sym)) for t, sym in enumerate(symbols) if token_kind(sym) == "phone"]
    pairs, cost = edit_alignment([p for _, p in ours], [p[1] for p in phones])
    rel_cost = cost / max(1, len(ours))

    seconds = [0.0] * len(symbols)
    aligned_token_of_phone = {}
    last_token = None
    pending_unaligned = []  # our phones with no teacher phone: they share the previous phone's time
    for i, j in pairs:
        if i is not None and j is not None:
            token = ours[i][0]
            _, _, s, e = phones[j]
            seconds[token] += e - s
            aligned_token_of_phone[j] = token
            if pending_unaligned:
                share_time(seconds, [token] + pending_unaligned)
                pending_unaligned = []
            last_token = token
        elif j is not None:  # a teacher phone we do not have: its time goes to the neighbouring phone
            _, _, s, e = phones[j]
            target = last_token if last_token is not None else ours[0][0]
            seconds[target] += e - s
            aligned_token_of_phone[j] = target
        else:
            token = ours[i][0]
            if last_token is not None:
                share_time(seconds, [last_token, token])
                last_token = token
            else:
                pending_unaligned.append(token)

    # Pauses go to the token after the preceding phone's word that can carry one: punctuation, the word
    # boundary, or <eos> after the last phone; a leading pause belongs to <bos>.
    last_phone_end = phones[-1][3]
    lead = 0.0
    crop_start = 0.0
    for k, (p, s, e) in enumerate(segs):
        if p != "pau":
            continue
        prev = [j for j, ph in enumerate(phones) if ph[0] < k]
        if not prev:
            lead = e - s
            crop_start = max(0.0, e - keep_lead)
            seconds[0] += min(lead, keep_lead)
            continue
        if s >= last_phone_end - 1e-6:
            seconds[len(symbols) - 1] += min(e - s, keep_trail)
            continue
        token = aligned_token_of_phone.get(prev[-1])
        if token is None:
            return None
        carrier = pause_carrier(symbols, token)
        seconds[carrier] += e - s
    crop_end = last_phone_end + keep_trail
    trailing = [e for (p, s, e) in segs if p == "pau" and s >= last_phone_end - 1e-6]
    if trailing:
        crop_end = min(crop_end, trailing[-1])
    else:
        crop_end = last_phone_end
    return {"seconds": seconds, "crop": (crop_start, crop_end), "cost": rel_cost}


def share_time(seconds, tokens):
    total = sum(seconds[t] for t in tokens)
    for t in tokens:
        seconds[t] = total / len(tokens)


def pause_carrier(symbols, token):
    run = []
    for t in range(token + 1, len(symbols)):
        if token_kind(symbols[t]) == "phone":
            break
        run.append(t)
    for kind in PAUSE_CARRIERS_ORDER:
        for t in run:
            if token_kind(symbols[t]) == kind:
                return t
    return token


def to_frames(seconds, n_frames, frames_per_second):
    """Cumulative rounding so the frames sum exactly; the last token absorbs the remainder."""
    frames = []
    acc = 0.0
    prev = 0
    for s in seconds:
        acc += s
        b = int(round(acc * frames_per_second))
        frames.append(max(0, b - prev))
        prev = max(prev, b)
    diff = n_frames - sum(frames)
    frames[-1] += diff
    if frames[-1] < 0:
        return None, diff
    return frames, diff
