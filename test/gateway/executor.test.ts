/**
 * The compiled executor (`src/gateway/executor.ts`) answers exactly what graphql-js answers —
 * data, error messages, paths, locations and extensions — for the shapes the gateway's schema
 * uses: unions, interfaces, async resolvers, lists, non-null fields, errors thrown with
 * extensions, variables with defaults, bad variables, fragments and @skip/@include. Then, over the
 * real stack (gateway → SDK → WorkDocs Local), the gateway's own operations answer the same
 * compiled as interpreted (a request asking for a federated trace is interpreted).
 */
import {
  buildSchema,
  execute,
  GraphQLError,
  Kind,
  parse,
  type ExecutionResult,
  type OperationDefinitionNode,
} from 'graphql';
import type { WorkDocsClient } from '@aws-sdk/client-workdocs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jitGateway } from '../../src/gateway/executor.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { createFolder, sdkClient, uploadDocument } from '../helpers/workdocs.js';

const schema = buildSchema(`
  interface Named { name: String! }
  type Doc implements Named { id: ID! name: String! size: Int tags: [String] creator: User }
  type User implements Named { id: ID! name: String! }
  type Problem { code: String! message: String! }
  union Outcome = Doc | Problem
  type Query {
    doc(id: ID!): Doc
    docs(first: Int = 2): [Doc!]!
    named(kind: String!): Named
    outcome(ok: Boolean!): Outcome!
    broken: Doc
    brokenNonNull: Doc!
  }
`);

const docs = [
  { id: 'd1', name: 'one', size: 1, tags: ['a', null], creatorId: 'u1' },
  { id: 'd2', name: 'two', size: null, tags: null, creatorId: 'missing' },
  { id: 'd3', name: 'three', size: 3, tags: [], creatorId: 'u1' },
];
const users = new Map([['u1', { id: 'u1', name: 'Ada' }]]);

function resolveType(value: { __typename: string }): string {
  return value.__typename;
}
Object.assign(schema.getType('Named')!, { resolveType });
Object.assign(schema.getType('Outcome')!, { resolveType });
const queryFields = schema.getQueryType()!.getFields();
queryFields.doc!.resolve = async (_, args: { id: string }) => {
  await Promise.resolve();
  const doc = docs.find((d) => d.id === args.id);
  if (doc === undefined) {
    throw new GraphQLError(`No document ${args.id}`, {
      extensions: { code: 'NOT_FOUND', retryable: false },
    });
  }
  return { __typename: 'Doc', ...doc };
};
queryFields.docs!.resolve = (_, args: { first: number }) =>
  docs.slice(0, args.first).map((d) => ({ __typename: 'Doc', ...d }));
queryFields.named!.resolve = (_, args: { kind: string }) =>
  args.kind === 'user'
    ? { __typename: 'User', ...users.get('u1')! }
    : { __typename: 'Doc', ...docs[0]! };
queryFields.outcome!.resolve = (_, args: { ok: boolean }) =>
  args.ok
    ? { __typename: 'Doc', ...docs[2]! }
    : { __typename: 'Problem', code: 'NOPE', message: 'not allowed' };
queryFields.broken!.resolve = () => {
  throw new Error('upstream failed');
};
queryFields.brokenNonNull!.resolve = () => null;
(
  schema.getType('Doc') as unknown as { getFields(): Record<string, { resolve?: unknown }> }
).getFields().creator!.resolve = async (doc: { creatorId: string }) => {
  await Promise.resolve();
  return users.get(doc.creatorId) ?? null;
};

async function both(
  query: string,
  variables: Record<string, unknown> = {},
  headers = new Map<string, string>(),
): Promise<{ jit: ExecutionResult; js: ExecutionResult; interpreted: string[] }> {
  const document = parse(query);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  )!;
  const interpreted: string[] = [];
  const gateway = jitGateway(schema, { onInterpreted: (reason) => interpreted.push(reason) });
  const { executor } = await gateway.load({ apollo: {} });
  const rc = {
    document,
    operation,
    operationName: operation.name?.value ?? null,
    context: {},
    request: { variables, http: { method: 'POST', url: '/', headers } },
  } as unknown as Parameters<NonNullable<typeof executor>>[0];
  // The first run is graphql-js's (an operation is compiled when it comes again); the second and
  // third are compiled, the third from the cache.
  await executor!(rc);
  await executor!(rc);
  const jit = await executor!(rc);
  const js = await execute({ schema, document, variableValues: variables, contextValue: {} });
  return { jit, js, interpreted };
}

