/**
 * PUT to a signed upload URL: the bytes of an INITIALIZED version, streamed into the blob store,
 * bounded by the declared size and the owner's quota, committed atomically.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SizeLimitError } from '../storage/blobs.js';
import type { ServerDeps } from '../http/deps.js';
import { header, s3Error } from '../http/respond.js';
import type { BlobIds } from './urls.js';
import { verifyUpload } from './urls.js';

/** Bytes the document owner may still store (this version's current bytes not counted). */
function remainingQuota(deps: ServerDeps, ids: BlobIds): number | undefined {
  const store = deps.store;
  const doc = store.getDocument(ids.documentId);
  const owner = doc ? store.getUser(doc.owner_id) : undefined;
  if (owner?.storage_type !== 'QUOTA') return undefined;
  const current = store.getVersion(ids.documentId, ids.versionId)?.blob_size ?? 0;
  return Math.max(0, (owner.storage_allocated ?? 0) - (store.storageUtilized(owner.id) - current));
}

export async function receiveUpload(
  deps: ServerDeps,
  req: IncomingMessage,
  res: ServerResponse,
  ids: BlobIds,
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
  if (req.method !== 'PUT') {
    fail(405, 'MethodNotAllowed', 'Upload URLs accept PUT only');
    return;
  }
  const v = deps.store.getVersion(ids.documentId, ids.versionId);
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
  if (!verifyUpload(deps.urlKey, claims, signature)) {
    fail(403, 'SignatureDoesNotMatch', 'The URL signature is not valid');
    return;
  }
  if (expires * 1000 < deps.now()) {
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
    fail(409, 'InvalidObjectState', `The version is ${v.status}; bytes can no longer be uploaded`);
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
  const quotaLimit = remainingQuota(deps, ids);
  const expected = v.declared_size ?? length;
  if (quotaLimit !== undefined && expected !== undefined && expected > quotaLimit) {
    fail(413, 'EntityTooLarge', `The body exceeds the owner's remaining storage quota`);
    return;
  }
  let written;
  try {
    written = await deps.blobs.write(req, v.declared_size ?? quotaLimit);
  } catch (err) {
    if (err instanceof SizeLimitError) {
      if (v.declared_size === null) {
        fail(413, 'EntityTooLarge', `The body exceeds the owner's remaining storage quota`);
      } else {
        fail(400, 'InvalidRequest', `The body exceeds the declared size ${v.declared_size}`);
      }
    } else {
      deps.logger.debug({ err, requestId }, 'upload interrupted');
      res.destroy();
    }
    return;
  }
  if (v.declared_size !== null && written.size !== v.declared_size) {
    await deps.blobs.remove(written.name);
    fail(
      400,
      'IncompleteBody',
      `Received ${written.size} bytes; the declared size is ${v.declared_size}`,
    );
    return;
  }
  // Checked again (synchronously with the commit below): other uploads may have landed meanwhile.
  const left = remainingQuota(deps, ids);
  if (left !== undefined && written.size > left) {
    await deps.blobs.remove(written.name);
    fail(413, 'EntityTooLarge', `The body exceeds the owner's remaining storage quota`);
    return;
  }
  const stored = deps.store.setVersionBlob(
    ids.documentId,
    ids.versionId,
    written.name,
    written.size,
    written.sha256,
    deps.now(),
  );
  if (!stored.ok) {
    await deps.blobs.remove(written.name);
    fail(409, 'InvalidObjectState', 'The version was aborted or activated during the upload');
    return;
  }
  await deps.blobs.remove(stored.previousBlob);
  res.writeHead(200, { etag: `"${written.sha256}"`, 'content-length': 0 });
  res.end();
}
