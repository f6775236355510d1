import { gunzipSync } from 'node:zlib';
import { SpeechgateError } from '../../errors.js';
import {
  ByteReader,
  FIRST_GRAPHONE,
  type Graphone,
  LETTER_COUNT,
  MAGIC,
  PHONEME_CODES,
  PROB_SCALE,
} from './model-format.js';
import { type JointModel, packModel } from './model.js';

const corrupt = (what: string): SpeechgateError =>
  new SpeechgateError('internal', `letter-to-sound model is corrupt: ${what}`);

/** Reads a model written by scripts/train-lts.ts; a damaged file raises SpeechgateError 'internal'. */
export function parseModel(gzipped: Uint8Array): JointModel {
  try {
    return readModel(gzipped);
  } catch (err) {
    if (err instanceof SpeechgateError) throw err;
    throw new SpeechgateError('internal', 'letter-to-sound model is corrupt', { cause: err });
  }
}

function readModel(gzipped: Uint8Array): JointModel {
  const reader = new ByteReader(gunzipSync(gzipped));
  const magic = String.fromCharCode(reader.u8(), reader.u8(), reader.u8(), reader.u8());
  if (magic !== MAGIC) throw corrupt('bad magic');
  const order = reader.u8();

  const graphoneCount = reader.varint();
  const graphones: Graphone[] = [
    { letter: -1, phonemes: [] },
    { letter: -1, phonemes: [] },
  ];
  for (let i = 0; i < graphoneCount; i++) {
    const letter = reader.u8();
    // Graphones come grouped by letter; the decoder relies on it.
    if (letter >= LETTER_COUNT || letter < (graphones.at(-1)?.letter ?? 0)) throw corrupt('graphone letters');
    const phonemes = Array.from({ length: reader.u8() }, () => {
      const symbol = PHONEME_CODES[reader.u8()];
      if (symbol === undefined) throw corrupt('unknown phoneme code');
      return symbol;
    });
    graphones.push({ letter, phonemes });
  }
  const letterStart = new Int32Array(LETTER_COUNT + 1);
  for (let l = 0, t = FIRST_GRAPHONE; l <= LETTER_COUNT; l++) {
    while (t < graphones.length && (graphones[t]?.letter ?? LETTER_COUNT) < l) t++;
    letterStart[l] = t;
  }

  const nodes = reader.varint();
  const childStart = new Int32Array(nodes + 1);
  let next = 1;
  for (let n = 0; n < nodes; n++) {
    childStart[n] = next;
    next += reader.varint();
  }
  childStart[nodes] = next;
  if (next !== nodes) throw corrupt('child counts do not add up');

  const token = new Uint16Array(nodes);
  for (let n = 0; n < nodes; n++) {
    let previous = 0;
    for (let c = childStart[n] ?? 0; c < (childStart[n + 1] ?? 0); c++) {
      const delta = reader.varint();
      // Siblings must be strictly increasing for the decoder's binary searches.
      if (delta === 0 && c > (childStart[n] ?? 0)) throw corrupt('siblings out of order');
      previous += delta;
      if (previous >= graphones.length) throw corrupt('token out of range');
      token[c] = previous;
    }
  }
  const logProb = new Float32Array(nodes);
  const probabilities = reader.u16Column(nodes - 1);
  for (let n = 1; n < nodes; n++) logProb[n] = -(probabilities[n - 1] ?? 0) / PROB_SCALE;
  const logBackoff = new Float32Array(nodes);
  let histories = 0;
  for (let n = 1; n < nodes; n++) if ((childStart[n + 1] ?? 0) > (childStart[n] ?? 0)) histories++;
  const backoffs = reader.u16Column(histories);
  for (let n = 1, i = 0; n < nodes; n++) {
    if ((childStart[n + 1] ?? 0) <= (childStart[n] ?? 0)) continue;
    const v = backoffs[i++] ?? 0;
    logBackoff[n] = (v >= 0x8000 ? v - 0x10000 : v) / PROB_SCALE;
  }
  if (!reader.done) throw corrupt('trailing bytes');

  return packModel({ order, childStart, token, logProb, logBackoff }, graphones, letterStart);
}
