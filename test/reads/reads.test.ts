/**
 * The reads a UI needs, over real HTTP: gateway → official SDK → WorkDocs Local.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkDocsClient } from '@aws-sdk/client-workdocs';
import { startStack, type GraphQLBody, type Stack } from '../helpers/stack.js';
import {
  createFolder,
  sdkClient,
  uploadDocument,
  type UploadedDocument,
} from '../helpers/workdocs.js';

let stack: Stack;
let client: WorkDocsClient;
let token: string;
let folderId: string;
let doc: UploadedDocument;
let v2: UploadedDocument;
const v1Bytes = Buffer.from('first version\n');
const v2Bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 251)); // binary

/** `data` of a response that must have no errors. */
function ok(body: GraphQLBody): Record<string, unknown> {
  expect(body.errors).toBeUndefined();
  expect(body.data).toBeTruthy();
  return body.data!;
}

function codes(body: GraphQLBody): unknown[] {
  return (body.errors ?? []).map((e) => e.extensions?.code);
}

beforeAll(async () => {
  stack = await startStack();
  client = sdkClient(stack.local);
  token = stack.local.demoToken;
  folderId = await createFolder(client, token, stack.local.demoRootFolderId, 'Reports');
  doc = await uploadDocument(client, token, {
    parentFolderId: folderId,
    name: 'report.txt',
    body: v1Bytes,
    contentType: 'text/plain',
  });
  v2 = await uploadDocument(client, token, {
    parentFolderId: folderId,
    documentId: doc.documentId,
    name: 'report.bin',
    body: v2Bytes,
    contentType: 'application/octet-stream',
  });
});

afterAll(async () => {
  client.destroy();
  await stack.close();
});

describe('document(id)', () => {
  it('returns the document with its creator, parent folder, latest version and all versions', async () => {
    const { body } = await stack.graphql(
      `query ($id: ID!) {
        document(id: $id) {
          id creatorId parentFolderId resourceState labels
          creator { id username givenName surname rootFolderId }
          parentFolder { id name parentFolderId parentFolder { id } }
          latestVersionMetadata { id name contentType size status creator { id } }
          versions { id name size status creatorId }
        }
      }`,
      { id: doc.documentId },
      token,
    );
    const d = ok(body).document as Record<string, unknown>;
    expect(d).toMatchObject({
      id: doc.documentId,
      creatorId: stack.local.demoUserId,
      parentFolderId: folderId,
      resourceState: 'ACTIVE',
      labels: [],
      creator: {
        id: stack.local.demoUserId,
        username: 'demo',
        rootFolderId: stack.local.demoRootFolderId,
      },
      parentFolder: {
        id: folderId,
        name: 'Reports',
        parentFolderId: stack.local.demoRootFolderId,
        parentFolder: { id: stack.local.demoRootFolderId },
      },
      latestVersionMetadata: {
        id: v2.versionId,
        name: 'report.bin',
        size: v2Bytes.length,
        status: 'ACTIVE',
        creator: { id: stack.local.demoUserId },
      },
    });
    const versions = d.versions as { id: string; size: number }[];
    expect(versions.map((v) => v.id).sort()).toEqual([doc.versionId, v2.versionId].sort());
    expect(versions.find((v) => v.id === doc.versionId)?.size).toBe(v1Bytes.length);
  });

  it('a document that does not exist is null with ENTITY_NOT_EXISTS in errors', async () => {
    const { status, body } = await stack.graphql(
      '{ document(id: "no-such-document") { id } }',
      {},
      token,
    );
    expect(status).toBe(200);
    expect(body.data).toEqual({ document: null });
    expect(codes(body)).toEqual(['ENTITY_NOT_EXISTS']);
    expect(body.errors?.[0]?.path).toEqual(['document']);
  });

  it('an id that breaks the model is INVALID_ARGUMENT before any call', async () => {
    await stack.resetChaos();
    const { body } = await stack.graphql('{ document(id: "bad/id") { id } }', {}, token);
    expect(body.data).toEqual({ document: null });
    expect(codes(body)).toEqual(['INVALID_ARGUMENT']);
    expect((await stack.stats()).GetDocument ?? 0).toBe(0);
  });
});

