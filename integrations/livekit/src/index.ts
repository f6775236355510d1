export { TTS, ChunkedStream, SynthesizeStream, type SpeechgateTTSOptions } from './tts.js';
