/**
 * Every GraphQL operation of the page, typed by `@graphql-codegen`'s client preset from the
 * gateway's `schema/*.graphql` (`npm run codegen` writes `./gql/`; CI fails when it drifts).
 * Documents are plain strings (`documentMode: string`): no GraphQL library ships to the browser.
 */
import { graphql } from './gql/index.js';

/** Who the token belongs to and where their files are. */
export const MeQuery = graphql(`
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
`);

/** One page of a folder's contents, with what the list shows for each item. */
export const FolderPageQuery = graphql(`
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
`);

/** A document as the list shows it: name, size, status, creator, versions and download link. */
export const ListedDocumentFragment = graphql(`
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
`);

/** One document as the list shows it (read back after an upload). */
export const ListedDocumentQuery = graphql(`
  query ListedDocumentById($id: ID!) {
    document(id: $id) {
      ...ListedDocument
    }
  }
`);

/** Step 1: create the document (or a new version of `input.id`) and get where to PUT the bytes. */
export const InitiateUploadMutation = graphql(`
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
`);

/** Step 3: activate the uploaded version. */
export const CompleteUploadMutation = graphql(`
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
`);

/** Cancel: remove the INITIALIZED version (and the document if it was its only version). */
export const AbortUploadMutation = graphql(`
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
`);

/** What every expected (union) error of the upload mutations carries. */
export const UploadUserErrorFragment = graphql(`
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
`);
