/**
 * speechgate's latency SLO under k6, with virtual users that behave like listeners. Each iteration is one
 * listening session: one WebSocket, then UTTERANCES answers one after another, each spoken (whole, or token
 * by token at an LLM's pace) and then *listened to*: the next question comes only after the audio received
 * has played (from the first frame, for its duration) plus THINK_MS. So the load is N concurrent streams
 * in real time, not a flood of connections.
 *
 * Every answer ends with a session-unique sentence, so the phrase cache cannot answer it whole; the cache
 * share is measured anyway (speechgate_cache_hit) and reported. For a cache-free run, start the gateway with
 * SPEECHGATE_CACHE_MAX_BYTES=0.
 *
 * The thresholds fail the run when fewer than MIN_CONTEXTS answers complete (a Rate or a Trend without
 * samples passes in k6, a Counter threshold does not), when more than 1 % fail, or when p95 TTFA misses.
 *
 *   k6 run --no-usage-report -e TOKEN=<jwt> [-e URL=ws://127.0.0.1:8080/v1/stream] [-e VUS=8]
 *          [-e DURATION=3m] [-e MODE=whole|tokens] [-e FORMAT=opus|pcm_s16le|mulaw|mp3]
 *          [-e TTFA_P95_MS=150] loadtest/k6/stream.js
 */
import { check, fail } from 'k6';
import { Counter, Rate, Trend } from 'k6/metrics';
import { setTimeout, clearTimeout } from 'k6/timers';
import { WebSocket } from 'k6/websockets';

const URL = __ENV.URL || 'ws://127.0.0.1:8080/v1/stream';
const TOKEN = __ENV.TOKEN;
const MODE = __ENV.MODE || 'whole';
const FORMAT = __ENV.FORMAT || 'opus';
const VUS = Number(__ENV.VUS || 8);
const DURATION = __ENV.DURATION || '3m';
const UTTERANCES = Number(__ENV.UTTERANCES || 5);
const THINK_MS = Number(__ENV.THINK_MS || 500);
const TTFA_P95_MS = Number(__ENV.TTFA_P95_MS || 150);
const TOKENS_PER_SECOND = Number(__ENV.TOKENS_PER_SECOND || 40);
const CONTEXT_TIMEOUT_MS = Number(__ENV.CONTEXT_TIMEOUT_MS || 60000);
/** Default: every VU completes at least 4 answers a minute of the run (an answer plays for ~10 s). */
const MIN_CONTEXTS = Number(__ENV.MIN_CONTEXTS || Math.max(1, Math.floor(VUS * 4 * minutes(DURATION))));

const ttfa = new Trend('speechgate_ttfa', true);
const serverTtfa = new Trend('speechgate_server_ttfa', true);
const sentenceToAudio = new Trend('speechgate_sentence_to_audio', true);
const audioSeconds = new Counter('speechgate_audio_seconds');
const completed = new Counter('speechgate_contexts_completed');
const contextOk = new Rate('speechgate_context_ok');
const cacheHit = new Rate('speechgate_cache_hit');
const refused = new Counter('speechgate_refused');

export const options = {
  scenarios: {
    listeners: {
      executor: 'constant-vus',
      vus: VUS,
      duration: DURATION,
      gracefulStop: '90s',
    },
  },
  thresholds: {
    speechgate_ttfa: [`p(95)<${TTFA_P95_MS}`],
    speechgate_context_ok: ['rate>0.99'],
    speechgate_contexts_completed: [`count>=${MIN_CONTEXTS}`],
    speechgate_refused: ['count==0'],
    checks: ['rate>0.99'],
  },
};

/** '3m', '90s', '1h' as minutes. */
function minutes(duration) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(duration);
  if (!m) return 1;
  const scale = { ms: 1 / 60000, s: 1 / 60, m: 1, h: 60 }[m[2]];
  return Number(m[1]) * scale;
}

const PARAGRAPHS = [
  'Sure! The quickest way to get there is the number 12 bus from Main Street. It leaves every 15 minutes, and the ride takes about half an hour.',
  'Here is a simple recipe for tonight. Preheat the oven to 400 degrees, toss the vegetables in olive oil with a pinch of salt, and roast them for 25 minutes.',
  'Your flight, UA 482, departs at 7:45 a.m. from gate B 14. Boarding starts 40 minutes before departure, so please be at the gate by 7:05.',
  'To reset your password, open the app, tap Settings, then Account, and choose Reset Password. You will get an email with a link that stays valid for 24 hours.',
  'Good morning! You have four meetings today, the first one at 9:30. The weather looks sunny, with a high of 75, and traffic on your usual route is light.',
];

export function setup() {
  if (!TOKEN) fail('set the gateway token: k6 run --no-usage-report -e TOKEN=<jwt> loadtest/k6/stream.js');
}

/** Words with their leading space, long words cut in pieces of at most 6 characters, like LLM tokens. */
function tokenize(text) {
  const tokens = [];
  for (const piece of text.match(/\s*[A-Za-z]+|\s*[0-9]+|\s*[^\sA-Za-z0-9]|\s+/g) || []) {
    for (let i = 0; i < piece.length; i += 6) tokens.push(piece.slice(i, i + 6));
  }
  return tokens;
}

