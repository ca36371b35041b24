/**
 * Federation: the subgraph's SDL (printed and served), its composition with `@apollo/composition`,
 * and a real `@apollo/gateway` composing it with a second subgraph written for the test
 * (`projects`, whose `Project.documents` references `DocumentMetadata` by key), queried across
 * both. The user's `Authorization` header travels router → our subgraph through
 * `RemoteGraphQLDataSource.willSendRequest`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { composeServices } from '@apollo/composition';
import { ApolloGateway, IntrospectAndCompose, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { WorkDocsClient } from '@aws-sdk/client-workdocs';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printSubgraphSdl } from '../../src/gateway/print-schema.js';
import { startStack, type GraphQLBody, type Stack } from '../helpers/stack.js';
import { createFolder, sdkClient, uploadDocument } from '../helpers/workdocs.js';

const execFileAsync = promisify(execFile);

const PROJECTS_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  type Query {
    "Every project."
    projects: [Project!]!
    "A project by id."
    project(id: ID!): Project
  }

  "A project: a name, an owner and WorkDocs documents, referenced by key."
  type Project @key(fields: "id") {
    id: ID!
    name: String!
    owner: User!
    documents: [DocumentMetadata!]!
  }

  type DocumentMetadata @key(fields: "id", resolvable: false) {
    id: ID!
  }

  type User @key(fields: "id", resolvable: false) {
    id: ID!
  }
`;

interface ProjectRow {
  id: string;
  name: string;
  ownerId: string;
  documentIds: string[];
}

function projectsSubgraph(rows: ProjectRow[]): ApolloServer {
  const toGraphQL = (p: ProjectRow) => ({
    id: p.id,
    name: p.name,
    owner: { __typename: 'User', id: p.ownerId },
    documents: p.documentIds.map((id) => ({ __typename: 'DocumentMetadata', id })),
  });
  return new ApolloServer({
    schema: buildSubgraphSchema([
      {
        typeDefs: parse(PROJECTS_SDL),
        resolvers: {
          Query: {
            projects: () => rows.map(toGraphQL),
            project: (_: unknown, args: { id: string }) => {
              const row = rows.find((p) => p.id === args.id);
              return row ? toGraphQL(row) : null;
            },
          },
        },
      },
    ]),
  });
}

function ok(body: GraphQLBody): Record<string, unknown> {
  expect(body.errors).toBeUndefined();
  return body.data!;
}

describe('the subgraph SDL', () => {
  it('is Federation 2, with the entity keys', () => {
    const sdl = printSubgraphSdl();
    expect(sdl).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+"/);
    for (const type of ['DocumentMetadata', 'FolderMetadata', 'User']) {
      expect(sdl).toMatch(new RegExp(`type ${type}\\s+@key\\(fields: "id"\\)`));
    }
  });

  it('composes alone and with another subgraph: no errors, no hints', () => {
    const workdocs = {
      name: 'workdocs',
      url: 'http://workdocs/graphql',
      typeDefs: parse(printSubgraphSdl()),
    };
    const alone = composeServices([workdocs]);
    expect(alone.errors).toBeUndefined();
    expect(alone.hints).toEqual([]);
    const both = composeServices([
      workdocs,
      { name: 'projects', url: 'http://projects/graphql', typeDefs: parse(PROJECTS_SDL) },
    ]);
    expect(both.errors).toBeUndefined();
    expect(both.hints).toEqual([]);
    expect(both.supergraphSdl).toContain('type Project');
  });

  it('composes beside a subgraph that defines its own PageInfo (PageInfo is @shareable)', () => {
    const other = parse(`
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@shareable"])
      type PageInfo @shareable { hasNextPage: Boolean! endCursor: String }
      type Query { projects(after: String): ProjectPage! }
      type ProjectPage { names: [String!]! pageInfo: PageInfo! }
    `);
    const composed = composeServices([
      { name: 'workdocs', url: 'http://workdocs/graphql', typeDefs: parse(printSubgraphSdl()) },
      { name: 'projects', url: 'http://projects/graphql', typeDefs: other },
    ]);
    expect(composed.errors).toBeUndefined();
    expect(composed.supergraphSdl).toMatch(
      /type PageInfo\s+@join__type\(graph: PROJECTS\)\s+@join__type\(graph: WORKDOCS\)/,
    );
  });
});

describe('npm run schema:print', () => {
  it('writes the SDL to a file a router can compose, and explains itself with --help', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'schema-print-'));
    try {
      const file = path.join(dir, 'workdocs.graphql');
      const tsx = path.resolve('node_modules/.bin/tsx');
      await execFileAsync(tsx, ['src/gateway/print-schema.ts', file]);
      const written = await readFile(file, 'utf8');
      expect(written.trim()).toBe(printSubgraphSdl().trim());
      const composed = composeServices([
        { name: 'workdocs', url: 'http://workdocs/graphql', typeDefs: parse(written) },
      ]);
      expect(composed.errors).toBeUndefined();
      const help = await execFileAsync(tsx, ['src/gateway/print-schema.ts', '--help']);
      expect(help.stdout).toContain('Usage: npm run schema:print');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('through @apollo/gateway', () => {
  let stack: Stack;
  let client: WorkDocsClient;
  let projects: ApolloServer;
  let router: ApolloServer<{ authorization?: string }>;
  let projectsUrl: string;
  let routerUrl: string;
  const docNames = ['spec.md', 'budget.csv', 'notes.txt'];
  const docIds: string[] = [];
  let folderId: string;

  beforeAll(async () => {
    stack = await startStack();
    client = sdkClient(stack.local);
    const token = stack.local.demoToken;
    folderId = await createFolder(client, token, stack.local.demoRootFolderId, 'Project X');
    for (const name of docNames) {
      const d = await uploadDocument(client, token, {
        parentFolderId: folderId,
        name,
        body: Buffer.from(name),
        contentType: 'text/plain',
      });
      docIds.push(d.documentId);
    }

    projects = projectsSubgraph([
      { id: 'p1', name: 'Project X', ownerId: stack.local.demoUserId, documentIds: docIds },
    ]);
    ({ url: projectsUrl } = await startStandaloneServer(projects, {
      listen: { port: 0, host: '127.0.0.1' },
    }));

    const gateway = new ApolloGateway({
      supergraphSdl: new IntrospectAndCompose({
        subgraphs: [
          { name: 'workdocs', url: stack.gatewayUrl },
          { name: 'projects', url: projectsUrl },
        ],
      }),
      buildService: ({ url }) =>
        new RemoteGraphQLDataSource<{ authorization?: string }>({
          url,
          willSendRequest({ request, context }) {
            const authorization = (context as { authorization?: string }).authorization;
            if (authorization !== undefined)
              request.http?.headers.set('authorization', authorization);
          },
        }),
    });
    router = new ApolloServer<{ authorization?: string }>({ gateway });
    ({ url: routerUrl } = await startStandaloneServer(router, {
      listen: { port: 0, host: '127.0.0.1' },
      context: ({ req }) =>
        Promise.resolve(
          req.headers.authorization === undefined
            ? {}
            : { authorization: req.headers.authorization },
        ),
    }));
  }, 60_000);

  afterAll(async () => {
    await router.stop();
    await projects.stop();
    client.destroy();
    await stack.close();
  });

  async function viaRouter(query: string, token?: string): Promise<GraphQLBody> {
    const res = await fetch(routerUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify({ query }),
    });
    return (await res.json()) as GraphQLBody;
  }

  it('serves `_service { sdl }`: the printed SDL', async () => {
    const { body } = await stack.graphql('{ _service { sdl } }');
    const sdl = (ok(body)._service as { sdl: string }).sdl;
    expect(sdl.trim()).toBe(printSubgraphSdl().trim());
  });

  it('resolves project → documents → name, creator, parentFolder across both subgraphs', async () => {
    await stack.resetChaos();
    const body = await viaRouter(
      `{
        project(id: "p1") {
          name
          owner { username }
          documents {
            id
            latestVersionMetadata { name }
            creator { id username }
            parentFolder { name }
          }
        }
      }`,
      stack.local.demoToken,
    );
    expect(ok(body).project).toEqual({
      name: 'Project X',
      owner: { username: 'demo' },
      documents: docIds.map((id, i) => ({
        id,
        latestVersionMetadata: { name: docNames[i] },
        creator: { id: stack.local.demoUserId, username: 'demo' },
        parentFolder: { name: 'Project X' },
      })),
    });
    // The router's entity fetches reach our loaders batched.
    const stats = await stack.stats();
    expect(stats.GetDocument).toBe(3);
    expect(stats.GetFolder).toBe(1);
    // Two router fetches reach this subgraph (the owner, then the documents with their creators):
    // one DescribeUsers batch each.
    expect(stats.DescribeUsers).toBe(2);
  });

  it('starts in our subgraph and goes on across both (projects list)', async () => {
    const body = await viaRouter(
      '{ projects { id documents { id } } me { username } }',
      stack.local.demoToken,
    );
    expect(ok(body)).toEqual({
      projects: [{ id: 'p1', documents: docIds.map((id) => ({ id })) }],
      me: { username: 'demo' },
    });
  });

  it('without the Authorization header, our subgraph refuses (UNAUTHENTICATED): the header is what flows', async () => {
    const body = await viaRouter(
      '{ project(id: "p1") { documents { id latestVersionMetadata { name } } } }',
    );
    expect(body.errors?.length).toBeGreaterThan(0);
    expect(JSON.stringify(body.errors)).toContain('UNAUTHENTICATED');
  });
});
