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

/**
 * After end(), uWS gives the peer only its short ping timeout to take everything still buffered, close
 * frame last, and then drops the TCP connection: a client that is merely slow would see 1006 instead of
 * the reason. So a close with much buffered waits (bounded) for the buffer to drain down to this first.
 */
const CLOSE_AFTER_BUFFERED_BYTES = 64 * 1024;
/** A client that takes nothing for this long while a close waits is cut (uWS end(): it may see 1006). */
export const CLOSE_DRAIN_TIMEOUT_MS = 5_000;
/** And however steadily it reads, a close waits no longer than this. */
const CLOSE_WAIT_MAX_MS = 60_000;

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
  /** A close waiting for the send buffer to drain (see CLOSE_AFTER_BUFFERED_BYTES). */
  private pendingClose:
    { code: number; reason: string; timer: NodeJS.Timeout; buffered: number; deadline: number } | undefined;

  constructor(
    private readonly ws: WebSocket<T>,
    private readonly drainTimeoutMs = CLOSE_DRAIN_TIMEOUT_MS,
  ) {}

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

  /** Sends are over from now on; the close frame follows once little is left to send. */
  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    if (this.ws.getBufferedAmount() <= CLOSE_AFTER_BUFFERED_BYTES) return this.end(code, reason);
    const timer = setTimeout(() => this.finishClose(), this.drainTimeoutMs);
    const buffered = this.ws.getBufferedAmount();
    this.pendingClose = { code, reason, timer, buffered, deadline: Date.now() + CLOSE_WAIT_MAX_MS };
  }

  /** The socket's buffer shrank (uWS drain): a pending close may go now, or wait on while the client reads. */
  drained(): void {
    const pending = this.pendingClose;
    if (!pending) return;
    const buffered = this.ws.getBufferedAmount();
    if (buffered <= CLOSE_AFTER_BUFFERED_BYTES || Date.now() >= pending.deadline) return this.finishClose();
    if (buffered < pending.buffered) {
      pending.buffered = buffered;
      clearTimeout(pending.timer);
      pending.timer = setTimeout(() => this.finishClose(), this.drainTimeoutMs);
    }
  }

  /** The close handler ran: the socket must not be touched again. */
  markClosed(): void {
    this.closed = true;
    clearTimeout(this.pendingClose?.timer);
    this.pendingClose = undefined;
  }

  private finishClose(): void {
    const pending = this.pendingClose;
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pendingClose = undefined;
    this.end(pending.code, pending.reason);
  }

  private end(code: number, reason: string): void {
    // end() runs the close handler synchronously; that handler sees `closed` already set.
    this.ws.end(code, truncateReason(reason));
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
