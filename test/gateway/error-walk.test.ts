/**
 * Walks the error table through the real stack: for every exception the model lists for the
 * operations behind the three upload mutations, WorkDocs Local's chaos API makes the operation
 * fail with it, the official SDK parses it, and the gateway must answer with its own code — as
 * the union member (data channel) or as a GraphQLError with requestId, httpStatus and retryable.
 */
import { buildASTSchema, isUnionType, parse } from 'graphql';
import { describe, expect, test } from 'vitest';
import { loadTypeDefs } from '../../src/gateway/schema.js';
import {
  exceptionsOf as modelExceptionsOf,
  httpStatusOf,
  workdocsModel,
} from '../helpers/model.js';
import { useStack, type GraphQLBody } from '../helpers/stack.js';
import { putToUploadUrl } from '../helpers/workdocs.js';

/**
 * The expectations, written here and not taken from the code under test: the code of an exception
 * is its name in UPPER_SNAKE without `Exception`; these (and only these) say a retry may succeed;
 * the HTTP status is the model's; a union member exists where the schema's union lists one.
 */
const RETRYABLE_EXCEPTIONS = new Set([
  'ConcurrentModificationException',
  'FailedDependencyException',
  'ServiceUnavailableException',
  'ConflictingOperationException',
]);
const ALL_EXCEPTIONS = [
  'EntityNotExistsException',
  'EntityAlreadyExistsException',
  'StorageLimitExceededException',
  'StorageLimitWillExceedException',
  'LimitExceededException',
  'ProhibitedStateException',
  'DraftUploadOutOfSyncException',
  'ResourceAlreadyCheckedOutException',
  'InvalidArgumentException',
  'ConcurrentModificationException',
  'InvalidOperationException',
  'UnauthorizedOperationException',
  'UnauthorizedResourceAccessException',
  'InvalidPasswordException',
  'FailedDependencyException',
  'ServiceUnavailableException',
  'ConflictingOperationException',
  'RequestedEntityTooLargeException',
  'CustomMetadataLimitExceededException',
  'DeactivatingLastSystemUserException',
  'DocumentLockedForCommentsException',
  'IllegalUserStateException',
  'InvalidCommentOperationException',
  'TooManyLabelsException',
  'TooManySubscriptionsException',
];
const codeOf = (exception: string): string =>
  exception
    .replace(/Exception$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase();
const memberOf = (exception: string): string => `${exception.replace(/Exception$/, '')}Error`;

/** The error members of a result union, as the schema declares them. */
function unionMembers(union: string): string[] {
  const sdl = loadTypeDefs()
    .replace(/extend schema[\s\S]*?\]\)/, '')
    .replace(/@key\(fields: "id"\)/g, '')
    .replace(/@shareable/g, '');
  const type = buildASTSchema(parse(sdl), { assumeValidSDL: true }).getType(union);
  if (!isUnionType(type)) throw new Error(`${union} is not a union`);
  return type
    .getTypes()
    .map((t) => t.name)
    .filter((name) => !name.endsWith('Payload'));
}
const INITIATE_ERROR_TYPES = unionMembers('InitiateDocumentVersionUploadResult');
const COMPLETE_ERROR_TYPES = unionMembers('CompleteDocumentVersionUploadResult');
const ABORT_ERROR_TYPES = unionMembers('AbortDocumentVersionUploadResult');

function exceptionsOf(operation: string): string[] {
  return modelExceptionsOf(operation);
}
const exceptionsOfModel = (): string[] =>
  Object.keys(workdocsModel.shapes).filter((k) => k.endsWith('Exception'));

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
    ... on CompleteDocumentVersionUploadPayload { documentId versionId document { id } }
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

/** Asserts the GraphQL answer carries `exception` in its expected form. */
function expectMapped(
  body: GraphQLBody,
  field: string,
  exception: string,
  message: string,
  members: readonly string[],
): void {
  const code = codeOf(exception);
  const typename = memberOf(exception);
  if (members.includes(typename)) {
    expect(body.errors, exception).toBeUndefined();
    const result = body.data?.[field] as Record<string, unknown>;
    expect(result.__typename, exception).toBe(typename);
    expect(result.code).toBe(code);
    expect(result.message).toBe(message);
    expect(result.requestId).toEqual(expect.any(String));
    if (code === 'ENTITY_NOT_EXISTS') expect(result.entityIds).toEqual([]);
    if (code === 'INVALID_ARGUMENT') expect(result.field).toBeNull();
  } else {
    expect(body.errors, exception).toHaveLength(1);
    const error = body.errors![0]!;
    expect(error.message).toBe(message);
    expect(error.path).toEqual([field]);
    expect(error.extensions).toEqual({
      code,
      requestId: expect.any(String) as unknown,
      httpStatus: httpStatusOf(exception),
      retryable: RETRYABLE_EXCEPTIONS.has(exception),
      exception,
      gatewayRequestId: expect.any(String) as unknown,
      stacktrace: expect.any(Array) as unknown,
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
  test('the model has exactly these 25 exceptions', () => {
    expect(exceptionsOfModel().sort()).toEqual([...ALL_EXCEPTIONS].sort());
  });
  test.each(ALL_EXCEPTIONS)('%s', async (exception) => {
    const message = await injectOnce('InitiateDocumentVersionUpload', exception);
    const { body } = await stack.graphql(
      INITIATE,
      { input: { name: 'x.txt', parentFolderId: stack.local.demoRootFolderId } },
      stack.local.demoToken,
    );
    // Rows whose type is not a member of this union come back in `errors`, with their code.
    expectMapped(body, 'initiateDocumentVersionUpload', exception, message, INITIATE_ERROR_TYPES);
  });
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
    'GetDocument (after activation): %s — the payload comes back, `document` fails at its own path',
    async (exception) => {
      const ids = await uploadedDraft();
      // Retryable exceptions of a read are retried by the gateway: make every attempt fail.
      const message = `Injected ${exception} for GetDocument (test)`;
      await stack.control('POST', '/_local/chaos/faults', [
        {
          operation: 'GetDocument',
          error: { code: exception, message },
          probability: 1,
          count: RETRYABLE_EXCEPTIONS.has(exception) ? 10 : 1,
        },
      ]);
      const { body } = await stack.graphql(COMPLETE, ids, stack.local.demoToken);
      expect(body.data).toEqual({
        completeDocumentVersionUpload: {
          __typename: 'CompleteDocumentVersionUploadPayload',
          documentId: ids.documentId,
          versionId: ids.versionId,
          document: null,
        },
      });
      expect(body.errors).toHaveLength(1);
      expect(body.errors?.[0]?.message).toBe(message);
      expect(body.errors?.[0]?.path).toEqual(['completeDocumentVersionUpload', 'document']);
      expect(body.errors?.[0]?.extensions).toMatchObject({
        code: codeOf(exception),
        httpStatus: httpStatusOf(exception),
        retryable: RETRYABLE_EXCEPTIONS.has(exception),
        exception,
      });
      // The activation took effect: a second completion is refused as PROHIBITED_STATE.
      const again = await stack.graphql(COMPLETE, ids, stack.local.demoToken);
      expect(again.body.data?.completeDocumentVersionUpload).toMatchObject({
        __typename: 'ProhibitedStateError',
      });
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
