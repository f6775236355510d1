export type { AudioContainer } from './types.js';
export { OggOpusContainer } from './ogg-opus.js';
export { RawContainer, WavContainer } from './wav.js';
export { EncodedContainer } from './encoded.js';
