/**
 * Walks the error table through the real stack: for every exception the model lists for the
 * operations behind the three upload mutations, WorkDocs Local's chaos API makes the operation
 * fail with it, the official SDK parses it, and the gateway must answer with its own code — as
 * the union member (data channel) or as a GraphQLError with requestId, httpStatus and retryable.
 */
import { describe, expect, test } from 'vitest';
import { typenameOfCode, WORKDOCS_EXCEPTIONS } from '../../src/gateway/errors.js';
import {
  ABORT_ERROR_TYPES,
  COMPLETE_ERROR_TYPES,
  INITIATE_ERROR_TYPES,
} from '../../src/gateway/resolvers/mutation.js';
import { exceptionsOf as modelExceptionsOf, httpStatusOf } from '../helpers/model.js';
import { useStack, type GraphQLBody } from '../helpers/stack.js';
import { putToUploadUrl } from '../helpers/workdocs.js';

function exceptionsOf(operation: string): (keyof typeof WORKDOCS_EXCEPTIONS)[] {
  return modelExceptionsOf(operation) as (keyof typeof WORKDOCS_EXCEPTIONS)[];
}

const RESULT_FIELDS = `__typename
  ... on UserError { code message requestId }
  ... on EntityNotExistsError { entityIds }
  ... on InvalidArgumentError { field }`;

const INITIATE = `mutation($input: InitiateDocumentVersionUploadInput!) {
  initiateDocumentVersionUpload(input: $input) {
    ${RESULT_FIELDS}
    ... on InitiateDocumentVersionUploadPayload {
      metadata { id latestVersionMetadata { id } }
      uploadMetadata { uploadUrl signedHeaders { name value } }
    }
  }
}`;
const COMPLETE = `mutation($documentId: ID!, $versionId: ID!) {
  completeDocumentVersionUpload(documentId: $documentId, versionId: $versionId) {
    ${RESULT_FIELDS}
    ... on CompleteDocumentVersionUploadPayload { document { id } }
  }
}`;
const ABORT = `mutation($documentId: ID!, $versionId: ID!) {
  abortDocumentVersionUpload(documentId: $documentId, versionId: $versionId) {
    ${RESULT_FIELDS}
    ... on AbortDocumentVersionUploadPayload { documentId }
  }
}`;

const stack = useStack({}, { resetChaosBeforeEach: true });

async function injectOnce(operation: string, exception: string): Promise<string> {
  const message = `Injected ${exception} for ${operation} (test)`;
  await stack.control('POST', '/_local/chaos/faults', [
    { operation, error: { code: exception, message }, probability: 1, count: 1 },
  ]);
  return message;
}

/** Asserts the GraphQL answer carries `exception` in its table form. */
function expectMapped(
  body: GraphQLBody,
  field: string,
  exception: keyof typeof WORKDOCS_EXCEPTIONS,
  message: string,
  members: readonly string[],
): void {
  const row = WORKDOCS_EXCEPTIONS[exception];
  const typename = typenameOfCode(row.code);
  if (row.channel === 'data' && members.includes(typename)) {
    expect(body.errors, exception).toBeUndefined();
    const result = body.data?.[field] as Record<string, unknown>;
    expect(result.__typename, exception).toBe(typename);
    expect(result.code).toBe(row.code);
    expect(result.message).toBe(message);
    expect(result.requestId).toEqual(expect.any(String));
    if (row.code === 'ENTITY_NOT_EXISTS') expect(result.entityIds).toEqual([]);
    if (row.code === 'INVALID_ARGUMENT') expect(result.field).toBeNull();
  } else {
    expect(body.errors, exception).toHaveLength(1);
    const error = body.errors![0]!;
    expect(error.message).toBe(message);
    expect(error.path).toEqual([field]);
    expect(error.extensions).toMatchObject({
      code: row.code,
      requestId: expect.any(String) as unknown,
      httpStatus: httpStatusOf(exception),
      retryable: row.retryable,
    });
    expect(body.data).toBeNull();
  }
}

let drafts = 0;
async function uploadedDraft(): Promise<{ documentId: string; versionId: string }> {
  drafts += 1;
  const { body } = await stack.graphql(
    INITIATE,
    {
      input: {
        name: `walk-${String(drafts)}.txt`,
        contentType: 'text/plain',
        documentSizeInBytes: 2,
        parentFolderId: stack.local.demoRootFolderId,
      },
    },
    stack.local.demoToken,
  );
  expect(body.errors).toBeUndefined();
  const r = body.data?.initiateDocumentVersionUpload as {
    metadata: { id: string; latestVersionMetadata: { id: string } };
    uploadMetadata: { uploadUrl: string; signedHeaders: { name: string; value: string }[] };
  };
  const put = await putToUploadUrl(
    r.uploadMetadata.uploadUrl,
    r.uploadMetadata.signedHeaders,
    'hi',
  );
  expect(put.ok).toBe(true);
  return { documentId: r.metadata.id, versionId: r.metadata.latestVersionMetadata.id };
}

