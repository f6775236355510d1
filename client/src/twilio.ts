/**
 * Bridges speechgate contexts to a Twilio Media Streams WebSocket (<Connect><Stream>): each 20 ms
 * mu-law 8 kHz frame becomes one `media` message, each sentence end a `mark` (Twilio echoes it back
 * when the caller has heard everything before it), and `clear()` both cancels synthesis and tells
 * Twilio to drop what it has buffered, for barge-in. See docs/TELEPHONY.md.
 */
import { toBase64 } from './base64.js';
import type { Context } from './context.js';
import { Emitter } from './emitter.js';
import { SpeechgateError } from './errors.js';

export interface TwilioMediaStreamOptions {
  /** Sends one text message on the Twilio Media Streams WebSocket. */
  send: (message: string) => void;
  /** The stream's sid; learned from Twilio's `start` message when omitted. */
  streamSid?: string;
}

export interface TwilioMarkEvent {
  /** The mark's name as sent: `<contextId>:<sentence index>` or `<contextId>:end`. */
  name: string;
  contextId: string;
  /** Index of the sentence that finished playing; undefined for the end-of-context mark. */
  sentence: number | undefined;
  /** True when this mark follows the context's last audio. */
  end: boolean;
}

export interface TwilioEventMap {
  /** Twilio's `start`: the call and stream ids and the media format. */
  start: { streamSid: string; callSid: string | undefined; mediaFormat: unknown };
  /** A mark came back: the caller has heard the audio up to it. */
  mark: TwilioMarkEvent;
  /** The caller's audio (base64 mu-law), for speech recognition. */
  media: { payload: string; track: string | undefined; timestamp: string | undefined };
  dtmf: { digit: string };
  /** The stream ended (call hung up or <Stream> stopped); attached contexts are cancelled. */
  stop: undefined;
}

/** Parses one of our mark names back into its parts. */
export function parseMarkName(name: string): TwilioMarkEvent | undefined {
  const at = name.lastIndexOf(':');
  if (at <= 0) return undefined;
  const contextId = name.slice(0, at);
  const tail = name.slice(at + 1);
  if (tail === 'end') return { name, contextId, sentence: undefined, end: true };
  if (!/^\d+$/.test(tail)) return undefined;
  return { name, contextId, sentence: Number(tail), end: false };
}

export class TwilioMediaStream extends Emitter<TwilioEventMap> {
  streamSid: string | undefined;
  private readonly attached = new Map<Context, () => void>();
  /** Messages produced before Twilio's `start` told us the stream sid. */
  private pending: ((sid: string) => object)[] = [];

  constructor(private readonly options: TwilioMediaStreamOptions) {
    super();
    this.streamSid = options.streamSid;
  }

  /**
   * Forwards a context's audio to the call. The context must use mu-law at 8 kHz, the format of
   * Twilio's bidirectional streams. Returns a function that stops forwarding.
   */
  play(ctx: Context): () => void {
    const f = ctx.options.format;
    const encoding = typeof f === 'string' ? f : f?.encoding;
    const rate = typeof f === 'object' ? (f.sampleRate ?? 8000) : 8000;
    if (encoding !== 'mulaw' || rate !== 8000) {
      throw new SpeechgateError('unsupported_format', 'Twilio media streams need format "mulaw" (8 kHz)', {
        contextId: ctx.id,
      });
    }
    let sentence = 0;
    const offs = [
      ctx.on('audio', (frame) => {
        this.output((streamSid) => ({
          event: 'media',
          streamSid,
          media: { payload: toBase64(frame.payload) },
        }));
        if (frame.sentenceEnd) this.mark(`${ctx.id}:${sentence++}`);
      }),
      ctx.on('done', () => {
        this.mark(`${ctx.id}:end`);
        detach();
      }),
      ctx.on('cancelled', () => detach()),
      ctx.on('error', () => detach()),
    ];
    const detach = (): void => {
      offs.forEach((off) => off());
      this.attached.delete(ctx);
    };
    this.attached.set(ctx, detach);
    return detach;
  }

  /** Barge-in: cancel every context being played and make Twilio drop the audio it has buffered. */
  clear(): void {
    for (const ctx of [...this.attached.keys()]) ctx.cancel();
    this.pending = [];
    this.output((streamSid) => ({ event: 'clear', streamSid }));
  }

  /** Feed every message received from Twilio's WebSocket here (text, or already parsed). */
  handleMessage(data: string | object): void {
    let msg: Record<string, unknown>;
    try {
      msg = (typeof data === 'string' ? JSON.parse(data) : data) as Record<string, unknown>;
    } catch {
      return;
    }
    const field = (o: unknown, key: string): unknown =>
      typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[key] : undefined;
    const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
    switch (msg.event) {
      case 'start': {
        const start = msg.start;
        const sid = str(msg.streamSid) ?? str(field(start, 'streamSid'));
        if (sid === undefined) return;
        this.streamSid = sid;
        const queued = this.pending;
        this.pending = [];
        for (const build of queued) this.options.send(JSON.stringify(build(sid)));
        this.emit('start', {
          streamSid: sid,
          callSid: str(field(start, 'callSid')),
          mediaFormat: field(start, 'mediaFormat'),
        });
        return;
      }
      case 'mark': {
        const parsed = parseMarkName(str(field(msg.mark, 'name')) ?? '');
        if (parsed) this.emit('mark', parsed);
        return;
      }
      case 'media': {
        const payload = str(field(msg.media, 'payload'));
        if (payload !== undefined) {
          this.emit('media', {
            payload,
            track: str(field(msg.media, 'track')),
            timestamp: str(field(msg.media, 'timestamp')),
          });
        }
        return;
      }
      case 'dtmf': {
        const digit = str(field(msg.dtmf, 'digit'));
        if (digit !== undefined) this.emit('dtmf', { digit });
        return;
      }
      case 'stop':
        for (const ctx of [...this.attached.keys()]) ctx.cancel();
        this.emit('stop', undefined);
        return;
    }
  }

  private mark(name: string): void {
    this.output((streamSid) => ({ event: 'mark', streamSid, mark: { name } }));
  }

  private output(build: (streamSid: string) => object): void {
    if (this.streamSid === undefined) this.pending.push(build);
    else this.options.send(JSON.stringify(build(this.streamSid)));
  }
}
