/**
 * `uploadDocument` in Node (where there is no XMLHttpRequest, so the PUT goes through `fetch`)
 * against the real stack: WorkDocs Local and the gateway over HTTP. The XHR path (progress events)
 * is tested in Chromium by `upload-document.browser.test.ts`.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useStack } from '../../../test/helpers/stack.js';
import { createGatewayClient, type GatewayClient } from '../src/client.js';
import { uploadDocument, type UploadProgress, type UploadResult } from '../src/upload-document.js';

const stack = useStack({}, { resetChaosBeforeEach: true });
let client: GatewayClient;
let folderId: string;

beforeAll(() => {
  client = createGatewayClient({ url: stack.gatewayUrl, token: stack.local.demoToken });
  folderId = stack.local.demoRootFolderId;
});

function file(name: string, text: string, type = 'text/plain'): File {
  return new File([text], name, { type, lastModified: Date.UTC(2026, 0, 2, 3, 4, 5) });
}

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function expectOk(result: UploadResult): Extract<UploadResult, { ok: true }>['document'] {
  if (!result.ok) throw new Error(`upload failed: ${JSON.stringify(result.error)}`);
  return result.document;
}

async function documentExists(id: string): Promise<boolean> {
  const { body } = await stack.graphql(
    'query($id: ID!) { document(id: $id) { id } }',
    { id },
    stack.local.demoToken,
  );
  if (body.data?.document != null) return true;
  expect(body.errors?.[0]?.extensions?.code).toBe('ENTITY_NOT_EXISTS');
  return false;
}

describe('uploadDocument (fetch, against the real stack)', () => {
  it('initiates, PUTs with the signed headers and activates: the document is ACTIVE with these bytes', async () => {
    const progress: UploadProgress[] = [];
    const text = 'Hello from uploadDocument';
    const doc = expectOk(
      await uploadDocument(file('hello.txt', text), {
        client,
        folderId,
        onProgress: (p) => progress.push(p),
      }),
    );
    expect(doc.latestVersionMetadata).toMatchObject({
      name: 'hello.txt',
      size: text.length,
      status: 'ACTIVE',
      contentType: 'text/plain',
    });
    expect(doc.creator?.username).toBe('demo');
    expect(doc.versions).toHaveLength(1);
    expect(progress).toEqual([
      { loaded: 0, total: text.length },
      { loaded: text.length, total: text.length },
    ]);
    const res = await fetch(doc.latestVersionMetadata!.source!.original!);
    expect(sha256(new Uint8Array(await res.arrayBuffer()))).toBe(sha256(text));
  });

  it('a file without a type is sent as application/octet-stream', async () => {
    const doc = expectOk(
      await uploadDocument(new File([new Uint8Array([0, 1, 2, 255])], 'raw.bin'), {
        client,
        folderId,
      }),
    );
    expect(doc.latestVersionMetadata).toMatchObject({
      contentType: 'application/octet-stream',
      size: 4,
    });
  });

  it('with documentId, uploads and activates a new version of that document', async () => {
    const first = expectOk(await uploadDocument(file('v.txt', 'one'), { client, folderId }));
    const second = expectOk(
      await uploadDocument(file('v.txt', 'version two'), { client, documentId: first.id }),
    );
    expect(second.id).toBe(first.id);
    expect(second.versions).toHaveLength(2);
    expect(second.latestVersionMetadata?.size).toBe('version two'.length);
  });

  it('a name already taken is the typed EntityAlreadyExistsError of the initiate step', async () => {
    expectOk(await uploadDocument(file('taken.txt', 'a'), { client, folderId }));
    const result = await uploadDocument(file('taken.txt', 'b'), { client, folderId });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({
      kind: 'user-error',
      step: 'initiate',
      error: { __typename: 'EntityAlreadyExistsError', code: 'ENTITY_ALREADY_EXISTS' },
    });
  });

  it('an unknown folder is EntityNotExistsError naming it', async () => {
    const result = await uploadDocument(file('x.txt', 'x'), { client, folderId: 'no-such-folder' });
    expect(result).toMatchObject({
      ok: false,
      error: {
        kind: 'user-error',
        error: { __typename: 'EntityNotExistsError', entityIds: ['no-such-folder'] },
      },
    });
  });

  it('aborting while the bytes are sent aborts the PUT and removes the draft', async () => {
    const controller = new AbortController();
    let documentId = '';
    const result = await uploadDocument(file('cancelled.txt', 'x'.repeat(100_000)), {
      client,
      folderId,
      signal: controller.signal,
      onInitiated: (ids) => {
        documentId = ids.documentId;
      },
      onProgress: ({ loaded }) => {
        if (loaded === 0) controller.abort();
      },
    });
    expect(result).toEqual({
      ok: false,
      error: { kind: 'aborted', step: 'upload', draftRemoved: true, documentId },
      documentId,
    });
    expect(await documentExists(documentId)).toBe(false);
    expect((await stack.stats()).AbortDocumentVersionUpload).toBe(1);
    expect((await stack.stats()).UpdateDocumentVersion).toBeUndefined();
  });

  it('aborting a new version removes only that version', async () => {
    const doc = expectOk(await uploadDocument(file('keep.txt', 'kept'), { client, folderId }));
    const controller = new AbortController();
    const result = await uploadDocument(file('keep.txt', 'not kept'), {
      client,
      documentId: doc.id,
      signal: controller.signal,
      onInitiated: () => {
        controller.abort();
      },
    });
    expect(result).toMatchObject({ ok: false, error: { kind: 'aborted', draftRemoved: true } });
    const { body } = await stack.graphql(
      'query($id: ID!) { document(id: $id) { versions { id } latestVersionMetadata { size } } }',
      { id: doc.id },
      stack.local.demoToken,
    );
    expect(body.data?.document).toEqual({
      versions: [{ id: doc.latestVersionMetadata!.id }],
      latestVersionMetadata: { size: 4 },
    });
  });

  it('an already aborted signal makes no call at all', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await uploadDocument(file('never.txt', 'x'), {
      client,
      folderId,
      signal: controller.signal,
    });
    expect(result).toMatchObject({ ok: false, error: { kind: 'aborted', step: 'initiate' } });
    expect(await stack.stats()).toEqual({});
  });

  it('a PUT WorkDocs refuses is upload-failed with its status, code and request id', async () => {
    // Someone else aborts the draft between initiate and the PUT: WorkDocs answers 404 NoSuchUpload.
    const result = await uploadDocument(file('gone.txt', 'x'), {
      client,
      folderId,
      onInitiated: async ({ documentId, versionId }) => {
        await stack.graphql(
          'mutation($d: ID!, $v: ID!) { abortDocumentVersionUpload(documentId: $d, versionId: $v) { __typename } }',
          { d: documentId, v: versionId },
          stack.local.demoToken,
        );
      },
    });
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'upload-failed', step: 'upload', status: 404, code: 'NoSuchUpload' },
    });
    if (result.ok || result.error.kind !== 'upload-failed') return;
    expect(result.error.requestId).toMatch(/\S/);
    expect((await stack.stats()).UpdateDocumentVersion).toBeUndefined();
  });

  it('a malformed token is a gateway failure of kind sign-in (UNAUTHENTICATED), nothing sent upstream', async () => {
    const bad = createGatewayClient({ url: stack.gatewayUrl, token: '' });
    const result = await uploadDocument(file('t.txt', 't'), { client: bad, folderId });
    expect(result).toMatchObject({
      ok: false,
      error: {
        kind: 'gateway',
        step: 'initiate',
        failure: { kind: 'sign-in', code: 'UNAUTHENTICATED', httpStatus: 401, retryable: false },
      },
    });
    expect(await stack.stats()).toEqual({});
  });

  it('WorkDocs unavailable is a gateway failure of kind unreachable with WorkDocs’ request id', async () => {
    await stack.control('POST', '/_local/chaos/faults', [
      {
        operation: 'InitiateDocumentVersionUpload',
        error: { code: 'ServiceUnavailableException' },
      },
    ]);
    const result = await uploadDocument(file('u.txt', 'u'), { client, folderId });
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'gateway', failure: { kind: 'unreachable', code: 'SERVICE_UNAVAILABLE' } },
    });
    if (result.ok || result.error.kind !== 'gateway') return;
    expect(result.error.failure.workdocsRequestId).toMatch(/\S/);
  });

  it('activated but not read back by complete: the document is read again, not completed twice', async () => {
    // The gateway's read after the activation fails once (an error at `document`, partial data).
    await stack.control('POST', '/_local/chaos/faults', [
      { operation: 'GetDocument', error: { code: 'EntityNotExistsException' }, count: 1 },
    ]);
    const doc = expectOk(await uploadDocument(file('read-again.txt', 'abc'), { client, folderId }));
    expect(doc.latestVersionMetadata).toMatchObject({ name: 'read-again.txt', status: 'ACTIVE' });
    const stats = await stack.stats();
    expect(stats.UpdateDocumentVersion).toBe(1);
    expect(stats.GetDocument).toBe(2);
  });

  it('activated but not readable at all: step read, the upload counted as done', async () => {
    await stack.control('POST', '/_local/chaos/faults', [
      { operation: 'GetDocument', error: { code: 'EntityNotExistsException' }, count: 2 },
    ]);
    const result = await uploadDocument(file('unread.txt', 'abc'), { client, folderId });
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'gateway', step: 'read', failure: { code: 'ENTITY_NOT_EXISTS' } },
    });
    expect((await stack.stats()).UpdateDocumentVersion).toBe(1);
    if (result.ok) return;
    expect(await documentExists(result.documentId!)).toBe(true);
  });

  it('a gateway that cannot be reached is a failure of kind gateway-unreachable', async () => {
    const nowhere = createGatewayClient({ url: 'http://127.0.0.1:1/graphql', token: 't' });
    const result = await uploadDocument(file('n.txt', 'n'), { client: nowhere, folderId });
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'gateway', failure: { kind: 'gateway-unreachable', httpStatus: null } },
    });
  });
});
