/**
 * A scripted speechgate.v1 peer on loopback for the client's unit tests: a real `ws` server whose
 * test decides, message by message, what the "gateway" answers. It checks nothing itself; the
 * end-to-end tests against the real gateway live in gateway.test.ts.
 */
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { SpeechgateClient, type SpeechgateClientOptions } from '../src/client.js';
import { encodeAudioFrame } from '../src/frame.js';
import type { ClientMessage, ReadyMessage } from '../src/protocol.js';

export class PeerConnection {
  private readonly inbox: ClientMessage[] = [];
  private waiter: ((m: ClientMessage) => void) | undefined;
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(
    readonly ws: WebSocket,
    readonly request: IncomingMessage,
  ) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const message = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : '') as ClientMessage;
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = undefined;
        w(message);
      } else this.inbox.push(message);
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
    );
  }

  /** The next message the client sent. */
  next(): Promise<ClientMessage> {
    const queued = this.inbox.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => (this.waiter = resolve));
  }

  /** Messages until (and including) one of type `type`. */
  async until(type: ClientMessage['type']): Promise<ClientMessage[]> {
    const seen: ClientMessage[] = [];
    for (;;) {
      const m = await this.next();
      seen.push(m);
      if (m.type === type) return seen;
    }
  }

  send(message: object): void {
    this.ws.send(JSON.stringify(message));
  }

  sendFrame(
    contextId: string,
    sequence: number,
    payload: Uint8Array = new Uint8Array([sequence & 0xff]),
    flags = 0,
  ): void {
    this.ws.send(encodeAudioFrame(contextId, sequence, flags, payload));
  }

  ready(overrides: Partial<ReadyMessage> = {}): void {
    this.send(readyMessage(overrides));
  }
}

export function readyMessage(overrides: Partial<ReadyMessage> = {}): ReadyMessage {
  return {
    type: 'ready',
    protocol: 'speechgate.v1',
    session_id: 'sess-1',
    voices: [{ id: 'alba', name: 'Alba', language: 'en-GB', sample_rate: 22050 }],
    default_voice: 'alba',
    formats: { opus: [48000, 24000], pcm_s16le: [24000, 16000], mulaw: [8000], alaw: [8000], mp3: [24000] },
    limits: { max_contexts: 8, max_message_bytes: 65536, chars_per_minute: 50000 },
    ...overrides,
  };
}

export class TestPeer {
  private readonly pending: PeerConnection[] = [];
  private waiter: ((c: PeerConnection) => void) | undefined;
  readonly all: PeerConnection[] = [];

  private constructor(
    readonly server: WebSocketServer,
    readonly url: string,
  ) {
    server.on('connection', (ws, request) => {
      const conn = new PeerConnection(ws, request);
      this.all.push(conn);
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = undefined;
        w(conn);
      } else this.pending.push(conn);
    });
  }

  static async start(): Promise<TestPeer> {
    const server = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      handleProtocols: (protocols) => (protocols.has('speechgate.v1') ? 'speechgate.v1' : false),
    });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    return new TestPeer(server, `ws://127.0.0.1:${port}/v1/stream`);
  }

  /** The next connection the client opens. */
  connection(): Promise<PeerConnection> {
    const queued = this.pending.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => (this.waiter = resolve));
  }

  async close(): Promise<void> {
    for (const c of this.all) c.ws.terminate();
    await new Promise<void>((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
  }
}

export interface PeerHarness {
  peer: () => TestPeer;
  /** A client (token 'tok.en.x') connected to the peer, with `ready` sent and received. */
  connected: (
    options?: Partial<SpeechgateClientOptions>,
  ) => Promise<{ client: SpeechgateClient; conn: PeerConnection }>;
  /** Closes the client after the current test, even when an assertion failed midway. */
  track: (client: SpeechgateClient) => SpeechgateClient;
}

/** Registers hooks: one peer for the file, every tracked client closed after each test. */
export function usePeer(): PeerHarness {
  let peer: TestPeer | undefined;
  const clients: SpeechgateClient[] = [];
  before(async () => (peer = await TestPeer.start()));
  afterEach(() => clients.splice(0).forEach((c) => c.close()));
  after(() => peer?.close());
  const harness: PeerHarness = {
    peer: () => {
      if (!peer) throw new Error('the peer starts in before()');
      return peer;
    },
    track: (client) => {
      clients.push(client);
      return client;
    },
    connected: async (options = {}) => {
      const p = harness.peer();
      const client = harness.track(
        new SpeechgateClient({ url: p.url, token: 'tok.en.x', WebSocket, ...options }),
      );
      const conn = await p.connection();
      conn.ready();
      await client.ready;
      return { client, conn };
    },
  };
  return harness;
}
