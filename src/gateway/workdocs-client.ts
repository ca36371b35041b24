/**
 * The gateway's only way to WorkDocs.
 *
 * - `createWorkDocsClient`: ONE long-lived `WorkDocsClient` per process — keep-alive sockets over
 *   `@smithy/undici-http-handler` (pool of `WORKDOCS_MAX_SOCKETS` per origin) and the client option
 *   `cacheMiddleware: true`, which the SDK honours only for `send(command)` without options — so
 *   abort signals travel beside the call (`sdk-abort.ts`). The SDK's own retries are off
 *   (`maxAttempts: 1`, its retry middleware a pass-through: `sdk-stack.ts`); `WorkDocsCaller`
 *   decides what may be retried.
 * - `WorkDocsCaller` (one per GraphQL request, in the context): `send(command)` is typed like
 *   `WorkDocsClient.send` and
 *   1. INJECTS the caller's token: when the request carried `Authorization: Bearer <token>`,
 *      `send` sets `AuthenticationToken` on the command input (unless the resolver already did).
 *      Resolvers therefore never handle the token themselves.
 *   2. refuses with UNAUTHENTICATED, without any call, when there is no token and the operator has
 *      not set `WORKDOCS_ALLOW_SERVICE_CREDENTIALS=true` (then the call is made with the gateway's
 *      own AWS credentials alone, as a WorkDocs administrator).
 *   3. applies the deadline (`WORKDOCS_TIMEOUT_MS`, retries included) through an AbortSignal that
 *      aborts the HTTP request itself (`setCallSignal`), keeping the SDK's middleware cache.
 *   4. retries only reads (Get*, Describe* — the GET operations) on transient failures, and writes
 *      only when the connection was refused, i.e. the request provably never reached WorkDocs.
 *   5. caps the concurrent upstream calls of one GraphQL request
 *      (`GATEWAY_MAX_CONCURRENT_UPSTREAM_CALLS`).
 *   5b. spends the request's budget (`budget.ts`): every attempt is a call, every answer's items
 *      count; over budget → REQUEST_BUDGET_EXCEEDED, and the call is not sent.
 *   5c. follows the request's own signal (`signal`: the whole request's deadline
 *      `GATEWAY_REQUEST_TIMEOUT_MS`, or the client going away): when it aborts, the calls in flight
 *      are aborted and no further call is sent; they fail with the signal's reason (REQUEST_TIMEOUT
 *      or REQUEST_CANCELLED), not retryable for a write whose outcome is then unknown.
 *   6. translates every failure into a `GatewayError` (see `errors.ts`): WorkDocs exceptions by the
 *      table, deadline → UPSTREAM_TIMEOUT, network failures → UPSTREAM_UNREACHABLE, anything else →
 *      INTERNAL_SERVER_ERROR.
 *
 * Tokens are never logged (the SDK's logger is not wired; our own log lines carry only the
 * operation, code, request id and duration).
 */
import {
  GetCurrentUserCommand,
  WorkDocsClient,
  type $Command,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  type WorkDocsClientResolvedConfig,
} from '@aws-sdk/client-workdocs';
import { isThrottlingError } from '@smithy/core/retry';
import type { Logger } from 'pino';
import { Agent } from 'undici';
import type { RequestBudget } from './budget.js';
import { GatewayError, isWorkDocsExceptionName, WORKDOCS_EXCEPTIONS } from './errors.js';
import { installSignalMiddleware, setCallSignal, SignalHttpHandler } from './sdk-abort.js';
import { trimSdkStack } from './sdk-stack.js';
import { tagCall, type WorkDocsCallObserver } from './observability/workdocs-calls.js';
import { Semaphore } from './semaphore.js';

export interface WorkDocsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface WorkDocsClientOptions {
  /** A WorkDocs-compatible endpoint; undefined = the AWS endpoint of `region`. */
  endpoint: string | undefined;
  region: string;
  /** Keep-alive sockets per origin. */
  maxSockets: number;
  /** Explicit credentials; undefined = the standard AWS credential provider chain. */
  credentials?: WorkDocsCredentials | undefined;
}

/** The one long-lived SDK client of the process. Call `client.destroy()` at shutdown. */
export function createWorkDocsClient(options: WorkDocsClientOptions): WorkDocsClient {
  const dispatcher = new Agent({
    connections: options.maxSockets,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
  });
  const client = new WorkDocsClient({
    region: options.region,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    maxAttempts: 1,
    cacheMiddleware: true,
    requestHandler: new SignalHttpHandler({ dispatcher }),
  });
  installSignalMiddleware(client);
  trimSdkStack(client);
  return client;
}

