/**
 * Drives the protocol fuzz against a running gateway: a few lanes, each opening connection after
 * connection with a real `ws` client and sending seeded frames from ProtocolFuzzer, then ending the
 * connection in one of several ways. Every close the server initiates is checked against the error
 * table; 1006 (no close frame) is counted with the frames that preceded it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { ERROR_CODES, type ErrorCode } from '../../src/errors.js';
import { seededRandom } from '../../src/util/random.js';
import type { FuzzGateway } from './protocol-gateway.js';
import { ProtocolFuzzer, type FrameKind } from './protocol-messages.js';

export interface FuzzOptions {
  seed: number;
  messages: number;
  /** Connections open at once (default 6). */
  lanes?: number;
  /** Health check and RSS sample every this many connections (default 100). */
  sampleEvery?: number;
  onSample?: (report: FuzzReport) => void;
}

export interface CloseRecord {
  code: number;
  reason: string;
  /** Kinds of the last frames sent before the close, oldest first. */
  lastKinds: FrameKind[];
  fatalError?: string;
  /** Frames sent, text messages and audio frames received, and the last message type, on that connection. */
  sent: number;
  received: number;
  audioFrames: number;
  lastMessage?: string;
}

export interface FuzzReport {
  seed: number;
  messagesSent: number;
  framesByKind: Partial<Record<FrameKind, number>>;
  connections: number;
  /** Upgrades refused with an HTTP status (bad or missing token, limits), by status. */
  upgradeRefused: Record<string, number>;
  clientCloses: number;
  /** Closes the server initiated with a close frame, by code. */
  serverCloses: Record<string, number>;
  abnormal1006: number;
  /** Of those, connections that had sent a text frame of invalid UTF-8 (a known server bug: no 1007). */
  abnormalAfterInvalidUtf8: number;
  /** Of the others, connections dropped when `ready` was all they had received (issue 10: upgrade inside cork). */
  abnormalJustAfterReady: number;
  abnormalSamples: CloseRecord[];
  /** Server closes whose code is not in the error table, without a reason, or not matching the fatal error sent. */
  badCloses: CloseRecord[];
  badCloseCount: number;
  /** `error` messages received, by code. */
  errorsByCode: Record<string, number>;
  /** Connections the client had to terminate because no close came (10 s after it asked). */
  hungCloses: number;
  crashed?: string;
  healthChecks: number;
  healthFailures: number;
  rss: { start: number; warm: number; max: number; final: number };
}

const TABLE_CLOSE_CODES = new Set<number>(Object.values(ERROR_CODES).map((e) => e.close));
const TENANTS = ['fuzz-a', 'fuzz-b', 'fuzz-c'];

export async function runProtocolFuzz(gw: FuzzGateway, options: FuzzOptions): Promise<FuzzReport> {
  const start = await gw.rss();
  const report: FuzzReport = {
    seed: options.seed,
    messagesSent: 0,
    framesByKind: {},
    connections: 0,
    upgradeRefused: {},
    clientCloses: 0,
    serverCloses: {},
    abnormal1006: 0,
    abnormalAfterInvalidUtf8: 0,
    abnormalJustAfterReady: 0,
    abnormalSamples: [],
    badCloses: [],
    badCloseCount: 0,
    errorsByCode: {},
    hungCloses: 0,
    healthChecks: 0,
    healthFailures: 0,
    rss: { start, warm: 0, max: start, final: 0 },
  };
  const sampleEvery = options.sampleEvery ?? 100;
  const warmAt = Math.floor(options.messages / 10);

  const sample = async (): Promise<void> => {
    report.healthChecks++;
    try {
      const res = await fetch(`${gw.httpUrl}/healthz`, { signal: AbortSignal.timeout(30_000) });
      await res.arrayBuffer();
      if (res.status !== 200) report.healthFailures++;
    } catch {
      report.healthFailures++;
    }
    const rss = await gw.rss().catch(() => 0);
    report.rss.max = Math.max(report.rss.max, rss);
    if (report.rss.warm === 0 && report.messagesSent >= warmAt) report.rss.warm = rss;
    options.onSample?.(report);
  };

  const lane = async (index: number): Promise<void> => {
    const fuzz = new ProtocolFuzzer(seededRandom(options.seed * 7919 + index));
    while (report.messagesSent < options.messages && gw.crashed === undefined) {
      await oneConnection(gw, fuzz, TENANTS[index % TENANTS.length]!, report, options.messages);
      if (++report.connections % sampleEvery === 0) await sample();
    }
  };
  await Promise.all(Array.from({ length: options.lanes ?? 6 }, (_, i) => lane(i)));

  await sleep(2000); // let cancelled work unwind before the last sample
  if (gw.crashed === undefined) await sample();
  report.rss.final = await gw.rss().catch(() => 0);
  if (report.rss.warm === 0) report.rss.warm = report.rss.final;
  report.crashed = gw.crashed;
  return report;
}

function count(table: Partial<Record<string, number>>, key: string): void {
  table[key] = (table[key] ?? 0) + 1;
}

