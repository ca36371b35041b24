/**
 * The upload flow: `initiateDocumentVersionUpload` (WorkDocs InitiateDocumentVersionUpload),
 * `completeDocumentVersionUpload` (UpdateDocumentVersion with VersionStatus=ACTIVE; the payload's
 * `document` then reads the document through the request's loader) and `abortDocumentVersionUpload` (AbortDocumentVersionUpload).
 *
 * Each validates its arguments against the model first (no upstream call on bad input), sends
 * through `ctx.workdocs` (which adds the caller's token), and returns either its payload or the
 * union member of an expected error; other failures are GraphQLErrors (see `errors.ts`).
 */
import {
  AbortDocumentVersionUploadCommand,
  InitiateDocumentVersionUploadCommand,
  UpdateDocumentVersionCommand,
} from '@aws-sdk/client-workdocs';
import type {
  CompleteDocumentVersionUploadPayloadResolvers,
  MutationResolvers,
} from '../../generated/graphql.js';
import {
  GatewayError,
  toGraphQLError,
  toUserErrorResult,
  type UserErrorTypename,
} from '../errors.js';
import { requiredId, validateInitiateInput } from '../validation.js';

/** The error members of `InitiateDocumentVersionUploadResult`. */
export const INITIATE_ERROR_TYPES = [
  'EntityNotExistsError',
  'EntityAlreadyExistsError',
  'StorageLimitExceededError',
  'StorageLimitWillExceedError',
  'LimitExceededError',
  'ProhibitedStateError',
  'DraftUploadOutOfSyncError',
  'ResourceAlreadyCheckedOutError',
  'InvalidArgumentError',
] as const satisfies readonly UserErrorTypename[];

/** The error members of `CompleteDocumentVersionUploadResult`. */
export const COMPLETE_ERROR_TYPES = [
  'EntityNotExistsError',
  'ProhibitedStateError',
  'ConcurrentModificationError',
  'InvalidOperationError',
  'InvalidArgumentError',
] as const satisfies readonly UserErrorTypename[];

/** The error members of `AbortDocumentVersionUploadResult`. */
export const ABORT_ERROR_TYPES = [
  'EntityNotExistsError',
  'ProhibitedStateError',
  'ConcurrentModificationError',
  'InvalidArgumentError',
] as const satisfies readonly UserErrorTypename[];

function missing(what: string, requestId: string | undefined): GatewayError {
  return new GatewayError({
    code: 'INTERNAL_SERVER_ERROR',
    message: `WorkDocs answered without ${what}`,
    requestId,
  });
}

/** `CompleteDocumentVersionUploadPayload.document`: GetDocument after activation. */
export const completedUploadResolvers: CompleteDocumentVersionUploadPayloadResolvers = {
  documentId: (p) => p.documentId,
  versionId: (p) => p.versionId,
  document: async (p, _args, ctx) => {
    try {
      return await ctx.loaders.documents.load(p.documentId);
    } catch (err) {
      throw toGraphQLError(err);
    }
  },
};

export const mutationResolvers: MutationResolvers = {
  initiateDocumentVersionUpload: async (_parent, { input }, ctx) => {
    try {
      const out = await ctx.workdocs.send(
        new InitiateDocumentVersionUploadCommand(validateInitiateInput(input)),
      );
      if (out.Metadata === undefined) throw missing('Metadata', out.$metadata.requestId);
      if (out.UploadMetadata === undefined) {
        throw missing('UploadMetadata', out.$metadata.requestId);
      }
      return {
        __typename: 'InitiateDocumentVersionUploadPayload',
        metadata: out.Metadata,
        uploadMetadata: out.UploadMetadata,
      };
    } catch (err) {
      return toUserErrorResult(err, INITIATE_ERROR_TYPES);
    }
  },

  completeDocumentVersionUpload: async (_parent, args, ctx) => {
    try {
      const documentId = requiredId(args.documentId, 'documentId');
      const versionId = requiredId(args.versionId, 'versionId');
      await ctx.workdocs.send(
        new UpdateDocumentVersionCommand({
          DocumentId: documentId,
          VersionId: versionId,
          VersionStatus: 'ACTIVE',
        }),
      );
      // Activated: from here on the payload comes back; reading the document is `document`'s own
      // field (its failure is an error at that path, not a failed completion to retry).
      return { __typename: 'CompleteDocumentVersionUploadPayload', documentId, versionId };
    } catch (err) {
      return toUserErrorResult(err, COMPLETE_ERROR_TYPES);
    }
  },

  abortDocumentVersionUpload: async (_parent, args, ctx) => {
    try {
      const documentId = requiredId(args.documentId, 'documentId');
      const versionId = requiredId(args.versionId, 'versionId');
      await ctx.workdocs.send(
        new AbortDocumentVersionUploadCommand({ DocumentId: documentId, VersionId: versionId }),
      );
      return { __typename: 'AbortDocumentVersionUploadPayload', documentId, versionId };
    } catch (err) {
      return toUserErrorResult(err, ABORT_ERROR_TYPES);
    }
  },
};
