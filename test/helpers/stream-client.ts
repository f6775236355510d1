/**
 * A speechgate.v1 client for end-to-end tests, on the `ws` package over loopback: records every JSON
 * message and audio frame, and waits for the ones a test expects.
 */
import WebSocket from 'ws';
import { decodeAudioFrame, FLAG_SENTENCE_END, FLAG_SENTENCE_START } from '../../src/protocol/frame-header.js';
import type { ClientMessage, ServerMessage } from '../../src/protocol/messages.js';

export interface ReceivedFrame {
  contextId: string;
  sequence: number;
  flags: number;
  payload: Uint8Array;
}

export interface ConnectOptions {
  /** Sent as `Authorization: Bearer`. */
  token?: string;
  headers?: Record<string, string>;
  protocols?: string[];
  /** Appended to the URL. */
  query?: string;
}

/** How long any single wait may take before the test fails (generous: CPU inference). */
export const WAIT_MS = 120_000;

export class StreamClient {
  readonly messages: ServerMessage[] = [];
  readonly frames: ReceivedFrame[] = [];
  /** Everything in arrival order: messages and frames interleaved. */
  readonly log: ({ kind: 'message'; message: ServerMessage } | { kind: 'frame'; frame: ReceivedFrame })[] =
    [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private listeners = new Set<() => void>();

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) {
        const frame = decodeAudioFrame(new Uint8Array(data));
        const copy = { ...frame, payload: frame.payload.slice() };
        this.frames.push(copy);
        this.log.push({ kind: 'frame', frame: copy });
      } else {
        const message = JSON.parse(data.toString('utf8')) as ServerMessage;
        this.messages.push(message);
        this.log.push({ kind: 'message', message });
      }
      for (const listener of [...this.listeners]) listener();
    });
    ws.on('close', () => {
      for (const listener of [...this.listeners]) listener();
    });
  }

  /** Connects and waits for the `ready` message. */
  static async connect(baseUrl: string, options: ConnectOptions = {}): Promise<StreamClient> {
    const url = options.query === undefined ? baseUrl : `${baseUrl}?${options.query}`;
    const headers = { ...options.headers };
    if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
    const ws = new WebSocket(url, options.protocols ?? [], { headers });
    const client = new StreamClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    await client.waitFor((m) => m.type === 'ready');
    return client;
  }

  send(message: ClientMessage | string): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Resolves with the first message (already received or future) matching `match`. */
  waitFor<T extends ServerMessage = ServerMessage>(
    match: (m: ServerMessage) => boolean,
    timeoutMs = WAIT_MS,
  ): Promise<T> {
    return this.until(() => this.messages.find(match) as T | undefined, timeoutMs, 'message');
  }

  /** Resolves once `count` frames of the context arrived. */
  waitForFrames(contextId: string, count: number, timeoutMs = WAIT_MS): Promise<ReceivedFrame[]> {
    return this.until(
      () => {
        const frames = this.framesOf(contextId);
        return frames.length >= count ? frames : undefined;
      },
      timeoutMs,
      `${count} frames`,
    );
  }

  /** `done` (or an error) for the context. */
  async finished(contextId: string): Promise<ServerMessage> {
    return this.waitFor(
      (m) =>
        (m.type === 'done' || m.type === 'error' || m.type === 'cancelled') && m.context_id === contextId,
    );
  }

  framesOf(contextId: string): ReceivedFrame[] {
    return this.frames.filter((f) => f.contextId === contextId);
  }

  messagesOf(contextId: string): ServerMessage[] {
    return this.messages.filter((m) => 'context_id' in m && m.context_id === contextId);
  }

  /** Payloads of one context's frames, in order. */
  audio(contextId: string): Uint8Array[] {
    return this.framesOf(contextId).map((f) => f.payload);
  }

  close(): Promise<{ code: number; reason: string }> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)
      this.ws.close(1000);
    return this.closed;
  }

  private until<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = (): void => {
        const found = probe();
        if (found !== undefined) {
          cleanup();
          resolve(found);
        } else if (this.ws.readyState === WebSocket.CLOSED) {
          cleanup();
          reject(new Error(`connection closed while waiting for ${what}; got: ${this.summary()}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${what}; got: ${this.summary()}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  private summary(): string {
    const types = this.messages.map((m) => (m.type === 'error' ? `error:${m.code}` : m.type));
    return `${types.join(',')} + ${this.frames.length} frames`;
  }
}

/** Checks the frame stream of one context: contiguous sequences, sentence flags paired. */
export function checkFrameSequence(frames: readonly ReceivedFrame[]): { sentences: number } {
  let sentences = 0;
  let open = false;
  frames.forEach((frame, i) => {
    if (frame.sequence !== i) throw new Error(`frame ${i} has sequence ${frame.sequence}`);
    if (frame.flags & FLAG_SENTENCE_START) {
      if (open) throw new Error(`frame ${i} starts a sentence inside another`);
      open = true;
      sentences++;
    }
    if (!open) throw new Error(`frame ${i} is outside any sentence`);
    if (frame.flags & FLAG_SENTENCE_END) open = false;
  });
  if (open) throw new Error('last sentence has no end flag');
  return { sentences };
}

export interface Refusal {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Attempts an upgrade that must be refused; resolves with the HTTP answer (rejects if it opened). */
export function expectRefused(baseUrl: string, options: ConnectOptions = {}): Promise<Refusal> {
  const url = options.query === undefined ? baseUrl : `${baseUrl}?${options.query}`;
  const headers = { ...options.headers };
  if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
  const ws = new WebSocket(url, options.protocols ?? [], { headers });
  return new Promise<Refusal>((resolve, reject) => {
    ws.once('open', () => {
      ws.terminate();
      reject(new Error('the upgrade was accepted'));
    });
    ws.once('error', reject); // e.g. nothing listening; ignored once resolved
    ws.once('unexpected-response', (req, res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => {
        req.destroy();
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(parts).toString('utf8'),
        });
      });
      res.on('error', reject);
    });
  });
}
