/**
 * Input validation from the model's constraints: unit tests of the validators, then over real
 * HTTP — each broken constraint answers InvalidArgumentError naming the field, and WorkDocs
 * Local's `/_local/stats` proves no upstream call was made.
 */
import { describe, expect, test } from 'vitest';
import { InvalidArgumentError } from '../../src/gateway/errors.js';
import {
  intInRange,
  optionalContentType,
  optionalId,
  optionalName,
  optionalSize,
  requiredId,
  validateInitiateInput,
} from '../../src/gateway/validation.js';
import { useStack } from '../helpers/stack.js';

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidArgumentError) return err.field;
    throw err;
  }
  return undefined;
}

describe('validators', () => {
  test('ids: 1 to 128 of [\\w+-.@]', () => {
    expect(optionalId('a'.repeat(128), 'id')).toBe('a'.repeat(128));
    expect(optionalId('A-z_0.9+@,x', 'id')).toBe('A-z_0.9+@,x');
    expect(optionalId(null, 'id')).toBeUndefined();
    expect(fieldOf(() => optionalId('', 'input.id'))).toBe('input.id');
    expect(fieldOf(() => optionalId('a'.repeat(129), 'input.id'))).toBe('input.id');
    expect(fieldOf(() => optionalId('a/b', 'input.id'))).toBe('input.id');
    expect(fieldOf(() => optionalId('a b', 'input.id'))).toBe('input.id');
    expect(fieldOf(() => requiredId(undefined, 'documentId'))).toBe('documentId');
  });

  test('names: 1 to 255 of [\\u0020-\\u202D\\u202F-\\uFFFF]', () => {
    expect(optionalName('n'.repeat(255), 'n')).toHaveLength(255);
    expect(optionalName('日本語 😀 file.txt', 'n')).toBe('日本語 😀 file.txt');
    expect(fieldOf(() => optionalName('', 'input.name'))).toBe('input.name');
    expect(fieldOf(() => optionalName('n'.repeat(256), 'input.name'))).toBe('input.name');
    expect(fieldOf(() => optionalName('tab\there', 'input.name'))).toBe('input.name');
    expect(fieldOf(() => optionalName('evil\u202Etxt.exe', 'input.name'))).toBe('input.name');
  });

  test('lengths count characters (code points), as the model does, not UTF-16 units', () => {
    expect(optionalName('😀'.repeat(255), 'n')).toBe('😀'.repeat(255));
    expect(fieldOf(() => optionalName('😀'.repeat(256), 'input.name'))).toBe('input.name');
    expect(optionalContentType('𝒙'.repeat(128), 'c')).toBe('𝒙'.repeat(128));
  });

  test('content types: 1 to 128', () => {
    expect(optionalContentType('x'.repeat(128), 'c')).toHaveLength(128);
    expect(fieldOf(() => optionalContentType('', 'input.contentType'))).toBe('input.contentType');
    expect(fieldOf(() => optionalContentType('x'.repeat(129), 'c'))).toBe('c');
  });

  test('sizes: 0 to 2^53 - 1, as number or bigint', () => {
    expect(optionalSize(0, 's')).toBe(0);
    expect(optionalSize(5368709120, 's')).toBe(5368709120);
    expect(optionalSize(BigInt(Number.MAX_SAFE_INTEGER), 's')).toBe(Number.MAX_SAFE_INTEGER);
    expect(fieldOf(() => optionalSize(-1, 's'))).toBe('s');
    expect(fieldOf(() => optionalSize(2n ** 53n, 's'))).toBe('s');
    expect(fieldOf(() => optionalSize(1.5, 's'))).toBe('s');
  });

  test('paging limits', () => {
    expect(intInRange(1, 'first', 1, 999)).toBe(1);
    expect(fieldOf(() => intInRange(0, 'first', 1, 999))).toBe('first');
    expect(fieldOf(() => intInRange(1000, 'first', 1, 999))).toBe('first');
  });

  test('validateInitiateInput maps GraphQL casing to the SDK and omits what is not given', () => {
    const created = new Date('2026-01-01T00:00:00.000Z');
    expect(
      validateInitiateInput({
        name: 'a.txt',
        contentType: 'text/plain',
        documentSizeInBytes: 3,
        parentFolderId: 'f',
        contentCreatedTimestamp: created,
        id: null,
      }),
    ).toEqual({
      Id: undefined,
      Name: 'a.txt',
      ContentType: 'text/plain',
      DocumentSizeInBytes: 3,
      ParentFolderId: 'f',
      ContentCreatedTimestamp: created,
      ContentModifiedTimestamp: undefined,
    });
  });
});

