/**
 * Runs the worklet module's real source in a minimal stand-in for AudioWorkletGlobalScope (Node has
 * none), driving process() block by block as the audio thread would. The browser test covers the
 * real scope.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PROCESSOR_NAME, workletSource } from './worklet.js';

interface Report {
  type: string;
  gen: number;
  played: number;
  buffered: number;
  underruns: number;
}
interface Processor {
  port: { onmessage: (e: { data: unknown }) => void; sent: Report[] };
  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean;
}

function load(rate: number, targetSamples: number): Processor {
  class Port {
    sent: Report[] = [];
    onmessage: (e: { data: unknown }) => void = () => {};
    postMessage(m: Report): void {
      this.sent.push(m);
    }
  }
  class AudioWorkletProcessor {
    port = new Port();
  }
  let registered: (new (o: unknown) => Processor) | undefined;
  function registerProcessor(name: string, ctor: new (o: unknown) => Processor): void {
    assert.equal(name, PROCESSOR_NAME);
    registered = ctor;
  }
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- evaluating the module source is the point
  const run = new Function('AudioWorkletProcessor', 'registerProcessor', 'sampleRate', workletSource()) as (
    base: unknown,
    register: typeof registerProcessor,
    sampleRate: number,
  ) => void;
  run(AudioWorkletProcessor, registerProcessor, rate);
  assert.ok(registered);
  return new registered({ processorOptions: { gen: 1, targetSamples } });
}

function block(p: Processor): Float32Array {
  const out = [new Float32Array(128), new Float32Array(128)];
  assert.equal(p.process([], [out]), true);
  assert.deepEqual(out[1], out[0], 'mono is copied to every channel');
  return out[0]!;
}

const send = (p: Processor, data: object): void => p.port.onmessage({ data });

void test('waits for the jitter target, then plays gaplessly and reports position and drain', () => {
  const p = load(6400, 300); // 6400 Hz: a position report every 128 samples
  send(p, { type: 'push', gen: 1, samples: new Float32Array(200).fill(0.5) });
  assert.ok(
    block(p).every((x) => x === 0),
    'below the target: silence',
  );
  send(p, { type: 'push', gen: 1, samples: new Float32Array(200).fill(0.25) });
  const first = block(p);
  assert.ok(first.every((x) => x === 0.5));
  const second = block(p);
  assert.deepEqual([second[71], second[72]], [0.5, 0.25], 'no gap between pushes');
  send(p, { type: 'end', gen: 1 });
  block(p);
  const last = block(p); // 400 - 384 = 16 samples left, then silence
  assert.equal(last[15], 0.25);
  assert.equal(last[16], 0);
  const reports = p.port.sent;
  assert.deepEqual(reports.at(-1), { type: 'drained', gen: 1, played: 400, buffered: 0, underruns: 0 });
  assert.ok(reports.some((r) => r.type === 'position' && r.played === 128));
});

void test('an underrun rebuffers; stop silences at once and ignores stale pushes', () => {
  const p = load(6400, 128);
  send(p, { type: 'push', gen: 1, samples: new Float32Array(200).fill(1) });
  block(p);
  const partial = block(p); // 72 left: underrun
  assert.equal(partial[71], 1);
  assert.equal(partial[72], 0);
  send(p, { type: 'push', gen: 1, samples: new Float32Array(100).fill(1) });
  assert.ok(
    block(p).every((x) => x === 0),
    'rebuffering until the target is met again',
  );
  send(p, { type: 'push', gen: 1, samples: new Float32Array(100).fill(1) });
  assert.ok(block(p).every((x) => x === 1));
  assert.deepEqual(p.port.sent.at(-1), { type: 'position', gen: 1, played: 328, buffered: 72, underruns: 1 });
  send(p, { type: 'stop', gen: 2 });
  send(p, { type: 'push', gen: 1, samples: new Float32Array(1000).fill(1) });
  assert.ok(
    block(p).every((x) => x === 0),
    'stopped: the buffer was dropped and old pushes are ignored',
  );
  send(p, { type: 'push', gen: 2, samples: new Float32Array(128).fill(0.5) });
  assert.ok(block(p).every((x) => x === 0.5));
  assert.deepEqual(p.port.sent.at(-1), { type: 'position', gen: 2, played: 128, buffered: 0, underruns: 0 });
});
