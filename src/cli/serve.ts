/**
 * `speechgate serve`: configuration from the environment, then metrics, Redis (optional), cache,
 * limits, voices, the gateway. SIGTERM/SIGINT drain the gateway and exit 0; a second signal exits at once.
 */
import { signDevToken } from '../auth/index.js';
import {
  configHelp,
  ConfigError,
  describeConfig,
  loadConfig,
  unknownVariables,
  type Config,
} from '../config/index.js';
import { SpeechgateError } from '../errors.js';
import { createLogger, errorFields, type Logger } from '../log.js';
import { createGateway, type Gateway } from '../app/gateway.js';
import { openRuntime, type Runtime } from '../app/runtime.js';
import { explainListenFailure } from './listen-problem.js';

const USAGE = `usage: speechgate serve

Starts the streaming gateway: WebSocket /v1/stream, POST /v1/audio/speech, /healthz, /readyz, /metrics
and, when enabled, the demo page at /. Configured only through environment variables.
`;

/** Shutdown takes at most the grace period plus this before the process gives up and exits. */
const SHUTDOWN_SLACK_MS = 5000;

export async function serveCommand(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n${configHelp()}`);
    return;
  }
  if (argv.length > 0) {
    console.error(
      `speechgate serve: unexpected argument "${argv[0]}" (configuration is read from the environment; see --help)`,
    );
    process.exit(2);
  }

  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`speechgate: ${err.message}`);
    process.exit(2);
  }

  const logger = createLogger({ level: config.log.level });
  logger.info({ event: 'starting', config: describeConfig(config) }, 'speechgate starting');
  for (const name of unknownVariables(process.env)) {
    logger.warn(
      { event: 'unknown_variable', variable: name },
      'unknown SPEECHGATE_ variable ignored (typo?)',
    );
  }

  let runtime: Runtime | undefined;
  let gateway: Gateway | undefined;
  let stopping = false;
  let forced = false;
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) {
      forced = true;
      logger.warn({ event: 'forced_exit', signal }, 'second signal: exiting now');
      await releaseVoices(runtime);
      exit(logger, 1);
    }
    stopping = true;
    logger.info({ event: 'shutdown', signal, graceMs: config.server.shutdownGraceMs }, 'shutting down');
    const timeout = setTimeout(() => {
      logger.error({ event: 'shutdown_timeout' }, 'shutdown took too long: exiting');
      void releaseVoices(runtime).then(() => exit(logger, 1));
    }, config.server.shutdownGraceMs + SHUTDOWN_SLACK_MS);
    timeout.unref();
    try {
      await gateway?.shutdown(config.server.shutdownGraceMs);
      await runtime?.close();
      logger.info({ event: 'stopped' }, 'speechgate stopped');
      // Releasing the voices on a second signal can let the drain finish first; it still was a forced exit.
      exit(logger, forced ? 1 : 0);
    } catch (err) {
      logger.error({ event: 'shutdown_failed', ...errorFields(err) }, 'shutdown failed');
      exit(logger, 1);
    }
  };
  process.on('SIGTERM', (signal) => void stop(signal));
  process.on('SIGINT', (signal) => void stop(signal));

  try {
    runtime = await openRuntime(config, logger);
    gateway = createGateway(runtime.deps);
    const port = await gateway.listen(config.server.port, config.server.host).catch(async (err: unknown) => {
      const reason = await explainListenFailure(config.server.host, config.server.port);
      throw reason === undefined ? err : new ListenError(reason);
    });
    await gateway.warmUp();
    if (stopping) return;
    const voices = runtime.deps.voices.list().map((v) => v.id);
    logger.info(
      { event: 'ready', port, host: config.server.host, voices, device: config.tts.device },
      'speechgate ready',
    );
    await printDevAccess(config, port);
  } catch (err) {
    const reason = startFailure(err);
    // An address problem is the operator's to fix, not a bug: no stack in the log.
    const fields = err instanceof ListenError ? { reason } : errorFields(err);
    logger.fatal({ event: 'start_failed', ...fields }, 'speechgate could not start');
    console.error(`speechgate: ${reason}`);
    await gateway?.shutdown(0).catch(() => undefined);
    await runtime?.close().catch(() => undefined);
    exit(logger, 1);
  }
}

class ListenError extends Error {}

/** One line that says what to fix; the cause chain of voice loading errors carries the detail. */
function startFailure(err: unknown): string {
  if (err instanceof SpeechgateError && err.code === 'device_unavailable') {
    return `cannot run the voice on this device: ${err.message} (set SPEECHGATE_DEVICE, e.g. cpu)`;
  }
  const messages: string[] = [];
  for (let e: unknown = err; e instanceof Error && messages.length < 3; e = e.cause) messages.push(e.message);
  return messages.length > 0 ? messages.join(': ') : String(err);
}

/** Dev mode has a random per-process key: print a token for it, and the URLs to try. */
async function printDevAccess(config: Config, port: number): Promise<void> {
  const host = ['0.0.0.0', '::', ''].includes(config.server.host) ? 'localhost' : config.server.host;
  const lines: string[] = [];
  if (config.auth.mode === 'dev') {
    const token = await signDevToken(config.auth.secret, {
      ttlSeconds: config.auth.devTokenTtlSeconds,
      audience: config.auth.audience,
      issuer: config.auth.issuer,
    });
    lines.push(
      '',
      `speechgate (dev auth: random key per process; this token expires in ${duration(config.auth.devTokenTtlSeconds)} or at restart) listening on port ${port}`,
      `  token:      ${token}`,
      `  websocket:  ws://${host}:${port}/v1/stream?token=${token}`,
    );
    if (config.server.demo) lines.push(`  demo page:  http://${host}:${port}/?token=${token}`);
    lines.push(
      `  speech:     curl -H "Authorization: Bearer ${token}" -H "Content-Type: application/json" \\`,
      `                -d '{"input":"Hello there.","response_format":"wav"}' http://${host}:${port}/v1/audio/speech -o /tmp/hello.wav`,
      '',
    );
  } else if (config.server.demo) {
    lines.push('', `speechgate demo page: http://${host}:${port}/`, '');
  }
  if (lines.length > 0) process.stdout.write(lines.join('\n') + '\n');
}

function duration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/**
 * Synthesis workers must release their ONNX sessions before the process ends: exiting while a worker holds
 * them aborts the process in onnxruntime's native teardown. Bounded, so a forced exit stays prompt.
 */
async function releaseVoices(runtime: Runtime | undefined): Promise<void> {
  if (!runtime) return;
  const deadline = new Promise((resolve) => setTimeout(resolve, 1000).unref());
  await Promise.race([runtime.deps.voices.close().catch(() => undefined), deadline]);
}

function exit(logger: Logger, code: number): never {
  logger.flush();
  process.exit(code);
}
