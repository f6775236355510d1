/**
 * One client connection of the load: a `ws` socket speaking speechgate.v1 that runs one context at a time
 * and records, on the client's clock, when text went out and when each audio frame came in.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { decodeAudioFrame } from '../src/protocol/frame-header.js';
import { PROTOCOL, type ClientMessage, type ServerMessage } from '../src/protocol/messages.js';
import type { BenchFormat, BenchMode } from './options.js';

export interface ContextPlan {
  contextId: string;
  mode: BenchMode;
  /** The pieces of text, sent in order; `at` is ms after the first piece (whole mode: one piece at 0). */
  pieces: { text: string; at: number }[];
  format: BenchFormat;
  voice: string | undefined;
  timeoutMs: number;
  /** Barge-in: cancel the context once this many of its frames have arrived (undefined: let it finish). */
  cancelAfterFrames?: number;
}

export interface ContextRecord {
  contextId: string;
  mode: BenchMode;
  characters: number;
  /** performance.now() of the first text message. */
  textStartAt: number;
  /** performance.now() of each frame, by sequence. */
  arrivals: number[];
  /** When the text that completed the first spoken sentence went out. */
  firstSentenceTextAt: number | undefined;
  doneAt: number | undefined;
  serverTtfaMs: number | null | undefined;
  /** Barge-in: when the cancel went out, when `cancelled` came back, and frames that arrived in between. */
  cancelSentAt?: number;
  cancelledAt?: number;
  framesAfterCancel?: number;
  /** Error codes met by this context (server codes, or timeout / connection_closed / bad_frame). */
  errors: string[];
}

interface Running {
  record: ContextRecord;
  /** Offsets reached by each text sent so far, and when: to find the piece that completed a sentence. */
  sent: { end: number; at: number }[];
  cancelAfterFrames: number | undefined;
  finish: () => void;
}

