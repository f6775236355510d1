/**
 * Spawns a real, throw-away `redis-server` for tests: loopback only, a free port, no persistence
 * unless `dataDir` is given (then an append-only file fsynced on every write, so a SIGKILLed server
 * restarts with its data).
 *
 * Cleanup is layered so that no server outlives the test process:
 * - `stop()` (graceful) and `kill()` (SIGKILL, to simulate Redis dying mid-run);
 * - a `process.on('exit')` hook SIGKILLs every server still running;
 * - each server runs under a tiny `sh` watchdog that reads our stdin: if this process dies in any way
 *   (even SIGKILL), the pipe closes and the watchdog kills the server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { freePort } from './free-port.js';

export { freePort };
import net from 'node:net';

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** True between a successful start/restart and stop()/kill()/an unexpected exit. */
  readonly running: boolean;
  /** Graceful shutdown (SIGTERM, SIGKILL after a grace period). Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL now, without waiting: for "Redis dies mid-run" tests. */
  kill(): void;
  /**
   * Starts a server on the same port (stopping the current one first if running): empty, or with
   * the data of the previous one when started with `dataDir` (unless `empty` is set).
   */
  restart(options?: { empty?: boolean }): Promise<void>;
  /** SIGSTOP: the server keeps its connections but answers nothing (a hung Redis). */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
}

export interface StartRedisOptions {
  /** Path or name of the binary (default: `redis-server` on PATH). */
  binary?: string;
  /** How long to wait for PONG before giving up (default 10 s). */
  startTimeoutMs?: number;
  /** A directory (created by the caller) for an append-only file that outlives restarts. */
  dataDir?: string;
}

// Background jobs of a non-interactive shell get /dev/null as stdin, hence the copy on fd 3.
const WATCHDOG = [
  'exec 3<&0',
  '"$0" "$@" &',
  'pid=$!',
  'echo "watchdog-pid:$pid"',
  '(read -r _ignored <&3; kill -9 "$pid" 2>/dev/null) &',
  'reader=$!',
  'wait "$pid"',
  'status=$?',
  'kill "$reader" 2>/dev/null',
  'exit "$status"',
].join('\n');

const liveServerPids = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pid of liveServerPids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

/** One raw RESP PING over TCP; resolves true on +PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A running watchdog + server pair. */
interface Instance {
  child: ChildProcess;
  serverPid: Promise<number>;
  /** Known once serverPid resolved. */
  pid: number | undefined;
  exited: Promise<void>;
  hasExited(): boolean;
  output(): string;
}

function launch(binary: string, port: number, dataDir: string | undefined): Instance {
  const persistence =
    dataDir === undefined
      ? ['--appendonly', 'no']
      : ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dataDir];
  const args = ['--port', String(port), '--save', '', ...persistence, '--bind', '127.0.0.1'];
  const child = spawn('/bin/sh', ['-c', WATCHDOG, binary, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  const serverPid = new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      out = (out + chunk.toString('utf8')).slice(-8192);
      const match = /watchdog-pid:(\d+)/.exec(out);
      if (match?.[1] !== undefined) {
        const pid = Number(match[1]);
        liveServerPids.add(pid);
        resolve(pid);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exitedPromise.then(() => reject(new Error(`redis-server exited early: ${out.slice(-500)}`)));
  });
  serverPid.catch(() => undefined); // observed again by the caller
  child.once('error', () => undefined); // spawn failures surface through `exited`
  const instance: Instance = {
    child,
    serverPid,
    pid: undefined,
    exited: exitedPromise,
    hasExited: () => exited,
    output: () => out,
  };
  void serverPid.then((pid) => (instance.pid = pid)).catch(() => undefined);
  void exitedPromise.then(() => {
    if (instance.pid !== undefined) liveServerPids.delete(instance.pid);
  });
  return instance;
}

async function waitReady(instance: Instance, port: number, timeoutMs: number): Promise<void> {
  await instance.serverPid;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (instance.hasExited()) throw new Error(`redis-server exited: ${instance.output().slice(-500)}`);
    if (await ping(port)) return;
    await delay(20);
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms`);
}

/** Keeps a server from holding the event loop open when a test forgets to stop it. */
function detach(child: ChildProcess): void {
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) {
    (stream as unknown as { unref?: () => void } | null)?.unref?.();
  }
}

function attach(child: ChildProcess): void {
  child.ref();
}

async function terminate(instance: Instance, signal: NodeJS.Signals): Promise<void> {
  attach(instance.child);
  const pid = await instance.serverPid.catch(() => undefined);
  if (pid !== undefined && !instance.hasExited()) {
    try {
      process.kill(pid, 'SIGCONT'); // a paused server would not act on SIGTERM
      process.kill(pid, signal);
    } catch {
      // already gone
    }
    const grace = setTimeout(() => {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 3000);
    await instance.exited;
    clearTimeout(grace);
  }
  if (pid !== undefined) liveServerPids.delete(pid);
  instance.child.stdin?.end();
  await instance.exited;
}

export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  installExitHook();
  const binary = options.binary ?? 'redis-server';
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;

  const startOn = async (port: number): Promise<Instance> => {
    const instance = launch(binary, port, options.dataDir);
    try {
      await waitReady(instance, port, startTimeoutMs);
    } catch (err) {
      await terminate(instance, 'SIGKILL');
      throw err;
    }
    detach(instance.child);
    return instance;
  };

  // The port probed free can be taken by someone else before redis binds it: try a few.
  let current: Instance | undefined;
  let port = 0;
  let lastError: unknown;
  for (let attempt = 0; attempt < 5 && current === undefined; attempt++) {
    port = await freePort();
    try {
      current = await startOn(port);
    } catch (err) {
      lastError = err;
    }
  }
  if (current === undefined) throw lastError instanceof Error ? lastError : new Error(String(lastError));

  let instance: Instance | undefined = current;
  let killed: Instance | undefined;
  const stop = async (): Promise<void> => {
    const toStop = instance;
    instance = undefined;
    if (toStop !== undefined) await terminate(toStop, 'SIGTERM');
    // A killed server must be fully gone before its port is reused.
    const wasKilled = killed;
    killed = undefined;
    if (wasKilled !== undefined) await terminate(wasKilled, 'SIGKILL');
  };

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get running() {
      return instance !== undefined && !instance.hasExited();
    },
    stop,
    kill() {
      const toKill = instance;
      instance = undefined;
      if (toKill?.pid === undefined) return;
      try {
        process.kill(toKill.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      killed = toKill;
    },
    async restart(restartOptions = {}) {
      await stop();
      if (restartOptions.empty === true && options.dataDir !== undefined) {
        await rm(options.dataDir, { recursive: true, force: true });
        await mkdir(options.dataDir, { recursive: true });
      }
      instance = await startOn(port);
    },
    pause() {
      if (instance?.pid !== undefined) process.kill(instance.pid, 'SIGSTOP');
    },
    resume() {
      if (instance?.pid !== undefined) process.kill(instance.pid, 'SIGCONT');
    },
  };
}
