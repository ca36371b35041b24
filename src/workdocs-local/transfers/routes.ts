/** The signed upload/download URLs (`/_upload/...`, `/_download/...`), with CORS. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendPreflight, setCorsHeaders } from '../http/cors.js';
import type { ServerDeps } from '../http/deps.js';
import { s3Error } from '../http/respond.js';
import { serveDownload } from './download.js';
import { receiveUpload } from './upload.js';
import { DOWNLOAD_PREFIX, UPLOAD_PREFIX, parseBlobPath } from './urls.js';

export function isTransferPath(rawPath: string): boolean {
  return rawPath.startsWith(UPLOAD_PREFIX) || rawPath.startsWith(DOWNLOAD_PREFIX);
}

export async function handleTransfer(
  deps: ServerDeps,
  req: IncomingMessage,
  res: ServerResponse,
  rawPath: string,
  query: URLSearchParams,
  requestId: string,
): Promise<void> {
  setCorsHeaders(req, res);
  const upload = rawPath.startsWith(UPLOAD_PREFIX);
  if (req.method === 'OPTIONS') {
    req.resume();
    sendPreflight(res, upload ? 'PUT, OPTIONS' : 'GET, HEAD, OPTIONS');
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
  if (upload) await receiveUpload(deps, req, res, ids, expires, signature, requestId);
  else await serveDownload(deps, req, res, ids, expires, signature, requestId);
}
