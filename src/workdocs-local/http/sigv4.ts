/**
 * AWS Signature Version 4 verification of incoming API requests (header form), computed with
 * node:crypto the way the AWS SDKs sign non-S3 requests (double-encoded path, sorted query,
 * canonical signed headers, SHA-256 payload hash), compared in constant time.
 *
 * Stricter than a signer needs to be, so that nothing routed or read is left unsigned:
 * - the path is canonicalised as received, without removing `.`/`..`/empty segments (the SDKs
 *   normalise before signing, but routing reads the raw path: `/documents/X/versions/..` must not
 *   pass with a signature for `/documents/X`);
 * - the payload is always signed: `x-amz-content-sha256: UNSIGNED-PAYLOAD` is refused, and a
 *   given hash must be the body's;
 * - `host`, `x-amz-date`, and when present `authentication`, `x-amz-content-sha256` and
 *   `x-amz-security-token` must be signed headers, and every signed header must be in the request;
 * - query-string signing parameters (`X-Amz-Signature`, ...) next to an Authorization header are
 *   refused (one could be added after signing).
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

/**
 * @smithy/signature-v4's getCanonicalPath with uriEscapePath = true, minus its dot-segment and
 * empty-segment normalisation: the path that is routed is the path that must be signed.
 */
function canonicalPath(path: string): string {
  return escapeUri(path).replace(/%2F/g, '/');
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
    pairs.push([key, escapeUri(safeDecode(v))]);
  }
  pairs.sort((a, b) =>
    a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0,
  );
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** A request header by lower-case name; own properties only (`constructor` is no header). */
function headerOf(headers: SignedRequest['headers'], name: string): string | undefined {
  if (!Object.hasOwn(headers, name)) return undefined;
  const v = headers[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(',') : v;
}

/** Headers that, when sent, must be signed: they carry identity, time or the payload hash. */
const MUST_SIGN_IF_PRESENT = ['authentication', 'x-amz-content-sha256', 'x-amz-security-token'];
/** Query parameters of presigned (query-string) SigV4, refused next to an Authorization header. */
const QUERY_AUTH = /(?:^|&)x-amz-(?:signature|algorithm|credential|signedheaders|date)=/i;
/** An HTTP header name (RFC 9110 token), lower case as SigV4 lists them. */
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;

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
  const authorization = headerOf(req.headers, 'authorization');
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
  const amzDateRaw = headerOf(req.headers, 'x-amz-date');
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
  if (QUERY_AUTH.test(req.rawQuery)) {
    throw authError(
      'IncompleteSignatureException',
      'Only one auth mechanism allowed; only the X-Amz-Signature query parameters or the Authorization header should be specified.',
    );
  }
  const signedHeaders = signedHeadersList.toLowerCase().split(';');
  for (const h of signedHeaders) {
    if (!HEADER_NAME.test(h) || headerOf(req.headers, h) === undefined) {
      throw authError(
        'IncompleteSignatureException',
        `Signed header '${h.slice(0, 64)}' is not a header of the request.`,
      );
    }
  }
  for (const h of ['host', 'x-amz-date']) {
    if (!signedHeaders.includes(h)) {
      throw authError('InvalidSignatureException', `'${h}' must be a signed header.`);
    }
  }
  for (const h of MUST_SIGN_IF_PRESENT) {
    if (headerOf(req.headers, h) !== undefined && !signedHeaders.includes(h)) {
      throw authError('InvalidSignatureException', `'${h}' must be a signed header.`);
    }
  }
  const canonicalHeaders = signedHeaders
    .map((h) => `${h}:${(headerOf(req.headers, h) ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const bodyHash = createHash('sha256').update(req.body).digest('hex');
  const declaredHash = headerOf(req.headers, 'x-amz-content-sha256');
  if (declaredHash === 'UNSIGNED-PAYLOAD') {
    throw authError(
      'InvalidSignatureException',
      "'x-amz-content-sha256: UNSIGNED-PAYLOAD' is not accepted: the payload must be signed.",
    );
  }
  if (declaredHash !== undefined && declaredHash.toLowerCase() !== bodyHash) {
    throw authError(
      'InvalidSignatureException',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  }
  const payloadHash = bodyHash;
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
