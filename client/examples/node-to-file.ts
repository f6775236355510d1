/**
 * Synthesise text to a WAV file through a running gateway, from Node 20 with the `ws` package.
 *
 *   node dist/tests/examples/node-to-file.js --url ws://127.0.0.1:8080/v1/stream --token "$JWT" \
 *     --text "Hello there." --out /tmp/hello.wav [--voice ID] [--format pcm_s16le@24000|mulaw|alaw] [--speed 1]
 *
 * Text can also come on stdin. In your own code import from '@speechgate/client' instead of '../src/index.js'.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { SpeechgateClient, SpeechgateError, type AudioEncoding } from '../src/index.js';

const USAGE = `usage: node-to-file --url ws://HOST/v1/stream --token JWT [--text TEXT | < text.txt] [--out speech.wav]
                    [--voice ID] [--format pcm_s16le@24000 | mulaw | alaw] [--speed 1]
The token may also come from SPEECHGATE_TOKEN.`;

/** WAV format tags: 1 = PCM, 6 = A-law, 7 = mu-law. */
const WAV_TAG: Partial<Record<AudioEncoding, { tag: number; bits: number }>> = {
  pcm_s16le: { tag: 1, bits: 16 },
  alaw: { tag: 6, bits: 8 },
  mulaw: { tag: 7, bits: 8 },
};

function wav(data: Uint8Array, sampleRate: number, tag: number, bits: number): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(tag, 20);
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE((sampleRate * bits) / 8, 28);
  header.writeUInt16LE(bits / 8, 32);
  header.writeUInt16LE(bits, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

type Options = ReturnType<typeof parseOptions>;

function parseOptions(args: string[]) {
  return parseArgs({
    args,
    options: {
      url: { type: 'string', default: 'ws://127.0.0.1:8080/v1/stream' },
      token: { type: 'string', default: process.env.SPEECHGATE_TOKEN },
      text: { type: 'string' },
      out: { type: 'string', default: 'speech.wav' },
      voice: { type: 'string' },
      format: { type: 'string', default: 'pcm_s16le@24000' },
      speed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
}

/** Bad arguments get the usage text and exit code 2, not a stack trace. */
function options(): Options | undefined {
  try {
    return parseOptions(process.argv.slice(2));
  } catch (err) {
    console.error(`node-to-file: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    process.exitCode = 2;
    return undefined;
  }
}

async function main(): Promise<void> {
  const values = options();
  if (!values) return;
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const [encoding, rate] = values.format.split('@') as [AudioEncoding, string | undefined];
  const wavFormat = WAV_TAG[encoding];
  if (!wavFormat) throw new Error('WAV files hold pcm_s16le, mulaw or alaw; pick one of those with --format');
  const text = values.text ?? (await readStdin());

  const client = new SpeechgateClient({ url: values.url, token: values.token, WebSocket, reconnect: false });
  try {
    await client.ready;
    const ctx = client.context({
      voice: values.voice,
      format: { encoding, sampleRate: rate === undefined ? undefined : Number(rate) },
      speed: values.speed === undefined ? undefined : Number(values.speed),
    });
    const frames: Uint8Array[] = [];
    ctx.on('audio', (frame) => frames.push(frame.payload.slice()));
    ctx.sendText(text);
    const done = await ctx.end();
    const audio = Buffer.concat(frames);
    await writeFile(values.out, wav(audio, ctx.format!.sampleRate, wavFormat.tag, wavFormat.bits));
    console.log(
      `${values.out}: ${done?.audioMs} ms of audio, ${done?.sentences} sentence(s), ` +
        `first audio after ${done?.timeToFirstAudioMs} ms (server)`,
    );
  } finally {
    client.close();
  }
}

main().catch((err: unknown) => {
  if (err instanceof SpeechgateError)
    console.error(`node-to-file: speechgate error ${err.code}: ${err.message}`);
  else console.error(`node-to-file: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
