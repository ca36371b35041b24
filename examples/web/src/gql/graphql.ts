/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** The status of a document version (WorkDocs `DocumentStatusType`). */
export type DocumentStatus =
  /** Activated by `completeDocumentVersionUpload`; the current content of the document. */
  | 'ACTIVE'
  /** Created by `initiateDocumentVersionUpload`; its bytes are not uploaded or not yet activated. */
  | 'INITIALIZED';

/**
 * The machine-readable code of an error. Every WorkDocs exception has one value, named after it
 * (`EntityNotExistsException` → `ENTITY_NOT_EXISTS`); the values from `UNAUTHENTICATED` on are the gateway's own.
 * Expected, user-recoverable outcomes come back as data (a member of a mutation's result union that
 * implements `UserError`); the others come back in the response's `errors`, with this code in
 * `extensions.code`.
 */
export type ErrorCode =
  /** The request is malformed in a way GraphQL validation cannot express. */
  | 'BAD_USER_INPUT'
  /** Another modification of the resource is under way (`ConcurrentModificationException`). */
  | 'CONCURRENT_MODIFICATION'
  /** Another conflicting operation is under way (`ConflictingOperationException`). */
  | 'CONFLICTING_OPERATION'
  /** Too many custom metadata entries (`CustomMetadataLimitExceededException`). */
  | 'CUSTOM_METADATA_LIMIT_EXCEEDED'
  /** The last system user cannot be deactivated (`DeactivatingLastSystemUserException`). */
  | 'DEACTIVATING_LAST_SYSTEM_USER'
  /** The document is locked for comments (`DocumentLockedForCommentsException`). */
  | 'DOCUMENT_LOCKED_FOR_COMMENTS'
  /** The draft upload is out of sync with the document (`DraftUploadOutOfSyncException`). */
  | 'DRAFT_UPLOAD_OUT_OF_SYNC'
  /** The resource already exists (`EntityAlreadyExistsException`). */
  | 'ENTITY_ALREADY_EXISTS'
  /** A resource named in the request does not exist (`EntityNotExistsException`). */
  | 'ENTITY_NOT_EXISTS'
  /** A system WorkDocs depends on failed, for example AWS Directory Service (`FailedDependencyException`). */
  | 'FAILED_DEPENDENCY'
  /** The user is in a state that forbids the operation (`IllegalUserStateException`). */
  | 'ILLEGAL_USER_STATE'
  /** An unexpected failure inside the gateway or an unrecognised upstream error. */
  | 'INTERNAL_SERVER_ERROR'
  /** An argument is invalid; raised by WorkDocs or by the gateway's own validation (`InvalidArgumentException`). */
  | 'INVALID_ARGUMENT'
  /** The comment operation is invalid (`InvalidCommentOperationException`). */
  | 'INVALID_COMMENT_OPERATION'
  /** The operation is not valid for the resource (`InvalidOperationException`). */
  | 'INVALID_OPERATION'
  /** The password is invalid (`InvalidPasswordException`). */
  | 'INVALID_PASSWORD'
  /** A WorkDocs limit was reached, for example children of a folder (`LimitExceededException`). */
  | 'LIMIT_EXCEEDED'
  /** The resource is in a state that forbids the operation (`ProhibitedStateException`). */
  | 'PROHIBITED_STATE'
  /** The response would be too large (`RequestedEntityTooLargeException`). */
  | 'REQUESTED_ENTITY_TOO_LARGE'
  /**
   * The request used up its budget of WorkDocs calls (`GATEWAY_MAX_UPSTREAM_CALLS`) or of items read
   * (`GATEWAY_MAX_ITEMS_READ`); further calls were not sent. Not retryable as is: ask for less.
   */
  | 'REQUEST_BUDGET_EXCEEDED'
  /** The client closed the connection; the request's outstanding WorkDocs calls were aborted (seen in logs only). */
  | 'REQUEST_CANCELLED'
  /**
   * The whole request passed its deadline (`GATEWAY_REQUEST_TIMEOUT_MS`); its outstanding WorkDocs
   * calls were aborted and no further call was sent. `retryable` is true for reads; for a write whose
   * outcome is unknown it is false (read the document or folder to find out).
   */
  | 'REQUEST_TIMEOUT'
  /** The resource is checked out by another user (`ResourceAlreadyCheckedOutException`). */
  | 'RESOURCE_ALREADY_CHECKED_OUT'
  /** WorkDocs is unavailable; retry later (`ServiceUnavailableException`). */
  | 'SERVICE_UNAVAILABLE'
  /** The user's storage quota is used up (`StorageLimitExceededException`). */
  | 'STORAGE_LIMIT_EXCEEDED'
  /** The declared size would exceed the user's storage quota (`StorageLimitWillExceedException`). */
  | 'STORAGE_LIMIT_WILL_EXCEED'
  /** WorkDocs (or a proxy before it) throttled the request (`ThrottlingException`, HTTP 429, …). Retry later, more slowly. */
  | 'THROTTLED'
  /** Too many labels on the resource (`TooManyLabelsException`). */
  | 'TOO_MANY_LABELS'
  /** Too many notification subscriptions (`TooManySubscriptionsException`). */
  | 'TOO_MANY_SUBSCRIPTIONS'
  /**
   * No WorkDocs token was sent (`Authorization: Bearer <token>`) and the gateway may not act with its
   * own credentials, or WorkDocs refused the token (expired, revoked or unknown: sign in again;
   * `extensions.exception` then names WorkDocs' exception, `UnauthorizedResourceAccessException`).
   */
  | 'UNAUTHENTICATED'
  /** The caller may not perform this operation (`UnauthorizedOperationException`, HTTP 403). */
  | 'UNAUTHORIZED_OPERATION'
  /** The token or credentials do not grant access to the resource (`UnauthorizedResourceAccessException`). */
  | 'UNAUTHORIZED_RESOURCE_ACCESS'
  /** WorkDocs did not answer within the gateway's deadline (`WORKDOCS_TIMEOUT_MS`). Safe to retry reads. */
  | 'UPSTREAM_TIMEOUT'
  /** WorkDocs could not be reached (connection refused, reset or lost response). */
  | 'UPSTREAM_UNREACHABLE';

