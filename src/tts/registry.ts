import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SpeechgateError } from '../errors.js';
import { loadLetterToSound } from '../text/lts/index.js';
import type { Synthesizer } from './engine.js';
import type { SessionOptions } from './device.js';
import { OnnxVoice } from './onnx-voice.js';
import { WorkerPoolVoice } from './worker/pool-voice.js';

/** The default among the bundled voices: named, so that adding a voice folder never changes it. */
export const BUNDLED_DEFAULT_VOICE = 'lj-en-us';

/**
 * The voice used when a request names none, unless configured (SPEECHGATE_DEFAULT_VOICE): the only voice,
 * else the bundled default. Several voices without either is a start-up error rather than a guess.
 */
export function chooseDefaultVoice(ids: readonly string[], configured?: string): string {
  if (configured !== undefined) {
    if (!ids.includes(configured))
      throw new Error(`the default voice "${configured}" is not among the loaded voices (${ids.join(', ')})`);
    return configured;
  }
  if (ids.length === 1) return ids[0]!;
  if (ids.includes(BUNDLED_DEFAULT_VOICE)) return BUNDLED_DEFAULT_VOICE;
  throw new Error(
    `${ids.length} voices and no default: set SPEECHGATE_DEFAULT_VOICE to one of ${ids.join(', ')}`,
  );
}

/** The voices a gateway serves, loaded from one folder of voice folders (each with a voice.json). */
export class VoiceRegistry {
  private constructor(
    private readonly voices: ReadonlyMap<string, Synthesizer>,
    readonly defaultVoice: string,
  ) {}

  /**
   * Loads every voice folder. With `workers` > 0 each voice runs on that many synthesis processes (the gateway);
   * with 0, in this thread (tools and tests).
   */
  static async load(
    voicesDir: string,
    session: SessionOptions,
    defaultVoice?: string,
    workers = 0,
  ): Promise<VoiceRegistry> {
    const entries = await readdir(voicesDir).catch((err: unknown) => {
      throw new Error(`cannot read the voices folder ${voicesDir}`, { cause: err });
    });
    const voices = new Map<string, Synthesizer>();
    for (const entry of entries.sort()) {
      const dir = join(voicesDir, entry);
      const isVoice = await stat(join(dir, 'voice.json')).then(
        (s) => s.isFile(),
        () => false,
      );
      if (!isVoice) continue;
      const voice =
        workers > 0 ? await WorkerPoolVoice.load(dir, session, workers) : await OnnxVoice.load(dir, session);
      voices.set(voice.id, voice);
    }
    return VoiceRegistry.of([...voices.values()], defaultVoice);
  }

  /** A registry over synthesizers built elsewhere (tests, embedding). */
  static of(voices: readonly Synthesizer[], defaultVoice?: string): VoiceRegistry {
    if (voices.length === 0)
      throw new Error('no voices: a voice folder holds voice.json, acoustic.onnx and vocoder.onnx');
    const map = new Map(voices.map((v) => [v.id, v]));
    return new VoiceRegistry(map, chooseDefaultVoice([...map.keys()], defaultVoice));
  }

  get(id: string | undefined): Synthesizer {
    const voice = this.voices.get(id ?? this.defaultVoice);
    if (!voice)
      throw new SpeechgateError(
        'unknown_voice',
        `unknown voice; available: ${[...this.voices.keys()].join(', ')}`,
      );
    return voice;
  }

  list(): Synthesizer[] {
    return [...this.voices.values()];
  }

  /**
   * Runs every voice once, and loads the letter-to-sound model (some 200 ms, on the event loop), so that the
   * first real request does not pay for lazy initialisation.
   */
  async warmUp(): Promise<void> {
    loadLetterToSound();
    for (const voice of this.voices.values()) {
      for await (const _chunk of voice.synthesize(voice.prepare('Ready.'))) {
        // drain
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.voices.values()].map((v) => v.close()));
  }
}
