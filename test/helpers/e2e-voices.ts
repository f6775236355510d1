/**
 * The voices the end-to-end tests run against: the REAL trained voice(s) from models/voices on the
 * CPU. Without one the tests fail (they never skip): they exist to prove the gateway with the real
 * model. For server development before a voice exists, SPEECHGATE_E2E_VOICE=tone swaps in the dev-only
 * ToneVoice; that run proves the plumbing only.
 *
 * Each voice is wrapped in a recorder that passes everything through and notes how each synthesis
 * ended, so a test can see that cancelling stopped inference instead of letting it run to the end.
 */
import { fromRoot } from '../../src/util/paths.js';
import type { PreparedPhrase, SynthesisChunk, Synthesizer, SynthesizeOptions } from '../../src/tts/engine.js';
import { VoiceRegistry } from '../../src/tts/registry.js';
import { ToneVoice } from './tone-voice.js';

export interface SynthesisRecord {
  chunks: number;
  /** The synthesizer ran to its end. */
  completed: boolean;
  /** It stopped early: aborted, or its consumer stopped pulling. */
  stoppedEarly: boolean;
  /** What the transport told the scheduler. */
  live: boolean | undefined;
  tenant: string | undefined;
}

export class RecordingSynthesizer implements Synthesizer {
  readonly records: SynthesisRecord[] = [];
  /** Set by a test to play a machine over capacity. */
  overloaded = false;

  constructor(private readonly inner: Synthesizer) {}

  get id(): string {
    return this.inner.id;
  }
  get name(): string {
    return this.inner.name;
  }
  get sampleRate(): number {
    return this.inner.sampleRate;
  }
  get modelHash(): string {
    return this.inner.modelHash;
  }

  isOverloaded(): boolean {
    return this.overloaded || this.inner.isOverloaded?.() === true;
  }

  prepare(text: string): PreparedPhrase {
    return this.inner.prepare(text);
  }

  async *synthesize(phrase: PreparedPhrase, options?: SynthesizeOptions): AsyncIterable<SynthesisChunk> {
    const record: SynthesisRecord = {
      chunks: 0,
      completed: false,
      stoppedEarly: false,
      live: options?.live,
      tenant: options?.tenant,
    };
    this.records.push(record);
    try {
      for await (const chunk of this.inner.synthesize(phrase, options)) {
        record.chunks++;
        yield chunk;
      }
      record.completed = true;
    } finally {
      if (!record.completed) record.stoppedEarly = true;
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

export interface E2EVoices {
  registry: VoiceRegistry;
  /** The default voice, recorded. */
  voice: RecordingSynthesizer;
  /** True when running on the dev-only tone voice. */
  dev: boolean;
  close(): Promise<void>;
}

export async function loadE2EVoices(): Promise<E2EVoices> {
  let loaded: Synthesizer[];
  let defaultVoice: string;
  const dev = process.env.SPEECHGATE_E2E_VOICE === 'tone';
  if (dev) {
    console.warn('e2e: SPEECHGATE_E2E_VOICE=tone: running on the DEV-ONLY tone voice, not the real model');
    loaded = [new ToneVoice()];
    defaultVoice = loaded[0]!.id;
  } else {
    const dir = fromRoot('models', 'voices');
    let real: VoiceRegistry;
    try {
      real = await VoiceRegistry.load(dir, { device: 'cpu', threads: 1 });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(
        `e2e tests need a trained voice in ${dir} (e.g. models/voices/slt-en-us/ with voice.json, ` +
          `acoustic.onnx, vocoder.onnx); none could be loaded: ${reason}`,
        { cause: err },
      );
    }
    loaded = real.list();
    defaultVoice = real.defaultVoice;
  }
  const recorded = loaded.map((v) => new RecordingSynthesizer(v));
  const registry = VoiceRegistry.of(recorded, defaultVoice);
  return {
    registry,
    voice: recorded.find((v) => v.id === defaultVoice)!,
    dev,
    close: () => registry.close(),
  };
}
