/**
 * Request bodies with a size cap. uWS hands the body over in chunks through onData, which must be
 * attached before the route handler returns: call readBody synchronously in the handler.
 */
import type { HttpResponse } from 'uWebSockets.js';
import { SpeechgateError } from '../errors.js';

/**
 * Resolves with the whole body, or rejects with `message_too_large` as soon as it exceeds `maxBytes`
 * (by its declared Content-Length, or by what arrived). Rejects with `internal` if the client aborts;
 * `res.onAborted` must be attached by the caller (HttpExchange does).
 */
export function readBody(
  res: HttpResponse,
  contentLength: string,
  maxBytes: number,
  signal: AbortSignal,
): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const tooLarge = (): SpeechgateError =>
      new SpeechgateError('message_too_large', `request body exceeds ${maxBytes} bytes`);
    if (contentLength !== '' && !(Number(contentLength) <= maxBytes)) {
      // Still consume onData so uWS does not deliver into nothing; the response closes the connection.
      res.onData(() => undefined);
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const fail = (err: SpeechgateError): void => {
      if (settled) return;
      settled = true;
      reject(err);
    };
    signal.addEventListener('abort', () => fail(new SpeechgateError('internal', 'client went away')), {
      once: true,
    });
    res.onData((chunk, isLast) => {
      if (settled) return;
      received += chunk.byteLength;
      if (received > maxBytes) {
        fail(tooLarge());
        return;
      }
      // uWS neuters the chunk's ArrayBuffer after this callback: copy.
      chunks.push(Buffer.from(chunk.slice(0)));
      if (isLast) {
        settled = true;
        resolve(Buffer.concat(chunks, received));
      }
    });
  });
}