/** What a client receives of a result: JSON, as Apollo serialises it. */
const wire = (r: ExecutionResult): unknown => JSON.parse(JSON.stringify(r));

describe('the compiled executor answers what graphql-js answers', () => {
  const cases: [string, string, Record<string, unknown>?][] = [
    [
      'lists, nulls in lists, async fields',
      '{ docs(first: 3) { id name size tags creator { id name } } }',
    ],
    ['argument defaults', '{ docs { id } }'],
    ['variables and their defaults', 'query Q($n: Int = 1) { docs(first: $n) { id } }'],
    ['variables given', 'query Q($n: Int) { docs(first: $n) { id } }', { n: 3 }],
    [
      'interfaces and inline fragments',
      '{ u: named(kind: "user") { __typename name ... on User { id } } d: named(kind: "doc") { name ... on Doc { size } } }',
    ],
    [
      'unions with a user error member',
      '{ a: outcome(ok: true) { __typename ... on Doc { id } } b: outcome(ok: false) { __typename ... on Problem { code message } } }',
    ],
    [
      'named fragments, @skip and @include on variables',
      'query Q($s: Boolean!, $i: Boolean!) { docs { ...F } } fragment F on Doc { id name @skip(if: $s) size @include(if: $i) }',
      { s: true, i: false },
    ],
    [
      'a field error with extensions, beside data',
      '{ ok: doc(id: "d1") { id }\n  missing: doc(id: "nope") { id } }',
    ],
    ['an error that is not a GraphQLError', '{ docs(first: 1) { id } broken { id } }'],
    ['null in a non-null field bubbles up', '{ docs(first: 1) { id } brokenNonNull { id } }'],
    ['a variable of the wrong type', 'query Q($n: Int) { docs(first: $n) { id } }', { n: 'many' }],
    ['a missing required variable', 'query Q($id: ID!) { doc(id: $id) { id } }'],
  ];

  for (const [name, query, variables] of cases) {
    it(name, async () => {
      const { jit, js, interpreted } = await both(query, variables);
      expect(wire(jit)).toEqual(wire(js));
      expect(interpreted).toEqual(['first-use']);
    });
  }

  it('field errors are plain graphql-js errors: locations, original error, and a writable message', async () => {
    const { jit } = await both('{ ok: doc(id: "d1") { id }\n  missing: doc(id: "nope") { id } }');
    expect(jit.errors).toHaveLength(1);
    const [error] = jit.errors!;
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error!.locations).toEqual([{ line: 2, column: 3 }]);
    expect(error!.path).toEqual(['missing']);
    expect(error!.extensions).toEqual({ code: 'NOT_FOUND', retryable: false });
    expect(error!.originalError?.message).toBe('No document nope');
    // Plugins rewrite messages (graphql-armor's suggestion mask, in production).
    error!.message = 'rewritten';
    expect(error!.message).toBe('rewritten');
  });

  it('a request that asks for a federated trace is executed by graphql-js', async () => {
    const { jit, js, interpreted } = await both(
      '{ docs { id } }',
      {},
      new Map([['apollo-federation-include-trace', 'ftv1']]),
    );
    expect(interpreted).toEqual(['trace', 'trace', 'trace']);
    expect(wire(jit)).toEqual(wire(js));
  });
});

