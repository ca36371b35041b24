/**
 * The HTTP front of WorkDocs Local: the control plane (`/_local/...`), signed upload/download
 * URLs (`/_upload/...`, `/_download/...`, with CORS) and the WorkDocs API routed by the model.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { BlobStore } from './storage/blobs.js';
import { SizeLimitError } from './storage/blobs.js';
import type { Chaos } from './chaos.js';
import { effectsSchema, faultRulesSchema } from './chaos.js';
import { WorkDocsError } from './errors.js';
import {
  bindInput,
  exceptionStatus,
  matchRoute,
  parseQuery,
  pathKnown,
  toWire,
  validateInput,
} from './model.js';
import { handlers } from './operations/index.js';
import type { OpContext } from './operations/context.js';
import { verifySigV4 } from './sigv4.js';
import type { Credentials } from './sigv4.js';
import type { Store, UserRow } from './storage/store.js';
import {
  DOWNLOAD_PREFIX,
  UPLOAD_PREFIX,
  parseBlobPath,
  verifyDownload,
  verifyUpload,
} from './urls.js';

const MAX_API_BODY = 1024 * 1024;

export interface ServerDeps {
  store: Store;
  blobs: BlobStore;
  chaos: Chaos | undefined;
  logger: Logger;
  keys: Credentials[];
  organizationId: string;
  urlKey: Buffer;
  urlTtlSeconds: number;
  folderChildLimit: number;
  defaultStorageBytes: number | undefined;
  /** The base of upload/download URLs (set once listening). */
  urlBase: () => string;
  now: () => number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

function sendError(res: ServerResponse, err: WorkDocsError): void {
  const status = err.statusCode ?? exceptionStatus(err.code) ?? 400;
  sendJson(
    res,
    status,
    { ...err.members, Message: err.message, message: err.message },
    { 'x-amzn-errortype': err.code },
  );
}

