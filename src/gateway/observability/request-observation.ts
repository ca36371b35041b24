/**
 * What the gateway records about one GraphQL request: made when the request arrives, filled in
 * by the Apollo plugin (`plugin.ts`: operation, outcome) and by `WorkDocsCaller` (its calls), and
 * finished once when the response is written or the connection closes. Finishing writes
 *
 * - the ACCESS LOG line, at `info`, message `request`: `reqId` (a binding of the request's child
 *   logger, so on every line of the request), `method`, `operationName`, `operationType`,
 *   `status`, `ms`, `workdocsCalls`, `outcome`, `code`. Never tokens, URLs or variables.
 * - the request metrics (`metrics.ts`), and
 * - the end of the request's span (when tracing is on).
 */
import type { Logger } from 'pino';
import type { GatewayError } from '../errors.js';
import type { WorkDocsCallObserver } from './workdocs-calls.js';
import {
  SpanKind,
  SpanStatusCode,
  type Span,
  type Telemetry,
} from '../../observability/telemetry.js';
import { NO_OPERATION, type GatewayMetrics, type RequestOutcome } from './metrics.js';

/** Operation names in log lines are cut to this many characters. */
const MAX_LOGGED_NAME = 128;

/** The code of a refusal made before GraphQL execution, from its HTTP status. */
function codeOfStatus(status: number): string {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status >= 500) return 'INTERNAL_SERVER_ERROR';
  return 'BAD_REQUEST';
}

export class RequestObservation implements WorkDocsCallObserver {
  readonly requestId: string;
  readonly log: Logger;
  readonly span: Span | undefined;
  /** Set by the plugin once Apollo built the response (its errors carry the request id). */
  responded = false;
  /** The HTTP method, for the access log. */
  method: string | undefined;
  readonly #started = performance.now();
  readonly #metrics: GatewayMetrics;
  #finished = false;
  /** Whether the request reached an operation (or a GraphQL-level error) at all. */
  #graphql = false;
  #operationName: string | null | undefined;
  #operationLabel = NO_OPERATION;
  #operationType = NO_OPERATION;
  #userError: string | undefined;
  #errorCode: string | undefined;
  #workdocsCalls = 0;

  constructor(options: {
    requestId: string;
    log: Logger;
    metrics: GatewayMetrics;
    telemetry?: Telemetry | undefined;
    /** The request's headers, for the caller's `traceparent`. */
    headers?: Record<string, string | string[] | undefined>;
  }) {
    this.requestId = options.requestId;
    this.log = options.log;
    this.#metrics = options.metrics;
    this.span = options.telemetry?.startSpan(
      'GraphQL Operation',
      SpanKind.SERVER,
      options.telemetry.extract(options.headers ?? {}),
      { 'gateway.request_id': options.requestId },
    );
    options.metrics.inFlight.inc();
  }

  get workdocsCalls(): number {
    return this.#workdocsCalls;
  }

  /** The operation was resolved (parsed, validated): its name (null = anonymous) and type. */
  operation(name: string | null, type: string): void {
    this.#graphql = true;
    this.#operationName = name;
    this.#operationLabel = this.#metrics.operationNames.label(name);
    this.#operationType = type;
    if (this.span !== undefined) {
      this.span.updateName(name === null ? type : `${type} ${name}`);
      this.span.setAttribute('graphql.operation.type', type);
      if (name !== null) this.span.setAttribute('graphql.operation.name', name);
    }
  }

  /** A resolver returned a user error (a union member implementing `UserError`). */
  userError(typename: string): void {
    this.#userError ??= typename;
  }

  /** The response carries errors; `code` is the first one's `extensions.code`. */
  errors(code: string | undefined): void {
    this.#graphql = true;
    this.#errorCode ??= code ?? 'INTERNAL_SERVER_ERROR';
  }

  /** WorkDocsCallObserver: one WorkDocs call of this request finished. */
  onCall(
    operation: string,
    failure: GatewayError | undefined,
    started: number,
    attempts: number,
  ): void {
    this.#workdocsCalls += 1;
    this.#metrics.observeCall({
      operation,
      failure:
        failure === undefined
          ? undefined
          : { exceptionName: failure.exceptionName, code: failure.code },
      seconds: (performance.now() - started) / 1000,
      attempts,
    });
  }

  /** WorkDocsCallObserver: a call refused by the request's budget. */
  onBudgetRefusal(budget: string): void {
    this.#metrics.observeBudgetRefusal(budget);
  }

  /**
   * Ends the observation (once; later calls do nothing). `status` is the HTTP status sent, or
   * undefined when the client went away before the response was complete.
   */
  finish(status: number | undefined): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#metrics.inFlight.dec();
    const ms = performance.now() - this.#started;
    let outcome: RequestOutcome = 'ok';
    let code: string | undefined;
    if (this.#errorCode !== undefined) {
      outcome = 'error';
      code = this.#errorCode;
    } else if (status === undefined) {
      outcome = 'error';
      code = 'CLIENT_CLOSED_REQUEST';
    } else if (status >= 400) {
      outcome = 'error';
      code = codeOfStatus(status);
    } else if (this.#userError !== undefined) {
      outcome = 'user_error';
      code = this.#userError;
    }
    // A GET that Apollo answered with its landing page is no GraphQL request.
    const counted = this.#graphql || outcome !== 'ok';
    if (counted) {
      this.#metrics.observeRequest({
        operationName: this.#operationLabel,
        operationType: this.#operationType,
        outcome,
        code,
        seconds: ms / 1000,
      });
    }
    const name = this.#operationName;
    this.log.info(
      {
        method: this.method,
        operationName:
          name === undefined ? undefined : name === null ? null : name.slice(0, MAX_LOGGED_NAME),
        operationType: this.#operationType === NO_OPERATION ? undefined : this.#operationType,
        status: status ?? null,
        ms: Math.round(ms * 10) / 10,
        workdocsCalls: this.#workdocsCalls,
        outcome,
        code,
      },
      'request',
    );
    if (this.span !== undefined) {
      if (status !== undefined) this.span.setAttribute('http.response.status_code', status);
      this.span.setAttribute('gateway.outcome', outcome);
      if (code !== undefined) this.span.setAttribute('gateway.code', code);
      if (outcome === 'error') this.span.setStatus({ code: SpanStatusCode.ERROR, message: code });
      this.span.end();
    }
  }
}
