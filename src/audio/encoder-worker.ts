/** An encoder thread: holds the StreamEncoders of the streams assigned to it (see encoder-pool.ts). */
import { parentPort } from 'node:worker_threads';
import { SpeechgateError } from '../errors.js';
import { createStreamEncoder, prewarmEncoders, type StreamEncoder } from './encoder.js';
import type { FromEncoder, ToEncoder } from './encoder-messages.js';

const port = parentPort;
if (!port) throw new Error('encoder-worker must run in a worker thread');
const encoders = new Map<number, StreamEncoder>();
/** Opening is asynchronous; later requests for the same stream wait for it so that order is kept. */
const opening = new Map<number, Promise<void>>();

function post(message: FromEncoder, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

function fail(req: number, err: unknown): void {
  post({
    type: 'failed',
    req,
    message: err instanceof Error ? err.message : String(err),
    ...(err instanceof SpeechgateError ? { code: err.code } : {}),
  });
}

function sendFrames(req: number, frames: Uint8Array[]): void {
  const sizes = frames.map((f) => f.length);
  const data = new Uint8Array(sizes.reduce((a, b) => a + b, 0));
  let offset = 0;
  for (const frame of frames) {
    data.set(frame, offset);
    offset += frame.length;
  }
  post({ type: 'frames', req, data, sizes }, [data.buffer]);
}

function encoder(id: number): StreamEncoder {
  const found = encoders.get(id);
  if (!found) throw new SpeechgateError('internal', 'no such encoder on this thread');
  return found;
}

async function handle(message: ToEncoder): Promise<void> {
  switch (message.type) {
    case 'open': {
      const ready = createStreamEncoder(message.format, message.inputRate).then((e) => {
        encoders.set(message.id, e);
        post({ type: 'opened', req: message.req, preSkip: e.preSkip });
      });
      opening.set(
        message.id,
        ready.catch(() => undefined),
      );
      await ready.catch((err: unknown) => fail(message.req, err));
      opening.delete(message.id);
      return;
    }
    case 'encode':
    case 'flush': {
      await opening.get(message.id);
      try {
        const e = encoder(message.id);
        sendFrames(message.req, message.type === 'encode' ? e.encode(message.pcm) : e.flush());
      } catch (err) {
        fail(message.req, err);
      }
      return;
    }
    case 'prewarm':
      await prewarmEncoders(message.count, message.inputRate).then(
        () => post({ type: 'done', req: message.req }),
        (err: unknown) => fail(message.req, err),
      );
      return;
    case 'destroy':
      await opening.get(message.id);
      encoders.get(message.id)?.destroy();
      encoders.delete(message.id);
      return;
  }
}

port.on('message', (message: ToEncoder) => void handle(message));