export default function () {
  // Zero samples make both Counters exist from the first iteration: k6 before v0.38 skipped the thresholds
  // of a metric that had no sample at all (grafana/k6#1053, #1346), so a run where nothing completed passed.
  completed.add(0);
  refused.add(0);
  const session = `vu${__VU}-it${__ITER}`;
  let utterance = 0;
  let state; // per answer: ids, times, counts
  let closed = false;
  const timers = [];
  const later = (fn, ms) => timers.push(setTimeout(fn, ms));

  // k6/websockets does not implement the protocols argument yet: offer the subprotocol as a header.
  const ws = new WebSocket(URL, null, {
    headers: { Authorization: `Bearer ${TOKEN}`, 'Sec-WebSocket-Protocol': 'speechgate.v1' },
    tags: { mode: MODE },
  });
  ws.binaryType = 'arraybuffer';

  // Pending timers keep an iteration alive: clear them however the connection ends.
  const stop = () => {
    closed = true;
    for (const id of timers) clearTimeout(id);
  };
  const close = () => {
    if (closed) return;
    stop();
    ws.close();
  };

  const ended = (ok) => {
    if (!state || state.ended) return;
    state.ended = true;
    clearTimeout(state.timeout);
    contextOk.add(ok);
    if (!ok) {
      close();
      return;
    }
    completed.add(1);
    utterance++;
    if (utterance >= UTTERANCES) {
      close();
      return;
    }
    // Listen: the answer plays from its first frame for its duration, then the user thinks and asks again.
    const playedAt = state.firstFrameAt + state.audioMs;
    later(ask, Math.max(0, playedAt - Date.now()) + THINK_MS);
  };

  const ask = () => {
    if (closed) return;
    const contextId = `${session}-u${utterance}`;
    const base = PARAGRAPHS[(__VU + __ITER + utterance) % PARAGRAPHS.length];
    // A session-unique closing sentence keeps the cache from answering the whole context.
    const text = `${base} Reference ${session} ${utterance}.`;
    const pieces = MODE === 'whole' ? [text] : tokenize(text);
    state = {
      contextId,
      firstTextAt: 0,
      firstFrameAt: 0,
      firstSentenceEnd: -1,
      frames: 0,
      sent: [],
      audioMs: 0,
    };
    state.timeout = setTimeout(() => ended(false), CONTEXT_TIMEOUT_MS);
    ws.send(JSON.stringify({ type: 'start', context_id: contextId, format: { encoding: FORMAT } }));
    const current = state;
    const sendFrom = (index) => {
      if (closed || current.ended) return;
      if (index >= pieces.length) {
        ws.send(JSON.stringify({ type: 'end', context_id: contextId }));
        return;
      }
      const now = Date.now();
      if (index === 0) current.firstTextAt = now;
      ws.send(JSON.stringify({ type: 'text', context_id: contextId, text: pieces[index] }));
      const before = current.sent.length > 0 ? current.sent[current.sent.length - 1][0] : 0;
      current.sent.push([before + pieces[index].length, now]);
      // The mean gap of the token rate, varied by +-50 %.
      const gap = (1000 / TOKENS_PER_SECOND) * (0.5 + Math.random());
      later(() => sendFrom(index + 1), MODE === 'whole' ? 0 : gap);
    };
    sendFrom(0);
  };

  ws.onmessage = (event) => {
    if (typeof event.data !== 'string') {
      if (!state || state.ended) return;
      state.frames++;
      if (state.firstFrameAt === 0) {
        state.firstFrameAt = Date.now();
        ttfa.add(state.firstFrameAt - state.firstTextAt, { mode: MODE });
        // From the text message that completed the first spoken sentence: the gateway's share.
        const end = state.firstSentenceEnd;
        const completing = state.sent.find(([offset]) => offset >= end);
        if (end >= 0 && completing) sentenceToAudio.add(state.firstFrameAt - completing[1], { mode: MODE });
      }
      return;
    }
    const message = JSON.parse(event.data);
    if (message.type === 'ready') {
      ask();
    } else if (message.type === 'sentence' && state && state.firstSentenceEnd < 0) {
      state.firstSentenceEnd = message.end;
    } else if (message.type === 'done' && state && message.context_id === state.contextId) {
      if (message.time_to_first_audio_ms !== null) serverTtfa.add(message.time_to_first_audio_ms);
      audioSeconds.add(message.audio_ms / 1000);
      for (let i = 0; i < message.sentences; i++) cacheHit.add(i < message.cache_hits);
      state.audioMs = message.audio_ms;
      const frames = state.frames;
      check(message, { 'every frame arrived': (m) => m.frames === frames });
      ended(frames > 0);
    } else if (message.type === 'error') {
      // A limit (rate_limited, too_many_*) means the test's tenant settings are too small for the load.
      if (/^(rate_limited|too_many_)/.test(message.code)) refused.add(1);
      console.warn(`${session}: ${message.code}`);
      ended(false);
      close();
    }
  };
  ws.onerror = () => {
    ended(false);
    close();
  };
  ws.onclose = () => {
    ended(false);
    stop();
  };
}
