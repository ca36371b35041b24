/**
 * The hostile suite: requests a client that tries to get around the gateway could send. Each has
 * its exact HTTP status and code; none reaches WorkDocs (WorkDocs Local's /_local/stats stays
 * empty), none is a 5xx, and the process keeps answering.
 */
import { describe, expect, test } from 'vitest';
import { useStack } from '../helpers/stack.js';

const stack = useStack({}, { resetChaosBeforeEach: true });

interface Raw {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  search?: string;
}

async function send(raw: Raw): Promise<{ status: number; code: unknown; message: unknown }> {
  const res = await fetch(`${stack.gatewayUrl}${raw.search ?? ''}`, {
    method: raw.method ?? 'POST',
    headers: raw.headers ?? { 'content-type': 'application/json' },
    body: raw.body ?? null,
  });
  const text = await res.text();
  const body = JSON.parse(text) as {
    errors?: { message: string; extensions?: { code?: unknown } }[];
  };
  return {
    status: res.status,
    code: body.errors?.[0]?.extensions?.code,
    message: body.errors?.[0]?.message,
  };
}

const ME = JSON.stringify({ query: '{ me { id } }' });
const INITIATE = `mutation ($input: InitiateDocumentVersionUploadInput!) {
  initiateDocumentVersionUpload(input: $input) {
    __typename ... on InvalidArgumentError { field message }
  }
}`;

describe('malformed HTTP requests → 4xx before any call', () => {
  test.each<[string, Raw, number, string]>([
    ['malformed JSON', { body: '{"query": ' }, 400, 'BAD_REQUEST'],
    [
      'text/plain body (CSRF: a simple request a form could send)',
      { headers: { 'content-type': 'text/plain' }, body: ME },
      400,
      'BAD_REQUEST',
    ],
    [
      'form-encoded body (CSRF)',
      {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'query=%7Bme%7Bid%7D%7D',
      },
      400,
      'BAD_REQUEST',
    ],
    [
      'a mutation over GET',
      {
        method: 'GET',
        headers: { 'apollo-require-preflight': 'true' },
        search: `?query=${encodeURIComponent('mutation { abortDocumentVersionUpload(documentId: "d", versionId: "v") { __typename } }')}`,
      },
      405,
      'BAD_REQUEST',
    ],
    [
      'a batched array',
      { body: JSON.stringify([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]) },
      400,
      'BAD_REQUEST',
    ],
    [
      'a body over 1 MiB',
      { body: JSON.stringify({ query: `{ me { id } } #${'x'.repeat(1_100_000)}` }) },
      413,
      'BAD_REQUEST',
    ],
    [
      'a malformed Authorization header',
      {
        headers: { 'content-type': 'application/json', authorization: 'Basic dXNlcjpwYXNz' },
        body: ME,
      },
      401,
      'UNAUTHENTICATED',
    ],
    [
      'a 10 KB Authorization header',
      {
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${'t'.repeat(10_240)}`,
        },
        body: ME,
      },
      401,
      'UNAUTHENTICATED',
    ],
  ])('%s → %i %s', async (_why, raw, status, code) => {
    const res = await send(raw);
    expect(res.status).toBe(status);
    expect(res.code).toBe(code);
    expect(await stack.stats()).toEqual({});
  });
});

describe('hostile arguments → INVALID_ARGUMENT on the field, before any call', () => {
  const base = (): Record<string, unknown> => ({
    name: 'ok.txt',
    parentFolderId: stack.local.demoRootFolderId,
  });

  test.each<[string, Record<string, unknown>, string]>([
    ['a path in an id', { parentFolderId: '../../etc' }, 'input.parentFolderId'],
    ['a NUL (%00) in an id', { parentFolderId: 'abc%00def' }, 'input.parentFolderId'],
    ['a raw NUL in an id', { parentFolderId: 'abc\u0000def' }, 'input.parentFolderId'],
    ['SQL in an id', { parentFolderId: "x' OR '1'='1" }, 'input.parentFolderId'],
    [
      'shell metacharacters in an id',
      { parentFolderId: 'a;rm -rf /;$(id)`id`' },
      'input.parentFolderId',
    ],
    ['an over-long id (129)', { parentFolderId: 'a'.repeat(129) }, 'input.parentFolderId'],
    ['an over-long name (256 characters)', { name: 'n'.repeat(256) }, 'input.name'],
    ['a control character in a name', { name: 'a\u0007b.txt' }, 'input.name'],
    ['a right-to-left override in a name', { name: 'txt.\u202Eexe' }, 'input.name'],
    ['an unpaired surrogate in a name', { name: 'a\ud800b' }, 'input.name'],
    ['a negative size', { documentSizeInBytes: -1 }, 'input.documentSizeInBytes'],
    ['a size of 2^63', { documentSizeInBytes: '9223372036854775808' }, 'input.documentSizeInBytes'],
  ])('%s', async (_why, override, field) => {
    const res = await stack.graphql(
      INITIATE,
      { input: { ...base(), ...override } },
      stack.local.demoToken,
    );
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.initiateDocumentVersionUpload).toMatchObject({
      __typename: 'InvalidArgumentError',
      field,
    });
    expect(await stack.stats()).toEqual({});
  });

  test.each<[string, Record<string, unknown>]>([
    ['a garbage timestamp', { contentCreatedTimestamp: 'yesterday-ish' }],
    ['a timestamp out of range', { contentModifiedTimestamp: '99999-01-01T00:00:00Z' }],
    ['a fractional size', { documentSizeInBytes: 1.5 }],
  ])('%s → 400 BAD_USER_INPUT (the scalar refuses it)', async (_why, override) => {
    const res = await stack.graphql(
      INITIATE,
      { input: { ...base(), ...override } },
      stack.local.demoToken,
    );
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await stack.stats()).toEqual({});
  });

  test('hostile ids in a query → INVALID_ARGUMENT naming the argument', async () => {
    for (const id of ['../x', 'a%00b', '1; DROP TABLE documents;--', '$(reboot)']) {
      const res = await stack.graphql(
        'query ($id: ID!) { document(id: $id) { id } }',
        { id },
        stack.local.demoToken,
      );
      expect(res.body.data).toEqual({ document: null });
      expect(res.body.errors?.[0]?.extensions).toMatchObject({
        code: 'INVALID_ARGUMENT',
        field: 'id',
      });
    }
    expect(await stack.stats()).toEqual({});
  });

  test('the process still answers after the whole suite', async () => {
    const res = await stack.graphql('{ me { id } }', {}, stack.local.demoToken);
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
  });
});
