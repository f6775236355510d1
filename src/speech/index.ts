export { admitNewStream, OVERLOAD_RETRY_AFTER_SECONDS } from './admission.js';
export { SpeechStream, type StreamInit } from './stream.js';
export { FRAME_MS } from './timeline.js';
export {
  OPEN_GATE,
  type OutputGate,
  type SentenceDone,
  type SentenceStart,
  type SpeechMetrics,
  type SpeechServices,
  type SpeechSink,
  type SpeechStage,
  type StreamSummary,
  type StreamTuning,
  type TimedFrame,
  type TimedWord,
} from './types.js';
