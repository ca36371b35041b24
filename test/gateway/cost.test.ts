/**
 * The operation size bound (`src/gateway/cost.ts`, `GATEWAY_MAX_QUERY_COST`): nested lists that
 * would multiply into millions of WorkDocs calls and a response of gigabytes are refused before any
 * call with BAD_USER_INPUT (HTTP 400); the README's queries and introspection still run.
 */
import { getIntrospectionQuery } from 'graphql';
import { describe, expect, test } from 'vitest';
import { useStack, type GraphQLResponse } from '../helpers/stack.js';

/** `depth` levels of `contents(first)` → folder node → `contents` … (3 levels of depth each) */
function nestedContents(depth: number, first: string): string {
  let inner = 'id';
  for (let i = 0; i < depth; i++) {
    inner = `contents(first: ${first}) { edges { node { ... on FolderMetadata { id ${inner} } } } }`;
  }
  return inner;
}

function expectRefused(res: GraphQLResponse): void {
  expect(res.status).toBe(400);
  expect(res.body.data).toBeUndefined();
  expect(res.body.errors).toHaveLength(1);
  expect(res.body.errors?.[0]?.message).toContain('too large');
  expect(res.body.errors?.[0]?.extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    httpStatus: 400,
    retryable: false,
    requestId: null,
  });
}

describe('default limit', () => {
  const stack = useStack({}, { resetChaosBeforeEach: true });

  test('nested contents that multiply (999 × 999 × 999) → 400 BAD_USER_INPUT, no WorkDocs call', async () => {
    const root = stack.local.demoRootFolderId;
    const res = await stack.graphql(
      `{ folder(id: "${root}") { ${nestedContents(3, '999')} } }`,
      {},
      stack.local.demoToken,
    );
    expectRefused(res);
    expect(await stack.stats()).toEqual({});
  });

  test('`first` from variables counts; the same shape with small pages runs', async () => {
    const query = `query ($id: ID!, $n: Int) { folder(id: $id) { ${nestedContents(2, '$n')} } }`;
    const id = stack.local.demoRootFolderId;
    expectRefused(await stack.graphql(query, { id, n: 999 }, stack.local.demoToken));
    expect(await stack.stats()).toEqual({});

    const small = await stack.graphql(query, { id, n: 20 }, stack.local.demoToken);
    expect(small.status).toBe(200);
    expect(small.body.errors).toBeUndefined();
    expect(small.body.data?.folder).toEqual({ contents: { edges: [] } });
  });

  test('an estimate that read variables is not reused: small pages run, then the same query with large ones is refused', async () => {
    // Apollo Server reuses the parsed operation of a query string it has seen; the gateway keeps
    // the estimate of an operation only when it read no variable.
    const query = `query ($id: ID!, $n: Int) { folder(id: $id) { ${nestedContents(3, '$n')} } }`;
    const id = stack.local.demoRootFolderId;
    for (const n of [2, 3]) {
      const small = await stack.graphql(query, { id, n }, stack.local.demoToken);
      expect(small.status).toBe(200);
      expect(small.body.errors).toBeUndefined();
    }
    await stack.resetChaos();
    expectRefused(await stack.graphql(query, { id, n: 999 }, stack.local.demoToken));
    expect(await stack.stats()).toEqual({});
    // A variable-free operation gets the same answer every time.
    const fixed = `{ folder(id: "${id}") { ${nestedContents(3, '999')} } }`;
    expectRefused(await stack.graphql(fixed, {}, stack.local.demoToken));
    expectRefused(await stack.graphql(fixed, {}, stack.local.demoToken));
    expect(await stack.stats()).toEqual({});
  });

  test('a default value counts like the same value sent: `$n: Int = 999` → refused, no call', async () => {
    const query = `query ($n: Int = 999) { rootFolders { ${nestedContents(2, '$n')} } }`;
    expectRefused(await stack.graphql(query, {}, stack.local.demoToken));
    expectRefused(await stack.graphql(query, { n: 999 }, stack.local.demoToken));
    expect(await stack.stats()).toEqual({});
    // An explicit small value overrides the default and runs.
    const small = await stack.graphql(query, { n: 5 }, stack.local.demoToken);
    expect(small.body.errors).toBeUndefined();
    expect(small.status).toBe(200);
  });

  test('variables that do not coerce are refused by execution, without any call', async () => {
    const query = `query ($n: Int = 999) { rootFolders { ${nestedContents(1, '$n')} } }`;
    const res = await stack.graphql(query, { n: 'many' }, stack.local.demoToken);
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.message).toMatch(/^Variable "\$n" got invalid value "many"/);
    expect(await stack.stats()).toEqual({});
  });

  test('a fragment that doubles itself 40 levels deep → refused (and estimating it is quick)', async () => {
    const fragments = Array.from(
      { length: 40 },
      (_, i) => `fragment F${String(i)} on User { ...F${String(i + 1)} ...F${String(i + 1)} }`,
    ).join('\n');
    const res = await stack.graphql(
      `{ me { ...F0 } }\n${fragments}\nfragment F40 on User { id }`,
      {},
      stack.local.demoToken,
    );
    expectRefused(res);
    expect(await stack.stats()).toEqual({});
  });

  test("the README's reads and full introspection run", async () => {
    const token = stack.local.demoToken;
    const browse = await stack.graphql(
      `query Browse($folderId: ID!, $after: String) {
        folder(id: $folderId) {
          name
          contents(first: 999, after: $after, type: ALL, sort: NAME, order: ASCENDING) {
            edges { cursor node { __typename
              ... on FolderMetadata { id name creator { id username givenName surname } }
              ... on DocumentMetadata { id latestVersionMetadata { id name size status creator { username } }
                creator { username givenName surname } versions { id status size } } } }
            pageInfo { hasNextPage endCursor }
          }
        }
      }`,
      { folderId: stack.local.demoRootFolderId },
      token,
    );
    expect(browse.status).toBe(200);
    expect(browse.body.errors).toBeUndefined();

    const introspection = await stack.graphql(getIntrospectionQuery(), {}, token);
    expect(introspection.status).toBe(200);
    expect(introspection.body.errors).toBeUndefined();
  });
});

describe('GATEWAY_MAX_QUERY_COST', () => {
  const stack = useStack({ gateway: { maxQueryCost: 30 } }, { resetChaosBeforeEach: true });

  test('a lower limit refuses a users(ids) list that a default gateway would run', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `user-${String(i)}`);
    const query = 'query ($ids: [ID!]!) { users(ids: $ids) { id username } }';
    expectRefused(await stack.graphql(query, { ids }, stack.local.demoToken));
    const ok = await stack.graphql(query, { ids: ids.slice(0, 5) }, stack.local.demoToken);
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data?.users).toEqual([null, null, null, null, null]);
    expect(await stack.stats()).toEqual({ DescribeUsers: 1 });
  });

  test('an _entities list given as a default counts like the same list sent', async () => {
    const reps = Array.from(
      { length: 20 },
      (_, i) => `{ __typename: "User", id: "u${String(i)}" }`,
    );
    const query = `query ($r: [_Any!]! = [${reps.join(', ')}]) {
      _entities(representations: $r) { ... on User { id username } }
    }`;
    expectRefused(await stack.graphql(query, {}, stack.local.demoToken));
    const sent =
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id username } } }';
    const list = Array.from({ length: 20 }, (_, i) => ({
      __typename: 'User',
      id: `u${String(i)}`,
    }));
    expectRefused(await stack.graphql(sent, { r: list }, stack.local.demoToken));
    expect(await stack.stats()).toEqual({});
  });
});
