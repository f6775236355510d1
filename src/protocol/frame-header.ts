/** The binary audio frame of speechgate.v1, as defined in the client package (client/src/frame.ts). */
export {
  decodeAudioFrame,
  encodeAudioFrameWithId as encodeAudioFrame,
  encodeContextId,
  FLAG_SENTENCE_END,
  FLAG_SENTENCE_START,
  FRAME_VERSION,
  MAX_CONTEXT_ID_BYTES,
  type AudioFrame as AudioFrameHeader,
} from '@speechgate/client/protocol';
