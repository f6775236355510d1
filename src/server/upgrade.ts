/**
 * The WebSocket upgrade of /v1/stream: authenticate and take a connection slot before the socket
 * exists, so a refused client gets a plain HTTP status with a JSON body and never a socket.
 */
import { randomUUID } from 'node:crypto';
import type { HttpRequest, HttpResponse, us_socket_context_t } from 'uWebSockets.js';
import {
  AuthError,
  extractToken,
  selectProtocol,
  SCOPE_STREAM,
  type Principal,
  type TokenVerifier,
  type TokenVia,
} from '../auth/index.js';
import { SpeechgateError, toSpeechgateError } from '../errors.js';
import type { Lease } from '../limits/index.js';
import { logFailure } from '../log.js';
import type { GatewayDeps } from '../gateway-deps.js';
import { errorBody, errorHeaders, statusLine } from './http.js';

export const STREAM_ROUTE = '/v1/stream';

/** Attached to each upgraded socket (uWS user data). */
export interface ConnectionData {
  id: string;
  principal: Principal;
  lease: Lease;
  via: TokenVia;
}

export interface UpgradeContext {
  deps: GatewayDeps;
  verifier: TokenVerifier;
  shuttingDown(): boolean;
}

/** The uWS upgrade handler. `req` is only valid until this returns: everything is copied first. */
export function handleUpgrade(
  res: HttpResponse,
  req: HttpRequest,
  context: us_socket_context_t,
  ctx: UpgradeContext,
): void {
  const headers = {
    authorization: req.getHeader('authorization'),
    protocols: req.getHeader('sec-websocket-protocol'),
    key: req.getHeader('sec-websocket-key'),
    extensions: req.getHeader('sec-websocket-extensions'),
    query: req.getQuery(),
  };
  const state = { aborted: false };
  res.onAborted(() => {
    state.aborted = true;
  });
  void upgrade(res, context, headers, state, ctx);
}

async function upgrade(
  res: HttpResponse,
  context: us_socket_context_t,
  headers: { authorization: string; protocols: string; key: string; extensions: string; query: string },
  state: { aborted: boolean },
  ctx: UpgradeContext,
): Promise<void> {
  const { deps } = ctx;
  let principal: Principal | undefined;
  let lease: Lease | undefined;
  try {
    if (ctx.shuttingDown()) throw new SpeechgateError('shutting_down', 'server is shutting down');
    const found = extractToken(headers);
    if (found === undefined) throw new AuthError('missing');
    principal = await ctx.verifier.verify(found.token, SCOPE_STREAM);
    lease = await deps.limits.acquireConnection(principal.tenant);
    if (state.aborted || ctx.shuttingDown()) {
      await lease.release();
      return;
    }
    const data: ConnectionData = { id: randomUUID(), principal, lease, via: found.via };
    // Never echo the `bearer.<jwt>` entry: only our protocol name, or none.
    const protocol = selectProtocol(headers.protocols) ?? '';
    // Not inside res.cork(): when the upgraded socket keeps its address, uWS's cork() goes on after the
    // callback to read HTTP response state from what is now WebSocket memory, and may shut the socket
    // down right after `ready` (1006, no close frame; 0.1-3 % of sockets in issue 10). Uncorked, uWS
    // writes the 101 itself, correctly; the price is uWS.js's "writes must be made from within a corked
    // callback" warning on stderr, once per upgrade (docs/OPERATIONS.md).
    res.upgrade(data, headers.key, protocol, headers.extensions, context);
    deps.metrics.httpRequests.inc({ route: STREAM_ROUTE, status: '101' });
  } catch (err) {
    await lease?.release();
    reject(res, err, state.aborted, principal?.tenant, ctx);
  }
}

function reject(
  res: HttpResponse,
  err: unknown,
  aborted: boolean,
  tenant: string | undefined,
  ctx: UpgradeContext,
): void {
  const { metrics, logger } = ctx.deps;
  const error = toSpeechgateError(err);
  if (error instanceof AuthError) metrics.authFailures.inc({ reason: error.reason });
  if (aborted) return;
  metrics.errors.inc({ code: error.code });
  metrics.httpRequests.inc({ route: STREAM_ROUTE, status: String(error.httpStatus) });
  logFailure(logger, error, 'stream upgrade refused', {
    route: STREAM_ROUTE,
    tenant,
    ...(error instanceof AuthError && { reason: error.reason }),
  });
  res.cork(() => {
    res.writeStatus(statusLine(error.httpStatus));
    for (const [key, value] of Object.entries(errorHeaders(error))) res.writeHeader(key, value);
    res.end(errorBody(error), true);
  });
}
