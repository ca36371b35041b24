/** CORS for the upload/download URLs a browser calls directly. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { header } from './respond.js';

export function setCorsHeaders(req: IncomingMessage, res: ServerResponse): void {
  const origin = header(req, 'origin');
  res.setHeader('access-control-allow-origin', origin ?? '*');
  if (origin !== undefined) res.setHeader('vary', 'Origin');
  res.setHeader('access-control-expose-headers', 'ETag, x-amzn-requestid');
}

/** The answer to a preflight request. */
export function sendPreflight(res: ServerResponse, methods: string): void {
  res.writeHead(204, {
    'access-control-allow-methods': methods,
    'access-control-allow-headers': 'content-type, x-amz-server-side-encryption',
    'access-control-max-age': '3600',
  });
  res.end();
}
