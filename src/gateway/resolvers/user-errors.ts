/**
 * Type resolution of the result unions and of the `UserError` interface: every object the
 * mutations return carries its `__typename` (see `toUserErrorResult` in `errors.ts`).
 */
import type { Resolvers } from '../../generated/graphql.js';

const byTypename = <T extends string>(p: { __typename?: T }): T | null => p.__typename ?? null;

export const userErrorResolvers: Resolvers = {
  UserError: { __resolveType: byTypename },
  InitiateDocumentVersionUploadResult: { __resolveType: byTypename },
  CompleteDocumentVersionUploadResult: { __resolveType: byTypename },
  AbortDocumentVersionUploadResult: { __resolveType: byTypename },
};
