/**
 * The gateway's operability, wired in one place (`createObservability`), used by `server.ts`:
 *
 * - `GET /metrics`: Prometheus text (`metrics.ts`);
 * - `GET /ready`: 200 `{"status":"ready"}` when WorkDocs answers a cheap cached probe, else 503
 *   `{"status":"unavailable","reason":…}` (`readiness.ts`); `/health` stays liveness;
 * - request ids: `x-request-id` accepted when valid (`../../observability/request-id.ts`) or made,
 *   returned as a response header on every answer, bound as `reqId` on every log line of the
 *   request, put in every error's `extensions.gatewayRequestId` and sent to WorkDocs;
 * - one access log line per GraphQL request (`request-observation.ts`);
 * - OpenTelemetry spans when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (`../../observability/telemetry.ts`).
 */
import type http from 'node:http';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import type { ApolloServerPlugin } from '@apollo/server';
import type { WorkDocsClient } from '@aws-sdk/client-workdocs';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../../config.js';
import { METRICS_CONTENT_TYPE, renderMetrics } from '../../observability/process-metrics.js';
import { REQUEST_ID_HEADER, requestIdFrom } from '../../observability/request-id.js';
import { Telemetry } from '../../observability/telemetry.js';
import type { GatewayContext } from '../context.js';
import { ERROR_ROWS_BY_CODE, WORKDOCS_EXCEPTIONS } from '../errors.js';
import { sendJson } from '../http.js';
import { GatewayMetrics } from './metrics.js';
import { observabilityPlugin, observeUserErrors, withRequestId } from './plugin.js';
import { ReadinessProbe } from './readiness.js';
import { RequestObservation } from './request-observation.js';
import { addCallMiddleware } from './workdocs-calls.js';

export { RequestObservation } from './request-observation.js';

/** The codes besides the error table's that Apollo Server or the HTTP layer answer with. */
const OTHER_CODES = [...Object.values(ApolloServerErrorCode), 'CLIENT_CLOSED_REQUEST'];

export interface ObservabilityOptions {
  config: Pick<
    GatewayConfig,
    | 'metricsMaxOperationNames'
    | 'metricsOperationNames'
    | 'otlpEndpoint'
    | 'serviceName'
    | 'readyCacheMs'
    | 'timeoutMs'
  >;
  log: Logger;
  schema: GraphQLSchema;
  /** The process-wide SDK client: gets the request-id / tracing middleware; probed by /ready. */
  client: WorkDocsClient;
  /** Tests: a telemetry to use instead of one made from the config. */
  telemetry?: Telemetry | undefined;
}

export interface Observability {
  metrics: GatewayMetrics;
  telemetry: Telemetry | undefined;
  plugin: ApolloServerPlugin<GatewayContext>;
  /** Answers `/metrics` and `/ready`; false for any other path. */
  serve(pathname: string, req: http.IncomingMessage, res: http.ServerResponse): boolean;
  /** The request id of `req`, set as the `x-request-id` response header. */
  requestId(req: http.IncomingMessage, res: http.ServerResponse): string;
  /** Starts observing a GraphQL request; finished by the response's end or close. */
  begin(req: http.IncomingMessage, res: http.ServerResponse, requestId: string): RequestObservation;
  close(): Promise<void>;
}

/**
 * A JSON error body with `gatewayRequestId` in every error (for answers Apollo made without
 * running the request pipeline, e.g. a malformed `Authorization`); other bodies unchanged.
 */
export function addRequestIdToBody(
  text: string,
  requestId: string,
): { text: string; code: string | undefined } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { text, code: undefined };
  }
  const errors = (body as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return { text, code: undefined };
  const formatted = errors as GraphQLFormattedError[];
  const code = formatted[0]?.extensions?.code;
  return {
    text: JSON.stringify({ ...(body as object), errors: withRequestId(formatted, requestId) }),
    code: typeof code === 'string' ? code : undefined,
  };
}

export function createObservability(options: ObservabilityOptions): Observability {
  const { config, log } = options;
  const ownTelemetry =
    options.telemetry === undefined
      ? Telemetry.create({
          serviceName: config.serviceName ?? 'workdocs-graphql',
          endpoint: config.otlpEndpoint,
        })
      : undefined;
  const telemetry = options.telemetry ?? ownTelemetry;
  addCallMiddleware(options.client, telemetry);
  const knownUserErrors = observeUserErrors(options.schema);
  const metrics = new GatewayMetrics({
    allowList: config.metricsOperationNames,
    maxNames: config.metricsMaxOperationNames,
    knownCodes: new Set<string>([...ERROR_ROWS_BY_CODE.keys(), ...OTHER_CODES]),
    knownExceptions: new Set(Object.keys(WORKDOCS_EXCEPTIONS)),
    knownUserErrors,
  });
  const readiness = new ReadinessProbe(options.client, {
    cacheMs: config.readyCacheMs,
    timeoutMs: Math.min(2000, config.timeoutMs),
  });

  function serve(pathname: string, req: http.IncomingMessage, res: http.ServerResponse): boolean {
    if (pathname !== '/metrics' && pathname !== '/ready') return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { error: `Use GET ${pathname}` });
      return true;
    }
    const answer =
      pathname === '/metrics'
        ? renderMetrics(metrics.registry).then((text) => {
            res.writeHead(200, {
              'Content-Type': METRICS_CONTENT_TYPE,
              'Content-Length': Buffer.byteLength(text),
            });
            res.end(req.method === 'HEAD' ? undefined : text);
          })
        : readiness.check().then((result) => {
            sendJson(
              res,
              result.ready ? 200 : 503,
              result.ready
                ? { status: 'ready' }
                : { status: 'unavailable', reason: result.reason ?? 'WorkDocs is unreachable' },
            );
          });
    answer.catch((err: unknown) => {
      log.error({ err }, `${pathname} failed`);
      if (!res.headersSent) sendJson(res, 500, { error: 'Internal server error' });
      else res.end();
    });
    return true;
  }

  return {
    metrics,
    telemetry,
    plugin: observabilityPlugin(),
    serve,
    requestId(req, res) {
      const id = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
      res.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    begin(req, res, requestId) {
      const observation = new RequestObservation({
        requestId,
        log: log.child({ reqId: requestId }),
        metrics,
        telemetry,
        headers: req.headers,
      });
      const method = req.method;
      if (method !== undefined) observation.method = method;
      res.once('finish', () => {
        observation.finish(res.statusCode);
      });
      res.once('close', () => {
        observation.finish(res.writableFinished ? res.statusCode : undefined);
      });
      return observation;
    },
    async close() {
      await ownTelemetry?.shutdown();
    },
  };
}