function s3Error(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  requestId: string,
): void {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')}</Message><RequestId>${requestId}</RequestId></Error>`;
  res.writeHead(status, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(xml),
  });
  res.end(xml);
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) {
      throw new HttpError(
        413,
        'RequestedEntityTooLargeException',
        `Request body exceeds ${limit} bytes`,
      );
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class RequestHandler {
  private stats = new Map<string, number>();

  constructor(private readonly deps: ServerDeps) {}

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const requestId = randomUUID();
    const started = process.hrtime.bigint();
    res.setHeader('x-amzn-requestid', requestId);
    res.on('finish', () => {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      // The path only: query strings of upload/download URLs carry signatures.
      this.deps.logger.debug(
        {
          requestId,
          method: req.method,
          path: q === -1 ? url : url.slice(0, q),
          status: res.statusCode,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        },
        'request',
      );
    });
    this.dispatch(req, res, requestId).catch((err: unknown) => {
      this.deps.logger.error({ err, requestId }, 'unhandled error');
      if (!res.headersSent) {
        sendJson(
          res,
          500,
          { Message: 'Internal error' },
          { 'x-amzn-errortype': 'InternalFailure' },
        );
      } else {
        res.destroy();
      }
    });
  };

  private async dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
  ): Promise<void> {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const rawPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const rawQuery = q === -1 ? '' : rawUrl.slice(q + 1);
    const method = req.method ?? 'GET';

    if (rawPath.startsWith('/_local/')) {
      await this.controlPlane(req, res, method, rawPath);
      return;
    }
    if (rawPath.startsWith(UPLOAD_PREFIX) || rawPath.startsWith(DOWNLOAD_PREFIX)) {
      await this.blobRoute(req, res, method, rawPath, new URLSearchParams(rawQuery), requestId);
      return;
    }
    const match = matchRoute(method, rawPath);
    if (!match) {
      req.resume();
      const known = pathKnown(rawPath);
      sendJson(
        res,
        known ? 405 : 404,
        {
          Message: known
            ? `Method ${method} is not allowed on ${rawPath}`
            : `No WorkDocs operation matches ${method} ${rawPath}`,
        },
        { 'x-amzn-errortype': known ? 'MethodNotAllowed' : 'UnknownOperationException' },
      );
      return;
    }
    const operation = match.operation;
    this.stats.set(operation.name, (this.stats.get(operation.name) ?? 0) + 1);
    const log = this.deps.logger.child({ requestId, operation: operation.name });
    let result: { status: number; body: unknown } | WorkDocsError;
    const blobsToDelete: string[] = [];
    try {
      const body = await readBody(req, MAX_API_BODY);
      verifySigV4(
        { method, rawPath, rawQuery, headers: req.headers, body },
        this.deps.keys,
        this.deps.now(),
      );
      const injected = this.deps.chaos?.fault(operation.name);
      if (injected) throw injected;
      const handler = handlers[operation.name];
      if (!handler) {
        throw new WorkDocsError(
          'NotImplemented',
          `The operation ${operation.name} is not implemented by WorkDocs Local`,
          {},
          501,
        );
      }
      const input = validateInput(
        operation,
        bindInput(operation, {
          labels: match.labels,
          query: parseQuery(rawQuery),
          headers: req.headers,
          body,
        }),
      );
      const user = this.authenticate(input.AuthenticationToken);
      const ctx: OpContext = {
        store: this.deps.store,
        user,
        organizationId: this.deps.organizationId,
        now: this.deps.now(),
        urlBase: this.deps.urlBase(),
        urlKey: this.deps.urlKey,
        urlTtlSeconds: this.deps.urlTtlSeconds,
        folderChildLimit: this.deps.folderChildLimit,
        defaultStorageBytes: this.deps.defaultStorageBytes,
        blobsToDelete,
      };
      const output = handler(input, ctx);
      result = { status: operation.http.responseCode ?? 200, body: toWire(output) };
    } catch (err) {
      if (err instanceof WorkDocsError) {
        result = err;
      } else if (err instanceof HttpError) {
        // The rest of the body was not read: do not reuse the connection.
        res.setHeader('connection', 'close');
        req.resume();
        result = new WorkDocsError(err.code, err.message, {}, err.status);
      } else {
        log.error({ err }, 'operation failed');
        result = new WorkDocsError('ServiceUnavailableException', 'Internal error', {}, 500);
      }
    }
    for (const blob of blobsToDelete) {
      await this.deps.blobs.remove(blob).catch((err: unknown) => {
        log.warn({ err }, 'could not delete blob');
      });
    }
    const effect = this.deps.chaos?.effectFor(operation.name) ?? { latencyMs: 0, drop: false };
    if (effect.latencyMs > 0) await sleep(effect.latencyMs);
    if (effect.drop) {
      log.debug('chaos: dropping the response');
      req.socket.destroy();
      return;
    }
    if (result instanceof WorkDocsError) {
      log.debug({ code: result.code }, 'error response');
      sendError(res, result);
    } else {
      this.sendOutput(res, result.status, result.body);
    }
  }

  private sendOutput(res: ServerResponse, status: number, body: unknown): void {
    if (status === 204) {
      res.writeHead(204);
      res.end();
      return;
    }
    sendJson(res, status, body ?? {});
  }

  private authenticate(token: unknown): UserRow | undefined {
    if (token === undefined) return undefined;
    const user = typeof token === 'string' ? this.deps.store.userForToken(token) : undefined;
    if (user?.status !== 'ACTIVE') {
      throw new WorkDocsError(
        'UnauthorizedResourceAccessException',
        'The Authentication token is not valid',
      );
    }
    return user;
  }

  // ---- control plane ----

  private async controlPlane(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    rawPath: string,
  ): Promise<void> {
    const chaos = this.deps.chaos;
    const notFound = (): undefined => {
      sendJson(res, 404, { message: `No control-plane route ${method} ${rawPath}` });
      return undefined;
    };
    let body: Buffer;
    try {
      body = await readBody(req, MAX_API_BODY);
    } catch (err) {
      if (err instanceof HttpError) {
        sendJson(res, err.status, { message: err.message });
        return;
      }
      throw err;
    }
    const parse = <T extends z.ZodType>(schema: T): z.output<T> | undefined => {
      let json: unknown;
      try {
        json = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
      } catch {
        sendJson(res, 400, { message: 'The body is not valid JSON' });
        return undefined;
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        sendJson(res, 400, {
          message: 'The body does not match the expected shape',
          issues: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
        });
        return undefined;
      }
      return parsed.data;
    };
    switch (rawPath) {
      case '/_local/health':
        if (method !== 'GET') {
          notFound();
          return;
        }
        sendJson(res, 200, { status: 'ok' });
        return;
      case '/_local/stats':
        if (method === 'GET') {
          sendJson(res, 200, { operations: Object.fromEntries(this.stats) });
        } else if (method === 'DELETE') {
          this.stats.clear();
          sendJson(res, 200, { operations: {} });
        } else notFound();
        return;
      case '/_local/chaos/faults': {
        if (!chaos) {
          notFound();
          return;
        }
        if (method === 'GET') {
          sendJson(res, 200, chaos.listFaults());
        } else if (method === 'POST') {
          const rules = parse(faultRulesSchema);
          if (rules === undefined) return;
          const list = rules;
          for (const r of list) {
            if (r.error.statusCode === undefined && exceptionStatus(r.error.code) === undefined) {
              sendJson(res, 400, {
                message: `error.code ${r.error.code} is not an exception of the model; give error.statusCode`,
              });
              return;
            }
          }
          chaos.addFaults(list);
          sendJson(res, 200, chaos.listFaults());
        } else if (method === 'DELETE') {
          chaos.clearFaults();
          sendJson(res, 200, []);
        } else notFound();
        return;
      }
      case '/_local/chaos/effects': {
        if (!chaos) {
          notFound();
          return;
        }
        if (method === 'GET') {
          sendJson(res, 200, chaos.listEffects());
        } else if (method === 'POST') {
          const effects = parse(effectsSchema);
          if (effects === undefined) return;
          chaos.setEffects(effects);
          sendJson(res, 200, chaos.listEffects());
        } else if (method === 'DELETE') {
          chaos.setEffects([]);
          sendJson(res, 200, []);
        } else notFound();
        return;
      }
      default:
        notFound();
    }
  }

  // ---- upload / download ----

  private cors(req: IncomingMessage, res: ServerResponse): void {
    const origin = header(req, 'origin');
    res.setHeader('access-control-allow-origin', origin ?? '*');
    if (origin !== undefined) res.setHeader('vary', 'Origin');
    res.setHeader('access-control-expose-headers', 'ETag, x-amzn-requestid');
  }

  private async blobRoute(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    rawPath: string,
    query: URLSearchParams,
    requestId: string,
  ): Promise<void> {
    this.cors(req, res);
    const upload = rawPath.startsWith(UPLOAD_PREFIX);
    if (method === 'OPTIONS') {
      req.resume();
      res.writeHead(204, {
        'access-control-allow-methods': upload ? 'PUT, OPTIONS' : 'GET, HEAD, OPTIONS',
        'access-control-allow-headers': 'content-type, x-amz-server-side-encryption',
        'access-control-max-age': '3600',
      });
      res.end();
      return;
    }
    const ids = parseBlobPath(rawPath, upload ? UPLOAD_PREFIX : DOWNLOAD_PREFIX);
    const expires = Number(query.get('X-Expires') ?? 'NaN');
    const signature = query.get('X-Signature') ?? '';
    if (!ids || !Number.isSafeInteger(expires) || signature === '') {
      req.resume();
      s3Error(res, 403, 'AccessDenied', 'The URL is not a valid signed URL', requestId);
      return;
    }
    if (upload) {
      if (method !== 'PUT') {
        req.resume();
        s3Error(res, 405, 'MethodNotAllowed', 'Upload URLs accept PUT only', requestId);
        return;
      }
      await this.upload(req, res, ids, expires, signature, requestId);
      return;
    }
    req.resume();
    if (method !== 'GET' && method !== 'HEAD') {
      s3Error(res, 405, 'MethodNotAllowed', 'Download URLs accept GET and HEAD only', requestId);
      return;
    }
    const claims = { ...ids, expires };
    if (!verifyDownload(this.deps.urlKey, claims, signature)) {
      s3Error(res, 403, 'SignatureDoesNotMatch', 'The URL signature is not valid', requestId);
      return;
    }
    if (expires * 1000 < this.deps.now()) {
      s3Error(res, 403, 'AccessDenied', 'Request has expired', requestId);
      return;
    }
    const v = this.deps.store.getVersion(ids.documentId, ids.versionId);
    if (v?.blob == null) {
      s3Error(res, 404, 'NoSuchKey', 'The version has no bytes', requestId);
      return;
    }
    const size = v.blob_size ?? (await this.deps.blobs.size(v.blob));
    res.writeHead(200, {
      'content-type': v.content_type,
      'content-length': size,
      etag: `"${v.signature ?? ''}"`,
    });
    if (method === 'HEAD') {
      res.end();
      return;
    }
    // pipeline (not pipe): a client that hangs up midway also closes the file.
    await pipeline(this.deps.blobs.read(v.blob), res).catch((err: unknown) => {
      this.deps.logger.debug({ err, requestId }, 'download interrupted');
    });
  }

  /** Bytes the document owner may still store (this version's current bytes not counted). */
  private remainingQuota(documentId: string, versionId: string): number | undefined {
    const store = this.deps.store;
    const doc = store.getDocument(documentId);
    const owner = doc ? store.getUser(doc.owner_id) : undefined;
    if (owner?.storage_type !== 'QUOTA') return undefined;
    const current = store.getVersion(documentId, versionId)?.blob_size ?? 0;
    return Math.max(
      0,
      (owner.storage_allocated ?? 0) - (store.storageUtilized(owner.id) - current),
    );
  }

  private async upload(
    req: IncomingMessage,
    res: ServerResponse,
    ids: { documentId: string; versionId: string },
    expires: number,
    signature: string,
    requestId: string,
  ): Promise<void> {
    const fail = (status: number, code: string, message: string): void => {
      req.resume();
      // Close the connection: the client may still be sending a large body.
      res.setHeader('connection', 'close');
      s3Error(res, status, code, message, requestId);
    };
    const v = this.deps.store.getVersion(ids.documentId, ids.versionId);
    if (!v) {
      fail(404, 'NoSuchUpload', 'The upload does not exist (aborted or never initiated)');
      return;
    }
    const claims = {
      ...ids,
      expires,
      contentType: v.content_type,
      declaredSize: v.declared_size,
    };
    if (!verifyUpload(this.deps.urlKey, claims, signature)) {
      fail(403, 'SignatureDoesNotMatch', 'The URL signature is not valid');
      return;
    }
    if (expires * 1000 < this.deps.now()) {
      fail(403, 'AccessDenied', 'Request has expired');
      return;
    }
    const contentType = header(req, 'content-type');
    const sse = header(req, 'x-amz-server-side-encryption');
    if (contentType !== v.content_type || sse !== 'AES256') {
      fail(
        403,
        'SignatureDoesNotMatch',
        `The request must carry exactly the signed headers: Content-Type: ${v.content_type} and x-amz-server-side-encryption: AES256`,
      );
      return;
    }
    if (v.status !== 'INITIALIZED') {
      fail(
        409,
        'InvalidObjectState',
        `The version is ${v.status}; bytes can no longer be uploaded`,
      );
      return;
    }
    const lengthHeader = header(req, 'content-length');
    const length = lengthHeader === undefined ? undefined : Number(lengthHeader);
    if (v.declared_size !== null && length !== undefined && length !== v.declared_size) {
      fail(
        400,
        'InvalidRequest',
        `Content-Length ${length} does not match the declared DocumentSizeInBytes ${v.declared_size}`,
      );
      return;
    }
    // The owner's remaining quota bounds the body, declared or not: uploads initiated side by side
    // (each fitting the quota when initiated) must not pass it together.
    const quotaLimit = this.remainingQuota(ids.documentId, ids.versionId);
    const expected = v.declared_size ?? length;
    if (quotaLimit !== undefined && expected !== undefined && expected > quotaLimit) {
      fail(413, 'EntityTooLarge', `The body exceeds the owner's remaining storage quota`);
      return;
    }
    let written;
    try {
      written = await this.deps.blobs.write(req, v.declared_size ?? quotaLimit);
    } catch (err) {
      if (err instanceof SizeLimitError) {
        if (v.declared_size === null) {
          fail(413, 'EntityTooLarge', `The body exceeds the owner's remaining storage quota`);
        } else {
          fail(400, 'InvalidRequest', `The body exceeds the declared size ${v.declared_size}`);
        }
      } else {
        this.deps.logger.debug({ err, requestId }, 'upload interrupted');
        res.destroy();
      }
      return;
    }
    if (v.declared_size !== null && written.size !== v.declared_size) {
      await this.deps.blobs.remove(written.name);
      fail(
        400,
        'IncompleteBody',
        `Received ${written.size} bytes; the declared size is ${v.declared_size}`,
      );
      return;
    }
    // Checked again (synchronously with the commit below): other uploads may have landed meanwhile.
    const left = this.remainingQuota(ids.documentId, ids.versionId);
    if (left !== undefined && written.size > left) {
      await this.deps.blobs.remove(written.name);
      fail(413, 'EntityTooLarge', `The body exceeds the owner's remaining storage quota`);
      return;
    }
    const stored = this.deps.store.setVersionBlob(
      ids.documentId,
      ids.versionId,
      written.name,
      written.size,
      written.sha256,
      this.deps.now(),
    );
    if (!stored.ok) {
      await this.deps.blobs.remove(written.name);
      fail(409, 'InvalidObjectState', 'The version was aborted or activated during the upload');
      return;
    }
    await this.deps.blobs.remove(stored.previousBlob);
    res.writeHead(200, { etag: `"${written.sha256}"`, 'content-length': 0 });
    res.end();
  }
}
