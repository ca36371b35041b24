/**
 * A minimal GraphQL client for the gateway: `fetch` + `Authorization: Bearer <WorkDocs token>`,
 * typed by the documents that `@graphql-codegen` generated. A response either has its data or is a
 * typed `GatewayFailure` — the gateway's top-level errors (`errors[]`: token, reachability, limits)
 * and failures to reach the gateway at all. Union errors are data and stay in `data`.
 */
import type { TypedDocumentString } from './gql/graphql.js';

/** What kind of top-level failure this is: what the person can do about it. */
export type FailureKind =
  /** The token is missing, expired or not valid: sign in again. */
  | 'sign-in'
  /** The token is valid but may not do this. */
  | 'forbidden'
  /** WorkDocs (behind the gateway) did not answer or is unavailable: try again later. */
  | 'unreachable'
  /** The gateway itself could not be reached (network down, server stopped). */
  | 'gateway-unreachable'
  /** Too many requests: slow down and retry. */
  | 'throttled'
  /** The request was refused as too large (body, operation size or cost). */
  | 'too-large'
  /** The request was refused as invalid. */
  | 'bad-request'
  /** The request was cancelled by the caller (AbortSignal). */
  | 'aborted'
  /** Anything else (an internal error). */
  | 'other';

/** A request the gateway answered without the data, or that never got an answer. */
export interface GatewayFailure {
  kind: FailureKind;
  /** The gateway's `extensions.code` (`UNAUTHENTICATED`, `UPSTREAM_TIMEOUT`, …), when it sent one. */
  code: string | null;
  /** The gateway's (or the network's) message, for the details. */
  message: string;
  /** The HTTP status of the gateway's answer; null when there was none. */
  httpStatus: number | null;
  /** The gateway's request id (`x-request-id` response header), when it sent one. */
  requestId: string | null;
  /** WorkDocs' request id (`extensions.requestId`), when WorkDocs answered. */
  workdocsRequestId: string | null;
  /** Whether the gateway said the same request may be sent again. */
  retryable: boolean;
}

export type GraphQLOutcome<T> =
  | {
      ok: true;
      data: T;
      /** The gateway's request id (`x-request-id` response header), when it sent one. */
      requestId: string | null;
    }
  | {
      ok: false;
      failure: GatewayFailure;
      /** The partial data the gateway sent next to its errors (null when none). */
      data: T | null;
    };

export interface GatewayClientOptions {
  /** The GraphQL endpoint, e.g. `/graphql` (same origin) or `http://127.0.0.1:4000/graphql`. */
  url: string;
  /** The WorkDocs token, sent as `Authorization: Bearer <token>`. */
  token: string;
  /** The `fetch` to use (default: the global one). */
  fetch?: typeof fetch;
}

export interface GatewayClient {
  readonly url: string;
  request<TResult, TVariables>(
    document: TypedDocumentString<TResult, TVariables>,
    variables: TVariables,
    options?: { signal?: AbortSignal | undefined },
  ): Promise<GraphQLOutcome<TResult>>;
}

interface WireError {
  message?: unknown;
  extensions?: {
    code?: unknown;
    requestId?: unknown;
    gatewayRequestId?: unknown;
    httpStatus?: unknown;
    retryable?: unknown;
    exceptionName?: unknown;
  };
}

/** The codes after which only a new token helps. */
const SIGN_IN_CODES = new Set(['UNAUTHENTICATED', 'INVALID_PASSWORD']);
const FORBIDDEN_CODES = new Set(['UNAUTHORIZED_OPERATION', 'UNAUTHORIZED_RESOURCE_ACCESS']);
const UNREACHABLE_CODES = new Set([
  'UPSTREAM_UNREACHABLE',
  'UPSTREAM_TIMEOUT',
  'SERVICE_UNAVAILABLE',
  'FAILED_DEPENDENCY',
]);
const THROTTLED_CODES = new Set(['THROTTLED', 'THROTTLING', 'TOO_MANY_REQUESTS']);
const TOO_LARGE_CODES = new Set(['REQUESTED_ENTITY_TOO_LARGE', 'PAYLOAD_TOO_LARGE']);
const BAD_REQUEST_CODES = new Set([
  'BAD_REQUEST',
  'BAD_USER_INPUT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
]);

