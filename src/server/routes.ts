/**
 * The small HTTP routes: liveness, readiness, Prometheus metrics, the voice and model lists, CORS
 * preflights, the demo page and the JSON 404.
 */
import type { HttpRequest, HttpResponse, TemplatedApp } from 'uWebSockets.js';
import { SpeechgateError, toSpeechgateError } from '../errors.js';
import type { GatewayDeps } from '../gateway-deps.js';
import { listModels, listVoices } from '../openai/voices.js';
import { corsHeaders, preflightHeaders } from './cors.js';
import { HttpExchange } from './http.js';
import { loadStaticFile } from './static.js';

export interface HttpRoutesContext {
  deps: GatewayDeps;
  /** Why the gateway is not ready, or undefined when it is. */
  readiness(): SpeechgateError | undefined;
  /** Serve the demo page from here; undefined: no demo. */
  publicDir: string | undefined;
}

export function registerHttpRoutes(app: TemplatedApp, ctx: HttpRoutesContext): void {
  const { metrics } = ctx.deps;
  const count = (route: string, status: number): void => {
    metrics.httpRequests.inc({ route, status: String(status) });
  };

  app.get('/healthz', (res) => {
    new HttpExchange(res).sendJson(200, { status: 'ok' });
    count('/healthz', 200);
  });

  app.get('/readyz', (res) => {
    const exchange = new HttpExchange(res);
    const problem = ctx.readiness();
    if (problem === undefined) exchange.sendJson(200, { status: 'ready' });
    else exchange.sendError(problem);
    count('/readyz', problem?.httpStatus ?? 200);
  });

  const corsOrigins = ctx.deps.config.http.corsOrigins;
  /** An exchange whose answers carry the CORS headers for the request's origin. */
  const api = (res: HttpResponse, req: HttpRequest): HttpExchange => {
    const exchange = new HttpExchange(res);
    exchange.extraHeaders = corsHeaders(corsOrigins, req.getHeader('origin'));
    return exchange;
  };

  app.get('/v1/models', (res, req) => {
    api(res, req).sendJson(200, listModels(ctx.deps));
    count('/v1/models', 200);
  });

  app.get('/v1/voices', (res, req) => {
    const exchange = api(res, req);
    void listVoices(ctx.deps).then(
      (voices) => {
        exchange.sendJson(200, { object: 'list', data: voices });
        count('/v1/voices', 200);
      },
      (err: unknown) => count('/v1/voices', exchange.sendError(err).httpStatus),
    );
  });

  // Preflights: answered for any path (a browser asks before POST /v1/audio/speech with a bearer token).
  app.options('/*', (res, req) => {
    const exchange = new HttpExchange(res);
    const headers = preflightHeaders(corsOrigins, req.getHeader('origin'));
    if (headers === undefined) {
      exchange.sendError(
        new SpeechgateError('forbidden', 'cross-origin requests from this origin are not allowed'),
      );
      count('preflight', 403);
      return;
    }
    exchange.send(204, headers);
    count('preflight', 204);
  });

  app.get('/metrics', (res) => {
    const exchange = new HttpExchange(res);
    void metrics.render().then(
      ({ contentType, body }) => {
        exchange.send(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' }, body);
        count('/metrics', 200);
      },
      (err: unknown) => {
        const error = exchange.sendError(err);
        count('/metrics', error.httpStatus);
      },
    );
  });

  const publicDir = ctx.publicDir;
  if (publicDir !== undefined) {
    app.get('/*', (res, req) => {
      const exchange = new HttpExchange(res);
      void serveFile(exchange, publicDir, req.getUrl()).then((status) => count('static', status));
    });
  }

  app.any('/*', (res) => {
    notFound(res);
    count('not_found', 404);
  });
}

async function serveFile(exchange: HttpExchange, root: string, urlPath: string): Promise<number> {
  try {
    const file = await loadStaticFile(root, urlPath);
    if (file === undefined) {
      exchange.sendError(new SpeechgateError('not_found', 'no such resource'));
      return 404;
    }
    exchange.send(
      200,
      { 'Content-Type': file.contentType, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' },
      file.body,
    );
    return 200;
  } catch (err) {
    return exchange.sendError(toSpeechgateError(err)).httpStatus;
  }
}

function notFound(res: HttpResponse): void {
  new HttpExchange(res).sendError(new SpeechgateError('not_found', 'no such resource'));
}