describe.each([
  ['development', false],
  ['production', true],
])(
  'over the real stack (%s), compiled and interpreted answers are the same',
  (_mode, production) => {
    let stack: Stack;
    let client: WorkDocsClient;
    let token: string;
    let folderId: string;
    let documentId: string;

    beforeAll(async () => {
      stack = await startStack({ gateway: { production } });
      client = sdkClient(stack.local);
      token = stack.local.demoToken;
      folderId = await createFolder(client, token, stack.local.demoRootFolderId, 'Compiled');
      await createFolder(client, token, folderId, 'Sub');
      for (const name of ['a.txt', 'b.txt', 'c.txt']) {
        const doc = await uploadDocument(client, token, {
          parentFolderId: folderId,
          name,
          body: Buffer.from(name),
          contentType: 'text/plain',
        });
        documentId = doc.documentId;
      }
    });

    afterAll(async () => {
      client.destroy();
      await stack.close();
    });

    /** The body of a POST, without what differs between any two requests (ids, the trace). */
    async function post(
      query: string,
      variables: Record<string, unknown>,
      trace: boolean,
      bearer: string | null,
    ): Promise<unknown> {
      const res = await fetch(stack.gatewayUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }),
          ...(trace ? { 'apollo-federation-include-trace': 'ftv1' } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      const text = await res.text();
      const body = JSON.parse(text, (key, value: unknown) =>
        // Per request: our id, WorkDocs' id, the trace; stack traces (development) name the
        // executor's own frames.
        ['gatewayRequestId', 'requestId', 'ftv1', 'stacktrace'].includes(key) ? undefined : value,
      ) as { extensions?: Record<string, unknown> };
      if (body.extensions !== undefined && Object.keys(body.extensions).length === 0) {
        delete body.extensions;
      }
      return { status: res.status, body };
    }

    const operations: [string, string, () => Record<string, unknown>, string?][] = [
      [
        'a folder listing with cursors, creators and both item types',
        `query ($id: ID!) { folder(id: $id) { id name contents(first: 3) {
        edges { cursor node { __typename ... on FolderMetadata { id name }
          ... on DocumentMetadata { id latestVersionMetadata { name size status } creator { id username } } } }
        pageInfo { hasNextPage endCursor } } } }`,
        () => ({ id: folderId }),
      ],
      [
        'a document with its versions, creator and parent folder',
        `query ($id: ID!) { document(id: $id) { id resourceState labels creator { id username }
        parentFolder { id name parentFolder { id } } latestVersionMetadata { id name size }
        versions { id name status } } }`,
        () => ({ id: documentId }),
      ],
      [
        '_entities: a document, a folder, a user, and one that does not exist',
        `query ($r: [_Any!]!) { _entities(representations: $r) { __typename
        ... on DocumentMetadata { id latestVersionMetadata { name } }
        ... on FolderMetadata { id name } ... on User { id username } } }`,
        () => ({
          r: [
            { __typename: 'DocumentMetadata', id: documentId },
            { __typename: 'FolderMetadata', id: folderId },
            { __typename: 'User', id: stack.local.demoUserId },
            { __typename: 'DocumentMetadata', id: 'd'.repeat(64) },
          ],
        }),
      ],
      [
        'a document that does not exist: a typed error at its path',
        'query ($id: ID!) {\n  document(id: $id) { id }\n}',
        () => ({ id: 'd'.repeat(64) }),
      ],
      [
        'a mutation answered with a user error',
        `mutation ($input: InitiateDocumentVersionUploadInput!) {
        initiateDocumentVersionUpload(input: $input) { __typename ... on UserError { code message } } }`,
        () => ({ input: { name: 'x.txt', parentFolderId: 'f'.repeat(64) } }),
      ],
      [
        'a variable of the wrong type',
        'query ($id: ID!, $first: Int) { folder(id: $id) { contents(first: $first) { pageInfo { hasNextPage } } } }',
        () => ({ id: folderId, first: 'many' }),
      ],
      [
        'no token',
        'query ($id: ID!) { document(id: $id) { id } }',
        () => ({ id: documentId }),
        'none',
      ],
    ];

    for (const [name, query, variables, auth] of operations) {
      it(name, async () => {
        const bearer = auth === 'none' ? null : token;
        // The first request of an operation is interpreted; it is compiled when it comes again.
        await post(query, variables(), false, bearer);
        const compiled = await post(query, variables(), false, bearer);
        const interpreted = await post(query, variables(), true, bearer);
        expect(compiled).toEqual(interpreted);
      });
    }
  },
);

describe('a query text used once is never compiled', () => {
  it('compiles an operation on its second use only, so new query texts cost what graphql-js costs', async () => {
    const interpreted: string[] = [];
    const gateway = jitGateway(schema, { onInterpreted: (reason) => interpreted.push(reason) });
    const { executor } = await gateway.load({ apollo: {} });
    const run = (query: string) => {
      const document = parse(query);
      const operation = document.definitions[0] as OperationDefinitionNode;
      return executor!({
        document,
        operation,
        operationName: null,
        context: {},
        request: { variables: {}, http: { method: 'POST', url: '/', headers: new Map() } },
      } as unknown as Parameters<NonNullable<typeof executor>>[0]);
    };
    // A hostile client: every request a new text (here: a new alias).
    for (let i = 0; i < 5; i++) await run(`{ a${String(i)}: docs { id } }`);
    expect(interpreted).toEqual(Array(5).fill('first-use'));
  });
});
