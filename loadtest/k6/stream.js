/**
 * speechgate under k6: each iteration opens one connection, speaks one paragraph in one context (whole, or
 * token by token at an LLM's pace), and records the time to first audio: from the first `text` message
 * to the first binary (audio) message. Thresholds fail the run when its p95 exceeds the target (use
 * MODE=whole for that: in tokens mode TTFA also counts the first sentence's tokens arriving).
 *
 *   k6 run -e TOKEN=<jwt> [-e URL=ws://127.0.0.1:8080/v1/stream] [-e MODE=whole|tokens]
 *          [-e FORMAT=opus] [-e MAX_VUS=8] [-e STAGE=1m] [-e TTFA_P95_MS=150] loadtest/k6/stream.js
 */
import { check, fail } from 'k6';
import { Counter, Rate, Trend } from 'k6/metrics';
import { setTimeout, clearTimeout } from 'k6/timers';
import { WebSocket } from 'k6/websockets';

const URL = __ENV.URL || 'ws://127.0.0.1:8080/v1/stream';
const TOKEN = __ENV.TOKEN;
const MODE = __ENV.MODE || 'whole';
const FORMAT = __ENV.FORMAT || 'opus';
const MAX_VUS = Number(__ENV.MAX_VUS || 8);
const STAGE = __ENV.STAGE || '1m';
const TTFA_P95_MS = Number(__ENV.TTFA_P95_MS || 150);
const TOKENS_PER_SECOND = Number(__ENV.TOKENS_PER_SECOND || 40);
const CONTEXT_TIMEOUT_MS = Number(__ENV.CONTEXT_TIMEOUT_MS || 60000);

const ttfa = new Trend('speechgate_ttfa', true);
const serverTtfa = new Trend('speechgate_server_ttfa', true);
const sentenceToAudio = new Trend('speechgate_sentence_to_audio', true);
const rtf = new Trend('speechgate_rtf');
const audioSeconds = new Counter('speechgate_audio_seconds');
const contextOk = new Rate('speechgate_context_ok');

export const options = {
  scenarios: {
    ramp: {
      executor: 'ramping-vus',
      startVUs: 1,
      stages: [
        { duration: STAGE, target: 1 },
        { duration: STAGE, target: Math.max(1, Math.floor(MAX_VUS / 2)) },
        { duration: STAGE, target: MAX_VUS },
        { duration: STAGE, target: MAX_VUS },
      ],
      gracefulRampDown: '60s',
      gracefulStop: '60s',
    },
  },
  thresholds: {
    speechgate_ttfa: [`p(95)<${TTFA_P95_MS}`],
    speechgate_context_ok: ['rate>0.99'],
  },
};

const PARAGRAPHS = [
  'Sure! The quickest way to get there is the number 12 bus from Main Street. It leaves every 15 minutes, and the ride takes about half an hour.',
  'Here is a simple recipe for tonight. Preheat the oven to 400 degrees, toss the vegetables in olive oil with a pinch of salt, and roast them for 25 minutes.',
  'Your flight, UA 482, departs at 7:45 a.m. from gate B 14. Boarding starts 40 minutes before departure, so please be at the gate by 7:05.',
  'To reset your password, open the app, tap Settings, then Account, and choose Reset Password. You will get an email with a link that stays valid for 24 hours.',
  'Good morning! You have four meetings today, the first one at 9:30. The weather looks sunny, with a high of 75, and traffic on your usual route is light.',
];

export function setup() {
  if (!TOKEN) fail('set the gateway token: k6 run -e TOKEN=<jwt> loadtest/k6/stream.js');
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
  const contextId = `vu${__VU}-it${__ITER}`;
  const text = PARAGRAPHS[(__VU + __ITER) % PARAGRAPHS.length];
  const pieces = MODE === 'whole' ? [text] : tokenize(text);
  let firstTextAt = 0;
  let firstFrameAt = 0;
  let firstSentenceEnd = -1;
  let frames = 0;
  const sent = []; // [offset reached, when] per text message
  let finished = false;
  const timers = [];

  // k6/websockets does not implement the protocols argument yet: offer the subprotocol as a header.
  const ws = new WebSocket(URL, null, {
    headers: { Authorization: `Bearer ${TOKEN}`, 'Sec-WebSocket-Protocol': 'speechgate.v1' },
    tags: { mode: MODE },
  });
  ws.binaryType = 'arraybuffer';

  const finish = (ok) => {
    if (finished) return;
    finished = true;
    contextOk.add(ok);
    for (const id of timers) clearTimeout(id);
    ws.close();
  };

  const sendFrom = (index) => {
    if (finished || index >= pieces.length) {
      if (!finished) ws.send(JSON.stringify({ type: 'end', context_id: contextId }));
      return;
    }
    const now = Date.now();
    if (index === 0) firstTextAt = now;
    ws.send(JSON.stringify({ type: 'text', context_id: contextId, text: pieces[index] }));
    sent.push([(sent.length > 0 ? sent[sent.length - 1][0] : 0) + pieces[index].length, now]);
    // The mean gap of the token rate, varied by ±50 %.
    const gap = (1000 / TOKENS_PER_SECOND) * (0.5 + Math.random());
    timers.push(setTimeout(() => sendFrom(index + 1), MODE === 'whole' ? 0 : gap));
  };

  ws.onmessage = (event) => {
    if (typeof event.data !== 'string') {
      frames++;
      if (firstFrameAt === 0) {
        firstFrameAt = Date.now();
        ttfa.add(firstFrameAt - firstTextAt, { mode: MODE });
        // From the text message that completed the first spoken sentence: the gateway's share.
        const completing = sent.find(([end]) => end >= firstSentenceEnd);
        if (firstSentenceEnd >= 0 && completing)
          sentenceToAudio.add(firstFrameAt - completing[1], { mode: MODE });
      }
      return;
    }
    const message = JSON.parse(event.data);
    if (message.type === 'ready') {
      ws.send(JSON.stringify({ type: 'start', context_id: contextId, format: { encoding: FORMAT } }));
      sendFrom(0);
    } else if (message.type === 'sentence' && firstSentenceEnd < 0) {
      firstSentenceEnd = message.end;
    } else if (message.type === 'done' && message.context_id === contextId) {
      if (message.time_to_first_audio_ms !== null) serverTtfa.add(message.time_to_first_audio_ms);
      const wallMs = Date.now() - firstFrameAt;
      if (wallMs > 0) rtf.add(message.audio_ms / wallMs);
      audioSeconds.add(message.audio_ms / 1000);
      check(message, { 'every frame arrived': (m) => m.frames === frames });
      finish(frames > 0);
    } else if (message.type === 'error') {
      console.warn(`${contextId}: ${message.code}`);
      finish(false);
    }
  };
  ws.onerror = () => finish(false);
  ws.onclose = () => finish(false);
  timers.push(setTimeout(() => finish(false), CONTEXT_TIMEOUT_MS));
}