export class BenchConnection {
  private running: Running | undefined;
  private closedWith: string | undefined;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) =>
      isBinary ? this.onFrame(data) : this.onText(data),
    );
    ws.on('close', (code) => {
      this.closedWith = `connection_closed_${code}`;
      this.fail(this.closedWith);
    });
    ws.on('error', () => undefined); // 'close' follows and reports it
  }

  /** Opens the socket and waits for `ready`. */
  static connect(
    url: string,
    token: string,
    signal: AbortSignal,
    timeoutMs = 30_000,
  ): Promise<BenchConnection> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, [PROTOCOL], {
        headers: { Authorization: `Bearer ${token}` },
        perMessageDeflate: false,
      });
      const onReady = (data: Buffer, isBinary: boolean): void => {
        if (isBinary) return;
        const message = JSON.parse(data.toString('utf8')) as ServerMessage;
        if (message.type === 'ready') {
          cleanup();
          resolve(new BenchConnection(ws));
        } else if (message.type === 'error') fail(`refused: ${message.code}`);
      };
      const onRefused = (_req: unknown, res: { statusCode?: number }): void =>
        fail(`upgrade refused: HTTP ${res.statusCode}`);
      const onError = (err: Error): void => fail(`connection failed: ${err.message}`);
      const onClose = (code: number): void => fail(`closed before ready (${code})`);
      const onAbort = (): void => fail('aborted');
      const timer = setTimeout(() => fail('no ready message in time'), timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        ws.off('message', onReady);
        ws.off('unexpected-response', onRefused);
        ws.off('error', onError);
        ws.off('close', onClose);
      };
      function fail(why: string): void {
        cleanup();
        ws.on('error', () => undefined);
        ws.terminate();
        reject(new Error(why));
      }
      signal.addEventListener('abort', onAbort, { once: true });
      ws.on('message', onReady);
      ws.on('unexpected-response', onRefused);
      ws.on('error', onError);
      ws.on('close', onClose);
    });
  }

  get open(): boolean {
    return this.closedWith === undefined && this.ws.readyState === WebSocket.OPEN;
  }

  /** Runs one context to its `done` (or an error, the timeout, or the abort) and returns what it saw. */
  async runContext(plan: ContextPlan, signal: AbortSignal): Promise<ContextRecord> {
    const record: ContextRecord = {
      contextId: plan.contextId,
      mode: plan.mode,
      characters: plan.pieces.reduce((n, p) => n + p.text.length, 0),
      textStartAt: NaN,
      arrivals: [],
      firstSentenceTextAt: undefined,
      doneAt: undefined,
      serverTtfaMs: undefined,
      errors: [],
    };
    if (!this.open) {
      record.errors.push(this.closedWith ?? 'connection_closed');
      return record;
    }
    const finished = new Promise<void>((resolve) => {
      this.running = { record, sent: [], cancelAfterFrames: plan.cancelAfterFrames, finish: resolve };
    });
    const stop = new AbortController();
    const onAbort = (): void => this.cancel('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => this.cancel('timeout'), plan.timeoutMs);
    try {
      this.send({
        type: 'start',
        context_id: plan.contextId,
        ...(plan.voice === undefined ? {} : { voice: plan.voice }),
        format: { encoding: plan.format },
      });
      void this.sendText(plan, stop.signal);
      await finished;
    } finally {
      stop.abort();
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      this.running = undefined;
    }
    return record;
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const kill = setTimeout(() => this.ws.terminate(), 3000);
      this.ws.once('close', () => {
        clearTimeout(kill);
        resolve();
      });
      this.ws.close(1000);
    });
  }

  /** Sends the pieces on their schedule (times from the first piece), then `end`. */
  private async sendText(plan: ContextPlan, signal: AbortSignal): Promise<void> {
    const running = this.running;
    if (!running) return;
    const start = performance.now();
    let offset = 0;
    try {
      for (const piece of plan.pieces) {
        const wait = start + piece.at - performance.now();
        if (wait > 1) await sleep(wait, undefined, { signal });
        if (signal.aborted || !this.open || running.record.cancelSentAt !== undefined) return;
        const at = performance.now();
        if (Number.isNaN(running.record.textStartAt)) running.record.textStartAt = at;
        this.send({ type: 'text', context_id: plan.contextId, text: piece.text });
        offset += piece.text.length;
        running.sent.push({ end: offset, at });
      }
      if (this.open && running.record.cancelSentAt === undefined)
        this.send({ type: 'end', context_id: plan.contextId });
    } catch {
      // aborted: the context was cancelled or has failed
    }
  }

  private send(message: ClientMessage): void {
    if (this.open) this.ws.send(JSON.stringify(message));
  }

  private onFrame(data: Buffer): void {
    const at = performance.now();
    const running = this.running;
    if (!running) return;
    let frame;
    try {
      frame = decodeAudioFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    } catch {
      running.record.errors.push('bad_frame');
      return;
    }
    if (frame.contextId !== running.record.contextId) return;
    if (frame.sequence !== running.record.arrivals.length) running.record.errors.push('frame_out_of_order');
    running.record.arrivals[frame.sequence] = at;
    const { record } = running;
    if (record.cancelSentAt !== undefined) record.framesAfterCancel = (record.framesAfterCancel ?? 0) + 1;
    else if (running.cancelAfterFrames !== undefined && record.arrivals.length >= running.cancelAfterFrames) {
      record.cancelSentAt = performance.now();
      record.framesAfterCancel = 0;
      this.send({ type: 'cancel', context_id: record.contextId });
    }
  }

  private onText(data: Buffer): void {
    let message: ServerMessage;
    try {
      message = JSON.parse(data.toString('utf8')) as ServerMessage;
    } catch {
      return;
    }
    const running = this.running;
    if (!running || !('context_id' in message) || message.context_id !== running.record.contextId) {
      if (running && message.type === 'error' && message.context_id === undefined)
        running.record.errors.push(message.code);
      return;
    }
    switch (message.type) {
      case 'sentence':
        if (running.record.firstSentenceTextAt === undefined) {
          const completing = running.sent.find((s) => s.end >= message.end);
          running.record.firstSentenceTextAt = completing?.at;
        }
        break;
      case 'done':
        running.record.doneAt = performance.now();
        running.record.serverTtfaMs = message.time_to_first_audio_ms;
        running.finish();
        break;
      case 'error':
        running.record.errors.push(message.code);
        this.cancel(undefined);
        break;
      case 'cancelled':
        running.record.cancelledAt = performance.now();
        running.finish();
        break;
      default:
        break;
    }
  }

  /** Ends the running context early: recorded as `why`, cancelled on the server, finished here. */
  private cancel(why: string | undefined): void {
    const running = this.running;
    if (!running) return;
    if (why !== undefined) running.record.errors.push(why);
    this.send({ type: 'cancel', context_id: running.record.contextId });
    running.finish();
  }

  private fail(why: string): void {
    const running = this.running;
    if (!running) return;
    running.record.errors.push(why);
    running.finish();
  }
}
