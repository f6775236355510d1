/**
 * SessionSocket over a uWS WebSocket. uWS throws on any call to a socket that has closed, and closes
 * happen from both sides at any time, so this adapter tracks the state and turns late calls into no-ops.
 */
import type { WebSocket } from 'uWebSockets.js';
import { ERROR_CODES } from '../errors.js';
import type { SessionSocket } from '../session/types.js';

/** uWS send() results. */
const SEND_SUCCESS = 1;
const SEND_DROPPED = 2;

/** RFC 6455: a close reason fits in 123 bytes of UTF-8. */
const MAX_REASON_BYTES = 123;

export function truncateReason(reason: string): string {
  const bytes = Buffer.from(reason, 'utf8');
  if (bytes.length <= MAX_REASON_BYTES) return reason;
  let end = MAX_REASON_BYTES;
  // Do not cut a multi-byte character in half: back up to a character boundary.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

export class UwsSessionSocket<T> implements SessionSocket {
  private closed = false;

  constructor(private readonly ws: WebSocket<T>) {}

  get isClosed(): boolean {
    return this.closed;
  }

  sendText(text: string): boolean {
    return this.send(text, false);
  }

  sendBinary(bytes: Uint8Array): boolean {
    return this.send(bytes, true);
  }

  bufferedAmount(): number {
    return this.closed ? 0 : this.ws.getBufferedAmount();
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    // end() runs the close handler synchronously; that handler sees `closed` already set.
    this.ws.end(code, truncateReason(reason));
  }

  /** The close handler ran: the socket must not be touched again. */
  markClosed(): void {
    this.closed = true;
  }

  private send(message: string | Uint8Array, isBinary: boolean): boolean {
    if (this.closed) return false;
    const status = this.ws.send(message, isBinary);
    if (status === SEND_DROPPED) {
      // maxBackpressure sits above the session's own hard limit, so this means the session lost
      // track of its buffer; a stream with a hole in it is worse than a closed one.
      this.close(ERROR_CODES.slow_consumer.close, 'slow consumer: send buffer full');
      return false;
    }
    return status === SEND_SUCCESS;
  }
}
