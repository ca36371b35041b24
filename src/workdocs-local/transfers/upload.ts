/**
 * PUT to a signed upload URL: the bytes of an INITIALIZED version, streamed into the blob store,
 * bounded by the declared size, the owner's quota and WORKDOCS_LOCAL_MAX_UPLOAD_BYTES, committed
 * atomically. Like an S3 presigned URL, the expiry is checked when the PUT begins: a PUT that began
 * in time may take as long as it keeps sending (each pause bounded by the body idle timeout), and a
 * `Expect: 100-continue` client is refused before it sends a byte.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SizeLimitError } from '../storage/blobs.js';
import type { ServerDeps } from '../http/deps.js';
import { header, s3Error } from '../http/respond.js';
import type { BlobIds } from './urls.js';
import { verifyUpload } from './urls.js';

/** Bytes the document owner may still store (this version's current bytes not counted). */
async function remainingQuota(deps: ServerDeps, ids: BlobIds): Promise<number | undefined> {
  return deps.storage.transaction(async (store) => {
    const doc = await store.getDocument(ids.documentId);
    const owner = doc ? await store.getUser(doc.owner_id) : undefined;
    if (owner?.storage_type !== 'QUOTA') return undefined;
    const current = (await store.getVersion(ids.documentId, ids.versionId))?.blob_size ?? 0;
    return Math.max(0, (owner.storage_allocated ?? 0) - (owner.storage_used - current));
  });
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
  const v = await deps.storage.transaction((store) =>
    store.getVersion(ids.documentId, ids.versionId),
  );
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
  // Refused before a byte is read (and before `100 Continue`): a body over the largest upload...
  const expected = v.declared_size ?? length;
  const tooLarge = `The body exceeds the largest upload this service accepts (${deps.maxUploadBytes} bytes)`;
  if (expected !== undefined && expected > deps.maxUploadBytes) {
    fail(413, 'EntityTooLarge', tooLarge);
    return;
  }
  // ...or over the owner's remaining quota, declared or not: uploads initiated side by side (each
  // fitting the quota when initiated) must not pass it together.
  const quotaLimit = await remainingQuota(deps, ids);
  const overQuota = `The body exceeds the owner's remaining storage quota`;
  if (quotaLimit !== undefined && expected !== undefined && expected > quotaLimit) {
    fail(413, 'EntityTooLarge', overQuota);
    return;
  }
  const limit = Math.min(v.declared_size ?? Infinity, quotaLimit ?? Infinity, deps.maxUploadBytes);
  if (header(req, 'expect')?.toLowerCase() === '100-continue') res.writeContinue();
  let written;
  try {
    written = await deps.pending.receive(req, limit);
  } catch (err) {
    if (err instanceof SizeLimitError) {
      if (v.declared_size !== null && limit === v.declared_size) {
        fail(400, 'InvalidRequest', `The body exceeds the declared size ${v.declared_size}`);
      } else if (limit === quotaLimit) {
        fail(413, 'EntityTooLarge', overQuota);
      } else {
        fail(413, 'EntityTooLarge', tooLarge);
      }
    } else {
      deps.logger.debug({ err, requestId }, 'upload interrupted');
      res.destroy();
    }
    return;
  }
  if (v.declared_size !== null && written.size !== v.declared_size) {
    await deps.pending.discard(written.name);
    fail(
      400,
      'IncompleteBody',
      `Received ${written.size} bytes; the declared size is ${v.declared_size}`,
    );
    return;
  }
  // The commit charges the quota atomically (other uploads, on any node, may have landed
  // meanwhile) and refuses a version that was aborted or activated during the upload.
  const committed = await deps.pending.commit({ ...ids, written, now: deps.now() });
  if (!committed.ok) {
    if (committed.reason === 'quota') {
      fail(413, 'EntityTooLarge', `The body exceeds the owner's remaining storage quota`);
    } else if (committed.reason === 'expired') {
      fail(400, 'RequestTimeout', 'The upload took longer than its lease; send it again');
    } else {
      fail(409, 'InvalidObjectState', 'The version was aborted or activated during the upload');
    }
    return;
  }
  deps.metrics?.uploaded(written.size);
  res.writeHead(200, { etag: `"${written.sha256}"`, 'content-length': 0 });
  res.end();
}
