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
        headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      }),
    ).resolves.toBe('AKIDEXAMPLE');
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
