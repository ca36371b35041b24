/**
 * What a frontend does: GraphQL over HTTP to the gateway, and PUT/GET of the bytes straight to the
 * signed URLs WorkDocs Local hands out. Every call is timed and its outcome classified.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';

/** One error of a GraphQL response, or a data-channel `UserError`. */
export interface SeenError {
  code: string | undefined;
  httpStatus: number | undefined;
  retryable: boolean | undefined;
  message: string;
  /** `errors` (a GraphQLError) or `data` (a member of a result union). */
  channel: 'errors' | 'data';
  /** The response path of an `errors` entry. */
  path?: readonly (string | number)[];
}

export interface GraphQLOutcome<T> {
  status: number;
  data: T | undefined;
  errors: SeenError[];
  ms: number;
  /** A transport failure (no HTTP answer at all): the gateway should always answer. */
  transportError: string | undefined;
}

interface RawError {
  message?: unknown;
  path?: unknown;
  extensions?: { code?: unknown; httpStatus?: unknown; retryable?: unknown };
}

function toSeen(e: RawError): SeenError {
  const ext = e.extensions ?? {};
  return {
    code: typeof ext.code === 'string' ? ext.code : undefined,
    httpStatus: typeof ext.httpStatus === 'number' ? ext.httpStatus : undefined,
    retryable: typeof ext.retryable === 'boolean' ? ext.retryable : undefined,
    message: typeof e.message === 'string' ? e.message : '',
    channel: 'errors',
    ...(Array.isArray(e.path) ? { path: e.path as (string | number)[] } : {}),
  };
}

/** POSTs one operation; never throws (a transport failure is reported in the outcome). */
export async function graphql<T>(
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown>,
  signal: AbortSignal,
): Promise<GraphQLOutcome<T>> {
  const started = performance.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
      signal,
    });
    const text = await res.text();
    const ms = performance.now() - started;
    let body: { data?: T | null; errors?: RawError[] } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      return {
        status: res.status,
        data: undefined,
        errors: [
          {
            code: undefined,
            httpStatus: res.status,
            retryable: undefined,
            message: `not JSON: ${text.slice(0, 200)}`,
            channel: 'errors',
          },
        ],
        ms,
        transportError: undefined,
      };
    }
    return {
      status: res.status,
      data: body.data ?? undefined,
      errors: (body.errors ?? []).map(toSeen),
      ms,
      transportError: undefined,
    };
  } catch (err) {
    return {
      status: 0,
      data: undefined,
      errors: [],
      ms: performance.now() - started,
      transportError: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    };
  }
}

export interface TransferOutcome {
  status: number;
  ms: number;
  /** SHA-256 (hex) of the bytes received, for downloads. */
  sha256?: string;
  size?: number;
  transportError: string | undefined;
}

/** PUTs `body` to a signed upload URL with its signed headers. */
export async function put(
  url: string,
  headers: Record<string, string>,
  body: Buffer,
  signal: AbortSignal,
): Promise<TransferOutcome> {
  const started = performance.now();
  try {
    const res = await fetch(url, { method: 'PUT', headers, body, signal });
    await res.arrayBuffer();
    return { status: res.status, ms: performance.now() - started, transportError: undefined };
  } catch (err) {
    return {
      status: 0,
      ms: performance.now() - started,
      transportError: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    };
  }
}

/** GETs a signed download URL and hashes the bytes as they arrive. */
export async function download(url: string, signal: AbortSignal): Promise<TransferOutcome> {
  const started = performance.now();
  try {
    const res = await fetch(url, { signal });
    const hash = createHash('sha256');
    let size = 0;
    if (res.body) {
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        hash.update(chunk);
        size += chunk.byteLength;
      }
    }
    return {
      status: res.status,
      ms: performance.now() - started,
      sha256: hash.digest('hex'),
      size,
      transportError: undefined,
    };
  } catch (err) {
    return {
      status: 0,
      ms: performance.now() - started,
      transportError: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    };
  }
}

/**
 * An upload abandoned halfway: announces the full `Content-Length`, sends the first half of the
 * bytes, then drops the connection (a closed laptop lid). Resolves once the socket is gone.
 */
export function abandonedPut(
  url: string,
  headers: Record<string, string>,
  body: Buffer,
): Promise<number> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request(url, {
      method: 'PUT',
      headers: { ...headers, 'content-length': String(body.length) },
    });
    req.on('error', () => undefined);
    req.on('response', (res) => res.resume());
    req.on('close', () => {
      resolve(performance.now() - started);
    });
    req.write(body.subarray(0, Math.floor(body.length / 2)), () => {
      setTimeout(() => req.destroy(), 20);
    });
  });
}
