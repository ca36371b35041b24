/** GET/HEAD of a signed download URL: the version's bytes, streamed from the blob store. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { ServerDeps } from '../http/deps.js';
import { s3Error } from '../http/respond.js';
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
  await pipeline(deps.blobs.read(v.blob), res).then(
    () => deps.metrics?.downloaded(size),
    (err: unknown) => {
      deps.logger.debug({ err, requestId }, 'download interrupted');
    },
  );
}
