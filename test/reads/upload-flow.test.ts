/**
 * The README's flow, exactly as a frontend runs it, over GraphQL only: initiate → PUT the bytes to
 * the signed URL with the signed headers → complete → query the document with its creator and
 * folder (and download it again). And: abort removes a draft.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useStack, type GraphQLBody } from '../helpers/stack.js';
import { putToUploadUrl } from '../helpers/workdocs.js';

const stack = useStack();
let token: string;

beforeAll(() => {
  token = stack.local.demoToken;
});

function ok(body: GraphQLBody): Record<string, unknown> {
  expect(body.errors).toBeUndefined();
  return body.data!;
}

const INITIATE = `mutation Initiate($input: InitiateDocumentVersionUploadInput!) {
  initiateDocumentVersionUpload(input: $input) {
    __typename
    ... on InitiateDocumentVersionUploadPayload {
      metadata { id latestVersionMetadata { id status } }
      uploadMetadata { uploadUrl signedHeaders { name value } }
    }
    ... on UserError { code message }
  }
}`;

interface Initiated {
  metadata: { id: string; latestVersionMetadata: { id: string; status: string } };
  uploadMetadata: { uploadUrl: string; signedHeaders: { name: string; value: string }[] };
}

describe('the upload flow, then the reads', () => {
  it('initiate → PUT → complete → document { creator parentFolder } and the bytes download', async () => {
    const me = ok((await stack.graphql('{ me { id rootFolderId } }', {}, token)).body).me as {
      id: string;
      rootFolderId: string;
    };
    const bytes = Buffer.from('Hello, world');
    const init = ok(
      (
        await stack.graphql(
          INITIATE,
          {
            input: {
              name: 'hello.txt',
              contentType: 'text/plain',
              documentSizeInBytes: bytes.length,
              parentFolderId: me.rootFolderId,
            },
          },
          token,
        )
      ).body,
    ).initiateDocumentVersionUpload as Initiated & { __typename: string };
    expect(init.__typename).toBe('InitiateDocumentVersionUploadPayload');
    expect(init.metadata.latestVersionMetadata.status).toBe('INITIALIZED');

    const put = await putToUploadUrl(
      init.uploadMetadata.uploadUrl,
      init.uploadMetadata.signedHeaders,
      bytes,
    );
    expect(put.status).toBe(200);

    const complete = ok(
      (
        await stack.graphql(
          `mutation Complete($documentId: ID!, $versionId: ID!) {
            completeDocumentVersionUpload(documentId: $documentId, versionId: $versionId) {
              __typename
              ... on CompleteDocumentVersionUploadPayload { document { id latestVersionMetadata { status } } }
              ... on UserError { code message }
            }
          }`,
          { documentId: init.metadata.id, versionId: init.metadata.latestVersionMetadata.id },
          token,
        )
      ).body,
    ).completeDocumentVersionUpload;
    expect(complete).toEqual({
      __typename: 'CompleteDocumentVersionUploadPayload',
      document: { id: init.metadata.id, latestVersionMetadata: { status: 'ACTIVE' } },
    });

    const doc = ok(
      (
        await stack.graphql(
          `query Document($id: ID!) {
            document(id: $id) {
              id
              latestVersionMetadata { name size status source { original } }
              creator { id username }
              parentFolder { id }
            }
          }`,
          { id: init.metadata.id },
          token,
        )
      ).body,
    ).document as {
      latestVersionMetadata: { name: string; size: number; source: { original: string } };
      creator: { id: string; username: string };
      parentFolder: { id: string };
    };
    expect(doc.latestVersionMetadata).toMatchObject({ name: 'hello.txt', size: 12 });
    expect(doc.creator).toEqual({ id: me.id, username: 'demo' });
    expect(doc.parentFolder).toEqual({ id: me.rootFolderId });
    const download = await fetch(doc.latestVersionMetadata.source.original);
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('abort removes a draft: the document is then ENTITY_NOT_EXISTS', async () => {
    const me = ok((await stack.graphql('{ me { rootFolderId } }', {}, token)).body).me as {
      rootFolderId: string;
    };
    const init = ok(
      (
        await stack.graphql(
          INITIATE,
          { input: { name: 'draft.txt', parentFolderId: me.rootFolderId } },
          token,
        )
      ).body,
    ).initiateDocumentVersionUpload as Initiated;
    const aborted = ok(
      (
        await stack.graphql(
          `mutation Abort($documentId: ID!, $versionId: ID!) {
            abortDocumentVersionUpload(documentId: $documentId, versionId: $versionId) {
              __typename
              ... on AbortDocumentVersionUploadPayload { documentId versionId }
            }
          }`,
          { documentId: init.metadata.id, versionId: init.metadata.latestVersionMetadata.id },
          token,
        )
      ).body,
    ).abortDocumentVersionUpload as { __typename: string };
    expect(aborted.__typename).toBe('AbortDocumentVersionUploadPayload');
    const { body } = await stack.graphql(
      'query ($id: ID!) { document(id: $id) { id } }',
      { id: init.metadata.id },
      token,
    );
    expect(body.data).toEqual({ document: null });
    expect(body.errors?.[0]?.extensions?.code).toBe('ENTITY_NOT_EXISTS');
  });
});
