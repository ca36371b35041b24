/**
 * `DocumentMetadata`: the SDK's `DocumentMetadata` (PascalCase) → the GraphQL fields.
 * Engineer C adds the relation fields (`creator`, `parentFolder`, `versions`) and
 * `__resolveReference` here.
 */
import type { DocumentMetadataResolvers } from '../../generated/graphql.js';
import { toGraphQLError } from '../errors.js';
import { isEntityNotExists } from '../loaders.js';
import { requiredId } from '../validation.js';
import { resolveUser } from './user.js';

export const documentResolvers: DocumentMetadataResolvers = {
  id: (p) => p.Id ?? '',
  creatorId: (p) => p.CreatorId ?? null,
  parentFolderId: (p) => p.ParentFolderId ?? null,
  createdTimestamp: (p) => p.CreatedTimestamp ?? null,
  modifiedTimestamp: (p) => p.ModifiedTimestamp ?? null,
  latestVersionMetadata: (p) =>
    p.LatestVersionMetadata === undefined
      ? null
      : { documentId: p.Id, version: p.LatestVersionMetadata },
  resourceState: (p) => p.ResourceState ?? null,
  labels: (p) => p.Labels ?? [],
  // Relations and the federation reference (engineer C), all through the request's loaders.
  __resolveReference: async (ref, ctx) => {
    try {
      return await ctx.loaders.documents.load(requiredId(ref.id, 'representations.id'));
    } catch (err) {
      if (isEntityNotExists(err)) return null;
      throw toGraphQLError(err);
    }
  },
  creator: (p, _args, ctx) => resolveUser(ctx, p.CreatorId),
  parentFolder: async (p, _args, ctx) => {
    if (!p.ParentFolderId) return null;
    try {
      return await ctx.loaders.folders.load(p.ParentFolderId);
    } catch (err) {
      throw toGraphQLError(err);
    }
  },
  versions: async (p, _args, ctx) => {
    if (!p.Id) return [];
    const documentId = p.Id;
    try {
      const versions = await ctx.loaders.documentVersions.load(documentId);
      return versions.map((version) => ({ documentId, version }));
    } catch (err) {
      throw toGraphQLError(err);
    }
  },
};
