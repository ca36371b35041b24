/**
 * What the gateway adds to each WorkDocs call for operators: the request id header, the call span
 * and the W3C `traceparent` (tracing on), and the per-call observation (metrics, access log).
 *
 * `WorkDocsCaller.send` tags each command's input with the request's `WorkDocsCallObserver`
 * (`tagCall`); ONE SDK middleware, added to the process-wide client's stack at start
 * (`addCallMiddleware`), reads that tag. Nothing is passed as `send`'s second argument, so the
 * SDK's `cacheMiddleware` handler cache stays on (see DESIGN.md, "Upstream calls").
 *
 * Headers set on the HTTP request (before SigV4 signing, so they are signed too):
 * - `x-request-id`: the gateway's request id — WorkDocs Local logs it as `reqId`;
 * - `traceparent` (and `tracestate`): the call span's context, when tracing is on.
 */
import type { WorkDocsClient } from '@aws-sdk/client-workdocs';
import type { GatewayError } from '../errors.js';
import { REQUEST_ID_HEADER } from '../../observability/request-id.js';
import { isWireRequest } from '../sdk-stack.js';
import {
  SpanKind,
  SpanStatusCode,
  type Span,
  type Telemetry,
} from '../../observability/telemetry.js';

/** Receives what happens to the WorkDocs calls of one GraphQL request. */
export interface WorkDocsCallObserver {
  /** The gateway's request id, sent as `x-request-id`. */
  readonly requestId: string;
  /** The request's span: the parent of the call spans (tracing on). */
  readonly span?: Span | undefined;
  /**
   * One call finished: `failure` undefined on success; `started` is the `performance.now()` of its
   * start; `attempts` counts the first attempt and the retries.
   */
  onCall(
    operation: string,
    failure: GatewayError | undefined,
    started: number,
    attempts: number,
  ): void;
  /** A call the request's budget refused (`budget`: a fixed name such as `calls`). */
  onBudgetRefusal(budget: string): void;
}

/** One observed call: its request's observer, and the attempts the SDK made so far. */
export interface CallTag {
  readonly observer: WorkDocsCallObserver;
  attempts: number;
}

const tags = new WeakMap<object, CallTag>();

/** Marks a command's input as a call of `observer`'s request; the middleware counts attempts. */
export function tagCall(input: object, observer: WorkDocsCallObserver): CallTag {
  const tag: CallTag = { observer, attempts: 0 };
  tags.set(input, tag);
  return tag;
}

interface BuildArgs {
  input: unknown;
  request: unknown;
}

interface ResponseLike {
  statusCode?: number;
  headers?: Record<string, string | undefined>;
}

interface FailureLike {
  name?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

/** Adds the observability middleware to the SDK client's stack (once, at start). */
export function addCallMiddleware(client: WorkDocsClient, telemetry: Telemetry | undefined): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const { input, request } = args as BuildArgs;
      const tag = typeof input === 'object' && input !== null ? tags.get(input) : undefined;
      if (tag === undefined || !isWireRequest(request)) return next(args);
      tag.attempts += 1;
      const observer = tag.observer;
      request.headers[REQUEST_ID_HEADER] = observer.requestId;
      if (telemetry === undefined || observer.span === undefined) return next(args);
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      const span = telemetry.startSpan(
        `WorkDocs/${operation}`,
        SpanKind.CLIENT,
        telemetry.contextOf(observer.span),
        { 'rpc.system': 'aws-api', 'rpc.service': 'WorkDocs', 'rpc.method': operation },
      );
      telemetry.inject(span, request.headers);
      try {
        const result = await next(args);
        const response = result.response as ResponseLike | undefined;
        if (response?.statusCode !== undefined) {
          span.setAttribute('http.response.status_code', response.statusCode);
        }
        const awsRequestId = response?.headers?.['x-amzn-requestid'];
        if (awsRequestId !== undefined) span.setAttribute('aws.request_id', awsRequestId);
        span.end();
        return result;
      } catch (err) {
        const failure = err as FailureLike;
        const status = failure.$metadata?.httpStatusCode;
        if (status !== undefined) span.setAttribute('http.response.status_code', status);
        const awsRequestId = failure.$metadata?.requestId;
        if (awsRequestId !== undefined) span.setAttribute('aws.request_id', awsRequestId);
        span.setStatus({ code: SpanStatusCode.ERROR, message: failure.name ?? 'Error' });
        span.end();
        throw err;
      }
    },
    { step: 'build', name: 'gatewayObservabilityMiddleware', override: true },
  );
}
