/**
 * The demo page's script (public/index.html), bundled with the client library into
 * public/vendor/speechgate-demo.js by `npm run build:demo` in client/. Its numbers are mirrored on
 * `window.__speechgate` so the browser test can read them.
 */
import {
  SpeechgateClient,
  SpeechgatePlayer,
  type AudioFormat,
  type Context,
  type ReadyInfo,
} from '../src/index.js';

/** What the page measured, for people (the stats panel) and for test/browser/demo.test.ts. */
export interface DemoStats {
  state: 'idle' | 'connecting' | 'ready' | 'speaking' | 'done' | 'stopped' | 'error';
  voices: string[];
  contextId: string | undefined;
  format: AudioFormat | undefined;
  /** sendText to the first audible decoded sample, in ms. */
  firstAudioMs: number | undefined;
  serverFirstAudioMs: number | null | undefined;
  framesReceived: number;
  decodedMs: number;
  playedMs: number;
  positionMs: number;
  word: string | undefined;
  /** Every word highlighted so far, in order. */
  highlighted: string[];
  /** From the gateway's `done`. */
  doneAudioMs: number | undefined;
  doneFrames: number | undefined;
  /** Playback of everything received has finished. */
  ended: boolean;
  /** Set by Stop: frames delivered and position reached at that moment, and frames delivered after it. */
  stoppedAt: { framesReceived: number; positionMs: number } | undefined;
  framesAfterStop: number;
  error: string | undefined;
}

declare global {
  interface Window {
    __speechgate: DemoStats;
  }
}

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const ui = {
  token: $<HTMLInputElement>('token'),
  voice: $<HTMLSelectElement>('voice'),
  format: $<HTMLSelectElement>('format'),
  text: $<HTMLTextAreaElement>('text'),
  stream: $<HTMLInputElement>('stream'),
  speak: $<HTMLButtonElement>('speak'),
  stop: $<HTMLButtonElement>('stop'),
  status: $<HTMLElement>('status'),
  spoken: $<HTMLElement>('spoken'),
  ttfa: $<HTMLElement>('ttfa'),
  serverTtfa: $<HTMLElement>('server-ttfa'),
  duration: $<HTMLElement>('duration'),
  position: $<HTMLElement>('position'),
};

function freshStats(): DemoStats {
  return {
    state: 'idle',
    voices: [],
    contextId: undefined,
    format: undefined,
    firstAudioMs: undefined,
    serverFirstAudioMs: undefined,
    framesReceived: 0,
    decodedMs: 0,
    playedMs: 0,
    positionMs: 0,
    word: undefined,
    highlighted: [],
    doneAudioMs: undefined,
    doneFrames: undefined,
    ended: false,
    stoppedAt: undefined,
    framesAfterStop: 0,
    error: undefined,
  };
}

