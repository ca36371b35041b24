/**
 * Signed, expiring URLs for uploading and downloading version bytes directly to/from WorkDocs
 * Local (like the S3 presigned URLs WorkDocs hands out). The HMAC key is a per-data-dir secret,
 * so URLs stay valid across restarts until they expire.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const UPLOAD_PREFIX = '/_upload/';
export const DOWNLOAD_PREFIX = '/_download/';

export interface UploadClaims {
  documentId: string;
  versionId: string;
  /** Epoch seconds. */
  expires: number;
  contentType: string;
  declaredSize: number | null;
}

export interface DownloadClaims {
  documentId: string;
  versionId: string;
  expires: number;
}

function mac(key: Buffer, parts: (string | number)[]): string {
  return createHmac('sha256', key).update(parts.join('\n'), 'utf8').digest('hex');
}

function uploadMac(key: Buffer, c: UploadClaims): string {
  return mac(key, [
    'PUT',
    c.documentId,
    c.versionId,
    c.expires,
    c.contentType,
    c.declaredSize ?? '',
  ]);
}

function downloadMac(key: Buffer, c: DownloadClaims): string {
  return mac(key, ['GET', c.documentId, c.versionId, c.expires]);
}

export function uploadUrl(base: string, key: Buffer, c: UploadClaims): string {
  const sig = uploadMac(key, c);
  return `${base}${UPLOAD_PREFIX}${encodeURIComponent(c.documentId)}/${encodeURIComponent(c.versionId)}?X-Expires=${c.expires}&X-Signature=${sig}`;
}

export function downloadUrl(base: string, key: Buffer, c: DownloadClaims): string {
  const sig = downloadMac(key, c);
  return `${base}${DOWNLOAD_PREFIX}${encodeURIComponent(c.documentId)}/${encodeURIComponent(c.versionId)}?X-Expires=${c.expires}&X-Signature=${sig}`;
}

function equalHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

export function verifyUpload(key: Buffer, c: UploadClaims, signature: string): boolean {
  return /^[0-9a-f]{64}$/.test(signature) && equalHex(uploadMac(key, c), signature);
}

export function verifyDownload(key: Buffer, c: DownloadClaims, signature: string): boolean {
  return /^[0-9a-f]{64}$/.test(signature) && equalHex(downloadMac(key, c), signature);
}

export interface BlobIds {
  documentId: string;
  versionId: string;
}

/** Parses `/<prefix><doc>/<version>` into ids, or undefined. */
export function parseBlobPath(rawPath: string, prefix: string): BlobIds | undefined {
  if (!rawPath.startsWith(prefix)) return undefined;
  const parts = rawPath.slice(prefix.length).split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  try {
    return { documentId: decodeURIComponent(parts[0]), versionId: decodeURIComponent(parts[1]) };
  } catch {
    return undefined;
  }
}
