/**
 * `User` (fields and federation reference, through the request's batched `users` loader) and
 * `UserStorage`.
 */
import type { Resolvers, UserResolvers, UserStorageResolvers } from '../../generated/graphql.js';
import type { GatewayContext } from '../context.js';
import { toGraphQLError } from '../errors.js';
import type { UserModel } from '../models.js';
import { requiredUserId } from '../validation.js';

/**
 * A relation to a user (`creator` of a document, version or folder): batched through the request's
 * `users` loader; null when there is no id or no such user; a failure is the table's GraphQLError.
 */
export async function resolveUser(
  ctx: GatewayContext,
  userId: string | undefined,
): Promise<UserModel | null> {
  if (!userId) return null;
  try {
    return await ctx.loaders.users.load(userId);
  } catch (err) {
    throw toGraphQLError(err);
  }
}

const user: UserResolvers = {
  __resolveReference: async (ref, ctx) => {
    try {
      return await ctx.loaders.users.load(requiredUserId(ref.id, 'representations.id'));
    } catch (err) {
      throw toGraphQLError(err);
    }
  },
  id: (p) => p.Id ?? '',
  username: (p) => p.Username ?? null,
  emailAddress: (p) => p.EmailAddress ?? null,
  givenName: (p) => p.GivenName ?? null,
  surname: (p) => p.Surname ?? null,
  organizationId: (p) => p.OrganizationId ?? null,
  rootFolderId: (p) => p.RootFolderId ?? null,
  recycleBinFolderId: (p) => p.RecycleBinFolderId ?? null,
  status: (p) => p.Status ?? null,
  type: (p) => p.Type ?? null,
  createdTimestamp: (p) => p.CreatedTimestamp ?? null,
  modifiedTimestamp: (p) => p.ModifiedTimestamp ?? null,
  timeZoneId: (p) => p.TimeZoneId ?? null,
  locale: (p) => p.Locale ?? null,
  storage: (p) => p.Storage ?? null,
};

const userStorage: UserStorageResolvers = {
  storageUtilizedInBytes: (p) => p.StorageUtilizedInBytes ?? null,
  storageAllocatedInBytes: (p) => p.StorageRule?.StorageAllocatedInBytes ?? null,
  storageType: (p) => p.StorageRule?.StorageType ?? null,
};

export const userResolvers: Resolvers = {
  User: user,
  UserStorage: userStorage,
};
