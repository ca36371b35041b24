/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Me {\n    me {\n      id\n      username\n      givenName\n      surname\n      rootFolderId\n      storage {\n        storageUtilizedInBytes\n        storageAllocatedInBytes\n        storageType\n      }\n    }\n  }\n": typeof types.MeDocument,
    "\n  query FolderPage($folderId: ID!, $first: Int!, $after: String) {\n    folder(id: $folderId) {\n      id\n      name\n      parentFolderId\n      contents(first: $first, after: $after, type: ALL, sort: NAME, order: ASCENDING) {\n        edges {\n          cursor\n          node {\n            __typename\n            ... on FolderMetadata {\n              id\n              name\n              modifiedTimestamp\n            }\n            ... on DocumentMetadata {\n              ...ListedDocument\n            }\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.FolderPageDocument,
    "\n  fragment ListedDocument on DocumentMetadata {\n    id\n    modifiedTimestamp\n    latestVersionMetadata {\n      id\n      name\n      size\n      status\n      contentType\n      source {\n        original\n      }\n    }\n    creator {\n      id\n      username\n      givenName\n      surname\n    }\n    versions {\n      id\n    }\n  }\n": typeof types.ListedDocumentFragmentDoc,
    "\n  query ListedDocumentById($id: ID!) {\n    document(id: $id) {\n      ...ListedDocument\n    }\n  }\n": typeof types.ListedDocumentByIdDocument,
    "\n  mutation InitiateUpload($input: InitiateDocumentVersionUploadInput!) {\n    initiateDocumentVersionUpload(input: $input) {\n      __typename\n      ... on InitiateDocumentVersionUploadPayload {\n        metadata {\n          id\n          latestVersionMetadata {\n            id\n          }\n        }\n        uploadMetadata {\n          uploadUrl\n          signedHeaders {\n            name\n            value\n          }\n        }\n      }\n      ...UploadUserError\n    }\n  }\n": typeof types.InitiateUploadDocument,
    "\n  mutation CompleteUpload($documentId: ID!, $versionId: ID!) {\n    completeDocumentVersionUpload(documentId: $documentId, versionId: $versionId) {\n      __typename\n      ... on CompleteDocumentVersionUploadPayload {\n        document {\n          ...ListedDocument\n        }\n      }\n      ...UploadUserError\n    }\n  }\n": typeof types.CompleteUploadDocument,
    "\n  mutation AbortUpload($documentId: ID!, $versionId: ID!) {\n    abortDocumentVersionUpload(documentId: $documentId, versionId: $versionId) {\n      __typename\n      ... on AbortDocumentVersionUploadPayload {\n        documentId\n        versionId\n      }\n      ...UploadUserError\n    }\n  }\n": typeof types.AbortUploadDocument,
    "\n  fragment UploadUserError on UserError {\n    __typename\n    code\n    message\n    requestId\n    ... on EntityNotExistsError {\n      entityIds\n    }\n    ... on InvalidArgumentError {\n      field\n    }\n  }\n": typeof types.UploadUserErrorFragmentDoc,
};
const documents: Documents = {
    "\n  query Me {\n    me {\n      id\n      username\n      givenName\n      surname\n      rootFolderId\n      storage {\n        storageUtilizedInBytes\n        storageAllocatedInBytes\n        storageType\n      }\n    }\n  }\n": types.MeDocument,
    "\n  query FolderPage($folderId: ID!, $first: Int!, $after: String) {\n    folder(id: $folderId) {\n      id\n      name\n      parentFolderId\n      contents(first: $first, after: $after, type: ALL, sort: NAME, order: ASCENDING) {\n        edges {\n          cursor\n          node {\n            __typename\n            ... on FolderMetadata {\n              id\n              name\n              modifiedTimestamp\n            }\n            ... on DocumentMetadata {\n              ...ListedDocument\n            }\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.FolderPageDocument,
    "\n  fragment ListedDocument on DocumentMetadata {\n    id\n    modifiedTimestamp\n    latestVersionMetadata {\n      id\n      name\n      size\n      status\n      contentType\n      source {\n        original\n      }\n    }\n    creator {\n      id\n      username\n      givenName\n      surname\n    }\n    versions {\n      id\n    }\n  }\n": types.ListedDocumentFragmentDoc,
    "\n  query ListedDocumentById($id: ID!) {\n    document(id: $id) {\n      ...ListedDocument\n    }\n  }\n": types.ListedDocumentByIdDocument,
    "\n  mutation InitiateUpload($input: InitiateDocumentVersionUploadInput!) {\n    initiateDocumentVersionUpload(input: $input) {\n      __typename\n      ... on InitiateDocumentVersionUploadPayload {\n        metadata {\n          id\n          latestVersionMetadata {\n            id\n          }\n        }\n        uploadMetadata {\n          uploadUrl\n          signedHeaders {\n            name\n            value\n          }\n        }\n      }\n      ...UploadUserError\n    }\n  }\n": types.InitiateUploadDocument,
    "\n  mutation CompleteUpload($documentId: ID!, $versionId: ID!) {\n    completeDocumentVersionUpload(documentId: $documentId, versionId: $versionId) {\n      __typename\n      ... on CompleteDocumentVersionUploadPayload {\n        document {\n          ...ListedDocument\n        }\n      }\n      ...UploadUserError\n    }\n  }\n": types.CompleteUploadDocument,
    "\n  mutation AbortUpload($documentId: ID!, $versionId: ID!) {\n    abortDocumentVersionUpload(documentId: $documentId, versionId: $versionId) {\n      __typename\n      ... on AbortDocumentVersionUploadPayload {\n        documentId\n        versionId\n      }\n      ...UploadUserError\n    }\n  }\n": types.AbortUploadDocument,
    "\n  fragment UploadUserError on UserError {\n    __typename\n    code\n    message\n    requestId\n    ... on EntityNotExistsError {\n      entityIds\n    }\n    ... on InvalidArgumentError {\n      field\n    }\n  }\n": types.UploadUserErrorFragmentDoc,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      id\n      username\n      givenName\n      surname\n      rootFolderId\n      storage {\n        storageUtilizedInBytes\n        storageAllocatedInBytes\n        storageType\n      }\n    }\n  }\n"): typeof import('./graphql').MeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FolderPage($folderId: ID!, $first: Int!, $after: String) {\n    folder(id: $folderId) {\n      id\n      name\n      parentFolderId\n      contents(first: $first, after: $after, type: ALL, sort: NAME, order: ASCENDING) {\n        edges {\n          cursor\n          node {\n            __typename\n            ... on FolderMetadata {\n              id\n              name\n              modifiedTimestamp\n            }\n            ... on DocumentMetadata {\n              ...ListedDocument\n            }\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').FolderPageDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ListedDocument on DocumentMetadata {\n    id\n    modifiedTimestamp\n    latestVersionMetadata {\n      id\n      name\n      size\n      status\n      contentType\n      source {\n        original\n      }\n    }\n    creator {\n      id\n      username\n      givenName\n      surname\n    }\n    versions {\n      id\n    }\n  }\n"): typeof import('./graphql').ListedDocumentFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ListedDocumentById($id: ID!) {\n    document(id: $id) {\n      ...ListedDocument\n    }\n  }\n"): typeof import('./graphql').ListedDocumentByIdDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation InitiateUpload($input: InitiateDocumentVersionUploadInput!) {\n    initiateDocumentVersionUpload(input: $input) {\n      __typename\n      ... on InitiateDocumentVersionUploadPayload {\n        metadata {\n          id\n          latestVersionMetadata {\n            id\n          }\n        }\n        uploadMetadata {\n          uploadUrl\n          signedHeaders {\n            name\n            value\n          }\n        }\n      }\n      ...UploadUserError\n    }\n  }\n"): typeof import('./graphql').InitiateUploadDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CompleteUpload($documentId: ID!, $versionId: ID!) {\n    completeDocumentVersionUpload(documentId: $documentId, versionId: $versionId) {\n      __typename\n      ... on CompleteDocumentVersionUploadPayload {\n        document {\n          ...ListedDocument\n        }\n      }\n      ...UploadUserError\n    }\n  }\n"): typeof import('./graphql').CompleteUploadDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AbortUpload($documentId: ID!, $versionId: ID!) {\n    abortDocumentVersionUpload(documentId: $documentId, versionId: $versionId) {\n      __typename\n      ... on AbortDocumentVersionUploadPayload {\n        documentId\n        versionId\n      }\n      ...UploadUserError\n    }\n  }\n"): typeof import('./graphql').AbortUploadDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment UploadUserError on UserError {\n    __typename\n    code\n    message\n    requestId\n    ... on EntityNotExistsError {\n      entityIds\n    }\n    ... on InvalidArgumentError {\n      field\n    }\n  }\n"): typeof import('./graphql').UploadUserErrorFragmentDoc;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
