/**
 * The gateway's HTTP server: an Apollo Server 5 subgraph (`schema.ts`) served over node:http. This
 * file wires the parts together; each concern has its own module:
 *
 * - `http.ts`: body reading (`MAX_BODY_BYTES`), JSON answers, the server's own 400/413 refusals;
 * - `cors.ts`: CORS headers;          - `auth.ts`: the bearer token;
 * - `limits.ts`: limits on an operation before execution (`cost.ts`: the list-size estimate);
 * - `format-error.ts`: how errors are formatted (`errors.ts`: the error table);
 * - `landing-page.ts`: the Sandbox landing page;  - `context.ts`: the per-request context;
 * - `demo.ts`: the browser demo page at `/demo` (development only);
 * - `request-signal.ts`: the request's deadline and cancellation; `budget.ts`: its call budget;
 * - `cursors.ts`: signed cursors.
 *
 * Routes:
 * - `POST /graphql` and `POST /` — GraphQL. CSRF prevention is on (Apollo's default): clients send
 *   `Content-Type: application/json` (or an `apollo-require-preflight` header).
 * - `GET /graphql`, `GET /` — GraphQL over GET (queries only), or, with `Accept: text/html` in
 *   development, the Apollo Sandbox landing page.
 * - `GET /health` — 200 `{"status":"ok"}` (liveness).
 * - `GET /demo` — the browser demo page (`examples/web/`), never in production.
 * - `GET /ready` — 200 when WorkDocs answers a cached probe, else 503; `GET /metrics` — Prometheus
 *   text. Request ids, the access log and tracing: `observability/index.ts`.
 *
 * Production (`NODE_ENV=production`): no landing page, no introspection, no stack traces, and the
 * messages of unexpected (INTERNAL_SERVER_ERROR) errors are replaced by a generic one.
 * Tokens and URLs are never logged.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { pino, type Logger } from 'pino';
import type { GatewayConfig } from '../config.js';
import { createRequestContext, type GatewayContext } from './context.js';
import { applyCors, corsPolicy } from './cors.js';
import { createDemoPage, isDemoPath, type DemoPageOptions } from './demo.js';
import { CursorSigner } from './cursors.js';
import { jitGateway } from './executor.js';
import { makeFormatError } from './format-error.js';
import { HttpError, parseBody, sendHttpError, sendJson } from './http.js';
import { landingPagePlugin, type SandboxInitialState } from './landing-page.js';
import { limitsPlugin, operationShapeLimits } from './limits.js';
import { addRequestIdToBody, createObservability } from './observability/index.js';
import { requestSignal } from './request-signal.js';
import { buildGatewaySchema } from './schema.js';
import type { Telemetry } from '../observability/telemetry.js';
import { createWorkDocsClient, type WorkDocsCredentials } from './workdocs-client.js';

export { MAX_BODY_BYTES } from './http.js';
export { loadTypeDefs } from './schema.js';
export { bearerToken } from './auth.js';
export type { SandboxInitialState } from './landing-page.js';

export interface GatewayServerOptions {
  logger?: Logger | undefined;
  /** Explicit AWS credentials for the SDK; undefined = the standard AWS credential chain. */
  credentials?: WorkDocsCredentials | undefined;
  /**
   * What the Sandbox landing page opens with (development only): an operation, its variables and
   * headers — `main.ts` fills in the demo token when it runs the embedded WorkDocs Local.
   */
  sandbox?: SandboxInitialState | undefined;
  /**
   * false = the request's loaders neither batch nor cache (default true). Only for `npm run bench`
   * (upstream calls per query with DataLoader on and off); no environment variable sets it.
   */
  dataLoader?: boolean | undefined;
  /** The demo page at `/demo` (never served in production): where it is built, the token to prefill. */
  demo?: DemoPageOptions | undefined;
  /** Tests: the OpenTelemetry setup to use (e.g. over an in-memory exporter). */
  telemetry?: Telemetry | undefined;
}

