/**
 * The per-request budget of WorkDocs calls and items read (`src/gateway/budget.ts`, enforced in
 * `WorkDocsCaller`): a request never makes more calls or reads more items than allowed, whatever
 * its shape; the calls over budget are not sent and fail with REQUEST_BUDGET_EXCEEDED.
 */
import { describe, expect, test } from 'vitest';
import { useStack } from '../helpers/stack.js';
import { createFolder, sdkClient, uploadDocument } from '../helpers/workdocs.js';

const BUDGET_ERROR = {
  code: 'REQUEST_BUDGET_EXCEEDED',
  httpStatus: 400,
  retryable: false,
  requestId: null,
};

describe('GATEWAY_MAX_UPSTREAM_CALLS', () => {
  const stack = useStack({ gateway: { maxUpstreamCalls: 3 } }, { resetChaosBeforeEach: true });

  test('the fourth call of a request is not sent: its field fails with REQUEST_BUDGET_EXCEEDED', async () => {
    const root = stack.local.demoRootFolderId;
    const res = await stack.graphql(
      `query ($root: ID!) {
        a: folder(id: $root) { id }
        b: me { id }
        c: rootFolders { id }
        d: document(id: "doc-that-is-never-asked-for") { id }
      }`,
      { root },
      stack.local.demoToken,
    );
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      a: { id: root },
      b: { id: expect.any(String) as unknown },
      c: [{ id: root }],
      d: null,
    });
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors?.[0]?.path).toEqual(['d']);
    expect(res.body.errors?.[0]?.extensions).toMatchObject(BUDGET_ERROR);
    expect(res.body.errors?.[0]?.message).toMatch(
      /^This request already made 3 WorkDocs calls \(GATEWAY_MAX_UPSTREAM_CALLS\); GetDocument was not sent\./,
    );
    expect(await stack.stats()).toEqual({
      GetFolder: 1,
      GetCurrentUser: 1,
      DescribeRootFolders: 1,
    });
  });

  test('versions { source } (one call per version) stops at the budget', async () => {
    const client = sdkClient(stack.local);
    const token = stack.local.demoToken;
    const folderId = await createFolder(client, token, stack.local.demoRootFolderId, 'calls');
    const { documentId } = await uploadDocument(client, token, {
      parentFolderId: folderId,
      name: 'v.txt',
      body: 'one',
    });
    for (const body of ['two', 'three', 'four']) {
      await uploadDocument(client, token, {
        documentId,
        parentFolderId: folderId,
        name: 'v.txt',
        body,
      });
    }
    await stack.resetChaos();
    const res = await stack.graphql(
      'query ($id: ID!) { document(id: $id) { versions { id source { original } } } }',
      { id: documentId },
      token,
    );
    // GetDocument, DescribeDocumentVersions, then one GetDocumentVersion per version: 1 of 4 fits.
    expect(res.body.errors?.map((e) => e.extensions?.code)).toEqual([
      'REQUEST_BUDGET_EXCEEDED',
      'REQUEST_BUDGET_EXCEEDED',
      'REQUEST_BUDGET_EXCEEDED',
    ]);
    expect(await stack.stats()).toEqual({
      GetDocument: 1,
      DescribeDocumentVersions: 1,
      GetDocumentVersion: 1,
    });
  });
});

describe('GATEWAY_MAX_ITEMS_READ', () => {
  const stack = useStack({ gateway: { maxItemsRead: 4 } }, { resetChaosBeforeEach: true });

  test('a listing that reads more items than allowed fails, and nothing after it is sent', async () => {
    const client = sdkClient(stack.local);
    const token = stack.local.demoToken;
    const folderId = await createFolder(client, token, stack.local.demoRootFolderId, 'items');
    for (let i = 0; i < 5; i++) {
      await uploadDocument(client, token, {
        parentFolderId: folderId,
        name: `${String(i)}.txt`,
        body: 'x',
      });
    }
    await stack.resetChaos();
    const res = await stack.graphql(
      `query ($id: ID!) { folder(id: $id) {
        contents(first: 10) { edges { node { ... on DocumentMetadata { id creator { id } } } } }
      } }`,
      { id: folderId },
      token,
    );
    expect(res.body.data).toEqual({ folder: null });
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors?.[0]?.path).toEqual(['folder', 'contents']);
    expect(res.body.errors?.[0]?.extensions).toMatchObject(BUDGET_ERROR);
    expect(res.body.errors?.[0]?.message).toMatch(
      /^This request already read more than 4 items \(GATEWAY_MAX_ITEMS_READ\); the answer of DescribeFolderContents is not used\./,
    );
    // The listing (5 items) was read (only `contents` is asked of the folder: no GetFolder);
    // no DescribeUsers for the creators.
    expect(await stack.stats()).toEqual({ DescribeFolderContents: 1 });
  });
});
