/**
 * initiateDocumentVersionUpload over real HTTP: the gateway, the official SDK, WorkDocs Local.
 * Then the rest of the upload flow: PUT the bytes with the signed headers, complete, download;
 * and abort on another draft.
 */
import { describe, expect, test } from 'vitest';
import { useStack } from '../helpers/stack.js';
import { putToUploadUrl } from '../helpers/workdocs.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const VERSION_FIELDS = `id name contentType size signature status createdTimestamp modifiedTimestamp
  contentCreatedTimestamp contentModifiedTimestamp creatorId thumbnail { small smallHq large }`;
const DOCUMENT_FIELDS = `id creatorId parentFolderId createdTimestamp modifiedTimestamp resourceState labels
  latestVersionMetadata { ${VERSION_FIELDS} }`;

export const INITIATE = `mutation Initiate($input: InitiateDocumentVersionUploadInput!) {
  initiateDocumentVersionUpload(input: $input) {
    __typename
    ... on InitiateDocumentVersionUploadPayload {
      metadata { ${DOCUMENT_FIELDS} }
      uploadMetadata { uploadUrl signedHeaders { name value } }
    }
    ... on UserError { code message requestId }
    ... on EntityNotExistsError { entityIds }
    ... on InvalidArgumentError { field }
  }
}`;

const COMPLETE = `mutation Complete($documentId: ID!, $versionId: ID!) {
  completeDocumentVersionUpload(documentId: $documentId, versionId: $versionId) {
    __typename
    ... on CompleteDocumentVersionUploadPayload {
      document { ${DOCUMENT_FIELDS} latestVersionMetadata { source { original withComments } } }
    }
    ... on UserError { code message requestId }
    ... on EntityNotExistsError { entityIds }
  }
}`;

const ABORT = `mutation Abort($documentId: ID!, $versionId: ID!) {
  abortDocumentVersionUpload(documentId: $documentId, versionId: $versionId) {
    __typename
    ... on AbortDocumentVersionUploadPayload { documentId versionId }
    ... on UserError { code message requestId }
  }
}`;

interface Version {
  id: string;
  name: string | null;
  contentType: string | null;
  size: number | string | null;
  signature: string | null;
  status: string | null;
  createdTimestamp: string | null;
  modifiedTimestamp: string | null;
  contentCreatedTimestamp: string | null;
  contentModifiedTimestamp: string | null;
  creatorId: string | null;
  thumbnail: unknown;
  source?: { original: string | null; withComments: string | null } | null;
}
interface Document {
  id: string;
  creatorId: string | null;
  parentFolderId: string | null;
  createdTimestamp: string | null;
  modifiedTimestamp: string | null;
  resourceState: string | null;
  labels: string[];
  latestVersionMetadata: Version | null;
}
interface InitiatePayload {
  __typename: string;
  metadata: Document;
  uploadMetadata: { uploadUrl: string; signedHeaders: { name: string; value: string }[] };
}

const stack = useStack();

async function initiate(input: Record<string, unknown>): Promise<InitiatePayload> {
  const { status, body } = await stack.graphql(INITIATE, { input }, stack.local.demoToken);
  expect(status).toBe(200);
  expect(body.errors).toBeUndefined();
  const result = body.data?.initiateDocumentVersionUpload as InitiatePayload;
  expect(result.__typename).toBe('InitiateDocumentVersionUploadPayload');
  return result;
}

describe('initiateDocumentVersionUpload', () => {
  test('returns the full document and upload metadata', async () => {
    const before = Date.now();
    const result = await initiate({
      name: 'report 2026 — ünïcødé.txt',
      contentType: 'text/plain',
      documentSizeInBytes: 12,
      parentFolderId: stack.local.demoRootFolderId,
      contentCreatedTimestamp: '2026-01-02T03:04:05.678Z',
      contentModifiedTimestamp: '2026-02-03T04:05:06.789Z',
    });
    const { metadata, uploadMetadata } = result;

    expect(metadata.id).toMatch(/^[\w+-.@]{1,128}$/);
    expect(metadata.creatorId).toBe(stack.local.demoUserId);
    expect(metadata.parentFolderId).toBe(stack.local.demoRootFolderId);
    expect(metadata.createdTimestamp).toMatch(ISO);
    expect(metadata.modifiedTimestamp).toMatch(ISO);
    expect(Date.parse(metadata.createdTimestamp!)).toBeGreaterThanOrEqual(before - 1000);
    expect(metadata.resourceState).toBe('ACTIVE');
    expect(metadata.labels).toEqual([]);

    const v = metadata.latestVersionMetadata!;
    expect(v.id).toMatch(/^[\w+-.@]{1,128}$/);
    expect(v.name).toBe('report 2026 — ünïcødé.txt');
    expect(v.contentType).toBe('text/plain');
    expect(v.size).toBe(12);
    expect(v.signature).toBeNull();
    expect(v.status).toBe('INITIALIZED');
    expect(v.createdTimestamp).toMatch(ISO);
    expect(v.modifiedTimestamp).toMatch(ISO);
    expect(v.contentCreatedTimestamp).toBe('2026-01-02T03:04:05.678Z');
    expect(v.contentModifiedTimestamp).toBe('2026-02-03T04:05:06.789Z');
    expect(v.creatorId).toBe(stack.local.demoUserId);
    expect(v.thumbnail).toBeNull();

    expect(uploadMetadata.uploadUrl.startsWith(`${stack.local.endpoint}/`)).toBe(true);
    expect(Array.isArray(uploadMetadata.signedHeaders)).toBe(true);
    expect(uploadMetadata.signedHeaders).toContainEqual({
      name: 'Content-Type',
      value: 'text/plain',
    });
    for (const h of uploadMetadata.signedHeaders) {
      expect(typeof h.name).toBe('string');
      expect(typeof h.value).toBe('string');
    }
  });

  test('a 5 GiB documentSizeInBytes round-trips exactly', async () => {
    const result = await initiate({
      name: 'huge.bin',
      contentType: 'application/octet-stream',
      documentSizeInBytes: 5368709120,
      parentFolderId: stack.local.demoRootFolderId,
    });
    expect(result.metadata.latestVersionMetadata!.size).toBe(5368709120);

    // The Long scalar also takes a string of digits.
    const asString = await initiate({
      name: 'huge2.bin',
      documentSizeInBytes: '5368709121',
      parentFolderId: stack.local.demoRootFolderId,
    });
    expect(asString.metadata.latestVersionMetadata!.size).toBe(5368709121);
  });

  test('the uploadUrl accepts a PUT with the signed headers; complete activates the version', async () => {
    const bytes = Buffer.from('hello, world');
    const { metadata, uploadMetadata } = await initiate({
      name: 'hello.txt',
      contentType: 'text/plain',
      documentSizeInBytes: bytes.length,
      parentFolderId: stack.local.demoRootFolderId,
    });
    const put = await putToUploadUrl(uploadMetadata.uploadUrl, uploadMetadata.signedHeaders, bytes);
    expect(put.status).toBeLessThan(300);

    const versionId = metadata.latestVersionMetadata!.id;
    const { body } = await stack.graphql(
      COMPLETE,
      { documentId: metadata.id, versionId },
      stack.local.demoToken,
    );
    expect(body.errors).toBeUndefined();
    const completed = body.data?.completeDocumentVersionUpload as {
      __typename: string;
      document: Document;
    };
    expect(completed.__typename).toBe('CompleteDocumentVersionUploadPayload');
    expect(completed.document.id).toBe(metadata.id);
    const v = completed.document.latestVersionMetadata!;
    expect(v.id).toBe(versionId);
    expect(v.status).toBe('ACTIVE');
    expect(v.size).toBe(bytes.length);
    expect(v.signature).toEqual(expect.any(String));
    expect(v.signature!.length).toBeGreaterThan(0);

    // `source` was selected: the gateway asked for the download URLs; they serve the bytes.
    expect(v.source?.original).toEqual(expect.any(String));
    const download = await fetch(v.source!.original!);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(bytes);
  });

  test('complete before the bytes arrived is refused as a typed error', async () => {
    const { metadata } = await initiate({
      name: 'not-uploaded.txt',
      contentType: 'text/plain',
      documentSizeInBytes: 3,
      parentFolderId: stack.local.demoRootFolderId,
    });
    const { body } = await stack.graphql(
      COMPLETE,
      { documentId: metadata.id, versionId: metadata.latestVersionMetadata!.id },
      stack.local.demoToken,
    );
    expect(body.errors).toBeUndefined();
    const result = body.data?.completeDocumentVersionUpload as { __typename: string; code: string };
    expect(result.__typename).toBe('ProhibitedStateError');
    expect(result.code).toBe('PROHIBITED_STATE');
  });

  test('abort removes a draft; completing it afterwards finds nothing', async () => {
    const { metadata } = await initiate({
      name: 'draft.txt',
      contentType: 'text/plain',
      parentFolderId: stack.local.demoRootFolderId,
    });
    const ids = { documentId: metadata.id, versionId: metadata.latestVersionMetadata!.id };
    const { body } = await stack.graphql(ABORT, ids, stack.local.demoToken);
    expect(body.errors).toBeUndefined();
    expect(body.data?.abortDocumentVersionUpload).toEqual({
      __typename: 'AbortDocumentVersionUploadPayload',
      ...ids,
    });

    const again = await stack.graphql(COMPLETE, ids, stack.local.demoToken);
    expect(again.body.errors).toBeUndefined();
    expect(again.body.data?.completeDocumentVersionUpload).toMatchObject({
      __typename: 'EntityNotExistsError',
      code: 'ENTITY_NOT_EXISTS',
      requestId: expect.any(String) as unknown,
    });
  });

  test('a new version of an existing document (input.id)', async () => {
    const first = await initiate({
      name: 'v.txt',
      contentType: 'text/plain',
      parentFolderId: stack.local.demoRootFolderId,
    });
    const second = await initiate({
      id: first.metadata.id,
      name: 'v.txt',
      contentType: 'text/plain',
    });
    expect(second.metadata.id).toBe(first.metadata.id);
    expect(second.metadata.latestVersionMetadata!.id).not.toBe(
      first.metadata.latestVersionMetadata!.id,
    );
  });

  test('a missing parent folder comes back as EntityNotExistsError', async () => {
    const { body } = await stack.graphql(
      INITIATE,
      { input: { name: 'x.txt', parentFolderId: 'no-such-folder' } },
      stack.local.demoToken,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.initiateDocumentVersionUpload).toMatchObject({
      __typename: 'EntityNotExistsError',
      code: 'ENTITY_NOT_EXISTS',
      requestId: expect.any(String) as unknown,
      entityIds: expect.any(Array) as unknown,
    });
  });
});
