/**
 * Sends text to a context as soon as it is available, within two gateway limits: one message must stay
 * under `max_message_bytes`, and a context refuses new text while too much of it is still unspoken
 * (SPEECHGATE_MAX_TEXT_BUFFER_CHARS, 20 000 by default). Short input (an LLM's tokens) goes out at
 * once; a long file is sent ahead of the audio by at most `windowChars` plus one piece, which must stay
 * under the gateway's buffer limit.
 */
import type { Context } from '@speechgate/client';

export interface TextFeedOptions {
  /** Longest text message, in UTF-16 code units. */
  maxPieceChars: number;
  /** Text sent but not yet spoken beyond which sending waits for audio. */
  windowChars: number;
}

/** JSON can turn one UTF-16 unit into up to 6 bytes ("\u001f"); the rest of a text message is < 200 bytes. */
export function maxPieceChars(maxMessageBytes: number): number {
  return Math.max(1, Math.min(4000, Math.floor((maxMessageBytes - 200) / 6)));
}

/** Splits text into pieces of at most `max` units, never between the halves of a surrogate pair. */
export function splitText(text: string, max: number): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < text.length;) {
    let end = Math.min(text.length, start + max);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && end - start > 1 && last >= 0xd800 && last <= 0xdbff) end--;
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}

export class TextFeed {
  private sent = 0;
  /** Text offset up to which the audio has been received in full. */
  private spoken = 0;
  /** End offset of the sentence whose frames are arriving. */
  private sentenceEnd = 0;
  private wake: (() => void) | undefined;
  private readonly offs: (() => void)[];

  constructor(
    private readonly ctx: Context,
    private readonly options: TextFeedOptions,
  ) {
    const progress = (): void => {
      this.wake?.();
      this.wake = undefined;
    };
    this.offs = [
      ctx.on('sentence', (s) => (this.sentenceEnd = s.end)),
      ctx.on('audio', (frame) => {
        if (!frame.sentenceEnd) return;
        this.spoken = this.sentenceEnd;
        progress();
      }),
      ctx.on('done', progress),
      ctx.on('cancelled', progress),
      ctx.on('error', progress),
    ];
  }

  /**
   * Sends `text`, waiting for audio to catch up first where the window is full. Returns false (and
   * sends nothing more) once the context can take no more text or `signal` aborts.
   */
  async send(text: string, signal: AbortSignal): Promise<boolean> {
    for (const piece of splitText(text, this.options.maxPieceChars)) {
      // The last piece may overshoot the window: a tail the gateway holds back (an unfinished
      // sentence) then never blocks the text that would finish it.
      while (this.writable(signal) && this.sent - this.spoken > this.options.windowChars) {
        await this.progress(signal);
      }
      if (!this.writable(signal)) return false;
      this.ctx.sendText(piece);
      this.sent += piece.length;
    }
    return true;
  }

  dispose(): void {
    for (const off of this.offs) off();
    this.wake?.();
  }

  private writable(signal: AbortSignal): boolean {
    return !signal.aborted && this.ctx.state === 'open';
  }

  private progress(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.wake = done;
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
