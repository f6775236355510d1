/**
 * The three ways a speech response body leaves: streamed audio bytes as they are encoded, server-sent
 * events carrying the same bytes in base64 (OpenAI's `stream_format: "sse"`), or the whole file at once
 * with its final header and a Content-Length (short WAV/FLAC requests, so every reader gets real sizes).
 */
import type { HttpExchange, Headers } from '../server/http.js';
import { concatBytes } from '../util/concat.js';

export interface Usage {
  /** Characters of input (the gateway has no tokens; the name follows OpenAI's event). */
  input_tokens: number;
  /** 20 ms frames of audio. */
  output_tokens: number;
  total_tokens: number;
}

export interface BodyWriter {
  /** Encoded bytes, in order; the first call sends the headers and `head` before them. */
  chunk(bytes: Uint8Array): Promise<void>;
  /** After the last chunk: `finalHeader` (the header with real sizes) replaces the start when buffered. */
  finish(trailer: Uint8Array, finalHeader: Uint8Array | undefined, usage: Usage): Promise<void>;
}

export type BodyMode = 'stream' | 'sse' | 'whole';

export function bodyWriter(
  mode: BodyMode,
  exchange: HttpExchange,
  headers: Headers,
  head: Uint8Array,
): BodyWriter {
  switch (mode) {
    case 'stream':
      return new StreamWriter(exchange, headers, head);
    case 'sse':
      return new SseWriter(exchange, headers, head);
    case 'whole':
      return new WholeWriter(exchange, headers, head);
  }
}

class StreamWriter implements BodyWriter {
  constructor(
    protected readonly exchange: HttpExchange,
    private readonly headers: Headers,
    private readonly head: Uint8Array,
  ) {}

  async chunk(bytes: Uint8Array): Promise<void> {
    if (bytes.length === 0) return;
    await this.start();
    await this.send(bytes);
  }

  async finish(trailer: Uint8Array, _finalHeader?: Uint8Array, _usage?: Usage): Promise<void> {
    // Nothing speakable (e.g. only punctuation): still a valid, empty file.
    await this.start();
    await this.send(trailer);
    this.exchange.end();
  }

  protected async send(bytes: Uint8Array): Promise<void> {
    await this.exchange.write(bytes);
  }

  /** Headers go out with the first audio, so a failure before it can still be a JSON error. */
  protected async start(): Promise<void> {
    if (this.exchange.started) return;
    this.exchange.startStream(200, this.headers);
    await this.send(this.head);
  }
}

class SseWriter extends StreamWriter {
  constructor(exchange: HttpExchange, headers: Headers, head: Uint8Array) {
    super(exchange, { ...headers, 'Content-Type': 'text/event-stream' }, head);
  }

  protected override async send(bytes: Uint8Array): Promise<void> {
    if (bytes.length === 0) return;
    await this.event({ type: 'speech.audio.delta', audio: Buffer.from(bytes).toString('base64') });
  }

  override async finish(trailer: Uint8Array, _finalHeader?: Uint8Array, usage?: Usage): Promise<void> {
    await this.start();
    await this.send(trailer);
    await this.event({ type: 'speech.audio.done', usage });
    this.exchange.end();
  }

  private async event(value: unknown): Promise<void> {
    await this.exchange.write(Buffer.from(`data: ${JSON.stringify(value)}\n\n`, 'utf8'));
  }
}

class WholeWriter implements BodyWriter {
  private readonly parts: Uint8Array[] = [];

  constructor(
    private readonly exchange: HttpExchange,
    private readonly headers: Headers,
    head: Uint8Array,
  ) {
    this.parts.push(head);
  }

  chunk(bytes: Uint8Array): Promise<void> {
    if (bytes.length > 0) this.parts.push(bytes);
    return Promise.resolve();
  }

  finish(trailer: Uint8Array, finalHeader: Uint8Array | undefined): Promise<void> {
    this.parts.push(trailer);
    const file = concatBytes(this.parts);
    // Same length as the streamed header (WAV) or the stream's first STREAMINFO bytes (FLAC).
    if (finalHeader !== undefined && file.length >= finalHeader.length) file.set(finalHeader, 0);
    // uWS adds the Content-Length of a complete response.
    this.exchange.send(200, this.headers, file);
    return Promise.resolve();
  }
}