/** Classifies one top-level error by its code and the HTTP status of the answer. */
export function classifyFailure(code: string | null, httpStatus: number | null): FailureKind {
  if (code !== null && SIGN_IN_CODES.has(code)) return 'sign-in';
  if (httpStatus === 401) return 'sign-in';
  if (code !== null && FORBIDDEN_CODES.has(code)) return 'forbidden';
  if (code !== null && UNREACHABLE_CODES.has(code)) return 'unreachable';
  if ((code !== null && THROTTLED_CODES.has(code)) || httpStatus === 429) return 'throttled';
  if ((code !== null && TOO_LARGE_CODES.has(code)) || httpStatus === 413) return 'too-large';
  if (code !== null && BAD_REQUEST_CODES.has(code)) return 'bad-request';
  if (httpStatus === 502 || httpStatus === 503 || httpStatus === 504) return 'unreachable';
  return 'other';
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** A failure from the first error of a GraphQL answer. */
export function failureFromErrors(
  errors: readonly WireError[],
  httpStatus: number | null,
  requestId: string | null,
): GatewayFailure {
  const first = errors[0] ?? {};
  const code = str(first.extensions?.code);
  // The status the gateway puts in the extensions (WorkDocs' own, e.g. 413 for a too large entity)
  // is more telling than the 200 a GraphQL answer with partial data keeps.
  const extStatus = first.extensions?.httpStatus;
  const status = typeof extStatus === 'number' ? extStatus : httpStatus;
  return {
    kind: classifyFailure(code, status),
    code,
    message: str(first.message) ?? 'The gateway answered with an error',
    httpStatus,
    requestId: requestId ?? str(first.extensions?.gatewayRequestId),
    workdocsRequestId: str(first.extensions?.requestId),
    retryable: first.extensions?.retryable === true,
  };
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  async function request<TResult, TVariables>(
    document: TypedDocumentString<TResult, TVariables>,
    variables: TVariables,
    { signal }: { signal?: AbortSignal | undefined } = {},
  ): Promise<GraphQLOutcome<TResult>> {
    let res: Response;
    try {
      res = await doFetch(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          authorization: `Bearer ${options.token}`,
        },
        body: JSON.stringify({ query: document.toString(), variables }),
        signal: signal ?? null,
      });
    } catch (err) {
      return {
        ok: false,
        failure: {
          kind: isAbort(err) ? 'aborted' : 'gateway-unreachable',
          code: null,
          message: err instanceof Error ? err.message : String(err),
          httpStatus: null,
          requestId: null,
          workdocsRequestId: null,
          retryable: !isAbort(err),
        },
        data: null,
      };
    }
    const requestId = res.headers.get('x-request-id');
    let body: { data?: TResult | null; errors?: WireError[] } | undefined;
    try {
      body = (await res.json()) as typeof body;
    } catch {
      body = undefined;
    }
    if (body?.errors !== undefined && body.errors.length > 0) {
      return {
        ok: false,
        failure: failureFromErrors(body.errors, res.status, requestId),
        data: body.data ?? null,
      };
    }
    if (!res.ok || body?.data == null) {
      const code = res.status === 413 ? 'BAD_REQUEST' : null;
      return {
        ok: false,
        failure: {
          kind: classifyFailure(code, res.status),
          code,
          message: `The gateway answered HTTP ${String(res.status)} without data`,
          httpStatus: res.status,
          requestId,
          workdocsRequestId: null,
          retryable: res.status >= 500,
        },
        data: null,
      };
    }
    return { ok: true, data: body.data, requestId };
  }
  return { url: options.url, request };
}
