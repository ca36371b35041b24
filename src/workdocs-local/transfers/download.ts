/**
 * GET/HEAD of a signed download URL: the version's bytes, streamed from the blob store, as an
 * attachment that browsers never sniff into a page (`X-Content-Type-Options: nosniff`,
 * `Content-Disposition: attachment`), with single byte ranges (206, `Content-Range`, 416).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { ServerDeps } from '../http/deps.js';
import { header, s3Error } from '../http/respond.js';
import { attachmentDisposition, parseRange } from './range.js';
import type { BlobIds } from './urls.js';
import { verifyDownload } from './urls.js';

export async function serveDownload(
  deps: ServerDeps,
  req: IncomingMessage,
  res: ServerResponse,
  ids: BlobIds,
  expires: number,
  signature: string,
  requestId: string,
): Promise<void> {
  req.resume();
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    s3Error(res, 405, 'MethodNotAllowed', 'Download URLs accept GET and HEAD only', requestId);
    return;
  }
  const claims = { ...ids, expires };
  if (!verifyDownload(deps.urlKey, claims, signature)) {
    s3Error(res, 403, 'SignatureDoesNotMatch', 'The URL signature is not valid', requestId);
    return;
  }
  if (expires * 1000 < deps.now()) {
    s3Error(res, 403, 'AccessDenied', 'Request has expired', requestId);
    return;
  }
  const v = await deps.storage.transaction((store) =>
    store.getVersion(ids.documentId, ids.versionId),
  );
  if (v?.blob == null) {
    s3Error(res, 404, 'NoSuchKey', 'The version has no bytes', requestId);
    return;
  }
  const size = v.blob_size ?? (await deps.blobs.size(v.blob));
  const common = {
    'content-type': v.content_type,
    'x-content-type-options': 'nosniff',
    'content-disposition': attachmentDisposition(v.name),
    'accept-ranges': 'bytes',
    etag: `"${v.signature ?? ''}"`,
  };
  const range = parseRange(header(req, 'range'), size);
  if (range.kind === 'unsatisfiable') {
    res.setHeader('content-range', `bytes */${size}`);
    s3Error(res, 416, 'InvalidRange', 'The requested range is not satisfiable', requestId);
    return;
  }
  if (range.kind === 'partial') {
    res.writeHead(206, {
      ...common,
      'content-length': range.end - range.start + 1,
      'content-range': `bytes ${range.start}-${range.end}/${size}`,
    });
  } else {
    res.writeHead(200, { ...common, 'content-length': size });
  }
  if (method === 'HEAD' || size === 0) {
    res.end();
    return;
  }
  const bytes = range.kind === 'partial' ? range : undefined;
  // pipeline (not pipe): a client that hangs up midway also closes the file.
  await pipeline(deps.blobs.read(v.blob, bytes), res).then(
    () => deps.metrics?.downloaded(bytes === undefined ? size : bytes.end - bytes.start + 1),
    (err: unknown) => {
      deps.logger.debug({ err, requestId }, 'download interrupted');
    },
  );
}