describe('upstream failures of a relation', () => {
  it('a failing DescribeUsers nulls only `creator`, with the table code and path', async () => {
    await stack.resetChaos();
    await stack.control('POST', '/_local/chaos/faults', [
      { operation: 'DescribeUsers', error: { code: 'ServiceUnavailableException' } },
    ]);
    try {
      const { status, body } = await stack.graphql(
        'query ($id: ID!) { document(id: $id) { id creator { id } } }',
        { id: doc.documentId },
        token,
      );
      expect(status).toBe(200);
      expect(body.data).toEqual({ document: { id: doc.documentId, creator: null } });
      expect(body.errors).toHaveLength(1);
      expect(body.errors?.[0]).toMatchObject({
        path: ['document', 'creator'],
        extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true },
      });
    } finally {
      await stack.resetChaos();
    }
  });
});

describe('documentVersion(documentId, versionId)', () => {
  it('source.original is a signed URL that downloads exactly the uploaded bytes', async () => {
    const { body } = await stack.graphql(
      `query ($d: ID!, $v: ID!) {
        documentVersion(documentId: $d, versionId: $v) {
          id name contentType size status creator { username } source { original }
        }
      }`,
      { d: doc.documentId, v: v2.versionId },
      token,
    );
    const v = ok(body).documentVersion as {
      name: string;
      size: number;
      source: { original: string | null };
      creator: { username: string };
    };
    expect(v).toMatchObject({ name: 'report.bin', size: v2Bytes.length, status: 'ACTIVE' });
    expect(v.creator.username).toBe('demo');
    expect(v.source.original).toMatch(/^http/);
    const res = await fetch(v.source.original!);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(v2Bytes)).toBe(true);
  });

  it('asks WorkDocs for the source only when `source` is selected, in one call', async () => {
    await stack.resetChaos();
    const { body } = await stack.graphql(
      `query ($d: ID!, $v: ID!) {
        documentVersion(documentId: $d, versionId: $v) { ...V }
      }
      fragment V on DocumentVersionMetadata { id source { original } }`,
      { d: doc.documentId, v: doc.versionId },
      token,
    );
    const v = ok(body).documentVersion as { source: { original: string } };
    const res = await fetch(v.source.original);
    expect(Buffer.from(await res.arrayBuffer()).equals(v1Bytes)).toBe(true);
    expect((await stack.stats()).GetDocumentVersion).toBe(1);
  });

  it('a version that does not exist is null with ENTITY_NOT_EXISTS', async () => {
    const { body } = await stack.graphql(
      `query ($d: ID!) { documentVersion(documentId: $d, versionId: "nope") { id } }`,
      { d: doc.documentId },
      token,
    );
    expect(body.data).toEqual({ documentVersion: null });
    expect(codes(body)).toEqual(['ENTITY_NOT_EXISTS']);
  });
});

