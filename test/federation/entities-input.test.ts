/**
 * `_entities` with representations this subgraph cannot resolve (no `__typename`, a type that is
 * not an entity, not an object): the caller's mistake, so a typed BAD_USER_INPUT error naming the
 * representation — not an INTERNAL_SERVER_ERROR, whose message production would hide — and no
 * upstream call.
 */
import { describe, expect, test } from 'vitest';
import { useStack } from '../helpers/stack.js';

const ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) { __typename ... on DocumentMetadata { id } }
}`;

describe.each([
  ['development', false],
  ['production', true],
])('_entities with bad representations (%s)', (_mode, production) => {
  const stack = useStack({ gateway: { production } }, { resetChaosBeforeEach: true });

  test.each([
    ['an unknown type', [{ __typename: 'Nope', id: 'x' }], 'representations[0]'],
    ['a type that is not an entity', [{ __typename: 'UploadMetadata', id: 'x' }], 'UploadMetadata'],
    ['the Query type', [{ __typename: 'Query', id: 'x' }], 'Query'],
    ['no __typename', [{ __typename: 'User', id: 'u' }, { id: 'x' }], 'representations[1]'],
    ['a string', ['DocumentMetadata'], 'representations[0]'],
    ['a number __typename', [{ __typename: 5, id: 'x' }], 'representations[0]'],
  ])('%s → BAD_USER_INPUT, no upstream call', async (_name, representations, mentions) => {
    const { body } = await stack.graphql(ENTITIES, { representations }, stack.local.demoToken);
    expect(body.errors).toHaveLength(1);
    const error = body.errors![0]!;
    expect(error.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      httpStatus: 400,
      retryable: false,
      requestId: null,
    });
    if (production) expect(error.extensions?.stacktrace).toBeUndefined();
    expect(error.message).toContain(mentions);
    expect(error.message).toContain('DocumentMetadata, FolderMetadata, User');
    expect(await stack.stats()).toEqual({});
  });
});
