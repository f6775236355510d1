/**
 * Speak an answer while it is still being written: tokens go to the gateway as a language model
 * produces them, and audio arrives for each sentence as soon as it is complete. Audio frames are
 * simply counted here; a browser app hands the context to SpeechgatePlayer instead, a phone bridge to
 * TwilioMediaStream.
 *
 *   node dist/tests/examples/llm-stream.js --url ws://127.0.0.1:8080/v1/stream --token "$JWT"
 *
 * In your own code import from '@speechgate/client' instead of '../src/index.js'.
 */
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { SpeechgateClient, SpeechgateError, type Context } from '../src/index.js';

/** Stands in for an LLM's streaming API: a few characters at a time, at an irregular pace. */
async function* fakeLlm(answer: string): AsyncGenerator<string> {
  for (const token of answer.match(/\s*\S{1,4}/g) ?? []) {
    await new Promise((r) => setTimeout(r, 15 + Math.random() * 40));
    yield token;
  }
}

async function speakAnswer(ctx: Context, tokens: AsyncIterable<string>): Promise<void> {
  const events = ctx.events(); // subscribe before sending, so nothing is missed
  const feeding = (async () => {
    for await (const token of tokens) {
      if (ctx.state !== 'open') return; // cancelled (barge-in) or failed
      ctx.sendText(token);
    }
    void ctx.end();
  })();
  let frames = 0;
  for await (const ev of events) {
    if (ev.type === 'audio' && frames++ === 0) {
      console.log(
        `first audio frame ${Math.round(performance.now() - ctx.firstTextAt!)} ms after the first token was sent`,
      );
    } else if (ev.type === 'sentence') {
      console.log(`sentence ${ev.index} at ${ev.audioStartMs} ms: ${ev.words.map((w) => w.word).join(' ')}`);
    } else if (ev.type === 'refused') {
      console.warn(`refused: ${ev.error.code} (retry after ${ev.error.retryAfterSeconds ?? '?'} s)`);
    } else if (ev.type === 'done') {
      console.log(`done: ${ev.audioMs} ms of audio in ${frames} frames`);
    }
  }
  await feeding;
}

const USAGE = `usage: llm-stream --url ws://HOST/v1/stream --token JWT
Speaks a canned answer token by token, as a language model would stream it, and logs the events.
The token may also come from SPEECHGATE_TOKEN.`;

function parseOptions(args: string[]) {
  return parseArgs({
    args,
    options: {
      url: { type: 'string', default: 'ws://127.0.0.1:8080/v1/stream' },
      token: { type: 'string', default: process.env.SPEECHGATE_TOKEN },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
}

async function main(): Promise<void> {
  let values: ReturnType<typeof parseOptions>;
  try {
    values = parseOptions(process.argv.slice(2));
  } catch (err) {
    // Bad arguments get the usage text and exit code 2, not a stack trace.
    console.error(`llm-stream: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const client = new SpeechgateClient({ url: values.url, token: values.token, WebSocket });
  client.on('reconnecting', ({ attempt, delayMs }) =>
    console.warn(`reconnecting (#${attempt}) in ${delayMs} ms`),
  );
  await client.ready;
  const answer =
    'Sure! The Eiffel Tower is about three hundred and thirty metres tall. ' +
    'It was finished in 1889, for the World Fair in Paris.';
  try {
    await speakAnswer(client.context({ format: 'opus' }), fakeLlm(answer));
  } catch (err) {
    // A drop mid-answer fails the context with a retryable error; the client reconnects by itself,
    // so the app may simply ask again on a new context.
    if (err instanceof SpeechgateError && err.retryable) console.warn(`interrupted (${err.code}); ask again`);
    else throw err;
  } finally {
    client.close();
  }
}

main().catch((err: unknown) => {
  if (err instanceof SpeechgateError)
    console.error(`llm-stream: speechgate error ${err.code}: ${err.message}`);
  else console.error(`llm-stream: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