describe('InitiateDocumentVersionUpload: each of its 14 exceptions comes back with its own code', () => {
  const exceptions = exceptionsOf('InitiateDocumentVersionUpload');
  test('the model lists 14', () => {
    expect(exceptions).toHaveLength(14);
  });
  test.each(exceptions)('%s', async (exception) => {
    const message = await injectOnce('InitiateDocumentVersionUpload', exception);
    const { status, body } = await stack.graphql(
      INITIATE,
      { input: { name: 'x.txt', parentFolderId: stack.local.demoRootFolderId } },
      stack.local.demoToken,
    );
    expect(status).toBe(200);
    expectMapped(body, 'initiateDocumentVersionUpload', exception, message, INITIATE_ERROR_TYPES);
    // Writes are never retried after WorkDocs answered: exactly one call.
    expect((await stack.stats()).InitiateDocumentVersionUpload).toBe(1);
  });
});

describe('every row of the table (all 25 exceptions) comes back with its code', () => {
  test.each(Object.keys(WORKDOCS_EXCEPTIONS) as (keyof typeof WORKDOCS_EXCEPTIONS)[])(
    '%s',
    async (exception) => {
      const message = await injectOnce('InitiateDocumentVersionUpload', exception);
      const { body } = await stack.graphql(
        INITIATE,
        { input: { name: 'x.txt', parentFolderId: stack.local.demoRootFolderId } },
        stack.local.demoToken,
      );
      // Rows whose type is not a member of this union come back in `errors`, with their code.
      expectMapped(body, 'initiateDocumentVersionUpload', exception, message, INITIATE_ERROR_TYPES);
    },
  );
});

describe('completeDocumentVersionUpload maps every exception of UpdateDocumentVersion and GetDocument', () => {
  test.each(exceptionsOf('UpdateDocumentVersion'))(
    'UpdateDocumentVersion: %s',
    async (exception) => {
      const message = await injectOnce('UpdateDocumentVersion', exception);
      const { body } = await stack.graphql(
        COMPLETE,
        { documentId: 'doc-1', versionId: 'ver-1' },
        stack.local.demoToken,
      );
      expectMapped(body, 'completeDocumentVersionUpload', exception, message, COMPLETE_ERROR_TYPES);
    },
  );

  test.each(exceptionsOf('GetDocument'))(
    'GetDocument (after activation): %s',
    async (exception) => {
      const ids = await uploadedDraft();
      // Retryable exceptions of a read are retried by the gateway: make every attempt fail.
      const row = WORKDOCS_EXCEPTIONS[exception];
      const message = `Injected ${exception} for GetDocument (test)`;
      await stack.control('POST', '/_local/chaos/faults', [
        {
          operation: 'GetDocument',
          error: { code: exception, message },
          probability: 1,
          count: row.retryable ? 10 : 1,
        },
      ]);
      const { body } = await stack.graphql(COMPLETE, ids, stack.local.demoToken);
      expectMapped(body, 'completeDocumentVersionUpload', exception, message, COMPLETE_ERROR_TYPES);
    },
  );
});

describe('abortDocumentVersionUpload maps every exception of AbortDocumentVersionUpload', () => {
  test.each(exceptionsOf('AbortDocumentVersionUpload'))('%s', async (exception) => {
    const message = await injectOnce('AbortDocumentVersionUpload', exception);
    const { body } = await stack.graphql(
      ABORT,
      { documentId: 'doc-1', versionId: 'ver-1' },
      stack.local.demoToken,
    );
    expectMapped(body, 'abortDocumentVersionUpload', exception, message, ABORT_ERROR_TYPES);
  });
});

describe('retries', () => {
  test('a read (GetDocument) is retried after a retryable failure; the write before it is not', async () => {
    const ids = await uploadedDraft();
    await stack.control('DELETE', '/_local/stats');
    await injectOnce('GetDocument', 'ServiceUnavailableException');
    const { body } = await stack.graphql(COMPLETE, ids, stack.local.demoToken);
    expect(body.errors).toBeUndefined();
    expect(body.data?.completeDocumentVersionUpload).toMatchObject({
      __typename: 'CompleteDocumentVersionUploadPayload',
      document: { id: ids.documentId },
    });
    const stats = await stack.stats();
    expect(stats.UpdateDocumentVersion).toBe(1);
    expect(stats.GetDocument).toBe(2);
  });

  test('a write is not retried after a retryable failure', async () => {
    await injectOnce('InitiateDocumentVersionUpload', 'ServiceUnavailableException');
    const { body } = await stack.graphql(
      INITIATE,
      { input: { name: 'x.txt', parentFolderId: stack.local.demoRootFolderId } },
      stack.local.demoToken,
    );
    expect(body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect((await stack.stats()).InitiateDocumentVersionUpload).toBe(1);
  });
});
