import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { floatToS16le } from '../audio/pcm.js';
import { wavFile } from '../audio/wav.js';
import { VoiceRegistry } from '../tts/registry.js';
import { DEVICES, type Device } from '../config/types.js';
import { concatSamples } from '../util/concat.js';
import { fromRoot } from '../util/paths.js';

export const synthHelp = `speechgate synth --text "..." --out a.wav [--voice ID] [--device ${DEVICES.join('|')}] [--speed 1] [--threads N] [--voices DIR]

Synthesises text to a 16-bit WAV file at the voice's sample rate, without a server. Prints the word timings
and the time each stage took.`;

export async function synthCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      text: { type: 'string' },
      out: { type: 'string', short: 'o' },
      voice: { type: 'string' },
      device: { type: 'string', default: 'cpu' },
      speed: { type: 'string', default: '1' },
      threads: { type: 'string', default: '1' },
      voices: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values.text || !values.out) {
    console.log(synthHelp);
    if (!values.help) process.exitCode = 2;
    return;
  }
  const device = values.device as Device;
  if (!DEVICES.includes(device)) throw new Error(`--device must be one of ${DEVICES.join(', ')}`);
  const registry = await VoiceRegistry.load(values.voices ?? fromRoot('models', 'voices'), {
    device,
    threads: Number(values.threads),
  });
  try {
    const voice = registry.get(values.voice);
    const started = performance.now();
    const phrase = voice.prepare(values.text);
    const stages: Record<string, number> = { frontend: (performance.now() - started) / 1000 };
    const pieces: Float32Array[] = [];
    let firstAudioMs: number | undefined;
    for await (const chunk of voice.synthesize(phrase, {
      speed: Number(values.speed),
      onStage: (stage, s) => (stages[stage] = (stages[stage] ?? 0) + s),
    })) {
      firstAudioMs ??= performance.now() - started;
      if (chunk.timing) {
        for (const w of chunk.timing.words) {
          console.log(
            `${(w.startMs / 1000).toFixed(2).padStart(6)}s ${(w.endMs / 1000).toFixed(2).padStart(6)}s  ${w.word}`,
          );
        }
      }
      pieces.push(chunk.pcm.slice());
    }
    const pcm = concatSamples(pieces);
    const total = pcm.length;
    await writeFile(values.out, wavFile('pcm_s16le', voice.sampleRate, floatToS16le(pcm)));
    const audioSeconds = total / voice.sampleRate;
    const wall = (performance.now() - started) / 1000;
    console.log(
      `wrote ${values.out}: ${audioSeconds.toFixed(2)} s of audio in ${wall.toFixed(3)} s (${(audioSeconds / wall).toFixed(1)}x real time), ` +
        `first audio after ${firstAudioMs?.toFixed(1)} ms; stages ${Object.entries(stages)
          .map(([k, v]) => `${k} ${(v * 1000).toFixed(1)} ms`)
          .join(', ')}`,
    );
  } finally {
    await registry.close();
  }
}