describe('folder(id) and contents', () => {
  let pagingFolder: string;
  const subfolders = ['a-sub', 'b-sub', 'c-sub'];
  const docs = ['d1.txt', 'd2.txt', 'd3.txt', 'd4.txt', 'd5.txt'];

  beforeAll(async () => {
    pagingFolder = await createFolder(client, token, folderId, 'Paging');
    for (const name of subfolders) await createFolder(client, token, pagingFolder, name);
    for (const name of docs) {
      await uploadDocument(client, token, {
        parentFolderId: pagingFolder,
        name,
        body: Buffer.from(name),
        contentType: 'text/plain',
      });
    }
  });

  const CONTENTS = `query ($id: ID!, $first: Int, $after: String) {
    folder(id: $id) {
      id name
      contents(first: $first, after: $after) {
        edges {
          cursor
          node {
            __typename
            ... on FolderMetadata { id name }
            ... on DocumentMetadata { id latestVersionMetadata { name } creator { username } }
          }
        }
        pageInfo { hasNextPage endCursor }
      }
    }
  }`;

  interface Page {
    edges: {
      cursor: string;
      node: { __typename: string; name?: string; latestVersionMetadata?: { name: string } };
    }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  }

  const names = (p: Page): string[] =>
    p.edges.map((e) => e.node.name ?? e.node.latestVersionMetadata?.name ?? '?');

  async function page(first: number, after?: string | null): Promise<Page> {
    const { body } = await stack.graphql(CONTENTS, { id: pagingFolder, first, after }, token);
    return (ok(body).folder as { contents: Page }).contents;
  }

  it('pages through folders then documents with `first` and `endCursor`, one call per page', async () => {
    await stack.resetChaos();
    const p1 = await page(3);
    const p2 = await page(3, p1.pageInfo.endCursor);
    const p3 = await page(3, p2.pageInfo.endCursor);
    expect(names(p1)).toEqual(subfolders);
    expect(p1.edges.map((e) => e.node.__typename)).toEqual(Array(3).fill('FolderMetadata'));
    expect(names(p2)).toEqual(['d1.txt', 'd2.txt', 'd3.txt']);
    expect(p2.edges.map((e) => e.node.__typename)).toEqual(Array(3).fill('DocumentMetadata'));
    expect(names(p3)).toEqual(['d4.txt', 'd5.txt']);
    expect([p1, p2, p3].map((p) => p.pageInfo.hasNextPage)).toEqual([true, true, false]);
    const stats = await stack.stats();
    expect(stats.DescribeFolderContents).toBe(3);
    expect(stats.GetDocument ?? 0).toBe(0);
  });

  it('every edge cursor continues right after its item', async () => {
    const p1 = await page(4);
    const fromSecond = await page(3, p1.edges[1]!.cursor);
    expect(names(fromSecond)).toEqual(['c-sub', 'd1.txt', 'd2.txt']);
    const all = await page(999);
    expect(names(all)).toEqual([...subfolders, ...docs]);
    expect(all.pageInfo.hasNextPage).toBe(false);
    const afterLast = await page(5, all.pageInfo.endCursor);
    expect(afterLast.edges).toEqual([]);
    expect(afterLast.pageInfo.hasNextPage).toBe(false);
  });

  it('filters by type', async () => {
    const { body } = await stack.graphql(
      `query ($id: ID!) { folder(id: $id) { contents(type: FOLDER) { edges { node { __typename } } } } }`,
      { id: pagingFolder },
      token,
    );
    const edges = (ok(body).folder as { contents: Page }).contents.edges;
    expect(edges.map((e) => e.node.__typename)).toEqual(Array(3).fill('FolderMetadata'));
  });

  it('sorts and orders as asked', async () => {
    const { body } = await stack.graphql(
      `query ($id: ID!) {
        folder(id: $id) {
          contents(type: DOCUMENT, sort: NAME, order: DESCENDING, first: 2) {
            edges { node { ... on DocumentMetadata { latestVersionMetadata { name } } } }
            pageInfo { hasNextPage }
          }
        }
      }`,
      { id: pagingFolder },
      token,
    );
    const contents = (ok(body).folder as { contents: Page }).contents;
    expect(names(contents)).toEqual(['d5.txt', 'd4.txt']);
    expect(contents.pageInfo.hasNextPage).toBe(true);
  });

  it.each([
    ['a malformed cursor', { first: 2, after: 'definitely-not-a-cursor' }],
    ['first: 0', { first: 0 }],
    ['first: 1000', { first: 1000 }],
  ])('%s is a clear INVALID_ARGUMENT error, not a crash', async (_why, vars) => {
    const { status, body } = await stack.graphql(CONTENTS, { id: pagingFolder, ...vars }, token);
    expect(status).toBe(200);
    expect(body.data).toEqual({ folder: null });
    expect(codes(body)).toEqual(['INVALID_ARGUMENT']);
    expect(body.errors?.[0]?.message).toMatch(/after|first/);
  });

  it('a cursor of another folder is refused', async () => {
    const p1 = await page(1);
    const { body } = await stack.graphql(
      CONTENTS,
      { id: folderId, first: 1, after: p1.pageInfo.endCursor },
      token,
    );
    expect(codes(body)).toEqual(['INVALID_ARGUMENT']);
  });

  it('a folder that does not exist is null with ENTITY_NOT_EXISTS', async () => {
    const { body } = await stack.graphql('{ folder(id: "no-such-folder") { id } }', {}, token);
    expect(body.data).toEqual({ folder: null });
    expect(codes(body)).toEqual(['ENTITY_NOT_EXISTS']);
  });

  it('a folder that does not exist is null with ENTITY_NOT_EXISTS also when only its contents are asked (no GetFolder then)', async () => {
    await stack.resetChaos();
    const { body } = await stack.graphql(
      '{ folder(id: "no-such-folder") { __typename contents(first: 5) { edges { cursor } } } }',
      {},
      token,
    );
    expect(body.data).toEqual({ folder: null });
    expect(codes(body)).toEqual(['ENTITY_NOT_EXISTS']);
    expect(body.errors?.[0]?.path).toEqual(['folder', 'contents']);
    expect(await stack.stats()).toEqual({ DescribeFolderContents: 1 });
    // With a directive on `contents`, the folder itself is fetched first.
    await stack.resetChaos();
    const skipped = await stack.graphql(
      '{ folder(id: "no-such-folder") { contents(first: 5) @skip(if: true) { edges { cursor } } } }',
      {},
      token,
    );
    expect(skipped.body.data).toEqual({ folder: null });
    expect(codes(skipped.body)).toEqual(['ENTITY_NOT_EXISTS']);
    expect(await stack.stats()).toEqual({ GetFolder: 1 });
  });
});