describe('over HTTP: a broken constraint → InvalidArgumentError, and no upstream call', () => {
  const stack = useStack({}, { resetChaosBeforeEach: true });

  const INITIATE = `mutation($input: InitiateDocumentVersionUploadInput!) {
    initiateDocumentVersionUpload(input: $input) {
      __typename ... on UserError { code message requestId } ... on InvalidArgumentError { field }
    }
  }`;

  const cases: [string, Record<string, unknown>, string][] = [
    ['empty id', { id: '' }, 'input.id'],
    ['id of 129 characters', { id: 'a'.repeat(129) }, 'input.id'],
    ['id with a slash', { id: '../etc' }, 'input.id'],
    ['parent folder id with a space', { parentFolderId: 'a b' }, 'input.parentFolderId'],
    ['empty name', { name: '' }, 'input.name'],
    ['name of 256 characters', { name: 'n'.repeat(256) }, 'input.name'],
    ['name with a control character', { name: 'bell\u0007.txt' }, 'input.name'],
    ['name with U+202E', { name: 'x\u202Etxt.exe' }, 'input.name'],
    ['empty content type', { contentType: '' }, 'input.contentType'],
    ['content type of 129 characters', { contentType: 'x'.repeat(129) }, 'input.contentType'],
    ['negative size', { documentSizeInBytes: -1 }, 'input.documentSizeInBytes'],
    ['size of 2^53', { documentSizeInBytes: '9007199254740992' }, 'input.documentSizeInBytes'],
  ];

  test.each(cases)('initiate: %s', async (_name, input, field) => {
    const { status, body } = await stack.graphql(
      INITIATE,
      { input: { name: 'ok.txt', parentFolderId: stack.local.demoRootFolderId, ...input } },
      stack.local.demoToken,
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data?.initiateDocumentVersionUpload).toEqual({
      __typename: 'InvalidArgumentError',
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining(field) as unknown,
      requestId: null,
      field,
    });
    expect(await stack.stats()).toEqual({});
  });

  test.each([
    ['completeDocumentVersionUpload', 'documentId', { documentId: 'a b', versionId: 'v' }],
    ['completeDocumentVersionUpload', 'versionId', { documentId: 'd', versionId: 'v'.repeat(129) }],
    ['abortDocumentVersionUpload', 'documentId', { documentId: '', versionId: 'v' }],
    ['abortDocumentVersionUpload', 'versionId', { documentId: 'd', versionId: 'v/1' }],
  ])('%s: bad %s', async (mutation, field, args) => {
    const { body } = await stack.graphql(
      `mutation($documentId: ID!, $versionId: ID!) {
        ${mutation}(documentId: $documentId, versionId: $versionId) {
          __typename ... on InvalidArgumentError { code field }
        }
      }`,
      args,
      stack.local.demoToken,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.[mutation]).toEqual({
      __typename: 'InvalidArgumentError',
      code: 'INVALID_ARGUMENT',
      field,
    });
    expect(await stack.stats()).toEqual({});
  });

  test('a name of 255 emoji (510 UTF-16 units) is valid and reaches WorkDocs', async () => {
    const name = '😀'.repeat(255);
    const { body } = await stack.graphql(
      `mutation($input: InitiateDocumentVersionUploadInput!) {
        initiateDocumentVersionUpload(input: $input) {
          __typename
          ... on InitiateDocumentVersionUploadPayload { metadata { latestVersionMetadata { name } } }
          ... on UserError { code message }
        }
      }`,
      { input: { name, parentFolderId: stack.local.demoRootFolderId } },
      stack.local.demoToken,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.initiateDocumentVersionUpload).toEqual({
      __typename: 'InitiateDocumentVersionUploadPayload',
      metadata: { latestVersionMetadata: { name } },
    });
  });

  test('a Long that is not a number is refused by GraphQL itself (BAD_USER_INPUT)', async () => {
    const { status, body } = await stack.graphql(
      INITIATE,
      { input: { name: 'ok.txt', documentSizeInBytes: 'twelve' } },
      stack.local.demoToken,
    );
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).toContain('documentSizeInBytes');
    expect(await stack.stats()).toEqual({});
  });

  test('a timestamp that is not ISO-8601 is refused by GraphQL itself (BAD_USER_INPUT)', async () => {
    const { status, body } = await stack.graphql(
      INITIATE,
      { input: { name: 'ok.txt', contentCreatedTimestamp: 'yesterday' } },
      stack.local.demoToken,
    );
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await stack.stats()).toEqual({});
  });
});