/** A command of the WorkDocs client, as `WorkDocsClient.send` accepts it. */
export type WorkDocsCommand<I extends ServiceInputTypes, O extends ServiceOutputTypes> = $Command<
  I,
  O,
  WorkDocsClientResolvedConfig,
  ServiceInputTypes,
  ServiceOutputTypes
>;

export interface WorkDocsCallerOptions {
  /** The caller's WorkDocs token (`Authorization: Bearer <token>`), if any. */
  authenticationToken: string | undefined;
  /** Whether a call without a token may go out with the gateway's own credentials. */
  allowServiceCredentials: boolean;
  /** The deadline of each `send`, retries included. */
  timeoutMs: number;
  /** The cap on concurrent calls through this caller. */
  maxConcurrentCalls: number;
  /** Attempts for reads (1 = no retry). Default 3. */
  maxReadAttempts?: number;
  /** The request's budget of calls and items; undefined = unbounded. */
  budget?: RequestBudget | undefined;
  /**
   * The whole request's signal (deadline, client gone); its `reason` should be the `GatewayError`
   * its calls fail with. Undefined = none.
   */
  signal?: AbortSignal | undefined;
  log?: Logger | undefined;
  /** Told about every call (metrics, access log); tags calls for the SDK middleware. */
  observer?: WorkDocsCallObserver | undefined;
}

