/**
 * MP3 on a context's binary frames. The speech core's 20 ms frames of 16-bit PCM go through LAME one by one;
 * each binary frame keeps its sequence number and flags and carries the MP3 bytes LAME completed while
 * taking it (often none: an MP3 frame is 24 ms at 24 kHz). The payloads, concatenated, are one MP3 stream.
 *
 * LAME holds back the newest audio (its 1105-sample delay plus frames being built), so a sentence's last
 * frame is held until it is known what follows: the next sentence's audio pushes the tail out on its own; at
 * `done` the encoder's end() is appended; at a client's `flush` silence is pushed through until the tail is
 * out (DRAIN_FRAMES MP3 frames plus the delay: 140 ms at 24 kHz), which the MP3 stream then carries and the
 * 20 ms timeline does not. See docs/PROTOCOL.md, "MP3".
 */
import { createMp3Encoder } from '../audio/codec/index.js';
import { EncodedContainer, type AudioContainer } from '../audio/container/index.js';
import { concatBytes } from '../util/concat.js';

/** LAME's encoder delay in samples (decoders that read no LAME tag play this much silence first). */
export const MP3_ENCODER_DELAY = 1105;
/** MP3 frames of silence after the delay that bring every sample given so far out (measured with mpg123). */
const DRAIN_FRAMES = 4;

const EMPTY = new Uint8Array(0);

/** A binary frame to send: the sequence and flags of a PCM frame, MP3 bytes as payload. */
export interface Mp3Frame {
  sequence: number;
  flags: number;
  payload: Uint8Array;
}

export class Mp3Frames {
  private held: Mp3Frame | undefined;
  private readonly drainBytes: number;

  private constructor(
    private readonly container: AudioContainer,
    sampleRate: number,
  ) {
    const frameSamples = sampleRate >= 32000 ? 1152 : 576; // MPEG-1 : MPEG-2
    this.drainBytes = 2 * (MP3_ENCODER_DELAY + DRAIN_FRAMES * frameSamples);
  }

  static async open(sampleRate: number): Promise<Mp3Frames> {
    return new Mp3Frames(new EncodedContainer(await createMp3Encoder({ sampleRate })), sampleRate);
  }

  /** One 20 ms frame of s16le PCM (`sentenceEnd`: the last of its sentence); returns the frames to send. */
  frame(sequence: number, flags: number, pcm: Uint8Array, sentenceEnd: boolean): Mp3Frame[] {
    const current = { sequence, flags, payload: this.container.frame(pcm) };
    const out = this.release(EMPTY);
    if (sentenceEnd) this.held = current;
    else out.push(current);
    return out;
  }

  /** A client's flush: everything spoken so far must be out, at the cost of some silence in the MP3. */
  flushed(): Mp3Frame[] {
    return this.held ? this.release(this.container.frame(new Uint8Array(this.drainBytes))) : [];
  }

  /** The context is complete: the encoder's last bytes go with the last frame. */
  done(): Mp3Frame[] {
    return this.release(this.container.trailer());
  }

  private release(extra: Uint8Array): Mp3Frame[] {
    const held = this.held;
    if (!held) return [];
    this.held = undefined;
    return [{ ...held, payload: concatBytes([held.payload, extra]) }];
  }
}
