/**
 * Users: ids validated against the model's user id (`IdType`: `[&\w+-.@]+`, 1 to 256, no comma —
 * DescribeUsers takes a comma-separated list), deactivated users still resolve (DescribeUsers
 * `Include=ALL`), and `User.storage` is the same whichever other fields the request selected.
 */
import { DeactivateUserCommand } from '@aws-sdk/client-workdocs';
import { describe, expect, test } from 'vitest';
import { useStack } from '../helpers/stack.js';
import { createUser, sdkClient } from '../helpers/workdocs.js';

const stack = useStack({}, { resetChaosBeforeEach: true });
const USERS = 'query ($ids: [ID!]!) { users(ids: $ids) { id username status } }';

describe('user ids', () => {
  test('a 256-character id is a user id (longer than a document id may be): asked for, null', async () => {
    const res = await stack.graphql(USERS, { ids: ['u'.repeat(256)] }, stack.local.demoToken);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data).toEqual({ users: [null] });
    expect(await stack.stats()).toEqual({ DescribeUsers: 1 });
  });

  test.each([
    ['257 characters', 'u'.repeat(257), 'ids[0]: must be 1 to 256 characters long (got 257)'],
    [
      'a comma (would split the DescribeUsers list)',
      'a,b',
      'ids[0]: may contain only letters, digits, "&", "_", "+", "-", ".", and "@"',
    ],
    [
      'a path',
      '../etc/passwd',
      'ids[0]: may contain only letters, digits, "&", "_", "+", "-", ".", and "@"',
    ],
    [
      'an unpaired surrogate',
      'a\ud800b',
      'ids[0]: is not well-formed Unicode (it contains an unpaired surrogate, e.g. "\\ud800")',
    ],
  ])('%s → INVALID_ARGUMENT on ids[0], no call', async (_why, id, message) => {
    const res = await stack.graphql(USERS, { ids: [id] }, stack.local.demoToken);
    expect(res.body.data).toBeNull();
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors?.[0]?.message).toBe(message);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'INVALID_ARGUMENT',
      field: 'ids[0]',
      httpStatus: 400,
      retryable: false,
    });
    expect(await stack.stats()).toEqual({});
  });
});

test('a deactivated user still resolves (Include=ALL), with status INACTIVE', async () => {
  const client = sdkClient(stack.local);
  const user = await createUser(client, stack.local, `leaver${String(Date.now())}`);
  await client.send(new DeactivateUserCommand({ UserId: user.userId }));
  const res = await stack.graphql(USERS, { ids: [user.userId] }, stack.local.demoToken);
  expect(res.body.errors).toBeUndefined();
  expect(res.body.data).toEqual({
    users: [{ id: user.userId, username: user.username, status: 'INACTIVE' }],
  });
});

test('User.storage is the same whether or not `me` was also selected', async () => {
  const id = stack.local.demoUserId;
  const storage = '{ storageUtilizedInBytes storageType }';
  const alone = await stack.graphql(
    `query ($ids: [ID!]!) { users(ids: $ids) { storage ${storage} } }`,
    { ids: [id] },
    stack.local.demoToken,
  );
  const withMe = await stack.graphql(
    `query ($ids: [ID!]!) { me { id } users(ids: $ids) { storage ${storage} } }`,
    { ids: [id] },
    stack.local.demoToken,
  );
  expect(alone.body.errors).toBeUndefined();
  expect(withMe.body.errors).toBeUndefined();
  const users = alone.body.data?.users as { storage: unknown }[];
  expect(users[0]?.storage).toEqual({
    storageUtilizedInBytes: expect.any(Number) as unknown,
    storageType: expect.any(String) as unknown,
  });
  expect(withMe.body.data?.users).toEqual(alone.body.data?.users);
});
