/**
 * HTTP plumbing of the gateway's node:http server: reading a request body within
 * `MAX_BODY_BYTES`, parsing JSON bodies, and writing JSON answers. `HttpError`s are the server's
 * own refusals (400 invalid JSON, 413 body too large), answered with `extensions.code` BAD_REQUEST
 * like Apollo's own.
 */
import type http from 'node:http';

/** The largest request body accepted (bytes); larger → 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** A refusal of the HTTP request itself, before GraphQL. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** `extensions.code` of the answer. */
    readonly code = 'BAD_REQUEST',
  ) {
    super(message);
  }
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * Answers an `HttpError` as a GraphQL-shaped error response (with the gateway's request id in
 * `extensions.gatewayRequestId` when given).
 */
export function sendHttpError(res: http.ServerResponse, err: HttpError, requestId?: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const extensions =
    requestId === undefined ? { code: err.code } : { code: err.code, gatewayRequestId: requestId };
  sendJson(res, err.status, { errors: [{ message: err.message, extensions }] });
}

/**
 * The body as text. Listeners rather than `for await`: the async iterator costs a promise per chunk
 * and its own end-of-stream tracking, ~1.5% of the gateway's CPU per request (`node --cpu-prof`
 * under `npm run bench -- --only=throughput`).
 */
function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      // Past the limit, keep draining (so the client reads the 413 instead of a reset), up to 16×.
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else if (size > 16 * MAX_BODY_BYTES) {
        cleanup();
        req.destroy();
        reject(tooLarge());
      }
    };
    const onEnd = (): void => {
      cleanup();
      const [only] = chunks;
      if (size > MAX_BODY_BYTES) reject(tooLarge());
      else if (chunks.length === 1 && only !== undefined) resolve(only.toString('utf8'));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    };
    // The client went away before the end of its body.
    const onClose = (): void => {
      cleanup();
      reject(new Error('The request was aborted before its body ended'));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

const tooLarge = (): HttpError =>
  new HttpError(413, `Request body larger than ${String(MAX_BODY_BYTES)} bytes`);

/** Parses a JSON body when the content type says JSON; other bodies are left to Apollo's checks. */
export async function parseBody(req: http.IncomingMessage): Promise<unknown> {
  if (req.method !== 'POST') return undefined;
  const text = await readBody(req);
  const contentType = (req.headers['content-type'] ?? '').toLowerCase();
  if (!contentType.includes('json')) return text;
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'The request body is not valid JSON');
  }
}