const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const TIMEOUT_ERROR_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** The `code`s of an error and of its causes. */
function errorCodes(err: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = err;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

interface ServiceExceptionLike {
  name: string;
  message: string;
  $metadata: { httpStatusCode?: number; requestId?: string };
  $retryable?: unknown;
  EntityIds?: unknown;
}

function isServiceException(err: unknown): err is ServiceExceptionLike {
  return (
    err instanceof Error &&
    '$metadata' in err &&
    typeof err.$metadata === 'object' &&
    err.$metadata !== null &&
    '$fault' in err
  );
}

/** Any failure of one attempt → the normalized `GatewayError`. */
export function normalizeUpstreamError(
  err: unknown,
  context: { operation: string; timedOut: boolean; timeoutMs: number },
): GatewayError {
  if (err instanceof GatewayError) return err;
  if (context.timedOut || TIMEOUT_ERROR_CODES.has(errorCodes(err)[0] ?? '')) {
    return new GatewayError({
      code: 'UPSTREAM_TIMEOUT',
      message: `WorkDocs did not answer ${context.operation} within ${String(context.timeoutMs)} ms`,
      cause: err,
    });
  }
  if (isServiceException(err)) {
    const status = err.$metadata.httpStatusCode;
    const requestId = err.$metadata.requestId;
    const message = err.message || err.name;
    if (isWorkDocsExceptionName(err.name)) {
      const entityIds = Array.isArray(err.EntityIds)
        ? err.EntityIds.filter((id): id is string => typeof id === 'string')
        : undefined;
      return new GatewayError({
        code: WORKDOCS_EXCEPTIONS[err.name].code,
        message,
        requestId,
        httpStatus: status,
        entityIds,
        exceptionName: err.name,
        cause: err,
      });
    }
    // An exception the model does not list (throttling, a proxy's 5xx, a signature error…),
    // classified as the SDK's retry strategy does (@smithy/core/retry). Model exceptions never get
    // here: its throttling list names LimitExceededException, which WorkDocs uses for other limits.
    if (isThrottlingError(err as unknown as Parameters<typeof isThrottlingError>[0])) {
      return new GatewayError({
        code: 'THROTTLED',
        message: `WorkDocs throttled the request (${err.name}${status === undefined ? '' : `, HTTP ${String(status)}`}): retry later, more slowly`,
        requestId,
        httpStatus: status,
        exceptionName: err.name,
        cause: err,
      });
    }
    const transient = status !== undefined && status >= 500;
    return new GatewayError({
      code: transient ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_SERVER_ERROR',
      message: `WorkDocs answered ${err.name}${status === undefined ? '' : ` (HTTP ${String(status)})`}: ${message}`,
      requestId,
      httpStatus: status,
      retryable: transient,
      exceptionName: err.name,
      cause: err,
    });
  }
  const codes = errorCodes(err);
  if (codes.some((c) => NETWORK_ERROR_CODES.has(c))) {
    return new GatewayError({
      code: 'UPSTREAM_UNREACHABLE',
      message: `WorkDocs could not be reached for ${context.operation} (${codes.join(', ')})`,
      cause: err,
    });
  }
  return new GatewayError({
    code: 'INTERNAL_SERVER_ERROR',
    message: err instanceof Error ? err.message : String(err),
    cause: err,
  });
}

/** Waits `ms`, or until `signal` aborts; resolves to whether it aborted. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve(true);
      return;
    }
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve(signal.aborted);
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Whether a failed write may nevertheless have taken effect: no answer within the deadline, a lost
 * response, or a 5xx that is not WorkDocs' own exception (a proxy's).
 */
function outcomeUnknown(err: GatewayError): boolean {
  if (err.code === 'UPSTREAM_TIMEOUT' || err.code === 'UPSTREAM_UNREACHABLE') return true;
  return (
    err.code === 'SERVICE_UNAVAILABLE' &&
    (err.exceptionName === undefined || !isWorkDocsExceptionName(err.exceptionName))
  );
}

/** A write's failure whose outcome is unknown: not retryable, and how to find out. */
function unknownOutcome(err: GatewayError, operation: string): GatewayError {
  return new GatewayError({
    code: err.code,
    message: `${err.message}. Whether ${operation} took effect is unknown: read the document or folder to find out before sending it again.`,
    requestId: err.requestId,
    httpStatus: err.httpStatus,
    retryable: false,
    exceptionName: err.exceptionName,
    cause: err,
  });
}

/**
 * The failure of a call that the request's signal ended: its reason, and for a write (whose outcome
 * is then unknown) not retryable, saying how to find out.
 */
function requestEnded(signal: AbortSignal, operation: string, isRead: boolean): GatewayError {
  const reason: unknown = signal.reason;
  const base =
    reason instanceof GatewayError
      ? reason
      : new GatewayError({ code: 'REQUEST_CANCELLED', message: 'The request was cancelled' });
  if (isRead) return base;
  return new GatewayError({
    code: base.code,
    message: `${base.message}. Whether ${operation} took effect is unknown: read the document or folder to find out before sending it again.`,
    retryable: false,
    cause: base,
  });
}

/** The per-request gateway to WorkDocs; see the file header. */
export class WorkDocsCaller {
  readonly authenticationToken: string | undefined;
  private readonly client: WorkDocsClient;
  private readonly options: WorkDocsCallerOptions;
  /** Caps the concurrent calls of this caller, i.e. of one GraphQL request. */
  readonly semaphore: Semaphore;

  constructor(client: WorkDocsClient, options: WorkDocsCallerOptions) {
    this.client = client;
    this.options = options;
    this.authenticationToken = options.authenticationToken;
    this.semaphore = new Semaphore(options.maxConcurrentCalls);
  }

  async send<I extends ServiceInputTypes, O extends ServiceOutputTypes>(
    command: WorkDocsCommand<I, O>,
  ): Promise<O> {
    const operation = command.constructor.name.replace(/Command$/, '');
    const input = command.input as { AuthenticationToken?: string };
    const token = this.authenticationToken;
    if (input.AuthenticationToken === undefined) {
      if (token !== undefined) input.AuthenticationToken = token;
      else if (!this.options.allowServiceCredentials) {
        throw new GatewayError({
          code: 'UNAUTHENTICATED',
          message:
            'No WorkDocs token: send it as the header `Authorization: Bearer <token>`. ' +
            '(The gateway does not act with its own credentials unless WORKDOCS_ALLOW_SERVICE_CREDENTIALS=true.)',
        });
      }
    }
    const observer = this.options.observer;
    try {
      return await this.semaphore.run(() =>
        observer === undefined
          ? this.sendWithDeadline(command, operation)
          : this.sendObserved(command, operation, observer),
      );
    } catch (err) {
      throw await this.withTokenVerdict(err, operation);
    }
  }

  /** Whether WorkDocs refuses this request's token itself (one GetCurrentUser, once per request). */
  private tokenRefused?: Promise<boolean>;

  /**
   * WorkDocs answers an expired or unknown token with UnauthorizedResourceAccessException, as it
   * does a resource the user may not see. Where the token itself is refused — GetCurrentUser, which
   * needs nothing but a valid token, fails the same way — the failure becomes UNAUTHENTICATED (sign
   * in again), WorkDocs' exception name kept in `extensions.exception`.
   */
  private async withTokenVerdict(err: unknown, operation: string): Promise<unknown> {
    if (
      !(err instanceof GatewayError) ||
      err.exceptionName !== 'UnauthorizedResourceAccessException' ||
      this.authenticationToken === undefined
    ) {
      return err;
    }
    if (operation !== 'GetCurrentUser') {
      this.tokenRefused ??= this.send(
        new GetCurrentUserCommand({ AuthenticationToken: this.authenticationToken }),
      ).then(
        () => false,
        (probe: unknown) => probe instanceof GatewayError && probe.code === 'UNAUTHENTICATED',
      );
      if (!(await this.tokenRefused)) return err;
    }
    return new GatewayError({
      code: 'UNAUTHENTICATED',
      message:
        'WorkDocs refused the token (expired, revoked or unknown): sign in again and send the new token as `Authorization: Bearer <token>`.',
      requestId: err.requestId,
      exceptionName: err.exceptionName,
      cause: err,
    });
  }

  /** `sendWithDeadline`, reported to `observer` (attempts are counted by the SDK middleware). */
  private async sendObserved<I extends ServiceInputTypes, O extends ServiceOutputTypes>(
    command: WorkDocsCommand<I, O>,
    operation: string,
    observer: WorkDocsCallObserver,
  ): Promise<O> {
    const tag = tagCall(command.input, observer);
    const started = performance.now();
    try {
      const output = await this.sendWithDeadline(command, operation);
      observer.onCall(operation, undefined, started, tag.attempts);
      return output;
    } catch (err) {
      const failure =
        err instanceof GatewayError
          ? err
          : new GatewayError({ code: 'INTERNAL_SERVER_ERROR', message: String(err), cause: err });
      if (failure.code === 'REQUEST_BUDGET_EXCEEDED') {
        const budget = this.options.budget;
        const items = budget !== undefined && budget.used.items > budget.limits.maxItems;
        observer.onBudgetRefusal(items ? 'items' : 'calls');
      }
      // A call refused before any attempt was never sent: it is no WorkDocs call.
      if (tag.attempts > 0) observer.onCall(operation, failure, started, tag.attempts);
      throw err;
    }
  }

  private async sendWithDeadline<I extends ServiceInputTypes, O extends ServiceOutputTypes>(
    command: WorkDocsCommand<I, O>,
    operation: string,
  ): Promise<O> {
    const { timeoutMs, budget, signal: requestSignal } = this.options;
    const isRead = /^(Get|Describe)/.test(operation);
    const maxAttempts = isRead ? Math.max(1, this.options.maxReadAttempts ?? 3) : 2;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      controller.abort(new Error(`deadline of ${String(timeoutMs)} ms`));
    }, timeoutMs);
    // The call's deadline and the whole request's signal, whichever ends first: the request's end
    // is forwarded by a listener removed after the call. (AbortSignal.any, per call, cost ~4% of
    // the CPU and added GC work for `_entities` × 50 under `npm run bench -- --only=reads`.)
    const signal = controller.signal;
    const onRequestEnd = (): void => {
      controller.abort(requestSignal?.reason);
    };
    requestSignal?.addEventListener('abort', onRequestEnd, { once: true });
    const started = performance.now();
    try {
      for (let attempt = 1; ; attempt++) {
        if (requestSignal?.aborted) throw requestEnded(requestSignal, operation, isRead);
        budget?.spendCall(operation);
        let output: O;
        try {
          // One argument, so the SDK's middleware cache applies; the signal goes beside (sdk-abort.ts).
          setCallSignal(command.input, signal);
          output = await this.client.send(command);
        } catch (err) {
          let normalized = requestSignal?.aborted
            ? requestEnded(requestSignal, operation, isRead)
            : normalizeUpstreamError(err, {
                operation,
                timedOut: controller.signal.aborted,
                timeoutMs,
              });
          const neverSent = errorCodes(err).includes('ECONNREFUSED');
          if (!isRead && !neverSent && outcomeUnknown(normalized)) {
            normalized = unknownOutcome(normalized, operation);
          }
          const mayRetry =
            attempt < maxAttempts &&
            !signal.aborted &&
            (isRead ? normalized.retryable && normalized.code !== 'UPSTREAM_TIMEOUT' : neverSent);
          this.options.log?.[mayRetry ? 'debug' : 'warn'](
            {
              operation,
              attempt,
              code: normalized.code,
              exception: normalized.exceptionName,
              workdocsRequestId: normalized.requestId,
              httpStatus: normalized.httpStatus,
              retrying: mayRetry,
            },
            'workdocs call failed',
          );
          if (!mayRetry) throw normalized;
          const expired = await sleep(Math.random() * 25 * 2 ** attempt, signal);
          if (requestSignal?.aborted) throw requestEnded(requestSignal, operation, isRead);
          if (expired) {
            throw normalizeUpstreamError(err, { operation, timedOut: true, timeoutMs });
          }
          continue;
        }
        this.options.log?.debug(
          { operation, attempt, ms: Math.round(performance.now() - started) },
          'workdocs call',
        );
        budget?.spendItems(operation, output);
        return output;
      }
    } finally {
      clearTimeout(timer);
      requestSignal?.removeEventListener('abort', onRequestEnd);
    }
  }
}
