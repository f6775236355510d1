/**
 * The AudioWorklet processor that plays decoded samples gaplessly. It holds a jitter buffer (a
 * SampleRing) and starts, or restarts after an underrun, only once `targetSamples` are buffered or
 * the stream has ended. It reports the consumed-sample count (the playback position) about every
 * 20 ms, and `drained` once an ended stream has been played out.
 *
 * Messages in:  {type:'reset', gen, targetSamples} | {type:'push', gen, samples} | {type:'end', gen}
 *               | {type:'stop', gen}
 * Messages out: {type:'position', gen, played, buffered, underruns} | {type:'drained', gen, played}
 */
import { SampleRing } from './ring.js';

export const PROCESSOR_NAME = 'speechgate-player';

const PROCESSOR_SOURCE = `
class SpeechgatePlayerProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.ring = new Ring(sampleRate * 4);
    const o = options.processorOptions || {};
    this.reset(o.gen || 0, o.targetSamples || 0);
    this.reportEvery = Math.round(sampleRate / 50);
    this.port.onmessage = (e) => this.command(e.data);
  }
  reset(gen, targetSamples) {
    this.ring.clear();
    this.gen = gen;
    this.target = targetSamples;
    this.playing = false;
    this.ended = false;
    this.drained = false;
    this.played = 0;
    this.sinceReport = 0;
    this.underruns = 0;
  }
  command(m) {
    if (m.type === 'reset' || m.type === 'stop') this.reset(m.gen, m.targetSamples || this.target);
    else if (m.gen !== this.gen) return;
    else if (m.type === 'push') this.ring.push(m.samples);
    else if (m.type === 'end') this.ended = true;
  }
  process(inputs, outputs) {
    const channels = outputs[0];
    const out = channels && channels[0];
    if (!out) return true;
    let n = 0;
    if (!this.playing && (this.ring.length >= this.target || (this.ended && this.ring.length > 0))) {
      this.playing = true;
    }
    if (this.playing) {
      n = this.ring.read(out);
      if (n < out.length && !this.ended) {
        this.playing = false;
        this.underruns++;
      }
    }
    out.fill(0, n);
    for (let c = 1; c < channels.length; c++) channels[c].set(out);
    this.played += n;
    this.sinceReport += n;
    if (this.sinceReport >= this.reportEvery) {
      this.sinceReport = 0;
      this.post('position');
    }
    if (this.ended && !this.drained && this.ring.length === 0) {
      this.drained = true;
      this.playing = false;
      this.post('position');
      this.post('drained');
    }
    return true;
  }
  post(type) {
    this.port.postMessage({ type, gen: this.gen, played: this.played, buffered: this.ring.length, underruns: this.underruns });
  }
}
registerProcessor(${JSON.stringify(PROCESSOR_NAME)}, SpeechgatePlayerProcessor);
`;

/** The worklet module's source text, e.g. to write it to a file served next to your app. */
export function workletSource(): string {
  return `const Ring = (${SampleRing.toString()});\n${PROCESSOR_SOURCE}`;
}

/** A Blob URL of the worklet module (revoke it with URL.revokeObjectURL once loaded). */
export function workletBlobUrl(): string {
  return URL.createObjectURL(new Blob([workletSource()], { type: 'text/javascript' }));
}