const stats = (window.__speechgate = freshStats());
const player = new SpeechgatePlayer({ jitterMs: 80 });
const params = new URLSearchParams(location.search);
const wsUrl =
  params.get('ws') ?? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/v1/stream`;
let client: SpeechgateClient | undefined;
let current: Context | undefined;
let feeding: ReturnType<typeof setTimeout> | undefined;
/** Resolved once at load: isConfigSupported is async, and Speak must not await before audio starts. */
let autoFormat: AudioFormat = { encoding: 'pcm_s16le', sampleRate: 24000 };

function setStatus(text: string, isError = false): void {
  ui.status.textContent = text;
  ui.status.classList.toggle('error', isError);
}

const ms = (v: number | null | undefined): string =>
  v === undefined || v === null ? '–' : `${Math.round(v)} ms`;

function render(): void {
  ui.ttfa.textContent = ms(stats.firstAudioMs);
  ui.serverTtfa.textContent = ms(stats.serverFirstAudioMs);
  ui.duration.textContent = `${ms(stats.decodedMs)} / ${ms(stats.doneAudioMs)}`;
  ui.position.textContent = ms(stats.positionMs);
  // While speaking, Stop ends the speech; Speak comes back once it has played or been stopped.
  ui.speak.disabled = ['idle', 'connecting', 'error', 'speaking'].includes(stats.state);
  ui.stop.disabled = stats.state !== 'speaking';
}

/** The spoken text with the word being spoken wrapped in <mark>. */
function highlight(text: string, start: number, end: number): void {
  const mark = document.createElement('mark');
  mark.textContent = text.slice(start, end);
  ui.spoken.replaceChildren(text.slice(0, start), mark, text.slice(end));
}

function fillSelects(info: ReadyInfo): void {
  ui.voice.replaceChildren(
    ...info.voices.map(
      (v) =>
        new Option(`${v.name} (${v.language})`, v.id, v.id === info.defaultVoice, v.id === info.defaultVoice),
    ),
  );
  // The player plays every format but mp3 (made for saving, see docs/PROTOCOL.md).
  const formats = Object.entries(info.formats)
    .filter(([enc]) => enc !== 'mp3')
    .flatMap(([enc, rates]) => rates.map((r) => `${enc}@${r}`));
  const auto = `${autoFormat.encoding}@${autoFormat.sampleRate}`;
  ui.format.replaceChildren(
    new Option(`auto (${auto})`, 'auto', true, true),
    ...formats.map((f) => new Option(f, f)),
  );
  ui.voice.disabled = ui.format.disabled = false;
  void describeVoices();
}

/** The voice catalogue of the HTTP API (GET /v1/voices), for labels with gender and description. */
interface VoiceListing {
  data: { id: string; name: string; language: string | null; gender: string | null; description: string }[];
}

/** Relabels the voice picker from /v1/voices; the hello message's names stay when that fails. */
async function describeVoices(): Promise<void> {
  try {
    const res = await fetch(new URL('/v1/voices', location.href));
    if (!res.ok) return;
    const listing = (await res.json()) as VoiceListing;
    for (const option of Array.from(ui.voice.options)) {
      const voice = listing.data.find((v) => v.id === option.value);
      if (voice === undefined) continue;
      const details = [voice.language, voice.gender].filter((d) => d !== null).join(', ');
      option.textContent = `${voice.id} (${details})`;
      option.title = voice.description;
    }
  } catch {
    // The picker already works from the WebSocket's hello.
  }
}

function connect(): void {
  client?.close();
  const token = ui.token.value.trim();
  if (token === '') {
    setStatus('Enter a token to connect');
    return;
  }
  stats.state = 'connecting';
  setStatus('Connecting…');
  const c = (client = new SpeechgateClient({ url: wsUrl, token }));
  let connected = false;
  c.on('ready', (info) => {
    connected = true;
    stats.state = 'ready';
    stats.voices = info.voices.map((v) => v.id);
    fillSelects(info);
    setStatus(`Connected: ${info.voices.length} voice(s)`);
    render();
  });
  c.on('reconnecting', ({ delayMs }) =>
    setStatus(`Connection lost; reconnecting in ${Math.round(delayMs)} ms…`),
  );
  c.on('close', (err) => {
    if (client !== c) return;
    stats.state = 'error';
    stats.error = `${err.code}: ${err.message}`;
    if (connected || err.code !== 'connection_failed') {
      setStatus(`Disconnected (${err.code}): ${err.message}`, true);
    } else {
      // A browser sees a refused upgrade (401/403) only as close code 1006, the same as an unreachable
      // host; the usual cause is the token, so say so, then ask the HTTP API, which reports the status.
      stats.error = 'token_or_unreachable';
      setStatus(
        'Could not connect (1006). The gateway refuses a wrong or expired token this way: check the token ' +
          '(`npm start` prints a fresh one; dev tokens expire after 24 h and at every restart).',
        true,
      );
      void explainRefusal(token).then((why) => {
        if (why === undefined || client !== c) return;
        stats.error = why.code;
        setStatus(why.text, true);
      });
    }
    render();
  });
  render();
}

/** Asks POST /v1/audio/speech (same origin only) with the token and an empty body: auth is checked first. */
async function explainRefusal(token: string): Promise<{ code: string; text: string } | undefined> {
  if (new URL(wsUrl).host !== location.host) return undefined;
  try {
    const res = await fetch('/v1/audio/speech', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    if (res.status !== 401 && res.status !== 403) return undefined;
    const body = (await res.json().catch(() => ({}))) as { error?: { message?: unknown } | string };
    const detail = typeof body.error === 'object' ? body.error.message : body.error;
    const code = res.status === 401 ? 'unauthenticated' : 'forbidden';
    const what = res.status === 401 ? 'The token was rejected' : 'The token lacks the tts scope';
    return {
      code,
      text: `${what} (${res.status}${typeof detail === 'string' ? `: ${detail}` : ''}). Paste a valid token.`,
    };
  } catch {
    return undefined;
  }
}

function selectedFormat(): AudioFormat {
  if (ui.format.value === 'auto' || ui.format.value === '') return autoFormat;
  const [encoding, rate] = ui.format.value.split('@');
  return { encoding: encoding as AudioFormat['encoding'], sampleRate: Number(rate) };
}

/** Text in LLM-sized pieces: a word, or a few letters of a long one, with the spaces kept. */
function tokens(text: string): string[] {
  return text.match(/\s*[^\s]{1,6}/g) ?? [];
}

function speak(): void {
  if (!client || stats.state === 'speaking') return; // one speech at a time: Stop first
  stop();
  const format = selectedFormat();
  const preparing = player.prepare(format); // inside the click: browsers allow audio to start
  const ctx = (current = client.context({ voice: ui.voice.value || undefined, format }));
  Object.assign(stats, freshStats(), { state: 'speaking', voices: stats.voices, contextId: ctx.id, format });
  const text = ui.text.value;
  ui.spoken.textContent = text;
  preparing.catch((e: unknown) => fail(String(e)));
  player.play(ctx);
  ctx.on('audio', () => {
    stats.framesReceived = ctx.framesReceived;
    if (stats.stoppedAt) stats.framesAfterStop++;
  });
  ctx.on('done', (d) => {
    stats.doneAudioMs = d.audioMs;
    stats.doneFrames = d.frames;
    stats.serverFirstAudioMs = d.timeToFirstAudioMs;
    render();
  });
  ctx.on('refused', (ev) => setStatus(`Refused (${ev.error.code}): ${ev.error.message}`, true));
  ctx.on('error', (err) => fail(`${err.code}: ${err.message}`));
  setStatus('Speaking…');
  if (ui.stream.checked) {
    const pieces = tokens(text);
    const next = (): void => {
      const piece = pieces.shift();
      if (current !== ctx || ctx.state !== 'open') return;
      if (piece === undefined) void ctx.end();
      else {
        ctx.sendText(piece);
        feeding = setTimeout(next, 25);
      }
    };
    next();
  } else {
    ctx.sendText(text);
    void ctx.end();
  }
  render();
}

function stop(): void {
  clearTimeout(feeding);
  if (!current || stats.state !== 'speaking') return;
  stats.stoppedAt = { framesReceived: stats.framesReceived, positionMs: stats.positionMs };
  player.stop(); // silences now and cancels the context
  stats.state = 'stopped';
  setStatus('Stopped');
  render();
}

function fail(message: string): void {
  stats.state = 'error';
  stats.error = message;
  setStatus(message, true);
  render();
}

player.on('firstaudio', (e) => {
  if (e.contextId !== stats.contextId) return;
  stats.firstAudioMs = e.ms;
  render();
});
player.on('position', (e) => {
  if (e.contextId !== stats.contextId || !current) return;
  Object.assign(stats, {
    positionMs: e.ms,
    decodedMs: player.stats.decodedMs,
    playedMs: player.stats.playedMs,
  });
  const word = current.wordAt(e.ms);
  if (word && word.word !== stats.word) stats.highlighted.push(word.word);
  stats.word = word?.word;
  if (word) highlight(current.text, word.start, word.end);
  render();
});
player.on('ended', (e) => {
  if (e.contextId !== stats.contextId) return;
  Object.assign(stats, {
    ended: true,
    playedMs: e.playedMs,
    positionMs: e.playedMs,
    decodedMs: player.stats.decodedMs,
  });
  if (stats.state === 'speaking') {
    stats.state = 'done';
    setStatus('Done');
  }
  ui.spoken.textContent = current?.text ?? '';
  render();
});
player.on('error', (err) => fail(`${err.code}: ${err.message}`));

ui.speak.addEventListener('click', speak);
ui.stop.addEventListener('click', stop);
ui.token.addEventListener('change', connect);
ui.token.value = params.get('token') ?? '';
if (params.has('token')) history.replaceState(null, '', location.pathname); // keep the token out of the address bar

void SpeechgatePlayer.pickFormat().then((f) => {
  autoFormat = f;
  connect();
});
