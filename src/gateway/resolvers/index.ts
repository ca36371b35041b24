/** The resolver map: one file per type (or per pair of closely related types), merged here. */
import type { Resolvers } from '../../generated/graphql.js';
import { documentResolvers } from './document.js';
import { folderResolvers } from './folder.js';
import { completedUploadResolvers, mutationResolvers } from './mutation.js';
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
  CompleteDocumentVersionUploadPayload: completedUploadResolvers,
  DocumentMetadata: documentResolvers,
  DocumentVersionMetadata: versionResolvers,
  DocumentThumbnailUrls: thumbnailResolvers,
  DocumentSourceUrls: sourceResolvers,
  UploadMetadata: uploadResolvers,
  ...queryResolvers,
  ...folderResolvers,
  ...userResolvers,
};
