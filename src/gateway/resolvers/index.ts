/**
 * The resolver map: one file per type, merged here (reads — `query.ts`, `folder.ts`, `user.ts` —
 * are engineer C's; the upload flow and the shared document/version/error types are B's).
 */
import type { Resolvers } from '../../generated/graphql.js';
import { documentResolvers } from './document.js';
import { folderResolvers } from './folder.js';
import { mutationResolvers } from './mutation.js';
import { queryResolvers } from './query.js';
import { scalarResolvers } from './scalars.js';
import { uploadResolvers } from './upload.js';
import { userErrorResolvers } from './user-errors.js';
import { userResolvers } from './user.js';
import { sourceResolvers, thumbnailResolvers, versionResolvers } from './version.js';

export const resolvers: Resolvers = {
  ...scalarResolvers,
  ...userErrorResolvers,
  Mutation: mutationResolvers,
  DocumentMetadata: documentResolvers,
  DocumentVersionMetadata: versionResolvers,
  DocumentThumbnailUrls: thumbnailResolvers,
  DocumentSourceUrls: sourceResolvers,
  UploadMetadata: uploadResolvers,
  ...queryResolvers,
  ...folderResolvers,
  ...userResolvers,
};
