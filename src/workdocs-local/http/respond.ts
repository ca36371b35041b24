/** Response helpers and body reading shared by the API, the transfers and the control plane. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WorkDocsError } from '../errors.js';
import { exceptionStatus } from '../model.js';

/** The largest API (and control-plane) request body. */
export const MAX_API_BODY = 1024 * 1024;

/** A refusal found while reading the request, before any operation ran. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function sendJson(
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

/** A WorkDocs exception as restJson1 puts it on the wire. */
export function sendError(res: ServerResponse, err: WorkDocsError): void {
  const status = err.statusCode ?? exceptionStatus(err.code) ?? 400;
  sendJson(
    res,
    status,
    { ...err.members, Message: err.message, message: err.message },
    { 'x-amzn-errortype': err.code },
  );
}

/** An S3-style XML error, as the upload/download URLs answer. */
export function s3Error(
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

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
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

export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}
