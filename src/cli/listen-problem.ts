/**
 * uWebSockets.js reports a failed listen without a reason. To tell the operator what to fix, the same
 * address is tried once with node:net, whose error carries the errno (EADDRINUSE, EACCES, ...).
 */
import { createServer } from 'node:net';

/** A one-line explanation of why `host:port` cannot be listened on, or undefined if it now can. */
export function explainListenFailure(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(describe(err.code, host, port)));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(undefined)));
  });
}

function describe(code: string | undefined, host: string, port: number): string {
  const where = `${host}:${port}`;
  switch (code) {
    case 'EADDRINUSE':
      return `address in use: another process is listening on ${where} (stop it or set PORT to a free port)`;
    case 'EACCES':
      return `permission denied to listen on ${where} (ports below 1024 need privileges; set PORT)`;
    case 'EADDRNOTAVAIL':
      return `address not available: ${host} is not an address of this machine (set HOST)`;
    default:
      return `cannot listen on ${where}${code === undefined ? '' : ` (${code})`}`;
  }
}
