/**
 * Operation-shape limits (graphql-armor and graphql-js's parser, `src/gateway/limits.ts`): alias,
 * depth, token and directive bombs are refused with HTTP 400 and their exact code before any
 * WorkDocs call; operations within the limits run; field suggestions are hidden in production.
 */
import { describe, expect, test } from 'vitest';
import { useStack, type GraphQLResponse, type Stack } from '../helpers/stack.js';

/** Expects a refusal before execution: `status`, one error of `code`, no data, no WorkDocs call. */
async function expectRefusedBeforeAnyCall(
  stack: Stack,
  res: GraphQLResponse,
  code: string,
  message: RegExp,
): Promise<void> {
  expect(res.status).toBe(400);
  expect(res.body.data).toBeUndefined();
  expect(res.body.errors).toHaveLength(1);
  expect(res.body.errors?.[0]?.extensions?.code).toBe(code);
  expect(res.body.errors?.[0]?.message).toMatch(message);
  expect(await stack.stats()).toEqual({});
}

const aliases = (n: number): string =>
  `{ ${Array.from({ length: n }, (_, i) => `a${String(i)}: me { id }`).join(' ')} }`;

function nestedParents(levels: number): string {
  let inner = 'id';
  for (let i = 0; i < levels; i++) inner = `parentFolder { ${inner} }`;
  return `query ($id: ID!) { folder(id: $id) { ${inner} } }`;
}

const directives = (n: number): string =>
  `{ me { ${Array.from({ length: n }, () => '... @include(if: true) { id }').join(' ')} } }`;

describe('default limits', () => {
  const stack = useStack({}, { resetChaosBeforeEach: true });

  test('300 aliases → 400 GRAPHQL_VALIDATION_FAILED, no WorkDocs call; 15 aliases run', async () => {
    const token = stack.local.demoToken;
    await expectRefusedBeforeAnyCall(
      stack,
      await stack.graphql(aliases(300), {}, token),
      'GRAPHQL_VALIDATION_FAILED',
      /Aliases limit of 15 exceeded, found 300/,
    );
    await expectRefusedBeforeAnyCall(
      stack,
      await stack.graphql(aliases(16), {}, token),
      'GRAPHQL_VALIDATION_FAILED',
      /Aliases limit of 15 exceeded, found 16/,
    );
    const ok = await stack.graphql(aliases(15), {}, token);
    expect(ok.status).toBe(200);
    expect(ok.body.errors).toBeUndefined();
    expect(Object.keys(ok.body.data ?? {})).toHaveLength(15);
  });

  test('60 levels of nesting → 400 GRAPHQL_VALIDATION_FAILED, no WorkDocs call; 12 levels run', async () => {
    const token = stack.local.demoToken;
    const id = stack.local.demoRootFolderId;
    await expectRefusedBeforeAnyCall(
      stack,
      await stack.graphql(nestedParents(60), { id }, token),
      'GRAPHQL_VALIDATION_FAILED',
      /depth limit of 12 exceeded, found 62/,
    );
    // folder { parentFolder ×10 { id } } is 12 levels deep.
    const ok = await stack.graphql(nestedParents(10), { id }, token);
    expect(ok.status).toBe(200);
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data).toEqual({ folder: { parentFolder: null } });
  });

  test('depth counts fields, not fragments: inline fragments and spreads add no level', async () => {
    const id = stack.local.demoRootFolderId;
    let inner = 'id';
    for (let i = 0; i < 10; i++) inner = `... on FolderMetadata { ...F parentFolder { ${inner} } }`;
    const res = await stack.graphql(
      `query ($id: ID!) { folder(id: $id) { ${inner} } } fragment F on FolderMetadata { name }`,
      { id },
      stack.local.demoToken,
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.status).toBe(200);
  });

  test('20,000 tokens → 400 GRAPHQL_PARSE_FAILED, no WorkDocs call', async () => {
    const query = `{ me { ${Array.from({ length: 20_000 }, () => 'id').join(' ')} } }`;
    await expectRefusedBeforeAnyCall(
      stack,
      await stack.graphql(query, {}, stack.local.demoToken),
      'GRAPHQL_PARSE_FAILED',
      /more that 2000 tokens/,
    );
  });

  test('2,000 directives → 400 (over the token limit first); 51 directives → 400 GRAPHQL_VALIDATION_FAILED', async () => {
    const token = stack.local.demoToken;
    await expectRefusedBeforeAnyCall(
      stack,
      await stack.graphql(directives(2000), {}, token),
      'GRAPHQL_PARSE_FAILED',
      /more that 2000 tokens/,
    );
    await expectRefusedBeforeAnyCall(
      stack,
      await stack.graphql(directives(51), {}, token),
      'GRAPHQL_VALIDATION_FAILED',
      /Directives limit of 50 exceeded, found 51/,
    );
    const ok = await stack.graphql(directives(50), {}, token);
    expect(ok.body.errors).toBeUndefined();
    expect(ok.status).toBe(200);
  });

  test('field suggestions are shown in development', async () => {
    const res = await stack.graphql('{ me { idd } }', {}, stack.local.demoToken);
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.message).toBe(
      'Cannot query field "idd" on type "User". Did you mean "id"?',
    );
    expect(await stack.stats()).toEqual({});
  });
});

describe('configured limits and production', () => {
  const stack = useStack(
    {
      gateway: { production: true, maxAliases: 2, maxDepth: 3, maxTokens: 30, maxDirectives: 1 },
    },
    { resetChaosBeforeEach: true },
  );

  test('each limit follows its configuration', async () => {
    const token = stack.local.demoToken;
    await expectRefusedBeforeAnyCall(
      stack,
      await stack.graphql(aliases(3), {}, token),
      'GRAPHQL_VALIDATION_FAILED',
      /Aliases limit of 2 exceeded, found 3/,
    );
    await expectRefusedBeforeAnyCall(
      stack,
      await stack.graphql(nestedParents(2), { id: 'x' }, token),
      'GRAPHQL_VALIDATION_FAILED',
      /depth limit of 3 exceeded, found 4/,
    );
    await expectRefusedBeforeAnyCall(
      stack,
      await stack.graphql(
        `{ me { ${Array.from({ length: 30 }, () => 'id').join(' ')} } }`,
        {},
        token,
      ),
      'GRAPHQL_PARSE_FAILED',
      /more that 30 tokens/,
    );
    await expectRefusedBeforeAnyCall(
      stack,
      await stack.graphql(directives(2), {}, token),
      'GRAPHQL_VALIDATION_FAILED',
      /Directives limit of 1 exceeded, found 2/,
    );
    const ok = await stack.graphql(aliases(2), {}, token);
    expect(ok.body.errors).toBeUndefined();
  });

  test('field suggestions are hidden in production', async () => {
    const res = await stack.graphql('{ me { idd } }', {}, stack.local.demoToken);
    expect(res.status).toBe(400);
    // graphql-armor's Apollo plugin masks `Did you mean "id"` and leaves graphql-js's "?".
    expect(res.body.errors?.[0]?.message).toBe(
      'Cannot query field "idd" on type "User". [Suggestion hidden]?',
    );
    expect(await stack.stats()).toEqual({});
  });
});
