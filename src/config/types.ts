/**
 * The validated configuration. Built once at start by `loadConfig` from the environment, deeply
 * frozen, and passed down explicitly; nothing else in the gateway reads `process.env`.
 */
import type { HttpApiConfig } from './http-config.js';

export type NodeEnv = 'production' | 'development' | 'test';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
/** Where inference runs: the one list of devices (config, CLI and the ONNX sessions use it). */
export const DEVICES = ['cpu', 'webgpu', 'cuda'] as const;
export type Device = (typeof DEVICES)[number];

/** JWS algorithms speechgate will ever accept; `none` is deliberately absent. */
export type AsymmetricAlgorithm =
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA'
  | 'Ed25519';

export interface JwksTuning {
  /** Minimum time between refetches triggered by an unknown `kid`. */
  readonly cooldownSeconds: number;
  /** Age after which cached keys are refetched before use. */
  readonly cacheMaxAgeSeconds: number;
  readonly timeoutMs: number;
}

interface AuthCommon {
  /** Expected `aud`; checked only when set. */
  readonly audience: string | undefined;
  /** Expected `iss`; checked only when set. */
  readonly issuer: string | undefined;
  readonly clockSkewSeconds: number;
  /** Lifetime of the token the server prints in dev mode. */
  readonly devTokenTtlSeconds: number;
  readonly jwks: JwksTuning;
}

/** HS256 with a configured shared secret (>= 32 bytes). */
export interface SecretAuth extends AuthCommon {
  readonly mode: 'secret';
  readonly secret: Uint8Array;
}

/** No key configured outside production: a random per-process HS256 secret; the server prints a token. */
export interface DevAuth extends AuthCommon {
  readonly mode: 'dev';
  readonly secret: Uint8Array;
}

/** A PEM public key; the accepted algorithms follow from the key type. */
export interface PublicKeyAuth extends AuthCommon {
  readonly mode: 'public_key';
  readonly publicKeyPem: string;
  readonly algorithms: readonly AsymmetricAlgorithm[];
}

/** Keys fetched from a JWKS endpoint; asymmetric algorithms only. */
export interface JwksAuth extends AuthCommon {
  readonly mode: 'jwks';
  readonly jwksUrl: string;
  readonly algorithms: readonly AsymmetricAlgorithm[];
}

export type AuthConfig = SecretAuth | DevAuth | PublicKeyAuth | JwksAuth;

export interface Config {
  readonly env: { readonly nodeEnv: NodeEnv; readonly production: boolean };
  readonly log: { readonly level: LogLevel };
  readonly server: {
    readonly host: string;
    readonly port: number;
    /** Serve the demo page and, in dev auth mode, print a ready-to-use URL. */
    readonly demo: boolean;
    /** Close connections with no client message for this long; 0 disables. */
    readonly idleTimeoutSeconds: number;
    readonly shutdownGraceMs: number;
  };
  readonly auth: AuthConfig;
  /** CORS and OpenAI voice aliases of the HTTP API. */
  readonly http: HttpApiConfig;
  /** Unset: in-process cache and limits only. */
  readonly redis: { readonly url: string | undefined };
  readonly tts: {
    readonly device: Device;
    /** ONNX Runtime intra-op threads per session. */
    readonly threads: number;
    /** Synthesis worker threads; 0 runs inference on the main thread. */
    readonly workers: number;
    /** Threads that encode audio; 0 encodes on the main thread. */
    readonly encoderThreads: number;
    readonly voicesDir: string;
    readonly defaultVoice: string | undefined;
  };
  readonly limits: {
    readonly maxConnectionsPerTenant: number;
    readonly maxContextsPerConnection: number;
    readonly maxContextsPerTenant: number;
    readonly charsPerMinute: number;
    readonly maxMessageBytes: number;
    readonly messagesPerSecond: number;
    readonly maxTextBufferChars: number;
  };
  readonly cache: {
    /** 0 disables the audio cache. */
    readonly maxBytes: number;
    readonly ttlSeconds: number;
  };
  readonly backpressure: {
    readonly highWaterBytes: number;
    readonly hardLimitBytes: number;
    readonly slowConsumerTimeoutMs: number;
  };
}
