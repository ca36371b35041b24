/** `UploadMetadata`: the upload URL and the `SignedHeaders` map as a list of `{ name value }`. */
import type { UploadMetadataResolvers } from '../../generated/graphql.js';
import { GatewayError } from '../errors.js';

export const uploadResolvers: UploadMetadataResolvers = {
  uploadUrl: (p) => {
    if (p.UploadUrl === undefined) {
      throw new GatewayError({
        code: 'INTERNAL_SERVER_ERROR',
        message: 'WorkDocs answered without UploadMetadata.UploadUrl',
      });
    }
    return p.UploadUrl;
  },
  signedHeaders: (p) =>
    Object.entries(p.SignedHeaders ?? {}).map(([name, value]) => ({ name, value })),
};
