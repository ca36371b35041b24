/**
 * `DocumentVersionMetadata` (the SDK's version metadata plus its document id) and the typed
 * `Thumbnail` / `Source` maps, and the relation `creator`.
 *
 * `source`: WorkDocs only returns download URLs when asked (`Fields=SOURCE`), so when the field is
 * selected and the parent lacks them, it reads the version again with `Fields=SOURCE` through the
 * request's `documentVersion` loader (one call per version and request, however often selected).
 */
import type {
  DocumentSourceUrlsResolvers,
  DocumentThumbnailUrlsResolvers,
  DocumentVersionMetadataResolvers,
} from '../../generated/graphql.js';
import { toGraphQLError } from '../errors.js';
import { resolveUser } from './user.js';

export const versionResolvers: DocumentVersionMetadataResolvers = {
  id: (p) => p.version.Id ?? '',
  name: (p) => p.version.Name ?? null,
  contentType: (p) => p.version.ContentType ?? null,
  size: (p) => p.version.Size ?? null,
  signature: (p) => p.version.Signature ?? null,
  status: (p) => p.version.Status ?? null,
  createdTimestamp: (p) => p.version.CreatedTimestamp ?? null,
  modifiedTimestamp: (p) => p.version.ModifiedTimestamp ?? null,
  contentCreatedTimestamp: (p) => p.version.ContentCreatedTimestamp ?? null,
  contentModifiedTimestamp: (p) => p.version.ContentModifiedTimestamp ?? null,
  creatorId: (p) => p.version.CreatorId ?? null,
  thumbnail: (p) => p.version.Thumbnail ?? null,
  // Batched through DescribeUsers by the request's loader.
  creator: (p, _args, ctx) => resolveUser(ctx, p.version.CreatorId),
  source: async (p, _args, ctx) => {
    if (p.version.Source !== undefined) return p.version.Source;
    if (p.documentId === undefined || p.version.Id === undefined) return null;
    try {
      const version = await ctx.loaders.documentVersion.load({
        documentId: p.documentId,
        versionId: p.version.Id,
        withSource: true,
      });
      return version.Source ?? null;
    } catch (err) {
      throw toGraphQLError(err);
    }
  },
};

export const thumbnailResolvers: DocumentThumbnailUrlsResolvers = {
  small: (p) => p.SMALL ?? null,
  smallHq: (p) => p.SMALL_HQ ?? null,
  large: (p) => p.LARGE ?? null,
};

export const sourceResolvers: DocumentSourceUrlsResolvers = {
  original: (p) => p.ORIGINAL ?? null,
  withComments: (p) => p.WITH_COMMENTS ?? null,
};