export interface GatewayServer {
  /** The GraphQL endpoint, e.g. `http://127.0.0.1:4000/graphql`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function createGatewayServer(
  config: GatewayConfig,
  options: GatewayServerOptions = {},
): Promise<GatewayServer> {
  const log =
    options.logger ?? pino({ level: config.logLevel, redact: ['req.headers.authorization'] });
  const client = createWorkDocsClient({
    endpoint: config.workdocsEndpoint,
    region: config.region,
    maxSockets: config.maxSockets,
    credentials: options.credentials,
  });
  const schema = buildGatewaySchema();
  const observability = createObservability({
    config,
    log,
    schema,
    client,
    telemetry: options.telemetry,
  });
  const cursors = new CursorSigner(config.cursorKey);
  const cors = corsPolicy(config);

  const shapeLimits = operationShapeLimits(config);

  const demoPage = config.production ? undefined : createDemoPage(options.demo ?? {}, config.host);
  const httpServer = http.createServer();
  const apollo = new ApolloServer<GatewayContext>({
    // The subgraph's schema, executed by compiled queries (`executor.ts`).
    gateway: jitGateway(schema, {
      onInterpreted: (reason, detail) => {
        if (reason === 'uncompilable') {
          log.warn({ err: detail }, 'operation not compiled (graphql-jit): graphql-js executes it');
        }
      },
    }),
    introspection: !config.production,
    includeStacktraceInErrorResponses: !config.production,
    formatError: makeFormatError(config.production, log),
    logger: log,
    // The owner of the process (main.ts) handles SIGINT/SIGTERM and calls close().
    stopOnTerminationSignals: false,
    validationRules: shapeLimits.validationRules,
    parseOptions: shapeLimits.parseOptions,
    plugins: [
      ...shapeLimits.plugins,
      // The schema has no @cacheControl hints, so the default cache-control plugin only cost a
      // `willResolveField` hook on every field of every request (~15 KB allocated per mutation:
      // `npm run bench:profile`); without hints it never set a header anyway.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      limitsPlugin(schema, config),
      landingPagePlugin(config.production, options.sandbox, config.host),
      observability.plugin,
    ],
  });
  await apollo.start();

  async function handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    requestId: string,
  ): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    applyCors(req, res, cors);
    if (req.method === 'OPTIONS') {
      res.writeHead(204);
      res.end();
      return;
    }
    if (url.pathname === '/health') {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendJson(res, 405, { error: 'Use GET /health' });
        return;
      }
      sendJson(res, 200, { status: 'ok' });
      return;
    }
    if (demoPage !== undefined && isDemoPath(url.pathname)) {
      await demoPage(req, res, url.pathname);
      return;
    }
    if (observability.serve(url.pathname, req, res)) return;
    if (url.pathname !== '/graphql' && url.pathname !== '/') {
      sendJson(res, 404, { error: `Not found: ${url.pathname}. GraphQL is at /graphql.` });
      return;
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const observation = observability.begin(req, res, requestId);
    const body = await parseBody(req);
    const deadline = requestSignal(res, config.requestTimeoutMs);
    const { signal } = deadline;
    const response = await apollo
      .executeHTTPGraphQLRequest({
        httpGraphQLRequest: {
          method: (req.method ?? 'GET').toUpperCase(),
          headers,
          search: url.search,
          body,
        },
        context: () =>
          Promise.resolve(
            createRequestContext(req, {
              client,
              config,
              cursors,
              signal,
              log,
              observation,
              dataLoader: options.dataLoader,
            }),
          ),
      })
      .finally(() => {
        deadline.dispose();
      });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      let text = response.body.string;
      if (!observation.responded && res.statusCode >= 400) {
        // Answered before Apollo's request pipeline (e.g. a malformed Authorization header).
        const patched = addRequestIdToBody(text, requestId);
        text = patched.text;
        if (patched.code !== undefined) observation.errors(patched.code);
      }
      res.end(text);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }

  httpServer.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const requestId = observability.requestId(req, res);
    handle(req, res, requestId).catch((err: unknown) => {
      if (err instanceof HttpError) {
        sendHttpError(res, err, requestId);
        return;
      }
      log.error({ err, reqId: requestId }, 'request failed');
      if (!res.headersSent) {
        sendJson(res, 500, {
          errors: [
            {
              message: 'Internal server error',
              extensions: { code: 'INTERNAL_SERVER_ERROR', gatewayRequestId: requestId },
            },
          ],
        });
      } else res.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const address = httpServer.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${String(address.port)}/graphql`;
  log.info({ url }, 'gateway listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    close() {
      closing ??= (async () => {
        await apollo.stop();
        client.destroy();
        await observability.close();
      })();
      return closing;
    },
  };
}
