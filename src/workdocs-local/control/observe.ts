/**
 * What WorkDocs Local records about each request (`RequestRecord`), made by `observeRequest` when
 * the request arrives and finished when the response is written or the connection closes:
 *
 * - the access log line, at `info`, message `request`: `requestId` (its own, also the
 *   `x-amzn-requestid` response header), `reqId` (the caller's valid `x-request-id` — the
 *   gateway's request id), `traceId` (from a valid W3C `traceparent`), `operation`, `method`,
 *   `path` (never the query: signed URLs carry signatures there), `status`, `ms`;
 * - the metrics (`metrics.ts`): requests by operation and status, durations;
 * - the request's span (tracing on): a SERVER span `WorkDocs/<Operation>` continuing the caller's
 *   trace from `traceparent`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { callerRequestId, REQUEST_ID_HEADER } from '../../observability/request-id.js';
import { SpanKind, SpanStatusCode, type Span } from '@opentelemetry/api';
import type { Telemetry } from '../../observability/telemetry.js';
import { UNKNOWN, type ChaosKind, type WorkDocsLocalMetrics } from './metrics.js';

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

export interface ObserveDeps {
  logger: Logger;
  metrics?: WorkDocsLocalMetrics | undefined;
  telemetry?: Telemetry | undefined;
}

export class RequestRecord {
  /** What the request turned out to be: an operation name, `(upload)`, `(control)`… */
  operation = UNKNOWN;
  /** Bindings for every log line of this request. */
  readonly bindings: { requestId: string; reqId?: string; traceId?: string };
  #span: Span | undefined;

  constructor(
    private readonly deps: ObserveDeps,
    private readonly req: IncomingMessage,
    requestId: string,
  ) {
    const reqId = callerRequestId(req.headers[REQUEST_ID_HEADER]);
    const traceparent = req.headers.traceparent;
    const traceId =
      typeof traceparent === 'string' ? TRACEPARENT.exec(traceparent)?.[1] : undefined;
    this.bindings = {
      requestId,
      ...(reqId === undefined ? {} : { reqId }),
      ...(traceId === undefined ? {} : { traceId }),
    };
  }

  /** A WorkDocs API request for `operation`: names it, starts its span, returns its logger. */
  api(operation: string): Logger {
    this.operation = operation;
    const telemetry = this.deps.telemetry;
    if (telemetry !== undefined) {
      this.#span = telemetry.startSpan(
        `WorkDocs/${operation}`,
        SpanKind.SERVER,
        telemetry.extract(this.req.headers),
        {
          'rpc.system': 'aws-api',
          'rpc.service': 'WorkDocs',
          'rpc.method': operation,
          'aws.request_id': this.bindings.requestId,
        },
      );
    }
    return this.deps.logger.child({ ...this.bindings, operation });
  }

  /** A chaos injection fired for this request. */
  chaos(kind: ChaosKind): void {
    this.deps.metrics?.chaos(this.operation, kind);
    this.#span?.addEvent(`chaos.${kind}`);
  }

  /** Ends the record: `status` sent, or undefined when the connection closed first. */
  finish(status: number | undefined, ms: number): void {
    const url = this.req.url ?? '/';
    const q = url.indexOf('?');
    this.deps.logger.info(
      {
        ...this.bindings,
        operation: this.operation,
        method: this.req.method,
        path: q === -1 ? url : url.slice(0, q),
        status: status ?? null,
        ms: Math.round(ms * 10) / 10,
      },
      'request',
    );
    this.deps.metrics?.request(this.operation, status ?? 0, ms / 1000);
    const span = this.#span;
    if (span !== undefined) {
      if (status !== undefined) span.setAttribute('http.response.status_code', status);
      if (status === undefined || status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
  }
}

/** Starts recording `req`; the record finishes itself when the response ends or closes. */
export function observeRequest(
  deps: ObserveDeps,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): RequestRecord {
  const record = new RequestRecord(deps, req, requestId);
  const started = performance.now();
  let done = false;
  const finish = (status: number | undefined): void => {
    if (done) return;
    done = true;
    record.finish(status, performance.now() - started);
  };
  res.once('finish', () => {
    finish(res.statusCode);
  });
  res.once('close', () => {
    finish(res.writableFinished ? res.statusCode : undefined);
  });
  return record;
}
