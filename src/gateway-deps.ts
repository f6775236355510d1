/**
 * Everything shared by all streams of one gateway process, built by the composition root (src/app) and
 * used by both transports (src/session for WebSockets, src/openai for HTTP).
 */
import type { Logger } from 'pino';
import type { EncoderService } from './audio/frame-encoder.js';
import type { PhraseCache } from './cache/index.js';
import type { Config } from './config/index.js';
import type { Limits } from './limits/index.js';
import type { Metrics } from './metrics/index.js';
import type { VoiceRegistry } from './tts/registry.js';

export interface GatewayDeps {
  config: Config;
  voices: VoiceRegistry;
  encoders: EncoderService;
  cache: PhraseCache;
  limits: Limits;
  metrics: Metrics;
  logger: Logger;
}
