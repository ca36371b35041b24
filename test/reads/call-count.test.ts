/**
 * DataLoader batching, measured where it matters: the number of WorkDocs calls, counted by
 * WorkDocs Local (`GET /_local/stats`, reset with `DELETE`) behind the real gateway and SDK.
 *
 * The 10 users are created with SDK `CreateUser` (administrator credentials) and upload into their
 * own root folders with their own tokens. WorkDocs Local lets a user read only what they own, so
 * the cross-user `_entities` request runs as a router would without a user token: the gateway is
 * started with WORKDOCS_ALLOW_SERVICE_CREDENTIALS=true (administrator credentials, full access).
 */
import type { WorkDocsClient } from '@aws-sdk/client-workdocs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type GraphQLBody, type Stack } from '../helpers/stack.js';
import {
  createFolder,
  createUser,
  sdkClient,
  uploadDocument,
  type TestUser,
} from '../helpers/workdocs.js';

let stack: Stack;
let client: WorkDocsClient;
const users: TestUser[] = [];
/** 50 documents: 5 per user, each in its creator's root folder. */
const documents: { id: string; creator: TestUser; name: string }[] = [];
/** A folder of the demo user holding 50 documents. */
let bigFolderId: string;

function ok(body: GraphQLBody): Record<string, unknown> {
  expect(body.errors).toBeUndefined();
  return body.data!;
}

beforeAll(async () => {
  stack = await startStack({ gateway: { allowServiceCredentials: true } });
  client = sdkClient(stack.local);
  for (let u = 0; u < 10; u++)
    users.push(await createUser(client, stack.local, `user${String(u)}`));
  await Promise.all(
    users.map(async (user) => {
      for (let i = 0; i < 5; i++) {
        const name = `${user.username}-doc${String(i)}.txt`;
        const { documentId } = await uploadDocument(client, user.token, {
          parentFolderId: user.rootFolderId,
          name,
          body: Buffer.from(name),
          contentType: 'text/plain',
        });
        documents.push({ id: documentId, creator: user, name });
      }
    }),
  );
  const demo = stack.local.demoToken;
  bigFolderId = await createFolder(client, demo, stack.local.demoRootFolderId, 'Fifty');
  for (let i = 0; i < 50; i += 10) {
    await Promise.all(
      Array.from({ length: 10 }, (_, j) => {
        const name = `file-${String(i + j).padStart(2, '0')}.txt`;
        return uploadDocument(client, demo, {
          parentFolderId: bigFolderId,
          name,
          body: Buffer.from(name),
          contentType: 'text/plain',
        });
      }),
    );
  }
}, 120_000);

afterAll(async () => {
  client.destroy();
  await stack.close();
});

const ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on DocumentMetadata { id latestVersionMetadata { name } creator { id username } }
  }
}`;

describe('call counts (GET /_local/stats)', () => {
  it('_entities for 50 documents of 10 creators: exactly 50 GetDocument and 1 DescribeUsers', async () => {
    expect(documents).toHaveLength(50);
    expect(new Set(documents.map((d) => d.creator.userId)).size).toBe(10);
    await stack.resetChaos();
    const { body } = await stack.graphql(ENTITIES, {
      representations: documents.map((d) => ({ __typename: 'DocumentMetadata', id: d.id })),
    });
    const entities = ok(body)._entities as {
      id: string;
      latestVersionMetadata: { name: string };
      creator: { id: string; username: string };
    }[];
    expect(entities).toHaveLength(50);
    entities.forEach((e, i) => {
      const d = documents[i]!;
      expect(e).toEqual({
        id: d.id,
        latestVersionMetadata: { name: d.name },
        creator: { id: d.creator.userId, username: d.creator.username },
      });
    });
    expect(await stack.stats()).toEqual({ GetDocument: 50, DescribeUsers: 1 });
  });

  it('listing a folder of 50 documents with their creators: one DescribeFolderContents per page, no GetFolder, no GetDocument', async () => {
    const QUERY = `query ($id: ID!, $first: Int, $after: String) {
      folder(id: $id) {
        contents(first: $first, after: $after) {
          edges { node { ... on DocumentMetadata { id creator { username } } } }
          pageInfo { hasNextPage endCursor }
        }
      }
    }`;
    interface Contents {
      edges: { node: { id: string; creator: { username: string } } }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    }
    const token = stack.local.demoToken;

    // One page of 50.
    await stack.resetChaos();
    let res = await stack.graphql(QUERY, { id: bigFolderId, first: 50 }, token);
    let contents = (ok(res.body).folder as { contents: Contents }).contents;
    expect(contents.edges).toHaveLength(50);
    expect(contents.edges.every((e) => e.node.creator.username === 'demo')).toBe(true);
    // Only `contents` is asked of the folder: DescribeFolderContents answers it without GetFolder.
    expect(await stack.stats()).toEqual({
      DescribeFolderContents: 1,
      DescribeUsers: 1,
    });

    // Three pages of 20, 20, 10: one DescribeFolderContents (and one DescribeUsers) per page.
    await stack.resetChaos();
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      res = await stack.graphql(QUERY, { id: bigFolderId, first: 20, after }, token);
      contents = (ok(res.body).folder as { contents: Contents }).contents;
      seen.push(...contents.edges.map((e) => e.node.id));
      after = contents.pageInfo.hasNextPage ? contents.pageInfo.endCursor : null;
      pages++;
    } while (after !== null);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(50);
    const stats = await stack.stats();
    expect(stats.DescribeFolderContents).toBe(3);
    expect(stats.GetDocument ?? 0).toBe(0);
    expect(stats.DescribeUsers).toBe(3);
  });

  it('the same document twice in one request: one GetDocument', async () => {
    const d = documents[0]!;
    await stack.resetChaos();
    const { body } = await stack.graphql(
      `query ($id: ID!) {
        a: document(id: $id) { id creator { username } }
        b: document(id: $id) { id latestVersionMetadata { name } }
      }`,
      { id: d.id },
      d.creator.token,
    );
    expect(ok(body)).toEqual({
      a: { id: d.id, creator: { username: d.creator.username } },
      b: { id: d.id, latestVersionMetadata: { name: d.name } },
    });
    expect(await stack.stats()).toEqual({ GetDocument: 1, DescribeUsers: 1 });

    // …and in `_entities` too.
    await stack.resetChaos();
    const rep = { __typename: 'DocumentMetadata', id: d.id };
    const again = await stack.graphql(ENTITIES, { representations: [rep, rep, rep] });
    expect(ok(again.body)._entities).toHaveLength(3);
    expect((await stack.stats()).GetDocument).toBe(1);
  });

  it('loaders are per request and per user: nothing is cached across requests or tokens', async () => {
    const [alice, bob] = [users[0]!, users[1]!];
    const aliceDoc = documents.find((d) => d.creator === alice)!;
    const q = 'query ($id: ID!) { document(id: $id) { id } }';
    await stack.resetChaos();
    expect(ok((await stack.graphql(q, { id: aliceDoc.id }, alice.token)).body).document).toEqual({
      id: aliceDoc.id,
    });
    // Bob may not read Alice's document, even right after Alice's request loaded it.
    const asBob = await stack.graphql(q, { id: aliceDoc.id }, bob.token);
    expect(asBob.body.data).toEqual({ document: null });
    expect(asBob.body.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_OPERATION');
    await stack.graphql(q, { id: aliceDoc.id }, alice.token);
    expect((await stack.stats()).GetDocument).toBe(3);
  });
});

describe('federation references resolve through the same loaders', () => {
  it('_entities for FolderMetadata and User, unknown ones null', async () => {
    const [u0, u1] = [users[0]!, users[1]!];
    await stack.resetChaos();
    const { body } = await stack.graphql(
      `query ($representations: [_Any!]!) {
        _entities(representations: $representations) {
          __typename
          ... on User { id username }
          ... on FolderMetadata { id creator { username } }
        }
      }`,
      {
        representations: [
          { __typename: 'User', id: u0.userId },
          { __typename: 'User', id: u1.userId },
          { __typename: 'User', id: 'no-such-user' },
          { __typename: 'FolderMetadata', id: u0.rootFolderId },
          { __typename: 'FolderMetadata', id: 'no-such-folder' },
        ],
      },
    );
    expect(ok(body)._entities).toEqual([
      { __typename: 'User', id: u0.userId, username: u0.username },
      { __typename: 'User', id: u1.userId, username: u1.username },
      null,
      { __typename: 'FolderMetadata', id: u0.rootFolderId, creator: { username: u0.username } },
      null,
    ]);
    // The three users and the folder's creator: one DescribeUsers.
    expect(await stack.stats()).toEqual({ DescribeUsers: 1, GetFolder: 2 });
  });
});