describe('rootFolders, me, users', () => {
  it('rootFolders lists the caller root folder', async () => {
    const { body } = await stack.graphql('{ rootFolders { id parentFolder { id } } }', {}, token);
    expect(ok(body).rootFolders).toEqual([
      { id: stack.local.demoRootFolderId, parentFolder: null },
    ]);
  });

  it('me is the caller, with storage', async () => {
    const { body } = await stack.graphql(
      '{ me { id username emailAddress status type rootFolderId storage { storageType storageUtilizedInBytes } } }',
      {},
      token,
    );
    expect(ok(body).me).toMatchObject({
      id: stack.local.demoUserId,
      username: 'demo',
      rootFolderId: stack.local.demoRootFolderId,
      status: 'ACTIVE',
    });
  });

  it('me and rootFolders without a token are UNAUTHENTICATED', async () => {
    const { body } = await stack.graphql('{ me { id } }');
    expect(body.data).toBeNull();
    expect(codes(body)).toEqual(['UNAUTHENTICATED']);
  });

  it('users(ids) answers in the order asked, null for an unknown id', async () => {
    const { body } = await stack.graphql(
      'query ($ids: [ID!]!) { users(ids: $ids) { id username } }',
      { ids: ['no-such-user', stack.local.demoUserId] },
      token,
    );
    expect(ok(body).users).toEqual([null, { id: stack.local.demoUserId, username: 'demo' }]);
  });

  it('users(ids) refuses more than 100 ids', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => `u${String(i)}`);
    const { body } = await stack.graphql(
      'query ($ids: [ID!]!) { users(ids: $ids) { id } }',
      { ids },
      token,
    );
    expect(codes(body)).toEqual(['INVALID_ARGUMENT']);
  });
});
