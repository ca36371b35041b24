import { createHash } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { WorkDocsError } from '../../src/workdocs-local/errors.js';
import { verifySigV4 } from '../../src/workdocs-local/http/sigv4.js';

const keys = [
  { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
];
const signer = new SignatureV4({
  credentials: keys[0]!,
  region: 'eu-west-1',
  service: 'workdocs',
  sha256: Hash.bind(null, 'sha256'),
});

interface Case {
  method: string;
  path: string;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  body?: string;
}

async function signAndVerify(c: Case, now = Date.now(), tamper?: (raw: RawParts) => void) {
  const request = new HttpRequest({
    method: c.method,
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 4100,
    path: c.path,
    query: c.query ?? {},
    headers: { host: '127.0.0.1:4100', ...c.headers },
    body: c.body,
  });
  const signed = await signer.sign(request, { signingDate: new Date(now) });
  const rawQuery = Object.entries(c.query ?? {})
    .flatMap(([k, v]) =>
      (Array.isArray(v) ? v : [v]).map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(x)}`),
    )
    .join('&');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) headers[k.toLowerCase()] = v;
  const raw: RawParts = {
    method: c.method,
    rawPath: c.path,
    rawQuery,
    headers,
    body: Buffer.from(c.body ?? ''),
  };
  tamper?.(raw);
  return verifySigV4(raw, keys, now);
}

interface RawParts {
  method: string;
  rawPath: string;
  rawQuery: string;
  headers: Record<string, string>;
  body: Buffer;
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

function lowerCase(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function messageOf(fn: () => unknown): Promise<string> {
  return Promise.resolve()
    .then(fn)
    .then(
      () => 'ok',
      (e: unknown) => (e instanceof WorkDocsError ? `${e.code}: ${e.message}` : String(e)),
    );
}

function codeOf(fn: () => unknown): Promise<string> {
  return Promise.resolve()
    .then(fn)
    .then(
      () => 'ok',
      (e: unknown) => (e instanceof WorkDocsError ? e.code : String(e)),
    );
}

describe('verifySigV4 against @smithy/signature-v4', () => {
  it('accepts a POST with a JSON body', async () => {
    await expect(
      signAndVerify({
        method: 'POST',
        path: '/api/v1/documents',
        headers: { 'content-type': 'application/json' },
        body: '{"Name":"a b"}',
      }),
    ).resolves.toBe('AKIDEXAMPLE');
  });

  it('accepts encoded labels, repeated and special query values, and x-amz-content-sha256', async () => {
    await expect(
      signAndVerify({
        method: 'GET',
        path: '/api/v1/documents/a%2Bb%40c/versions',
        query: { fields: 'SOURCE', include: ['b c', 'a*(!)'], marker: 'é~' },
        headers: { 'x-amz-content-sha256': sha256('') },
      }),
    ).resolves.toBe('AKIDEXAMPLE');
  });

  it('refuses an unsigned or mismatching payload hash', async () => {
    const body = '{"Name":"x"}';
    const post = (hash: string): Case => ({
      method: 'POST',
      path: '/api/v1/folders',
      headers: { 'content-type': 'application/json', 'x-amz-content-sha256': hash },
      body,
    });
    await expect(signAndVerify(post(sha256(body)))).resolves.toBe('AKIDEXAMPLE');
    // UNSIGNED-PAYLOAD would let the body be changed in transit.
    expect(await messageOf(() => signAndVerify(post('UNSIGNED-PAYLOAD')))).toBe(
      "InvalidSignatureException: 'x-amz-content-sha256: UNSIGNED-PAYLOAD' is not accepted: the payload must be signed.",
    );
    expect(await messageOf(() => signAndVerify(post(sha256('other'))))).toBe(
      "InvalidSignatureException: The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  });

  it('a signed header named constructor (not in the request) is IncompleteSignatureException', async () => {
    const tamper = (r: RawParts): void => {
      r.headers.authorization = r.headers.authorization!.replace(
        'SignedHeaders=',
        'SignedHeaders=constructor;',
      );
    };
    expect(
      await messageOf(() =>
        signAndVerify({ method: 'GET', path: '/api/v1/me' }, Date.now(), tamper),
      ),
    ).toBe(
      "IncompleteSignatureException: Signed header 'constructor' is not a header of the request.",
    );
  });

  it('an X-Amz-Signature query parameter added after signing is refused', async () => {
    const tamper = (r: RawParts): void => {
      r.rawQuery = 'X-Amz-Signature=abc';
    };
    expect(
      await messageOf(() =>
        signAndVerify({ method: 'GET', path: '/api/v1/me' }, Date.now(), tamper),
      ),
    ).toBe(
      'IncompleteSignatureException: Only one auth mechanism allowed; only the X-Amz-Signature query parameters or the Authorization header should be specified.',
    );
  });

  it('a signature for a path does not pass for a path that routes elsewhere but normalises to it', async () => {
    const tamper = (r: RawParts): void => {
      r.rawPath = '/api/v1/documents/d1/versions/..';
    };
    expect(
      await codeOf(() =>
        signAndVerify({ method: 'GET', path: '/api/v1/documents/d1' }, Date.now(), tamper),
      ),
    ).toBe('InvalidSignatureException');
    // And a signer that normalises (as the SDKs do) signs a different path than the one sent.
    expect(
      await codeOf(() =>
        signAndVerify({ method: 'GET', path: '/api/v1/documents/d1/versions/..' }),
      ),
    ).toBe('InvalidSignatureException');
  });

  it('an Authentication header that is not signed is refused', async () => {
    const request = new HttpRequest({
      method: 'GET',
      protocol: 'http:',
      hostname: '127.0.0.1',
      path: '/api/v1/me',
      headers: { host: '127.0.0.1', authentication: 'token' },
    });
    const signed = await signer.sign(request, { unsignableHeaders: new Set(['authentication']) });
    expect(signed.headers.authorization).not.toContain('authentication');
    expect(
      await messageOf(() =>
        verifySigV4(
          {
            method: 'GET',
            rawPath: '/api/v1/me',
            rawQuery: '',
            headers: lowerCase(signed.headers),
            body: Buffer.alloc(0),
          },
          keys,
        ),
      ),
    ).toBe("InvalidSignatureException: 'authentication' must be a signed header.");
  });

  it('refuses a changed body, method, query or header, and an old date', async () => {
    const base: Case = {
      method: 'POST',
      path: '/api/v1/folders',
      headers: { 'content-type': 'application/json', authentication: 'tok' },
      body: '{"Name":"x"}',
    };
    expect(
      await codeOf(() =>
        signAndVerify(base, Date.now(), (r) => {
          r.body = Buffer.from('{"Name":"y"}');
        }),
      ),
    ).toBe('InvalidSignatureException');
    expect(
      await codeOf(() =>
        signAndVerify(base, Date.now(), (r) => {
          r.method = 'PUT';
        }),
      ),
    ).toBe('InvalidSignatureException');
    expect(
      await codeOf(() =>
        signAndVerify(base, Date.now(), (r) => {
          r.rawQuery = 'limit=1';
        }),
      ),
    ).toBe('InvalidSignatureException');
    expect(
      await codeOf(() =>
        signAndVerify(base, Date.now(), (r) => {
          r.headers.authentication = 'other';
        }),
      ),
    ).toBe('InvalidSignatureException');
    const old = Date.now() - 20 * 60 * 1000;
    expect(
      await codeOf(async () => {
        // Signed 20 minutes ago, verified now.
        const request = new HttpRequest({
          method: 'GET',
          protocol: 'http:',
          hostname: '127.0.0.1',
          path: '/api/v1/me',
          headers: { host: '127.0.0.1' },
        });
        const signed = await signer.sign(request, { signingDate: new Date(old) });
        return verifySigV4(
          {
            method: 'GET',
            rawPath: '/api/v1/me',
            rawQuery: '',
            headers: signed.headers,
            body: Buffer.alloc(0),
          },
          keys,
        );
      }),
    ).toBe('InvalidSignatureException');
  });

  it('refuses malformed or missing Authorization headers with AWS codes', async () => {
    const req = (authorization?: string) => ({
      method: 'GET',
      rawPath: '/api/v1/me',
      rawQuery: '',
      headers: {
        host: 'x',
        'x-amz-date': '20260101T000000Z',
        ...(authorization ? { authorization } : {}),
      },
      body: Buffer.alloc(0),
    });
    expect(await codeOf(() => verifySigV4(req(), keys))).toBe(
      'MissingAuthenticationTokenException',
    );
    expect(await codeOf(() => verifySigV4(req('Bearer abc'), keys))).toBe(
      'IncompleteSignatureException',
    );
    expect(
      await codeOf(() =>
        verifySigV4(
          req(
            'AWS4-HMAC-SHA256 Credential=NOPE/20260101/us-east-1/workdocs/aws4_request, SignedHeaders=host, Signature=00',
          ),
          keys,
        ),
      ),
    ).toBe('UnrecognizedClientException');
    expect(
      await codeOf(() =>
        verifySigV4(
          req(
            'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00',
          ),
          keys,
        ),
      ),
    ).toBe('InvalidSignatureException');
  });
});