/** The arguments of `initiateDocumentVersionUpload`, WorkDocs' parameters in GraphQL casing. */
export type InitiateDocumentVersionUploadInput = {
  /** When the content was originally created. */
  contentCreatedTimestamp?: string | null | undefined;
  /** When the content was last modified. */
  contentModifiedTimestamp?: string | null | undefined;
  /** The content type (MIME type), 1 to 128 characters; it becomes the upload's `Content-Type`. */
  contentType?: string | null | undefined;
  /** The size of the file in bytes (0 or more). When given, the upload must have exactly this size and it counts against the quota. */
  documentSizeInBytes?: number | string | null | undefined;
  /** The ID of an existing document, to upload a new version of it; omit to create a document. */
  id?: string | number | null | undefined;
  /** The name of the document (1 to 255 characters). */
  name?: string | null | undefined;
  /** The ID of the folder to create the document in. */
  parentFolderId?: string | number | null | undefined;
};

/** Whether a user's storage is limited (WorkDocs `StorageType`). */
export type StorageType =
  | 'QUOTA'
  | 'UNLIMITED';

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { me: { id: string, username: string | null, givenName: string | null, surname: string | null, rootFolderId: string | null, storage: { storageUtilizedInBytes: number | string | null, storageAllocatedInBytes: number | string | null, storageType: StorageType | null } | null } };

export type FolderPageQueryVariables = Exact<{
  folderId: string | number;
  first: number;
  after?: string | null | undefined;
}>;


