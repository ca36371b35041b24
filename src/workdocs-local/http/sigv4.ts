/**
 * AWS Signature Version 4 verification of incoming API requests (header form), computed with
 * node:crypto the way the AWS SDKs sign non-S3 requests (double-encoded path, sorted query,
 * canonical signed headers, SHA-256 payload hash), compared in constant time.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { WorkDocsError } from '../errors.js';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SignedRequest {
  method: string;
  /** The raw path as received (percent-encoded, no query). */
  rawPath: string;
  /** The raw query string (without `?`), possibly empty. */
  rawQuery: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const SERVICE = 'workdocs';
const MAX_SKEW_MS = 15 * 60 * 1000;
const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

function authError(code: string, message: string): WorkDocsError {
  return new WorkDocsError(code, message, {}, 403);
}

function escapeUri(s: string): string {
  return encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Mirrors @smithy/signature-v4 getCanonicalPath with uriEscapePath = true. */
function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const seg of path.split('/')) {
    if (seg.length === 0 || seg === '.') continue;
    if (seg === '..') segments.pop();
    else segments.push(seg);
  }
  const normalized = `${path.startsWith('/') ? '/' : ''}${segments.join('/')}${
    segments.length > 0 && path.endsWith('/') ? '/' : ''
  }`;
  return escapeUri(normalized).replace(/%2F/g, '/');
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const k = eq === -1 ? part : part.slice(0, eq);
    const v = eq === -1 ? '' : part.slice(eq + 1);
    const key = escapeUri(safeDecode(k));
    if (key.toLowerCase() === 'x-amz-signature') continue;
    pairs.push([key, escapeUri(safeDecode(v))]);
  }
  pairs.sort((a, b) =>
    a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0,
  );
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function headerValue(v: string | string[] | undefined): string | undefined {
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(',') : v;
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** 20240102T030405Z → Date */
function parseAmzDate(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, se] = m;
  const t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se));
  return Number.isNaN(t) ? undefined : new Date(t);
}

/**
 * Verifies the request's SigV4 signature. Returns the access key id on success; throws a
 * WorkDocsError with status 403 (MissingAuthenticationTokenException, IncompleteSignatureException,
 * UnrecognizedClientException, InvalidSignatureException) otherwise.
 */
export function verifySigV4(
  req: SignedRequest,
  keys: readonly Credentials[],
  now: number = Date.now(),
): string {
  const authorization = headerValue(req.headers.authorization);
  if (authorization === undefined || authorization === '') {
    throw authError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  const m =
    /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-fA-F]+)\s*$/.exec(
      authorization,
    );
  if (!m?.[1] || !m[2] || !m[3]) {
    throw authError(
      'IncompleteSignatureException',
      'Authorization header requires Credential, SignedHeaders and Signature parameters (AWS4-HMAC-SHA256).',
    );
  }
  const [credential, signedHeadersList, signature] = [m[1], m[2], m[3].toLowerCase()];
  const scopeParts = credential.split('/');
  if (scopeParts.length !== 5 || scopeParts[4] !== 'aws4_request') {
    throw authError('IncompleteSignatureException', 'Credential scope is malformed.');
  }
  const [accessKeyId, scopeDate, scopeRegion, scopeService] = scopeParts as [
    string,
    string,
    string,
    string,
  ];
  const key = keys.find((k) => k.accessKeyId === accessKeyId);
  if (!key) {
    throw authError(
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
    );
  }
  if (scopeService !== SERVICE) {
    throw authError(
      'InvalidSignatureException',
      `Credential should be scoped to correct service: '${SERVICE}'.`,
    );
  }
  const amzDateRaw = headerValue(req.headers['x-amz-date']);
  const amzDate = amzDateRaw !== undefined ? parseAmzDate(amzDateRaw) : undefined;
  if (amzDateRaw === undefined || amzDate === undefined) {
    throw authError(
      'IncompleteSignatureException',
      'Authorization requires a valid X-Amz-Date header (yyyyMMddTHHmmssZ).',
    );
  }
  if (!amzDateRaw.startsWith(scopeDate)) {
    throw authError(
      'InvalidSignatureException',
      'Date in Credential scope does not match YYYYMMDD from X-Amz-Date.',
    );
  }
  if (Math.abs(amzDate.getTime() - now) > MAX_SKEW_MS) {
    throw authError(
      'InvalidSignatureException',
      `Signature expired: ${amzDateRaw} is outside the allowed 15 minute window of the server time.`,
    );
  }
  const signedHeaders = signedHeadersList.toLowerCase().split(';');
  if (!signedHeaders.includes('host')) {
    throw authError('InvalidSignatureException', "'Host' must be a signed header.");
  }
  const canonicalHeaders = signedHeaders
    .map((h) => `${h}:${(headerValue(req.headers[h]) ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const bodyHash = createHash('sha256').update(req.body).digest('hex');
  const declaredHash = headerValue(req.headers['x-amz-content-sha256']);
  if (
    declaredHash !== undefined &&
    declaredHash !== 'UNSIGNED-PAYLOAD' &&
    declaredHash.toLowerCase() !== bodyHash
  ) {
    throw authError(
      'InvalidSignatureException',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  }
  const payloadHash = declaredHash ?? bodyHash;
  const canonicalRequest = [
    req.method,
    canonicalPath(req.rawPath),
    canonicalQuery(req.rawQuery),
    canonicalHeaders,
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${scopeDate}/${scopeRegion}/${scopeService}/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDateRaw,
    scope,
    createHash('sha256').update(canonicalRequest, 'utf8').digest('hex'),
  ].join('\n');
  const kDate = hmac(`AWS4${key.secretAccessKey}`, scopeDate);
  const kRegion = hmac(kDate, scopeRegion);
  const kService = hmac(kRegion, scopeService);
  const kSigning = hmac(kService, 'aws4_request');
  const expected = createHmac('sha256', kSigning).update(stringToSign, 'utf8').digest();
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw authError('InvalidSignatureException', MISMATCH);
  }
  return accessKeyId;
}
