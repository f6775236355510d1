/**
 * The gateway's network face (uWebSockets.js): the streaming socket, the OpenAI-compatible speech
 * endpoint, health, readiness, metrics and the optional demo page.
 */
// First: uWS reads its settings from the environment when it loads.
import '../server/uws-env.js';
import {
  App,
  us_listen_socket_close,
  us_socket_local_port,
  type TemplatedApp,
  type us_listen_socket,
} from 'uWebSockets.js';
import { createTokenVerifier, type TokenVerifier } from '../auth/index.js';
import { SpeechgateError } from '../errors.js';
import { Session } from '../session/index.js';
import type { GatewayDeps } from '../gateway-deps.js';
import { fromRoot } from '../util/paths.js';
import type { HttpExchange } from '../server/http.js';
import { registerHttpRoutes } from '../server/routes.js';
import { handleSpeech, SPEECH_ROUTE } from '../openai/route.js';
import { handleUpgrade, STREAM_ROUTE } from '../server/upgrade.js';
import { Connections, type SessionFactory } from '../server/websocket.js';

/** Opus encoders made ready at start: the streams a small gateway serves at once. */
const PREWARMED_ENCODERS = 8;

export interface GatewayOptions {
  /** Builds the session of each connection (default: src/session's Session). */
  createSession?: SessionFactory;
  /** Default: from config.auth. */
  verifier?: TokenVerifier;
  /** Folder served at / when config.server.demo is on (default <package root>/public). */
  publicDir?: string;
  /** Largest POST body (default config.limits.maxMessageBytes). */
  maxBodyBytes?: number;
  /** How long a speech response waits for a client that reads nothing before it is cut (default 10 s). */
  httpWriteTimeoutMs?: number;
}

export interface Gateway {
  /** Resolves with the bound port (useful with port 0). */
  listen(port: number, host: string): Promise<number>;
  /** Runs every voice once; /readyz answers 200 only after this. */
  warmUp(): Promise<void>;
  /** Stops accepting, lets streams finish for up to graceMs, then closes everything left. */
  shutdown(graceMs: number): Promise<void>;
  /** Warmed up and not shutting down. */
  readonly ready: boolean;
  /** Open WebSocket connections. */
  readonly connections: number;
}

export function createGateway(deps: GatewayDeps, options: GatewayOptions = {}): Gateway {
  const verifier = options.verifier ?? createTokenVerifier(deps.config.auth);
  const app = App();
  const connections = new Connections(deps, options.createSession ?? ((init) => new Session(init)));
  const inFlight = new Map<HttpExchange, Promise<void>>();
  let listenSocket: us_listen_socket | undefined;
  let warmedUp = false;
  let shuttingDown = false;
  let shutdownPromise: Promise<void> | undefined;
  const isShuttingDown = (): boolean => shuttingDown;

  app.ws(
    STREAM_ROUTE,
    connections.behavior((res, req, context) =>
      handleUpgrade(res, req, context, { deps, verifier, shuttingDown: isShuttingDown }),
    ),
  );
  app.post(SPEECH_ROUTE, (res, req) =>
    handleSpeech(res, req, {
      deps,
      verifier,
      maxBodyBytes: options.maxBodyBytes ?? deps.config.limits.maxMessageBytes,
      ...(options.httpWriteTimeoutMs === undefined ? {} : { writeTimeoutMs: options.httpWriteTimeoutMs }),
      shuttingDown: isShuttingDown,
      track: (exchange, done) => {
        inFlight.set(exchange, done);
        void done.finally(() => inFlight.delete(exchange));
      },
    }),
  );
  registerHttpRoutes(app, {
    deps,
    readiness: () =>
      shuttingDown
        ? new SpeechgateError('shutting_down', 'server is shutting down')
        : warmedUp
          ? undefined
          : new SpeechgateError('not_ready', 'voices are warming up'),
    publicDir: deps.config.server.demo ? (options.publicDir ?? fromRoot('public')) : undefined,
  });

  const shutdown = async (graceMs: number): Promise<void> => {
    shuttingDown = true;
    if (listenSocket !== undefined) us_listen_socket_close(listenSocket);
    listenSocket = undefined;
    const speeches = Promise.allSettled([...inFlight.values()]);
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.all([connections.shutdown(graceMs), Promise.race([speeches, expired])]);
    clearTimeout(timer);
    for (const exchange of inFlight.keys()) exchange.abort();
    // Closes what is left, idle keep-alive connections included, so no socket holds the process.
    app.close();
    verifier.close?.();
  };

  return {
    listen: (port, host) =>
      new Promise<number>((resolve, reject) => {
        if (shuttingDown) {
          reject(new Error('gateway is shut down'));
          return;
        }
        listenExclusive(app, host, port, (socket) => {
          if (socket === false) {
            reject(new Error(`cannot listen on ${host}:${port}`));
            return;
          }
          listenSocket = socket;
          resolve(us_socket_local_port(socket));
        });
      }),
    async warmUp() {
      await deps.voices.warmUp();
      const rates = new Set(deps.voices.list().map((v) => v.sampleRate));
      for (const rate of rates) await deps.encoders.prewarm(PREWARMED_ENCODERS, rate);
      warmedUp = true;
    },
    shutdown(graceMs) {
      shutdownPromise ??= shutdown(graceMs);
      return shutdownPromise;
    },
    get ready() {
      return warmedUp && !shuttingDown;
    },
    get connections() {
      return connections.size;
    },
  };
}

/** uWS's LIBUS_LISTEN_EXCLUSIVE_PORT. */
const EXCLUSIVE_PORT = 1;
type ListenCallback = (socket: us_listen_socket | false) => void;
type ListenWithOptions = (host: string, port: number, options: number, cb: ListenCallback) => unknown;

/**
 * Without the exclusive flag uWS sets SO_REUSEPORT, so a second gateway started on a busy port would
 * silently share it with the first (the kernel splitting connections between them) instead of failing.
 * uWS takes (host, port, options, cb); its typings lack that overload.
 */
function listenExclusive(app: TemplatedApp, host: string, port: number, cb: ListenCallback): void {
  (app.listen as unknown as ListenWithOptions).call(app, host, port, EXCLUSIVE_PORT, cb);
}
