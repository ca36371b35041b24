/**
 * The values resolvers pass around: the AWS SDK's own output types (codegen `mappers`), so a
 * WorkDocs response flows into GraphQL without being copied into another shape first.
 */
import type {
  DocumentMetadata,
  DocumentVersionMetadata,
  FolderMetadata,
  UploadMetadata,
  User,
  UserStorageMetadata,
} from '@aws-sdk/client-workdocs';

export type DocumentModel = DocumentMetadata;
/** A version, with the id of its document (WorkDocs' version metadata does not carry it). */
export interface DocumentVersionModel {
  documentId: string | undefined;
  version: DocumentVersionMetadata;
}
export type FolderModel = FolderMetadata;
export type UserModel = User;
export type UploadModel = UploadMetadata;
export type UserStorageModel = UserStorageMetadata;
/** A WorkDocs `Thumbnail` or `Source` map. */
export type UrlMapModel = Partial<Record<string, string>>;
/** A completed upload: the ids; `document` is read by its own field resolver (errors at its path). */
export interface CompletedUploadModel {
  __typename?: 'CompleteDocumentVersionUploadPayload';
  documentId: string;
  versionId: string;
}