async function oneConnection(
  gw: FuzzGateway,
  fuzz: ProtocolFuzzer,
  tenant: string,
  report: FuzzReport,
  budget: number,
): Promise<void> {
  const mode = fuzz.random() < 0.05 ? 'rapid' : fuzz.random() < 0.03 ? 'bad_auth' : 'normal';
  const headers: Record<string, string> = {};
  if (mode !== 'bad_auth') headers.Authorization = `Bearer ${gw.token(tenant)}`;
  else if (fuzz.chance(0.5)) headers.Authorization = `Bearer ${gw.token(tenant).slice(0, -3)}abc`;
  const ws = new WebSocket(gw.wsUrl, [], { headers });
  let clientClosing = false;
  let refused = false;
  let fatalError: string | undefined;
  let done = 0;
  let sent = 0;
  let received = 0;
  let audioFrames = 0;
  let lastMessage: string | undefined;
  const lastKinds: FrameKind[] = [];
  let sentInvalidUtf8 = false;
  ws.on('error', () => undefined);
  ws.on('unexpected-response', (_req, res) => {
    refused = true;
    count(report.upgradeRefused, String(res.statusCode));
    res.resume();
    ws.terminate();
  });
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      audioFrames++;
      return;
    }
    received++;
    try {
      const msg = JSON.parse(Buffer.from(data as Buffer).toString('utf8')) as {
        type?: string;
        code?: string;
        fatal?: boolean;
      };
      lastMessage = msg.type === 'error' ? `error:${msg.code}` : msg.type;
      if (msg.type === 'error' && typeof msg.code === 'string') {
        count(report.errorsByCode, msg.code);
        if (msg.fatal === true) fatalError = msg.code;
      } else if (msg.type === 'done' || msg.type === 'cancelled') {
        done++;
      }
    } catch {
      count(report.errorsByCode, 'unparseable_server_message');
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') })),
  );
  const closeFromClient = (how: 'close' | 'terminate'): void => {
    clientClosing = true;
    if (how === 'terminate') ws.terminate();
    else ws.close(1000, 'fuzz done');
  };

  if (mode === 'rapid') {
    if (fuzz.chance(0.5)) await sleep(fuzz.int(0, 3));
    closeFromClient(fuzz.chance(0.5) ? 'close' : 'terminate');
  } else {
    const opened = await Promise.race([
      new Promise<boolean>((resolve) => ws.once('open', () => resolve(true))),
      closed.then(() => false),
    ]);
    if (opened) {
      const n = fuzz.int(1, fuzz.chance(0.1) ? 400 : 60);
      for (let i = 0; i < n && ws.readyState === WebSocket.OPEN && report.messagesSent < budget; i++) {
        const frame = fuzz.next();
        ws.send(frame.data, { binary: frame.binary });
        report.messagesSent++;
        sent++;
        count(report.framesByKind, frame.kind);
        lastKinds.push(frame.kind);
        if (frame.kind === 'invalid_utf8') sentInvalidUtf8 = true;
        if (lastKinds.length > 6) lastKinds.shift();
        if (fuzz.chance(0.08)) await sleep(fuzz.int(0, 15));
      }
      const ending = fuzz.random();
      if (ws.readyState !== WebSocket.OPEN) {
        // the server closed it (or is closing)
      } else if (ending < 0.35) {
        await sleep(fuzz.int(0, 50));
        if (ws.readyState === WebSocket.OPEN) closeFromClient('close');
      } else if (ending < 0.5) {
        closeFromClient('terminate');
      } else {
        for (let c = 0; c < 4; c++) ws.send(JSON.stringify({ type: 'end', context_id: `c${c}` }));
        for (let waited = 0; waited < 1500 && done < 4 && ws.readyState === WebSocket.OPEN; waited += 50)
          await sleep(50);
        if (ws.readyState === WebSocket.OPEN) closeFromClient('close');
      }
    }
  }

  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    closed,
    new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), 10_000);
    }),
  ]);
  clearTimeout(timer);
  if (result === undefined) {
    report.hungCloses++;
    ws.terminate();
    return;
  }
  if (clientClosing || refused) {
    if (clientClosing) report.clientCloses++;
    return;
  }
  const record: CloseRecord = {
    code: result.code,
    reason: result.reason,
    lastKinds: [...lastKinds],
    fatalError,
    sent,
    received,
    audioFrames,
    lastMessage,
  };
  if (result.code === 1006) {
    report.abnormal1006++;
    if (sentInvalidUtf8) report.abnormalAfterInvalidUtf8++;
    else if (received === 1 && lastMessage === 'ready' && audioFrames === 0) report.abnormalJustAfterReady++;
    if (report.abnormalSamples.length < 20) report.abnormalSamples.push(record);
    return;
  }
  count(report.serverCloses, String(result.code));
  const expected = fatalError === undefined ? undefined : ERROR_CODES[fatalError as ErrorCode]?.close;
  const bad =
    !TABLE_CLOSE_CODES.has(result.code) ||
    result.reason.length === 0 ||
    (fatalError !== undefined && expected !== result.code);
  if (!bad) return;
  report.badCloseCount++;
  if (report.badCloses.length < 20) report.badCloses.push(record);
}
