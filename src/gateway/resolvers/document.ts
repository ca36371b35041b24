/**
 * `DocumentMetadata`: the SDK's `DocumentMetadata` (PascalCase) → the GraphQL fields, the relations
 * (`creator`, `parentFolder`, `versions`) and the federation reference, all through the request's
 * loaders.
 */
import type { DocumentMetadataResolvers } from '../../generated/graphql.js';
import { toGraphQLError } from '../errors.js';
import { isEntityNotExists } from '../loaders.js';
import { requiredId } from '../validation.js';
import { resolveFolder } from './folder.js';
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
  __resolveReference: async (ref, ctx) => {
    try {
      return await ctx.loaders.documents.load(requiredId(ref.id, 'representations.id'));
    } catch (err) {
      if (isEntityNotExists(err)) return null;
      throw toGraphQLError(err);
    }
  },
  creator: (p, _args, ctx) => resolveUser(ctx, p.CreatorId),
  parentFolder: (p, _args, ctx) => resolveFolder(ctx, p.ParentFolderId),
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