export type FolderPageQuery = { folder: { id: string, name: string | null, parentFolderId: string | null, contents: { edges: Array<{ cursor: string, node:
          | { __typename: 'DocumentMetadata', id: string, modifiedTimestamp: string | null, latestVersionMetadata: { id: string, name: string | null, size: number | string | null, status: DocumentStatus | null, contentType: string | null, source: { original: string | null } | null } | null, creator: { id: string, username: string | null, givenName: string | null, surname: string | null } | null, versions: Array<{ id: string }> }
          | { __typename: 'FolderMetadata', id: string, name: string | null, modifiedTimestamp: string | null }
         }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export type ListedDocumentFragment = { id: string, modifiedTimestamp: string | null, latestVersionMetadata: { id: string, name: string | null, size: number | string | null, status: DocumentStatus | null, contentType: string | null, source: { original: string | null } | null } | null, creator: { id: string, username: string | null, givenName: string | null, surname: string | null } | null, versions: Array<{ id: string }> };

export type ListedDocumentByIdQueryVariables = Exact<{
  id: string | number;
}>;


export type ListedDocumentByIdQuery = { document: { id: string, modifiedTimestamp: string | null, latestVersionMetadata: { id: string, name: string | null, size: number | string | null, status: DocumentStatus | null, contentType: string | null, source: { original: string | null } | null } | null, creator: { id: string, username: string | null, givenName: string | null, surname: string | null } | null, versions: Array<{ id: string }> } | null };

export type InitiateUploadMutationVariables = Exact<{
  input: InitiateDocumentVersionUploadInput;
}>;


export type InitiateUploadMutation = { initiateDocumentVersionUpload:
    | { __typename: 'DraftUploadOutOfSyncError', code: ErrorCode, message: string, requestId: string | null }
    | { __typename: 'EntityAlreadyExistsError', code: ErrorCode, message: string, requestId: string | null }
    | { __typename: 'EntityNotExistsError', entityIds: Array<string>, code: ErrorCode, message: string, requestId: string | null }
    | { __typename: 'InitiateDocumentVersionUploadPayload', metadata: { id: string, latestVersionMetadata: { id: string } | null }, uploadMetadata: { uploadUrl: string, signedHeaders: Array<{ name: string, value: string }> } }
    | { __typename: 'InvalidArgumentError', field: string | null, code: ErrorCode, message: string, requestId: string | null }
    | { __typename: 'LimitExceededError', code: ErrorCode, message: string, requestId: string | null }
    | { __typename: 'ProhibitedStateError', code: ErrorCode, message: string, requestId: string | null }
    | { __typename: 'ResourceAlreadyCheckedOutError', code: ErrorCode, message: string, requestId: string | null }
    | { __typename: 'StorageLimitExceededError', code: ErrorCode, message: string, requestId: string | null }
    | { __typename: 'StorageLimitWillExceedError', code: ErrorCode, message: string, requestId: string | null }
   };

export type CompleteUploadMutationVariables = Exact<{
  documentId: string | number;
  versionId: string | number;
}>;


export type CompleteUploadMutation = { completeDocumentVersionUpload:
    | { __typename: 'CompleteDocumentVersionUploadPayload', document: { id: string, modifiedTimestamp: string | null, latestVersionMetadata: { id: string, name: string | null, size: number | string | null, status: DocumentStatus | null, contentType: string | null, source: { original: string | null } | null } | null, creator: { id: string, username: string | null, givenName: string | null, surname: string | null } | null, versions: Array<{ id: string }> } | null }
    | { __typename: 'ConcurrentModificationError', code: ErrorCode, message: string, requestId: string | null }
    | { __typename: 'EntityNotExistsError', entityIds: Array<string>, code: ErrorCode, message: string, requestId: string | null }
    | { __typename: 'InvalidArgumentError', field: string | null, code: ErrorCode, message: string, requestId: string | null }
    | { __typename: 'InvalidOperationError', code: ErrorCode, message: string, requestId: string | null }
    | { __typename: 'ProhibitedStateError', code: ErrorCode, message: string, requestId: string | null }
   };

export type AbortUploadMutationVariables = Exact<{
  documentId: string | number;
  versionId: string | number;
}>;


export type AbortUploadMutation = { abortDocumentVersionUpload:
    | { __typename: 'AbortDocumentVersionUploadPayload', documentId: string, versionId: string }
    | { __typename: 'ConcurrentModificationError', code: ErrorCode, message: string, requestId: string | null }
    | { __typename: 'EntityNotExistsError', entityIds: Array<string>, code: ErrorCode, message: string, requestId: string | null }
    | { __typename: 'InvalidArgumentError', field: string | null, code: ErrorCode, message: string, requestId: string | null }
    | { __typename: 'ProhibitedStateError', code: ErrorCode, message: string, requestId: string | null }
   };

type UploadUserError_ConcurrentModificationError_Fragment = { __typename: 'ConcurrentModificationError', code: ErrorCode, message: string, requestId: string | null };

type UploadUserError_DraftUploadOutOfSyncError_Fragment = { __typename: 'DraftUploadOutOfSyncError', code: ErrorCode, message: string, requestId: string | null };

type UploadUserError_EntityAlreadyExistsError_Fragment = { __typename: 'EntityAlreadyExistsError', code: ErrorCode, message: string, requestId: string | null };

type UploadUserError_EntityNotExistsError_Fragment = { __typename: 'EntityNotExistsError', entityIds: Array<string>, code: ErrorCode, message: string, requestId: string | null };

type UploadUserError_InvalidArgumentError_Fragment = { __typename: 'InvalidArgumentError', field: string | null, code: ErrorCode, message: string, requestId: string | null };

type UploadUserError_InvalidOperationError_Fragment = { __typename: 'InvalidOperationError', code: ErrorCode, message: string, requestId: string | null };

type UploadUserError_LimitExceededError_Fragment = { __typename: 'LimitExceededError', code: ErrorCode, message: string, requestId: string | null };

type UploadUserError_ProhibitedStateError_Fragment = { __typename: 'ProhibitedStateError', code: ErrorCode, message: string, requestId: string | null };

type UploadUserError_ResourceAlreadyCheckedOutError_Fragment = { __typename: 'ResourceAlreadyCheckedOutError', code: ErrorCode, message: string, requestId: string | null };

type UploadUserError_StorageLimitExceededError_Fragment = { __typename: 'StorageLimitExceededError', code: ErrorCode, message: string, requestId: string | null };

type UploadUserError_StorageLimitWillExceedError_Fragment = { __typename: 'StorageLimitWillExceedError', code: ErrorCode, message: string, requestId: string | null };

export type UploadUserErrorFragment =
  | UploadUserError_ConcurrentModificationError_Fragment
  | UploadUserError_DraftUploadOutOfSyncError_Fragment
  | UploadUserError_EntityAlreadyExistsError_Fragment
  | UploadUserError_EntityNotExistsError_Fragment
  | UploadUserError_InvalidArgumentError_Fragment
  | UploadUserError_InvalidOperationError_Fragment
  | UploadUserError_LimitExceededError_Fragment
  | UploadUserError_ProhibitedStateError_Fragment
  | UploadUserError_ResourceAlreadyCheckedOutError_Fragment
  | UploadUserError_StorageLimitExceededError_Fragment
  | UploadUserError_StorageLimitWillExceedError_Fragment
;

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const ListedDocumentFragmentDoc = new TypedDocumentString(`
    fragment ListedDocument on DocumentMetadata {
  id
  modifiedTimestamp
  latestVersionMetadata {
    id
    name
    size
    status
    contentType
    source {
      original
    }
  }
  creator {
    id
    username
    givenName
    surname
  }
  versions {
    id
  }
}
    `, {"fragmentName":"ListedDocument"}) as unknown as TypedDocumentString<ListedDocumentFragment, unknown>;
export const UploadUserErrorFragmentDoc = new TypedDocumentString(`
    fragment UploadUserError on UserError {
  __typename
  code
  message
  requestId
  ... on EntityNotExistsError {
    entityIds
  }
  ... on InvalidArgumentError {
    field
  }
}
    `, {"fragmentName":"UploadUserError"}) as unknown as TypedDocumentString<UploadUserErrorFragment, unknown>;
export const MeDocument = new TypedDocumentString(`
    query Me {
  me {
    id
    username
    givenName
    surname
    rootFolderId
    storage {
      storageUtilizedInBytes
      storageAllocatedInBytes
      storageType
    }
  }
}
    `) as unknown as TypedDocumentString<MeQuery, MeQueryVariables>;
export const FolderPageDocument = new TypedDocumentString(`
    query FolderPage($folderId: ID!, $first: Int!, $after: String) {
  folder(id: $folderId) {
    id
    name
    parentFolderId
    contents(first: $first, after: $after, type: ALL, sort: NAME, order: ASCENDING) {
      edges {
        cursor
        node {
          __typename
          ... on FolderMetadata {
            id
            name
            modifiedTimestamp
          }
          ... on DocumentMetadata {
            ...ListedDocument
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
}
    fragment ListedDocument on DocumentMetadata {
  id
  modifiedTimestamp
  latestVersionMetadata {
    id
    name
    size
    status
    contentType
    source {
      original
    }
  }
  creator {
    id
    username
    givenName
    surname
  }
  versions {
    id
  }
}`) as unknown as TypedDocumentString<FolderPageQuery, FolderPageQueryVariables>;
export const ListedDocumentByIdDocument = new TypedDocumentString(`
    query ListedDocumentById($id: ID!) {
  document(id: $id) {
    ...ListedDocument
  }
}
    fragment ListedDocument on DocumentMetadata {
  id
  modifiedTimestamp
  latestVersionMetadata {
    id
    name
    size
    status
    contentType
    source {
      original
    }
  }
  creator {
    id
    username
    givenName
    surname
  }
  versions {
    id
  }
}`) as unknown as TypedDocumentString<ListedDocumentByIdQuery, ListedDocumentByIdQueryVariables>;
export const InitiateUploadDocument = new TypedDocumentString(`
    mutation InitiateUpload($input: InitiateDocumentVersionUploadInput!) {
  initiateDocumentVersionUpload(input: $input) {
    __typename
    ... on InitiateDocumentVersionUploadPayload {
      metadata {
        id
        latestVersionMetadata {
          id
        }
      }
      uploadMetadata {
        uploadUrl
        signedHeaders {
          name
          value
        }
      }
    }
    ...UploadUserError
  }
}
    fragment UploadUserError on UserError {
  __typename
  code
  message
  requestId
  ... on EntityNotExistsError {
    entityIds
  }
  ... on InvalidArgumentError {
    field
  }
}`) as unknown as TypedDocumentString<InitiateUploadMutation, InitiateUploadMutationVariables>;
export const CompleteUploadDocument = new TypedDocumentString(`
    mutation CompleteUpload($documentId: ID!, $versionId: ID!) {
  completeDocumentVersionUpload(documentId: $documentId, versionId: $versionId) {
    __typename
    ... on CompleteDocumentVersionUploadPayload {
      document {
        ...ListedDocument
      }
    }
    ...UploadUserError
  }
}
    fragment ListedDocument on DocumentMetadata {
  id
  modifiedTimestamp
  latestVersionMetadata {
    id
    name
    size
    status
    contentType
    source {
      original
    }
  }
  creator {
    id
    username
    givenName
    surname
  }
  versions {
    id
  }
}
fragment UploadUserError on UserError {
  __typename
  code
  message
  requestId
  ... on EntityNotExistsError {
    entityIds
  }
  ... on InvalidArgumentError {
    field
  }
}`) as unknown as TypedDocumentString<CompleteUploadMutation, CompleteUploadMutationVariables>;
export const AbortUploadDocument = new TypedDocumentString(`
    mutation AbortUpload($documentId: ID!, $versionId: ID!) {
  abortDocumentVersionUpload(documentId: $documentId, versionId: $versionId) {
    __typename
    ... on AbortDocumentVersionUploadPayload {
      documentId
      versionId
    }
    ...UploadUserError
  }
}
    fragment UploadUserError on UserError {
  __typename
  code
  message
  requestId
  ... on EntityNotExistsError {
    entityIds
  }
  ... on InvalidArgumentError {
    field
  }
}`) as unknown as TypedDocumentString<AbortUploadMutation, AbortUploadMutationVariables>;